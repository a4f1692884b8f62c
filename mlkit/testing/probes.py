"""Probes: the student's function called again on inputs made to expose one property.

Each probe takes the :class:`Evidence` of a failed check (the wrong answer,
the right one, the student's function, the inputs it was called with and,
when the test cell gives one, the right function) and returns what it found
(a dict of the message's parameters, empty when there are none) or None. It
reports only what the evidence singles out: when a call fails, takes too long
or the right function does not behave as the probe assumes, it reports
nothing. :data:`mlkit.testing.diagnosis.PROPERTIES` says which probe finds
which property, with its message and its book section.

Example:
    >>> import numpy as np
    >>> def leaky_relu(x, negative_slope=0.01):   # the student's: the slope is ignored
    ...     return np.where(x > 0, x, 0.01 * x)
    >>> def right(x, negative_slope=0.01):
    ...     return np.where(x > 0, x, negative_slope * x)
    >>> x = np.array([-2.0, 1.0])
    >>> evidence = Evidence(leaky_relu(x, 0.1), right(x, 0.1), leaky_relu, ([x, 0.1], {}),
    ...                     ("x", "negative_slope"), right)
    >>> ignored_parameter(evidence)
    {'parameter': 'negative_slope'}
"""

import copy
import time
from dataclasses import dataclass, field, replace

import numpy as np

__all__ = ["Evidence", "batch_of_one", "hard_coded_size", "ignored_parameter", "in_place",
           "mixes_examples", "not_float", "transposed"]

BUDGET_SECONDS = 5.0  # all the probes of one failed check: no further call after this long

# Integer parameters that are no size of the data: never changed by the size probe.
NOT_SIZES = frozenset({"axis", "seed", "num_epochs", "epochs", "num_steps", "steps",
                       "batch_size", "verbose", "random_state"})

# The sizes students most often write into their code (2 inputs or hidden units, 10 classes).
USUAL_SIZES = (2, 3, 10)


def _numpy(value):
    return np.asarray(value.numpy() if hasattr(value, "numpy") else value)


def same(a, b, rtol, atol):
    """Whether ``a`` and ``b`` are numeric arrays of one shape, equal within the tolerances."""
    a, b = _numpy(a), _numpy(b)
    if a.shape != b.shape or a.dtype.kind not in "biuf" or b.dtype.kind not in "biuf":
        return False
    with np.errstate(invalid="ignore"):
        return bool(np.allclose(a.astype(np.float64), b.astype(np.float64), rtol=rtol,
                                atol=atol, equal_nan=True))


@dataclass
class Evidence:
    """What a failed check knows, for the probes to look at.

    Attributes:
        actual, expected: the student's answer and the right one, as arrays.
        probe: the student's function, or None.
        inputs: ``(args, kwargs)`` the answer came from, or None.
        parameters: the names of the positional parameters.
        reference: the right function, called as ``probe`` is, or None.
        rtol, atol: the check's tolerances.
    """

    actual: np.ndarray
    expected: np.ndarray
    probe: object = None
    inputs: tuple | None = None
    parameters: tuple = ()
    reference: object = None
    rtol: float = 1e-6
    atol: float = 1e-8
    deadline: float = field(default_factory=lambda: time.perf_counter() + BUDGET_SECONDS)

    def __post_init__(self):
        self.actual, self.expected = _numpy(self.actual), _numpy(self.expected)

    def call(self, function, args, kwargs):
        """``function`` on copies of the inputs, as an array; raises once the budget is spent."""
        if time.perf_counter() > self.deadline:
            raise TimeoutError("the probes' time is spent")
        args, kwargs = copy.deepcopy((list(args), dict(kwargs)))
        return _numpy(function(*args, **kwargs))

    def both(self, args, kwargs):
        """``(student's answer, right answer)`` on these inputs."""
        return self.call(self.probe, args, kwargs), self.call(self.reference, args, kwargs)

    def same(self, a, b):
        return same(a, b, self.rtol, self.atol)

    def named(self):
        """``[(name, value, where)]`` of every input; ``where`` is a position or a keyword."""
        args, kwargs = self.inputs
        names = list(self.parameters) + [None] * len(args)
        return ([(names[i], value, i) for i, value in enumerate(args)]
                + [(key, value, key) for key, value in kwargs.items()])

    def replaced(self, changes):
        """The inputs with ``{where: value}`` put in."""
        args, kwargs = list(self.inputs[0]), dict(self.inputs[1])
        for where, value in changes.items():
            if isinstance(where, int):
                args[where] = value
            else:
                kwargs[where] = value
        return args, kwargs


# Looked at, not probed.

def not_float(evidence):
    """Booleans or integers came back where the right answer holds floats."""
    if evidence.actual.dtype.kind in "biu" and evidence.expected.dtype.kind == "f":
        return {}
    return None


def transposed(evidence):
    """The answer is the transpose of the right one (and is not symmetric)."""
    actual, expected = evidence.actual, evidence.expected
    if actual.ndim == 2 and actual.shape == expected.shape[::-1] \
            and evidence.same(actual.T, expected):
        return {}
    return None


# Probed: the student's function called again.

def in_place(evidence):
    """An array input holds other values after the call than before."""
    args, kwargs = evidence.inputs
    copies = copy.deepcopy((list(args), dict(kwargs)))
    evidence.probe(*copies[0], **copies[1])
    before, after = [*args, *kwargs.values()], [*copies[0], *copies[1].values()]
    if any(isinstance(a, np.ndarray) and not np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
           for a, b in zip(before, after, strict=True)):
        return {}
    return None


def _batch(evidence):
    """The first input, when it is a batch (2-d or more, 2 rows or more) and the answer
    has one row per example; else None."""
    args = evidence.inputs[0]
    first = _numpy(args[0]) if args and hasattr(args[0], "shape") else None
    if first is None or first.ndim < 2 or first.shape[0] < 2:
        return None
    actual = evidence.actual
    if actual.ndim == 0 or actual.shape[0] != first.shape[0]:
        return None
    return first


def _rowwise(evidence, batch, rows, at=0):
    """Whether the right function gives, for ``rows`` of the batch alone, its rows in the batch
    from row ``at`` on.

    Without a right function the probes assume it does, as a function of one
    example applied to each row of a batch does.
    """
    if evidence.reference is None:
        return True
    args, kwargs = evidence.inputs
    whole = evidence.call(evidence.reference, args, kwargs)
    part = evidence.call(evidence.reference, [rows, *args[1:]], kwargs)
    return whole.ndim > 0 and evidence.same(part, whole[at:at + len(rows)])


def mixes_examples(evidence):
    """One example's result changes when only the other examples of the batch change,
    where the right function's does not: a reduction over the wrong axis or the whole batch.

    The first example and the last are each kept while the others change (a
    maximum over the whole batch moves the example with the smaller values).
    Needs the right function: only it says that examples are independent.
    """
    batch = _batch(evidence)
    if batch is None or evidence.reference is None or batch.dtype.kind != "f":
        return None
    args, kwargs = evidence.inputs
    spread = float(np.std(batch)) or 1.0
    for kept in (0, len(batch) - 1):
        rng = np.random.default_rng(0)
        others = batch.copy()
        rest = np.arange(len(batch)) != kept
        others[rest] = batch[rest] + rng.normal(0.0, spread, batch[rest].shape)
        others[rest] *= 2.0  # far from the test's rows, so that any mixing shows
        student, right = evidence.both([others, *args[1:]], kwargs)
        row = slice(kept, kept + 1)
        if not _rowwise(evidence, batch, batch[row], kept) \
                or right.shape != evidence.expected.shape \
                or student.shape != evidence.actual.shape:
            return None
        if evidence.same(right[row], evidence.expected[row]) \
                and not evidence.same(student[row], evidence.actual[row]):
            return {}
    return None


def batch_of_one(evidence):
    """One example alone, as a batch of one, does not come back as it does in its batch."""
    batch = _batch(evidence)
    if batch is None:
        return None
    args, kwargs = evidence.inputs
    alone = evidence.call(evidence.probe, [batch[:1], *args[1:]], kwargs)
    if evidence.same(alone, evidence.actual[:1]) or not _rowwise(evidence, batch, batch[:1]):
        return None
    if alone.shape != evidence.actual[:1].shape:
        return {}  # flattened or squeezed: a shape problem, whatever else is wrong
    return None if mixes_examples(evidence) is not None else {}


def _changed(value, name, first):
    """Other values for a parameter, to see whether the answer follows it; () for none."""
    if isinstance(value, bool | np.bool_):
        return ()
    if name == "axis" and isinstance(value, int | np.integer):
        ndim = _numpy(first).ndim if first is not None else 0
        return tuple(a for a in range(-ndim, ndim) if a % ndim != value % ndim)[:2] if ndim \
            else ()
    if isinstance(value, float | np.floating):
        return (value * 2.0, value / 2.0) if value else (0.5, 1.5)
    return ()


def ignored_parameter(evidence):
    """Changing a parameter (a float such as ``alpha`` or ``lr``, or ``axis``) changes the
    right answer but not the student's: the parameter is ignored."""
    if evidence.reference is None:
        return None
    args, kwargs = evidence.inputs
    first = args[0] if args else None
    student0 = evidence.call(evidence.probe, args, kwargs)
    right0 = evidence.call(evidence.reference, args, kwargs)
    for name, value, where in evidence.named():
        others = _changed(value, name, first)
        if not others or name is None:
            continue
        ignored = True
        for other in others:
            student, right = evidence.both(*evidence.replaced({where: other}))
            if evidence.same(right, right0) or not evidence.same(student, student0):
                ignored = False
                break
        if ignored:
            return {"parameter": name}
    return None


def _resized(array, size, new, rng, first=0):
    """``array`` with every axis from ``first`` on that is ``size`` long made ``new`` long:
    cut, or grown with random values of the array's spread."""
    for axis in range(first, array.ndim):
        if array.shape[axis] != size:
            continue
        if new < size:
            array = np.take(array, np.arange(new), axis=axis)
            continue
        shape = list(array.shape)
        shape[axis] = new - size
        spread = float(np.std(array)) or 1.0
        extra = rng.normal(0.0, spread, shape).astype(array.dtype)
        array = np.concatenate([array, extra], axis=axis)
    return array


def _sizes(evidence):
    """``(sizes, taken)``: the sizes a probe may change (lengths of the float arrays' axes but
    the batch's, integer parameters) and every length already in the inputs."""
    sizes, taken = set(), set()
    for index, (name, value, _) in enumerate(evidence.named()):
        if isinstance(value, np.ndarray):
            taken.update(value.shape)
            if value.dtype.kind == "f":
                sizes.update(value.shape[1:] if index == 0 and value.ndim > 1 else value.shape)
        elif isinstance(value, int | np.integer) and not isinstance(value, bool) \
                and name not in NOT_SIZES:
            sizes.add(int(value))
            taken.add(int(value))
    return sorted(s for s in sizes if s >= 2), taken


def _with_size(evidence, size, new, rng):
    """The inputs with every ``size`` (axis length or integer parameter) made ``new``."""
    changes = {}
    for index, (name, value, where) in enumerate(evidence.named()):
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            changes[where] = _resized(value, size, new, rng, 1 if index == 0 and value.ndim > 1
                                      else 0)
        elif isinstance(value, int | np.integer) and not isinstance(value, bool) \
                and name not in NOT_SIZES and value == size:
            changes[where] = new
    return evidence.replaced(changes)


def _calls(evidence, inputs):
    """``(student's answer, right answer)`` on ``inputs``, or None when either call fails
    (the right function not taking them says nothing; the student's failing, nothing of
    which size it keeps)."""
    try:
        right = evidence.call(evidence.reference, *inputs)
        return evidence.call(evidence.probe, *inputs), right
    except TimeoutError:
        raise
    except Exception:
        return None


def _other_sizes_agree(evidence, inputs, sizes, size, new, rng, keeps_shape):
    """Whether the student's function still behaves as a hard-coded size would when each other
    size of the inputs changes in turn: still right (``keeps_shape`` False) or still of the
    test's shape (True).

    A slice bounded by another axis, such as ``W[:, :W.shape[0]]``, is right
    while one of the two is no longer than the other, and keeps the shorter's
    length: once the other size is moved across, a constant stays right (or
    keeps its shape), such a slice does not.
    """
    probed = replace(evidence, inputs=inputs)
    for other in sizes:
        if other == size:
            continue
        if keeps_shape:
            changed = other + 1
        elif other >= new:  # a slice to `other` is right at `new`: make it shorter
            if new < 2:
                continue
            changed = new - 1
        else:  # a slice of `other` to `new` is right: make it longer
            changed = new + 1
        answers = _calls(evidence, _with_size(probed, other, changed, rng))
        if answers is None:
            continue
        student, right = answers
        if keeps_shape and student.shape != evidence.actual.shape:
            return False
        if not keeps_shape and not evidence.same(student, right):
            return False
    return True


def hard_coded_size(evidence):
    """The student's function is right for another size of the data (2 or 10, say) but
    not for the test's, or its answer keeps its shape where the right one's changes.

    A size is never changed into one the inputs already have: an answer right
    only when two sizes are equal (a square matrix) is another mistake. Nor is
    a size called hard-coded when the student's answer follows another size
    of the inputs (a slice over the wrong axis).
    """
    if evidence.reference is None:
        return None
    rng = np.random.default_rng(0)
    grow_only = any(isinstance(v, np.ndarray) and v.dtype.kind in "iu"
                    for _, v, _ in evidence.named())  # labels: fewer classes would break them
    sizes, taken = _sizes(evidence)
    for size in sizes:
        right_at, kept, tried = [], [], 0  # of the sizes tried: where right, where shape kept
        for new in sorted({*USUAL_SIZES, size + 1, size + 2} - taken):
            if grow_only and new < size:
                continue
            inputs = _with_size(evidence, size, new, rng)
            answers = _calls(evidence, inputs)
            if answers is None:
                continue
            student, right = answers
            tried += 1
            if right.size > 1 and evidence.same(student, right):
                right_at.append((new, inputs))
            elif right.shape != evidence.expected.shape \
                    and student.shape == evidence.actual.shape and student.ndim == right.ndim > 0:
                kept.append((new, inputs))
        if len(right_at) == 1 and tried > 1 and _other_sizes_agree(
                evidence, right_at[0][1], sizes, size, right_at[0][0], rng, keeps_shape=False):
            return {}  # a constant: right for one size only
        if kept and all(_other_sizes_agree(evidence, inputs, sizes, size, new, rng,
                                           keeps_shape=True) for new, inputs in kept):
            return {}  # the old size kept
    return None
