def main : IO Unit := do
  let t0 ← IO.monoMsNow
  IO.sleep 50
  let t1 ← IO.monoMsNow
  let bytes ← IO.getRandomBytes 16
  IO.println s!"{decide (t1 - t0 ≥ 50)} {bytes.size}"
  let n ← IO.rand 3 7
  IO.println s!"{decide (3 ≤ n ∧ n ≤ 7)}"
