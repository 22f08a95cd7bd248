"""`#eval` of what the elaborator cannot evaluate (an `IO` action, a list, …): compiled and run sandboxed.

In: a checked command's code (with the code before it, for a REPL command) and its
command response, where the elaborator left the warning ``nleanjit: #eval of this term is
not supported yet …`` at each `#eval` it did not evaluate (it evaluates closed `Nat`,
`Bool`, `String` and `Char` values itself and runs no `IO`).  Out: the response with each
such warning replaced by what Lean's `#eval` shows: an ``info`` message with the output of
the action and its value (none for `()`), or an ``error`` message when the program failed
(an uncaught exception, a limit of the sandbox).

How: the program is the code before the `#eval` plus an entry point, tried in turn until one
elaborates — ``IO Unit`` (the action itself), ``IO α`` (the action, then ``repr`` of its
value), a pure value (``repr`` of it) — compiled by the compile hook (``compile.py``, cached
by the program's hash) and run in the sandbox (``sandbox.py``) with the snippet's timeout.
A term none of them compiles keeps its warning.  This runs in a thread off the event loop.
"""

from __future__ import annotations

import time

from server.lean.compile import compile_program

UNSUPPORTED_EVAL = "nleanjit: #eval of this term is not supported yet"
ENTRY = "nleanjitEvalMain"
_EVAL_WORD = "#eval"


def evaluate_io(prefix: str, code: str, response: dict, sandbox, timeout: float) -> dict:
    """``response`` (of ``code``, which follows ``prefix``) with its unsupported `#eval`s run."""
    messages = response.get("messages")
    if not messages or sandbox is None:
        return response
    out = []
    for m in messages:
        replaced = [m]
        if m["severity"] == "warning" and m["data"].startswith(UNSUPPORTED_EVAL):
            term = _eval_term(code, m)
            if term is not None:
                replaced = _run(prefix + _before(code, m["pos"]), term, m, sandbox, timeout)
        out.extend(replaced)
    new = dict(response)
    if out:
        new["messages"] = out
    else:
        new.pop("messages", None)
    return new


def _offset(code: str, pos: dict) -> int:
    lines = code.split("\n")
    line = min(max(pos["line"], 1), len(lines))
    return sum(len(x) + 1 for x in lines[: line - 1]) + min(pos["column"], len(lines[line - 1]))


def _before(code: str, pos: dict) -> str:
    return code[: _offset(code, pos)]


def _eval_term(code: str, m: dict) -> str | None:
    """The term of the `#eval` command the message covers, or None."""
    text = code[_offset(code, m["pos"]): _offset(code, m["endPos"])]
    if not text.startswith(_EVAL_WORD):
        return None
    term = text[len(_EVAL_WORD):].strip()
    return term or None


def _programs(term: str) -> list[str]:
    body = "\n".join("    " + line for line in term.split("\n"))
    return [f"def {ENTRY} : IO Unit :=\n  (\n{body}\n  )\n",
            f"def {ENTRY} : IO Unit := do\n  let r ← (\n{body}\n  )\n  IO.println (repr r)\n",
            f"def {ENTRY} : IO Unit :=\n  IO.println (repr (\n{body}\n  ))\n"]


def _run(prefix: str, term: str, m: dict, sandbox, timeout: float) -> list[dict]:
    # the snippet's timeout bounds all the compiles together, and then the program's run
    deadline = time.monotonic() + timeout
    for program in _programs(term):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        compiled = compile_program(prefix.rstrip() + "\n\n" + program, entry=ENTRY, timeout=left)
        if compiled.argv is None:
            continue  # this shape does not elaborate (or cannot be compiled yet): try the next
        ran = sandbox.run(compiled.argv, "", timeout, copy_program=True)
        at = {"pos": m["pos"], "endPos": m["endPos"]}
        if ran.exit_code == 0 and ran.limit is None:
            text = ran.stdout[:-1] if ran.stdout.endswith("\n") else ran.stdout
            return [{"severity": "info", **at, "data": text}] if text else []
        why = ran.stderr.strip() or f"the program exited with code {ran.exit_code}"
        out = [{"severity": "info", **at, "data": ran.stdout.rstrip("\n")}] if ran.stdout.strip() else []
        return out + [{"severity": "error", **at, "data": why}]
    return [m]
