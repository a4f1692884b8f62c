"""Autograding on the workers of a Dask ``distributed`` scheduler, on as many machines as it has.

:func:`mlkit.grading.autograde.autograde` with ``scheduler=ADDRESS`` grades
through a :class:`DaskPool` instead of this machine's
:class:`~mlkit.grading.sandbox.Pool`. Each submission is one Dask task,
:func:`grade_submission`: its notebooks go in as data, as nbgrader prepared
them in the submitting process (the locked and test cells restored from the
gradebook, hidden tests included, for the worker's trusted checker: the
sandbox never receives them), with the cell time limit; out come, as data,
each code cell's outputs, execution count and checker results, and the
notebook's execution status and reason. nbgrader's converter then scores the
submission in the submitting process, the only one that writes the gradebook.

On each worker, :class:`GradingPlugin` (a Dask ``WorkerPlugin``) keeps a
:class:`~mlkit.grading.sandbox.Pool` of pre-warmed sandboxed workers, one per
Dask thread, and advertises a Dask *resource* that every task requires. A
worker where the sandbox or a protection is missing never advertises it:
it refuses the work, with the reason, and the run says so; with
``--unsandboxed`` it grades unconfined and the run names what is off, as a
local run would.

Failures are Dask's: a task whose worker dies is run again on another one, up
to the scheduler's ``distributed.scheduler.allowed-failures`` (3 by default),
after which it is reported as not graded, with Dask's reason. A task that
fails on a live worker (its sandbox could not be restarted, say) is sent to
the workers that have not failed it yet, and reported with every worker's
reason when none is left. A result is used once, whichever worker sent it.
At most twice as many tasks as the grading workers have threads are in
flight (:meth:`DaskPool._room`).
"""

import asyncio
import concurrent.futures
import contextlib
import functools
import hashlib
import json
import threading
import time
import uuid

import dask.config
from dask.utils import parse_timedelta
from distributed import Client, WorkerPlugin, get_worker

import mlkit
from mlkit.grading.sandbox import Pool, protections, run_on

__all__ = ["DaskPool", "GradingPlugin", "GradingTaskError", "SchedulerError",
           "grade_submission"]



class SchedulerError(RuntimeError):
    """The scheduler cannot be reached, or none of its workers can grade."""


class GradingTaskError(RuntimeError):
    """A submission's task could not be run on any worker; the message says why."""


class GradingPlugin(WorkerPlugin):
    """Pre-warmed sandboxed workers on a Dask worker, and the resource that brings the tasks.

    Registered once per configuration (its :attr:`name` is a hash of it), so
    that runs with the same modules share the warm workers, and a run with
    other modules (TensorFlow) does not disturb one going on.

    Args:
        modules: what the sandboxed student zygotes import before the first submission.
        checker_modules: what the checker zygotes import.
        require_sandbox: refuse to grade where a protection is missing (the
            default, as a local run); False grades there unconfined (``--unsandboxed``).
    """

    idempotent = True  # registering the same configuration again keeps the warm workers

    def __init__(self, modules, checker_modules, *, require_sandbox=True):
        self.modules = list(modules)
        self.checker_modules = list(checker_modules)
        self.require_sandbox = require_sandbox
        key = json.dumps([self.modules, self.checker_modules, require_sandbox, mlkit.__version__])
        self.name = "mlkit-grading-" + hashlib.sha256(key.encode()).hexdigest()[:12]
        self.pool = None
        self.refusal = None
        self.missing = []

    async def setup(self, worker):
        """Start the pool (in a thread of its own, which must outlive it), or record why not."""
        self.pool, self.refusal = None, None
        self._ready, self._stop = threading.Event(), threading.Event()
        found = await asyncio.to_thread(protections)
        self.missing = found["missing"]
        if found["missing"] and self.require_sandbox:
            self.refusal = ("it refuses to run student code without its protections: "
                            + "; ".join(found["missing"]))
            return
        slots = worker.state.nthreads
        self._owner = threading.Thread(target=self._own, args=(slots, found["sandbox"]),
                                       name=self.name, daemon=True)
        self._owner.start()
        await asyncio.to_thread(self._ready.wait)
        if self.pool is not None:
            await worker.set_resources(**{self.name: slots})

    def _own(self, slots, sandbox):
        """Hold the pool: bwrap's ``--die-with-parent`` ties each sandbox to this thread."""
        try:
            self.pool = Pool(slots, modules=self.modules, checker_modules=self.checker_modules,
                             sandbox=sandbox is not None)
        except Exception as error:  # the reason goes to the run that asked for grading
            self.refusal = f"its grading workers did not start: {error}"
        finally:
            self._ready.set()
        if self.pool is not None:
            self._stop.wait()
            self.pool.close()

    async def teardown(self, worker):
        """Stop advertising the resource, then stop the pool."""
        if self.pool is not None:
            with contextlib.suppress(Exception):  # the scheduler may be gone already
                await asyncio.wait_for(worker.set_resources(**{self.name: 0}), 5)
            self._stop.set()
            await asyncio.to_thread(self._owner.join)


def grade_submission(plugin, notebooks, timeout):
    """The task: execute a submission's notebooks on this worker's sandboxed pool.

    Args:
        plugin: the name of the :class:`GradingPlugin` holding the pool.
        notebooks: the prepared notebooks, as dicts (hidden tests included).
        timeout: seconds per cell.

    Returns:
        dict with "worker" (this worker's address), and either "results" (for
        each notebook, ``(cells, status, reason)`` as from
        :func:`mlkit.grading.sandbox.run_on`) and "seconds", or "error" (why
        this worker could not grade it). Errors are data, so that the
        submitting process decides where the task goes next.
    """
    worker = get_worker()
    state = worker.plugins.get(plugin)
    if state is None or state.pool is None:
        reason = state.refusal if state is not None else "it has no mlkit grading plugin"
        return {"worker": worker.address, "error": f"the worker refused: {reason}"}
    start = time.perf_counter()
    try:
        results = [state.pool.submit(functools.partial(run_on, notebook=notebook,
                                                       timeout=timeout)).result()
                   for notebook in notebooks]
    except Exception as error:  # the sandbox or the checker failed, not the submission
        return {"worker": worker.address, "error": f"{type(error).__name__}: {error}"}
    return {"worker": worker.address, "results": results,
            "seconds": time.perf_counter() - start}


def _state(plugin, dask_worker=None):
    """What a worker says of its plugin: ``(reason to refuse or None, protections missing)``."""
    state = dask_worker.plugins.get(plugin)
    if state is None:
        return "it has not set up the mlkit grading plugin", []
    return (state.refusal if state.pool is None else None), state.missing


class DaskPool:
    """Submissions graded on a Dask scheduler's workers, with the interface of the local pool.

    Args:
        address: the scheduler's address, such as ``tcp://10.0.0.5:8786``.
        modules: what the student zygotes import (see :class:`GradingPlugin`).
        checker_modules: what the checker zygotes import.
        sandbox: True to refuse workers where a protection is missing.
        log: where to write one line per worker that refuses to grade.

    Raises:
        SchedulerError: the scheduler cannot be reached, it has no worker, or
            none of its workers can grade.
    """

    def __init__(self, address, *, modules, checker_modules, sandbox=True, log=print):
        # Dask's own setting (distributed.comm.timeouts.connect, 30 s by default) bounds
        # the wait for the scheduler and then for a first worker
        self.timeout = parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"))
        try:
            self.client = Client(address, timeout=self.timeout, set_as_default=False)
        except (OSError, ValueError, TypeError) as error:
            raise SchedulerError(
                f"cannot reach the Dask scheduler at {address!r} "
                f"({' '.join(str(error).split())}); expected the "
                "address of a running scheduler, such as tcp://10.0.0.5:8786 (start one "
                "with `dask scheduler`, and workers with `dask worker ADDRESS`)") from None
        self.address = address
        self.pending = set()  # the Dask futures in flight (a forgotten future is cancelled)
        self.room = threading.Condition()  # notified when a task ends
        self.limit, self.limit_time = 2, 0.0
        try:
            self._set_up(modules, checker_modules, sandbox, log)
        except BaseException:
            self.client.close()
            raise

    def _set_up(self, modules, checker_modules, sandbox, log):
        try:
            self.client.wait_for_workers(1, timeout=self.timeout)
        except TimeoutError:
            raise SchedulerError(
                f"the Dask scheduler at {self.address} has had no worker for "
                f"{self.timeout:g} s; start some with `dask worker {self.address}`") from None
        plugin = GradingPlugin(modules, checker_modules, require_sandbox=sandbox)
        self.plugin = plugin.name
        self.client.register_plugin(plugin, name=plugin.name)
        refusals = {}
        for worker, state in sorted(self.client.run(_state, plugin.name,
                                                    on_error="return").items()):
            if isinstance(state, Exception):
                refusals[worker] = f"it could not be asked ({type(state).__name__}: {state})"
            elif state[0] is not None:
                refusals[worker] = state[0]
            elif state[1]:  # --unsandboxed: it grades, as a local run would, with the risk
                log(f"Dask worker {worker} grades with protections OFF: " + "; ".join(state[1]))
        for worker, reason in refusals.items():
            log(f"Dask worker {worker} will not grade: {reason}")
        if not self.capable():
            raise SchedulerError(f"none of the {len(refusals)} workers of the Dask scheduler "
                                 f"at {self.address} can grade (see above why)")

    def capable(self):
        """The workers that grade (advertising the plugin's resource): address -> slots."""
        workers = self.client.scheduler_info(n_workers=-1)["workers"]
        slots = {address: info.get("resources", {}).get(self.plugin, 0)
                 for address, info in workers.items()}
        return {address: count for address, count in sorted(slots.items()) if count > 0}

    def _room(self):
        """True when fewer tasks are in flight than twice the slots of the grading workers.

        Tasks that need a resource are given to a worker as soon as they are
        submitted, and the scheduler holds each one's notebooks: sending the
        class at once would load it with all of them, leave none for a worker
        that joins later, and count every task queued on a worker that dies
        against the ``allowed-failures`` of that task.
        """
        if time.monotonic() - self.limit_time > 2:
            self.limit = max(2, 2 * int(sum(self.capable().values())))
            self.limit_time = time.monotonic()
        return len(self.pending) < self.limit

    def describe(self):
        """The workers grading now, for the progress bar."""
        return f"{len(self.capable())} Dask workers"

    def grade(self, notebooks, *, timeout, job=None):
        """Send a submission's notebooks as one task; a future per notebook.

        Args:
            notebooks: the prepared notebooks (nbformat nodes or dicts).
            timeout: seconds per cell.
            job: the :class:`~mlkit.grading.autograde.Job` (names the task; its
                ``worker`` is set to the worker that graded it).

        Returns:
            list of ``concurrent.futures.Future``, one per notebook, each of
            ``(cells, status, reason)``, or raising :class:`GradingTaskError`.
        """
        parts = [concurrent.futures.Future() for _ in notebooks]
        data = json.loads(json.dumps(notebooks))
        with self.room:
            self.room.wait_for(self._room, timeout=None)
            self._submit(job, data, timeout, parts, tried={})
        return parts

    def _submit(self, job, notebooks, timeout, parts, tried, workers=None):
        name = f"{job.assignment}-{job.student}" if job is not None else "notebook"
        future = self.client.submit(
            grade_submission, self.plugin, notebooks, timeout, pure=False,
            key=f"mlkit-grade-{name}-{uuid.uuid4().hex[:8]}", resources={self.plugin: 1},
            workers=workers, allow_other_workers=False)
        with self.room:
            self.pending.add(future)
        future.add_done_callback(functools.partial(self._done, job, notebooks, timeout, parts,
                                                   tried))

    def _done(self, job, notebooks, timeout, parts, tried, future):
        """Hand a finished task's results to the notebooks' futures, or send it elsewhere.

        Whatever happens here, each of ``parts`` ends with a result or an
        exception: the converter waits for them.
        """
        with self.room:
            self.pending.discard(future)
            self.room.notify_all()
        try:
            self._take(job, notebooks, timeout, parts, tried, future)
        except BaseException as error:  # the client closing, the scheduler gone
            _fail(parts, f"its result could not be had: {type(error).__name__}: {error}")

    def _take(self, job, notebooks, timeout, parts, tried, future):
        try:
            outcome = future.result()
        except Exception as error:  # KilledWorker: it took every worker it ran on down with it
            return _fail(parts, f"the Dask task failed: {type(error).__name__}: "
                                f"{' '.join(str(error).split())}")
        if "error" in outcome:
            tried[outcome["worker"]] = outcome["error"]
            others = [w for w in self.capable() if w not in tried]
            if others:
                return self._submit(job, notebooks, timeout, parts, tried, workers=others)
            return _fail(parts, "it failed on every Dask worker that grades: " + "; ".join(
                f"{worker}: {' '.join(reason.split())}" for worker, reason in tried.items()))
        if job is not None:
            job.worker = outcome["worker"]
        for part, result in zip(parts, outcome["results"], strict=True):
            part.set_result(tuple(result))
        return None

    def close(self):
        """Cancel what is still queued and disconnect; the workers keep their warm pools."""
        with self.room:
            pending = list(self.pending)
        if pending:
            self.client.cancel(pending)
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _fail(parts, reason):
    for part in parts:
        if not part.done():
            part.set_exception(GradingTaskError(reason))
