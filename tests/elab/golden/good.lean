/-! Programs and theorems that must check with no message. -/
def double (n : Nat) : Nat := n + n

theorem double_two : double 2 = 4 := rfl

theorem two_plus_two : 2 + 2 = 4 := by decide

def fact : Nat → Nat
  | 0 => 1
  | n+1 => (n + 1) * fact n

theorem fact_four : fact 4 = 24 := rfl

def len {α : Type} : List α → Nat
  | [] => 0
  | _ :: xs => len xs + 1

theorem len_three : len [1, 2, 3] = 3 := rfl

def add : Nat → Nat → Nat
  | n, 0 => n
  | n, m+1 => add n m + 1

theorem add_comm_example : add 2 3 = add 3 2 := rfl

structure Point where
  x : Nat
  y : Nat

def Point.sum (p : Point) : Nat := p.x + p.y

def origin : Point := { x := 0, y := 0 }

def moved (p : Point) : Point := { p with x := p.x + 1 }

theorem moved_sum : (moved ⟨1, 2⟩).sum = 4 := rfl

inductive Color where
  | red
  | green
  | blue

def Color.next : Color → Color
  | .red => .green
  | .green => .blue
  | .blue => .red

theorem next_red : Color.red.next = Color.green := rfl

inductive Tree (α : Type) where
  | leaf : Tree α
  | node (l : Tree α) (v : α) (r : Tree α) : Tree α

def Tree.size {α : Type} : Tree α → Nat
  | .leaf => 0
  | .node l _ r => l.size + 1 + r.size

theorem and_swap (p q : Prop) (h : p ∧ q) : q ∧ p := ⟨h.2, h.1⟩

theorem and_intro_tac (p q : Prop) (hp : p) (hq : q) : p ∧ q := by
  constructor
  · exact hp
  · exact hq

theorem imp_self' (p q : Prop) : p → q → p := by
  intro hp _
  exact hp

theorem eq_symm_tac (a b : Nat) (h : a = b) : b = a := by
  apply Eq.symm
  exact h

theorem exists_one : ∃ x : Nat, x = 1 := ⟨1, rfl⟩

theorem lt_example : 10 < 20 := by decide

theorem true_example : True := by trivial

def pick (b : Bool) (n : Nat) : Nat := if b then n else 0

theorem pick_true : pick true 5 = 5 := rfl

def lookup (xs : List Nat) (i : Nat) : Option Nat :=
  match xs, i with
  | [], _ => none
  | x :: _, 0 => some x
  | _ :: rest, j+1 => lookup rest j

theorem lookup_one : lookup [7, 8, 9] 1 = some 8 := rfl

class Size (α : Type) where
  size : α → Nat

instance : Size Point where
  size p := p.x + p.y

theorem size_point : Size.size (Point.mk 2 3) = 5 := rfl

namespace Geometry
def unit : Nat := 1
end Geometry

open Geometry in
theorem unit_one : unit = 1 := rfl

section
variable (n : Nat)
def twice := n + n
end

theorem twice_two : twice 2 = 4 := rfl
