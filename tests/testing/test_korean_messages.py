"""The failure messages of mlkit.testing in Korean, when the student asks for it, else English.

The expected Korean comes from the catalogue as the standard library's gettext
reads it (:mod:`tests.messages.oracle`), or is written out here as a Korean
reader reads it; what a failure records (its summary and mistake) stays English.
"""

import subprocess
import sys

import numpy as np
import pytest

from mlkit.testing import (
    CheckError,
    assert_close,
    assert_gradient_close,
    check,
    mistakes,
    no_mlkit_calls,
    no_overflow,
)
from tests.helpers import ROOT, tool_env
from tests.messages.oracle import ko

X = np.array([-1.0, 2.0])
LINK = "book/activations.html#activations-relu"


@pytest.fixture
def korean(monkeypatch):
    """The student asked for Korean with MLKIT_LANG=ko."""
    monkeypatch.setenv("MLKIT_LANG", "ko")
    monkeypatch.delenv("MLKIT_BOOK_URL", raising=False)


def _relu_failure():
    with pytest.raises(CheckError) as info:
        assert_close(np.abs(X), [0.0, 2.0], name="relu(x)", mistakes=mistakes.relu(X))
    return info.value


class TestAssertClose:
    def test_korean_under_mlkit_lang(self, korean):
        """A wrong answer's message is Korean, line by line, values and code untouched."""
        lines = str(_relu_failure()).split("\n")
        assert lines == [
            "relu(x) 값이 틀렸습니다: 값 2개 중 1개가 다릅니다(허용 오차 rtol=1e-06, "
            "atol=1e-08). 처음 다른 곳은 인덱스 (0,)이며, 기댓값은 0.0인데 받은 값은 1.0입니다.",
            "  기댓값: [0., 2.]",
            "  받은 값: [1., 2.]",
            "짐작되는 실수: relu(x)는 |x|가 아니라 max(0, x)입니다",
            f"책에서 자세히 읽어 보십시오: {LINK}"]

    def test_korean_matches_the_catalogue(self, korean):
        """Each line is the catalogue's translation of its English."""
        summary = ko("%(count)s of %(size)s values differ", count=1, size=2)
        first = ko("%(name)s is not right: %(problem)s", name="relu(x)", problem=ko(
            "%(summary)s (tolerance rtol=%(rtol)s, atol=%(atol)s); first at index %(index)s: "
            "expected %(expected)s, received %(received)s.", summary=summary, rtol="1e-06",
            atol="1e-08", index=(0,), expected="0.0", received="1.0"))
        mistake = ko("Likely mistake: %(mistake)s", mistake=ko("relu(x) = max(0, x), not |x|"))
        lines = str(_relu_failure()).split("\n")
        assert (lines[0], lines[3]) == (first, mistake)

    def test_records_stay_english(self, korean):
        """What a grader records of the failure is English: one identity in both languages."""
        error = _relu_failure()
        assert (error.summary, error.mistake) == ("1 of 2 values differ",
                                                  "relu(x) = max(0, x), not |x|")

    def test_korean_under_a_korean_locale(self, monkeypatch):
        """A ko_KR locale, MLKIT_LANG unset, gives Korean too."""
        monkeypatch.delenv("MLKIT_LANG")
        monkeypatch.setenv("LANG", "ko_KR.UTF-8")
        monkeypatch.delenv("LC_ALL", raising=False)
        monkeypatch.delenv("LC_MESSAGES", raising=False)
        assert str(_relu_failure()).startswith("relu(x) 값이 틀렸습니다: 값 2개 중 1개가 다릅니다")

    def test_english_by_default(self, monkeypatch):
        """MLKIT_LANG unset in a C locale: the English message, as before."""
        monkeypatch.delenv("MLKIT_LANG")
        monkeypatch.setenv("LANG", "C.UTF-8")
        monkeypatch.delenv("LC_ALL", raising=False)
        monkeypatch.delenv("LC_MESSAGES", raising=False)
        monkeypatch.delenv("MLKIT_BOOK_URL", raising=False)
        assert str(_relu_failure()).split("\n")[3:] == [
            "Likely mistake: relu(x) = max(0, x), not |x|",
            f"Read about it in the book: {LINK}"]

    def test_rows_aligned_under_korean_labels(self, korean):
        """A matrix's rows line up under its first row after a Korean label (Hangul is wide)."""
        with pytest.raises(CheckError) as info:
            assert_close(np.array([[1.0, 2.0]]), np.ones((2, 1)))
        lines = str(info.value).split("\n")
        assert lines[0].startswith("결과 값이 틀렸습니다: 모양이 틀렸습니다.")
        assert lines[1:3] == ["  기댓값: [[1.],", "           [1.]]"]  # "  기댓값: " is 11 columns

    def test_undecided_mistakes_and_properties(self, korean):
        """Mistakes the evidence cannot tell apart, and properties of an answer, in Korean."""
        table = {"a": np.array([1.0]), "b": np.array([1.0])}
        with pytest.raises(CheckError) as info:
            assert_close(np.array([1.0]), [0.0], mistakes=table)
        assert info.value.mistake == "either a; or b"
        assert "짐작되는 실수: 다음 중 하나입니다: a; 또는 b" in str(info.value)
        with pytest.raises(CheckError) as info:
            assert_close(np.array([[1, 2], [3, 4]]).T, np.array([[1.0, 2.0], [3.0, 4.0]]))
        assert ("짐작되는 실수: 부동소수점 수가 나와야 할 결과가 불리언이나 정수입니다. "
                ".astype(float)(또는 float(...))로 변환하십시오; 결과가 정답의 전치입니다") \
            in str(info.value)


class TestCheck:
    def test_first_line_in_korean(self, korean):
        """A named check's first line, summary, mistake and link, is Korean; the link once."""
        with pytest.raises(CheckError) as info, check("relu of two numbers"):
            assert_close(np.abs(X), [0.0, 2.0], mistakes=mistakes.relu(X))
        first, detail = str(info.value).split("\n", 1)
        assert first == ("검사 'relu of two numbers' 실패: 값 2개 중 1개가 다릅니다. "
                         "짐작되는 실수: relu(x)는 |x|가 아니라 max(0, x)입니다. "
                         f"책에서 자세히 읽어 보십시오: {LINK}")
        assert "기댓값" in detail and "book/" not in detail

    def test_other_exception(self, korean):
        """An exception of the student's code is summarised in Korean by its type."""
        with pytest.raises(CheckError) as info, check("keys"):
            raise KeyError("secret")
        assert str(info.value).split("\n")[0] == \
            "검사 'keys' 실패: 코드에서 KeyError 예외가 발생했습니다."
        assert info.value.summary == "the code raised KeyError"


class TestGuards:
    def test_overflow(self, korean):
        """An unstable computation is named in Korean, NumPy's own words kept."""
        with pytest.raises(CheckError) as info, no_overflow("sigmoid(x) for x = -1000"):
            np.exp(np.array([1000.0]))
        first = str(info.value).split("\n")[0]
        assert first == ("sigmoid(x) for x = -1000 계산이 수치적으로 안정적이지 않습니다: "
                         "overflow encountered in exp.")

    def test_reference_implementation_called(self, korean):
        """Calling mlkit's own version is refused in Korean."""
        from mlkit import numpy as mk

        with pytest.raises(CheckError) as info, no_mlkit_calls("sigmoid"):
            mk.sigmoid(np.array([0.0]))
        assert str(info.value).startswith("`sigmoid`에서 강의의 참조 구현인 ")

    def test_gradient(self, korean):
        """A wrong gradient is said in Korean."""
        x = np.array([0.5, -1.5])
        with pytest.raises(CheckError) as info:
            assert_gradient_close(3 * x, lambda x: x ** 2, x, name="d/dx x**2")
        assert str(info.value).startswith("d/dx x**2 값이 수치 그레이디언트와 맞지 않습니다. "
                                          "상대 오차가 ")


@pytest.mark.parametrize("table", [mistakes.softmax(np.ones((2, 3))), mistakes.tlu_layer(
    np.ones((3, 2)), np.ones((2, 2)), np.zeros(2)), mistakes.one_hot(np.array([0, 2, 1]))])
def test_every_catalogued_mistake_is_said_in_korean(table):
    """Each mistake of a table, parameters included, has its Korean (some Hangul in it)."""
    from mlkit.messages import translated

    said = {mistake.id: translated(mistake.text, "ko") for mistake in table}
    assert all(any("가" <= char <= "힣" for char in text) for text in said.values()), said


def test_a_students_korean_locale(tmp_path):
    """In a student's own Python, a Korean locale gives a Korean traceback."""
    script = tmp_path / "answer.py"
    script.write_text("import numpy as np\nfrom mlkit.testing import assert_close, mistakes\n"
                      "x = np.array([-1.0, 2.0])\n"
                      "assert_close(np.abs(x), [0.0, 2.0], name='relu(x)', "
                      "mistakes=mistakes.relu(x))\n")
    env = {name: value for name, value in tool_env().items()
           if name not in ("MLKIT_LANG", "LC_ALL", "LC_MESSAGES", "MLKIT_BOOK_URL")}
    result = subprocess.run([sys.executable, str(script)], env={**env, "LANG": "ko_KR.UTF-8"},
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 1
    assert "짐작되는 실수: relu(x)는 |x|가 아니라 max(0, x)입니다" in result.stderr
    english = subprocess.run([sys.executable, str(script)], env={**env, "LANG": "C.UTF-8"},
                             capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert "Likely mistake: relu(x) = max(0, x), not |x|" in english.stderr
