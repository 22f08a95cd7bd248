"""Local contexts: the types (and let-values) of free variables.

In: `FVar` ids. Out: `LocalDecl`s. The type checker makes fresh free
variables when it goes under a binder and records them here; a caller (the
elaborator) may pass its own context so that terms with free variables can be
inferred. `mk_pi` / `mk_lambda` close a term over free variables again,
turning let-variables into `let`s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from nleanjit.kernel import expr as X
from nleanjit.kernel.expr import BinderInfo, Expr


@dataclass(frozen=True, slots=True)
class LocalDecl:
    fvar_id: str
    user_name: str
    type: Expr
    value: Expr | None = None
    info: BinderInfo = BinderInfo.DEFAULT


class LocalContext:
    """Free variable id → `LocalDecl`. Adding never removes: ids are unique for a checker's lifetime."""

    def __init__(self, decls: dict[str, LocalDecl] | None = None):
        self._decls: dict[str, LocalDecl] = dict(decls or {})

    def get(self, fvar_id: str) -> LocalDecl | None:
        return self._decls.get(fvar_id)

    def add(self, decl: LocalDecl) -> X.FVar:
        self._decls[decl.fvar_id] = decl
        return X.FVar(decl.fvar_id)

    def copy(self) -> "LocalContext":
        return LocalContext(self._decls)

    def user_names(self) -> dict[str, str]:
        return {k: d.user_name for k, d in self._decls.items()}

    def _close(self, fvars: Sequence[Expr], body: Expr, binder_cls) -> Expr:
        body = X.abstract(body, fvars)
        for i in range(len(fvars) - 1, -1, -1):
            d = self._decls[fvars[i].id]
            ty = X.abstract(d.type, fvars[:i])
            if d.value is not None:
                if X.has_loose_bvar(body, 0):
                    body = X.Let(d.user_name, ty, X.abstract(d.value, fvars[:i]), body)
                else:
                    body = X.lower_loose_bvars(body, 1, 1)
            else:
                body = binder_cls(d.user_name, ty, body, d.info)
        return body

    def mk_pi(self, fvars: Sequence[Expr], body: Expr) -> Expr:
        """`(x₁ : A₁) → ... → body` over `fvars` (let-variables become `let`s)."""
        return self._close(fvars, body, X.Pi)

    def mk_lambda(self, fvars: Sequence[Expr], body: Expr) -> Expr:
        return self._close(fvars, body, X.Lam)
