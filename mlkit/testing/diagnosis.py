"""Naming a mistake only when the evidence singles it out.

A wrong answer that equals what a catalogued mistake gives on a test's inputs
may still be another mistake, one whose values happen to coincide there (with
few inputs, or with outputs of 0 and 1, many do). So a failed check does not
stop at matching values. Given the student's function (``probe``), it

- **narrows the candidates**: it calls the function again on inputs near the
  test's (float arrays moved by random noise, integer and label arrays
  shuffled, float parameters scaled, all seeded), and keeps the catalogued
  mistakes that still give what the student's function gives. One left: the
  mistake is named. Several: the message says "either ... or ...". None: no
  mistake is named, since a wrong "likely mistake" is worse than none.
- **looks for properties** of the wrong answer that no value table sees,
  each described as data (:data:`PROPERTIES`: its message, its book section
  and the probe of :mod:`mlkit.testing.probes` that finds it): booleans or
  integers came back, the result is the transpose, the inputs were changed
  in place, a parameter is ignored, one example's result depends on the
  others of its batch (a reduction over the wrong axis or the whole batch),
  one example gives another answer alone than in its batch, a size is
  hard-coded. The last ones compare the student's function with the right
  one (``reference``) on inputs made for the purpose.

Example:
    >>> import numpy as np
    >>> from mlkit.testing.book import explained_in
    >>> @explained_in("neurons", "neurons-tlu")
    ... def tlu(x, w, b):
    ...     z = x @ w
    ...     return {"the bias was left out": (z > 0) * 1.0,
    ...             "the bias was subtracted": (z - b > 0) * 1.0}
    >>> x = np.array([[0.5, -0.25], [0.25, 0.5], [-0.5, 0.25]])
    >>> w, b = np.array([1.0, 1.0]), 0.0
    >>> wrong = lambda x, w, b: (x @ w - b > 0) * 1.0   # the student subtracts b
    >>> table = tlu(x, w, b)
    >>> matching(wrong(x, w, b), table)                  # b = 0: both fit
    ['the bias was left out', 'the bias was subtracted']
    >>> narrowed(matching(wrong(x, w, b), table), table, wrong)
    ['the bias was subtracted']
"""

import copy
import time
import types
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from mlkit.messages import Message, tr
from mlkit.testing import probes

__all__ = ["PROPERTIES", "Finding", "Property", "found_properties", "matching", "narrowed",
           "perturbed"]

ROUNDS = 10  # probes of the candidates: each rules out those that no longer fit
PROBE_SECONDS = 5.0  # no further probe once the student's function took this long


_same = probes.same  # equal numeric arrays of one shape, within the tolerances


def matching(actual, table, rtol=1e-6, atol=1e-8):
    """The descriptions of every mistake in ``table`` whose value equals ``actual``."""
    return [description for description, wrong in (table or {}).items()
            if _same(actual, wrong, rtol, atol)]


# Arguments holding labels: a probe shuffles them (they stay labels) instead of moving them.
LABELS = frozenset({"y", "Y", "y_true", "Y_true", "labels", "targets", "t", "T"})


def _perturb(value, rng, label=False, scale=1.0):
    """A value of the same kind near ``value``: what a probe passes instead."""
    if isinstance(value, bool | np.bool_) or value is None:
        return value
    if isinstance(value, int | np.integer):
        return value  # counts, seeds, sizes: kept
    if isinstance(value, float | np.floating):
        factor = np.exp(rng.uniform(-scale, scale))  # same sign, within a factor e ** scale
        return type(value)(value * factor if value else rng.uniform(-scale, scale))
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf" and value.size:
        if value.ndim == 0:
            return np.asarray(_perturb(value.item(), rng, scale=scale), dtype=value.dtype)
        if label or value.dtype.kind in "biu":  # labels, counts: the same values, reordered
            return value[rng.permutation(len(value))] if len(value) > 1 else value.copy()
        spread = float(np.std(value)) or float(np.abs(value).max()) or 1.0
        return (value + rng.normal(0.0, scale * spread, value.shape)).astype(value.dtype)
    if isinstance(value, list | tuple):
        return type(value)(_perturb(item, rng, label, scale) for item in value)
    return value


def perturbed(args, kwargs, rng, names=(), scale=1.0):
    """``(args, kwargs)`` near the given ones (see the module's description).

    Args:
        args, kwargs: the test's inputs.
        rng: a NumPy random generator.
        names: the names of the positional parameters, so that those holding
            labels (:data:`LABELS`) are shuffled rather than moved.
        scale: how far: float arrays move by ``scale`` times their spread,
            numbers by a factor up to ``e ** scale``.
    """
    names = list(names) + [None] * len(args)
    return ([_perturb(a, rng, names[i] in LABELS, scale) for i, a in enumerate(args)],
            {k: _perturb(v, rng, k in LABELS, scale) for k, v in kwargs.items()})


# how far each probe moves the inputs: near ones tell apart mistakes that differ only
# close to a threshold, far ones those that differ elsewhere
SCALES = (1.0, 0.1, 0.3)


def narrowed(candidates, table, probe, rtol=1e-6, atol=1e-8, seed=0):
    """The candidates that still fit when ``probe`` is called on inputs near the test's.

    Args:
        candidates: descriptions of the mistakes whose values fit the test's inputs.
        table: the :class:`~mlkit.testing.book.MistakeTable` they come from,
            which knows its inputs and how to compute the mistakes on others.
        probe: the student's function, called as the table's catalogue is.
        seed: the seed of the probes' inputs.

    Returns:
        The candidates that fit every probe, in their order. The candidates
        unchanged when the table cannot be recomputed; none when the student's
        function fails on a probe.
    """
    inputs = getattr(table, "inputs", None)
    if len(candidates) == 0 or probe is None or inputs is None:
        return list(candidates)
    rng = np.random.default_rng(seed)
    left = list(candidates)
    for round_ in range(ROUNDS):
        args, kwargs = perturbed(*inputs, rng, table.parameters, SCALES[round_ % len(SCALES)])
        try:
            # a mistake may overflow on nearby inputs as it did on the test's: its warnings
            # are part of the evidence, not a failure of the probe
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                copies = copy.deepcopy((args, kwargs))
                again = table.recompute(*copies[0], **copies[1])
                start = time.perf_counter()
                answer = probe(*args, **kwargs)
            slow = time.perf_counter() - start > PROBE_SECONDS
        except Exception:  # the student's function (or a mistake) fails on these inputs
            return []
        left = [d for d in left if d in again and _same(answer, again[d], rtol, atol)]
        if not left or slow:
            break
    return left


@dataclass(frozen=True)
class Property:
    """A property of a wrong answer, found by looking at it or by calling the function again.

    Attributes:
        key: its identity, e.g. ``"in-place"``.
        sentence: what the student is told, in words only (no value), a
            :class:`~mlkit.messages.Message` whose parameters the probe gives
            (the name of an ignored parameter).
        look: the probe of :mod:`mlkit.testing.probes` that finds it.
        section: ``(chapter, label)`` of the book section that explains it, or
            None for the section on the computation being checked.
    """

    key: str
    sentence: str
    look: Callable
    section: tuple | None = None

    def said(self, **params):
        """The sentence with the probe's parameters in it."""
        return Message(self.sentence.msgid, params) if params else self.sentence


@dataclass(frozen=True)
class Finding:
    """A property a probe found, with the parameters of its sentence."""

    key: str
    params: dict = field(default_factory=dict)

    @property
    def sentence(self):
        return PROPERTIES[self.key].said(**self.params)

    @property
    def section(self):
        return PROPERTIES[self.key].section


SHAPES = ("matrix_notation", "matrix-notation-shapes")

# In the order they are looked for: a property found by looking needs no call.
PROPERTIES = types.MappingProxyType({p.key: p for p in [
    Property("not-float", tr("the result holds booleans or integers where floats are expected: "
                             "convert with .astype(float) (or float(...))"), probes.not_float),
    Property("transposed", tr("the result is the transpose of the right answer"),
             probes.transposed, SHAPES),
    Property("in-place", tr("the function changed its input array in place: work on a copy "
                            "(x = x.copy(), or an expression that makes a new array)"),
             probes.in_place),
    Property("ignored", tr("the parameter %(parameter)s is ignored: changing it does not change "
                           "the result, as it should", parameter=""), probes.ignored_parameter),
    Property("mixes-examples", tr("the result for one example depends on the other examples of "
                                  "the batch: a sum, mean or max ran over the wrong axis or over "
                                  "the whole batch"), probes.mixes_examples),
    Property("batch-of-one", tr("one example alone does not give what it gives in its batch: "
                                "check the shapes for a batch of one (a squeeze, or a sum over "
                                "the wrong axis)"), probes.batch_of_one, SHAPES),
    Property("hard-coded-size", tr("a size is hard-coded (a number of classes, units or "
                                   "features): the function gives the right answer for another "
                                   "size but not for this one; take sizes from the arrays' "
                                   "shapes"), probes.hard_coded_size, SHAPES),
]})


def found_properties(actual, expected, probe=None, inputs=None, rtol=1e-6, atol=1e-8, *,
                     parameters=(), reference=None):
    """The :data:`PROPERTIES` the wrong answer ``actual`` shows, as :class:`Finding` s.

    Args:
        actual, expected: the student's answer and the right one, as arrays.
        probe: the student's function, to call again; None looks at values only.
        inputs: ``(args, kwargs)`` it was called with.
        parameters: the names of its positional parameters.
        reference: the right function, called as ``probe`` is; the probes that
            compare with it (a parameter ignored, the wrong axis, a hard-coded
            size) need it.

    A probe that fails (the student's function raises, or the probes' time
    is spent) finds nothing.
    """
    evidence = probes.Evidence(actual, expected, probe, inputs, tuple(parameters), reference,
                               rtol, atol)
    found = []
    for key, property_ in PROPERTIES.items():
        calls = property_.look not in (probes.not_float, probes.transposed)
        if calls and (probe is None or inputs is None):
            continue
        try:
            params = property_.look(evidence)
        except Exception:
            continue
        if params is not None:
            found.append(Finding(key, params))
    return found
