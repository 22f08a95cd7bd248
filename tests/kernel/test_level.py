"""Universe levels: Lean's normal form, and soundness of normalize / is_equiv / geq against evaluation."""

from hypothesis import given, settings
from hypothesis import strategies as st

from nleanjit.kernel import level as L
from nleanjit.kernel.level import IMax, Max, Param, Succ

u, v, w = Param("u"), Param("v"), Param("w")
ZERO, ONE = L.ZERO, L.ONE


def test_normalize_flattens_sorts_and_drops_subsumed():
    assert L.normalize(Max(v, Max(u, v))) == Max(u, v)
    assert L.normalize(Max(Succ(u), u)) == Succ(u)
    # an explicit level below some succ^k l is dropped; max 1 (u+1) = u+1
    assert L.normalize(Max(ONE, Succ(u))) == Succ(u)
    assert L.normalize(Max(L.of_nat(3), Succ(u))) == Max(L.of_nat(3), Succ(u))
    assert L.normalize(Succ(Max(u, v))) == Max(Succ(u), Succ(v))
    assert L.normalize(IMax(u, Succ(v))) == Max(u, Succ(v))
    assert L.normalize(IMax(u, ZERO)) == ZERO


def test_is_equiv_and_geq_examples():
    assert L.is_equiv(Max(u, v), Max(v, u))
    assert L.is_equiv(Succ(Max(u, v)), Max(Succ(v), Succ(u)))
    assert not L.is_equiv(u, v)
    assert L.geq(Max(u, v), u)
    assert L.geq(Succ(u), u)
    assert not L.geq(u, Succ(u))
    assert L.geq(Succ(Max(u, v)), Succ(v))
    assert L.geq(IMax(u, v), v)
    assert not L.geq(u, v)


def test_printing():
    assert L.to_str(Succ(Succ(ZERO))) == "2"
    assert L.to_str(Succ(u)) == "u+1"
    assert L.to_str(Max(u, Succ(v))) == "max u (v+1)"
    assert L.to_str(Succ(IMax(u, v))) == "(imax u v)+1"


_NAMES = ["u", "v", "w"]
levels = st.recursive(
    st.sampled_from([ZERO, u, v, w]),
    lambda sub: st.one_of(
        sub.map(Succ),
        st.tuples(sub, sub).map(lambda p: Max(*p)),
        st.tuples(sub, sub).map(lambda p: IMax(*p)),
    ),
    max_leaves=8,
)
assignments = st.fixed_dictionaries({n: st.integers(0, 3) for n in _NAMES})
_ALL_ASSIGNMENTS = [{"u": a, "v": b, "w": c} for a in range(3) for b in range(3) for c in range(3)]


@settings(max_examples=300, deadline=None)
@given(levels, assignments)
def test_normalize_is_sound(l, asg):
    assert L.evaluate(L.normalize(l), asg) == L.evaluate(l, asg)


@settings(max_examples=300, deadline=None)
@given(levels, levels)
def test_geq_and_equiv_are_sound(a, b):
    if L.geq(a, b):
        assert all(L.evaluate(a, s) >= L.evaluate(b, s) for s in _ALL_ASSIGNMENTS)
    if L.is_equiv(a, b):
        assert all(L.evaluate(a, s) == L.evaluate(b, s) for s in _ALL_ASSIGNMENTS)


max_levels = st.recursive(
    st.sampled_from([ZERO, u, v, w]),
    lambda sub: st.one_of(sub.map(Succ), st.tuples(sub, sub).map(lambda p: Max(*p))),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(levels, max_levels)
def test_geq_reflexive_and_normal_form_idempotent_without_imax(l, m):
    assert L.geq(l, l)
    # Lean's normal form is a fixed point only without `imax` (mk_imax may leave an unsorted max)
    assert L.normalize(L.normalize(m)) == L.normalize(m)


@settings(max_examples=200, deadline=None)
@given(levels, assignments)
def test_instantiate_agrees_with_evaluation(l, asg):
    subst = {n: L.of_nat(k) for n, k in asg.items()}
    closed = L.instantiate(l, subst)
    assert not L.has_param(closed)
    assert L.evaluate(closed, {}) == L.evaluate(l, asg)
