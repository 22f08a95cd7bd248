/-!
nleanjit's prelude, part 7: `Float` (IEEE 754 binary64), `OfScientific` and scientific literals.

Our own text with the names and signatures of Lean 4's `Init/Data/Float.lean` and
`Init/Data/OfScientific.lean`. As in Lean, the kernel knows nothing of floating-point values:
`Float` wraps the opaque `floatSpec.float` and every operation is an `@[extern]` opaque
constant (its value here is a placeholder the kernel cannot look through).
-/
universe u

structure FloatSpec where
  float : Type
  val : float
  lt : float → float → Prop
  le : float → float → Prop
  decLt : DecidableRel lt
  decLe : DecidableRel le

opaque floatSpec : FloatSpec := {
  float := Unit, val := (), lt := fun _ _ => True, le := fun _ _ => True,
  decLt := fun _ _ => instDecidableTrue, decLe := fun _ _ => instDecidableTrue }

structure Float where
  val : floatSpec.float

instance instInhabitedFloat : Inhabited Float := ⟨⟨floatSpec.val⟩⟩

class OfScientific (α : Type u) where
  ofScientific (mantissa : Nat) (exponentSign : Bool) (decimalExponent : Nat) : α

@[extern "lean_float_add"] opaque Float.add : Float → Float → Float := fun a _ => a
@[extern "lean_float_sub"] opaque Float.sub : Float → Float → Float := fun a _ => a
@[extern "lean_float_mul"] opaque Float.mul : Float → Float → Float := fun a _ => a
@[extern "lean_float_div"] opaque Float.div : Float → Float → Float := fun a _ => a
@[extern "lean_float_negate"] opaque Float.neg : Float → Float := fun a => a
@[extern "pow"] opaque Float.pow : Float → Float → Float := fun a _ => a
@[extern "sqrt"] opaque Float.sqrt : Float → Float := fun a => a
@[extern "exp"] opaque Float.exp : Float → Float := fun a => a
@[extern "log"] opaque Float.log : Float → Float := fun a => a
@[extern "sin"] opaque Float.sin : Float → Float := fun a => a
@[extern "cos"] opaque Float.cos : Float → Float := fun a => a
@[extern "fabs"] opaque Float.abs : Float → Float := fun a => a
@[extern "floor"] opaque Float.floor : Float → Float := fun a => a
@[extern "ceil"] opaque Float.ceil : Float → Float := fun a => a
@[extern "round"] opaque Float.round : Float → Float := fun a => a
@[extern "lean_float_of_nat"] opaque Float.ofNat : Nat → Float := fun _ => default
@[extern "lean_float_of_scientific"] opaque Float.ofScientific (m : Nat) (s : Bool) (e : Nat) : Float := default
@[extern "lean_float_to_string"] opaque Float.toString : Float → String := fun _ => ""
@[extern "lean_float_beq"] opaque Float.beq : Float → Float → Bool := fun _ _ => true
@[extern "lean_float_decLt"] opaque Float.blt : Float → Float → Bool := fun _ _ => false
@[extern "lean_float_decLe"] opaque Float.ble : Float → Float → Bool := fun _ _ => true
@[extern "lean_float_isnan"] opaque Float.isNaN : Float → Bool := fun _ => false
@[extern "lean_float_isinf"] opaque Float.isInf : Float → Bool := fun _ => false
@[extern "lean_float_isfinite"] opaque Float.isFinite : Float → Bool := fun _ => true
@[extern "lean_float_frexp"] opaque Float.frExp : Float → Float × Int := fun a => (a, 0)
@[extern "lean_float_to_uint8"] opaque Float.toUInt8 : Float → UInt8 := fun _ => 0
@[extern "lean_float_to_uint16"] opaque Float.toUInt16 : Float → UInt16 := fun _ => 0
@[extern "lean_float_to_uint32"] opaque Float.toUInt32 : Float → UInt32 := fun _ => 0
@[extern "lean_float_to_uint64"] opaque Float.toUInt64 : Float → UInt64 := fun _ => 0
@[extern "lean_float_to_usize"] opaque Float.toUSize : Float → USize := fun _ => 0
def UInt64.toFloat (n : UInt64) : Float := Float.ofNat n.toNat
@[extern "lean_float_to_bits"] opaque Float.toBits : Float → UInt64 := fun _ => 0

def Float.ofInt : Int → Float
  | Int.ofNat n => Float.ofNat n
  | Int.negSucc n => Float.neg (Float.ofNat (Nat.succ n))

def Nat.toFloat (n : Nat) : Float := Float.ofNat n
def Int.toFloat (n : Int) : Float := Float.ofInt n
def Float.nan : Float := Float.div (Float.ofNat 0) (Float.ofNat 0)
def Float.inf : Float := Float.div (Float.ofNat 1) (Float.ofNat 0)

instance instOfNatFloat {n : Nat} : OfNat Float n := ⟨Float.ofNat n⟩
@[default_instance] instance instOfScientificFloat : OfScientific Float := ⟨Float.ofScientific⟩
instance instAddFloat : Add Float := ⟨Float.add⟩
instance instSubFloat : Sub Float := ⟨Float.sub⟩
instance instMulFloat : Mul Float := ⟨Float.mul⟩
instance instDivFloat : Div Float := ⟨Float.div⟩
instance instNegFloat : Neg Float := ⟨Float.neg⟩
instance instPowFloat : Pow Float Float := ⟨Float.pow⟩
instance instBEqFloat : BEq Float := ⟨Float.beq⟩
instance instLTFloat : LT Float := ⟨fun a b => Eq (Float.blt a b) true⟩
instance instLEFloat : LE Float := ⟨fun a b => Eq (Float.ble a b) true⟩
instance Float.decLt (a b : Float) : Decidable (LT.lt a b) := Bool.decEq (Float.blt a b) true
instance Float.decLe (a b : Float) : Decidable (LE.le a b) := Bool.decEq (Float.ble a b) true
instance instToStringFloat : ToString Float := ⟨Float.toString⟩
instance instReprFloat : Repr Float := ⟨fun f _ => Std.Format.text (Float.toString f)⟩
instance instMinFloat : Min Float := minOfLe
instance instMaxFloat : Max Float := maxOfLe

/-! `FloatArray` (Lean's runtime has a packed representation) -/

structure FloatArray where
  data : Array Float

attribute [extern "lean_float_array_mk"] FloatArray.mk
attribute [extern "lean_float_array_data"] FloatArray.data

def FloatArray.empty : FloatArray := ⟨Array.empty⟩
def FloatArray.mkEmpty (c : Nat) : FloatArray := ⟨Array.empty⟩
instance FloatArray.instInhabited : Inhabited FloatArray := ⟨FloatArray.empty⟩
@[extern "lean_float_array_size"] def FloatArray.size (a : FloatArray) : Nat := a.data.size
@[extern "lean_float_array_push"] def FloatArray.push (a : FloatArray) (b : Float) : FloatArray := ⟨a.data.push b⟩
@[extern "lean_float_array_get"] def FloatArray.get! (a : FloatArray) (i : Nat) : Float := a.data.get! i
@[extern "lean_float_array_set"] def FloatArray.set! (a : FloatArray) (i : Nat) (b : Float) : FloatArray := ⟨a.data.set! i b⟩
def FloatArray.toList (a : FloatArray) : List Float := a.data.toList
def FloatArray.isEmpty (a : FloatArray) : Bool := a.data.isEmpty
instance FloatArray.instBEq : BEq FloatArray := ⟨fun a b => BEq.beq a.data b.data⟩
instance FloatArray.instGetElem? : GetElem? FloatArray Nat Float (fun a i => LT.lt i a.size) where
  getElem a i h := a.data.get ⟨i, h⟩
  getElem? a i := a.data.get? i
  getElem! a i := a.data.get! i

