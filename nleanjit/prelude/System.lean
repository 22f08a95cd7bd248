/-!
nleanjit's prelude, part 6: `EStateM`, `EIO`/`BaseIO`/`IO`, the standard streams, `IO.Ref`,
`IO.Error`, `panic`.

Our own text with the names and signatures of Lean 4's `Init/Prelude.lean` (`EStateM`),
`Init/System/IO.lean`, `Init/System/IOError.lean` and `Init/System/ST.lean`. The primitives
are `@[extern]` opaque constants: the kernel sees a world-passing state monad and knows
nothing of what the primitives do; the compiler's runtime implements them.
-/
universe u v w

inductive EStateM.Result (ε σ α : Type u) where
  | ok : α → σ → EStateM.Result ε σ α
  | error : ε → σ → EStateM.Result ε σ α

instance EStateM.Result.instInhabited {ε σ α : Type u} [Inhabited ε] [Inhabited σ] : Inhabited (EStateM.Result ε σ α) :=
  ⟨EStateM.Result.error default default⟩

def EStateM (ε σ α : Type u) : Type u := σ → EStateM.Result ε σ α

namespace EStateM

variable {ε σ α β : Type u}

@[always_inline, inline] protected def pure (a : α) : EStateM ε σ α := fun s => Result.ok a s

@[always_inline, inline] protected def bind (x : EStateM ε σ α) (f : α → EStateM ε σ β) : EStateM ε σ β := fun s =>
  match x s with
  | Result.ok a s => f a s
  | Result.error e s => Result.error e s

@[always_inline, inline] protected def throw (e : ε) : EStateM ε σ α := fun s => Result.error e s

@[always_inline, inline] protected def tryCatch (x : EStateM ε σ α) (handle : ε → EStateM ε σ α) : EStateM ε σ α := fun s =>
  match x s with
  | Result.error e s => handle e s
  | Result.ok a s => Result.ok a s

@[always_inline, inline] protected def get : EStateM ε σ σ := fun s => Result.ok s s
@[always_inline, inline] protected def set (s : σ) : EStateM ε σ PUnit := fun _ => Result.ok PUnit.unit s

@[always_inline, inline] def run (x : EStateM ε σ α) (s : σ) : Result ε σ α := x s

end EStateM

instance EStateM.instMonad {ε σ : Type u} : Monad (EStateM ε σ) := Monad.mk' EStateM.pure EStateM.bind
instance EStateM.instMonadExceptOf {ε σ : Type u} : MonadExceptOf ε (EStateM ε σ) := ⟨EStateM.throw, EStateM.tryCatch⟩
instance EStateM.instInhabited {ε σ α : Type u} [Inhabited ε] : Inhabited (EStateM ε σ α) := ⟨fun s => EStateM.Result.error default s⟩

/-- The world token threaded through `IO` (erased by the compiler). -/
def IO.RealWorld : Type := Unit

def EIO (ε : Type) : Type → Type := EStateM ε IO.RealWorld
@[reducible] def BaseIO : Type → Type := EIO Empty

instance EIO.instMonad {ε : Type} : Monad (EIO ε) := inferInstanceAs (Monad (EStateM ε IO.RealWorld))
instance EIO.instMonadExceptOf {ε : Type} : MonadExceptOf ε (EIO ε) := inferInstanceAs (MonadExceptOf ε (EStateM ε IO.RealWorld))
instance EIO.instInhabited {ε α : Type} [Inhabited ε] : Inhabited (EIO ε α) := inferInstanceAs (Inhabited (EStateM ε IO.RealWorld α))

inductive IO.Error where
  | userError (msg : String) : IO.Error
  | otherError (osCode : UInt32) (details : String) : IO.Error

instance IO.Error.instInhabited : Inhabited IO.Error := ⟨IO.Error.userError ""⟩

def IO.userError (s : String) : IO.Error := IO.Error.userError s
instance IO.Error.instCoeString : Coe String IO.Error := ⟨IO.userError⟩

def IO.Error.toString : IO.Error → String
  | IO.Error.userError msg => msg
  | IO.Error.otherError code details => String.append details (String.append " (error code: " (String.append (Nat.repr code.toNat) ")"))

instance IO.Error.instToString : ToString IO.Error := ⟨IO.Error.toString⟩

@[reducible] def IO : Type → Type := EIO IO.Error

@[always_inline, inline] def BaseIO.toEIO {ε α : Type} (act : BaseIO α) : EIO ε α := fun s =>
  match act s with
  | EStateM.Result.ok a s => EStateM.Result.ok a s
  | EStateM.Result.error e _ => Empty.rec (fun _ => EStateM.Result ε IO.RealWorld α) e

@[always_inline, inline] def EIO.toBaseIO {ε α : Type} (act : EIO ε α) : BaseIO (Except ε α) := fun s =>
  match act s with
  | EStateM.Result.ok a s => EStateM.Result.ok (Except.ok a) s
  | EStateM.Result.error e s => EStateM.Result.ok (Except.error e) s

@[always_inline, inline] def IO.toEIO {ε α : Type} (f : IO.Error → ε) (act : IO α) : EIO ε α := fun s =>
  match act s with
  | EStateM.Result.ok a s => EStateM.Result.ok a s
  | EStateM.Result.error e s => EStateM.Result.error (f e) s

instance instMonadLiftBaseIOEIO {ε : Type} : MonadLift BaseIO (EIO ε) := ⟨BaseIO.toEIO⟩
instance instMonadLiftTBaseIOEIO {ε : Type} : MonadLiftT BaseIO (EIO ε) := ⟨BaseIO.toEIO⟩

def IO.ofExcept {ε α : Type} [ToString ε] (e : Except ε α) : IO α :=
  match e with
  | Except.ok a => pure a
  | Except.error e => throw (IO.userError (toString e))

/-! Streams and printing -/

structure IO.FS.Stream where
  flush : IO Unit
  getLine : IO String
  putStr : String → IO Unit
  isTty : BaseIO Bool

instance IO.FS.Stream.instInhabited : Inhabited IO.FS.Stream :=
  ⟨⟨pure (), pure "", fun _ => pure (), pure false⟩⟩

@[extern "lean_get_stdin"] opaque IO.getStdin : BaseIO IO.FS.Stream := pure default
@[extern "lean_get_stdout"] opaque IO.getStdout : BaseIO IO.FS.Stream := pure default
@[extern "lean_get_stderr"] opaque IO.getStderr : BaseIO IO.FS.Stream := pure default

def IO.FS.Stream.putStrLn (strm : IO.FS.Stream) (s : String) : IO Unit := strm.putStr (String.push s (Char.ofNat 10))

def IO.print {α : Type u} [ToString α] (s : α) : IO Unit :=
  bind (BaseIO.toEIO IO.getStdout) (fun out => out.putStr (toString s))

def IO.println {α : Type u} [ToString α] (s : α) : IO Unit := IO.print (String.push (toString s) (Char.ofNat 10))

def IO.eprint {α : Type u} [ToString α] (s : α) : IO Unit :=
  bind (BaseIO.toEIO IO.getStderr) (fun out => out.putStr (toString s))

def IO.eprintln {α : Type u} [ToString α] (s : α) : IO Unit := IO.eprint (String.push (toString s) (Char.ofNat 10))

@[extern "lean_io_prim_handle_get_line"] opaque IO.readLine : IO String := pure ""

/-! Files (paths are `String`s here; Lean's take a `System.FilePath`) -/
@[extern "lean_io_read_file"] opaque IO.FS.readFile (path : String) : IO String := pure ""
@[extern "lean_io_write_file"] opaque IO.FS.writeFile (path : String) (content : String) : IO Unit := pure ()
@[extern "lean_io_remove_file"] opaque IO.FS.removeFile (path : String) : IO Unit := pure ()

/-- Lean's path type; the file functions above take `String`s (docs/ELABORATOR.md, divergence 8). -/
structure System.FilePath where
  toString : String
instance System.FilePath.instCoeString : Coe String System.FilePath := ⟨fun s => ⟨s⟩⟩

inductive IO.FS.Mode where
  | read | write | writeNew | readWrite | append

/-- An open file (an external object of the runtime). -/
structure IO.FS.Handle where
  ofRuntime ::
  private handle : Unit

@[extern "lean_io_prim_handle_mk"] opaque IO.FS.Handle.mk (fn : System.FilePath) (mode : IO.FS.Mode) : IO IO.FS.Handle :=
  pure ⟨()⟩

/-- A value to be supplied later (`resolve`), readable as a `Task`. -/
structure IO.Promise (α : Type) where
  ofRuntime ::
  private state : Unit

@[extern "lean_io_promise_new"] opaque IO.Promise.new {α : Type} [Nonempty α] : BaseIO (IO.Promise α) := pure ⟨()⟩

@[extern "lean_io_exit"] opaque IO.Process.exit {α : Type} [Inhabited α] (code : UInt8) : IO α := pure default

@[extern "lean_io_mono_ms_now"] opaque IO.monoMsNow : BaseIO Nat := pure 0
@[extern "lean_io_mono_nanos_now"] opaque IO.monoNanosNow : BaseIO Nat := pure 0
@[extern "lean_io_timeit"] opaque timeit {α : Type} (msg : String) (fn : IO α) : IO α := fn
@[extern "lean_io_sleep"] opaque IO.sleep (ms : UInt32) : BaseIO Unit := pure ()

def IO.lazyPure {α : Type} (fn : Unit → α) : IO α := pure (fn ())

/-! References -/

/-- A mutable cell; the kernel sees only its initial value's type. -/
structure IO.Ref (α : Type) where
  mk ::
  val : α

@[extern "lean_st_mk_ref"] opaque IO.mkRef {α : Type} (a : α) : BaseIO (IO.Ref α) := pure (IO.Ref.mk a)
@[extern "lean_st_ref_get"] opaque IO.Ref.get {α : Type} (r : IO.Ref α) : BaseIO α := pure r.val
@[extern "lean_st_ref_set"] opaque IO.Ref.set {α : Type} (r : IO.Ref α) (a : α) : BaseIO Unit := pure ()
@[extern "lean_st_ref_swap"] opaque IO.Ref.swap {α : Type} (r : IO.Ref α) (a : α) : BaseIO α := pure a

/-! Random numbers: Lean's `StdGen` (L'Ecuyer's combined generator, as in Haskell's
`random`), so a program that calls `IO.setRandSeed n` draws Lean's numbers. -/
@[extern "lean_io_get_random_bytes"] opaque IO.getRandomBytes (nBytes : USize) : IO ByteArray := pure ByteArray.empty
structure StdGen where
  s1 : Nat
  s2 : Nat
instance StdGen.instInhabited : Inhabited StdGen := ⟨StdGen.mk 0 0⟩
def stdRange : Nat × Nat := (1, 2147483562)
/-- One step of each component generator, combined; Int arithmetic done in Nat
(a negative intermediate gets the modulus added, as Lean's `if s' < 0`). -/
def stdNext (g : StdGen) : Nat × StdGen :=
  let a1 := 40014 * (g.s1 % 53668)
  let b1 := (g.s1 / 53668) * 12211
  let s1 := if a1 < b1 then a1 + 2147483563 - b1 else a1 - b1
  let a2 := 40692 * (g.s2 % 52774)
  let b2 := (g.s2 / 52774) * 3791
  let s2 := if a2 < b2 then a2 + 2147483399 - b2 else a2 - b2
  let z := if s1 ≤ s2 then s1 + 2147483562 - s2 else (s1 - s2) % 2147483562
  (z, StdGen.mk s1 s2)
def mkStdGen (s : Nat := 0) : StdGen := StdGen.mk (s % 2147483562 + 1) ((s / 2147483562) % 2147483398 + 1)
/-- Draws base-2147483562 digits until the target magnitude `r` is used up (fuel: `r`). -/
def randNat.draw : Nat → Nat → Nat × StdGen → Nat × StdGen
  | .zero, _, vg => vg
  | .succ fuel, r, vg =>
    if r == 0 then vg
    else match stdNext vg.2 with
      | (x, g) => randNat.draw fuel (r / 2147483562 - 1) (vg.1 * 2147483562 + (x - 1), g)
/-- A number in `[lo, hi]` (the bounds in either order) and the next generator. -/
def randNat (g : StdGen) (lo hi : Nat) : Nat × StdGen :=
  let lo' := if lo > hi then hi else lo
  let hi' := if lo > hi then lo else hi
  let k := hi' - lo' + 1
  match randNat.draw (k * 1000) (k * 1000) (0, g) with
  | (v, g') => (lo' + v % k, g')
def randBool (g : StdGen) : Bool × StdGen :=
  match randNat g 0 1 with
  | (v, g') => (v == 1, g')
instance StdGen.instInhabitedRef : Inhabited (IO.Ref StdGen) := ⟨IO.Ref.mk default⟩
initialize IO.stdGenRef : IO.Ref StdGen ← do
  let t ← IO.monoNanosNow
  IO.mkRef (mkStdGen t)
def IO.setRandSeed (n : Nat) : BaseIO Unit := IO.Ref.set IO.stdGenRef (mkStdGen n)
def IO.rand (lo hi : Nat) : BaseIO Nat := do
  let g ← IO.Ref.get IO.stdGenRef
  match randNat g lo hi with
  | (r, g') => do
    IO.Ref.set IO.stdGenRef g'
    pure r
def IO.Ref.modify {α : Type} (r : IO.Ref α) (f : α → α) : BaseIO Unit := bind (IO.Ref.get r) (fun a => IO.Ref.set r (f a))
def IO.Ref.modifyGet {α β : Type} (r : IO.Ref α) (f : α → β × α) : BaseIO β :=
  bind (IO.Ref.get r) (fun a => bind (IO.Ref.set r (f a).snd) (fun _ => pure (f a).fst))

/-! `panic` -/

@[extern "lean_panic_fn"] def panicCore {α : Sort u} [Inhabited α] (msg : String) : α := default
@[noinline, never_extract] def panic {α : Sort u} [Inhabited α] (msg : String) : α := panicCore msg
def panicWithPos {α : Sort u} [Inhabited α] (modName : String) (line col : Nat) (msg : String) : α :=
  panic (String.append modName msg)

@[never_extract, extern "lean_dbg_trace"] def dbgTrace {α : Type u} (message : String) (f : Unit → α) : α := f ()

/-! Runtime services -/

/-- A copy of `a` sharing no allocation with it; closures, thunks, tasks and references are refused. -/
@[extern "lean_runtime_deep_copy"] opaque Runtime.deepCopy {α : Type} (a : α) : IO α := pure a
@[extern "lean_runtime_mark_persistent"] opaque Runtime.markPersistent {α : Type} (a : α) : BaseIO α := pure a
@[extern "lean_runtime_mark_multi_threaded"] opaque Runtime.markMultiThreaded {α : Type} (a : α) : BaseIO α := pure a

instance IO.Ref.instInhabited {α : Type} [Inhabited α] : Inhabited (IO.Ref α) := ⟨IO.Ref.mk default⟩
