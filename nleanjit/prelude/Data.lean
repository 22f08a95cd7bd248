/-!
nleanjit's prelude, part 4: the data types real programs use.

Our own text with the names and signatures of Lean 4's `Init/Prelude.lean`, `Init/Data/Int`,
`Init/Data/Fin`, `Init/Data/UInt`, `Init/Data/Array`, `Init/Data/String`, `Init/Data/List`,
`Init/Data/Ord`, `Init/Data/Repr` and `Init/Data/ToString`. Runtime primitives carry Lean's
`@[extern]` names so the compiler can map them to the runtime; their bodies here are the
reference semantics the kernel sees.
-/
universe u v w

export ToString (toString)
export Max (max)
export Min (min)

/-! Ordering and `Ord` -/

inductive Ordering where
  | lt | eq | gt

instance instInhabitedOrdering : Inhabited Ordering := ⟨Ordering.lt⟩

def Ordering.beq : Ordering → Ordering → Bool
  | .lt, .lt => true
  | .eq, .eq => true
  | .gt, .gt => true
  | _, _ => false

instance instBEqOrdering : BEq Ordering := ⟨Ordering.beq⟩

def Ordering.isLE : Ordering → Bool
  | .gt => false
  | _ => true
def Ordering.isLT : Ordering → Bool
  | .lt => true
  | _ => false
def Ordering.isGE : Ordering → Bool
  | .lt => false
  | _ => true
def Ordering.isGT : Ordering → Bool
  | .gt => true
  | _ => false
def Ordering.isEq : Ordering → Bool
  | .eq => true
  | _ => false
def Ordering.swap : Ordering → Ordering
  | .lt => .gt
  | .eq => .eq
  | .gt => .lt
def Ordering.then : Ordering → Ordering → Ordering
  | .eq, f => f
  | o, _ => o

class Ord (α : Type u) where
  compare : α → α → Ordering

export Ord (compare)

def compareOfLessAndEq {α : Type u} (x y : α) [LT α] [Decidable (LT.lt x y)] [DecidableEq α] : Ordering :=
  ite (LT.lt x y) Ordering.lt (ite (Eq x y) Ordering.eq Ordering.gt)

instance instOrdNat : Ord Nat := ⟨fun x y => compareOfLessAndEq x y⟩
instance instOrdBool : Ord Bool := ⟨fun a b => match a, b with
  | false, true => Ordering.lt
  | true, false => Ordering.gt
  | _, _ => Ordering.eq⟩

def ltOfOrd {α : Type u} [Ord α] : LT α := ⟨fun a b => Eq (compare a b) Ordering.lt⟩
def leOfOrd {α : Type u} [Ord α] : LE α := ⟨fun a b => Eq (Ordering.isLE (compare a b)) true⟩
def maxOfLe {α : Type u} [LE α] [DecidableRel (@LE.le α _)] : Max α := ⟨fun x y => ite (LE.le x y) y x⟩
def minOfLe {α : Type u} [LE α] [DecidableRel (@LE.le α _)] : Min α := ⟨fun x y => ite (LE.le x y) x y⟩

/-! Bitwise classes -/

class HAnd (α : Type u) (β : Type v) (γ : outParam (Type w)) where
  hAnd : α → β → γ
class HOr (α : Type u) (β : Type v) (γ : outParam (Type w)) where
  hOr : α → β → γ
class HXor (α : Type u) (β : Type v) (γ : outParam (Type w)) where
  hXor : α → β → γ
class HShiftLeft (α : Type u) (β : Type v) (γ : outParam (Type w)) where
  hShiftLeft : α → β → γ
class HShiftRight (α : Type u) (β : Type v) (γ : outParam (Type w)) where
  hShiftRight : α → β → γ
class AndOp (α : Type u) where
  and : α → α → α
class OrOp (α : Type u) where
  or : α → α → α
class Xor (α : Type u) where
  xor : α → α → α
class ShiftLeft (α : Type u) where
  shiftLeft : α → α → α
class ShiftRight (α : Type u) where
  shiftRight : α → α → α
class Complement (α : Type u) where
  complement : α → α

@[default_instance] instance instHAndOfAndOp {α : Type u} [AndOp α] : HAnd α α α := ⟨fun a b => AndOp.and a b⟩
@[default_instance] instance instHOrOfOrOp {α : Type u} [OrOp α] : HOr α α α := ⟨fun a b => OrOp.or a b⟩
@[default_instance] instance instHXorOfXor {α : Type u} [Xor α] : HXor α α α := ⟨fun a b => Xor.xor a b⟩
@[default_instance] instance instHShiftLeftOfShiftLeft {α : Type u} [ShiftLeft α] : HShiftLeft α α α := ⟨fun a b => ShiftLeft.shiftLeft a b⟩
@[default_instance] instance instHShiftRightOfShiftRight {α : Type u} [ShiftRight α] : HShiftRight α α α := ⟨fun a b => ShiftRight.shiftRight a b⟩

/-! More on `Nat` -/

theorem Nat.zero_lt_succ (n : Nat) : LT.lt 0 (Nat.succ n) := Nat.le_of_ble_eq_true rfl

-- TODO(nleanjit): a theorem in Lean (`Nat.mod_lt`); an axiom until the prelude has the
-- arithmetic lemmas (docs/ELABORATOR.md, divergence 2).
axiom Nat.mod_lt (x : Nat) {y : Nat} : GT.gt y 0 → LT.lt (HMod.hMod x y) y

/-- Bit by bit, low bits first; the fuel (`n + m + 1`) bounds the recursion so that it is structural. -/
def Nat.bitwiseAux (f : Bool → Bool → Bool) : Nat → Nat → Nat → Nat
  | .zero, _, _ => 0
  | .succ fuel, n, m =>
    ite (And (Eq n 0) (Eq m 0)) 0
      (cond (f (BEq.beq (HMod.hMod n 2) 1) (BEq.beq (HMod.hMod m 2) 1))
        (HAdd.hAdd (HMul.hMul 2 (Nat.bitwiseAux f fuel (HDiv.hDiv n 2) (HDiv.hDiv m 2))) 1)
        (HMul.hMul 2 (Nat.bitwiseAux f fuel (HDiv.hDiv n 2) (HDiv.hDiv m 2))))

def Nat.bitwise (f : Bool → Bool → Bool) (n m : Nat) : Nat := Nat.bitwiseAux f (HAdd.hAdd (HAdd.hAdd n m) 1) n m

@[extern "lean_nat_land"] def Nat.land (n m : Nat) : Nat := Nat.bitwise and n m
@[extern "lean_nat_lor"] def Nat.lor (n m : Nat) : Nat := Nat.bitwise or n m
@[extern "lean_nat_lxor"] def Nat.xor (n m : Nat) : Nat := Nat.bitwise bne n m
@[extern "lean_nat_shiftl"] def Nat.shiftLeft (n m : Nat) : Nat := HMul.hMul n (HPow.hPow 2 m)
@[extern "lean_nat_shiftr"] def Nat.shiftRight (n m : Nat) : Nat := HDiv.hDiv n (HPow.hPow 2 m)

instance instAndOpNat : AndOp Nat := ⟨Nat.land⟩
instance instOrOpNat : OrOp Nat := ⟨Nat.lor⟩
instance instXorNat : Xor Nat := ⟨Nat.xor⟩
instance instShiftLeftNat : ShiftLeft Nat := ⟨Nat.shiftLeft⟩
instance instShiftRightNat : ShiftRight Nat := ⟨Nat.shiftRight⟩

def Nat.digitChar (n : Nat) : Char :=
  ite (LT.lt n 10) (Char.ofNat (HAdd.hAdd n 48)) (Char.ofNat (HAdd.hAdd n 87))

def Nat.toDigitsCore (base : Nat) : Nat → Nat → List Char → List Char
  | .zero, _, ds => ds
  | .succ fuel, n, ds =>
    ite (Eq (HDiv.hDiv n base) 0) (List.cons (Nat.digitChar (HMod.hMod n base)) ds)
      (Nat.toDigitsCore base fuel (HDiv.hDiv n base) (List.cons (Nat.digitChar (HMod.hMod n base)) ds))

def Nat.toDigits (base n : Nat) : List Char := Nat.toDigitsCore base (HAdd.hAdd n 1) n List.nil

@[extern "lean_nat_repr"] protected def Nat.repr (n : Nat) : String := String.mk (Nat.toDigits 10 n)

instance instToStringNat : ToString Nat := ⟨Nat.repr⟩

def Nat.fold {α : Type u} (f : Nat → α → α) : Nat → α → α
  | .zero, a => a
  | .succ n, a => f n (Nat.fold f n a)

def Nat.all (n : Nat) (p : Nat → Bool) : Bool := Nat.fold (fun i b => and b (p i)) n true
def Nat.any (n : Nat) (p : Nat → Bool) : Bool := Nat.fold (fun i b => or b (p i)) n false

def Nat.repeat {α : Type u} (f : α → α) : Nat → α → α
  | .zero, a => a
  | .succ n, a => f (Nat.repeat f n a)

def Nat.isEven (n : Nat) : Bool := BEq.beq (HMod.hMod n 2) 0
def Nat.log2 (n : Nat) : Nat := Nat.log2.go n n
  where go : Nat → Nat → Nat
    | .zero, _ => 0
    | .succ fuel, n => ite (LT.lt n 2) 0 (HAdd.hAdd (Nat.log2.go fuel (HDiv.hDiv n 2)) 1)

def Nat.sqrt (n : Nat) : Nat := Nat.sqrt.go n n 0
  where go : Nat → Nat → Nat → Nat
    | .zero, _, r => r
    | .succ fuel, n, r => if (r + 1) * (r + 1) ≤ n then Nat.sqrt.go fuel n (r + 1) else r


/-! `Int` -/

inductive Int where
  | ofNat : Nat → Int
  | negSucc : Nat → Int

attribute [extern "lean_nat_to_int"] Int.ofNat
attribute [extern "lean_int_neg_succ_of_nat"] Int.negSucc

instance instOfNat (n : Nat) : OfNat Int n := ⟨Int.ofNat n⟩
instance instInhabitedInt : Inhabited Int := ⟨Int.ofNat 0⟩

@[extern "lean_int_neg"] protected def Int.neg : Int → Int
  | .ofNat .zero => .ofNat 0
  | .ofNat (.succ n) => .negSucc n
  | .negSucc n => .ofNat (.succ n)

def Int.subNatNat (m n : Nat) : Int :=
  match n - m with
  | .zero => .ofNat (m - n)
  | .succ k => .negSucc k

@[extern "lean_int_add"] protected def Int.add : Int → Int → Int
  | .ofNat m, .ofNat n => .ofNat (m + n)
  | .ofNat m, .negSucc n => Int.subNatNat m (.succ n)
  | .negSucc m, .ofNat n => Int.subNatNat n (.succ m)
  | .negSucc m, .negSucc n => .negSucc (Nat.succ (m + n))

def Int.negOfNat : Nat → Int
  | .zero => .ofNat 0
  | .succ m => .negSucc m

@[extern "lean_int_mul"] protected def Int.mul : Int → Int → Int
  | .ofNat m, .ofNat n => .ofNat (m * n)
  | .ofNat m, .negSucc n => Int.negOfNat (m * Nat.succ n)
  | .negSucc m, .ofNat n => Int.negOfNat (Nat.succ m * n)
  | .negSucc m, .negSucc n => .ofNat (Nat.succ m * Nat.succ n)

@[extern "lean_int_sub"] protected def Int.sub (m n : Int) : Int := Int.add m (Int.neg n)

def Int.natAbs : Int → Nat
  | .ofNat m => m
  | .negSucc m => .succ m

def Int.toNat : Int → Nat
  | .ofNat n => n
  | .negSucc _ => 0

def Int.sign : Int → Int
  | .ofNat .zero => .ofNat 0
  | .ofNat (.succ _) => .ofNat 1
  | .negSucc _ => .negSucc 0

/-- Euclidean division, Lean's `/` on `Int` (`Int.ediv`). -/
@[extern "lean_int_ediv"] def Int.ediv : Int → Int → Int
  | .ofNat m, .ofNat n => .ofNat (m / n)
  | .ofNat m, .negSucc n => Int.neg (.ofNat (m / Nat.succ n))
  | .negSucc _, .ofNat .zero => .ofNat 0
  | .negSucc m, .ofNat (.succ n) => .negSucc (m / Nat.succ n)
  | .negSucc m, .negSucc n => .ofNat (.succ (m / Nat.succ n))

@[extern "lean_int_emod"] def Int.emod : Int → Int → Int
  | .ofNat m, n => .ofNat (m % Int.natAbs n)
  | .negSucc m, n => Int.subNatNat (Int.natAbs n) (Nat.succ (m % Int.natAbs n))

/-- Division rounding toward zero (`Int.tdiv`, C's `/`). -/
def Int.tdiv : Int → Int → Int
  | .ofNat m, .ofNat n => .ofNat (m / n)
  | .ofNat m, .negSucc n => Int.neg (.ofNat (m / Nat.succ n))
  | .negSucc m, .ofNat n => Int.neg (.ofNat (Nat.succ m / n))
  | .negSucc m, .negSucc n => .ofNat (Nat.succ m / Nat.succ n)

def Int.tmod : Int → Int → Int
  | .ofNat m, n => .ofNat (m % Int.natAbs n)
  | .negSucc m, n => Int.neg (.ofNat (Nat.succ m % Int.natAbs n))

instance Int.instNegInt : Neg Int := ⟨Int.neg⟩
instance Int.instAddInt : Add Int := ⟨Int.add⟩
instance Int.instSubInt : Sub Int := ⟨Int.sub⟩
instance Int.instMulInt : Mul Int := ⟨Int.mul⟩
instance Int.instDivInt : Div Int := ⟨Int.ediv⟩
instance Int.instModInt : Mod Int := ⟨Int.emod⟩

def Int.pow (m : Int) : Nat → Int
  | .zero => 1
  | .succ n => Int.mul (Int.pow m n) m

instance Int.instPowNat : Pow Int Nat := ⟨Int.pow⟩

def Int.isNegSuccBool : Int → Bool
  | .ofNat _ => false
  | .negSucc _ => true

def Int.decEq (a b : Int) : Decidable (Eq a b) :=
  match a, b with
  | .ofNat a, .ofNat b =>
    if h : a = b then isTrue (congrArg Int.ofNat h)
    else isFalse (fun h' => h (congrArg Int.natAbs h'))
  | .negSucc a, .negSucc b =>
    if h : a = b then isTrue (congrArg Int.negSucc h)
    else isFalse (fun h' => h (congrArg Nat.pred (congrArg Int.natAbs h')))
  | .ofNat _, .negSucc _ => isFalse (fun h => Bool.false_ne_true (congrArg Int.isNegSuccBool h))
  | .negSucc _, .ofNat _ => isFalse (fun h => Bool.false_ne_true (Eq.symm (congrArg Int.isNegSuccBool h)))

instance Int.instDecidableEq : DecidableEq Int := Int.decEq

/-- `a ≤ b` as a Boolean test (Lean defines `Int.le` through `Int.NonNeg`; ours through this test). -/
def Int.ble : Int → Int → Bool
  | .ofNat m, .ofNat n => Nat.ble m n
  | .ofNat _, .negSucc _ => false
  | .negSucc _, .ofNat _ => true
  | .negSucc m, .negSucc n => Nat.ble n m

protected def Int.le (a b : Int) : Prop := Eq (Int.ble a b) true
protected def Int.lt (a b : Int) : Prop := Int.le (a + 1) b

instance Int.instLEInt : LE Int := ⟨Int.le⟩
instance Int.instLTInt : LT Int := ⟨Int.lt⟩

instance Int.decLe (a b : Int) : Decidable (LE.le a b) := Bool.decEq (Int.ble a b) true
instance Int.decLt (a b : Int) : Decidable (LT.lt a b) := Bool.decEq (Int.ble (a + 1) b) true

instance instMinInt : Min Int := minOfLe
instance instMaxInt : Max Int := maxOfLe
instance instOrdInt : Ord Int := ⟨fun x y => compareOfLessAndEq x y⟩

@[extern "lean_int_to_string"] protected def Int.repr : Int → String
  | .ofNat m => Nat.repr m
  | .negSucc m => String.append "-" (Nat.repr (Nat.succ m))

instance instToStringInt : ToString Int := ⟨Int.repr⟩

@[coe] def Int.ofNat' (n : Nat) : Int := Int.ofNat n
def Nat.toInt (n : Nat) : Int := Int.ofNat n
def Int.toNat' : Int → Option Nat
  | .ofNat n => some n
  | .negSucc _ => none

/-! `Fin` -/

structure Fin (n : Nat) where
  mk ::
  val : Nat
  isLt : LT.lt val n

def Fin.ofNat' (n : Nat) (a : Nat) (h : GT.gt n 0) : Fin n := ⟨a % n, Nat.mod_lt a h⟩

/-- `a % (n+1)` as an element of `Fin (n+1)`. -/
def Fin.ofNat {n : Nat} (a : Nat) : Fin (n + 1) := ⟨a % (n + 1), Nat.mod_lt a (Nat.zero_lt_succ n)⟩

theorem Nat.le_trans {n m k : Nat} (h₁ : LE.le n m) (h₂ : LE.le m k) : LE.le n k :=
  Nat.le.rec (n := m) (motive := fun k _ => Nat.le n k) h₁ (fun _ ih => Nat.le.step ih) h₂

theorem Nat.lt_of_lt_of_le {n m k : Nat} (h₁ : LT.lt n m) (h₂ : LE.le m k) : LT.lt n k := Nat.le_trans h₁ h₂

theorem Fin.pos {n : Nat} (a : Fin n) : GT.gt n 0 := Nat.lt_of_lt_of_le (Nat.zero_lt_succ a.val) a.isLt

theorem Fin.eq_of_val_eq {n : Nat} : {i j : Fin n} → Eq i.val j.val → Eq i j
  | ⟨i, hi⟩, ⟨j, hj⟩, h =>
    (Eq.subst (motive := fun j => (hj : LT.lt j n) → Eq (Fin.mk i hi) (Fin.mk j hj)) h (fun _ => rfl)
      : (hj : LT.lt j n) → Eq (Fin.mk i hi) (Fin.mk j hj)) hj

def Fin.add {n : Nat} (a b : Fin n) : Fin n := ⟨(a.val + b.val) % n, Nat.mod_lt _ (Fin.pos a)⟩
def Fin.mul {n : Nat} (a b : Fin n) : Fin n := ⟨(a.val * b.val) % n, Nat.mod_lt _ (Fin.pos a)⟩
def Fin.sub {n : Nat} (a b : Fin n) : Fin n := ⟨(a.val + (n - b.val)) % n, Nat.mod_lt _ (Fin.pos a)⟩
def Fin.last (n : Nat) : Fin (n + 1) := ⟨n, Nat.le_refl (Nat.succ n)⟩
def Fin.toNat {n : Nat} (a : Fin n) : Nat := a.val

instance Fin.instAdd {n : Nat} : Add (Fin n) := ⟨Fin.add⟩
instance Fin.instMul {n : Nat} : Mul (Fin n) := ⟨Fin.mul⟩
instance Fin.instSub {n : Nat} : Sub (Fin n) := ⟨Fin.sub⟩
instance Fin.instLT {n : Nat} : LT (Fin n) := ⟨fun a b => LT.lt a.val b.val⟩
instance Fin.instLE {n : Nat} : LE (Fin n) := ⟨fun a b => LE.le a.val b.val⟩
instance Fin.decLt {n : Nat} (a b : Fin n) : Decidable (LT.lt a b) := Nat.decLt a.val b.val
instance Fin.decLe {n : Nat} (a b : Fin n) : Decidable (LE.le a b) := Nat.decLe a.val b.val

instance Fin.instOfNat {n : Nat} {i : Nat} : OfNat (Fin (n + 1)) i := ⟨Fin.ofNat i⟩
instance Fin.instInhabited {n : Nat} : Inhabited (Fin (n + 1)) := ⟨Fin.ofNat 0⟩
instance Fin.instToString {n : Nat} : ToString (Fin n) := ⟨fun a => Nat.repr a.val⟩

def Fin.decEq {n : Nat} (a b : Fin n) : Decidable (Eq a b) :=
  match a, b with
  | ⟨i, hi⟩, ⟨j, hj⟩ =>
    if h : i = j then isTrue (Fin.eq_of_val_eq h) else isFalse (fun h' => h (congrArg Fin.val h'))

instance Fin.instDecidableEq {n : Nat} : DecidableEq (Fin n) := Fin.decEq

/-! `UInt8` -/

def UInt8.size : Nat := 256

structure UInt8 where
  val : Fin UInt8.size

theorem UInt8.size_pos : GT.gt UInt8.size 0 := Nat.le_of_ble_eq_true rfl

@[extern "lean_uint8_of_nat"] def UInt8.ofNat (n : Nat) : UInt8 := ⟨Fin.ofNat' UInt8.size n UInt8.size_pos⟩
@[extern "lean_uint8_to_nat"] def UInt8.toNat (n : UInt8) : Nat := n.val.val
@[extern "lean_uint8_add"] def UInt8.add (a b : UInt8) : UInt8 := ⟨Fin.add a.val b.val⟩
@[extern "lean_uint8_sub"] def UInt8.sub (a b : UInt8) : UInt8 := ⟨Fin.sub a.val b.val⟩
@[extern "lean_uint8_mul"] def UInt8.mul (a b : UInt8) : UInt8 := ⟨Fin.mul a.val b.val⟩
@[extern "lean_uint8_div"] def UInt8.div (a b : UInt8) : UInt8 := UInt8.ofNat (a.toNat / b.toNat)
@[extern "lean_uint8_mod"] def UInt8.mod (a b : UInt8) : UInt8 := UInt8.ofNat (a.toNat % b.toNat)
@[extern "lean_uint8_land"] def UInt8.land (a b : UInt8) : UInt8 := UInt8.ofNat (Nat.land a.toNat b.toNat)
@[extern "lean_uint8_lor"] def UInt8.lor (a b : UInt8) : UInt8 := UInt8.ofNat (Nat.lor a.toNat b.toNat)
@[extern "lean_uint8_xor"] def UInt8.xor (a b : UInt8) : UInt8 := UInt8.ofNat (Nat.xor a.toNat b.toNat)
@[extern "lean_uint8_shift_left"] def UInt8.shiftLeft (a b : UInt8) : UInt8 := UInt8.ofNat (Nat.shiftLeft a.toNat (b.toNat % 8))
@[extern "lean_uint8_shift_right"] def UInt8.shiftRight (a b : UInt8) : UInt8 := UInt8.ofNat (Nat.shiftRight a.toNat (b.toNat % 8))
@[extern "lean_uint8_complement"] def UInt8.complement (a : UInt8) : UInt8 := UInt8.ofNat (UInt8.size - 1 - a.toNat)
@[extern "lean_uint8_log2"] def UInt8.log2 (a : UInt8) : UInt8 := UInt8.ofNat (Nat.log2 a.toNat)
def Nat.toUInt8 (n : Nat) : UInt8 := UInt8.ofNat n

instance UInt8.instOfNat {n : Nat} : OfNat UInt8 n := ⟨UInt8.ofNat n⟩
instance UInt8.instInhabited : Inhabited UInt8 := ⟨UInt8.ofNat 0⟩
instance UInt8.instAdd : Add UInt8 := ⟨UInt8.add⟩
instance UInt8.instSub : Sub UInt8 := ⟨UInt8.sub⟩
instance UInt8.instMul : Mul UInt8 := ⟨UInt8.mul⟩
instance UInt8.instDiv : Div UInt8 := ⟨UInt8.div⟩
instance UInt8.instMod : Mod UInt8 := ⟨UInt8.mod⟩
instance UInt8.instAndOp : AndOp UInt8 := ⟨UInt8.land⟩
instance UInt8.instOrOp : OrOp UInt8 := ⟨UInt8.lor⟩
instance UInt8.instXor : Xor UInt8 := ⟨UInt8.xor⟩
instance UInt8.instShiftLeft : ShiftLeft UInt8 := ⟨UInt8.shiftLeft⟩
instance UInt8.instShiftRight : ShiftRight UInt8 := ⟨UInt8.shiftRight⟩
instance UInt8.instComplement : Complement UInt8 := ⟨UInt8.complement⟩
instance UInt8.instLT : LT UInt8 := ⟨fun a b => LT.lt a.toNat b.toNat⟩
instance UInt8.instLE : LE UInt8 := ⟨fun a b => LE.le a.toNat b.toNat⟩
instance UInt8.decLt (a b : UInt8) : Decidable (LT.lt a b) := Nat.decLt a.toNat b.toNat
instance UInt8.decLe (a b : UInt8) : Decidable (LE.le a b) := Nat.decLe a.toNat b.toNat

theorem UInt8.eq_of_toNat_eq : {a b : UInt8} → Eq a.toNat b.toNat → Eq a b
  | ⟨_⟩, ⟨_⟩, h => congrArg UInt8.mk (Fin.eq_of_val_eq h)

@[extern "lean_uint8_dec_eq"] def UInt8.decEq (a b : UInt8) : Decidable (Eq a b) :=
  if h : a.toNat = b.toNat then isTrue (UInt8.eq_of_toNat_eq h) else isFalse (fun h' => h (congrArg UInt8.toNat h'))

instance UInt8.instDecidableEq : DecidableEq UInt8 := UInt8.decEq
instance UInt8.instToString : ToString UInt8 := ⟨fun a => Nat.repr a.toNat⟩
instance UInt8.instOrd : Ord UInt8 := ⟨fun a b => compareOfLessAndEq a b⟩
instance UInt8.instMax : Max UInt8 := maxOfLe
instance UInt8.instMin : Min UInt8 := minOfLe

/-! `UInt16` -/

def UInt16.size : Nat := 65536

structure UInt16 where
  val : Fin UInt16.size

theorem UInt16.size_pos : GT.gt UInt16.size 0 := Nat.le_of_ble_eq_true rfl

@[extern "lean_uint16_of_nat"] def UInt16.ofNat (n : Nat) : UInt16 := ⟨Fin.ofNat' UInt16.size n UInt16.size_pos⟩
@[extern "lean_uint16_to_nat"] def UInt16.toNat (n : UInt16) : Nat := n.val.val
@[extern "lean_uint16_add"] def UInt16.add (a b : UInt16) : UInt16 := ⟨Fin.add a.val b.val⟩
@[extern "lean_uint16_sub"] def UInt16.sub (a b : UInt16) : UInt16 := ⟨Fin.sub a.val b.val⟩
@[extern "lean_uint16_mul"] def UInt16.mul (a b : UInt16) : UInt16 := ⟨Fin.mul a.val b.val⟩
@[extern "lean_uint16_div"] def UInt16.div (a b : UInt16) : UInt16 := UInt16.ofNat (a.toNat / b.toNat)
@[extern "lean_uint16_mod"] def UInt16.mod (a b : UInt16) : UInt16 := UInt16.ofNat (a.toNat % b.toNat)
@[extern "lean_uint16_land"] def UInt16.land (a b : UInt16) : UInt16 := UInt16.ofNat (Nat.land a.toNat b.toNat)
@[extern "lean_uint16_lor"] def UInt16.lor (a b : UInt16) : UInt16 := UInt16.ofNat (Nat.lor a.toNat b.toNat)
@[extern "lean_uint16_xor"] def UInt16.xor (a b : UInt16) : UInt16 := UInt16.ofNat (Nat.xor a.toNat b.toNat)
@[extern "lean_uint16_shift_left"] def UInt16.shiftLeft (a b : UInt16) : UInt16 := UInt16.ofNat (Nat.shiftLeft a.toNat (b.toNat % 16))
@[extern "lean_uint16_shift_right"] def UInt16.shiftRight (a b : UInt16) : UInt16 := UInt16.ofNat (Nat.shiftRight a.toNat (b.toNat % 16))
@[extern "lean_uint16_complement"] def UInt16.complement (a : UInt16) : UInt16 := UInt16.ofNat (UInt16.size - 1 - a.toNat)
@[extern "lean_uint16_log2"] def UInt16.log2 (a : UInt16) : UInt16 := UInt16.ofNat (Nat.log2 a.toNat)
def Nat.toUInt16 (n : Nat) : UInt16 := UInt16.ofNat n

instance UInt16.instOfNat {n : Nat} : OfNat UInt16 n := ⟨UInt16.ofNat n⟩
instance UInt16.instInhabited : Inhabited UInt16 := ⟨UInt16.ofNat 0⟩
instance UInt16.instAdd : Add UInt16 := ⟨UInt16.add⟩
instance UInt16.instSub : Sub UInt16 := ⟨UInt16.sub⟩
instance UInt16.instMul : Mul UInt16 := ⟨UInt16.mul⟩
instance UInt16.instDiv : Div UInt16 := ⟨UInt16.div⟩
instance UInt16.instMod : Mod UInt16 := ⟨UInt16.mod⟩
instance UInt16.instAndOp : AndOp UInt16 := ⟨UInt16.land⟩
instance UInt16.instOrOp : OrOp UInt16 := ⟨UInt16.lor⟩
instance UInt16.instXor : Xor UInt16 := ⟨UInt16.xor⟩
instance UInt16.instShiftLeft : ShiftLeft UInt16 := ⟨UInt16.shiftLeft⟩
instance UInt16.instShiftRight : ShiftRight UInt16 := ⟨UInt16.shiftRight⟩
instance UInt16.instComplement : Complement UInt16 := ⟨UInt16.complement⟩
instance UInt16.instLT : LT UInt16 := ⟨fun a b => LT.lt a.toNat b.toNat⟩
instance UInt16.instLE : LE UInt16 := ⟨fun a b => LE.le a.toNat b.toNat⟩
instance UInt16.decLt (a b : UInt16) : Decidable (LT.lt a b) := Nat.decLt a.toNat b.toNat
instance UInt16.decLe (a b : UInt16) : Decidable (LE.le a b) := Nat.decLe a.toNat b.toNat

theorem UInt16.eq_of_toNat_eq : {a b : UInt16} → Eq a.toNat b.toNat → Eq a b
  | ⟨_⟩, ⟨_⟩, h => congrArg UInt16.mk (Fin.eq_of_val_eq h)

@[extern "lean_uint16_dec_eq"] def UInt16.decEq (a b : UInt16) : Decidable (Eq a b) :=
  if h : a.toNat = b.toNat then isTrue (UInt16.eq_of_toNat_eq h) else isFalse (fun h' => h (congrArg UInt16.toNat h'))

instance UInt16.instDecidableEq : DecidableEq UInt16 := UInt16.decEq
instance UInt16.instToString : ToString UInt16 := ⟨fun a => Nat.repr a.toNat⟩
instance UInt16.instOrd : Ord UInt16 := ⟨fun a b => compareOfLessAndEq a b⟩
instance UInt16.instMax : Max UInt16 := maxOfLe
instance UInt16.instMin : Min UInt16 := minOfLe

/-! `UInt32` -/

def UInt32.size : Nat := 4294967296

structure UInt32 where
  val : Fin UInt32.size

theorem UInt32.size_pos : GT.gt UInt32.size 0 := Nat.le_of_ble_eq_true rfl

@[extern "lean_uint32_of_nat"] def UInt32.ofNat (n : Nat) : UInt32 := ⟨Fin.ofNat' UInt32.size n UInt32.size_pos⟩
@[extern "lean_uint32_to_nat"] def UInt32.toNat (n : UInt32) : Nat := n.val.val
@[extern "lean_uint32_add"] def UInt32.add (a b : UInt32) : UInt32 := ⟨Fin.add a.val b.val⟩
@[extern "lean_uint32_sub"] def UInt32.sub (a b : UInt32) : UInt32 := ⟨Fin.sub a.val b.val⟩
@[extern "lean_uint32_mul"] def UInt32.mul (a b : UInt32) : UInt32 := ⟨Fin.mul a.val b.val⟩
@[extern "lean_uint32_div"] def UInt32.div (a b : UInt32) : UInt32 := UInt32.ofNat (a.toNat / b.toNat)
@[extern "lean_uint32_mod"] def UInt32.mod (a b : UInt32) : UInt32 := UInt32.ofNat (a.toNat % b.toNat)
@[extern "lean_uint32_land"] def UInt32.land (a b : UInt32) : UInt32 := UInt32.ofNat (Nat.land a.toNat b.toNat)
@[extern "lean_uint32_lor"] def UInt32.lor (a b : UInt32) : UInt32 := UInt32.ofNat (Nat.lor a.toNat b.toNat)
@[extern "lean_uint32_xor"] def UInt32.xor (a b : UInt32) : UInt32 := UInt32.ofNat (Nat.xor a.toNat b.toNat)
@[extern "lean_uint32_shift_left"] def UInt32.shiftLeft (a b : UInt32) : UInt32 := UInt32.ofNat (Nat.shiftLeft a.toNat (b.toNat % 32))
@[extern "lean_uint32_shift_right"] def UInt32.shiftRight (a b : UInt32) : UInt32 := UInt32.ofNat (Nat.shiftRight a.toNat (b.toNat % 32))
@[extern "lean_uint32_complement"] def UInt32.complement (a : UInt32) : UInt32 := UInt32.ofNat (UInt32.size - 1 - a.toNat)
@[extern "lean_uint32_log2"] def UInt32.log2 (a : UInt32) : UInt32 := UInt32.ofNat (Nat.log2 a.toNat)
def Nat.toUInt32 (n : Nat) : UInt32 := UInt32.ofNat n

instance UInt32.instOfNat {n : Nat} : OfNat UInt32 n := ⟨UInt32.ofNat n⟩
instance UInt32.instInhabited : Inhabited UInt32 := ⟨UInt32.ofNat 0⟩
instance UInt32.instAdd : Add UInt32 := ⟨UInt32.add⟩
instance UInt32.instSub : Sub UInt32 := ⟨UInt32.sub⟩
instance UInt32.instMul : Mul UInt32 := ⟨UInt32.mul⟩
instance UInt32.instDiv : Div UInt32 := ⟨UInt32.div⟩
instance UInt32.instMod : Mod UInt32 := ⟨UInt32.mod⟩
instance UInt32.instAndOp : AndOp UInt32 := ⟨UInt32.land⟩
instance UInt32.instOrOp : OrOp UInt32 := ⟨UInt32.lor⟩
instance UInt32.instXor : Xor UInt32 := ⟨UInt32.xor⟩
instance UInt32.instShiftLeft : ShiftLeft UInt32 := ⟨UInt32.shiftLeft⟩
instance UInt32.instShiftRight : ShiftRight UInt32 := ⟨UInt32.shiftRight⟩
instance UInt32.instComplement : Complement UInt32 := ⟨UInt32.complement⟩
instance UInt32.instLT : LT UInt32 := ⟨fun a b => LT.lt a.toNat b.toNat⟩
instance UInt32.instLE : LE UInt32 := ⟨fun a b => LE.le a.toNat b.toNat⟩
instance UInt32.decLt (a b : UInt32) : Decidable (LT.lt a b) := Nat.decLt a.toNat b.toNat
instance UInt32.decLe (a b : UInt32) : Decidable (LE.le a b) := Nat.decLe a.toNat b.toNat

theorem UInt32.eq_of_toNat_eq : {a b : UInt32} → Eq a.toNat b.toNat → Eq a b
  | ⟨_⟩, ⟨_⟩, h => congrArg UInt32.mk (Fin.eq_of_val_eq h)

@[extern "lean_uint32_dec_eq"] def UInt32.decEq (a b : UInt32) : Decidable (Eq a b) :=
  if h : a.toNat = b.toNat then isTrue (UInt32.eq_of_toNat_eq h) else isFalse (fun h' => h (congrArg UInt32.toNat h'))

instance UInt32.instDecidableEq : DecidableEq UInt32 := UInt32.decEq
instance UInt32.instToString : ToString UInt32 := ⟨fun a => Nat.repr a.toNat⟩
instance UInt32.instOrd : Ord UInt32 := ⟨fun a b => compareOfLessAndEq a b⟩
instance UInt32.instMax : Max UInt32 := maxOfLe
instance UInt32.instMin : Min UInt32 := minOfLe

/-! `UInt64` -/

def UInt64.size : Nat := 18446744073709551616

structure UInt64 where
  val : Fin UInt64.size

theorem UInt64.size_pos : GT.gt UInt64.size 0 := Nat.le_of_ble_eq_true rfl

@[extern "lean_uint64_of_nat"] def UInt64.ofNat (n : Nat) : UInt64 := ⟨Fin.ofNat' UInt64.size n UInt64.size_pos⟩
@[extern "lean_uint64_to_nat"] def UInt64.toNat (n : UInt64) : Nat := n.val.val
@[extern "lean_uint64_add"] def UInt64.add (a b : UInt64) : UInt64 := ⟨Fin.add a.val b.val⟩
@[extern "lean_uint64_sub"] def UInt64.sub (a b : UInt64) : UInt64 := ⟨Fin.sub a.val b.val⟩
@[extern "lean_uint64_mul"] def UInt64.mul (a b : UInt64) : UInt64 := ⟨Fin.mul a.val b.val⟩
@[extern "lean_uint64_div"] def UInt64.div (a b : UInt64) : UInt64 := UInt64.ofNat (a.toNat / b.toNat)
@[extern "lean_uint64_mod"] def UInt64.mod (a b : UInt64) : UInt64 := UInt64.ofNat (a.toNat % b.toNat)
@[extern "lean_uint64_land"] def UInt64.land (a b : UInt64) : UInt64 := UInt64.ofNat (Nat.land a.toNat b.toNat)
@[extern "lean_uint64_lor"] def UInt64.lor (a b : UInt64) : UInt64 := UInt64.ofNat (Nat.lor a.toNat b.toNat)
@[extern "lean_uint64_xor"] def UInt64.xor (a b : UInt64) : UInt64 := UInt64.ofNat (Nat.xor a.toNat b.toNat)
@[extern "lean_uint64_shift_left"] def UInt64.shiftLeft (a b : UInt64) : UInt64 := UInt64.ofNat (Nat.shiftLeft a.toNat (b.toNat % 64))
@[extern "lean_uint64_shift_right"] def UInt64.shiftRight (a b : UInt64) : UInt64 := UInt64.ofNat (Nat.shiftRight a.toNat (b.toNat % 64))
@[extern "lean_uint64_complement"] def UInt64.complement (a : UInt64) : UInt64 := UInt64.ofNat (UInt64.size - 1 - a.toNat)
@[extern "lean_uint64_log2"] def UInt64.log2 (a : UInt64) : UInt64 := UInt64.ofNat (Nat.log2 a.toNat)
def Nat.toUInt64 (n : Nat) : UInt64 := UInt64.ofNat n

instance UInt64.instOfNat {n : Nat} : OfNat UInt64 n := ⟨UInt64.ofNat n⟩
instance UInt64.instInhabited : Inhabited UInt64 := ⟨UInt64.ofNat 0⟩
instance UInt64.instAdd : Add UInt64 := ⟨UInt64.add⟩
instance UInt64.instSub : Sub UInt64 := ⟨UInt64.sub⟩
instance UInt64.instMul : Mul UInt64 := ⟨UInt64.mul⟩
instance UInt64.instDiv : Div UInt64 := ⟨UInt64.div⟩
instance UInt64.instMod : Mod UInt64 := ⟨UInt64.mod⟩
instance UInt64.instAndOp : AndOp UInt64 := ⟨UInt64.land⟩
instance UInt64.instOrOp : OrOp UInt64 := ⟨UInt64.lor⟩
instance UInt64.instXor : Xor UInt64 := ⟨UInt64.xor⟩
instance UInt64.instShiftLeft : ShiftLeft UInt64 := ⟨UInt64.shiftLeft⟩
instance UInt64.instShiftRight : ShiftRight UInt64 := ⟨UInt64.shiftRight⟩
instance UInt64.instComplement : Complement UInt64 := ⟨UInt64.complement⟩
instance UInt64.instLT : LT UInt64 := ⟨fun a b => LT.lt a.toNat b.toNat⟩
instance UInt64.instLE : LE UInt64 := ⟨fun a b => LE.le a.toNat b.toNat⟩
instance UInt64.decLt (a b : UInt64) : Decidable (LT.lt a b) := Nat.decLt a.toNat b.toNat
instance UInt64.decLe (a b : UInt64) : Decidable (LE.le a b) := Nat.decLe a.toNat b.toNat

theorem UInt64.eq_of_toNat_eq : {a b : UInt64} → Eq a.toNat b.toNat → Eq a b
  | ⟨_⟩, ⟨_⟩, h => congrArg UInt64.mk (Fin.eq_of_val_eq h)

@[extern "lean_uint64_dec_eq"] def UInt64.decEq (a b : UInt64) : Decidable (Eq a b) :=
  if h : a.toNat = b.toNat then isTrue (UInt64.eq_of_toNat_eq h) else isFalse (fun h' => h (congrArg UInt64.toNat h'))

instance UInt64.instDecidableEq : DecidableEq UInt64 := UInt64.decEq
instance UInt64.instToString : ToString UInt64 := ⟨fun a => Nat.repr a.toNat⟩
instance UInt64.instOrd : Ord UInt64 := ⟨fun a b => compareOfLessAndEq a b⟩
instance UInt64.instMax : Max UInt64 := maxOfLe
instance UInt64.instMin : Min UInt64 := minOfLe

/-! `USize` -/

def USize.size : Nat := 18446744073709551616

structure USize where
  val : Fin USize.size

theorem USize.size_pos : GT.gt USize.size 0 := Nat.le_of_ble_eq_true rfl

@[extern "lean_usize_of_nat"] def USize.ofNat (n : Nat) : USize := ⟨Fin.ofNat' USize.size n USize.size_pos⟩
@[extern "lean_usize_to_nat"] def USize.toNat (n : USize) : Nat := n.val.val
@[extern "lean_usize_add"] def USize.add (a b : USize) : USize := ⟨Fin.add a.val b.val⟩
@[extern "lean_usize_sub"] def USize.sub (a b : USize) : USize := ⟨Fin.sub a.val b.val⟩
@[extern "lean_usize_mul"] def USize.mul (a b : USize) : USize := ⟨Fin.mul a.val b.val⟩
@[extern "lean_usize_div"] def USize.div (a b : USize) : USize := USize.ofNat (a.toNat / b.toNat)
@[extern "lean_usize_mod"] def USize.mod (a b : USize) : USize := USize.ofNat (a.toNat % b.toNat)
@[extern "lean_usize_land"] def USize.land (a b : USize) : USize := USize.ofNat (Nat.land a.toNat b.toNat)
@[extern "lean_usize_lor"] def USize.lor (a b : USize) : USize := USize.ofNat (Nat.lor a.toNat b.toNat)
@[extern "lean_usize_xor"] def USize.xor (a b : USize) : USize := USize.ofNat (Nat.xor a.toNat b.toNat)
@[extern "lean_usize_shift_left"] def USize.shiftLeft (a b : USize) : USize := USize.ofNat (Nat.shiftLeft a.toNat (b.toNat % 64))
@[extern "lean_usize_shift_right"] def USize.shiftRight (a b : USize) : USize := USize.ofNat (Nat.shiftRight a.toNat (b.toNat % 64))
@[extern "lean_usize_complement"] def USize.complement (a : USize) : USize := USize.ofNat (USize.size - 1 - a.toNat)
@[extern "lean_usize_log2"] def USize.log2 (a : USize) : USize := USize.ofNat (Nat.log2 a.toNat)
def Nat.toUSize (n : Nat) : USize := USize.ofNat n

instance USize.instOfNat {n : Nat} : OfNat USize n := ⟨USize.ofNat n⟩
instance USize.instInhabited : Inhabited USize := ⟨USize.ofNat 0⟩
instance USize.instAdd : Add USize := ⟨USize.add⟩
instance USize.instSub : Sub USize := ⟨USize.sub⟩
instance USize.instMul : Mul USize := ⟨USize.mul⟩
instance USize.instDiv : Div USize := ⟨USize.div⟩
instance USize.instMod : Mod USize := ⟨USize.mod⟩
instance USize.instAndOp : AndOp USize := ⟨USize.land⟩
instance USize.instOrOp : OrOp USize := ⟨USize.lor⟩
instance USize.instXor : Xor USize := ⟨USize.xor⟩
instance USize.instShiftLeft : ShiftLeft USize := ⟨USize.shiftLeft⟩
instance USize.instShiftRight : ShiftRight USize := ⟨USize.shiftRight⟩
instance USize.instComplement : Complement USize := ⟨USize.complement⟩
instance USize.instLT : LT USize := ⟨fun a b => LT.lt a.toNat b.toNat⟩
instance USize.instLE : LE USize := ⟨fun a b => LE.le a.toNat b.toNat⟩
instance USize.decLt (a b : USize) : Decidable (LT.lt a b) := Nat.decLt a.toNat b.toNat
instance USize.decLe (a b : USize) : Decidable (LE.le a b) := Nat.decLe a.toNat b.toNat

theorem USize.eq_of_toNat_eq : {a b : USize} → Eq a.toNat b.toNat → Eq a b
  | ⟨_⟩, ⟨_⟩, h => congrArg USize.mk (Fin.eq_of_val_eq h)

@[extern "lean_usize_dec_eq"] def USize.decEq (a b : USize) : Decidable (Eq a b) :=
  if h : a.toNat = b.toNat then isTrue (USize.eq_of_toNat_eq h) else isFalse (fun h' => h (congrArg USize.toNat h'))

instance USize.instDecidableEq : DecidableEq USize := USize.decEq
instance USize.instToString : ToString USize := ⟨fun a => Nat.repr a.toNat⟩
instance USize.instOrd : Ord USize := ⟨fun a b => compareOfLessAndEq a b⟩
instance USize.instMax : Max USize := maxOfLe
instance USize.instMin : Min USize := minOfLe

/-! Conversions between the fixed-width types -/

@[extern "lean_uint8_to_uint8"] def UInt8.toUInt8 (a : UInt8) : UInt8 := UInt8.ofNat a.toNat
@[extern "lean_uint8_to_uint16"] def UInt8.toUInt16 (a : UInt8) : UInt16 := UInt16.ofNat a.toNat
@[extern "lean_uint8_to_uint32"] def UInt8.toUInt32 (a : UInt8) : UInt32 := UInt32.ofNat a.toNat
@[extern "lean_uint8_to_uint64"] def UInt8.toUInt64 (a : UInt8) : UInt64 := UInt64.ofNat a.toNat
@[extern "lean_uint8_to_usize"] def UInt8.toUSize (a : UInt8) : USize := USize.ofNat a.toNat
@[extern "lean_uint16_to_uint8"] def UInt16.toUInt8 (a : UInt16) : UInt8 := UInt8.ofNat a.toNat
@[extern "lean_uint16_to_uint16"] def UInt16.toUInt16 (a : UInt16) : UInt16 := UInt16.ofNat a.toNat
@[extern "lean_uint16_to_uint32"] def UInt16.toUInt32 (a : UInt16) : UInt32 := UInt32.ofNat a.toNat
@[extern "lean_uint16_to_uint64"] def UInt16.toUInt64 (a : UInt16) : UInt64 := UInt64.ofNat a.toNat
@[extern "lean_uint16_to_usize"] def UInt16.toUSize (a : UInt16) : USize := USize.ofNat a.toNat
@[extern "lean_uint32_to_uint8"] def UInt32.toUInt8 (a : UInt32) : UInt8 := UInt8.ofNat a.toNat
@[extern "lean_uint32_to_uint16"] def UInt32.toUInt16 (a : UInt32) : UInt16 := UInt16.ofNat a.toNat
@[extern "lean_uint32_to_uint32"] def UInt32.toUInt32 (a : UInt32) : UInt32 := UInt32.ofNat a.toNat
@[extern "lean_uint32_to_uint64"] def UInt32.toUInt64 (a : UInt32) : UInt64 := UInt64.ofNat a.toNat
@[extern "lean_uint32_to_usize"] def UInt32.toUSize (a : UInt32) : USize := USize.ofNat a.toNat
@[extern "lean_uint64_to_uint8"] def UInt64.toUInt8 (a : UInt64) : UInt8 := UInt8.ofNat a.toNat
@[extern "lean_uint64_to_uint16"] def UInt64.toUInt16 (a : UInt64) : UInt16 := UInt16.ofNat a.toNat
@[extern "lean_uint64_to_uint32"] def UInt64.toUInt32 (a : UInt64) : UInt32 := UInt32.ofNat a.toNat
@[extern "lean_uint64_to_uint64"] def UInt64.toUInt64 (a : UInt64) : UInt64 := UInt64.ofNat a.toNat
@[extern "lean_uint64_to_usize"] def UInt64.toUSize (a : UInt64) : USize := USize.ofNat a.toNat
@[extern "lean_usize_to_uint8"] def USize.toUInt8 (a : USize) : UInt8 := UInt8.ofNat a.toNat
@[extern "lean_usize_to_uint16"] def USize.toUInt16 (a : USize) : UInt16 := UInt16.ofNat a.toNat
@[extern "lean_usize_to_uint32"] def USize.toUInt32 (a : USize) : UInt32 := UInt32.ofNat a.toNat
@[extern "lean_usize_to_uint64"] def USize.toUInt64 (a : USize) : UInt64 := UInt64.ofNat a.toNat
@[extern "lean_usize_to_usize"] def USize.toUSize (a : USize) : USize := USize.ofNat a.toNat

@[extern "lean_uint32_of_nat"] def Char.toUInt32 (c : Char) : UInt32 := UInt32.ofNat c.val
@[extern "lean_uint8_of_nat"] def Char.toUInt8 (c : Char) : UInt8 := UInt8.ofNat c.val
def UInt32.toChar (n : UInt32) : Char := Char.ofNat n.toNat
def UInt8.toChar (n : UInt8) : Char := Char.ofNat n.toNat

/-- `b₁ || b₂` evaluating both sides (no short circuit). -/
@[extern "lean_strict_or"] def strictOr (b₁ b₂ : Bool) : Bool := or b₁ b₂
/-- `b₁ && b₂` evaluating both sides (no short circuit). -/
@[extern "lean_strict_and"] def strictAnd (b₁ b₂ : Bool) : Bool := and b₁ b₂

/-! `Lean.Name` (hierarchical names, as in Lean's `Init/Prelude.lean`) -/

inductive Lean.Name where
  | anonymous : Lean.Name
  | str (pre : Lean.Name) (str : String) : Lean.Name
  | num (pre : Lean.Name) (i : Nat) : Lean.Name

instance Lean.Name.instInhabited : Inhabited Lean.Name := ⟨Lean.Name.anonymous⟩
def Lean.Name.mkSimple (s : String) : Lean.Name := Lean.Name.str Lean.Name.anonymous s
