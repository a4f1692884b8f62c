"""A list that the code running in a block appends to, found through a context variable."""

import contextlib


@contextlib.contextmanager
def collecting(variable):
    """Give ``variable`` a new list as its value in the block, and yield that list.

    Code that runs in the block (in this thread or task) appends to
    ``variable.get()``; nested blocks each collect their own.

    Example:
        >>> import contextvars
        >>> found = contextvars.ContextVar("found", default=None)
        >>> with collecting(found) as items:
        ...     found.get().append(1)
        >>> items, found.get()
        ([1], None)
    """
    items = []
    token = variable.set(items)
    try:
        yield items
    finally:
        variable.reset(token)
