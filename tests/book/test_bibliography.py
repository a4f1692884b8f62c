"""The bibliography and the citations agree: every cited key has an entry, every entry is cited."""

import re

import pytest

from tests.helpers import ROOT

BIB = ROOT / "book" / "references.bib"
# {cite}`key`, {cite:p}`a,b`, {cite:t}`key`, {cite:ps}`key`, ... (sphinxcontrib-bibtex's roles)
CITE_ROLE = re.compile(r"\{cite(?::\w+)?\}`([^`]+)`")
ENTRY = re.compile(r"^@(\w+)\s*\{\s*([^,\s]+)\s*,", flags=re.MULTILINE)


def cited_keys(text):
    """The keys a MyST text cites, in order of first citation."""
    keys = []
    for group in CITE_ROLE.findall(text):
        keys += [key.strip() for key in group.split(",") if key.strip() not in keys]
    return keys


def bib_entries(text):
    """``{key: (type, body)}`` of a BibTeX text; the type in lower case."""
    starts = list(ENTRY.finditer(text))
    entries = {}
    for match, following in zip(starts, [*starts[1:], None], strict=True):
        body = text[match.end():following.start() if following else len(text)]
        entries[match.group(2)] = (match.group(1).lower(), body)
    return entries


def problems(sources, bib_text):
    """What is wrong between the chapters ``{name: text}`` and the bibliography's text."""
    entries = bib_entries(bib_text)
    cited = {key: name for name, text in sources.items() for key in cited_keys(text)}
    found = [f"{name} cites {key!r}, which references.bib lacks"
             for key, name in cited.items() if key not in entries]
    found += [f"references.bib has {key!r}, which no chapter cites"
              for key in entries if key not in cited]
    return found


def chapter_texts():
    """The MyST sources of the book, ``{file name: text}``."""
    return {path.name: path.read_text(encoding="utf-8")
            for path in sorted((ROOT / "book").glob("*.md"))}


# The field each BibTeX type needs for its venue (a proceedings paper is not an article).
VENUE = {"article": "journal", "inproceedings": "booktitle", "incollection": "booktitle",
         "techreport": "institution", "book": "publisher", "phdthesis": "school"}

# Journals whose name says "Proceedings": an article in one of them is an @article.
JOURNALS_NAMED_PROCEEDINGS = {"Proceedings of the IEEE"}

CONTROL_BIB = """
@article{known2000,
  author = {Known, A.},
  title = {Cited},
  journal = {J},
  year = {2000},
}
@book{unused1999,
  author = {Unused, B.},
  title = {Never cited},
  publisher = {P},
  year = {1999},
}
"""


class TestCheck:
    def test_cited_keys_of_every_role(self):
        """All of sphinxcontrib-bibtex's roles count, several keys per role too."""
        text = "{cite:p}`a, b` and {cite:t}`c`, {cite}`a` and {cite:ps}`d`; not `{cite:p}`"
        assert cited_keys(text) == ["a", "b", "c", "d"]

    def test_catches_a_missing_and_an_uncited_entry(self):
        """A key cited without an entry, and an entry nobody cites, are both reported."""
        found = problems({"chapter.md": "As {cite:t}`known2000` and {cite:p}`missing2001`."},
                         CONTROL_BIB)
        assert found == ["chapter.md cites 'missing2001', which references.bib lacks",
                         "references.bib has 'unused1999', which no chapter cites"]

    def test_agreeing_sources_have_no_problem(self):
        """Every key cited and every entry used: nothing to report."""
        sources = {"a.md": "{cite:p}`known2000`", "b.md": "{cite:t}`unused1999`"}
        assert problems(sources, CONTROL_BIB) == []


class TestBook:
    def test_every_citation_has_an_entry_and_every_entry_is_cited(self):
        """The chapters' citations and references.bib agree, both ways."""
        assert problems(chapter_texts(), BIB.read_text(encoding="utf-8")) == []

    @pytest.mark.parametrize("key", sorted(bib_entries(BIB.read_text(encoding="utf-8"))))
    def test_entry_has_the_venue_field_of_its_type(self, key):
        """An @article names a journal, an @inproceedings its proceedings, and so on."""
        kind, body = bib_entries(BIB.read_text(encoding="utf-8"))[key]
        fields = set(re.findall(r"^\s*(\w+)\s*=", body, flags=re.MULTILINE))
        assert {"author", "title", "year"} <= fields, key
        if kind in VENUE:
            assert VENUE[kind] in fields, f"@{kind}{{{key}}} needs a {VENUE[kind]} field"
        if kind == "article":
            journal = re.search(r"journal\s*=\s*\{(.*)\},?\s*$", body, flags=re.MULTILINE)
            assert ("proceedings" not in journal.group(1).lower()
                    or journal.group(1) in JOURNALS_NAMED_PROCEEDINGS), (
                f"{key}: a paper in proceedings is an @inproceedings, not an @article")
