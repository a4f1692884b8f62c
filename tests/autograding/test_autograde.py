"""Tests of mlkit-grade autograde: the same grades as stock nbgrader, resumable, locked."""

import copy
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import nbformat
import pytest
from nbgrader.api import Gradebook

from mlkit.grading.autograde import MARKER, course_lock
from tests.autograding.conftest import ASSIGNMENT, class_of, mlkit_grade, submit
from tests.helpers import ROOT, tool_env

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sandbox")]


def _grades(course):
    """(student, grade_id) -> (score, auto_score) from the course's gradebook, and the row count."""
    rows = {}
    count = 0
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for submission in gradebook.assignment_submissions(ASSIGNMENT):
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    rows[(submission.student.id, grade.name)] = grade.score
                    count += 1
    return rows, count


HOSTILE = {
    # a solution cell that ends the kernel: the later tests fail, with the reason
    "exits": {"sigmoid": "import os\nos._exit(0)"},
    # wrong answers, and the checks patched to let them through
    "patches_checks": {"step": "import mlkit.testing, numpy.testing\n"
                               "mlkit.testing.assert_close = lambda *a, **k: None\n"
                               "numpy.testing.assert_allclose = lambda *a, **k: None\n"
                               "def step(x):\n    return x"},
    # tries to read the gradebook and the solutions, and to leave traces for the next student
    "snoops": {"step": "import os, numpy\nfound = [p for p in ['../../../gradebook.db', "
                       "'../../../solutions', '{course}/gradebook.db', '{course}/solutions', "
                       "'{course}/submitted/reference'] if os.path.exists(p)]\n"
                       "assert not found, found\nnumpy.where = lambda *a: 0\n"
                       "open('/tmp/answers.py', 'w').write('cheat')\n"
                       "def step(x):\n    return (np.asarray(x) > 0).astype(float)"},
    "sleeps": {"relu": "import time\ntime.sleep(10**6)"},
    # kills every process of its sandbox, the grader's own process there included
    "kills_all": {"tanh": "import os, signal\n"
                          "os.kill(-1, signal.SIGKILL)\nos.kill(0, signal.SIGKILL)"},
}


@pytest.fixture(scope="module")
def graded(released_course, tmp_path_factory):
    """The class with hostile students graded by mlkit-grade; the honest class by stock nbgrader."""
    ours = tmp_path_factory.mktemp("ours") / "course"
    stock = tmp_path_factory.mktemp("stock") / "course"
    shutil.copytree(released_course, ours)
    with (ours / "nbgrader_config.py").open("a") as config:
        config.write("\nc.Execute.timeout = 5  # the sleeping student\n")
    for student, answers in class_of(5).items():
        submit(ours, student, answers)
    shutil.copytree(ours, stock)
    for student, answers in HOSTILE.items():
        submit(ours, student, {gid: source.replace("{course}", str(ours))
                               for gid, source in answers.items()})
    result = mlkit_grade(ours, "autograde")
    subprocess.run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT], cwd=stock,
                   env=tool_env(), check=True, capture_output=True)
    return ours, stock, result


class TestGrades:
    def test_exit_status_and_summary(self, graded):
        """Every submission graded, hostile ones included: exit status 0 and a summary line."""
        _, _, result = graded
        assert result.returncode == 0, result.stderr[-3000:]
        assert "10 graded" in result.stdout
        assert "kills_all/activations: activations.ipynb: graded on the cells that completed, " \
               "because every process of the submission's sandbox was killed" in result.stderr

    def test_honest_students_get_stock_nbgrader_grades(self, graded):
        """Every honest student's grade equals stock nbgrader's, hostile classmates or not."""
        ours, stock, _ = graded
        rows, _ = _grades(ours)
        honest = {key: score for key, score in rows.items() if key[0] not in HOSTILE}
        assert honest == _grades(stock)[0]
        assert rows[("reference", "sigmoid_values")] == 2
        assert rows[("blank", "sigmoid_values")] == 0

    def test_hostile_students_get_what_their_answers_earn(self, graded):
        """Exits, patched checks, snooping and sleeping earn nothing more than the answers."""
        ours, _, _ = graded
        rows, _ = _grades(ours)
        full = {gid: score for (student, gid), score in rows.items() if student == "reference"}

        def lost(student):
            return {gid for gid, score in full.items() if rows[(student, gid)] < score}

        assert lost("exits") >= {"sigmoid_values", "elu_values"}  # nothing after the exit
        assert lost("patches_checks") == {"step_values"}
        # found nothing; numpy.where patched in their own process breaks their own answers that
        # use it (leaky ReLU and ELU), not the checks, which run elsewhere, nor anyone else's
        assert lost("snoops") == {"leaky_relu_values", "leaky_relu_grad_values", "elu_values",
                                  "elu_grad_values"}
        assert lost("sleeps") == {"relu_values", "relu_grad_values"}
        assert lost("kills_all") >= {"tanh_values", "relu_values", "elu_grad_values"}
        assert "sigmoid_values" not in lost("kills_all")  # the cells before still count

    def test_autograded_notebooks_hold_the_hidden_tests_run(self, graded):
        """The autograded notebook is nbgrader's: hidden tests restored and executed."""
        ours, _, _ = graded
        text = (ours / "autograded" / "reference" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
        assert "BEGIN HIDDEN TESTS" in text and '"execution_count": 1' in text


class TestResume:
    def test_rerun_grades_only_what_changed(self, graded):
        """A second run skips graded work; a changed submission is graded again."""
        ours, _, _ = graded
        again = mlkit_grade(ours, "autograde")
        assert again.returncode == 0 and "10 skipped" in again.stdout
        submit(ours, "blank", {})  # the blank student submits the reference answers
        changed = mlkit_grade(ours, "autograde")
        assert changed.returncode == 0 and "1 graded, 9 skipped" in changed.stdout
        rows, count = _grades(ours)
        assert rows[("blank", "sigmoid_values")] == 2
        forced = mlkit_grade(ours, "autograde", "--force")
        assert "10 graded" in forced.stdout
        assert _grades(ours) == (rows, count)  # the same rows, none added

    def test_a_second_run_at_once_is_refused(self, graded):
        """While one run holds the course, another exits with a clear message."""
        ours, _, _ = graded
        with course_lock(ours):
            result = mlkit_grade(ours, "autograde", "--force")
        assert result.returncode == 4
        assert "Another autograde run" in result.stderr

    def test_sigkill_then_rerun_grades_each_submission_once(self, released_course, tmp_path):
        """Killed mid-run by SIGKILL, a rerun leaves each submission graded exactly once."""
        course = tmp_path / "course"
        shutil.copytree(released_course, course)
        students = {f"student{i:02d}": {} for i in range(8)}
        for student, answers in students.items():
            submit(course, student, answers)
        process = subprocess.Popen(
            [sys.executable, "-m", "mlkit.grading.cli", "--course", str(course), "autograde",
             "--workers", "1"], env=tool_env(), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 600
        while not list(course.glob(f"autograded/*/{ASSIGNMENT}/{MARKER}")):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        finished = len(list(course.glob(f"autograded/*/{ASSIGNMENT}/{MARKER}")))
        assert 1 <= finished < 8
        result = mlkit_grade(course, "autograde")
        assert result.returncode == 0, result.stderr[-3000:]
        assert f"{8 - finished} graded, {finished} skipped" in result.stdout
        rows, count = _grades(course)
        assert count == len(rows) == 8 * len({gid for _, gid in rows})
        assert all(score == rows[("student00", gid)] for (_, gid), score in rows.items())


def _damage(path, how):
    notebook = nbformat.read(path, as_version=4)
    ids = [cell.metadata.get("nbgrader", {}).get("grade_id") for cell in notebook.cells]
    if how == "delete_test":
        del notebook.cells[ids.index("sigmoid_values")]
    elif how == "delete_answer":
        del notebook.cells[ids.index("step")]
    elif how == "duplicate":
        duplicate = copy.deepcopy(notebook.cells[ids.index("sigmoid_values")])
        duplicate.id = "pasted-copy"  # Jupyter gives a pasted cell a new id
        notebook.cells.insert(ids.index("sigmoid_values"), duplicate)
    elif how == "reorder":
        notebook.cells = notebook.cells[:2] + notebook.cells[2:][::-1]
    elif how == "edit_test":  # with a wrong step: the edited test must not let it pass
        notebook.cells[ids.index("step_values")].source = "pass"
        notebook.cells[ids.index("step")].source = "def step(x):\n    return x"
    elif how == "metadata":
        notebook.cells[ids.index("sigmoid_values")].metadata.nbgrader.points = 100
    elif how == "retype":
        notebook.cells[ids.index("step")].cell_type = "markdown"
    nbformat.write(notebook, path)


DAMAGED = {  # student -> (how, points lost, words in the notes)
    "corrupt": ("corrupt", 14, "not a readable notebook"),
    "empty": ("empty", 14, "empty file"),
    "other_assignment": ("other", 14, "another assignment"),
    "delete_test": ("delete_test", 0, "'sigmoid_values' was deleted"),
    "delete_answer": ("delete_answer", 1, "'step' was deleted"),
    "duplicate": ("duplicate", 0, "appears 2 times"),
    "reorder": ("reorder", 0, "moved out of the released order"),
    "edit_test": ("edit_test", 1, ""),
    "metadata": ("metadata", 0, ""),
    "retype": ("retype", 0, "changed from code to markdown"),
}


@pytest.fixture(scope="module")
def damaged(released_course, tmp_path_factory):
    """A class of damaged submissions, graded."""
    course = tmp_path_factory.mktemp("damaged") / "course"
    shutil.copytree(released_course, course)
    for student, (how, _, _) in DAMAGED.items():
        path = submit(course, student, {})
        if how == "corrupt":
            path.write_text(path.read_text()[:300])
        elif how == "empty":
            path.write_text("")
        elif how == "other":
            shutil.copy(ROOT / "exercises" / "neurons" / "neurons.ipynb", path)
        else:
            _damage(path, how)
    return course, mlkit_grade(course, "autograde")


class TestDamagedSubmissions:
    def test_every_damaged_submission_is_graded(self, damaged):
        """Damage never stops the run: every submission is graded, exit status 0."""
        _, result = damaged
        assert result.returncode == 0, result.stderr[-3000:]
        assert f"{len(DAMAGED)} graded" in result.stdout

    @pytest.mark.parametrize("student", DAMAGED)
    def test_intended_score_with_a_reason(self, damaged, student):
        """Each kind of damage costs what it should, and the instructor is told why."""
        course, result = damaged
        _, points_lost, words = DAMAGED[student]
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
            submission = gradebook.find_submission(ASSIGNMENT, student)
            assert submission.max_score == 14
            assert submission.score == 14 - points_lost
        assert words in result.stderr
        if words:
            marker = json.loads((course / "autograded" / student / ASSIGNMENT / MARKER).read_text())
            assert any(words in note for note in marker["notes"])
