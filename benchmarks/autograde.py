"""Autograding throughput: stock ``nbgrader autograde`` against ``mlkit-grade autograde``.

Both grade the same class (every student submits the reference solution of
the assignment) in two copies of one throw-away course, in one run, and the
script prints seconds per submission and the ratio. Run it on an otherwise idle
machine::

    python benchmarks/autograde.py       # activations (NumPy), matrix_notation (TensorFlow)
    python benchmarks/autograde.py --assignments keras_mlp --students 20

The mlkit-grade time includes starting its sandboxed workers. It is measured
with the default number of workers (one per CPU), for the speed-up, and with
one worker on the whole class and on one submission: the difference is the
cost of each further submission (``1 worker``), the one-submission run less
that cost is the start (importing, starting the workers, recording the
assignment). Each further submission is compared with the **floor**: the same
notebooks (reference answers and every test, hidden ones included) run one
after the other in one interpreter that has already imported everything, with
no sandbox, no checker and no nbgrader, as an IPython kernel would run them.
The floor is what any grader approaches; ``overhead`` is what grading adds to
each submission (sandbox, checker, channel, nbgrader's pre- and
post-processing, gradebook writes).

``--converter`` measures instead, in this process, what nbgrader's converter
costs per submission in mlkit-grade's own process (the serial part of a run):
the CPU time of the thread that runs it (steadier than wall-clock times on a
shared machine), and the gradebook's queries and commits. The class is graded
once untimed (the assignment recorded, the imports done), then again with
``--force``, measured; one worker executes the notebooks.

    python benchmarks/autograde.py --converter --assignments activations
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402

from mlkit.grading import notebooks  # noqa: E402


def _env():
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


def make_course(course, assignment, students):
    """A course with ``assignment`` released and ``students`` reference submissions."""
    course.mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(ROOT / "solutions" / assignment, course / "solutions" / assignment)
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment,
                    "--force"], cwd=course, env=_env(), check=True, capture_output=True)
    for path in notebooks.assignment_notebooks(ROOT / "exercises" / assignment):
        release = notebooks.read(path)
        answers = notebooks.reference_answers(
            notebooks.read(ROOT / "solutions" / assignment / path.name))
        for i in range(students):
            notebooks.write(notebooks.make_submission(release, answers),
                            course / "submitted" / f"student{i:03d}" / assignment / path.name)


def timed(command, cwd):
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=_env(), capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed


def floor(assignment, students):
    """Seconds per submission of running the graded notebooks in a started interpreter.

    Each submission gets a fresh namespace; one untimed run first warms up the
    libraries' lazy imports and caches.
    """
    from mlkit.grading.runner import Runner

    sources = [notebooks.read(path) for path in
               notebooks.assignment_notebooks(ROOT / "solutions" / assignment)]
    runner = Runner()
    runner.configure(timeout=600, max_output_bytes=10**7)

    def run_all():
        for source in sources:
            runner.shell.reset(new_session=False)
            notebook = json.loads(nbformat.writes(source))
            runner.run(notebook)
            errors = [o for c in notebook["cells"] if c["cell_type"] == "code"
                      for o in c["outputs"] if o["output_type"] == "error"]
            if errors:
                sys.exit(f"the reference of {assignment} failed: {errors[0]['evalue']}")

    run_all()
    start = time.perf_counter()
    for _ in range(students):
        run_all()
    return (time.perf_counter() - start) / students


def timed_floor(assignment, students):
    """:func:`floor`, in a process of its own (as a grader's worker would be)."""
    result = subprocess.run([sys.executable, __file__, "--floor", assignment,
                             "--students", str(students)], env=_env(), capture_output=True,
                            text=True, cwd=ROOT)
    if result.returncode != 0:
        sys.exit(f"the floor of {assignment} failed:\n{result.stderr[-3000:]}")
    return float(result.stdout.split()[-1])


def converter_cost(assignment, students):
    """The converter's CPU ms per submission (median, least); queries and commits per submission."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.exc import SAWarning

    from mlkit.grading import autograde

    warnings.simplefilter("ignore", SAWarning)  # nbgrader's, under SQLAlchemy 2
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        make_course(course, assignment, students)
        quiet = {"workers": 1, "progress": False, "log": lambda line: None}
        autograde.autograde(course, [assignment], **quiet)
        counts = {"query": 0, "commit": 0}

        def count(kind):
            def listener(*args, **kwargs):
                counts[kind] += 1
            return listener

        cpu, grade = [], autograde._grade

        def timed_grade(*args):
            start = time.thread_time()
            grade(*args)
            cpu.append(time.thread_time() - start)

        listeners = [("before_cursor_execute", count("query")), ("commit", count("commit"))]
        for name, listener in listeners:
            event.listen(Engine, name, listener)
        autograde._grade = timed_grade
        try:
            jobs = autograde.autograde(course, [assignment], force=True, **quiet)
        finally:
            autograde._grade = grade
            for name, listener in listeners:
                event.remove(Engine, name, listener)
        if any(job.status != "graded" for job in jobs):
            sys.exit(f"{assignment}: not every submission was graded: "
                     f"{[(job.student, job.status, job.reason) for job in jobs]}")
    cpu.sort()
    return (1000 * cpu[len(cpu) // 2], 1000 * cpu[0], counts["query"] / students,
            counts["commit"] / students)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--floor", metavar="ASSIGNMENT", help=argparse.SUPPRESS)
    parser.add_argument("--assignments", nargs="+", default=["activations", "matrix_notation"])
    parser.add_argument("--students", type=int, default=12)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--converter", action="store_true",
                        help="measure the converter's CPU time and gradebook queries instead")
    args = parser.parse_args()
    if args.students < 2:
        parser.error(f"--students must be at least 2 (the cost of each further submission is "
                     f"measured). Received: --students {args.students}")
    if args.floor:
        print(floor(args.floor, args.students))
        return
    if args.converter:
        print(f"{'assignment':18s} {'CPU ms/sub':>11s} {'min':>6s} {'queries/sub':>12s} "
              f"{'commits/sub':>12s}")
        for assignment in args.assignments:
            median, least, queries, commits = converter_cost(assignment, args.students)
            print(f"{assignment:18s} {median:11.0f} {least:6.0f} {queries:12.0f} {commits:12.0f}")
        return
    print(f"{os.cpu_count()} CPUs; {args.students} submissions per assignment")
    print(f"{'assignment':18s} {'stock s/sub':>12s} {'mlkit s/sub':>12s} {'speed-up':>9s} "
          f"{'start s':>8s} {'1 worker':>9s} {'floor':>7s} {'overhead':>9s}")
    for assignment in args.assignments:
        if not (ROOT / "solutions" / assignment).is_dir():
            print(f"{assignment:18s} (no such assignment)")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            base = Path(tmp) / "base"
            make_course(base, assignment, args.students)
            stock, ours, single = (Path(tmp) / name for name in ("stock", "ours", "single"))
            for course in (stock, ours, single):
                shutil.copytree(base, course)
            alone = Path(tmp) / "alone"
            make_course(alone, assignment, 1)
            stock_time = timed([sys.executable, "-m", "nbgrader", "autograde", assignment], stock)
            workers = ["--workers", str(args.workers)] if args.workers else []
            ours_time = timed([sys.executable, "-m", "mlkit.grading.cli", "autograde",
                               assignment, *workers], ours)
            one_worker = [sys.executable, "-m", "mlkit.grading.cli", "autograde", assignment,
                          "--workers", "1"]
            class_time = timed(one_worker, single)
            alone_time = timed(one_worker, alone)
            floor_time = timed_floor(assignment, args.students)
        further = (class_time - alone_time) / (args.students - 1)
        print(f"{assignment:18s} {stock_time / args.students:12.2f} "
              f"{ours_time / args.students:12.2f} {stock_time / ours_time:8.1f}x "
              f"{alone_time - further:8.2f} {further:9.2f} {floor_time:7.2f} "
              f"{further - floor_time:9.2f}")


if __name__ == "__main__":
    main()
