"""`calc` chains, as a term and as a tactic.

In: the `calc` node (`calc a = b := p₁ \n _ = c := p₂ …`) and the expected type. Out: one
proof of `a R z` composed step by step: each step's `_` is the previous right-hand side,
`=` steps compose with `Eq.trans` (or rewrite the other relation's side through
`congrArg`), and `<`/`≤` on `Nat` with the prelude's transitivity lemmas (what Lean's
`Trans` instances provide). A first step without `:=` (`calc a`) starts the chain at `a`.
"""

from __future__ import annotations

from nleanjit.elab.messages import ElabError
from nleanjit.elab.tactics.eqproofs import EqProofs
from nleanjit.kernel import expr as X
from nleanjit.kernel.expr import Const, Expr, Lam
from nleanjit.syntax.tokens import Token
from nleanjit.syntax.tree import Node

_TRANS = {
    ("LE.le", "LE.le"): "Nat.le_trans",
    ("LT.lt", "LE.le"): "Nat.lt_of_lt_of_le",
    ("LE.le", "LT.lt"): "Nat.lt_of_le_of_lt",
    ("LT.lt", "LT.lt"): "Nat.lt_trans",
    ("Iff", "Iff"): "Iff.trans",
}


def _steps(stx) -> list[tuple[object, object | None]]:
    out = []
    for node in stx.children:
        if type(node) is Node and node.kind == "calc_steps":
            for step in node.children:
                if type(step) is Node and step.kind == "calc_step":
                    parts = step.children
                    rel = parts[0]
                    proof = None
                    for i, c in enumerate(parts):
                        if type(c) is Token and c.text == ":=":
                            proof = parts[i + 1] if i + 1 < len(parts) else None
                    out.append((rel, proof))
                elif type(step) is Node:
                    out.append((step, None))
        elif type(node) is Node and node.kind == "calc_step":
            parts = node.children
            proof = next((parts[i + 1] for i, c in enumerate(parts) if type(c) is Token and c.text == ":="), None)
            out.append((parts[0], proof))
    return out


def _relation(te, t: Expr):
    """`R … a b` → (R's name, head, lhs, rhs)."""
    from nleanjit.elab.tactics.cases import beta_all

    t = beta_all(te.mctx.instantiate(t))
    f, args = X.get_app_fn_args(t)
    if type(f) is not Const or len(args) < 2:
        return None
    return f.name, f, args[-2], args[-1]


def elab_calc(te, stx, expected: Expr | None) -> Expr:
    mctx = te.mctx
    ep = EqProofs(te)
    steps = _steps(stx)
    if not steps:
        raise ElabError(stx, "invalid 'calc', expected steps")
    proof = None
    ptype = None
    start = None
    for k, (rel_stx, proof_stx) in enumerate(steps):
        if proof_stx is None:
            if k != 0:
                raise ElabError(rel_stx, "invalid 'calc' step, expected ':='")
            start = te.elab_core(rel_stx, None)
            continue
        t = te.elab_type(rel_stx)
        te.synthesize_pending()
        r = _relation(te, t)
        if r is None:
            raise ElabError(rel_stx, f"invalid 'calc' step, relation expected\n  {te.pp(t)}")
        name, head, lhs, rhs = r
        prev_rhs = _relation(te, ptype)[3] if ptype is not None else start
        if prev_rhs is not None and not mctx.is_def_eq(lhs, prev_rhs):
            raise ElabError(
                rel_stx,
                f"invalid 'calc' step, left-hand side is\n  {te.pp(lhs)} : {te.pp(te.infer(lhs))}\n"
                f"but previous right-hand side is\n  {te.pp(prev_rhs)} : {te.pp(te.infer(prev_rhs))}",
            )
        if type(proof_stx) is Node and proof_stx.kind == "synthetic_hole":
            # `?h`: a goal named `h` for the tactic that follows
            hole = next((c.text for c in proof_stx.children if type(c) is Token and c.kind == "ident"), "")
            p = mctx.new_mvar(t, "synthetic", hole)
        else:
            p = te.elab(proof_stx, t)
        te.synthesize_pending()
        t = mctx.instantiate(t)
        if proof is None:
            proof, ptype = p, t
            continue
        proof, ptype = _compose(te, ep, proof, ptype, p, t, rel_stx)
    if proof is None:
        raise ElabError(stx, "invalid 'calc', no steps")
    return te.ensure_has_type(stx, mctx.instantiate(proof), expected)


def _compose(te, ep, p1, t1, p2, t2, stx):
    mctx = te.mctx
    n1, h1, a, b = _relation(te, t1)
    n2, h2, _, c = _relation(te, t2)
    if n1 == "Eq" and n2 == "Eq":
        p = ep.trans(p1, p2)
        return p, mctx.instantiate(te.infer(p))
    if n1 == "Eq":
        # a = b, b R c ⊢ a R c: rewrite the left side of the second step
        f2, args2 = X.get_app_fn_args(mctx.instantiate(t2))
        alpha = mctx.instantiate(te.infer(a))
        motive = Lam("x", alpha, X.mk_app_seq(f2, [X.lift_loose_bvars(x, 0, 1) for x in args2[:-2]] + [X.BVar(0), X.lift_loose_bvars(c, 0, 1)]), X.DEFAULT)
        eq = ep.congr_arg(motive, p1)  # (a R c) = (b R c)
        p = ep.mpr(eq, p2)
        return p, X.mk_app_seq(f2, args2[:-2] + [a, c])
    if n2 == "Eq":
        f1, args1 = X.get_app_fn_args(mctx.instantiate(t1))
        alpha = mctx.instantiate(te.infer(b))
        motive = Lam("x", alpha, X.mk_app_seq(f1, [X.lift_loose_bvars(x, 0, 1) for x in args1[:-2]] + [X.lift_loose_bvars(a, 0, 1), X.BVar(0)]), X.DEFAULT)
        eq = ep.congr_arg(motive, p2)  # (a R b) = (a R c)
        p = ep.mp(eq, p1)
        return p, X.mk_app_seq(f1, args1[:-2] + [a, c])
    lemma = _TRANS.get((n1, n2))
    if lemma is None or lemma not in te.env:
        raise ElabError(stx, f"invalid 'calc' step, failed to synthesize `Trans` instance\n  Trans {n1} {n2} ?m")
    f = te._mk_const(stx, lemma, None)
    from nleanjit.elab.tactics.rewrite import open_foralls

    e, ty, created = open_foralls(te, f, mctx.instantiate(te.infer(f)), stx)
    explicit = [m for m, info in created if info is X.DEFAULT]
    if len(explicit) < 2 or not mctx.is_def_eq(mctx.mvar_type(explicit[-2]), t1) or not mctx.is_def_eq(mctx.mvar_type(explicit[-1]), t2):
        raise ElabError(stx, f"invalid 'calc' step, failed to synthesize `Trans` instance\n  Trans {n1} {n2} ?m")
    mctx.assign(explicit[-2], p1)
    mctx.assign(explicit[-1], p2)
    te.synthesize_pending()
    return mctx.instantiate(e), mctx.instantiate(ty)


def tac_calc(st, g, stx):
    """The tactic: `?h` steps become goals; a chain `a R b` for the target `a R' c` leaves the
    goal `b R' c` (Lean's calc extension, composed through `Trans`)."""
    te, mctx = st.te, st.mctx
    calc = stx.children[0] if type(stx.children[0]) is Node else stx
    target = st.goal_type(g)
    try:
        v = elab_calc(te, calc, target)
        extra = None
    except ElabError as err:
        v, extra = _calc_with_extension(st, g, calc, target, err)
    te.synthesize_pending(final=True)
    v = mctx.instantiate(v)
    st.assign(g, v)
    holes = [m for m in mctx.unassigned_mvars(v) if extra is None or m.id != extra.mvar.id]
    new_goals = []
    for m in holes:
        d = mctx.decls[m.id]
        new_goals.append(type(g)(m, [fv for fv in g.scope if fv.id in set(d.scope)] or list(g.scope), list(g.names), d.user_name))
    if extra is not None:
        new_goals.append(extra)
    st.replace_goal(g, new_goals)


def _calc_with_extension(st, g, calc, target, err):
    te, mctx = st.te, st.mctx
    ep = EqProofs(te)
    goal_rel = _relation(te, target)
    if goal_rel is None:
        raise err
    saved = mctx.save()
    try:
        v = elab_calc(te, calc, None)
    except ElabError:
        mctx.restore(saved)
        raise err from None
    te.synthesize_pending()
    vt = mctx.instantiate(te.infer(v))
    rel = _relation(te, vt)
    if rel is None or not mctx.is_def_eq(rel[2], goal_rel[2]):
        mctx.restore(saved)
        raise err
    # the rest of the chain, `b R' c`, with the target's relation
    f, args = X.get_app_fn_args(target)
    rest_t = X.mk_app_seq(f, list(args[:-2]) + [rel[3], goal_rel[3]])
    st.enter(g)
    extra = st.new_goal(rest_t, g.tag)
    p, pt = _compose(te, ep, v, vt, extra.mvar, rest_t, calc)
    if not mctx.is_def_eq(pt, target):
        mctx.restore(saved)
        raise err
    return p, extra


TACTICS = {"calc": tac_calc}
