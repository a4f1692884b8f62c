"""The grading harness: every assignment, graded by ``mlkit-grade autograde``.

For each assignment under ``solutions/``, one throw-away course directory is
made with the repository's ``nbgrader_config.py``; ``nbgrader generate_assignment``
releases the assignment there, and ``mlkit-grade autograde`` grades, in one run,
a class of synthetic students built from the committed release: the reference
solution, the blank release, and the alternative correct answers and typical
mistakes listed in ``tests/grading/variants/<assignment>.py``.

``mlkit-grade`` is nbgrader's own ``Autograde`` converter with only the
execution swapped for a pool of pre-warmed, sandboxed workers, so a class
costs one import of NumPy, mlkit and TensorFlow per worker instead of a new
kernel and a new TensorFlow import per student. That it gives the grades of
stock ``nbgrader autograde`` is checked on real submissions by
``test_harness.py::test_mlkit_grade_gives_stock_nbgrader_grades`` (a
TensorFlow assignment) and by ``tests/autograding/test_autograde.py``.

A variants module defines two dicts, both keyed by a short name:

- ``ALTERNATIVES``: ``{name: {grade_id: source}}``, correct answers written
  differently from the reference; they must get full marks.
- ``MISTAKES``: ``{name: {"answers": {grade_id: source}, "fails": [test grade_ids]}}``,
  with ``"uses_reference": True`` for a submission that imports the course's
  reference implementations (mlkit.numpy...), which are not there when
  mlkit-grade grades it: the cells that use its result fail too;
  exactly the listed test cells must lose their points; with ``"says": {grade_id: words}``,
  the error of each of those cells must hold those words (the diagnosis a student reads).

Solution cells a variant does not name keep the reference answer.
"""

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from mlkit.grading import notebooks
from tests.helpers import ROOT, load_module, tool_env

VARIANTS_DIR = Path(__file__).resolve().parent / "variants"


def load_variants(assignment):
    """The ``ALTERNATIVES`` and ``MISTAKES`` of an assignment's variants module."""
    path = VARIANTS_DIR / f"{assignment}.py"
    if not path.exists():
        pytest.fail(f"Assignment {assignment!r} has no variants module: "
                    f"add {path.relative_to(ROOT)}")
    module = load_module(path, f"variants_{assignment}")
    return module.ALTERNATIVES, module.MISTAKES


def students(assignment):
    """Synthetic student id -> answers (``None`` for the untouched release)."""
    alternatives, mistakes = load_variants(assignment)
    class_list = {"reference": {}, "blank": None}
    class_list.update({f"alt_{name}": answers for name, answers in alternatives.items()})
    class_list.update({f"mistake_{name}": spec["answers"] for name, spec in mistakes.items()})
    return class_list


def _run(course, args, what):
    """Run a course tool in ``course``; fail the test with its output if it fails."""
    result = subprocess.run([sys.executable, "-m", *args], cwd=course, env=tool_env(),
                            capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        pytest.fail(f"{what} failed ({result.returncode}):\n"
                    f"{result.stdout[-5000:]}\n{result.stderr[-5000:]}")
    return result


def run_nbgrader(course, *args):
    """Run the nbgrader command line in ``course``."""
    return _run(course, ["nbgrader", *args], f"nbgrader {' '.join(args)}")


def grading_workers():
    """The size of mlkit-grade's pool: this process's share of the CPUs.

    Under ``pytest -n N`` the N test processes each grade their own assignments
    at the same time, so each pool gets ``cpus / N`` workers (at least one);
    more would only add TensorFlow imports that compete for the same cores.
    """
    share = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    return max(1, (os.cpu_count() or 1) // share)


def sandbox_args():
    """``mlkit-grade autograde``'s sandbox option for this machine.

    The harness runs the repository's own variants, not student code, so where
    bubblewrap is missing it grades unsandboxed, unless ``MLKIT_REQUIRE_SANDBOX=1``
    (CI) says the sandbox must be there.
    """
    from mlkit.grading.sandbox import protections

    missing = protections()["missing"]
    if not missing:
        return []
    if os.environ.get("MLKIT_REQUIRE_SANDBOX") == "1":
        pytest.fail("the grading sandbox is required here: " + "; ".join(missing))
    return ["--unsandboxed"]


def mlkit_grade(course, *args):
    """Run ``mlkit-grade autograde`` in ``course``; fail unless every submission was graded."""
    return _run(course, ["mlkit.grading.cli", "--course", str(course), "autograde", *args,
                         "--workers", str(grading_workers()), *sandbox_args()],
                f"mlkit-grade autograde {' '.join(args)}")


@dataclass
class GradedClass:
    """What one harness run of an assignment produced."""

    assignment: str
    course: Path
    max_scores: dict = field(default_factory=dict)  # test grade_id -> points
    scores: dict = field(default_factory=dict)      # student -> {test grade_id: score}
    errors: dict = field(default_factory=dict)      # student -> {test grade_id: error text}

    def failing(self, student):
        """The test cells in which ``student`` lost points."""
        return {gid for gid, score in self.scores[student].items() if score < self.max_scores[gid]}

    def explain(self, student, grade_ids):
        """The errors of ``student`` in ``grade_ids``, for a failure message."""
        return "\n".join(f"--- {gid}:\n{self.errors[student].get(gid, '(no error output)')}"
                         for gid in sorted(grade_ids))


def _cell_errors(notebook):
    errors = {}
    for cell in notebook.cells:
        nbgrader = cell.metadata.get("nbgrader", {})
        for output in cell.get("outputs", []):
            if nbgrader.get("grade") and output.get("output_type") == "error":
                errors[nbgrader["grade_id"]] = f"{output['ename']}: {output['evalue']}"
    return errors


def release(assignment, course):
    """A new course at ``course`` with the repository's config and ``assignment`` released."""
    course.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(ROOT / "solutions" / assignment, course / "solutions" / assignment)
    run_nbgrader(course, "generate_assignment", assignment, "--force")


def submit_class(assignment, course, names=None):
    """Write the submissions of the synthetic class (or of the students in ``names``)."""
    release_notebooks = {path.name: notebooks.read(path) for path in
                         notebooks.assignment_notebooks(ROOT / "exercises" / assignment)}
    reference = {}
    for path in notebooks.assignment_notebooks(ROOT / "solutions" / assignment):
        reference.update(notebooks.reference_answers(notebooks.read(path)))
    for student, answers in students(assignment).items():
        if names is not None and student not in names:
            continue
        filled = {} if answers is None else {**reference, **answers}
        for name, notebook in release_notebooks.items():
            own = {gid: src for gid, src in filled.items()
                   if gid in notebooks.solution_cells(notebook)}
            notebooks.write(notebooks.make_submission(notebook, own),
                            course / "submitted" / student / assignment / name)
    return sorted(release_notebooks)


def read_grades(assignment, course, names, notebook_names):
    """The :class:`GradedClass` of the students ``names`` from ``course``'s gradebook."""
    graded = GradedClass(assignment, course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in names:
            graded.scores[student], graded.errors[student] = {}, {}
            for name in notebook_names:
                submission = gradebook.find_submission_notebook(
                    Path(name).stem, assignment, student)
                for grade in submission.grades:
                    graded.scores[student][grade.name] = grade.score
                    graded.max_scores[grade.name] = grade.max_score
                autograded = course / "autograded" / student / assignment / name
                graded.errors[student].update(_cell_errors(notebooks.read(autograded)))
    return graded


def grade_class(assignment, course):
    """Release ``assignment`` in a new course at ``course``, then grade every variant with
    ``mlkit-grade autograde``."""
    release(assignment, course)
    notebook_names = submit_class(assignment, course)
    result = mlkit_grade(course, assignment)
    count = len(students(assignment))
    if result.stdout.strip().splitlines()[-1:] != [f"{count} graded"]:
        pytest.fail(f"mlkit-grade did not grade the {count} students:\n{result.stdout[-3000:]}"
                    f"\n{result.stderr[-3000:]}")
    return read_grades(assignment, course, students(assignment), notebook_names)


def grade_with_stock_nbgrader(assignment, course, names):
    """Release ``assignment`` in a new course and grade the students ``names`` with stock
    ``nbgrader autograde`` (a fresh kernel per notebook, nbclient's execution)."""
    release(assignment, course)
    notebook_names = submit_class(assignment, course, names)
    run_nbgrader(course, "autograde", assignment)
    return read_grades(assignment, course, names, notebook_names)
