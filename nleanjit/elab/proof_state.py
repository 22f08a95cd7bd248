"""Proof states for the Lean REPL's tactic mode: a goal saved at a `sorry`, tactics run on it later.

In: the goals met while elaborating — a tactic `sorry`/`admit` (the goal it closes) or a term
`sorry` (the type it was elaborated against) — and, later, tactic text.  Out:

- `RecordedSorry`: where the `sorry` is, its goal printed as Lean prints goals, and a
  `GoalSnapshot`: a frozen copy of what the elaborator knew there (the environment *before* the
  declaration, the open scopes, the local context, the metavariable context), so the goal can be
  worked on again any time, in any order, as often as wanted (Lean REPL's `ProofSnapshot`);
- `run_tactics(snapshot, done, tactic)`: a fresh elaborator state built from the snapshot, the
  tactics ``done`` replayed on it, then ``tactic``, and a `StepResult`: the goals left, the proof
  status in the Lean REPL's words (`Completed`, `Incomplete: open goals remain`, `Incomplete:
  contains sorry`, `Incomplete: contains metavariable(s)`, `Error: …`), messages, and the
  sorries the tactic itself left (new snapshots), and the state after it as a snapshot again (so
  the next tactic need not replay this one).  A tactic that fails raises `TacticFailed`
  with Lean's text (the REPL answers it as `{"message": "Lean error:\\n…"}`).

A proof state is thus a snapshot plus the tactics run since: the state after them is a
snapshot too, or is rebuilt by replaying them (tactics are deterministic).  Snapshots are
never changed, so a state can be worked on any number of times, and a caller can describe a
proof state by plain data (the checker service keeps them per session and can rebuild one in
any worker process).

The recording is a context manager, `SorryRecorder`, around the elaboration of a command.  The
elaborator has no hook for it yet, so it wraps the `sorry`/`admit` tactics in the tactic table
and `TermElab._sorry_head` (each wrapper records only while a recorder is active, and leaves
the elaboration itself unchanged).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from nleanjit.elab.messages import ElabError, Span


class TacticFailed(Exception):
    """The tactic text did not parse, or a tactic failed; ``text`` is Lean's message."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


@dataclass(frozen=True)
class GoalSnapshot:
    """What the elaborator knew at a `sorry`: enough to rebuild the goal in a fresh state."""

    eenv: object
    """The elaboration environment as it was (the declaration being elaborated is not in it)."""
    scopes: tuple
    level_names: tuple
    lctx: dict
    """Free variable id → `LocalDecl` (all of them; ids are unique within a command)."""
    decls: dict
    """Metavariable id → `MVarDecl` (copies: a tactic may change a declaration's type)."""
    assignment: dict
    level_assignment: dict
    level_mvars: tuple
    next_id: int
    aux_fvars: frozenset
    goal: str
    """The root goal's metavariable id (the sorry's goal: what `proofStatus` checks)."""
    scope: tuple
    names: tuple
    tag: str = ""
    open_goals: tuple | None = None
    """For a state after tactics: its goals, ``(metavariable id, scope, names, tag)`` each, and
    ``closers`` the pending closing steps; None for the state at the sorry (the root goal alone)."""
    closers: tuple = ()


@dataclass(frozen=True)
class RecordedSorry:
    span: Span
    goal: str | None
    snapshot: GoalSnapshot | None
    """None when the goal is not known (a term `sorry` whose type was never found)."""


@dataclass(frozen=True)
class StepResult:
    goals: tuple[str, ...]
    proof_status: str
    messages: tuple = ()
    """`Message`s, positions relative to the tactic text."""
    sorries: tuple[RecordedSorry, ...] = ()
    state: GoalSnapshot | None = None
    """The state after the tactic, to run the next one on without replaying this one."""


# --- recording -------------------------------------------------------------------------------

_active: list["SorryRecorder"] = []


class SorryRecorder:
    """Records every `sorry` elaborated while it is active (``with SorryRecorder() as r: …``)."""

    def __init__(self):
        self.sorries: list[RecordedSorry] = []
        self._term_pending: list[tuple] = []
        self._forks: dict[int, tuple] = {}  # id(eenv) → (eenv, its fork at the first sorry)

    def __enter__(self) -> "SorryRecorder":
        _install()
        _active.append(self)
        return self

    def __exit__(self, *exc) -> None:
        _active.remove(self)
        for te, m, span, scopes, scope, names, eenv in self._term_pending:
            self._add(span, *_term_goal(te, m, scopes, scope, names, eenv))
        self._term_pending = []
        # a sorry elaborated twice (backtracking, postponed elaboration) is reported once, the last
        # time; one sorry text closing several goals (`t <;> sorry`) is one entry per goal; an
        # attempt whose goal was never found is dropped where another found one
        by_pos: dict = {}
        for s in self.sorries:
            by_pos[(s.span.line, s.span.col, s.goal or "")] = s
        known = {(k[0], k[1]) for k in by_pos if k[2]}
        self.sorries = [by_pos[k] for k in sorted(by_pos, key=lambda k: (k[0], k[1]))
                        if k[2] or (k[0], k[1]) not in known]
        self._forks = {}

    def _env_before(self, eenv):
        """The environment at the first sorry of a declaration, frozen by a fork (later
        declarations of the same command are added to ``eenv`` itself)."""
        found = self._forks.get(id(eenv))
        if found is None or found[0] is not eenv:
            found = (eenv, eenv.fork())
            self._forks[id(eenv)] = found
        return found[1]

    def _add(self, span, goal, snapshot) -> None:
        if span is not None:
            self.sorries.append(RecordedSorry(span, goal, snapshot))

    def on_tactic_sorry(self, st, g, stx) -> None:
        try:
            snap = _snapshot(st.te, tuple(st.te.ctx.scopes), g.mvar.id, g.scope, g.names, g.tag,
                             self._env_before(st.te.eenv))
            self._add(Span.of(stx), st.pp_goal(g), snap)
        except Exception:  # noqa: BLE001 - a goal we cannot save is reported without a state
            self._add(Span.of(stx), None, None)

    def on_term_sorry(self, te, m, stx) -> None:
        # the type of a term sorry is found later (unification with the expected type): finish at exit
        mctx = te.mctx
        self._term_pending.append((te, m, Span.of(stx), tuple(te.ctx.scopes), list(mctx.scope),
                                   list(mctx.names), self._env_before(te.eenv)))


def _snapshot(te, scopes: tuple, goal_id: str, scope, names, tag: str, eenv) -> GoalSnapshot:
    """The elaborator's state now, for the goal ``goal_id`` (``scopes``: the open namespaces
    where the sorry is, which may have changed by the time a term sorry is finished)."""
    mctx = te.mctx
    return GoalSnapshot(
        eenv=eenv, scopes=scopes, level_names=tuple(te.level_names),
        lctx=dict(mctx.lctx._decls), decls={k: dataclasses.replace(v) for k, v in mctx.decls.items()},
        assignment=dict(mctx.assignment), level_assignment=dict(mctx.level_assignment),
        level_mvars=tuple(mctx.level_mvars), next_id=mctx._next, aux_fvars=frozenset(mctx.aux_fvars),
        goal=goal_id, scope=tuple(scope), names=tuple(names), tag=tag)


def _term_goal(te, m, scopes, scope, names, eenv) -> tuple[str | None, GoalSnapshot | None]:
    """(goal text, snapshot) of a term sorry whose type is ``m`` (None, None if still unknown)."""
    from nleanjit.elab.tactics import Goal, TacticState
    from nleanjit.kernel.expr import MVar

    try:
        mctx = te.mctx
        t = mctx.instantiate(m)
        if type(t) is MVar:
            return None, None
        saved_scope = mctx.scope
        mctx.scope = list(scope)
        try:
            goal = mctx.new_mvar(t, "opaque")
        finally:
            mctx.scope = saved_scope
        g = Goal(goal, list(scope), list(names))
        text = TacticState(te, [g]).pp_goal(g)
        return text, _snapshot(te, scopes, goal.id, scope, names, "", eenv)
    except Exception:  # noqa: BLE001 - the goal stays unknown rather than failing the command
        return None, None


_installed = False


def _install() -> None:
    """Wrap the `sorry` tactics and the term `sorry` once per process.  Where the elaborator has
    changed shape (no tactic table, no `_sorry_head`), nothing is wrapped: sorries are then
    reported without proof states, and elaboration itself is never affected."""
    global _installed
    if _installed:
        return
    _installed = True
    try:
        from nleanjit.elab import tactics
        from nleanjit.elab.tactics import basic
        from nleanjit.elab.term import TermElab
    except ImportError:
        return
    # the tactic table, and the merged table of every tactic module if it was built already
    tables = [t for t in (getattr(basic, "TACTICS", None), getattr(tactics, "_ALL", None)) if isinstance(t, dict)]
    for name in ("sorry", "admit"):
        for table in tables:
            original = table.get(name)
            if original is None or getattr(original, "records_sorry", False):
                continue

            def tactic_sorry(st, g, stx, _original=original):
                if _active:
                    _active[-1].on_tactic_sorry(st, g, stx)
                return _original(st, g, stx)

            tactic_sorry.records_sorry = True
            table[name] = tactic_sorry

    original_head = getattr(TermElab, "_sorry_head", None)
    if original_head is not None and not getattr(original_head, "records_sorry", False):
        def sorry_head(self, stx, _original=original_head):
            result = _original(self, stx)
            if _active:
                try:
                    _active[-1].on_term_sorry(self, result[1], stx)
                except Exception:  # noqa: BLE001 - a changed return shape: no proof state, same result
                    pass
            return result

        sorry_head.records_sorry = True
        TermElab._sorry_head = sorry_head


# --- running tactics -----------------------------------------------------------------------


@dataclass
class _Live:
    """A fresh elaborator state rebuilt from a snapshot: the command and term elaborators,
    the tactic state, and the root goal (the sorry's)."""

    cmd: object
    te: object
    st: object
    root: object


def _materialize(snap: GoalSnapshot) -> _Live:
    from nleanjit.elab.command import CommandElab
    from nleanjit.elab.meta import MetaContext
    from nleanjit.elab.tactics import Goal, TacticState
    from nleanjit.elab.term import TermElab
    from nleanjit.kernel.expr import MVar

    cmd = CommandElab(snap.eenv.fork(), "<tactic>")  # a fork: the snapshot stays as it was
    cmd.scopes = list(snap.scopes)
    mctx = MetaContext(cmd.eenv.env, cmd.fuel)
    for d in snap.lctx.values():
        mctx.lctx.add(d)
    mctx.decls = {k: dataclasses.replace(v) for k, v in snap.decls.items()}
    mctx.assignment = dict(snap.assignment)
    mctx.level_assignment = dict(snap.level_assignment)
    mctx.level_mvars = list(snap.level_mvars)
    mctx._next = snap.next_id
    mctx.aux_fvars = set(snap.aux_fvars)
    te = TermElab(cmd, mctx)
    te.level_names = list(snap.level_names)
    root = MVar(snap.goal)
    if snap.open_goals is None:
        st = TacticState(te, [Goal(root, list(snap.scope), list(snap.names), snap.tag)])
    else:
        st = TacticState(te, [Goal(MVar(m), list(scope), list(names), tag)
                              for m, scope, names, tag in snap.open_goals], closers=list(snap.closers))
    return _Live(cmd, te, st, root)


def parse_tactics(text: str):
    """The tactic sequence ``text`` as syntax; `TacticFailed` with Lean-style text if it does not parse."""
    from nleanjit.syntax.parser import Parser
    from nleanjit.syntax.parser.base import ParseError
    from nleanjit.syntax import tokens as T

    if not text.strip():
        raise TacticFailed("<input>:1:0: unexpected end of input; expected tactic")
    parser = Parser(text, "<tactic>")
    try:
        seq = parser.tactic_seq()
    except ParseError as err:
        raise TacticFailed(f"<input>:{err.token.line}:{err.token.col}: {err.describe()}") from None
    if parser.tok.kind != T.EOF:
        tok = parser.tok
        raise TacticFailed(f"<input>:{tok.line}:{tok.col}: unexpected token '{tok.text}'; expected end of "
                           f"the tactic sequence")
    if parser.diagnostics:
        d = parser.diagnostics[0]
        raise TacticFailed(f"<input>:{d.line}:{d.col}: {d.message}")
    return seq


def _run_text(live: _Live, text: str, recorder: SorryRecorder | None = None) -> None:
    from nleanjit.elab.meta import MetaError
    from nleanjit.elab.tactics import run_seq
    from nleanjit.kernel import errors as KE

    seq = parse_tactics(text)
    live.st.prune()
    if not live.st.goals:
        raise TacticFailed("no goals to be proved")
    try:
        if recorder is None:
            run_seq(live.st, seq)
        else:
            with recorder:
                run_seq(live.st, seq)
        live.st.prune()
    except ElabError as err:
        raise TacticFailed(_with_position(err.syntax, err.text)) from None
    except KE.DeterministicTimeout:
        raise TacticFailed("(deterministic) timeout, maximum number of heartbeats has been reached") from None
    except (KE.DeepRecursion, RecursionError):
        raise TacticFailed("maximum recursion depth has been reached") from None
    except (KE.KernelError, MetaError) as err:
        raise TacticFailed(str(err)) from None
    except MemoryError:
        raise  # the worker must go: its caller decides
    except Exception as err:  # noqa: BLE001 - the edge, as for commands: a message, never a traceback
        raise TacticFailed(f"internal error in nleanjit's elaborator: {type(err).__name__}: {err}") from None


def _with_position(stx, text: str) -> str:
    span = Span.of(stx) if stx is not None else None
    return f"<input>:{span.line}:{span.col}: {text}" if span is not None else text


def run_tactics(snap: GoalSnapshot, done: tuple[str, ...] | list[str], tactic: str) -> StepResult:
    """Rebuild the state after the tactics ``done`` (which all succeeded before), then run
    ``tactic`` on it; the result is the new proof state's goals and status, and the new state."""
    import sys

    old = sys.getrecursionlimit()
    if old < 20000:
        sys.setrecursionlimit(20000)
    try:
        live = _replay(snap, done)
        recorder = SorryRecorder()
        _run_text(live, tactic, recorder)
        state = _capture(live, snap)  # before proof_status closes the proof in place
        goals = tuple(live.st.pp_goal(g) for g in live.st.goals)
        status = proof_status(live)
        return StepResult(goals, status, tuple(live.cmd.messages), tuple(recorder.sorries), state)
    finally:
        if old < 20000:
            sys.setrecursionlimit(old)


def _replay(snap: GoalSnapshot, done) -> _Live:
    live = _materialize(snap)
    for i, t in enumerate(done):
        try:
            _run_text(live, t)
        except TacticFailed as err:  # cannot happen unless the elaborator changed under us
            raise TacticFailed(f"replaying the proof state failed at step {i + 1}: {err.text}") from None
    return live


def _capture(live: _Live, base: GoalSnapshot) -> GoalSnapshot:
    """The live state as a snapshot (the environment and scopes are the base snapshot's)."""
    st = live.st
    st.prune()
    snap = _snapshot(live.te, base.scopes, base.goal, base.scope, base.names, base.tag, base.eenv)
    return dataclasses.replace(
        snap, level_names=base.level_names,
        open_goals=tuple((g.mvar.id, tuple(g.scope), tuple(g.names), g.tag) for g in st.goals),
        closers=tuple(st.closers))


def proof_status(live: _Live) -> str:
    """The Lean REPL's `proofStatus` of a state: the root goal's proof, checked by the kernel."""
    from nleanjit.elab.inductive import zero_level_mvars
    from nleanjit.kernel import errors as KE
    from nleanjit.kernel import expr as X
    from nleanjit.kernel.declaration import Safety
    from nleanjit.kernel.typechecker import TypeChecker

    st, mctx = live.st, live.te.mctx
    st.prune()
    if st.goals:
        return "Incomplete: open goals remain"
    for parent, fvars, child in reversed(st.closers):
        if not mctx.is_assigned(parent):
            mctx.assign(parent, mctx.mk_lambda(fvars, mctx.instantiate(child)))
    if not mctx.is_assigned(live.root):
        return "Error: Goal not assigned"
    proof = mctx.instantiate(live.root)
    if mctx.unassigned_mvars(proof):
        return "Incomplete: contains metavariable(s)"
    own = X.free_fvar_ids(proof) & mctx.aux_fvars
    if own:
        names = ", ".join(sorted(mctx.lctx.get(i).user_name for i in own))
        return f"Error: kernel type check failed: the proof uses the declaration being proved ({names})"
    proof = zero_level_mvars(mctx, proof)
    expected = zero_level_mvars(mctx, mctx.mvar_type(live.root))
    try:
        kernel = TypeChecker(mctx.env, _instantiated_lctx(mctx), safety=Safety.UNSAFE)
        found = kernel.check(proof)
        if not kernel.is_def_eq(found, expected):
            pp = live.te.pp
            return f"Error: proof has type {pp(found)} but root goal has type {pp(expected)}"
    except (KE.KernelError, RecursionError) as err:
        return f"Error: kernel type check failed: {err}"
    if X.occurs_const(proof, {"sorryAx"}):
        return "Incomplete: contains sorry"
    return "Completed"


def _instantiated_lctx(mctx):
    """The local context with the metavariables of its types and values replaced (the kernel
    knows no metavariables; `a = b` was elaborated as `@Eq ?α a b`)."""
    from nleanjit.elab.inductive import zero_level_mvars
    from nleanjit.kernel.local_context import LocalContext

    out = LocalContext()
    for d in mctx.lctx._decls.values():
        value = None if d.value is None else zero_level_mvars(mctx, d.value)
        out.add(dataclasses.replace(d, type=zero_level_mvars(mctx, d.type), value=value))
    return out
