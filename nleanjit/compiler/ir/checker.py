"""Well-formedness checker for the λRC IR (Lean's `IR/Checker`).

What goes in: a list of `Decl`s. What comes out: nothing, or an
`IRCheckError` naming the declaration. It checks that every variable and
join point is declared once and used only in scope, that calls and jumps
have the right number of arguments, that projections read objects, `box`
and `unbox` go between scalars and objects, and that `case` and `ret` use
sensible types. The pipeline runs it before the first pass and after the
last one (after every pass in debug mode).
"""

from __future__ import annotations

from nleanjit.compiler.ir import types as T


class IRCheckError(Exception):
    """An ill-formed declaration; `decl` is its name."""

    def __init__(self, decl: str, message: str):
        super().__init__(f"IR check failed in '{decl}': {message}")
        self.decl = decl
        self.detail = message


class _DeclChecker:
    def __init__(self, decl: T.FDecl, env: dict[str, T.Decl], strict: bool = False):
        self.decl = decl
        self.env = env
        self.strict = strict
        self.seen_vars: set[int] = set()
        self.seen_jps: set[int] = set()
        self.jp_params: dict[int, tuple[T.Param, ...]] = {}

    def fail(self, message: str):
        raise IRCheckError(self.decl.name, message)

    def declare_var(self, x: T.VarId, scope: dict[int, T.IRType], ty: T.IRType) -> dict[int, T.IRType]:
        if x.idx in self.seen_vars:
            self.fail(f"variable x_{x.idx} is declared twice")
        self.seen_vars.add(x.idx)
        return {**scope, x.idx: ty}

    def var_type(self, x: T.VarId, scope) -> T.IRType:
        if x.idx not in scope:
            self.fail(f"unknown variable x_{x.idx}")
        return scope[x.idx]

    def check_args(self, args, scope):
        for a in args:
            if isinstance(a, T.VarId):
                self.var_type(a, scope)

    def check_object(self, x: T.VarId, scope, what: str):
        ty = self.var_type(x, scope)
        if not ty.is_obj:
            self.fail(f"{what} of x_{x.idx}, which has scalar type {ty.value}")

    def check_representations(self, args, wants, scope, what: str):
        """After boxing, scalars and objects never meet implicitly."""
        if not self.strict:
            return
        for i, (a, want) in enumerate(zip(args, wants)):
            if isinstance(a, T.VarId):
                have = scope[a.idx]
                if (have.is_scalar and want.is_obj) or (have.is_obj and want.is_scalar):
                    self.fail(f"argument {i + 1} of {what} is x_{a.idx} of type {have.value}, expected {want.value}")

    def callee(self, name: str) -> T.Decl:
        d = self.env.get(name)
        if d is None:
            self.fail(f"unknown function '{name}'")
        return d

    def check_expr(self, ty: T.IRType, e: T.Expr, scope):
        self.check_args(T.expr_vars(e), scope)
        if isinstance(e, (T.Ctor, T.Reuse, T.PAp, T.Ap)):
            self.check_representations(e.args, [T.IRType.OBJECT] * len(e.args), scope, type(e).__name__.lower())
        if isinstance(e, (T.Ctor, T.Reuse)):
            if len(e.args) != e.info.size:
                self.fail(f"constructor {e.info.name} expects {e.info.size} arguments, got {len(e.args)}")
            if not ty.is_obj:
                self.fail(f"constructor {e.info.name} bound to a variable of type {ty.value}")
        elif isinstance(e, T.Reset):
            self.check_object(e.x, scope, "reset")
        elif isinstance(e, (T.Proj, T.UProj, T.SProj, T.IsShared)):
            self.check_object(e.x, scope, "projection" if not isinstance(e, T.IsShared) else "isShared")
            if isinstance(e, T.Proj) and not ty.is_obj:
                self.fail(f"proj[{e.i}] bound to a variable of scalar type {ty.value}")
        elif isinstance(e, T.FAp):
            d = self.callee(e.fn)
            if len(e.args) != len(d.params):
                self.fail(f"'{e.fn}' takes {len(d.params)} arguments, applied to {len(e.args)}")
            self.check_representations(e.args, [p.ty for p in d.params], scope, f"'{e.fn}'")
            if self.strict and (d.ty.is_obj != ty.is_obj) and d.ty is not T.IRType.IRRELEVANT:
                self.fail(f"'{e.fn}' returns {d.ty.value}, bound to x of type {ty.value}")
        elif isinstance(e, T.PAp):
            d = self.callee(e.fn)
            if not 0 < len(e.args) < len(d.params) and not (len(e.args) == 0 and d.params):
                self.fail(f"partial application of '{e.fn}' to {len(e.args)} of {len(d.params)} arguments")
            if not ty.is_obj:
                self.fail(f"pap bound to a variable of scalar type {ty.value}")
        elif isinstance(e, T.Ap):
            self.check_object(e.x, scope, "closure application")
        elif isinstance(e, T.Box):
            if not ty.is_obj:
                self.fail(f"box bound to a variable of scalar type {ty.value}")
            if self.var_type(e.x, scope).is_obj:
                self.fail(f"box of x_{e.x.idx}, which is already an object")
        elif isinstance(e, T.Unbox):
            self.check_object(e.x, scope, "unbox")
            if not ty.is_scalar:
                self.fail(f"unbox bound to a variable of type {ty.value}")
        elif isinstance(e, T.StrLit) and not ty.is_obj:
            self.fail(f"string literal bound to a variable of type {ty.value}")

    def check_body(self, b: T.FnBody, scope: dict[int, T.IRType], jps: dict[int, int]):
        while True:
            if isinstance(b, T.VDecl):
                self.check_expr(b.ty, b.e, scope)
                scope = self.declare_var(b.x, scope, b.ty)
            elif isinstance(b, T.JDecl):
                if b.j.idx in self.seen_jps:
                    self.fail(f"join point block_{b.j.idx} is declared twice")
                self.seen_jps.add(b.j.idx)
                inner = scope
                for p in b.params:
                    inner = self.declare_var(p.x, inner, p.ty)
                self.check_body(b.v, inner, jps)
                jps = {**jps, b.j.idx: len(b.params)}
                self.jp_params[b.j.idx] = b.params
            elif isinstance(b, (T.Set, T.USet, T.SSet, T.SetTag, T.Del)):
                self.check_object(b.x, scope, type(b).__name__.lower())
                if isinstance(b, (T.Set, T.USet, T.SSet)):
                    self.check_args([b.y], scope)
            elif isinstance(b, (T.Inc, T.Dec)):
                self.check_object(b.x, scope, type(b).__name__.lower())
                if b.n < 1:
                    self.fail(f"{type(b).__name__.lower()} x_{b.x.idx} by {b.n}")
            elif isinstance(b, T.Case):
                ty = self.var_type(b.x, scope)
                if ty in (T.IRType.FLOAT, T.IRType.IRRELEVANT):
                    self.fail(f"case on x_{b.x.idx} of type {ty.value}")
                if not b.alts:
                    self.fail(f"case on x_{b.x.idx} without alternatives")
                for alt in b.alts:
                    self.check_body(alt.body, scope, jps)
                return
            elif isinstance(b, T.Jmp):
                if b.j.idx not in jps:
                    self.fail(f"unknown join point block_{b.j.idx}")
                if len(b.args) != jps[b.j.idx]:
                    self.fail(f"block_{b.j.idx} takes {jps[b.j.idx]} arguments, jumped to with {len(b.args)}")
                self.check_args(b.args, scope)
                self.check_representations(b.args, [p.ty for p in self.jp_params[b.j.idx]], scope, f"block_{b.j.idx}")
                return
            elif isinstance(b, T.Ret):
                self.check_args([b.x], scope)
                if isinstance(b.x, T.VarId) and scope[b.x.idx].is_obj != self.decl.ty.is_obj:
                    self.fail(f"returns x_{b.x.idx} of type {scope[b.x.idx].value} from a function of type {self.decl.ty.value}")
                return
            elif isinstance(b, T.Unreachable):
                return
            else:
                self.fail(f"not an IR body: {type(b).__name__}")
            b = b.b

    def run(self):
        scope: dict[int, T.IRType] = {}
        for p in self.decl.params:
            scope = self.declare_var(p.x, scope, p.ty)
        self.check_body(self.decl.body, scope, {})


def check_decls(decls: list[T.Decl], extra_env: dict[str, T.Decl] | None = None, strict: bool = False) -> None:
    """Raise `IRCheckError` on the first ill-formed declaration; `strict`
    (after the boxing pass) also rejects a scalar where an object is
    expected and the other way round."""
    env: dict[str, T.Decl] = dict(extra_env or {})
    seen: set[str] = set()
    for d in decls:
        if d.name in seen:
            raise IRCheckError(d.name, "declared twice")
        seen.add(d.name)
        env[d.name] = d
    for d in decls:
        if isinstance(d, T.FDecl):
            _DeclChecker(d, env, strict).run()
