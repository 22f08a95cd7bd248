/-!
nleanjit's prelude, part 3: the monad classes and the standard monads.

Our own text with the names and signatures of Lean 4's `Init/Prelude.lean`,
`Init/Core.lean` and `Init/Control/*.lean`: `Functor` … `Monad`, `Id`, `Option` and
`Except` as monads, `StateT`/`ReaderT`/`ExceptT`, `ForIn`/`ForInStep` (what `for … in`
elaborates to) and `Std.Range` (`[a:b]`).
-/
universe u v w

class Functor (f : Type u → Type v) where
  map : {α β : Type u} → (α → β) → f α → f β

class Pure (f : Type u → Type v) where
  pure : {α : Type u} → α → f α

class Seq (f : Type u → Type v) where
  seq : {α β : Type u} → f (α → β) → (Unit → f α) → f β

class SeqLeft (f : Type u → Type v) where
  seqLeft : {α β : Type u} → f α → (Unit → f β) → f α

class SeqRight (f : Type u → Type v) where
  seqRight : {α β : Type u} → f α → (Unit → f β) → f β

class Applicative (f : Type u → Type v) extends Functor f, Pure f, Seq f, SeqLeft f, SeqRight f

class Bind (m : Type u → Type v) where
  bind : {α β : Type u} → m α → (α → m β) → m β

class Monad (m : Type u → Type v) extends Applicative m, Bind m

export Pure (pure)
export Bind (bind)
export Functor (map)

/-- Builds a `Monad` from `pure` and `bind`, the other operations as Lean's defaults define them. -/
@[reducible] def Monad.mk' {m : Type u → Type v} (pure : {α : Type u} → α → m α)
    (bind : {α β : Type u} → m α → (α → m β) → m β) : Monad m :=
  { toApplicative :=
      { toFunctor := ⟨fun f x => bind x (fun a => pure (f a))⟩
        toPure := ⟨pure⟩
        toSeq := ⟨fun f x => bind f (fun g => bind (x Unit.unit) (fun a => pure (g a)))⟩
        toSeqLeft := ⟨fun x y => bind x (fun a => bind (y Unit.unit) (fun _ => pure a))⟩
        toSeqRight := ⟨fun x y => bind x (fun _ => y Unit.unit)⟩ }
    toBind := ⟨bind⟩ }

def discard {f : Type u → Type v} {α : Type u} [Functor f] (x : f α) : f PUnit :=
  Functor.map (fun _ => PUnit.unit) x

def Functor.mapConst {f : Type u → Type v} [Functor f] {α β : Type u} (a : α) (x : f β) : f α :=
  Functor.map (fun _ => a) x

def Function.comp_bind {m : Type u → Type v} [Bind m] {α β γ : Type u} (f : α → m β) (g : β → m γ) : α → m γ :=
  fun a => Bind.bind (f a) g

def Bind.kleisliRight {m : Type u → Type v} [Bind m] {α β γ : Type u} (f : α → m β) (g : β → m γ) : α → m γ :=
  fun a => Bind.bind (f a) g

class MonadLift (m : Type u → Type v) (n : Type u → Type w) where
  monadLift : {α : Type u} → m α → n α

class MonadLiftT (m : Type u → Type v) (n : Type u → Type w) where
  monadLift : {α : Type u} → m α → n α

instance instMonadLiftTRefl {m : Type u → Type v} : MonadLiftT m m := ⟨fun x => x⟩

def liftM {m : Type u → Type v} {n : Type u → Type w} [MonadLiftT m n] {α : Type u} (x : m α) : n α :=
  MonadLiftT.monadLift x

/-! `Id` -/

def Id (type : Type u) : Type u := type

@[reducible] def Id.run {α : Type u} (x : Id α) : α := x

instance Id.instMonad : Monad Id := Monad.mk' (fun a => a) (fun x f => f x)

/-! `Option` and `Except` as monads -/

def Option.bind {α : Type u} {β : Type v} : Option α → (α → Option β) → Option β
  | none, _ => none
  | some a, f => f a

def Option.get! {α : Type u} [Inhabited α] : Option α → α
  | some a => a
  | none => default

def Option.get? {α : Type u} (o : Option α) : Option α := o

instance Option.instMonad : Monad Option := Monad.mk' (fun a => some a) (fun x f => Option.bind x f)

inductive Except (ε : Type u) (α : Type v) where
  | error : ε → Except ε α
  | ok : α → Except ε α

instance instInhabitedExcept {ε : Type u} {α : Type v} [Inhabited ε] : Inhabited (Except ε α) :=
  ⟨Except.error default⟩

def Except.bind {ε : Type u} {α β : Type v} (ma : Except ε α) (f : α → Except ε β) : Except ε β :=
  match ma with
  | Except.error e => Except.error e
  | Except.ok a => f a

def Except.map {ε : Type u} {α β : Type v} (f : α → β) : Except ε α → Except ε β
  | Except.error e => Except.error e
  | Except.ok a => Except.ok (f a)

def Except.toOption {ε : Type u} {α : Type v} : Except ε α → Option α
  | Except.error _ => none
  | Except.ok a => some a

def Except.toBool {ε : Type u} {α : Type v} : Except ε α → Bool
  | Except.error _ => false
  | Except.ok _ => true

def Except.isOk {ε : Type u} {α : Type v} : Except ε α → Bool
  | Except.error _ => false
  | Except.ok _ => true

instance Except.instMonad {ε : Type u} : Monad (Except ε) :=
  Monad.mk' (fun a => Except.ok a) (fun x f => Except.bind x f)

class MonadExcept (ε : outParam (Type u)) (m : Type v → Type w) where
  throw : {α : Type v} → ε → m α
  tryCatch : {α : Type v} → m α → (ε → m α) → m α

class MonadExceptOf (ε : Type u) (m : Type v → Type w) where
  throw : {α : Type v} → ε → m α
  tryCatch : {α : Type v} → m α → (ε → m α) → m α

export MonadExcept (throw tryCatch)

def throwThe (ε : Type u) {m : Type v → Type w} [MonadExceptOf ε m] {α : Type v} (e : ε) : m α :=
  MonadExceptOf.throw e

instance instMonadExceptOfMonadExceptOf (ε : outParam (Type u)) (m : Type v → Type w) [MonadExceptOf ε m] :
    MonadExcept ε m :=
  ⟨fun e => MonadExceptOf.throw e, fun x h => MonadExceptOf.tryCatch x h⟩

def Except.tryCatch {ε : Type u} {α : Type v} (ma : Except ε α) (handle : ε → Except ε α) : Except ε α :=
  match ma with
  | Except.ok a => Except.ok a
  | Except.error e => handle e

instance Except.instMonadExceptOf {ε : Type u} : MonadExceptOf ε (Except ε) :=
  ⟨fun e => Except.error e, fun x h => Except.tryCatch x h⟩

/-! Monad transformers -/

def StateT (σ : Type u) (m : Type u → Type v) (α : Type u) : Type (max u v) := σ → m (Prod α σ)

@[reducible] def StateM (σ α : Type u) : Type u := StateT σ Id α

@[always_inline, inline] def StateT.run {σ : Type u} {m : Type u → Type v} {α : Type u} (x : StateT σ m α) (s : σ) : m (Prod α σ) :=
  x s

def StateT.run' {σ : Type u} {m : Type u → Type v} [Functor m] {α : Type u} (x : StateT σ m α) (s : σ) : m α :=
  Functor.map Prod.fst (x s)

instance StateT.instMonad {σ : Type u} {m : Type u → Type v} [Monad m] : Monad (StateT σ m) :=
  Monad.mk' (fun a s => pure (Prod.mk a s)) (fun x f s => bind (x s) (fun p => f p.fst p.snd))

def StateT.get {σ : Type u} {m : Type u → Type v} [Monad m] : StateT σ m σ := fun s => pure (Prod.mk s s)
def StateT.set {σ : Type u} {m : Type u → Type v} [Monad m] : σ → StateT σ m PUnit := fun s' _ => pure (Prod.mk PUnit.unit s')
def StateT.modifyGet {σ : Type u} {m : Type u → Type v} [Monad m] {α : Type u} (f : σ → Prod α σ) : StateT σ m α :=
  fun s => pure (f s)
def StateT.lift {σ : Type u} {m : Type u → Type v} [Monad m] {α : Type u} (t : m α) : StateT σ m α :=
  fun s => bind t (fun a => pure (Prod.mk a s))

instance StateT.instMonadLift {σ : Type u} {m : Type u → Type v} [Monad m] : MonadLift m (StateT σ m) := ⟨StateT.lift⟩

class MonadState (σ : outParam (Type u)) (m : Type u → Type v) where
  get : m σ
  set : σ → m PUnit
  modifyGet : {α : Type u} → (σ → Prod α σ) → m α

export MonadState (get modifyGet)

def set {σ : Type u} {m : Type u → Type v} [MonadState σ m] (s : σ) : m PUnit := MonadState.set s

def modify {σ : Type u} {m : Type u → Type v} [MonadState σ m] (f : σ → σ) : m PUnit :=
  MonadState.modifyGet (fun s => Prod.mk PUnit.unit (f s))

def getModify {σ : Type u} {m : Type u → Type v} [MonadState σ m] (f : σ → σ) : m σ :=
  MonadState.modifyGet (fun s => Prod.mk s (f s))

def getThe (σ : Type u) {m : Type u → Type v} [MonadState σ m] : m σ := MonadState.get

instance StateT.instMonadState {σ : Type u} {m : Type u → Type v} [Monad m] : MonadState σ (StateT σ m) :=
  ⟨StateT.get, StateT.set, StateT.modifyGet⟩

def ReaderT (ρ : Type u) (m : Type u → Type v) (α : Type u) : Type (max u v) := ρ → m α

@[reducible] def ReaderM (ρ α : Type u) : Type u := ReaderT ρ Id α

@[always_inline, inline] def ReaderT.run {ρ : Type u} {m : Type u → Type v} {α : Type u} (x : ReaderT ρ m α) (r : ρ) : m α := x r

instance ReaderT.instMonad {ρ : Type u} {m : Type u → Type v} [Monad m] : Monad (ReaderT ρ m) :=
  Monad.mk' (fun a _ => pure a) (fun x f r => bind (x r) (fun a => f a r))

def ReaderT.read {ρ : Type u} {m : Type u → Type v} [Monad m] : ReaderT ρ m ρ := fun r => pure r

instance ReaderT.instMonadLift {ρ : Type u} {m : Type u → Type v} : MonadLift m (ReaderT ρ m) := ⟨fun x _ => x⟩

class MonadReader (ρ : outParam (Type u)) (m : Type u → Type v) where
  read : m ρ

export MonadReader (read)

instance ReaderT.instMonadReader {ρ : Type u} {m : Type u → Type v} [Monad m] : MonadReader ρ (ReaderT ρ m) :=
  ⟨ReaderT.read⟩

def ExceptT (ε : Type u) (m : Type u → Type v) (α : Type u) : Type v := m (Except ε α)

@[always_inline, inline] def ExceptT.run {ε : Type u} {m : Type u → Type v} {α : Type u} (x : ExceptT ε m α) : m (Except ε α) := x

def ExceptT.mk {ε : Type u} {m : Type u → Type v} {α : Type u} (x : m (Except ε α)) : ExceptT ε m α := x

def ExceptT.bindCont {ε : Type u} {m : Type u → Type v} [Monad m] {α β : Type u} (f : α → ExceptT ε m β) : Except ε α → m (Except ε β)
  | Except.ok a => f a
  | Except.error e => pure (Except.error e)

def ExceptT.pure {ε : Type u} {m : Type u → Type v} [Monad m] {α : Type u} (a : α) : ExceptT ε m α :=
  ExceptT.mk (Pure.pure (Except.ok a))

def ExceptT.bind {ε : Type u} {m : Type u → Type v} [Monad m] {α β : Type u} (ma : ExceptT ε m α) (f : α → ExceptT ε m β) : ExceptT ε m β :=
  ExceptT.mk (Bind.bind (ExceptT.run ma) (ExceptT.bindCont f))

instance ExceptT.instMonad {ε : Type u} {m : Type u → Type v} [Monad m] : Monad (ExceptT ε m) :=
  Monad.mk' ExceptT.pure ExceptT.bind

def ExceptT.lift {ε : Type u} {m : Type u → Type v} [Monad m] {α : Type u} (t : m α) : ExceptT ε m α :=
  ExceptT.mk (Bind.bind t (fun a => Pure.pure (Except.ok a : Except ε α)))

instance ExceptT.instMonadLift {ε : Type u} {m : Type u → Type v} [Monad m] : MonadLift m (ExceptT ε m) := ⟨ExceptT.lift⟩

def ExceptT.tryCatch {ε : Type u} {m : Type u → Type v} [Monad m] {α : Type u} (ma : ExceptT ε m α) (handle : ε → ExceptT ε m α) : ExceptT ε m α :=
  ExceptT.mk (Bind.bind (ExceptT.run ma) (fun r => match r with
    | Except.ok a => Pure.pure (Except.ok a)
    | Except.error e => ExceptT.run (handle e)))

instance ExceptT.instMonadExceptOf {ε : Type u} {m : Type u → Type v} [Monad m] : MonadExceptOf ε (ExceptT ε m) :=
  ⟨fun e => ExceptT.mk (Pure.pure (Except.error e)), ExceptT.tryCatch⟩

/-! `for … in` -/

inductive ForInStep (α : Type u) where
  | done : α → ForInStep α
  | yield : α → ForInStep α

instance instInhabitedForInStep {α : Type u} [Inhabited α] : Inhabited (ForInStep α) := ⟨ForInStep.done default⟩

/-- Lean's low-priority `Inhabited (m α)` for any monad (what `panic!` in a `do` block needs). -/
instance (priority := low) instInhabitedOfMonad {m : Type u → Type v} {α : Type u} [Monad m] [Inhabited α] : Inhabited (m α) :=
  ⟨pure default⟩

class ForIn (m : Type u₁ → Type u₂) (ρ : Type u) (α : outParam (Type v)) where
  forIn {β : Type u₁} [Monad m] (x : ρ) (b : β) (f : α → β → m (ForInStep β)) : m β

export ForIn (forIn)

class ForM (m : Type u → Type v) (γ : Type w₁) (α : outParam (Type w₂)) where
  forM [Monad m] (coll : γ) (f : α → m PUnit) : m PUnit

def List.forIn.loop {α : Type u} {β : Type v} {m : Type v → Type w} [Monad m] (f : α → β → m (ForInStep β)) : List α → β → m β
  | List.nil, b => pure b
  | List.cons a as, b => bind (f a b) (fun r => match r with
    | ForInStep.done b => pure b
    | ForInStep.yield b => List.forIn.loop f as b)

def List.forIn {α : Type u} {β : Type v} {m : Type v → Type w} [Monad m] (as : List α) (init : β) (f : α → β → m (ForInStep β)) : m β :=
  List.forIn.loop f as init

instance List.instForIn {α : Type u} {m : Type v → Type w} : ForIn m (List α) α := ⟨List.forIn⟩

def List.forM {α : Type w} {m : Type u → Type v} [Monad m] : List α → (α → m PUnit) → m PUnit
  | List.nil, _ => pure PUnit.unit
  | List.cons a as, f => bind (f a) (fun _ => List.forM as f)

def List.mapM {α : Type u} {β : Type u} {m : Type u → Type v} [Monad m] (f : α → m β) : List α → m (List β)
  | List.nil => pure List.nil
  | List.cons a as => bind (f a) (fun b => bind (List.mapM f as) (fun bs => pure (List.cons b bs)))

def List.foldlM {α : Type u} {β : Type u} {m : Type u → Type v} [Monad m] (f : β → α → m β) : β → List α → m β
  | b, List.nil => pure b
  | b, List.cons a as => bind (f b a) (fun b' => List.foldlM f b' as)

structure Std.Range where
  start : Nat := 0
  stop : Nat
  step : Nat := 1

/-- The numbers `start, start+step, …` below `stop`; `fuel` bounds the steps so that the recursion is structural. -/
def Std.Range.forIn.loop {β : Type u} {m : Type u → Type v} [Monad m] (f : Nat → β → m (ForInStep β)) (stop step : Nat) :
    Nat → Nat → β → m β
  | Nat.zero, _, b => pure b
  | Nat.succ fuel, i, b =>
    ite (LT.lt i stop)
      (bind (f i b) (fun r => match r with
        | ForInStep.done b => pure b
        | ForInStep.yield b => Std.Range.forIn.loop f stop step fuel (HAdd.hAdd i step) b))
      (pure b)

def Std.Range.forIn {β : Type u} {m : Type u → Type v} [Monad m] (range : Std.Range) (init : β) (f : Nat → β → m (ForInStep β)) : m β :=
  Std.Range.forIn.loop f range.stop range.step range.stop range.start init

instance Std.Range.instForIn {m : Type u → Type v} : ForIn m Std.Range Nat := ⟨Std.Range.forIn⟩

/-- `while`/`repeat` loops iterate over `Loop.mk`. -/
structure Loop where

instance instInhabitedLoop : Inhabited Loop := ⟨Loop.mk⟩

@[specialize] partial def Loop.forIn.loop {β : Type u} {m : Type u → Type v} [Monad m] [Inhabited (m β)] (f : Unit → β → m (ForInStep β)) (b : β) : m β :=
  bind (f Unit.unit b) (fun r => match r with
    | ForInStep.done b => pure b
    | ForInStep.yield b => Loop.forIn.loop f b)

/-- Lean's `Loop.forIn` is `partial`: it needs `m β` inhabited, which `pure init` witnesses. -/
@[inline] def Loop.forIn {β : Type u} {m : Type u → Type v} [Monad m] (_ : Loop) (init : β) (f : Unit → β → m (ForInStep β)) : m β :=
  @Loop.forIn.loop β m inferInstance ⟨pure init⟩ f init

instance Loop.instForIn {m : Type u → Type v} : ForIn m Loop Unit := ⟨Loop.forIn⟩
