"""The notebook this Jupyter kernel runs, so that its checks speak the notebook's language.

A student working in the Korean release runs its checks in their own kernel,
which knows nothing of the notebook's metadata by itself. Jupyter (and VS
Code) tell the kernel its notebook's path; :func:`notebook` reads the
notebook's metadata from that file, again only when the file has changed.
Outside IPython (a script, the grader's checker) there is no notebook.
"""

import functools
import json
import os
import sys
from pathlib import Path

__all__ = ["TEXTS_KEY", "notebook", "notebook_path", "notebook_texts", "shell"]

#: Where a translated release keeps the translations of its test cells' texts
#: (``{English: {language: translation}}``, written by ``mlkit.grading.test_texts``).
TEXTS_KEY = "mlkit_test_texts"


def shell():
    """The IPython shell running now, or None (IPython is never imported here).

    Example:
        >>> shell() is None  # not in IPython
        True
    """
    ipython = sys.modules.get("IPython")  # a kernel has it already
    return ipython.get_ipython() if ipython is not None else None


def notebook_path():
    """The path of the notebook this kernel runs, as Jupyter or VS Code tell it, or None.

    Example:
        >>> notebook_path() is None  # not in a Jupyter kernel
        True
    """
    namespace = getattr(shell(), "user_ns", None) or {}
    for found in (namespace.get("__session__"), namespace.get("__vsc_ipynb_file__"),
                  os.environ.get("JPY_SESSION_NAME")):
        if found and str(found).endswith(".ipynb") and Path(found).is_file():
            return Path(found)
    return None


@functools.lru_cache(maxsize=4)
def _metadata(path, modified):
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("metadata", {}) if isinstance(data, dict) else {}


def notebook():
    """``{"metadata": ...}`` of the notebook this kernel runs, or None outside a notebook."""
    path = notebook_path()
    if path is None:
        return None
    try:
        modified = path.stat().st_mtime_ns
    except OSError:
        return None
    return {"metadata": _metadata(str(path), modified)}


def notebook_texts():
    """The translations of the test cells' texts of the notebook this kernel runs, or ``{}``.

    A Korean release carries them in its metadata, so that a check it names
    (``check("softmax(X) for ...")``) is named in Korean when the student runs
    the cell in Jupyter, as the grader and the pre-submit check name it.

    Example:
        >>> notebook_texts()  # not in a Jupyter kernel
        {}
    """
    running = notebook()
    texts = (running or {}).get("metadata", {}).get(TEXTS_KEY)
    return texts if isinstance(texts, dict) else {}
