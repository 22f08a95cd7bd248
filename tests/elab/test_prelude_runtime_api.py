"""Prelude API that programs of the corpus use, and coercions through `Coe` instances.

- `Coe` (and `CoeTail`/`CoeOut`/`CoeHead`) instances insert a coercion where the types
  differ and both are known (a user structure, `String → System.FilePath`).
- `FloatArray`, `Thunk`, `String.Pos.Raw.set` (UTF-8 byte positions), `String.ofList`,
  `Nonempty` from `Inhabited`, `IO.Promise.new`, `IO.FS.Handle.mk`, `ptrEq`: checked by
  evaluation with `rfl` where the kernel can see the value.
"""

from __future__ import annotations

from nleanjit.elab import check_source


def _errors(src: str) -> list[str]:
    r = check_source(src, "t.lean")
    return [m.text for m in r.messages if m.severity == "error"]


def test_user_coe_instance_is_inserted():
    src = """
structure Meters where
  v : Nat
instance : Coe Nat Meters := ⟨fun n => ⟨n * 100⟩⟩
def twice (m : Meters) : Nat := m.v * 2
example : twice (3 : Nat) = 600 := rfl
def asMeters (n : Nat) : Meters := n
example : (asMeters 2).v = 200 := rfl
"""
    assert _errors(src) == []


def test_no_coercion_without_an_instance():
    errs = _errors("structure M where\n  v : Nat\ndef f (n : Nat) : M := n\n")
    assert len(errs) == 1 and errs[0].startswith("type mismatch")


def test_string_byte_positions_set():
    src = """
example : String.Pos.Raw.set "a∀b" ⟨1⟩ 'c' = "acb" := rfl
example : String.Pos.Raw.set "a∀b" ⟨2⟩ 'c' = "a∀b" := rfl
example : String.Pos.Raw.set "a∀b" ⟨4⟩ 'c' = "a∀c" := rfl
example : String.Pos.Raw.set "ab" ⟨7⟩ 'c' = "ab" := rfl
"""
    assert _errors(src) == []


def test_float_array_thunk_and_runtime_objects():
    src = """
example : (FloatArray.mk #[1.5, 2.5]).size = 2 := rfl
example : ((FloatArray.empty.push 1.0).push 2.0).size = 2 := rfl
example : (Thunk.mk fun _ => 3).get = 3 := rfl
example : (Thunk.pure 4).get = 4 := rfl
example : String.ofList ['a', 'b'] = "ab" := rfl
example : Nonempty Nat := inferInstance
def mk : IO Unit := do
  let _p ← IO.Promise.new (α := Nat)
  let _h ← IO.FS.Handle.mk "file.txt" .read
  pure ()
unsafe def same (s : String) : Bool := ptrEq s s
"""
    assert _errors(src) == []


def test_array_decidable_eq():
    src = """
example : (#[1, 2] : Array Nat) = #[1, 2] := by decide
example : decide ((#[1, 2] : Array Nat) = #[1, 3]) = false := rfl
instance : DecidableEq ByteArray
  | ⟨a⟩, ⟨b⟩ => match decEq a b with
    | isTrue h₁ => isTrue (congrArg ByteArray.mk h₁)
    | isFalse h₂ => isFalse (fun h => h₂ (congrArg ByteArray.data h))
"""
    assert _errors(src) == []


def test_let_in_a_type_keeps_its_instance_outside_the_let():
    # the `LT ?α` problem made under `let x := 1` must not become `?n x` (a let-variable is no
    # argument of the metavariable that replaces it): the kernel once saw `instLTNat x`
    src = "theorem ex : let x := 1; x < 2 := by decide\ndef t : let x := 1; x < 2 := sorry\n#check t\n"
    assert _errors(src) == []


def test_argument_typed_by_an_out_param_waits_for_the_instance():
    # `throw : [MonadExcept ε m] → ε → m α` with `ε` an out-parameter: in `IO`, `ε := IO.Error`
    # comes from the instance, then the string is coerced (`Coe String IO.Error`), as in Lean
    src = """
def g (xs : List String) : IO Nat := do
  match xs with
  | [] => throw "invalid input"
  | x :: _ => pure x.length
def h : Except String Nat := throw "x"
example : h = Except.error "x" := rfl
"""
    assert _errors(src) == []
