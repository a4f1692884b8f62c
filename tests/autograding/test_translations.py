"""The assignments' Korean releases: made from the English release and a catalogue, kept in step."""

import copy
import json
import re
import shutil

import nbformat
import pytest
from babel.messages.catalog import Catalog
from nbgrader import utils

from mlkit.grading import catalogues, test_texts, translations
from mlkit.grading.release import METADATA_KEY
from mlkit.grading.translate import language, translate_cell, translate_notebook
from mlkit.messages import translated
from mlkit.presubmit.structure import structure_problems
from tests.helpers import ASSIGNMENTS, ROOT, book_extension

RELEASE = ROOT / "exercises"
LANGUAGE = "ko"
FIX = "run ./dev.sh translations (README: The assignments in Korean)"


def _release(assignment, lang=None):
    folder = RELEASE / assignment if lang is None else translations.translated_dir(
        RELEASE, lang, assignment)
    return nbformat.read(str(folder / f"{assignment}.ipynb"), as_version=4)


class TestBlocks:
    def test_blocks_give_back_every_cell(self):
        """Joining the blocks of any text cell of the releases gives the cell back exactly."""
        for assignment in ASSIGNMENTS:
            for cell in _release(assignment).cells:
                if cell.cell_type == "markdown":
                    assert "".join(t for t, _ in catalogues.blocks(cell.source)) == cell.source

    def test_code_and_display_formulas_are_not_extracted(self):
        """Fenced code, with its blank lines, and a formula alone in a block stay out."""
        source = "Run:\n\n```python\nx = 1\n\ny = 2\n```\n\n$$\na\n\nb\n$$\n\nDone."
        pieces = catalogues.blocks(source)
        assert [t for t, translatable in pieces if translatable] == ["Run:", "Done."]
        assert "```python\nx = 1\n\ny = 2\n```" in [t for t, _ in pieces]


def _catalog(entries):
    catalog = Catalog(locale=LANGUAGE)
    for context, english, korean, fuzzy in entries:
        catalog.add(english, korean, context=context, flags=["fuzzy"] if fuzzy else [])
    return catalog


class TestTranslateNotebook:
    def _notebook(self):
        text = nbformat.v4.new_markdown_cell(
            "## Part 1\n\nWrite `f`.", metadata={"nbgrader": {
                "grade_id": "intro", "locked": True, "solution": False, "grade": False,
                "schema_version": 3}})
        text.metadata.nbgrader["checksum"] = utils.compute_checksum(text)
        code = nbformat.v4.new_code_cell("def f(x):\n    raise NotImplementedError()")
        return nbformat.v4.new_notebook(cells=[text, code])

    def test_a_translated_cell_gets_its_text_and_checksum(self):
        """The text cell is Korean, with the checksum of the Korean text; code is untouched."""
        notebook = self._notebook()
        catalog = _catalog([("a:intro", "## Part 1", "## 문제 1", False),
                            ("a:intro", "Write `f`.", "`f`를 작성합니다.", False)])
        translated, english = translate_notebook(notebook, "a", catalog, language=LANGUAGE)
        assert english == []
        assert translated.cells[0].source == "## 문제 1\n\n`f`를 작성합니다."
        assert translated.cells[0].metadata.nbgrader["checksum"] == utils.compute_checksum(
            translated.cells[0])
        assert translated.cells[1] == notebook.cells[1]
        assert language(translated) == LANGUAGE and language(notebook) == "en"

    @pytest.mark.parametrize("fuzzy", [True, False])
    def test_a_fuzzy_or_missing_block_leaves_the_whole_cell_english(self, fuzzy):
        """A fuzzy translation is never shown as current; nor is half a cell translated."""
        notebook = self._notebook()
        entries = [("a:intro", "## Part 1", "## 문제 1", False)]
        if fuzzy:
            entries.append(("a:intro", "Write `f`.", "`f`를 작성합니다.", True))
        translated, english = translate_notebook(notebook, "a", _catalog(entries),
                                                 language=LANGUAGE)
        assert english == ["a:intro"]
        assert translated.cells[0] == notebook.cells[0]

    def test_language_must_be_a_code(self):
        """A language that is not a code such as 'ko' is refused, naming what was received."""
        with pytest.raises(ValueError, match=r"`language` must be .* Received: 'Korean!'"):
            translate_notebook(self._notebook(), "a", Catalog(), language="Korean!")

    def test_translate_cell_keeps_code_between_blocks(self):
        """The fenced code between two translated paragraphs is the English cell's."""
        catalog = _catalog([("c", "Run:", "실행합니다.", False), ("c", "Done.", "끝.", False)])
        assert translate_cell("Run:\n\n```\nx\n```\n\nDone.", "c", catalog) == (
            "실행합니다.\n\n```\nx\n```\n\n끝.")


MISTAKES_CELL = """
from mlkit.testing import assert_close, check

wrong = {"a dict of mistakes kept elsewhere": 0.0}
with check("x for k = 2"):
    assert_close(x, 1.0, name="x", mistakes={"the sign is flipped": -1.0,
                                             f"off by {k:d} (x + k)": 1.0 + k,
                                             **wrong})
"""
MISTAKES_KO = {"the sign is flipped": {LANGUAGE: "부호가 뒤집혔습니다"},
               "off by {k:d} (x + k)": {LANGUAGE: "{k:d}만큼 어긋났습니다 (x + k)"},
               "x": {LANGUAGE: "값 x"}}


class TestMistakeDescriptions:
    """The descriptions of the typical mistakes a test cell passes as a dict (``mistakes=``)."""

    def _run(self, x, language):
        """The error of the rewritten cell for ``x``, in ``language``."""
        import ast

        from mlkit.messages import using

        code = compile(test_texts.translate(ast.parse(MISTAKES_CELL)), "<cell>", "exec")
        namespace = {test_texts.NAMESPACE_KEY: test_texts.Texts(MISTAKES_KO), "x": x, "k": 2}
        with using(language), pytest.raises(AssertionError) as raised:
            exec(code, namespace)
        return raised.value

    def test_the_keys_of_a_mistakes_dict_are_texts(self):
        """Each string key of a dict literal passed as mistakes=, an f-string's too (its fields
        as code), is a name of the cell; a dict elsewhere, and what ** unpacks, are not."""
        import ast

        found = [(test_texts.msgid(node), said)
                 for node, said in test_texts.texts(ast.parse(MISTAKES_CELL))]
        assert found == [("x for k = 2", False), ("x", False), ("the sign is flipped", False),
                         ("off by {k:d} (x + k)", False)]

    def test_a_source_notebook_s_mistake_descriptions_are_messages(self):
        """The catalogue's messages of a test cell include its mistakes' descriptions."""
        cell = nbformat.v4.new_code_cell(MISTAKES_CELL, metadata={"nbgrader": {"grade": True}})
        found = [text for text, _ in test_texts.messages(nbformat.v4.new_notebook(cells=[cell]))]
        assert "the sign is flipped" in found and "off by {k:d} (x + k)" in found
        assert "a dict of mistakes kept elsewhere" not in found

    @pytest.mark.parametrize("x, english, korean", [
        (-1.0, "the sign is flipped", "부호가 뒤집혔습니다"),
        (3.0, "off by 2 (x + k)", "2만큼 어긋났습니다 (x + k)")])
    def test_the_mistake_is_said_in_the_language_and_recorded_in_english(self, x, english,
                                                                          korean):
        """The rewritten cell names the mistake in Korean for a Korean student, English for an
        English one; the error, and so the record, keeps the English, with its translation."""
        from mlkit.testing.checks import CheckResult
        from tests.messages.oracle import ko

        error = self._run(x, LANGUAGE)
        assert ko("Likely mistake: %(mistake)s", mistake=korean) in str(error)
        assert english not in str(error)
        assert error.mistake == english and translated(error.mistake, LANGUAGE) == korean
        assert f"Likely mistake: {english}" in str(self._run(x, "en"))
        # a hidden check's record: English, and the Korean for its feedback
        record = CheckResult("x for k = 2", False, error.summary, error.mistake).record()
        assert record["mistake"] == english
        result = CheckResult.from_record(json.loads(json.dumps(record)))
        assert result.mistake == english and ko(
            "Likely mistake: %(mistake)s.", mistake=korean) in result.sentence(LANGUAGE)

    def test_backprop_s_mistakes_are_in_its_catalogue(self):
        """The descriptions of backprop's ignored activation are messages of its catalogue,
        translated, and the Korean release carries them for mlkit-check."""
        context = test_texts.CONTEXT.format(notebook="backprop")
        catalog = catalogues.read(translations.catalogue_path(RELEASE, LANGUAGE, "backprop"),
                                  locale=LANGUAGE)
        ignored = [m for m in catalog if m.context == context and isinstance(m.id, str)
                   and m.id.startswith("the activation argument was ignored")]
        assert len(ignored) == 2
        carried = _release("backprop", LANGUAGE).metadata[test_texts.METADATA_KEY]
        for message in ignored:
            assert re.search("[가-힣]", message.string) and not message.fuzzy
            assert carried[message.id] == {LANGUAGE: message.string}


@pytest.fixture
def course(tmp_path):
    """A copy of the release folder of one assignment, its catalogue and its Korean release."""
    release = tmp_path / "exercises"
    for path in [RELEASE / "softmax", translations.translated_dir(RELEASE, LANGUAGE, "softmax")]:
        shutil.copytree(path, release / path.relative_to(RELEASE))
    for path in [translations.template_path(RELEASE, "softmax"),
                 translations.catalogue_path(RELEASE, LANGUAGE, "softmax")]:
        target = release / path.relative_to(RELEASE)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    # the source, whose test cells' texts are messages of the catalogue too
    shutil.copytree(ROOT / "solutions" / "softmax", translations.source_dir(release) / "softmax")
    return release


class TestKeptInStep:
    def _change_english(self, release, old, new):
        path = release / "softmax" / "softmax.ipynb"
        notebook = nbformat.read(str(path), as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "markdown" and old in cell.source:
                cell.source = cell.source.replace(old, new)
                nbformat.write(notebook, str(path))
                return cell.metadata.nbgrader["grade_id"]
        raise AssertionError(f"no text cell holds {old!r}")

    def test_a_changed_english_paragraph_is_stale_then_fuzzy_then_english(self, course):
        """Changed English: the catalogue is stale; updated, the entry fuzzy, the cell English."""
        assert translations._check(course, LANGUAGE, "softmax") == []
        grade_id = self._change_english(course, "Softmax turns a vector of scores",
                                        "Softmax maps a vector of scores")
        assert translations.status(course, LANGUAGE, "softmax").stale
        assert any("is stale" in p for p in translations._check(course, LANGUAGE, "softmax"))

        translations.update(course, LANGUAGE, "softmax")
        found = translations.status(course, LANGUAGE, "softmax")
        assert not found.stale and len(found.fuzzy) == 1 and not found.untranslated
        po = translations.catalogue_path(course, LANGUAGE, "softmax").read_text()
        assert '#| msgid "Softmax turns a vector of scores' in po  # the previous English
        english = translations.release(course, LANGUAGE, "softmax")
        assert english == {"softmax.ipynb": [f"softmax:{grade_id}"]}
        korean = nbformat.read(str(course / LANGUAGE / "softmax" / "softmax.ipynb"), 4)
        cell = next(c for c in korean.cells if c.metadata.get("nbgrader", {}).get(
            "grade_id") == grade_id)
        assert "Softmax maps a vector of scores" in cell.source
        assert not re.search("[가-힣]", cell.source)

    def test_a_changed_check_name_is_stale_then_fuzzy_then_said_in_english(self, course):
        """A test cell's text changed in the source: the catalogue is stale; updated, its entry
        is fuzzy, and the checker says the new English (no stale Korean)."""
        old, new = "softmax(X) for X of shape (2, 3)", "softmax(X) for a 2x3 array X"
        path = translations.source_dir(course) / "softmax" / "softmax.ipynb"
        notebook = nbformat.read(str(path), as_version=4)
        changed = [cell for cell in notebook.cells if f'"{old}"' in cell.source]
        assert changed
        for cell in changed:
            cell.source = cell.source.replace(f'"{old}"', f'"{new}"')
        nbformat.write(notebook, str(path))
        context = "softmax:test cells"
        assert translations.status(course, LANGUAGE, "softmax").missing == [(context, new)]
        assert (context, old) in translations.status(course, LANGUAGE, "softmax").extra
        assert any("is stale" in p for p in translations._check(course, LANGUAGE, "softmax"))
        translations.update(course, LANGUAGE, "softmax")
        found = translations.status(course, LANGUAGE, "softmax")
        assert not found.stale and found.fuzzy == [(context, new)]
        table = test_texts.table(course, "softmax", "softmax")
        assert new not in table and old not in table
        assert translated(test_texts.Texts(table).name(new), LANGUAGE) == new

    def test_a_translation_that_drops_a_field_is_said_in_english(self, course):
        """An f-string's translation must keep its fields; one that does not is not used."""
        texts = test_texts.Texts({"softmax(X, axis={axis}) for extreme X":
                                  {LANGUAGE: "극단적인 X에 대한 softmax(X)"}})
        name = texts.name("softmax(X, axis={axis}) for extreme X", (1,))
        assert translated(name, LANGUAGE) == "softmax(X, axis=1) for extreme X"

    def test_an_out_of_date_korean_release_is_reported(self, course):
        """A Korean release edited by hand, or missing, is out of date with its sources."""
        path = course / LANGUAGE / "softmax" / "softmax.ipynb"
        path.write_text(path.read_text().replace("소프트맥스", "softmax", 1))
        assert any("out of date" in p for p in translations._check(course, LANGUAGE, "softmax"))
        translations.release(course, LANGUAGE, "softmax")
        assert translations._check(course, LANGUAGE, "softmax") == []

    def test_update_writes_nothing_when_nothing_changed(self, course):
        """Updating an up-to-date catalogue leaves the files as they are (no date churn)."""
        assert translations.update(course, LANGUAGE, "softmax") == []

    def test_the_command_line_reports_and_exits_1(self, course, capsys):
        """`check` exits 1 and names the catalogue when something is not in step."""
        self._change_english(course, "## Part 1: softmax", "## Part 1: the softmax")
        assert translations.main(["check", "--release-dir", str(course)]) == 1
        assert "softmax.po is stale" in capsys.readouterr().out


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
class TestCommittedCatalogues:
    def test_template_is_up_to_date(self, assignment):
        """The committed .pot holds exactly the text blocks of the committed English release."""
        committed = catalogues.read(translations.template_path(RELEASE, assignment))
        fresh = translations._template(RELEASE, assignment)
        assert catalogues.state(committed, fresh) == catalogues.CatalogueState(
            untranslated=sorted(((m.context, m.id) for m in fresh if m.id), key=str)), FIX

    def test_catalogue_is_current_and_complete(self, assignment):
        """Every block of the English release has a translation, none fuzzy, none left over."""
        found = translations.status(RELEASE, LANGUAGE, assignment)
        assert not found.stale, f"{found.missing=} {found.extra=}: {FIX}"
        assert not found.fuzzy, f"translate again and drop the fuzzy flag: {found.fuzzy}"
        assert not found.untranslated, f"translate: {found.untranslated}"

    def test_korean_release_is_up_to_date(self, assignment):
        """The committed Korean release is what the English release and the catalogue make."""
        files, english = translations.expected_release(RELEASE, LANGUAGE, assignment)
        folder = translations.translated_dir(RELEASE, LANGUAGE, assignment)
        assert sorted(p.name for p in folder.iterdir()) == sorted(files), FIX
        for name, data in files.items():
            assert (folder / name).read_bytes() == data, f"{folder / name} is out of date: {FIX}"
        assert not any(english.values()), f"text cells left in English: {english}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
class TestKoreanRelease:
    def test_same_code_and_grading_metadata(self, assignment):
        """Code cells, grade ids, points, every nbgrader field but a text cell's checksum agree."""
        english, korean = _release(assignment), _release(assignment, LANGUAGE)
        assert len(english.cells) == len(korean.cells)
        for en, ko in zip(english.cells, korean.cells, strict=True):
            assert en.cell_type == ko.cell_type
            if en.cell_type == "code":
                assert en == ko
            else:
                meta_en = copy.deepcopy(en.metadata)
                meta_ko = copy.deepcopy(ko.metadata)
                meta_en.get("nbgrader", {}).pop("checksum", None)
                meta_ko.get("nbgrader", {}).pop("checksum", None)
                assert meta_en == meta_ko
        assert korean.metadata["mlkit"] == {"language": LANGUAGE}
        assert korean.metadata.kernelspec == english.metadata.kernelspec
        record_en, record_ko = english.metadata[METADATA_KEY], korean.metadata[METADATA_KEY]
        assert {k: v for k, v in record_en.items() if k != "cells"} == {
            k: v for k, v in record_ko.items() if k != "cells"}
        strip = [{k: v for k, v in c.items() if k != "checksum"} for c in record_en["cells"]]
        assert strip == [{k: v for k, v in c.items() if k != "checksum"}
                         for c in record_ko["cells"]]

    def test_test_texts_of_the_visible_code_only(self, assignment):
        """The Korean release carries, for mlkit-check, the catalogue's translation of each text of
        its test cells' visible code, and nothing of the hidden tests' texts."""
        english, korean = _release(assignment), _release(assignment, LANGUAGE)
        source = nbformat.read(str(ROOT / "solutions" / assignment / f"{assignment}.ipynb"),
                               as_version=4)
        visible = {text for text, _ in test_texts.messages(english)}
        hidden = {text for text, _ in test_texts.messages(source)} - visible
        catalog = catalogues.read(translations.catalogue_path(RELEASE, LANGUAGE, assignment),
                                  locale=LANGUAGE)
        context = test_texts.CONTEXT.format(notebook=assignment)
        expected = {}
        for message in catalog:
            if message.context == context and message.id in visible and message.string \
                    and not message.fuzzy:
                expected[message.id] = {LANGUAGE: message.string}
        carried = korean.metadata[test_texts.METADATA_KEY]
        assert carried == expected and len(carried) >= 3
        assert hidden and not set(carried) & hidden
        assert test_texts.METADATA_KEY not in english.metadata

    def test_untouched_korean_release_passes_nbgrader_and_mlkit_check(self, assignment):
        """No locked cell reads as edited: not to `nbgrader validate`, not to `mlkit-check`."""
        korean = _release(assignment, LANGUAGE)
        for cell in korean.cells:
            nbgrader = cell.metadata.get("nbgrader", {})
            if nbgrader.get("locked") and "checksum" in nbgrader:
                assert nbgrader["checksum"] == utils.compute_checksum(cell), nbgrader["grade_id"]
        assert structure_problems(korean, korean.metadata[METADATA_KEY]) == []


_CODE = re.compile(r"`[^`\n]+`")
_MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", re.S)
_HANGUL = re.compile("[가-힣]")
# 합니다체: no sentence of the plain style (…다.) nor of the polite informal one (…요.).
_NOT_HAMNIDA = re.compile(r"(?<!니)다\.(?=\s|$)|요\.(?=\s|$)|요\)(?=\s|$)")


def _messages(assignment):
    catalog = catalogues.read(translations.catalogue_path(RELEASE, LANGUAGE, assignment),
                              locale=LANGUAGE)
    return [m for m in catalog if m.id and m.string]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
class TestKoreanText:
    def test_test_cells_texts_keep_their_fields(self, assignment):
        """A translated f-string of a test cell keeps every field (code) of its English."""
        for message in _messages(assignment):
            if message.context.endswith(":test cells"):
                assert sorted(test_texts.fields(message.string)) == \
                    sorted(test_texts.fields(message.id)), (message.id, message.string)

    def test_code_and_formulas_untouched(self, assignment):
        """Every inline code span and formula of the English is in the Korean, and no other."""
        for message in _messages(assignment):
            for pattern in (_CODE, _MATH):
                english = set(pattern.findall(message.id))
                korean = set(pattern.findall(message.string))
                assert english == korean, (message.context, english - korean, korean - english)

    def test_written_in_korean_in_the_hamnida_style(self, assignment):
        """Each translation is Korean (a table of numbers excepted) and keeps to 합니다체."""
        for message in _messages(assignment):
            has_words = re.search("[A-Za-z]{3,}", _CODE.sub("", _MATH.sub("", message.id)))
            if message.context.endswith(":test cells"):  # words, not code nor a gate's name
                has_words = re.search(r"(?<![\w(=.])[a-z]{3,}(?![\w(=_])",
                                      re.sub(r"`[^`]*`|\{[^}]*\}", "", message.id))
            if has_words and not re.fullmatch(r"#+ [A-Z]+|\|[^가-힣]*", message.id):
                assert _HANGUL.search(message.string), (message.context, message.string)
            assert not _NOT_HAMNIDA.search(message.string), (message.context, message.string)

    def test_first_use_of_a_glossary_term_gives_the_english(self, assignment):
        """A glossary term's Korean name, first used in a notebook's prose, has the English by it.

        Headings, tables and the chapter's title (**...** 장) come before the prose
        that introduces a term, so the first use is looked for in paragraphs and lists.
        """
        text = " ".join(m.string.replace("\n", " ") for m in _messages(assignment)
                        if not m.string.startswith(("#", "|")))
        text = re.sub(r"\*\*[^*]+\*\* 장", "", text)
        for english, korean in GLOSSARY:
            first = text.find(korean)
            if first >= 0:
                near = text[max(0, first - 40):first + len(korean) + len(english) + 40]
                assert re.search(r"\([^)]*" + re.escape(english.lower()), near.lower()), (
                    korean, english, near)


def _glossary():
    """(English, Korean) of the glossary's entries (book/glossary.md), the Korean's first name."""
    text = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8")
    body = text[text.index("```{glossary}"):]
    pairs, terms = [], []
    for line in body.splitlines()[2:]:
        if line and not line.startswith((" ", "`")):
            terms.append(line.strip())
        elif terms:
            english = terms[0]
            korean = next((t for t in terms[1:] if _HANGUL.search(t)), None)
            if korean:
                pairs.append((english, korean))
            terms = []
    return pairs


# The terms whose first use the translations mark; a few are common words in Korean
# (특성, 가중치 in a table) whose first mention may come without the English.
GLOSSARY = [(en, ko) for en, ko in _glossary() if len(ko) >= 3]


class TestLaunchLinks:
    launch_links = book_extension("launch_links")

    def test_korean_links_open_the_korean_release(self):
        """With language="ko" the Colab and Binder links open exercises/ko/<a>/<a>.ipynb."""
        colab, binder = self.launch_links.launch_urls(
            "https://github.com/o/r", "main", "exercises/softmax/softmax.ipynb", language="ko")
        assert colab.endswith("/blob/main/exercises/ko/softmax/softmax.ipynb")
        assert binder.endswith("urlpath=lab%2Ftree%2Fexercises%2Fko%2Fsoftmax%2Fsoftmax.ipynb")
        for assignment in ASSIGNMENTS:
            path = self.launch_links.translated_path(
                f"exercises/{assignment}/{assignment}.ipynb", "ko")
            assert (ROOT / path).is_file()

    def test_chapters_and_english_stay_as_they_are(self):
        """A chapter's notebook, or English, keeps its path."""
        assert self.launch_links.translated_path("book/softmax.ipynb", "ko") == (
            "book/softmax.ipynb")
        assert self.launch_links.translated_path("exercises/a/a.ipynb", "en") == (
            "exercises/a/a.ipynb")
