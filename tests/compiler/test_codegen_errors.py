"""Bad input to the code generator and the JIT runner: clear errors, no tracebacks."""

import subprocess
import sys

import pytest

import ir_programs as P
from nleanjit.codegen.llvm import CodegenError, emit_module, mangle, optimize_module
from nleanjit.compiler.ir import types as T


def test_unknown_callee_is_a_codegen_error():
    d = T.FDecl("f", (P.p(1),), T.IRType.OBJECT, P.seq(P.let(2, T.IRType.OBJECT, P.fap("g", 1)), P.ret(2)))
    with pytest.raises(CodegenError, match="in 'f': unknown function 'g'"):
        emit_module([d])


def test_entry_point_must_exist():
    with pytest.raises(CodegenError, match="no declaration 'main'"):
        emit_module([P.list_length()], P.EXTERNS, entry="main")


def test_optimization_level_is_checked():
    with pytest.raises(ValueError, match="0..3"):
        optimize_module(emit_module([P.list_length()], P.EXTERNS), 4)


def test_mangling_is_lean_style_and_injective_on_dots_and_underscores():
    assert mangle("List.map") == "l_List_map"
    assert mangle("a_b") == "l_a__b"
    assert mangle("a.b") != mangle("a_b")
    assert mangle("Nat.succ'") == "l_Nat_succ_u0027"


@pytest.mark.parametrize("content, fragment", [
    (None, "error: [Errno 2]"),
    ("this is not LLVM IR", "error:"),
])
def test_jit_runner_reports_bad_input(tmp_path, content, fragment):
    path = tmp_path / "bad.ll"
    if content is not None:
        path.write_text(content)
    proc = subprocess.run([sys.executable, "-m", "nleanjit.codegen.jit", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert fragment in proc.stderr and "Traceback" not in proc.stderr


def test_jit_runner_without_main(tmp_path):
    path = tmp_path / "nomain.ll"
    path.write_text(str(emit_module([P.list_length()], P.EXTERNS)))
    proc = subprocess.run([sys.executable, "-m", "nleanjit.codegen.jit", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "no compiled function 'main'" in proc.stderr and "Traceback" not in proc.stderr
