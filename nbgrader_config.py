"""nbgrader configuration of the course (the course directory is the repository root).

- ``solutions/<assignment>/``: the source notebooks, with solutions and hidden tests;
- ``exercises/<assignment>/``: what ``nbgrader generate_assignment`` releases to students;
- ``submitted/``, ``autograded/``, ``feedback/`` and ``gradebook.db``: nbgrader's
  working folders, never committed.
"""

c = get_config()  # noqa: F821  (provided by nbgrader when it reads this file)

c.CourseDirectory.course_id = "foundations-of-deep-learning"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"

# Every assignment runs top to bottom in a fresh kernel; no cell may take longer.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True

# Releasing: nbgrader's steps, plus a note in each test cell of how many hidden checks it
# holds (counted from the source at every release) and a record of the released cells
# for the pre-submit check (`mlkit-check`). See mlkit/grading/release.py.
from nbgrader.preprocessors import (  # noqa: E402
    CheckCellMetadata,
    ClearHiddenTests,
    ClearMarkScheme,
    ClearOutput,
    ClearSolutions,
    ComputeChecksums,
    IncludeHeaderFooter,
    InstantiateTests,
    LockCells,
    SaveCells,
)

from mlkit.grading.release import AnnounceHiddenChecks, RecordRelease  # noqa: E402

c.GenerateAssignment.preprocessors = [
    IncludeHeaderFooter, InstantiateTests, LockCells, ClearSolutions, ClearOutput,
    CheckCellMetadata, ComputeChecksums, SaveCells,
    AnnounceHiddenChecks,  # after SaveCells: the gradebook keeps the cell without the note
    ClearHiddenTests, ClearMarkScheme, ComputeChecksums, CheckCellMetadata,
    RecordRelease,
]

# Collecting an LMS zip (`mlkit-grade collect`, nbgrader's zip_collect): the files in the
# archive are named <student id>_<notebook>.ipynb, e.g. kim01_activations.ipynb, in any
# folder of it. Change this to the way your LMS names what it exports.
c.FileNameCollectorPlugin.named_regexp = (
    r"^(?:.*/)?(?P<student_id>[A-Za-z0-9.-]+)_(?P<file_id>[^/]+\.ipynb)$")

# Manual grading (nbgrader's formgrader): under each graded test cell, the checker's results
# (every named check, visible and hidden, passed or failed, with the likely mistake and its
# book section), for the TA only. See mlkit/grading/formgrade.py.
c.HTMLExporter.preprocessors = ["mlkit.grading.formgrade.ShowCheckResults"]
