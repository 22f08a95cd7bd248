"""Rewriting tactics: `rw`/`rewrite`/`rwa`, `unfold`, `delta`, `change`.

In: the tactic state, the main goal and the tactic's syntax. Out: the goal
replaced by the rewritten one. `rw [e]` elaborates `e`, opens its `∀`s as
metavariables, takes its type `l = r` (or `l ↔ r` through `propext`),
abstracts the instances of `l` in the target (`kabstract`: the first
instance fixes the metavariables) and closes the old goal with
`Eq.mpr (congrArg (fun _a => T[_a]) h) ?new`; `at h` uses `Eq.mp` on the
hypothesis instead. As in Lean, `rw` then tries `rfl` with reducible
transparency (`reducible_eq`: syntactic equality, instances and closed
`Nat` arithmetic), and a name of a definition rewrites with its unfolding.

`unfold f` replaces each application of `f` by its body, with matches on
constructors reduced and recursive calls folded back to `f` (what Lean's
unfolding equation lemma gives after `simpMatch`).
"""

from __future__ import annotations

from nleanjit.elab import syntax_view as V
from nleanjit.elab.messages import ElabError
from nleanjit.elab.meta import head_beta
from nleanjit.elab.tactics.eqproofs import EqProofs, kabstract
from nleanjit.kernel import expr as X
from nleanjit.kernel.declaration import ConstructorInfo, DefinitionInfo, RecursorInfo, TheoremInfo
from nleanjit.kernel.expr import App, BVar, Const, Expr, FVar, Lam, MVar, NatLit, Pi
from nleanjit.syntax.tokens import Token
from nleanjit.syntax.tree import Node


# ------------------------------------------------------------------ syntax
def split_location(stx) -> tuple[list, list | None]:
    """Children before `at`, and the location: None (the target), or names / "⊢" / "*"."""
    ch = list(stx.children[1:])
    for i, c in enumerate(ch):
        if type(c) is Token and c.text == "at":
            locs = []
            for x in ch[i + 1 :]:
                if type(x) is Token and x.text in ("⊢", "|-", "*"):
                    locs.append("⊢" if x.text in ("⊢", "|-") else "*")
                elif type(x) is Node and x.kind == "app":
                    locs.extend(V.ident_text(y) or "" for y in x.children)
                else:
                    t = V.ident_text(x) if type(x) is Node else (x.text if x.kind == "ident" else None)
                    if t:
                        locs.append(t)
            return ch[:i], locs
    return ch, None


def rule_items(lst) -> list[tuple[bool, object]]:
    """`[h, ← foo, bar x]` → [(symm, term)]."""
    out = []
    symm = False
    for c in lst.children[1:-1] if type(lst) is Node else []:
        if type(c) is Token and c.text in ("←", "<-"):
            symm = True
        elif type(c) is Token and c.text == ",":
            continue
        else:
            out.append((symm, c))
            symm = False
    return out


def resolve_locations(st, g, locs, stx) -> list:
    """Location names → hypotheses (FVar) and "⊢"."""
    if locs is None:
        return ["⊢"]
    out = []
    for n in locs:
        if n == "*":
            out.extend(fv for fv in st.hyps(g) if st.mctx.is_prop(st.mctx.instantiate(st.mctx.local_decl(fv).type)))
            out.append("⊢")
        elif n == "⊢":
            out.append("⊢")
        else:
            fv = st.find_hyp(g, n)
            if fv is None:
                raise ElabError(stx, f"unknown hypothesis '{n}'")
            out.append(fv)
    return out


# ------------------------------------------------------------------ reducible equality
def reducible_eq(te, a: Expr, b: Expr) -> bool:
    """Lean's `with_reducible rfl` check, approximately: the same term up to instances and
    metavariables, or closed terms that evaluate to the same value."""
    mctx = te.mctx
    a, b = mctx.instantiate(a), mctx.instantiate(b)
    if a == b:
        return True
    if not a.has_fvar and not b.has_fvar and not a.has_expr_mvar and not b.has_expr_mvar:
        saved = mctx.save()
        if _closed_data(te, a) and _closed_data(te, b) and mctx.is_def_eq(a, b):
            return True
        mctx.restore(saved)
        return False
    if type(a) is MVar or type(b) is MVar:
        return mctx.is_def_eq(a, b)
    fa, aa = X.get_app_fn_args(a)
    fb, ab = X.get_app_fn_args(b)
    if len(aa) != len(ab) or not aa or fa != fb:
        return False
    for x, y in zip(aa, ab):
        if not reducible_eq(te, x, y):
            saved = mctx.save()
            if not (_is_instance_like(te, x) and mctx.is_def_eq(x, y)):
                mctx.restore(saved)
                return False
    return True


def _closed_data(te, e: Expr) -> bool:
    """A closed term of a data type built from literals (not a proof, not a function)."""
    try:
        t = te.whnf(te.mctx.infer(e))
    except Exception:
        return False
    return type(t) is Const or type(X.get_app_fn(t)) is Const and X.get_app_fn(t).name not in ("Eq",)


def _is_instance_like(te, e: Expr) -> bool:
    """An instance argument (its type is a class application): compared by unfolding."""
    try:
        t = te.whnf(te.mctx.infer(e))
    except Exception:
        return False
    h = X.get_app_fn(t)
    return type(h) is Const and h.name in te.eenv.classes


def try_close_rfl(st, g) -> bool:
    """`rw`'s closing `rfl`: an `Eq`/`Iff`/`HEq` goal whose sides are reducibly equal."""
    te = st.te
    t = st.goal_type(g)
    f, args = X.get_app_fn_args(t)
    if type(f) is not Const:
        return False
    if f.name == "Eq" and len(args) == 3 and reducible_eq(te, args[1], args[2]):
        st.assign(g, X.mk_app(Const("Eq.refl", f.levels), args[0], args[1]))
        return True
    if f.name == "Iff" and len(args) == 2 and reducible_eq(te, args[0], args[1]) and "Iff.refl" in te.env:
        st.assign(g, X.mk_app(Const("Iff.refl"), args[0]))
        return True
    if f.name == "True":
        st.assign(g, Const("True.intro"))
        return True
    return False


# ------------------------------------------------------------------ equations from terms
class RewriteRule:
    """An equation `lhs = rhs` with proof `proof` (after opening `∀`s as metavariables)."""

    def __init__(self, lhs, rhs, proof, new_mvars):
        self.lhs, self.rhs, self.proof, self.new_mvars = lhs, rhs, proof, new_mvars


def open_foralls(te, e: Expr, ty: Expr, stx) -> tuple[Expr, Expr, list]:
    """Apply `e : ∀ xs, T` to fresh metavariables (instances: queued problems)."""
    mctx = te.mctx
    created = []
    while True:
        w = ty if type(ty) is Pi else _unfold_reducible(te, mctx.instantiate(ty))
        if type(w) is not Pi:
            return e, ty, created
        if w.info is X.INST_IMPLICIT:
            m = te.new_inst_mvar(w.type, stx)
        else:
            m = mctx.new_mvar(w.type, "natural", w.name)
        created.append((m, w.info))
        e = App(e, m)
        ty = X.instantiate(w.body, [m])


def _unfold_reducible(te, t: Expr) -> Expr:
    """Unfold `@[reducible]` heads only (Lean's telescopes at reducible transparency), so
    `a ≠ b` and `¬p` stay propositions rather than `… → False`."""
    for _ in range(32):
        f = X.get_app_fn(t)
        if type(f) is not Const or not te.eenv.has_attribute("reducible", f.name):
            return t
        u = te.mctx.unfold_head(t)
        if u is None:
            return t
        t = u
    return t


def equation_of(te, e: Expr, ty: Expr, symm: bool) -> RewriteRule | None:
    """`e : l = r` / `l ↔ r` / `p` (as `p = True`) → a rule; `symm` swaps the sides."""
    ep = EqProofs(te)
    mctx = te.mctx
    ty = mctx.instantiate(ty)
    w = ty
    f, args = X.get_app_fn_args(w)
    if not (type(f) is Const and f.name in ("Eq", "Iff")):
        w = te.whnf(ty)
        f, args = X.get_app_fn_args(w)
    if type(f) is Const and f.name == "Eq" and len(args) == 3:
        lhs, rhs, proof = args[1], args[2], e
    elif type(f) is Const and f.name == "Iff" and len(args) == 2:
        lhs, rhs, proof = args[0], args[1], X.mk_app(Const("propext"), args[0], args[1], e)
    else:
        return None
    if symm:
        proof = ep.symm(proof) if f.name == "Eq" else X.mk_app(Const("propext"), args[1], args[0], X.mk_app(Const("Iff.symm"), args[0], args[1], e))
        lhs, rhs = rhs, lhs
    return RewriteRule(lhs, rhs, proof, [])


# ------------------------------------------------------------------ rw
def tac_rw(st, g, stx, close_rfl=True, then_assumption=False):
    te = st.te
    before, locs = split_location(stx)
    lst = next((c for c in before if type(c) is Node and c.kind in ("tactic_list", "list")), None)
    if lst is None:
        terms = [c for c in before if type(c) is Node or (type(c) is Token and c.kind == "ident")]
        items = [(False, t) for t in terms]
    else:
        items = rule_items(lst)
    if not items:
        raise ElabError(stx, "rw: expected a list of rewrite rules `[e₁, e₂, …]`")
    targets = resolve_locations(st, g, locs, stx)
    for symm, term in items:
        for loc in targets:
            g = st.main(stx)
            st.enter(g)
            if loc != "⊢" and not any(x.id == loc.id for x in g.scope):
                loc = st.find_hyp(g, st.mctx.local_decl(loc).user_name) or loc
            try:
                _rewrite_once(st, g, term, symm, loc, stx)
            except ElabError as err:
                if err.syntax is None:
                    err.syntax = term
                raise
            if loc != "⊢":
                # the hypothesis was replaced: later rules act on the new one
                ng = st.main(stx)
                name = st.mctx.local_decl(loc).user_name
                targets = [st.find_hyp(ng, name) if (x != "⊢" and x.id == loc.id) else x for x in targets]
    if not st.goals:
        return
    g = st.main(stx)
    st.enter(g)
    if then_assumption:
        from nleanjit.elab.tactics.basic import tac_assumption

        tac_assumption(st, g, stx)
        return
    if close_rfl:
        try_close_rfl(st, g)


def _rewrite_once(st, g, term, symm, loc, stx):
    te, mctx = st.te, st.mctx
    ep = EqProofs(te)
    # a definition's name rewrites with its unfolding (Lean: its equation lemmas)
    name = V.ident_text(term) if type(term) is Node else (term.text if type(term) is Token else None)
    if name is not None and not symm and mctx.lookup_local(name) is None:
        cname = _resolve_definition(te, name)
        if cname is not None:
            _unfold_at(st, g, [cname], loc, stx, term)
            return
    e = te.elab_core(term, None)
    te.synthesize_pending()
    e = mctx.instantiate(e)
    ty = mctx.instantiate(te.infer(e))
    e, ty, created = open_foralls(te, e, ty, term)
    rule = equation_of(te, e, ty, symm)
    if rule is None:
        # `rw [h]` with `h : p` rewrites `p` to `True`
        if mctx.is_prop(ty):
            rule = RewriteRule(ty, Const("True"), X.mk_app(Const("eq_true"), ty, e), []) if "eq_true" in te.env else None
        if rule is None:
            raise ElabError(term, f"equality or iff proof expected\n  {te.pp(ty)}")
    lhs = mctx.instantiate(rule.lhs)
    if type(lhs) is MVar:
        raise ElabError(term, f"motive is not type correct\npattern is a metavariable\n  {te.pp(lhs)}\nfrom equation\n  {te.pp(ty)}")
    target = st.goal_type(g) if loc == "⊢" else mctx.instantiate(mctx.local_decl(loc).type)
    body = kabstract(mctx, target, lhs)
    if not X.has_loose_bvar(body, 0):
        where = "target expression" if loc == "⊢" else "target expression"
        raise ElabError(
            term,
            f"tactic 'rewrite' failed, did not find instance of the pattern in the {where}\n  {pp_pattern(te, lhs, created)}\n{st.pp_goal(g)}",
        )
    te.synthesize_pending()
    lhs = mctx.instantiate(lhs)
    rhs = mctx.instantiate(rule.rhs)
    alpha = mctx.instantiate(te.infer(lhs))
    motive = Lam("_a", alpha, body, X.DEFAULT)
    new_t = mctx.instantiate(X.instantiate1(body, rhs))
    proof = ep.congr_arg(motive, mctx.instantiate(rule.proof))
    if loc == "⊢":
        st.change_target(g, new_t, proof)
    else:
        st.change_hyp(g, loc, new_t, ep.mp(proof, loc))
    # arguments of the equation not fixed by the match become new goals (after the main one)
    rest = [m for m, info in created if not mctx.is_assigned(m) and info is not X.INST_IMPLICIT]
    if rest:
        main = st.goals[0]
        extra = []
        for m in rest:
            d = mctx.decls[m.id]
            extra.append(type(main)(m, list(main.scope), list(main.names), d.user_name))
        st.goals = [main] + extra + st.goals[1:]


def pp_pattern(te, e: Expr, created) -> str:
    """A rule's side with its open arguments printed as Lean does, `?n` after the binder names."""
    from nleanjit.elab.pretty import Printer

    mctx = te.mctx
    e = mctx.instantiate(e)
    names = dict(mctx.user_names())
    subst = {}
    for i, (m, _) in enumerate(created):
        if not mctx.is_assigned(m):
            fid = f"_pat.{i}"
            subst[m.id] = FVar(fid)
            names[fid] = "?" + (mctx.decls[m.id].user_name or "m")

    def fn(x: Expr, off: int):
        if type(x) is MVar and x.id in subst:
            return subst[x.id]
        return None

    return Printer(te.env, names).pp(X.replace(e, fn))


def _resolve_definition(te, name: str) -> str | None:
    from nleanjit.elab.state import resolve_global

    for cname in resolve_global(te.eenv, te.scope, name):
        if type(te.env.find(cname)) is DefinitionInfo:
            return cname
    return None


# ------------------------------------------------------------------ unfolding
def unfold_app(te, e: Expr, name: str, force: bool) -> Expr | None:
    """`name args` → its body with matches on constructors reduced and recursive calls folded
    back into `name` calls; None when it cannot be unfolded (or, unless `force`, when the
    body is stuck on a match whose scrutinee is not a constructor)."""
    f, args = X.get_app_fn_args(e)
    if not (type(f) is Const and f.name == name):
        return None
    info = te.env.find(name)
    if type(info) is not DefinitionInfo or len(f.levels) != len(info.level_params):
        return None
    val = X.instantiate_level_params(info.value, info.level_params, f.levels)
    n_lams = 0
    v = val
    while type(v) is Lam:
        n_lams += 1
        v = v.body
    if len(args) < n_lams and not force:
        return None
    body = head_beta(X.mk_app_seq(val, args))
    reduced, stuck = _reduce_matchers(te, body)
    if stuck and not force:
        return None
    return _fold_recursive_calls(te, reduced, f, info, val, n_lams)


def _recursor_of(te, e: Expr):
    """`T.rec …`/`T.casesOn …` head → (RecursorInfo of T.rec, args with casesOn expanded) or None."""
    f, args = X.get_app_fn_args(e)
    if type(f) is not Const:
        return None
    info = te.env.find(f.name)
    if type(info) is RecursorInfo:
        return info, e
    if f.name.endswith(".casesOn") or f.name.endswith(".recOn") or f.name.endswith(".brecOn"):
        u = te.mctx.unfold_head(e)
        if u is not None:
            return _recursor_of(te, u)
    return None


def _reduce_matchers(te, e: Expr) -> tuple[Expr, bool]:
    """Iota-reduce recursors/casesOn at the head whose major premise is a constructor after
    whnf; (result, stuck?)."""
    for _ in range(64):
        e = head_beta(e)
        r = _recursor_of(te, e)
        if r is None:
            return e, False
        info, rec_app = r
        f, args = X.get_app_fn_args(rec_app)
        idx = info.major_idx
        if idx >= len(args):
            return e, True
        major = _constructor_form(te, args[idx])
        mf = X.get_app_fn(major)
        if not (type(major) is NatLit or (type(mf) is Const and type(te.env.find(mf.name)) is ConstructorInfo)):
            return e, True
        args = list(args)
        args[idx] = major
        red = te.mctx.whnf_core(X.mk_app_seq(f, args))
        if red == X.mk_app_seq(f, args):
            return e, True
        e = red
    return e, False


def _constructor_form(te, e: Expr) -> Expr:
    """`e` as a constructor application when it is one after whnf; `n + 1` becomes
    `Nat.succ n` (not the unfolded `Nat.succ (Nat.rec n … 0)` whnf gives)."""
    from nleanjit.elab.tactics.eqproofs import _nat_pred

    pred = _nat_pred(e)
    if pred is not None:
        return App(Const("Nat.succ"), pred)
    return te.whnf(e)


def _fold_recursive_calls(te, e: Expr, f: Const, info, val: Expr, n_lams: int) -> Expr:
    """Replace the recursor applications that are `f ys` unfolded by `f ys`."""
    mctx = te.mctx
    # the template: f's body over metavariables, up to its recursor application
    saved = mctx.save()
    mvars = []
    t = X.instantiate_level_params(info.type, info.level_params, f.levels)
    v = val
    for _ in range(n_lams):
        w = t if type(t) is Pi else te.whnf(t)
        if type(w) is not Pi:
            break
        m = mctx.new_mvar(w.type, "natural")
        mvars.append(m)
        t = X.instantiate(w.body, [m])
    template = head_beta(X.mk_app_seq(val, mvars))
    r = _recursor_of(te, template)
    mctx.restore(saved)
    if r is None:
        return e
    _, rec_t = r
    head = X.get_app_fn(rec_t)
    n_args = X.get_app_num_args(rec_t)

    def fn(x: Expr, off: int):
        if x.has_loose_bvars:
            return None
        xf = X.get_app_fn(x)
        if not (type(xf) is Const and xf.name == head.name) or X.get_app_num_args(x) < n_args:
            return None
        saved = mctx.save()
        x_args = X.get_app_args(x)
        core = X.mk_app_seq(xf, x_args[:n_args])
        if _match_syntactic(mctx, rec_t, core) and all(mctx.is_assigned(m) for m in mvars):
            res = X.mk_app_seq(X.mk_app_seq(f, [mctx.instantiate(m) for m in mvars]), x_args[n_args:])
            mctx.restore(saved)
            return res
        mctx.restore(saved)
        return None

    return X.replace(e, fn)


def _match_syntactic(mctx, pattern: Expr, e: Expr) -> bool:
    return mctx.is_def_eq(pattern, e)


def _unfold_at(st, g, names: list[str], loc, stx, term_stx=None):
    te, mctx = st.te, st.mctx
    target = st.goal_type(g) if loc == "⊢" else mctx.instantiate(mctx.local_decl(loc).type)
    new = unfold_in(te, target, names)
    if new == target:
        n = names[0]
        raise ElabError(term_stx or stx, f"tactic 'unfold' failed to unfold '{n}' at\n  {te.pp(target)}")
    if loc == "⊢":
        st.change_target(g, new, None)
    else:
        st.change_hyp(g, loc, new, loc)


def unfold_in(te, e: Expr, names: list[str]) -> Expr:
    for name in names:
        def fn(x: Expr, off: int, name=name):
            if x.has_loose_bvars:
                return None
            f = X.get_app_fn(x)
            if type(f) is Const and f.name == name:
                u = unfold_app(te, x, name, force=True)
                if u is not None:
                    # unfold the arguments too (one layer each)
                    _, args = X.get_app_fn_args(x)
                    return u
            return None

        e = X.replace(te.mctx.instantiate(e), fn)
    return e


def tac_unfold(st, g, stx):
    te = st.te
    before, locs = split_location(stx)
    names = []
    for c in before:
        for t in V.tokens(c) if type(c) is Node else [c]:
            if t.kind == "ident":
                cname = _resolve_definition(te, t.text)
                if cname is None:
                    raise ElabError(t, f"unknown constant '{t.text}'")
                names.append((cname, t))
    if not names:
        raise ElabError(stx, "unfold: expected a definition name")
    for loc in resolve_locations(st, g, locs, stx):
        for cname, tok in names:
            g = st.main(stx)
            st.enter(g)
            if loc != "⊢":
                loc = st.find_hyp(g, st.mctx.local_decl(loc).user_name) or loc
            _unfold_at(st, g, [cname], loc, stx, tok)


def tac_change(st, g, stx):
    te, mctx = st.te, st.mctx
    before, locs = split_location(stx)
    term = next((c for c in before if type(c) is Node or (type(c) is Token and c.kind == "ident")), None)
    for loc in resolve_locations(st, g, locs, stx):
        g = st.main(stx)
        st.enter(g)
        t = te.elab_type(term)
        old = st.goal_type(g) if loc == "⊢" else mctx.instantiate(mctx.local_decl(loc).type)
        if not mctx.is_def_eq(t, old):
            raise ElabError(stx, f"type mismatch\n  {te.pp(t)}\nis not definitionally equal to\n  {te.pp(old)}")
        te.synthesize_pending()
        if loc == "⊢":
            st.change_target(g, mctx.instantiate(t), None)
        else:
            st.change_hyp(g, loc, mctx.instantiate(t), loc)


TACTICS = {
    "rw": tac_rw,
    "rewrite": lambda st, g, stx: tac_rw(st, g, stx, close_rfl=False),
    "erw": tac_rw,
    "rwa": lambda st, g, stx: tac_rw(st, g, stx, then_assumption=True),
    "unfold": tac_unfold,
    "delta": tac_unfold,
    "change": tac_change,
}
