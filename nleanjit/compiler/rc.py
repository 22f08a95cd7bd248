"""Explicit reference counting: insert `inc`/`dec` (Lean's `IR/RC.lean`).

What goes in: `Decl`s without `inc`/`dec`, with borrowed parameters already
inferred. What comes out: the same declarations where every owned reference
is consumed exactly once — by a call that takes it owned, a constructor,
a `ret`, or an explicit `dec` placed right after its last use (at the start
of each `case` branch where it is dead). This is the algorithm of "Counting
Immutable Beans" §5: a variable is *owned* (it must be consumed) unless it
is a borrowed parameter or a projection of a borrowed value; passing a
variable to an owned position that is still live afterwards (or that is not
owned by us) costs an `inc`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from nleanjit.compiler.ir import types as T
from nleanjit.compiler.ir.live_vars import JPLive, body_live_vars


@dataclass(frozen=True)
class _VarInfo:
    ref: bool  # may be a heap object
    consume: bool  # we own a reference that must be consumed


@dataclass(frozen=True)
class _Ctx:
    env: dict  # name -> Decl
    vars: dict  # idx -> _VarInfo
    jp_live: JPLive
    jp_params: dict  # idx -> tuple[Param]


def _info(ctx: _Ctx, x: T.VarId) -> _VarInfo:
    return ctx.vars.get(x.idx, _VarInfo(ref=True, consume=False))


def _must_consume(ctx: _Ctx, x: T.VarId) -> bool:
    i = _info(ctx, x)
    return i.ref and i.consume


def _add_inc(ctx: _Ctx, x: T.VarId, b: T.FnBody, n: int = 1) -> T.FnBody:
    return b if n == 0 else T.Inc(x, n, True, b)


def _add_dec(ctx: _Ctx, x: T.VarId, b: T.FnBody) -> T.FnBody:
    return T.Dec(x, 1, True, b)


def _add_inc_before(ctx: _Ctx, xs, consumes, b: T.FnBody, live_after: frozenset[int]) -> T.FnBody:
    """Before an instruction using `xs` (position i consumed iff consumes(i)),
    add the `inc`s that keep every owned variable's count right."""
    for i, x in enumerate(xs):
        if not isinstance(x, T.VarId) or x in xs[:i]:
            continue
        info = _info(ctx, x)
        if not info.ref:
            continue
        positions = [k for k, y in enumerate(xs) if y == x]
        consumptions = sum(1 for k in positions if consumes(k))
        borrowed_use = any(not consumes(k) for k in positions)
        if not info.consume or x.idx in live_after or borrowed_use:
            n = consumptions
        else:
            n = consumptions - 1
        b = _add_inc(ctx, x, b, n)
    return b


def _add_dec_after_full_app(ctx: _Ctx, xs, params, b: T.FnBody, live_after: frozenset[int]) -> T.FnBody:
    """An owned argument passed to a borrowed parameter and dead afterwards
    is released after the call."""
    for i, x in enumerate(xs):
        if not isinstance(x, T.VarId) or x in xs[:i]:
            continue
        borrowed = any(y == x and params[k].borrow for k, y in enumerate(xs))
        if _must_consume(ctx, x) and borrowed and x.idx not in live_after:
            b = _add_dec(ctx, x, b)
    return b


def _add_dec_if_dead(ctx: _Ctx, x: T.VarId, b: T.FnBody, live_after: frozenset[int]) -> T.FnBody:
    if _must_consume(ctx, x) and x.idx not in live_after:
        return _add_dec(ctx, x, b)
    return b


def _with_params(ctx: _Ctx, params) -> _Ctx:
    vars_ = dict(ctx.vars)
    for p in params:
        vars_[p.x.idx] = _VarInfo(ref=p.ty.is_obj, consume=not p.borrow)
    return replace(ctx, vars=vars_)


def _add_dec_for_dead_params(ctx: _Ctx, params, b: T.FnBody, live: frozenset[int]) -> T.FnBody:
    for p in params:
        if not p.borrow and p.ty.is_obj and p.x.idx not in live:
            b = _add_dec(ctx, p.x, b)
    return b


def _process_vdecl(ctx: _Ctx, z: T.VarId, ty: T.IRType, e: T.Expr, b: T.FnBody, live: frozenset[int]):
    all_owned = lambda _i: True  # noqa: E731
    if isinstance(e, (T.Ctor, T.Reuse, T.PAp)):
        out = _add_inc_before(ctx, e.args, all_owned, T.VDecl(z, ty, e, b), live)
    elif isinstance(e, T.Proj):
        b = _add_dec_if_dead(ctx, e.x, b, live)
        if _info(ctx, e.x).consume:
            b = _add_inc(ctx, z, b)
        out = T.VDecl(z, ty, e, b)
    elif isinstance(e, (T.UProj, T.SProj, T.Unbox)):
        out = T.VDecl(z, ty, e, _add_dec_if_dead(ctx, e.x, b, live))
    elif isinstance(e, T.FAp):
        params = ctx.env[e.fn].params
        b = _add_dec_after_full_app(ctx, e.args, params, b, live)
        out = _add_inc_before(ctx, e.args, lambda i: not params[i].borrow, T.VDecl(z, ty, e, b), live)
    elif isinstance(e, T.Ap):
        out = _add_inc_before(ctx, (*e.args, e.x), all_owned, T.VDecl(z, ty, e, b), live)
    else:  # reset consumes its argument; box, literals, isShared read scalars or borrow
        out = T.VDecl(z, ty, e, b)
    new_live = (live | {v.idx for v in T.expr_vars(e)}) - {z.idx}
    return out, frozenset(new_live)


def _is_scalar_box(e: T.Expr) -> bool:
    """Values known to be tagged scalars (never counted): small literals and
    constructors without fields."""
    if isinstance(e, T.NumLit):
        return 0 <= e.value < 1 << 63
    return isinstance(e, T.Ctor) and e.info.is_scalar


def _visit(b: T.FnBody, ctx: _Ctx) -> tuple[T.FnBody, frozenset[int]]:
    if isinstance(b, T.VDecl):
        # a projection of a borrowed value is itself borrowed
        consume = _info(ctx, b.e.x).consume if isinstance(b.e, T.Proj) else True
        ctx = replace(ctx, vars={**ctx.vars, b.x.idx: _VarInfo(ref=b.ty.is_obj and not _is_scalar_box(b.e), consume=consume)})
        rest, live = _visit(b.b, ctx)
        # a result nobody reads (an effect's return value) is released at once
        rest = _add_dec_if_dead(ctx, b.x, rest, live)
        return _process_vdecl(ctx, b.x, b.ty, b.e, rest, live)
    if isinstance(b, T.JDecl):
        ctx_v = _with_params(ctx, b.params)
        v, v_live = _visit(b.v, ctx_v)
        v = _add_dec_for_dead_params(ctx_v, b.params, v, v_live)
        jp_live = {**ctx.jp_live, b.j.idx: body_live_vars(v, ctx.jp_live) - {p.x.idx for p in b.params}}
        ctx = replace(ctx, jp_live=jp_live, jp_params={**ctx.jp_params, b.j.idx: b.params})
        rest, live = _visit(b.b, ctx)
        return T.JDecl(b.j, b.params, v, rest), live
    if isinstance(b, T.Case):
        case_live = body_live_vars(b, ctx.jp_live)
        alts = []
        for alt in b.alts:
            actx = ctx
            if isinstance(alt, T.AltCtor) and alt.info.is_scalar:
                # in this branch x is a scalar box: no counting needed
                actx = replace(ctx, vars={**ctx.vars, b.x.idx: _VarInfo(ref=False, consume=_info(ctx, b.x).consume)})
            body, alt_live = _visit(alt.body, actx)
            for idx in sorted(case_live, reverse=True):
                x = T.VarId(idx)
                if idx not in alt_live and _must_consume(actx, x):
                    body = _add_dec(actx, x, body)
            alts.append(replace(alt, body=body))
        return replace(b, alts=tuple(alts)), case_live
    if isinstance(b, T.Ret):
        if isinstance(b.x, T.VarId):
            info = _info(ctx, b.x)
            out = _add_inc(ctx, b.x, b) if info.ref and not info.consume else b
            return out, frozenset({b.x.idx})
        return b, frozenset()
    if isinstance(b, T.Jmp):
        params = ctx.jp_params[b.j.idx]
        live_after = ctx.jp_live[b.j.idx]
        out = _add_inc_before(ctx, b.args, lambda i: not params[i].borrow, b, live_after)
        return out, body_live_vars(b, ctx.jp_live)
    if isinstance(b, T.Unreachable):
        return b, frozenset()
    # set, uset, sset, setTag, del, and already explicit inc/dec: keep, recurse
    rest, live = _visit(b.b, ctx)
    return T.with_body(b, rest), body_live_vars(T.with_body(b, T.Unreachable()), ctx.jp_live) | live


def explicit_rc_decl(decl: T.Decl, env: dict) -> T.Decl:
    if isinstance(decl, T.Extern):
        return decl
    ctx = _with_params(_Ctx(env=env, vars={}, jp_live={}, jp_params={}), decl.params)
    body, live = _visit(decl.body, ctx)
    body = _add_dec_for_dead_params(ctx, decl.params, body, live)
    return replace(decl, body=body)


def explicit_rc(decls: list[T.Decl], env: dict | None = None) -> list[T.Decl]:
    """Insert `inc`/`dec` into every function body."""
    full_env = {**(env or {}), **{d.name: d for d in decls}}
    return [explicit_rc_decl(d, full_env) for d in decls]
