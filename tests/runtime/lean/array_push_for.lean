-- A `for` loop of pushes (compiled today as non-tail recursion).
def build (n : Nat) : Array Nat := Id.run do
  let mut a := #[]
  for i in [0:n] do
    a := a.push i
  return a

def main (args : List String) : IO Unit := do
  let n := (args.headD "1000").toNat!
  IO.println s!"{(build n).size}"
