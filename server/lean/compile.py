"""The hook between ``/v1/lean/run`` and the native compiler, cached by the code's hash.

In: Lean source that elaborated without errors.  Out: a ``CompiledProgram``:
the argv of an executable to run in the sandbox, or ``None`` with the messages
that say why there is none.

The native back end exists from λRC IR down (``nleanjit.codegen.driver.
compile_to_executable``), but erasure — elaborated declarations to that IR —
does not yet, so no Lean source can be compiled: today every call answers with
one error message, ``native compilation is not available yet``, and
``/v1/lean/run`` returns it with ``exit_code: null``.  It never pretends to
have run anything.  Once erasure lands, ``compile_program`` elaborates, erases,
calls ``compile_to_executable`` into a cache folder keyed by ``code_hash``, and
returns the executable's argv; the route and the sandbox need no change.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

NOT_AVAILABLE = ("native compilation is not available yet: nleanjit has no code generator so far, "
                 "so /v1/lean/run elaborates the program but cannot run it")


@dataclass(frozen=True)
class CompiledProgram:
    argv: list[str] | None
    messages: list[dict] = field(default_factory=list)
    cache_key: str = ""


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()


def compile_program(code: str) -> CompiledProgram:
    key = code_hash(code)
    message = {"severity": "error", "pos": {"line": 1, "column": 0}, "endPos": {"line": 1, "column": 0},
               "data": NOT_AVAILABLE}
    return CompiledProgram(None, [message], key)
