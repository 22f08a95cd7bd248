"""The Lean service of one server process: ``app.ctx.lean``.

In: validated request bodies from ``server.routes.lean`` (native types).  Out:
the JSON-ready answers of ``/api/check``, ``/verify``, ``/v1/lean/repl`` and
``/v1/lean/run``; ``/v1/lean/prove`` builds on ``check_codes`` (``prove.py``).

It owns the checker pool (``pool.py``), the REPL sessions (an LRU of sessions,
each a list of environments, each environment the chain of commands that built
it, and a bounded map of proof states, each where its goal came from plus the
tactics run since: ``Checker.tactic`` rebuilds them in any worker), the sandbox
(``sandbox.py``) and the compile hook (``compile.py``).  One snippet's failure
never fails the others: every snippet gets its own result.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import hashlib
import logging
import time
from dataclasses import dataclass, field

from server import errors
from server.lean.compile import compile_program
from server.lean.config import LeanConfig
from server.lean.eval_io import UNSUPPORTED_EVAL, evaluate_io
from server.lean.metrics import LeanMetrics
from server.lean.pool import CheckerPool, PoolStopped, QueueFull, SnippetResult
from server.lean.sandbox import Sandbox, SandboxLimits

log = logging.getLogger("nleanjit.server")


class LeanError(Exception):
    """A REPL-level error answered as ``{"message": ...}`` (the Lean REPL's error shape)."""


@dataclass
class _Session:
    envs: list = field(default_factory=list)
    """Environment id → the chain of commands that built it."""
    proof_states: collections.OrderedDict = field(default_factory=collections.OrderedDict)
    """Proof state id → (origin, tactics run since): see ``Checker.tactic``; oldest dropped first."""
    next_proof_state: int = 0


class Sessions:
    """REPL environments and proof states per session key, the least recently used session
    dropped first.  Each session holds at most ``max_envs`` environments (then a new one is
    refused) and ``max_proof_states`` proof states (then the oldest is dropped: ids are never
    reused, and a dropped one answers ``Unknown proof state.``)."""

    def __init__(self, max_sessions: int, max_envs: int, max_proof_states: int = 4096):
        self.max_sessions = max_sessions
        self.max_envs = max_envs
        self.max_proof_states = max_proof_states
        self._sessions: collections.OrderedDict[str, _Session] = collections.OrderedDict()

    def _touch(self, session: str, create: bool) -> _Session | None:
        found = self._sessions.get(session)
        if found is None and create:
            found = self._sessions[session] = _Session()
        if found is not None:
            self._sessions.move_to_end(session)
            while len(self._sessions) > self.max_sessions:
                self._sessions.popitem(last=False)
        return found

    def chain(self, session: str, cmd: str, env: int | None) -> tuple[str, ...]:
        """The commands that build the environment ``cmd`` runs in, plus ``cmd``."""
        if env is None:
            return (cmd,)
        s = self._touch(session, False)
        if s is None or not 0 <= env < len(s.envs):
            raise LeanError(f"unknown environment {env}" + ("" if s is not None and s.envs else
                            " (this session has none: it is new, or it was dropped from the "
                            "LRU of sessions)"))
        return s.envs[env] + (cmd,)

    def add(self, session: str, chain: tuple[str, ...]) -> int:
        s = self._touch(session, True)
        if len(s.envs) >= self.max_envs:
            raise LeanError(f"this session already holds {self.max_envs} environments "
                            f"(NLEANJIT_LEAN_SESSION_ENVS); start a new session")
        s.envs.append(chain)
        return len(s.envs) - 1

    def proof_state(self, session: str, n: int) -> tuple:
        """(origin, tactics run since) of proof state ``n``; ``LeanError`` if there is none."""
        s = self._touch(session, False)
        found = None if s is None else s.proof_states.get(n)
        if found is None:
            why = (" (this session has none: it is new, or it was dropped from the LRU of sessions)"
                   if s is None or not s.proof_states else
                   f" (ids run to {s.next_proof_state - 1}; at most {self.max_proof_states} are kept, "
                   f"the oldest dropped first)")
            raise LeanError("Unknown proof state." + why)
        return found

    def add_proof_state(self, session: str, origin: tuple, done: tuple = ()) -> int:
        s = self._touch(session, True)
        n = s.next_proof_state
        s.next_proof_state += 1
        s.proof_states[n] = (origin, tuple(done))
        while len(s.proof_states) > self.max_proof_states:
            s.proof_states.popitem(last=False)
        return n

    def counts(self) -> tuple[int, int, int]:
        return (len(self._sessions), sum(len(s.envs) for s in self._sessions.values()),
                sum(len(s.proof_states) for s in self._sessions.values()))


class LeanService:
    def __init__(self, config: LeanConfig, registry):
        self.config = config
        self.metrics = LeanMetrics(registry, self._state)
        options = {"max_queue": config.max_queue, "memory_bytes": config.memory_mb << 20,
                   "metrics": self.metrics}
        if config.ray_address:
            from server.lean.ray_pool import RayCheckerPool

            self.pool = RayCheckerPool(config.ray_address, config.workers, **options)
        else:
            self.pool = CheckerPool(config.workers, **options)
        self.sessions = Sessions(config.sessions, config.session_envs, config.session_proof_states)
        self.sandbox: Sandbox | None = None
        self._eval_slots: asyncio.Semaphore | None = None  # created on the loop in start()

    def _state(self) -> dict:
        sessions, envs, proof_states = self.sessions.counts()
        return {"waiting": self.pool.waiting, "busy": self.pool.busy, "size": self.pool.size,
                "restarts": self.pool.restarts, "sessions": sessions, "environments": envs,
                "proof_states": proof_states, "session_limit": self.sessions.max_sessions,
                "proof_state_limit": self.sessions.max_proof_states}

    # --- lifecycle (Sanic listeners) ------------------------------------------------------

    async def start(self) -> None:
        await self.pool.start()
        # compiling holds this process's interpreter: one `#eval` program at a time, so the
        # event loop keeps answering (``eval_io.py``)
        self._eval_slots = asyncio.Semaphore(1)
        self.sandbox = Sandbox(SandboxLimits())
        level = logging.INFO if self.sandbox.bwrap else logging.WARNING  # the fallback is weaker: say so
        log.log(level, "Lean service: %d %s checker worker(s); %s", self.pool.size, self.pool.backend,
                self.sandbox.describe())

    async def stop(self) -> None:
        await self.pool.stop()

    # --- checking --------------------------------------------------------------------------

    async def check_codes(self, codes: list[str], timeout: float, reuse: bool = True) -> list[SnippetResult]:
        """Check several snippets side by side; results in the same order."""
        self._check_timeout(timeout)
        try:
            futures = self.pool.submit_many([("check", c, reuse) for c in codes], timeout)
        except QueueFull as exc:
            raise errors.queue_full(exc.retry_after_s) from None
        except PoolStopped as exc:
            raise _unavailable(exc) from None
        try:
            return list(await asyncio.gather(*futures))
        except PoolStopped as exc:
            raise _unavailable(exc) from None
        finally:  # the client went away (or an error): cancel what has not run
            for f in futures:
                if not f.done():
                    f.cancel()

    def _check_timeout(self, timeout: float) -> None:
        if timeout > self.config.max_timeout_s:
            raise errors.invalid_param("timeout", f"timeout must be at most {self.config.max_timeout_s:g} "
                                                  f"seconds (NLEANJIT_LEAN_MAX_TIMEOUT).")

    async def api_check(self, body: dict) -> dict:
        """Kimina Lean Server's ``POST /api/check``."""
        snippets = body["snippets"]
        ids = [s["id"] for s in snippets]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise errors.invalid_param("snippets", f"snippet ids must be unique; {dup!r} appears twice.")
        results = await self.check_codes([s["code"] for s in snippets], body["timeout"], body["reuse"])
        responses = await self._evaluate_io([("", s["code"]) for s in snippets], results, body["timeout"])
        session = _current_session()
        out = []
        for snippet, r, response in zip(snippets, results, responses):
            item: dict = {"id": snippet["id"], "time": round(r.time, 4)}
            if r.error is not None:
                item["error"] = r.error
            else:
                item["response"] = response
                self._number_sorries(session, r.response, ("check", snippet["code"]))
            if body["debug"]:
                item["diagnostics"] = {"outcome": r.outcome, "header_cache_hit": r.cache_hit,
                                       "worker": r.worker}
            out.append(item)
        return {"results": out}

    async def verify(self, body: dict) -> dict:
        """Kimina's legacy ``POST /verify``."""
        codes = []
        for i, c in enumerate(body["codes"]):
            code = c.get("proof") if c.get("proof") is not None else c.get("code")
            if code is None:
                raise errors.missing_param(f"codes[{i}].proof")
            codes.append(code)
        results = await self.check_codes(codes, body["timeout"], not body["disable_cache"])
        responses = await self._evaluate_io([("", c) for c in codes], results, body["timeout"])
        session = _current_session()
        for code, response in zip(codes, responses):
            if response is not None:
                self._number_sorries(session, response, ("check", code))
        return {"results": [{"custom_id": c["custom_id"], "error": r.error, "response": response}
                            for c, r, response in zip(body["codes"], results, responses)]}

    async def repl(self, session: str, body: dict) -> dict:
        """The Lean REPL's JSON protocol: ``{"cmd", "env"?}`` → ``{"env", "messages"?, "sorries"?}``;
        ``{"tactic", "proofState"}`` → ``{"proofState", "goals", "messages"?, "sorries"?, "proofStatus"}``."""
        if body["tactic"] is not None or body["proofState"] is not None:
            return await self._tactic(session, body)
        if body["cmd"] is None:
            raise LeanError("give \"cmd\" (a Lean command), optionally with \"env\", or \"tactic\" "
                            "with \"proofState\"")
        chain = self.sessions.chain(session, body["cmd"], body["env"])
        r = await self._one(("repl", list(chain)), body["timeout"], session)
        env = self.sessions.add(session, chain)
        prefix = "".join(c + "\n" for c in chain[:-1])
        (evaluated,) = await self._evaluate_io([(prefix, chain[-1])], [r], body["timeout"])
        response = {**evaluated, "env": env}
        self._number_sorries(session, response, ("repl", tuple(chain)))
        return response

    async def _tactic(self, session: str, body: dict) -> dict:
        if body["tactic"] is None or body["proofState"] is None:
            raise LeanError("tactic mode needs both \"tactic\" and \"proofState\" (a number from a "
                            "sorry of an earlier answer)")
        if body["cmd"] is not None:
            raise LeanError("give either \"cmd\" or \"tactic\", not both")
        origin, done = self.sessions.proof_state(session, body["proofState"])
        r = await self._one(("tactic", origin, list(done), body["tactic"]), body["timeout"], session)
        if "message" in r.response:
            raise LeanError(r.response["message"])
        out = {"proofState": self.sessions.add_proof_state(session, origin, done + (body["tactic"],))}
        out.update(r.response)
        self._number_sorries(session, out, ("tactic", origin, done, body["tactic"]))
        return out

    async def _evaluate_io(self, codes: list[tuple[str, str]], results: list[SnippetResult],
                           timeout: float) -> list[dict | None]:
        """Each result's response with the `#eval`s the elaborator could not evaluate compiled and
        run in the sandbox (``eval_io.py``), side by side off the event loop."""
        loop = asyncio.get_running_loop()

        async def one(prefix: str, code: str, r: SnippetResult):
            if r.response is None or self._eval_slots is None or not any(
                    m["data"].startswith(UNSUPPORTED_EVAL) for m in r.response.get("messages", ())):
                return r.response
            async with self._eval_slots:
                return await loop.run_in_executor(None, evaluate_io, prefix, code, r.response, self.sandbox,
                                                  timeout)

        return list(await asyncio.gather(*(one(p, c, r) for (p, c), r in zip(codes, results))))

    def _number_sorries(self, session: str | None, response: dict, origin_prefix: tuple) -> None:
        """The worker numbers saved goals 0, 1, … per command; the session gives them ids."""
        for sorry in response.get("sorries", ()):
            k = sorry.get("proofState")
            if k is not None:
                sorry["proofState"] = (None if session is None else
                                       self.sessions.add_proof_state(session, origin_prefix + (k,)))

    async def _one(self, job: tuple, timeout: float, session: str) -> SnippetResult:
        """One worker job for the REPL, preferably on the worker that ran the session's last one
        (it holds its environments and proof states); errors that are not Lean's come back as
        ``LeanError``."""
        self._check_timeout(timeout)
        try:
            (fut,) = self.pool.submit_many([job], timeout, home_key=session)
        except QueueFull as exc:
            raise errors.queue_full(exc.retry_after_s) from None
        except PoolStopped as exc:
            raise _unavailable(exc) from None
        try:
            r = await fut
        except PoolStopped as exc:
            raise _unavailable(exc) from None
        finally:
            if not fut.done():
                fut.cancel()
        if r.error is not None:
            raise LeanError(r.error)
        return r

    async def run(self, body: dict) -> dict:
        """``/v1/lean/run``: elaborate, compile (the hook), run in the sandbox."""
        started = time.monotonic()
        (r,) = await self.check_codes([body["code"]], body["timeout"], True)
        result = {"exit_code": None, "stdout": "", "stderr": "", "time": 0.0, "messages": []}
        if r.error is not None:
            result["messages"] = [_error_message(r.error)]
        else:
            result["messages"] = list(r.response.get("messages", []))
            if r.outcome != "lean_error":
                loop = asyncio.get_running_loop()
                compiled = await loop.run_in_executor(None, functools.partial(
                    compile_program, body["code"], timeout=body["timeout"]))
                result["messages"] += compiled.messages
                if compiled.argv is not None:
                    ran = await loop.run_in_executor(None, functools.partial(
                        self.sandbox.run, compiled.argv + list(body["args"]), body["stdin"], body["timeout"],
                        copy_program=True))
                    result.update(exit_code=ran.exit_code, stdout=ran.stdout, stderr=ran.stderr)
        result["time"] = round(time.monotonic() - started, 4)
        return result


def _unavailable(exc: Exception) -> errors.APIError:
    return errors.APIError(503, str(exc), type="server_error", code="shutting_down",
                           headers={"Retry-After": "1"})


def _error_message(text: str) -> dict:
    return {"severity": "error", "pos": {"line": 1, "column": 0}, "endPos": {"line": 1, "column": 0},
            "data": text}


def _current_session() -> str | None:
    """The session of the request being answered (proof states of /api/check's sorries are
    kept there, for ``/v1/lean/repl``'s tactic mode); None outside a request."""
    try:
        from sanic import Request

        return session_key(Request.get_current())
    except Exception:  # noqa: BLE001 - no current request (a direct call): no proof states
        return None


def session_key(request) -> str:
    """``X-Session-Id`` if given, else the API key, else one shared anonymous session."""
    sid = request.headers.get("x-session-id")
    if sid:
        return "sid:" + sid
    auth = request.headers.get("authorization", "")
    return "key:" + hashlib.sha256(auth.encode()).hexdigest()[:32]
