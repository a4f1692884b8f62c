"""Autograde a whole class with nbgrader, in parallel, sandboxed and resumable.

nbgrader's own ``Autograde`` converter does the grading: it creates the
submission in the gradebook, restores the locked and test cells from the
source (hidden tests included), executes, saves the scores and writes
``autograded/``. The one step replaced is ``Execute``: :class:`PooledExecute`
takes the executed notebook from a :class:`~mlkit.grading.sandbox.Pool` of
sandboxed, pre-warmed workers, or from the workers of a Dask scheduler
(:mod:`mlkit.grading.distributed`, one task per submission). To keep every
worker busy, each submission is first *prepared* (nbgrader's sanitizing
preprocessors, which do not write to the gradebook) and sent to the pool ahead
of time; the converter then runs submission after submission in this process,
in the order their executions end, so that only one process ever writes to the
gradebook.

A submission counts as graded once a marker in its ``autograded/`` folder
records the fingerprint (the hash of its submitted files and of the source
assignment) that was graded; it is written only after nbgrader has committed
the scores. A run that is killed at any point leaves every submission either
marked, or to be graded again by the next run, which nbgrader's update of the
same gradebook rows makes safe: nothing is lost and nothing is counted twice.
A lock file refuses a second run on the same course at the same time.

Before grading, the assignments are put into the gradebook, or brought up to
date with ``solutions/``, by nbgrader's own ``generate_assignment``
(:mod:`mlkit.grading.assignments`). Submission folders are read without
following links (:mod:`mlkit.grading.submissions`): one holding anything but
regular files of its own is *refused*, scored zero with the reason, and never
read.
"""

import contextlib
import copy
import fcntl
import functools
import hashlib
import json
import logging
import os
import queue
import re
import threading
import time
import traceback
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

import jsonschema
import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps.api import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    NbGraderPreprocessor,
    OverwriteCells,
    OverwriteKernelspec,
)
from sqlalchemy.exc import SAWarning
from traitlets import Instance

from mlkit.grading import submissions, test_texts
from mlkit.grading.assignments import register, source_assignments, source_fingerprint
from mlkit.grading.course import course_config
from mlkit.grading.gradebook import one_engine
from mlkit.grading.repair import RepairRecords, RepairStructure
from mlkit.grading.sandbox import CHECKER_MODULES, STUDENT_MODULES, Pool, run_on
from mlkit.grading.sqlite import write_ahead_log

__all__ = [
    "AutogradeError",
    "CourseLockedError",
    "GradingRun",
    "Job",
    "LocalPool",
    "PooledExecute",
    "autograde",
    "autograde_config",
    "course_lock",
]

_log = logging.getLogger(__name__)

MARKER = ".mlkit-graded.json"
LOCK = ".mlkit-grade.lock"


class AutogradeError(RuntimeError):
    """A problem that stops a whole run (not one submission's failure)."""


class CourseLockedError(AutogradeError):
    """Another run is grading the same course."""


@contextlib.contextmanager
def course_lock(course):
    """Hold the course's lock file for the duration, or raise :class:`CourseLockedError`.

    The lock is an ``flock`` held by this process: the kernel releases it when
    the process ends, even by SIGKILL, so a crashed run never blocks the next.
    """
    path = Path(course) / LOCK
    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise CourseLockedError(
            f"Another autograde run ({holder}) is grading {course}; wait for it to finish. "
            "Two runs at once could corrupt the gradebook.") from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}")
    handle.flush()
    try:
        yield
    finally:
        handle.close()


@functools.cache
def _compiled_schema():
    """nbgrader's schema of cell metadata (its current version), compiled once."""
    schema = MetadataValidator().schema
    return jsonschema.validators.validator_for(schema)(schema)


class _CachedSchemaValidator(MetadataValidator):
    """nbgrader's metadata validator, with its JSON schema compiled once, not once per cell."""

    def validate_cell(self, cell):
        if "nbgrader" not in cell.metadata:
            return
        version = cell.metadata["nbgrader"].get("schema_version", 0)
        if version != self.schema_version:  # nbgrader's own errors for old or new versions
            return super().validate_cell(cell)
        _compiled_schema().validate(cell.metadata["nbgrader"])
        return None


class FastCheckCellMetadata(CheckCellMetadata):
    """nbgrader's ``CheckCellMetadata``, the same checks and messages, several times faster."""

    def preprocess(self, nb, resources):
        try:
            _CachedSchemaValidator().validate_nb(nb)
        except ValidationError:
            self.log.error(traceback.format_exc())
            message = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(message)
            raise ValidationError(message) from None
        return nb, resources


def _code_key(notebook):
    """A hash of what execution depends on: the code cells' sources and grading metadata."""
    digest = hashlib.sha256()
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            meta = cell.get("metadata", {}).get("nbgrader", {})
            digest.update(json.dumps([source, meta.get("grade"), meta.get("solution"),
                                      meta.get("locked")]).encode())
    return digest.hexdigest()


class GradingRun:
    """What the steps of one autograde run share: its pool, time limit, executions and repairs.

    :func:`autograde` makes one per run and hands it to nbgrader's converter
    through the configuration (``c.PooledExecute.run``, ``c.RepairStructure.records``);
    configuration copies its values, but a run is shared by its steps, never
    copied. Nothing of it outlives the run, and two runs share nothing.

    Args:
        pool: what executes the notebooks (:class:`LocalPool` or a Dask pool).
        timeout: each cell's time limit in seconds.
        release: the course's release folder, whose catalogues hold the test cells' texts
            (:mod:`mlkit.grading.test_texts`), or None.

    Example:
        >>> run = GradingRun(pool=None, timeout=5, release=None)
        >>> run.expect(("kim", "softmax", "softmax", "key"), "future")
        >>> run.take(("kim", "softmax", "softmax", "key")), run.take(("lee", "x", "x", "k"))
        ('future', None)
    """

    def __init__(self, pool, timeout, release):
        self.pool = pool
        self.timeout = timeout
        self.release = release
        self.repairs = RepairRecords()
        self._lock = threading.Lock()
        self._futures = {}  # (student, assignment, notebook, code key) -> Future

    def __deepcopy__(self, memo):
        return self

    def expect(self, key, future):
        """Remember the execution sent ahead for a notebook (its :func:`execution_key`)."""
        with self._lock:
            self._futures[key] = future

    def take(self, key):
        """The execution sent ahead for ``key``, or None; it is forgotten."""
        with self._lock:
            return self._futures.pop(key, None)


def execution_key(student, assignment, notebook, nb):
    """What identifies a notebook's execution: the submission, the notebook, what it runs."""
    return (student, assignment, notebook, _code_key(nb))


class PooledExecute(NbGraderPreprocessor):
    """nbgrader's ``Execute`` step, run on a sandboxed, pre-warmed worker of the run's pool.

    The records it leaves in the notebook are the grader's: each cell's checks
    (``mlkit`` in its metadata) and how the run ended (``mlkit.execution`` in the
    notebook's); what a submission held under those keys is dropped, as are its
    own translations of the test cells' texts (the checker had the course's).
    """

    run = Instance(GradingRun, help="The autograde run this step belongs to.").tag(config=True)

    def preprocess(self, nb, resources):
        names = resources.get("nbgrader", {})
        key = execution_key(names.get("student"), names.get("assignment"),
                            names.get("notebook"), nb)
        future = self.run.take(key)
        if future is None:  # not prepared ahead, or prepared differently: run it now
            executed = test_texts.attach(copy.deepcopy(nb), self.run.release,
                                         names.get("assignment"), names.get("notebook"))
            future = self.run.pool.grade([executed], timeout=self.run.timeout)[0]
        outputs, status, reason = future.result()
        for cell in nb.cells:  # what a cell's checks did is the checker's record, never the
            cell.metadata.pop("mlkit", None)  # submission's own
        nb.metadata.pop(test_texts.METADATA_KEY, None)  # the checker had the course's (attach)
        for cell, (cell_outputs, count, metadata) in zip(
                [c for c in nb.cells if c.cell_type == "code"], outputs, strict=True):
            cell.outputs = [nbformat.from_dict(o) for o in cell_outputs]
            cell.execution_count = count
            if metadata:  # the checker's results, as data (mlkit.grading.sandbox.execute)
                cell.metadata["mlkit"] = nbformat.from_dict(metadata)
        # How the run ended is the grader's record too; beside it, what the release put there
        # (its language).
        release = nb.metadata.get("mlkit")
        release = {key: value for key, value in release.items() if key != "execution"} \
            if isinstance(release, dict) else {}
        if status != "ok":  # graded on the cells that completed; the reason stays with the grade
            release["execution"] = {"status": status, "reason": reason}
        if release or "mlkit" in nb.metadata:
            nb.metadata["mlkit"] = nbformat.from_dict(release)
        return nb, resources


class LocalPool(Pool):
    """This machine's pool, with the interface of :class:`mlkit.grading.distributed.DaskPool`."""

    def grade(self, notebooks, *, timeout, job=None):
        """Queue each notebook; a ``Future`` of ``(cells, status, reason)`` for each."""
        copies = json.loads(json.dumps(notebooks))
        return [self.submit(functools.partial(run_on, notebook=copy, timeout=timeout))
                for copy in copies]

    def describe(self):
        """The workers grading, for the progress bar."""
        return f"{len(self.workers)} workers"


@dataclass
class Job:
    """One submission: a student's folder for one assignment."""

    assignment: str
    student: str
    fingerprint: str = ""
    status: str = "pending"  # pending, graded, refused, skipped, failed
    reason: str = ""
    worker: str = ""  # the Dask worker that ran it (empty on this machine)
    notes: list = field(default_factory=list)  # what a reader of the grade should know
    refused: list = field(default_factory=list)  # submissions.Refusal: why it scores zero


def _submitted(coursedir):
    return Path(coursedir.root) / coursedir.submitted_directory


def _fingerprint(coursedir, job, source):
    """A hash of the submission's regular files and of the assignment's source fingerprint.

    Nothing that is not a regular file of the student's own is read: a refused
    entry counts by what it is (its kind, a link's target), not by what it names.
    """
    base = _submitted(coursedir)
    folder = Path(coursedir.format_path(coursedir.submitted_directory, job.student,
                                        job.assignment))
    digest = hashlib.sha256(source.encode())
    files = []
    if not job.refused:
        files, job.refused = submissions.inspect(folder, base)
    for path in files:
        content = submissions.read_regular(path, base)
        if isinstance(content, submissions.Refusal):
            job.refused.append(content)
            continue
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + content + b"\0")
    for refusal in job.refused:
        digest.update(json.dumps(asdict(refusal), sort_keys=True).encode())
    return digest.hexdigest()


def _marker(coursedir, job):
    return Path(coursedir.format_path(coursedir.autograded_directory, job.student,
                                      job.assignment)) / MARKER


def _is_graded(coursedir, job):
    with contextlib.suppress(OSError, ValueError):
        return json.loads(_marker(coursedir, job).read_text())["fingerprint"] == job.fingerprint
    return False


def _write_marker(coursedir, job):
    marker = _marker(coursedir, job)
    marker.parent.mkdir(parents=True, exist_ok=True)
    temporary = marker.with_suffix(".tmp")
    temporary.write_text(json.dumps({"fingerprint": job.fingerprint, "notes": job.notes,
                                     "refused": [asdict(r) for r in job.refused],
                                     "graded_at": time.strftime("%Y-%m-%dT%H:%M:%S")}))
    os.replace(temporary, marker)


def _prepare(coursedir, job, path):
    """The notebook as nbgrader will execute it: its sanitizing preprocessors, no writes."""
    notebook = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    resources = {"nbgrader": {"db_url": coursedir.db_url, "assignment": job.assignment,
                              "notebook": path.stem, "student": job.student,
                              "course_id": coursedir.course_id}}
    for step in (RepairStructure, ClearOutput, DeduplicateIds, OverwriteKernelspec,
                 OverwriteCells, FastCheckCellMetadata):
        notebook, resources = step(config=coursedir.config).preprocess(notebook, resources)
    return test_texts.attach(notebook, _release_dir(coursedir), job.assignment, path.stem)


def _release_dir(coursedir):
    return Path(coursedir.root) / coursedir.release_directory


def modules_for(coursedir, assignments):
    """The modules worth importing in the workers: TensorFlow only if an assignment uses it.

    Returns:
        ``(student_modules, checker_modules)``: what the sandboxed zygote and
        the checker zygote import before the first submission.
    """
    student, checker = list(STUDENT_MODULES), list(CHECKER_MODULES)
    for assignment in assignments:
        folder = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
        text = " ".join(p.read_text(errors="replace") for p in folder.glob("*.ipynb"))
        if ("import tensorflow" in text or "import keras" in text) and "tensorflow" not in student:
            student.append("tensorflow")
            checker += ["tensorflow", "mlkit.tensorflow"]
    return student, checker


def find_jobs(coursedir, assignments=None):
    """Every submission under ``submitted/``, optionally of the given assignments only.

    No link is followed. A student's folder that is a link is a refused
    submission of every assignment asked for (of every assignment of the
    course, when none is named); an assignment's folder that is a link is a
    refused submission of that assignment.
    """
    submitted = _submitted(coursedir)
    jobs = []
    for student in submissions.entries(submitted):
        if student.is_symlink():
            refusal = submissions.refusal(student.path, submitted)
            jobs += [Job(assignment, student.name, refused=[refusal])
                     for assignment in sorted(assignments or source_assignments(coursedir))]
            continue
        if not student.is_dir(follow_symlinks=False):
            continue
        for folder in submissions.entries(student.path):
            if assignments is not None and folder.name not in assignments:
                continue
            if folder.is_symlink():
                jobs.append(Job(folder.name, student.name,
                                refused=[submissions.refusal(folder.path, submitted)]))
            elif folder.is_dir(follow_symlinks=False):
                jobs.append(Job(folder.name, student.name))
    return jobs


def autograde_config(course):
    """The course's nbgrader config, with Execute replaced by :class:`PooledExecute`.

    :func:`autograde` adds its run (``c.PooledExecute.run``) before grading.
    """
    config = course_config(course)
    from nbgrader.converters import Autograde

    swap = {"Execute": PooledExecute, "CheckCellMetadata": FastCheckCellMetadata}
    for name in ("sanitize_preprocessors", "autograde_preprocessors"):
        steps = Autograde.class_traits()[name].default()
        config.Autograde[name] = [swap.get(step.__name__, step) for step in steps]
    config.Autograde.sanitize_preprocessors = [RepairStructure,
                                               *config.Autograde.sanitize_preprocessors]
    return config


def autograde(course, assignments=None, *, force=False, workers=None, sandbox=True,
              progress=True, log=print, scheduler=None):
    """Autograde every new or changed submission of ``course``.

    Args:
        course: the course directory (holding ``nbgrader_config.py``, ``submitted/``).
        assignments: names of assignments to grade, or None for all.
        force: grade again even what is already graded.
        workers: the number of parallel workers (default: the number of CPUs).
        sandbox: run submissions in bubblewrap (False: unconfined).
        progress: show a progress bar with the time left.
        log: where to write one line per problem.
        scheduler: the address of a Dask scheduler whose workers execute the
            submissions (:mod:`mlkit.grading.distributed`; ``workers`` is then
            theirs to decide), or None to execute them on this machine.

    Returns:
        list of :class:`Job` with their final status.
    """
    config = autograde_config(course)
    coursedir = CourseDirectory(config=config)
    with course_lock(course), write_ahead_log(), one_engine(coursedir.db_url, coursedir.course_id):
        jobs = find_jobs(coursedir, assignments)
        todo = _set_up(coursedir, config, jobs, force=force, log=log)
        for job in [job for job in todo if job.refused]:
            _refuse(coursedir, job)
            for note in job.notes:
                log(f"{job.student}/{job.assignment}: REFUSED: {note}")
        todo = [job for job in todo if not job.refused]
        if not todo:
            return jobs
        timeout = config.Execute.get("timeout", 120) or 120
        modules, checker_modules = modules_for(coursedir, {job.assignment for job in todo})
        with _pool(scheduler, workers, modules, checker_modules, sandbox, log) as pool:
            run = GradingRun(pool, timeout, _release_dir(coursedir))
            config.PooledExecute.run = run
            config.RepairStructure.records = run.repairs
            api = NbGraderAPI(coursedir=coursedir, config=config)
            executed = queue.Queue()  # jobs in the order their executions end
            feeder = threading.Thread(target=_feed, args=(run, coursedir, todo, executed),
                                      daemon=True)
            feeder.start()
            bar = None
            if progress:
                from tqdm import tqdm

                bar = tqdm(total=len(todo), unit="submission", desc="autograde",
                           postfix=pool.describe())
            try:
                for _ in todo:
                    job = executed.get()
                    _grade(api, coursedir, job, run.repairs)
                    if job.status == "failed":
                        log(f"{job.student}/{job.assignment}: NOT GRADED: {job.reason}")
                    for note in job.notes:
                        log(f"{job.student}/{job.assignment}: {note}")
                    if bar is not None:
                        if scheduler and bar.n % 10 == 0:
                            bar.set_postfix_str(pool.describe(), refresh=False)
                        bar.update()
            finally:
                if bar is not None:
                    bar.close()
    return jobs


def _pool(scheduler, workers, modules, checker_modules, sandbox, log):
    """The pool that executes the notebooks: this machine's, or a Dask scheduler's workers."""
    if scheduler:
        from mlkit.grading.distributed import DaskPool, SchedulerError

        try:
            return DaskPool(scheduler, modules=modules, checker_modules=checker_modules,
                            sandbox=sandbox, log=log)
        except SchedulerError as error:
            raise AutogradeError(str(error)) from None
    return LocalPool(workers, modules=modules, checker_modules=checker_modules, sandbox=sandbox)


def _set_up(coursedir, config, jobs, *, force, log):
    """Record the jobs' assignments in the gradebook, fingerprint the jobs; those to grade.

    A job whose assignment is not in ``solutions/``, or could not be recorded,
    fails with the reason; one whose assignment had to be added to the
    gradebook (a new gradebook) is graded again whatever its marker says.
    """
    registered = register(coursedir, config, {job.assignment for job in jobs})
    sources = {}
    for job in jobs:
        registration = registered[job.assignment]
        if registration.status in ("unknown", "failed"):
            job.status, job.reason = "failed", registration.reason
            continue
        if job.assignment not in sources:
            sources[job.assignment] = source_fingerprint(coursedir, job.assignment)
        job.fingerprint = _fingerprint(coursedir, job, sources[job.assignment])
        if not force and registration.status != "added" and _is_graded(coursedir, job):
            job.status = "skipped"
    for registration in registered.values():
        if registration.status in ("added", "updated"):
            log(f"{registration.assignment}: recorded in the gradebook from "
                f"{coursedir.source_directory}/{registration.assignment}/ "
                f"({registration.status})")
    return [job for job in jobs if job.status == "pending"]


def _refuse(coursedir, job):
    """Score a refused submission zero, as nbgrader scores a missing notebook, with the reason.

    Nothing in the student's folder is read: the submission is made from the
    gradebook's record of the assignment, every grade zero.
    """
    with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        gradebook.update_or_create_student(job.student)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook, \
            warnings.catch_warnings():
        # nbgrader's add_submission (the call its own autograde makes) warns under
        # SQLAlchemy 2 that an object is not in the session yet; the rows are written
        warnings.simplefilter("ignore", SAWarning)
        submission = gradebook.update_or_create_submission(job.assignment, job.student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.auto_score = 0
                grade.needs_manual_grade = False
        gradebook.db.commit()
    job.notes = [refusal.sentence() for refusal in job.refused]
    _write_marker(coursedir, job)
    job.status = "refused"


def _feed(run, coursedir, jobs, executed):
    """Prepare each submission's notebooks and send them to the pool, ahead of the converter.

    Each job is put in ``executed`` once all its notebooks have run (at once
    when none could be sent: the converter then meets the problem itself).
    """
    for job in jobs:
        folder = Path(coursedir.format_path(coursedir.submitted_directory, job.student,
                                            job.assignment))
        prepared = {}
        for path in sorted(folder.glob("*.ipynb")):
            try:
                prepared[path.stem] = _prepare(coursedir, job, path)
            except Exception:  # the converter meets the same problem, and reports it
                continue
        futures = []
        with contextlib.suppress(Exception):  # the converter's own try meets it, and reports it
            futures = run.pool.grade(list(prepared.values()), timeout=run.timeout, job=job) \
                if prepared else []
        for (name, notebook), future in zip(prepared.items(), futures, strict=True):
            run.expect(execution_key(job.student, job.assignment, name, notebook), future)
        _when_all_done(futures, functools.partial(executed.put, job))


def _when_all_done(futures, callback):
    """Call ``callback()`` once every future is done (at once when there is none)."""
    left = [len(futures)]
    lock = threading.Lock()

    def one_done(_future):
        with lock:
            left[0] -= 1
            last = left[0] == 0
        if last:
            callback()

    if not futures:
        callback()
    for future in futures:
        future.add_done_callback(one_done)


def _execution_notes(coursedir, job):
    """A note for each graded notebook whose run ended early, with the reason."""
    folder = Path(coursedir.format_path(coursedir.autograded_directory, job.student,
                                        job.assignment))
    notes = []
    for path in sorted(folder.glob("*.ipynb")):
        with contextlib.suppress(OSError, ValueError):
            execution = json.loads(path.read_text()).get("metadata", {}).get(
                "mlkit", {}).get("execution")
            if execution and execution.get("status") != "ok":
                notes.append(f"{path.name}: graded on the cells that completed, because "
                              f"{execution.get('reason')}.")
    return notes


def _failure_reason(result):
    """What stopped nbgrader's converter, in one sentence: the exception it ended with.

    nbgrader's log says "Please see the above traceback for details", and ends
    with its own ``NbGraderException`` saying so; the last other exception of
    the traceback (its name and message) is the cause.
    """
    for text in (result.get("error") or "", result.get("log") or ""):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        causes = [line for line in lines if re.match(r"^[\w.]*(Error|Exception)\b.*:", line)
                  and not line.startswith("nbgrader.converters.base.NbGraderException")]
        if causes:
            return causes[-1][:1000]
    return "nbgrader's autograde failed without saying why (its log is in the details)"


def _unreadable(coursedir, job):
    """The submitted notebooks that are not notebooks at all: name -> why."""
    folder = Path(coursedir.format_path(coursedir.submitted_directory, job.student,
                                        job.assignment))
    problems = {}
    for path in sorted(folder.glob("*.ipynb")):
        try:
            notebook = nbformat.read(path, as_version=nbformat.NO_CONVERT)
            if not isinstance(notebook.get("cells"), list):
                raise ValueError("it has no list of cells")
        except Exception as error:  # any reason a file is not a notebook
            text = str(error).splitlines()[0] if str(error) else type(error).__name__
            problems[path.stem] = ("empty file" if path.stat().st_size == 0
                                   else f"not a readable notebook ({text[:200]})")
    return problems


def _zero(coursedir, job, problems):
    """Grade unreadable notebooks zero, as nbgrader grades a missing one, and keep the reason."""
    with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        for name in problems:
            try:
                submission = gradebook.find_submission_notebook(name, job.assignment, job.student)
            except MissingEntry:
                continue
            for grade in submission.grades:
                grade.auto_score = 0
                grade.needs_manual_grade = False
        gradebook.db.commit()
    folder = Path(coursedir.format_path(coursedir.autograded_directory, job.student,
                                        job.assignment))
    folder.mkdir(parents=True, exist_ok=True)
    job.notes = [f"{name}.ipynb: {why}: graded zero (the file is kept in submitted/)."
                 for name, why in problems.items()]


def _grade(api, coursedir, job, repairs):
    """Run nbgrader's autograde converter on one submission; mark it graded if it worked.

    ``repairs`` is the run's :class:`~mlkit.grading.repair.RepairRecords`: the
    submission's repairs become its notes.
    """
    result = api.autograde(job.assignment, job.student, force=True, create=True)
    job.notes = [f"{notebook}.ipynb: {each.sentence}"
                 for notebook, each in repairs.take(job.student, job.assignment)]
    if result.get("success"):
        job.notes += _execution_notes(coursedir, job)
        _write_marker(coursedir, job)
        job.status = "graded"
        return
    problems = _unreadable(coursedir, job)
    if problems:
        _zero(coursedir, job, problems)
        _write_marker(coursedir, job)
        job.status = "graded"
        return
    job.status = "failed"
    job.reason = _failure_reason(result)
    _log.info("nbgrader's log of %s/%s:\n%s%s", job.student, job.assignment,
              result.get("log", ""), result.get("error", ""))
