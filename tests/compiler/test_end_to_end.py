"""Hand-built IR compiled with llvmlite, run through the JIT and as a linked
executable: stdout, and zero live objects in the debug runtime."""

import re
import shutil
import subprocess
import sys

import pytest

import ir_programs as P
from nleanjit.codegen.link import build_executable
from nleanjit.codegen.llvm import emit_module
from nleanjit.compiler.ir import types as T
from nleanjit.compiler.pipeline import run_pipeline

REPORT = re.compile(r"nleanjit: live objects (-?\d+), allocations (-?\d+)")


def compile_ir(decls, skip=(), entry=None, report=False):
    result = run_pipeline(decls, P.EXTERNS, skip=skip, check_each=True)
    return emit_module(result.decls, P.EXTERNS, entry=entry, report_objects=report)


def jit_run(tmp_path, decls, variant="debug", opt=2, skip=()):
    """Run in a child process: one runtime variant per process."""
    ll = tmp_path / "prog.ll"
    ll.write_text(str(compile_ir(decls, skip)))
    proc = subprocess.run(
        [sys.executable, "-m", "nleanjit.codegen.jit", str(ll), "--variant", variant, "--opt", str(opt),
         "--report-objects"], capture_output=True, text=True, timeout=60)
    m = REPORT.search(proc.stderr)
    assert m, proc.stderr
    return proc.returncode, proc.stdout, int(m.group(1)), int(m.group(2))


def expected_list_output(n):
    return f"{n}\n{n * (n + 1) // 2 + n}\n"


@pytest.mark.parametrize("opt", [0, 3])
def test_list_map_sum_jit_debug_no_leaks(tmp_path, opt):
    code, out, live, _ = jit_run(tmp_path, P.list_program(1000), opt=opt)
    assert (code, out, live) == (0, expected_list_output(1000), 0)


def test_list_program_jit_release(tmp_path):
    code, out, live, _ = jit_run(tmp_path, P.list_program(100_000), variant="release")
    assert (code, out, live) == (0, expected_list_output(100_000), -1)  # release keeps no counts


def test_big_nat_slow_paths(tmp_path):
    a, b = 2 ** 64 + 5, 2 ** 63 - 1
    code, out, live, _ = jit_run(tmp_path, P.big_nat_program(a, b))
    assert (code, live) == (0, 0)
    assert out.split() == [str(a + b), str(a), str(b * b), "0", str(b + 1)]


def test_array_push_in_place(tmp_path):
    n = 10_000
    code, out, live, allocs = jit_run(tmp_path, P.array_program(n))
    assert (code, out, live) == (0, f"{n}\n", 0)
    # the array is unique: push reallocates only when the capacity doubles
    assert allocs < 64


@pytest.mark.parametrize("expanded", [True, False])
def test_reset_reuse_updates_in_place(tmp_path, expanded):
    n = 2000
    skip = () if expanded else ("expand_reset_reuse",)
    with_reuse = jit_run(tmp_path, P.reuse_program(n), skip=skip)
    without = jit_run(tmp_path, P.reuse_program(n), skip=("reset_reuse",))
    total = n * (n + 1) // 2 + n
    assert with_reuse[:3] == without[:3] == (0, f"{total}\n", 0)
    # map (+1) on a unique list allocates no cell with reuse, one per element without
    assert without[3] - with_reuse[3] == n


@pytest.mark.parametrize("skip", [(), ("expand_reset_reuse",), ("reset_reuse",)])
def test_tree_insert_in_place(tmp_path, skip):
    n, modulus = 3000, 1000
    keys = {(i * 7919) % modulus for i in range(n)}
    code, out, live, allocs = jit_run(tmp_path, P.tree_program(n, modulus), skip=skip)
    assert (code, out, live) == (0, f"{sum(keys)}\n", 0)
    if "reset_reuse" not in skip:
        # each insertion rebuilds its path in place: one new node per distinct key (+ the output)
        assert allocs == len(keys) + 2


def test_scalar_fields_boxing_and_boxed_wrappers(tmp_path):
    code, out, live, _ = jit_run(tmp_path, P.scalar_program())
    assert (code, out, live) == (0, f"{2 ** 64 - 1}\n7\n", 0)


def test_boxing_pass_inserts_conversions(tmp_path):
    code, out, live, _ = jit_run(tmp_path, P.implicit_boxing_program())
    assert (code, out, live) == (0, f"{2 ** 64 - 1}\n99\n1\n", 0)


def test_closed_constants_and_string_literals_are_built_once(tmp_path):
    n = 100
    code, out, live, allocs = jit_run(tmp_path, P.constants_program(n))
    assert (code, out, live) == (0, f"{n + n * (n + 1) // 2}\n" + "héllo\n" * 3, 0)
    # n cells once, one number string, the literal once (its three sites share it), 4 IO results
    assert allocs == n + 1 + 1 + 4


def test_closures_and_join_points(tmp_path):
    code, out, live, _ = jit_run(tmp_path, P.closure_program(10, 10))
    assert (code, out, live) == (0, "1000\n", 0)  # sum 11..20 = 155 < 1000 → 1000
    code, out, live, _ = jit_run(tmp_path, P.closure_program(100, 10))
    assert (code, out, live) == (0, f"{sum(range(11, 111))}\n", 0)


def test_linked_executable_matches_jit(tmp_path):
    exe = build_executable(compile_ir(P.list_program(500), entry="main", report=True), tmp_path / "prog", "debug")
    proc = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert proc.stdout == expected_list_output(500)
    assert REPORT.search(proc.stderr).group(1) == "0"
    _, jit_out, _, _ = jit_run(tmp_path, P.list_program(500))
    assert jit_out == proc.stdout


def test_linked_release_executable(tmp_path):
    exe = build_executable(compile_ir(P.array_program(1000), entry="main"), tmp_path / "arr", "release", opt_level=3)
    proc = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "1000\n", "")


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_valgrind_reports_no_errors(tmp_path):
    exe = build_executable(compile_ir(P.tree_program(300, 100), entry="main"), tmp_path / "tree", "debug")
    proc = subprocess.run(["valgrind", "--error-exitcode=1", "--leak-check=full", "--errors-for-leak-kinds=definite",
                           "-q", str(exe)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"{sum({(i * 7919) % 100 for i in range(300)})}\n"


def test_long_straight_line_main(tmp_path):
    """3000 instructions in one body: the passes recurse along it (recursion room)."""
    from nleanjit.compiler.ir.interpreter import run_main

    k = 1000
    items, x = [], 1
    for i in range(k):
        items += [P.let(x + 1, P.TO, T.NumLit(i)), P.let(x + 2, P.O, P.fap("Nat.repr", x + 1)),
                  P.let(x + 3, P.O, P.fap("IO.println", x + 2, 1))]
        x += 3
    decls = [T.FDecl("main", (P.p(1),), P.O, P.seq(*items, P.ret(x)))]
    expected = "".join(f"{i}\n" for i in range(k))
    assert run_main([*P.EXTERNS, *run_pipeline(decls, P.EXTERNS).decls]).output == expected
    code, out, live, _ = jit_run(tmp_path, decls, opt=1)
    assert (code, out, live) == (0, expected, 0)


PARITY = {
    "list": lambda: P.list_program(30), "reuse": lambda: P.reuse_program(30), "tree": lambda: P.tree_program(100, 20),
    "closure": lambda: P.closure_program(20, 3), "scalars": P.scalar_program,
    "bignat": lambda: P.big_nat_program(2 ** 70, 5), "boxing": P.implicit_boxing_program,
    "dropzeros": lambda: P.drop_zeros_program(30),
}


@pytest.mark.parametrize("skip", [(), ("reset_reuse",)])
@pytest.mark.parametrize("program", sorted(PARITY))
def test_interpreter_and_native_runtime_agree_on_output_and_allocations(tmp_path, program, skip):
    """One golden output, two back ends — and the same number of allocations,
    so in-place updates happen exactly where the interpreter says they do."""
    from nleanjit.compiler.ir.interpreter import run_main

    decls = PARITY[program]()
    reference = run_main([*P.EXTERNS, *run_pipeline(decls, P.EXTERNS, skip=skip).decls])
    code, out, live, allocs = jit_run(tmp_path, decls, skip=skip)
    assert (code, out, live, allocs) == (0, reference.output, 0, reference.allocations)


def test_drop_zeros_frees_dropped_cells_in_place(tmp_path):
    result = run_pipeline(P.drop_zeros_program(30), P.EXTERNS, dump=("expand_reset_reuse",))
    assert "del x_1;" in result.dumps["expand_reset_reuse"]
    code, out, live, _ = jit_run(tmp_path, P.drop_zeros_program(30))
    assert (code, out, live) == (0, "20\n", 0)


def test_reaching_unreachable_code_is_an_internal_panic(tmp_path):
    ll = tmp_path / "u.ll"
    ll.write_text(str(compile_ir(P.unreachable_program())))
    proc = subprocess.run([sys.executable, "-m", "nleanjit.codegen.jit", str(ll)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "INTERNAL PANIC" in proc.stderr and "unreachable" in proc.stderr
