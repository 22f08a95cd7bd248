"""Figures for the native back end (λRC IR → LLVM → JIT / executable).

    .venv/bin/python tools/bench_compiler.py [--n 1000000]

Prints: the time of each compilation stage for a small program (IR passes,
LLVM IR emission, LLVM -O2 optimization + machine code in the JIT), and the
run time of "build the list [1..n] and sum it" compiled (JIT, release
runtime, -O2/-O3) against the same linked-list loop in CPython. The programs
are the hand-built IR of tests/compiler/ir_programs.py (the front end is not
connected yet).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "compiler"))
sys.path.insert(0, str(ROOT))

import ir_programs as P  # noqa: E402
from nleanjit.codegen import jit  # noqa: E402
from nleanjit.codegen.llvm import emit_module  # noqa: E402
from nleanjit.compiler.ir import types as T  # noqa: E402
from nleanjit.compiler.pipeline import run_pipeline  # noqa: E402


def list_sum_program(n: int) -> list[T.Decl]:
    main = T.FDecl("main", (P.p(1),), P.O, P.seq(
        P.let(2, P.TO, T.NumLit(n)), P.let(3, P.O, P.ctor(P.NIL)), P.let(4, P.O, P.fap("range", 2, 3)),
        P.let(5, P.TO, T.NumLit(0)), P.let(6, P.TO, P.fap("sum", 4, 5)),
        P.let(7, P.O, P.fap("Nat.repr", 6)), P.let(8, P.O, P.fap("IO.println", 7, 1)), P.ret(8)))
    return [P.range_list(), P.sum_list(), main]


def python_list_sum(n: int) -> int:
    lst = None
    for i in range(n, 0, -1):  # the same cons list, as nested pairs
        lst = (i, lst)
    acc = 0
    while lst is not None:
        acc += lst[0]
        lst = lst[1]
    return acc


def python_tree(n: int, modulus: int) -> int:
    """The persistent search tree of tests/compiler/ir_programs.py in CPython (tuples as nodes)."""
    def insert(t, k):
        if t is None:
            return (None, k, None)
        left, key, right = t
        if k < key:
            return (insert(left, k), key, right)
        if key < k:
            return (left, key, insert(right, k))
        return t

    def total(t):
        return 0 if t is None else total(t[0]) + t[1] + total(t[2])

    t = None
    for i in range(n):
        t = insert(t, (i * 7919) % modulus)
    return total(t)


def best_of(f, repeat=5):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ns = ap.parse_args()
    jit.load_runtime("release")

    # compile stages of a small program (5 functions)
    def stages(opt):
        t0 = time.perf_counter()
        decls = run_pipeline(P.list_program(10), P.EXTERNS).decls
        t1 = time.perf_counter()
        module = emit_module(decls, P.EXTERNS)
        t2 = time.perf_counter()
        jit.jit_compile(module, opt)
        t3 = time.perf_counter()
        return t1 - t0, t2 - t1, t3 - t2

    for opt in (0, 2):
        stages(opt)  # warm up
        runs = [stages(opt) for _ in range(5)]
        best = [min(r[i] for r in runs) for i in range(3)]
        print(f"small program (5 functions), -O{opt}: IR passes {1e3 * best[0]:.1f} ms, "
              f"LLVM IR emission {1e3 * best[1]:.1f} ms, LLVM optimize + JIT {1e3 * best[2]:.1f} ms, "
              f"total {1e3 * sum(best):.1f} ms")

    n = ns.n
    devnull = os.open(os.devnull, os.O_WRONLY)
    saved = os.dup(1)
    results = {}
    for opt in (2, 3):
        engine = jit.jit_compile(emit_module(run_pipeline(list_sum_program(n), P.EXTERNS).decls, P.EXTERNS), opt)
        os.dup2(devnull, 1)
        try:
            results[opt] = best_of(lambda: jit.run_main(engine))
        finally:
            os.dup2(saved, 1)
    tree_n, modulus = 200_000, 50_000
    engine = jit.jit_compile(emit_module(run_pipeline(P.tree_program(tree_n, modulus), P.EXTERNS).decls, P.EXTERNS), 2)
    os.dup2(devnull, 1)
    try:
        tree_native = best_of(lambda: jit.run_main(engine), repeat=3)
    finally:
        os.dup2(saved, 1)
    tree_py = best_of(lambda: python_tree(tree_n, modulus), repeat=1)
    print(f"search tree, {tree_n} insertions ({modulus} distinct keys, in place when unique), JIT -O2: "
          f"{1e3 * tree_native:.1f} ms; CPython: {1e3 * tree_py:.1f} ms ({tree_py / tree_native:.0f}x)")
    py = best_of(lambda: python_list_sum(n), repeat=3)
    for opt, t in results.items():
        print(f"list [1..{n}] built and summed, JIT -O{opt}: {1e3 * t:.1f} ms ({1e9 * t / n:.1f} ns/element)")
    print(f"same in CPython {sys.version.split()[0]} (tuples as cons cells): {1e3 * py:.1f} ms "
          f"({1e9 * py / n:.1f} ns/element); native is {py / min(results.values()):.0f}x faster")


if __name__ == "__main__":
    main()
