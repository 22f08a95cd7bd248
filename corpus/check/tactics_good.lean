/-! Small theorems proved with tactics: every one checks, with no message. -/

theorem add_zero' (n : Nat) : n + 0 = n := by rfl
theorem and_swap (p q : Prop) (hp : p) (hq : q) : q ∧ p := ⟨hq, hp⟩
theorem simp_add (n : Nat) : n * 1 + 0 = n := by simp
theorem zero_add' (n : Nat) : 0 + n = n := by
  induction n with
  | zero => rfl
  | succ n ih => rw [Nat.add_succ, ih]
theorem ten_lt : 10 < 20 := by decide

theorem and_comm' (p q : Prop) : p ∧ q → q ∧ p := by
  intro h
  cases h with
  | intro hp hq => exact ⟨hq, hp⟩

theorem or_comm' (p q : Prop) (h : p ∨ q) : q ∨ p := by
  cases h with
  | inl h => exact Or.inr h
  | inr h => exact Or.inl h

theorem eq_flip (a b : Nat) (h : a = b) : b = a := by rw [h]
theorem have_it (p : Prop) (hp : p) : p := by
  have h : p := hp
  exact h
theorem from_false (p : Prop) (h : False) : p := by contradiction
theorem length_one (xs : List Nat) : (1 :: xs).length = xs.length + 1 := by simp

def double (n : Nat) : Nat := n + n
theorem double_two : double 2 = 4 := by unfold double; rfl
theorem exists_big : ∃ n : Nat, n > 3 := by exists 4

theorem chain (a b c : Nat) (h1 : a = b) (h2 : b < c) : a < c :=
  calc a = b := h1
    _ < c := h2

theorem chain_tac (a b c : Nat) (h1 : a ≤ b) (h2 : b ≤ c) : a ≤ c := by
  calc a ≤ b := h1
    _ ≤ c := h2

theorem focus_dots (p q : Prop) (hp : p) (hq : q) : p ∧ q := by
  constructor
  · exact hp
  · exact hq

theorem append_length (xs ys : List Nat) : (xs ++ ys).length = xs.length + ys.length := by
  induction xs with
  | nil => simp
  | cons x xs ih => simp [ih, Nat.succ_add]

theorem pos_ne_zero (n : Nat) (h : n > 0) : n ≠ 0 := by
  cases n with
  | zero => contradiction
  | succ m => simp

theorem obtain_right (p q : Prop) (h : p ∧ q) : q := by
  obtain ⟨_, hq⟩ := h
  exact hq

theorem rcases_or (p q r : Prop) (h : p ∨ q) (hp : p → r) (hq : q → r) : r := by
  rcases h with h | h
  · exact hp h
  · exact hq h

theorem split_ite (x : Nat) : (if x = 0 then 1 else 1) = 1 := by
  split <;> rfl

theorem simp_hyp (a b : Nat) (h : a + 0 = b) : a = b := by
  simp at h
  exact h

theorem simp_star (a b : Nat) (h : a = b) (h2 : b = 3) : a = 3 := by simp [*]
theorem simp_fun (f : Nat → Nat) (h : ∀ x, f x = x) : f (f 2) = 2 := by simp [h]
theorem simp_ctor (xs : List Nat) : (1 :: xs = []) = False := by simp
theorem simp_if (x : Nat) : (if x + 1 = 0 then 1 else 2) = 2 := by simp

@[simp] theorem double_eq (n : Nat) : double n = n + n := rfl
theorem uses_file_simp (n : Nat) : double n = n + n + 0 := by simp

theorem combinators (p q : Prop) (hp : p) (hq : q) : (p ∧ q) ∧ (q ∧ p) := by
  refine ⟨⟨?_, ?_⟩, ?_⟩ <;> try assumption
  exact ⟨hq, hp⟩

theorem with_case (n : Nat) : n + 0 = n := by
  induction n
  case zero => rfl
  case succ m ih => rfl

theorem all_goals_ok (p : Prop) (hp : p) : p ∧ p := by
  constructor
  all_goals exact hp

theorem first_ok (p : Prop) (hp : p) : p := by
  first
  | exact True.intro
  | exact hp

theorem repeat_ok (p : Prop) (hp : p) : p ∧ p ∧ p := by
  refine ⟨?_, ?_, ?_⟩
  repeat exact hp

theorem next_ok (p q : Prop) (h : p ∨ q) : q ∨ p := by
  cases h
  next h => exact Or.inr h
  next h => exact Or.inl h

theorem subst_ok (a b : Nat) (h : a = b) (hb : b = 2) : a + 0 = 2 := by
  subst h
  simp [hb]

theorem exfalso_ok (p : Prop) (h : 1 = 2) : p := by
  exfalso
  contradiction

theorem show_ok : 2 + 2 = 4 := by
  show 4 = 4
  rfl

theorem trivial_ok : True := by trivial
theorem intros_ok : ∀ (p q : Prop), p → q → p := by
  intros p q hp hq
  exact hp

theorem rw_at (a b c : Nat) (h1 : a = b) (h2 : a = c) : b = c := by
  rw [h1] at h2
  exact h2

theorem rw_back (a b : Nat) (h : a = b) : b = a := by
  rw [← h]
