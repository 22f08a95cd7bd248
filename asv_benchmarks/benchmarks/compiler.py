"""Native back end: compile time of a small program and run time of compiled code.

In: the hand-built λRC programs of tests/compiler/ir_programs.py (the front end
is not connected yet). Out: seconds for IR passes + LLVM emission + LLVM
optimization + JIT at -O0 and -O2 (`time_compile_*`), and seconds to run
"build [1..10^6] and sum it" compiled at -O2 with the release runtime
(`time_list_sum_native`), beside the same cons-list loop in CPython
(`time_list_sum_cpython`).
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "compiler"))
sys.path.insert(0, str(ROOT / "tools"))

N = 1_000_000


class CompileSmallProgram:
    params = [0, 2]
    param_names = ["opt_level"]

    def setup(self, opt_level):
        from nleanjit.codegen import jit

        jit.load_runtime("release")

    def time_compile(self, opt_level):
        import ir_programs as P
        from nleanjit.codegen import jit
        from nleanjit.codegen.llvm import emit_module
        from nleanjit.compiler.pipeline import run_pipeline

        decls = run_pipeline(P.list_program(10), P.EXTERNS).decls
        jit.jit_compile(emit_module(decls, P.EXTERNS), opt_level)


class ListSum:
    timeout = 120

    def setup(self):
        import ir_programs as P
        from bench_compiler import list_sum_program
        from nleanjit.codegen import jit
        from nleanjit.codegen.llvm import emit_module
        from nleanjit.compiler.pipeline import run_pipeline

        decls = run_pipeline(list_sum_program(N), P.EXTERNS).decls
        self.engine = jit.jit_compile(emit_module(decls, P.EXTERNS), 2)
        self.devnull = os.open(os.devnull, os.O_WRONLY)

    def time_list_sum_native(self):
        from nleanjit.codegen import jit

        saved = os.dup(1)
        os.dup2(self.devnull, 1)  # the program prints its sum
        try:
            jit.run_main(self.engine)
        finally:
            os.dup2(saved, 1)
            os.close(saved)

    def time_list_sum_cpython(self):
        from bench_compiler import python_list_sum

        python_list_sum(N)
