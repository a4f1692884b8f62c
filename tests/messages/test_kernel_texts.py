"""A translated release's test cells, run in the student's own Jupyter kernel, say their texts
in the notebook's language: assertion messages and f-string names too, not only mlkit's words.

The rewriting itself is :mod:`mlkit.grading.test_texts`'s (the grader's and ``mlkit-check``'s);
here it runs as an IPython AST transformer, first in a real kernel started as Jupyter starts
one for a notebook, then on its own for what a kernel test cannot show cheaply.
"""

import ast
import re
import types

import nbformat
import pytest

from mlkit.grading.test_texts import NAMESPACE_KEY, translate
from mlkit.messages import using
from mlkit.testing.kernel_texts import SayTexts, register
from tests.helpers import ROOT, tool_env

NONE_RETURNED = "tlu returned None. Is a `return` statement missing?"
WRONG_SHAPE = ("For one example x of shape (3,), tlu(x, w, b) should return a single number, "
               "shape (); received shape {np.shape(result)}.")


def _release(language):
    folder = ROOT / "exercises" / ("" if language == "en" else language) / "neurons"
    return nbformat.read(str(folder / "neurons.ipynb"), as_version=4)


def _cell(notebook, grade_id):
    return next(cell for cell in notebook.cells
                if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


class Kernel:
    """A real IPython kernel whose notebook is ``path``, as Jupyter tells it (JPY_SESSION_NAME)."""

    def __init__(self, path):
        from jupyter_client.manager import start_new_kernel

        env = tool_env(JPY_SESSION_NAME=str(path))
        for name in ("MLKIT_LANG", "LC_ALL", "LC_MESSAGES"):
            env.pop(name, None)
        env["LANG"] = "C.UTF-8"
        self.manager, self.client = start_new_kernel(kernel_name="python3", env=env,
                                                     cwd=str(path.parent))

    def run(self, code):
        """Run ``code``; return ``(ename, evalue, traceback)`` of its error, or None."""
        errors = []

        def hook(message):
            if message["msg_type"] == "error":
                errors.append(message["content"])

        reply = self.client.execute_interactive(code, output_hook=hook, timeout=180)
        if reply["content"]["status"] == "ok":
            return None
        error = errors[0] if errors else reply["content"]
        traceback = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error["traceback"]))  # no colours
        return error["ename"], error["evalue"], traceback

    def close(self):
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


@pytest.fixture
def kernel_for(tmp_path):
    started = []

    def start(language):
        notebook = _release(language)
        path = tmp_path / language / "neurons.ipynb"
        path.parent.mkdir()
        nbformat.write(notebook, str(path))
        started.append(Kernel(path))
        return started[-1], notebook

    yield start
    for kernel in started:
        kernel.close()


@pytest.mark.slow
def test_the_korean_release_says_its_assertion_messages_in_korean(kernel_for):
    """In the Korean release's kernel the first test cell's own assertion messages, plain and
    f-string, are Korean from the first run (the set-up cell imports mlkit.testing), and the
    traceback points at the line of the cell that failed."""
    kernel, notebook = kernel_for("ko")
    translations = notebook.metadata["mlkit_test_texts"]
    test_cell = _cell(notebook, "tlu_one_example").source
    assert kernel.run(_cell(notebook, "install_mlkit").source) is None
    assert kernel.run("import numpy as np\ndef tlu(x, w, b):\n    return None") is None
    ename, evalue, traceback = kernel.run(test_cell)
    assert (ename, evalue) == ("AssertionError", translations[NONE_RETURNED]["ko"])
    line = 1 + test_cell.splitlines().index(
        f'    assert result is not None, "{NONE_RETURNED}"')
    assert f"line {line}" in traceback and "assert result is not None" in traceback

    assert kernel.run("def tlu(x, w, b):\n    return np.zeros(3)") is None
    ename, evalue, _ = kernel.run(test_cell)
    korean = translations[WRONG_SHAPE]["ko"].replace("{np.shape(result)}", "(3,)")
    assert (ename, evalue) == ("AssertionError", korean) and "(3,)" in evalue


@pytest.mark.slow
def test_importing_mlkit_testing_is_enough_from_the_next_cell_on(kernel_for):
    """Without the set-up cell, the first test cell registers the rewriting as it imports
    mlkit.testing: it runs as written, and every cell after it says its texts in Korean."""
    kernel, notebook = kernel_for("ko")
    test_cell = _cell(notebook, "tlu_one_example").source
    assert kernel.run("import numpy as np\ndef tlu(x, w, b):\n    return None") is None
    assert kernel.run(test_cell)[1] == NONE_RETURNED
    assert kernel.run(test_cell)[1] == notebook.metadata["mlkit_test_texts"][NONE_RETURNED]["ko"]


@pytest.mark.slow
def test_the_english_release_runs_its_cells_as_written(kernel_for):
    """The English release carries no translations: its cells are not rewritten."""
    kernel, notebook = kernel_for("en")
    assert "mlkit_test_texts" not in notebook.metadata
    assert kernel.run(_cell(notebook, "install_mlkit").source) is None
    assert kernel.run("import numpy as np\ndef tlu(x, w, b):\n    return None") is None
    assert kernel.run(_cell(notebook, "tlu_one_example").source)[1] == NONE_RETURNED
    assert kernel.run(f"assert '{NAMESPACE_KEY}' not in globals()") is None


TRANSLATIONS = {"x is {x}": {"ko": "x는 {x}입니다"}, "done": {"ko": "끝났습니다"}}


def _transformed(source, namespace, translations=TRANSLATIONS):
    return SayTexts(namespace, lambda: translations).visit(ast.parse(source))


def test_a_cell_without_translated_texts_is_left_as_it_is():
    """Student code, and a test cell whose texts the notebook does not translate, run as
    written: the very tree IPython parsed, and nothing put in the namespace."""
    namespace = {}
    for source in ("y = 2 * 3", 'assert 1 > 2, "not translated"', "print(f'{1 + 1}')"):
        tree = ast.parse(source)
        assert SayTexts(namespace, lambda: TRANSLATIONS).visit(tree) is tree
        assert ast.dump(tree) == ast.dump(ast.parse(source))
    assert namespace == {}
    tree = ast.parse('print("done")')
    assert SayTexts(namespace, dict).visit(tree) is tree  # a notebook without translations


def test_a_translated_text_is_said_in_the_notebook_language_on_its_own_line():
    """An assertion's f-string message says its field's value in Korean; line numbers stay."""
    namespace = {}
    source = 'x = 3\n\n\nassert x > 5, f"x is {x}"'
    tree = _transformed(source, namespace)
    assert isinstance(namespace[NAMESPACE_KEY].translations, dict)
    with using("ko"), pytest.raises(AssertionError) as info:
        exec(compile(tree, "<cell>", "exec"), namespace)
    assert str(info.value) == "x는 3입니다"
    assert info.traceback[-1].lineno + 1 == 4  # pytest counts from 0
    with using("en"), pytest.raises(AssertionError, match=r"^x is 3$"):
        exec(compile(_transformed(source, namespace), "<cell>", "exec"), namespace)


def test_code_rewritten_already_is_not_rewritten_again():
    """mlkit-check and the grader hand the kernel test cells they rewrote: left as they are."""
    rewritten = translate(ast.parse('print("done")'))
    assert SayTexts({}, lambda: TRANSLATIONS).visit(rewritten) is rewritten


def test_damaged_translations_are_left_out():
    """A notebook whose metadata holds other things than strings (edited by hand) changes
    nothing: the text stays English, and the cell still runs."""
    namespace = {}
    damaged = {"done": {"ko": 3, 4: "x"}, "x is {x}": ["not", "a", "dict"]}
    tree = ast.parse('print("done")')
    assert SayTexts(namespace, lambda: damaged).visit(tree) is tree


def test_registered_once_and_only_in_a_shell():
    """register() adds one transformer to a shell however often mlkit.testing is imported,
    and nothing to an object that is not IPython's shell."""
    shell = types.SimpleNamespace(ast_transformers=[], user_ns={})
    assert register(shell) and register(shell)
    assert [type(t) for t in shell.ast_transformers] == [SayTexts]
    assert shell.ast_transformers[0].namespace is shell.user_ns
    assert register(types.SimpleNamespace(user_ns={})) is False


def test_the_extension_registers_in_the_shell_it_is_loaded_into():
    """%load_ext mlkit.testing.kernel_texts: the same transformer, once, in that shell."""
    from mlkit.testing import kernel_texts

    shell = types.SimpleNamespace(ast_transformers=[], user_ns={})
    kernel_texts.load_ipython_extension(shell)
    kernel_texts.load_ipython_extension(shell)
    assert [type(t) for t in shell.ast_transformers] == [SayTexts]
