-- Pushes 1..n onto an array in a tail-recursive loop, then sums it.
def build (n : Nat) (a : Array Nat) : Array Nat :=
  if n == 0 then a else build (n - 1) (a.push n)
decreasing_by sorry

def sumFrom (a : Array Nat) (i acc : Nat) : Nat :=
  if i < a.size then sumFrom a (i + 1) (acc + a[i]!) else acc
decreasing_by sorry

def main (args : List String) : IO Unit := do
  let n := (args.headD "1000").toNat!
  let a := build n #[]
  IO.println s!"{a.size} {sumFrom a 0 0}"
