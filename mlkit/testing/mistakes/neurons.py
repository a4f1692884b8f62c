"""Typical mistakes with threshold logic units and the logic gates built from them.

See :mod:`mlkit.testing.mistakes` for how test cells use them. The functions
named after a gate (``and_weights`` and so on) list what wrong choices of the
student's weights compute: truth tables, one output per row of the inputs.

Example:
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> wrong = tlu(X, np.array([1.0, 1.0]), -1.0)
    >>> wrong[TLU.fires_at_zero]
    array([0., 1., 1., 1.])
"""

import itertools
import types
from typing import NamedTuple

import numpy as np

from mlkit.messages import tr
from mlkit.testing.book import Mistake, Section, explained_in
from mlkit.testing.mistakes._common import f64

_GATES = Section("neurons", "neurons-gates")
_LAYER = Section("neurons", "neurons-layer")
_TLU = Section("neurons", "neurons-tlu")

__all__ = [
    "tlu",
    "tlu_layer",
    "and_weights",
    "or_weights",
    "nand_weights",
    "not_weights",
    "gate_layer",
]


def _fires(z):
    return (z > 0).astype(float)


class _Threshold(NamedTuple):
    """The mistakes in a unit's pre-activation and threshold, shared by tlu and tlu_layer."""

    fires_at_zero: Mistake
    no_bias: Mistake
    bias_subtracted: Mistake
    sign_function: Mistake
    comparison_reversed: Mistake
    no_step: Mistake


def _threshold(kind, section):
    """The threshold mistakes of ``kind`` ("tlu" or "tlu-layer"), explained in ``section``."""
    def mistake(name, text):
        return Mistake(f"neurons/{kind}-{name}", text, section)

    return _Threshold(
        mistake("fires-at-zero", tr("the unit fires when w·x + b = 0: use z > 0, not z >= 0")),
        mistake("no-bias", tr("the bias was left out: z = w·x + b, not w·x")),
        mistake("bias-subtracted", tr("the bias is added, z = w·x + b; subtracting it (w·x - b) "
                                      "treats b as a threshold")),
        mistake("sign-function", tr("the output should be 0 or 1, not -1 or 1 (that is the sign "
                                    "function)")),
        mistake("comparison-reversed", tr("the comparison is the wrong way round: z < 0 instead "
                                          "of z > 0")),
        mistake("no-step", tr("the unit should return 0 or 1 (step(z)), not the weighted sum z "
                              "itself")))


TLU = _threshold("tlu", _TLU)
LAYER = _threshold("tlu-layer", _LAYER)


def _threshold_mistakes(mistakes, z_right, z_no_bias, z_minus_bias):
    """The values of the threshold ``mistakes``, from the right and two wrong pre-activations."""
    return dict(zip(mistakes, [(z_right >= 0).astype(float), _fires(z_no_bias),
                               _fires(z_minus_bias), np.sign(z_right), (z_right < 0).astype(float),
                               z_right], strict=True))


@explained_in("neurons", "neurons-tlu")
def tlu(x, w, b):
    """Mistakes in ``tlu(x, w, b) = step(w·x + b)``."""
    x, w, b = f64(x), f64(w), f64(b)
    xw = x @ w
    return _threshold_mistakes(TLU, xw + b, xw, xw - b)


W_TRANSPOSED = Mistake(
    "neurons/w-transposed",
    tr("the weights are transposed: X @ W.T uses row j of W as the weights of unit j; unit j's "
       "weights are column j, so compute X @ W"),
    _LAYER)
WRONG_ORDER = Mistake(
    "neurons/wrong-order",
    tr("the product is in the wrong order: W @ X is not X @ W (each row of X is one example, "
       "each column of W one unit)"),
    _LAYER)
BIAS_ON_ROWS = Mistake(
    "neurons/bias-on-rows",
    tr("the bias was added to the rows (one per example), not to the columns (one per unit): use "
       "X @ W + b"),
    _LAYER)


@explained_in("neurons", "neurons-layer")
def tlu_layer(X, W, b):
    """Mistakes in ``tlu_layer(X, W, b) = step(X W + b)``.

    Mistakes that fail with the given shapes (``W @ X`` for most shapes, say)
    are left out: they raise an error in the student's code instead.
    """
    X, W, b = f64(X), f64(W), f64(b)
    XW = X @ W
    found = _threshold_mistakes(LAYER, XW + b, XW, XW - b)
    shape_dependent = {
        W_TRANSPOSED: lambda: X @ W.T + b,
        WRONG_ORDER: lambda: W @ X + b,
        BIAS_ON_ROWS: lambda: XW + b[:, None],
    }
    for description, wrong_z in shape_dependent.items():
        try:
            z = wrong_z()
        except ValueError:  # these shapes do not allow this mistake
            continue
        found[description] = _fires(z)
    return found


_TRUTH_TABLES = types.MappingProxyType({
    "AND": lambda a, c: a * c,
    "OR": lambda a, c: np.maximum(a, c),
    "NAND": lambda a, c: 1.0 - a * c,
    "NOR": lambda a, c: 1.0 - np.maximum(a, c),
})


NEVER_FIRES = Mistake(
    "neurons/never-fires",
    tr("the unit never fires (all zeros): %(hint)s"),
    _GATES)
ALWAYS_FIRES = Mistake(
    "neurons/always-fires",
    tr("the unit always fires (all ones): %(hint)s"),
    _GATES)
FIRST_INPUT_ONLY = Mistake(
    "neurons/first-input-only",
    tr("the unit only looks at the first input: give both inputs a weight"),
    _GATES)
SECOND_INPUT_ONLY = Mistake(
    "neurons/second-input-only",
    tr("the unit only looks at the second input: give both inputs a weight"),
    _GATES)


def _gate_mistakes(X, hints):
    """Truth tables of the wrong gates named in ``hints``, and of units that ignore an input."""
    X = f64(X)
    a, c = X[:, 0], X[:, 1]
    n = len(X)
    found = {hints[name]: table(a, c) for name, table in _TRUTH_TABLES.items() if name in hints}
    found.update({
        NEVER_FIRES.said(hint=hints["never"]): np.zeros(n),
        ALWAYS_FIRES.said(hint=hints["always"]): np.ones(n),
        FIRST_INPUT_ONLY: a,
        SECOND_INPUT_ONLY: c,
    })
    return found


AND_COMPUTES_OR = Mistake(
    "neurons/and-computes-or",
    tr("these weights compute OR (one input of 1 is enough to fire), not AND: make the bias more "
       "negative, so that only both inputs together pass the threshold"),
    _GATES)
AND_COMPUTES_NAND = Mistake(
    "neurons/and-computes-nand",
    tr("these weights compute NAND, the opposite of AND: change the sign of the weights and of "
       "the bias"),
    _GATES)
AND_COMPUTES_NOR = Mistake(
    "neurons/and-computes-nor",
    tr("these weights compute NOR (fires only for (0, 0)), not AND: the weights should be "
       "positive and the bias negative"),
    _GATES)


@explained_in("neurons", "neurons-gates")
def and_weights(X):
    """``and_weights(X)``: what wrong ``w_and, b_and`` compute on ``X`` of shape (n, 2)."""
    return _gate_mistakes(X, {
        "OR": AND_COMPUTES_OR,
        "NAND": AND_COMPUTES_NAND,
        "NOR": AND_COMPUTES_NOR,
        "never": tr("the bias is so negative that even (1, 1) does not reach the threshold"),
        "always": tr("with (0, 0) the weighted sum is 0, so the bias alone must keep the unit "
                     "silent: it must be 0 or negative"),
    })


OR_COMPUTES_AND = Mistake(
    "neurons/or-computes-and",
    tr("these weights compute AND (both inputs needed), not OR: make the bias less negative, so "
       "that one input alone passes the threshold"),
    _GATES)
OR_COMPUTES_NOR = Mistake(
    "neurons/or-computes-nor",
    tr("these weights compute NOR, the opposite of OR: change the sign of the weights and of the "
       "bias"),
    _GATES)
OR_COMPUTES_NAND = Mistake(
    "neurons/or-computes-nand",
    tr("these weights compute NAND, not OR: the weights should be positive and the bias negative"),
    _GATES)


@explained_in("neurons", "neurons-gates")
def or_weights(X):
    """``or_weights(X)``: what wrong ``w_or, b_or`` compute on ``X`` of shape (n, 2)."""
    return _gate_mistakes(X, {
        "AND": OR_COMPUTES_AND,
        "NOR": OR_COMPUTES_NOR,
        "NAND": OR_COMPUTES_NAND,
        "never": tr("the bias is so negative that no input reaches the threshold"),
        "always": tr("with (0, 0) the weighted sum is 0, so the bias alone must keep the unit "
                     "silent: it must be 0 or negative"),
    })


NAND_COMPUTES_AND = Mistake(
    "neurons/nand-computes-and",
    tr("these weights compute AND, the opposite of NAND: change the sign of the weights and of "
       "the bias"),
    _GATES)
NAND_COMPUTES_NOR = Mistake(
    "neurons/nand-computes-nor",
    tr("these weights compute NOR (silent as soon as one input is 1), not NAND: make the bias "
       "larger, so that only both inputs together silence the unit"),
    _GATES)
NAND_COMPUTES_OR = Mistake(
    "neurons/nand-computes-or",
    tr("these weights compute OR, not NAND: the weights should be negative and the bias positive"),
    _GATES)


@explained_in("neurons", "neurons-gates")
def nand_weights(X):
    """``nand_weights(X)``: what wrong ``w_nand, b_nand`` compute on ``X`` of shape (n, 2)."""
    return _gate_mistakes(X, {
        "AND": NAND_COMPUTES_AND,
        "NOR": NAND_COMPUTES_NOR,
        "OR": NAND_COMPUTES_OR,
        "never": tr("with (0, 0) the weighted sum is 0, so the bias alone must make the unit "
                    "fire: it must be positive"),
        "always": tr("the bias is so large that even (1, 1) cannot silence the unit"),
    })


NOT_IS_IDENTITY = Mistake(
    "neurons/not-is-identity",
    tr("the unit returns its input (identity), not its negation: the weight should be negative "
       "and the bias positive"),
    _GATES)
NOT_NEVER_FIRES = Mistake(
    "neurons/not-never-fires",
    tr("the unit never fires: for the input 0 the weighted sum is 0, so the bias alone must make "
       "the unit fire; it must be positive"),
    _GATES)
NOT_ALWAYS_FIRES = Mistake(
    "neurons/not-always-fires",
    tr("the unit always fires: the weight must be negative enough that the input 1 brings w + b "
       "down to 0 or below"),
    _GATES)


@explained_in("neurons", "neurons-gates")
def not_weights(X):
    """``not_weights(X)``: what wrong ``w_not, b_not`` compute on ``X`` of shape (n, 1)."""
    x = f64(X)[:, 0]
    return {
        NOT_IS_IDENTITY: x,
        NOT_NEVER_FIRES: np.zeros(len(x)),
        NOT_ALWAYS_FIRES: np.ones(len(x)),
    }


LAYER_NO_BIASES = Mistake(
    "neurons/layer-no-biases",
    tr("the biases were left out of the layer"),
    _LAYER)
BIASES_REORDERED = Mistake(
    "neurons/biases-reordered",
    tr("the biases are in the order %(order)s while the weight columns are in the order "
       "%(asked)s: b[j] must be the bias of column j"),
    _LAYER)
UNITS_REORDERED = Mistake(
    "neurons/units-reordered",
    tr("the units are in the order %(order)s, not %(asked)s: put the columns (and the biases) in "
       "the order asked for"),
    _LAYER)


@explained_in("neurons", "neurons-layer")
def gate_layer(X, weights, biases):
    """``gate_layer(X, weights, biases)``: mistakes in stacking units into one layer.

    Args:
        X: inputs of shape (n, n_inputs).
        weights: the units' weight vectors, each of shape (n_inputs,), in the order asked for.
        biases: the units' biases, in the same order.

    Returns:
        A mapping from the description of a mistake to the (n, n_units) outputs it gives.
    """
    X = f64(X)
    W = np.column_stack([f64(w) for w in weights])
    b = f64(biases)
    units = range(len(biases))
    found = {}
    for order in itertools.permutations(units):
        if list(order) == list(units):
            continue
        asked = tuple(units)
        found[BIASES_REORDERED.said(order=order, asked=asked)] = _fires(X @ W + b[list(order)])
        found[UNITS_REORDERED.said(order=order, asked=asked)] = _fires(
            X @ W[:, order] + b[list(order)])
    found[LAYER_NO_BIASES] = _fires(X @ W)
    return found
