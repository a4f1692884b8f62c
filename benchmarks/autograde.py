"""Autograding throughput: stock ``nbgrader autograde`` against ``mlkit-grade autograde``.

Both grade the same class (every student submits the reference solution of
the assignment) in two copies of one throw-away course, in one run, and the
script prints seconds per submission and the ratio. Run it on an otherwise idle
machine::

    python benchmarks/autograde.py       # activations (NumPy), matrix_notation (TensorFlow)
    python benchmarks/autograde.py --assignments keras_mlp --students 20

The mlkit-grade time includes starting its sandboxed workers.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", nargs="+", default=["activations", "matrix_notation"])
    parser.add_argument("--students", type=int, default=12)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; {args.students} submissions per assignment")
    print(f"{'assignment':18s} {'stock s/sub':>12s} {'mlkit s/sub':>12s} {'speed-up':>9s}")
    for assignment in args.assignments:
        if not (ROOT / "solutions" / assignment).is_dir():
            print(f"{assignment:18s} (no such assignment)")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            base = Path(tmp) / "base"
            make_course(base, assignment, args.students)
            stock, ours = Path(tmp) / "stock", Path(tmp) / "ours"
            shutil.copytree(base, stock)
            shutil.copytree(base, ours)
            stock_time = timed([sys.executable, "-m", "nbgrader", "autograde", assignment], stock)
            workers = ["--workers", str(args.workers)] if args.workers else []
            ours_time = timed([sys.executable, "-m", "mlkit.grading.cli", "autograde",
                               assignment, *workers], ours)
        print(f"{assignment:18s} {stock_time / args.students:12.2f} "
              f"{ours_time / args.students:12.2f} {stock_time / ours_time:8.1f}x")


if __name__ == "__main__":
    main()
