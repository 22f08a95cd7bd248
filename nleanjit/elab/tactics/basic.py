"""The basic tactics: `rfl`, `exact`, `intro`/`intros` (with patterns), `apply`/`refine`,
`constructor`, `left`/`right`, `decide`, `trivial`, `assumption`, `exfalso`, `show`, `have`/`let`,
`exists`, `by_cases`, `generalize`, `clear`, `revert`, `specialize`, `rename_i`, `sorry`/`admit`,
`done`, `skip`, `fail`, and the named combinators (`try`, `first`, `repeat`, `all_goals`, `any_goals`).

In: the tactic state, the main goal, the tactic's syntax. Out: the goal
assigned (possibly to a term with new goals), the new goals appended in
Lean's order. Each failure raises `ElabError` with Lean's message.
"""

from __future__ import annotations

from nleanjit.elab import syntax_view as V
from nleanjit.elab.messages import ElabError
from nleanjit.kernel import expr as X
from nleanjit.kernel import level as L
from nleanjit.kernel.declaration import InductiveInfo
from nleanjit.kernel.expr import App, Const, Expr, MVar, Pi
from nleanjit.syntax.tokens import Token
from nleanjit.syntax.tree import Node


def _args(stx) -> list:
    return [c for c in stx.children[1:]]


def _term_arg(stx):
    return next((c for c in stx.children[1:] if type(c) is Node), None)


def tac_exact(st, g, stx):
    te = st.te
    term = _term_arg(stx)
    gt = st.goal_type(g)
    v = te.elab(term, gt)
    te.synthesize_pending(final=True)
    v = st.mctx.instantiate(v)
    leftover = [m for m in st.mctx.unassigned_mvars(v) if st.mctx.decls[m.id].kind != "opaque"]
    if leftover:
        raise ElabError(term, "don't know how to synthesize placeholder for argument\ncontext:\n" + st.pp_goal(g))
    st.assign(g, v)


def tac_refine(st, g, stx):
    te = st.te
    term = _term_arg(stx)
    v = te.elab(term, st.goal_type(g))
    te.synthesize_pending(final=True)
    v = st.mctx.instantiate(v)
    new = [st.mctx.decls[m.id] for m in st.mctx.unassigned_mvars(v)]
    st.assign(g, v)
    _append_mvar_goals(st, g, [MVar(d.id) for d in new])


def _append_mvar_goals(st, parent, mvars, front=True):
    goals = []
    for m in mvars:
        d = st.mctx.decls[m.id]
        scope = [fv for fv in parent.scope if fv.id in set(d.scope)] or list(parent.scope)
        goals.append(type(parent)(m, scope, list(parent.names), d.user_name))
    rest = [x for x in st.goals if x is not parent]
    st.goals = goals + rest if front else rest + goals


def _flatten_names(items) -> list:
    """`intro a b` arrives as an application `a b`: its parts are the names."""
    out = []
    for c in items:
        if type(c) is Node and c.kind == "app":
            out.extend(_flatten_names(c.children))
        else:
            out.append(c)
    return out


def tac_intro(st, g, stx):
    names = _flatten_names([c for c in stx.children[1:]])
    if not names:
        names = [None]
    for n in names:
        g = st.main(stx)
        st.enter(g)
        _intro1(st, g, _name_of(n), stx, pattern=n if type(n) is Node and n.kind not in ("ident", "hole") else None)


def _name_of(n) -> str | None:
    if n is None:
        return None
    if type(n) is Token:
        return n.text
    t = V.ident_text(n)
    if t is not None:
        return t
    if V.is_node(n, "hole"):
        return "_"
    return None


def _intro1(st, g, name, stx, pattern=None):
    mctx = st.mctx
    t = st.goal_type(g)
    if type(t) is X.Let:
        # `intro x` on `let x := v; b`: a local definition
        nm = name if name not in (None, "_") else t.name
        fv = mctx.push_local(nm, t.type, X.DEFAULT, t.value)
        child = st.new_goal(X.instantiate(t.body, [fv]), g.tag)
        holder = mctx.new_mvar(t, "opaque")
        st.assign(g, holder)
        st.closers.append((holder, [fv], child.mvar))
        st.goals = [child] + [x for x in st.goals if x is not g]
        return
    w = t if type(t) is Pi else st.te.whnf(t)
    if type(w) is not Pi:
        # `¬p` unfolds to `p → False`
        raise ElabError(stx, f"tactic 'introN' failed, insufficient number of binders\n{st.pp_goal(g)}")
    if pattern is not None:
        name = None
    nm = name if name not in (None, "_") else (w.name + "✝" if not w.name.endswith("✝") else w.name)
    fv = mctx.push_local(nm, w.type, X.DEFAULT)
    child = st.new_goal(X.instantiate(w.body, [fv]), g.tag)
    st.closers.append((g.mvar, [fv], child.mvar))
    st.goals = [child] + [x for x in st.goals if x is not g]
    if pattern is not None:
        # `intro ⟨a, b⟩`: introduce, then destructure as `rcases` does
        from nleanjit.elab.tactics.cases import destruct_with_pattern

        st.enter(child)
        destruct_with_pattern(st, child, fv, pattern, stx)


def tac_intros(st, g, stx):
    names = [c for c in stx.children[1:]]
    if names:
        return tac_intro(st, g, stx)
    while True:
        g = st.main(stx)
        st.enter(g)
        t = st.goal_type(g)
        w = t if type(t) is Pi else st.te.whnf(t)
        if type(w) is not Pi:
            return
        _intro1(st, g, None, stx)


def _apply_term(st, g, f: Expr, stx, term_stx) -> None:
    """Unify the conclusion of `f`'s type with the goal after some arguments; the rest become goals."""
    te, mctx = st.te, st.mctx
    ft = mctx.instantiate(te.infer(f))
    gt = st.goal_type(g)
    n_f = _count_pis(te, ft)
    n_g = _count_pis(te, gt)
    tried = []
    for k in ([n_f - n_g] if n_f >= n_g else []) + list(range(n_f + 1)):
        if k < 0 or k in tried:
            continue
        tried.append(k)
        saved = mctx.save()
        e, t, created = f, ft, []
        for _ in range(k):
            w = te.whnf(t)
            if w.info is X.INST_IMPLICIT:
                m = te.new_inst_mvar(w.type, term_stx)
            else:
                m = mctx.new_mvar(w.type, "natural", w.name)
            created.append((m, w.info))
            e = App(e, m)
            t = X.instantiate(w.body, [m])
        if mctx.is_def_eq(t, gt):
            te.synthesize_pending()
            st.assign(g, e)
            new = [m for m, info in created if not mctx.is_assigned(m) and info is not X.INST_IMPLICIT]
            explicit_first = [m for m in new if True]
            _append_mvar_goals(st, g, explicit_first)
            return
        mctx.restore(saved)
    raise ElabError(
        stx,
        f"tactic 'apply' failed, could not unify the conclusion of `{te.pp(f)}`\n  {te.pp(_conclusion(te, ft))}\n"
        f"with the goal\n  {te.pp(gt)}\n{st.pp_goal(g)}",
    )


def _count_pis(te, t) -> int:
    n = 0
    t = te.mctx.instantiate(t)
    while True:
        w = t if type(t) is Pi else te.whnf(t)
        if type(w) is not Pi:
            return n
        n += 1
        t = w.body


def _conclusion(te, t):
    while type(t) is Pi:
        t = t.body
    return t


def tac_apply(st, g, stx):
    te = st.te
    term = _term_arg(stx)
    if type(term) is Node and term.kind == "dot_ident":
        # `apply .inl`: as in Lean, a dotted name is resolved in the namespace of the goal's head
        gt = te.whnf(st.goal_type(g))
        head = X.get_app_fn(gt)
        if type(head) is Const:
            short = "".join(t.text for t in V.tokens(term) if t.kind == "ident")
            f = te._mk_const(term, f"{head.name}.{short}", None)
            _apply_term(st, g, f, stx, term)
            return
    f = te.elab_core(term, None)
    te.synthesize_pending()
    _apply_term(st, g, st.mctx.instantiate(f), stx, term)


def tac_constructor(st, g, stx):
    te, mctx = st.te, st.mctx
    gt = te.whnf(st.goal_type(g))
    head, _args = X.get_app_fn_args(gt)
    info = te.env.find(head.name) if type(head) is Const else None
    if type(info) is not InductiveInfo:
        raise ElabError(stx, f"tactic 'constructor' failed, target is not an inductive datatype\n{st.pp_goal(g)}")
    for ctor in info.constructors:
        saved = mctx.save()
        goals = list(st.goals)
        c = Const(ctor, head.levels)
        try:
            _apply_term(st, g, c, stx, stx)
            return
        except ElabError:
            mctx.restore(saved)
            st.goals = goals
    raise ElabError(stx, f"tactic 'constructor' failed, no applicable constructor found\n{st.pp_goal(g)}")


def tac_rfl(st, g, stx):
    te, mctx = st.te, st.mctx
    gt = st.goal_type(g)
    w = te.whnf(gt)
    f, args = X.get_app_fn_args(w)
    if type(f) is Const and f.name == "Eq" and len(args) == 3:
        if mctx.is_def_eq(args[1], args[2]):
            st.assign(g, X.mk_app(Const("Eq.refl", f.levels), args[0], args[1]))
            return
        raise ElabError(
            stx,
            f"The rfl tactic failed. Possible reasons:\n- The goal is not a reflexive relation (neither `=` nor a relation with a @[refl] lemma).\n"
            f"- The arguments of the relation are not equal.\nTry using the reflexivity lemma for your relation explicitly, e.g. `exact Eq.refl _` or\n`exact HEq.rfl` etc.\n{st.pp_goal(g)}",
        )
    for rel, refl in (("Iff", "Iff.refl"), ("HEq", "HEq.refl")):
        if type(f) is Const and f.name == rel and rel in te.env and refl in te.env:
            c = te._mk_const(stx, refl, None)
            _apply_term(st, g, c, stx, stx)
            return
    # relations marked @[refl]
    for lemma in sorted(te.eenv.attributes.get("refl", ())):
        saved = mctx.save()
        try:
            _apply_term(st, g, te._mk_const(stx, lemma, None), stx, stx)
            return
        except ElabError:
            mctx.restore(saved)
    raise ElabError(
        stx,
        "The rfl tactic failed. Possible reasons:\n- The goal is not a reflexive relation (neither `=` nor a relation with a @[refl] lemma).\n"
        "- The arguments of the relation are not equal.\nTry using the reflexivity lemma for your relation explicitly, e.g. `exact Eq.refl _` or\n"
        f"`exact HEq.rfl` etc.\n{st.pp_goal(g)}",
    )


def tac_decide(st, g, stx):
    te, mctx = st.te, st.mctx
    p = _zeta_locals(mctx, st.goal_type(g))
    if p.has_expr_mvar:
        raise ElabError(stx, f"expected type must not contain metavariables\n  {te.pp(p)}")
    if p.has_fvar:
        raise ElabError(stx, f"expected type must not contain free variables\n  {te.pp(p)}\nUse the '+revert' option to automatically cleanup and revert free variables.")
    inst = te.resolver.synth(App(Const("Decidable"), p))
    if inst is None:
        raise ElabError(stx, f"failed to synthesize\n  Decidable {te.pp(p)}\nAdditional diagnostic information may be available using the `set_option diagnostics true` command.")
    dec = X.mk_app(Const("Decidable.decide"), p, inst)
    r = mctx.whnf(dec)
    if type(r) is Const and r.name == "Bool.true":
        proof = X.mk_app(Const("of_decide_eq_true"), p, inst, X.mk_app(Const("Eq.refl", (L.ONE,)), Const("Bool"), Const("Bool.true")))
        st.assign(g, proof)
        return
    if type(r) is Const and r.name == "Bool.false":
        raise ElabError(stx, f"tactic 'decide' proved that the proposition\n  {te.pp(p)}\nis false")
    raise ElabError(
        stx,
        f"tactic 'decide' failed for proposition\n  {te.pp(p)}\nsince its 'Decidable' instance\n  {te.pp(inst)}\n"
        f"did not reduce to 'isTrue' or 'isFalse'.",
    )


def _zeta_locals(mctx, e: Expr) -> Expr:
    """Replace `let`-bound locals (`intro x` on `let x := v; …`) by their values."""
    if not e.has_fvar:
        return e

    def fn(x, off):
        if type(x) is X.FVar:
            d = mctx.lctx.get(x.id)
            if d is not None and d.value is not None:
                return _zeta_locals(mctx, mctx.instantiate(d.value))
        return None

    return X.replace(e, fn)


def tac_assumption(st, g, stx):
    mctx = st.mctx
    gt = st.goal_type(g)
    for fv in reversed(g.scope):
        if fv.id in mctx.aux_fvars:
            continue
        d = mctx.local_decl(fv)
        if mctx.is_def_eq(d.type, gt):
            st.assign(g, fv)
            return
    raise ElabError(stx, f"tactic 'assumption' failed\n{st.pp_goal(g)}")


def tac_trivial(st, g, stx):
    mctx = st.mctx
    for attempt in (tac_assumption, tac_rfl, _true_intro, tac_decide, _and_intro):
        saved = mctx.save()
        goals = list(st.goals)
        closers = list(st.closers)
        try:
            attempt(st, g, stx)
            return
        except ElabError:
            mctx.restore(saved)
            st.goals, st.closers = goals, closers
    raise ElabError(stx, f"tactic 'trivial' failed\n{st.pp_goal(g)}" if False else "The `trivial` tactic failed to close the goal")


def _true_intro(st, g, stx):
    gt = st.te.whnf(st.goal_type(g))
    if type(gt) is Const and gt.name == "True":
        st.assign(g, Const("True.intro"))
        return
    raise ElabError(stx, "not True")


def _and_intro(st, g, stx):
    gt = st.te.whnf(st.goal_type(g))
    f = X.get_app_fn(gt)
    if type(f) is Const and f.name == "And":
        tac_constructor(st, g, stx)
        for sub in list(st.goals[:2]):
            st.enter(sub)
            tac_trivial(st, sub, stx)
        return
    raise ElabError(stx, "not And")


def tac_sorry(st, g, stx):
    from nleanjit.elab.tactics.states import record_sorry

    record_sorry(st, g, stx)
    te = st.te
    te.used_sorry = True
    te.sorry_at = te.sorry_at or stx
    gt = st.goal_type(g)
    u = te.level_of_type(gt)
    st.assign(g, X.mk_app(Const("sorryAx", (u,)), gt, Const("Bool.false")))


def tac_exfalso(st, g, stx):
    te = st.te
    gt = st.goal_type(g)
    u = te.level_of_type(gt)
    child = st.new_goal(Const("False"), g.tag)
    st.assign(g, X.mk_app(Const("False.elim", (u,)), gt, child.mvar))
    st.goals = [child] + [x for x in st.goals if x is not g]


def tac_show(st, g, stx):
    te, mctx = st.te, st.mctx
    t = te.elab_type(_term_arg(stx))
    saved = mctx.save()
    if not mctx.is_def_eq(t, st.goal_type(g)):
        # numerals and instances settled first (`show 4 = 4` for `2 + 2 = 4`)
        mctx.restore(saved)
        te.synthesize_pending(final=True)
    if not st.mctx.is_def_eq(t, st.goal_type(g)):
        raise ElabError(stx, f"type mismatch\n  {te.pp(t)}\nis not definitionally equal to the goal\n  {te.pp(st.goal_type(g))}")
    child = st.new_goal(st.mctx.instantiate(t), g.tag)
    st.assign(g, child.mvar)
    st.goals = [child] + [x for x in st.goals if x is not g]


def tac_have(st, g, stx):
    """`have h : t := e` (or `have h : t := by …`) as a tactic."""
    te, mctx = st.te, st.mctx
    ch = stx.children
    name = "this"
    ty_stx = val_stx = None
    for i, c in enumerate(ch[1:], start=1):
        if type(c) is Token and c.kind == "ident" and ty_stx is None and val_stx is None:
            name = c.text
        elif type(c) is Token and c.text == ":":
            ty_stx = ch[i + 1]
        elif type(c) is Token and c.text == ":=":
            val_stx = ch[i + 1]
    if val_stx is None:
        raise ElabError(stx, "unsupported 'have' syntax (not yet implemented by nleanjit's elaborator)")
    ty = te.elab_type(ty_stx) if ty_stx is not None else None
    v = te.elab(val_stx, ty)
    te.synthesize_pending(final=True)
    if ty is None:
        ty = mctx.instantiate(te.infer(v))
    fv = mctx.push_local(name, ty)
    child = st.new_goal(st.goal_type(g), g.tag)
    lam_goal = mctx.new_mvar(Pi(name, ty, X.lift_loose_bvars(st.goal_type(g), 0, 1)), "opaque")
    st.closers.append((lam_goal, [fv], child.mvar))
    st.assign(g, App(lam_goal, v))
    st.goals = [child] + [x for x in st.goals if x is not g]


def tac_have_let(st, g, stx):
    """`have h : t := e`, `have : t` (a new goal first), `let x : t := v`, `haveI`/`letI`,
    `have ⟨a, b⟩ := e` (an anonymous-constructor pattern, as `obtain`)."""
    te, mctx = st.te, st.mctx
    ch = stx.children
    kw = ch[0].text
    name = "this"
    ty_stx = val_stx = pattern = None
    binders = []
    for i, c in enumerate(ch[1:], start=1):
        if type(c) is Token and c.text == ":" and ty_stx is None and val_stx is None:
            ty_stx = ch[i + 1] if i + 1 < len(ch) else None
        elif type(c) is Token and c.text == ":=":
            val_stx = ch[i + 1] if i + 1 < len(ch) else None
        elif ty_stx is None and val_stx is None and i == 1:
            if type(c) is Token and c.kind == "ident":
                name = c.text
            elif type(c) is Node and V.ident_text(c) is not None:
                name = V.ident_text(c)
            elif type(c) is Node and c.kind in ("anonymous_ctor", "tuple", "paren"):
                pattern = c
            elif type(c) is Node and c.kind in V.BINDER_KINDS:
                binders.append(c)
        elif ty_stx is None and val_stx is None and type(c) is Node and c.kind in V.BINDER_KINDS:
            binders.append(c)
    if binders:
        raise ElabError(stx, f"unsupported: binders in tactic '{kw}' (not yet implemented by nleanjit's elaborator)")
    ty = te.elab_type(ty_stx) if ty_stx is not None else None
    if val_stx is None:
        if ty is None:
            raise ElabError(stx, f"'{kw}' needs a type or a value")
        te.synthesize_pending(final=True)
        ty = mctx.instantiate(ty)
        side = st.new_goal(ty, "")
        st.add_hyp(g, name, ty, side.mvar)
        st.goals = [side] + [x for x in st.goals if x is not side]
        return
    v = te.elab(val_stx, ty)
    te.synthesize_pending(final=True)
    v = mctx.instantiate(v)
    if ty is None:
        ty = mctx.instantiate(te.infer(v))
    ty = mctx.instantiate(ty)
    if pattern is not None:
        from nleanjit.elab.tactics.cases import destruct_with_pattern

        fv_goal = st.add_hyp(g, "h✝", ty, v)
        st.enter(fv_goal)
        destruct_with_pattern(st, fv_goal, fv_goal.scope[-1], pattern, stx)
        return
    if kw in ("let", "letI"):
        st.enter(g)
        target = st.goal_type(g)
        fv = mctx.push_local(name, ty, X.DEFAULT, v)
        child = st.new_goal(target, g.tag)
        holder = mctx.new_mvar(target, "opaque")
        st.closers.append((holder, [fv], child.mvar))
        st.assign(g, holder)
        st.replace_goal(g, [child])
        return
    st.add_hyp(g, name, ty, v)


def tac_exists(st, g, stx):
    te = st.te
    terms = [c for c in stx.children[1:] if type(c) is Node]
    for t in terms:
        g = st.main(stx)
        st.enter(g)
        gt = te.whnf(st.goal_type(g))
        f, args = X.get_app_fn_args(gt)
        if not (type(f) is Const and f.name == "Exists"):
            raise ElabError(stx, f"tactic 'exists' failed, target is not an existential\n{st.pp_goal(g)}")
        w = te.elab(t, args[0])
        te.synthesize_pending(final=True)
        child = st.new_goal(st.te.whnf(App(args[1], w)), g.tag)
        from nleanjit.elab.meta import head_beta

        child_t = head_beta(App(args[1], w))
        st.mctx.decls[child.mvar.id].type = child_t
        st.assign(g, X.mk_app(Const("Exists.intro", f.levels), args[0], args[1], w, child.mvar))
        st.goals = [child] + [x for x in st.goals if x is not g]
    g = st.main(stx)
    st.enter(g)
    tac_trivial(st, g, stx)


def run_named_combinator(st, head, stx, parts):
    from nleanjit.elab.tactics import no_recovery

    with no_recovery(st.te):
        _run_named_combinator(st, head, stx, parts)


def _run_named_combinator(st, head, stx, parts):
    from nleanjit.elab.tactics import run_seq

    mctx = st.mctx
    if head == "try":
        saved, goals, closers = mctx.save(), list(st.goals), list(st.closers)
        try:
            for p in parts:
                run_seq(st, p)
        except ElabError:
            mctx.restore(saved)
            st.goals, st.closers = goals, closers
        return
    if head == "first":
        last = None
        for p in parts:
            saved, goals, closers = mctx.save(), list(st.goals), list(st.closers)
            try:
                run_seq(st, p)
                return
            except ElabError as err:
                last = err
                mctx.restore(saved)
                st.goals, st.closers = goals, closers
        raise last or ElabError(stx, "first: no alternative")
    if head == "all_goals":
        goals = list(st.goals)
        new = []
        for g in goals:
            st.goals = [g]
            for p in parts:
                run_seq(st, p)
            st.prune()
            new.extend(st.goals)
        st.goals = new
        return
    if head == "any_goals":
        # each goal on its own: a failure keeps that goal; fails only when it failed on all
        goals = list(st.goals)
        new = []
        last = None
        succeeded = False
        for g in goals:
            saved, closers = mctx.save(), list(st.closers)
            st.goals = [g]
            try:
                for p in parts:
                    run_seq(st, p)
                st.prune()
                new.extend(st.goals)
                succeeded = True
            except ElabError as err:
                last = err
                mctx.restore(saved)
                st.closers = closers
                new.append(g)
        st.goals = new
        if not succeeded and last is not None:
            raise last
        return
    if head in ("repeat", "iterate"):
        for _ in range(10000):
            saved, goals, closers = mctx.save(), list(st.goals), list(st.closers)
            if not st.goals:
                return
            try:
                for p in parts:
                    run_seq(st, p)
            except ElabError:
                mctx.restore(saved)
                st.goals, st.closers = goals, closers
                return
        return
    if head == "focus":
        for p in parts:
            run_seq(st, p)
        return
    raise ElabError(stx, f"unsupported tactic combinator '{head}'")


def tac_fail(st, g, stx):
    """`fail "msg"`: Lean's message is the text, then the goals."""
    lits = [c for c in stx.children[1:] if type(c) is Node and c.kind == "lit"]
    strs = [t for t in (lits[0].children if lits else []) if type(t) is Token and t.kind == "str"]
    msg = strs[0].text[1:-1] if strs else None
    text = (msg if msg is not None else "failed") + "\n" + st.pp_goal(g)
    raise ElabError(stx, text)


def _hyp_names(stx) -> list:
    out = []
    for c in stx.children[1:]:
        for x in (c.children if type(c) is Node and c.kind == "app" else [c]):
            n = x.text if type(x) is Token else V.ident_text(x)
            if n is not None:
                out.append((n, x))
    return out


def tac_clear(st, g, stx):
    for n, x in _hyp_names(stx):
        g = st.main(stx)
        fv = st.find_hyp(g, n)
        if fv is None:
            raise ElabError(x, f"unknown hypothesis '{n}'")
        mctx = st.mctx
        if fv.id in X.free_fvar_ids(st.goal_type(g)) or any(
            fv.id in X.free_fvar_ids(mctx.instantiate(mctx.local_decl(h).type)) for h in g.scope if h.id != fv.id
        ):
            raise ElabError(x, f"tactic 'clear' failed, variable '{n}' depends on other variables or the goal")
        st.clear_hyp(g, fv)


def tac_revert(st, g, stx):
    """`revert x`: the goal becomes `∀ x, goal` (with the hypotheses that depend on `x`)."""
    mctx = st.mctx
    for n, x in reversed(_hyp_names(stx)):
        g = st.main(stx)
        st.enter(g)
        fv = st.find_hyp(g, n)
        if fv is None:
            raise ElabError(x, f"unknown hypothesis '{n}'")
        i = next(k for k, h in enumerate(g.scope) if h.id == fv.id)
        deps = [fv]
        for h in g.scope[i + 1 :]:
            if h.id in mctx.aux_fvars:
                continue
            d = mctx.local_decl(h)
            if X.free_fvar_ids(mctx.instantiate(d.type)) & {y.id for y in deps}:
                deps.append(h)
        gone = {y.id for y in deps}
        new_t = mctx.mk_pi(deps, st.goal_type(g))
        mctx.scope = [h for h in g.scope if h.id not in gone]
        mctx.names = [(nm, h) for nm, h in g.names if h.id not in gone]
        child = st.new_goal(new_t, g.tag)
        st.assign(g, X.mk_app_seq(child.mvar, deps))
        st.replace_goal(g, [child])


def tac_specialize(st, g, stx):
    """`specialize h a b`: `h` replaced by `h a b`."""
    te, mctx = st.te, st.mctx
    term = _term_arg(stx)
    head = term
    while type(head) is Node and head.kind == "app":
        head = head.children[0]
    n = V.ident_text(head) if type(head) is Node else (head.text if type(head) is Token else None)
    fv = st.find_hyp(g, n) if n else None
    if fv is None:
        raise ElabError(stx, "'specialize' requires a term of the form `h x_1 .. x_n` where `h` appears in the local context")
    v = te.elab_core(term, None)
    te.synthesize_pending(final=True)
    v = mctx.instantiate(v)
    st.change_hyp(g, fv, mctx.instantiate(te.infer(v)), v)


def tac_rename_i(st, g, stx):
    from nleanjit.elab.tactics.cases import _rename_inaccessible

    names = [n for n, _ in _hyp_names(stx)]
    _rename_inaccessible(st, g, names)


def tac_left_right(st, g, stx, which):
    te = st.te
    gt = te.whnf(st.goal_type(g))
    head = X.get_app_fn(gt)
    info = te.env.find(head.name) if type(head) is Const else None
    name = "left" if which == 0 else "right"
    if type(info) is not InductiveInfo or len(info.constructors) != 2:
        raise ElabError(stx, f"tactic '{name}' failed, target is not an inductive datatype with two constructors\n{st.pp_goal(g)}")
    _apply_term(st, g, Const(info.constructors[which], head.levels), stx, stx)


def tac_by_cases(st, g, stx):
    """`by_cases h : p`: goals `pos` (h : p) and `neg` (h : ¬p), through `dite` on `Decidable p`."""
    te, mctx = st.te, st.mctx
    ch = stx.children[1:]
    name = "h"
    prop_stx = None
    for i, c in enumerate(ch):
        if type(c) is Token and c.text == ":":
            prev = ch[i - 1] if i > 0 else None
            name = (prev.text if type(prev) is Token else V.ident_text(prev)) or "h"
            prop_stx = ch[i + 1] if i + 1 < len(ch) else None
    if prop_stx is None:
        prop_stx = next((c for c in ch if type(c) is Node), None)
    p = te.elab_type(prop_stx)
    te.synthesize_pending(final=True)
    p = mctx.instantiate(p)
    inst = te.resolver.synth(App(Const("Decidable"), p))
    if inst is None:
        raise ElabError(stx, f"failed to synthesize\n  Decidable {te.pp(p)}")
    target = st.goal_type(g)
    u = te.level_of_type(target)
    branches = []
    for tag, hty in (("pos", p), ("neg", App(Const("Not"), p))):
        st.enter(g)
        h = mctx.push_local(name, hty)
        child = st.new_goal(target, tag)
        lam_goal = mctx.new_mvar(Pi(name, hty, X.lift_loose_bvars(target, 0, 1), X.DEFAULT), "opaque")
        st.closers.append((lam_goal, [h], child.mvar))
        branches.append((lam_goal, child))
    st.assign(g, X.mk_app(Const("dite", (u,)), target, p, inst, branches[0][0], branches[1][0]))
    st.replace_goal(g, [branches[0][1], branches[1][1]])


def tac_generalize(st, g, stx):
    """`generalize h : e = x` (or `generalize e = x`): `e` in the goal becomes a new local `x`."""
    from nleanjit.elab.tactics.eqproofs import EqProofs, kabstract

    te, mctx = st.te, st.mctx
    ch = stx.children[1:]
    hname = None
    rest = list(ch)
    if len(rest) >= 2 and type(rest[1]) is Token and rest[1].text == ":":
        hname = rest[0].text if type(rest[0]) is Token else V.ident_text(rest[0])
        rest = rest[2:]
    eq = next((c for c in rest if type(c) is Node), None)
    if eq is None or eq.kind != "binop" or V.first_text(eq.children[1]) != "=":
        raise ElabError(stx, "generalize: expected `e = x`")
    e = te.elab_core(eq.children[0], None)
    te.synthesize_pending(final=True)
    e = mctx.instantiate(e)
    xname = V.ident_text(eq.children[2]) or "x"
    target = st.goal_type(g)
    ty = mctx.instantiate(te.infer(e))
    body = kabstract(mctx, target, e)
    st.enter(g)
    x = mctx.push_local(xname, ty)
    fvars = [x]
    if hname is not None:
        hfv = mctx.push_local(hname, EqProofs(te).eq(e, x, ty))
        fvars.append(hfv)
    child = st.new_goal(X.instantiate1(body, x), g.tag)
    holder = mctx.new_mvar(mctx.mk_pi(fvars, st.goal_type(child)), "opaque")
    st.closers.append((holder, fvars, child.mvar))
    args = [e] + ([EqProofs(te).refl(e, ty)] if hname is not None else [])
    st.assign(g, X.mk_app_seq(holder, args))
    st.replace_goal(g, [child])


def tac_done(st, g, stx):
    st.prune()
    if st.goals:
        raise ElabError(stx, "unsolved goals\n" + "\n\n".join(st.pp_goal(x) for x in st.goals))


def tac_skip(st, g, stx):
    return None


TACTICS = {
    "done": tac_done,
    "clear": tac_clear,
    "revert": tac_revert,
    "specialize": tac_specialize,
    "rename_i": tac_rename_i,
    "left": lambda st, g, stx: tac_left_right(st, g, stx, 0),
    "right": lambda st, g, stx: tac_left_right(st, g, stx, 1),
    "by_cases": tac_by_cases,
    "generalize": tac_generalize,
    "fail": tac_fail,
    "decide!": tac_decide,
    "native_decide": tac_decide,
    "skip": tac_skip,
    "trace_state": tac_skip,
    "exact": tac_exact,
    "refine": tac_refine,
    "intro": tac_intro,
    "intros": tac_intros,
    "apply": tac_apply,
    "constructor": tac_constructor,
    "rfl": tac_rfl,
    "decide": tac_decide,
    "assumption": tac_assumption,
    "trivial": tac_trivial,
    "sorry": tac_sorry,
    "admit": tac_sorry,
    "exfalso": tac_exfalso,
    "show": tac_show,
    "have": tac_have,
    "exists": tac_exists,
}
