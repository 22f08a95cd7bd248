/-! Structures, classes, instances and deriving. -/
namespace Geometry

structure Point (α : Type) where
  x : α
  y : α := x
  deriving Repr, BEq

class Area (σ : Type) where
  area : σ → Nat

inductive Shape where
  | circle (r : Nat)
  | rect (w h : Nat) : Shape
  deriving Repr

instance : Area Shape where
  area
    | .circle r => 3 * r * r
    | .rect w h => w * h

def origin : Point Nat := { x := 0, y := 0 }
def moved (p : Point Nat) : Point Nat := { p with x := p.x + 1 }

end Geometry
