"""Tests of mlkit.messages.language: which language the student reads."""

import pytest

from mlkit.messages.language import choose, current, of_notebook, of_submission, using

KOREAN = {"metadata": {"mlkit": {"language": "ko"}}, "cells": []}
ENGLISH = {"metadata": {"mlkit": {"language": "en"}}, "cells": []}
UNMARKED = {"metadata": {}, "cells": []}


class TestChoose:
    def test_english_by_default(self):
        """No variable, a C locale and an unmarked notebook: English."""
        assert choose(UNMARKED, environ={"LANG": "C.UTF-8"}) == "en"
        assert choose(environ={}) == "en"

    @pytest.mark.parametrize("value", ["ko", "KO", " ko "])
    def test_mlkit_lang_asks_for_korean(self, value):
        """MLKIT_LANG=ko gives Korean, whatever the locale and notebook."""
        assert choose(ENGLISH, environ={"MLKIT_LANG": value, "LANG": "en_US.UTF-8"}) == "ko"

    def test_mlkit_lang_en_forces_english(self):
        """MLKIT_LANG=en gives English even in a Korean locale for the Korean release."""
        environ = {"MLKIT_LANG": "en", "LC_ALL": "ko_KR.UTF-8", "LANG": "ko_KR.UTF-8"}
        assert choose(KOREAN, environ=environ) == "en"

    @pytest.mark.parametrize("name", ["LC_ALL", "LC_MESSAGES", "LANG"])
    def test_korean_locale(self, name):
        """A locale variable starting with ko gives Korean."""
        assert choose(UNMARKED, environ={name: "ko_KR.UTF-8"}) == "ko"

    def test_locale_variables_in_posix_order(self):
        """The first locale variable that is set decides, as POSIX reads them."""
        assert choose(environ={"LC_ALL": "en_US.UTF-8", "LANG": "ko_KR.UTF-8"}) == "en"
        assert choose(environ={"LC_ALL": "", "LC_MESSAGES": "ko_KR", "LANG": "C"}) == "ko"

    def test_korean_release(self):
        """The Korean release's metadata gives Korean in an English locale."""
        assert choose(KOREAN, environ={"LANG": "en_US.UTF-8"}) == "ko"
        assert choose(ENGLISH, environ={"LANG": "en_US.UTF-8"}) == "en"

    def test_empty_variable_is_unset(self):
        """MLKIT_LANG set to nothing leaves the choice to the locale and the notebook."""
        assert choose(KOREAN, environ={"MLKIT_LANG": ""}) == "ko"

    def test_unknown_language_is_a_clear_error(self):
        """An unknown MLKIT_LANG names what was received and what is accepted."""
        with pytest.raises(ValueError) as info:
            choose(environ={"MLKIT_LANG": "fr"})
        assert str(info.value) == ("`MLKIT_LANG` must be 'en' or 'ko'. "
                                   "Received: MLKIT_LANG='fr'")

    def test_unknown_notebook_language_is_a_clear_error(self):
        """A notebook naming an unknown language is refused by the student's check."""
        with pytest.raises(ValueError) as info:
            of_notebook({"metadata": {"mlkit": {"language": "de"}}})
        assert str(info.value) == ("`metadata.mlkit.language` must be 'en' or 'ko'. "
                                   "Received: metadata.mlkit.language='de'")


class TestSubmission:
    def test_the_grader_follows_the_release(self):
        """The grader speaks the submitted release's language, English when unmarked."""
        assert of_submission(KOREAN) == "ko"
        assert of_submission(UNMARKED) == "en"

    @pytest.mark.parametrize("notebook", [{"metadata": {"mlkit": {"language": "fr"}}},
                                          {"metadata": {"mlkit": "ko"}}, {"metadata": None}, []])
    def test_damaged_metadata_is_graded_in_english(self, notebook):
        """Metadata that is not a known language grades in English rather than failing."""
        assert of_submission(notebook) == "en"


class TestUsing:
    def test_block_overrides_environment(self, monkeypatch):
        """using() decides inside its block, and the environment again after it."""
        monkeypatch.setenv("MLKIT_LANG", "en")
        with using("ko"):
            assert current() == "ko"
        assert current() == "en"

    def test_unknown_language(self):
        """using() refuses a language there is no catalogue for."""
        with pytest.raises(ValueError, match="Received: language='jp'"), using("jp"):
            pass
