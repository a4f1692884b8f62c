"""The Korean edition: built beside the English one from its catalogues, and kept in step.

The built-book tests read the session's build of both editions
(``book/_ext/editions.py build``); the catalogue tests read
``book/locales/ko`` and, for staleness, a ``gettext`` build of the English
source made from the same build's execution cache.
"""

import hashlib
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.book.test_book import _toc_files
from tests.helpers import BIN, ROOT, tool_env

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import editions
import language_switch
import translations
from korean_search import SearchKorean, strip_particle

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("book")]

PAGES = _toc_files()
#: The share of the chapters' messages (API reference aside) that must be translated.
MINIMUM_SHARE = 0.95


def _text(page):
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def _switch(page):
    """The address of a page's language switch."""
    match = re.search(r'<a href="([^"]+)"[^>]*class="[^"]*btn-language-switch', page, re.DOTALL)
    assert match, "the page has no language switch"
    return match.group(1)


def _images(page):
    return re.findall(r'<img[^>]*\bsrc="([^"]+_images/[^"]+\.png)"[^>]*>', page)


class TestKoreanEdition:
    def test_the_korean_build_executed_nothing(self, built_book):
        """Every chapter came from the English build's execution cache."""
        assert built_book.returncode == 0, built_book.log[-8000:]
        korean_part = built_book.log.split("== The ko edition", 1)[1]
        assert "Executing notebook" not in korean_part

    def test_figures_draw_hangul_with_a_hangul_font(self, built_book):
        """matplotlib found a glyph for every Korean character it drew (no empty boxes)."""
        assert "does not have a glyph" not in built_book.log

    @pytest.mark.parametrize("doc", PAGES)
    def test_every_page_is_korean_and_switches_to_the_same_page(self, built_book, doc):
        """Each page exists in both editions, each declares its language, and each one's
        switch leads to the same page of the other."""
        english = (built_book.html / f"{doc}.html").read_text(encoding="utf-8")
        korean = (built_book.korean / f"{doc}.html").read_text(encoding="utf-8")
        assert '<html lang="ko"' in korean and '<html lang="en"' in english
        # As a browser resolves an address: by its text, not through the ko/ link.
        to_korean = os.path.normpath(Path(doc).parent / _switch(english))
        to_english = os.path.normpath(Path("ko") / Path(doc).parent / _switch(korean))
        assert to_korean == f"ko/{doc}.html"
        assert to_english == f"{doc}.html"
        assert (built_book.html / to_korean).is_file() and (built_book.html / to_english).is_file()

    @pytest.mark.parametrize("doc", ["book/intro", "book/neurons", "book/softmax"])
    def test_translated_paragraphs_replace_the_english(self, built_book, doc):
        """A message the catalogue translates appears in Korean, not in English."""
        catalogue = translations.read(translations.CATALOGUES / f"{Path(doc).name}.po")
        plain = [m for m in catalogue if m.id and m.string and not m.fuzzy
                 and isinstance(m.id, str) and not re.search(r"[`${}*\[\]_\\]", m.id + m.string)
                 and len(m.id) > 40]
        assert plain, "no plain translated paragraph to compare"
        # The page's text, and its attributes (a message may be a figure's alt text).
        page = html.unescape((built_book.korean / f"{doc}.html").read_text("utf-8"))
        text = " ".join(page.split())
        for message in plain[:5]:
            assert " ".join(message.string.split()) in text
            assert " ".join(message.id.split()) not in text

    def test_figures_are_drawn_again_with_korean_words(self, built_book):
        """The Korean pages' figures are their own images, their words and alt text Korean."""
        english = built_book.page("activations")
        korean = built_book.page("activations", "ko")
        english_images, korean_images = _images(english), _images(korean)
        assert len(english_images) == len(korean_images) > 0

        def digest(page_folder, src):
            return hashlib.sha256((page_folder / src).read_bytes()).hexdigest()

        different = [k for e, k in zip(english_images, korean_images, strict=True)
                     if digest(built_book.html / "book", e)
                     != digest(built_book.korean / "book", k)]
        assert len(different) >= len(korean_images) - 1, "figures kept their English words"
        alts = [re.search(r'\balt="([^"]*)"', tag).group(1)
                for tag in re.findall(r'<img[^>]*_images/[^>]*>', korean)]
        assert alts and all(translations.HANGUL.search(alt) for alt in alts)

    def test_the_search_index_holds_korean_stems(self, built_book):
        """뉴런은 and 뉴런을 in the text are indexed as 뉴런."""
        index = (built_book.korean / "searchindex.js").read_text(encoding="utf-8")
        assert json.dumps("뉴런") in index  # the index escapes non-ASCII as JSON does
        assert json.dumps("뉴런은") not in index


class TestCatalogues:
    def test_catalogues_match_the_english_source(self, built_book, tmp_path_factory):
        """Every message of the English source is in the Korean catalogues, and no stale one."""
        if built_book.returncode != 0:
            pytest.fail("the book did not build")
        output = built_book.html.parent.parent
        result = subprocess.run(
            [str(BIN / "python"), "-c",
             "import sys; sys.path.insert(0, 'book/_ext'); import editions; "
             f"sys.exit(editions.build('en', output={str(output)!r}, builder='gettext', "
             "fresh=True))"],
            cwd=ROOT, capture_output=True, text=True, env=tool_env(), timeout=900)
        assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
        templates = output / "_build" / "gettext" / "book"
        stale = []
        for template in sorted(templates.glob("*.pot")):
            source = {m.id for m in translations.read(template) if m.id}
            catalogue = {m.id for m in translations.read(
                translations.CATALOGUES / f"{template.stem}.po") if m.id}
            stale += [f"{template.stem}: new in the English: {m[:80]!r}"
                      for m in sorted(source - catalogue, key=str)]
            stale += [f"{template.stem}: gone from the English: {m[:80]!r}"
                      for m in sorted(catalogue - source, key=str)]
        assert stale == [], "run ./dev.sh catalogues, then translate:\n" + "\n".join(stale)

    def test_translations_keep_the_markup_and_the_glossary_terms(self):
        terms = translations.glossary_terms()
        found = []
        for path in sorted(translations.CATALOGUES.glob("*.po")):
            found += [f"{path.stem}: {sentence}: {message[:80]!r}"
                      for message, sentence in translations.check(path, terms)[0]]
        assert found == []

    def test_the_stated_share_of_the_book_is_translated(self):
        """At least MINIMUM_SHARE of the chapters' messages, and of each chapter's."""
        terms = translations.glossary_terms()
        totals = {path.stem: translations.check(path, terms)[1:]
                  for path in translations.CATALOGUES.glob("*.po")
                  if path.stem not in translations.NOT_COUNTED}
        low = {name: f"{done}/{total}" for name, (total, done) in totals.items()
               if total and done / total < MINIMUM_SHARE}
        assert low == {}


class TestSwitchAndSearchUnits:
    def test_other_edition_addresses(self):
        assert language_switch.other_edition("book/neurons", "en") == (
            "ko", "../ko/book/neurons.html")
        assert language_switch.other_edition("index", "ko") == ("en", "../index.html")
        with pytest.raises(ValueError, match="`language` must be one of"):
            language_switch.other_edition("index", "fr")

    @pytest.mark.parametrize(("word", "stem"), [("뉴런은", "뉴런"), ("뉴런", "뉴런"),
                                                ("가중합을", "가중합"), ("층", "층"),
                                                ("역전파에서", "역전파"), ("softmax", "softmax")])
    def test_the_python_and_browser_stemmers_agree(self, word, stem):
        """The index's stemmer cuts one particle (the browser's, in test_browser's Korean
        searches, must agree with it)."""
        assert strip_particle(word) == stem

    def test_the_analyser_indexes_content_morphemes(self):
        words = SearchKorean({}).split("뉴런은 입력의 가중합을 계산합니다.")
        assert {"뉴런", "입력", "가중합", "계산"} <= set(words)
        assert "뉴런은" in words  # the word as written is indexed too

    def test_editions_refuses_an_unknown_language(self):
        with pytest.raises(ValueError, match="`language` must be one of"):
            editions.build("fr")
