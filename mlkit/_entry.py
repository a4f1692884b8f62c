"""The command-line tools: each says in one line what to install when an extra is missing.

``pip install mlkit`` gives NumPy alone (the student's side); ``mlkit-check``
needs the ``check`` extra and ``mlkit-grade`` the ``grading`` one
(``pyproject.toml``). Without them, the tool stops with one line that names
the extra, not with a traceback from deep inside an import.

Example:
    >>> missing_extra("check", ["json", "no_such_module_here"])
    "mlkit-check needs no_such_module_here, from the 'check' extra: pip install 'mlkit[check]'"
    >>> missing_extra("check", ["json"]) is None
    True
"""

import importlib.util
import sys
from types import MappingProxyType

#: The modules each extra brings that its tool imports first.
NEEDS = MappingProxyType({
    "check": ("nbformat", "nbclient", "nbgrader", "ipykernel"),
    "grading": ("nbformat", "nbgrader", "ipykernel", "sqlalchemy", "copydetect", "filelock",
                "tqdm", "matplotlib", "babel"),
})
TOOLS = MappingProxyType({"check": "mlkit-check", "grading": "mlkit-grade"})


def missing_extra(extra, modules):
    """One line naming the first of ``modules`` that is not installed, or None."""
    for module in modules:
        if importlib.util.find_spec(module) is None:
            return (f"{TOOLS[extra]} needs {module}, from the {extra!r} extra: "
                    f"pip install 'mlkit[{extra}]'")
    return None


def _run(extra, target):
    problem = missing_extra(extra, NEEDS[extra])
    if problem:
        print(problem, file=sys.stderr)
        return 2
    module, _, function = target.partition(":")
    return getattr(importlib.import_module(module), function)()


def check():
    """``mlkit-check``: :func:`mlkit.presubmit.main`."""
    return _run("check", "mlkit.presubmit:main")


def grade():
    """``mlkit-grade``: :func:`mlkit.grading.cli.main`."""
    return _run("grading", "mlkit.grading.cli:main")
