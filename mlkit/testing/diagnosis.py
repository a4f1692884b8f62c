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
  each described as data (:data:`PROPERTIES`): the inputs were changed in
  place, booleans or integers came back, the result is the transpose, one
  example gives another answer alone than in its batch.

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
from dataclasses import dataclass

import numpy as np

from mlkit.messages import tr

__all__ = ["PROPERTIES", "Property", "found_properties", "matching", "narrowed", "perturbed"]

ROUNDS = 10  # probes of the candidates: each rules out those that no longer fit
PROBE_SECONDS = 5.0  # no further probe once the student's function took this long


def _numpy(value):
    return np.asarray(value.numpy() if hasattr(value, "numpy") else value)


def _same(a, b, rtol, atol):
    a, b = _numpy(a), _numpy(b)
    if a.shape != b.shape or a.dtype.kind not in "biuf" or b.dtype.kind not in "biuf":
        return False
    with np.errstate(invalid="ignore"):
        return bool(np.allclose(a.astype(np.float64), b.astype(np.float64), rtol=rtol,
                                atol=atol, equal_nan=True))


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
            :class:`~mlkit.messages.Message`.
    """

    key: str
    sentence: str


PROPERTIES = {
    "in-place": Property("in-place", tr("the function changed its input array in place: work "
                                        "on a copy (x = x.copy(), or an expression that makes a "
                                        "new array)")),
    "not-float": Property("not-float", tr("the result holds booleans or integers where floats "
                                          "are expected: convert with .astype(float) (or "
                                          "float(...))")),
    "transposed": Property("transposed", tr("the result is the transpose of the right answer")),
    "batch-of-one": Property("batch-of-one", tr("one example alone does not give what it gives "
                                                "in its batch: check the shapes for a batch of "
                                                "one (a squeeze, or a sum over the wrong axis)")),
}


def _rowwise(args, actual):
    """The first argument, if the answer has one row per row of it (a batch)."""
    first = args[0] if args else None
    first = _numpy(first) if first is not None and hasattr(first, "shape") else None
    if first is None or first.ndim < 2 or first.shape[0] < 2:
        return None
    if actual.ndim == 0 or actual.shape[0] != first.shape[0]:
        return None
    return first


def found_properties(actual, expected, probe=None, inputs=None, rtol=1e-6, atol=1e-8):
    """The :data:`PROPERTIES` the wrong answer ``actual`` shows, as a list of keys.

    Args:
        actual, expected: the student's answer and the right one, as arrays.
        probe: the student's function, to call again; None looks at values only.
        inputs: ``(args, kwargs)`` it was called with.
    """
    found = []
    if actual.dtype.kind in "biu" and expected.dtype.kind == "f":
        found.append("not-float")
    if actual.ndim == 2 and actual.shape == expected.shape[::-1] \
            and _same(actual.T, expected, rtol, atol):
        found.append("transposed")
    if probe is None or inputs is None:
        return found
    args, kwargs = inputs
    try:
        copies = copy.deepcopy((list(args), dict(kwargs)))
        probe(*copies[0], **copies[1])
        before = [*args, *kwargs.values()]
        after = [*copies[0], *copies[1].values()]
        if any(isinstance(a, np.ndarray) and not np.array_equal(a, b, equal_nan=a.dtype.kind
                                                                  == "f")
               for a, b in zip(before, after, strict=True)):
            found.append("in-place")
        batch = _rowwise(args, actual)
        if batch is not None:
            alone = _numpy(probe(copy.deepcopy(batch[:1]), *copy.deepcopy(list(args[1:])),
                                 **copy.deepcopy(dict(kwargs))))
            if not _same(alone, actual[:1], rtol, atol):
                found.append("batch-of-one")
    except Exception:  # the function fails on a copy or on one example: nothing more to say
        return found
    return found
