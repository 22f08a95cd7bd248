"""A small prelude written as kernel terms, with a named-variable builder.

`pi([("n", NAT)], body)` closes `body` over the named binders: inside types and
bodies a binder is referred to as `v("n")` (a placeholder free variable), and
`pi`/`lam` abstract them into de Bruijn indices. The declarations follow
Lean 4's core definitions (Init/Prelude.lean) closely enough that the
generated recursors must print exactly as Lean's do (modulo implicit
arguments, which our printer shows).
"""

from __future__ import annotations

from nleanjit.kernel import (
    DEFAULT,
    IMPLICIT,
    PROP,
    TYPE,
    App,
    AxiomDecl,
    Const,
    Constructor,
    DefinitionDecl,
    Environment,
    FVar,
    InductiveDecl,
    InductiveType,
    Lam,
    NatLit,
    Pi,
    QuotDecl,
    ReducibilityHints,
    Sort,
    TheoremDecl,
    abstract,
    level,
    mk_app,
)

u, v, u1 = level.Param("u"), level.Param("v"), level.Param("u_1")


def v_(name: str) -> FVar:
    return FVar(name)


def _close(cls, binders, body):
    binders = [b if len(b) == 3 else (b[0], b[1], DEFAULT) for b in binders]
    fvs = [FVar(b[0]) for b in binders]
    r = abstract(body, fvs)
    for i in range(len(binders) - 1, -1, -1):
        name, ty, info = binders[i]
        r = cls(name, abstract(ty, fvs[:i]), r, info)
    return r


def pi(binders, body):
    return _close(Pi, binders, body)


def lam(binders, body):
    return _close(Lam, binders, body)


def arr(*types):
    """`A → B → C` (non-dependent)."""
    r = types[-1]
    for t in reversed(types[:-1]):
        r = Pi("a", t, r)
    return r


def c(name, *levels):
    return Const(name, tuple(levels))


NAT = c("Nat")
BOOL = c("Bool")
ZERO = c("Nat.zero")


def succ(e):
    return App(c("Nat.succ"), e)


def nat_bin(name, a, b):
    return mk_app(c(name), a, b)


def eq(ty, a, b, lvl=level.ONE):
    return mk_app(c("Eq", lvl), ty, a, b)


def refl(ty, a, lvl=level.ONE):
    return mk_app(c("Eq.refl", lvl), ty, a)


def nat_rec(motive, zero_case, succ_case, n, lvl=level.ONE):
    return mk_app(c("Nat.rec", lvl), motive, zero_case, succ_case, n)


CONST_NAT = lam([("_", NAT)], NAT)


def ind(name, lps, nparams, type_, ctors, unsafe=False):
    return InductiveDecl(
        tuple(lps), nparams, (InductiveType(name, type_, tuple(Constructor(n, t) for n, t in ctors)),), unsafe
    )


def defn(name, type_, value, lps=(), height=1):
    return DefinitionDecl(name, tuple(lps), type_, value, ReducibilityHints.regular(height))


def nat_decls():
    yield ind("Nat", [], 0, TYPE, [("Nat.zero", NAT), ("Nat.succ", pi([("n", NAT)], NAT))])
    n, m = v_("n"), v_("m")
    # Nat.add n m := Nat.rec n (fun _ ih => succ ih) m   (recursion on the second argument, as Lean)
    add = lam([("n", NAT), ("m", NAT)], nat_rec(CONST_NAT, n, lam([("k", NAT), ("ih", NAT)], succ(v_("ih"))), m))
    yield defn("Nat.add", arr(NAT, NAT, NAT), add)
    pred = lam([("n", NAT)], nat_rec(CONST_NAT, ZERO, lam([("k", NAT), ("ih", NAT)], v_("k")), n))
    yield defn("Nat.pred", arr(NAT, NAT), pred)
    sub = lam(
        [("n", NAT), ("m", NAT)],
        nat_rec(CONST_NAT, n, lam([("k", NAT), ("ih", NAT)], App(c("Nat.pred"), v_("ih"))), m),
    )
    yield defn("Nat.sub", arr(NAT, NAT, NAT), sub, height=2)
    mul = lam(
        [("n", NAT), ("m", NAT)],
        nat_rec(CONST_NAT, ZERO, lam([("k", NAT), ("ih", NAT)], nat_bin("Nat.add", v_("ih"), n)), m),
    )
    yield defn("Nat.mul", arr(NAT, NAT, NAT), mul, height=2)


def bool_decls():
    yield ind("Bool", [], 0, TYPE, [("Bool.false", BOOL), ("Bool.true", BOOL)])
    # Nat.beq n m: compare by recursion on n, then on m (closed-form enough for the kernel's tests)
    bool_of_nat = lam([("_", NAT)], BOOL)
    nat_to_bool = arr(NAT, BOOL)
    beq = lam(
        [("n", NAT)],
        nat_rec(
            lam([("_", NAT)], nat_to_bool),
            lam([("m", NAT)], nat_rec(bool_of_nat, c("Bool.true"), lam([("k", NAT), ("ih", BOOL)], c("Bool.false")), v_("m"))),
            lam(
                [("k", NAT), ("ih", nat_to_bool)],
                lam(
                    [("m", NAT)],
                    nat_rec(bool_of_nat, c("Bool.false"), lam([("j", NAT), ("jh", BOOL)], App(v_("ih"), v_("j"))), v_("m")),
                ),
            ),
            v_("n"),
        ),
    )
    yield defn("Nat.beq", arr(NAT, NAT, BOOL), beq, height=1)


def logic_decls():
    a, b, alpha = v_("a"), v_("b"), v_("α")
    sort_u1 = Sort(u1)
    # inductive Eq.{u_1} {α : Sort u_1} (a : α) : α → Prop | refl : Eq a a
    yield ind(
        "Eq",
        ["u_1"],
        2,
        pi([("α", sort_u1, IMPLICIT), ("a", alpha), ("b", alpha)], PROP),
        [("Eq.refl", pi([("α", sort_u1, IMPLICIT), ("a", alpha)], mk_app(c("Eq", u1), alpha, a, a)))],
    )
    yield ind("True", [], 0, PROP, [("True.intro", c("True"))])
    yield ind("False", [], 0, PROP, [])
    ab = [("a", PROP), ("b", PROP)]
    yield ind(
        "And",
        [],
        2,
        pi(ab, PROP),
        [("And.intro", pi(ab + [("left", a), ("right", b)], mk_app(c("And"), a, b)))],
    )
    yield ind(
        "Or",
        [],
        2,
        pi(ab, PROP),
        [
            ("Or.inl", pi(ab + [("h", a)], mk_app(c("Or"), a, b))),
            ("Or.inr", pi(ab + [("h", b)], mk_app(c("Or"), a, b))),
        ],
    )
    sort_u = Sort(u)
    p = v_("p")
    ex_params = [("α", sort_u, IMPLICIT), ("p", arr(alpha, PROP))]
    yield ind(
        "Exists",
        ["u"],
        2,
        pi(ex_params, PROP),
        [("Exists.intro", pi(ex_params + [("w", alpha), ("h", App(p, v_("w")))], mk_app(c("Exists", u), alpha, p)))],
    )


def data_decls():
    alpha, beta = v_("α"), v_("β")
    type_u = Sort(level.Succ(u))
    type_v = Sort(level.Succ(v))
    list_a = App(c("List", u), alpha)
    yield ind(
        "List",
        ["u"],
        1,
        pi([("α", type_u)], type_u),
        [
            ("List.nil", pi([("α", type_u)], list_a)),
            ("List.cons", pi([("α", type_u), ("head", alpha), ("tail", list_a)], list_a)),
        ],
    )
    prod_ab = mk_app(c("Prod", u, v), alpha, beta)
    ps = [("α", type_u), ("β", type_v)]
    yield ind(
        "Prod",
        ["u", "v"],
        2,
        pi(ps, Sort(level.Succ(level.Max(u, v)))),
        [("Prod.mk", pi(ps + [("fst", alpha), ("snd", beta)], prod_ab))],
    )
    yield ind("PUnit", ["u"], 0, Sort(u), [("PUnit.unit", c("PUnit", u))])
    # Char and String, enough for string literals: Char.mk (val : Nat), String.mk (data : List Char)
    yield ind("Char", [], 0, TYPE, [("Char.mk", pi([("val", NAT)], c("Char")))])
    yield defn("Char.ofNat", arr(NAT, c("Char")), lam([("n", NAT)], App(c("Char.mk"), v_("n"))))
    yield ind(
        "String",
        [],
        0,
        TYPE,
        [("String.mk", pi([("data", App(c("List", level.ZERO), c("Char")))], c("String")))],
    )


def family_decls():
    """An indexed family, a mutual pair, a nested type and Acc."""
    alpha = v_("α")
    type_u = Sort(level.Succ(u))
    vec = lambda n: mk_app(c("Vec", u), alpha, n)  # noqa: E731
    yield ind(
        "Vec",
        ["u"],
        1,
        pi([("α", type_u)], arr(NAT, type_u)),
        [
            ("Vec.nil", pi([("α", type_u)], vec(ZERO))),
            (
                "Vec.cons",
                pi([("α", type_u), ("n", NAT, IMPLICIT), ("head", alpha), ("tail", vec(v_("n")))], vec(succ(v_("n")))),
            ),
        ],
    )
    tree = App(c("Tree", u), alpha)
    forest = App(c("Forest", u), alpha)
    ps = [("α", type_u)]
    yield InductiveDecl(
        ("u",),
        1,
        (
            InductiveType("Tree", pi(ps, type_u), (Constructor("Tree.node", pi(ps + [("val", alpha), ("children", forest)], tree)),)),
            InductiveType(
                "Forest",
                pi(ps, type_u),
                (
                    Constructor("Forest.nil", pi(ps, forest)),
                    Constructor("Forest.cons", pi(ps + [("head", tree), ("tail", forest)], forest)),
                ),
            ),
        ),
    )
    rose = App(c("Rose", u), alpha)
    yield ind(
        "Rose",
        ["u"],
        1,
        pi(ps, type_u),
        [("Rose.node", pi(ps + [("val", alpha), ("children", App(c("List", u), rose))], rose))],
    )
    # inductive Acc.{u} {α : Sort u} (r : α → α → Prop) : α → Prop
    #   | intro (x : α) (h : ∀ y, r y x → Acc r y) : Acc r x
    sort_u = Sort(u)
    r, x, y = v_("r"), v_("x"), v_("y")
    acc_ps = [("α", sort_u, IMPLICIT), ("r", arr(alpha, alpha, PROP))]
    acc = lambda z: mk_app(c("Acc", u), alpha, r, z)  # noqa: E731
    yield ind(
        "Acc",
        ["u"],
        2,
        pi(acc_ps, arr(alpha, PROP)),
        [("Acc.intro", pi(acc_ps + [("x", alpha), ("h", pi([("y", alpha)], arr(mk_app(r, y, x), acc(y))))], acc(x)))],
    )


def build_prelude() -> Environment:
    env = Environment()
    for group in (nat_decls, bool_decls, logic_decls, data_decls, family_decls):
        for d in group():
            env.add(d)
    env.add(QuotDecl())
    return env


__all__ = [
    "AxiomDecl",
    "TheoremDecl",
    "NatLit",
    "build_prelude",
]
