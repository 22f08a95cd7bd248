"""Definitions, theorems, instances, examples, opaque constants and axioms.

In: a `DeclView`. Out: kernel declarations added to the environment (and
instance/attribute registrations). The steps are Lean's: elaborate the header
(section `variable`s, auto-bound implicits, binders, type), the body with
the function itself in scope as a local (recursive calls), solve the pending
instance problems with default instances, compile recursion (recursion.py),
keep the section variables the declaration uses, turn the header's universe
metavariables into parameters `u_1`, …, and hand the closed terms to the
kernel. `sorry` gives Lean's warning `declaration uses 'sorry'`.
"""

from __future__ import annotations

from nleanjit.elab import syntax_view as V
from nleanjit.elab.inductive import _with_auto_bound, finalize_levels, level_params_in_order, zero_level_mvars
from nleanjit.elab.messages import SORRY_WARNING, ElabError
from nleanjit.elab.recursion import compile_structural, mentions
from nleanjit.elab.state import InstanceInfo
from nleanjit.elab.structinst import build_structure, read_fields
from nleanjit.kernel import expr as X
from nleanjit.kernel import level as L
from nleanjit.kernel.declaration import (
    ABBREV_HINTS,
    AxiomDecl,
    DefinitionDecl,
    DefinitionInfo,
    OpaqueDecl,
    ReducibilityHints,
    Safety,
    TheoremDecl,
)
from nleanjit.kernel.expr import App, Const, Expr, FVar, Pi, Sort

PRIORITIES = {"default": 1000, "low": 100, "mid": 500, "high": 10000}


def elab_definition(cmd, view: V.DeclView, name_override: str | None = None) -> None:
    kind = view.kind
    mods = view.modifiers
    if name_override is not None:
        name = name_override
    elif kind == "example":
        name = "_example"
    elif view.name is None and kind == "instance":
        name = None  # named after its type below
    elif view.name is None:
        raise ElabError(view.syntax, "declaration name expected")
    else:
        name = cmd.decl_name(view.name)
        if mods.is_protected or mods.is_private:
            pass
    # `where` helpers come first, visible by their short names
    added_aliases = []
    base = name or "inst"
    outer_base, cmd.let_rec_base = getattr(cmd, "let_rec_base", None), base
    outer_rec_aliases, cmd.let_rec_aliases = getattr(cmd, "let_rec_aliases", []), added_aliases
    for wd in view.where_decls:
        wv = V.view_decl(wd)
        full = f"{base}.{wv.name}"
        cmd.eenv.aliases[wv.name] = full
        added_aliases.append(wv.name)
        try:
            elab_definition(cmd, wv, full)
        except ElabError as err:
            cmd.error(err.syntax, err.text)
    # `def Foo.bar` is elaborated inside namespace `Foo`, as in Lean
    prefix = name.rpartition(".")[0] if name else ""
    pushed_scope = False
    if prefix and prefix != cmd.scope.namespace:
        cmd.scopes.append(cmd.scope.with_(kind="section", header="", namespace=prefix))
        pushed_scope = True
    try:
        try:
            _elab_main(cmd, view, name)
        except Exception as err:
            if not _recoverable(cmd, view, name, err):
                raise
            # Lean keeps a failed declaration (its value `sorryAx`) so later uses do not
            # cascade into "unknown identifier": log the error, then add the header alone.
            if _lean3_fixed_prefix_retry(cmd, view, name, err):
                return
            cmd.report_exception(err, view.syntax)
            try:
                _elab_main(cmd, view, name, sorry_value=True)
            except Exception:
                pass
    finally:
        if pushed_scope:
            cmd.scopes.pop()
        for a in added_aliases:
            cmd.eenv.aliases.pop(a, None)
        cmd.let_rec_base, cmd.let_rec_aliases = outer_base, outer_rec_aliases


def _recoverable(cmd, view: V.DeclView, name: str | None, err: Exception) -> bool:
    """Whether a failed declaration is still added with a `sorryAx` value: one with a name and a
    stated type that is not yet in the environment (the header alone must elaborate)."""
    from nleanjit.elab.term import AutoBoundImplicit

    if isinstance(err, AutoBoundImplicit) or name is None or view.kind not in ("def", "theorem", "abbrev", "instance", "opaque"):
        return False
    if view.type is None or not _has_value(view):
        return False
    return cmd.eenv.env.find(name) is None


def _lean3_fixed_prefix_retry(cmd, view: V.DeclView, name: str | None, err: Exception) -> bool:
    """Programs written for the first Lean 4 releases (Lean 3's equation compiler) call a
    recursive function without the parameters before the colon (`fold r b` inside
    `def fold (f : …) : Tree → σ → σ`). Current Lean rejects them: its recursive local has the
    whole header type (`elabHeaders`: `mkForallFVars' xs type`). When the body fails with an
    application type mismatch, we elaborate it once more with the name bound to the function
    applied to those parameters; if that checks, the definition is kept (docs/ELABORATOR.md,
    divergence 12)."""
    if not isinstance(err, ElabError) or not err.text.startswith("application type mismatch"):
        return False
    if not view.binders or view.kind not in ("def", "abbrev") or name is None or cmd.eenv.env.find(name) is not None:
        return False
    saved = list(cmd.messages)
    try:
        _elab_main(cmd, view, name, fixed_prefix=True)
        return True
    except Exception:
        cmd.messages[:] = saved
        return False


def _elab_main(cmd, view: V.DeclView, name: str | None, sorry_value: bool = False, fixed_prefix: bool = False) -> None:
    kind = view.kind
    mods = view.modifiers
    short = view.name.rpartition(".")[2] if view.name else None
    if short is not None and mods.is_protected and "." in view.name:
        short = view.name  # a protected `Expr.toString` is not `toString` in its own body (as in Lean)
    state: dict = {}

    def body(te, auto_fvs):
        mctx = te.mctx
        var_fvs = te.push_binders(cmd.scope_variable_binders())
        own = te.push_binders(view.binders)
        ty = te.elab_type(view.type) if view.type is not None else None
        te.auto_bound = False
        if ty is None:
            if kind == "theorem":
                raise ElabError(view.syntax, "theorem type expected")
            # an unstated result type does not depend on the arguments (else `(xs) → ?T` for the
            # recursive local would make `?T := ?n xs`, which `match` cannot refine)
            arg_ids = {fv.id for fv in list(auto_fvs) + own}
            ty = mctx.new_mvar(Sort(mctx.new_level_mvar()), scope=[fv.id for fv in mctx.scope if fv.id not in arg_ids])
        if view.type is not None:
            te.synthesize_pending(final=True)  # headers are elaborated to completion first
        rec_fv = None
        args = list(auto_fvs) + own
        if short is not None and kind in ("def", "abbrev", "instance", "opaque", "theorem") and _has_value(view):
            rec_fv = mctx.push_local(short, mctx.mk_pi(args, ty))
            mctx.aux_fvars.add(rec_fv.id)
            if name is not None and name != short:
                mctx.push_alias(name, rec_fv)
        fixed = None
        if fixed_prefix and rec_fv is not None:
            # the name means the function applied to its parameters (Lean 3's fixed prefix)
            fixed = (mctx.push_local(short, ty, value=X.mk_app(rec_fv, *args)), X.mk_app(rec_fv, *args))
        value = None
        if sorry_value:
            rec_fv = None
            value = X.mk_app(Const("sorryAx", (te.level_of_type(ty),)), ty, Const("Bool.true"))
        elif view.value is not None:
            value = te.elab(view.value, ty)
        elif view.alts is not None:
            from nleanjit.elab.match import elab_match_alts_fun

            value = elab_match_alts_fun(te, view.syntax, view.alts, ty)
        elif view.fields is not None:
            value = build_structure(te, view.syntax, ty, read_fields(view.fields), None)
        te.synthesize_pending(final=True)
        ty = mctx.instantiate(ty)
        if fixed is not None:
            mctx.pop_local()
            if value is not None:
                value = _replace_fvar(mctx.instantiate(value), fixed[0], fixed[1])
        if value is not None:
            value = mctx.instantiate(value)
            leftover = mctx.unassigned_mvars(value) + mctx.unassigned_mvars(ty)
            if leftover:
                raise ElabError(view.value or view.syntax, _placeholder_error(te, leftover[0]))
        elif mctx.unassigned_mvars(ty):
            raise ElabError(view.type or view.syntax, _placeholder_error(te, mctx.unassigned_mvars(ty)[0]))
        state.update(te=te, var_fvs=var_fvs, args=args, ty=ty, value=value, rec_fv=rec_fv)
        return None

    _with_auto_bound(cmd, view, body)
    te = state["te"]
    mctx = te.mctx
    ty, value, rec_fv = state["ty"], state["value"], state["rec_fv"]
    args, var_fvs = state["args"], state["var_fvs"]
    if name is None:
        name = cmd.decl_name(_instance_name(mctx.instantiate(mctx.mk_pi(args, ty))))
    if te.used_sorry:
        cmd.log("warning", te.sorry_at or view.name_tok or view.syntax, SORRY_WARNING)
    # keep the section variables the declaration mentions (and instances on them)
    used = set()
    for e in (ty, value) + tuple(mctx.local_decl(a).type for a in args):
        if e is not None:
            used |= X.free_fvar_ids(mctx.instantiate(e))
    kept_vars = []
    for fv in reversed(var_fvs):
        d = mctx.local_decl(fv)
        if fv.id in used or (d.info is X.INST_IMPLICIT and _only_mentions(mctx, d.type, used, var_fvs)):
            kept_vars.insert(0, fv)
            used |= X.free_fvar_ids(mctx.instantiate(d.type))
    binders = kept_vars + args
    safety = Safety.UNSAFE if mods.is_unsafe else Safety.SAFE
    is_partial = False
    if value is not None and rec_fv is not None and mentions(value, rec_fv):
        if mods.is_unsafe:
            pass
        elif mods.is_partial:
            is_partial = True
        else:
            compiled = compile_structural(te, rec_fv, args, value)
            if compiled is None:
                is_partial = True  # Lean would try well-founded recursion: see docs/ELABORATOR.md
            else:
                value = compiled
    full_ty = mctx.mk_pi(binders, ty)
    used_levels = set(view.level_names) | set(cmd.scope.universes)
    full_ty = finalize_levels(te, [full_ty], used_levels)[0]
    lparams = level_params_in_order(list(view.level_names) + list(cmd.scope.universes), full_ty)
    levels = tuple(L.Param(p) for p in lparams)
    if value is not None:
        if rec_fv is not None and mentions(value, rec_fv):
            target = name + "._unsafe_rec" if is_partial else name
            value = _replace_fvar(mctx.instantiate(value), rec_fv, X.mk_app(Const(target, levels), *kept_vars))
        full_val = zero_level_mvars(mctx, mctx.mk_lambda(binders, value))
        extra = sorted(X.level_params_of(full_val) - set(lparams))
        if extra:
            raise ElabError(view.value or view.syntax, f"unknown universe level '{extra[0]}'")
    else:
        full_val = None
    env = cmd.eenv.env
    if kind == "example":
        staged = env.staged()
        decl = _mk_decl(kind, "_example", lparams, full_ty, full_val, safety, env)
        try:
            staged.add(decl)
        except Exception as err:
            from nleanjit.kernel import errors as KE

            if isinstance(err, KE.KernelError):
                raise ElabError(view.syntax, str(err)) from None
            raise
        return
    if is_partial:
        impl = name + "._unsafe_rec"
        cmd.add_decl(DefinitionDecl(impl, tuple(lparams), full_ty, full_val, ReducibilityHints.regular(_height(env, full_val)), Safety.UNSAFE), view.syntax)
        inhabitant = _inhabitant(te, binders, ty)
        if inhabitant is None:
            raise ElabError(view.name_tok or view.syntax, f"failed to compile partial definition '{name}', failed to show that type is inhabited and non empty")
        inhabitant = zero_level_mvars(mctx, inhabitant)
        cmd.add_decl(OpaqueDecl(name, tuple(lparams), full_ty, inhabitant), view.name_tok or view.syntax)
        cmd.eenv.partial_impls[name] = impl
    else:
        decl = _mk_decl(kind, name, lparams, full_ty, full_val, safety, env)
        cmd.add_decl(decl, view.name_tok or view.syntax)
    if kind == "abbrev":
        cmd.eenv.add_attribute("reducible", name)
    if kind == "instance":
        cmd.eenv.add_instance(InstanceInfo(name, instance_class(cmd.eenv, te.mctx, full_ty), _priority(view)))
    for a in view.modifiers.attributes:
        cmd.apply_attribute(a, name, view.syntax)
    cmd.eenv.register_namespace(name.rpartition(".")[0]) if "." in name else None


def _has_value(view) -> bool:
    return view.value is not None or view.alts is not None or view.fields is not None


def _mk_decl(kind, name, lparams, ty, val, safety, env):
    lp = tuple(lparams)
    if kind == "axiom" or (val is None and kind != "opaque"):
        return AxiomDecl(name, lp, ty, safety is Safety.UNSAFE)
    if kind == "theorem":
        return TheoremDecl(name, lp, ty, val)
    if kind == "opaque":
        if val is None:
            raise ElabError(None, f"failed to compile opaque definition '{name}': a value is needed (not yet inferred by nleanjit)")
        return OpaqueDecl(name, lp, ty, val, safety is Safety.UNSAFE)
    if kind == "abbrev":
        return DefinitionDecl(name, lp, ty, val, ABBREV_HINTS, safety)
    return DefinitionDecl(name, lp, ty, val, ReducibilityHints.regular(_height(env, val)), safety)


def _height(env, val) -> int:
    h = [0]

    def visit(c):
        info = env.find(c.name)
        if type(info) is DefinitionInfo and info.hints.height + 1 > h[0]:
            h[0] = info.hints.height + 1

    X.fold_consts(val, visit)
    return max(1, h[0])


def _replace_fvar(e: Expr, fv: FVar, by: Expr) -> Expr:
    def fn(x, off):
        if not x.has_fvar:
            return x
        if type(x) is FVar and x.id == fv.id:
            return by
        return None

    return X.replace(e, fn)


def _only_mentions(mctx, t, used, var_fvs) -> bool:
    ids = X.free_fvar_ids(mctx.instantiate(t))
    return bool(ids) and ids <= used


def instance_class(eenv, mctx, t: Expr) -> str:
    """The class an instance's type concludes with, unfolding definitions such as `DecidableEq`."""
    for _ in range(8):
        while type(t) is Pi:
            t = t.body
        f = X.get_app_fn(t)
        if type(f) is Const and f.name in eenv.classes:
            return f.name
        u = mctx.unfold_head(t)
        if u is None:
            break
        t = u
    return _class_of(t)


def _class_of(t: Expr) -> str:
    while type(t) is Pi:
        t = t.body
    f = X.get_app_fn(t)
    return f.name if type(f) is Const else ""


def _instance_name(t: Expr) -> str:
    while type(t) is Pi:
        t = t.body
    f, args = X.get_app_fn_args(t)
    parts = ["inst"]
    if type(f) is Const:
        parts.append(f.name.rpartition(".")[2])
    for a in args:
        h = X.get_app_fn(a)
        if type(h) is Const:
            parts.append(h.name.rpartition(".")[2])
    return "".join(parts)


def _priority(view) -> int:
    p = view.extra.get("priority")
    if p is None:
        return 1000
    toks = [t.text for t in p.tokens()]
    for t in toks:
        if t in PRIORITIES:
            return PRIORITIES[t]
        if t.isdigit():
            return int(t)
    return 1000


def _placeholder_error(te, m) -> str:
    return "don't know how to synthesize placeholder\ncontext:\n" + _goal_text(te, m)


def _goal_text(te, m) -> str:
    mctx = te.mctx
    d = mctx.decls[m.id]
    lines = []
    from nleanjit.elab.pretty import Printer

    pr = Printer(te.env, mctx.user_names())
    for fid in d.scope:
        ld = mctx.lctx.get(fid)
        if ld is None or fid in mctx.aux_fvars:
            continue
        lines.append(f"{ld.user_name} : {pr.pp(mctx.instantiate(ld.type))}")
    lines.append(f"⊢ {pr.pp(mctx.instantiate(d.type))}")
    return "\n".join(lines)


def _inhabitant(te, binders, ty) -> Expr | None:
    """A value of `(binders) → ty` for the opaque constant of a partial definition."""
    mctx = te.mctx
    fvs = []
    t = mctx.instantiate(ty)
    try:
        while True:
            w = te.whnf(t)
            if type(w) is not Pi:
                break
            fv = mctx.push_local(w.name, w.type, w.info)
            fvs.append(fv)
            t = X.instantiate(w.body, [fv])
        for fv in reversed(binders + fvs):
            if mctx.is_def_eq(mctx.local_decl(fv).type, t):
                return mctx.mk_lambda(binders + fvs, fv)
        u = te.level_of_type(t)
        inst = te.resolver.synth(App(Const("Inhabited", (u,)), t))
        if inst is None:
            return None
        return mctx.mk_lambda(binders + fvs, X.mk_app(Const("Inhabited.default", (u,)), t, inst))
    finally:
        mctx.pop_local(len(fvs))
