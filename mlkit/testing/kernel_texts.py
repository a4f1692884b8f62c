"""A translated release's test cells, run by the student in Jupyter, say their texts translated.

The Korean release of an assignment carries the translations of its visible
test cells' texts (assertion messages, printed lines, check names, also those
built with f-strings) in its metadata (:mod:`mlkit.grading.test_texts`). The
grader and ``mlkit-check`` rewrite each test cell before running it so that
it says them in the student's language. In the student's own kernel the same
rewriting is done by :class:`SayTexts`, one of IPython's AST transformers: it
changes a cell's code after IPython parsed it and before it runs, keeping every
line where it was, so that a traceback points at the line the student sees.

It is registered by :func:`register` when :mod:`mlkit.testing` is imported in
a kernel: by the first cell of every assignment, so that the first test cell is
rewritten too, or else by the first test cell, for the cells after it. It is
also an IPython extension (``%load_ext mlkit.testing.kernel_texts``). It changes
only a cell that holds a text the notebook translates; outside a translated
release it leaves every cell alone.

Example:
    >>> import ast
    >>> from mlkit.messages import using
    >>> texts = {"it returned None": {"ko": "None을 반환했습니다"}}
    >>> namespace = {}
    >>> say = SayTexts(namespace, lambda: texts)
    >>> tree = say.visit(ast.parse('print("it returned None")'))
    >>> with using("ko"):
    ...     exec(compile(tree, "<cell>", "exec"), namespace)
    None을 반환했습니다
"""

import ast

from mlkit.grading.test_texts import NAMESPACE_KEY, Texts, msgid, texts, translate, usable
from mlkit.messages import kernel

__all__ = ["SayTexts", "load_ipython_extension", "register"]


class SayTexts(ast.NodeTransformer):
    """IPython's AST transformer that rewrites a cell's texts into calls of its :class:`Texts`.

    Args:
        namespace: the namespace the cells run in (the shell's ``user_ns``); the
            :class:`~mlkit.grading.test_texts.Texts` of a rewritten cell is put there.
        translations: ``translations() -> {English: {language: translation}}``, read
            for every cell (:func:`mlkit.messages.kernel.notebook_texts`).
    """

    def __init__(self, namespace, translations=kernel.notebook_texts):
        super().__init__()
        self.namespace = namespace
        self.translations = translations

    def visit(self, node):
        if not isinstance(node, ast.Module):
            return node
        translations = self.translations()
        if not translations or _rewritten(node):
            return node  # not a translated release; or rewritten already (mlkit-check, grader)
        used = usable([msgid(text) for text, _ in texts(node)], translations)
        if not any(used.values()):
            return node  # nothing the notebook translates: the cell runs as it is written
        self.namespace[NAMESPACE_KEY] = Texts(used)
        return translate(node)


def _rewritten(tree):
    return any(isinstance(node, ast.Name) and node.id == NAMESPACE_KEY for node in ast.walk(tree))


def register(shell=None):
    """Add a :class:`SayTexts` to the IPython shell's AST transformers, once.

    Args:
        shell: the IPython shell; by default the one running now, if any.

    Returns:
        True if the shell has one now; False outside IPython.

    Example:
        >>> import types
        >>> shell = types.SimpleNamespace(ast_transformers=[], user_ns={})  # as IPython's
        >>> register(shell), register(shell), len(shell.ast_transformers)
        (True, True, 1)
        >>> register(object())  # not an IPython shell
        False
    """
    if shell is None:
        shell = kernel.shell()
    transformers = getattr(shell, "ast_transformers", None)
    if not isinstance(transformers, list):
        return False
    if not any(isinstance(transformer, SayTexts) for transformer in transformers):
        transformers.append(SayTexts(shell.user_ns))
    return True


def load_ipython_extension(ipython):
    """``%load_ext mlkit.testing.kernel_texts``: :func:`register` in that shell."""
    register(ipython)
