theorem add_zero' (n : Nat) : n + 0 = n := rfl

theorem and_swap (p q : Prop) (h : p ∧ q) : q ∧ p := ⟨h.2, h.1⟩

theorem len_append (xs ys : List α) : (xs ++ ys).length = xs.length + ys.length := by
  induction xs with
  | nil => simp
  | cons x xs ih =>
    simp [List.length, ih]
    omega

example : ∀ n : Nat, n < n + 1 := fun n => Nat.lt_succ_self n

example (a b : Nat) (h : a = b) : b = a := by
  cases h
  · rfl

theorem two_eq : 2 + 2 = 4 := by decide

infixl:65 " +++ " => Nat.add
example : 1 +++ 2 = 3 := rfl
