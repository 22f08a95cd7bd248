/-!
nleanjit's prelude, part 1: the logic, `Bool`, `Nat`, `Decidable` and the core classes.

Our own text, written for nleanjit's elaborator, with the names, signatures and
meaning of Lean 4's `Init/Prelude.lean` and `Init/Core.lean`. Elaborated at start-up
and cached (see `nleanjit/elab/prelude.py`).
-/
universe u v w

@[reducible] def outParam (α : Sort u) : Sort u := α
@[reducible] def semiOutParam (α : Sort u) : Sort u := α
@[reducible] def optParam (α : Sort u) (default : α) : Sort u := α

def id {α : Sort u} (a : α) : α := a

def Function.comp {α : Sort u} {β : Sort v} {δ : Sort w} (f : β → δ) (g : α → β) : α → δ :=
  fun x => f (g x)

def Function.const {α : Sort u} (β : Sort v) (a : α) : β → α := fun _ => a

@[reducible] def inferInstance {α : Sort u} [i : α] : α := i
@[reducible] def inferInstanceAs (α : Sort u) [i : α] : α := i

inductive PUnit : Sort u where
  | unit : PUnit

@[reducible] def Unit : Type := PUnit
@[reducible] def Unit.unit : Unit := PUnit.unit

inductive True : Prop where
  | intro : True

inductive False : Prop

inductive Empty : Type

def Not (a : Prop) : Prop := a → False

def False.elim {C : Sort u} (h : False) : C := False.rec (fun _ => C) h

def absurd {a : Prop} {b : Sort v} (h₁ : a) (h₂ : Not a) : b := False.elim (h₂ h₁)

inductive Eq : α → α → Prop where
  | refl (a : α) : Eq a a

@[reducible] def rfl {α : Sort u} {a : α} : Eq a a := Eq.refl a

theorem Eq.subst {α : Sort u} {motive : α → Prop} {a b : α} (h₁ : Eq a b) (h₂ : motive a) : motive b :=
  Eq.rec (motive := fun x _ => motive x) h₂ h₁

theorem Eq.symm {α : Sort u} {a b : α} (h : Eq a b) : Eq b a :=
  Eq.subst (motive := fun x => Eq x a) h (Eq.refl a)

theorem Eq.trans {α : Sort u} {a b c : α} (h₁ : Eq a b) (h₂ : Eq b c) : Eq a c :=
  Eq.subst (motive := fun x => Eq a x) h₂ h₁

theorem congrArg {α : Sort u} {β : Sort v} {a₁ a₂ : α} (f : α → β) (h : Eq a₁ a₂) : Eq (f a₁) (f a₂) :=
  Eq.subst (motive := fun x => Eq (f a₁) (f x)) h rfl

theorem congrFun {α : Sort u} {β : α → Sort v} {f g : (x : α) → β x} (h : Eq f g) (a : α) : Eq (f a) (g a) :=
  Eq.subst (α := (x : α) → β x) (motive := fun i => Eq (f a) (i a)) h rfl

theorem congr {α : Sort u} {β : Sort v} {f₁ f₂ : α → β} {a₁ a₂ : α} (h₁ : Eq f₁ f₂) (h₂ : Eq a₁ a₂) : Eq (f₁ a₁) (f₂ a₂) :=
  Eq.subst (α := α → β) (motive := fun x => Eq (f₁ a₁) (x a₂)) h₁ (congrArg f₁ h₂)

def cast {α β : Sort u} (h : Eq α β) (a : α) : β := Eq.rec (motive := fun x _ => x) a h

theorem Eq.mp {α β : Sort u} (h : Eq α β) (a : α) : β := cast h a
theorem Eq.mpr {α β : Sort u} (h : Eq α β) (b : β) : α := cast (Eq.symm h) b

def Ne {α : Sort u} (a b : α) : Prop := Not (Eq a b)

inductive HEq : {α : Sort u} → α → {β : Sort u} → β → Prop where
  | refl {α : Sort u} (a : α) : HEq a a

theorem HEq.rfl {α : Sort u} {a : α} : HEq a a := HEq.refl a

structure And (a b : Prop) : Prop where
  intro ::
  left : a
  right : b

inductive Or (a b : Prop) : Prop where
  | inl (h : a) : Or a b
  | inr (h : b) : Or a b

structure Iff (a b : Prop) : Prop where
  intro ::
  mp : a → b
  mpr : b → a

theorem Iff.refl (a : Prop) : Iff a a := Iff.intro (fun h => h) (fun h => h)

inductive Exists {α : Sort u} (p : α → Prop) : Prop where
  | intro (w : α) (h : p w) : Exists p

structure Subtype {α : Sort u} (p : α → Prop) where
  val : α
  property : p val

theorem trivial : True := True.intro

/-! Booleans and decidability -/

inductive Bool : Type where
  | false : Bool
  | true : Bool

export Bool (false true)

axiom sorryAx (α : Sort u) (synthetic : Bool) : α

theorem Bool.false_ne_true (h : Eq false true) : False :=
  Eq.subst (motive := fun b => Bool.casesOn (motive := fun _ => Prop) b True False) h True.intro

class inductive Decidable (p : Prop) where
  | isFalse (h : Not p) : Decidable p
  | isTrue (h : p) : Decidable p

export Decidable (isTrue isFalse)

def Decidable.decide (p : Prop) [h : Decidable p] : Bool :=
  Decidable.casesOn (motive := fun _ => Bool) h (fun _ => false) (fun _ => true)

export Decidable (decide)

@[reducible] def DecidableEq (α : Sort u) := (a b : α) → Decidable (Eq a b)
@[reducible] def DecidablePred {α : Sort u} (r : α → Prop) := (a : α) → Decidable (r a)
@[reducible] def DecidableRel {α : Sort u} (r : α → α → Prop) := (a b : α) → Decidable (r a b)

def decEq {α : Sort u} [inst : DecidableEq α] (a b : α) : Decidable (Eq a b) := inst a b

theorem of_decide_eq_true {p : Prop} [inst : Decidable p] : Eq (decide p) true → p :=
  match inst with
  | isTrue h => fun _ => h
  | isFalse _ => fun h => False.elim (Bool.false_ne_true h)

theorem of_decide_eq_false {p : Prop} [inst : Decidable p] : Eq (decide p) false → Not p :=
  match inst with
  | isTrue _ => fun h => False.elim (Bool.false_ne_true (Eq.symm h))
  | isFalse h => fun _ => h

def ite {α : Sort u} (c : Prop) [h : Decidable c] (t e : α) : α :=
  Decidable.casesOn (motive := fun _ => α) h (fun _ => e) (fun _ => t)

def dite {α : Sort u} (c : Prop) [h : Decidable c] (t : c → α) (e : Not c → α) : α :=
  Decidable.casesOn (motive := fun _ => α) h e t

def cond {α : Sort u} : Bool → α → α → α
  | true, x, _ => x
  | false, _, y => y

@[inline] def not : Bool → Bool
  | true => false
  | false => true

@[macro_inline] def or (x y : Bool) : Bool :=
  match x with
  | true => true
  | false => y

@[macro_inline] def and (x y : Bool) : Bool :=
  match x with
  | false => false
  | true => y

def xor : Bool → Bool → Bool
  | true, y => not y
  | false, y => y

instance instDecidableTrue : Decidable True := isTrue trivial
instance instDecidableFalse : Decidable False := isFalse (fun h => h)

instance instDecidableAnd {p q : Prop} [dp : Decidable p] [dq : Decidable q] : Decidable (And p q) :=
  match dp with
  | isTrue hp =>
    match dq with
    | isTrue hq => isTrue (And.intro hp hq)
    | isFalse hq => isFalse (fun h => hq h.right)
  | isFalse hp => isFalse (fun h => hp h.left)

instance instDecidableOr {p q : Prop} [dp : Decidable p] [dq : Decidable q] : Decidable (Or p q) :=
  match dp with
  | isTrue hp => isTrue (Or.inl hp)
  | isFalse hp =>
    match dq with
    | isTrue hq => isTrue (Or.inr hq)
    | isFalse hq => isFalse (fun h => Or.casesOn (motive := fun _ => False) h hp hq)

instance instDecidableNot {p : Prop} [dp : Decidable p] : Decidable (Not p) :=
  match dp with
  | isTrue hp => isFalse (fun h => h hp)
  | isFalse hp => isTrue hp

def Bool.decEq (a b : Bool) : Decidable (Eq a b) :=
  match a, b with
  | false, false => isTrue rfl
  | false, true => isFalse (fun h => Bool.false_ne_true h)
  | true, false => isFalse (fun h => Bool.false_ne_true (Eq.symm h))
  | true, true => isTrue rfl

instance instDecidableEqBool : DecidableEq Bool := Bool.decEq

/-! Classes -/

class Inhabited (α : Sort u) where
  default : α

export Inhabited (default)

class inductive Nonempty (α : Sort u) : Prop where
  | intro (val : α) : Nonempty α

instance (priority := 100) instNonemptyOfInhabited {α : Sort u} [Inhabited α] : Nonempty α := ⟨default⟩

class HAdd (α : Type u) (β : Type v) (γ : outParam (Type w)) where
  hAdd : α → β → γ
class HSub (α : Type u) (β : Type v) (γ : outParam (Type w)) where
  hSub : α → β → γ
class HMul (α : Type u) (β : Type v) (γ : outParam (Type w)) where
  hMul : α → β → γ
class HDiv (α : Type u) (β : Type v) (γ : outParam (Type w)) where
  hDiv : α → β → γ
class HMod (α : Type u) (β : Type v) (γ : outParam (Type w)) where
  hMod : α → β → γ
class HPow (α : Type u) (β : Type v) (γ : outParam (Type w)) where
  hPow : α → β → γ
class HAppend (α : Type u) (β : Type v) (γ : outParam (Type w)) where
  hAppend : α → β → γ

class Add (α : Type u) where
  add : α → α → α
class Sub (α : Type u) where
  sub : α → α → α
class Mul (α : Type u) where
  mul : α → α → α
class Div (α : Type u) where
  div : α → α → α
class Mod (α : Type u) where
  mod : α → α → α
class Pow (α : Type u) (β : Type v) where
  pow : α → β → α
class Neg (α : Type u) where
  neg : α → α
class Append (α : Type u) where
  append : α → α → α

@[default_instance] instance instHAdd {α : Type u} [Add α] : HAdd α α α := ⟨fun a b => Add.add a b⟩
@[default_instance] instance instHSub {α : Type u} [Sub α] : HSub α α α := ⟨fun a b => Sub.sub a b⟩
@[default_instance] instance instHMul {α : Type u} [Mul α] : HMul α α α := ⟨fun a b => Mul.mul a b⟩
@[default_instance] instance instHDiv {α : Type u} [Div α] : HDiv α α α := ⟨fun a b => Div.div a b⟩
@[default_instance] instance instHMod {α : Type u} [Mod α] : HMod α α α := ⟨fun a b => Mod.mod a b⟩
@[default_instance] instance instHPow {α : Type u} {β : Type v} [Pow α β] : HPow α β α := ⟨fun a b => Pow.pow a b⟩
instance instHAppendOfAppend {α : Type u} [Append α] : HAppend α α α := ⟨fun a b => Append.append a b⟩

class LT (α : Type u) where
  lt : α → α → Prop
class LE (α : Type u) where
  le : α → α → Prop

@[reducible] def GT.gt {α : Type u} [LT α] (a b : α) : Prop := LT.lt b a
@[reducible] def GE.ge {α : Type u} [LE α] (a b : α) : Prop := LE.le b a

class BEq (α : Type u) where
  beq : α → α → Bool

@[inline] def bne {α : Type u} [BEq α] (a b : α) : Bool := not (BEq.beq a b)

instance instBEqOfDecidableEq {α : Type u} [DecidableEq α] : BEq α := ⟨fun a b => decide (Eq a b)⟩

class Max (α : Type u) where
  max : α → α → α
class Min (α : Type u) where
  min : α → α → α

class Dvd (α : Type u) where
  dvd : α → α → Prop

/-! Natural numbers -/

inductive Nat where
  | zero : Nat
  | succ (n : Nat) : Nat

class OfNat (α : Type u) (_ : Nat) where
  ofNat : α

instance instOfNatNat (n : Nat) : OfNat Nat n := ⟨n⟩

@[default_instance 100] instance instOfNatNatDefault (n : Nat) : OfNat Nat n := instOfNatNat n

instance instInhabitedNat : Inhabited Nat := ⟨Nat.zero⟩

def Nat.pred : Nat → Nat
  | zero => zero
  | succ n => n

protected def Nat.add : Nat → Nat → Nat
  | n, .zero => n
  | n, .succ m => .succ (Nat.add n m)

protected def Nat.sub : Nat → Nat → Nat
  | n, .zero => n
  | n, .succ m => Nat.pred (Nat.sub n m)

protected def Nat.mul : Nat → Nat → Nat
  | _, .zero => .zero
  | n, .succ m => Nat.add (Nat.mul n m) n

protected def Nat.pow (m : Nat) : Nat → Nat
  | .zero => .succ .zero
  | .succ n => Nat.mul (Nat.pow m n) m

def Nat.beq : Nat → Nat → Bool
  | zero, zero => true
  | zero, succ _ => false
  | succ _, zero => false
  | succ n, succ m => Nat.beq n m

def Nat.ble : Nat → Nat → Bool
  | zero, _ => true
  | succ _, zero => false
  | succ n, succ m => Nat.ble n m

instance instAddNat : Add Nat := ⟨Nat.add⟩
instance instSubNat : Sub Nat := ⟨Nat.sub⟩
instance instMulNat : Mul Nat := ⟨Nat.mul⟩
instance instPowNat : Pow Nat Nat := ⟨Nat.pow⟩

theorem Nat.eq_of_beq_eq_true : (n m : Nat) → Eq (Nat.beq n m) true → Eq n m
  | zero, zero, _ => rfl
  | zero, succ _, h => False.elim (Bool.false_ne_true h)
  | succ _, zero, h => False.elim (Bool.false_ne_true h)
  | succ n, succ m, h => congrArg Nat.succ (Nat.eq_of_beq_eq_true n m h)

theorem Nat.ne_of_beq_eq_false : (n m : Nat) → Eq (Nat.beq n m) false → Not (Eq n m)
  | zero, zero, h => fun _ => Bool.false_ne_true (Eq.symm h)
  | zero, succ _, _ => fun h => Bool.false_ne_true (Eq.symm (congrArg (fun k => Nat.beq k Nat.zero) h))
  | succ _, zero, _ => fun h => Bool.false_ne_true (congrArg (fun k => Nat.beq k Nat.zero) h)
  | succ n, succ m, h => fun e => Nat.ne_of_beq_eq_false n m h (congrArg Nat.pred e)

def Nat.decEq (n m : Nat) : Decidable (Eq n m) :=
  match h : Nat.beq n m with
  | true => isTrue (Nat.eq_of_beq_eq_true n m h)
  | false => isFalse (Nat.ne_of_beq_eq_false n m h)

instance instDecidableEqNat : DecidableEq Nat := Nat.decEq

inductive Nat.le (n : Nat) : Nat → Prop where
  | refl : Nat.le n n
  | step {m : Nat} : Nat.le n m → Nat.le n (Nat.succ m)

def Nat.lt (n m : Nat) : Prop := Nat.le (Nat.succ n) m

instance instLENat : LE Nat := ⟨Nat.le⟩
instance instLTNat : LT Nat := ⟨Nat.lt⟩

-- TODO(nleanjit): prove these two once the match compiler handles indexed families (`Nat.le`).
-- They are theorems of Lean's `Init/Prelude.lean`; stated here as axioms, see docs/ELABORATOR.md.
axiom Nat.le_of_ble_eq_true {n m : Nat} (h : Eq (Nat.ble n m) true) : Nat.le n m
axiom Nat.not_le_of_not_ble_eq_true {n m : Nat} (h : Not (Eq (Nat.ble n m) true)) : Not (Nat.le n m)

def Nat.decLe (n m : Nat) : Decidable (Nat.le n m) :=
  match h : Nat.ble n m with
  | true => isTrue (Nat.le_of_ble_eq_true h)
  | false => isFalse (Nat.not_le_of_not_ble_eq_true (fun h' => Bool.false_ne_true (Eq.trans (Eq.symm h) h')))

def Nat.decLt (n m : Nat) : Decidable (Nat.lt n m) := Nat.decLe (Nat.succ n) m

instance instDecidableLeNat (n m : Nat) : Decidable (LE.le n m) := Nat.decLe n m
instance instDecidableLtNat (n m : Nat) : Decidable (LT.lt n m) := Nat.decLt n m

def Nat.divCore : Nat → Nat → Nat → Nat
  | .zero, _, _ => .zero
  | .succ fuel, x, y => ite (And (LT.lt Nat.zero y) (LE.le y x)) (Nat.succ (Nat.divCore fuel (Nat.sub x y) y)) Nat.zero

def Nat.modCore : Nat → Nat → Nat → Nat
  | .zero, x, _ => x
  | .succ fuel, x, y => ite (And (LT.lt Nat.zero y) (LE.le y x)) (Nat.modCore fuel (Nat.sub x y) y) x

protected def Nat.div (x y : Nat) : Nat := Nat.divCore x x y
protected def Nat.mod (x y : Nat) : Nat := Nat.modCore x x y

instance instDivNat : Div Nat := ⟨Nat.div⟩
instance instModNat : Mod Nat := ⟨Nat.mod⟩

def Nat.gcd : Nat → Nat → Nat
  | .zero, y => y
  | .succ x, y => y

protected def Nat.min (n m : Nat) : Nat := ite (LE.le n m) n m
protected def Nat.max (n m : Nat) : Nat := ite (LE.le n m) m n
instance instMinNat : Min Nat := ⟨Nat.min⟩
instance instMaxNat : Max Nat := ⟨Nat.max⟩

theorem Nat.lt_succ_self (n : Nat) : LT.lt n (Nat.succ n) := Nat.le.refl
theorem Nat.le_refl (n : Nat) : LE.le n n := Nat.le.refl
theorem Nat.le_succ (n : Nat) : LE.le n (Nat.succ n) := Nat.le.step Nat.le.refl
theorem Nat.zero_add_zero : Eq (Nat.add Nat.zero Nat.zero) Nat.zero := rfl
