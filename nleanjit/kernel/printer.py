"""A deterministic, readable printer for kernel terms and constant infos.

In: an `Expr` (optionally a map from free-variable ids to display names) or a
`ConstantInfo`. Out: one string in a Lean-like notation —
`{motive : Nat → Sort u} → motive Nat.zero → ((n : Nat) → motive n → motive (Nat.succ n)) → (t : Nat) → motive t`.
Bound variables take their binder's name, renamed `x_1`, `x_2`, ... when the
name is already in scope, so the output is unambiguous and stable for golden
tests. Universe arguments of constants are shown with `show_levels=True`.
"""

from __future__ import annotations

import json
from typing import Mapping

from nleanjit.kernel import level as L
from nleanjit.kernel.declaration import (
    AxiomInfo,
    ConstantInfo,
    ConstructorInfo,
    DefinitionInfo,
    InductiveInfo,
    OpaqueInfo,
    QuotInfo,
    RecursorInfo,
    TheoremInfo,
)
from nleanjit.kernel.expr import (
    App,
    BVar,
    BinderInfo,
    Const,
    Expr,
    FVar,
    Lam,
    Let,
    MData,
    MVar,
    NatLit,
    Pi,
    Proj,
    Sort,
    StrLit,
    get_app_fn_args,
    has_loose_bvar,
)

# precedences: 0 = binder/arrow bodies, 1 = arrow domain, 2 = application argument
_TOP, _ARROW_DOM, _ARG = 0, 1, 2


def level_to_str(l: L.Level) -> str:
    return L.to_str(l)


def _sort_str(l: L.Level) -> str:
    if L.is_zero(l):
        return "Prop"
    if type(l) is L.Succ:
        inner = l.of
        if L.is_zero(inner):
            return "Type"
        return f"Type {L._arg_str(inner)}"
    return f"Sort {L._arg_str(l)}"


class _Printer:
    def __init__(self, show_levels: bool, fvar_names: Mapping[str, str] | None):
        self.show_levels = show_levels
        self.fvar_names = fvar_names or {}

    def fresh(self, name: str, scope: list[str]) -> str:
        base = name if name else "x"
        if base not in scope:
            return base
        i = 1
        while f"{base}_{i}" in scope:
            i += 1
        return f"{base}_{i}"

    def pp(self, e: Expr, scope: list[str], prec: int) -> str:
        t = type(e)
        if t is BVar:
            if e.idx < len(scope):
                return scope[len(scope) - 1 - e.idx]
            return f"#{e.idx - len(scope)}"
        if t is FVar:
            return self.fvar_names.get(e.id, e.id)
        if t is MVar:
            return f"?{e.id}"
        if t is Sort:
            s = _sort_str(e.level)
            return f"({s})" if prec >= _ARG and " " in s else s
        if t is Const:
            if self.show_levels and e.levels:
                return f"{e.name}.{{{', '.join(L.to_str(l) for l in e.levels)}}}"
            return e.name
        if t is NatLit:
            return str(e.value)
        if t is StrLit:
            return json.dumps(e.value, ensure_ascii=False)
        if t is MData:
            return self.pp(e.expr, scope, prec)
        if t is Proj:
            return f"{self.pp(e.expr, scope, _ARG)}.{e.idx + 1}"
        if t is App:
            f, args = get_app_fn_args(e)
            parts = [self.pp(f, scope, _ARG)] + [self.pp(a, scope, _ARG) for a in args]
            s = " ".join(parts)
            return f"({s})" if prec >= _ARG else s
        if t is Pi:
            s = self.pp_pi(e, scope)
            return f"({s})" if prec >= _ARROW_DOM else s
        if t is Lam:
            s = self.pp_lam(e, scope)
            return f"({s})" if prec >= _ARROW_DOM else s
        if t is Let:
            name = self.fresh(e.name, scope)
            ty = self.pp(e.type, scope, _TOP)
            val = self.pp(e.value, scope, _TOP)
            body = self.pp(e.body, scope + [name], _TOP)
            s = f"let {name} : {ty} := {val}; {body}"
            return f"({s})" if prec >= _ARROW_DOM else s
        raise TypeError(f"not a kernel expression: {e!r}")

    def binder(self, name: str, ty: str, info: BinderInfo) -> str:
        if info is BinderInfo.IMPLICIT:
            return f"{{{name} : {ty}}}"
        if info is BinderInfo.STRICT_IMPLICIT:
            return f"⦃{name} : {ty}⦄"
        if info is BinderInfo.INST_IMPLICIT:
            return f"[{name} : {ty}]"
        return f"({name} : {ty})"

    def pp_pi(self, e: Pi, scope: list[str]) -> str:
        if e.info is BinderInfo.DEFAULT and not has_loose_bvar(e.body, 0):
            dom = self.pp(e.type, scope, _ARROW_DOM)
            # the body does not mention the binder; a placeholder keeps indices aligned
            body = self.pp(e.body, scope + [self.fresh(e.name, scope)], _TOP)
            return f"{dom} → {body}"
        name = self.fresh(e.name, scope)
        b = self.binder(name, self.pp(e.type, scope, _TOP), e.info)
        return f"{b} → {self.pp(e.body, scope + [name], _TOP)}"

    def pp_lam(self, e: Lam, scope: list[str]) -> str:
        binders = []
        while type(e) is Lam:
            name = self.fresh(e.name, scope)
            binders.append(self.binder(name, self.pp(e.type, scope, _TOP), e.info))
            scope = scope + [name]
            e = e.body
        return f"fun {' '.join(binders)} => {self.pp(e, scope, _TOP)}"


def expr_to_str(e: Expr, *, show_levels: bool = False, fvar_names: Mapping[str, str] | None = None) -> str:
    return _Printer(show_levels, fvar_names).pp(e, [], _TOP)


def _header(kw: str, info: ConstantInfo, show_levels: bool) -> str:
    lps = f".{{{', '.join(info.level_params)}}}" if info.level_params else ""
    return f"{kw} {info.name}{lps} : {expr_to_str(info.type, show_levels=show_levels)}"


def constant_to_str(info: ConstantInfo, *, show_levels: bool = False, show_value: bool = True) -> str:
    """One declaration as text; recursors list their rules, definitions their hints."""
    t = type(info)
    if t is AxiomInfo:
        return _header("axiom", info, show_levels)
    if t is DefinitionInfo:
        s = _header("def", info, show_levels) + f"  -- {info.hints}"
        if show_value:
            s += f"\n  := {expr_to_str(info.value, show_levels=show_levels)}"
        return s
    if t is TheoremInfo:
        s = _header("theorem", info, show_levels)
        if show_value:
            s += f"\n  := {expr_to_str(info.value, show_levels=show_levels)}"
        return s
    if t is OpaqueInfo:
        return _header("opaque", info, show_levels)
    if t is QuotInfo:
        return _header("quot", info, show_levels)
    if t is InductiveInfo:
        return (
            _header("inductive", info, show_levels)
            + f"  -- params {info.num_params}, indices {info.num_indices}, ctors {list(info.constructors)}"
        )
    if t is ConstructorInfo:
        return _header("constructor", info, show_levels)
    if t is RecursorInfo:
        s = _header("recursor", info, show_levels)
        for r in info.rules:
            s += f"\n  | {r.ctor} ({r.num_fields}) => {expr_to_str(r.rhs, show_levels=show_levels)}"
        return s
    raise TypeError(f"not a constant info: {info!r}")
