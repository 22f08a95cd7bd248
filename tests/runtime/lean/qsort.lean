-- Array.qsort with orders and with relations that are not strict orders:
-- the output depends on the exact comparisons and swaps of Lean's quicksort.
def xs : Array Nat := #[5, 3, 9, 1, 1, 7, 2, 8, 0, 4, 6, 3, 12, 10, 11, 2, 5, 13, 7, 0]

def main : IO Unit := do
  IO.println (xs.qsort (· < ·))
  IO.println (xs.qsort (· > ·))
  IO.println (xs.qsort (· ≤ ·))
  IO.println (xs.qsort (fun a b => a != b))
  IO.println (xs.qsort (fun a b => a % 3 < b % 3))
  IO.println (xs.qsort (fun a b => (a + b) % 2 == 0))
  IO.println (xs.qsort (· < ·) 3 11)
  IO.println (xs.qsort (· < ·) 15 100)
  IO.println (#[1, 2].qsort (fun a b => a != b))
  IO.println ((#[] : Array Nat).qsort (· < ·))
