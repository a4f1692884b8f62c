"""``mlkit-grade``: the instructor's term routine in one command.

Run it in the course directory (the one with ``nbgrader_config.py``), or pass
``--course DIR``::

    mlkit-grade roster import students.csv      # nbgrader's roster CSV: id, first_name, ...
    mlkit-grade collect submissions.zip --assignment activations   # an LMS download
    mlkit-grade autograde                       # every new or changed submission
    mlkit-grade autograde activations --force   # one assignment, all again
    mlkit-grade autograde --scheduler tcp://10.0.0.5:8786   # on a Dask cluster's workers
    mlkit-grade feedback
    mlkit-grade export grades.csv
    mlkit-grade export canvas.csv --format canvas   # or moodle: the LMS's gradebook import
    mlkit-grade report report.html

Every step is nbgrader's own (``db student import``, ``zip_collect``,
``autograde``'s converter, ``generate_feedback``, ``export``); what this adds
is the sandboxed, parallel, resumable execution of :mod:`mlkit.grading.autograde`,
feedback that names the hidden checks without showing them
(:mod:`mlkit.grading.feedback`), and the class report of :mod:`mlkit.grading.report`.

The exit status is 0 only when every step succeeded and every submission was
graded; otherwise the tool says which submissions were not graded, and why.
The tool prints its own lines only: what nbgrader, SQLAlchemy and the other
libraries say goes to ``mlkit-grade.log`` in the course directory
(:mod:`mlkit.grading.details`), named on the last line when something failed.
"""

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from mlkit.grading.details import Details

__all__ = ["LOG", "main"]

# The tool's details file, in the course directory
LOG = "mlkit-grade.log"


def _nbgrader(args, *command, done):
    """Run an nbgrader command in the course, its output into the details; its exit status.

    ``done`` is the line printed when it succeeded.
    """
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    status = subprocess.run([sys.executable, "-m", "nbgrader", *command], cwd=args.course,
                            env=env, stdout=args.details.stream, stderr=args.details.stream,
                            check=False).returncode
    if status:
        print(f"error: nbgrader {command[0]} failed (exit status {status})", file=sys.stderr)
    else:
        print(done)
    return status


def _roster(args):
    path = Path(args.csv).resolve()
    if not path.is_file():
        print(f"error: roster file not found: {path}", file=sys.stderr)
        return 2
    header = path.read_text(encoding="utf-8-sig").splitlines()[:1]
    if not header or "id" not in [h.strip() for h in header[0].split(",")]:
        print(f"error: {path} must be a CSV file whose first line names the columns, with an "
              f"`id` column (and optionally first_name, last_name, email, lms_user_id). "
              f"Received first line: {header[0] if header else '(empty file)'!r}",
              file=sys.stderr)
        return 2
    return _nbgrader(args, "db", "student", "import", str(path),
                     done=f"students of {path.name} imported into the gradebook")


def _collect(args):
    source = Path(args.source).resolve()
    course = Path(args.course)
    if source.is_dir() and source.name != "submitted":
        print(f"error: {source} is a folder: give the LMS zip file, or put the folders in "
              f"{course / 'submitted'}/<student>/<assignment>/ (nbgrader's layout), which "
              "autograde reads directly.", file=sys.stderr)
        return 2
    if not source.is_file():
        print(f"error: no such file: {source}", file=sys.stderr)
        return 2
    archive = course / "downloaded" / args.assignment / "archive"
    archive.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, archive / source.name)
    return _nbgrader(args, "zip_collect", args.assignment, "--force",
                     done=f"{source.name} collected into submitted/ for {args.assignment}")


def _autograde(args):
    from mlkit.grading.autograde import AutogradeError, autograde
    from mlkit.grading.sandbox import protections

    sandbox = True
    scheduler = _scheduler(args)
    found = {"missing": []} if scheduler else protections()  # a worker checks its own
    if scheduler and args.unsandboxed:
        sandbox = False  # each worker uses bwrap where it works, and grades unconfined elsewhere
    if found["missing"]:
        print("Protections that are OFF on this machine:", file=sys.stderr)
        for line in found["missing"]:
            print(f"  - {line}", file=sys.stderr)
        if not args.unsandboxed:
            print("Refusing to run student code like this. Fix the above, or pass --unsandboxed "
                  "to accept the risk.", file=sys.stderr)
            return 3
        sandbox = found["sandbox"] is not None
    try:
        jobs = autograde(args.course, args.assignments or None, force=args.force,
                         workers=args.workers, sandbox=sandbox, scheduler=scheduler,
                         log=lambda line: print(line, file=sys.stderr))
    except AutogradeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 4
    counts = {}
    for job in jobs:
        counts[job.status] = counts.get(job.status, 0) + 1
    print(", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
          or "no submissions found under submitted/")
    _workers_summary(jobs)
    refused = [job for job in jobs if job.status == "refused"]
    if refused:
        print(f"{len(refused)} submission(s) refused, scored zero:", file=sys.stderr)
        for job in refused:
            print(f"  {job.student}/{job.assignment}: {job.notes[0]}", file=sys.stderr)
    failed = [job for job in jobs if job.status == "failed"]
    if failed:
        print(f"{len(failed)} submission(s) NOT graded:", file=sys.stderr)
        for job in failed:
            print(f"  {job.student}/{job.assignment}: {job.reason.splitlines()[-1]}",
                  file=sys.stderr)
        return 1
    return 0


def _scheduler(args):
    """The Dask scheduler to grade on: ``--scheduler``, else ``c.MlkitGrade.scheduler``, else None.

    ``--scheduler local`` grades on this machine whatever the configuration says.
    """
    if args.scheduler is not None:
        return None if args.scheduler in ("", "local") else args.scheduler
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(str(Path(args.course) / "nbgrader_config.py")).load_config()
    return config.MlkitGrade.get("scheduler") or None


def _workers_summary(jobs):
    """Name the Dask workers that graded, with how many submissions each (none: this machine)."""
    counts = {}
    for job in jobs:
        if job.worker:
            counts[job.worker] = counts.get(job.worker, 0) + 1
    if counts:
        print(f"graded on {len(counts)} Dask worker(s): " + ", ".join(
            f"{worker} ({count})" for worker, count in sorted(counts.items())))


def _feedback(args):
    from mlkit.grading.feedback import generate_feedback

    return generate_feedback(args.course, args.assignments or None,
                             log=lambda line: print(line, file=sys.stderr))


def _export(args):
    if args.format == "nbgrader":
        if args.assignment:
            print("error: --assignment needs --format canvas or moodle (nbgrader's export "
                  "writes every assignment)", file=sys.stderr)
            return 2
        target = Path(args.csv).resolve()
        return _nbgrader(args, "export", f"--to={target}", done=f"grades written to {target}")
    from mlkit.grading.lms import write_csv

    try:
        count = write_csv(args.course, Path(args.csv).resolve(), args.format,
                          args.assignment or None)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{count} students written to {args.csv} for {args.format}'s gradebook import")
    return 0


def _report(args):
    from mlkit.grading.report import write_report

    if not 0 < args.similarity <= 1 or (args.common is not None and args.common < 1):
        print(f"error: --similarity must be a share in (0, 1] (got {args.similarity}) and "
              f"--common a number of students, at least 1 (got {args.common})", file=sys.stderr)
        return 2
    path = write_report(args.course, Path(args.html).resolve(), threshold=args.similarity,
                        common=args.common)
    print(f"Class report written to {path}")
    return 0


def parser():
    """The argument parser of ``mlkit-grade``."""
    main_parser = argparse.ArgumentParser(
        prog="mlkit-grade", description="Autograde the course's assignments for a whole class.")
    main_parser.add_argument("--course", default=".", help="the course directory (default: .)")
    commands = main_parser.add_subparsers(dest="command", required=True)

    roster = commands.add_parser("roster", help="manage the class roster")
    roster_commands = roster.add_subparsers(dest="roster_command", required=True)
    roster_import = roster_commands.add_parser("import", help="import students from a CSV file")
    roster_import.add_argument("csv")
    roster_import.set_defaults(run=_roster)

    collect = commands.add_parser("collect", help="collect submissions from an LMS zip file")
    collect.add_argument("source", help="the zip file the LMS gave")
    collect.add_argument("--assignment", required=True)
    collect.set_defaults(run=_collect)

    grade = commands.add_parser("autograde", help="grade new or changed submissions")
    grade.add_argument("assignments", nargs="*", help="assignments to grade (default: all)")
    grade.add_argument("--force", action="store_true", help="grade again what is already graded")
    grade.add_argument("--workers", type=int, default=None,
                       help="parallel workers on this machine (default: the number of CPUs; "
                            "with --scheduler, the Dask workers' threads decide)")
    grade.add_argument("--unsandboxed", action="store_true",
                       help="run even where the sandbox or a limit is missing (unsafe)")
    grade.add_argument("--scheduler", metavar="ADDRESS", default=None,
                       help="grade on the workers of this Dask scheduler, e.g. "
                            "tcp://10.0.0.5:8786 (default: c.MlkitGrade.scheduler in "
                            "nbgrader_config.py, else this machine; `local`: this machine)")
    grade.set_defaults(run=_autograde)

    feedback = commands.add_parser("feedback", help="generate feedback for students")
    feedback.add_argument("assignments", nargs="*")
    feedback.set_defaults(run=_feedback)

    export = commands.add_parser("export", help="export grades to a CSV file")
    export.add_argument("csv", nargs="?", default="grades.csv")
    export.add_argument("--format", choices=["nbgrader", "canvas", "moodle"], default="nbgrader",
                        help="nbgrader's export (default), or the CSV that Canvas's or Moodle's "
                             "gradebook imports (late penalties applied)")
    export.add_argument("--assignment", action="append", default=[],
                        help="only this assignment (canvas, moodle; may be repeated)")
    export.set_defaults(run=_export)

    report = commands.add_parser("report", help="write the class report (HTML)")
    report.add_argument("html", nargs="?", default="report.html")
    report.add_argument("--similarity", type=float, default=0.2,
                        help="list pairs whose rare shared passages make this share of one "
                             "student's own code (default: 0.2)")
    report.add_argument("--common", type=int, default=None,
                        help="passages written alike by more students than this count for "
                             "nothing (default: 10 or 5%% of the class, the larger)")
    report.set_defaults(run=_report)
    return main_parser


def main(argv=None):
    """Entry point of ``mlkit-grade``; returns the exit status."""
    args = parser().parse_args(argv)
    course = Path(args.course)
    if not (course / "nbgrader_config.py").is_file():
        print(f"error: {course.resolve()} is not a course directory: it has no "
              "nbgrader_config.py (run in the course directory, or pass --course)",
              file=sys.stderr)
        return 2
    with Details(course / LOG) as args.details:
        status = args.run(args)
    if status and args.details.written():
        print(args.details.pointer(), file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
