"""A student's own kernel speaks the language of the notebook it runs."""

import json
import os
import types

import numpy as np
import pytest

from mlkit.messages import current, shown
from mlkit.messages.kernel import notebook_path
from mlkit.testing import CheckError, assert_close


def _write(path, language):
    metadata = {"mlkit": {"language": language}} if language else {}
    path.write_text(json.dumps({"metadata": metadata, "cells": [], "nbformat": 4,
                                "nbformat_minor": 5}))
    stamp = path.stat().st_mtime_ns + 10**9 * (1 + len(language or ""))
    os.utime(path, ns=(stamp, stamp))  # a new modification time, as a save gives


@pytest.fixture
def kernel(tmp_path, monkeypatch):
    """A Jupyter kernel (IPython's shell, its __session__) running tmp_path/work.ipynb."""
    path = tmp_path / "work.ipynb"
    _write(path, "ko")
    shell = types.SimpleNamespace(user_ns={"__session__": str(path)})
    monkeypatch.setitem(__import__("sys").modules, "IPython",
                        types.SimpleNamespace(get_ipython=lambda: shell))
    monkeypatch.delenv("MLKIT_LANG")
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    return path


def test_korean_release_in_its_kernel(kernel):
    """In the Korean release's kernel, a failed check is said in Korean."""
    assert notebook_path() == kernel and current() == "ko"
    with pytest.raises(CheckError) as info:
        assert_close(np.zeros(2), np.ones(2), name="f(x)")
    assert str(info.value).startswith("f(x) 값이 틀렸습니다: 값 2개 중 2개가 다릅니다")


def test_follows_the_saved_notebook(kernel):
    """The metadata is read again when the notebook changes."""
    _write(kernel, None)
    assert current() == "en"
    _write(kernel, "ko")
    assert shown("wrong shape") == "모양이 틀렸습니다"


def test_mlkit_lang_still_decides(kernel, monkeypatch):
    """MLKIT_LANG=en gives English in the Korean release's kernel."""
    monkeypatch.setenv("MLKIT_LANG", "en")
    assert current() == "en"


def test_damaged_metadata_leaves_the_choice_to_the_environment(kernel):
    """A notebook naming an unknown language does not break the checks: English here."""
    _write(kernel, "tlh")
    assert current() == "en"


def test_no_kernel_no_notebook():
    """Outside IPython there is no notebook to read."""
    assert notebook_path() is None


def test_the_release_names_its_checks_in_korean(kernel):
    """A check the Korean release's test cell names is named in Korean in the student's kernel.

    The release's metadata carries the translations of its visible test cells' texts
    (as the assignment's catalogue holds them); a plain name not among them stays as written.
    """
    from mlkit.grading.notebooks import read
    from mlkit.testing import check
    from tests.helpers import ROOT

    release = read(ROOT / "exercises" / "ko" / "softmax" / "softmax.ipynb")
    kernel.write_text(json.dumps({"metadata": dict(release.metadata), "cells": [],
                                  "nbformat": 4, "nbformat_minor": 5}))
    stamp = kernel.stat().st_mtime_ns + 10**9
    os.utime(kernel, ns=(stamp, stamp))
    name = "softmax(X) for X of shape (2, 3)"
    korean = release.metadata["mlkit_test_texts"][name]["ko"]
    assert korean != name
    with pytest.raises(CheckError) as info, check(name):
        assert_close(np.zeros(2), np.ones(2))
    assert str(info.value).splitlines()[0].count(korean) == 1 and name not in str(info.value)
    with pytest.raises(CheckError) as info, check("a name of the student's own"):
        assert_close(np.zeros(2), np.ones(2))
    assert "a name of the student's own" in str(info.value)


def test_the_release_describes_its_mistakes_in_korean(kernel):
    """A typical mistake the Korean release's test cell describes in its mistakes= dict is
    described in Korean in the student's kernel; the error keeps the English as its identity."""
    from mlkit.grading.notebooks import read
    from tests.helpers import ROOT
    from tests.messages.oracle import ko

    release = read(ROOT / "exercises" / "ko" / "backprop" / "backprop.ipynb")
    kernel.write_text(json.dumps({"metadata": dict(release.metadata), "cells": [],
                                  "nbformat": 4, "nbformat_minor": 5}))
    stamp = kernel.stat().st_mtime_ns + 10**9
    os.utime(kernel, ns=(stamp, stamp))
    ignored = ("the activation argument was ignored: that is the loss of a tanh layer; use the "
               "forward and backward functions picked for `activation`")
    korean = release.metadata["mlkit_test_texts"][ignored]["ko"]
    assert korean != ignored
    with pytest.raises(CheckError) as info:
        assert_close(0.9, 0.7, name="losses[0]", mistakes={ignored: 0.9, "another": 0.5})
    assert ko("Likely mistake: %(mistake)s", mistake=korean) in str(info.value)
    assert ignored not in str(info.value) and info.value.mistake == ignored
