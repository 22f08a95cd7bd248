/-! False or unfinished tactic proofs: each error on its own declaration's line, the next still checks. -/
theorem ok1 (n : Nat) : n + 0 = n := by rfl

theorem false_rfl (n : Nat) : n + 1 = n := by rfl

theorem ok2 : 2 + 3 = 5 := by decide

theorem false_decide : 2 + 2 = 5 := by decide

theorem ok3 (a b : Nat) (h : a = b) : b = a := by rw [h]

theorem bad_rw (a b c : Nat) (h : a = b) : c = c + 0 := by rw [h]

theorem ok4 (n : Nat) : 0 + n = n := by simp

theorem no_progress (p : Prop) (hp : p) : p := by simp

theorem unsolved_alt (p q : Prop) (h : p ∨ q) : p := by
  cases h with
  | inl hp => exact hp
  | inr hq => skip

theorem ok5 (p q : Prop) (hp : p) (hq : q) : p ∧ q := by
  constructor
  · exact hp
  · exact hq

theorem missing_case (p q : Prop) (hp : p) : p ∧ q := by
  constructor
  · exact hp

theorem with_sorry (n : Nat) : n = n + 0 := by
  sorry

theorem bad_contradiction (p : Prop) (hp : p) : False := by contradiction

theorem ok6 (p : Prop) (h : False) : p := by contradiction
