-- `mkArray n 0` for an n whose byte size does not fit 64 bits.
def main (args : List String) : IO Unit := do
  let n := (args.headD "10").toNat!
  let a := Array.mkArray n (0 : Nat)
  IO.println s!"{a.size}"
