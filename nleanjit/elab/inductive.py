"""The `inductive`, `structure` and `class` commands, and the auxiliary definitions they bring.

In: an `InductiveView` (syntax_view.py). Out: a kernel `InductiveDecl`
(checked by `Environment.add`, which also generates `T.rec`), then, as
Lean's elaborator does, `T.casesOn` (the recursor without induction
hypotheses, what `match` compiles to) and, for structures, the projection
functions `S.f` (definitions over kernel `Proj`), the `StructureInfo` that
field notation and structure instances read, and for classes the
`ClassInfo` (out-parameters) plus parent projections registered as
instances.

Parameters are elaborated once, the type being declared is a local variable
while the constructors are elaborated, and a missing result type is
inferred as `Type` or the least universe the fields need. Indices that every
constructor fixes to its own leading argument become parameters (Lean's
`fixedIndicesToParams`: how `Eq`'s `a` is a parameter).
"""

from __future__ import annotations

from nleanjit.elab import syntax_view as V
from nleanjit.elab.messages import ElabError
from nleanjit.elab.meta import MetaContext
from nleanjit.elab.state import ClassInfo, InstanceInfo, StructureInfo
from nleanjit.elab.term import Elaborated, AutoBoundImplicit, TermElab
from nleanjit.kernel import expr as X
from nleanjit.kernel import level as L
from nleanjit.kernel.declaration import (
    ABBREV_HINTS,
    Constructor,
    DefinitionDecl,
    InductiveDecl,
    InductiveType,
    ReducibilityHints,
)
from nleanjit.kernel.expr import App, Const, Expr, FVar, Lam, Pi, Proj, Sort


def _with_auto_bound(cmd, view, body):
    """Run `body(te, auto_fvars)` with Lean's auto-bound implicits: retry with each unknown
    identifier of the header bound as `{x : ?}` in front."""
    auto: list[str] = []
    for _ in range(64):
        mctx = MetaContext(cmd.eenv.env, cmd.fuel)
        te = TermElab(cmd, mctx, view.level_names)
        te.auto_bound = True
        te.auto_level_names = cmd.auto_level_names
        cmd.last_te = te
        fvs = []
        for name in auto:
            u = mctx.new_level_mvar()
            fvs.append(mctx.push_local(name, mctx.new_mvar(Sort(u)), X.IMPLICIT))
        try:
            return body(te, fvs)
        except AutoBoundImplicit as a:
            if a.name in auto:
                raise ElabError(None, f"unknown identifier '{a.name}'")
            auto.append(a.name)
    raise ElabError(None, "too many auto-bound implicit arguments")


def _header(cmd, te: TermElab, auto_fvs, binders, type_stx):
    var_fvs = te.push_binders(cmd.scope_variable_binders())
    fvs = te.push_binders(binders)
    ty = te.elab_type(type_stx) if type_stx is not None else None
    te.auto_bound = False
    return list(auto_fvs) + var_fvs + fvs, ty


def level_params_in_order(declared, *exprs) -> list[str]:
    found = set()
    for e in exprs:
        found |= X.level_params_of(e)
    out = []
    for p in declared:
        if p in found and p not in out:
            out.append(p)
    out += sorted(p for p in found if p not in out)
    return out


def finalize_levels(te: TermElab, exprs: list[Expr], used_names: set[str]) -> list[Expr]:
    """Turn the level metavariables left in a header into parameters `u_1`, `u_2`, …"""
    mctx = te.mctx
    exprs = [mctx.instantiate(e) for e in exprs]
    mvars: list[str] = []
    for e in exprs:
        _collect_level_mvars(e, mvars)
    k = 1
    for m in mvars:
        if m in mctx.level_assignment:
            continue
        while f"u_{k}" in used_names:
            k += 1
        mctx.level_assignment[m] = L.Param(f"u_{k}")
        used_names.add(f"u_{k}")
    return [mctx.instantiate(e) for e in exprs]


def _collect_level_mvars(e: Expr, out: list[str]) -> None:
    if not e.has_level_mvar:
        return

    def lv(l):
        t = type(l)
        if t is L.LMVar:
            if l.name not in out:
                out.append(l.name)
        elif t is L.Succ:
            lv(l.of)
        elif t in (L.Max, L.IMax):
            lv(l.lhs)
            lv(l.rhs)

    def fn(x, off):
        if not x.has_level_mvar:
            return x
        if type(x) is Sort:
            lv(x.level)
            return x
        if type(x) is Const:
            for l in x.levels:
                lv(l)
            return x
        return None

    X.replace(e, fn)


def zero_level_mvars(mctx, e: Expr) -> Expr:
    e = mctx.instantiate(e)
    ms: list[str] = []
    _collect_level_mvars(e, ms)
    for m in ms:
        mctx.level_assignment.setdefault(m, L.ZERO)
    return mctx.instantiate(e)


def _replace_fvar(e: Expr, fv: FVar, by: Expr) -> Expr:
    def fn(x, off):
        if not x.has_fvar:
            return x
        if type(x) is FVar and x.id == fv.id:
            return by
        return None

    return X.replace(e, fn)


# ------------------------------------------------------------------ inductive


def elab_inductive(cmd, view: V.InductiveView) -> None:
    name = cmd.decl_name(view.name)
    ctor_views = view.ctors
    ctors_out: list[tuple[str, Expr, object]] = []

    def body(te: TermElab, auto_fvs):
        params, ty = _header(cmd, te, auto_fvs, view.binders, view.type)
        mctx = te.mctx
        explicit_type = ty is not None
        if ty is None:
            ty = Sort(mctx.new_level_mvar())
        ind_type = mctx.mk_pi(params, ty)
        ind_fv = mctx.push_local(view.name, ind_type)
        mctx.push_alias(name, ind_fv)
        ind_app = X.mk_app(ind_fv, *params)
        result = []
        for cv in ctor_views:
            # a constructor's unknown names are auto-bound implicits, as in its header
            # (`cons (head : α) (tail : Vector α n) : Vector α (n+1)` binds `{n}`)
            auto_c: list[str] = []
            while True:
                saved = mctx.save()
                afvs = [mctx.push_local(n, mctx.new_mvar(Sort(mctx.new_level_mvar())), X.IMPLICIT) for n in auto_c]
                fvs = []
                te.auto_bound = True
                try:
                    fvs = te.push_binders(cv.binders)
                    cty = te.elab_type(cv.type) if cv.type is not None else ind_app
                    te.auto_bound = False
                    te.synthesize_pending(final=True)
                    concl = mctx.instantiate(cty)
                    while type(concl) is Pi:
                        concl = concl.body
                    if X.get_app_fn(concl) != ind_fv:
                        raise ElabError(cv.type or cv.syntax, f"unexpected constructor resulting type\n  {te.pp(cty)}")
                    result.append((cv, afvs + fvs, mctx.mk_pi(afvs + fvs, cty)))
                    break
                except AutoBoundImplicit as a:
                    mctx.pop_local(len(fvs) + len(afvs))
                    fvs, afvs = [], []
                    mctx.restore(saved)
                    if a.name in auto_c or len(auto_c) > 32:
                        raise ElabError(cv.syntax, f"unknown identifier '{a.name}'") from None
                    auto_c.append(a.name)
                finally:
                    te.auto_bound = False
                    mctx.pop_local(len(fvs) + len(afvs))
        # the universe of the type, when it was not given
        s = te.whnf(mctx.instantiate(ty))
        while type(s) is Pi:
            s = s.body
        if type(s) is Sort and type(mctx.instantiate_level(s.level)) is L.LMVar:
            lvl = _infer_result_level(te, result, ind_fv, explicit_type)
            mctx.level_defeq(s.level, lvl)
        return params, ty, ind_fv, result

    params, ty, ind_fv, result = _with_auto_bound(cmd, view, body)
    te = cmd.last_te
    mctx = te.mctx
    ind_type = mctx.mk_pi(params, ty)
    ctor_types = [mctx.mk_pi(params, cty) for _, _, cty in result]
    # close over the parameters; constructors take them implicitly
    ctor_types = [_implicit_params(ct, len(params)) for ct in ctor_types]
    used = set(view.level_names) | set(cmd.scope.universes)
    exprs = finalize_levels(te, [ind_type] + ctor_types, used)
    ind_type, ctor_types = exprs[0], exprs[1:]
    lparams = level_params_in_order(list(view.level_names) + list(cmd.scope.universes), ind_type, *ctor_types)
    const = Const(name, tuple(L.Param(p) for p in lparams))
    final_ctors = []
    for (cv, _, _), ct in zip(result, ctor_types):
        ct = _replace_fvar(ct, ind_fv, _const_applied_marker(const))
        final_ctors.append(Constructor(f"{name}.{V.strip_guillemets(cv.name_tok.text)}", _fix_ind_refs(ct, ind_fv, const, len(params))))
    num_params = _promote_fixed_indices(ind_type, [c.type for c in final_ctors], len(params), name)
    decl = InductiveDecl(tuple(lparams), num_params, (InductiveType(name, ind_type, tuple(final_ctors)),), view.modifiers.is_unsafe)
    cmd.add_decl(decl, view.syntax)
    cmd.eenv.register_namespace(name)
    if view.kind.startswith("class"):
        cmd.eenv.classes[name] = ClassInfo(name, _out_params(ind_type))
    mk_cases_on(cmd, name)
    for d in view.deriving:
        cmd.derive(d, name, view.syntax)


def _const_applied_marker(const):
    return const


def _fix_ind_refs(ct: Expr, ind_fv: FVar, const: Const, nparams: int) -> Expr:
    """After `_replace_fvar`, occurrences of the inductive are the constant applied to the
    parameters (bound variables), exactly as in the local version: nothing more to do."""
    return ct


def _implicit_params(ct: Expr, n: int) -> Expr:
    if n == 0 or type(ct) is not Pi:
        return ct
    return Pi(ct.name, ct.type, _implicit_params(ct.body, n - 1), X.IMPLICIT)


def _infer_result_level(te, result, ind_fv, explicit) -> L.Level:
    lvl = L.ONE
    mctx = te.mctx
    for _cv, _fvs, cty in result:
        t = mctx.instantiate(cty)
        fvs = []
        try:
            while True:
                w = t if type(t) is Pi else te.whnf(t)
                if type(w) is not Pi:
                    break
                if ind_fv.id not in X.free_fvar_ids(w.type):
                    s = te.whnf(mctx.infer(w.type))
                    if type(s) is Sort:
                        lvl = L.mk_max(lvl, mctx.instantiate_level(s.level))
                fv = mctx.push_local(w.name, w.type)
                fvs.append(fv)
                t = X.instantiate(w.body, [fv])
        finally:
            mctx.pop_local(len(fvs))
    return as_type_level(lvl)


def as_type_level(lvl: L.Level) -> L.Level:
    """Lean's shape for an inferred universe: `max (u+2) (v+1)` becomes `(max (u+1) v)+1`, so that
    the type reads `Type (max (u+1) v)` and unifies with `Type ?w`."""
    lvl = L.normalize(lvl)
    args: list = []
    L._push_max_args(lvl, args)
    if all(L.to_offset(a)[1] >= 1 for a in args):
        inner = L.ZERO
        for a in args:
            base, k = L.to_offset(a)
            inner = L.mk_max(inner, L.mk_succ(base, k - 1))
        return L.Succ(L.normalize(inner))
    return lvl


def _same_index_everywhere(e: Expr, name: str, pos: int, var: int) -> bool:
    """Every application of the type being declared (`name`) in `e` has `BVar(var)` (shifted
    under binders) at argument `pos`."""
    bad = []

    def fn(x, off):
        if type(x) is App:
            h, args = X.get_app_fn_args(x)
            if type(h) is Const and h.name == name and len(args) > pos and args[pos] != X.BVar(var + off):
                bad.append(x)
        return None

    X.replace(e, fn)
    return not bad



def _promote_fixed_indices(ind_type: Expr, ctor_types: list[Expr], nparams: int, name: str) -> int:
    """Lean's `fixedIndicesToParams`: index `i` (right after the parameters) becomes a parameter
    when every constructor takes, right after the parameters, an argument of the same type and
    returns the type with exactly that argument at position `i`."""
    while True:
        t = ind_type
        k = 0
        while type(t) is Pi and k < nparams:
            t = t.body
            k += 1
        if type(t) is not Pi:
            return nparams
        idx_type = t.type
        ok = bool(ctor_types)
        for ct in ctor_types:
            c = ct
            k = 0
            while type(c) is Pi and k < nparams:
                c = c.body
                k += 1
            if type(c) is not Pi or c.type != idx_type:
                ok = False
                break
            # conclusion: count binders from here; recursive occurrences in the arguments must
            # use the same argument too (`step : r a b → R r b → R r a` keeps its index)
            depth = 0
            body = c
            while type(body) is Pi:
                body = body.body
                depth += 1
                if type(body) is Pi and not _same_index_everywhere(body.type, name, nparams, depth - 1):
                    ok = False
            args = X.get_app_args(body)
            if not ok or len(args) <= nparams or args[nparams] != X.BVar(depth - 1):
                ok = False
                break
        if not ok:
            return nparams
        nparams += 1


def mk_cases_on(cmd, name: str) -> None:
    """`T.casesOn := fun params motive indices t minors => T.rec params motive (minors without IHs) indices t`."""
    env = cmd.eenv.env
    rec = env.find(name + ".rec")
    if rec is None or rec.num_motives != 1:
        return
    mctx = MetaContext(env, cmd.fuel)
    t = rec.type
    fv_params, minors_fv, idx_fv = [], [], []
    n = rec.num_params
    for _ in range(n):
        fv = mctx.push_local(t.name, t.type, X.IMPLICIT)
        fv_params.append(fv)
        t = X.instantiate(t.body, [fv])
    motive = mctx.push_local(t.name, t.type, X.IMPLICIT)
    t = X.instantiate(t.body, [motive])
    minor_types = []
    for _ in range(rec.num_minors):
        minor_types.append(t)
        fv = mctx.push_local(t.name, t.type)
        minors_fv.append(fv)
        t = X.instantiate(t.body, [fv])
    for _ in range(rec.num_indices):
        fv = mctx.push_local(t.name, t.type, X.IMPLICIT)
        idx_fv.append(fv)
        t = X.instantiate(t.body, [fv])
    major = mctx.push_local(t.name, t.type)
    concl = X.instantiate(t.body, [major])
    # minors without induction hypotheses
    new_minors, wrapped = [], []
    for mt_pi, mfv in zip(minor_types, minors_fv):
        mty = mctx.local_decl(mfv).type
        fields, ihs = [], []
        u = mty
        while type(u) is Pi:
            inner = u.type
            while type(inner) is Pi:
                inner = inner.body
            is_ih = X.get_app_fn(inner) == motive
            fv = mctx.push_local(u.name, u.type)
            (ihs if is_ih else fields).append(fv)
            u = X.instantiate(u.body, [fv])
        new_ty = mctx.mk_pi(fields, u)
        nm = mctx.push_local(mctx.local_decl(mfv).user_name, new_ty)
        new_minors.append(nm)
        wrapped.append(mctx.mk_lambda(fields + ihs, X.mk_app(nm, *fields)))
    value_body = X.mk_app(Const(rec.name, tuple(L.Param(p) for p in rec.level_params)), *fv_params, motive, *wrapped, *idx_fv, major)
    binders = fv_params + [motive] + idx_fv + [major] + new_minors
    ty = mctx.mk_pi(binders, concl)
    val = mctx.mk_lambda(binders, value_body)
    cmd.add_decl(DefinitionDecl(name + ".casesOn", rec.level_params, ty, val, ABBREV_HINTS), None)
    cmd.eenv.add_attribute("reducible", name + ".casesOn")


# ------------------------------------------------------------------ structures


def elab_structure(cmd, view: V.InductiveView) -> None:
    name = cmd.decl_name(view.name)
    is_class = view.kind.startswith("class")
    ctor_name = f"{name}.{view.ctor_name.text if view.ctor_name is not None else 'mk'}"

    def body(te: TermElab, auto_fvs):
        params, ty = _header(cmd, te, auto_fvs, view.binders, view.type)
        mctx = te.mctx
        explicit_type = ty is not None
        if ty is None:
            ty = Sort(mctx.new_level_mvar())
        ind_type = mctx.mk_pi(params, ty)
        field_fvs: list[FVar] = []
        field_names: list[str] = []
        parents: list[tuple[str, str]] = []
        defaults: list[tuple[str, object]] = []
        binder_infos: list = []
        aliases = 0
        scope_fvs: list[FVar] = []
        try:
            for p_stx in view.extends:
                pt = te.elab_type(p_stx)
                te.synthesize_pending(final=True)
                ph = X.get_app_fn(te.whnf(pt))
                if type(ph) is not Const or ph.name not in cmd.eenv.structures:
                    raise ElabError(p_stx, "expected structure")
                pname = ph.name
                fname = "to" + pname.rpartition(".")[2]
                fv = mctx.push_local(fname, pt)
                field_fvs.append(fv)
                scope_fvs.append(fv)
                field_names.append(fname)
                binder_infos.append(X.INST_IMPLICIT if is_class and pname in cmd.eenv.classes else X.DEFAULT)
                parents.append((pname, fname))
                # the parent's fields are in scope by name
                for pf in _flattened_fields(cmd, pname):
                    proj_val = _proj_chain(te, fv, pname, pf)
                    if proj_val is not None:
                        lf = mctx.push_local(pf, mctx.instantiate(te.infer(proj_val)), X.DEFAULT, proj_val)
                        scope_fvs.append(lf)
                        aliases += 1
            for b in view.fields:
                if b.params and b.type is not None:  # `f {β} [C β] (x : α) : T`: a Π-typed field
                    pfvs = te.push_binders(b.params)
                    try:
                        fty = mctx.mk_pi(pfvs, te.elab_type(b.type))
                    finally:
                        mctx.pop_local(len(pfvs))
                else:
                    fty = te.elab_type(b.type) if b.type is not None else None
                for nm_tok in b.names:
                    fname = V.binder_name(nm_tok)
                    if b.default is not None:
                        defaults.append((fname, b.default))
                    if fty is None:
                        if b.default is None:
                            raise ElabError(nm_tok, f"field '{fname}' needs a type")
                        dv = te.elab(b.default, None)
                        te.synthesize_pending(final=True)
                        fty_i = mctx.instantiate(te.infer(dv))
                    else:
                        fty_i = fty
                    info = {"{": X.IMPLICIT, "[": X.INST_IMPLICIT}.get(b.bracket, X.DEFAULT)
                    fv = mctx.push_local(fname, fty_i, info)
                    field_fvs.append(fv)
                    scope_fvs.append(fv)
                    field_names.append(fname)
                    binder_infos.append(info)
            te.synthesize_pending(final=True)
            struct_app = X.mk_app(Const("__self__"), *params)
            # universe
            s = mctx.instantiate(ty)
            if type(s) is Sort and type(mctx.instantiate_level(s.level)) is L.LMVar:
                lvl = L.ONE
                for fv in field_fvs:
                    ss = te.whnf(mctx.infer(mctx.local_decl(fv).type))
                    if type(ss) is Sort:
                        lvl = L.mk_max(lvl, mctx.instantiate_level(ss.level))
                mctx.level_defeq(s.level, as_type_level(lvl))
            ctor_body = zeta(mctx.mk_pi(scope_fvs, struct_app))
        finally:
            mctx.pop_local(len(field_fvs) + aliases)
        return params, ty, ctor_body, field_names, parents, defaults

    params, ty, ctor_body, field_names, parents, defaults = _with_auto_bound(cmd, view, body)
    te = cmd.last_te
    mctx = te.mctx
    ind_type = mctx.mk_pi(params, ty)
    ctor_type = _implicit_params(mctx.mk_pi(params, ctor_body), len(params))
    used = set(view.level_names) | set(cmd.scope.universes)
    ind_type, ctor_type = finalize_levels(te, [ind_type, ctor_type], used)
    lparams = level_params_in_order(list(view.level_names) + list(cmd.scope.universes), ind_type, ctor_type)
    const = Const(name, tuple(L.Param(p) for p in lparams))

    def fix(x, off):
        if type(x) is Const and x.name == "__self__":
            return const
        return None

    ctor_type = X.replace(ctor_type, fix)
    decl = InductiveDecl(tuple(lparams), len(params), (InductiveType(name, ind_type, (Constructor(ctor_name, ctor_type),)),), view.modifiers.is_unsafe)
    cmd.add_decl(decl, view.syntax)
    cmd.eenv.register_namespace(name)
    cmd.eenv.structures[name] = StructureInfo(name, ctor_name, tuple(field_names), tuple(parents), tuple(defaults), len(params))
    if is_class:
        cmd.eenv.classes[name] = ClassInfo(name, _out_params(ind_type))
    _mk_projections(cmd, name, lparams, len(params), ctor_type, field_names, is_class)
    mk_cases_on(cmd, name)
    if is_class:
        for pname, fname in parents:
            if pname in cmd.eenv.classes:
                cmd.eenv.add_instance(InstanceInfo(f"{name}.{fname}", pname, 100))
    for d in view.deriving:
        cmd.derive(d, name, view.syntax)


def zeta(e: Expr) -> Expr:
    """Replace every `let x := v; b` by `b[x := v]`."""

    def fn(x, off):
        if type(x) is X.Let:
            return zeta(X.instantiate(x.body, [x.value]))
        return None

    return X.replace(e, fn)


def _flattened_fields(cmd, struct: str) -> list[str]:
    info = cmd.eenv.structures.get(struct)
    if info is None:
        return []
    out = []
    for f in info.fields:
        if any(f == pf for _, pf in info.parents):
            out.extend(_flattened_fields(cmd, dict((pf, pc) for pc, pf in info.parents)[f]))
        else:
            out.append(f)
    return out


def _proj_chain(te, e: Expr, struct: str, field: str):
    info = te.eenv.structures.get(struct)
    if info is None:
        return None
    def project(fname):
        c = te._mk_const(None, f"{struct}.{fname}", None)
        if struct in te.eenv.classes:  # a class projection takes its structure as `[self : C …]`
            return te.apply(None, c, te.const_type(c), [], {"self": Elaborated(e, None)}, None)
        return te.apply(None, c, te.const_type(c), [], {}, None, False, (e, struct))

    if field in info.fields:
        return project(field)
    for pc, pf in info.parents:
        if field in _flattened_fields(te.ctx, pc):
            return _proj_chain(te, project(pf), pc, field)
    return None


def _out_params(ind_type: Expr) -> tuple[int, ...]:
    out = []
    t = ind_type
    i = 0
    while type(t) is Pi:
        h = X.get_app_fn(t.type)
        if type(h) is Const and h.name in ("outParam", "semiOutParam"):
            out.append(i)
        t = t.body
        i += 1
    return tuple(out)


def _mk_projections(cmd, name, lparams, nparams, ctor_type, field_names, is_class) -> None:
    """`S.f : {params} → (self : S params) → T_f[earlier fields := S.g self]`, value `fun … self => self.i`."""
    mctx = MetaContext(cmd.eenv.env, cmd.fuel)
    t = ctor_type
    params = []
    for _ in range(nparams):
        fv = mctx.push_local(t.name, t.type, X.IMPLICIT)
        params.append(fv)
        t = X.instantiate(t.body, [fv])
    const = Const(name, tuple(L.Param(p) for p in lparams))
    self_ty = X.mk_app(const, *params)
    self_fv = mctx.push_local("self", self_ty, X.INST_IMPLICIT if is_class else X.DEFAULT)
    for i, fname in enumerate(field_names):
        if type(t) is not Pi:
            break
        fty = t.type
        proj_name = f"{name}.{fname}"
        ty = mctx.mk_pi(params + [self_fv], fty)
        val = mctx.mk_lambda(params + [self_fv], Proj(name, i, self_fv))
        cmd.add_decl(DefinitionDecl(proj_name, tuple(lparams), ty, val, ABBREV_HINTS), None)
        cmd.eenv.add_attribute("reducible", proj_name)
        applied = X.mk_app(Const(proj_name, tuple(L.Param(p) for p in lparams)), *params, self_fv)
        t = X.instantiate(t.body, [applied])


__all__ = ["elab_inductive", "elab_structure", "mk_cases_on", "ReducibilityHints", "Lam", "App"]
