/-!
nleanjit's prelude, part 5: characters, strings, lists and arrays as programs use them,
`Repr`/`Std.Format`, `Hashable`, `GetElem` (`xs[i]`, `xs[i]!`, `xs[i]?`) and `Coe`.

Our own text with the names and signatures of Lean 4's `Init/Data/Char`, `Init/Data/String`,
`Init/Data/List`, `Init/Data/Array`, `Init/Data/Repr`, `Init/Data/Hashable`,
`Init/GetElem.lean` and `Init/Coe.lean`. `Array` is the structure over `List` that Lean's
kernel sees; the compiler gives it Lean's runtime representation (`@[extern]` names).
-/
universe u v w

/-! Coercions -/

class Coe (α : Sort u) (β : Sort v) where
  coe : α → β
class CoeTail (α : Sort u) (β : Sort v) where
  coe : α → β
class CoeHead (α : Sort u) (β : Sort v) where
  coe : α → β
class CoeOut (α : Sort u) (β : Sort v) where
  coe : α → β
class CoeDep (α : Sort u) (_ : α) (β : Sort v) where
  coe : β
class CoeFun (α : Sort u) (γ : outParam (α → Sort v)) where
  coe : (f : α) → γ f
class CoeSort (α : Sort u) (β : outParam (Sort v)) where
  coe : α → β
class NatCast (R : Type u) where
  natCast : Nat → R
class IntCast (R : Type u) where
  intCast : Int → R

instance instNatCastInt : NatCast Int := ⟨Int.ofNat⟩
instance instCoeNatInt : Coe Nat Int := ⟨Int.ofNat⟩

/-! `Char` -/

def Char.isDigit (c : Char) : Bool := and (Nat.ble 48 c.val) (Nat.ble c.val 57)
def Char.isUpper (c : Char) : Bool := and (Nat.ble 65 c.val) (Nat.ble c.val 90)
def Char.isLower (c : Char) : Bool := and (Nat.ble 97 c.val) (Nat.ble c.val 122)
def Char.isAlpha (c : Char) : Bool := or c.isUpper c.isLower
def Char.isAlphanum (c : Char) : Bool := or c.isAlpha c.isDigit
def Char.isWhitespace (c : Char) : Bool :=
  or (Nat.beq c.val 32) (or (Nat.beq c.val 9) (or (Nat.beq c.val 10) (Nat.beq c.val 13)))
def Char.toUpper (c : Char) : Char := cond c.isLower (Char.ofNat (c.val - 32)) c
def Char.toLower (c : Char) : Char := cond c.isUpper (Char.ofNat (c.val + 32)) c

theorem Char.eq_of_val_eq : {a b : Char} → Eq a.val b.val → Eq a b
  | ⟨_⟩, ⟨_⟩, h => congrArg Char.mk h

def Char.decEq (a b : Char) : Decidable (Eq a b) :=
  if h : a.val = b.val then isTrue (Char.eq_of_val_eq h) else isFalse (fun h' => h (congrArg Char.val h'))

instance instDecidableEqChar : DecidableEq Char := Char.decEq
instance Char.instLT : LT Char := ⟨fun a b => LT.lt a.val b.val⟩
instance Char.instLE : LE Char := ⟨fun a b => LE.le a.val b.val⟩
instance Char.decLt (a b : Char) : Decidable (LT.lt a b) := Nat.decLt a.val b.val
instance Char.decLe (a b : Char) : Decidable (LE.le a b) := Nat.decLe a.val b.val
instance Char.instOrd : Ord Char := ⟨fun a b => compare a.val b.val⟩

def Char.toString (c : Char) : String := String.mk (List.cons c List.nil)
instance instToStringChar : ToString Char := ⟨Char.toString⟩

/-! `List` -/

def List.headD {α : Type u} : List α → α → α
  | nil, d => d
  | cons a _, _ => a

def List.head! {α : Type u} [Inhabited α] : List α → α
  | nil => default
  | cons a _ => a

def List.getLast? {α : Type u} : List α → Option α
  | nil => none
  | cons a nil => some a
  | cons _ (cons b l) => List.getLast? (cons b l)

def List.getLastD {α : Type u} (l : List α) (d : α) : α := (List.getLast? l).getD d

def List.get? {α : Type u} : List α → Nat → Option α
  | nil, _ => none
  | cons a _, .zero => some a
  | cons _ as, .succ n => List.get? as n

def List.getD {α : Type u} (l : List α) (i : Nat) (d : α) : α := (List.get? l i).getD d
def List.get! {α : Type u} [Inhabited α] (l : List α) (i : Nat) : α := (List.get? l i).getD default

def List.set {α : Type u} : List α → Nat → α → List α
  | nil, _, _ => nil
  | cons _ as, .zero, b => cons b as
  | cons a as, .succ n, b => cons a (List.set as n b)

def List.take {α : Type u} : Nat → List α → List α
  | .zero, _ => nil
  | .succ _, nil => nil
  | .succ n, cons a as => cons a (List.take n as)

def List.drop {α : Type u} : Nat → List α → List α
  | .zero, as => as
  | .succ _, nil => nil
  | .succ n, cons _ as => List.drop n as

def List.zipWith {α : Type u} {β : Type v} {γ : Type w} (f : α → β → γ) : List α → List β → List γ
  | cons a as, cons b bs => cons (f a b) (List.zipWith f as bs)
  | _, _ => nil

def List.zip {α : Type u} {β : Type v} (as : List α) (bs : List β) : List (α × β) := List.zipWith Prod.mk as bs

def List.unzip {α : Type u} {β : Type v} (l : List (α × β)) : List α × List β :=
  (List.map Prod.fst l, List.map Prod.snd l)

def List.any {α : Type u} : List α → (α → Bool) → Bool
  | nil, _ => false
  | cons a as, p => or (p a) (List.any as p)

def List.all {α : Type u} : List α → (α → Bool) → Bool
  | nil, _ => true
  | cons a as, p => and (p a) (List.all as p)

def List.elem {α : Type u} [BEq α] (a : α) : List α → Bool
  | nil => false
  | cons b bs => or (BEq.beq a b) (List.elem a bs)

def List.contains {α : Type u} [BEq α] (as : List α) (a : α) : Bool := List.elem a as

def List.find? {α : Type u} (p : α → Bool) : List α → Option α
  | nil => none
  | cons a as => cond (p a) (some a) (List.find? p as)

def List.filterMap {α : Type u} {β : Type v} (f : α → Option β) : List α → List β
  | nil => nil
  | cons a as =>
    match f a with
    | none => List.filterMap f as
    | some b => cons b (List.filterMap f as)

def List.flatten {α : Type u} (ls : List (List α)) : List α := List.foldr List.append nil ls

def List.join {α : Type u} (l : List (List α)) : List α := List.flatten l

def List.flatMap {α : Type u} {β : Type v} (as : List α) (f : α → List β) : List β := List.flatten (List.map f as)
def List.bind {α : Type u} {β : Type v} (as : List α) (f : α → List β) : List β := List.flatten (List.map f as)

def List.lookup {α : Type u} {β : Type v} [BEq α] (a : α) (l : List (α × β)) : Option β :=
  Option.map Prod.snd (List.find? (fun p => BEq.beq a p.fst) l)

def List.iota : Nat → List Nat
  | .zero => nil
  | .succ n => cons (.succ n) (List.iota n)

def List.enumFrom {α : Type u} : Nat → List α → List (Nat × α)
  | _, nil => nil
  | n, cons a as => cons (n, a) (List.enumFrom (n + 1) as)

def List.enum {α : Type u} (l : List α) : List (Nat × α) := List.enumFrom 0 l

def List.partition {α : Type u} (p : α → Bool) (as : List α) : Prod (List α) (List α) :=
  (List.filter p as, List.filter (fun a => not (p a)) as)

def List.eraseDups {α : Type u} [BEq α] : List α → List α
  | nil => nil
  | cons a as => cons a (List.filter (fun b => not (BEq.beq b a)) (List.eraseDups as))

def List.maximum? {α : Type u} [Max α] : List α → Option α
  | nil => none
  | cons a as => some (List.foldl max a as)

def List.minimum? {α : Type u} [Min α] : List α → Option α
  | nil => none
  | cons a as => some (List.foldl min a as)

def List.intersperse {α : Type u} (sep : α) : List α → List α
  | nil => nil
  | cons a nil => cons a nil
  | cons a (cons b l) => cons a (cons sep (List.intersperse sep (cons b l)))

def List.intercalate {α : Type u} (sep : List α) (xs : List (List α)) : List α :=
  List.flatten (List.intersperse sep xs)

def List.insert {α : Type u} [BEq α] (a : α) (l : List α) : List α := cond (List.elem a l) l (cons a l)

def List.count {α : Type u} [BEq α] (a : α) (l : List α) : Nat := List.length (List.filter (fun b => BEq.beq b a) l)
def List.countP {α : Type u} (p : α → Bool) (l : List α) : Nat := List.length (List.filter p l)

def List.isPrefixOf {α : Type u} [BEq α] : List α → List α → Bool
  | nil, _ => true
  | cons _ _, nil => false
  | cons a as, cons b bs => and (BEq.beq a b) (List.isPrefixOf as bs)

def List.dropWhile {α : Type u} (p : α → Bool) : List α → List α
  | nil => nil
  | cons a l => cond (p a) (List.dropWhile p l) (cons a l)

def List.takeWhile {α : Type u} (p : α → Bool) : List α → List α
  | nil => nil
  | cons a l => cond (p a) (cons a (List.takeWhile p l)) nil

def List.span {α : Type u} (p : α → Bool) (l : List α) : Prod (List α) (List α) := (List.takeWhile p l, List.dropWhile p l)

def List.replicateTR {α : Type u} (n : Nat) (a : α) : List α := List.replicate n a

def List.getLast! {α : Type u} [Inhabited α] (l : List α) : α := (List.getLast? l).getD default

def List.mapIdx.go {α : Type u} {β : Type v} (f : Nat → α → β) : Nat → List α → List β
  | _, nil => nil
  | i, cons a as => cons (f i a) (List.mapIdx.go f (i + 1) as)

def List.mapIdx {α : Type u} {β : Type v} (f : Nat → α → β) (l : List α) : List β := List.mapIdx.go f 0 l

def List.insertionSort.insert {α : Type u} (lt : α → α → Bool) (a : α) : List α → List α
  | nil => cons a nil
  | cons b l => cond (lt b a) (cons b (List.insertionSort.insert lt a l)) (cons a (cons b l))

/-- Stable sort by insertion (Lean's `List.mergeSort` has the same result). -/
def List.mergeSort {α : Type u} (l : List α) (le : α → α → Bool) : List α :=
  List.foldr (List.insertionSort.insert (fun a b => not (le b a))) nil l


instance instToStringUnit : ToString Unit := ⟨fun _ => "()"⟩
instance instToStringProd {α : Type u} {β : Type v} [ToString α] [ToString β] : ToString (Prod α β) :=
  ⟨fun p => String.append (String.append (String.append (String.append "(" (toString p.fst)) ", ") (toString p.snd)) ")"⟩
instance instToStringOption {α : Type u} [ToString α] : ToString (Option α) :=
  ⟨fun o => match o with
    | none => "none"
    | some a => String.append "(some " (String.append (toString a) ")")⟩
instance instToStringExcept {ε : Type u} {α : Type v} [ToString ε] [ToString α] : ToString (Except ε α) :=
  ⟨fun e => match e with
    | Except.error e => String.append "error: " (toString e)
    | Except.ok a => String.append "ok: " (toString a)⟩

instance instBEqProd {α : Type u} {β : Type v} [BEq α] [BEq β] : BEq (Prod α β) :=
  ⟨fun a b => and (BEq.beq a.fst b.fst) (BEq.beq a.snd b.snd)⟩
instance instBEqOption {α : Type u} [BEq α] : BEq (Option α) :=
  ⟨fun a b => match a, b with
    | none, none => true
    | some a, some b => BEq.beq a b
    | _, _ => false⟩

/-! `String` -/

def String.join (l : List String) : String := List.foldl String.append "" l
def String.intercalate (s : String) : List String → String
  | List.nil => ""
  | List.cons a as => List.foldl (fun r b => String.append (String.append r s) b) a as
def String.singleton (c : Char) : String := String.mk (List.cons c List.nil)
def List.asString (l : List Char) : String := String.mk l
def String.isEmpty (s : String) : Bool := List.isEmpty s.data
def String.get (s : String) (i : Nat) : Char := List.getD s.data i default
def String.front (s : String) : Char := List.headD s.data default
def String.back (s : String) : Char := List.getLastD s.data default
def String.map (f : Char → Char) (s : String) : String := String.mk (List.map f s.data)
def String.foldl {α : Type u} (f : α → Char → α) (init : α) (s : String) : α := List.foldl f init s.data
def String.foldr {α : Type u} (f : Char → α → α) (init : α) (s : String) : α := List.foldr f init s.data
def String.any (s : String) (p : Char → Bool) : Bool := List.any s.data p
def String.all (s : String) (p : Char → Bool) : Bool := List.all s.data p
def String.contains (s : String) (c : Char) : Bool := List.elem c s.data
def String.take (s : String) (n : Nat) : String := String.mk (List.take n s.data)
def String.drop (s : String) (n : Nat) : String := String.mk (List.drop n s.data)
def String.takeRight (s : String) (n : Nat) : String := String.mk (List.drop (s.length - n) s.data)
def String.dropRight (s : String) (n : Nat) : String := String.mk (List.take (s.length - n) s.data)
def String.takeWhile (s : String) (p : Char → Bool) : String := String.mk (List.takeWhile p s.data)
def String.dropWhile (s : String) (p : Char → Bool) : String := String.mk (List.dropWhile p s.data)
def String.startsWith (s pre : String) : Bool := List.isPrefixOf pre.data s.data
def String.endsWith (s post : String) : Bool := List.isPrefixOf (List.reverse post.data) (List.reverse s.data)
def String.trimLeft (s : String) : String := String.mk (List.dropWhile Char.isWhitespace s.data)
def String.trimRight (s : String) : String := String.mk (List.reverse (List.dropWhile Char.isWhitespace (List.reverse s.data)))
def String.trim (s : String) : String := String.trimRight (String.trimLeft s)
def String.toUpper (s : String) : String := String.map Char.toUpper s
def String.toLower (s : String) : String := String.map Char.toLower s
def String.capitalize (s : String) : String :=
  match s.data with
  | List.nil => s
  | List.cons c cs => String.mk (List.cons (Char.toUpper c) cs)
def String.pushn (s : String) (c : Char) (n : Nat) : String := String.append s (String.mk (List.replicate n c))
def String.replicate (n : Nat) (c : Char) : String := String.mk (List.replicate n c)
def String.utf8ByteSize (s : String) : Nat := List.length s.data
def String.isNat (s : String) : Bool := and (not s.isEmpty) (s.all Char.isDigit)

def String.toNat? (s : String) : Option Nat :=
  cond s.isNat (some (s.foldl (fun n c => n * 10 + (c.val - 48)) 0)) none

def String.toNat! (s : String) : Nat := (String.toNat? s).getD 0
/-- The name the first Lean 4 releases had for `toNat!` (kept for programs written for them,
docs/ELABORATOR.md divergence 12). -/
def String.toNat (s : String) : Nat := String.toNat! s

def String.toInt? (s : String) : Option Int :=
  match s.data with
  | List.cons c cs =>
    cond (BEq.beq c.val 45) (Option.map (fun n => Int.neg (Int.ofNat n)) (String.toNat? (String.mk cs)))
      (Option.map Int.ofNat (String.toNat? s))
  | List.nil => none

def String.toInt! (s : String) : Int := (String.toInt? s).getD 0

/-- `s` cut at every occurrence of `sep`; `fuel` (the length of `s`) makes the recursion structural. -/
def String.splitOnAux (sep : List Char) : Nat → List Char → List Char → List String → List String
  | .zero, _, cur, acc => List.reverse (List.cons (String.mk (List.reverse cur)) acc)
  | .succ fuel, rest, cur, acc =>
    match rest with
    | List.nil => List.reverse (List.cons (String.mk (List.reverse cur)) acc)
    | List.cons c cs =>
      cond (List.isPrefixOf sep rest)
        (String.splitOnAux sep fuel (List.drop (List.length sep) rest) List.nil (List.cons (String.mk (List.reverse cur)) acc))
        (String.splitOnAux sep fuel cs (List.cons c cur) acc)

def String.splitOn (s : String) (sep : String := " ") : List String :=
  cond (String.isEmpty sep) (List.cons s List.nil) (String.splitOnAux sep.data (s.length + 1) s.data List.nil List.nil)

def String.split (s : String) (p : Char → Bool) : List String :=
  List.reverse (List.map (fun cs => String.mk (List.reverse cs))
    (List.foldl (fun acc c => cond (p c) (List.cons List.nil acc)
      (match acc with
        | List.cons cur rest => List.cons (List.cons c cur) rest
        | List.nil => List.cons (List.cons c List.nil) List.nil)) (List.cons List.nil List.nil) s.data))

protected def List.toString {α : Type u} [ToString α] (l : List α) : String :=
  String.append (String.append "[" (String.intercalate ", " (List.map (fun (a : α) => ToString.toString a) l))) "]"

instance instToStringList {α : Type u} [ToString α] : ToString (List α) := ⟨List.toString⟩

theorem String.eq_of_data_eq : {a b : String} → Eq a.data b.data → Eq a b
  | ⟨_⟩, ⟨_⟩, h => congrArg String.mk h

def List.hasDecEq {α : Type u} [DecidableEq α] : (a b : List α) → Decidable (Eq a b)
  | List.nil, List.nil => isTrue rfl
  | List.cons _ _, List.nil => isFalse (fun h => Bool.false_ne_true (congrArg List.isEmpty h))
  | List.nil, List.cons _ _ => isFalse (fun h => Bool.false_ne_true (congrArg List.isEmpty (Eq.symm h)))
  | List.cons a as, List.cons b bs =>
    if h : a = b then
      match List.hasDecEq as bs with
      | isTrue h' => isTrue (Eq.subst (motive := fun x => Eq (List.cons a as) (List.cons x bs)) h (congrArg (List.cons a) h'))
      | isFalse h' => isFalse (fun e => h' (congrArg List.tail e))
    else isFalse (fun e => h (congrArg (fun l => List.headD l a) e))

instance instDecidableEqList {α : Type u} [DecidableEq α] : DecidableEq (List α) := List.hasDecEq

@[extern "lean_string_dec_eq"] def String.decEq (a b : String) : Decidable (Eq a b) :=
  if h : a.data = b.data then isTrue (String.eq_of_data_eq h) else isFalse (fun h' => h (congrArg String.data h'))

instance instDecidableEqString : DecidableEq String := String.decEq

def List.lt {α : Type u} [LT α] [DecidableRel (@LT.lt α _)] : List α → List α → Bool
  | List.nil, List.cons _ _ => true
  | List.cons a as, List.cons b bs => cond (decide (LT.lt a b)) true (and (not (decide (LT.lt b a))) (List.lt as bs))
  | _, _ => false

@[extern "lean_string_lt"] def String.blt (a b : String) : Bool := List.lt a.data b.data
instance String.instLT : LT String := ⟨fun a b => Eq (String.blt a b) true⟩
instance String.decLt (a b : String) : Decidable (LT.lt a b) := Bool.decEq (String.blt a b) true
instance String.instLE : LE String := ⟨fun a b => Not (Eq (String.blt b a) true)⟩
instance String.decLe (a b : String) : Decidable (LE.le a b) := instDecidableNot
instance String.instOrd : Ord String := ⟨fun a b => cond (String.blt a b) Ordering.lt (cond (String.blt b a) Ordering.gt Ordering.eq)⟩

def String.quote (s : String) : String := String.append (String.append "\"" s) "\""

/-! `Repr` and `Std.Format` (a reduced `Format`: text, line breaks, nesting and groups) -/

inductive Std.Format where
  | nil : Std.Format
  | line : Std.Format
  | text : String → Std.Format
  | nest (indent : Int) : Std.Format → Std.Format
  | append : Std.Format → Std.Format → Std.Format
  | group : Std.Format → Std.Format

instance Std.instInhabitedFormat : Inhabited Std.Format := ⟨Std.Format.nil⟩
instance Std.Format.instAppend : Append Std.Format := ⟨Std.Format.append⟩

/-- Renders a format on one line (groups never break in this reduced `Format`). -/
def Std.Format.pretty : Std.Format → String
  | nil => ""
  | line => " "
  | text s => s
  | nest _ f => Std.Format.pretty f
  | append a b => String.append (Std.Format.pretty a) (Std.Format.pretty b)
  | group f => Std.Format.pretty f

instance Std.Format.instToString : ToString Std.Format := ⟨Std.Format.pretty⟩

def Std.Format.paren (f : Std.Format) : Std.Format := Std.Format.append (Std.Format.append (Std.Format.text "(") f) (Std.Format.text ")")
def Std.Format.bracket (l : String) (f : Std.Format) (r : String) : Std.Format :=
  Std.Format.append (Std.Format.append (Std.Format.text l) f) (Std.Format.text r)
def Std.Format.joinSep {α : Type u} [ToString α] : List α → Std.Format → Std.Format
  | List.nil, _ => Std.Format.nil
  | List.cons a List.nil, _ => Std.Format.text (toString a)
  | List.cons a as, sep => Std.Format.append (Std.Format.append (Std.Format.text (toString a)) sep) (Std.Format.joinSep as sep)

class Repr (α : Type u) where
  reprPrec : α → Nat → Std.Format

export Repr (reprPrec)

def repr {α : Type u} [Repr α] (a : α) : Std.Format := reprPrec a 0
def reprStr {α : Type u} [Repr α] (a : α) : String := Std.Format.pretty (reprPrec a 0)
def reprArg {α : Type u} [Repr α] (a : α) : Std.Format := reprPrec a 1024

def Repr.addAppParen (f : Std.Format) (prec : Nat) : Std.Format :=
  cond (Nat.ble 1024 prec) (Std.Format.paren f) f

instance instReprNat : Repr Nat := ⟨fun n _ => Std.Format.text (Nat.repr n)⟩
instance instReprInt : Repr Int := ⟨fun n prec => match n with
  | Int.ofNat m => Std.Format.text (Nat.repr m)
  | Int.negSucc m => Repr.addAppParen (Std.Format.text (Int.repr (Int.negSucc m))) prec⟩
instance instReprBool : Repr Bool := ⟨fun b _ => Std.Format.text (cond b "true" "false")⟩
instance instReprString : Repr String := ⟨fun s _ => Std.Format.text (String.quote s)⟩
instance instReprChar : Repr Char := ⟨fun c _ => Std.Format.text (String.append (String.append "'" (Char.toString c)) "'")⟩
instance instReprUnit : Repr Unit := ⟨fun _ _ => Std.Format.text "()"⟩
instance instReprList {α : Type u} [Repr α] : Repr (List α) :=
  ⟨fun l _ => Std.Format.bracket "[" (Std.Format.joinSep (List.map (fun (a : α) => Std.Format.pretty (repr a)) l) (Std.Format.text ", ")) "]"⟩
instance instReprOption {α : Type u} [Repr α] : Repr (Option α) := ⟨fun o prec => match o with
  | none => Std.Format.text "none"
  | some a => Repr.addAppParen (Std.Format.append (Std.Format.text "some ") (reprArg a)) prec⟩
instance instReprProd {α : Type u} {β : Type v} [Repr α] [Repr β] : Repr (Prod α β) :=
  ⟨fun p _ => Std.Format.bracket "(" (Std.Format.append (Std.Format.append (repr p.fst) (Std.Format.text ", ")) (repr p.snd)) ")"⟩
instance instReprOrdering : Repr Ordering := ⟨fun o _ => match o with
  | Ordering.lt => Std.Format.text "Ordering.lt"
  | Ordering.eq => Std.Format.text "Ordering.eq"
  | Ordering.gt => Std.Format.text "Ordering.gt"⟩

/-! `Hashable` -/

class Hashable (α : Sort u) where
  hash : α → UInt64

export Hashable (hash)

@[extern "lean_uint64_mix_hash"] def mixHash (u₁ u₂ : UInt64) : UInt64 := UInt64.ofNat (u₁.toNat * 31 + u₂.toNat)

instance instHashableNat : Hashable Nat := ⟨UInt64.ofNat⟩
instance instHashableBool : Hashable Bool := ⟨fun b => cond b 13 11⟩
instance instHashableChar : Hashable Char := ⟨fun c => UInt64.ofNat c.val⟩
instance instHashableInt : Hashable Int := ⟨fun i => match i with
  | Int.ofNat n => UInt64.ofNat (2 * n)
  | Int.negSucc n => UInt64.ofNat (2 * n + 1)⟩
@[extern "lean_string_hash"] def String.hash (s : String) : UInt64 := s.foldl (fun h c => mixHash h (UInt64.ofNat c.val)) 7
instance instHashableString : Hashable String := ⟨String.hash⟩
instance instHashableProd {α : Type u} {β : Type v} [Hashable α] [Hashable β] : Hashable (Prod α β) :=
  ⟨fun p => mixHash (hash p.fst) (hash p.snd)⟩
instance instHashableList {α : Type u} [Hashable α] : Hashable (List α) := ⟨fun l => List.foldl (fun (h : UInt64) (a : α) => mixHash h (hash a)) 7 l⟩
instance instHashableUInt64 : Hashable UInt64 := ⟨fun a => a⟩
instance instHashableUInt32 : Hashable UInt32 := ⟨fun a => a.toUInt64⟩
instance instHashableOption {α : Type u} [Hashable α] : Hashable (Option α) := ⟨fun o => match o with
  | none => 11
  | some a => mixHash (hash a) 13⟩

/-! `GetElem`: `xs[i]` (with a proof), `xs[i]?`, `xs[i]!` -/

class GetElem (coll : Type u) (idx : Type v) (elem : outParam (Type w)) (valid : outParam (coll → idx → Prop)) where
  getElem (xs : coll) (i : idx) (h : valid xs i) : elem

class GetElem? (coll : Type u) (idx : Type v) (elem : outParam (Type w)) (valid : outParam (coll → idx → Prop)) extends GetElem coll idx elem valid where
  getElem? : coll → idx → Option elem
  getElem! [Inhabited elem] (xs : coll) (i : idx) : elem

export GetElem (getElem)
export GetElem? (getElem? getElem!)

theorem Nat.pred_le : (n : Nat) → LE.le (Nat.pred n) n
  | .zero => Nat.le.refl
  | .succ _ => Nat.le.step Nat.le.refl

theorem Nat.le_of_succ_le_succ {n m : Nat} (h : LE.le (Nat.succ n) (Nat.succ m)) : LE.le n m :=
  Nat.le.rec (n := Nat.succ n) (motive := fun k _ => Nat.le n (Nat.pred k)) Nat.le.refl
    (fun _ ih => Nat.le_trans ih (Nat.pred_le _)) h

theorem Nat.not_succ_le_zero (n : Nat) (h : LE.le (Nat.succ n) 0) : False :=
  Bool.false_ne_true (Eq.symm
    (Nat.le.rec (n := Nat.succ n) (motive := fun k _ => Eq (Nat.beq k 0) false) rfl (fun _ _ => rfl) h))

def List.get {α : Type u} : (as : List α) → Fin as.length → α
  | List.nil, ⟨i, h⟩ => False.elim (Nat.not_succ_le_zero i h)
  | List.cons a _, ⟨.zero, _⟩ => a
  | List.cons _ as, ⟨.succ i, h⟩ => List.get as ⟨i, Nat.le_of_succ_le_succ h⟩

instance List.instGetElem? {α : Type u} : GetElem? (List α) Nat α (fun as i => LT.lt i as.length) where
  getElem as i h := List.get as ⟨i, h⟩
  getElem? as i := List.get? as i
  getElem! as i := List.get! as i

/-! `Array` -/

structure Array (α : Type u) where
  mk ::
  toList : List α

attribute [extern "lean_array_mk"] Array.mk
attribute [extern "lean_array_to_list"] Array.toList

def List.toArray {α : Type u} (l : List α) : Array α := Array.mk l

/-- Lean's older name for `Array.toList`. -/
def Array.data {α : Type u} (a : Array α) : List α := a.toList

@[extern "lean_mk_empty_array_with_capacity"] def Array.mkEmpty {α : Type u} (c : Nat) : Array α := Array.mk List.nil
@[extern "lean_mk_empty_array_with_capacity"] def Array.emptyWithCapacity {α : Type u} (c : Nat) : Array α := Array.mk List.nil
def Array.empty {α : Type u} : Array α := Array.mk List.nil
def Array.mkArray0 {α : Type u} : Array α := Array.mk List.nil
@[extern "lean_mk_array"] def Array.mkArray {α : Type u} (n : Nat) (v : α) : Array α := Array.mk (List.replicate n v)
@[extern "lean_mk_array"] def mkArray {α : Type u} (n : Nat) (v : α) : Array α := Array.mk (List.replicate n v)
@[extern "lean_mk_array"] def Array.replicate {α : Type u} (n : Nat) (v : α) : Array α := Array.mk (List.replicate n v)
def Array.range (n : Nat) : Array Nat := Array.mk (List.range n)
def Array.singleton {α : Type u} (v : α) : Array α := Array.mk (List.cons v List.nil)

instance Array.instInhabited {α : Type u} : Inhabited (Array α) := ⟨Array.empty⟩

theorem Array.eq_of_toList_eq {α : Type u} : {a b : Array α} → Eq a.toList b.toList → Eq a b
  | ⟨_⟩, ⟨_⟩, h => congrArg Array.mk h

def Array.decEq {α : Type u} [DecidableEq α] (a b : Array α) : Decidable (Eq a b) :=
  match List.hasDecEq a.toList b.toList with
  | isTrue h => isTrue (Array.eq_of_toList_eq h)
  | isFalse h => isFalse (fun e => h (congrArg Array.toList e))

instance Array.instDecidableEq {α : Type u} [DecidableEq α] : DecidableEq (Array α) := Array.decEq
instance Array.instEmptyCollection {α : Type u} : Inhabited (Array α) := ⟨Array.empty⟩

@[extern "lean_array_get_size"] def Array.size {α : Type u} (a : Array α) : Nat := List.length a.toList
@[extern "lean_array_push"] def Array.push {α : Type u} (a : Array α) (v : α) : Array α :=
  Array.mk (List.append a.toList (List.cons v List.nil))
@[extern "lean_array_fget"] def Array.get {α : Type u} (a : Array α) (i : Fin a.size) : α := List.get a.toList i
@[extern "lean_array_get"] def Array.get! {α : Type u} [Inhabited α] (a : Array α) (i : Nat) : α := List.get! a.toList i
def Array.get? {α : Type u} (a : Array α) (i : Nat) : Option α := List.get? a.toList i
def Array.getD {α : Type u} (a : Array α) (i : Nat) (v₀ : α) : α := List.getD a.toList i v₀
@[extern "lean_array_set"] def Array.set! {α : Type u} (a : Array α) (i : Nat) (v : α) : Array α := Array.mk (List.set a.toList i v)
def Array.setD {α : Type u} (a : Array α) (i : Nat) (v : α) : Array α := Array.mk (List.set a.toList i v)
@[extern "lean_array_pop"] def Array.pop {α : Type u} (a : Array α) : Array α := Array.mk (List.take (a.size - 1) a.toList)
def Array.back? {α : Type u} (a : Array α) : Option α := List.getLast? a.toList
def Array.back! {α : Type u} [Inhabited α] (a : Array α) : α := List.getLast! a.toList
def Array.back {α : Type u} [Inhabited α] (a : Array α) : α := List.getLast! a.toList
def Array.isEmpty {α : Type u} (a : Array α) : Bool := List.isEmpty a.toList
def Array.modify {α : Type u} (a : Array α) (i : Nat) (f : α → α) : Array α :=
  match List.get? a.toList i with
  | none => a
  | some v => Array.set! a i (f v)
@[extern "lean_array_swap"] def Array.swap! {α : Type u} (a : Array α) (i j : Nat) : Array α :=
  match List.get? a.toList i, List.get? a.toList j with
  | some vi, some vj => Array.set! (Array.set! a i vj) j vi
  | _, _ => a
def Array.swapIfInBounds {α : Type u} (a : Array α) (i j : Nat) : Array α := Array.swap! a i j
def Array.foldl {α : Type u} {β : Type v} (f : β → α → β) (init : β) (as : Array α) (start := 0) (stop := as.size) : β :=
  List.foldl f init (List.take (stop - start) (List.drop start as.toList))
def Array.foldr {α : Type u} {β : Type v} (f : α → β → β) (init : β) (as : Array α) : β := List.foldr f init as.toList
def Array.map {α : Type u} {β : Type v} (f : α → β) (as : Array α) : Array β := Array.mk (List.map f as.toList)
def Array.mapIdx {α : Type u} {β : Type v} (as : Array α) (f : Nat → α → β) : Array β := Array.mk (List.mapIdx f as.toList)
def Array.filter {α : Type u} (p : α → Bool) (as : Array α) : Array α := Array.mk (List.filter p as.toList)
def Array.filterMap {α : Type u} {β : Type v} (f : α → Option β) (as : Array α) : Array β := Array.mk (List.filterMap f as.toList)
def Array.reverse {α : Type u} (as : Array α) : Array α := Array.mk (List.reverse as.toList)
def Array.append {α : Type u} (as bs : Array α) : Array α := Array.mk (List.append as.toList bs.toList)
def Array.appendList {α : Type u} (as : Array α) (bs : List α) : Array α := Array.mk (List.append as.toList bs)
def Array.extract {α : Type u} (as : Array α) (start stop : Nat) : Array α :=
  Array.mk (List.take (stop - start) (List.drop start as.toList))
def Array.contains {α : Type u} [BEq α] (as : Array α) (a : α) : Bool := List.elem a as.toList
def Array.elem {α : Type u} [BEq α] (a : α) (as : Array α) : Bool := List.elem a as.toList
def Array.any {α : Type u} (as : Array α) (p : α → Bool) : Bool := List.any as.toList p
def Array.all {α : Type u} (as : Array α) (p : α → Bool) : Bool := List.all as.toList p
def Array.find? {α : Type u} (as : Array α) (p : α → Bool) : Option α := List.find? p as.toList
def Array.sum {α : Type u} [Add α] [OfNat α 0] (as : Array α) : α := List.foldr (fun a b => a + b) 0 as.toList
def Array.zipWith {α : Type u} {β : Type v} {γ : Type w} (as : Array α) (bs : Array β) (f : α → β → γ) : Array γ :=
  Array.mk (List.zipWith f as.toList bs.toList)
def Array.zip {α : Type u} {β : Type v} (as : Array α) (bs : Array β) : Array (α × β) := Array.mk (List.zip as.toList bs.toList)
def Array.toListAppend {α : Type u} (as : Array α) (l : List α) : List α := List.append as.toList l
def Array.insertionSort {α : Type u} (a : Array α) (lt : α → α → Bool) : Array α :=
  Array.mk (List.mergeSort a.toList (fun x y => not (lt y x)))
/-! `Array.qsort` is Lean's classic quicksort (the version Lean's own tests were written
against): a median-of-three pivot moved to `hi`, a Lomuto partition, then the left part
`[lo, mid]` and the right part `[mid+1, hi]`. With an `lt` that is not a strict order the
result depends on exactly these comparisons and swaps, so they follow Lean's order.
Fuel arguments keep the recursion structural; each bound is never reached. -/
/-- `a[i]`, or `d` past the end (qsort's indices stay in range). -/
def Array.qsort.elem {α : Type u} (a : Array α) (d : α) (i : Nat) : α :=
  if h : LT.lt i a.size then Array.get a (Fin.mk i h) else d
/-- Moves the elements of `[i, hi)` that are `lt pivot` to the front, then the pivot to `i`. -/
def Array.qsort.partitionLoop {α : Type u} (lt : α → α → Bool) (d pivot : α) (hi : Nat) :
    Nat → Array α → Nat → Nat → Nat × Array α
  | .zero, a, i, _ => (i, Array.swap! a i hi)
  | .succ fuel, a, i, j =>
    if LT.lt j hi then
      if lt (Array.qsort.elem a d j) pivot then
        Array.qsort.partitionLoop lt d pivot hi fuel (Array.swap! a i j) (i + 1) (j + 1)
      else Array.qsort.partitionLoop lt d pivot hi fuel a i (j + 1)
    else (i, Array.swap! a i hi)
/-- Partitions `[lo, hi]`; returns the pivot's final index. -/
def Array.qsort.partition {α : Type u} (lt : α → α → Bool) (d : α) (a : Array α) (lo hi : Nat) : Nat × Array α :=
  let mid := (lo + hi) / 2
  let a := if lt (Array.qsort.elem a d mid) (Array.qsort.elem a d lo) then Array.swap! a lo mid else a
  let a := if lt (Array.qsort.elem a d hi) (Array.qsort.elem a d lo) then Array.swap! a lo hi else a
  let a := if lt (Array.qsort.elem a d mid) (Array.qsort.elem a d hi) then Array.swap! a mid hi else a
  Array.qsort.partitionLoop lt d (Array.qsort.elem a d hi) hi (hi - lo + 1) a lo lo
def Array.qsort.sort {α : Type u} (lt : α → α → Bool) (d : α) : Nat → Array α → Nat → Nat → Array α
  | .zero, a, _, _ => a
  | .succ fuel, a, lo, hi =>
    if LT.lt lo hi then
      match Array.qsort.partition lt d a lo hi with
      | (mid, a) =>
        if LE.le hi mid then a
        else Array.qsort.sort lt d fuel (Array.qsort.sort lt d fuel a lo mid) (mid + 1) hi
    else a
def Array.qsort {α : Type u} (a : Array α) (lt : α → α → Bool) (low : Nat := 0) (high : Nat := a.size - 1) : Array α :=
  if h : LT.lt 0 a.size then
    let last := a.size - 1
    Array.qsort.sort lt (Array.get a (Fin.mk 0 h)) (a.size + 1) a
      (if LE.le low last then low else last) (if LE.le high last then high else last)
  else a
/-- `n.forM f` runs `f i h` for `i = 0, 1, …, n-1` in order, `h : i < n` (Lean's `Nat.forM`).
The loop counts with a fuel argument so the recursion is structural. -/
def Nat.forM.loop {m : Type → Type u} [Monad m] (n : Nat) (f : (i : Nat) → LT.lt i n → m Unit) : Nat → Nat → m Unit
  | .zero, _ => pure ()
  | .succ fuel, i => if h : LT.lt i n then bind (f i h) (fun _ => Nat.forM.loop n f fuel (HAdd.hAdd i 1)) else pure ()

def Nat.forM {m : Type → Type u} [Monad m] (n : Nat) (f : (i : Nat) → LT.lt i n → m Unit) : m Unit :=
  Nat.forM.loop n f n 0

def Array.forM {α : Type u} {m : Type v → Type w} [Monad m] (f : α → m PUnit) (as : Array α) : m PUnit :=
  List.forM as.toList f
def Array.mapM {α : Type u} {β : Type u} {m : Type u → Type v} [Monad m] (f : α → m β) (as : Array α) : m (Array β) :=
  Functor.map Array.mk (List.mapM f as.toList)
def Array.foldlM {α : Type u} {β : Type u} {m : Type u → Type v} [Monad m] (f : β → α → m β) (init : β) (as : Array α) : m β :=
  List.foldlM f init as.toList

instance Array.instAppend {α : Type u} : Append (Array α) := ⟨Array.append⟩
instance Array.instHAppendList {α : Type u} : HAppend (Array α) (List α) (Array α) := ⟨Array.appendList⟩
instance Array.instForIn {α : Type u} {m : Type v → Type w} : ForIn m (Array α) α := ⟨fun as b f => List.forIn as.toList b f⟩
instance Array.instBEq {α : Type u} [BEq α] : BEq (Array α) := ⟨fun a b => BEq.beq a.toList b.toList⟩
instance Array.instToString {α : Type u} [ToString α] : ToString (Array α) :=
  ⟨fun a => String.append "#" (List.toString a.toList)⟩
instance Array.instRepr {α : Type u} [Repr α] : Repr (Array α) :=
  ⟨fun a _ => Std.Format.append (Std.Format.text "#") (repr a.toList)⟩
instance Array.instHashable {α : Type u} [Hashable α] : Hashable (Array α) := ⟨fun a => hash a.toList⟩

instance Array.instGetElem? {α : Type u} : GetElem? (Array α) Nat α (fun as i => LT.lt i as.size) where
  getElem as i h := Array.get as ⟨i, h⟩
  getElem? as i := Array.get? as i
  getElem! as i := Array.get! as i

/-- `a[i:j]` and friends read through `Subarray`; here a subarray is a copy of the slice. -/
structure Subarray (α : Type u) where
  array : Array α
  start : Nat
  stop : Nat

def Subarray.toArray {α : Type u} (s : Subarray α) : Array α := Array.extract s.array s.start s.stop
def Subarray.size {α : Type u} (s : Subarray α) : Nat := s.stop - s.start
def Array.toSubarray {α : Type u} (as : Array α) (start : Nat := 0) (stop : Nat := as.size) : Subarray α :=
  ⟨as, start, Nat.min stop as.size⟩
instance Subarray.instForIn {α : Type u} {m : Type v → Type w} : ForIn m (Subarray α) α :=
  ⟨fun s b f => List.forIn s.toArray.toList b f⟩

/-! `Task` (run eagerly here; the runtime may run it on another thread) -/

structure Task (α : Type u) where
  pure ::
  get : α

@[extern "lean_task_spawn"] def Task.spawn {α : Type u} (fn : Unit → α) (prio : Nat := 0) : Task α := ⟨fn ()⟩

/-! `Thunk`: a delayed value (the runtime caches it after the first `get`) -/

structure Thunk (α : Type u) where
  mk ::
  fn : Unit → α

attribute [extern "lean_mk_thunk"] Thunk.mk
@[extern "lean_thunk_pure"] protected def Thunk.pure {α : Type u} (a : α) : Thunk α := ⟨fun _ => a⟩
@[extern "lean_thunk_get_own"] protected def Thunk.get {α : Type u} (x : Thunk α) : α := x.fn ()
instance Thunk.instInhabited {α : Type u} [Inhabited α] : Inhabited (Thunk α) := ⟨Thunk.pure default⟩

/-! Pointer equality (`unsafe`: it observes sharing) -/

@[extern "lean_ptr_addr"] unsafe opaque ptrAddrUnsafe {α : Type u} (a : α) : USize := USize.ofNat 0
unsafe def ptrEq {α : Type u} (a b : α) : Bool := BEq.beq (ptrAddrUnsafe a).toNat (ptrAddrUnsafe b).toNat

def String.ofList (l : List Char) : String := String.mk l

/-! Byte positions in strings (Lean's `String.Pos.Raw`: a UTF-8 byte index) -/

def Char.utf8Size (c : Char) : Nat :=
  if c.val < 128 then 1 else if c.val < 2048 then 2 else if c.val < 65536 then 3 else 4

structure String.Pos.Raw where
  byteIdx : Nat := 0

instance String.Pos.Raw.instInhabited : Inhabited String.Pos.Raw := ⟨⟨0⟩⟩

/-- `cs` with the character that starts at byte `i` replaced by `c` (unchanged when `i` is not
the start of a character or is past the end, as in Lean). -/
def String.Pos.Raw.setAux : List Char → Nat → Char → List Char
  | [], _, _ => []
  | d :: ds, i, c =>
    if i == 0 then c :: ds
    else if i < d.utf8Size then d :: ds
    else d :: String.Pos.Raw.setAux ds (i - d.utf8Size) c

@[extern "lean_string_utf8_set"]
def String.Pos.Raw.set (s : String) (p : String.Pos.Raw) (c : Char) : String :=
  String.mk (String.Pos.Raw.setAux s.data p.byteIdx c)

/-! Runtime hooks (no effect on the values) -/

/-- Marks an array as expected to be used linearly; the runtime may check it. -/
@[extern "lean_array_mark_linear"] def Array.markLinear {α : Type u} (a : Array α) : Array α := a
@[extern "lean_string_mark_linear"] def String.markLinear (s : String) : String := s
@[never_extract, extern "lean_dbg_trace_if_shared"] def dbgTraceIfShared {α : Type u} (s : String) (a : α) : α := a

/-- `f i a h` for each element; the bound proof comes from a test that always succeeds here. -/
def Array.mapFinIdx {α : Type u} {β : Type v} [Inhabited β] (as : Array α) (f : (i : Nat) → α → LT.lt i as.size → β) : Array β :=
  Array.mapIdx as (fun i a => match Nat.decLt i as.size with
    | isTrue h => f i a h
    | isFalse _ => default)

/-! `ByteArray` (Lean's runtime has a packed representation) -/

structure ByteArray where
  data : Array UInt8

attribute [extern "lean_byte_array_mk"] ByteArray.mk
attribute [extern "lean_byte_array_data"] ByteArray.data

def ByteArray.empty : ByteArray := ⟨Array.empty⟩
def ByteArray.mkEmpty (c : Nat) : ByteArray := ⟨Array.empty⟩
instance ByteArray.instInhabited : Inhabited ByteArray := ⟨ByteArray.empty⟩
@[extern "lean_byte_array_size"] def ByteArray.size (a : ByteArray) : Nat := a.data.size
@[extern "lean_byte_array_push"] def ByteArray.push (a : ByteArray) (b : UInt8) : ByteArray := ⟨a.data.push b⟩
@[extern "lean_byte_array_get"] def ByteArray.get! (a : ByteArray) (i : Nat) : UInt8 := a.data.get! i
@[extern "lean_byte_array_set"] def ByteArray.set! (a : ByteArray) (i : Nat) (b : UInt8) : ByteArray := ⟨a.data.set! i b⟩
def ByteArray.toList (a : ByteArray) : List UInt8 := a.data.toList
def ByteArray.isEmpty (a : ByteArray) : Bool := a.data.isEmpty
def ByteArray.append (a b : ByteArray) : ByteArray := ⟨a.data ++ b.data⟩
instance ByteArray.instAppend : Append ByteArray := ⟨ByteArray.append⟩
def ByteArray.extract (a : ByteArray) (b e : Nat) : ByteArray := ⟨a.data.extract b e⟩
@[extern "lean_byte_array_copy_slice"] def ByteArray.copySlice (src : ByteArray) (srcOff : Nat) (dest : ByteArray) (destOff len : Nat) (exact : Bool := true) : ByteArray :=
  ⟨dest.data.extract 0 destOff ++ src.data.extract srcOff (srcOff + len) ++
    dest.data.extract (destOff + Nat.min len (src.data.size - srcOff)) dest.data.size⟩
@[extern "lean_byte_array_mark_linear"] def ByteArray.markLinear (a : ByteArray) : ByteArray := a
def List.toByteArray (l : List UInt8) : ByteArray := ⟨l.toArray⟩
instance ByteArray.instGetElem? : GetElem? ByteArray Nat UInt8 (fun a i => LT.lt i a.size) where
  getElem a i h := a.data.get ⟨i, h⟩
  getElem? a i := a.data.get? i
  getElem! a i := a.data.get! i
instance ByteArray.instToString : ToString ByteArray := ⟨fun a => toString a.toList⟩
instance ByteArray.instBEq : BEq ByteArray := ⟨fun a b => BEq.beq a.data b.data⟩
def String.toUTF8 (s : String) : ByteArray := ⟨Array.mk (List.map (fun c => UInt8.ofNat c.val) s.data)⟩

/-! `Vector`: an array of a known size -/

theorem List.length_replicate {α : Type u} : (n : Nat) → (a : α) → Eq (List.replicate n a).length n
  | .zero, _ => rfl
  | .succ n, a => congrArg Nat.succ (List.length_replicate n a)

theorem List.length_set {α : Type u} : (l : List α) → (i : Nat) → (a : α) → Eq (List.set l i a).length l.length
  | List.nil, _, _ => rfl
  | List.cons _ _, .zero, _ => rfl
  | List.cons _ l, .succ i, a => congrArg Nat.succ (List.length_set l i a)

structure Vector (α : Type u) (n : Nat) where
  toArray : Array α
  size_toArray : Eq toArray.size n

def Vector.replicate {α : Type u} (n : Nat) (v : α) : Vector α n := ⟨Array.replicate n v, List.length_replicate n v⟩
def Vector.size {α : Type u} {n : Nat} (_ : Vector α n) : Nat := n
def Vector.toList {α : Type u} {n : Nat} (v : Vector α n) : List α := v.toArray.toList
def Vector.set! {α : Type u} {n : Nat} (v : Vector α n) (i : Nat) (a : α) : Vector α n :=
  ⟨v.toArray.set! i a, Eq.trans (List.length_set v.toArray.toList i a) v.size_toArray⟩
def Vector.get! {α : Type u} [Inhabited α] {n : Nat} (v : Vector α n) (i : Nat) : α := v.toArray.get! i
@[extern "lean_array_mark_linear"] def Vector.markLinear {α : Type u} {n : Nat} (v : Vector α n) : Vector α n := v
instance Vector.instGetElem? {α : Type u} {n : Nat} : GetElem? (Vector α n) Nat α (fun _ i => LT.lt i n) where
  getElem v i h := v.toArray.get ⟨i, Eq.subst (motive := fun k => LT.lt i k) (Eq.symm v.size_toArray) h⟩
  getElem? v i := v.toArray.get? i
  getElem! v i := v.toArray.get! i
instance Vector.instRepr {α : Type u} {n : Nat} [Repr α] : Repr (Vector α n) :=
  ⟨fun v _ => Std.Format.append (Std.Format.text "#v") (repr v.toArray.toList)⟩
instance Vector.instInhabited {α : Type u} [Inhabited α] {n : Nat} : Inhabited (Vector α n) := ⟨Vector.replicate n default⟩

/-! Membership (`a ∈ xs`) -/

class Membership (α : outParam (Type u)) (γ : Type v) where
  mem : γ → α → Prop

inductive List.Mem {α : Type u} (a : α) : List α → Prop where
  | head (as : List α) : List.Mem a (List.cons a as)
  | tail (b : α) {as : List α} : List.Mem a as → List.Mem a (List.cons b as)

instance List.instMembership {α : Type u} : Membership α (List α) := ⟨fun l a => List.Mem a l⟩
instance Array.instMembership {α : Type u} : Membership α (Array α) := ⟨fun as a => List.Mem a as.toList⟩
instance Std.Range.instMembership : Membership Nat Std.Range := ⟨fun r i => And (LE.le r.start i) (LT.lt i r.stop)⟩
