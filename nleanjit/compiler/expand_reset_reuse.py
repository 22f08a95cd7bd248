"""Expand `reset`/`reuse` into a fast and a slow path (Lean's `IR/ExpandResetReuse.lean`).

What goes in: `Decl`s after the RC pass, with `let w := reset[n] x; …
reuse w in ctor …`. What comes out: where `w` is consumed on every path,

    let c : u8 := isShared x;
    case c of
    Bool.false →   -- fast path: x is unique, update its cell in place
      (the `inc` of the fields projected just before the reset are dropped;
       fields nobody took are released; `reuse` becomes `set x[i] := …`
       (skipping fields stored back unchanged) and `setTag`; `dec w` → `del x`)
    Bool.true →    -- slow path: share nothing, allocate afresh
      (the dropped `inc`s come back, `dec x`, `reuse` becomes `ctor`)

This removes, for a unique value, both the `inc`s of its fields and the
release the `reset` would do, as Lean does. The two paths copy code, so the
pass renumbers every variable and join point afterwards (the checker checks
the result). A reset whose token is not consumed on every path stays as it
is; the code generator implements plain reset/reuse too.
"""

from __future__ import annotations

from dataclasses import replace

from nleanjit.compiler.ir import types as T

O = T.IRType.OBJECT
_FALSE = T.CtorInfo("Bool.false", 0)
_TRUE = T.CtorInfo("Bool.true", 1)


class _Fresh:
    def __init__(self, start: int):
        self.n = start

    def var(self) -> T.VarId:
        self.n += 1
        return T.VarId(self.n)


def _consumed(w: T.VarId, b: T.FnBody) -> bool:
    """Is the reset token consumed (by `reuse` or `dec`) on every path of b?"""
    if isinstance(b, T.VDecl) and isinstance(b.e, T.Reuse) and b.e.x == w:
        return True
    if isinstance(b, T.Dec) and b.x == w:
        return True
    if isinstance(b, T.Case):
        return all(_consumed(w, a.body) for a in b.alts)
    if isinstance(b, T.TERMINALS):
        return False
    return _consumed(w, b.b)


def _map_rest(b: T.FnBody, f) -> T.FnBody:
    """Apply f to the continuation(s) of one instruction."""
    if isinstance(b, T.Case):
        return replace(b, alts=tuple(replace(a, body=f(a.body)) for a in b.alts))
    if isinstance(b, T.JDecl):
        return T.JDecl(b.j, b.params, f(b.v), f(b.b))
    if isinstance(b, T.TERMINALS):
        return b
    return T.with_body(b, f(b.b))


def _reuse_to_ctor(w: T.VarId, b: T.FnBody) -> T.FnBody:
    if isinstance(b, T.Dec) and b.x == w:
        return b.b
    if isinstance(b, T.VDecl) and isinstance(b.e, T.Reuse) and b.e.x == w:
        return T.VDecl(b.x, b.ty, T.Ctor(b.e.info, b.e.args), b.b)
    return _map_rest(b, lambda r: _reuse_to_ctor(w, r))


def _subst_arg(a: T.Arg, z: T.VarId, y: T.VarId) -> T.Arg:
    return y if a == z else a


def _subst_expr(e: T.Expr, z: T.VarId, y: T.VarId) -> T.Expr:
    kw = {}
    if hasattr(e, "args"):
        kw["args"] = tuple(_subst_arg(a, z, y) for a in e.args)
    if hasattr(e, "x"):
        kw["x"] = _subst_arg(e.x, z, y)
    return replace(e, **kw) if kw else e


def _subst(b: T.FnBody, z: T.VarId, y: T.VarId) -> T.FnBody:
    """Replace the variable z by y in b."""
    if isinstance(b, T.VDecl):
        return T.VDecl(b.x, b.ty, _subst_expr(b.e, z, y), _subst(b.b, z, y))
    if isinstance(b, T.Jmp):
        return T.Jmp(b.j, tuple(_subst_arg(a, z, y) for a in b.args))
    if isinstance(b, T.Ret):
        return T.Ret(_subst_arg(b.x, z, y))
    if isinstance(b, T.Case):
        b = replace(b, x=_subst_arg(b.x, z, y))
    elif not isinstance(b, (T.JDecl, T.Unreachable)):
        b = replace(b, x=_subst_arg(b.x, z, y))
        if isinstance(b, (T.Set, T.USet, T.SSet)):
            b = replace(b, y=_subst_arg(b.y, z, y))
    return _map_rest(b, lambda r: _subst(r, z, y))


def _reuse_to_set(w: T.VarId, x: T.VarId, mask: list, b: T.FnBody) -> T.FnBody:
    if isinstance(b, T.Dec) and b.x == w:
        return T.Del(x, _reuse_to_set(w, x, mask, b.b))
    if isinstance(b, T.VDecl) and isinstance(b.e, T.Reuse) and b.e.x == w:
        rest = _subst(b.b, b.x, x)
        for i in reversed(range(len(b.e.args))):
            a = b.e.args[i]
            if i < len(mask) and mask[i] is not None and a == mask[i]:
                continue  # the field is stored back unchanged
            rest = T.Set(x, i, a, rest)
        if b.e.update_header:
            rest = T.SetTag(x, b.e.info.cidx, rest)
        return rest
    return _map_rest(b, lambda r: _reuse_to_set(w, x, mask, r))


def _erase_proj_incs(x: T.VarId, n: int, prefix: list) -> tuple[list, list]:
    """Drop `let z := proj[i] x; inc z` pairs right before the reset; the mask
    records which field each dropped inc belonged to."""
    mask: list = [None] * n
    keep: list = []
    bs = list(prefix)
    while len(bs) >= 2:
        last = bs[-1]
        if isinstance(last, T.VDecl) and isinstance(last.e, (T.SProj, T.UProj)):
            keep.append(bs.pop())
            continue
        before = bs[-2]
        if (isinstance(last, T.Inc) and isinstance(before, T.VDecl) and isinstance(before.e, T.Proj)
                and before.x == last.x and before.e.x == x and before.e.i < n):
            bs.pop()
            bs.pop()
            mask[before.e.i] = before.x
            if last.n > 1:
                keep.append(replace(last, n=last.n - 1))
            keep.append(before)
            continue
        break
    return bs + list(reversed(keep)), mask


def _chain(prefix: list, b: T.FnBody) -> T.FnBody:
    for instr in reversed(prefix):
        b = T.with_body(instr, b)
    return b


def _expand(b: T.FnBody, fresh: _Fresh) -> T.FnBody:
    prefix: list = []
    while True:
        if isinstance(b, T.VDecl) and isinstance(b.e, T.Reset) and _consumed(b.x, b.b):
            w, x, n = b.x, b.e.x, b.e.n
            prefix, mask = _erase_proj_incs(x, n, prefix)
            slow = T.Dec(x, 1, True, _reuse_to_ctor(w, b.b))
            for z in mask:
                if z is not None:
                    slow = T.Inc(z, 1, True, slow)
            fast = _reuse_to_set(w, x, mask, b.b)
            for i in reversed(range(n)):
                if mask[i] is None:
                    field = fresh.var()
                    fast = T.VDecl(field, O, T.Proj(i, x), T.Dec(field, 1, True, fast))
            fast = _expand(fast, fresh)
            c = fresh.var()
            branch = T.Case("Bool", c, T.IRType.UINT8, (T.AltCtor(_FALSE, fast), T.AltCtor(_TRUE, slow)))
            return _chain(prefix, T.VDecl(c, T.IRType.UINT8, T.IsShared(x), branch))
        if isinstance(b, T.TERMINALS) or isinstance(b, T.JDecl):
            return _chain(prefix, _map_rest(b, lambda r: _expand(r, fresh)))
        prefix.append(b)
        b = b.b


def normalize_ids(decl: T.FDecl) -> T.FDecl:
    """Renumber variables and join points 1, 2, … in order of declaration."""
    counter = [0]

    def new() -> int:
        counter[0] += 1
        return counter[0]

    def var(a, m):
        return T.VarId(m[a.idx]) if isinstance(a, T.VarId) else a

    def params(ps, m):
        out = []
        for p in ps:
            m[p.x.idx] = new()
            out.append(replace(p, x=T.VarId(m[p.x.idx])))
        return tuple(out), m

    def expr(e, m):
        kw = {}
        if hasattr(e, "args"):
            kw["args"] = tuple(var(a, m) for a in e.args)
        if hasattr(e, "x"):
            kw["x"] = var(e.x, m)
        return replace(e, **kw) if kw else e

    def go(b, m, jm):
        if isinstance(b, T.VDecl):
            e = expr(b.e, m)
            m = {**m, b.x.idx: new()}
            return T.VDecl(T.VarId(m[b.x.idx]), b.ty, e, go(b.b, m, jm))
        if isinstance(b, T.JDecl):
            j = new()
            ps, inner = params(b.params, dict(m))
            v = go(b.v, inner, jm)
            jm = {**jm, b.j.idx: j}
            return T.JDecl(T.JoinPointId(j), ps, v, go(b.b, m, jm))
        if isinstance(b, T.Case):
            return replace(b, x=var(b.x, m), alts=tuple(replace(a, body=go(a.body, m, jm)) for a in b.alts))
        if isinstance(b, T.Jmp):
            return T.Jmp(T.JoinPointId(jm[b.j.idx]), tuple(var(a, m) for a in b.args))
        if isinstance(b, T.Ret):
            return T.Ret(var(b.x, m))
        if isinstance(b, T.Unreachable):
            return b
        b2 = replace(b, x=var(b.x, m))
        if isinstance(b2, (T.Set, T.USet, T.SSet)):
            b2 = replace(b2, y=var(b2.y, m))
        return T.with_body(b2, go(b.b, m, jm))

    ps, m = params(decl.params, {})
    return replace(decl, params=ps, body=go(decl.body, m, {}))


def expand_reset_reuse(decls: list[T.Decl]) -> list[T.Decl]:
    """Split every consumed reset into its fast (in place) and slow paths."""
    out = []
    for d in decls:
        if isinstance(d, T.FDecl):
            expanded = _expand(d.body, _Fresh(T.max_index(d)))
            if expanded != d.body:
                d = normalize_ids(replace(d, body=expanded))
        out.append(d)
    return out
