"""The checker worker process: prelude loaded once, then one job at a time over a pipe.

In: jobs from the pool over a ``multiprocessing`` connection, ``("check", code,
use_header_cache)``, ``("repl", chain)`` or ``("tactic", origin, done, tactic)``.  Out: one reply per job, the
``Checker``'s dict (``response``, ``outcome``, ``cache_hit``) or ``{"error",
"outcome"}`` for what is not a Lean message.

The process lowers its own address-space limit (``RLIMIT_AS``) before loading
anything big, so a snippet that allocates without bound gets ``MemoryError``
instead of taking the machine down; after such a failure the worker exits, and
the pool replaces it (a worker that ran out of memory is never reused).  The
wall-clock limit is the pool's job: it kills this process.
"""

from __future__ import annotations

import os
import resource
import signal


def worker_main(conn, memory_bytes: int | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    set_memory_limit(memory_bytes)
    from server.lean.checker import Checker

    try:
        checker = Checker()
    except BaseException as exc:  # noqa: BLE001 - reported to the pool, which logs it
        conn.send({"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return
    conn.send({"ready": True, "pid": os.getpid()})
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        reply, must_exit = handle(checker, job)
        conn.send(reply)
        if must_exit:
            return  # a worker that ran out of memory may be half-broken: the pool replaces it


def set_memory_limit(memory_bytes: int | None) -> None:
    if memory_bytes:
        try:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        except (ValueError, OSError):
            pass  # a lower hard limit is already in place


def handle(checker, job: tuple) -> tuple[dict, bool]:
    """(the reply to one job, whether this worker must exit after sending it)."""
    try:
        if job[0] == "check":
            reply = checker.check(job[1], job[2])
        elif job[0] == "tactic":
            reply = checker.tactic(job[1], job[2], job[3])
        else:
            reply = checker.repl(job[1])
    except MemoryError:
        return {"error": "Lean REPL memory limit exceeded", "outcome": "limit"}, True
    except RecursionError:
        return {"error": "Lean REPL stack limit exceeded", "outcome": "limit"}, False
    except Exception as exc:  # noqa: BLE001 - the elaborator promises not to raise; be safe
        return {"error": f"internal error in the checker: {type(exc).__name__}: {exc}",
                "outcome": "internal"}, False
    if _ran_out_of_memory(reply):
        return {"error": "Lean REPL memory limit exceeded", "outcome": "limit"}, True
    reply["worker"] = os.getpid()
    return reply, False


def _ran_out_of_memory(reply: dict) -> bool:
    # the elaborator turns unexpected exceptions into "internal error" messages
    for m in reply.get("response", {}).get("messages", ()):
        if m["severity"] == "error" and "MemoryError" in m["data"]:
            return True
    return False
