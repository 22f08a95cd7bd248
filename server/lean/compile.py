"""The hook between ``/v1/lean/run`` and the native compiler, cached by the code's hash.

In: Lean source that elaborated without errors.  Out: a ``CompiledProgram``:
the argv of a linked executable to run in the sandbox, or ``None`` with the
messages (Lean-style, in the REPL's shape) that say why there is none — for
example "code generation for X is not supported yet" for what the native
compiler cannot lower yet (``docs/COMPILER.md``).

Executables are cached under ``$NLEANJIT_RUN_CACHE`` (default
``~/.cache/nleanjit/run``) by the SHA-256 of the code, so running the same
program again costs only the sandbox start.  A cache miss compiles in a child
process (``python -m server.lean.compile``, about half a second of start-up) under
a wall-clock limit and an address-space limit, so a program that elaborates or
compiles for too long is killed, never left running in the server; the caller
runs this in a worker thread, off the event loop.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

RUN_FILE = "<run>"
_LEAN_LINE = re.compile(r"^.*?:(\d+):(\d+): (error|warning|info|information): (.*)$", re.S)


@dataclass(frozen=True)
class CompiledProgram:
    argv: list[str] | None
    messages: list[dict] = field(default_factory=list)
    cache_key: str = ""


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()


def cache_dir() -> Path:
    return Path(os.environ.get("NLEANJIT_RUN_CACHE", Path.home() / ".cache" / "nleanjit" / "run"))


COMPILE_TIMEOUT_S = 60.0  # a compile with no caller's limit
COMPILE_MEMORY_BYTES = 4 << 30


def compile_program(code: str, entry: str = "main", timeout: float | None = None) -> CompiledProgram:
    """The executable of ``entry`` (an ``IO`` action) in ``code``, found in the cache or built in a
    child process that is killed after ``timeout`` seconds (the snippet's or the run's)."""
    key = code_hash(code if entry == "main" else f"{entry}\x00{code}")
    exe = cache_dir() / key[:2] / key / "program"
    if exe.is_file():
        return CompiledProgram([str(exe)], [], key)
    limit = COMPILE_TIMEOUT_S if timeout is None else max(float(timeout), 1.0)
    try:
        done = subprocess.run([sys.executable, "-m", "server.lean.compile"], input=json.dumps({"code": code, "entry": entry}),
                              capture_output=True, text=True, timeout=limit, preexec_fn=_limit_memory)
        answer = json.loads(done.stdout)
    except subprocess.TimeoutExpired:
        return CompiledProgram(None, [lean_message(f"{RUN_FILE}:1:0: error: native compilation did not finish "
                                                   f"within {limit:g} s")], key)
    except (OSError, ValueError):
        return CompiledProgram(None, [lean_message(f"{RUN_FILE}:1:0: error: native compilation failed "
                                                   f"(the compiler process ended without an answer)")], key)
    return CompiledProgram(answer["argv"], answer["messages"], key)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (COMPILE_MEMORY_BYTES, COMPILE_MEMORY_BYTES))


def _compile_here(code: str, entry: str) -> CompiledProgram:
    """What the child process does: elaborate, compile and link ``entry`` into the cache."""
    key = code_hash(code if entry == "main" else f"{entry}\x00{code}")
    exe = cache_dir() / key[:2] / key / "program"
    from nleanjit.codegen.driver import compile_to_executable
    from nleanjit.compiler import frontend

    try:
        prog = frontend.compile_program(code, RUN_FILE, entry=entry)
        exe.parent.mkdir(parents=True, exist_ok=True)
        partial = exe.with_name(f"program.{os.getpid()}.tmp")
        compile_to_executable(prog.fdecls, prog.externs, partial, opt_level=1, **frontend.entry_flags(prog))
        os.replace(partial, exe)  # atomic: a concurrent run of the same code sees all or nothing
    except frontend.FrontendError as err:
        return CompiledProgram(None, [lean_message(m) for m in err.messages], key)
    except Exception as err:  # a compiler bug: say so plainly, keep the server up
        return CompiledProgram(None, [lean_message(f"{RUN_FILE}:1:0: error: internal compiler error: "
                                                   f"{type(err).__name__}: {err}")], key)
    return CompiledProgram([str(exe)], [], key)


def lean_message(line: str) -> dict:
    """`file:line:col: severity: text` as the REPL's message object."""
    m = _LEAN_LINE.match(line)
    if m is None:
        return {"severity": "error", "pos": {"line": 1, "column": 0}, "endPos": {"line": 1, "column": 0}, "data": line}
    row, col, severity, text = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
    severity = "info" if severity == "information" else severity
    return {"severity": severity, "pos": {"line": row, "column": col}, "endPos": {"line": row, "column": col},
            "data": text}


if __name__ == "__main__":  # the child of ``compile_program``: a JSON request on stdin, the answer on stdout
    request = json.loads(sys.stdin.read())
    result = _compile_here(request["code"], request["entry"])
    sys.stdout.write(json.dumps({"argv": result.argv, "messages": result.messages}))
