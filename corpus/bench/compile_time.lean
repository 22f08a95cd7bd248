/-
  A 200-line program for timing `nleanjit compile` (asv_benchmarks/benchmarks/native.py).
  Our own code: a small stack machine, a symbolic expression simplifier, a binary
  search tree, list and array utilities and integer arithmetic, each printing a
  line so that the executable's output can be checked (compile_time.expected.out).
-/

-- A stack machine over natural numbers.
inductive Instr
| push : Nat → Instr
| add : Instr
| mul : Instr
| dup : Instr
| swap : Instr
| drop : Instr

open Instr

def step : Instr → List Nat → List Nat
| push n, st => n :: st
| add, a :: b :: st => (a + b) :: st
| mul, a :: b :: st => (a * b) :: st
| dup, a :: st => a :: a :: st
| swap, a :: b :: st => b :: a :: st
| drop, _ :: st => st
| _, st => st

def exec : List Instr → List Nat → List Nat
| [], st => st
| i :: is, st => exec is (step i st)

def program (n : Nat) : List Instr :=
  [push n, dup, mul, push 3, add, dup, add]

def runMachine : Nat → Nat → Nat
| 0, acc => acc
| k + 1, acc =>
  match exec (program k) [] with
  | v :: _ => runMachine k (acc + v)
  | [] => runMachine k acc

-- Symbolic expressions with a simplifier.
inductive Term
| lit : Nat → Term
| var : Nat → Term
| plus : Term → Term → Term
| times : Term → Term → Term

namespace Term

def size : Term → Nat
| lit _ => 1
| var _ => 1
| plus a b => size a + size b + 1
| times a b => size a + size b + 1

def simplify : Term → Term
| plus a b =>
  let x := simplify a
  let y := simplify b
  match x, y with
  | lit 0, t => t
  | t, lit 0 => t
  | lit x, lit y => lit (x + y)
  | x, y => plus x y
| times a b =>
  let x := simplify a
  let y := simplify b
  match x, y with
  | lit 0, _ => lit 0
  | _, lit 0 => lit 0
  | lit 1, t => t
  | t, lit 1 => t
  | lit x, lit y => lit (x * y)
  | x, y => times x y
| t => t

def eval (env : Nat → Nat) : Term → Nat
| lit n => n
| var i => env i
| plus a b => eval env a + eval env b
| times a b => eval env a * eval env b

def build : Nat → Term
| 0 => var 0
| n + 1 =>
  if n % 3 == 0 then plus (build n) (lit 0)
  else if n % 3 == 1 then times (lit 1) (build n)
  else plus (build n) (times (lit 2) (var n))

end Term

-- A binary search tree of natural numbers.
inductive Tree
| leaf : Tree
| node : Tree → Nat → Tree → Tree

namespace Tree

def insert : Tree → Nat → Tree
| leaf, k => node leaf k leaf
| node l x r, k =>
  if k < x then node (insert l k) x r
  else if x < k then node l x (insert r k)
  else node l x r

def contains : Tree → Nat → Bool
| leaf, _ => false
| node l x r, k =>
  if k < x then contains l k
  else if x < k then contains r k
  else true

def toList : Tree → List Nat
| leaf => []
| node l x r => toList l ++ [x] ++ toList r

def height : Tree → Nat
| leaf => 0
| node l _ r => Nat.max (height l) (height r) + 1

def fromList (xs : List Nat) : Tree :=
  xs.foldl insert leaf

end Tree

-- List utilities.
def range' : Nat → List Nat
| 0 => []
| n + 1 => n :: range' n

def sumList : List Nat → Nat
| [] => 0
| x :: xs => x + sumList xs

def pseudoRandom (seed : Nat) : Nat :=
  (seed * 1103515245 + 12345) % 2147483648

def randoms : Nat → Nat → List Nat
| 0, _ => []
| n + 1, seed => (seed % 1000) :: randoms n (pseudoRandom seed)

def countIf (p : Nat → Bool) : List Nat → Nat
| [] => 0
| x :: xs => (if p x then 1 else 0) + countIf p xs

def isSorted : List Nat → Bool
| x :: y :: rest => x ≤ y && isSorted (y :: rest)
| _ => true

-- Arrays.
def squares (n : Nat) : Array Nat :=
  (range' n).reverse.foldl (fun acc i => acc.push (i * i)) Array.empty

def arraySum (a : Array Nat) : Nat :=
  a.foldl (fun s x => s + x) 0

-- Integers and fixed-width arithmetic.
partial def gcd' (a b : Nat) : Nat :=
  if a == 0 then b else gcd' (b % a) a

partial def collatz (n steps : Nat) : Nat :=
  if n ≤ 1 then steps
  else if n % 2 == 0 then collatz (n / 2) (steps + 1)
  else collatz (3 * n + 1) (steps + 1)

def hashStep (h : UInt64) (x : Nat) : UInt64 :=
  (h ^^^ UInt64.ofNat x) * 1099511628211

def fnv (xs : List Nat) : UInt64 :=
  xs.foldl hashStep 14695981039346656037

def power : Nat → Nat → Nat
| _, 0 => 1
| b, e + 1 => b * power b e

def report (label : String) (n : Nat) : IO Unit :=
  IO.println (label ++ ": " ++ toString n)

def main : IO Unit := do
  report "machine" (runMachine 100 0)
  let t := Term.build 30
  report "term size" t.size
  report "simplified size" (Term.simplify t).size
  report "term value" (Term.eval (fun i => i + 1) (Term.simplify t))
  let xs := randoms 200 42
  let tree := Tree.fromList xs
  report "tree size" tree.toList.length
  report "tree height" tree.height
  report "contains 500" (if tree.contains 500 then 1 else 0)
  report "sorted" (if isSorted tree.toList then 1 else 0)
  report "even randoms" (countIf (fun x => x % 2 == 0) xs)
  report "sum of range" (sumList (range' 1000))
  report "sum of squares" (arraySum (squares 100))
  report "gcd" (gcd' 1071 462)
  report "collatz 27" (collatz 27 0)
  report "fnv" (fnv (range' 50)).toNat
  report "2^100" (power 2 100)
  IO.println "done"
