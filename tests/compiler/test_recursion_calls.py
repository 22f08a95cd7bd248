"""Structural recursion compiles to direct recursive calls (issue 6, erasure).

The elaborator turns `def f : T → A → R | …` into `T.rec` with a motive generalized
over `A`, so each recursive call is an induction hypothesis applied to `A`'s new
value. Erasure must call the auxiliary recursive function directly with those
arguments (a self tail call then becomes a loop in codegen), not build a closure
for the hypothesis and apply it through the runtime's generic `nl_apply_*`.
The golden file pins the erased IR (`NLEANJIT_UPDATE_GOLDEN=1` regenerates it).
"""

import os
import re
from pathlib import Path

from nleanjit.codegen.llvm import emit_module
from nleanjit.compiler.frontend import compile_program
from nleanjit.compiler.ir import types as T
from nleanjit.compiler.ir.printer import format_decls
from nleanjit.compiler.pipeline import run_pipeline

from tests.compiler.test_frontend import run_lean

GOLDEN = Path(__file__).parent / "golden" / "erased_structural.txt"

TREE = """
inductive Tree where
  | leaf : Tree
  | node : Tree → Nat → Tree → Tree

def Tree.insert : Tree → Nat → Tree
  | .leaf, k => .node .leaf k .leaf
  | .node l x r, k =>
    if k < x then .node (l.insert k) x r else if x < k then .node l x (r.insert k) else .node l x r

-- the accumulator is generalized in the motive: `Tree.sum r (…)` is a tail call
def Tree.sum : Tree → Nat → Nat
  | .leaf, acc => acc
  | .node l x r, acc => Tree.sum r (Tree.sum l (acc + x))

-- the recursive call under a `fun` used as a value stays a closure (and still works)
def addAll : List Nat → Nat → Nat
  | [], acc => acc
  | x :: xs, acc => let g := fun y => addAll xs y; g (acc + x)

def build : Nat → Tree → Tree
  | 0, t => t
  | n+1, t => build n (t.insert ((n * 7919) % 1000))

def main : IO Unit := do
  IO.println ((build 2000 .leaf).sum 0)
  IO.println (addAll [1, 2, 3, 4] 10)
"""


def _calls(body, out):
    """Every call-like expression of an IR body: (kind, callee or None)."""
    if isinstance(body, T.VDecl):
        e = body.e
        if isinstance(e, (T.FAp, T.PAp)):
            out.append((type(e).__name__, e.fn))
        elif isinstance(e, T.Ap):
            out.append(("Ap", None))
        _calls(body.b, out)
    elif isinstance(body, T.JDecl):
        _calls(body.v, out)
        _calls(body.b, out)
    elif isinstance(body, T.Case):
        for alt in body.alts:
            _calls(alt.body, out)
    return out


def _aux(prog, prefix):
    return next(d for d in prog.fdecls if d.name.startswith(prefix + "._rec_"))


def test_recursive_calls_with_generalized_arguments_are_direct_calls():
    prog = compile_program(TREE, "prog.lean")
    for name in ("Tree.insert", "Tree.sum", "build"):
        aux = _aux(prog, name)
        calls = _calls(aux.body, [])
        assert ("FAp", aux.name) in calls, (name, calls)
        assert not any(kind in ("PAp", "Ap") for kind, _ in calls), (name, calls)
    # the hypothesis under a `fun` value: a closure over the auxiliary function, applied
    calls = _calls(_aux(prog, "addAll").body, [])
    assert any(kind == "PAp" for kind, _ in calls) and ("Ap", None) in calls, calls


def test_erased_ir_golden():
    prog = compile_program(TREE, "prog.lean")
    keep = [d for d in prog.fdecls if d.name.split("._rec_")[0] in ("Tree.insert", "Tree.sum")]
    text = format_decls(keep)
    if os.environ.get("NLEANJIT_UPDATE_GOLDEN"):
        GOLDEN.write_text(text)
    assert text == GOLDEN.read_text()


def test_self_tail_call_is_a_loop_in_llvm():
    prog = compile_program(TREE, "prog.lean")
    res = run_pipeline(prog.fdecls, prog.externs)
    llvm = str(emit_module(res.decls, prog.externs))
    aux = _aux(prog, "Tree.sum").name
    sym = "l_" + aux.replace("_", "__").replace(".", "_")
    m = re.search(r'define [^\n]*@"?' + re.escape(sym) + r'"?\(', llvm)
    fn_text = llvm[m.end():llvm.index("\n}", m.end())]
    # the inner `Tree.sum l …` is a real call, the outer tail call `Tree.sum r …` a branch back
    assert len(re.findall(r"call [^\n]*@\"?" + re.escape(sym) + r"\"?\(", fn_text)) == 1, fn_text


def test_runs_and_frees_everything(tmp_path):
    assert run_lean(tmp_path, TREE) == (0, "499500\n20\n", 0)
