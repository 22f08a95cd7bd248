"""What a checker worker does with one snippet: the Lean REPL's command response.

In: Lean source (a Kimina snippet, or one REPL command on top of earlier ones).
Out: the REPL's command response as a plain dict, ``{"messages": [...],
"sorries": [...]}`` (empty lists omitted, lines as submitted), plus the outcome
the service counts (``valid``, ``sorry``, ``lean_error``) and whether the header
cache answered.

This module runs inside a worker process (``server.lean.worker``), where the
prelude is elaborated once and kept.  It drives the elaborator command by
command so that an elaborated *state* (environment plus open namespaces) can be
kept and reused:

- **header caching** (as Kimina Lean Server does for ``import Mathlib``): the
  leading ``import``/``open`` lines of a snippet are elaborated once per
  distinct header and the state after them is kept in an LRU; the rest of the
  snippet is elaborated on a copy of that state.  The header lines are replaced
  by empty lines before parsing the body, so every position stays as submitted.
- **REPL environments**: an environment is the chain of commands that built it;
  the state after a chain is cached the same way, and rebuilt from the chain
  when this worker has not seen it (a replaced worker, or another worker of the
  pool), so environments survive worker restarts.
"""

from __future__ import annotations

import collections
import hashlib
import re
from dataclasses import dataclass

SORRY_WARNING = "declaration uses 'sorry'"
_HEADER_LINE = re.compile(r"\s*(import\s|open\s(?!.*\bin\s*$)|--|$)")
_DECL_NAME = re.compile(r"\b(?:theorem|lemma|def|example|abbrev|instance)\s+([^\s:({\[]+)?")


@dataclass(frozen=True)
class ElabState:
    """An elaborated environment and the scope stack (``open``, ``namespace``) after it."""

    eenv: object
    scopes: tuple


def split_header(code: str) -> tuple[str, int]:
    """(header text, number of header lines): the leading import/open/comment/blank lines."""
    lines = code.split("\n")
    n = 0
    while n < len(lines) - 1 and _HEADER_LINE.match(lines[n]):
        n += 1
    header = "\n".join(line.strip() for line in lines[:n] if line.strip())
    return header, n


class Checker:
    """The elaborator with the prelude loaded once and an LRU of elaborated states."""

    def __init__(self, cache_size: int = 64):
        from nleanjit.elab.prelude import load_prelude
        from nleanjit.elab.state import ROOT_SCOPE

        self.root = ElabState(load_prelude(), (ROOT_SCOPE,))
        self._states: collections.OrderedDict[str, tuple[ElabState, list[dict]]] = collections.OrderedDict()
        self._cache_size = cache_size
        # the first elaboration in a process pays for lazy imports and caches: pay it now
        self._elaborate(self.root, "theorem _warm_up : 1 + 1 = 2 := rfl")

    # --- the two entry points --------------------------------------------------------

    def check(self, code: str, use_header_cache: bool = True) -> dict:
        """One Kimina snippet: ``{"response": {...}, "outcome", "cache_hit"}``."""
        header, n_header = split_header(code)
        cache_hit = False
        if use_header_cache and header:
            key = "header:" + _digest(header)
            cached = self._get(key)
            cache_hit = cached is not None
            if cached is None:
                state, header_msgs = self._elaborate(self.root, "\n".join(code.split("\n")[:n_header]))
                cached = (state, header_msgs)
                self._put(key, cached)
            state, header_msgs = cached
            body = "\n" * n_header + "\n".join(code.split("\n")[n_header:])
            _, body_msgs, sorries = self._elaborate(state, body, with_sorries=True)
            messages = header_msgs + body_msgs
        else:
            _, messages, sorries = self._elaborate(self.root, code, with_sorries=True)
        return {"response": _response(messages, sorries), "outcome": outcome(messages),
                "cache_hit": cache_hit}

    def repl(self, chain: list[str]) -> dict:
        """The REPL command ``chain[-1]`` in the environment built by ``chain[:-1]``."""
        state = self.root
        hit = False
        for i in range(len(chain) - 1):
            key = "repl:" + _digest("\x00".join(chain[: i + 1]))
            cached = self._get(key)
            if cached is None:
                state, _ = self._elaborate(state, chain[i])
                self._put(key, (state, []))
            else:
                state, hit = cached[0], True
        new_state, messages, sorries = self._elaborate(state, chain[-1], with_sorries=True)
        self._put("repl:" + _digest("\x00".join(chain)), (new_state, []))
        return {"response": _response(messages, sorries), "outcome": outcome(messages), "cache_hit": hit}

    # --- elaboration -----------------------------------------------------------------

    def _elaborate(self, state: ElabState, source: str, with_sorries: bool = False):
        from nleanjit.elab.command import CommandElab
        from nleanjit.elab.messages import Message, Span
        from nleanjit.syntax import parse_source

        global _tactic_sorries
        _install_sorry_goal_recorder()
        eenv = state.eenv.fork()
        cmd = CommandElab(eenv, "<snippet>")
        cmd.scopes = list(state.scopes)
        messages: list = []
        res = parse_source(source, "<snippet>")
        for d in res.diagnostics:
            end_line = getattr(d, "end_line", None) or d.line
            end_col = getattr(d, "end_col", None) or d.col
            messages.append(Message(d.severity, "<snippet>", Span(d.line, d.col, end_line, end_col), d.message))
        _tactic_sorries = []
        try:
            cmd.elab_module(res.tree)
        finally:
            recorded, _tactic_sorries = _tactic_sorries, None
        messages.extend(cmd.messages)
        messages.sort(key=lambda m: (m.span.line, m.span.col))
        as_json = [m.to_json() for m in messages]
        new_state = ElabState(eenv, tuple(cmd.scopes))
        if not with_sorries:
            return new_state, as_json
        return new_state, as_json, _sorries(source, as_json, eenv, cmd, recorded)

    def _get(self, key: str):
        found = self._states.get(key)
        if found is not None:
            self._states.move_to_end(key)
        return found

    def _put(self, key: str, value) -> None:
        self._states[key] = value
        self._states.move_to_end(key)
        while len(self._states) > self._cache_size:
            self._states.popitem(last=False)


def outcome(messages: list[dict]) -> str:
    """What the service counts: an error wins over a sorry."""
    if any(m["severity"] == "error" for m in messages):
        return "lean_error"
    if any(m["data"] == SORRY_WARNING for m in messages):
        return "sorry"
    return "valid"


def _response(messages: list[dict], sorries: list[dict]) -> dict:
    out: dict = {"env": 0}
    if messages:
        out["messages"] = messages
    if sorries:
        out["sorries"] = sorries
    return out


def _sorries(source: str, messages: list[dict], eenv, cmd, tactic_sorries: list) -> list[dict]:
    """One entry per ``sorry``, in source order.

    Tactic ``sorry``/``admit``: the goal it closed, recorded while elaborating (hypotheses
    and ``⊢``, as Lean prints goals).  Term ``sorry``: only the first of each declaration is
    known (the one its ``declaration uses 'sorry'`` warning points at); its goal is the
    declaration's statement when the sorry is the whole proof (``:= sorry``), elsewhere
    null.  ``proofState`` is null: tactic mode is not available yet (docs/LEAN_API.md)."""
    out = {}
    for span, goal in tactic_sorries:
        pos = {"line": span.line, "column": span.col}
        out[(span.line, span.col)] = {"pos": pos, "endPos": {"line": span.end_line, "column": span.end_col},
                                      "goal": goal, "proofState": None}
    lines = source.split("\n")
    for m in messages:
        if m["data"] != SORRY_WARNING:
            continue
        pos, end = m["pos"], m["endPos"]
        key = (pos["line"], pos["column"])
        if key not in out:
            out[key] = {"pos": pos, "endPos": end, "goal": _whole_proof_goal(lines, pos, eenv, cmd),
                        "proofState": None}
    return [out[k] for k in sorted(out)]


# --- goals of tactic sorries ----------------------------------------------------------------
#
# The elaborator does not report the goal a tactic `sorry` closes.  The worker wraps the
# `sorry`/`admit` tactics (looked up by name at each use) to print that goal first; when the
# elaborator's tactic table changes shape, nothing is wrapped and goals stay unknown.

_tactic_sorries: list | None = None


def _install_sorry_goal_recorder() -> None:
    try:
        from nleanjit.elab.messages import Span
        from nleanjit.elab.tactics import basic
    except ImportError:
        return
    table = getattr(basic, "TACTICS", None)
    if not isinstance(table, dict):
        return
    for name in ("sorry", "admit"):
        original = table.get(name)
        if original is None or getattr(original, "records_goal", False):
            continue

        def recording(st, g, stx, _original=original):
            if _tactic_sorries is not None:
                try:
                    span = Span.of(stx)
                    if span is not None:
                        _tactic_sorries.append((span, st.pp_goal(g)))
                except Exception:  # noqa: BLE001 - a goal we cannot print is left unknown
                    pass
            return _original(st, g, stx)

        recording.records_goal = True
        table[name] = recording


def _whole_proof_goal(lines: list[str], pos: dict, eenv, cmd) -> str | None:
    before = "\n".join(lines[: pos["line"] - 1] + [lines[pos["line"] - 1][: pos["column"]]])
    decl_start = max(before.rfind(k) for k in ("theorem ", "lemma ", "example ", "def "))
    if decl_start < 0:
        return None
    text = before[decl_start:]
    if not re.search(r":=\s*(by\s*)?$", text):
        return None
    match = _DECL_NAME.match(text)
    name = match.group(1) if match and match.group(1) else None
    if name is None:
        return None
    try:
        from nleanjit.elab.pretty import Printer

        ns = cmd.scope.namespace
        full = f"{ns}.{name}" if ns and f"{ns}.{name}" in eenv.env else name
        const = eenv.env.find(full)
        if const is None:
            return None
        return "⊢ " + Printer(eenv.env).pp(const.type)
    except Exception:  # the printer or a renamed declaration: say nothing rather than guess
        return None


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
