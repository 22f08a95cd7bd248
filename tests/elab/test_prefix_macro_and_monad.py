"""User `macro`s for `↑`, `Nat.forM`, and the monad of a `do` argument taken from the expected type.

- `macro "↑" x:term : term => `(…)` replaces the built-in coercion arrow: `↑x` elaborates as the
  macro's body with `x` put in (checked by evaluation with `rfl`, where the built-in `↑` would
  give a different value or a type error).
- `f fun i => do …` where `f : … → m Unit` and `IO Unit`/`Option Unit` is expected: the `do`
  block learns its monad from the expected type before it is elaborated, as in Lean.
- `Nat.forM n f` calls `f i (h : i < n)` for `i = 0 … n-1` in order.
"""

from __future__ import annotations

import pytest

from nleanjit.elab import check_source

GOOD = {
    "prefix_macro_replaces_coercion": """
macro:max "↑" x:term:max : term => `(Nat.succ (Nat.succ $x))
def two (n : Nat) : Nat := ↑n
example : two 5 = 7 := rfl
example : ↑(1 + 1) = 4 := rfl
""",
    "prefix_macro_converts_uint": """
abbrev Ix := UInt32
macro:max "↑" x:term:max : term => `(UInt32.toNat $x)
def pick (xs : Array Nat) (i : Ix) : Nat := xs.get! ↑i
example : pick #[10, 20, 30] 2 = 30 := rfl
""",
    "do_argument_gets_monad_from_expected_type": """
def twice {m : Type → Type u} [Monad m] (act : Nat → m Unit) : m Unit := do act 0; act 1
def inIO : IO Unit := twice fun i => do IO.println i
def inOption : Option Unit := twice fun _ => do pure ()
def nested (n : Nat) : IO Unit := do
  n.forM $ fun _ _ => n.forM $ fun i _ => do
    IO.println i
""",
    "nat_forM_order": """
def final (p : Unit × List Nat) : List Nat := p.2
def collect (n : Nat) : List Nat :=
  final (StateT.run (m := Id) (n.forM fun i _ => modify (fun (s : List Nat) => s ++ [i])) [])
example : collect 3 = [0, 1, 2] := rfl
""",
}

BAD = {
    # without the macro, `↑i` is the coercion arrow and Lean has no coercion `UInt32 → Nat` here
    "no_macro_no_uint_coercion": (
        """
def pick (xs : Array Nat) (i : UInt32) : Nat := xs.get! ↑i
""",
        "application type mismatch",
    ),
    # the macro's body is what is elaborated: a wrong value is caught
    "prefix_macro_value": (
        """
macro:max "↑" x:term:max : term => `(Nat.succ $x)
example : ↑3 = 3 := rfl
""",
        "error",
    ),
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_good(name):
    result = check_source(GOOD[name], f"{name}.lean")
    assert result.ok, "".join(m.to_lean() + "\n" for m in result.messages)


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad(name):
    src, needle = BAD[name]
    result = check_source(src, f"{name}.lean")
    assert not result.ok
    assert any(needle in m.to_lean() for m in result.messages if m.severity == "error")
