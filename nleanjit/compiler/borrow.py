"""Borrowed-parameter inference (Lean's `IR/Borrow.lean`).

What goes in: `Decl`s whose parameters' `borrow` flags are not yet decided.
What comes out: the same declarations where every object parameter that the
function never needs to own is marked borrowed (`@&`), so callers do not
`inc` it before the call and the callee does not `dec` it.

Start from "every object parameter is borrowed" and mark a parameter owned
when its value is consumed: stored in a constructor or closure, reset,
returned through a tail call to an owned position, passed to an owned
parameter of another function or join point, or projected into something
owned. Repeat over all declarations until nothing changes. Exported entry
points (`main`) and externs keep their declared flags.
"""

from __future__ import annotations

from dataclasses import replace

from nleanjit.compiler.ir import types as T

EXPORTED = frozenset({"main"})


class _Inference:
    def __init__(self, decls: list[T.Decl], env: dict):
        self.decls = {d.name: d for d in decls}
        self.env = {**env, **self.decls}
        self.owned: set[tuple[str, int]] = set()  # (decl, var idx) owned
        self.params_of: dict[str, tuple[T.Param, ...]] = {}
        self.jp_params: dict[tuple[str, int], tuple[T.Param, ...]] = {}
        self.changed = False
        self.current = ""

    # -- ownership facts
    def is_owned(self, x: T.VarId) -> bool:
        return (self.current, x.idx) in self.owned

    def own_var(self, x: T.VarId) -> None:
        key = (self.current, x.idx)
        if key not in self.owned:
            self.owned.add(key)
            self.changed = True

    def own_args(self, args) -> None:
        for a in args:
            if isinstance(a, T.VarId):
                self.own_var(a)

    def param_borrowed(self, fn: str, params: tuple[T.Param, ...], i: int) -> bool:
        p = params[i]
        if fn in self.decls and fn not in EXPORTED and isinstance(self.decls[fn], T.FDecl):
            return p.ty.is_obj and (fn, p.x.idx) not in self.owned
        return p.borrow

    def own_args_using_params(self, args, fn, params) -> None:
        for i, a in enumerate(args):
            if isinstance(a, T.VarId) and not self.param_borrowed(fn, params, i):
                self.own_var(a)

    def own_params_using_args(self, args, fn, params) -> None:
        """For a tail call: an owned argument makes the parameter owned, so
        that no `dec` has to follow the call and it stays a tail call."""
        for i, a in enumerate(args):
            if isinstance(a, T.VarId) and self.is_owned(a) and params[i].ty.is_obj:
                key = (fn, params[i].x.idx)
                if key not in self.owned:
                    self.owned.add(key)
                    self.changed = True

    # -- traversal
    def collect_expr(self, z: T.VarId, e: T.Expr) -> None:
        if isinstance(e, T.Reset):
            self.own_var(z)
            self.own_var(e.x)
        elif isinstance(e, (T.Ctor, T.Reuse, T.PAp)):
            self.own_var(z)
            self.own_args(e.args)
        elif isinstance(e, T.Proj):
            if self.is_owned(e.x):
                self.own_var(z)
            if self.is_owned(z):
                self.own_var(e.x)
        elif isinstance(e, T.FAp):
            self.own_var(z)
            callee = self.env[e.fn]
            self.own_args_using_params(e.args, e.fn, callee.params)
        elif isinstance(e, T.Ap):
            self.own_var(z)
            self.own_var(e.x)
            self.own_args(e.args)

    def collect_body(self, b: T.FnBody) -> None:
        while True:
            if isinstance(b, T.VDecl):
                self.collect_expr(b.x, b.e)
                if (isinstance(b.e, T.FAp) and isinstance(b.b, T.Ret) and b.b.x == b.x
                        and b.e.fn in self.decls and isinstance(self.decls[b.e.fn], T.FDecl)
                        and b.e.fn not in EXPORTED):
                    self.own_params_using_args(b.e.args, b.e.fn, self.decls[b.e.fn].params)
            elif isinstance(b, T.JDecl):
                self.jp_params[(self.current, b.j.idx)] = b.params
                self.collect_body(b.v)
            elif isinstance(b, T.Case):
                for alt in b.alts:
                    self.collect_body(alt.body)
                return
            elif isinstance(b, T.Jmp):
                params = self.jp_params[(self.current, b.j.idx)]
                # join point parameters live in the current declaration's namespace
                for i, a in enumerate(b.args):
                    if isinstance(a, T.VarId) and (self.current, params[i].x.idx) in self.owned:
                        self.own_var(a)
                    if isinstance(a, T.VarId) and self.is_owned(a) and params[i].ty.is_obj:
                        self.own_var(params[i].x)
                return
            elif isinstance(b, (T.Ret, T.Unreachable)):
                return
            b = b.b

    def run(self) -> list[T.Decl]:
        for name, d in self.decls.items():
            if name in EXPORTED and isinstance(d, T.FDecl):
                self.owned |= {(name, p.x.idx) for p in d.params if not p.borrow}
        self.changed = True
        while self.changed:
            self.changed = False
            for name, d in self.decls.items():
                if isinstance(d, T.FDecl):
                    self.current = name
                    self.collect_body(d.body)
        return [self.apply(d) for d in self.decls.values()]

    def apply(self, d: T.Decl) -> T.Decl:
        if not isinstance(d, T.FDecl) or d.name in EXPORTED:
            return d
        self.current = d.name

        def mark(ps):
            return tuple(replace(p, borrow=p.ty.is_obj and (d.name, p.x.idx) not in self.owned) for p in ps)

        def fix(b: T.FnBody) -> T.FnBody:
            if isinstance(b, T.JDecl):
                return T.JDecl(b.j, mark(b.params), fix(b.v), fix(b.b))
            if isinstance(b, T.Case):
                return replace(b, alts=tuple(replace(a, body=fix(a.body)) for a in b.alts))
            if isinstance(b, T.TERMINALS):
                return b
            return T.with_body(b, fix(b.b))

        return replace(d, params=mark(d.params), body=fix(d.body))


def infer_borrow(decls: list[T.Decl], env: dict | None = None) -> list[T.Decl]:
    """Mark the object parameters that can be borrowed."""
    return _Inference(decls, env or {}).run()
