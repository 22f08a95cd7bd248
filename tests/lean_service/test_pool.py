"""The pool's promises with stand-in workers: crashes, hangs and limits replace the worker."""

from __future__ import annotations

import asyncio

import pytest

from server.lean.pool import CheckerPool, QueueFull


class FakeWorker:
    """Answers by the code it gets: "ok", "hang", "die", "oom", "broken"."""

    kind = "fake"
    made = 0

    def __init__(self):
        FakeWorker.made += 1
        self.n = FakeWorker.made
        self.killed = False

    async def call(self, message):
        code = message[1]
        if self.killed:
            raise EOFError
        if code == "hang":
            await asyncio.sleep(3600)
        if code == "die":
            raise EOFError
        if code == "oom":
            return {"error": "Lean REPL memory limit exceeded", "outcome": "limit"}
        return {"response": {"env": 0}, "outcome": "valid", "worker": self.n}

    def death(self):
        return "Lean worker crashed (exit code -11)"

    def kill(self):
        self.killed = True

    def stop(self):
        self.killed = True


class FakePool(CheckerPool):
    async def start(self):
        self._start_loops()

    async def _new_worker(self):
        if getattr(self, "fail_start", False):
            raise RuntimeError("a Lean worker failed to load the prelude: PreludeError: broken")
        return FakeWorker()


def run(coro):
    return asyncio.run(coro)


def test_crash_timeout_and_limit_each_replace_the_worker():
    async def scenario():
        pool = FakePool(1, max_queue=8)
        await pool.start()
        ok = await pool.check("ok", 5)
        first = ok.worker
        crashed = await pool.check("die", 5)
        hung = await pool.check("hang", 0.2)
        oom = await pool.check("oom", 5)
        after = await pool.check("ok", 5)
        await pool.stop()
        return first, crashed, hung, oom, after, pool.restarts

    first, crashed, hung, oom, after, restarts = run(scenario())
    assert (crashed.outcome, crashed.error) == ("limit", "Lean worker crashed (exit code -11)")
    assert (hung.outcome, hung.error) == ("timeout", "Lean REPL command timed out in 0.2 seconds")
    assert (oom.outcome, oom.error) == ("limit", "Lean REPL memory limit exceeded")
    assert after.outcome == "valid" and after.worker != first
    assert restarts == 3


def test_a_batch_is_admitted_whole_or_refused_whole():
    async def scenario():
        pool = FakePool(1, max_queue=2)
        await pool.start()
        with pytest.raises(QueueFull):
            pool.submit_many([("check", "ok", True)] * 4, 5)  # room: 2 waiting + 1 free worker
        assert pool.waiting == 0
        results = await asyncio.gather(*pool.submit_many([("check", "ok", True)] * 3, 5))
        await pool.stop()
        return results

    assert [r.outcome for r in run(scenario())] == ["valid"] * 3


def test_workers_that_cannot_start_answer_with_an_error_instead_of_hanging():
    async def scenario():
        pool = FakePool(1, max_queue=2)
        pool.fail_start = True
        await pool.start()
        return await asyncio.wait_for(pool.check("ok", 5), 10)

    r = run(scenario())
    assert r.outcome == "internal" and r.error.startswith("the Lean checker could not start: ")
    assert "PreludeError" in r.error


def test_worker_handle_turns_memory_errors_into_a_limit_and_exits():
    from server.lean.worker import handle

    class Exhausted:
        def check(self, code, reuse):
            raise MemoryError

        def repl(self, chain):
            return {"response": {"env": 0, "messages": [
                {"severity": "error", "data": "internal error in nleanjit's elaborator: MemoryError: "}]},
                "outcome": "lean_error"}

    assert handle(Exhausted(), ("check", "x", True)) == (
        {"error": "Lean REPL memory limit exceeded", "outcome": "limit"}, True)
    # the elaborator caught it and made a message: still a limit, and the worker goes
    assert handle(Exhausted(), ("repl", ["x"])) == (
        {"error": "Lean REPL memory limit exceeded", "outcome": "limit"}, True)


def test_a_session_goes_back_to_its_worker_while_it_is_idle_and_never_waits_for_it():
    async def scenario():
        pool = FakePool(2, max_queue=8)
        await pool.start()
        await asyncio.wait_for(pool.ready.wait(), 5)
        first = await pool.submit_many([("repl", "ok")], 5, home_key="s")[0]
        again = [await pool.submit_many([("repl", "ok")], 5, home_key="s")[0] for _ in range(6)]
        # while its worker is busy, a job of the session runs on the other one at once
        hang = pool.submit_many([("repl", "hang")], 0.5, home_key="s")[0]
        await asyncio.sleep(0.05)
        elsewhere = await asyncio.wait_for(pool.submit_many([("repl", "ok")], 5, home_key="s")[0], 0.3)
        timed_out = await hang
        await pool.stop()
        return first, again, elsewhere, timed_out

    first, again, elsewhere, timed_out = run(scenario())
    assert {r.worker for r in again} == {first.worker}
    assert elsewhere.worker != first.worker and timed_out.outcome == "timeout"
