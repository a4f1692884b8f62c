"""The typical mistakes the course names, each run through its assignment's visible test cell.

Each case is a student's wrong answer, put into the released notebook with the
reference answers everywhere else; the notebook's cells run in order up to the
visible test cell of the part, whose failure message must name the mistake and
link to the book section that explains it. The links' sections must exist in
the chapters as MyST labels.
"""

import re

import pytest

from mlkit.grading import notebooks
from mlkit.testing import mistakes
from mlkit.testing.book import Mistake, MistakeTable
from tests.helpers import ROOT

# name -> (assignment, the answer cell and its wrong code, the visible test cell,
#          a phrase of the message that names the mistake, the book link)
CASES = {
    "softmax over the wrong axis": (
        "softmax", "softmax",
        "def softmax(x, axis=-1):\n    e = np.exp(x - np.max(x, axis=0, keepdims=True))\n"
        "    return e / np.sum(e, axis=0, keepdims=True)",
        "softmax_rows", "softmax over the wrong axis", "book/softmax.html#softmax-scores"),
    "softmax without the max shift": (
        "softmax", "softmax",
        "def softmax(x, axis=-1):\n    e = np.exp(x)\n"
        "    return e / np.sum(e, axis=axis, keepdims=True)",
        "softmax_stable", "subtract the largest score", "book/softmax.html#softmax-max-shift"),
    "the sigmoid derivative from z instead of sigmoid(z)": (
        "activations", "sigmoid_grad", "def sigmoid_grad(x):\n    return x * (1 - x)",
        "sigmoid_grad_values", "computed from x instead of sigmoid(x)",
        "book/activations.html#activations-sigmoid"),
    "XW written as WX (a transposed result)": (
        "matrix_notation", "linear_predict",
        "def linear_predict(X, W, b):\n    return W.T @ X.T + b[:, None]",
        "linear_predict_values", "the result is the transpose",
        "book/matrix_notation.html#matrix-notation-lecture"),
    "log(0) in cross-entropy": (
        "softmax", "cross_entropy",
        "def cross_entropy(y_true, y_pred):\n    return -np.sum(y_true * np.log(y_pred), axis=-1)",
        "cross_entropy_log_zero", "clip the probabilities to [1e-7, 1 - 1e-7]",
        "book/softmax.html#softmax-stability"),
    "integer labels where one-hot were expected": (
        "softmax", "sparse_cross_entropy",
        "def sparse_cross_entropy(y_true, y_pred):\n"
        "    return -np.sum(y_true * np.log(np.clip(y_pred, 1e-7, 1 - 1e-7)), axis=-1)",
        "sparse_cross_entropy_values", "integer labels were used as one-hot rows",
        "book/softmax.html#softmax-labels"),
    "a learning rate that diverges": (
        "matrix_notation", "fit",
        "X_scaled = (X - X.mean(axis=0)) / X.std(axis=0)\nlr_fit = 1.5\nnum_epochs_fit = 30\n"
        "W_fit, b_fit, losses_fit = train_linear_regression(X_scaled, y, lr_fit, num_epochs_fit)",
        "fit_reaches_least_squares", "training diverged",
        "book/matrix_notation.html#matrix-notation-learning-rate"),
}


def _nbgrader(cell):
    return cell.metadata.get("nbgrader", {})


def visible_failure(assignment, answer_id, wrong, test_id):
    """The message of the visible test cell ``test_id`` when the answer ``answer_id`` is ``wrong``.

    The release's cells run in order, in one namespace, with the reference
    answers in the other answer cells; the other test cells are skipped.
    """
    source = notebooks.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb")
    release = notebooks.read(ROOT / "exercises" / assignment / f"{assignment}.ipynb")
    answers = {**notebooks.reference_answers(source), answer_id: wrong}
    namespace = {}
    for cell in notebooks.make_submission(release, answers).cells:
        meta = _nbgrader(cell)
        if cell.cell_type != "code" or (meta.get("grade") and meta["grade_id"] != test_id):
            continue
        if meta.get("grade_id") == test_id:
            with pytest.raises(AssertionError) as info:
                exec(cell.source, namespace)
            return str(info.value)
        exec(cell.source, namespace)
    raise AssertionError(f"no test cell {test_id!r} in {assignment}")


@pytest.mark.parametrize("mistake", list(CASES))
def test_named_mistake_gets_its_message(mistake, monkeypatch, capsys):
    """The visible test names the mistake and links to the book section that explains it."""
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.delenv("MLKIT_BOOK_URL", raising=False)
    assignment, answer_id, wrong, test_id, phrase, link = CASES[mistake]
    message = visible_failure(assignment, answer_id, wrong, test_id)
    assert phrase in message, message
    assert f"Read about it in the book: {link}" in message, message


def test_a_wrong_answer_no_mistake_explains_links_the_computation(monkeypatch):
    """A wrong answer that is none of the catalogued mistakes still gets its section's link."""
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.delenv("MLKIT_BOOK_URL", raising=False)
    message = visible_failure(
        "softmax", "softmax",
        "def softmax(x, axis=-1):\n    x = np.asarray(x, dtype=float)\n"
        "    return np.full_like(x, 1.0 / x.shape[axis])",  # uniform, whatever the scores
        "softmax_rows")
    assert "Likely mistake" not in message, message
    assert "See the book's section on it: book/softmax.html#softmax-scores" in message, message


def test_a_plain_dict_of_mistakes_links_nothing():
    """Only a MistakeTable, which knows its chapter, adds a link."""
    from mlkit.testing import assert_close

    with pytest.raises(AssertionError) as info:
        assert_close([2.0], [1.0], mistakes={"doubled": [4.0]})
    assert "book" not in str(info.value)


def test_book_url_prefix(monkeypatch):
    """MLKIT_BOOK_URL, where the book is published, prefixes every link."""
    monkeypatch.setenv("MLKIT_BOOK_URL", "https://example.org/fdl/")
    x = mistakes.sigmoid_grad([0.5])
    assert x.url(next(iter(x))) == "https://example.org/fdl/book/activations.html#activations-sigmoid"


def _labels(chapter):
    text = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\(([\w-]+)\)=\s*$", text, re.MULTILINE))


def _tables():
    """One mistake table of every mistakes function that returns one, from small inputs."""
    import numpy as np

    inputs = {1: (np.array([[0.5, -1.0]]),), 2: (np.eye(2), np.full((2, 2), 0.5))}
    found = {}
    for name in mistakes.__all__:
        function = getattr(mistakes, name)
        for args in inputs.values():
            try:
                table = function(*args)
            except Exception:  # another signature: tried with the other inputs
                continue
            if isinstance(table, MistakeTable):
                found[name] = table
                break
    return found


def _declared():
    """Every Mistake the catalogue modules declare (alone, or in a tuple of them)."""
    import importlib
    import pkgutil

    found = []
    for info in pkgutil.iter_modules(mistakes.__path__):
        module = importlib.import_module(f"{mistakes.__name__}.{info.name}")
        for value in vars(module).values():
            group = value if isinstance(value, tuple) else (value,)
            found += [item for item in group if isinstance(item, Mistake)]
    return found


def test_every_mistake_has_its_own_id():
    """No two declared mistakes share an id, across all the catalogues."""
    declared = _declared()
    assert len(declared) >= 200
    ids = [mistake.id for mistake in declared]
    assert sorted(ids) == sorted(set(ids)), {i for i in ids if ids.count(i) > 1}


def test_every_declared_section_is_a_label_of_its_chapter():
    """Each section a declared mistake names is a MyST label of the chapter it names."""
    for mistake in _declared():
        section = mistake.section
        assert section.label in _labels(section.chapter), f"{mistake.id}: no ({section.label})="


def test_every_link_names_a_label_of_its_chapter():
    """Each section a mistake table links to is a MyST label of the chapter it names."""
    tables = _tables()
    assert len(tables) >= 20
    for name, table in tables.items():
        assert table.label in _labels(table.chapter), f"{name}: no ({table.label})="
        for mistake in table:
            section = table.section(mistake)
            assert section.label in _labels(section.chapter), \
                f"{name}: no ({section.label})= in {section.chapter}"
