"""A chapter's printed output is never dropped because the machine is busy.

nbclient, which executes the chapters, waits only 4 s (its ``iopub_timeout``)
for each of a cell's outputs; on a loaded machine (the test suite builds the
book while it grades classes beside it) they can come later, and nbclient then
logs a warning and moves on, so the page silently misses what the cell printed.
Here the build waits up to a minute, and a cell whose output still has not come
fails the build instead of leaving a page without it.

myst-nb executes each chapter with jupyter-cache's ``single_nb_execution``,
whose extra keyword arguments go to nbclient's ``NotebookClient``; myst-nb
passes none, so this extension wraps the function to pass these two.
"""

import functools

from myst_nb.core.execute import cache

CLIENT_OPTIONS = {"iopub_timeout": 60, "raise_on_iopub_timeout": True}


def waiting_for_output(execute):
    """``execute`` (``single_nb_execution``) with :data:`CLIENT_OPTIONS` as defaults."""
    if getattr(execute, "waits_for_output", False):
        return execute

    @functools.wraps(execute)
    def wrapped(*args, **kwargs):
        return execute(*args, **{**CLIENT_OPTIONS, **kwargs})

    wrapped.waits_for_output = True
    return wrapped


def setup(app):
    cache.single_nb_execution = waiting_for_output(cache.single_nb_execution)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
