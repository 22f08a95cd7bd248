-- Prelude breadth: values computed by the kernel through our own definitions.

example : (3 : Int) - 5 = -2 := rfl
example : (-7 : Int) / 2 = -4 := rfl
example : (-7 : Int) % 2 = 1 := rfl
example : Int.natAbs (-3) = 3 := rfl
example : ((2 : Int) ^ 10) = 1024 := rfl
example : toString (-12 : Int) = "-12" := rfl
example : ((255 : UInt8) + 1).toNat = 0 := rfl
example : ((3 : UInt32) - 5).toNat = 4294967294 := rfl
example : ((0xF0 : UInt64) &&& 0x3C).toNat = 0x30 := by decide
example : (10 : Nat) >>> 1 = 5 := rfl
example : "abc".length = 3 := rfl
example : "ab" ++ "cd" = "abcd" := rfl
example : "a,b,c".splitOn "," = ["a", "b", "c"] := rfl
example : ", ".intercalate ["x", "y"] = "x, y" := rfl
example : String.join ["a", "b"] = "ab" := rfl
example : "42".toNat! = 42 := rfl
example : s!"{1} + {2} = {1 + 2}" = "1 + 2 = 3" := rfl
example : toString [1, 2, 3] = "[1, 2, 3]" := rfl
example : (#[1, 2, 3].push 4).size = 4 := rfl
example : #[1, 2, 3][1]! = 2 := rfl
example : (#[1, 2, 3].set! 0 9).toList = [9, 2, 3] := rfl
example : #[1, 2, 3].foldl (· + ·) 0 = 6 := rfl
example : (#[1, 2, 3].map (· * 2)).toList = [2, 4, 6] := rfl
example : toString #[1, 2] = "#[1, 2]" := rfl
example : (mkArray 3 'x').size = 3 := rfl
example : [1, 2, 3][2]? = some 3 := rfl
example : Id.run (pure 5) = 5 := rfl
example : compare 3 5 = Ordering.lt := rfl
example : (Fin.ofNat 7 : Fin 5).val = 2 := rfl

inductive Color where
  | red | green | blue
  deriving Repr, BEq, DecidableEq, Inhabited, Ord, Hashable

structure Point where
  x : Nat
  y : Int
  deriving Repr, BEq, Inhabited

inductive Tree (α : Type) where
  | leaf
  | node (l : Tree α) (v : α) (r : Tree α)
  deriving Repr, BEq, Inhabited

example : (Color.red == Color.blue) = false := rfl
example : Color.red ≠ Color.green := by decide
example : compare Color.red Color.blue = Ordering.lt := rfl
example : reprStr Color.green = "Color.green" := rfl
example : reprStr ({ x := 1, y := -2 } : Point) = "{ x := 1, y := -2 }" := rfl
example : ((default : Point) == ({ x := 0, y := 0 } : Point)) = true := rfl
def treeEq : Bool := Tree.node .leaf 3 .leaf == Tree.leaf
def showTree : String := reprStr (Tree.node .leaf 3 .leaf)

-- operands that need their type take it from the other side of the operator
example : (({ x := 1, y := 2 } : Point) == { x := 1, y := 2 }) = true := rfl
example : (Color.red == .red) = true := rfl
example : ((1, 2) == ⟨1, 2⟩) = true := rfl

-- an index that recursive occurrences vary stays an index; constructor names are auto-bound
inductive Steps {α : Type} (r : α → α → Prop) : α → Prop where
  | step : r a b → Steps r b → Steps r a

inductive Vec (α : Type u) : Nat → Type u where
  | nil : Vec α 0
  | cons (head : α) (tail : Vec α n) : Vec α (n + 1)

def Vec.toList : Vec α n → List α
  | .nil => []
  | .cons a v => a :: v.toList

example (h : P) : P ∨ Q := by
  apply .inl
  exact h

-- quotients and extensionality from the prelude (Lean's `init_quot`, `propext`, `funext`)
example : (fun (n : Nat) => n + 0) = (fun n => n) := funext (fun _ => rfl)
example (p : Prop) (h : p) : p = True := propext ⟨fun _ => trivial, fun _ => h⟩
def Parity := Quot (fun (a b : Nat) => a % 2 = b % 2)
def Parity.isEven (q : Parity) : Bool :=
  Quot.lift (fun n => n % 2 == 0) (fun a b (h : a % 2 = b % 2) => congrArg (fun k => k == 0) h) q
example : Parity.isEven (Quot.mk _ 4) = true := rfl
