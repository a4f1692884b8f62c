"""Tests of mlkit.grading.gradebook: nbgrader's gradebooks of a run share one engine."""

import pytest
from nbgrader.api import Gradebook

from mlkit.grading.gradebook import one_engine

pytestmark = pytest.mark.slow  # each new gradebook asks alembic for its version (a process)


@pytest.fixture
def url(tmp_path):
    """The URL of a new SQLite gradebook."""
    return f"sqlite:///{tmp_path / 'gradebook.db'}"


class TestOneEngine:
    def test_openings_share_the_engine_not_the_session(self, url):
        """Every gradebook of the run's database is on one engine, each with its own session."""
        with one_engine(url, "course") as engine, Gradebook(url, "course") as first, \
                Gradebook(url) as second:
            assert first.engine is engine and second.engine is engine
            assert first.db is not second.db

    def test_what_is_committed_stays_and_the_rest_is_rolled_back(self, url):
        """Closing a gradebook ends its session as nbgrader's close does."""
        with one_engine(url, "course"):
            with Gradebook(url, "course") as gradebook:
                gradebook.add_student("kept")
                gradebook.db.add(type(gradebook.find_student("kept"))(id="dropped"))
                gradebook.db.flush()
            with Gradebook(url, "course") as gradebook:
                assert [s.id for s in gradebook.students] == ["kept"]

    def test_the_schema_and_the_course_are_made_as_nbgrader_makes_them(self, url):
        """A new gradebook gets nbgrader's tables and the course's row."""
        with one_engine(url, "course"), Gradebook(url, "course") as gradebook:
            gradebook.add_assignment("activations")
        with Gradebook(url, "course") as gradebook:  # nbgrader's own, after the block
            assert [a.name for a in gradebook.assignments] == ["activations"]
            assert gradebook.engine is not None

    def test_other_databases_and_after_the_block_are_nbgraders(self, url, tmp_path):
        """A gradebook of another database, or opened after the block, has its own engine."""
        other = f"sqlite:///{tmp_path / 'other.db'}"
        with one_engine(url) as engine, Gradebook(other) as gradebook:
            assert gradebook.engine is not engine
        with Gradebook(url) as first, Gradebook(url) as second:
            assert first.engine is not second.engine

    def test_a_second_block_at_once_is_refused(self, url, tmp_path):
        """Two runs in one process cannot both hold the gradebook's class."""
        second = one_engine(f"sqlite:///{tmp_path / 'other.db'}")
        with one_engine(url), pytest.raises(RuntimeError, match="already open"), second:
            pass
