"""Fixtures of the grading harness (see ``harness.py``)."""

import pytest

from tests.grading.harness import grade_class


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory):
    """``graded_class(assignment)``: the :class:`GradedClass` of an assignment, graded once."""
    cache = {}

    def get(assignment):
        if assignment not in cache:
            cache[assignment] = grade_class(assignment, tmp_path_factory.mktemp(assignment))
        return cache[assignment]

    return get
