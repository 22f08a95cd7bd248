"""The quotient primitives `Quot`, `Quot.mk`, `Quot.lift`, `Quot.ind`.

In: an environment where `Eq` is already declared (the type of `Quot.lift`
mentions it). Out: the four constants added as `QuotInfo`s; their
computation rule `Quot.lift f h (Quot.mk r a) ≡ f a` (and the same for
`Quot.ind`) lives in the type checker's `_quot_reduce_rec`.

    Quot.{u}      : {α : Sort u} → (α → α → Prop) → Sort u
    Quot.mk.{u}   : {α : Sort u} → (r : α → α → Prop) → α → Quot r
    Quot.lift.{u, v} : {α : Sort u} → {r : α → α → Prop} → {β : Sort v} → (f : α → β)
                    → (∀ a b, r a b → f a = f b) → Quot r → β
    Quot.ind.{u}  : {α : Sort u} → {r : α → α → Prop} → {β : Quot r → Prop}
                    → (mk : ∀ a, β (Quot.mk r a)) → ∀ q, β q
"""

from __future__ import annotations

from nleanjit.kernel import errors as E
from nleanjit.kernel import level as L
from nleanjit.kernel.declaration import InductiveInfo, QuotInfo, QuotKind
from nleanjit.kernel.expr import IMPLICIT, PROP, App, BVar, Const, Pi, Sort, arrow, mk_app
from nleanjit.kernel.fuel import Fuel

U, V = L.Param("u"), L.Param("v")


def _rel(alpha) -> Pi:
    # α → α → Prop, where `alpha` is valid at the binder position of the result
    return Pi("a", alpha, Pi("b", _lift(alpha, 1), PROP))


def _lift(e, n):
    from nleanjit.kernel.expr import lift_loose_bvars

    return lift_loose_bvars(e, 0, n)


def quot_types() -> dict[str, tuple[tuple[str, ...], object]]:
    sort_u = Sort(U)
    quot = lambda alpha, r: mk_app(Const("Quot", (U,)), alpha, r)  # noqa: E731
    quot_mk = lambda alpha, r, a: mk_app(Const("Quot.mk", (U,)), alpha, r, a)  # noqa: E731

    t_quot = Pi("α", sort_u, arrow(_rel(BVar(0)), sort_u), IMPLICIT)
    # Quot.mk : {α} → (r : α → α → Prop) → (a : α) → @Quot α r
    t_mk = Pi("α", sort_u, Pi("r", _rel(BVar(0)), Pi("a", BVar(1), quot(BVar(2), BVar(1)))), IMPLICIT)
    # Quot.lift : {α} {r} {β : Sort v} (f : α → β) (h : ∀ a b, r a b → f a = f b) (q : Quot r) : β
    # binders: α=5 r=4 β=3 f=2 h=1 q=0 at the body of q
    # Eq.{v} β (f a) (f b), under α r β f a b (β=3 f=2 a=1 b=0); `arrow` lifts it past `r a b`
    eq_fab = lambda: mk_app(Const("Eq", (V,)), BVar(3), App(BVar(2), BVar(1)), App(BVar(2), BVar(0)))  # noqa: E731
    h_type = Pi("a", BVar(3), Pi("b", BVar(4), arrow(mk_app(BVar(4), BVar(1), BVar(0)), eq_fab())))
    t_lift = Pi(
        "α",
        sort_u,
        Pi(
            "r",
            _rel(BVar(0)),
            Pi(
                "β",
                Sort(V),
                Pi(
                    "f",
                    arrow(BVar(2), BVar(0)),
                    Pi("h", h_type, Pi("q", quot(BVar(4), BVar(3)), BVar(3))),
                ),
                IMPLICIT,
            ),
            IMPLICIT,
        ),
        IMPLICIT,
    )
    # Quot.ind : {α} {r} {β : Quot r → Prop} (mk : ∀ a, β (Quot.mk r a)) (q : Quot r) : β q
    t_ind = Pi(
        "α",
        sort_u,
        Pi(
            "r",
            _rel(BVar(0)),
            Pi(
                "β",
                arrow(quot(BVar(1), BVar(0)), PROP),
                Pi(
                    "mk",
                    Pi("a", BVar(2), App(BVar(1), quot_mk(BVar(3), BVar(2), BVar(0)))),
                    Pi("q", quot(BVar(3), BVar(2)), App(BVar(2), BVar(0))),
                ),
                IMPLICIT,
            ),
            IMPLICIT,
        ),
        IMPLICIT,
    )
    return {
        "Quot": (("u",), t_quot),
        "Quot.mk": (("u",), t_mk),
        "Quot.lift": (("u", "v"), t_lift),
        "Quot.ind": (("u",), t_ind),
    }


_KINDS = {"Quot": QuotKind.TYPE, "Quot.mk": QuotKind.CTOR, "Quot.lift": QuotKind.LIFT, "Quot.ind": QuotKind.IND}


def add_quot(env, fuel: Fuel) -> None:
    from nleanjit.kernel.typechecker import TypeChecker

    if env.quot_initialized:
        raise E.AlreadyDeclared("the quotient primitives are already declared", decl_name="Quot")
    eq = env.find("Eq")
    if (
        type(eq) is not InductiveInfo
        or len(eq.level_params) != 1
        or len(eq.constructors) != 1
        or eq.num_params != 2
        or eq.num_indices != 1
    ):
        raise E.QuotientError("'Eq' must be declared first, as Lean's `inductive Eq : α → α → Prop`", decl_name="Quot")
    staged = env.staged()
    for name, (lps, ty) in quot_types().items():
        if name in staged:
            raise E.AlreadyDeclared(f"'{name}' has already been declared", decl_name=name)
        TypeChecker(staged, fuel=fuel, level_params=lps, decl_name=name).check_type(ty)
        staged.add_core(QuotInfo(name, lps, ty, _KINDS[name]))
    staged.quot_initialized = True
    env.commit_from(staged)
