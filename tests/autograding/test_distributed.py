"""mlkit-grade autograde --scheduler: a class graded on a real Dask scheduler and its workers.

The scheduler and the workers are separate processes on 127.0.0.1, started by
the ``dask scheduler`` and ``dask worker`` command lines, as on a cluster.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import psutil
import pytest

from mlkit.grading import notebooks
from mlkit.grading.autograde import MARKER
from tests.autograding.conftest import ASSIGNMENT, class_of, mlkit_grade, submit
from tests.autograding.test_autograde import _grades
from tests.helpers import BIN, ROOT, tool_env

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("sandbox")]

# seconds to wait for the scheduler to reach, and for a first worker (Dask's own setting)
ENV = {"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "10s"}


class Cluster:
    """A Dask scheduler on 127.0.0.1 and the workers added to it, each a process of its own."""

    def __init__(self, folder, **scheduler_env):
        self.folder = folder
        self.workers = {}
        self.logs = []
        info = folder / "scheduler.json"
        self.scheduler = self._start("scheduler", [
            "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
            "--no-dashboard", "--scheduler-file", str(info)], tool_env(**scheduler_env))
        deadline = time.monotonic() + 60
        while not info.exists() or not info.read_text().strip():
            assert self.scheduler.poll() is None, self.log("scheduler")
            assert time.monotonic() < deadline, "the scheduler did not start in 60 s"
            time.sleep(0.1)
        time.sleep(0.1)
        self.address = json.loads(info.read_text())["address"]

    def _start(self, name, args, env):
        log = (self.folder / f"{name}.log").open("w")
        self.logs.append(log)
        return subprocess.Popen([sys.executable, "-m", *args], stdout=log,
                                stderr=subprocess.STDOUT, env=env, start_new_session=True)

    def log(self, name):
        return (self.folder / f"{name}.log").read_text()

    def add_workers(self, *names, path=None):
        """Start workers (one thread, no nanny; ``path``: their PATH); wait until registered."""
        env = tool_env() if path is None else {**tool_env(), "PATH": path}
        started = {name: self._start(name, [
            "distributed.cli.dask_worker", self.address, "--host", "127.0.0.1",
            "--nthreads", "1", "--no-nanny", "--no-dashboard", "--name", name], env)
            for name in names}
        deadline = time.monotonic() + 60
        for name, worker in started.items():
            while "Registered to:" not in self.log(name):
                assert worker.poll() is None, self.log(name)
                assert time.monotonic() < deadline, f"{name} did not register in 60 s"
                time.sleep(0.1)
        self.workers.update(started)
        return list(started.values())

    def close(self):
        """Stop the workers (which stop their sandboxes), then the scheduler."""
        for group in (list(self.workers.values()), [self.scheduler]):
            for process in group:
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
            for process in group:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        for log in self.logs:
            log.close()


@pytest.fixture
def cluster(tmp_path):
    """``cluster(**env)``: a new :class:`Cluster` (scheduler only), stopped after the test."""
    made = []

    def make(**env):
        folder = tmp_path / f"cluster{len(made)}"
        folder.mkdir()
        made.append(Cluster(folder, **env))
        return made[-1]

    yield make
    for each in made:
        each.close()


def _slow(seconds):
    """The reference answers, with a pause in the first solution cell (a long submission)."""
    reference = notebooks.reference_answers(
        notebooks.read(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"))
    first = next(iter(reference))
    return {first: reference[first] + f"\nimport time\ntime.sleep({seconds})"}


@pytest.fixture(scope="module")
def ungraded(released_course, tmp_path_factory):
    """A class of nine, three of whom take two seconds more, not graded yet."""
    course = tmp_path_factory.mktemp("dask-class") / "course"
    shutil.copytree(released_course, course)
    for student, answers in class_of(6).items():
        submit(course, student, answers)
    for number in range(3):
        submit(course, f"slow{number}", _slow(2))
    return course


@pytest.fixture(scope="module")
def local(ungraded, tmp_path_factory):
    """The class graded on this machine: the reference scores."""
    course = tmp_path_factory.mktemp("dask-local") / "course"
    shutil.copytree(ungraded, course)
    result = mlkit_grade(course, "autograde")
    assert result.returncode == 0, result.stderr[-3000:]
    return _grades(course)


def _copy(ungraded, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(ungraded, course)
    return course


def _markers(course):
    return sorted(path.parent.parent.name for path in
                  (course / "autograded").glob(f"*/{ASSIGNMENT}/{MARKER}"))


def _counts(stdout):
    """The summary's counts: status -> number of submissions."""
    line = next(line for line in stdout.splitlines() if " graded" in line)
    return {status: int(count) for count, status in (part.split() for part in line.split(", "))}


def _on_workers(stdout):
    """The workers the summary names, with the number of submissions each graded."""
    line = next(line for line in stdout.splitlines() if "Dask worker(s):" in line)
    return {part.rsplit(" (", 1)[0]: int(part.rsplit(" (", 1)[1].rstrip(")"))
            for part in line.split(": ", 1)[1].split(", ")}


def test_same_scores_as_a_local_run(ungraded, local, cluster, tmp_path):
    """Two workers grade the class: the scores of a local run; both take part; a rerun skips."""
    course = _copy(ungraded, tmp_path)
    dask = cluster()
    dask.add_workers("w1", "w2")
    result = mlkit_grade(course, "autograde", "--scheduler", dask.address, env=tool_env(**ENV))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "9 graded" in result.stdout
    assert _grades(course) == local
    workers = _on_workers(result.stdout)
    assert len(workers) == 2 and sum(workers.values()) == 9, result.stdout
    assert "2 Dask workers" in result.stderr  # the progress bar counts the cluster's workers
    again = mlkit_grade(course, "autograde", "--scheduler", dask.address, env=tool_env(**ENV))
    assert again.returncode == 0, again.stderr[-3000:]
    assert "9 skipped" in again.stdout


def _busy(worker):
    """True while a submission executes on ``worker``: its checker zygote has a child."""
    try:
        return any("--checker" in child.cmdline() and child.children()
                   for child in psutil.Process(worker.pid).children())
    except psutil.NoSuchProcess:  # a zygote ended between the two looks
        return False


def _kill_when_busy(run, worker, timeout=120):
    """SIGKILL ``worker`` as soon as it executes a submission; its processes before it died."""
    deadline = time.monotonic() + timeout
    while not _busy(worker):
        assert run.poll() is None, "the run ended before the worker took a submission"
        assert time.monotonic() < deadline, "the worker took no submission"
        time.sleep(0.02)
    family = psutil.Process(worker.pid).children(recursive=True)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    return family


def test_worker_killed_mid_run(ungraded, local, cluster, tmp_path):
    """A worker killed while it grades: its task runs elsewhere, every submission graded once."""
    course = _copy(ungraded, tmp_path)
    dask = cluster()
    victim, _ = dask.add_workers("victim", "survivor")
    run = subprocess.Popen([sys.executable, "-m", "mlkit.grading.cli", "--course", str(course),
                            "autograde", "--scheduler", dask.address], env=tool_env(**ENV),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        family = _kill_when_busy(run, victim)
        stdout, stderr = run.communicate(timeout=600)
    finally:
        if run.poll() is None:
            run.kill()
            run.communicate()
    assert run.returncode == 0, stderr[-3000:]
    assert "9 graded" in stdout
    assert _grades(course) == local
    assert _markers(course) == [*sorted(class_of(6)), "slow0", "slow1", "slow2"]
    assert sum(_on_workers(stdout).values()) == 9
    time.sleep(1)
    left = [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not left, f"the killed worker's sandboxes outlived it: {left}"


def test_task_that_kills_every_worker_is_reported(ungraded, cluster, tmp_path):
    """A task whose worker died as often as the scheduler allows is reported, not retried."""
    course = _copy(ungraded, tmp_path)
    dask = cluster(DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES="0")
    victim, _ = dask.add_workers("victim", "survivor")
    run = subprocess.Popen([sys.executable, "-m", "mlkit.grading.cli", "--course", str(course),
                            "autograde", "--scheduler", dask.address], env=tool_env(**ENV),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _kill_when_busy(run, victim)
        stdout, stderr = run.communicate(timeout=600)
    finally:
        if run.poll() is None:
            run.kill()
            run.communicate()
    # the task that ran, and any given to the worker to run next (Dask counts both)
    assert run.returncode == 1, stderr[-3000:]
    counts = _counts(stdout)
    failed = counts.get("failed", 0)
    assert 1 <= failed <= 2 and counts["graded"] == 9 - failed, stdout
    *reasons, pointer = stderr.split(f"{failed} submission(s) NOT graded:")[1].strip().splitlines()
    assert len(reasons) == failed
    assert pointer == f"details: {course / 'mlkit-grade.log'}"  # the failure names its log
    for reason in reasons:
        assert "KilledWorker" in reason and "died while running it" in reason, reason
    assert len(_markers(course)) == 9 - failed
    rerun = mlkit_grade(course, "autograde", "--scheduler", dask.address, env=tool_env(**ENV))
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert f"{failed} graded, {9 - failed} skipped" in rerun.stdout


def test_worker_without_the_sandbox_refuses(released_course, cluster, tmp_path):
    """A worker without bwrap refuses, with the reason; alone, it grades nothing.

    With ``--unsandboxed`` it grades, unconfined, as a local run would. The
    last run finds the scheduler in ``nbgrader_config.py``.
    """
    course = tmp_path / "course"
    shutil.copytree(released_course, course)
    for student, answers in list(class_of(3).items())[:2]:
        submit(course, student, answers)
    dask = cluster()
    dask.add_workers("unsandboxed", path=str(BIN))  # no bwrap on its PATH
    alone = mlkit_grade(course, "autograde", "--scheduler", dask.address, env=tool_env(**ENV))
    assert alone.returncode == 4, alone.stderr[-3000:]
    assert "bubblewrap (bwrap) is not installed" in alone.stderr
    assert "none of the 1 workers of the Dask scheduler" in alone.stderr
    assert not (course / "autograded").exists()
    risky = mlkit_grade(course, "autograde", "--unsandboxed", "--scheduler", dask.address,
                        env=tool_env(**ENV))  # as a local run: unconfined, and says so
    assert risky.returncode == 0, risky.stderr[-3000:]
    assert "grades with protections OFF: bubblewrap (bwrap) is not installed" in risky.stderr
    assert "2 graded" in risky.stdout
    dask.add_workers("sandboxed")
    with (course / "nbgrader_config.py").open("a") as config:  # the scheduler, configured
        config.write(f"\nc.MlkitGrade.scheduler = {dask.address!r}\n")
    result = mlkit_grade(course, "autograde", "--force", env=tool_env(**ENV))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "2 graded" in result.stdout
    refused = [line for line in result.stderr.splitlines() if "will not grade" in line]
    assert len(refused) == 1 and "bubblewrap (bwrap) is not installed" in refused[0]
    worker = refused[0].split("Dask worker ")[1].split()[0]
    assert worker not in _on_workers(result.stdout) and len(_on_workers(result.stdout)) == 1


def test_unreachable_scheduler(released_course, tmp_path):
    """A scheduler that does not answer: the address, what was expected, exit status 4."""
    course = tmp_path / "course"
    shutil.copytree(released_course, course)
    submit(course, "reference", {})
    with _silent_port() as port:
        result = mlkit_grade(course, "autograde", "--scheduler", f"tcp://127.0.0.1:{port}",
                             env=tool_env(DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT="2s"))
    assert result.returncode == 4, result.stderr[-3000:]
    assert f"cannot reach the Dask scheduler at 'tcp://127.0.0.1:{port}'" in result.stderr
    assert "expected the address of a running scheduler" in result.stderr


@contextlib.contextmanager
def _silent_port():
    """A port on 127.0.0.1 that nothing listens on (bound, not listening, while in use)."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        yield bound.getsockname()[1]
