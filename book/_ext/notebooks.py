"""Write each chapter's notebook, ``book/<chapter>.ipynb``, from ``book/<chapter>.md``.

Colab opens notebooks from the repository, and only ``.ipynb`` files, so the
chapters' Colab and Binder buttons need these files committed beside the
chapters. They are generated, never edited: the MyST ``.md`` is the chapter.
Each notebook starts with one added cell that installs mlkit from the book's
repository (``repository.url`` in ``_config.yml``), with the extras the
chapter's imports need, when it is missing, as on Colab: the assignments'
set-up cell too (:mod:`mlkit.grading.setup_cell`). A chapter's cell
``from myst_nb import glue`` (the book puts computed numbers into its text
with MyST-NB's ``glue``) becomes a fallback that works without MyST-NB, which
Colab does not have. The book itself skips these
files (``exclude_patterns``) and offers the executed notebook, with its
outputs, from each chapter's download button.

Usage, from the repository root (``./dev.sh notebooks`` runs the first)::

    python book/_ext/notebooks.py           # write every chapter's notebook
    python book/_ext/notebooks.py --check   # exit 1 if one is missing or out of date
"""

import argparse
import sys
from pathlib import Path

import jupytext
import nbformat
import yaml

from mlkit.grading import setup_cell

ROOT = Path(__file__).resolve().parents[2]

GLUE_IMPORT = "from myst_nb import glue"

GLUE_FALLBACK = '''\
# The book puts the values passed to glue() into its text (MyST-NB's glue).
# Without MyST-NB, as on Colab, glue() shows the value, or nothing when display=False.
try:
    from myst_nb import glue
except ImportError:
    def glue(name, value, display=True):
        """Stand-in for myst_nb.glue: display `value` unless `display` is False."""
        if display:
            from IPython.display import display as show

            show(value)'''


def repository(root=ROOT):
    """``(url, branch)`` of the book's repository, from ``_config.yml``."""
    return setup_cell.repository(root)


def chapter_sources(root=ROOT):
    """The chapters of ``_toc.yml`` that are notebooks (MyST files with a kernelspec)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    docs = [toc["root"]] + [chapter["file"] for part in toc.get("parts", [])
                            for chapter in part["chapters"]]
    sources = [root / f"{doc}.md" for doc in docs]
    return [path for path in sources if path.is_file()
            and "kernelspec:" in path.read_text(encoding="utf-8").split("\n---", 1)[0]]


def notebook_text(source, root=ROOT):
    """The ``.ipynb`` text of one chapter: its cells, after the setup cell, with glue's fallback."""
    url, branch = repository(root)
    notebook = jupytext.read(source)
    notebook.metadata.pop("jupytext", None)
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.strip() == GLUE_IMPORT:
            cell.source = GLUE_FALLBACK
    source = setup_cell.cell_source(url, branch, setup_cell.extras(notebook))
    notebook.cells.insert(0, nbformat.v4.new_code_cell(source))
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number}"  # nbformat draws random ids; the files must not change
    return jupytext.writes(notebook, fmt="ipynb")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="only check that every notebook is up to date")
    args = parser.parse_args(argv)
    stale = []
    for source in chapter_sources():
        target = source.with_suffix(".ipynb")
        text = notebook_text(source)
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current == text:
            continue
        stale.append(target.relative_to(ROOT))
        if not args.check:
            target.write_text(text, encoding="utf-8")
    return setup_cell.report(stale, args.check, "./dev.sh notebooks")


if __name__ == "__main__":
    sys.exit(main())
