"""Attacks on mlkit-grade, tried the way a clever student would, graded with honest classmates.

Each attacker submits the activations assignment with one trick. The test
cells run in a trusted checker outside the student's process, so each trick
must earn exactly what the submission's own answers earn, the instructor must
be told why where something was refused or died, nothing of the hidden tests
or of the instructor's environment may reach the student's feedback, and the
honest students' grades must not change.
"""

import json
import os
import re
import shutil
from html import unescape

import nbformat
import pytest
from nbgrader.api import Gradebook

from mlkit.grading import notebooks
from mlkit.grading.hidden import split
from tests.autograding.conftest import ASSIGNMENT, mlkit_grade, submit
from tests.helpers import ROOT, tool_env

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sandbox")]

SECRET = "s3cret-token-of-the-instructors-shell"
WRONG_STEP = "def step(x):\n    return np.asarray(x, dtype=float)"

# The visible tests' inputs are in the release: a student can hard-code their answers.
VISIBLE_SIGMOID = ("_SEEN = {(-2.0, -1.0, 0.0, 1.0, 2.0): [0.11920292202, 0.26894142137, 0.5,\n"
                   "                                     0.73105857863, 0.88079707798],\n"
                   "         (-1000.0, 1000.0): [0.0, 1.0]}\n")
REFERENCE_LEAKY_RELU_GRAD = ("def leaky_relu_grad(x, negative_slope=0.01):\n"
                             "    x = np.asarray(x, dtype=float)\n"
                             "    return np.where(x > 0, 1.0, negative_slope)\n")

# student -> (answers by grade_id, a cell added at the end or None, the parts it must lose)
ATTACKS = {
    # a wrong answer that writes into its input what makes the test's own reference, computed
    # from that input after the call, equal to it: sigma(logit(y)) = y
    "steers_the_reference": (
        {"sigmoid": VISIBLE_SIGMOID
                    + "def sigmoid(x):\n"
                      "    if tuple(np.ravel(x)) in _SEEN:\n"
                      "        return np.array(_SEEN[tuple(np.ravel(x))])\n"
                      "    y = 0.5 + 0.4 * np.tanh(x / 7.0)  # wrong everywhere else\n"
                      "    x[...] = np.log(y / (1.0 - y))\n"
                      "    return y"},
        None, {"sigmoid_values", "sigmoid_stable"}),
    # ... and one that zeroes its input, so that the reference (and the numerical gradient)
    # computed after the call are those at 0, where the constant answer is right
    "zeroes_the_input": (
        {"sigmoid_grad": "def sigmoid_grad(x):\n"
                         "    if np.ravel(x).tolist() == [-2.0, 0.0, 1.0]:\n"
                         "        return np.array([0.10499358540, 0.25, 0.19661193324])\n"
                         "    x[...] = 0.0\n"
                         "    return np.full(np.shape(x), 0.25)"},
        None, {"sigmoid_grad_values", "sigmoid_grad_check"}),
    # right answers computed in the input's own memory: the input the later checks of the
    # part reuse keeps the test's values, and no point is lost
    "right_in_place": (
        {"leaky_relu": "def leaky_relu(x, negative_slope=0.01):\n"
                       "    x = np.asarray(x, dtype=float)\n"
                       "    x[x < 0] *= negative_slope\n"
                       "    return x\n\n\n" + REFERENCE_LEAKY_RELU_GRAD},
        None, set()),
    # IPython's own API: an exception handler that swallows the failures of later cells
    "custom_exception_handler": (
        {"step": "get_ipython().set_custom_exc((BaseException,), lambda *args, **kw: None)\n"
                 + WRONG_STEP}, None, {"step_values"}),
    # ... and input transformers that empty every later cell that asserts anything
    "input_transformer": (
        {"step": "def _no_asserts(lines):\n"
                 "    return ['pass\\n'] if any('assert' in l for l in lines) else lines\n"
                 "ip = get_ipython()\n"
                 "ip.input_transformers_post.append(_no_asserts)\n"
                 "ip.input_transformers_cleanup.append(_no_asserts)\n"
                 "import ast\n"
                 "class _Pass(ast.NodeTransformer):\n"
                 "    def visit_Assert(self, node):\n"
                 "        return ast.Pass()\n"
                 "ip.ast_transformers.append(_Pass())\n" + WRONG_STEP},
        None, {"step_values"}),
    # the checks patched everywhere they could be reached from the student's process
    "patched_checks": (
        {"step": "import builtins, numpy, numpy.testing\n"
                 "numpy.testing.assert_allclose = lambda *a, **k: None\n"
                 "numpy.allclose = lambda *a, **k: True\n"
                 "builtins.AssertionError = type('Nothing', (Exception,), {})\n"
                 "import sys; sys.modules['mlkit.testing'] = type(sys)('mlkit.testing')\n"
                 + WRONG_STEP}, None, {"step_values"}),
    # the course's reference, by routes that a call watcher would not see: another
    # thread, the profiler switched off, the correct-answer helpers of the mistake tables
    "reference_by_thread": (
        {"step": "import threading\n"
                 "def step(x):\n"
                 "    out = {}\n"
                 "    def run():\n"
                 "        from mlkit import numpy as mk\n"
                 "        out['y'] = mk.step(x)\n"
                 "    thread = threading.Thread(target=run)\n"
                 "    thread.start()\n"
                 "    thread.join()\n"
                 "    return out['y']",
         "sigmoid": "import sys\n"
                    "def sigmoid(x):\n"
                    "    sys.setprofile(None)\n"
                    "    import mlkit.numpy\n"
                    "    return mlkit.numpy.sigmoid(x)",
         "relu": "def relu(x):\n"
                 "    from mlkit.testing import mistakes\n"
                 "    return mistakes.relu(x).correct"},
        # (sigmoid_grad keeps its points: its checks lend it the checker's sigmoid)
        None, {"step_values", "sigmoid_values", "sigmoid_stable", "relu_values",
               "relu_grad_values"}),
    # the reference's source read from disk, wherever the package might lie
    "reference_from_disk": (
        {"tanh": "import importlib.util, pathlib, mlkit\n"
                 "assert importlib.util.find_spec('mlkit.numpy') is None\n"
                 "package = pathlib.Path(mlkit.__file__).parent\n"
                 "found = [p for p in package.parent.glob('mlkit*/**/*.py')\n"
                 "         if 'def tanh(' in p.read_text()]\n"
                 "namespace = {}\n"
                 "exec(found[0].read_text(), namespace)\n"
                 "tanh, tanh_grad = namespace['tanh'], namespace['tanh_grad']"},
        None, {"tanh_values", "tanh_grad_values"}),
    # a cell added at the end prints what the interpreter holds of the cells before it
    "prints_hidden": (
        {}, "import sys\nprint(In)\nprint(sorted(globals()))\nprint(list(sys.modules))\n"
            "for name, value in list(globals().items()):\n"
            "    if callable(value) and hasattr(value, '__code__'):\n"
            "        print(name, value.__code__.co_consts)", set()),
    # the instructor's environment, as the process sees it and as its parents see it
    "environment": (
        {}, "import os, pathlib\nprint(dict(os.environ))\n"
            "for pid in [p for p in os.listdir('/proc') if p.isdigit()]:\n"
            "    try:\n"
            "        print(pid, pathlib.Path(f'/proc/{pid}/environ').read_bytes())\n"
            "    except OSError as error:\n"
            "        print(pid, error)", set()),
    # looks for the checker: its process, its folder, its sockets
    "looks_for_checker": (
        {}, "import glob, json, os, socket\n"
            "found = {'processes': [], 'files': [], 'sockets': []}\n"
            "for pid in [p for p in os.listdir('/proc') if p.isdigit()]:\n"
            "    try:\n"
            "        cmd = open(f'/proc/{pid}/cmdline', 'rb').read().replace(b'\\0', b' ')\n"
            "    except OSError:\n"
            "        continue\n"
            "    if b'--checker' in cmd or b'nbgrader' in cmd or b'mlkit.grading.cli' in cmd:\n"
            "        found['processes'].append(cmd.decode())\n"
            "for pattern in ['/tmp/mlkit-checker-*', '{course}', '{root}/solutions',\n"
            "                '{root}/tests', '{root}/mlkit/numpy', '{root}/mlkit/testing',\n"
            "                '/home/*', '/root/*', '/*/gradebook.db']:\n"
            "    found['files'] += glob.glob(pattern)\n"
            "for line in open('/proc/net/unix').read().splitlines()[1:]:\n"
            "    if len(line.split()) > 7:  # a socket with a name (a path or an abstract one)\n"
            "        found['sockets'].append(line)\n"
            "for family, address in [(socket.AF_INET, ('127.0.0.1', 5432)),\n"
            "                        (socket.AF_INET, ('127.0.0.1', 8786))]:\n"
            "    s = socket.socket(family)\n"
            "    s.settimeout(1)\n"
            "    try:\n"
            "        s.connect(address)\n"
            "        found['sockets'].append(str(address))\n"
            "    except OSError:\n"
            "        pass\n"
            "print('FOUND ' + json.dumps(found))", set()),
}
LINKS = {  # student -> how the submitted notebook is not a regular file of the student's own
    "symlink": "symbolic link",
    "hard_link": "hard link",
    "fifo": "FIFO",
}
HONEST = {"reference": {}, "blank": None}


def _text(html):
    return unescape(re.sub(r"<[^>]+>", "", html))


def _grades(course):
    """student -> {grade_id: score} from the course's gradebook."""
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for submission in gradebook.assignment_submissions(ASSIGNMENT):
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    scores.setdefault(submission.student.id, {})[grade.name] = grade.score
    return scores


def _hidden_lines():
    """Every line of the hidden tests that does not also appear in the released notebook."""
    source = notebooks.read(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    release = (ROOT / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    release = json.loads(release)
    released = "\n".join("".join(cell["source"]) for cell in release["cells"])
    lines = set()
    for cell in source.cells:
        for line in split(cell.source).hidden.splitlines():
            line = line.strip()
            if len(line) > 12 and line not in released and not line.startswith("from "):
                lines.add(line)
    return sorted(lines)


@pytest.fixture(scope="module")
def attacked(released_course, tmp_path_factory):
    """The class, attackers and honest students, graded; then the feedback written."""
    course = tmp_path_factory.mktemp("attacked") / "course"
    shutil.copytree(released_course, course)
    for student, answers in HONEST.items():
        submit(course, student, answers)
    for student, (answers, added, _) in ATTACKS.items():
        path = submit(course, student, answers)
        if added is not None:
            notebook = nbformat.read(path, as_version=4)
            added = added.replace("{course}", str(course)).replace("{root}", str(ROOT))
            notebook.cells.append(nbformat.v4.new_code_cell(added))
            nbformat.write(notebook, path)
    source = course / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    for student, kind in LINKS.items():
        path = course / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        path.parent.mkdir(parents=True)
        if kind == "symbolic link":
            path.symlink_to(source)
        elif kind == "hard link":
            os.link(source, path)
        else:
            os.mkfifo(path)
    env = tool_env(MLKIT_TEST_SECRET=SECRET)
    graded = mlkit_grade(course, "autograde", env=env)
    feedback = mlkit_grade(course, "feedback", ASSIGNMENT, env=env)
    return course, graded, feedback


def _outputs(course, student):
    """The text of every output of the student's autograded notebook."""
    path = course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    return json.dumps([cell.get("outputs", []) for cell in notebook.cells])


def _feedback(course, student):
    return _text((course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text())


def test_every_submission_is_graded_or_refused(attacked):
    """The run ends with every attacker graded, the links refused, exit status 0."""
    _, graded, feedback = attacked
    assert graded.returncode == 0, graded.stderr[-3000:]
    assert f"{len(ATTACKS) + len(HONEST)} graded" in graded.stdout
    assert f"{len(LINKS)} refused" in graded.stdout
    assert feedback.returncode == 0, feedback.stderr[-3000:]


def test_honest_students_are_unaffected(attacked):
    """The reference earns every point and the blank release none, attackers or not."""
    course, _, _ = attacked
    scores = _grades(course)
    assert all(score > 0 for score in scores["reference"].values())
    assert all(score == 0 for score in scores["blank"].values())


@pytest.mark.parametrize("student", ATTACKS)
def test_each_trick_earns_what_the_answers_earn(attacked, student):
    """Exactly the parts the trick's wrong or missing answers lose are lost: no more, no less."""
    course, _, _ = attacked
    scores = _grades(course)
    full = scores["reference"]
    lost = {gid for gid, score in scores[student].items() if score < full[gid]}
    assert lost == ATTACKS[student][2]


@pytest.mark.parametrize("student", LINKS)
def test_links_and_fifos_are_refused_with_the_reason(attacked, student):
    """A notebook linked to the solutions, or a FIFO, scores zero; the summary says why."""
    course, graded, _ = attacked
    scores = _grades(course)
    assert scores[student] and all(score == 0 for score in scores[student].values())
    line = next(line for line in graded.stderr.splitlines() if f"{student}/{ASSIGNMENT}" in line)
    assert f"is a {LINKS[student]}" in line and "scores zero" in line


def test_a_change_in_place_is_named_in_the_outputs(attacked):
    """The test cells whose inputs a function changed in place say so, without values."""
    course, _, _ = attacked
    for student, function in [("right_in_place", "leaky_relu"),
                              ("zeroes_the_input", "sigmoid_grad")]:
        assert f"Note: your function changed an input in place ({function}, argument 1" \
            in _outputs(course, student), student
    assert "changed an input in place" not in _outputs(course, "reference")


def test_the_oracle_lines_are_hidden_lines():
    """The lines looked for below are many, and none is in the release."""
    assert len(_hidden_lines()) >= 10


@pytest.mark.parametrize("student", ["prints_hidden", "looks_for_checker", "environment"])
def test_nothing_of_the_hidden_tests_reaches_the_student(attacked, student):
    """What the student's cells printed, and their feedback, hold no line of the hidden tests."""
    course, _, _ = attacked
    printed = _outputs(course, student)
    page = _feedback(course, student)
    assert "print(In)" in page or student != "prints_hidden"  # the cell did run and print
    for line in _hidden_lines():
        assert line not in page, line
        assert json.dumps(line)[1:-1] not in printed, line


def test_the_instructors_environment_is_not_in_the_sandbox(attacked):
    """The secret in the grader's environment is in neither the outputs nor the feedback."""
    course, _, _ = attacked
    printed = _outputs(course, "environment")
    assert "MLKIT_GRADING_SANDBOX" in printed  # the cell printed the environment it has
    assert SECRET not in printed and SECRET not in _feedback(course, "environment")


def test_the_checker_cannot_be_found_or_reached(attacked):
    """No process, file or socket of the checker, the grader or the course is in view."""
    course, _, _ = attacked
    printed = _outputs(course, "looks_for_checker")
    found = json.loads(re.search(r"FOUND (\{.*?\})\\n", printed).group(1).replace('\\"', '"'))
    assert found == {"processes": [], "files": [], "sockets": []}
