def sumTo (n : Nat) : Nat := Id.run do
  let mut acc := 0
  for i in [0:n+1] do
    if i % 2 == 0 then
      continue
    acc := acc + i
  return acc

partial def collatz (n : Nat) (steps : Nat := 0) : Nat :=
  if n ≤ 1 then steps
  else if n % 2 == 0 then collatz (n / 2) (steps + 1)
  else collatz (3 * n + 1) (steps + 1)

def parse (s : String) : Except String Nat :=
  match s.toNat? with
  | some n => .ok n
  | none => .error s!"not a number: {s}"

def main (args : List String) : IO UInt32 := do
  let xs := args.map String.length |>.filter (· > 2)
  IO.println s!"sum = {sumTo 10}, collatz = {collatz 27}, {xs}"
  try
    let n ← IO.ofExcept (parse "42")
    IO.println (toString n)
  catch e =>
    IO.eprintln e
  return 0
