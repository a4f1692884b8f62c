"""The book builds strictly, and its pages show what the chapters compute."""

import ast
import html
import re

import pytest
import yaml

from mlkit import numpy as mk
from tests.helpers import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("book")]


def _toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


def _text(page):
    """The visible text of an HTML page, tags removed and entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


class TestBuild:
    def test_build_succeeds_without_warnings(self, built_book):
        """A full build with warnings as errors exits 0: every chapter executed without error."""
        assert built_book.returncode == 0, built_book.log[-8000:]

    @pytest.mark.parametrize("doc", _toc_files())
    def test_every_toc_page_is_built(self, built_book, doc):
        """Each file of _toc.yml becomes an HTML page."""
        assert (built_book.html / f"{doc}.html").is_file()

    def test_no_notebook_outside_the_toc_is_built(self, built_book):
        """exercises/, solutions/, tests/ and mlkit/ stay out of the book."""
        for folder in ["exercises", "solutions", "tests", "mlkit", ".venv"]:
            assert not (built_book.html / folder).exists(), folder

    @pytest.mark.parametrize("doc", _toc_files())
    def test_pages_hold_no_error_and_no_log_lines(self, built_book, doc):
        """No traceback, and none of TensorFlow's log lines, reached a page."""
        page = (built_book.html / f"{doc}.html").read_text(encoding="utf-8")
        for marker in ["Traceback (most recent call last)", "cuInit", "absl::", "oneDNN",
                       'class="output stderr"', "Notebook exception"]:
            assert marker not in page, f"{doc}: {marker!r} in the page"


def _source_of(module, qualname):
    """The source text of a function or method (``Class.method``) of an mlkit module."""
    source = (ROOT / "mlkit" / module).read_text()
    body = ast.parse(source).body
    node = None
    for name in qualname.split("."):
        node = next(n for n in body if isinstance(n, ast.FunctionDef | ast.ClassDef)
                    and n.name == name)
        body = node.body
    return ast.get_source_segment(source, node)


# Each chapter: the least number of figures it draws, and the mlkit code it shows
# (file under mlkit/, function or Class.method). Its assignment has the chapter's name.
CHAPTERS = {
    "activations": (2, [("numpy/activations.py", "sigmoid"), ("numpy/activations.py", "elu"),
                        ("tensorflow/activations.py", "elu")]),
    "neurons": (2, [("numpy/neurons.py", "tlu"), ("numpy/neurons.py", "tlu_layer"),
                    ("tensorflow/neurons.py", "tlu_layer")]),
    "perceptron": (3, [("numpy/perceptron.py", "perceptron_update"),
                       ("numpy/perceptron.py", "Perceptron.fit"),
                       ("tensorflow/perceptron.py", "perceptron_update"),
                       ("tensorflow/perceptron.py", "Perceptron.fit")]),
}
LISTINGS = [(chapter, module, qualname)
            for chapter, (_, listings) in CHAPTERS.items() for module, qualname in listings]


class TestEveryChapter:
    @pytest.mark.parametrize("chapter", CHAPTERS)
    def test_figures_are_drawn_with_alt_text(self, built_book, chapter):
        """The chapter's figures are images made at build time, each with a description."""
        page = built_book.page(chapter)
        images = re.findall(r'<img[^>]*src="([^"]+\.png)"[^>]*>', page)
        assert len(images) >= CHAPTERS[chapter][0]
        for tag in re.findall(r"<img[^>]*>", page):
            alt = re.search(r'alt="([^"]*)"', tag)
            assert alt and len(alt.group(1)) > 40, f"figure without a real description: {tag}"
        for src in images:
            png = (built_book.html / "book" / src).resolve()
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000

    @pytest.mark.parametrize(("chapter", "module", "qualname"), LISTINGS)
    def test_code_is_shown_from_the_package(self, built_book, chapter, module, qualname):
        """The code listings are mlkit's source itself, not a pasted copy."""
        text = _text(built_book.page(chapter))
        for line in _source_of(module, qualname).splitlines():
            assert line.strip() in text, f"line of {module} {qualname} missing: {line!r}"

    @pytest.mark.parametrize("chapter", CHAPTERS)
    def test_links_to_its_assignment(self, built_book, chapter):
        """The check-yourself section offers the chapter's assignment notebook for download."""
        page = built_book.page(chapter)
        link = re.search(rf'href="([^"]*{chapter}\.ipynb)"', page)
        assert link, "no link to the assignment"
        assert (built_book.html / "book" / link.group(1)).resolve().is_file()


class TestActivationsChapter:
    def test_outputs_are_those_of_mlkit(self, built_book):
        """The executed outputs are in the page, as mlkit computes them now."""
        text = _text(built_book.page("activations"))
        assert f"step_grad(z) = {mk.step_grad(mk.step([-2.0, -0.5, 0.0, 0.5, 2.0]))}" in text
        assert f"sigmoid_grad( 0.0) = {mk.sigmoid_grad(0.0):.2e}" in text
        assert "naive sigmoid: overflow encountered in exp" in text
        assert "max |GradientTape - sigmoid_grad| =" in text

class TestNeuronsChapter:
    def test_names_the_parts_of_the_neuron_in_english_and_korean(self, built_book):
        """The biology section gives the course's Korean terms next to the English ones."""
        text = _text(built_book.page("neurons"))
        for english, korean in [("Dendrites", "수상돌기"), ("Axon", "축삭돌기"),
                                ("Synapses", "시냅스"), ("Cell body", "세포체")]:
            assert f"{english} ({korean})" in text
        assert "McCulloch" in text and "1943" in text and "Hodgkin" in text

    def test_truth_tables_are_printed(self, built_book):
        """The printed AND/OR/NAND, NOT and XOR tables are the ones logic gives."""
        text = _text(built_book.page("neurons"))
        for x1 in (0, 1):
            for x2 in (0, 1):
                gates = (x1 & x2, x1 | x2, 1 - (x1 & x2))
                assert f" {x1}  {x2} |  {gates[0]}    {gates[1]}    {gates[2]}" in text
                assert f" {x1}  {x2} |  {x1 | x2}   {1 - (x1 & x2)}  |  {x1 ^ x2}" in text
        for x in (0, 1):
            assert f"{x} |  {1 - x}" in text

    def test_layer_outputs_are_in_the_page(self, built_book):
        """The layer agrees with the loop over units and with TensorFlow, and the error is shown."""
        text = _text(built_book.page("neurons"))
        assert "same as a loop over the units: True" in text
        assert "same as NumPy: True" in text
        assert ("wrong shape : `w` must have shape (n_inputs,) with n_inputs = 2 from `x`. "
                "Received: w.shape=(3,)") in text
        # One example: 2*1 - 1*1 - 0.5 = 0.5 fires; the batch's last row sums to exactly 0.
        assert "one example : 1.0" in text
        assert "a batch     : [1. 0. 0.]" in text

def _perceptron_errors(X, y, num_epochs):
    """Mistakes per epoch of Rosenblatt's rule from zero weights, written independently of mlkit."""
    w1, w2, b, errors = 0.0, 0.0, 0.0, []
    for _ in range(num_epochs):
        count = 0
        for (x1, x2), label in zip(X, y, strict=True):
            error = label - (1 if w1 * x1 + w2 * x2 + b > 0 else 0)
            if error:
                w1, w2, b, count = w1 + error * x1, w2 + error * x2, b + error, count + 1
        errors.append(count)
        if count == 0:
            break
    return errors


class TestPerceptronChapter:
    GATES = ((0, 0), (0, 1), (1, 0), (1, 1))

    def test_training_runs_are_those_of_the_rule(self, built_book):
        """The printed mistakes per epoch on AND, OR and XOR are those of the rule run here."""
        text = _text(built_book.page("perceptron"))
        and_errors = _perceptron_errors(self.GATES, [0, 0, 0, 1], 100)
        or_errors = _perceptron_errors(self.GATES, [0, 1, 1, 1], 100)
        xor_errors = _perceptron_errors(self.GATES, [0, 1, 1, 0], 50)
        assert f"AND: errors per epoch {and_errors} | predictions [0 0 0 1]" in text
        assert f"OR: errors per epoch {or_errors} |" in text
        assert len(xor_errors) == 50 and min(xor_errors) > 0
        assert f"XOR: 50 epochs, last errors {xor_errors[-5:]}" in text
        assert "Perceptron(lr=1.0, num_epochs=100, seed=None)" in text

    def test_novikoff_bound_holds_in_the_table(self, built_book):
        """Each row of the convergence table has at most (R / gamma)^2 updates."""
        text = _text(built_book.page("perceptron"))
        rows = re.findall(r"^\s*(0\.\d\d)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+(\d+)\s*$", text,
                          flags=re.MULTILINE)
        assert len(rows) == 4, rows
        for _, gamma, radius, updates, _ in rows:
            assert int(updates) <= (float(radius) / float(gamma)) ** 2

    def test_backends_and_scikit_learn_agree(self, built_book):
        """The NumPy and TensorFlow runs are identical, and scikit-learn separates the data too."""
        text = _text(built_book.page("perceptron"))
        assert "identical  : True" in text
        assert "scikit-learn right on all: True" in text
        assert "mlkit right on all       : True" in text
