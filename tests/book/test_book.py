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


class TestActivationsChapter:
    def test_figures_are_drawn_with_alt_text(self, built_book):
        """The chapter's figures are images made at build time, each with a description."""
        page = built_book.page("activations")
        images = re.findall(r'<img[^>]*src="([^"]+\.png)"[^>]*>', page)
        assert len(images) >= 2
        for tag in re.findall(r"<img[^>]*>", page):
            alt = re.search(r'alt="([^"]*)"', tag)
            assert alt and len(alt.group(1)) > 40, f"figure without a real description: {tag}"
        for src in images:
            png = (built_book.html / "book" / src).resolve()
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000

    def test_outputs_are_those_of_mlkit(self, built_book):
        """The executed outputs are in the page, as mlkit computes them now."""
        text = _text(built_book.page("activations"))
        assert f"step_grad(z) = {mk.step_grad(mk.step([-2.0, -0.5, 0.0, 0.5, 2.0]))}" in text
        assert f"sigmoid_grad( 0.0) = {mk.sigmoid_grad(0.0):.2e}" in text
        assert "naive sigmoid: overflow encountered in exp" in text
        assert "max |GradientTape - sigmoid_grad| =" in text

    @pytest.mark.parametrize(("module", "function"), [("numpy", "sigmoid"), ("numpy", "elu"),
                                                      ("tensorflow", "elu")])
    def test_code_is_shown_from_the_package(self, built_book, module, function):
        """The code listings are mlkit's source itself, not a pasted copy."""
        source = (ROOT / "mlkit" / module / "activations.py").read_text()
        node = next(n for n in ast.parse(source).body
                    if isinstance(n, ast.FunctionDef) and n.name == function)
        text = _text(built_book.page("activations"))
        for line in ast.get_source_segment(source, node).splitlines():
            assert line.strip() in text, f"line of {module}.{function} missing: {line!r}"

    def test_links_to_its_assignment(self, built_book):
        """The check-yourself section offers the assignment notebook for download."""
        page = built_book.page("activations")
        link = re.search(r'href="([^"]*activations\.ipynb)"', page)
        assert link, "no link to the assignment"
        assert (built_book.html / "book" / link.group(1)).resolve().is_file()
