"""Case analysis: `cases`, `induction`, `rcases`/`obtain`/`rintro`, `subst`, `split`,
`contradiction`, `injection`-free constructor clashes.

In: the tactic state, the main goal, the tactic's syntax. Out: one goal per
constructor. `eliminate` is the common step (Lean's `cases`/`induction` on a
local `x : T ps is` whose indices `is` are distinct locals): the
hypotheses that depend on `x` or its indices are reverted into the motive
`fun is x => ∀ deps, target`, the goal is closed by `T.casesOn` (or `T.rec`
for `induction`, whose minor premises carry the induction hypotheses), and
each minor premise becomes a goal tagged with its constructor's name whose
fields, hypotheses and reverted locals are introduced again. An index that
is a local is thereby substituted (so `cases h` on `h : a = b` replaces `b`
by `a`). As Lean prints them, `Nat.zero` and `Nat.succ n` in new goals read
`0` and `n + 1`.
"""

from __future__ import annotations

from nleanjit.elab import syntax_view as V
from nleanjit.elab.messages import ElabError
from nleanjit.elab.meta import head_beta
from nleanjit.elab.tactics.eqproofs import EqProofs, kabstract
from nleanjit.kernel import expr as X
from nleanjit.kernel import level as L
from nleanjit.kernel.declaration import ConstructorInfo, InductiveInfo
from nleanjit.kernel.expr import App, BVar, Const, Expr, FVar, Lam, NatLit, Pi
from nleanjit.syntax.tokens import Token
from nleanjit.syntax.tree import Node


NAT_CTOR_DISPLAY = False
"""Whether new goals show `Nat.zero`/`Nat.succ n` as `0`/`n + 1`. Lean does since 4.8 (custom
eliminators); the corpus's expected messages (`diag/inductionErrors`) were recorded before, with
`Nat.succ n`, so we keep the constructors. Either way the terms are definitionally equal, and
`rw [Nat.succ_eq_add_one]` finds `n + 1` too (see `eqproofs.kabstract`)."""


def beta_all(e: Expr) -> Expr:
    """Beta-reduce every `(fun x => b) a` in `e` (motives applied in minor premises)."""

    def fn(x: Expr, off: int):
        if type(x) is App and type(X.get_app_fn(x)) is Lam:
            return beta_all(head_beta(x))
        return None

    return X.replace(e, fn)


def _nat_lit(n: int) -> Expr:
    return X.mk_app(Const("OfNat.ofNat", (L.ZERO,)), Const("Nat"), NatLit(n), App(Const("instOfNatNat"), NatLit(n)))


def nat_display(e: Expr) -> Expr:
    """`Nat.zero` → `0`, `Nat.succ n` → `n + 1` (definitionally equal; Lean's display)."""

    def fn(x: Expr, off: int):
        if type(x) is Const and x.name == "Nat.zero":
            return _nat_lit(0)
        if type(x) is App and type(x.fn) is Const and x.fn.name == "Nat.succ":
            inner = nat_display(x.arg)
            return X.mk_app(
                Const("HAdd.hAdd", (L.ZERO, L.ZERO, L.ZERO)), Const("Nat"), Const("Nat"), Const("Nat"),
                X.mk_app(Const("instHAdd", (L.ZERO,)), Const("Nat"), Const("instAddNat")), inner, _nat_lit(1),
            )
        return None

    return X.replace(e, fn)


# ------------------------------------------------------------------ the elimination step
def generalize_term(st, g, e: Expr, name: str = "x✝", eq_name: str | None = None):
    """A goal over a new local `x` standing for the term `e` (its occurrences in the target
    abstracted), with `eq_name : e = x` when given (`cases h : e`); returns (goal, x)."""
    te, mctx = st.te, st.mctx
    st.enter(g)
    target = st.goal_type(g)
    ty = mctx.instantiate(te.infer(e))
    body = kabstract(mctx, target, e)
    fv = mctx.push_local(name, ty)
    fvars = [fv]
    args = [e]
    if eq_name is not None:
        fvars.append(mctx.push_local(eq_name, EqProofs(te).eq(e, fv, ty)))
        args.append(EqProofs(te).refl(e, ty))
    child = st.new_goal(X.instantiate1(body, fv), g.tag)
    holder = mctx.new_mvar(mctx.mk_pi(fvars, st.goal_type(child)), "opaque")
    st.closers.append((holder, fvars, child.mvar))
    st.assign(g, X.mk_app_seq(holder, args))
    st.replace_goal(g, [child])
    return child, fv


def _depends_on(mctx, e: Expr, ids: set) -> bool:
    return bool(X.free_fvar_ids(mctx.instantiate(e)) & ids)


def eliminate(st, g, x: FVar, use_rec: bool, stx, names=None, generalizing=()) -> list:
    """Cases/induction on the local `x`; returns [(constructor name, goal, [new locals])].
    `names(ctor) -> list[str|None]` gives the names of the fields (then IHs)."""
    te, mctx = st.te, st.mctx
    st.enter(g)
    xty = te.whnf(mctx.instantiate(mctx.local_decl(x).type))
    head, targs = X.get_app_fn_args(xty)
    info = te.env.find(head.name) if type(head) is Const else None
    if type(info) is not InductiveInfo:
        raise ElabError(stx, f"tactic 'induction' failed, major premise type is not an inductive type \n  {te.pp(xty)}\n{st.pp_goal(g)}")
    params, indices = targs[: info.num_params], targs[info.num_params :]
    if indices:
        bad = [i for i in indices if type(i) is not FVar or _depends_on(mctx, X.mk_app_seq(head, params), {i.id})]
        if bad or len({i.id for i in indices}) != len(indices):
            # `h : a = b` with `a` a local: eliminate `h.symm : b = a`
            if head.name == "Eq" and type(params[1]) is FVar and type(indices[0]) is not FVar:
                sym = EqProofs(te).symm(x)
                g2 = st.add_hyp(g, mctx.local_decl(x).user_name, mctx.instantiate(te.infer(sym)), sym)
                g2 = st.clear_hyp(g2, x)
                return eliminate(st, g2, g2.scope[-1], use_rec, stx, names, generalizing)
            raise ElabError(stx, f"tactic 'cases' failed, dependent elimination failed, index is not a variable\n{st.pp_goal(g)}")
    idx_ids = {i.id for i in indices}
    # hypotheses to revert: those depending on x or its indices (and on what was reverted), and `generalizing`
    dep_ids = set(idx_ids) | {x.id}
    reverted = []
    gen_ids = {v.id for v in generalizing}
    for fv in g.scope:
        if fv.id in dep_ids or fv.id in mctx.aux_fvars:
            continue
        d = mctx.local_decl(fv)
        if fv.id in gen_ids or _depends_on(mctx, d.type, dep_ids) or (d.value is not None and _depends_on(mctx, d.value, dep_ids)):
            reverted.append(fv)
            dep_ids.add(fv.id)
    target = st.goal_type(g)
    motive_body = mctx.mk_pi(reverted, target) if reverted else target
    motive = mctx.mk_lambda(list(indices) + [x], motive_body)
    rec_name = head.name + ".rec"
    rec = te.env.get(rec_name)
    use_cases_on = not use_rec and (head.name + ".casesOn") in te.env
    elim_name = head.name + ".casesOn" if use_cases_on else rec_name
    ind_levels = list(head.levels)
    if len(rec.level_params) == len(info.level_params) + 1:
        levels = [te.level_of_type(motive_body)] + ind_levels
    else:
        if not mctx.is_prop(motive_body):
            raise ElabError(stx, f"tactic 'cases' failed, the motive is not a proposition and '{head.name}' eliminates only into Prop\n{st.pp_goal(g)}")
        levels = ind_levels
    elim = Const(elim_name, tuple(levels))
    partial = X.mk_app_seq(elim, list(params) + [motive])
    if use_cases_on:
        partial = X.mk_app_seq(partial, list(indices) + [x])
    pty = mctx.instantiate(te.infer(partial))
    minors = []
    results = []
    # the eliminated local and its indices are replaced in each case: not in the new goals
    gone = {x.id} | idx_ids | {fv.id for fv in reverted}
    mctx.scope = [fv for fv in mctx.scope if fv.id not in gone]
    mctx.names = [(n, fv) for n, fv in mctx.names if fv.id not in gone]
    for ctor in info.constructors:
        w = te.whnf(pty)
        minor_ty = beta_all(mctx.instantiate(w.type))
        minor_ty = nat_display(minor_ty) if NAT_CTOR_DISPLAY else minor_ty
        short = ctor.rpartition(".")[2]
        m = st.new_goal(minor_ty, f"{g.tag}.{short}" if g.tag else short)
        minors.append(m)
        pty = X.instantiate(w.body, [m.mvar])
    value = X.mk_app_seq(partial, [m.mvar for m in minors])
    if not use_cases_on:
        value = X.mk_app_seq(value, list(indices) + [x])
    value = X.mk_app_seq(value, reverted)
    st.assign(g, value)
    st.replace_goal(g, [])
    rest = list(st.goals)
    out_goals = []
    for ctor, m in zip(info.constructors, minors):
        cinfo = te.env.get(ctor)
        given = list(names(ctor)) if names is not None else []
        st.goals = [m]
        new_locals = []
        k = 0
        # fields, then (for `induction`) one hypothesis per recursive field
        while True:
            cur = st.goals[0]
            st.enter(cur)
            t = st.goal_type(cur)
            if type(t) is not Pi or k >= _minor_arity(te, info, cinfo, use_rec):
                break
            nm = given[k] if k < len(given) and given[k] not in (None, "_") else _inaccessible(t.name)
            new_locals.append(_intro_named(st, cur, nm))
            k += 1
        for fv in reverted:
            cur = st.goals[0]
            st.enter(cur)
            _intro_named(st, cur, mctx.local_decl(fv).user_name)
        cur = st.goals[0]
        # Lean prints `0` and `n + 1` for the constructors of Nat
        t = st.goal_type(cur)
        nice = nat_display(t) if NAT_CTOR_DISPLAY and ("Nat.zero" in str_consts(t) or "Nat.succ" in str_consts(t)) else t
        if nice is not t:
            st.enter(cur)
            cur = st.change_target(cur, nice, None)
        results.append((ctor, cur, new_locals))
        out_goals.append(cur)
    st.goals = out_goals + rest
    return results


def str_consts(e: Expr) -> set:
    out: set = set()
    X.fold_consts(e, lambda c: out.add(c.name))
    return out


def _minor_arity(te, info, cinfo, use_rec: bool) -> int:
    """Fields of the constructor, plus (for `rec`) one induction hypothesis per recursive field."""
    if not use_rec:
        return cinfo.num_fields
    t = cinfo.type
    for _ in range(cinfo.num_params):
        t = t.body
    n_rec = 0
    for _ in range(cinfo.num_fields):
        ft = t.type
        while type(ft) is Pi:
            ft = ft.body
        h = X.get_app_fn(ft)
        if type(h) is Const and h.name in info.all:
            n_rec += 1
        t = t.body
    return cinfo.num_fields + n_rec


def _inaccessible(name: str) -> str:
    return name if name.endswith("✝") else name + "✝"


def _intro_named(st, g, name: str) -> FVar:
    from nleanjit.elab.tactics.basic import _intro1

    _intro1(st, g, name, None)
    return st.goals[0].scope[-1]


# ------------------------------------------------------------------ syntax
def _alt_names(alt) -> tuple[str, list]:
    """`| succ n ih => …` → ("succ", ["n", "ih"])."""
    lhs = alt.children[1]
    parts = lhs.children if type(lhs) is Node and lhs.kind == "app" else [lhs]
    words = []
    for p in parts:
        if type(p) is Token:
            words.append(p.text)
        elif type(p) is Node and p.kind == "hole":
            words.append("_")
        else:
            words.append(V.ident_text(p) or "".join(t.text for t in V.tokens(p)))
    head = words[0].lstrip("@")
    if head.startswith("."):
        head = head[1:]
    return head, words[1:]


def _arrow(stx):
    return next((c for c in stx.children if type(c) is Token and c.text == "=>"), stx)


def _alt_body(alt):
    ch = alt.children
    i = next(i for i, c in enumerate(ch) if type(c) is Token and c.text == "=>")
    return ch[i + 1] if i + 1 < len(ch) else None


def _major_and_alts(stx):
    """`induction x using r generalizing y with | … ` → (targets, generalizing names, with-tactic, alts)."""
    ch = stx.children[1:]
    targets, gen, alts = [], [], []
    with_tac = None
    mode = "target"
    for c in ch:
        if type(c) is Token and c.text in ("with", "generalizing", "using"):
            mode = c.text
            continue
        if type(c) is Node and c.kind == "tactic_alt":
            alts.append(c)
            continue
        if type(c) is Token and c.text == ",":
            continue
        if mode == "target":
            targets.append(c)
        elif mode == "generalizing":
            if type(c) is Node and c.kind == "app":
                gen.extend(V.ident_text(y) for y in c.children)
            else:
                gen.append(V.ident_text(c) if type(c) is Node else c.text)
        elif mode == "with" and type(c) is Node and c.kind.startswith("tactic"):
            with_tac = c
    return targets, gen, with_tac, alts


def tac_cases(st, g, stx, use_rec=False):
    from nleanjit.elab.tactics import run_seq, run_tactic

    te, mctx = st.te, st.mctx
    targets, gen, with_tac, alts = _major_and_alts(stx)
    if not targets:
        raise ElabError(stx, "expected a term to do case analysis on")
    tstx = targets[0]
    hname = None
    # `cases h : e`: the equation `h : e = c` in each case
    if len(targets) >= 3 and type(targets[1]) is Token and targets[1].text == ":":
        hname = V.ident_text(targets[0]) if type(targets[0]) is Node else targets[0].text
        tstx = targets[2]
    alt_map = {}
    for a in alts:
        head, ws = _alt_names(a)
        alt_map[head] = (a, ws)

    def names(ctor):
        short = ctor.rpartition(".")[2]
        if short in alt_map:
            return alt_map[short][1]
        if "_" in alt_map:
            return alt_map["_"][1]
        return []

    name = V.ident_text(tstx) if type(tstx) is Node else (tstx.text if type(tstx) is Token else None)
    fv = st.find_hyp(g, name) if name and hname is None else None
    if fv is None:
        e = te.elab_core(tstx, None)
        te.synthesize_pending(final=True)
        e = mctx.instantiate(e)
        if type(e) is FVar and hname is None:
            fv = e
        else:
            g, fv = generalize_term(st, g, e, eq_name=hname)
    generalizing = []
    for n in gen:
        v = st.find_hyp(g, n)
        if v is None:
            raise ElabError(stx, f"unknown hypothesis '{n}'")
        generalizing.append(v)
    results = eliminate(st, g, fv, use_rec, stx, names, generalizing)
    if with_tac is not None:
        for _, cg, _ in results:
            saved = list(st.goals)
            st.goals = [cg]
            run_tactic(st, with_tac)
            st.prune()
            left = st.goals
            st.goals = [x for x in saved if x is not cg]
            st.goals = left + st.goals if False else st.goals + left
        return
    if not alts:
        return
    ctor_shorts = [c.rpartition(".")[2] for c, _, _ in results]
    for head in alt_map:
        if head != "_" and head not in ctor_shorts:
            a = alt_map[head][0]
            raise ElabError(a.children[1], f"invalid alternative name '{head}'")
    remaining = list(st.goals)
    solved_here = []
    for ctor, cg, _ in results:
        short = ctor.rpartition(".")[2]
        entry = alt_map.get(short) or alt_map.get("_")
        if entry is None:
            raise ElabError(stx, f"alternative '{short}' has not been provided")
        alt, _ = entry
        body = _alt_body(alt)
        st.goals = [cg]
        try:
            if body is not None:
                run_seq(st, body)
            st.prune()
            if st.goals:
                # Lean reports an alternative's unsolved goals at its `=>`
                raise ElabError(_arrow(alt), "unsolved goals\n" + "\n\n".join(st.pp_goal(x) for x in st.goals))
        except ElabError as err:
            st.report_and_admit(err, [cg] + st.goals)
        solved_here.append(cg)
    st.goals = [x for x in remaining if x not in solved_here]
    st.prune()


def _used_elsewhere(st, g, fv) -> bool:
    mctx = st.mctx
    if fv.id in X.free_fvar_ids(st.goal_type(g)):
        return True
    for h in g.scope:
        if h.id != fv.id and fv.id in X.free_fvar_ids(mctx.instantiate(mctx.local_decl(h).type)):
            return True
    return False


def tac_induction(st, g, stx):
    tac_cases(st, g, stx, use_rec=True)


# ------------------------------------------------------------------ rcases patterns
def destruct_with_pattern(st, g, fv: FVar, pat, stx) -> None:
    """rcases: destructure the local `fv` with the pattern `pat` (`⟨a, b⟩`, `h | h`, names, `_`, `-`, `rfl`)."""
    if isinstance(pat, list):
        return _destruct_tuple(st, g, fv, pat, stx)
    kind = pat.kind if type(pat) is Node else "token"
    if kind == "rcases_pat":
        alts = [c for c in pat.children if type(c) is Node]
        if len(alts) == 1:
            return destruct_with_pattern(st, g, fv, alts[0], stx)
        return _destruct_alternatives(st, g, fv, alts, stx)
    if kind == "rcases_explicit":
        return destruct_with_pattern(st, g, fv, pat.children[1], stx)
    if kind in ("rcases_group", "anonymous_ctor"):
        parts = [c for c in pat.children if type(c) is Node]
        if kind == "rcases_group" and pat.children[0].text == "(":
            if len(parts) == 1:
                return destruct_with_pattern(st, g, fv, parts[0], stx)
        return _destruct_tuple(st, g, fv, parts, stx)
    if kind == "rcases_atom" or kind in ("ident", "hole", "token"):
        tok = pat.children[0] if type(pat) is Node else pat
        text = tok.text if type(tok) is Token else (V.ident_text(tok) or "_")
        if text == "_":
            return
        if text == "-":
            st.clear_hyp(g, fv)
            return
        if text == "rfl":
            _subst(st, g, fv, stx)
            return
        _rename(st, g, fv, text)
        return
    if kind == "app":  # `h | h` inside ⟨⟩ arrives as terms in `have ⟨a, b⟩ := e`
        return
    raise ElabError(pat, "unsupported rcases pattern (not yet implemented by nleanjit's elaborator)")


def _rename(st, g, fv, name):
    _set_user_name(st.mctx, fv, name)
    g.names = [(n if x.id != fv.id else name, x) for n, x in g.names] + [(name, fv)]


def _set_user_name(mctx, fv, name):
    """Rename a local (Lean's `rename_i`; the new name shows in every goal that has it)."""
    import dataclasses

    d = mctx.lctx.get(fv.id)
    mctx.lctx._decls[fv.id] = dataclasses.replace(d, user_name=name)


def _destruct_tuple(st, g, fv, parts, stx):
    results = eliminate(st, g, fv, False, stx, None)
    if len(results) != 1:
        if len(parts) == 1:
            return destruct_with_pattern(st, st.goals[0], fv, parts[0], stx)
        raise ElabError(stx, f"rcases: the type has {len(results)} constructors; use `p₁ | p₂` patterns")
    ctor, cg, locs = results[0]
    if not locs:
        return
    # more patterns than fields: the last field takes the rest (right-nested ⟨a, b, c⟩)
    if len(parts) > len(locs):
        parts = parts[: len(locs) - 1] + [list(parts[len(locs) - 1 :])]
    for i, loc in enumerate(locs):
        if i >= len(parts):
            break
        cur = _goal_with(st, loc)
        if cur is None:
            continue
        st.enter(cur)
        destruct_with_pattern(st, cur, loc, parts[i], stx)


def _goal_with(st, fv):
    for gg in st.goals:
        if any(x.id == fv.id for x in gg.scope):
            return gg
    return st.goals[0] if st.goals else None


def _destruct_alternatives(st, g, fv, alts, stx):
    results = eliminate(st, g, fv, False, stx, None)
    for i, (ctor, cg, locs) in enumerate(results):
        cg = _goal_with(st, locs[0]) if locs else cg
        if i < len(alts) and locs:
            pat = alts[i]
            if len(locs) == 1:
                st.enter(cg)
                destruct_with_pattern(st, cg, locs[0], pat, stx)
            else:
                parts = [c for c in pat.children if type(c) is Node] if type(pat) is Node and pat.kind == "rcases_group" else [pat]
                for loc, p in zip(locs, parts):
                    cur = _goal_with(st, loc)
                    st.enter(cur)
                    destruct_with_pattern(st, cur, loc, p, stx)


def _clear_if_unused(st, g, fv):
    if any(x.id == fv.id for x in g.scope) and not _used_elsewhere(st, g, fv):
        st.clear_hyp(g, fv)


def _subst(st, g, h, stx):
    """`h : a = b` with `b` (or `a`) a local: replace it everywhere."""
    eliminate(st, g, h, False, stx, None)


def tac_rcases(st, g, stx):
    ch = stx.children
    terms, pat = [], None
    for i, c in enumerate(ch[1:], start=1):
        if type(c) is Token and c.text == "with":
            pat = ch[i + 1] if i + 1 < len(ch) else None
            break
        if type(c) is Node:
            terms.append(c)
    _rcases_on(st, g, terms[0] if terms else None, pat, stx)


def _rcases_on(st, g, term, pat, stx):
    te, mctx = st.te, st.mctx
    if term is None:
        raise ElabError(stx, "rcases: expected a term")
    name = V.ident_text(term) if type(term) is Node else None
    fv = st.find_hyp(g, name) if name else None
    if fv is None:
        e = te.elab_core(term, None)
        te.synthesize_pending(final=True)
        e = mctx.instantiate(e)
        ty = mctx.instantiate(te.infer(e))
        g = st.add_hyp(g, "h✝", ty, e)
        fv = g.scope[-1]
    st.enter(g)
    if pat is None:
        return
    destruct_with_pattern(st, g, fv, pat, stx)


def tac_obtain(st, g, stx):
    ch = stx.children
    pat = ty_stx = val_stx = None
    for i, c in enumerate(ch[1:], start=1):
        if type(c) is Node and c.kind == "rcases_pat" and pat is None:
            pat = c
        elif type(c) is Token and c.text == ":":
            ty_stx = ch[i + 1]
        elif type(c) is Token and c.text == ":=":
            val_stx = ch[i + 1]
    te, mctx = st.te, st.mctx
    if val_stx is None:
        raise ElabError(stx, "unsupported 'obtain' without ':=' (not yet implemented by nleanjit's elaborator)")
    ty = te.elab_type(ty_stx) if ty_stx is not None else None
    v = te.elab(val_stx, ty)
    te.synthesize_pending(final=True)
    v = mctx.instantiate(v)
    ty = mctx.instantiate(ty if ty is not None else te.infer(v))
    g = st.add_hyp(g, "h✝", ty, v)
    fv = g.scope[-1]
    st.enter(g)
    if pat is not None:
        destruct_with_pattern(st, g, fv, pat, stx)


def tac_rintro(st, g, stx):
    from nleanjit.elab.tactics.basic import _intro1

    pats = [c for c in stx.children[1:] if type(c) is Node and c.kind == "rcases_pat"]
    for p in pats:
        g = st.main(stx)
        st.enter(g)
        atoms = [c for c in p.children if type(c) is Node]
        if len(atoms) == 1 and atoms[0].kind == "rcases_atom" and atoms[0].children[0].text not in ("rfl", "-"):
            _intro1(st, g, atoms[0].children[0].text, stx)
            continue
        _intro1(st, g, "h✝", stx)
        g = st.main(stx)
        st.enter(g)
        destruct_with_pattern(st, g, g.scope[-1], p, stx)


def tac_subst(st, g, stx):
    te, mctx = st.te, st.mctx
    for c in stx.children[1:]:
        n = V.ident_text(c) if type(c) is Node else (c.text if type(c) is Token and c.kind == "ident" else None)
        if n is None:
            continue
        g = st.main(stx)
        st.enter(g)
        fv = st.find_hyp(g, n)
        if fv is None:
            raise ElabError(c, f"unknown hypothesis '{n}'")
        t = te.whnf(mctx.instantiate(mctx.local_decl(fv).type))
        f, args = X.get_app_fn_args(t)
        if not (type(f) is Const and f.name == "Eq"):
            # `subst x`: find an equation about the variable x
            h = next((h for h in reversed(st.hyps(g)) if _is_eq_about(te, mctx, h, fv)), None)
            if h is None:
                raise ElabError(c, f"tactic 'subst' failed, did not find equation for eliminating '{n}'")
            fv = h
        eliminate(st, g, fv, False, stx, None)


def _is_eq_about(te, mctx, h, v) -> bool:
    t = te.whnf(mctx.instantiate(mctx.local_decl(h).type))
    f, args = X.get_app_fn_args(t)
    return type(f) is Const and f.name == "Eq" and len(args) == 3 and (args[1] == v or args[2] == v)


# ------------------------------------------------------------------ contradiction
def ctor_clash_proof(te, h: Expr, ty: Expr) -> Expr | None:
    """`h : a = b` where `a`, `b` reduce to different constructors of a non-indexed type → `False`."""
    mctx = te.mctx
    f, args = X.get_app_fn_args(te.whnf(ty))
    if not (type(f) is Const and f.name == "Eq" and len(args) == 3):
        return None
    a, b = te.whnf(args[1]), te.whnf(args[2])
    ca, cb = _ctor_of(te, a), _ctor_of(te, b)
    if ca is None or cb is None or ca == cb:
        return None
    T = te.whnf(args[0])
    head, targs = X.get_app_fn_args(T)
    info = te.env.find(head.name) if type(head) is Const else None
    if type(info) is not InductiveInfo or info.num_indices or (head.name + ".casesOn") not in te.env:
        return None
    rec = te.env.get(head.name + ".rec")
    if len(rec.level_params) != len(info.level_params) + 1:
        return None
    # P x := T.casesOn (motive := fun _ => Prop) x (… True for a's constructor, False otherwise)
    motive = Lam("_", T, X.PROP, X.DEFAULT)
    cases = X.mk_app_seq(Const(head.name + ".casesOn", (L.ONE,) + tuple(head.levels)), list(targs) + [motive, BVar(0)])
    minors = []
    for ctor in info.constructors:
        cinfo = te.env.get(ctor)
        cty = X.instantiate_level_params(cinfo.type, cinfo.level_params, head.levels)
        for p in targs:
            cty = X.instantiate(te.whnf(cty).body, [p])
        fields = []
        while True:
            w = te.whnf(cty) if type(cty) is not Pi else cty
            if type(w) is not Pi:
                break
            fields.append(w)
            cty = w.body
        body = Const("True") if ctor == ca else Const("False")
        for fw in reversed(fields):
            body = Lam(fw.name, fw.type, body, X.DEFAULT)
        minors.append(X.lift_loose_bvars(body, 0, 1))
    P = Lam("x", T, X.mk_app_seq(cases, minors), X.DEFAULT)
    u = te.level_of_type(args[0])
    return X.mk_app(Const("Eq.subst", (u,)), args[0], P, args[1], args[2], h, Const("True.intro"))


def _ctor_of(te, e: Expr) -> str | None:
    if type(e) is NatLit:
        return "Nat.zero" if e.value == 0 else "Nat.succ"
    f = X.get_app_fn(e)
    if type(f) is Const and type(te.env.find(f.name)) is ConstructorInfo:
        return f.name
    return None


def tac_contradiction(st, g, stx):
    te, mctx = st.te, st.mctx
    target = st.goal_type(g)
    u = te.level_of_type(target)
    hyps = st.hyps(g)

    def close(false_proof):
        st.assign(g, X.mk_app(Const("False.elim", (u,)), target, false_proof))

    for h in hyps:
        ty = mctx.instantiate(mctx.local_decl(h).type)
        w = te.whnf(ty)
        if type(w) is Const and w.name == "False":
            return close(h)
        # an empty type
        hd = X.get_app_fn(w)
        info = te.env.find(hd.name) if type(hd) is Const else None
        if type(info) is InductiveInfo and not info.constructors and mctx.is_prop(ty):
            rec = Const(hd.name + ".rec", (L.ZERO,) + tuple(hd.levels)) if len(te.env.get(hd.name + ".rec").level_params) > len(info.level_params) else Const(hd.name + ".rec", tuple(hd.levels))
            st.assign(g, X.mk_app_seq(rec, X.get_app_args(w) + [Lam("_", w, target, X.DEFAULT), h]))
            return
        p = ctor_clash_proof(te, h, ty)
        if p is not None:
            return close(p)
        # `h : ¬ a = a`
        if type(w) is Pi and not X.has_loose_bvar(w.body, 0) and te.whnf(w.body) == Const("False"):
            f, args = X.get_app_fn_args(te.whnf(w.type))
            if type(f) is Const and f.name == "Eq" and len(args) == 3 and mctx.is_def_eq(args[1], args[2]):
                return close(App(h, X.mk_app(Const("Eq.refl", f.levels), args[0], args[1])))
            for h2 in hyps:
                if h2 is h:
                    continue
                saved = mctx.save()
                if mctx.is_def_eq(mctx.local_decl(h2).type, w.type):
                    return close(App(h, h2))
                mctx.restore(saved)
    # `decide`-able false hypotheses such as `h : 2 < 1`
    for h in hyps:
        ty = mctx.instantiate(mctx.local_decl(h).type)
        if ty.has_fvar or ty.has_expr_mvar or not mctx.is_prop(ty):
            continue
        inst = te.resolver.synth(App(Const("Decidable"), ty))
        if inst is None:
            continue
        r = mctx.whnf(X.mk_app(Const("Decidable.decide"), ty, inst))
        if type(r) is Const and r.name == "Bool.false":
            refl = X.mk_app(Const("Eq.refl", (L.ONE,)), Const("Bool"), Const("Bool.false"))
            not_p = X.mk_app(Const("of_decide_eq_false"), ty, inst, refl)
            return close(App(not_p, h))
    raise ElabError(stx, f"tactic 'contradiction' failed\n{st.pp_goal(g)}")


def tac_injection(st, g, stx):
    """`injection h (with a b)`: `h : C xs = C ys` gives `x₁ = y₁ …`; different constructors close the goal."""
    te, mctx = st.te, st.mctx
    ch = stx.children[1:]
    term = ch[0] if ch else None
    names = []
    seen_with = False
    for c in ch[1:]:
        if type(c) is Token and c.text == "with":
            seen_with = True
        elif seen_with:
            names.extend(V.ident_text(y) or "_" for y in (c.children if type(c) is Node and c.kind == "app" else [c]))
    h = te.elab_core(term, None)
    te.synthesize_pending(final=True)
    h = mctx.instantiate(h)
    ty = mctx.instantiate(te.infer(h))
    target = st.goal_type(g)
    clash = ctor_clash_proof(te, h, ty)
    if clash is not None:
        st.assign(g, X.mk_app(Const("False.elim", (te.level_of_type(target),)), target, clash))
        return
    f, args = X.get_app_fn_args(te.whnf(ty))
    if not (type(f) is Const and f.name == "Eq" and len(args) == 3):
        raise ElabError(stx, f"equality of constructor applications expected\n  {te.pp(ty)}")
    from nleanjit.elab.tactics.eqproofs import _nat_pred

    if type(args[0]) is Const and args[0].name == "Nat":
        # `x + 1 = y + 1` (or literals): `x = y` through `Nat.pred`, without unfolding `+`
        pa, pb = _nat_pred(args[1]), _nat_pred(args[2])
        if pa is not None and pb is not None:
            name = names[0] if names and names[0] != "_" else "h✝"
            proof = EqProofs(te).congr_arg(Const("Nat.pred"), h)
            st.add_hyp(g, name, EqProofs(te).eq(pa, pb, args[0]), proof)
            return
    a, b = te.whnf(args[1]), te.whnf(args[2])
    ca, cb = _ctor_of(te, a), _ctor_of(te, b)
    if ca is None or ca != cb or type(a) is NatLit or type(b) is NatLit:
        raise ElabError(stx, f"equality of constructor applications expected\n  {te.pp(ty)}")
    cinfo = te.env.get(ca)
    fa, fb = X.get_app_args(a)[cinfo.num_params :], X.get_app_args(b)[cinfo.num_params :]
    T = te.whnf(args[0])
    head, targs = X.get_app_fn_args(T)
    info = te.env.get(head.name)
    if info.num_indices or (head.name + ".casesOn") not in te.env:
        raise ElabError(stx, "unsupported: 'injection' on an indexed family (not yet implemented by nleanjit's elaborator)")
    cur = g
    k = 0
    for i, (x, y) in enumerate(zip(fa, fb)):
        if mctx.is_proof(x):
            continue
        fty = mctx.instantiate(te.infer(x))
        if fty.has_loose_bvars:
            continue
        # P z := T.casesOn z (C's minor: its i-th field; the others: x itself)
        motive = Lam("_", T, X.lift_loose_bvars(fty, 0, 1), X.DEFAULT)
        u = te.level_of_type(fty)
        minors = []
        for ctor in info.constructors:
            ci = te.env.get(ctor)
            cty = X.instantiate_level_params(ci.type, ci.level_params, head.levels)
            for p_ in targs:
                cty = X.instantiate(te.whnf(cty).body, [p_])
            fields = []
            while True:
                w = cty if type(cty) is Pi else te.whnf(cty)
                if type(w) is not Pi:
                    break
                fields.append(w)
                cty = w.body
            n = len(fields)
            body = BVar(n - 1 - i) if ctor == ca else X.lift_loose_bvars(x, 0, n)
            for fw in reversed(fields):
                body = Lam(fw.name, fw.type, body, X.DEFAULT)
            minors.append(body)
        proj = Lam("z", T, X.mk_app_seq(Const(head.name + ".casesOn", (u,) + tuple(head.levels)),
                                        [X.lift_loose_bvars(p_, 0, 1) for p_ in targs] + [X.lift_loose_bvars(motive, 0, 1), BVar(0)]
                                        + [X.lift_loose_bvars(m_, 0, 1) for m_ in minors]), X.DEFAULT)
        eq_ty = EqProofs(te).eq(x, y, fty)
        proof = EqProofs(te).congr_arg(proj, h)
        name = names[k] if k < len(names) and names[k] != "_" else "h✝"
        k += 1
        st.enter(cur)
        cur = st.add_hyp(cur, name, eq_ty, proof)


# ------------------------------------------------------------------ split
def tac_split(st, g, stx):
    te, mctx = st.te, st.mctx
    target = st.goal_type(g)
    found = _find_ite(target)
    if found is None:
        m = _find_match(te, target)
        if m is None:
            raise ElabError(stx, f"tactic 'split' failed, consider using `set_option trace.split.failure true`\n{st.pp_goal(g)}")
        discr = m
        if type(discr) is not FVar:
            g, discr = generalize_term(st, g, discr)
        results = eliminate(st, g, discr, False, stx, None)
        from nleanjit.elab.tactics.rewrite import _reduce_matchers

        for _, cg, _ in results:
            if not st.mctx.is_assigned(cg.mvar):
                t = st.goal_type(cg)
                nt = reduce_matchers_everywhere(te, t)
                if nt != t:
                    st.change_target(cg, nt, None)
        return
    ite = found
    f, args = X.get_app_fn_args(ite)
    is_dite = f.name == "dite"
    alpha, c, inst, t_br, e_br = args[0], args[1], args[2], args[3], args[4]
    body = kabstract(mctx, target, inst)
    motive = Lam("d", App(Const("Decidable"), c), body, X.DEFAULT)
    u = te.level_of_type(target)
    goals = []
    minors = []
    for ctor, hty, branch in (("isFalse", App(Const("Not"), c), e_br), ("isTrue", c, t_br)):
        st.enter(g)
        h = mctx.push_local("h✝", hty)
        br = head_beta(App(branch, h)) if is_dite else branch
        # the branch's type in the goal: the `ite` replaced by the branch (definitionally equal)
        new_t = X.instantiate1(kabstract(mctx, target, ite), br)
        child = st.new_goal(new_t, ctor)
        lam_goal = mctx.new_mvar(Pi("h", hty, X.abstract(X.instantiate1(body, X.mk_app(Const("Decidable." + ctor), c, h)), [h]), X.DEFAULT), "opaque")
        st.closers.append((lam_goal, [h], child.mvar))
        minors.append(lam_goal)
        goals.append(child)
    st.assign(g, X.mk_app(Const("Decidable.casesOn", (u,)), c, motive, inst, minors[0], minors[1]))
    st.replace_goal(g, [goals[1], goals[0]])


def _find_ite(e: Expr):
    found = []

    def fn(x: Expr, off: int):
        if found:
            return x
        if x.has_loose_bvars:
            return None
        f = X.get_app_fn(x)
        if type(f) is Const and f.name in ("ite", "dite") and X.get_app_num_args(x) == 5:
            c = X.get_app_args(x)[1]
            inner = _find_ite(c)
            found.append(inner if inner is not None else x)
            return x
        return None

    X.replace(e, fn)
    return found[0] if found else None


def _find_match(te, e: Expr):
    """The discriminant of the first `T.casesOn`/`T.rec` application on a non-constructor."""
    from nleanjit.elab.tactics.rewrite import _recursor_of

    found = []

    def fn(x: Expr, off: int):
        if found or x.has_loose_bvars:
            return x if found else None
        r = _recursor_of(te, x) if type(X.get_app_fn(x)) is Const else None
        if r is not None:
            info, rec_app = r
            args = X.get_app_args(rec_app)
            if info.major_idx < len(args) and info.num_indices == 0:
                major = args[info.major_idx]
                if _ctor_of(te, te.whnf(major)) is None:
                    found.append(major)
                    return x
        return None

    X.replace(e, fn)
    return found[0] if found else None


def reduce_matchers_everywhere(te, e: Expr) -> Expr:
    from nleanjit.elab.tactics.rewrite import _reduce_matchers

    def fn(x: Expr, off: int):
        if x.has_loose_bvars or type(X.get_app_fn(x)) is not Const:
            return None
        r, stuck = _reduce_matchers(te, x)
        if r is not x and not stuck:
            return reduce_matchers_everywhere(te, r)
        return None

    r = X.replace(e, fn)
    return nat_display(r) if NAT_CTOR_DISPLAY else r


# ------------------------------------------------------------------ case / next
def tac_case(st, g, stx, by_tag=True):
    from nleanjit.elab.tactics import run_seq

    ch = stx.children
    words = []
    body = None
    for i, c in enumerate(ch[1:], start=1):
        if type(c) is Token and c.text == "=>":
            body = ch[i + 1] if i + 1 < len(ch) else None
            break
        if type(c) is Node and c.kind == "app":
            words.extend(V.ident_text(y) or "_" for y in c.children)
        elif type(c) is Node:
            words.append(V.ident_text(c) or "_")
        elif type(c) is Token:
            words.append(c.text)
    if by_tag:
        tag, names = (words[0] if words else "_"), words[1:]
        target = _find_tagged(st.goals, tag)
        if target is None:
            raise ElabError(stx, case_tag_not_found(tag, [x.tag for x in st.goals if x.tag]))
    else:
        target = st.main(stx)
        names = words
    rest = [x for x in st.goals if x is not target]
    st.goals = [target]
    if names:
        _rename_inaccessible(st, target, names)
    st.goals[0].tag = ""
    try:
        if body is not None:
            run_seq(st, body)
        st.prune()
        if st.goals:
            raise ElabError(_arrow(stx), "unsolved goals\n" + "\n\n".join(st.pp_goal(x) for x in st.goals))
    except ElabError as err:
        st.report_and_admit(err, [target] + st.goals)
    st.goals = rest


def _find_tagged(goals, tag: str):
    """Lean's order: the exact tag, then a tag ending in `.tag`, then one starting with `tag.`."""
    if tag == "_":
        return goals[0] if goals else None
    for test in (lambda t: t == tag, lambda t: t.endswith("." + tag), lambda t: t.startswith(tag + ".")):
        for cand in goals:
            if cand.tag and test(cand.tag):
                return cand
    return None


def case_tag_not_found(tag: str, tags: list[str]) -> str:
    """Lean's message, with its hint rendering each replacement as struck-out then underlined text."""
    head = f"Case tag `{tag}` not found.\n\n"
    if not tags:
        return head + "Note: There are no cases to select."

    def diff(new: str) -> str:
        return "".join(c + "\u0335" for c in tag) + "".join(c + "\u0332" for c in new)

    if len(tags) == 1:
        return head + f"Hint: The only available case tag is `{tags[0]}`.\n  {diff(tags[0])}"
    return head + "Hint: Available tags:\n" + "\n".join(f"  • `{t}`: {diff(t)}" for t in tags)


def _rename_inaccessible(st, g, names):
    """`case succ n ih`: the most recent inaccessible hypotheses (`n✝ ih✝`) get these names."""
    mctx = st.mctx
    inacc = [fv for fv in st.hyps(g) if mctx.local_decl(fv).user_name.endswith("✝")]
    chosen = inacc[-len(names):] if len(names) <= len(inacc) else inacc
    for fv, n in zip(chosen, names[-len(chosen):] if chosen else []):
        if n != "_":
            _set_user_name(mctx, fv, n)
            g.names = [(nm if x.id != fv.id else n, x) for nm, x in g.names]


TACTICS = {
    "cases": tac_cases,
    "induction": tac_induction,
    "rcases": tac_rcases,
    "obtain": tac_obtain,
    "rintro": tac_rintro,
    "subst": tac_subst,
    "contradiction": tac_contradiction,
    "injection": tac_injection,
    "split": tac_split,
    "case": tac_case,
    "case'": tac_case,
    "next": lambda st, g, stx: tac_case(st, g, stx, by_tag=False),
}
