"""Tests of mlkit's public API: the two backends match, and every function is documented."""

import doctest
import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import mlkit.numpy
import mlkit.tensorflow
import mlkit.testing

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = [mlkit.numpy, mlkit.tensorflow]
PUBLIC = [(backend, name) for backend in BACKENDS for name in backend.__all__]
PUBLIC_IDS = [f"{backend.__name__}.{name}" for backend, name in PUBLIC]
TESTING = [name for name in mlkit.testing.__all__ if name != "mistakes"]
MODULES = ["activations", "neurons", "perceptron", "layers", "losses", "linear", "mlp"]


def _defined_in(module):
    """The public functions and classes a module defines itself (not those it imports)."""
    return {name for name, value in vars(module).items()
            if (inspect.isfunction(value) or inspect.isclass(value))
            and not name.startswith("_") and value.__module__ == module.__name__}


class TestBackendsMatch:
    def test_same_all(self):
        """mlkit.numpy and mlkit.tensorflow export the same names, in the same order."""
        assert mlkit.numpy.__all__ == mlkit.tensorflow.__all__

    def test_all_is_not_empty_and_has_no_duplicates(self):
        """__all__ lists each name once."""
        assert mlkit.numpy.__all__
        assert len(set(mlkit.numpy.__all__)) == len(mlkit.numpy.__all__)

    @pytest.mark.parametrize("name", mlkit.numpy.__all__)
    def test_name_exists_in_both(self, name):
        """Every exported name is a function (or class) of both backends."""
        assert callable(getattr(mlkit.numpy, name))
        assert callable(getattr(mlkit.tensorflow, name))

    @pytest.mark.parametrize("name", mlkit.numpy.__all__)
    def test_same_signature(self, name):
        """Each pair of functions has the same signature: names, kinds and defaults."""
        assert (inspect.signature(getattr(mlkit.numpy, name))
                == inspect.signature(getattr(mlkit.tensorflow, name)))

    @pytest.mark.parametrize("module", MODULES)
    @pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.__name__)
    def test_no_other_public_functions(self, backend, module):
        """A backend module defines exactly the public functions and classes its contract lists."""
        contract = importlib.import_module(f"mlkit.contracts.{module}")
        module = importlib.import_module(f"{backend.__name__}.{module}")
        assert _defined_in(module) == set(contract.__all__)

    @pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.__name__)
    def test_package_exports_its_modules(self, backend):
        """The backend package's __all__ lists its modules' functions, each name once."""
        names = [name for module in MODULES
                 for name in importlib.import_module(f"mlkit.contracts.{module}").__all__]
        assert sorted(backend.__all__) == sorted(names)
        for name in names:
            assert getattr(backend, name).__module__.startswith(backend.__name__ + ".")

    @pytest.mark.parametrize("name", mlkit.numpy.__all__)
    def test_one_contract(self, name):
        """Both backends' functions are the same contract (code, docstring) around their kernels."""
        numpy_version, tensorflow_version = (getattr(b, name) for b in BACKENDS)
        assert inspect.getdoc(numpy_version) == inspect.getdoc(tensorflow_version)
        if inspect.isfunction(numpy_version):
            assert numpy_version.__code__.co_code == tensorflow_version.__code__.co_code
            assert numpy_version.kernel is not tensorflow_version.kernel


class TestDocstrings:
    @pytest.mark.parametrize(("backend", "name"), PUBLIC, ids=PUBLIC_IDS)
    def test_backend_function_documented(self, backend, name):
        """Each backend function has Args, Returns and a doctest Example (a class: no Returns)."""
        value = getattr(backend, name)
        doc = inspect.getdoc(value)
        assert doc, f"{backend.__name__}.{name} has no docstring"
        assert "Example:" in doc
        assert ">>> " in doc.split("Example:", 1)[1]
        assert "Args:" in doc
        if not inspect.isclass(value):
            assert "Returns:" in doc

    @pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.__name__)
    @pytest.mark.parametrize("name", mlkit.numpy.__all__)
    def test_example_runs(self, backend, name):
        """The docstring's example, written once for both backends, runs with either as ``mk``."""
        value = getattr(backend, name)
        test = doctest.DocTestParser().get_doctest(
            inspect.getdoc(value), {"mk": backend, "np": np}, f"{backend.__name__}.{name}",
            None, 0)
        flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
        runner = doctest.DocTestRunner(optionflags=flags)
        output = []
        runner.run(test, out=output.append)
        assert runner.failures == 0, "".join(output)

    @pytest.mark.parametrize("name", TESTING)
    def test_testing_function_documented(self, name):
        """Each function of mlkit.testing has a docstring with a doctest Example."""
        doc = inspect.getdoc(getattr(mlkit.testing, name))
        assert doc, f"mlkit.testing.{name} has no docstring"
        assert "Example:" in doc
        assert ">>> " in doc.split("Example:", 1)[1]

    @pytest.mark.parametrize("name", ["numerical_gradient", "rel_error"])
    def test_testing_functions_that_return_say_what(self, name):
        """The functions of mlkit.testing that return a value document it under Returns."""
        assert "Returns:" in inspect.getdoc(getattr(mlkit.testing, name))

    @pytest.mark.parametrize("name", mlkit.testing.mistakes.__all__)
    def test_mistakes_functions_documented(self, name):
        """Each mistakes function has a docstring."""
        assert inspect.getdoc(getattr(mlkit.testing.mistakes, name))


class TestImports:
    def test_numpy_side_never_imports_tensorflow(self):
        """Importing mlkit, mlkit.numpy and mlkit.testing does not import TensorFlow."""
        code = ("import mlkit, mlkit.numpy, mlkit.testing; import sys; "
                "assert 'tensorflow' not in sys.modules, 'tensorflow was imported'")
        result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                                text=True, timeout=60, check=False)
        assert result.returncode == 0, result.stderr

    def test_version(self):
        """mlkit has a version string."""
        assert isinstance(mlkit.__version__, str)
        assert mlkit.__version__.count(".") == 2
