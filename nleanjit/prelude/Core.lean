/-!
nleanjit's prelude, part 2: products, options, lists, characters and strings.

Our own text with Lean 4's names and signatures (`Init/Prelude.lean`, `Init/Core.lean`,
`Init/Data/List/Basic.lean`). `Char` and `String` have the shape the kernel's literals
expect: `String.mk (List Char)` and `Char.ofNat n` (docs/KERNEL.md, divergence 13).
-/
universe u v w

/-! Quotients (the kernel's `Quot`, `Quot.mk`, `Quot.lift`, `Quot.ind` come from `init_quot`),
propositional and function extensionality, choice -/

axiom propext {a b : Prop} : Iff a b → Eq a b

axiom Quot.sound {α : Sort u} {r : α → α → Prop} {a b : α} : r a b → Eq (Quot.mk r a) (Quot.mk r b)

theorem funext {α : Sort u} {β : α → Sort v} {f g : (x : α) → β x} (h : (x : α) → Eq (f x) (g x)) : Eq f g :=
  congrArg (fun (q : Quot (fun (f g : (x : α) → β x) => (x : α) → Eq (f x) (g x))) (x : α) =>
      Quot.lift (fun (f : (x : α) → β x) => f x) (fun _ _ h' => h' x) q)
    (Quot.sound (r := fun (f g : (x : α) → β x) => (x : α) → Eq (f x) (g x)) h)

axiom Classical.choice {α : Sort u} : Nonempty α → α

structure Prod (α : Type u) (β : Type v) where
  fst : α
  snd : β

structure PProd (α : Sort u) (β : Sort v) where
  fst : α
  snd : β

inductive Sum (α : Type u) (β : Type v) where
  | inl (val : α) : Sum α β
  | inr (val : β) : Sum α β

inductive Option (α : Type u) where
  | none : Option α
  | some (val : α) : Option α

export Option (none some)

instance instInhabitedOption {α : Type u} : Inhabited (Option α) := ⟨none⟩

def Option.getD {α : Type u} : Option α → α → α
  | some x, _ => x
  | none, e => e

def Option.map {α : Type u} {β : Type v} (f : α → β) : Option α → Option β
  | some x => some (f x)
  | none => none

def Option.isSome {α : Type u} : Option α → Bool
  | some _ => true
  | none => false

def Option.isNone {α : Type u} : Option α → Bool
  | some _ => false
  | none => true

instance instInhabitedBool : Inhabited Bool := ⟨false⟩
instance instInhabitedProp : Inhabited Prop := ⟨True⟩
instance instInhabitedPUnit : Inhabited PUnit := ⟨PUnit.unit⟩
instance instInhabitedProd {α : Type u} {β : Type v} [Inhabited α] [Inhabited β] : Inhabited (Prod α β) :=
  ⟨⟨default, default⟩⟩

inductive List (α : Type u) where
  | nil : List α
  | cons (head : α) (tail : List α) : List α

instance instInhabitedList {α : Type u} : Inhabited (List α) := ⟨List.nil⟩

def List.length {α : Type u} : List α → Nat
  | nil => 0
  | cons _ as => HAdd.hAdd (List.length as) 1

protected def List.append {α : Type u} : List α → List α → List α
  | nil, bs => bs
  | cons a as, bs => cons a (List.append as bs)

instance instAppendList {α : Type u} : Append (List α) := ⟨List.append⟩

def List.map {α : Type u} {β : Type v} (f : α → β) : List α → List β
  | nil => nil
  | cons a as => cons (f a) (List.map f as)

def List.filter {α : Type u} (p : α → Bool) : List α → List α
  | nil => nil
  | cons a as => cond (p a) (cons a (List.filter p as)) (List.filter p as)

def List.foldl {α : Type u} {β : Type v} (f : α → β → α) : α → List β → α
  | a, nil => a
  | a, cons b l => List.foldl f (f a b) l

def List.foldr {α : Type u} {β : Type v} (f : α → β → β) (init : β) : List α → β
  | nil => init
  | cons a l => f a (List.foldr f init l)

def List.reverseAux {α : Type u} : List α → List α → List α
  | nil, r => r
  | cons a l, r => List.reverseAux l (cons a r)

def List.reverse {α : Type u} (as : List α) : List α := List.reverseAux as nil

def List.head? {α : Type u} : List α → Option α
  | nil => none
  | cons a _ => some a

def List.tail {α : Type u} : List α → List α
  | nil => nil
  | cons _ as => as

def List.isEmpty {α : Type u} : List α → Bool
  | nil => true
  | cons _ _ => false

def List.sum {α : Type u} [Add α] [OfNat α 0] : List α → α
  | nil => 0
  | cons a as => HAdd.hAdd a (List.sum as)

def List.replicate {α : Type u} : Nat → α → List α
  | .zero, _ => nil
  | .succ n, a => cons a (List.replicate n a)

def List.range.loop : Nat → List Nat → List Nat
  | .zero, acc => acc
  | .succ n, acc => List.range.loop n (cons n acc)

def List.range (n : Nat) : List Nat := List.range.loop n nil

def List.beq {α : Type u} [BEq α] : List α → List α → Bool
  | nil, nil => true
  | cons a as, cons b bs => and (BEq.beq a b) (List.beq as bs)
  | _, _ => false

instance instBEqList {α : Type u} [BEq α] : BEq (List α) := ⟨List.beq⟩

structure Char where
  val : Nat

def Char.ofNat (n : Nat) : Char := ⟨n⟩
def Char.toNat (c : Char) : Nat := c.val

instance instInhabitedChar : Inhabited Char := ⟨Char.ofNat 65⟩

structure String where
  data : List Char

instance instInhabitedString : Inhabited String := ⟨String.mk List.nil⟩

def String.length (s : String) : Nat := List.length s.data
def String.append (s t : String) : String := ⟨List.append s.data t.data⟩
def String.toList (s : String) : List Char := s.data
def String.push (s : String) (c : Char) : String := ⟨List.append s.data (List.cons c List.nil)⟩

instance String.instAppend : Append String := ⟨String.append⟩

class ToString (α : Type u) where
  toString : α → String

instance instToStringString : ToString String := ⟨fun s => s⟩
instance instToStringBool : ToString Bool := ⟨fun b => cond b "true" "false"⟩
