"""Insert `reset`/`reuse` (Lean's `IR/ResetReuse.lean`, "Counting Immutable
Beans" §4).

What goes in: `Decl`s before borrow inference and RC. What comes out: the
same declarations where, in a `case x` branch for constructor `c`, the cell
of `x` is reset right after `x`'s last use (`let w := reset[n] x`) and the
first later constructor of the same shape is built in it
(`reuse w in ctor ...`). At run time a unique `x` is then updated in place
(no allocation); a shared one is released and a fresh cell allocated.
"""

from __future__ import annotations

from dataclasses import replace

from nleanjit.compiler.ir import types as T
from nleanjit.compiler.ir.live_vars import is_live


class _Fresh:
    def __init__(self, start: int):
        self.next = start

    def var(self) -> T.VarId:
        self.next += 1
        return T.VarId(self.next)


def _substitute_ctor(w: T.VarId, c: T.CtorInfo, b: T.FnBody) -> tuple[T.FnBody, bool]:
    """Build the first compatible constructor in `b` in the cell `w` (in every
    branch of a case independently)."""
    if isinstance(b, T.VDecl) and isinstance(b.e, T.Ctor) and not b.e.info.is_scalar and b.e.info.same_shape(c):
        reuse = T.Reuse(w, b.e.info, b.e.info.cidx != c.cidx, b.e.args)
        return T.VDecl(b.x, b.ty, reuse, b.b), True
    if isinstance(b, T.JDecl):
        v, found = _substitute_ctor(w, c, b.v)
        if found:
            return T.JDecl(b.j, b.params, v, b.b), True
        rest, found = _substitute_ctor(w, c, b.b)
        return T.JDecl(b.j, b.params, b.v, rest), found
    if isinstance(b, T.Case):
        alts, any_found = [], False
        for alt in b.alts:
            body, found = _substitute_ctor(w, c, alt.body)
            any_found |= found
            alts.append(replace(alt, body=body))
        return replace(b, alts=tuple(alts)), any_found
    if isinstance(b, T.TERMINALS):
        return b, False
    rest, found = _substitute_ctor(w, c, b.b)
    return T.with_body(b, rest), found


def _try_reset(x: T.VarId, c: T.CtorInfo, b: T.FnBody, fresh: _Fresh) -> T.FnBody:
    w = fresh.var()
    b2, found = _substitute_ctor(w, c, b)
    if not found:
        fresh.next -= 1
        return b
    return T.VDecl(w, T.IRType.OBJECT, T.Reset(c.size + c.usize, x), b2)


def _uses_in_ctor(b: T.FnBody, x: T.VarId) -> bool:
    return isinstance(b, T.VDecl) and isinstance(b.e, (T.Ctor, T.Reuse)) and x in b.e.args


def _reads(instr: T.FnBody, x: T.VarId) -> bool:
    """Does this single (non-terminal) instruction read x?"""
    return x.idx in _instr_vars(instr)


def _instr_vars(instr: T.FnBody) -> set[int]:
    if isinstance(instr, T.VDecl):
        return {v.idx for v in T.expr_vars(instr.e)}
    out = {instr.x.idx}
    if isinstance(instr, (T.Set, T.USet, T.SSet)) and isinstance(instr.y, T.VarId):
        out.add(instr.y.idx)
    return out


def _after_last_use(x: T.VarId, c: T.CtorInfo, b: T.FnBody, fresh: _Fresh) -> tuple[T.FnBody, bool]:
    """Put the reset right after the last use of x (Lean's `Dmain`); the flag
    says whether x is still used in `b` (so the caller must not reset)."""
    if isinstance(b, T.Case):
        if is_live(x, b, {}):
            alts = []
            for alt in b.alts:
                body, found = _after_last_use(x, c, alt.body, fresh)
                alts.append(replace(alt, body=body if found else _try_reset(x, c, body, fresh)))
            return replace(b, alts=tuple(alts)), True
        return b, False
    if isinstance(b, T.JDecl):
        rest, found = _after_last_use(x, c, b.b, fresh)
        return T.JDecl(b.j, b.params, b.v, rest), found or is_live(x, b.v, {})
    if isinstance(b, T.TERMINALS):
        return b, is_live(x, b, {})
    if _uses_in_ctor(b, x):
        return b, True  # x is stored in a new value: its cell cannot be reused
    rest, found = _after_last_use(x, c, b.b, fresh)
    if found or not _reads(b, x):
        return T.with_body(b, rest), found
    return T.with_body(b, _try_reset(x, c, rest, fresh)), True


def _reset_in_alt(x: T.VarId, c: T.CtorInfo, b: T.FnBody, fresh: _Fresh) -> T.FnBody:
    body, found = _after_last_use(x, c, b, fresh)
    return body if found else _try_reset(x, c, body, fresh)


def _visit(b: T.FnBody, fresh: _Fresh) -> T.FnBody:
    if isinstance(b, T.Case):
        alts = []
        for alt in b.alts:
            body = _visit(alt.body, fresh)
            if isinstance(alt, T.AltCtor) and not alt.info.is_scalar and b.x_ty.is_obj:
                body = _reset_in_alt(b.x, alt.info, body, fresh)
            alts.append(replace(alt, body=body))
        return replace(b, alts=tuple(alts))
    if isinstance(b, T.JDecl):
        return T.JDecl(b.j, b.params, _visit(b.v, fresh), _visit(b.b, fresh))
    if isinstance(b, T.TERMINALS):
        return b
    return T.with_body(b, _visit(b.b, fresh))


def insert_reset_reuse(decls: list[T.Decl]) -> list[T.Decl]:
    """Insert reset/reuse pairs in every function body."""
    out = []
    for d in decls:
        if isinstance(d, T.FDecl):
            d = replace(d, body=_visit(d.body, _Fresh(T.max_index(d))))
        out.append(d)
    return out
