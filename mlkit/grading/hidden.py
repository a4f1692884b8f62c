"""The hidden part of a test cell, and the names of its checks, read from the cell's source.

A test cell of a source notebook holds its hidden tests between the lines
``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS`` (nbgrader's markers),
and each hidden check is a ``with check("name"):`` block
(:func:`mlkit.testing.check`). The names are read from the code, never typed
twice: the note a released notebook shows ("2 hidden checks, not run yet") and
the feedback after grading both come from here.

Hidden tests run in the notebook's namespace when it is graded, and only
then. :func:`global_names` tells which names a piece of code binds, so that
the grader can undo what the hidden part of a cell bound
(:class:`mlkit.grading.runner.Runner`), and a test can check that no hidden
part relies on what an earlier one bound.

Example:
    >>> source = '''assert f(1) == 1
    ... ### BEGIN HIDDEN TESTS
    ... with check("f of a large number"):
    ...     assert f(10 ** 9) == 10 ** 9
    ... ### END HIDDEN TESTS'''
    >>> split(source).names
    ['f of a large number']
"""

import ast
import dataclasses
import re
import symtable

from IPython.core.inputtransformer2 import TransformerManager

__all__ = ["BEGIN", "END", "HiddenPart", "global_names", "split"]

BEGIN = "### BEGIN HIDDEN TESTS"
END = "### END HIDDEN TESTS"
_MARKER = re.compile(rf"^[ \t]*({BEGIN}|{END})[ \t]*$", re.MULTILINE)


@dataclasses.dataclass
class HiddenPart:
    """A test cell's source cut at its hidden part.

    Attributes:
        visible: the code before ``### BEGIN HIDDEN TESTS``.
        hidden: the code between the markers (without them); empty when there is none.
        after: the code after ``### END HIDDEN TESTS``.
        names: the name of each ``with check("name"):`` block of the hidden
            code that sits at its top level, in order.
        unnamed: the line numbers (in ``hidden``) of top-level statements,
            other than imports, that are not such a block: hidden code that no
            check names.
    """

    visible: str
    hidden: str
    after: str
    names: list
    unnamed: list

    @property
    def has_hidden(self):
        """True when the cell has a hidden part."""
        return bool(self.hidden.strip())


def _check_name(statement):
    """The name of a ``with check("name"):`` statement, or None for another statement."""
    if not isinstance(statement, ast.With):
        return None
    for item in statement.items:
        call = item.context_expr
        if (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "check"
                and call.args and isinstance(call.args[0], ast.Constant)
                and isinstance(call.args[0].value, str)):
            return call.args[0].value
    return None


def split(source):
    """Cut a test cell's source at nbgrader's hidden-test markers and name its checks.

    Args:
        source: the cell's source.

    Returns:
        A :class:`HiddenPart`; without markers, all the code is ``visible``.

    Raises:
        ValueError: if the markers are not one BEGIN followed by one END.
        SyntaxError: if the hidden code is not valid Python.
    """
    markers = list(_MARKER.finditer(source))
    if not markers:
        return HiddenPart(source, "", "", [], [])
    kinds = [m.group(1) for m in markers]
    if kinds != [BEGIN, END]:
        raise ValueError(f"a test cell must hold one {BEGIN!r} line followed by one {END!r} "
                         f"line; found {kinds}")
    begin, end = markers
    hidden = source[begin.end():end.start()].strip("\n")
    names, unnamed = [], []
    for statement in ast.parse(hidden).body:
        name = _check_name(statement)
        if isinstance(statement, ast.Import | ast.ImportFrom):
            continue  # `from mlkit.testing import check` comes before the checks
        if name is None:
            unnamed.append(statement.lineno)
        else:
            names.append(name)
    return HiddenPart(source[:begin.start()], hidden, source[end.end():].lstrip("\n"),
                      names, unnamed)


def global_names(code):
    """The global names ``code`` binds, and those it reads before binding them itself.

    A name is bound by an assignment, an import, a ``def`` or ``class``, a
    ``for`` or ``with ... as`` target, ``del``, or by a function that declares
    it ``global`` and assigns it. Statements are taken in order; a function's
    reads of globals count where it is defined. Within one statement, a name it
    binds is not counted as read first. IPython's ``%magics`` are translated to
    Python first, as a kernel does.

    Args:
        code: a cell's source, or part of one.

    Returns:
        ``(bound, read_first)``, two sets of names.

    Raises:
        SyntaxError: if ``code`` is not valid Python.

    Example:
        >>> bound, read_first = global_names("y = x + 1\\nfrom mlkit.testing import check\\nx = 2")
        >>> sorted(bound), sorted(read_first)
        (['check', 'x', 'y'], ['x'])
    """
    bound, read_first = set(), set()
    for statement in ast.parse(TransformerManager().transform_cell(code)).body:
        table = symtable.symtable(ast.unparse(statement), "<cell>", "exec")
        binds = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}
        reads = {s.get_name() for s in table.get_symbols() if s.is_referenced()}
        scopes = list(table.get_children())
        while scopes:
            scope = scopes.pop()
            scopes.extend(scope.get_children())
            for symbol in scope.get_symbols():
                if symbol.is_declared_global() and symbol.is_assigned():
                    binds.add(symbol.get_name())
                elif symbol.is_global() and symbol.is_referenced():
                    reads.add(symbol.get_name())
        read_first |= reads - binds - bound
        bound |= binds
    return bound, read_first
