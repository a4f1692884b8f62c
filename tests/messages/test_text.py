"""Tests of mlkit.messages.text: one identity per message, said in the student's language."""

import json

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from mlkit.messages import Message, catalogue, shown, tr, translated, using
from tests.messages import oracle


@pytest.fixture(scope="module")
def stdlib_korean():
    """The Korean catalogue as the standard library's gettext reads it."""
    return oracle.korean()


class TestIdentity:
    def test_value_is_the_english(self):
        """A message is the English text: equal to it, hashed as it, a key for it."""
        message = tr("%(count)s of %(size)s values differ", count=1, size=3)
        assert message == "1 of 3 values differ"
        assert {message: 1}["1 of 3 values differ"] == 1
        assert json.dumps(message) == '"1 of 3 values differ"'

    def test_the_same_in_any_language(self):
        """The language chosen when a message is made changes nothing of its identity."""
        with using("ko"):
            korean_time = tr("wrong shape")
        assert korean_time == tr("wrong shape") == "wrong shape"

    def test_data_round_trip(self):
        """A message recorded as JSON data is the same message again, nested ones too."""
        inner = tr("%(count)s of %(size)s values differ", count=2, size=6)
        outer = tr("the gradient is wrong: %(summary)s", summary=inner)
        again = Message.from_data(json.loads(json.dumps(outer.data())))
        assert again == outer
        assert translated(again, "ko") == translated(outer, "ko")

    def test_bad_data(self):
        """Data that is not a message's says what it must be."""
        with pytest.raises(ValueError, match="`data` must be a dict"):
            Message.from_data({"params": {}})

    def test_parameters_become_plain_data(self):
        """Tuples and NumPy scalars are kept as the English shows them."""
        import numpy as np

        message = tr("wrong shape: expected shape %(expected)s, received shape %(received)s.",
                     expected=(2, 3), received=np.int64(4))
        assert message.params == {"expected": "(2, 3)", "received": 4}
        assert message == "wrong shape: expected shape (2, 3), received shape 4."


class TestTranslated:
    def test_korean_from_the_catalogue(self, stdlib_korean):
        """Korean is the catalogue's msgstr, as the standard library's gettext reads it."""
        msgid = "%(count)s of %(size)s values differ"
        assert translated(tr(msgid, count=2, size=6), "ko") == (
            stdlib_korean.gettext(msgid) % {"count": 2, "size": 6})
        assert translated(tr(msgid, count=2, size=6), "ko") == "값 6개 중 2개가 다릅니다"

    def test_nested_messages_are_translated(self, stdlib_korean):
        """A parameter that is a message is said in the same language; plain values as they are."""
        inner = tr("%(count)s of %(size)s values differ", count=2, size=6)
        outer = tr("the gradient is wrong: %(summary)s", summary=inner)
        expected = stdlib_korean.gettext("the gradient is wrong: %(summary)s") % {
            "summary": stdlib_korean.gettext("%(count)s of %(size)s values differ")
            % {"count": 2, "size": 6}}
        assert translated(outer, "ko") == expected
        assert translated(outer, "en") == "the gradient is wrong: 2 of 6 values differ"

    def test_plain_string_looked_up_as_msgid(self):
        """A message recorded as its English only is still translated; other text is kept."""
        assert translated("wrong shape", "ko") == "모양이 틀렸습니다"
        assert translated("sigmoid(x) for x = -1000", "ko") == "sigmoid(x) for x = -1000"
        assert translated(None, "ko") is None

    def test_shown_follows_the_language(self, monkeypatch):
        """shown() says the text in the language chosen now."""
        monkeypatch.setenv("MLKIT_LANG", "ko")
        assert shown("wrong shape") == "모양이 틀렸습니다"
        monkeypatch.setenv("MLKIT_LANG", "en")
        assert shown("wrong shape") == "wrong shape"


class TestCatalogueReading:
    @pytest.fixture
    def catalogue_dir(self, tmp_path, monkeypatch):
        """A catalogue folder of its own, with a Korean .po holding a fuzzy entry."""
        catalog = Catalog(locale="ko", domain="mlkit")
        catalog.add("wrong shape", "모양이 다릅니다")
        catalog.add("wrong dtype", "옛 번역", flags=["fuzzy"])
        catalog.add("an assertion failed", "")
        path = tmp_path / "ko" / "LC_MESSAGES" / "mlkit.po"
        path.parent.mkdir(parents=True)
        with path.open("wb") as file:
            write_po(file, catalog)
        monkeypatch.setattr(catalogue, "LOCALES", tmp_path)
        catalogue.translations.cache_clear()
        yield tmp_path
        catalogue.translations.cache_clear()

    def test_fuzzy_and_empty_entries_are_never_shown(self, catalogue_dir):
        """A fuzzy or empty msgstr gives the English, never a stale translation."""
        assert catalogue.translations("ko") == {"wrong shape": "모양이 다릅니다"}
        assert translated(tr("wrong dtype"), "ko") == "wrong dtype"
        assert translated(tr("an assertion failed"), "ko") == "an assertion failed"
        assert translated(tr("wrong shape"), "ko") == "모양이 다릅니다"

    def test_english_needs_no_catalogue(self, catalogue_dir):
        """English is the code's own words: no file is read."""
        assert catalogue.translations("en") == {}
