"""The continuous-batching scheduler alone, against a small scripted engine.

The scripted engine below is a test double of the engine API (add_request /
step / abort / stats) that records what the scheduler asks of it; the real
engine is driven end to end through the server in test_openai_api.py.
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

import model
from server import errors
from server.scheduler import Scheduler, Sequence


class ScriptedEngine:
    """Each request emits ``max_tokens`` tokens (id = prompt[0] * 100 + k), one per step.
    A KV budget in 'blocks' (one per token of prompt + max_tokens) makes add_request
    raise KVCacheFull like the real engine."""

    def __init__(self, kv_blocks: int = 10_000, fail_step_on: str | None = None, step_s: float = 0.0):
        self.step_s = step_s
        self.kv_blocks = kv_blocks
        self.used = 0
        self.seqs: dict[str, list] = {}
        self.max_running_seen = 0
        self.aborted: list[str] = []
        self.fail_step_on = fail_step_on
        self.thread_ids: set[int] = set()

    def _touch(self):
        self.thread_ids.add(threading.get_ident())

    def add_request(self, rid, prompt_ids, params):
        self._touch()
        need = len(prompt_ids) + params.max_tokens
        if need > self.kv_blocks:
            raise model.KVCacheFull(need, self.kv_blocks - self.used, self.kv_blocks)
        if self.used + need > self.kv_blocks:
            raise model.KVCacheFull(need, self.kv_blocks - self.used, self.kv_blocks)
        self.used += need
        self.seqs[rid] = [prompt_ids, params, 0, need]
        self.max_running_seen = max(self.max_running_seen, len(self.seqs))

    def step(self):
        self._touch()
        if self.step_s:
            time.sleep(self.step_s)
        events = []
        for rid, s in list(self.seqs.items()):
            if self.fail_step_on and rid.startswith(self.fail_step_on):
                raise RuntimeError("kernel exploded")
            s[2] += 1
            done = s[2] >= s[1].max_tokens
            events.append(model.TokenEvent(
                request_id=rid, token_id=s[0][0] * 100 + s[2], text=f"<{s[0][0]}:{s[2]}>",
                logprob=-0.5, top_logprobs=(), finish_reason="length" if done else None,
                prompt_tokens=len(s[0]), completion_tokens=s[2]))
            if done:
                self.used -= s[3]
                del self.seqs[rid]
        return events

    def abort(self, rid):
        self._touch()
        self.aborted.append(rid)
        s = self.seqs.pop(rid, None)
        if s is not None:
            self.used -= s[3]

    def has_unfinished(self):
        return bool(self.seqs)

    def stats(self):
        return {"running": len(self.seqs), "waiting": 0, "kv_blocks_used": self.used,
                "kv_blocks_total": self.kv_blocks, "prefix_cache_hits": 0, "prefix_cache_queries": 0}


def _seq(rid, first, max_tokens):
    return Sequence(rid, [first, 1, 2], model.SamplingParams(max_tokens=max_tokens))


async def _drain(group):
    out = []
    while not group.done:
        out.append(await asyncio.wait_for(group.next(), 5))
    return out


def _with_scheduler(engine, coro_fn, **kw):
    async def main():
        sched = Scheduler(lambda: engine, **kw)
        sched.start(asyncio.get_running_loop())
        await asyncio.get_running_loop().run_in_executor(None, sched.ready.wait, 5)
        try:
            return await coro_fn(sched)
        finally:
            sched.stop()
    return asyncio.run(main())


def test_events_reach_their_own_group_and_batch_stays_bounded():
    engine = ScriptedEngine()

    async def run(sched):
        groups = [sched.submit([_seq(f"r{i}-0", i + 1, 3 + i % 4)]) for i in range(12)]
        return await asyncio.gather(*(_drain(g) for g in groups))

    results = _with_scheduler(engine, run, max_batch=4, max_queue=64)
    for i, events in enumerate(results):
        n = 3 + i % 4
        assert [e.text for e in events] == [f"<{i + 1}:{k}>" for k in range(1, n + 1)]
        assert events[-1].finish_reason == "length"
    assert engine.max_running_seen == 4  # joined between steps, never more than max_batch
    assert len(engine.thread_ids) == 1  # one thread drives the engine


def test_queue_full_answers_429_with_retry_after():
    engine = ScriptedEngine()

    async def run(sched):
        held = [sched.submit([_seq(f"a{i}-0", 1, 50)]) for i in range(3)]  # 1 running + 2 waiting
        with pytest.raises(errors.APIError) as info:
            for i in range(3):
                sched.submit([_seq(f"b{i}-0", 1, 1)])
        for g in held:
            g.close()
        return info.value

    err = _with_scheduler(engine, run, max_batch=1, max_queue=2)
    assert err.status == 429 and err.code == "queue_full" and err.headers["Retry-After"] == "1"


def test_request_larger_than_the_whole_server_is_a_400_not_a_retry():
    async def run(sched):
        with pytest.raises(errors.APIError) as info:
            sched.submit([_seq(f"x-{i}", 1, 1) for i in range(10)])
        return info.value

    err = _with_scheduler(ScriptedEngine(), run, max_batch=2, max_queue=3)
    assert err.status == 400 and err.param == "n"


def test_abort_frees_the_sequence_and_lets_a_waiting_one_run():
    engine = ScriptedEngine(step_s=0.002)

    async def run(sched):
        long = sched.submit([_seq("long-0", 7, 5_000)])
        first = await asyncio.wait_for(long.next(), 5)
        waiting = sched.submit([_seq("short-0", 8, 2)])
        await asyncio.sleep(0.05)
        assert engine.seqs.keys() == {"long-0"}  # max_batch=1: short waits
        long.close()
        events = await _drain(waiting)
        return first, events

    first, events = _with_scheduler(engine, run, max_batch=1, max_queue=4)
    assert first.text == "<7:1>"
    assert "long-0" in engine.aborted and engine.used == 0
    assert [e.text for e in events] == ["<8:1>", "<8:2>"]


def test_kv_cache_full_waits_for_room_and_fails_when_it_can_never_fit():
    engine = ScriptedEngine(kv_blocks=20)

    async def run(sched):
        a = sched.submit([_seq("a-0", 1, 10)])  # needs 13 of 20 blocks
        b = sched.submit([_seq("b-0", 2, 10)])  # must wait until a finishes
        too_big = sched.submit([_seq("c-0", 3, 100)])
        ra, rb = await asyncio.gather(_drain(a), _drain(b))
        with pytest.raises(model.KVCacheFull):
            await _drain(too_big)
        return ra, rb

    ra, rb = _with_scheduler(engine, run, max_batch=8, max_queue=8)
    assert len(ra) == 10 and len(rb) == 10
    assert engine.max_running_seen == 1


def test_an_engine_failure_fails_the_running_requests_and_the_scheduler_goes_on():
    engine = ScriptedEngine(fail_step_on="bad")

    async def run(sched):
        bad = sched.submit([_seq("bad-0", 1, 3)])
        with pytest.raises(errors.APIError) as info:
            await _drain(bad)
        engine.fail_step_on = None
        good = sched.submit([_seq("good-0", 2, 2)])
        return info.value, await _drain(good)

    err, good = _with_scheduler(engine, run, max_batch=4, max_queue=4)
    assert err.status == 500 and "exploded" not in err.message
    assert [e.text for e in good] == ["<2:1>", "<2:2>"]


def test_load_failure_is_reported_and_requests_get_503():
    def boom():
        raise model.ModelFileMissing("/nowhere/config.json")

    async def main():
        sched = Scheduler(boom)
        sched.start(asyncio.get_running_loop())
        await asyncio.get_running_loop().run_in_executor(None, sched.ready.wait, 5)
        with pytest.raises(errors.APIError) as info:
            sched.submit([_seq("a-0", 1, 1)])
        sched.stop()
        return sched, info.value

    sched, err = asyncio.run(main())
    assert isinstance(sched.load_error, model.ModelFileMissing)
    assert err.status == 503


def test_a_scheduler_bug_fails_requests_instead_of_hanging_them():
    engine = ScriptedEngine()

    class Broken(Scheduler):
        def _admit(self):
            if any(seq.request_id.startswith("boom") for _, seq in self._pending):
                raise RuntimeError("bookkeeping bug")
            super()._admit()

    async def main():
        sched = Broken(lambda: engine, max_batch=2, max_queue=4)
        sched.start(asyncio.get_running_loop())
        await asyncio.get_running_loop().run_in_executor(None, sched.ready.wait, 5)
        with pytest.raises(errors.APIError) as boom:
            await _drain(sched.submit([_seq("boom-0", 1, 2)]))
        assert boom.value.status == 500
        ok = await _drain(sched.submit([_seq("fine-0", 1, 2)]))
        sched.stop()
        with pytest.raises(errors.APIError) as info:
            sched.submit([_seq("late-0", 1, 1)])
        return ok, info.value

    ok, late = asyncio.run(main())
    assert [e.text for e in ok] == ["<1:1>", "<1:2>"]
    assert late.status == 503 and late.code == "shutting_down"


def test_requests_still_waiting_at_shutdown_get_503():
    engine = ScriptedEngine(step_s=0.002)

    async def run(sched):
        running = sched.submit([_seq("run-0", 1, 5_000)])
        waiting = sched.submit([_seq("wait-0", 2, 2)])
        await asyncio.wait_for(running.next(), 5)
        await asyncio.get_running_loop().run_in_executor(None, sched.stop)
        for group in (running, waiting):
            with pytest.raises(errors.APIError) as info:
                await _drain(group)
            assert info.value.status == 503
        return True

    assert _with_scheduler(engine, run, max_batch=1, max_queue=4)


class ScriptedEncoder:
    """embed() returns one row per input: [len(text), index in the call]; "long" inputs raise."""

    def __init__(self):
        self.calls: list[int] = []
        self.gate = threading.Event()

    def embed(self, inputs, truncate=False):
        self.gate.wait(5)
        self.calls.append(len(inputs))
        for i, text in enumerate(inputs):
            if text.startswith("long") and not truncate:
                raise model.InputTooLong(i, 999, 256)
        import numpy as np

        return model.EmbeddingResult(np.array([[len(t), i] for i, t in enumerate(inputs)], dtype=np.float32),
                                     [len(t) for t in inputs])


def test_embeddings_that_wait_together_share_one_call_and_errors_stay_their_own():
    from server.scheduler import EmbeddingRunner

    encoder = ScriptedEncoder()

    async def main():
        runner = EmbeddingRunner(lambda: encoder)
        await asyncio.get_running_loop().run_in_executor(None, runner._ready.wait, 5)
        first = asyncio.ensure_future(runner.embed(["a"], False))  # occupies the thread
        await asyncio.sleep(0.05)
        rest = [asyncio.ensure_future(runner.embed([t], False)) for t in ("bb", "long x", "cccc")]
        await asyncio.sleep(0.05)
        encoder.gate.set()
        results = await asyncio.gather(first, *rest, return_exceptions=True)
        runner.stop()
        return results

    a, b, bad, c = asyncio.run(main())
    assert a.vectors.tolist() == [[1, 0]]
    assert b.vectors[0, 0] == 2 and c.vectors[0, 0] == 4 and c.token_counts == [4]
    assert isinstance(bad, model.InputTooLong)
    # the first call alone, then the three waiting ones together, then each alone after the failure
    assert encoder.calls[:2] == [1, 3] and sorted(encoder.calls[2:]) == [1, 1, 1]
