"""The checker worker process: prelude loaded once, then one job at a time over a pipe.

In: jobs from the pool over a ``multiprocessing`` connection, ``("check", code,
use_header_cache)`` or ``("repl", chain)``.  Out: one reply per job, the
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
    if memory_bytes:
        try:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        except (ValueError, OSError):
            pass  # a lower hard limit is already in place
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
        try:
            if job[0] == "check":
                reply = checker.check(job[1], job[2])
            else:
                reply = checker.repl(job[1])
        except MemoryError:
            conn.send({"error": "Lean REPL memory limit exceeded", "outcome": "limit"})
            return  # a worker that ran out of memory may be half-broken: let the pool replace it
        except RecursionError:
            reply = {"error": "Lean REPL stack limit exceeded", "outcome": "limit"}
        except Exception as exc:  # noqa: BLE001 - the elaborator promises not to raise; be safe
            reply = {"error": f"internal error in the checker: {type(exc).__name__}: {exc}",
                     "outcome": "internal"}
        if _ran_out_of_memory(reply):
            conn.send({"error": "Lean REPL memory limit exceeded", "outcome": "limit"})
            return
        conn.send(reply)


def _ran_out_of_memory(reply: dict) -> bool:
    # the elaborator turns unexpected exceptions into "internal error" messages
    for m in reply.get("response", {}).get("messages", ()):
        if m["severity"] == "error" and "MemoryError" in m["data"]:
            return True
    return False
