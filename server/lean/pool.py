"""A pool of warm checker worker processes behind a bounded queue, driven from asyncio.

In: jobs from the route handlers on the event loop (``await pool.check(code,
timeout)``, ``await pool.repl(chain, timeout)``, or ``pool.submit_many`` for a
batch).  Out: one ``SnippetResult`` per job: the worker's REPL response, or an
error that is not a Lean message (timeout, memory limit, crash).

- **Warm workers.**  Each worker is a process started from a ``forkserver``
  (clean of the server's threads) that loads the prelude once
  (``server.lean.worker``); a snippet never pays for it.
- **Limits.**  Each job has a wall-clock timeout; when it passes, the worker is
  killed and replaced (never reused), so the time limit really stops the work.
  ``RLIMIT_AS`` bounds each worker's memory; a worker that ran out of memory or
  died is replaced the same way.  The elaborator's own deterministic step limit
  applies inside.
- **Backpressure.**  At most ``max_queue`` jobs wait beyond the idle workers;
  a submission that would overflow is refused at once (``QueueFull`` → 429 with
  ``Retry-After``), so memory stays bounded and nothing hangs.
- **Cancellation.**  A handler that is cancelled (its client went away) cancels
  its jobs' futures: waiting jobs are dropped when a worker reaches them, and a
  running job's worker is killed and replaced, which frees it at once.
- **Affinity.**  A job may carry a home key (the REPL session): it goes to the
  worker that ran the key's last job when that worker is idle, since it holds
  the session's elaborated environments and proof states; otherwise any worker
  takes it (and rebuilds what it needs), so affinity never makes a job wait.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import multiprocessing
import time
from dataclasses import dataclass

log = logging.getLogger("nleanjit.server")

READY_TIMEOUT_S = 120.0


class QueueFull(Exception):
    """More jobs than the queue holds; retry after ``retry_after_s``."""

    def __init__(self, retry_after_s: int = 1):
        super().__init__("the Lean checker queue is full")
        self.retry_after_s = retry_after_s


class PoolStopped(Exception):
    """The pool is not running (not started yet, or shutting down)."""


@dataclass(frozen=True)
class SnippetResult:
    """What one job gave: exactly one of ``response`` / ``error``."""

    outcome: str  # valid | sorry | lean_error | timeout | limit | internal | cancelled
    time: float
    response: dict | None = None
    error: str | None = None
    cache_hit: bool = False
    worker: str | None = None  # "local:<pid>" or "ray:<pid>": who checked it


@dataclass
class _Job:
    message: tuple
    timeout: float
    future: asyncio.Future
    home_key: str | None = None
    home: int | None = None
    """The worker that ran ``home_key``'s last job: it takes this job first while idle."""


class _JobQueue:
    """Waiting jobs in arrival order, taken by worker loops; a job with a home goes to that
    worker if it is idle, and to any worker otherwise."""

    def __init__(self, size: int):
        self._jobs: collections.deque[_Job] = collections.deque()
        self._wake = [asyncio.Event() for _ in range(size)]
        self._idle = [False] * size

    def put(self, job: _Job) -> None:
        self._jobs.append(job)
        for event in self._wake:
            event.set()

    async def get(self, i: int) -> _Job:
        while True:
            job = self._take(i)
            if job is not None:
                return job
            self._wake[i].clear()
            self._idle[i] = True
            try:
                await self._wake[i].wait()
            finally:
                self._idle[i] = False

    def _take(self, i: int) -> _Job | None:
        chosen = next((k for k, job in enumerate(self._jobs) if job.home == i), None)
        if chosen is None:
            chosen = next((k for k, job in enumerate(self._jobs)
                           if job.home is None or not self._idle[job.home]), None)
        if chosen is None:
            return None
        job = self._jobs[chosen]
        del self._jobs[chosen]
        return job

    def drain(self) -> list[_Job]:
        jobs = list(self._jobs)
        self._jobs.clear()
        return jobs

    def __len__(self) -> int:
        return len(self._jobs)


class _Worker:
    """One local worker process and its end of the pipe (parent side)."""

    kind = "local"

    def __init__(self, ctx, memory_bytes: int | None):
        from server.lean.worker import worker_main

        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=worker_main, args=(child, memory_bytes), daemon=True,
                                name="nleanjit-lean-worker")
        self.proc.start()
        child.close()

    async def started(self) -> None:
        """Wait for the prelude to load; ``RuntimeError`` if it does not."""
        try:
            hello = await self.recv(READY_TIMEOUT_S)
        except (asyncio.TimeoutError, EOFError, OSError) as exc:
            self.kill()
            raise RuntimeError(f"a Lean worker did not start: {type(exc).__name__}") from None
        if not hello.get("ready"):
            self.kill()
            raise RuntimeError(f"a Lean worker failed to load the prelude: {str(hello.get('error'))[:400]}")

    async def call(self, message: tuple) -> dict:
        """The reply to one job; ``EOFError`` when the worker died."""
        try:
            self.conn.send(message)
        except (OSError, ValueError):
            raise EOFError from None
        try:
            return await self.recv(None)
        except OSError:
            raise EOFError from None

    def death(self) -> str:
        code = self.proc.exitcode
        if code in (-9, 137):
            return "Lean REPL memory limit exceeded (the worker was killed)"
        return "Lean worker crashed" if code is None else f"Lean worker crashed (exit code {code})"

    async def recv(self, timeout: float | None):
        """The next reply; ``asyncio.TimeoutError`` after ``timeout``; ``EOFError`` if it died."""
        loop = asyncio.get_running_loop()
        if not self.conn.poll():
            ready = loop.create_future()
            fd = self.conn.fileno()
            loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
            try:
                await asyncio.wait_for(ready, timeout)
            finally:
                loop.remove_reader(fd)
        return self.conn.recv()

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.proc.join(2)
        self.kill()


class CheckerPool:
    """``size`` warm workers; see the module docstring."""

    backend = "local"

    def __init__(self, size: int, *, max_queue: int = 1024, memory_bytes: int | None = 4 << 30,
                 metrics=None):
        self.size = max(1, size)
        self.max_queue = max(0, max_queue)
        self.memory_bytes = memory_bytes
        self.metrics = metrics
        self.waiting = 0  # jobs submitted and not yet taken by a worker
        self.busy = 0
        self.restarts = 0
        self._queue: _JobQueue | None = None
        self._homes: collections.OrderedDict[str, int] = collections.OrderedDict()  # home key → worker
        self._tasks: list[asyncio.Task] = []
        self._workers: list = []
        self._ctx = None
        self.ready: asyncio.Event | None = None  # created on the loop in start()
        self.start_error: str | None = None

    # --- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        self._ctx = multiprocessing.get_context("forkserver")
        # the fork server imports the checker once; every worker forks from it warm-ish
        self._ctx.set_forkserver_preload(["server.lean.worker", "server.lean.checker",
                                          "nleanjit.elab.command", "nleanjit.syntax"])
        self._start_loops()

    def _start_loops(self) -> None:
        self._queue = _JobQueue(self.size)
        self.ready = asyncio.Event()
        self._workers = [None] * self.size
        self._tasks = [asyncio.create_task(self._serve(i), name=f"lean-worker-{i}")
                       for i in range(self.size)]

    async def stop(self) -> None:
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            try:
                await t
            except BaseException:  # noqa: BLE001 - stopping: nothing to report
                pass
        self._tasks = []
        for w in self._workers:
            if w is not None:
                w.stop()
        self._workers = []
        if self._queue is not None:
            for job in self._queue.drain():
                if not job.future.done():
                    job.future.set_exception(PoolStopped("the server is shutting down"))

    # --- submitting --------------------------------------------------------------------

    def submit_many(self, messages: list[tuple], timeout: float, home_key: str | None = None
                    ) -> list[asyncio.Future]:
        """Queue jobs together (a batch is admitted whole or refused whole); ``home_key``: see
        the module docstring (Affinity)."""
        if self._queue is None:
            raise PoolStopped("the Lean checker is not running")
        room = self.max_queue + max(0, self.size - self.busy) - self.waiting
        if len(messages) > room:
            raise QueueFull()
        loop = asyncio.get_running_loop()
        futures = []
        for m in messages:
            fut = loop.create_future()
            self._queue.put(_Job(m, timeout, fut, home_key, self._homes.get(home_key) if home_key else None))
            futures.append(fut)
        self.waiting += len(messages)
        return futures

    def capacity(self) -> int:
        """Jobs one request may submit at most (the queue plus the workers)."""
        return self.max_queue + self.size

    async def check(self, code: str, timeout: float, header_cache: bool = True) -> SnippetResult:
        (fut,) = self.submit_many([("check", code, header_cache)], timeout)
        return await fut

    async def repl(self, chain: list[str], timeout: float) -> SnippetResult:
        (fut,) = self.submit_many([("repl", list(chain))], timeout)
        return await fut

    # --- the worker loops ------------------------------------------------------------

    async def _new_worker(self):
        """A started worker (overridden by the Ray pool)."""
        loop = asyncio.get_running_loop()
        worker = await loop.run_in_executor(None, _Worker, self._ctx, self.memory_bytes)
        await worker.started()
        return worker

    async def _spawn(self, i: int):
        worker = await self._new_worker()
        self._workers[i] = worker
        if all(w is not None for w in self._workers):
            self.ready.set()
        return worker

    async def _serve(self, i: int) -> None:
        worker = await self._try_spawn(i)  # warm before the first job
        while True:
            job = await self._queue.get(i)
            self.waiting -= 1
            if job.future.done():  # cancelled while it waited
                continue
            if worker is None:
                worker = await self._try_spawn(i)
                if worker is None:  # answer now rather than leave the job waiting forever
                    job.future.set_result(SnippetResult(
                        "internal", 0.0, error=f"the Lean checker could not start: {self.start_error}"))
                    continue
            self.busy += 1
            try:
                result, keep = await self._run(worker, job)
            except asyncio.CancelledError:  # the pool is stopping: answer rather than leave it hanging
                if not job.future.done():
                    job.future.set_exception(PoolStopped("the server is shutting down"))
                raise
            finally:
                self.busy -= 1
            if job.home_key is not None:
                self._set_home(job.home_key, i if keep else None)
            if not keep:
                worker.kill()
                self._workers[i] = None
                worker = None
                self.restarts += 1
            if result is not None and not job.future.done():
                job.future.set_result(result)
            if self.metrics is not None and result is not None:
                self.metrics.observe_snippet(result)

    def _set_home(self, key: str, i: int | None) -> None:
        self._homes.pop(key, None)
        if i is not None:
            self._homes[key] = i
            while len(self._homes) > 4096:
                self._homes.popitem(last=False)

    async def _try_spawn(self, i: int):
        try:
            worker = await self._spawn(i)
        except RuntimeError as exc:
            self.start_error = str(exc)
            log.error("%s", exc)
            return None
        self.start_error = None
        return worker

    async def _run(self, worker, job: _Job) -> tuple[SnippetResult | None, bool]:
        """(result, whether the worker may be reused)."""
        started = time.monotonic()
        reply_task = asyncio.ensure_future(worker.call(job.message))
        done, _ = await asyncio.wait({reply_task, job.future}, timeout=job.timeout,
                                     return_when=asyncio.FIRST_COMPLETED)
        if reply_task not in done:
            reply_task.cancel()
            try:
                await reply_task
            except BaseException:  # noqa: BLE001 - the task was cancelled or the worker died
                pass
            if job.future.done():  # the client went away: free the worker now
                return SnippetResult("cancelled", time.monotonic() - started,
                                     error="cancelled"), False
            return _failed(f"Lean REPL command timed out in {_seconds(job.timeout)} seconds",
                           "timeout", started), False
        try:
            reply = reply_task.result()
        except EOFError:
            return _failed(worker.death(), "limit", started), False
        elapsed = time.monotonic() - started
        if "error" in reply:
            return SnippetResult(reply["outcome"], elapsed, error=reply["error"]), reply["outcome"] != "limit"
        return SnippetResult(reply["outcome"], elapsed, response=reply["response"],
                             cache_hit=reply.get("cache_hit", False),
                             worker=f"{worker.kind}:{reply.get('worker')}"), True


def _failed(error: str, outcome: str, started: float) -> SnippetResult:
    return SnippetResult(outcome, time.monotonic() - started, error=error)


def _seconds(t: float) -> str:
    return str(int(t)) if float(t).is_integer() else f"{t:g}"
