"""The hook between ``/v1/lean/run`` and the native compiler, cached by the code's hash.

In: Lean source that elaborated without errors.  Out: a ``CompiledProgram``:
the argv of a linked executable to run in the sandbox, or ``None`` with the
messages (Lean-style, in the REPL's shape) that say why there is none — for
example "code generation for X is not supported yet" for what the native
compiler cannot lower yet (``docs/COMPILER.md``).

Executables are cached under ``$NLEANJIT_RUN_CACHE`` (default
``~/.cache/nleanjit/run``) by the SHA-256 of the code, so running the same
program again costs only the sandbox start.  This runs in a worker thread, off
the event loop: elaboration and linking take a good fraction of a second.
"""

from __future__ import annotations

import hashlib
import os
import re
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


def compile_program(code: str, entry: str = "main") -> CompiledProgram:
    """The executable of ``entry`` (an ``IO`` action) in ``code``, built or found in the cache."""
    key = code_hash(code if entry == "main" else f"{entry}\x00{code}")
    exe = cache_dir() / key[:2] / key / "program"
    if exe.is_file():
        return CompiledProgram([str(exe)], [], key)
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
