"""Structural recursion through `T.rec`: variables bound by a catch-all or an as-pattern on the
major premise must denote the current constructor value, not the function's outer argument.

The minor premises of `T.rec` also run for every inner layer (as induction hypotheses), so a
minor that mentions the outer argument computes with the wrong value there. The kernel still
accepts such a definition (the types agree); only evaluation (`rfl`) shows the wrong value.
"""

from __future__ import annotations

import pytest

from nleanjit.elab import check_source

EXPR = """
inductive E where
  | num (n : Nat)
  | add (a b : E)
def depth : E → Nat
  | .num _ => 0
  | .add a b => depth a + depth b + 1
"""

PROGRAMS = {
    "catch_all_after_nested_pattern": EXPR
    + """
def simp1 : E → E
  | .add (.num 0) e => simp1 e
  | e => e
example : depth (simp1 (.add (.num 0) (.add (.num 0) (.add (.num 5) (.num 5))))) = 1 := rfl
example : depth (simp1 (.add (.num 0) (.num 3))) = 0 := rfl
""",
    "as_pattern_on_nat": """
def f : Nat → Nat
  | 0 => 0
  | m@(n+1) => m + f n
example : f 3 = 6 := rfl
example : f 4 = 10 := rfl
""",
    "as_pattern_on_inductive": EXPR
    + """
def leftmost : E → E
  | e@(.num _) => e
  | .add a _ => leftmost a
example : depth (leftmost (.add (.add (.num 1) (.num 2)) (.num 3))) = 0 := rfl
def keep : E → E
  | t@(.add a _) => if depth a = 0 then t else keep a
  | t => t
example : depth (keep (.add (.add (.num 1) (.num 2)) (.add (.num 1) (.num 2)))) = 1 := rfl
""",
    "as_pattern_with_other_arguments": EXPR
    + """
def g (k : Nat) : Nat → Nat
  | 0 => k
  | n@(m+1) => n * k + g k m
example : g 2 3 = 14 := rfl
def h : Nat → Nat → Nat
  | 0, acc => acc
  | n@(m+1), acc => h m (acc + n)
example : h 3 0 = 6 := rfl
def count : E → Nat → Nat
  | .add (.num 0) e, acc => count e (acc + 1)
  | e, acc => acc + depth e
example : count (.add (.num 0) (.add (.num 0) (.add (.num 1) (.num 2)))) 0 = 3 := rfl
""",
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_bound_variable_is_the_current_constructor(name):
    result = check_source(PROGRAMS[name], f"{name}.lean")
    errors = [m.to_lean() for m in result.messages if m.severity == "error"]
    assert errors == []
