"""A translated release: the English release with its text cells taken from a catalogue.

Only the text changes. The code cells, every cell's nbgrader metadata
(``grade_id``, points, locked, ...) and the notebook's kernel are the English
release's, so the same source notebook and the same hidden tests grade either
release, and a student may submit either under the same file name. A markdown
cell is translated only when every block of it has a current translation in
the catalogue (not fuzzy): otherwise it stays English, whole, so that no stale
translation is ever shown as current.

nbgrader keeps a checksum of each locked cell, made from its text, to see that
it was not edited; a translated text cell carries the checksum of its
translated text, so that ``nbgrader validate`` and ``mlkit-check`` see the
untouched Korean release as untouched. When grading, nbgrader puts the
gradebook's (English) text back in place of any locked cell's, which changes
no score. The release record that ``mlkit-check`` compares with
(``metadata["mlkit_release"]``) is made again for the translated cells, and the
notebook's metadata says its language: ``{"mlkit": {"language": "ko"}}``. It
also holds the translations of the texts of its test cells' visible code
(``metadata["mlkit_test_texts"]``, :func:`mlkit.grading.test_texts.released`),
so that ``mlkit-check`` says them in the release's language; the grader uses
the course's catalogues instead (:func:`mlkit.grading.test_texts.attach`).
"""

import copy

from nbgrader import utils

from mlkit.grading import test_texts
from mlkit.grading.catalogues import blocks, cell_context
from mlkit.grading.release import METADATA_KEY, record

__all__ = ["LANGUAGE_KEY", "language", "translate_cell", "translate_notebook"]

LANGUAGE_KEY = "mlkit"


def language(notebook):
    """The language a release is written in: its ``metadata["mlkit"]["language"]``, else "en".

    Example:
        >>> import nbformat
        >>> language(nbformat.v4.new_notebook(metadata={"mlkit": {"language": "ko"}}))
        'ko'
    """
    return notebook.metadata.get(LANGUAGE_KEY, {}).get("language", "en")


def translate_cell(source, context, catalog):
    """The translation of a markdown cell, or None when some block of it has none that is current.

    Args:
        source: the English cell's text.
        context: its message context (:func:`mlkit.grading.catalogues.cell_context`).
        catalog: a Babel ``Catalog`` of the target language.

    Returns:
        The translated text (fenced code, display formulas and blank lines as
        in ``source``), or None.

    Example:
        >>> from babel.messages.catalog import Catalog
        >>> catalog = Catalog(locale="ko")
        >>> _ = catalog.add("## Part 1", "## 1부", context="a:intro")
        >>> translate_cell("## Part 1\\n\\n$$x$$", "a:intro", catalog)
        '## 1부\\n\\n$$x$$'
        >>> print(translate_cell("## Part 2", "a:intro", catalog))
        None
    """
    pieces = []
    for text, translatable in blocks(source):
        if translatable:
            message = catalog.get(text, context=context)
            if message is None or message.fuzzy or not message.string:
                return None
            text = message.string
        pieces.append(text)
    return "".join(pieces)


def translate_notebook(notebook, notebook_name, catalog, *, language):
    """A translated copy of a released notebook.

    Args:
        notebook: the English release (``nbformat`` notebook); it is not modified.
        notebook_name: its file's stem, e.g. ``"activations"``.
        catalog: a Babel ``Catalog`` of ``language``.
        language: the language's code, e.g. ``"ko"``.

    Returns:
        ``(translated, english)``: the new notebook and the contexts of its
        markdown cells left in English.

    Raises:
        ValueError: if ``language`` is not a language code such as "ko".
    """
    if not (isinstance(language, str) and language.isalpha() and 2 <= len(language) <= 3):
        raise ValueError(f"`language` must be a language code such as 'ko'. Received: {language!r}")
    translated = copy.deepcopy(notebook)
    english = []
    for index, cell in enumerate(translated.cells):
        if cell.cell_type != "markdown":
            continue
        context = cell_context(notebook_name, cell, index)
        text = translate_cell(cell.source, context, catalog)
        if text is None:
            english.append(context)
            continue
        cell.source = text
        nbgrader = cell.metadata.get("nbgrader", {})
        if "checksum" in nbgrader:
            nbgrader["checksum"] = utils.compute_checksum(cell)
    translated.metadata[LANGUAGE_KEY] = {**translated.metadata.get(LANGUAGE_KEY, {}),
                                         "language": language}
    translated.metadata.pop(test_texts.METADATA_KEY, None)
    said = test_texts.released(notebook, notebook_name, catalog, language)
    if said:  # for mlkit-check, which runs the test cells in the student's kernel
        translated.metadata[test_texts.METADATA_KEY] = said
    released = translated.metadata.get(METADATA_KEY)
    if released:
        translated.metadata[METADATA_KEY] = record(
            translated, assignment=released.get("assignment"), timeout=released.get("timeout"),
            hidden={entry["grade_id"]: entry["hidden"] for entry in released["cells"]})
    return translated, english
