-- IO.rand after IO.setRandSeed draws Lean's StdGen sequence.
def main : IO Unit := do
  IO.setRandSeed 42
  let mut xs := #[]
  for _ in [0:8] do
    xs := xs.push (← IO.rand 0 100)
  IO.println xs
  IO.println (← IO.rand 9 3)
  IO.println (randNat (mkStdGen 7) 10 1000000000000).1
  IO.println (stdNext (mkStdGen 123456789012345)).1
  IO.setRandSeed 0
  let r ← IO.rand 5 5
  IO.println r
