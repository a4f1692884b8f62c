"""Tests of mlkit.testing.guards: checks of how an answer was built."""

import re
import sys

import numpy as np
import pytest

import mlkit.numpy
from mlkit.grading.test_texts import Texts
from mlkit.messages import using
from mlkit.testing import no_mlkit_calls, no_overflow, own_work, substitute


def wrapper(x):
    """A helper of the student's that calls mlkit's relu one level down."""
    return mlkit.numpy.relu(x)


def own_relu(x):
    """The student's own relu, plain NumPy."""
    return np.maximum(x, 0.0)


@pytest.fixture
def restore_profiler():
    """Put back whatever profiler was installed before the test, whatever the test did."""
    previous = sys.getprofile()
    yield
    sys.setprofile(previous)


class TestNoMlkitCalls:
    def test_plain_numpy_passes(self):
        """A block that only uses NumPy and the student's functions passes."""
        with no_mlkit_calls("relu"):
            result = own_relu(np.array([-1.0, 2.0]))
        np.testing.assert_array_equal(result, [0.0, 2.0])

    def test_the_test_cells_words_pass(self):
        """A test cell's texts said in the block (mlkit-check's rewrite of it) are not mlkit's
        implementations: a check named in Korean inside the block passes."""
        texts = Texts({"relu(x) for {n} values": {"ko": "값 {n}개에 대한 relu(x)"}})
        with no_mlkit_calls("relu"), using("ko"):
            name = texts.name("relu(x) for {n} values", (2,))
            said = texts.said("relu(x) for {n} values", (2,))
            own_relu(np.array([-1.0, 2.0]))
        assert (name, said) == ("relu(x) for 2 values", "값 2개에 대한 relu(x)")

    def test_a_call_hidden_in_a_text_s_field_fails(self):
        """A value whose formatting calls mlkit's relu, formatted by the texts' code, is caught:
        what the words' modules call is watched."""
        class Sneaky:
            def __format__(self, spec):
                return str(mlkit.numpy.relu(np.array([-1.0, 2.0])))

        with (
            pytest.raises(AssertionError, match=r"mlkit\.contracts\.activations\.relu"),
            no_mlkit_calls("relu"),
        ):
            Texts({}).said("{x}", (Sneaky(),))

    def test_direct_call_fails_naming_the_function(self):
        """Calling mlkit.numpy.relu in the block fails, naming the contract of relu it enters."""
        message = (r"^`relu` calls the course's reference implementation "
                   r"mlkit\.contracts\.activations\.relu\. ")
        with pytest.raises(AssertionError, match=message), no_mlkit_calls("relu"):
            mlkit.numpy.relu(np.array([-1.0, 2.0]))

    def test_call_through_a_wrapper_fails(self):
        """A call to mlkit made one function down is caught too."""
        with (
            pytest.raises(AssertionError, match=r"mlkit\.contracts\.activations\.relu"),
            no_mlkit_calls("relu"),
        ):
            wrapper(np.array([-1.0, 2.0]))

    def test_call_after_from_import_fails(self):
        """`from mlkit.numpy import relu` does not hide the call."""
        with (
            pytest.raises(AssertionError, match=r"mlkit\.contracts\.activations\.relu"),
            no_mlkit_calls("relu"),
        ):
            from mlkit.numpy import relu
            relu(np.array([-1.0, 2.0]))

    def test_message_names_the_part(self):
        """The message says which part was checked."""
        message = r"^`my_part` calls .*mlkit\.contracts\.activations\.tanh"
        with pytest.raises(AssertionError, match=message), no_mlkit_calls("my_part"):
            mlkit.numpy.tanh(0.5)

    def test_allowed_function_and_its_callees_pass(self):
        """Calls made from inside an allow= function, and the function itself, are not watched."""
        def student_sigmoid_grad(x):
            s = mlkit.numpy.sigmoid(x)  # the allowed reference
            return s * (1.0 - s)

        with no_mlkit_calls("sigmoid_grad", allow=(mlkit.numpy.sigmoid,)):
            assert student_sigmoid_grad(0.0) == 0.25

    def test_allow_does_not_cover_other_functions(self):
        """A function that is not in allow= is still caught."""
        with (
            pytest.raises(AssertionError, match=r"mlkit\.contracts\.activations\.sigmoid_grad"),
            no_mlkit_calls("sigmoid_grad", allow=(mlkit.numpy.sigmoid,)),
        ):
            mlkit.numpy.sigmoid(0.0)
            mlkit.numpy.sigmoid_grad(0.0)

    def test_watching_resumes_after_an_allowed_call_returns(self):
        """After an allowed function returns, a later mlkit call is caught."""
        with (
            pytest.raises(AssertionError, match=r"mlkit\.contracts\.activations\.relu"),
            no_mlkit_calls("part", allow=(mlkit.numpy.sigmoid,)),
        ):
            mlkit.numpy.sigmoid(0.0)
            mlkit.numpy.relu(1.0)

    def test_mlkit_testing_itself_may_be_called(self):
        """Calls into mlkit.testing (the tools of the test) are not counted."""
        from mlkit.testing import rel_error
        with no_mlkit_calls("part"):
            rel_error(np.array([1.0]), np.array([1.0]))

    def test_replacing_the_profiler_fails(self, restore_profiler):
        """sys.setprofile(None) inside the block fails the check."""
        message = r"the profiler that checks how it was built was replaced \(sys\.setprofile\)"
        with pytest.raises(AssertionError, match=message), no_mlkit_calls("relu"):
            sys.setprofile(None)
            mlkit.numpy.relu(1.0)

    def test_previous_profiler_is_restored(self, restore_profiler):
        """The profiler installed before the block is back afterwards, after a pass or a failure."""
        events = []

        def previous(frame, event, arg):
            events.append(event)

        sys.setprofile(previous)
        with no_mlkit_calls("relu"):
            own_relu(1.0)
        assert sys.getprofile() is previous
        with pytest.raises(AssertionError), no_mlkit_calls("relu"):
            mlkit.numpy.relu(1.0)
        assert sys.getprofile() is previous
        with pytest.raises(AssertionError), no_mlkit_calls("relu"):
            sys.setprofile(None)
        assert sys.getprofile() is previous
        sys.setprofile(None)
        assert events  # it kept working outside the blocks

    def test_no_profiler_left_behind(self):
        """With no profiler before, there is none after."""
        assert sys.getprofile() is None
        with no_mlkit_calls("relu"):
            own_relu(1.0)
        assert sys.getprofile() is None

    def test_exception_in_the_block_propagates(self):
        """An error raised in the block reaches the caller, and the profiler is removed."""
        with pytest.raises(ZeroDivisionError), no_mlkit_calls("part"):
            _ = 1 / 0
        assert sys.getprofile() is None


class TestSubstitute:
    def test_replaces_and_restores(self):
        """Inside the block names refer to the replacements; afterwards to the originals."""
        ns = {"f": abs, "g": len}
        with substitute(ns, f=round):
            assert ns["f"] is round
            assert ns["g"] is len
        assert ns == {"f": abs, "g": len}

    def test_removes_added_names(self):
        """A name that did not exist before is removed afterwards."""
        ns = {"f": abs}
        with substitute(ns, new=round):
            assert ns["new"] is round
        assert ns == {"f": abs}

    def test_restores_when_the_block_raises(self):
        """Names are restored and removed even when the block raises."""
        ns = {"f": abs}
        with pytest.raises(RuntimeError, match="boom"), substitute(ns, f=round, new=len):
            raise RuntimeError("boom")
        assert ns == {"f": abs}

    def test_functions_see_the_replacement(self):
        """A function defined in the namespace calls the replacement inside the block."""
        ns = {}
        exec("def helper(x):\n    return 0\ndef outer(x):\n    return helper(x) + 1", ns)
        with substitute(ns, helper=lambda x: 10 * x):
            assert ns["outer"](2) == 21
        assert ns["outer"](2) == 1

    def test_name_deleted_inside_the_block(self):
        """A replaced name deleted inside the block is still restored."""
        ns = {"f": abs}
        with substitute(ns, f=round):
            del ns["f"]
        assert ns == {"f": abs}


STUDENT_CODE = """
import mlkit.numpy as mk

def sigmoid(x):
    return 0.0  # the student's broken sigmoid

def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1 - s)

def sigmoid_grad_cheat(x):
    return mk.sigmoid_grad(x)

def tanh_grad_cheat(x):
    s = sigmoid(x)
    return mk.tanh_grad(x) + 0 * s
"""


@pytest.fixture
def student():
    ns = {}
    exec(STUDENT_CODE, ns)
    return ns


class TestOwnWork:
    def test_uses_are_replaced_by_the_references(self, student):
        """Inside the block the names in `uses` are mlkit's references, afterwards the student's."""
        own_sigmoid = student["sigmoid"]
        with own_work(student, "sigmoid_grad", uses=("sigmoid",)):
            assert student["sigmoid"] is mlkit.numpy.sigmoid
            assert student["sigmoid_grad"](0.0) == 0.25
        assert student["sigmoid"] is own_sigmoid
        assert student["sigmoid_grad"](0.0) == 0.0

    def test_catches_a_direct_call(self, student):
        """A part that calls mlkit's own version fails, even with `uses` substituted."""
        message = r"^`sigmoid_grad` calls .*mlkit\.contracts\.activations\.sigmoid_grad"
        with (
            pytest.raises(AssertionError, match=message),
            own_work(student, "sigmoid_grad", uses=("sigmoid",)),
        ):
            student["sigmoid_grad_cheat"](0.0)

    def test_catches_a_call_besides_the_allowed_ones(self, student):
        """Calling an allowed reference does not excuse a call to another mlkit function."""
        with (
            pytest.raises(AssertionError, match=r"mlkit\.contracts\.activations\.tanh_grad"),
            own_work(student, "tanh_grad", uses=("sigmoid",)),
        ):
            student["tanh_grad_cheat"](0.0)

    def test_without_uses(self, student):
        """With no `uses`, nothing is replaced and the student's code runs as written."""
        with own_work(student, "sigmoid_grad"):
            assert student["sigmoid_grad"](0.0) == 0.0

    def test_restores_after_a_failure(self, student):
        """The student's names are back after a failed check."""
        own_sigmoid = student["sigmoid"]
        with pytest.raises(AssertionError), own_work(student, "sigmoid_grad", uses=("sigmoid",)):
            student["sigmoid_grad_cheat"](0.0)
        assert student["sigmoid"] is own_sigmoid

    def test_tensorflow_backend(self):
        """backend="tensorflow" substitutes mlkit.tensorflow's references."""
        pytest.importorskip("tensorflow")
        import mlkit.tensorflow
        ns = {}
        exec("def sigmoid_grad(x):\n    s = sigmoid(x)\n    return s * (1 - s)", ns)
        with own_work(ns, "sigmoid_grad", uses=("sigmoid",), backend="tensorflow"):
            assert ns["sigmoid"] is mlkit.tensorflow.sigmoid
            assert float(ns["sigmoid_grad"](0.0)) == 0.25
        assert "sigmoid" not in ns


class TestNoOverflow:
    def test_safe_code_passes(self):
        """Code with no floating-point problem passes and its results are kept."""
        with no_overflow("exp(-x)"):
            result = np.exp(-np.array([0.0, 1000.0]))  # underflow to 0 is fine
        np.testing.assert_array_equal(result, [1.0, 0.0])

    def test_mlkit_sigmoid_is_stable(self):
        """mlkit's own sigmoid passes the check at ±1000."""
        with no_overflow("sigmoid(±1000)"):
            mlkit.numpy.sigmoid(np.array([-1000.0, 1000.0]))

    @pytest.mark.parametrize(("compute", "problem"), [
        (lambda: np.exp(np.array([1000.0])), "overflow encountered in exp"),
        (lambda: np.log(np.array([0.0])), "divide by zero encountered in log"),
        (lambda: np.array([0.0]) / np.array([0.0]), "invalid value encountered in divide"),
        (lambda: np.sqrt(np.array([-1.0])), "invalid value encountered in sqrt"),
    ], ids=["overflow", "divide", "invalid", "sqrt"])
    def test_problem_becomes_an_assertion_error(self, compute, problem):
        """Overflow, division by zero and invalid values fail naming `what`, problem and `hint`."""
        message = f"f(x) for x = 1000 is not numerically stable: {problem}. Hint: use exp(-x)."
        with (
            pytest.raises(AssertionError, match=f"^{re.escape(message)}$"),
            no_overflow("f(x) for x = 1000", hint="use exp(-x)."),
        ):
            compute()

    def test_without_hint(self):
        """With no hint the message ends after the problem."""
        message = r"^exp\(1000\) is not numerically stable: overflow encountered in exp\.$"
        with pytest.raises(AssertionError, match=message), no_overflow("exp(1000)"):
            np.exp(np.array([1000.0]))

    def test_links_the_section_of_the_function_it_is_explained_by(self):
        """With ``explained_by``, the failure links to the book's section on computing that
        function stably; the link comes from the mistakes function, not from ``what``'s words."""
        from mlkit.testing import mistakes

        with pytest.raises(AssertionError) as info, \
                no_overflow("the scores' probabilities", explained_by=mistakes.softmax):
            np.exp(np.array([1000.0]))
        assert info.value.link == "book/softmax.html#softmax-max-shift"
        assert str(info.value).endswith("book/softmax.html#softmax-max-shift")
        with pytest.raises(AssertionError) as info, no_overflow("softmax(X) for +-1000"):
            np.exp(np.array([1000.0]))
        assert info.value.link is None  # no link guessed from the words

    def test_explained_by_must_be_a_mistakes_function(self):
        message = re.escape("`explained_by` must be a function of mlkit.testing.mistakes")
        with pytest.raises(TypeError, match=message), no_overflow("exp", explained_by=np.exp):
            pass

    def test_other_errors_pass_through(self):
        """An error that is not a floating-point problem propagates unchanged."""
        with pytest.raises(KeyError), no_overflow("lookup"):
            {}["missing"]

    def test_error_state_is_restored(self):
        """NumPy's error state is the same after the block as before."""
        before = np.geterr()
        with pytest.raises(AssertionError), no_overflow("exp"):
            np.exp(np.array([1000.0]))
        with no_overflow("nothing"):
            pass
        assert np.geterr() == before
