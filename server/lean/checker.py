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
- **Proof states** (the REPL's tactic mode): every ``sorry`` with a known goal
  gets that goal saved (``nleanjit.elab.proof_state.GoalSnapshot``) in a second
  LRU, named by where it came from (the snippet or command chain and its index,
  or the tactic that left it).  A proof state is such an origin plus the tactics
  run since; ``tactic`` rebuilds the state by replaying them on the saved goal,
  and re-elaborates the origin when this worker has not saved it; the state
  after each tactic is saved too, so the next tactic on it replays nothing.
  So proof states, like environments, are plain data that survive worker
  restarts.
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
    """The elaborator with the prelude loaded once, an LRU of elaborated states and one of goals
    saved at sorries (proof states)."""

    def __init__(self, cache_size: int = 64, goal_cache_size: int = 512):
        from nleanjit.elab.prelude import load_prelude
        from nleanjit.elab.state import ROOT_SCOPE

        self.root = ElabState(load_prelude(), (ROOT_SCOPE,))
        self._states = _LRU(cache_size)
        self._goals = _LRU(goal_cache_size)
        # the first elaboration in a process pays for lazy imports and caches: pay it now
        self._elaborate(self.root, "theorem _warm_up : 1 + 1 = 2 := rfl")

    # --- the entry points ------------------------------------------------------------------

    def check(self, code: str, use_header_cache: bool = True) -> dict:
        """One Kimina snippet: ``{"response": {...}, "outcome", "cache_hit"}``.

        Each sorry's ``proofState`` is its index among the sorries whose goal was saved
        (``("check", code, k)`` names it for ``tactic``), or null."""
        header, n_header = split_header(code)
        cache_hit = False
        if use_header_cache and header:
            key = "header:" + _digest(header)
            cached = self._states.get(key)
            cache_hit = cached is not None
            if cached is None:
                state, header_msgs = self._elaborate(self.root, "\n".join(code.split("\n")[:n_header]))
                cached = (state, header_msgs)
                self._states.put(key, cached)
            state, header_msgs = cached
            body = "\n" * n_header + "\n".join(code.split("\n")[n_header:])
            _, body_msgs, sorries, goals = self._elaborate(state, body, with_sorries=True)
            messages = header_msgs + body_msgs
        else:
            _, messages, sorries, goals = self._elaborate(self.root, code, with_sorries=True)
        self._keep_goals(("check", code), goals)
        return {"response": _response(messages, sorries), "outcome": outcome(messages),
                "cache_hit": cache_hit}

    def repl(self, chain: list[str]) -> dict:
        """The REPL command ``chain[-1]`` in the environment built by ``chain[:-1]``."""
        state = self.root
        hit = False
        for i in range(len(chain) - 1):
            key = "repl:" + _digest("\x00".join(chain[: i + 1]))
            cached = self._states.get(key)
            if cached is None:
                state, _ = self._elaborate(state, chain[i])
                self._states.put(key, (state, []))
            else:
                state, hit = cached[0], True
        new_state, messages, sorries, goals = self._elaborate(state, chain[-1], with_sorries=True)
        self._states.put("repl:" + _digest("\x00".join(chain)), (new_state, []))
        self._keep_goals(("repl", tuple(chain)), goals)
        return {"response": _response(messages, sorries), "outcome": outcome(messages), "cache_hit": hit}

    def tactic(self, origin: tuple, done: list[str], tactic: str) -> dict:
        """The Lean REPL's ``{"tactic", "proofState"}``: ``tactic`` run on the goal saved at a
        sorry (``origin``) after the tactics ``done``.

        ``origin`` is ``("check", code, k)``, ``("repl", chain, k)`` (the k-th saved goal of
        that snippet or command) or ``("tactic", parent_origin, parent_done, parent_tactic, k)``
        (the k-th sorry a tactic left).  A goal this worker has not saved (another worker's, or
        one dropped from the LRU) is rebuilt by elaborating its origin again.  Out: ``{"response":
        {"goals", "proofStatus", "messages"?, "sorries"?}}``, or ``{"response": {"message"}}`` (the
        Lean REPL's error shape) when the tactic fails."""
        from nleanjit.elab.proof_state import TacticFailed, run_tactics

        done = tuple(done)
        after_key = _digest(repr(("after", origin, done)))
        state = self._goals.get(after_key) if done else None  # the state after `done`, saved
        hit = state is not None or _digest(repr(origin)) in self._goals
        if state is None:
            state = self._goal(origin)
            if state is None:
                return {"response": {"message": "this proof state has no saved goal (its sorry's type was "
                                                "not found)"}, "outcome": "lean_error", "cache_hit": hit}
            to_replay = done
        else:
            to_replay = ()
        try:
            step = run_tactics(state, to_replay, tactic)
        except TacticFailed as err:
            return {"response": {"message": "Lean error:\n" + err.text}, "outcome": "lean_error",
                    "cache_hit": hit}
        if step.state is not None:
            self._goals.put(_digest(repr(("after", origin, done + (tactic,)))), step.state)
        self._keep_goals(("tactic", origin, done, tactic),
                         [s.snapshot for s in step.sorries if s.snapshot is not None])
        out: dict = {"goals": list(step.goals), "proofStatus": step.proof_status}
        messages = [_repl_message(m) for m in step.messages]
        if messages:
            out["messages"] = messages
        sorries = _saved_sorries(step.sorries)
        if sorries:
            out["sorries"] = sorries
        status = "valid" if step.proof_status == "Completed" else (
            "lean_error" if step.proof_status.startswith("Error") else "sorry")
        return {"response": out, "outcome": status, "cache_hit": hit}

    # --- saved goals ---------------------------------------------------------------------

    def _keep_goals(self, origin_prefix: tuple, goals: list) -> None:
        for k, snap in enumerate(goals):
            self._goals.put(_digest(repr(origin_prefix + (k,))), snap)

    def _goal(self, origin: tuple):
        key = _digest(repr(origin))
        snap = self._goals.get(key)
        if snap is not None:
            return snap
        kind = origin[0]
        if kind == "check":
            self.check(origin[1])
        elif kind == "repl":
            self.repl(list(origin[1]))
        elif kind == "tactic":
            self.tactic(origin[1], list(origin[2]), origin[3])
        return self._goals.get(key)

    # --- elaboration -----------------------------------------------------------------

    def _elaborate(self, state: ElabState, source: str, with_sorries: bool = False):
        from nleanjit.elab.command import CommandElab
        from nleanjit.elab.messages import Message, Span
        from nleanjit.elab.proof_state import SorryRecorder
        from nleanjit.syntax import parse_source

        eenv = state.eenv.fork()
        cmd = CommandElab(eenv, "<snippet>")
        cmd.run_io = False  # `#eval` of IO runs sandboxed, by the service (eval_io.py), never in a worker
        cmd.scopes = list(state.scopes)
        messages: list = []
        res = parse_source(source, "<snippet>")
        for d in res.diagnostics:
            end_line = getattr(d, "end_line", None) or d.line
            end_col = getattr(d, "end_col", None) or d.col
            messages.append(Message(d.severity, "<snippet>", Span(d.line, d.col, end_line, end_col), d.message))
        with SorryRecorder() as recorder:
            cmd.elab_module(res.tree)
        messages.extend(cmd.messages)
        messages.sort(key=lambda m: (m.span.line, m.span.col))
        as_json = [_repl_message(m) for m in messages]
        new_state = ElabState(eenv, tuple(cmd.scopes))
        if not with_sorries:
            return new_state, as_json
        sorries, goals = _sorries(source, as_json, eenv, cmd, recorder.sorries)
        return new_state, as_json, sorries, goals


class _LRU:
    def __init__(self, size: int):
        self.size = size
        self._items: collections.OrderedDict = collections.OrderedDict()

    def __contains__(self, key) -> bool:
        return key in self._items

    def get(self, key):
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key, value) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)


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


def _sorries(source: str, messages: list[dict], eenv, cmd, recorded: list) -> tuple[list[dict], list]:
    """(one entry per ``sorry`` in source order, the saved goals that entries' ``proofState`` index).

    The recorder (``nleanjit.elab.proof_state``) saw every tactic ``sorry``/``admit`` with the
    goal it closes and every term ``sorry`` with the type it stands for; the goal is printed as
    Lean prints goals.  A ``declaration uses 'sorry'`` warning at a place the recorder did not
    see (a sorry whose type was never found) gets an entry with the declaration's statement
    as goal when the sorry is the whole proof, else null, and no proof state."""
    out = {}
    goals: list = []
    for r in recorded:
        entry = {"pos": {"line": r.span.line, "column": r.span.col},
                 "endPos": {"line": r.span.end_line, "column": r.span.end_col},
                 "goal": r.goal, "proofState": None}
        if r.snapshot is not None:
            entry["proofState"] = len(goals)
            goals.append(r.snapshot)
        out[(r.span.line, r.span.col, len(out))] = entry
    seen = {(k[0], k[1]) for k in out if out[k]["goal"] is not None}
    lines = source.split("\n")
    for m in messages:
        if m["data"] != SORRY_WARNING:
            continue
        pos, end = m["pos"], m["endPos"]
        if (pos["line"], pos["column"]) in seen:
            continue
        for k in [k for k in out if (k[0], k[1]) == (pos["line"], pos["column"])]:
            del out[k]
        out[(pos["line"], pos["column"], len(out))] = {
            "pos": pos, "endPos": end, "goal": _whole_proof_goal(lines, pos, eenv, cmd), "proofState": None}
        seen.add((pos["line"], pos["column"]))
    return [out[k] for k in sorted(out)], goals


def _saved_sorries(recorded) -> list[dict]:
    """The sorries a tactic left, numbered as ``_keep_goals`` numbers their goals."""
    out, k = [], 0
    for r in recorded:
        entry = {"pos": {"line": r.span.line, "column": r.span.col},
                 "endPos": {"line": r.span.end_line, "column": r.span.end_col},
                 "goal": r.goal, "proofState": None}
        if r.snapshot is not None:
            entry["proofState"] = k
            k += 1
        out.append(entry)
    return out


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


def _repl_message(message) -> dict:
    """A message in the Lean REPL's JSON: its severities are ``error``, ``warning``, ``info``."""
    out = message.to_json()
    if out["severity"] == "information":
        out["severity"] = "info"
    return out


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
