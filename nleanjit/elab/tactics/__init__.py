"""Tactic blocks: `by tac₁; tac₂ …` → a proof term; proof states for a REPL tactic mode.

In: the `by` node and the goal type. Out: the term that the tactics build
for the goal's metavariable. A `TacticState` holds the open goals, each a
metavariable with its own local scope (the hypotheses `intro` adds).
Tactics that introduce variables record a closing step (`parent := fun x =>
child`) applied once every goal is solved, so no metavariable is ever
abstracted while still open (what Lean's delayed assignments achieve).

The tactics themselves are in basic.py (rfl, exact, intro, apply, …),
rewrite.py (`rw`, `simp`, `unfold`), cases.py (`cases`, `induction`,
`rcases`/`obtain`, `split`); combinators (`·`, `<;>`, `first`, `try`,
`all_goals`, `repeat`, `case`, `next`) are here. Errors are Lean's texts
(`unsolved goals`, `The rfl tactic failed…`), at the tactic that failed.

Proof-state API (for the server's REPL tactic mode, Lean REPL's
`{"tactic": …, "proofState": n}`)::

    from nleanjit.elab.tactics import check_with_proof_states, run_tactic_text

    result, states = check_with_proof_states(source, "f.lean")
    # result: the usual CheckResult; states: list[ProofState], one per
    # tactic `sorry` (`by sorry`, `· sorry`, …) in the order they ran.
    ps = states[0]
    ps.goals          # list[str], each in Lean's pp form "x : Nat\n⊢ x + 0 = x"
    ps.pp()           # the goals joined by blank lines ("no goals" when none)
    ps.solved         # no goal left
    ps.span           # Span of the `sorry` (1-based line, 0-based column)
    new, messages = run_tactic_text(ps, "induction x with\n| zero => rfl\n| succ n ih => simp")
    # new: a new ProofState (`ps` itself is never changed, so any saved state
    # can be run again) or None when the tactic failed; messages: list[Message]
    # (errors, and the "declaration uses 'sorry'" warning when the text used
    # sorry), positions relative to the tactic text (line 1, column 0 = its
    # first character), file "<tactic>".
    new.goals == []   # proof complete (Lean REPL: "goals": [])

A `ProofState` keeps the elaborator state of its declaration (metavariable
context, goals, closers); running text restores that snapshot first, so
states are persistent values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nleanjit.elab import syntax_view as V
from nleanjit.elab.messages import ElabError, Span
from nleanjit.kernel import expr as X
from nleanjit.kernel.expr import Expr, FVar, MVar, Pi
from nleanjit.syntax.tokens import Token
from nleanjit.syntax.tree import Node


@dataclass
class Goal:
    mvar: MVar
    scope: list
    names: list
    tag: str = ""


@dataclass
class TacticState:
    te: object
    goals: list[Goal]
    closers: list = field(default_factory=list)
    """(parent mvar, fvars, child mvar): `parent := fun fvars => child`, applied at the end."""

    @property
    def mctx(self):
        return self.te.mctx

    def main(self, stx) -> Goal:
        self.prune()
        if not self.goals:
            raise ElabError(stx, "no goals to be proved")
        return self.goals[0]

    def prune(self) -> None:
        self.goals = [g for g in self.goals if not self.mctx.is_assigned(g.mvar)]

    def enter(self, g: Goal) -> None:
        """Make `g`'s hypotheses the elaborator's local scope."""
        self.mctx.scope = list(g.scope)
        self.mctx.names = list(g.names)

    def goal_type(self, g: Goal) -> Expr:
        return self.mctx.instantiate(self.mctx.mvar_type(g.mvar))

    def new_goal(self, type_: Expr, tag: str = "") -> Goal:
        m = self.mctx.new_mvar(type_, "opaque", tag)
        return Goal(m, list(self.mctx.scope), list(self.mctx.names), tag)

    def assign(self, g: Goal, value: Expr) -> None:
        self.mctx.assign(g.mvar, value)

    # ------------------------------------------------------------ error recovery
    @property
    def recovering(self) -> bool:
        """Whether an error may be logged and its goals admitted (Lean's `closeUsingOrAdmit`):
        inside a `by` block being elaborated (not when a caller such as a REPL runs tactics
        itself), and not inside `first`/`try`/`repeat`/`any_goals`, which backtrack."""
        te = self.te
        return getattr(te, "tactic_no_recover", 0) == 0 and getattr(te, "tactic_blocks", 0) > 0

    def report_and_admit(self, err: ElabError, goals: list[Goal]) -> None:
        """Log `err` and close `goals` with `sorryAx _ true` (no "uses sorry" warning), or raise."""
        if not self.recovering:
            raise err
        log_tactic_error(self.te, err)
        for g in goals:
            if not self.mctx.is_assigned(g.mvar):
                self.admit(g)

    def admit(self, g: Goal) -> None:
        t = self.goal_type(g)
        self.assign(g, X.mk_app(X.Const("sorryAx", (self.te.level_of_type(t),)), t, X.Const("Bool.true")))

    def replace_goal(self, g: Goal, new_goals: list[Goal]) -> None:
        """`g` is solved in terms of `new_goals`, which take its place (in this order)."""
        i = next((k for k, x in enumerate(self.goals) if x is g), 0)
        self.goals = self.goals[:i] + new_goals + [x for x in self.goals[i:] if x is not g]

    def change_target(self, g: Goal, new_type: Expr, proof: Expr | None) -> Goal:
        """Replace `g`'s target by `new_type`; `proof : old = new` (None: definitionally equal)."""
        from nleanjit.elab.tactics.eqproofs import EqProofs

        self.enter(g)
        child = self.new_goal(new_type, g.tag)
        self.assign(g, child.mvar if proof is None else EqProofs(self.te).mpr(proof, child.mvar))
        self.replace_goal(g, [child])
        return child

    def change_hyp(self, g: Goal, fv: FVar, new_type: Expr, value: Expr) -> Goal:
        """Replace hypothesis `fv` by one of type `new_type` (same name, at the end of the
        context), whose proof is `value` (a term over `g`'s context)."""
        mctx = self.mctx
        self.enter(g)
        name = mctx.local_decl(fv).user_name
        target = self.goal_type(g)
        new_fv = mctx.push_local(name, new_type)
        mctx.scope = [x for x in mctx.scope if x.id != fv.id]
        mctx.names = [(n, x) for n, x in mctx.names if x.id != fv.id]
        child = self.new_goal(target, g.tag)
        lam_goal = mctx.new_mvar(Pi(name, new_type, X.lift_loose_bvars(target, 0, 1)), "opaque")
        self.closers.append((lam_goal, [new_fv], child.mvar))
        self.assign(g, X.App(lam_goal, value))
        self.replace_goal(g, [child])
        return child

    def add_hyp(self, g: Goal, name: str, type_: Expr, value: Expr) -> Goal:
        """A new hypothesis `name : type_ := value` (Lean's `have`)."""
        mctx = self.mctx
        self.enter(g)
        target = self.goal_type(g)
        new_fv = mctx.push_local(name, type_)
        child = self.new_goal(target, g.tag)
        lam_goal = mctx.new_mvar(Pi(name, type_, X.lift_loose_bvars(target, 0, 1)), "opaque")
        self.closers.append((lam_goal, [new_fv], child.mvar))
        self.assign(g, X.App(lam_goal, value))
        self.replace_goal(g, [child])
        return child

    def clear_hyp(self, g: Goal, fv: FVar) -> Goal:
        self.enter(g)
        self.mctx.scope = [x for x in self.mctx.scope if x.id != fv.id]
        self.mctx.names = [(n, x) for n, x in self.mctx.names if x.id != fv.id]
        child = self.new_goal(self.goal_type(g), g.tag)
        self.assign(g, child.mvar)
        self.replace_goal(g, [child])
        return child

    def hyps(self, g: Goal) -> list[FVar]:
        """The hypotheses a user sees (no auxiliary locals), outermost first."""
        return [fv for fv in g.scope if fv.id not in self.mctx.aux_fvars and self.mctx.lctx.get(fv.id) is not None]

    def find_hyp(self, g: Goal, name: str) -> FVar | None:
        for n, fv in reversed(g.names):
            if n == name and any(x.id == fv.id for x in g.scope):
                return fv
        return None

    def pp_goal(self, g: Goal) -> str:
        from nleanjit.elab.pretty import Printer

        mctx = self.mctx
        pr = Printer(self.te.env, mctx.user_names())
        lines = []
        # consecutive hypotheses of the same type share a line (`a b : Nat`), as Lean prints them
        group: list[str] = []
        group_type = None
        for fv in g.scope:
            d = mctx.lctx.get(fv.id)
            if d is None or d.user_name.startswith("_") or fv.id in mctx.aux_fvars:
                continue
            ty = pr.pp(mctx.instantiate(d.type))
            if d.value is not None:
                ty = f"{ty} := {pr.pp(mctx.instantiate(d.value))}"
            if d.value is None and ty == group_type:
                group.append(d.user_name)
                continue
            if group:
                lines.append(f"{' '.join(group)} : {group_type}")
            group, group_type = [d.user_name], (ty if d.value is None else None)
            if d.value is not None:
                lines.append(f"{d.user_name} : {ty}")
                group = []
        if group:
            lines.append(f"{' '.join(group)} : {group_type}")
        lines.append(f"⊢ {pr.pp(self.goal_type(g))}")
        text = "\n".join(lines)
        return f"case {g.tag}\n{text}" if g.tag else text


def run_tactic_block(te, stx: Node, goal_type: Expr) -> Expr:
    mctx = te.mctx
    saved_scope, saved_names = list(mctx.scope), list(mctx.names)
    st = TacticState(te, [])
    root = st.new_goal(goal_type)
    st.goals = [root]
    seq = next((c for c in stx.children if type(c) is Node), None)
    te.tactic_blocks = getattr(te, "tactic_blocks", 0) + 1
    try:
        if seq is not None:
            run_seq(st, seq)
        st.prune()
        if st.goals:
            span_stx = stx.children[0] if stx.children else stx
            raise ElabError(span_stx, "unsolved goals\n" + "\n\n".join(st.pp_goal(g) for g in st.goals))
        for parent, fvars, child in reversed(st.closers):
            mctx.assign(parent, mctx.mk_lambda(fvars, mctx.instantiate(child)))
        return mctx.instantiate(root.mvar)
    finally:
        te.tactic_blocks -= 1
        mctx.scope, mctx.names = saved_scope, saved_names


def log_tactic_error(te, err: ElabError) -> None:
    """An error some tactic recovered from: to the REPL's collector, or the command's messages."""
    sink = getattr(te, "tactic_error_sink", None)
    if sink is not None:
        sink(err)
    else:
        te.ctx.error(err.syntax, err.text)


class no_recovery:
    """`with no_recovery(te):` errors inside propagate (for backtracking combinators)."""

    def __init__(self, te):
        self.te = te

    def __enter__(self):
        self.te.tactic_no_recover = getattr(self.te, "tactic_no_recover", 0) + 1

    def __exit__(self, *exc):
        self.te.tactic_no_recover -= 1
        return False


def run_nested_block(te, seq, goal_type: Expr, span_stx) -> Expr:
    """A tactic sequence standing for a term (a tactic `match` alternative's right-hand side):
    its errors are logged and its goal admitted, as Lean's `by` blocks recover."""
    from nleanjit.kernel.expr import Const

    holder = Node("by", [seq])
    try:
        return run_tactic_block(te, holder, goal_type)
    except ElabError as err:
        if getattr(te, "tactic_no_recover", 0):
            raise
        if err.syntax is None:
            err.syntax = span_stx
        log_tactic_error(te, err)
        return X.mk_app(Const("sorryAx", (te.level_of_type(goal_type),)), goal_type, Const("Bool.true"))


def run_seq(st: TacticState, seq) -> None:
    items = [c for c in seq.children if type(c) is Node] if V.is_node(seq, "tactic_seq") else [seq]
    for t in items:
        run_tactic(st, t)


def run_tactic(st: TacticState, stx) -> None:
    from nleanjit.elab.tactics import basic

    k = stx.kind
    if k == "tactic_seq":
        run_seq(st, stx)
        return
    if k == "tactic_focus":
        g = st.main(stx)
        rest = st.goals[1:]
        st.goals = [g]
        inner = next(c for c in stx.children if type(c) is Node)
        try:
            run_seq(st, inner)
            st.prune()
            if st.goals:
                raise ElabError(stx.children[0], "unsolved goals\n" + "\n\n".join(st.pp_goal(x) for x in st.goals))
        except ElabError as err:
            st.report_and_admit(err, [g] + st.goals)
        st.goals = rest
        return
    if k == "tactic_block":  # `{ tac₁; tac₂ }`: Lean's bracketed sequence
        inner = next((c for c in stx.children if type(c) is Node), None)
        if inner is not None:
            run_seq(st, inner)
        return
    if k == "tactic_paren":
        inner = next(c for c in stx.children if type(c) is Node)
        run_seq(st, inner)
        return
    if k in ("tactic_combinator", "tactic_block_combinator"):
        _run_combinator(st, stx)
        return
    if k == "match":
        # `match x with | p => tacs`: the term `match` whose right-hand sides are tactic blocks
        g = st.main(stx)
        st.enter(g)
        v = st.te.elab(stx, st.goal_type(g))
        st.te.synthesize_pending(final=True)
        st.assign(g, st.mctx.instantiate(v))
        st.prune()
        return
    if k == "tactic_let":
        g = st.main(stx)
        st.enter(g)
        basic.tac_have_let(st, g, stx)
        st.prune()
        return
    if k == "tactic":
        name = stx.children[0].text if type(stx.children[0]) is Token else V.first_text(stx)
        fn = all_tactics().get(name)
        if fn is None:
            raise ElabError(stx, f"unsupported tactic '{name}' (not yet implemented by nleanjit's elaborator)")
        st.prune()
        if not st.goals and name in ("skip", "done", "trace_state"):
            return
        g = st.main(stx)
        st.enter(g)
        fn(st, g, stx)
        st.prune()
        return
    raise ElabError(stx, f"unsupported tactic syntax '{k}' (not yet implemented by nleanjit's elaborator)")


_ALL: dict = {}


def all_tactics() -> dict:
    """Tactic name → `fn(state, main goal, syntax)`, from every tactic module."""
    if not _ALL:
        from nleanjit.elab.tactics import basic, calc, cases, rewrite, simp

        for mod in (basic, rewrite, simp, cases, calc):
            _ALL.update(mod.TACTICS)
    return _ALL


def _run_combinator(st: TacticState, stx) -> None:
    ch = stx.children
    ops = [c.text for c in ch if type(c) is Token]
    parts = [c for c in ch if type(c) is Node]
    if "<;>" in ops and len(parts) == 2:
        run_tactic(st, parts[0])
        goals = list(st.goals)
        new = []
        for g in goals:
            st.goals = [g]
            run_tactic(st, parts[1])
            st.prune()
            new.extend(st.goals)
        st.goals = new
        return
    head = ops[0] if ops else ""
    if head in ("try", "first", "repeat", "all_goals", "any_goals", "focus", "iterate"):
        from nleanjit.elab.tactics import basic

        basic.run_named_combinator(st, head, stx, parts)
        return
    raise ElabError(stx, f"unsupported tactic combinator '{head}' (not yet implemented by nleanjit's elaborator)")


def check_with_proof_states(source: str, file: str = "<input>", prelude=None):
    """See the module docstring: (CheckResult, [ProofState at each tactic `sorry`])."""
    from nleanjit.elab.tactics.states import check_with_proof_states as impl

    return impl(source, file, prelude)


def run_tactic_text(ps, text: str):
    """See the module docstring: (new ProofState or None, messages)."""
    from nleanjit.elab.tactics.states import run_tactic_text as impl

    return impl(ps, text)


__all__ = ["Goal", "TacticState", "check_with_proof_states", "run_tactic_text", "run_tactic_block", "run_seq", "run_tactic", "Span", "FVar"]
