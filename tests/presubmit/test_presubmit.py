"""Tests of the pre-submit check, mlkit-check, on real damaged notebooks of one assignment."""

import copy
import json
import secrets
import subprocess
import sys

import nbformat
import pytest

from mlkit.grading import notebooks
from mlkit.presubmit import check, check_notebook
from mlkit.presubmit.run import RUNNING
from tests.helpers import ASSIGNMENTS, ROOT, tool_env
from tests.messages.oracle import ko

pytestmark = pytest.mark.slow  # each check starts a kernel

ASSIGNMENT = "softmax"
RELEASE = ROOT / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def _reference():
    """The release with the reference answers: what a careful student submits."""
    source = notebooks.read(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    return notebooks.make_submission(notebooks.read(RELEASE), notebooks.reference_answers(source))


def _index(notebook, grade_id):
    return next(i for i, cell in enumerate(notebook.cells)
                if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _copy(cell):
    """A copy of a cell, with a new id as Jupyter gives it."""
    new = copy.deepcopy(cell)
    new["id"] = secrets.token_hex(4)
    return new


def _delete(nb):
    del nb.cells[_index(nb, "softmax_rows")]


def _duplicate(nb):
    nb.cells.append(_copy(nb.cells[_index(nb, "setup")]))


def _split(grade_id, line):
    """A damage that splits the cell ``grade_id`` in two before its ``line``-th line."""
    def split(nb):
        i = _index(nb, grade_id)
        first, second = nb.cells[i], _copy(nb.cells[i])
        lines = first.source.split("\n")
        first.source, second.source = "\n".join(lines[:line]), "\n".join(lines[line:])
        nb.cells[i:i + 1] = [first, second]
    return split


def _edit_test(nb):
    cell = nb.cells[_index(nb, "softmax_stable")]
    cell.source = cell.source.replace("assert_close(", "print(").replace(", mistakes=", ", m=")
    cell.source = "pass\n" + cell.source.split("\n", 1)[0]


def _add(source):
    def damage(nb):
        nb.cells.insert(_index(nb, "softmax_values"), nbformat.v4.new_code_cell(source))
    return damage


# damage -> a phrase the report must hold
DAMAGES = {
    "deleted test cell": (_delete, "'softmax_rows' was deleted"),
    "duplicated locked cell": (_duplicate, "'setup' appears 2 times"),
    "split answer cell": (_split("cross_entropy", 2), "'cross_entropy' was split into 2 cells"),
    "split test cell": (_split("softmax_values", 4), "'softmax_values' was split into 2 cells"),
    "edited test cell": (_edit_test, "'softmax_stable' was edited"),
    "input()": (_add("name = input('Your name? ')"), "calls input()"),
    "a file of the student's": (_add("import numpy as np\nW = np.load('my_weights.npy')"),
                                "reads a file the grader will not have"),
}


def _write(nb, tmp_path, name="submission.ipynb"):
    path = tmp_path / name
    nbformat.write(nb, str(path))
    return path


def test_reference_passes(tmp_path):
    """The reference answers pass every part, and nothing else is reported."""
    report = check_notebook(_write(_reference(), tmp_path))
    assert report.ok, str(report)
    assert len(report.parts) == 11 and not report.problems
    assert "1 hidden check not run here" in str(report)


@pytest.mark.parametrize("assignment", sorted(set(ASSIGNMENTS) - {ASSIGNMENT}))
def test_every_assignment_reference_passes(tmp_path, assignment):
    """In every other assignment too, the reference answers pass with nothing reported."""
    release = ROOT / "exercises" / assignment / f"{assignment}.ipynb"
    source = notebooks.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb")
    reference = notebooks.make_submission(notebooks.read(release),
                                          notebooks.reference_answers(source))
    report = check_notebook(_write(reference, tmp_path, f"{assignment}.ipynb"))
    assert report.ok and not report.problems, str(report)
    graded = [cell for cell in source.cells
              if cell.metadata.get("nbgrader", {}).get("grade") and cell.cell_type == "code"]
    assert len(report.parts) == len(graded), str(report)


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_damage_is_reported(tmp_path, damage):
    """Each kind of damage is named in the report, and the check fails."""
    notebook = _reference()
    make, phrase = DAMAGES[damage]
    make(notebook)
    report = check_notebook(_write(notebook, tmp_path))
    assert not report.ok
    assert any(phrase in problem for problem in report.problems), str(report)


def test_absolute_path_of_this_machine(tmp_path):
    """A file read by its absolute path, present here, is reported: the grader will not have it."""
    data = tmp_path / "scores.csv"
    data.write_text("1,2\n")
    notebook = _reference()
    _add(f"import numpy as np\nscores = np.loadtxt({str(data)!r}, delimiter=',')")(notebook)
    report = check_notebook(_write(notebook, tmp_path))
    assert any(f"reads {data}, a file of this machine" in p for p in report.problems), str(report)


def test_wrong_answer_fails_its_part(tmp_path):
    """A wrong answer shows as its part failing its visible checks, with the mistake named."""
    notebook = _reference()
    notebook.cells[_index(notebook, "softmax")].source = (
        "def softmax(x, axis=-1):\n    e = np.exp(x)\n    return e / e.sum(axis=0, keepdims=True)")
    report = check_notebook(_write(notebook, tmp_path))
    failed = {grade_id: error for grade_id, _, _, error in report.parts if error}
    assert set(failed) == {"softmax_rows", "softmax_stable"}
    assert "softmax over the wrong axis" in str(report) or "not right" in failed["softmax_rows"]


def test_slow_cell(tmp_path):
    """A cell that runs past the time limit is reported."""
    notebook = _reference()
    _add("import time\ntime.sleep(4)")(notebook)
    report = check_notebook(_write(notebook, tmp_path), timeout=2)
    assert any("took longer than the limit of 2 s" in p for p in report.problems), str(report)


def test_command_line_exit_status(tmp_path):
    """mlkit-check exits 0 for a good notebook, 1 for a damaged one, 2 for no notebook."""
    good = _write(_reference(), tmp_path, "good.ipynb")
    damaged = _reference()
    _delete(damaged)
    bad = _write(damaged, tmp_path, "bad.ipynb")

    def status(*args):
        return subprocess.run([sys.executable, "-m", "mlkit.presubmit", *args], env=tool_env(),
                              capture_output=True, text=True, timeout=300)

    assert status(str(good)).returncode == 0
    result = status(str(bad))
    assert result.returncode == 1 and "'softmax_rows' was deleted" in result.stdout
    result = status(str(tmp_path / "missing.ipynb"))
    assert result.returncode == 2 and "no notebook at" in result.stderr


def test_without_record_needs_the_release(tmp_path):
    """A notebook without the release's record is checked against --release, or refused."""
    notebook = _reference()
    del notebook.metadata["mlkit_release"]
    path = _write(notebook, tmp_path)
    with pytest.raises(ValueError, match="Pass the released notebook with --release"):
        check_notebook(path)
    assert check_notebook(path, release=RELEASE).ok


def test_called_from_inside_the_notebook(tmp_path, monkeypatch, capsys):
    """check(path) prints the report; in the check's own run of the notebook it does nothing."""
    notebook = _reference()
    path = _write(notebook, tmp_path)
    notebook.cells.append(nbformat.v4.new_code_cell(
        f"from mlkit.presubmit import check\ncheck({str(path)!r})"))
    path = _write(notebook, tmp_path)
    report = check(path)
    assert report.ok and "all 11 parts pass" in capsys.readouterr().out
    monkeypatch.setenv(RUNNING, "1")
    assert check(path) is None


WRONG_AXIS = ("def softmax(x, axis=-1):\n    e = np.exp(x)\n"
              "    return e / e.sum(axis=0, keepdims=True)")


@pytest.fixture
def no_language_asked(monkeypatch):
    """Neither MLKIT_LANG nor a Korean locale: the notebook decides."""
    monkeypatch.delenv("MLKIT_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)


def _korean_with_mistakes():
    """The Korean release's notebook with a wrong softmax and a duplicated locked cell."""
    notebook = _reference()
    notebook.metadata["mlkit"] = {"language": "ko"}
    notebook.cells[_index(notebook, "softmax")].source = WRONG_AXIS
    _duplicate(notebook)
    return notebook


def test_korean_release_is_checked_in_korean(tmp_path, no_language_asked):
    """For the Korean release the report and the checks' own messages are Korean."""
    report = check_notebook(_write(_korean_with_mistakes(), tmp_path))
    text = str(report)
    assert report.language == "ko" and not report.ok
    assert ko("Parts (visible checks only):") in text and "Parts" not in text
    assert ("  - 'setup' 셀이 2번 나옵니다. "
            "첫 번째 셀만 채점하고 나머지는 일반 셀로 실행합니다.") in text
    failed = {grade_id: error for grade_id, _, _, error in report.parts if error}
    assert " 값이 틀렸습니다: " in failed["softmax_rows"], failed  # said by the kernel's check
    assert f"[FAIL] softmax_rows ({ko('%(points)s pt', points='1')}): 실패: " in text
    assert text.split("\n")[-1].startswith("결과: 문제 1개, 문항 11개 중 2개가")
    # what the report holds is English: the words are chosen when it is shown
    assert report.problems == ["cell 'setup' appears 2 times: the first copy is graded, the "
                               "others run as ordinary cells."]


def test_mlkit_lang_en_checks_the_korean_release_in_english(tmp_path, no_language_asked,
                                                           monkeypatch):
    """MLKIT_LANG=en gives the English report and messages for the Korean release too."""
    monkeypatch.setenv("MLKIT_LANG", "en")
    text = str(check_notebook(_write(_korean_with_mistakes(), tmp_path)))
    assert "Parts (visible checks only):" in text and "'setup' appears 2 times" in text
    assert "is not right" in text and "틀렸습니다" not in text


def test_unknown_language_is_refused(tmp_path, no_language_asked, monkeypatch):
    """mlkit-check stops with exit status 2 on an unknown MLKIT_LANG, saying what it accepts."""
    path = _write(_reference(), tmp_path)
    result = subprocess.run([sys.executable, "-m", "mlkit.presubmit", str(path)],
                            env={**tool_env(), "MLKIT_LANG": "fr"}, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 2
    assert "`MLKIT_LANG` must be 'en' or 'ko'. Received: MLKIT_LANG='fr'" in result.stderr


# What the libraries and the kernel print on their own: none of it may reach the student.
THIRD_PARTY_WORDS = ("Warning", "WARNING", "IPKernelApp", "MissingIDField", "cuda", "CUDA",
                     "Traceback")


def _without_ids(notebook, path):
    """Write ``notebook`` with no cell ids, as an older Jupyter saved it (nbformat warns)."""
    data = nbformat.from_dict(copy.deepcopy(notebook))
    for cell in data.cells:
        cell.pop("id", None)
    path.write_text(json.dumps(data))
    return path


def test_command_line_prints_its_own_lines_only(tmp_path):
    """nbformat's warnings and the kernel's go to .mlkit-check.log, named when the check fails."""
    log = tmp_path / ".mlkit-check.log"

    def check_command(path):
        result = subprocess.run([sys.executable, "-m", "mlkit.presubmit", str(path)],
                                env=tool_env(), capture_output=True, text=True, timeout=300)
        foreign = [line for line in (result.stdout + result.stderr).splitlines()
                   if any(word in line for word in THIRD_PARTY_WORDS)]
        assert foreign == [], result.stdout + result.stderr
        return result

    good = check_command(_without_ids(_reference(), tmp_path / "good.ipynb"))
    assert good.returncode == 0 and good.stderr == ""
    assert "details:" not in good.stdout
    damaged = _reference()
    _delete(damaged)
    bad = check_command(_without_ids(damaged, tmp_path / "bad.ipynb"))
    assert bad.returncode == 1 and bad.stderr == ""
    assert bad.stdout.splitlines()[-1] == f"details: {log}"
    details = log.read_text()
    assert "MissingIDFieldWarning" in details  # nbformat, reading the notebook
    assert "IPKernelApp" in details  # the kernel's own stderr


def _test_cell_texts_in_korean():
    """English -> Korean of the assignment's test cells' texts, from its catalogue."""
    from mlkit.grading import catalogues

    catalog = catalogues.read(ROOT / "exercises" / "locales" / "ko" / "LC_MESSAGES" /
                              f"{ASSIGNMENT}.po", locale="ko")
    return {m.id: m.string for m in catalog
            if m.context == f"{ASSIGNMENT}:test cells" and m.string and not m.fuzzy}


def test_korean_release_says_the_test_cells_texts_in_korean(tmp_path, no_language_asked):
    """mlkit-check on the Korean release itself says the test cells' check names and hints in
    Korean, as the grader does, and fails only the parts the wrong answer fails."""
    korean = notebooks.read(ROOT / "exercises" / "ko" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    source = notebooks.read(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    path = _write(notebooks.make_submission(
        korean, {**notebooks.reference_answers(source), "softmax": WRONG_AXIS}), tmp_path)
    result = subprocess.run([sys.executable, "-m", "mlkit.presubmit", str(path)],
                            env={k: v for k, v in tool_env().items() if k != "MLKIT_LANG"},
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 1, result.stderr[-3000:]
    lines = {line.split(" (")[0].split("] ")[-1]: line for line in result.stdout.splitlines()
             if line.startswith("  [")}
    names = _test_cell_texts_in_korean()
    # the wrong axis fails the shape check of softmax_rows, and softmax_stable's first
    # check, on two rows far apart, before its overflow guard
    rows, apart = "softmax(X) for X of shape (2, 3)", "softmax(X) for rows 740 apart"
    assert names[rows] != rows and names[apart] != apart
    assert f"CheckError: {names[rows]} " in lines["softmax_rows"]
    assert f"CheckError: {names[apart]} " in lines["softmax_stable"]
    assert rows not in result.stdout and apart not in result.stdout
    failed = {part for part, line in lines.items() if line.startswith("  [FAIL]")}
    assert failed == {"softmax_rows", "softmax_stable"}, result.stdout
