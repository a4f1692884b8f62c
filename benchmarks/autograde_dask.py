"""Autograding throughput: through a Dask scheduler against this machine's pool, side by side.

One throw-away course per assignment (every student submits the reference
solution), graded again and again with ``--force``, alternately by the local
pool (``--workers N``) and through a Dask scheduler with N workers of one
thread each, all on 127.0.0.1 and started by this script as separate
processes (``python -m distributed.cli.dask_scheduler`` and ``dask_worker``).
Both are called in this process (:func:`mlkit.grading.autograde.autograde`),
after one untimed run each, so that neither pays for imports::

    python benchmarks/autograde_dask.py                  # activations, matrix_notation
    python benchmarks/autograde_dask.py --assignments keras_mlp --students 20 --rounds 3

Per assignment it prints, for each way, the median over the rounds of:

- **grading s/sub**: the wall time from the pool being ready (the local
  workers started; the scheduler reached and its workers' plugin registered)
  to the last submission recorded, per submission;
- **start s**: the time to get the pool ready (the local pool starts and warms
  its zygotes every run; the Dask workers keep theirs between runs);
- **converter s/sub**: the time nbgrader's converter spends per submission in
  this process (pre- and post-processing, scores written to the gradebook):
  the part of the work that stays on one machine, one submission after the
  other;
- **worker s/task** (Dask only): the seconds a worker spends executing one
  submission (sandbox and checker, from the task's start to its results), the
  basis of the README's sizing note;
- **scheduler ms/task** (Dask only): the CPU time of the scheduler process per task.

and the ratio of the grading times. Everything runs on this machine, so the
workers, the scheduler and the converter compete for its cores; and the
machine is shared with whatever else runs: compare the two ways within one
run, not across runs.
"""

import argparse
import contextlib
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mlkit.grading import autograde as grading  # noqa: E402

_spec = importlib.util.spec_from_file_location("benchmark_autograde",
                                               ROOT / "benchmarks" / "autograde.py")
_autograde_benchmark = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_autograde_benchmark)
make_course = _autograde_benchmark.make_course


@contextlib.contextmanager
def dask_cluster(folder, workers):
    """A scheduler and ``workers`` one-thread workers on 127.0.0.1; yields (address, scheduler)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    info = folder / "scheduler.json"
    processes = [subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
         "--port", "0", "--no-dashboard", "--scheduler-file", str(info)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)]
    try:
        while not info.exists() or not info.read_text().strip():
            time.sleep(0.1)
        time.sleep(0.1)
        address = json.loads(info.read_text())["address"]
        processes += [subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", address, "--host",
             "127.0.0.1", "--nthreads", "1", "--no-nanny", "--no-dashboard"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            for _ in range(workers)]
        yield address, psutil.Process(processes[0].pid)
    finally:
        for process in reversed(processes):  # the workers first
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def timed_run(course, students, **kwargs):
    """Grade ``course`` again; (grading s/sub, start s, converter s/sub, worker s/task)."""
    from mlkit.grading.distributed import DaskPool

    marks = {}
    pool, grade, take = grading._pool, grading._grade, DaskPool._take
    converter, tasks = [0.0], []

    def timed_pool(*args, **options):
        made = pool(*args, **options)
        marks["ready"] = time.perf_counter()
        return made

    def timed_grade(*args, **options):
        start = time.perf_counter()
        try:
            return grade(*args, **options)
        finally:
            converter[0] += time.perf_counter() - start

    def timed_take(self, *args):
        with contextlib.suppress(Exception):
            tasks.append(args[-1].result()["seconds"])
        return take(self, *args)

    grading._pool, grading._grade, DaskPool._take = timed_pool, timed_grade, timed_take
    try:
        start = time.perf_counter()
        jobs = grading.autograde(course, force=True, progress=False, log=lambda line: None,
                                 **kwargs)
        end = time.perf_counter()
    finally:
        grading._pool, grading._grade, DaskPool._take = pool, grade, take
    if sorted(job.status for job in jobs) != ["graded"] * students:
        sys.exit(f"not every submission was graded: {[(j.student, j.status) for j in jobs]}")
    return ((end - marks["ready"]) / students, marks["ready"] - start,
            converter[0] / students, statistics.mean(tasks) if tasks else 0.0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", nargs="+", default=["activations", "matrix_notation"])
    parser.add_argument("--students", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; {args.students} submissions per assignment; "
          f"{args.workers} workers each way; median of {args.rounds} rounds")
    print(f"{'assignment':16s} {'way':6s} {'grading s/sub':>14s} {'start s':>8s} "
          f"{'converter s/sub':>16s} {'worker s/task':>14s} {'scheduler ms/task':>18s}")
    for assignment in args.assignments:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            make_course(tmp / "course", assignment, args.students)
            warm = tmp / "warm"
            make_course(warm, assignment, 2)
            with dask_cluster(tmp, args.workers) as (address, scheduler):
                ways = {"local": {"workers": args.workers}, "dask": {"scheduler": address}}
                for options in ways.values():  # imports, and the Dask workers' plugin
                    timed_run(warm, 2, **options)
                results = {way: [] for way in ways}
                for _ in range(args.rounds):
                    for way, options in ways.items():
                        cpu = sum(scheduler.cpu_times()[:2])
                        measured = timed_run(tmp / "course", args.students, **options)
                        used = (sum(scheduler.cpu_times()[:2]) - cpu) / args.students
                        results[way].append((*measured, used))
            medians = {way: [statistics.median(column) for column in zip(*rows, strict=True)]
                       for way, rows in results.items()}
            for way, (per_sub, start, converter, task, used) in medians.items():
                dask_only = (f"{task:14.3f} {used * 1000:18.1f}" if way == "dask"
                             else f"{'-':>14s} {'-':>18s}")
                print(f"{assignment:16s} {way:6s} {per_sub:14.3f} {start:8.2f} "
                      f"{converter:16.3f} {dask_only}")
            print(f"{assignment:16s} dask / local grading time: "
                  f"{medians['dask'][0] / medians['local'][0]:.2f}")


if __name__ == "__main__":
    main()
