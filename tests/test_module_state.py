"""No module of mlkit keeps mutable state: its tables are read-only, its data belongs to calls."""

import importlib
import pkgutil

import pytest

import mlkit

MUTABLE = (dict, list, set, bytearray)


def _mutable(module):
    """``name -> type`` of the module's own mutable containers (dunder names are Python's)."""
    return {key: type(value).__name__ for key, value in vars(module).items()
            if not key.startswith("__") and isinstance(value, MUTABLE)}


def _modules():
    return sorted(info.name for info in pkgutil.walk_packages(mlkit.__path__, "mlkit."))


@pytest.mark.parametrize("name", _modules())
def test_module_holds_no_mutable_container(name):
    """Every module-level dict, list or set would be state shared by every caller and run.

    Constant tables are ``types.MappingProxyType``, ``frozenset`` or tuples; names
    with two underscores (``__all__``, ``__builtins__``) are Python's own.
    """
    module = importlib.import_module(name)
    found = _mutable(module)
    assert found == {}, f"{name} holds mutable module-level containers: {found}"


def test_the_check_finds_a_mutable_table(tmp_path, monkeypatch):
    """The test above is not vacuous: a module with a dict at its top level is caught."""
    (tmp_path / "mlkit_state_probe.py").write_text("TABLE = {}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("mlkit_state_probe")
    assert _mutable(module) == {"TABLE": "dict"}
