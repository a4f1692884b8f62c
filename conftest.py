"""pytest set-up for the whole repository: what mlkit's docstring examples need.

The examples of mlkit's public functions are written once, in their contracts
(mlkit/contracts), and run for each backend: ``mk`` is the backend whose module
holds the example being run (NumPy for the contracts' own modules).
"""

import importlib
import os

import numpy as np
import pytest

# The messages the tests expect are English: whatever the locale or MLKIT_LANG of the machine
# running them, mlkit speaks English here (the tests of the Korean messages ask for Korean).
os.environ["MLKIT_LANG"] = "en"


@pytest.fixture(autouse=True)
def _backend_as_mk(request, doctest_namespace):
    """``mk``: mlkit.tensorflow in the examples under mlkit/tensorflow, else mlkit.numpy."""
    if type(request.node).__name__ != "DoctestItem":
        return
    backend = "tensorflow" if "tensorflow" in request.node.path.parts else "numpy"
    doctest_namespace["mk"] = importlib.import_module(f"mlkit.{backend}")
    doctest_namespace["np"] = np

