"""Keep the outputs in the notebooks the chapters' download buttons offer.

myst-nb writes each chapter's notebook to ``_build/jupyter_execute/``, from
where the theme's download button copies it. When a chapter comes from the
execution cache instead of running (any rebuild that reads it again without a
change to its code), myst-nb 1.4 writes the notebook it read, without the
outputs it took from the cache. After such a read, this puts the cached
outputs back, so that a download always holds what the page shows.
"""

from pathlib import Path

import nbformat
from jupyter_cache import get_cache


def _restore_outputs(app, doctree):
    config = getattr(app.env, "mystnb_config", None)
    if config is None or config.execution_mode != "cache":
        return
    path = Path(app.outdir).parent / "jupyter_execute" / f"{app.env.docname}.ipynb"
    if not path.is_file():
        return
    notebook = nbformat.read(path, as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    if not code_cells or any(cell.get("outputs") for cell in code_cells):
        return  # not a notebook, or executed by this build: its outputs are there
    cache = get_cache(config.execution_cache_path
                      or Path(app.outdir).parent.joinpath(".jupyter_cache").resolve())
    try:
        _, merged = cache.merge_match_into_notebook(notebook)
    except KeyError:  # no cached run of this code (e.g. execution turned off)
        return
    nbformat.write(merged, path)


def setup(app):
    app.connect("doctree-read", _restore_outputs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
