"""Explicit boxing (Lean's `IR/ExplicitBoxing.lean`).

What goes in: `Decl`s whose variables carry their own representation
(`u8`, `u64`, `float`, … or `obj`/`tobj`) but where a scalar may meet a
position that expects an object or the other way round: a polymorphic
function's parameter, a constructor field, a closure argument, a
join-point parameter, a `ret` of the other kind. What comes out: the same
declarations with an explicit `let y : obj := box x` or
`let y : u64 := unbox x` at each such meeting point, so that the code
generator never converts implicitly. Runs before RC, so the boxes it
allocates (`UInt64`, `USize`, `Float`) are counted like any other object.
"""

from __future__ import annotations

from dataclasses import replace

from nleanjit.compiler.ir import types as T

O = T.IRType.OBJECT


def _mismatch(have: T.IRType, want: T.IRType) -> bool:
    return (have.is_scalar and want.is_obj) or (have.is_obj and want.is_scalar)


class _Boxer:
    def __init__(self, decl: T.FDecl, env: dict):
        self.decl = decl
        self.env = env
        self.next = T.max_index(decl)
        self.types: dict[int, T.IRType] = {p.x.idx: p.ty for p in decl.params}
        self.jp_params: dict[int, tuple[T.Param, ...]] = {}

    def fresh(self) -> T.VarId:
        self.next += 1
        return T.VarId(self.next)

    def cast(self, a: T.Arg, want: T.IRType, pending: list) -> T.Arg:
        """The argument as `want`, recording the box/unbox to put before its use."""
        if not isinstance(a, T.VarId):
            return a
        have = self.types.get(a.idx, O)
        if not _mismatch(have, want):
            return a
        y = self.fresh()
        if want.is_obj:
            pending.append((y, O, T.Box(have, a)))
            self.types[y.idx] = O
        else:
            pending.append((y, want, T.Unbox(a)))
            self.types[y.idx] = want
        return y

    def cast_args(self, args, wants, pending) -> tuple:
        return tuple(self.cast(a, w, pending) for a, w in zip(args, wants))

    @staticmethod
    def prepend(pending: list, b: T.FnBody) -> T.FnBody:
        for y, ty, e in reversed(pending):
            b = T.VDecl(y, ty, e, b)
        return b

    def vdecl(self, b: T.VDecl) -> T.FnBody:
        e, pending = b.e, []
        result_ty = b.ty  # the type the expression produces
        if isinstance(e, T.FAp):
            callee = self.env[e.fn]
            e = replace(e, args=self.cast_args(e.args, [p.ty for p in callee.params], pending))
            result_ty = callee.ty
        elif isinstance(e, (T.Ctor, T.Reuse, T.PAp)):
            e = replace(e, args=self.cast_args(e.args, [O] * len(e.args), pending))
            result_ty = O
        elif isinstance(e, T.Ap):
            e = replace(e, args=self.cast_args(e.args, [O] * len(e.args), pending))
            result_ty = O
        elif isinstance(e, T.Proj):
            result_ty = O
        self.types[b.x.idx] = b.ty
        tmp = self.fresh() if _mismatch(result_ty, b.ty) else None
        rest = self.body(b.b)
        if tmp is not None:
            # compute in the producer's representation, then convert
            self.types[tmp.idx] = result_ty
            conv = T.Box(result_ty, tmp) if b.ty.is_obj else T.Unbox(tmp)
            out = T.VDecl(tmp, result_ty, e, T.VDecl(b.x, b.ty, conv, rest))
        else:
            out = T.VDecl(b.x, b.ty, e, rest)
        return self.prepend(pending, out)

    def body(self, b: T.FnBody) -> T.FnBody:
        if isinstance(b, T.VDecl):
            return self.vdecl(b)
        if isinstance(b, T.JDecl):
            for p in b.params:
                self.types[p.x.idx] = p.ty
            self.jp_params[b.j.idx] = b.params
            return T.JDecl(b.j, b.params, self.body(b.v), self.body(b.b))
        if isinstance(b, T.Case):
            return replace(b, alts=tuple(replace(a, body=self.body(a.body)) for a in b.alts))
        if isinstance(b, T.Jmp):
            pending: list = []
            args = self.cast_args(b.args, [p.ty for p in self.jp_params[b.j.idx]], pending)
            return self.prepend(pending, T.Jmp(b.j, args))
        if isinstance(b, T.Ret):
            pending = []
            x = self.cast(b.x, self.decl.ty, pending)
            return self.prepend(pending, T.Ret(x))
        if isinstance(b, T.Set):
            pending = []
            y = self.cast(b.y, O, pending)
            return self.prepend(pending, T.Set(b.x, b.i, y, self.body(b.b)))
        if isinstance(b, T.TERMINALS):
            return b
        return T.with_body(b, self.body(b.b))


def explicit_boxing(decls: list[T.Decl], env: dict | None = None) -> list[T.Decl]:
    """Insert `box`/`unbox` wherever a scalar meets an object position."""
    full_env = {**(env or {}), **{d.name: d for d in decls}}
    return [replace(d, body=_Boxer(d, full_env).body(d.body)) if isinstance(d, T.FDecl) else d for d in decls]
