"""The prelude: our own Lean source elaborates with no message, has Lean's names and shapes,
and its on-disk cache round-trips (and is keyed by the sources and the code)."""

from __future__ import annotations

from nleanjit.elab import prelude as P
from nleanjit.kernel import expr_to_str


def test_prelude_elaborates_and_has_leans_names():
    eenv = P.load_prelude()
    env = eenv.env
    for name in ("Eq", "Eq.refl", "rfl", "Eq.subst", "Eq.symm", "Eq.trans", "congrArg", "True", "False", "Not",
                 "And", "Or", "Iff", "Exists", "Decidable", "Bool", "Nat", "Nat.add", "Nat.sub", "Nat.mul",
                 "Nat.div", "Nat.mod", "Nat.beq", "Nat.ble", "OfNat", "instOfNatNat", "HAdd", "Add", "Prod",
                 "Option", "List", "Unit", "PUnit", "Inhabited", "BEq", "DecidableEq", "LT", "LE", "Nat.decLt",
                 "Nat.decLe", "Nat.decEq", "String", "String.mk", "Char", "Char.ofNat", "of_decide_eq_true"):
        assert name in env, name
    # the kernel's literal extensions need these exact shapes
    assert expr_to_str(env.get("Nat.add").type) == "Nat → Nat → Nat"
    assert expr_to_str(env.get("String.mk").type) == "List Char → String"
    assert expr_to_str(env.get("Char.ofNat").type) == "Nat → Char"
    # Eq has Lean's two parameters (fixed index promoted), so Eq.rec is Lean's
    assert env.get("Eq").num_params == 2
    assert "HAdd" in eenv.classes and eenv.classes["HAdd"].out_params == (2,)


def test_prelude_cache_round_trips(tmp_path, monkeypatch):
    monkeypatch.setenv("NLEANJIT_CACHE", str(tmp_path))
    P._MEMO.clear()
    built = P.load_prelude()
    files = list(tmp_path.glob("prelude-*.pickle"))
    assert len(files) == 1
    P._MEMO.clear()
    loaded = P.load_prelude()
    assert loaded is not built
    assert sorted(loaded.env.names()) == sorted(built.env.names())
    t1 = loaded.env.get("Nat.decEq").value
    t2 = built.env.get("Nat.decEq").value
    assert t1 == t2 and hash(t1) == hash(t2)
    P._MEMO.clear()
