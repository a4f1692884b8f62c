"""The text of a released notebook as gettext messages, and a catalogue's state against it.

A translation of an assignment is a gettext catalogue (a ``.po`` file, read and
written with Babel) whose messages are the *blocks* of the English release's
markdown cells: its paragraphs, list items run together, tables and headings,
each one message, with the cell's ``notebook:grade_id`` as the message's
context. Fenced code and display formulas (``$$ ... $$`` alone in a block) are
not text to translate and are never extracted: a translated cell carries them
over from the English cell as they are.

The template (``.pot``) is made from the English release at every release;
Babel's :meth:`~babel.messages.catalog.Catalog.update` merges it into the
catalogue as ``msgmerge`` does: a block whose English changed becomes a *fuzzy*
entry (with its previous English kept for the translator), a new block an
untranslated one, a removed block an obsolete one.
"""

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

__all__ = ["CatalogueState", "blocks", "cell_context", "merge", "messages", "read",
           "state", "template", "write"]

PROJECT = "Foundations of Deep Learning"
TEAM = "The Foundations of Deep Learning course team"
_FENCE = re.compile(r"^\s*(```|~~~)")
# What a file's header says about when it was written: left out when deciding whether it changed.
_DATES = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"\n', re.MULTILINE)


def blocks(markdown):
    """Split a markdown cell into blocks and the blank lines between them.

    A block ends at a blank line, except inside fenced code or a display
    formula. Joining the pieces gives back the cell exactly.

    Args:
        markdown: the source of a markdown cell.

    Returns:
        A list of ``(text, translatable)`` pairs: ``translatable`` is False for
        the blank lines, fenced code and blocks that are only a display formula.

    Example:
        >>> blocks("## Part 1\\n\\n$$x^2$$\\n\\nWrite `f`.")
        [('## Part 1', True), ('\\n\\n', False), ('$$x^2$$', False), ('\\n\\n', False),
         ('Write `f`.', True)]
    """
    groups = []  # [is_gap, text], consecutive lines of one kind together
    fenced = in_formula = False
    for line in markdown.splitlines(keepends=True):
        is_gap = not line.strip() and not fenced and not in_formula
        if groups and groups[-1][0] == is_gap:
            groups[-1][1] += line
        else:
            groups.append([is_gap, line])
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and line.count("$$") % 2:
            in_formula = not in_formula
    pieces = []
    for is_gap, text in groups:
        if not is_gap:
            # A block's final newline goes with the gap after it, so that messages end in text.
            body = text.rstrip("\n")
            pieces.append((body, not _is_code_or_formula(body)))
            text = text[len(body):]
            if not text:
                continue
        if pieces and not pieces[-1][1] and not pieces[-1][0].strip():
            pieces[-1] = (pieces[-1][0] + text, False)
        else:
            pieces.append((text, False))
    return pieces


def _is_code_or_formula(text):
    stripped = text.strip()
    return bool(_FENCE.match(stripped)) or (
        stripped.startswith("$$") and stripped.endswith("$$") and stripped.count("$$") == 2)


def cell_context(notebook_name, cell, index):
    """The message context of a markdown cell: ``notebook:grade_id`` (or ``notebook:cell-N``).

    Example:
        >>> cell_context("activations", {"metadata": {"nbgrader": {"grade_id": "intro"}}}, 0)
        'activations:intro'
    """
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return f"{notebook_name}:{grade_id or f'cell-{index}'}"


def messages(notebook, notebook_name):
    """The messages of a notebook's markdown cells, in order.

    Args:
        notebook: an ``nbformat`` notebook (the English release).
        notebook_name: its file's stem, e.g. ``"activations"``.

    Returns:
        A list of ``(context, text, cell_index)``, one per translatable block (the
        template's locations say ``<notebook>.ipynb:<cell number, from 1>``).
    """
    found = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue
        context = cell_context(notebook_name, cell, index)
        found.extend((context, text, index) for text, translatable in blocks(cell.source)
                     if translatable)
    return found


def template(notebooks, *, domain, sources=None):
    """The translation template (``.pot``) of an assignment's released notebooks.

    Args:
        notebooks: dict ``file name -> nbformat notebook`` of the English release.
        domain: the assignment's name, the catalogue's domain.
        sources: dict ``file name -> nbformat notebook`` of the source (hidden
            tests included), whose test cells' texts are messages too
            (:mod:`mlkit.grading.test_texts`), or None.

    Returns:
        A Babel ``Catalog`` without a locale.
    """
    catalog = Catalog(domain=domain, project=PROJECT, copyright_holder=TEAM, fuzzy=False,
                      charset="utf-8",
                      header_comment=f"# The text of the assignment {domain!r} to translate.\n"
                                     "# Made from its English release: never edit by hand.")
    for name in sorted(notebooks):
        stem = Path(name).stem
        for context, text, index in messages(notebooks[name], stem):
            catalog.add(text, context=context, locations=[(name, index + 1)])
    from mlkit.grading import test_texts

    for name in sorted(sources or {}):
        context = test_texts.CONTEXT.format(notebook=Path(name).stem)
        for text, index in test_texts.messages(sources[name]):
            flags = ["python-brace-format"] if test_texts.fields(text) else []
            catalog.add(text, context=context, locations=[(name, index + 1)], flags=flags)
    return catalog


def merge(catalog, template_catalog):
    """``catalog`` brought up to date with ``template_catalog``, as ``msgmerge`` does.

    A message whose English changed becomes fuzzy and keeps its translation and
    its previous English; one that disappeared becomes obsolete.
    """
    catalog.update(template_catalog, update_creation_date=False)
    return catalog


def read(path, locale=None):
    """Read a ``.po`` or ``.pot`` file into a Babel ``Catalog``."""
    with open(path, "rb") as file:
        return read_po(file, locale=locale, domain=Path(path).stem)


def render(catalog):
    """The text of ``catalog`` as a ``.po`` file (the previous English of fuzzy entries kept)."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, include_previous=True, width=100)
    return buffer.getvalue().decode("utf-8")


def write(catalog, path):
    """Write ``catalog`` to ``path`` unless only its header's dates would change.

    Returns:
        True if the file was written.
    """
    path = Path(path)
    text = render(catalog)
    if path.is_file() and _DATES.sub("", path.read_text(encoding="utf-8")) == _DATES.sub("", text):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


@dataclass
class CatalogueState:
    """How a catalogue stands against the template of the current English release.

    Attributes:
        missing: ``(context, English)`` of the template's messages the catalogue lacks.
        extra: those of the catalogue that the template no longer has.
        fuzzy: those whose translation is marked fuzzy (made for an earlier English).
        untranslated: those with no translation.
    """

    missing: list = field(default_factory=list)
    extra: list = field(default_factory=list)
    fuzzy: list = field(default_factory=list)
    untranslated: list = field(default_factory=list)

    @property
    def stale(self):
        """True if the catalogue's messages are not those of the current English release."""
        return bool(self.missing or self.extra)

    @property
    def complete(self):
        """True if every message of the current English release has a current translation."""
        return not (self.stale or self.fuzzy or self.untranslated)


def _key(message):
    return (message.context, message.id)


def state(catalog, template_catalog):
    """Compare a catalogue with the template of the current English release.

    Returns:
        A :class:`CatalogueState`.
    """
    wanted = {_key(m) for m in template_catalog if m.id}
    have = {_key(m): m for m in catalog if m.id}
    result = CatalogueState(missing=sorted(wanted - set(have), key=str),
                            extra=sorted(set(have) - wanted, key=str))
    for key in sorted(wanted & set(have), key=str):
        if have[key].fuzzy:
            result.fuzzy.append(key)
        elif not have[key].string:
            result.untranslated.append(key)
    return result
