"""The words of the test cells: found in their code, translated, said in the student's language.

A test cell writes English for the student to read: the names of its checks
(``with check("softmax(X) for extreme X"):``, ``assert_close(..., name="f(x)")``,
``no_overflow("...", hint="...")``), the descriptions of the typical mistakes it
passes as a dict (``assert_close(..., mistakes={"the sign is flipped": -expected})``),
the messages of its ``assert`` statements
and ``AssertionError`` s, what it prints, and the description a helper of the
cell puts into one of those (``check_update(..., "a false alarm (lr=2)")``).
These *texts* are found in the code by their place in it (:func:`texts`), never
by guessing from their words, and are messages of the assignment's catalogue,
context ``<notebook>:test cells`` (:data:`CONTEXT`). An f-string is one message
whose fields keep their code: ``"the loss is {losses[-1]:.4f}"``; a translation
must keep every field as it is.

When the checker runs a test cell it rewrites each text into a call of the
cell's :class:`Texts` (:func:`translate`), which evaluates the f-string's fields
once and gives

- for a name (a mistake's description too), a :class:`~mlkit.messages.text.Text`:
  a ``str`` whose value is the English, so that what is compared and recorded
  stays the same in every language, and which knows its translations, so that
  a message says it in the student's language;
- for an assertion's message and what is printed, the text in the language
  chosen now (:func:`mlkit.messages.current`).

Example:
    >>> import ast
    >>> tree = ast.parse('assert x > 1, f"x is {x}"\\nwith check("x is big"):\\n    pass')
    >>> [(msgid(node), said) for node, said in texts(tree)]
    [('x is {x}', True), ('x is big', False)]
"""

import ast
import json
import string
from pathlib import Path

from mlkit.messages import current
from mlkit.messages.kernel import TEXTS_KEY
from mlkit.messages.text import Text, translated

__all__ = ["CONTEXT", "METADATA_KEY", "NAMESPACE_KEY", "Texts", "attach", "fields", "in_kernel",
           "messages", "msgid", "released", "table", "texts", "translate", "usable"]

CONTEXT = "{notebook}:test cells"
NAMESPACE_KEY = "__mlkit_texts__"
# Where the grader hands the translations to the checker, in the notebook it executes; and
# where a translated release keeps those of its visible test code, for mlkit-check.
METADATA_KEY = TEXTS_KEY  # mlkit.messages reads it in a student's kernel too

# Calls whose first argument is a name, and keywords that are names or sentences.
_NAMING_CALLS = frozenset({"check", "no_overflow"})
_NAMING_KEYWORDS = frozenset({"name", "hint"})
# A keyword whose dict's keys are names: the descriptions of typical mistakes (assert_close).
_NAMING_KEYS_KEYWORD = "mistakes"
# Calls whose arguments are said at once.
_SAYING_CALLS = frozenset({"AssertionError", "print"})


def _called(call):
    func = call.func
    return func.id if isinstance(func, ast.Name) else \
        func.attr if isinstance(func, ast.Attribute) else None


def _is_text(node):
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(node.value.strip())
    return isinstance(node, ast.JoinedStr) and msgid(node) is not None


def _said_parts(expression):
    """The texts inside an expression said at once (a message built with ``+``, ``if``...)."""
    if _is_text(expression):
        return [expression]
    if isinstance(expression, ast.BinOp | ast.IfExp | ast.BoolOp):
        return [part for child in ast.iter_child_nodes(expression)
                for part in _said_parts(child)]
    return []  # a call such as "\n- ".join(...): its separator is not text


def texts(tree):
    """The texts of a test cell's code, each with whether it is said at once.

    Args:
        tree: the cell's parsed code (``ast.Module``).

    Returns:
        A list of ``(node, said)``, ``node`` an ``ast.Constant`` or
        ``ast.JoinedStr``, in the order of the code; ``said`` is True for an
        assertion's message and what is printed, False for a name (a mistake's
        description among them: the English is what records and the class
        report keep).
    """
    found = {}

    def add(node, said):
        if _is_text(node):
            found.setdefault(id(node), (node, said))

    for node in ast.walk(tree):
        if isinstance(node, ast.Assert) and node.msg is not None:
            for part in _said_parts(node.msg):
                add(part, True)
        elif isinstance(node, ast.Call):
            name = _called(node)
            if name in _NAMING_CALLS and node.args:
                add(node.args[0], False)
            if name in _SAYING_CALLS:
                for argument in node.args:
                    for part in _said_parts(argument):
                        add(part, True)
            for keyword in node.keywords:
                if keyword.arg in _NAMING_KEYWORDS:
                    add(keyword.value, False)
                elif keyword.arg == _NAMING_KEYS_KEYWORD and isinstance(keyword.value, ast.Dict):
                    for key in keyword.value.keys:  # None for a **mapping unpacked in it
                        if key is not None:
                            add(key, False)
    for node in _helper_arguments(tree, [n for n, _ in found.values()]):
        add(node, False)
    return sorted(found.values(), key=lambda item: (item[0].lineno, item[0].col_offset))


def _helper_arguments(tree, found):
    """Texts passed to a function of the cell for a parameter it puts into a text."""
    inside = {id(node) for text in found for node in ast.walk(text)}
    described = {}
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef):
            arguments = function.args
            params = [a.arg for a in arguments.posonlyargs + arguments.args]
            used = {node.id for node in ast.walk(function)
                    if isinstance(node, ast.Name) and id(node) in inside}
            keywords = {a.arg for a in arguments.kwonlyargs} & used
            described[function.name] = ([p if p in used else None for p in params],
                                        keywords | (set(params) & used))
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) \
                and call.func.id in described:
            positions, keywords = described[call.func.id]
            for position, argument in enumerate(call.args[:len(positions)]):
                if positions[position] is not None:
                    yield argument
            for keyword in call.keywords:
                if keyword.arg in keywords:
                    yield keyword.value


def _field(value):
    """One field of an f-string as written: ``{expression!conversion:spec}``, or None."""
    text = ast.unparse(value.value)
    if value.conversion != -1:
        text += "!" + chr(value.conversion)
    if value.format_spec is not None:
        if not all(isinstance(part, ast.Constant) for part in value.format_spec.values):
            return None  # a spec with fields of its own: too clever to translate
        text += ":" + "".join(part.value for part in value.format_spec.values)
    return "{" + text + "}"


def msgid(node):
    """The message of a text: a string's value, an f-string with its fields written as code.

    Returns None for an f-string whose fields cannot be read back from its message.

    Example:
        >>> msgid(ast.parse('f"{n} of {{all}}: {loss:.4f}"', mode="eval").body)
        '{n} of {{all}}: {loss:.4f}'
    """
    if isinstance(node, ast.Constant):
        return node.value
    pieces = []
    for value in node.values:
        if isinstance(value, ast.Constant):
            pieces.append(value.value.replace("{", "{{").replace("}", "}}"))
        else:
            field = _field(value)
            if field is None:
                return None
            pieces.append(field)
    text = "".join(pieces)
    wanted = [v for v in node.values if isinstance(v, ast.FormattedValue)]
    try:
        if fields(text) != [_field(v) for v in wanted]:
            return None
    except ValueError:
        return None
    return text


def fields(text):
    """The fields of a message, as written, in order (a plain string has none).

    Raises:
        ValueError: when ``text`` has an unmatched brace.

    Example:
        >>> fields("{n} of {{all}}: {loss:.4f}")
        ['{n}', '{loss:.4f}']
    """
    found = []
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is not None:
            found.append("{" + name + (f"!{conversion}" if conversion else "")
                         + (f":{spec}" if spec else "") + "}")
    return found


def messages(notebook):
    """The texts of a source notebook's test cells, each once, in order.

    Args:
        notebook: the source notebook (hidden tests included), an nbformat node.

    Returns:
        A list of ``(text, cell_index)``.
    """
    found = {}
    for index, cell in enumerate(notebook.cells):
        nbgrader = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not nbgrader.get("grade") or nbgrader.get("solution"):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node, _ in texts(tree):
            found.setdefault(msgid(node), index)
    return list(found.items())


def table(release_dir, assignment, notebook_name):
    """The current translations of a notebook's texts: ``{English: {language: translation}}``.

    Read from every catalogue of the assignment (a fuzzy, empty or stale
    entry is left out: that text stays English).
    """
    from mlkit.grading import catalogues
    from mlkit.grading.translations import catalogue_path, languages

    result = {}
    context = CONTEXT.format(notebook=notebook_name)
    for language in languages(release_dir):
        path = catalogue_path(release_dir, language, assignment)
        if not Path(path).is_file():
            continue
        for message in catalogues.read(path, locale=language):
            if message.context == context and message.id and message.string \
                    and not message.fuzzy and isinstance(message.id, str):
                result.setdefault(message.id, {})[language] = message.string
    return result


def released(notebook, notebook_name, catalog, language):
    """The translations of the texts a released notebook's test cells hold, for its metadata.

    Only the texts of the release's own (visible) test code: the hidden tests'
    texts are in the catalogue but not in the release, and stay out of it.

    Args:
        notebook: the English release.
        notebook_name: its file's stem.
        catalog: a Babel ``Catalog`` of ``language`` (fuzzy and empty entries are left out).
        language: the catalogue's language.

    Returns:
        ``{English: {language: translation}}``, as :func:`table`.

    Example:
        >>> import nbformat
        >>> from babel.messages.catalog import Catalog
        >>> cell = nbformat.v4.new_code_cell('with check("f(x)"):\\n    pass',
        ...                                  metadata={"nbgrader": {"grade": True}})
        >>> catalog = Catalog(locale="ko")
        >>> _ = catalog.add("f(x)", "x의 f", context="a:test cells")
        >>> released(nbformat.v4.new_notebook(cells=[cell]), "a", catalog, "ko")
        {'f(x)': {'ko': 'x의 f'}}
    """
    context = CONTEXT.format(notebook=notebook_name)
    found = {}
    for text, _ in messages(notebook):
        message = catalog.get(text, context=context)
        if message is not None and message.string and not message.fuzzy:
            found[text] = {language: message.string}
    return found


def in_kernel(source, translations):
    """A test cell's code that says its texts as the checker does, to run in a Jupyter kernel.

    The code is rewritten as :func:`translate` does, after a first line that
    makes the :class:`Texts` of the cell's texts (from ``translations``, as
    :func:`table` gives) in the kernel; it needs mlkit there, as the test
    cells do. Code that does not parse, or holds no text, is returned as it is.

    Example:
        >>> code = in_kernel('print("done")', {"done": {"ko": "끝났습니다"}})
        >>> from mlkit.messages import using
        >>> with using("ko"):
        ...     exec(code, {})
        끝났습니다
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    found = [msgid(node) for node, _ in texts(tree)]
    if not found:
        return source
    used = usable(found, translations)
    setup = (f"{NAMESPACE_KEY} = __import__('mlkit.grading.test_texts', fromlist=['Texts'])"
             f".Texts(__import__('json').loads({json.dumps(used, ensure_ascii=False)!r}))")
    return setup + "\n" + ast.unparse(translate(tree))


def usable(found, translations):
    """The translations of the texts ``found``, with only the strings of ``translations``.

    ``translations`` (``{English: {language: translation}}``) comes from a notebook's
    metadata: what is not a string there (a damaged or edited file) is left out.

    Example:
        >>> usable(["a", "b"], {"a": {"ko": "가", "en": 1}, "b": ["not", "a", "dict"]})
        {'a': {'ko': '가'}}
    """
    return {text: {language: said for language, said in translations[text].items()
                   if isinstance(language, str) and isinstance(said, str)}
            for text in found if isinstance(translations.get(text), dict)}


def attach(notebook, release_dir, assignment, notebook_name):
    """Put the translations of the notebook's texts in its metadata, for the checker.

    What a submission's metadata held under :data:`METADATA_KEY` is replaced:
    the translations are the course's, never a student's. Without catalogues
    (a course in one language) the key is removed and the texts run as written.
    """
    from mlkit.grading.translations import languages

    notebook.metadata.pop(METADATA_KEY, None)
    if languages(release_dir):
        notebook.metadata[METADATA_KEY] = table(release_dir, assignment, notebook_name)
    return notebook


class Texts:
    """What a rewritten test cell calls for its texts: the English, and its translations.

    Args:
        translations: ``{English: {language: translation}}`` (:func:`table`).

    Example:
        >>> texts_ = Texts({"{n} values differ": {"ko": "값 {n}개가 다릅니다"}})
        >>> name = texts_.name("{n} values differ", (2,))
        >>> name, translated(name, "ko")
        ('2 values differ', '값 2개가 다릅니다')
    """

    def __init__(self, translations):
        self.translations = translations

    def name(self, message, values=None):
        """The text as a :class:`~mlkit.messages.text.Text`: English, and its translations.

        ``values`` are the fields' values of an f-string's message, None for a plain string's.
        """
        english = _format(message, message, values, "en")
        said = {}
        for language, translation in self.translations.get(message, {}).items():
            if values is not None and sorted(fields(translation)) != sorted(fields(message)):
                continue  # a translation that does not keep the fields: English
            try:
                said[language] = _format(message, translation, values, language)
            except (ValueError, KeyError, IndexError):
                continue  # a translation that does not keep the fields: English
        return Text(english, said)

    def said(self, message, values=None):
        """The text in the language chosen now, a plain ``str``."""
        return translated(self.name(message, values), current())


def _format(message, text, values, language):
    """``text`` (``message`` or its translation) with the fields' ``values`` in ``language``."""
    if values is None:
        return text
    position = {field: index for index, field in enumerate(fields(message))}
    pieces = []
    for literal, name, spec, conversion in string.Formatter().parse(text):
        pieces.append(literal)
        if name is None:
            continue
        field = "{" + name + (f"!{conversion}" if conversion else "") \
            + (f":{spec}" if spec else "") + "}"
        value = values[position[field]]
        if conversion == "r":
            value = repr(value)
        elif conversion == "a":
            value = ascii(value)
        elif isinstance(value, Text) or conversion == "s":
            value = translated(value, language) if isinstance(value, Text) else str(value)
        pieces.append(format(value, spec or ""))
    return "".join(pieces)


class _Rewrite(ast.NodeTransformer):
    def __init__(self, chosen):
        self.chosen = chosen

    def visit(self, node):
        if id(node) in self.chosen:
            said = self.chosen[id(node)]
            values = ast.Constant(None)
            if isinstance(node, ast.JoinedStr):
                values = ast.Tuple([self.generic_visit(v.value) for v in node.values
                                    if isinstance(v, ast.FormattedValue)], ast.Load())
            call = ast.Call(
                func=ast.Attribute(value=ast.Name(NAMESPACE_KEY, ast.Load()),
                                   attr="said" if said else "name", ctx=ast.Load()),
                args=[ast.Constant(msgid(node)), values], keywords=[])
            return ast.copy_location(call, node)
        return self.generic_visit(node)


def translate(tree):
    """Rewrite a test cell's texts into calls of :data:`NAMESPACE_KEY`'s :class:`Texts`.

    The rewritten code does what the cell did (each field is evaluated once, in
    order), with names that know their translations and messages in the
    language chosen now.

    Example:
        >>> tree = translate(ast.parse('print(f"{1 + 1} apples")'))
        >>> exec(compile(tree, "<cell>", "exec"),
        ...      {NAMESPACE_KEY: Texts({"{1 + 1} apples": {"ko": "사과 {1 + 1}개"}})})
        2 apples
    """
    chosen = {id(node): said for node, said in texts(tree)}
    return ast.fix_missing_locations(_Rewrite(chosen).visit(tree))
