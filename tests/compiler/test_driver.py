"""The back end's entry points: executables with dumps, JIT runs, args and exit codes."""

import subprocess
import sys

import pytest

import ir_programs as P
from nleanjit.codegen.driver import compile_to_executable
from nleanjit.compiler.ir import types as T
from nleanjit.compiler.pipeline import UnknownDumpError


def exit_code_program() -> list[T.Decl]:
    """main (args : List String) : IO UInt32 — prints the number of arguments, returns 3."""
    main = T.FDecl("main", (P.p(1), P.p(2)), P.O, P.seq(
        P.let(3, P.TO, P.fap("List.length", 1)), P.let(4, P.O, P.fap("Nat.repr", 3)),
        P.let(5, P.O, P.fap("IO.println", 4, 2)),
        P.let(6, T.IRType.UINT32, T.NumLit(3)), P.let(7, P.O, T.Box(T.IRType.UINT32, P.v(6))),
        P.let(8, P.O, P.fap("IO.ok", 7)), P.ret(8)))
    ok = T.Extern("IO.ok", (P.p(1),), P.O, "nl_io_result_mk_ok")
    return [P.list_length(), main], [*P.EXTERNS, ok]


def test_executable_with_args_exit_code_and_dumps(tmp_path):
    decls, externs = exit_code_program()
    res = compile_to_executable(decls, externs, tmp_path / "prog", dump=("rc", "llvm", "llvm-opt"),
                                takes_args=True, returns_uint32=True)
    assert set(res.dumps) == {"rc", "llvm", "llvm-opt"}
    assert "def main (x_1 : obj) (x_2 : obj) : obj :=" in res.dumps["rc"]
    assert 'define ptr @"l_main"' in res.dumps["llvm"] or "define ptr @l_main" in res.dumps["llvm"]
    assert "@nl_main" in res.dumps["llvm-opt"]
    proc = subprocess.run([str(res.executable), "a", "b", "c", "d"], capture_output=True, text=True, timeout=30)
    assert (proc.returncode, proc.stdout) == (3, "4\n")


def test_jit_run_in_a_child_process(tmp_path):
    code = (
        "import sys; sys.path.insert(0, %r)\n"
        "import ir_programs as P\n"
        "from nleanjit.codegen.driver import run_in_jit\n"
        "r = run_in_jit(P.list_program(20), P.EXTERNS, opt_level=0)\n"
        "sys.exit(r.exit_code)\n" % str(P.__file__.rsplit("/", 1)[0]))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout) == (0, "20\n230\n")


def test_unknown_dump_lists_the_known_ones(tmp_path):
    decls, externs = exit_code_program()
    with pytest.raises(UnknownDumpError, match="known: init, reset_reuse, borrow, boxing, rc, expand_reset_reuse, llvm, llvm-opt"):
        compile_to_executable(decls, externs, tmp_path / "x", dump=("asm",))
