"""Inductive declarations: generated recursors against Lean's types, and the checks that reject bad declarations.

The expected recursor types are Lean 4's (`#check @Nat.rec` and so on), written
with every argument explicit, as our printer shows them.
"""

import pytest

import kernel_prelude as P
from nleanjit.kernel import (
    PROP,
    TYPE,
    AlreadyDeclared,
    App,
    Constructor,
    ConstructorParamMismatch,
    Environment,
    InductiveDecl,
    InductiveInfo,
    InductiveType,
    InvalidConstructorReturn,
    InvalidInductiveType,
    NonPositiveOccurrence,
    NonValidOccurrence,
    Sort,
    UniverseTooBig,
    constant_to_str,
    level,
)
from nleanjit.kernel.printer import expr_to_str

GOLDEN = {
    "Nat.rec.{u}": "{motive : Nat → Sort u} → motive Nat.zero → ((n : Nat) → motive n → motive (Nat.succ n)) → "
    "(t : Nat) → motive t",
    "List.rec.{u_1, u}": "{α : Type u} → {motive : List α → Sort u_1} → motive (List.nil α) → "
    "((head : α) → (tail : List α) → motive tail → motive (List.cons α head tail)) → (t : List α) → motive t",
    "Eq.rec.{u, u_1}": "{α : Sort u_1} → {a : α} → {motive : (b : α) → Eq α a b → Sort u} → "
    "motive a (Eq.refl α a) → {b : α} → (t : Eq α a b) → motive b t",
    "And.rec.{u}": "{a : Prop} → {b : Prop} → {motive : And a b → Sort u} → "
    "((left : a) → (right : b) → motive (And.intro a b left right)) → (t : And a b) → motive t",
    # two constructors: a Prop that only eliminates into Prop
    "Or.rec": "{a : Prop} → {b : Prop} → {motive : Or a b → Prop} → ((h : a) → motive (Or.inl a b h)) → "
    "((h : b) → motive (Or.inr a b h)) → (t : Or a b) → motive t",
    # the witness is data not among the indices: Prop-only elimination
    "Exists.rec.{u}": "{α : Sort u} → {p : α → Prop} → {motive : Exists α p → Prop} → "
    "((w : α) → (h : p w) → motive (Exists.intro α p w h)) → (t : Exists α p) → motive t",
    "False.rec.{u}": "(motive : False → Sort u) → (t : False) → motive t",
    "True.rec.{u}": "{motive : True → Sort u} → motive True.intro → (t : True) → motive t",
    "Prod.rec.{u_1, u, v}": "{α : Type u} → {β : Type v} → {motive : Prod α β → Sort u_1} → "
    "((fst : α) → (snd : β) → motive (Prod.mk α β fst snd)) → (t : Prod α β) → motive t",
    "Vec.rec.{u_1, u}": "{α : Type u} → {motive : (a : Nat) → Vec α a → Sort u_1} → motive Nat.zero (Vec.nil α) → "
    "({n : Nat} → (head : α) → (tail : Vec α n) → motive n tail → motive (Nat.succ n) (Vec.cons α n head tail)) → "
    "{a : Nat} → (t : Vec α a) → motive a t",
    "Tree.rec.{u_1, u}": "{α : Type u} → {motive_1 : Tree α → Sort u_1} → {motive_2 : Forest α → Sort u_1} → "
    "((val : α) → (children : Forest α) → motive_2 children → motive_1 (Tree.node α val children)) → "
    "motive_2 (Forest.nil α) → ((head : Tree α) → (tail : Forest α) → motive_1 head → motive_2 tail → "
    "motive_2 (Forest.cons α head tail)) → (t : Tree α) → motive_1 t",
    "Forest.rec.{u_1, u}": "{α : Type u} → {motive_1 : Tree α → Sort u_1} → {motive_2 : Forest α → Sort u_1} → "
    "((val : α) → (children : Forest α) → motive_2 children → motive_1 (Tree.node α val children)) → "
    "motive_2 (Forest.nil α) → ((head : Tree α) → (tail : Forest α) → motive_1 head → motive_2 tail → "
    "motive_2 (Forest.cons α head tail)) → (t : Forest α) → motive_2 t",
    # nested: the auxiliary type `List (Rose α)` gets motive_2 and its own recursor Rose.rec_1
    "Rose.rec.{u_1, u}": "{α : Type u} → {motive_1 : Rose α → Sort u_1} → {motive_2 : List (Rose α) → Sort u_1} → "
    "((val : α) → (children : List (Rose α)) → motive_2 children → motive_1 (Rose.node α val children)) → "
    "motive_2 (List.nil (Rose α)) → ((head : Rose α) → (tail : List (Rose α)) → motive_1 head → motive_2 tail → "
    "motive_2 (List.cons (Rose α) head tail)) → (t : Rose α) → motive_1 t",
    "Rose.rec_1.{u_1, u}": "{α : Type u} → {motive_1 : Rose α → Sort u_1} → {motive_2 : List (Rose α) → Sort u_1} → "
    "((val : α) → (children : List (Rose α)) → motive_2 children → motive_1 (Rose.node α val children)) → "
    "motive_2 (List.nil (Rose α)) → ((head : Rose α) → (tail : List (Rose α)) → motive_1 head → motive_2 tail → "
    "motive_2 (List.cons (Rose α) head tail)) → (t : List (Rose α)) → motive_2 t",
    "Acc.rec.{u_1, u}": "{α : Sort u} → {r : α → α → Prop} → {motive : (a : α) → Acc α r a → Sort u_1} → "
    "((x : α) → (h : (y : α) → r y x → Acc α r y) → ((y : α) → (a : r y x) → motive y (h y a)) → "
    "motive x (Acc.intro α r x h)) → {a : α} → (t : Acc α r a) → motive a t",
    "Quot.lift.{u, v}": "{α : Sort u} → {r : α → α → Prop} → {β : Sort v} → (f : α → β) → "
    "((a : α) → (b : α) → r a b → Eq β (f a) (f b)) → Quot α r → β",
    "Quot.ind.{u}": "{α : Sort u} → {r : α → α → Prop} → {β : Quot α r → Prop} → "
    "((a : α) → β (Quot.mk α r a)) → (q : Quot α r) → β q",
}


@pytest.mark.parametrize("header", sorted(GOLDEN))
def test_recursor_types_match_lean(env, header):
    name = header.split(".{")[0]
    info = env.get(name)
    lps = f".{{{', '.join(info.level_params)}}}" if info.level_params else ""
    assert f"{name}{lps}" == header
    assert expr_to_str(info.type) == GOLDEN[header]


def test_recursor_rules_and_metadata(env):
    rec = env.get("List.rec")
    assert (rec.num_params, rec.num_motives, rec.num_minors, rec.num_indices, rec.major_idx) == (1, 1, 2, 0, 4)
    assert constant_to_str(rec).splitlines()[2] == (
        "  | List.cons (2) => fun (α : Type u) (motive : List α → Sort u_1) (nil : motive (List.nil α)) "
        "(cons : (head : α) → (tail : List α) → motive tail → motive (List.cons α head tail)) (head : α) "
        "(tail : List α) => cons head tail (List.rec α motive nil cons tail)"
    )
    assert env.get("Eq.rec").k and not env.get("And.rec").k and not env.get("Nat.rec").k
    rose = env.get("Rose")
    assert isinstance(rose, InductiveInfo) and rose.num_nested == 1 and rose.all == ("Rose",)
    assert "Rose._nested.List_1" not in env  # the auxiliary type is not kept
    assert env.get("Rose.rec_1").major_induct == "List"
    assert [r.ctor for r in env.get("Rose.rec_1").rules] == ["List.nil", "List.cons"]
    assert env.get("Nat").is_rec and not env.get("Prod").is_rec and env.get("Acc").is_reflexive


# --- rejected declarations ------------------------------------------------------

def _single(name, ty, ctors, nparams=0, lps=()):
    return InductiveDecl(tuple(lps), nparams, (InductiveType(name, ty, tuple(Constructor(n, t) for n, t in ctors)),))


def _fresh_env():
    env = Environment()
    for d in P.nat_decls():
        env.add(d)
    return env


def test_non_positive_occurrence_is_rejected():
    env = _fresh_env()
    bad = P.c("Bad")
    decl = _single("Bad", TYPE, [("Bad.mk", P.pi([("f", P.arr(bad, P.NAT))], bad))])
    with pytest.raises(NonPositiveOccurrence) as ei:
        env.add(decl)
    assert ei.value.decl_name == "Bad.mk" and "arg #1 of 'Bad.mk'" in str(ei.value)
    assert "Bad" not in env and "Bad.rec" not in env  # nothing half-added


def test_non_valid_occurrence_is_rejected():
    env = _fresh_env()
    # an occurrence under another type former that is not an inductive (here: as an argument of a function)
    env.add(P.defn("Wrap", P.arr(TYPE, TYPE), P.lam([("α", TYPE)], P.v_("α")), height=1))
    decl = _single("Bad2", TYPE, [("Bad2.mk", P.pi([("x", App(P.c("Wrap"), P.c("Bad2")))], P.c("Bad2")))])
    # `Wrap Bad2` unfolds to `Bad2`, which is fine; an applied occurrence with the wrong parameters is not
    env.add(decl)
    list_decl = _single(
        "L",
        P.pi([("α", TYPE)], TYPE),
        [("L.mk", P.pi([("α", TYPE), ("x", App(P.c("L"), P.NAT))], App(P.c("L"), P.v_("α"))))],
        nparams=1,
    )
    with pytest.raises(NonValidOccurrence):
        env.add(list_decl)


def test_universe_too_big_is_rejected():
    env = _fresh_env()
    # inductive Box : Type | mk (α : Type) : Box   -- α : Type 1 does not fit in Type
    decl = _single("Box", TYPE, [("Box.mk", P.pi([("α", TYPE)], P.c("Box")))])
    with pytest.raises(UniverseTooBig):
        env.add(decl)
    # ... but it is fine for a Prop (impredicativity) and for Type 1
    env.add(_single("PBox", PROP, [("PBox.mk", P.pi([("α", TYPE)], P.c("PBox")))]))
    env.add(_single("Box1", Sort(level.of_nat(2)), [("Box1.mk", P.pi([("α", TYPE)], P.c("Box1")))]))
    # PBox has a non-Prop field not among the indices: it eliminates only into Prop
    assert env.get("PBox.rec").level_params == ()
    assert env.get("Box1.rec").level_params == ("u",)


def test_wrong_constructor_return_is_rejected():
    env = _fresh_env()
    decl = _single("T", TYPE, [("T.mk", P.NAT)])
    with pytest.raises(InvalidConstructorReturn) as ei:
        env.add(decl)
    assert ei.value.decl_name == "T.mk"


def test_constructor_params_must_match():
    env = _fresh_env()
    decl = _single(
        "Opt",
        P.pi([("α", TYPE)], TYPE),
        [("Opt.some", P.pi([("β", P.arr(TYPE, TYPE)), ("x", P.NAT)], App(P.c("Opt"), P.NAT)))],
        nparams=1,
    )
    with pytest.raises(ConstructorParamMismatch):
        env.add(decl)
    # parameters must be used as-is in the result
    decl2 = _single(
        "Opt2",
        P.pi([("α", TYPE)], TYPE),
        [("Opt2.none", P.pi([("α", TYPE)], App(P.c("Opt2"), P.NAT)))],
        nparams=1,
    )
    with pytest.raises(InvalidConstructorReturn):
        env.add(decl2)


def test_mutual_types_in_different_universes_are_rejected():
    env = _fresh_env()
    decl = InductiveDecl(
        (),
        0,
        (
            InductiveType("A", TYPE, (Constructor("A.mk", P.c("A")),)),
            InductiveType("B", PROP, (Constructor("B.mk", P.c("B")),)),
        ),
    )
    with pytest.raises(InvalidInductiveType, match="same universe"):
        env.add(decl)


def test_wrong_number_of_parameters_is_rejected():
    env = _fresh_env()
    with pytest.raises(InvalidInductiveType, match="number of parameters"):
        env.add(_single("Z", TYPE, [("Z.mk", P.c("Z"))], nparams=2))


def test_duplicate_declarations_are_rejected(env):
    with pytest.raises(AlreadyDeclared):
        env.add(_single("Nat", TYPE, []))
    fresh = _fresh_env()
    with pytest.raises(AlreadyDeclared):
        fresh.add(_single("D", TYPE, [("D.mk", P.c("D")), ("D.mk", P.c("D"))]))
    with pytest.raises(AlreadyDeclared):
        fresh.add(P.defn("Nat.add", P.NAT, P.ZERO))


def test_implicit_params_stay_implicit_in_constructor_minor(env):
    # Vec.cons's implicit `{n : Nat}` field keeps its binder info in the minor premise
    assert "({n : Nat} → (head : α)" in expr_to_str(env.get("Vec.rec").type)
