"""A command's details file: what the libraries it runs on say, kept off the user's screen.

``mlkit-check`` and ``mlkit-grade`` print their own lines only. What nbgrader,
nbconvert, traitlets, SQLAlchemy and Python's warnings log while they work,
and what the kernels they start write on their standard error (IPython's
start-up warnings, TensorFlow's), goes into one file the command names when
something failed::

    with Details(Path("course") / "mlkit-grade.log") as details:
        ...                                   # run the command
        if failed:
            print(details.pointer())          # "details: course/mlkit-grade.log"

Inside the block, Python's warnings are logged (:func:`logging.captureWarnings`)
and the loggers of :data:`THIRD_PARTY` write to the file only; a process the
command starts writes there through :attr:`Details.stream`. The file is
written anew by each run.
"""

import logging
from pathlib import Path

__all__ = ["THIRD_PARTY", "Details"]

# The loggers of the libraries the commands run on ("py.warnings": Python's warnings), and
# mlkit's, which record what those libraries said (nbgrader's log of a failed step).
THIRD_PARTY = ("py.warnings", "traitlets", "nbgrader", "nbconvert", "nbclient",
               "jupyter_client", "sqlalchemy", "alembic", "asyncio", "distributed", "tornado",
               "mlkit")

_FORMAT = "%(asctime)s %(name)s %(levelname)s: %(message)s"


class Details:
    """The details file of one run of a command, for the duration of a ``with`` block.

    Args:
        path: the file to write (made anew).

    Attributes:
        path: the file.
        stream: the file opened for appending (binary), for a process the
            command starts (its ``stdout`` and ``stderr``); None outside the block.

    Example:
        >>> import tempfile, warnings
        >>> path = Path(tempfile.mkdtemp()) / "tool.log"
        >>> with Details(path) as details, warnings.catch_warnings():
        ...     warnings.simplefilter("always")
        ...     warnings.warn("a library's warning")
        ...     logging.getLogger("nbgrader").error("a library's error")
        >>> text = path.read_text()
        >>> "UserWarning: a library's warning" in text, "nbgrader ERROR: a library's error" in text
        (True, True)
        >>> details.written(), details.pointer() == f"details: {path}"
        (True, True)
    """

    def __init__(self, path):
        self.path = Path(path)
        self.stream = None
        self._handler = None
        self._saved = {}

    def __enter__(self):
        self.path.write_bytes(b"")
        self.stream = self.path.open("ab", buffering=0)  # closed by __exit__
        self._handler = logging.FileHandler(self.path, mode="a", encoding="utf-8")
        self._handler.setFormatter(logging.Formatter(_FORMAT))
        for name in THIRD_PARTY:
            logger = logging.getLogger(name)
            self._saved[name] = (logger.handlers[:], logger.propagate, logger.level)
            logger.handlers, logger.propagate = [self._handler], False
            # warnings and errors of the libraries; mlkit's records of what they said
            logger.setLevel(logging.INFO if name == "mlkit" else logging.WARNING)
        logging.captureWarnings(True)
        return self

    def __exit__(self, *exc):
        logging.captureWarnings(False)
        for name, (handlers, propagate, level) in self._saved.items():
            logger = logging.getLogger(name)
            logger.handlers, logger.propagate = handlers, propagate
            logger.setLevel(level)
        self._saved = {}
        self._handler.close()
        self.stream.close()
        self.stream = None
        return False

    def pointer(self):
        """The line that names the file: ``details: <path>``."""
        return f"details: {self.path}"

    def written(self):
        """True when the file holds anything."""
        return self.path.is_file() and self.path.stat().st_size > 0

