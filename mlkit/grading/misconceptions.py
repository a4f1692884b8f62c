"""What the class got wrong: the checker's failures, counted by student.

Every function takes the list of :class:`~mlkit.grading.checks.Outcome` that
:func:`mlkit.grading.checks.read_class` reads from the autograded notebooks
and counts **students**, not failures: a student whose one mistake fails three
checks counts once for it.

- :func:`ranked` — per assignment, the mistakes ranked by how many students made them;
- :func:`by_test` — per test cell, what its failing students got wrong;
- :func:`struggling` — across assignments, the students who fail the same idea again.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from mlkit.grading.checks import idea_of

__all__ = ["Misconception", "Struggle", "by_test", "ranked", "struggling"]


@dataclass
class Misconception:
    """One mistake (or, where a check names none, one failed check) and who made it.

    Attributes:
        text: the mistake as the check named it, or ``"failed: <check>"``.
        link: the book section that explains it (the first one recorded), or None.
        students: the students who made it, sorted.
        tests: the test cells in which it was recognised, sorted.
    """

    text: str
    link: str | None = None
    students: list = field(default_factory=list)
    tests: list = field(default_factory=list)


def _group(failures):
    groups = {}
    for outcome in failures:
        entry = groups.setdefault(outcome.misconception, [outcome.link, set(), set()])
        entry[0] = entry[0] or outcome.link
        entry[1].add(outcome.student)
        entry[2].add(outcome.test)
    found = [Misconception(text, link, sorted(students), sorted(tests))
             for text, (link, students, tests) in groups.items()]
    return sorted(found, key=lambda item: (-len(item.students), item.text))


def ranked(outcomes):
    """Per assignment, its mistakes ranked by the number of students who made them.

    Args:
        outcomes: a list of :class:`~mlkit.grading.checks.Outcome`.

    Returns:
        dict assignment -> list of :class:`Misconception`, most students first
        (ties by text).

    Example:
        >>> from mlkit.grading.checks import Outcome
        >>> out = [Outcome("a", s, "nb", "t1", "c", False, mistake=m)
        ...        for s, m in [("s1", "sign"), ("s2", "sign"), ("s3", "shape")]]
        >>> [(m.text, m.students) for m in ranked(out)["a"]]
        [('sign', ['s1', 's2']), ('shape', ['s3'])]
    """
    failures = defaultdict(list)
    for outcome in outcomes:
        if not outcome.passed:
            failures[outcome.assignment].append(outcome)
    return {assignment: _group(found) for assignment, found in sorted(failures.items())}


def by_test(outcomes):
    """Per assignment and test cell, what the students who failed it got wrong.

    Returns:
        dict assignment -> {test grade_id -> list of :class:`Misconception`}.
    """
    failures = defaultdict(lambda: defaultdict(list))
    for outcome in outcomes:
        if not outcome.passed:
            failures[outcome.assignment][outcome.test].append(outcome)
    return {assignment: {test: _group(found) for test, found in sorted(tests.items())}
            for assignment, tests in sorted(failures.items())}


@dataclass
class Struggle:
    """A student who failed one idea again.

    Attributes:
        student: the student's id.
        idea: the book section (or, for checks that link none, ``"assignment: test"``).
        assignments: the assignments in which the student failed it, sorted.
        tests: ``"assignment: test"`` of every test cell in which they failed it, sorted.
        mistakes: the mistakes (or failed checks) recognised, sorted.
    """

    student: str
    idea: str
    assignments: list
    tests: list
    mistakes: list


def struggling(outcomes, *, at_least=2):
    """The students who fail the same idea again, to reach out to.

    A student *struggles with an idea* (a book section, see
    :func:`~mlkit.grading.checks.idea_of`) when they made at least ``at_least``
    different failures about it: different mistakes in one assignment, or a
    mistake about it in each of several assignments. One mistake that fails
    several test cells of one assignment (a wrong sigmoid fails both of its
    tests) counts once: that is not "again"; so does a failure that names no
    mistake beside a named one about the same idea in the same assignment (a
    sigmoid with the wrong sign also overflows: its stability check fails,
    naming no mistake).

    Args:
        outcomes: a list of :class:`~mlkit.grading.checks.Outcome`.
        at_least: how many different (assignment, mistake) failures make "again" (>= 2).

    Returns:
        A list of :class:`Struggle`, those failing across most assignments first,
        then most mistakes, then by student.

    Example:
        >>> from mlkit.grading.checks import Outcome
        >>> sig = "book/x.html#sig"
        >>> out = [Outcome("a1", "kim", "nb", "t", "c", False, mistake="sign", link=sig),
        ...        Outcome("a2", "kim", "nb", "u", "c", False, mistake="sign", link=sig),
        ...        Outcome("a2", "lee", "nb", "u", "c", False, mistake="sign", link=sig),
        ...        Outcome("a2", "lee", "nb", "v", "c", False, mistake="sign", link=sig)]
        >>> [(s.student, s.assignments) for s in struggling(out)]
        [('kim', ['a1', 'a2'])]
    """
    if at_least < 2:
        raise ValueError(f"at_least must be 2 or more (failing an idea again); got {at_least}")
    found = defaultdict(lambda: (set(), set(), set(), set()))
    for outcome in outcomes:
        if not outcome.passed:
            failures, tests, mistakes, named = found[(outcome.student, idea_of(outcome))]
            failures.add((outcome.assignment, outcome.misconception))
            tests.add(f"{outcome.assignment}: {outcome.test}")
            mistakes.add(outcome.misconception)
            if outcome.mistake:
                named.add((outcome.assignment, outcome.misconception))
    result = []
    for (student, idea), (failures, tests, mistakes, named) in found.items():
        with_names = {assignment for assignment, _ in named}
        counted = {failure for failure in failures
                   if failure in named or failure[0] not in with_names}
        if len(counted) >= at_least:
            result.append(Struggle(student, idea, sorted({a for a, _ in counted}),
                                   sorted(tests), sorted(mistakes)))
    return sorted(result, key=lambda s: (-len(s.assignments), -len(s.mistakes), s.student,
                                         s.idea))
