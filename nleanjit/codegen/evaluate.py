"""`#eval` through the JIT: a closed kernel term → the text it computes.

What goes in: the elaborated environment (`ElabEnv`) and a closed, elaborated
kernel term (universe levels instantiated, no metavariables) of type
`String` or `Nat`, or an `IO` action returning `String` or `Unit`
(`IO`/`BaseIO`). What comes out: an `EvalResult` — the value as text (a
`String` as is, a `Nat` in decimal; the caller decides on quoting, as
Lean's `Repr` would), what the action printed on stdout, and the text of an
uncaught `IO` error. Anything else raises `EvalError` with a message.

How: erasure compiles the term as a function `_eval_N` (`Eraser.compile_term`)
plus everything it calls, the λRC passes and LLVM run as for a program, and
MCJIT compiles the module at -O0 (fast to build; a `#eval` runs once) into
this process, where the runtime's shared library is already loaded. The
call runs on a thread with a 1 GiB stack (the prelude's list functions
recurse once per element); stdout is captured by pointing file descriptor 1
at a temporary file for the duration of the call. Each evaluation keeps its
compiled module alive (MCJIT code cannot be unloaded), a few kilobytes each.

This is the JIT half of Lean's `#eval`; the elaborator (`elab/command.py`)
decides which terms to send here (for other types it can wrap the term in
`toString`/`repr` first).
"""

from __future__ import annotations

import ctypes
import itertools
import os
import sys
import tempfile
import threading
from dataclasses import dataclass

from nleanjit.kernel import expr as X

EVAL_OPT_LEVEL = 0
STRING_SIZE_OFFSET, STRING_DATA_OFFSET = 8, 32  # nl_string_object: header, size, capacity, length, data
IO_HEADS = ("IO", "BaseIO")

_counter = itertools.count(1)
_lock = threading.Lock()  # one evaluation at a time: stdout redirection is process-wide


class EvalError(Exception):
    """The term cannot be evaluated (its type, or a construct the compiler does not support)."""


@dataclass(frozen=True)
class EvalResult:
    value: str | None
    """The computed `String` (or `Nat` in decimal); None for `IO Unit` or after an error."""
    output: str
    """What the term printed on stdout while it ran."""
    error: str | None = None
    """`IO.Error.toString` of an uncaught error, else None."""


def _classify(tc, ty: X.Expr) -> tuple[bool, str]:
    """(is an IO action, value type name) for the supported types."""
    head, args = X.get_app_fn_args(ty)
    io = isinstance(head, X.Const) and head.name in IO_HEADS and len(args) == 1
    if io:
        ty = args[0]
    w = tc.whnf(ty)
    name = w.name if isinstance(w, X.Const) else None
    allowed = ("String", "Unit", "PUnit") if io else ("String", "Nat")
    if name not in allowed:
        kind = "an IO action returning" if io else "a term of type"
        raise EvalError(f"#eval through the JIT supports String and Nat terms and IO actions returning "
                        f"String or Unit, not {kind} {name or 'this type'}")
    return io, name


def eval_term(eenv, term: X.Expr) -> EvalResult:
    """Compile `term` (see the module docstring) and run it in this process."""
    from nleanjit.codegen import jit
    from nleanjit.codegen.llvm import emit_module, mangle
    from nleanjit.compiler.erase import Eraser, Unsupported
    from nleanjit.compiler.frontend import ERASE_RECURSION_LIMIT
    from nleanjit.compiler.ir import types as T
    from nleanjit.compiler.pipeline import run_pipeline

    eraser = Eraser(eenv)
    io, value_type = _classify(eraser.tc, eraser.type_of(term))
    if value_type == "Nat":
        term = X.App(X.Const("Nat.repr", ()), term)
    name = f"_eval_{next(_counter)}"
    try:
        decls = _on_big_stack(lambda: eraser.compile_term(name, term), ERASE_RECURSION_LIMIT)
    except Unsupported as err:
        where = f" (in '{err.decl}')" if err.decl and err.decl != name else ""
        raise EvalError(f"code generation for {err.what}{where} is not supported yet") from None
    externs = [d for d in decls if isinstance(d, T.Extern)]
    fdecls = [d for d in decls if isinstance(d, T.FDecl)]
    res = run_pipeline(fdecls, externs)
    engine = jit.jit_compile(emit_module(res.decls, externs), EVAL_OPT_LEVEL, "release")
    fn = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p)(engine.get_function_address(mangle(name)))
    lib = jit.load_runtime("release")
    with _lock:
        result, output = _captured(lib, lambda: _on_big_stack(lambda: fn(1)))  # box(0): the world / unit
    if not io:
        return EvalResult(_take_string(lib, result), output)
    return _io_result(lib, result, output, value_type == "String")


def _io_result(lib, r: int, output: str, has_value: bool) -> EvalResult:
    """Read an `EStateM.Result` (tag 0 ok / 1 error; field 0 the value or the error), then free it."""
    tag = ctypes.c_uint8.from_address(r + 7).value
    field = ctypes.c_void_p.from_address(r + 8).value
    if tag == 0:
        value = _string_at(field) if has_value else None
        _dec(lib, r)
        return EvalResult(value, output)
    lib.nl_io_error_to_string.restype = ctypes.c_void_p
    lib.nl_io_error_to_string.argtypes = [ctypes.c_void_p]
    text = _take_string(lib, lib.nl_io_error_to_string(field))
    _dec(lib, r)
    return EvalResult(None, output, text)


def _string_at(s: int) -> str:
    size = ctypes.c_size_t.from_address(s + STRING_SIZE_OFFSET).value - 1
    return ctypes.string_at(s + STRING_DATA_OFFSET, size).decode("utf-8", errors="replace")


def _take_string(lib, s: int) -> str:
    text = _string_at(s)
    _dec(lib, s)
    return text


def _dec(lib, o: int) -> None:
    """`nl_dec` on an object we own (the header's fast path is inline in C, not exported)."""
    rc = ctypes.c_int32.from_address(o)
    if rc.value > 1:
        rc.value -= 1
    elif rc.value != 0:  # the last reference, or a multi-threaded object
        lib.nl_dec_ref_cold.argtypes = [ctypes.c_void_p]
        lib.nl_dec_ref_cold(o)


def _captured(lib, run):
    """Run with file descriptor 1 pointed at a temporary file; (result, what was written)."""
    lib.nl_flush_stdout.restype = None
    sys.stdout.flush()
    lib.nl_flush_stdout()
    saved = os.dup(1)
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 1)
        try:
            result = run()
        finally:
            lib.nl_flush_stdout()
            os.dup2(saved, 1)
            os.close(saved)
        tmp.seek(0)
        return result, tmp.read().decode("utf-8", errors="replace")


def _on_big_stack(run, recursion_limit: int | None = None):
    """`run()` on the compiler's 1 GiB-stack thread (`frontend._run_with_big_stack`), with the
    recursion limit raised there: lowering recurses once per instruction, so a long body is deep."""
    from nleanjit.compiler.frontend import _run_with_big_stack

    def with_limit():
        old_limit = sys.getrecursionlimit()
        if recursion_limit:
            sys.setrecursionlimit(max(old_limit, recursion_limit))
        try:
            return run()
        finally:
            sys.setrecursionlimit(old_limit)

    return _run_with_big_stack(with_limit)


def eval_expr(eenv, term: X.Expr) -> str:
    """The text `#eval term` shows: what it printed, then its value (if any); an uncaught
    error as `uncaught exception: …` (Lean's wording)."""
    r = eval_term(eenv, term)
    text = r.output + (r.value if r.value is not None else "")
    if r.error is not None:
        sep = "\n" if text and not text.endswith("\n") else ""
        text += f"{sep}uncaught exception: {r.error}"
    return text
