/-! Ill-typed declarations: an error on each one's own line, and the next still checks. -/
def ok1 : Nat := 1

def mismatch : Nat := "hello"

def ok2 : Nat := ok1 + 1

theorem false_rfl : 2 + 2 = 5 := rfl

theorem ok3 : ok2 = 2 := rfl

def unknown_ident : Nat := foo + 1

theorem false_decide : 3 < 2 := by decide

theorem ok4 : ok1 = 1 := by rfl

def app_mismatch : Nat := Nat.succ true

theorem unsolved (p q : Prop) (hp : p) : p ∧ q := by
  constructor
  exact hp

theorem with_sorry : 1 = 1 := by sorry

theorem ok5 (p : Prop) (hp : p) : p := by assumption
