"""Terms: structural hashing, de Bruijn operations (property tests), sharing, the printer."""

import time

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nleanjit.kernel import (
    IMPLICIT,
    PROP,
    App,
    BVar,
    Const,
    FVar,
    Lam,
    Let,
    NatLit,
    Pi,
    Proj,
    Sort,
    StrLit,
    abstract,
    expr_to_str,
    instantiate,
    instantiate_level_params,
    instantiate_rev,
    level,
    lift_loose_bvars,
    lower_loose_bvars,
    mk_app,
)
from nleanjit.kernel.expr import has_loose_bvar


def test_cached_flags_and_equality_ignore_binder_names():
    a = Lam("x", Const("Nat"), App(BVar(0), BVar(3)))
    b = Lam("y", Const("Nat"), App(BVar(0), BVar(3)), IMPLICIT)
    assert a == b and hash(a) == hash(b)
    assert a.bvar_range == 3
    assert not a.has_fvar and App(a, FVar("f")).has_fvar
    assert Sort(level.Param("u")).has_level_param
    assert Lam("x", Const("Nat"), BVar(0)) != Lam("x", Const("Nat"), BVar(1))


def test_instantiate_and_abstract_basic():
    body = App(BVar(0), BVar(1))  # under one binder: 0 = x, 1 = outer
    assert instantiate(body, [Const("a")]) == App(Const("a"), BVar(0))
    assert instantiate_rev(App(BVar(0), BVar(1)), [Const("p"), Const("q")]) == App(Const("q"), Const("p"))
    x, y = FVar("x"), FVar("y")
    assert abstract(App(x, y), [x, y]) == App(BVar(1), BVar(0))
    # under a binder the indices shift
    assert abstract(Lam("z", x, App(BVar(0), y)), [y]) == Lam("z", x, App(BVar(0), BVar(1)))
    # the substituted value is lifted under binders
    assert instantiate(Lam("z", Const("N"), BVar(1)), [BVar(5)]) == Lam("z", Const("N"), BVar(6))


def test_lift_lower_and_loose_bvar_queries():
    e = Lam("z", Const("N"), App(BVar(0), BVar(2)))
    assert lift_loose_bvars(e, 0, 3) == Lam("z", Const("N"), App(BVar(0), BVar(5)))
    assert lower_loose_bvars(lift_loose_bvars(e, 0, 3), 0, 3) == e
    assert has_loose_bvar(e, 1) and not has_loose_bvar(e, 0)


# random terms over a few constants, free variables x/y/z and bound variables
_fv = st.sampled_from([FVar("x"), FVar("y"), FVar("z")])
_leaf = st.one_of(_fv, st.sampled_from([Const("c"), Sort(level.ZERO), NatLit(3), StrLit("s")]), st.integers(0, 3).map(BVar))
terms = st.recursive(
    _leaf,
    lambda sub: st.one_of(
        st.tuples(sub, sub).map(lambda p: App(*p)),
        st.tuples(sub, sub).map(lambda p: Lam("b", *p)),
        st.tuples(sub, sub).map(lambda p: Pi("b", *p)),
        st.tuples(sub, sub, sub).map(lambda p: Let("b", *p)),
        sub.map(lambda e: Proj("S", 0, e)),
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(terms)
def test_abstract_then_instantiate_is_identity(e):
    fvs = [FVar("x"), FVar("y")]
    # abstract leaves existing loose bvars alone and instantiate lowers them: lift first
    assert instantiate_rev(abstract(lift_loose_bvars(e, 0, 2), fvs), fvs) == e


@settings(max_examples=300, deadline=None)
@given(terms)
def test_instantiate_then_abstract_is_identity_for_fresh_vars(e):
    fresh = [FVar("fresh1"), FVar("fresh2")]
    assume(e.bvar_range <= 2)  # indices past the substitution are lowered, not restored
    assert abstract(instantiate_rev(e, fresh), fresh) == e


@settings(max_examples=200, deadline=None)
@given(terms, st.integers(0, 3), st.integers(0, 3))
def test_lift_then_lower_round_trips(e, start, n):
    assert lower_loose_bvars(lift_loose_bvars(e, start, n), start, n) == e
    lifted = lift_loose_bvars(e, start, n)
    assert lifted.bvar_range == (e.bvar_range + n if e.bvar_range > start else e.bvar_range)


def test_shared_dag_is_cheap():
    # a term whose tree has 2^60 nodes but whose DAG has 60: traversals must follow the sharing
    e = App(BVar(0), FVar("x"))
    for _ in range(60):
        e = App(e, e)
    t0 = time.perf_counter()
    r = instantiate(abstract(e, [FVar("x")]), [Const("c")])
    r2 = instantiate_level_params(Lam("q", Sort(level.Param("u")), r), ["u"], [level.ZERO])
    elapsed = time.perf_counter() - t0
    # (compare plain values: pytest would try to print the 2^60-node tree)
    shape = (r.bvar_range, r.has_fvar, r2.bvar_range, r2.has_level_param)
    assert shape == (0, False, 0, False)
    assert elapsed < 1.0


def test_printer_is_readable_and_deterministic():
    nat = Const("Nat")
    t = Pi("motive", Pi("a", nat, Sort(level.Param("u"))), Pi("n", nat, App(BVar(1), BVar(0))), IMPLICIT)
    assert expr_to_str(t) == "{motive : Nat → Sort u} → (n : Nat) → motive n"
    shadow = Lam("x", nat, Lam("x", nat, mk_app(Const("f"), BVar(0), BVar(1))))
    assert expr_to_str(shadow) == "fun (x : Nat) (x_1 : Nat) => f x_1 x"
    assert expr_to_str(Let("y", nat, NatLit(2), App(Const("g"), BVar(0)))) == "let y : Nat := 2; g y"
    assert expr_to_str(Proj("Prod", 1, FVar("p"))) == "p.2"
    assert expr_to_str(Sort(level.Succ(level.Param("u")))) == "Type u"
    assert expr_to_str(Pi("a", PROP, PROP)) == "Prop → Prop"
    assert expr_to_str(StrLit('a"b')) == '"a\\"b"'
    assert expr_to_str(Const("List.nil", (level.Param("u"),)), show_levels=True) == "List.nil.{u}"
