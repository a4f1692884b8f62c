"""mlkit installs the way its users install it: NumPy alone for students, extras for the tools.

Two kinds of check. Every import of a third-party module in ``mlkit/`` must
come from a distribution that the part's declared requirements install
(``pyproject.toml``: the core dependencies, or the extra that part belongs
to, with everything those require in turn, as this environment's package
metadata records it). And a real install, with pip, into a fresh virtual
environment: ``pip install <repository>`` gives a working ``mlkit.numpy`` and
an ``mlkit-check`` that says in one line what to install;
``pip install '<repository>[check]'`` gives an ``mlkit-check`` that checks a
released notebook. And each released assignment, opened as on Colab or Binder
(a kernel in a fresh environment, without mlkit), installs mlkit with its own
first cell and runs to its first test cell.
"""

import ast
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import venv
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

import pytest

from mlkit.grading import notebooks
from tests.helpers import ASSIGNMENTS, BIN, ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
DISTRIBUTIONS = packages_distributions()

#: Which extra each part of mlkit needs beyond the core (NumPy): first match wins.
PARTS = [
    ("mlkit/tensorflow/", "tensorflow"),
    ("mlkit/keras_models.py", "tensorflow"),
    ("mlkit/plotting.py", "plots"),
    ("mlkit/presubmit/", "check"),
    ("mlkit/grading/", "grading"),
    ("mlkit/_training.py", "progress"),
    ("mlkit/datasets/", "progress"),
    ("mlkit/", None),
]
#: Parts that are not mlkit's users' code: the book's MyST-NB plugin runs only inside the
#: book's build, whose environment is requirements.txt.
NOT_INSTALLED_WITH_MLKIT = {"mlkit/translated_figures.py"}


def _name(requirement):
    return re.split(r"[\s<>=!~;\[(]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _extras(requirement):
    match = re.search(r"\[([^\]]+)\]", requirement.split(";")[0])
    return [extra.strip() for extra in match.group(1).split(",")] if match else []


def _closure(requirements):
    """Every distribution ``requirements`` install, following installed metadata."""
    seen, todo = set(), list(requirements)
    while todo:
        requirement = todo.pop()
        if ";" in requirement and "extra ==" in requirement:
            continue  # an optional requirement of a dependency, not installed by it
        name = _name(requirement)
        if name == "mlkit":
            for extra in _extras(requirement):
                todo += PYPROJECT["project"]["optional-dependencies"][extra]
            continue
        if name in seen:
            continue
        seen.add(name)
        with contextlib.suppress(PackageNotFoundError):
            todo += requires(name) or []
            for extra in _extras(requirement):
                todo += [r.split(";")[0] for r in requires(name) or []
                         if f'extra == "{extra}"' in r]
    return seen


def _allowed(extra):
    requirements = list(PYPROJECT["project"]["dependencies"])
    if extra:
        requirements += PYPROJECT["project"]["optional-dependencies"][extra]
    return _closure(requirements)


def _imports(path):
    """The top-level names of the absolute imports of a module."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"mlkit"}


def _part(relative):
    return next(extra for prefix, extra in PARTS if relative.startswith(prefix))


def test_every_import_is_declared():
    """Each third-party import of each part is installed by that part's requirements."""
    undeclared = []
    for path in sorted((ROOT / "mlkit").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in NOT_INSTALLED_WITH_MLKIT:
            continue
        extra = _part(relative)
        allowed = _allowed(extra)
        for module in sorted(_imports(path)):
            distributions = {_name(d) for d in DISTRIBUTIONS.get(module, [module])}
            if not distributions & allowed:
                wanted = f"mlkit[{extra}]" if extra else "mlkit"
                undeclared.append(f"{relative} imports {module} ({', '.join(distributions)}), "
                                  f"not installed by {wanted}")
    assert undeclared == []


def test_the_core_is_numpy_and_the_messages_reader():
    """A student installs NumPy, and Babel for the Korean messages, nothing else."""
    assert sorted(_name(r) for r in PYPROJECT["project"]["dependencies"]) == ["babel", "numpy"]


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """The repository's tracked files, copied: pip builds in the source tree it is given."""
    folder = tmp_path_factory.mktemp("mlkit-source")
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def fresh_environment(tmp_path_factory):
    """``fresh_environment()``: the ``bin/`` of a new virtual environment with pip, and nothing
    else (each call makes another)."""
    def make():
        folder = tmp_path_factory.mktemp("venv")
        venv.create(folder, with_pip=True, symlinks=True)
        return folder / "bin"

    return make


def _pip_install(bin_folder, requirement):
    result = subprocess.run([str(bin_folder / "python"), "-m", "pip", "install", "--quiet",
                             "--disable-pip-version-check", requirement],
                            capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.mark.slow
def test_a_student_installs_with_pip(fresh_environment, source, tmp_path):
    """``pip install`` of the repository: mlkit.numpy works; mlkit-check names its extra;
    with the ``check`` extra, mlkit-check checks a released notebook."""
    bin_folder = fresh_environment()
    _pip_install(bin_folder, str(source))
    result = subprocess.run([str(bin_folder / "python"), "-c",
                             "from mlkit import numpy as mk; import numpy as np; "
                             "print(mk.sigmoid(np.zeros(2)))"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "0.5" in result.stdout, result.stderr

    notebook = ROOT / "exercises" / "activations" / "activations.ipynb"
    result = subprocess.run([str(bin_folder / "mlkit-check"), str(notebook)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "mlkit-check needs nbformat, from the 'check' extra: pip install 'mlkit[check]'"]

    _pip_install(bin_folder, f"{source}[check]")
    work = tmp_path / "activations"
    work.mkdir()
    (work / "activations.ipynb").write_bytes(notebook.read_bytes())
    result = subprocess.run([str(bin_folder / "mlkit-check"), str(work / "activations.ipynb")],
                            capture_output=True, text=True, timeout=900, cwd=work)
    # The blank notebook: its parts fail their visible checks, and it says so.
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    assert "ModuleNotFoundError" not in result.stdout + result.stderr
    assert "step_values" in result.stdout


@dataclass(frozen=True)
class FreshKernel:
    """A Jupyter kernel of a fresh environment: its name, the Jupyter data folder that holds
    its spec (``kernels/<name>/``, found through JUPYTER_PATH), its environment's bin/."""

    name: str
    data: Path
    bin: Path


@pytest.fixture(scope="module")
def colab_kernels(fresh_environment, tmp_path_factory):
    """``colab_kernels(setup_source)``: a :class:`FreshKernel` as on Colab, Python with an
    IPython kernel and no mlkit; one for each set-up cell (so one per set of extras), shared
    by the notebooks that start with it."""
    data = tmp_path_factory.mktemp("jupyter")
    kernels = {}

    def get(setup_source):
        if setup_source not in kernels:
            bin_folder = fresh_environment()
            _pip_install(bin_folder, "ipykernel")
            missing = subprocess.run([str(bin_folder / "python"), "-c", "import mlkit"],
                                     cwd=data, capture_output=True, text=True, timeout=120)
            assert missing.returncode != 0, "the fresh environment already has mlkit"
            name = f"fresh-{len(kernels)}"
            (data / "kernels" / name).mkdir(parents=True)
            (data / "kernels" / name / "kernel.json").write_text(json.dumps({
                "argv": [str(bin_folder / "python"), "-m", "ipykernel_launcher",
                         "-f", "{connection_file}"],
                "display_name": name, "language": "python"}))
            kernels[setup_source] = FreshKernel(name, data, bin_folder)
        return kernels[setup_source]

    return get


def _kernel_environment(kernel, source):
    """The environment of a fresh kernel: nothing of this one's Python, and the set-up cell
    installing from the copy ``source`` of the repository."""
    env = {name: value for name, value in os.environ.items()
           if name not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and Path(p) != BIN]
    env.update(PATH=os.pathsep.join([str(kernel.bin), *path]),
               MLKIT_INSTALL_SOURCE=source.as_uri(), PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def _up_to_the_first_test(notebook):
    """The notebook's cells up to and including its first graded code cell."""
    first = next(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"
                 and cell.metadata.get("nbgrader", {}).get("grade"))
    notebook.cells = notebook.cells[:first + 1]
    return notebook


@pytest.mark.slow
@pytest.mark.xdist_group("colab")
@pytest.mark.parametrize(("assignment", "language"),
                         [(a, language) for language in ("en", "ko") for a in ASSIGNMENTS])
def test_a_release_installs_mlkit_in_a_fresh_environment(assignment, language, colab_kernels,
                                                          source, tmp_path, monkeypatch):
    """A released notebook, opened where mlkit is not installed, installs it (from
    MLKIT_INSTALL_SOURCE) with its first cell and runs, reference answers filled in, through
    its first test cell; the next notebook with the same first cell finds mlkit there."""
    from nbclient import NotebookClient

    folder = ROOT / "exercises" / ("" if language == "en" else language) / assignment
    release = notebooks.read(folder / f"{assignment}.ipynb")
    answers = notebooks.reference_answers(
        notebooks.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb"))
    submission = notebooks.make_submission(release, answers)
    kernel = colab_kernels(submission.cells[0].source)
    monkeypatch.setenv("JUPYTER_PATH", str(kernel.data))
    client = NotebookClient(_up_to_the_first_test(submission), kernel_name=kernel.name,
                            timeout=1200, resources={"metadata": {"path": str(tmp_path)}})
    client.execute(env=_kernel_environment(kernel, source))  # raises if a cell fails
    installed = subprocess.run([str(kernel.bin / "python"), "-c",
                                "import mlkit; print(mlkit.__file__)"],
                               cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert installed.returncode == 0, installed.stderr
    assert Path(installed.stdout.strip()).is_relative_to(kernel.bin.parent), installed.stdout
