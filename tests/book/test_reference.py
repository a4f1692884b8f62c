"""The book's reference pages and links: glossary, API reference, bibliography, launch buttons."""

import ast
import html
import json
import re
import subprocess
import sys
from urllib.parse import unquote, urlparse

import pytest

from tests.book.test_book import CHAPTERS, _text, _toc_files, mlkit_links
from tests.helpers import ROOT, book_extension, tool_env

launch_links = book_extension("launch_links")
notebooks = book_extension("notebooks")

# The terms, the Korean the lectures use, and the chapter that first uses each.
TERMS = [("neuron", "뉴런", "intro"), ("axon", "축삭돌기", "neurons"),
         ("dendrite", "수상돌기", "neurons"), ("synapse", "시냅스", "neurons"),
         ("activation function", "활성화 함수", "intro"),
         ("cross-entropy", "교차 엔트로피", "xor_mlp"), ("perceptron", "퍼셉트론", "neurons"),
         ("back-propagation", "역전파", "intro")]


def _glossary_anchor(built_book, english):
    """The id of a glossary entry, found by its English term."""
    page = (built_book.html / "book" / "glossary.html").read_text(encoding="utf-8")
    match = re.search(rf'<dt id="([^"]+)">{re.escape(english)}<', page)
    assert match, f"no glossary entry for {english!r}"
    return match.group(1)


@pytest.mark.parametrize(("english", "korean", "first"), TERMS)
@pytest.mark.slow
@pytest.mark.xdist_group("book")
def test_glossary_term_in_both_languages_linked_from_first_use(built_book, english, korean,
                                                               first):
    """Each term has its English and Korean names, and its first use links to it."""
    anchor = _glossary_anchor(built_book, english)
    page = (built_book.html / "book" / "glossary.html").read_text(encoding="utf-8")
    entry = page[page.index(f'id="{anchor}"'):]
    entry = entry[:entry.index("</dd>")]
    assert korean in html.unescape(entry)
    docs = [doc for doc in _toc_files() if doc.startswith("book/")
            and doc.split("/")[1] not in ("glossary", "api", "bibliography")]
    linking = [doc for doc in docs
               if f'glossary.html#{anchor}"' in (built_book.html / f"{doc}.html").read_text(
                   encoding="utf-8")]
    assert linking[:1] == [f"book/{first}"], linking


@pytest.mark.slow
@pytest.mark.xdist_group("book")
class TestApiReference:
    def test_every_public_function_is_documented_from_its_docstring(self, built_book):
        """The API page holds each backend's functions, with their docstrings' text."""
        from mlkit import numpy as mk

        page = (built_book.html / "book" / "api.html").read_text(encoding="utf-8")
        for name in mk.__all__:
            module = getattr(mk, name).__module__
            assert f'id="{module}.{name}"' in page, name
            assert f'id="{module.replace("numpy", "tensorflow")}.{name}"' in page, name
        first_line = mk.sigmoid.__doc__.strip().splitlines()[0]
        assert html.escape(first_line.split("``")[0].strip()) in page

    def test_module_docstrings_link_the_chapters_they_name(self, built_book):
        """"Taught in the book chapter *Neurons*" links the chapter, in both backends."""
        page = (built_book.html / "book" / "api.html").read_text(encoding="utf-8")
        for module in ("mlkit.numpy.neurons", "mlkit.tensorflow.neurons"):
            start = page.index(f'id="module-{module}"')
            taught = re.search(r"Taught in the book chapter (.*?)</p>", page[start:], re.DOTALL)
            assert taught and 'href="neurons.html"' in taught.group(1), module

    @pytest.mark.parametrize(("target", "chapter"), [
        ("mlkit.numpy.activations.sigmoid", "activations"),
        ("mlkit.tensorflow.activations.elu", "activations"),
        ("mlkit.numpy.layers.dense_backward", "backprop"),
        ("mlkit.numpy.neurons.tlu_layer", "neurons"),
        ("mlkit.testing.gradients.numerical_gradient", "backprop"),
        ("mlkit.keras_models.classification_mlp", "keras_mlp")])
    def test_functions_link_to_the_chapter_that_teaches_them(self, built_book, target,
                                                             chapter):
        """A function's entry links the chapter that shows its code as the one teaching it."""
        page = (built_book.html / "book" / "api.html").read_text(encoding="utf-8")
        start = page.index(f'id="{target}"')
        end = page.find('<dt class="sig sig-object py"', start + 1)
        entry = page[start:end if end > 0 else len(page)]
        taught = re.search(r"In the book:</strong> taught in (.*?)(?:; also used in|</p>)", entry,
                           flags=re.DOTALL)
        assert taught, f"{target}: no 'In the book' line"
        assert f'href="{chapter}.html"' in taught.group(1)

    @pytest.mark.parametrize("chapter", CHAPTERS)
    def test_chapters_link_the_functions_they_use(self, built_book, chapter):
        """Each chapter ends with links to the API entries of the mlkit names it uses."""
        page = built_book.page(chapter)
        section = page[page.index(f'id="mlkit-in-{chapter}"'):]
        links = set(re.findall(r'href="api\.html#([\w.]+)"', section))
        used, _ = mlkit_links.chapter_uses(
            (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8"),
            mlkit_links.api_targets(ROOT))
        assert links and links == used


TARGETS = {"sigmoid": ["mlkit.numpy.activations.sigmoid",
                       "mlkit.tensorflow.activations.sigmoid"],
           "load_mnist": ["mlkit.datasets.load_mnist"],
           "MLP": ["mlkit.numpy.mlp.MLP", "mlkit.tensorflow.mlp.MLP"]}


class TestLinkTable:
    def test_uses_follow_the_backend_alias(self):
        """``mk.sigmoid`` means NumPy's or TensorFlow's as the chapter imported ``mk``."""
        source = "from mlkit import tensorflow as tfk\ny = tfk.sigmoid(x)\n"
        used, taught = mlkit_links.chapter_uses(source, TARGETS)
        assert used == {"mlkit.tensorflow.activations.sigmoid"} and taught == set()

    def test_imports_and_listings(self):
        """Imported names are used; a listing with :pyobject: teaches its object's class."""
        source = ("from mlkit.datasets import load_mnist\n"
                  "```{literalinclude} ../mlkit/numpy/mlp.py\n:pyobject: MLP.fit\n```\n")
        used, taught = mlkit_links.chapter_uses(source, TARGETS)
        assert used == {"mlkit.datasets.load_mnist", "mlkit.numpy.mlp.MLP"}
        assert taught == {"mlkit.numpy.mlp.MLP"}

    def test_every_backend_function_is_a_target(self):
        """The table, read from the sources, holds each public function where it is defined."""
        import mlkit.numpy
        import mlkit.tensorflow

        targets = mlkit_links.api_targets(ROOT)
        for backend in (mlkit.numpy, mlkit.tensorflow):
            for name in backend.__all__:
                assert f"{getattr(backend, name).__module__}.{name}" in targets[name], name

    def test_chapter_titles_of_a_module_docstring_become_links(self):
        """Each *Title* of the "Taught in" paragraph links its chapter, across line breaks."""
        titles = {"Neurons": "book/neurons", "Matrix notation": "book/matrix_notation"}
        lines = ["Dense layers.", "", "Taught in the book chapters *Neurons* and *Matrix",
                 "notation*, not in *Optimisers*.", "", "See *Neurons* too."]
        linked, unknown = mlkit_links.link_chapter_titles(lines, titles)
        assert linked == ["Dense layers.", "",
                          "Taught in the book chapters :doc:`Neurons </book/neurons>` and "
                          ":doc:`Matrix notation </book/matrix_notation>`, not in *Optimisers*.",
                          "", "See *Neurons* too."]
        assert unknown == ["Optimisers"]

    def test_every_module_docstring_names_real_chapters(self):
        """The chapters mlkit's module docstrings name are chapters of the book."""
        titles = mlkit_links.chapter_titles(ROOT)
        named = 0
        for path in sorted((ROOT / "mlkit").rglob("*.py")):
            docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
            _, unknown = mlkit_links.link_chapter_titles(docstring.splitlines(), titles)
            assert unknown == [], path
            named += "Taught in the book chapter" in docstring
        assert named >= 15

    def test_every_name_the_book_uses_is_taught_somewhere(self):
        """The table of the real book gives every used target a teaching chapter."""
        uses, teachers = mlkit_links.link_table(ROOT)
        used = set().union(*uses.values())
        assert used and used == set(teachers)
        assert all(teaching for teaching, _ in teachers.values())


@pytest.mark.slow
@pytest.mark.xdist_group("book")
class TestBibliography:
    @pytest.mark.parametrize(("key_text", "chapter"), [
        ("Rosenblatt", "perceptron"), ("Minsky", "perceptron"), ("Rumelhart", "backprop"),
        ("Cireşan", "mnist"), ("Géron", "keras_mlp"), ("McCulloch", "neurons"),
        ("Maas", "activations"), ("Clevert", "activations"), ("Goodfellow", "activations"),
        ("Linnainmaa", "backprop"), ("Werbos", "backprop"), ("Karpathy", "backprop"),
        ("Kaiming He", "backprop"), ("Vanhoucke", "softmax")])
    def test_cited_works_are_listed_and_linked(self, built_book, key_text, chapter):
        """The bibliography lists the work, and the chapter's citation links to its entry."""
        bibliography = _text((built_book.html / "book" / "bibliography.html").read_text(
            encoding="utf-8"))
        assert key_text in bibliography
        page = built_book.page(chapter)
        cites = re.findall(r'href="bibliography\.html#(id\d+)"', page)
        assert cites, f"{chapter} cites nothing"
        target = (built_book.html / "book" / "bibliography.html").read_text(encoding="utf-8")
        assert any(key_text in _text(target[target.index(f'id="{c}"'):][:800]) for c in cites)


def _launch_paths(page):
    """The repository paths that a page's Colab and Binder links open."""
    colab = re.findall(r'href="https://colab\.research\.google\.com/github/[^/]+/[^/]+/blob/'
                       r'[^/]+/([^"]+)"', page)
    binder = [unquote(path).removeprefix("lab/tree/") for path in re.findall(
        r'href="https://mybinder\.org/v2/gh/[^"?]+\?urlpath=([^"&]+)', html.unescape(page))]
    return colab, binder


@pytest.mark.slow
@pytest.mark.xdist_group("book")
class TestLaunch:
    @pytest.mark.parametrize("chapter", CHAPTERS)
    def test_chapter_and_exercise_open_in_colab_and_binder(self, built_book, chapter):
        """The page opens its own notebook and its assignment's; both exist in the repository."""
        colab, binder = _launch_paths(built_book.page(chapter))
        expected = {f"book/{chapter}.ipynb", f"exercises/{chapter}/{chapter}.ipynb"}
        assert set(colab) == expected and set(binder) == expected, (colab, binder)
        for path in expected:
            assert (ROOT / path).is_file()

    @pytest.mark.parametrize("chapter", CHAPTERS)
    def test_download_offers_the_executed_notebook(self, built_book, chapter):
        """The download button's .ipynb holds the chapter's outputs, figures included."""
        page = built_book.page(chapter)
        assert f'href="../_sources/book/{chapter}.ipynb"' in page
        notebook = json.loads((built_book.html / "_sources" / "book" / f"{chapter}.ipynb")
                              .read_text(encoding="utf-8"))
        outputs = [o for cell in notebook["cells"] for o in cell.get("outputs", [])]
        assert any("image/png" in o.get("data", {}) for o in outputs)


class TestNotebooks:
    def test_committed_notebooks_are_generated_from_the_chapters(self):
        """book/*.ipynb are up to date with book/*.md (./dev.sh notebooks writes them)."""
        assert notebooks.main(["--check"]) == 0

    def test_notebook_installs_mlkit_from_the_configured_repository(self):
        """The first cell installs mlkit from repository.url when it is missing."""
        url, branch = notebooks.repository()
        text = notebooks.notebook_text(ROOT / "book" / "neurons.md")
        first = json.loads(text)["cells"][0]
        assert f"git+{url}@{branch}" in "".join(first["source"])

    def test_glue_import_becomes_a_fallback_that_runs_without_myst_nb(self, tmp_path):
        """``from myst_nb import glue`` becomes a glue() that works where MyST-NB is missing."""
        source = tmp_path / "chapter.md"
        source.write_text(
            "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
            "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n\n"
            "# A chapter\n\n```{code-cell} ipython3\n:tags: [remove-cell]\n\n"
            "from myst_nb import glue\n```\n\n```{code-cell} ipython3\nglue('x', 3)\n```\n",
            encoding="utf-8")
        cells = json.loads(notebooks.notebook_text(source))["cells"]
        code = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
        assert code[1] == notebooks.GLUE_FALLBACK and code[2] == "glue('x', 3)"
        # Run the fallback with the import of myst_nb failing, as on Colab.
        script = tmp_path / "run.py"
        script.write_text(
            "import sys\nsys.modules['myst_nb'] = None  # import myst_nb raises ImportError\n"
            + code[1] + "\nglue('hidden', 1, display=False)\nglue('shown', 2)\n",
            encoding="utf-8")
        result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                                timeout=120, env=tool_env())
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["2"]

    def test_launch_urls_need_a_github_repository(self):
        """A repository URL that is not GitHub's owner/name is refused with what was expected."""
        colab, binder = launch_links.launch_urls("https://github.com/o/r", "main", "book/a.ipynb")
        assert colab == "https://colab.research.google.com/github/o/r/blob/main/book/a.ipynb"
        assert urlparse(binder).query == "urlpath=lab%2Ftree%2Fbook%2Fa.ipynb"
        with pytest.raises(ValueError, match=re.escape("https://github.com/<owner>/<name>")):
            launch_links.launch_urls("https://gitlab.com/o/r", "main", "book/a.ipynb")


class TestOutputWait:
    def test_chapters_execute_with_a_patient_client(self, tmp_path):
        """The build's executor passes nbclient a 60 s output wait that fails loudly, and runs."""
        script = tmp_path / "run.py"
        extension = str(ROOT / "book" / "_ext" / "output_wait.py")
        script.write_text(
            "import importlib.util, sys, nbformat, nbclient\n"
            f"spec = importlib.util.spec_from_file_location('w', {extension!r})\n"
            "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
            "module.setup(None); module.setup(None)  # a second setup does not wrap twice\n"
            "from myst_nb.core.execute import cache\n"
            "seen = []\n"
            "class Client(nbclient.NotebookClient):\n"
            "    def __init__(self, *a, **k):\n"
            "        super().__init__(*a, **k)\n"
            "        seen.append((self.iopub_timeout, self.raise_on_iopub_timeout))\n"
            "nbclient.client.NotebookClient = Client\n"
            "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('print(6 * 7)')])\n"
            "result = cache.single_nb_execution(nb, cwd=None, timeout=60, allow_errors=False)\n"
            "assert result.err is None, result.exc_string\n"
            "print(seen, nb.cells[0].outputs[0]['text'].strip())\n")
        out = subprocess.run([sys.executable, "-W", "error::DeprecationWarning", str(script)],
                             capture_output=True, text=True, timeout=300, env=tool_env())
        assert out.returncode == 0, out.stderr[-3000:]
        assert out.stdout.split() == ["[(60,", "True)]", "42"]
