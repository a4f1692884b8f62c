"""Tests of mlkit.testing.check and the value-free summaries of failed checks."""

import numpy as np
import pytest

from mlkit.messages import using
from mlkit.testing import (
    CheckError,
    assert_close,
    check,
    hidden_checks_pending,
    no_overflow,
    own_work,
)


class TestCheck:
    def test_passing_block(self):
        """A block that raises nothing passes silently."""
        with check("squares"):
            assert_close(np.arange(3) ** 2, [0, 1, 4])

    def test_failure_names_the_check(self):
        """A failed assertion becomes a CheckError whose first line names the check."""
        with pytest.raises(CheckError) as info, check("doubles"):
            assert_close(np.array([1.0, 5.0]), [2.0, 4.0], name="double(x)")
        first, rest = str(info.value).split("\n", 1)
        assert first == "Check 'doubles' failed: 2 of 2 values differ."
        assert "expected: [2., 4.]" in rest

    def test_summary_holds_no_value(self):
        """The summary of each kind of failure shows no expected or received value."""
        cases = [(None, [1.0], "the function returned None"),
                 (np.zeros(3), np.zeros((3, 1)), "wrong shape"),
                 (np.array([np.inf, 1.0]), [7.25, 1.0], "NaN or inf at 1 of 2 positions"),
                 (np.array([1.5, 2.0]), [7.25, 2.0], "1 of 2 values differ")]
        for actual, expected, summary in cases:
            with pytest.raises(CheckError) as info:
                assert_close(actual, expected)
            assert info.value.summary.startswith(summary)
            assert "7.25" not in info.value.summary

    def test_mistake_and_its_link_in_first_line(self, monkeypatch):
        """The first line holds the summary, the likely mistake and its section of the book."""
        monkeypatch.delenv("MLKIT_BOOK_URL", raising=False)
        x = np.array([-1.0, 2.0])
        with pytest.raises(CheckError) as info, check("relu of two numbers"):
            from mlkit.testing import mistakes
            assert_close(np.abs(x), [0.0, 2.0], mistakes=mistakes.relu(x))
        first, detail = str(info.value).split("\n", 1)
        assert first.endswith("Likely mistake: relu(x) = max(0, x), not |x|. Read about it in "
                              "the book: book/activations.html#activations-relu")
        assert "expected" in detail and "book/" not in detail  # the link is not said twice
        assert info.value.link == "book/activations.html#activations-relu"

    def test_a_wrong_answer_no_mistake_explains_links_its_section(self, monkeypatch):
        """Without a likely mistake, the first line links the section on the computation."""
        monkeypatch.delenv("MLKIT_BOOK_URL", raising=False)
        x = np.array([-1.0, 2.0])
        with pytest.raises(CheckError) as info, check("relu of two numbers"):
            from mlkit.testing import mistakes
            assert_close(x + 5.0, [0.0, 2.0], mistakes=mistakes.relu(x))
        first = str(info.value).split("\n", 1)[0]
        assert first == ("Check 'relu of two numbers' failed: 2 of 2 values differ. See the "
                         "book's section on it: book/activations.html#activations-relu")

    def test_other_exceptions_name_only_their_type(self):
        """An exception of the student's code is summarised by its type, its message after."""
        with pytest.raises(CheckError) as info, check("shapes"):
            raise ValueError("operands could not be broadcast together with (7,) (3,)")
        assert info.value.summary == "the code raised ValueError"
        assert str(info.value).endswith("ValueError: operands could not be broadcast "
                                        "together with (7,) (3,)")

    def test_guards_have_summaries(self):
        """own_work and no_overflow failures carry their (value-free) sentence as summary."""
        with pytest.raises(CheckError) as info, no_overflow("exp of 1000"):
            np.exp(np.array([1000.0]))
        assert info.value.summary == ("exp of 1000 is not numerically stable: "
                                      "overflow encountered in exp")
        namespace = {}
        exec("from mlkit.numpy import relu as mine", namespace)
        with pytest.raises(CheckError) as info, own_work(namespace, "relu"):
            namespace["mine"](np.array([1.0]))
        assert "calls the course's reference implementation" in info.value.summary

    def test_interrupt_passes_through(self):
        """KeyboardInterrupt (a time limit) is not turned into a check failure."""
        with pytest.raises(KeyboardInterrupt), check("slow"):
            raise KeyboardInterrupt


class TestHiddenChecksPending:
    def test_says_how_many_hidden_checks_wait(self, capsys):
        """One sentence, singular for one check, the count for several."""
        hidden_checks_pending(1)
        hidden_checks_pending(3)
        assert capsys.readouterr().out.splitlines() == [
            "Visible checks passed. This cell's 1 hidden check runs only when the assignment is "
            "graded: not run yet.",
            "Visible checks passed. This cell's 3 hidden checks run only when the assignment is "
            "graded: not run yet."]

    def test_speaks_the_students_language(self, capsys):
        """In Korean, the count is kept and none of the English remains."""
        with using("ko"):
            hidden_checks_pending(3)
        said = capsys.readouterr().out
        assert "숨은 검사 3개" in said and "hidden" not in said

    @pytest.mark.parametrize("count", [0, -1, 2.0, True, "2"])
    def test_refuses_a_count_that_is_not_a_positive_integer(self, count):
        with pytest.raises(ValueError, match=r"`count` must be a positive integer"):
            hidden_checks_pending(count)
