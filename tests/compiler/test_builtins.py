"""Lean's `@[extern]` symbols on our runtime: the table, inline UInt
arithmetic against Python, and the array/string/reference wrappers."""

import re
import subprocess
import sys
from pathlib import Path

import ir_programs as P
from nleanjit.codegen.llvm import INTRINSICS, emit_module
from nleanjit.compiler import builtins
from nleanjit.compiler.ir import types as T
from nleanjit.compiler.pipeline import run_pipeline

PRELUDE = Path(__file__).resolve().parents[2] / "nleanjit" / "prelude"
REPORT = re.compile(r"nleanjit: live objects (-?\d+), allocations (-?\d+)")


def extern(symbol: str) -> T.Extern:
    d = builtins.extern_decl(symbol, symbol)
    assert d is not None, symbol
    return d


def run(tmp_path, decls, externs):
    result = run_pipeline(decls, externs, check_each=True)
    ll = tmp_path / "b.ll"
    ll.write_text(str(emit_module(result.decls, externs)))
    proc = subprocess.run([sys.executable, "-m", "nleanjit.codegen.jit", str(ll), "--variant", "debug",
                           "--report-objects"], capture_output=True, text=True, timeout=60)
    m = REPORT.search(proc.stderr)
    assert m, proc.stderr
    return proc.returncode, proc.stdout, proc.stderr, int(m.group(1))


def test_every_uint_symbol_of_the_prelude_is_mapped():
    symbols = set(re.findall(r'extern "(lean_(?:uint\d+|usize)_\w+)"', "".join(p.read_text() for p in PRELUDE.glob("*.lean"))))
    assert symbols, "the prelude names no UInt externs"
    assert sorted(s for s in symbols if builtins.lookup(s) is None and s != "lean_uint64_mix_hash") == []


def test_runtime_targets_exist_in_the_shared_library():
    from nleanjit.runtime.build import runtime_library_path

    out = subprocess.run(["nm", "-D", "--defined-only", str(runtime_library_path(shared=True))],
                         capture_output=True, text=True, check=True).stdout
    exported = {line.split()[-1] for line in out.splitlines() if line.strip()}
    missing = [b.target for b in builtins.BUILTINS.values() if b.target not in INTRINSICS and b.target not in exported]
    assert missing == []


def test_unknown_symbol_has_no_declaration():
    assert builtins.extern_decl("Foo.bar", "lean_no_such_thing") is None
    assert builtins.lookup("lean_uint8_frobnicate") is None


UINT_CASES = [
    # (type name, op, a, b)
    ("uint8", "add", 200, 100), ("uint8", "sub", 3, 5), ("uint8", "mul", 16, 17), ("uint8", "div", 200, 0),
    ("uint8", "mod", 200, 0), ("uint8", "mod", 200, 7), ("uint8", "shift_left", 1, 9), ("uint8", "shift_right", 128, 15),
    ("uint8", "complement", 5, None), ("uint8", "log2", 200, None), ("uint8", "log2", 0, None),
    ("uint16", "mul", 300, 300), ("uint16", "xor", 0xF0F0, 0x0FF0), ("uint16", "dec_lt", 3, 4),
    ("uint32", "sub", 0, 1), ("uint32", "div", 100, 7), ("uint32", "land", 0xFF00FF, 0x0F0F0F), ("uint32", "dec_eq", 7, 7),
    ("uint64", "add", 2 ** 64 - 1, 2), ("uint64", "mul", 2 ** 40, 2 ** 30), ("uint64", "lor", 1, 2 ** 63),
    ("uint64", "shift_right", 2 ** 63, 65), ("uint64", "dec_le", 5, 4), ("uint64", "log2", 2 ** 63 + 5, None),
    ("usize", "sub", 1, 2), ("usize", "complement", 0, None),
]
WIDTH = {"uint8": 8, "uint16": 16, "uint32": 32, "uint64": 64, "usize": 64}


def reference(ty, op, a, b):
    w = WIDTH[ty]
    m = (1 << w) - 1
    return {
        "add": lambda: (a + b) & m, "sub": lambda: (a - b) & m, "mul": lambda: (a * b) & m,
        "div": lambda: a // b if b else 0, "mod": lambda: a % b if b else a,
        "land": lambda: a & b, "lor": lambda: a | b, "xor": lambda: a ^ b,
        "shift_left": lambda: (a << (b % w)) & m, "shift_right": lambda: a >> (b % w),
        "complement": lambda: ~a & m, "log2": lambda: a.bit_length() - 1 if a else 0,
        "dec_eq": lambda: int(a == b), "dec_lt": lambda: int(a < b), "dec_le": lambda: int(a <= b),
    }[op]()


def test_uint_arithmetic_matches_python(tmp_path):
    externs = {"Nat.repr": P.EXTERNS[[e.name for e in P.EXTERNS].index("Nat.repr")],
               "IO.println": P.EXTERNS[[e.name for e in P.EXTERNS].index("IO.println")]}
    items, var = [], [1]

    def fresh():
        var[0] += 1
        return var[0]

    for ty_name, op, a, b in UINT_CASES:
        ty = builtins.UINT_TYPES[ty_name]
        sym = f"lean_{ty_name}_{op}"
        externs[sym] = extern(sym)
        to_nat = "lean_uint8_to_nat" if op.startswith("dec_") else f"lean_{ty_name}_to_nat"
        externs[to_nat] = extern(to_nat)
        # the operands come from Nat literals through of_nat, as `(200 : UInt8)` does
        of_nat = f"lean_{ty_name}_of_nat"
        externs[of_nat] = extern(of_nat)
        xs = []
        for value in (a, b) if b is not None else (a,):
            lit, x = fresh(), fresh()
            items += [P.let(lit, P.TO, T.NumLit(value)), P.let(x, ty, P.fap(of_nat, lit))]
            xs.append(x)
        r, n, s, io = fresh(), fresh(), fresh(), fresh()
        rty = T.IRType.UINT8 if op.startswith("dec_") else ty
        items += [P.let(r, rty, P.fap(sym, *xs)), P.let(n, P.TO, P.fap(to_nat, r)),
                  P.let(s, P.O, P.fap("Nat.repr", n)), P.let(io, P.O, P.fap("IO.println", s, 1))]
    main = T.FDecl("main", (P.p(1),), P.O, P.seq(*items, P.ret(io)))
    code, out, err, live = run(tmp_path, [main], list(externs.values()))
    assert code == 0, err
    assert out.split() == [str(reference(*case)) for case in UINT_CASES]
    assert live == 0


def test_array_string_and_ref_wrappers(tmp_path):
    syms = ["lean_mk_empty_array_with_capacity", "lean_array_push", "lean_array_set", "lean_array_get",
            "lean_array_fget", "lean_array_swap", "lean_array_pop", "lean_array_get_size", "lean_string_append",
            "lean_string_push", "lean_string_length", "lean_string_dec_eq", "lean_st_mk_ref", "lean_st_ref_set",
            "lean_st_ref_get", "lean_nat_dec_lt", "lean_nat_add"]
    externs = [*P.EXTERNS, *(extern(s) for s in syms)]
    O, TO, U8 = P.O, P.TO, P.U8
    L, f, v = P.let, P.fap, P.v
    show = lambda x, s, io: [L(s, O, f("Nat.repr", x)), L(io, O, f("IO.println", s, 1))]  # noqa: E731
    main = T.FDecl("main", (P.p(1),), O, P.seq(
        L(2, TO, T.NumLit(2)), L(3, O, f("lean_mk_empty_array_with_capacity", 2)),
        L(4, TO, T.NumLit(10)), L(5, TO, T.NumLit(20)), L(6, TO, T.NumLit(30)),
        L(7, O, f("lean_array_push", 3, 4)), L(8, O, f("lean_array_push", 7, 5)), L(9, O, f("lean_array_push", 8, 6)),
        L(10, TO, T.NumLit(0)), L(11, TO, T.NumLit(1)),
        L(12, O, f("lean_array_set", 9, 11, 4)),              # [10, 10, 30]
        L(13, O, f("lean_array_swap", 12, 10, 2)),             # [30, 10, 10]
        L(14, TO, f("lean_array_fget", 13, 10)), *show(14, 15, 16),           # 30
        L(17, TO, T.NumLit(99)), L(18, TO, T.NumLit(7)),
        L(19, TO, f("lean_array_get", 17, 13, 18)), *show(19, 20, 21),       # out of bounds: 99 and a panic
        L(22, O, f("lean_array_pop", 13)), L(23, TO, f("lean_array_get_size", 22)), *show(23, 24, 25),  # 2
        L(26, O, T.StrLit("ab")), L(27, O, T.StrLit("cé")), L(28, O, f("lean_string_append", 26, 27)),
        L(29, T.IRType.UINT32, T.NumLit(0x1F600)), L(30, O, f("lean_string_push", 28, 29)),
        L(31, O, f("IO.println", 30, 1)),                                     # abcé😀
        L(32, TO, f("lean_string_length", 30)), *show(32, 33, 34),           # 5
        L(35, U8, f("lean_string_dec_eq", 26, 26)), L(36, TO, f("lean_nat_add", 10, 10)),
        L(37, O, f("lean_st_mk_ref", 36, 1)), L(38, O, T.Proj(0, v(37))),
        L(39, O, f("lean_st_ref_set", 38, 5, 1)), L(40, O, f("lean_st_ref_get", 38, 1)),
        L(41, TO, T.Proj(0, v(40))), *show(41, 42, 43),                     # 20
        P.ret(43)))
    code, out, err, live = run(tmp_path, [main], externs)
    assert code == 0, err
    assert out == "30\n99\n2\nabcé😀\n5\n20\n"
    assert "index out of bounds" in err
    assert live == 0
