"""The type checker: declarations accepted and rejected, reduction (beta, delta, zeta, iota, K, quotients,
projections, Nat literals), definitional equality (proof irrelevance, eta, structure eta, unit-like), fuel."""

import time

import pytest

import kernel_prelude as P
from kernel_prelude import c, lam, mk_app, pi, v_
from nleanjit.kernel import (
    IMPLICIT,
    PROP,
    App,
    AppTypeMismatch,
    AxiomDecl,
    BVar,
    DeclHasFreeVars,
    DeepRecursion,
    DefinitionDecl,
    DefinitionTypeMismatch,
    DeterministicTimeout,
    Environment,
    FunctionExpected,
    Fuel,
    IncorrectNumberOfLevels,
    Let,
    LocalContext,
    LocalDecl,
    FVar,
    NatLit,
    OpaqueDecl,
    Proj,
    ReducibilityHints,
    Safety,
    Sort,
    StrLit,
    TheoremDecl,
    TypeChecker,
    TypeExpected,
    UndefinedLevelParam,
    UnknownConstant,
    UnsafeReference,
    level,
)

NAT, BOOL = P.NAT, P.BOOL
TYPE_ = Sort(level.ONE)
TRUE_B, FALSE_B = c("Bool.true"), c("Bool.false")


def lit(n):
    return NatLit(n)


def add(a, b):
    return mk_app(c("Nat.add"), a, b)


@pytest.fixture(scope="module")
def env():
    env = P.build_prelude()
    # double n := Nat.rec 0 (fun _ ih => succ (succ ih)) n   -- no literal shortcut applies
    double = lam([("n", NAT)], P.nat_rec(P.CONST_NAT, P.ZERO, lam([("k", NAT), ("ih", NAT)], P.succ(P.succ(v_("ih")))), v_("n")))
    env.add(P.defn("double", P.arr(NAT, NAT), double, height=1))
    # length.{u} {α : Type u} (xs : List α) : Nat
    u = level.Param("u")
    alpha, xs = v_("α"), v_("xs")
    list_a = App(c("List", u), alpha)
    length = lam(
        [("α", Sort(level.Succ(u)), IMPLICIT), ("xs", list_a)],
        mk_app(
            c("List.rec", level.ONE, u),
            alpha,
            lam([("_", list_a)], NAT),
            P.ZERO,
            lam([("h", alpha), ("t", list_a), ("ih", NAT)], P.succ(v_("ih"))),
            xs,
        ),
    )
    env.add(DefinitionDecl("List.length", ("u",), pi([("α", Sort(level.Succ(u)), IMPLICIT), ("xs", list_a)], NAT), length, ReducibilityHints.regular(1)))
    env.add(AxiomDecl("f", (), P.arr(NAT, NAT)))
    env.add(AxiomDecl("p", (), mk_app(c("Prod", level.ZERO, level.ZERO), NAT, NAT)))
    env.add(AxiomDecl("unit1", (), c("PUnit", level.ONE)))
    env.add(AxiomDecl("unit2", (), c("PUnit", level.ONE)))
    env.add(AxiomDecl("h22", (), P.eq(NAT, lit(2), lit(2))))
    return env


def tc(env, **kw):
    return TypeChecker(env, **kw)


def nat_list(*ns):
    r = App(c("List.nil", level.ZERO), NAT)
    for n in reversed(ns):
        r = mk_app(c("List.cons", level.ZERO), NAT, lit(n), r)
    return r


# --- declarations accepted and rejected ---------------------------------------

def test_theorem_two_add_two_by_rfl(env):
    env.add(TheoremDecl("two_add_two", (), P.eq(NAT, add(lit(2), lit(2)), lit(4)), P.refl(NAT, lit(4))))
    assert "two_add_two" in env
    with pytest.raises(DefinitionTypeMismatch) as ei:
        env.add(TheoremDecl("two_add_two_bad", (), P.eq(NAT, add(lit(2), lit(2)), lit(5)), P.refl(NAT, lit(4))))
    assert ei.value.decl_name == "two_add_two_bad" and "two_add_two_bad" not in env


def test_rfl_through_recursors_and_constructors(env):
    # double 21 = 42, by unfolding Nat.rec on the literal 21 (literal ⇄ Nat.succ conversions)
    env.add(TheoremDecl("double_21", (), P.eq(NAT, App(c("double"), lit(21)), lit(42)), P.refl(NAT, lit(42))))
    three = P.succ(P.succ(P.succ(P.ZERO)))
    env.add(TheoremDecl("three_lit", (), P.eq(NAT, three, lit(3)), P.refl(NAT, lit(3))))
    xs = nat_list(5, 6, 7)
    env.add(TheoremDecl("len3", (), P.eq(NAT, mk_app(c("List.length", level.ZERO), NAT, xs), lit(3)), P.refl(NAT, lit(3))))


def test_universe_polymorphic_definition(env):
    u = level.Param("u")
    ty = pi([("α", Sort(u), IMPLICIT), ("a", v_("α"))], v_("α"))
    env.add(DefinitionDecl("id", ("u",), ty, lam([("α", Sort(u), IMPLICIT), ("a", v_("α"))], v_("a")), ReducibilityHints.regular(1)))
    t = tc(env)
    e = mk_app(c("id", level.ONE), NAT, lit(3))
    assert t.check(e) == NAT and t.whnf(e) == lit(3)
    with pytest.raises(IncorrectNumberOfLevels):
        t.check(mk_app(c("id"), NAT, lit(3)))
    with pytest.raises(UndefinedLevelParam):
        env.add(DefinitionDecl("bad_lvl", (), Sort(level.Param("w")), PROP, ReducibilityHints.regular(1)))


def test_type_errors_have_their_own_classes(env):
    with pytest.raises(DefinitionTypeMismatch):
        env.add(P.defn("bad1", NAT, TRUE_B))
    with pytest.raises(AppTypeMismatch) as ei:
        env.add(P.defn("bad2", NAT, P.succ(TRUE_B)))
    assert "Bool.true" in str(ei.value) and ei.value.decl_name == "bad2"
    with pytest.raises(UnknownConstant):
        env.add(P.defn("bad3", NAT, c("Nat.nonexistent")))
    with pytest.raises(FunctionExpected):
        env.add(P.defn("bad4", NAT, App(lit(1), lit(2))))
    with pytest.raises(TypeExpected):
        env.add(AxiomDecl("bad5", (), lit(3)))
    with pytest.raises(DeclHasFreeVars):
        env.add(P.defn("bad6", NAT, FVar("x")))
    assert not any(n in env for n in ("bad1", "bad2", "bad3", "bad4", "bad5", "bad6"))


def test_unsafe_and_partial_are_kept_apart(env):
    env.add(DefinitionDecl("loopy", (), P.arr(NAT, NAT), lam([("n", NAT)], App(c("loopy"), v_("n"))), safety=Safety.UNSAFE))
    with pytest.raises(UnsafeReference):
        env.add(P.defn("uses_loopy", P.arr(NAT, NAT), c("loopy")))
    env.add(DefinitionDecl("uses_loopy_unsafe", (), P.arr(NAT, NAT), c("loopy"), safety=Safety.UNSAFE))
    env.add(OpaqueDecl("opq", (), NAT, lit(5)))
    # opaque constants do not unfold
    assert not tc(env).is_def_eq(c("opq"), lit(5))


# --- reduction -------------------------------------------------------------------

def test_iota_on_literals_and_lists(env):
    t = tc(env)
    assert t.whnf(App(c("double"), lit(0))) == P.ZERO  # the zero rule's right-hand side
    # Nat.succ (Nat.succ (Nat.rec ... 4)): `Nat.succ` of something reducing to a literal is a literal
    assert t.whnf(App(c("double"), lit(5))) == lit(10)
    assert t.whnf_core(App(c("double"), lit(5))) == App(c("double"), lit(5))  # no delta in whnf_core
    assert t.is_def_eq(App(c("double"), lit(50)), lit(100))
    assert t.is_def_eq(mk_app(c("List.length", level.ZERO), NAT, nat_list(*range(30))), lit(30))


def test_nat_literal_arithmetic_on_huge_ints(env):
    t = tc(env)
    a, b = 10**100 + 7, 3**250  # a < b
    cases = {
        "Nat.add": a + b,
        "Nat.sub": 0,  # truncated: a < b
        "Nat.mul": a * b,
        "Nat.div": b // a,
        "Nat.mod": b % a,
        "Nat.gcd": __import__("math").gcd(a, b),
        "Nat.land": a & b,
        "Nat.lor": a | b,
        "Nat.xor": a ^ b,
        "Nat.shiftRight": b >> 3,
    }
    for name, want in cases.items():
        x, y = (b, a) if name in ("Nat.div", "Nat.mod") else (a, b)
        if name == "Nat.shiftRight":
            x, y = b, 3
        assert t.whnf(mk_app(c(name), lit(x), lit(y))) == lit(want), name
    assert t.whnf(mk_app(c("Nat.pow"), lit(7), lit(300))) == lit(7**300)
    assert t.whnf(mk_app(c("Nat.shiftLeft"), lit(3), lit(200))) == lit(3 << 200)
    assert t.whnf(mk_app(c("Nat.div"), lit(5), lit(0))) == lit(0)
    assert t.whnf(mk_app(c("Nat.mod"), lit(5), lit(0))) == lit(5)
    assert t.whnf(App(c("Nat.log2"), lit(2**4000 + 1))) == lit(4000)
    assert t.whnf(mk_app(c("Nat.beq"), lit(a), lit(a))) == TRUE_B
    assert t.whnf(mk_app(c("Nat.ble"), lit(b), lit(a))) == FALSE_B
    assert t.whnf(P.succ(lit(a))) == lit(a + 1)
    # arguments are reduced to literals first (Nat.zero counts as 0)
    assert t.whnf(add(add(lit(1), lit(2)), P.ZERO)) == lit(3)
    assert t.is_def_eq(mk_app(c("Nat.mul"), lit(a), lit(b)), lit(a * b))
    # a literal whose result would be gigantic is a typed error, not a hang
    with pytest.raises(DeterministicTimeout):
        t.whnf(mk_app(c("Nat.shiftLeft"), lit(1), lit(1 << 40)))


def test_reflection_with_bool_true(env):
    # Nat.beq 1000 1000 = true, closed and compared with Bool.true: evaluated
    env.add(TheoremDecl("beq_refl", (), P.eq(BOOL, mk_app(c("Nat.beq"), lit(1000), lit(1000)), TRUE_B), P.refl(BOOL, TRUE_B)))


def test_projections_and_structure_eta(env):
    t = tc(env)
    prod = lambda a, b: mk_app(c("Prod.mk", level.ZERO, level.ZERO), NAT, NAT, a, b)  # noqa: E731
    assert t.whnf(Proj("Prod", 1, prod(lit(1), lit(2)))) == lit(2)
    assert t.infer(Proj("Prod", 0, c("p"))) == NAT
    p = c("p")
    assert t.is_def_eq(prod(Proj("Prod", 0, p), Proj("Prod", 1, p)), p)
    assert t.is_def_eq(p, prod(Proj("Prod", 0, p), Proj("Prod", 1, p)))
    assert not t.is_def_eq(p, prod(Proj("Prod", 1, p), Proj("Prod", 0, p)))
    # iota on a structure whose major premise is not a constructor: eta-expanded first
    rec = mk_app(
        c("Prod.rec", level.ONE, level.ZERO, level.ZERO),
        NAT,
        NAT,
        lam([("_", mk_app(c("Prod", level.ZERO, level.ZERO), NAT, NAT))], NAT),
        lam([("a", NAT), ("b", NAT)], v_("a")),
        p,
    )
    assert t.whnf(rec) == Proj("Prod", 0, p)


def test_eta_proof_irrelevance_unit_like(env):
    t = tc(env)
    assert t.is_def_eq(lam([("x", NAT)], App(c("f"), v_("x"))), c("f"))
    assert t.is_def_eq(c("f"), lam([("x", NAT)], App(c("f"), v_("x"))))
    true_or_true = mk_app(c("Or"), c("True"), c("True"))
    inl = mk_app(c("Or.inl"), c("True"), c("True"), c("True.intro"))
    inr = mk_app(c("Or.inr"), c("True"), c("True"), c("True.intro"))
    assert t.infer(inl) == true_or_true
    assert t.is_def_eq(inl, inr)  # proofs of the same proposition
    assert not t.is_def_eq(mk_app(c("Prod.mk", level.ZERO, level.ZERO), NAT, NAT, lit(1), lit(2)), c("p"))
    assert t.is_def_eq(c("unit1"), c("unit2"))  # unit-like type
    assert not t.is_def_eq(TRUE_B, FALSE_B)


def test_k_like_reduction_for_eq(env):
    t = tc(env)
    # Eq.rec (motive := fun _ _ => Nat) 7 h  with  h : 2 = 2 an axiom: K turns h into Eq.refl 2
    motive = lam([("b", NAT), ("e", P.eq(NAT, lit(2), v_("b")))], NAT)
    e = mk_app(c("Eq.rec", level.ONE, level.ONE), NAT, lit(2), motive, lit(7), lit(2), c("h22"))
    assert t.whnf(t.check(e)) == NAT  # the inferred type is the motive applied, a beta-redex
    assert t.whnf(e) == lit(7)


def test_quotient_reduction(env):
    t = tc(env)
    r = lam([("a", NAT), ("b", NAT)], P.eq(NAT, v_("a"), v_("b")))
    # the proof that `f` respects `r` is an axiom: only the reduction rule is under test
    resp_type = pi([("a", NAT), ("b", NAT)], P.arr(mk_app(r, v_("a"), v_("b")), P.eq(NAT, App(c("f"), v_("a")), App(c("f"), v_("b")))))
    env.add(AxiomDecl("f_resp", (), resp_type))
    mk = mk_app(c("Quot.mk", level.ONE), NAT, r, lit(4))
    lift = mk_app(c("Quot.lift", level.ONE, level.ONE), NAT, r, NAT, c("f"), c("f_resp"), mk)
    assert t.whnf(t.check(lift)) == NAT
    assert t.whnf(lift) == App(c("f"), lit(4))
    beta = lam([("q", mk_app(c("Quot", level.ONE), NAT, r))], P.eq(NAT, lit(0), lit(0)))
    ind = mk_app(c("Quot.ind", level.ONE), NAT, r, beta, lam([("a", NAT)], P.refl(NAT, lit(0))), mk)
    assert t.whnf(ind) == P.refl(NAT, lit(0))


def test_string_literals_expand_to_constructors(env):
    t = tc(env)
    chars = App(c("List.nil", level.ZERO), c("Char"))
    for ch in reversed("hi"):
        chars = mk_app(c("List.cons", level.ZERO), c("Char"), App(c("Char.ofNat"), lit(ord(ch))), chars)
    assert t.infer(StrLit("hi")) == c("String")
    assert t.is_def_eq(StrLit("hi"), App(c("String.mk"), chars))
    assert not t.is_def_eq(StrLit("ho"), App(c("String.mk"), chars))
    assert t.whnf(Proj("String", 0, StrLit(""))) == App(c("List.nil", level.ZERO), c("Char"))


def test_let_and_lazy_delta(env):
    t = tc(env)
    e = Let("x", NAT, lit(3), add(BVar(0), lit(1)))
    assert t.check(e) == NAT and t.whnf(e) == lit(4)
    env.add(P.defn("g1", P.arr(NAT, NAT), lam([("n", NAT)], App(c("double"), v_("n"))), height=2))
    env.add(P.defn("g2", P.arr(NAT, NAT), lam([("n", NAT)], App(c("g1"), v_("n"))), height=3))
    x = FVar("x")
    lctx = LocalContext({"x": LocalDecl("x", "x", NAT)})
    t2 = TypeChecker(env, lctx)
    assert t2.is_def_eq(App(c("g2"), x), App(c("double"), x))
    assert not t2.is_def_eq(App(c("g2"), x), App(c("g2"), P.succ(x)))
    assert t2.infer(App(c("g2"), x)) == NAT


# --- fuel ---------------------------------------------------------------------------

def test_step_budget_gives_deterministic_timeout_quickly(env):
    # double 3000 = 6000 needs thousands of unfoldings: with a small step budget it stops with a typed error
    small = Fuel(max_steps=2_000)
    decl = TheoremDecl("big_double", (), P.eq(NAT, App(c("double"), lit(3000)), lit(6000)), P.refl(NAT, lit(6000)))
    t0 = time.perf_counter()
    with pytest.raises(DeterministicTimeout) as ei:
        env.add(decl, fuel=small)
    assert time.perf_counter() - t0 < 5
    assert ei.value.decl_name == "big_double" and "deterministic timeout" in str(ei.value)


def test_deep_recursion_gives_typed_error(env):
    # a term nested 1500 deep (Nat.succ applied 1500 times): checking it nests past a budget of 300
    deep = P.ZERO
    for _ in range(1500):
        deep = P.succ(deep)
    t0 = time.perf_counter()
    with pytest.raises(DeepRecursion) as ei:
        env.add(P.defn("deep_succ", NAT, deep), fuel=Fuel(max_recursion_depth=300))
    assert time.perf_counter() - t0 < 5
    assert "maximum recursion depth" in str(ei.value) and ei.value.decl_name == "deep_succ"
    assert "deep_succ" not in env
    # with the default budget the same term is fine, and Nat.succ^n compares with a literal without nesting
    env.add(TheoremDecl("deep_succ_eq", (), P.eq(NAT, deep, lit(1500)), P.refl(NAT, lit(1500))))


def test_malformed_input_is_a_clear_error():
    env = Environment()
    from nleanjit.kernel import InvalidDeclaration

    with pytest.raises(InvalidDeclaration):
        env.add("not a declaration")
    with pytest.raises(InvalidDeclaration):
        env.add(AxiomDecl("x", (), "Nat"))
    assert len(env) == 0


def test_iota_on_mutual_and_nested_types(env):
    t = tc(env)
    u0 = level.ZERO
    rose = App(c("Rose", u0), NAT)
    list_rose = App(c("List", u0), rose)
    leaf = lambda n: mk_app(c("Rose.node", u0), NAT, lit(n), App(c("List.nil", u0), rose))  # noqa: E731
    kids = mk_app(c("List.cons", u0), rose, leaf(1), mk_app(c("List.cons", u0), rose, leaf(2), App(c("List.nil", u0), rose)))
    tree = mk_app(c("Rose.node", u0), NAT, lit(0), kids)
    # size: count the nodes with Rose.rec (motive_2 counts the nodes in a list of trees)
    rec_args = [
        NAT,
        lam([("_", rose)], NAT),
        lam([("_", list_rose)], NAT),
        lam([("v", NAT), ("cs", list_rose), ("ih", NAT)], P.succ(v_("ih"))),
        P.ZERO,
        lam([("h", rose), ("tl", list_rose), ("ih1", NAT), ("ih2", NAT)], add(v_("ih1"), v_("ih2"))),
    ]
    size = mk_app(c("Rose.rec", level.ONE, u0), *rec_args, tree)
    assert t.is_def_eq(t.check(size), NAT)
    assert t.whnf(size) == lit(3)
    size_list = mk_app(c("Rose.rec_1", level.ONE, u0), *rec_args, kids)
    assert t.whnf(size_list) == lit(2)


def test_nested_occurrence_with_local_variable_is_rejected():
    from nleanjit.kernel import Constructor, InductiveDecl, InductiveType, InvalidNestedInductive

    env = P.build_prelude()
    bad = c("BadN")
    u0 = level.ZERO
    # doubly nested: List (Prod BadN Nat) gives two auxiliary types
    ctor = pi([("n", NAT), ("xs", App(c("List", u0), mk_app(c("Prod", u0, u0), bad, NAT)))], bad)
    env.add(InductiveDecl((), 0, (InductiveType("BadN", TYPE_, (Constructor("BadN.mk", ctor),)),)))
    assert env.get("BadN").num_nested == 2  # List (Prod BadN Nat) and Prod BadN Nat
    # a nested parameter that mentions a field is not allowed
    dep = pi([("T", TYPE_), ("xs", App(c("List", u0), mk_app(c("Prod", u0, u0), c("BadD"), v_("T"))))], c("BadD"))
    with pytest.raises((InvalidNestedInductive,)):
        env.add(InductiveDecl((), 0, (InductiveType("BadD", TYPE_, (Constructor("BadD.mk", dep),)),)))
    assert "BadD" not in env
