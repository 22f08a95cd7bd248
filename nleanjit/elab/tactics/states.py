"""Proof states as values, for a REPL tactic mode (Lean REPL's `proofState`s).

In: a Lean file whose proofs contain tactic `sorry`s, or a saved `ProofState` and a tactic
text. Out: `ProofState`s (the goals at each `sorry`, printable as Lean prints them) and, for
a tactic text run on a state, a new state or the error messages.

A `ProofState` holds the `TermElab` of its declaration (its metavariable context and local
context live on), a snapshot of the metavariable assignment, and copies of the open goals
and pending closers. Running text restores the snapshot first, so every state stays valid
however many times and in whatever order states are run. Positions in the messages of a
tactic text are relative to that text (line 1, column 0 is its first character).
"""

from __future__ import annotations

import contextvars
import dataclasses
from dataclasses import dataclass

from nleanjit.elab.messages import ElabError, Message, Span

_CAPTURE: contextvars.ContextVar = contextvars.ContextVar("nleanjit_tactic_capture", default=None)
TACTIC_FILE = "<tactic>"


@dataclass(frozen=True)
class ProofState:
    te: object
    goal_list: tuple
    closers: tuple
    snapshot: tuple
    span: Span | None = None

    def _restore(self) -> None:
        self.te.mctx.restore(self.snapshot)

    @property
    def goals(self) -> list[str]:
        """Each open goal in Lean's form (`x : Nat\\n⊢ x + 0 = x`, with `case tag` first when tagged)."""
        from nleanjit.elab.tactics import TacticState

        self._restore()
        st = TacticState(self.te, [_copy(g) for g in self.goal_list], list(self.closers))
        return [st.pp_goal(g) for g in st.goals]

    def pp(self) -> str:
        gs = self.goals
        return "\n\n".join(gs) if gs else "no goals"

    @property
    def solved(self) -> bool:
        return not self.goal_list


def _copy(g):
    return dataclasses.replace(g, scope=list(g.scope), names=list(g.names))


def snapshot(st, goals=None, span: Span | None = None) -> ProofState:
    st.prune()
    gl = st.goals if goals is None else goals
    return ProofState(st.te, tuple(_copy(g) for g in gl), tuple(st.closers), st.mctx.save(), span)


def record_sorry(st, g, stx) -> None:
    """Called by the `sorry` tactic: keep the goal as a proof state when states are being captured."""
    sink = _CAPTURE.get()
    if sink is not None:
        sink.append(snapshot(st, [g], Span.of(stx)))


def check_with_proof_states(source: str, file: str = "<input>", prelude=None):
    """`check_source`, plus the proof state at each tactic `sorry` (in the order they ran)."""
    from nleanjit.elab import check_source

    sink: list = []
    token = _CAPTURE.set(sink)
    try:
        result = check_source(source, file, prelude)
    finally:
        _CAPTURE.reset(token)
    return result, sink


def run_tactic_text(ps: ProofState, text: str):
    """Run `text` (a tactic sequence) on `ps`: (new ProofState or None, messages)."""
    from nleanjit.elab.command import CommandElab
    from nleanjit.elab.tactics import TacticState, run_seq
    from nleanjit.syntax.parser import Parser

    messages: list[Message] = []
    try:
        parser = Parser(text, TACTIC_FILE)
        seq = parser.tactic_seq()
        if parser.tok.kind != "eof" and not parser.diagnostics:
            tok = parser.tok
            messages.append(Message("error", TACTIC_FILE, Span(tok.line, tok.col, tok.line, tok.col), "unexpected token; expected end of tactic sequence"))
        for d in parser.diagnostics:
            messages.append(Message(d.severity, TACTIC_FILE, Span(d.line, d.col, d.line, d.col), d.message))
    except Exception as err:  # the parser's own error type, or anything unexpected: a message
        line, col = getattr(getattr(err, "token", None), "line", 1), getattr(getattr(err, "token", None), "col", 0)
        messages.append(Message("error", TACTIC_FILE, Span(line, col, line, col), _parse_error_text(err)))
        return None, messages
    if any(m.severity == "error" for m in messages):
        return None, messages
    te = ps.te
    ps._restore()
    te.mctx.reset_budget()
    st = TacticState(te, [_copy(g) for g in ps.goal_list], list(ps.closers))
    used_sorry, sorry_at = te.used_sorry, te.sorry_at
    te.used_sorry, te.sorry_at = False, None
    cmd = CommandElab(te.eenv, TACTIC_FILE)
    saved_scope, saved_names = list(te.mctx.scope), list(te.mctx.names)
    try:
        run_seq(st, seq)
        st.prune()
    except Exception as err:
        cmd.report_exception(err, seq)
        return None, messages + cmd.messages
    finally:
        te.mctx.scope, te.mctx.names = saved_scope, saved_names
        te_used = te.used_sorry
        te.used_sorry, te.sorry_at = used_sorry or te_used, sorry_at
    if te_used:
        messages.append(Message("warning", TACTIC_FILE, Span.of(seq) or Span(1, 0, 1, 0), "declaration uses 'sorry'"))
    return snapshot(st), messages


def _parse_error_text(err: Exception) -> str:
    describe = getattr(err, "describe", None)
    text = describe() if callable(describe) else str(err)
    return text if text else f"invalid tactic text ({type(err).__name__})"


__all__ = ["ProofState", "check_with_proof_states", "run_tactic_text", "record_sorry", "ElabError"]
