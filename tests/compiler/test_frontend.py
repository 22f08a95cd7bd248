"""Lean source → erasure → λRC passes → LLVM → JIT: programs written for
these tests print what Lean prints, free every object (debug runtime), and
constructs outside the slice get Lean-style "not supported yet" errors."""

import re
import subprocess
import sys

import pytest

from nleanjit.codegen.llvm import emit_module
from nleanjit.compiler.frontend import FrontendError, compile_program
from nleanjit.compiler.ir import types as T
from nleanjit.compiler.ir.printer import format_decls
from nleanjit.compiler.pipeline import run_pipeline

REPORT = re.compile(r"nleanjit: live objects (-?\d+), allocations (-?\d+)")


def run_lean(tmp_path, source, variant="debug", opt=0, stdin="", stderr=None):
    """Compile `main` (checker after every pass) and run it in a child process
    (`stderr`: a list that receives the program's stderr lines, object report removed)."""
    prog = compile_program(source, "prog.lean")
    res = run_pipeline(prog.fdecls, prog.externs, check_each=True)
    ll = tmp_path / "prog.ll"
    ll.write_text(str(emit_module(res.decls, prog.externs, report_objects=True)))
    proc = subprocess.run([sys.executable, "-m", "nleanjit.codegen.jit", str(ll), "--variant", variant,
                           "--opt", str(opt), "--main", prog.entry, "--report-objects"],
                          capture_output=True, text=True, timeout=120, input=stdin)
    m = REPORT.search(proc.stderr)
    assert m, proc.stderr
    if stderr is not None:
        stderr.extend(line for line in proc.stderr.splitlines() if not REPORT.search(line))
    return proc.returncode, proc.stdout, int(m.group(1))


ARITH = """
def fact : Nat → Nat
  | 0 => 1
  | n+1 => (n+1) * fact n

def sumTo (n : Nat) : Nat := match n with
  | 0 => 0
  | k+1 => k + 1 + sumTo k

-- structural recursion whose recursive branch is rarely taken: the recursive call must
-- happen only where the source makes it (an eager `ih` would count down from 10^12)
def stopAt : Nat → Nat
  | 0 => 0
  | n+1 => if n > 5 then n else stopAt n

def main : IO Unit := do
  IO.println (stopAt 1000000000000 + stopAt 3)
  IO.println (fact 10)
  IO.println (toString (sumTo 100))
  IO.println (fact 25)
  IO.println (100 / 7 + 100 % 7 - 3 * 2)
  IO.println (3 - 5)
"""


@pytest.mark.parametrize("opt", [0, 2])
def test_structural_recursion_on_nat_and_arithmetic(tmp_path, opt):
    code, out, live = run_lean(tmp_path, ARITH, opt=opt)
    fact25 = 15511210043330985984000000  # a bignum: the slow path of Nat.mul
    assert (code, out, live) == (0, f"999999999999\n3628800\n5050\n{fact25}\n{14 + 2 - 6}\n0\n", 0)


CONTROL = """
def fib (n : Nat) : Nat := if n < 2 then n else fib (n-1) + fib (n-2)

def isEven (n : Nat) : Bool := n % 2 == 0

def classify (n : Nat) : String :=
  if isEven n && n > 3 then "big even" else if n ≤ 3 then "small" else "odd"

def pick (n : Nat) : Nat := if h : n = 5 then 50 else n

def main : IO Unit := do
  IO.println s!"fib {fib 20}"
  IO.println (classify 10)
  IO.println (classify 7)
  IO.println (classify 2)
  IO.println (isEven 4)
  IO.println (pick 5 + pick 6)
"""


def test_partial_def_ite_dite_bool_strings(tmp_path):
    code, out, live = run_lean(tmp_path, CONTROL)
    assert (code, live) == (0, 0)
    assert out == "fib 6765\nbig even\nodd\nsmall\ntrue\n56\n"


DATA = """
structure Point where
  x : Nat
  y : Nat

def Point.sum (p : Point) : Nat := p.x + p.y

def Point.swap (p : Point) : Point := { x := p.y, y := p.x }

structure Flagged where
  on : Bool
  n : Nat

def Flagged.get (f : Flagged) : Nat := if f.on then f.n else 0

def Flagged.get2 : Flagged → Nat
  | ⟨true, n⟩ => n + 1
  | ⟨false, _⟩ => 1

def countOn (b : Bool) : List Nat → Nat
  | [] => 0
  | h :: t => (if b then h else 1) + countOn b t

inductive Shape where
  | circle (r : Nat)
  | rect (w h : Nat)
  | dot

def area : Shape → Nat
  | .circle r => 3 * r * r
  | .rect w h => w * h
  | .dot => 0

def len : List Nat → Nat
  | [] => 0
  | _ :: t => len t + 1

def total : List Nat → Nat
  | [] => 0
  | h :: t => h + total t

def main : IO Unit := do
  IO.println (Point.sum { x := 3, y := 4 })
  IO.println (Point.swap ⟨1, 2⟩).x
  IO.println (area (.circle 2) + area (.rect 3 4) + area .dot)
  IO.println (len [1, 2, 3, 4, 5])
  IO.println (total [10, 20, 30])
  IO.println (Flagged.get ⟨true, 9⟩ + Flagged.get ⟨false, 9⟩)
  IO.println (Flagged.get2 ⟨true, 9⟩ + Flagged.get2 ⟨false, 9⟩)
  IO.println (countOn true [5, 6] + countOn false [5, 6, 7])
"""


def test_structures_inductives_and_list_recursion(tmp_path):
    code, out, live = run_lean(tmp_path, DATA)
    assert (code, out, live) == (0, "7\n2\n24\n5\n60\n9\n11\n14\n", 0)


HIGHER_ORDER = """
def inc (l : List Nat) : List Nat := l.map (fun x => x + 1)

def addAll (k : Nat) (l : List Nat) : List Nat := l.map (· + k)

def sumAcc : List Nat → Nat → Nat
  | [], acc => acc
  | h :: t, acc => sumAcc t (acc + h)

def twice (f : Nat → Nat) (x : Nat) : Nat := f (f x)

def total (l : List Nat) : Nat := l.foldl (· + ·) 0

def opt (n : Nat) : Option Nat := if n > 2 then some n else none

def showOpt : Option Nat → String
  | some n => s!"some {n}"
  | none => "none"

def main : IO Unit := do
  IO.println (inc [1, 2]).length
  IO.println (total (addAll 10 (inc [1, 2, 3])))
  IO.println (sumAcc [1, 2, 3, 4] 100)
  IO.println (twice (· * 3) 7)
  IO.println (total (List.range 1000))
  IO.println (List.map toString [1, 2])
  IO.println (showOpt (opt 5) ++ " " ++ showOpt (opt 1))
  let mut s := 0
  for i in [0:10] do
    s := s + i
  IO.println s
"""


def test_closures_partial_applications_dictionaries_and_loops(tmp_path):
    # lambdas lifted, `(· + k)` a pap, `sumAcc` a recursor with an extra argument,
    # `List.toString` through a runtime `ToString` dictionary, `for` through `partial` loops
    code, out, live = run_lean(tmp_path, HIGHER_ORDER)
    assert (code, out, live) == (0, "2\n39\n110\n63\n499500\n[1, 2]\nsome 5 none\n45\n", 0)


MACHINE = """
def w (x : UInt64) : UInt64 := x * 3 + 1

def fill (a : Array Nat) (n : Nat) : Array Nat := match n with
  | 0 => a
  | k+1 => fill (a.push k) k

def sumArr (a : Array Nat) : Nat := a.foldl (· + ·) 0

def sign : Int → String
  | .ofNat 0 => "zero"
  | .ofNat n => s!"pos {n}"
  | .negSucc n => s!"neg {n+1}"

def main : IO Unit := do
  IO.println (w 5).toNat
  IO.println (w 0xFFFFFFFFFFFFFFFF).toNat
  let a := fill #[] 1000
  IO.println a.size
  IO.println (a[3]!)
  IO.println (sumArr a)
  IO.println ((a.set! 0 42)[0]!)
  IO.println ("abc".length + (if "ab" == "ab" then 1 else 0))
  IO.println ("41".toNat! + 1)
  IO.println (("ab".push (Char.ofNat 99)).data.length)
  IO.println s!"{sign 5},{sign 0},{sign (-7)},{(3 : Int) - 10}"
"""


def test_prelude_externs_uint_array_string(tmp_path):
    # `@[extern "lean_…"]` symbols read from the prelude: UInt64 wraps, arrays are runtime arrays
    code, out, live = run_lean(tmp_path, MACHINE)
    assert (code, live) == (0, 0)
    assert out.splitlines() == ["16", str((2 ** 64 - 1) * 3 + 1 & (2 ** 64 - 1)), "1000", "996", "499500", "42", "4", "42", "3",
                          "pos 5,zero,neg 7,-7"]


def test_erased_ir_shape():
    prog = compile_program(ARITH, "prog.lean")
    names = {d.name for d in prog.fdecls}
    assert {"main", "fact", "sumTo"} <= names
    assert any(n.startswith("fact._rec_") for n in names)  # Nat.rec → an auxiliary recursive function
    main = next(d for d in prog.fdecls if d.name == "main")
    assert len(main.params) == 1  # IO Unit = world → result: eta-expanded
    text = format_decls(prog.fdecls)
    assert "Nat.mul" in text and "HMul" not in text and "instHMul" not in text  # instances unfolded
    assert {e.symbol for e in prog.externs} >= {"lean_nat_mul", "lean_nat_dec_eq", "nl_io_put_str_ln"}
    assert all(isinstance(e, T.Extern) for e in prog.decls[:len(prog.externs)])


def test_opaque_with_a_value_compiles_from_it(tmp_path):
    src = "opaque seed : Nat := 41\n\ndef main : IO Unit := IO.println (seed + 1)\n"
    assert run_lean(tmp_path, src) == (0, "42\n", 0)


def test_types_and_proofs_are_erased():
    src = "def idNat (α : Type) (x : Nat) (h : x = x) : Nat := x\n" \
          "def main : IO Unit := IO.println (idNat Nat 4 rfl)\n"
    prog = compile_program(src, "prog.lean")
    f = next(d for d in prog.fdecls if d.name == "idNat")
    assert [p.ty for p in f.params] == [T.IRType.TOBJECT]


@pytest.mark.parametrize("src,where,what", [
    ("axiom secret : Nat\n\ndef helper (n : Nat) : Nat := secret + n\n\n"
     "def main : IO Unit := IO.println (helper 1)\n", "prog.lean:3:0", "'secret' (axiom"),
    # an extern our runtime does not have
    ("@[extern \"lean_io_timeit\"] opaque myTimeit (msg : String) (fn : IO Unit) : IO Unit := fn\n\n"
     "def main : IO Unit := myTimeit \"t\" (IO.println 1)\n", "prog.lean:3:0", "'myTimeit' (opaque"),
    # a runtime representation reached through its Lean model (an array's list)
    ("def main : IO Unit := IO.println (f #[1, 2])\n", None, None),
])
def test_unsupported_constructs_get_a_lean_style_error(src, where, what):
    if where is None:
        src = "def f (a : Array Nat) : Nat := match a with\n  | ⟨l⟩ => l.length\n\n" + src
        where, what = "prog.lean:1:0", "the representation of 'Array'"
    with pytest.raises(FrontendError) as info:
        compile_program(src, "prog.lean")
    (msg,) = info.value.messages
    assert msg.startswith(f"{where}: error: code generation for ") and msg.endswith("is not supported yet")
    assert what in msg


def test_internal_errors_are_messages(monkeypatch):
    from nleanjit.compiler import erase

    def broken(self, *args):
        raise ValueError("boom")
    monkeypatch.setattr(erase.Eraser, "lower_ctor", broken)
    with pytest.raises(FrontendError) as info:
        compile_program(DATA, "prog.lean")
    (msg,) = info.value.messages
    assert msg.startswith("prog.lean:") and "internal compiler error" in msg and "ValueError: boom" in msg


def test_elaboration_errors_and_missing_main():
    with pytest.raises(FrontendError) as info:
        compile_program("def main : IO Unit := IO.println (foo 1)\n", "prog.lean")
    assert info.value.messages[0].startswith("prog.lean:1:") and "unknown identifier 'foo'" in info.value.messages[0]
    with pytest.raises(FrontendError) as info:
        compile_program("def x := 1\n", "prog.lean")
    assert "no 'main'" in info.value.messages[0]


def test_cli_run(tmp_path):
    good = tmp_path / "good.lean"
    good.write_text(ARITH)
    bad = tmp_path / "bad.lean"
    bad.write_text("axiom secret : Nat\ndef main : IO Unit := IO.println secret\n")
    ok = subprocess.run([sys.executable, "-m", "nleanjit.cli", "run", str(good)], capture_output=True,
                        text=True, timeout=120)
    assert (ok.returncode, ok.stdout.splitlines()[1:3]) == (0, ["3628800", "5050"])
    deep = tmp_path / "deep.lean"  # List.range/length recurse once per element: needs the big stack
    deep.write_text("def main : IO Unit := IO.println (List.range 200000).length\n")
    ok = subprocess.run([sys.executable, "-m", "nleanjit.cli", "run", str(deep)], capture_output=True,
                        text=True, timeout=120)
    assert (ok.returncode, ok.stdout) == (0, "200000\n")
    code = tmp_path / "code.lean"  # main (args : List String) : IO UInt32
    code.write_text("def main (args : List String) : IO UInt32 := do\n"
                    "  IO.println (String.join args)\n  return (UInt32.ofNat args.length) + 40\n")
    ok = subprocess.run([sys.executable, "-m", "nleanjit.cli", "run", str(code), "a", "bc"], capture_output=True,
                        text=True, timeout=120)
    assert (ok.returncode, ok.stdout) == (42, "abc\n")
    err = subprocess.run([sys.executable, "-m", "nleanjit.cli", "run", str(bad)], capture_output=True,
                         text=True, timeout=120)
    assert err.returncode == 1 and "Traceback" not in err.stderr
    assert err.stderr.startswith(f"{bad}:2:0: error: code generation for 'secret'")


def test_cli_compile_executable_and_dumps(tmp_path):
    src = tmp_path / "prog.lean"
    src.write_text(HIGHER_ORDER)
    exe = tmp_path / "prog"
    res = subprocess.run([sys.executable, "-m", "nleanjit.cli", "compile", str(src), "-o", str(exe),
                          "--dump=erased,rc"], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    erased, rc = res.stdout.split("-- rc\n")
    assert erased.startswith("-- erased\ndef main (x_1 : tobj)") and "inc._lam_" in erased
    assert "dec " in rc and "dec " not in erased
    run = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert (run.returncode, run.stdout) == (0, "2\n39\n110\n63\n499500\n[1, 2]\nsome 5 none\n45\n")
    bad = subprocess.run([sys.executable, "-m", "nleanjit.cli", "compile", str(src), "--dump=nope"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "unknown dump 'nope'" in bad.stderr and "Traceback" not in bad.stderr


INIT_AND_WIDE = """
initialize counter : IO.Ref Nat ← IO.mkRef 10

initialize
  IO.println "init 1"
  counter.modify (· + 5)

initialize names : IO.Ref (Array String) ← do
  IO.println "init names"
  IO.mkRef #["a"]

def wide (x : Nat) : Nat → String :=
  let x1 := x + 1; let x2 := x + 2; let x3 := x + 3; let x4 := x + 4; let x5 := x + 5
  let x6 := x + 6; let x7 := x + 7; let x8 := x + 8; let x9 := x + 9; let x10 := x + 10
  let x11 := x + 11; let x12 := x + 12; let x13 := x + 13; let x14 := x + 14
  let x15 := x + 15; let x16 := x + 16; let x17 := x + 17
  fun y => toString [x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15, x16, x17, y]

def noValue (e : Empty) : Nat := Empty.casesOn (motive := fun _ => Nat) e

def main : IO Unit := do
  IO.println "main"
  IO.println (← counter.get)
  names.modify (·.push "b")  -- a persistent ref now holds a counted array, freed at exit
  IO.println (← names.get)
  IO.println (wide 0 100)
  let bs := (List.replicate 3 (7 : UInt8)).toByteArray
  let cs := bs.push 9 |>.set! 0 1
  IO.println s!"{bs.toList} {cs.toList} {cs.size} {"hello".toUTF8.size}"
  IO.println (([] : List Empty).map noValue).length
"""


def test_initializers_wide_closures_bytearrays(tmp_path):
    """`initialize` commands run in order before `main` (a named one through its constant);
    a closure over 17 captured values (the runtime's array calling convention); `ByteArray`
    through its model; a match on `Empty` is unreachable code."""
    code, out, live = run_lean(tmp_path, INIT_AND_WIDE)
    assert (code, live) == (0, 0)
    assert out == ("init 1\ninit names\nmain\n15\n#[a, b]\n"
                   "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 100]\n"
                   "[7, 7, 7] [1, 7, 7, 9] 4 5\n0\n")


STREAMS_AND_FILES = """
def sumLines (stdin : IO.FS.Stream) (acc : Nat) : Nat → IO Nat
  | 0 => pure acc
  | n+1 => do
    let line ← stdin.getLine
    if line.isEmpty then pure acc else sumLines stdin (acc + line.trim.toNat!) n

def main (args : List String) : IO UInt32 := do
  let stdin ← IO.getStdin
  let stdout ← IO.getStdout
  stdout.putStrLn s!"first: {(← stdin.getLine).trim}"
  stdout.putStr s!"total: {← sumLines stdin 0 100}\\n"
  stdout.flush
  (← IO.getStderr).putStrLn "to stderr"
  let path := args.headD "missing"
  IO.FS.writeFile path "one\\ntwo\\n"
  IO.print (← IO.FS.readFile path)
  IO.FS.removeFile path
  try
    let _ ← IO.FS.readFile path
  catch e => IO.println s!"gone: {e}"
  throw (IO.userError "boom")
"""


def test_standard_streams_files_and_uncaught_errors(tmp_path):
    """`IO.getStdin`/`getStdout`/`getStderr` streams (their closures are the runtime's),
    `IO.FS.readFile`/`writeFile`/`removeFile`, an OS error as the prelude's `IO.Error`
    prints Lean's text, an uncaught `userError` ends the program with code 1."""
    prog = compile_program(STREAMS_AND_FILES, "prog.lean")
    path = tmp_path / "data.txt"
    from nleanjit.codegen.driver import compile_to_executable
    from nleanjit.compiler.frontend import entry_flags
    exe = tmp_path / "prog"
    compile_to_executable(prog.fdecls, prog.externs, exe, opt_level=0, variant="debug", report_objects=True,
                          **entry_flags(prog))
    proc = subprocess.run([str(exe), str(path)], input="hello\n1\n2\n39\n", capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 1
    assert proc.stdout == "first: hello\ntotal: 42\none\ntwo\ngone: no such file or directory (error code: 2)\n"
    lines = proc.stderr.splitlines()
    assert lines[:2] == ["to stderr", "uncaught exception: boom"]
    assert REPORT.search(lines[2]).group(1) == "0"
    assert not path.exists()
