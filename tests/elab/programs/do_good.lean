-- `do` notation: each `example` is checked by the kernel, so the lowering computes as Lean's does.

def sumTo (n : Nat) : Nat := Id.run do
  let mut s := 0
  for i in [0:n] do
    s := s + i
  return s

example : sumTo 5 = 10 := rfl

def findIdx (xs : List Nat) (t : Nat) : Option Nat := Id.run do
  let mut idx := 0
  for x in xs do
    if x == t then
      return some idx
    idx := idx + 1
  return none

example : findIdx [5, 7, 9] 9 = some 2 := rfl
example : findIdx [5, 7, 9] 4 = none := rfl

def firstBig (xs : List Nat) : Nat := Id.run do
  let mut r := 0
  for x in xs do
    if x < 10 then continue
    r := x
    break
  return r

example : firstBig [1, 20, 30] = 20 := rfl

def countdown (n : Nat) : List Nat := Id.run do
  let mut i := n
  let mut acc := []
  while i > 0 do
    acc := i :: acc
    i := i - 1
  return acc

-- `while` iterates over `Loop`, whose `forIn` is `partial` (as in Lean): no `rfl` about it

def classify (n : Nat) : String := Id.run do
  let mut s := "small"
  if n > 100 then
    s := "big"
  else if n > 10 then
    s := "medium"
  unless n != 0 do
    s := "zero"
  return s

example : classify 0 = "zero" := rfl
example : classify 50 = "medium" := rfl
example : classify 500 = "big" := rfl

def nested (xss : List (List Nat)) : Nat := Id.run do
  let mut total := 0
  for xs in xss do
    for x in xs do
      match x with
      | 0 => continue
      | k + 1 => total := total + k
  return total

example : nested [[1, 2], [0, 3]] = 3 := rfl

def lifted (xs : Array Nat) : Option Nat := do
  let a ← xs[0]?
  let b := (← xs[1]?) + a
  pure (a + b)

example : lifted #[1, 2] = some 4 := rfl
example : lifted #[1] = none := rfl

def safeDiv (a b : Nat) : Except String Nat := do
  if b == 0 then throw "division by zero"
  pure (a / b)

def tryIt (a b : Nat) : Except String Nat := do
  let mut r := 0
  try
    r ← safeDiv a b
  catch _ =>
    r := 42
  return r + 1

example : tryIt 10 2 = Except.ok 6 := rfl
example : tryIt 10 0 = Except.ok 43 := rfl

def counter : StateM Nat Unit := do
  modify (· + 1)
  let s ← get
  set (s * 10)

example : (counter.run 4).snd = 50 := rfl

def main (args : List String) : IO UInt32 := do
  let mut n := 0
  for a in args do
    n := n + a.length
  IO.println s!"total {n}, {args.length} args"
  let stdout ← IO.getStdout
  stdout.putStrLn "done"
  return (if n == 0 then 1 else 0)

def optLet (x? : Option Nat) (xs : List Nat) : Id Nat := do
  let some x := x? | return 0
  let (a, b) := (1, 2)
  let some y ← pure xs.head? | return a
  return x + y + b

example : optLet (some 10) [5] = 17 := rfl
example : optLet (some 10) [] = 1 := rfl
example : optLet none [5] = 0 := rfl

def lastLifted : IO UInt32 := do
  IO.println "x"
  pure 0

namespace Registry
initialize counter : IO.Ref Nat ← IO.mkRef 10
initialize
  counter.modify (· + 1)
def bump : IO Nat := do
  counter.modify (· + 1)
  counter.get
end Registry
