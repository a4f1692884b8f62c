"""One database engine for every gradebook nbgrader opens while a class is graded.

nbgrader's autograde converter and its preprocessors open the gradebook about
ten times per submission (``with Gradebook(db_url) as gb:`` in
``Autograde.init_assignment``, ``OverwriteCells``, ``SaveAutoGrades``,
``AssignLatePenalties``...), and every :class:`nbgrader.api.Gradebook` makes a
new SQLAlchemy engine: a new connection, a query per table to read the schema,
``CREATE TABLE IF NOT EXISTS`` for the missing ones, the course's row checked,
and every later query compiled again for the new engine. Measured on the
activations assignment, that is 165 of the 283 queries a submission cost, and
more than half of the converter's time (183 ms of CPU per submission, 76 ms
with one engine).

Inside :func:`one_engine`, a ``Gradebook`` of the run's database opens on one
engine made for the run, whose schema was checked once when the block began:
each opening still gets its own session, and closing it ends that session
(rolling back what nbgrader did not commit) as closing a gradebook does. The
engine keeps its connection and its compiled queries for the next opening.
Gradebooks of other databases are nbgrader's, unchanged.

Example:
    >>> import os, tempfile
    >>> url = f"sqlite:///{os.path.join(tempfile.mkdtemp(), 'gradebook.db')}"
    >>> with one_engine(url):
    ...     with Gradebook(url) as first, Gradebook(url) as second:
    ...         first.engine is second.engine, first.db is second.db
    (True, False)
"""

import contextlib
import threading

from nbgrader.api import Gradebook
from sqlalchemy import create_engine
from sqlalchemy.orm import scoped_session, sessionmaker

__all__ = ["one_engine"]

_lock = threading.Lock()


@contextlib.contextmanager
def one_engine(db_url, course_id="default_course"):
    """In the block, every ``nbgrader.api.Gradebook(db_url, ...)`` opens on one engine.

    The gradebook's tables are created first if missing (by nbgrader, as the
    first ``Gradebook`` of a new database does), and each course id is checked
    (its row added if missing) the first time it is opened in the block.

    Args:
        db_url: the gradebook's SQLAlchemy URL (``CourseDirectory.db_url``).
        course_id: the course's id (``CourseDirectory.course_id``).

    Raises:
        RuntimeError: a block of :func:`one_engine` is already open in this process.
    """
    Gradebook(db_url, course_id).close()  # nbgrader's own: the schema and its version, if missing
    engine = create_engine(db_url, echo=False, future=True)
    checked = set()
    original_init, original_close = Gradebook.__init__, Gradebook.close

    def init(self, url, course_id="default_course", authenticator=None):
        if url != db_url:
            original_init(self, url, course_id, authenticator)
            return
        self.engine = engine
        self.db = scoped_session(sessionmaker(autoflush=True, bind=engine, future=True))
        self.course_id, self.authenticator = course_id, authenticator
        if course_id not in checked:
            self.check_course(course_id=course_id)
            checked.add(course_id)

    def close(self):
        if self.engine is engine:
            self.db.remove()  # the session ends; the engine stays for the next gradebook
        else:
            original_close(self)

    with _lock:
        if getattr(Gradebook.__init__, "_one_engine", False):
            raise RuntimeError("one_engine: a block is already open in this process")
        init._one_engine = True
        Gradebook.__init__, Gradebook.close = init, close
    try:
        yield engine
    finally:
        with _lock:
            Gradebook.__init__, Gradebook.close = original_init, original_close
        engine.dispose()
