"""The grading harness: every assignment, graded by the real ``nbgrader autograde``.

For each assignment under ``solutions/``, one throw-away course directory is
made with the repository's ``nbgrader_config.py``; ``nbgrader generate_assignment``
releases the assignment there, and ``nbgrader autograde`` grades, in one run, a
class of synthetic students built from the committed release: the reference
solution, the blank release, and the alternative correct answers and typical
mistakes listed in ``tests/grading/variants/<assignment>.py``.

A variants module defines two dicts, both keyed by a short name:

- ``ALTERNATIVES``: ``{name: {grade_id: source}}``, correct answers written
  differently from the reference; they must get full marks.
- ``MISTAKES``: ``{name: {"answers": {grade_id: source}, "fails": [test grade_ids]}}``;
  exactly the listed test cells must lose their points.

Solution cells a variant does not name keep the reference answer.
"""

import importlib.util
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from mlkit.grading import notebooks
from tests.helpers import ROOT, tool_env

VARIANTS_DIR = Path(__file__).resolve().parent / "variants"
ASSIGNMENTS = sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())


def load_variants(assignment):
    """The ``ALTERNATIVES`` and ``MISTAKES`` of an assignment's variants module."""
    path = VARIANTS_DIR / f"{assignment}.py"
    if not path.exists():
        pytest.fail(f"Assignment {assignment!r} has no variants module: "
                    f"add {path.relative_to(ROOT)}")
    spec = importlib.util.spec_from_file_location(f"variants_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ALTERNATIVES, module.MISTAKES


def students(assignment):
    """Synthetic student id -> answers (``None`` for the untouched release)."""
    alternatives, mistakes = load_variants(assignment)
    class_list = {"reference": {}, "blank": None}
    class_list.update({f"alt_{name}": answers for name, answers in alternatives.items()})
    class_list.update({f"mistake_{name}": spec["answers"] for name, spec in mistakes.items()})
    return class_list


def run_nbgrader(course, *args):
    """Run the nbgrader command line in ``course``; fail the test with its output if it fails."""
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=tool_env(),
                            capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        pytest.fail(f"nbgrader {' '.join(args)} failed ({result.returncode}):\n"
                    f"{result.stdout[-5000:]}\n{result.stderr[-5000:]}")
    return result


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


def grade_class(assignment, course):
    """Release ``assignment`` in a new course at ``course``, then autograde every variant."""
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(ROOT / "solutions" / assignment, course / "solutions" / assignment)
    run_nbgrader(course, "generate_assignment", assignment, "--force")

    release = {path.name: notebooks.read(path)
               for path in notebooks.assignment_notebooks(ROOT / "exercises" / assignment)}
    reference = {}
    for path in notebooks.assignment_notebooks(ROOT / "solutions" / assignment):
        reference.update(notebooks.reference_answers(notebooks.read(path)))

    for student, answers in students(assignment).items():
        filled = {} if answers is None else {**reference, **answers}
        for name, notebook in release.items():
            own = {gid: src for gid, src in filled.items()
                   if gid in notebooks.solution_cells(notebook)}
            notebooks.write(notebooks.make_submission(notebook, own),
                            course / "submitted" / student / assignment / name)
    run_nbgrader(course, "autograde", assignment)

    graded = GradedClass(assignment, course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in students(assignment):
            graded.scores[student], graded.errors[student] = {}, {}
            for name in release:
                submission = gradebook.find_submission_notebook(
                    Path(name).stem, assignment, student)
                for grade in submission.grades:
                    graded.scores[student][grade.name] = grade.score
                    graded.max_scores[grade.name] = grade.max_score
                autograded = course / "autograded" / student / assignment / name
                graded.errors[student].update(_cell_errors(notebooks.read(autograded)))
    return graded
