"""Continuous batching between the Sanic event loop and the engine.

In: sequences submitted by route handlers on the event loop (a prompt's token
ids plus ``model.SamplingParams``), grouped per API request (``n`` choices and
several prompts make several sequences of one group).  Out: the engine's
``model.TokenEvent``s for each group, delivered on the event loop through an
``asyncio.Queue``, or the exception that ended the group.

One background thread owns the decoder engine (the engine API allows a single
driving thread): it loads the model, then loops *drain commands → admit waiting
sequences while the batch has room → one ``engine.step()`` → deliver events*.
New requests thus join the running batch between two decode steps, and the
event loop never waits on a forward pass.  Commands (submit, abort, stop) reach
the thread through a ``queue.SimpleQueue``; events go back in one
``loop.call_soon_threadsafe`` per step.

Backpressure: at most ``max_batch`` sequences run in the engine; at most
``max_queue`` more wait here.  A submission that would overflow the waiting
queue is refused at once with 429 + ``Retry-After`` (the official client retries
those), so the queue is never unbounded.  Aborting (a client that disconnects)
frees the sequence's KV cache on the next turn of the loop.

``EmbeddingRunner`` does the same job, more simply, for the encoder: one thread,
a bounded number of requests in flight, and the requests that wait together
embedded in one batch.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from server import errors

log = logging.getLogger("nleanjit.server")

RETRY_AFTER_S = 1
_STATS_EVERY_S = 0.05


@dataclass(frozen=True)
class Sequence:
    """One engine sequence: what ``engine.add_request`` takes."""

    request_id: str
    prompt_ids: list[int]
    params: Any  # model.SamplingParams


@dataclass(frozen=True)
class SchedulerStats:
    """A snapshot published by the scheduler thread, read by /metrics and /health."""

    waiting: int = 0
    running: int = 0
    kv_blocks_used: int = 0
    kv_blocks_total: int = 0
    prefix_cache_hits: int = 0
    prefix_cache_queries: int = 0
    steps: int = 0
    aborted: int = 0


class Group:
    """The sequences of one API request, read by its route handler on the event loop."""

    def __init__(self, scheduler: "Scheduler", sequences: list[Sequence]):
        self._scheduler = scheduler
        self.sequences = sequences
        self.queue: asyncio.Queue = asyncio.Queue()
        self.unfinished = {s.request_id for s in sequences}

    async def next(self, timeout: float | None = None):
        """The next ``TokenEvent``; raises the error that ended the group;
        raises ``asyncio.TimeoutError`` after ``timeout`` seconds of silence."""
        if not self.queue.empty():  # the common case while tokens flow: no waiting at all
            item = self.queue.get_nowait()
        elif timeout is None:
            item = await self.queue.get()
        else:
            async with asyncio.timeout(timeout):  # no extra task per token, unlike wait_for
                item = await self.queue.get()
        if isinstance(item, BaseException):
            self.unfinished.clear()  # the scheduler dropped the whole group
            raise item
        if item.finish_reason is not None:
            self.unfinished.discard(item.request_id)
        return item

    @property
    def done(self) -> bool:
        return not self.unfinished

    def close(self) -> None:
        """Abort whatever is still running (client gone, or an error in the handler)."""
        for rid in list(self.unfinished):
            self._scheduler.abort(rid)
        self.unfinished.clear()


class Scheduler:
    """Drives one decoder engine from one thread; see the module docstring."""

    def __init__(self, load_engine: Callable[[], Any], *, max_batch: int = 16, max_queue: int = 256,
                 on_stats: Callable[[SchedulerStats], None] | None = None):
        self._load_engine = load_engine
        self.max_batch = max(1, max_batch)
        self.max_queue = max(0, max_queue)
        self._on_stats = on_stats
        self.engine = None
        self.stats = SchedulerStats()
        self.ready = threading.Event()
        self.load_error: BaseException | None = None
        self.stopped = False  # the thread has ended: nothing submitted now would ever run
        self._commands: queue.SimpleQueue = queue.SimpleQueue()
        self._waiting_lock = threading.Lock()
        self._waiting_count = 0
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        # thread-owned state
        self._pending: collections.deque[tuple[Group, Sequence]] = collections.deque()
        self._running: dict[str, Group] = {}
        self._steps = 0
        self._aborted = 0
        self._last_stats = 0.0

    # --- event-loop side ------------------------------------------------------

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._thread = threading.Thread(target=self._thread_main, name="nleanjit-scheduler",
                                        daemon=True)
        self._thread.start()

    def submit(self, sequences: list[Sequence]) -> Group:
        """Queue the sequences of one request; raise 429 when the waiting queue is full."""
        if self.load_error is not None or not self.ready.is_set():
            raise errors.not_ready()
        if self.stopped:
            raise errors.APIError(503, "The server is shutting down.", type="server_error",
                                  code="shutting_down", headers={"Retry-After": str(RETRY_AFTER_S)})
        if len(sequences) > self.max_queue + self.max_batch:  # could never be admitted
            raise errors.invalid_param("n", f"This request needs {len(sequences)} sequences (prompts x n); "
                                            f"the server takes at most {self.max_queue + self.max_batch}.")
        with self._waiting_lock:
            if self._waiting_count + len(sequences) > self.max_queue + max(
                    0, self.max_batch - len(self._running)):
                raise errors.queue_full(RETRY_AFTER_S)
            self._waiting_count += len(sequences)
        group = Group(self, sequences)
        self._commands.put(("submit", group))
        return group

    def abort(self, request_id: str) -> None:
        self._commands.put(("abort", request_id))

    def stop(self, timeout: float = 10.0) -> None:
        self._commands.put(("stop", None))
        if self._thread is not None:
            self._thread.join(timeout)

    # --- scheduler thread -------------------------------------------------------

    def _thread_main(self) -> None:
        try:
            self.engine = self._load_engine()
        except BaseException as exc:  # reported by /health and every request
            self.load_error = exc
            log.error("loading the chat model failed", exc_info=exc)
            self.ready.set()
            return
        self.ready.set()
        self._publish_stats(force=True)
        try:
            while True:
                try:
                    if not self._turn():
                        break
                except Exception as exc:  # a bug here must fail requests, never hang them
                    log.error("scheduler turn failed; failing the requests in flight", exc_info=exc)
                    self._fail_everything(errors.internal_error())
        finally:
            self.stopped = True
            self._shutdown()

    def _turn(self) -> bool:
        """One turn: commands, admissions, one engine step.  False once told to stop."""
        idle = not self._running and not self._pending
        if not self._drain_commands(block=idle):
            return False
        self._admit()
        if self._running:
            self._step()
        # when idle, publish every turn so /metrics shows freed slots at once
        self._publish_stats(force=not self._running and not self._pending)
        return True

    def _drain_commands(self, block: bool) -> bool:
        """Apply every queued command; False once told to stop."""
        while True:
            try:
                kind, arg = self._commands.get(timeout=0.5) if block else self._commands.get_nowait()
            except queue.Empty:
                return True
            block = False
            if kind == "stop":
                return False
            if kind == "submit":
                for seq in arg.sequences:
                    self._pending.append((arg, seq))
            elif kind == "abort":
                self._abort(arg)

    def _abort(self, request_id: str) -> None:
        if request_id in self._running:
            del self._running[request_id]
            try:
                self.engine.abort(request_id)
            except Exception:  # the sequence may have finished in the same step
                log.debug("abort of %s raised", request_id, exc_info=True)
            self._aborted += 1
            return
        for item in list(self._pending):
            if item[1].request_id == request_id:
                self._pending.remove(item)
                self._release_waiting(1)
                self._aborted += 1
                return

    def _admit(self) -> None:
        import model

        while self._pending and len(self._running) < self.max_batch:
            group, seq = self._pending[0]
            try:
                self.engine.add_request(seq.request_id, seq.prompt_ids, seq.params)
            except model.KVCacheFull as exc:
                if self._running:
                    return  # wait for a running sequence to finish and free blocks
                self._fail_group(group, exc)  # cannot fit even alone
                continue
            except Exception as exc:
                self._fail_group(group, exc)
                continue
            self._pending.popleft()
            self._release_waiting(1)
            self._running[seq.request_id] = group

    def _fail_group(self, group: Group, exc: BaseException) -> None:
        """Drop every sequence of ``group`` (pending or running) and hand it ``exc``."""
        ids = {s.request_id for s in group.sequences}
        kept = collections.deque()
        for item in self._pending:
            if item[1].request_id in ids:
                self._release_waiting(1)
            else:
                kept.append(item)
        self._pending = kept
        for rid in ids & set(self._running):
            del self._running[rid]
            try:
                self.engine.abort(rid)
            except Exception:
                log.debug("abort of %s raised", rid, exc_info=True)
        self._deliver([(group, exc)])

    def _step(self) -> None:
        try:
            events = self.engine.step()
        except Exception as exc:
            log.error("engine.step failed; failing the running requests", exc_info=exc)
            for group in {id(g): g for g in self._running.values()}.values():
                self._fail_group(group, errors.internal_error())
            return
        self._steps += 1
        out = []
        for ev in events:
            group = self._running.get(ev.request_id)
            if group is None:  # aborted while the step ran
                continue
            if ev.finish_reason is not None:
                del self._running[ev.request_id]
            out.append((group, ev))
        self._deliver(out)

    def _deliver(self, items: list) -> None:
        if not items or self._loop is None:
            return
        try:
            self._loop.call_soon_threadsafe(_put_all, items)
        except RuntimeError:  # the loop is closed: the server is going away
            pass

    def _release_waiting(self, n: int) -> None:
        with self._waiting_lock:
            self._waiting_count -= n

    def _publish_stats(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_stats < _STATS_EVERY_S:
            return
        self._last_stats = now
        try:
            s = self.engine.stats()
        except Exception:
            s = {}
        self.stats = SchedulerStats(
            waiting=len(self._pending), running=len(self._running),
            kv_blocks_used=int(s.get("kv_blocks_used", 0)),
            kv_blocks_total=int(s.get("kv_blocks_total", 0)),
            prefix_cache_hits=int(s.get("prefix_cache_hits", 0)),
            prefix_cache_queries=int(s.get("prefix_cache_queries", 0)),
            steps=self._steps, aborted=self._aborted)
        if self._on_stats is not None:
            self._on_stats(self.stats)

    def _fail_everything(self, exc: BaseException) -> None:
        groups = {id(g): g for g in self._running.values()}
        groups.update({id(g): g for g, _ in self._pending})
        for group in groups.values():
            self._fail_group(group, exc)

    def _shutdown(self) -> None:
        gone = errors.APIError(503, "The server is shutting down.", type="server_error",
                               code="shutting_down", headers={"Retry-After": str(RETRY_AFTER_S)})
        while True:  # submissions that raced with the stop command
            try:
                kind, arg = self._commands.get_nowait()
            except queue.Empty:
                break
            if kind == "submit":
                for seq in arg.sequences:
                    self._pending.append((arg, seq))
        try:
            self._fail_everything(gone)
        finally:
            self._publish_stats(force=True)


def _put_all(items) -> None:
    for group, item in items:
        group.queue.put_nowait(item)


class EmbeddingRunner:
    """Runs ``engine.embed`` on one dedicated thread, batching requests that wait together.

    Requests that queue up while the encoder is busy are embedded in one call (up to
    ``max_batch_inputs`` inputs), then split back; if that call fails, each request is
    retried alone so that an error (an input too long) reaches only its own request.
    At most ``max_in_flight`` requests wait; more get 429."""

    def __init__(self, load_engine: Callable[[], Any], *, max_in_flight: int = 256,
                 max_batch_inputs: int = 64):
        self._load_engine = load_engine
        self.max_in_flight = max_in_flight
        self.max_batch_inputs = max_batch_inputs
        self.in_flight = 0
        self.engine = None
        self.load_error: BaseException | None = None
        self._ready = threading.Event()
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._thread_main, name="nleanjit-embed", daemon=True)
        self._thread.start()

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    async def embed(self, inputs, truncate: bool):
        if not self.ready or self.load_error is not None:
            raise errors.not_ready()
        if self.in_flight >= self.max_in_flight:
            raise errors.queue_full(RETRY_AFTER_S)
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self.in_flight += 1
        try:
            self._jobs.put((list(inputs), truncate, future, loop))
            return await future
        finally:
            self.in_flight -= 1

    def stop(self) -> None:
        self._jobs.put(None)
        self._thread.join(10)

    # --- embedding thread ---------------------------------------------------------

    def _thread_main(self) -> None:
        try:
            self.engine = self._load_engine()
        except BaseException as exc:
            self.load_error = exc
            log.error("loading the embedding model failed", exc_info=exc)
            return
        finally:
            self._ready.set()
        stopping = False
        while not stopping:
            job = self._jobs.get()
            if job is None:
                break
            batch, count = [job], len(job[0])
            while count < self.max_batch_inputs:
                try:
                    more = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                batch.append(more)
                count += len(more[0])
            self._run(batch)
        while True:  # whatever raced with the stop
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                _settle(job, None, errors.APIError(503, "The server is shutting down.", type="server_error",
                                                   code="shutting_down"))

    def _run(self, batch: list) -> None:
        groups: dict[tuple, list] = {}
        for job in batch:  # one engine call takes one kind of input and one truncate flag
            groups.setdefault((job[1], isinstance(job[0][0], str)), []).append(job)
        for (truncate, _), jobs in groups.items():
            inputs = [x for job in jobs for x in job[0]]
            try:
                result = self.engine.embed(inputs, truncate)
            except Exception as exc:
                if len(jobs) == 1:
                    _settle(jobs[0], None, exc)
                else:  # find out whose input it was: each request alone
                    for job in jobs:
                        self._run([job])
                continue
            start = 0
            for job in jobs:
                end = start + len(job[0])
                _settle(job, _EmbeddingSlice(result.vectors[start:end], result.token_counts[start:end]), None)
                start = end


@dataclass(frozen=True)
class _EmbeddingSlice:
    """One request's part of a batched ``EmbeddingResult``."""

    vectors: Any
    token_counts: list


def _settle(job, value, exc) -> None:
    _, _, future, loop = job

    def resolve():
        if future.done():  # the client went away
            return
        if exc is not None:
            future.set_exception(exc)
        else:
            future.set_result(value)

    try:
        loop.call_soon_threadsafe(resolve)
    except RuntimeError:  # the loop is closed
        pass
