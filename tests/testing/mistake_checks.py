"""The checks every module of mlkit.testing.mistakes passes, shared by its test modules."""

import numpy as np
import pytest

from mlkit.testing import assert_close
from mlkit.testing import mistakes as all_mistakes


def assert_exported(module):
    """Every function of a mistakes module is exported by mlkit.testing.mistakes itself."""
    assert set(module.__all__) <= set(all_mistakes.__all__)
    for name in module.__all__:
        assert getattr(all_mistakes, name) is getattr(module, name), name


def assert_not_vacuous(name, right, wrong):
    """There are mistakes, and none of them gives the right answer."""
    assert wrong, f"{name} lists no mistakes for this input"
    right = np.asarray(right)
    for description, value in wrong.items():
        value = np.asarray(value)
        same = value.shape == right.shape and np.allclose(value, right, equal_nan=True)
        assert not same, f"{name}: the mistake {description!r} gives the right answer"


def assert_distinct(wrong):
    """No two mistakes give the same value."""
    values = list(wrong.items())
    for i, (first, a) in enumerate(values):
        for second, b in values[i + 1:]:
            a, b = np.asarray(a), np.asarray(b)
            assert a.shape != b.shape or not np.allclose(a, b, equal_nan=True), (first, second)


def assert_each_is_named(right, wrong, *, same_shape_only=False):
    """Each mistake's value, checked with assert_close, is named as the likely mistake.

    With ``same_shape_only``, values of another shape than the right answer are
    skipped: assert_close reports them as a wrong shape.
    """
    for description, value in wrong.items():
        if same_shape_only and np.shape(value) != np.shape(right):
            continue
        with pytest.raises(AssertionError) as info:
            assert_close(value, right, mistakes=wrong)
        assert f"\nLikely mistake: {description}\n" in f"{info.value}\n"
