"""In-process execution with llvmlite's JIT (the `nleanjit run` / `#eval` back end).

What goes in: an `llvmlite.ir.Module` (or its text) holding a compiled
`main`. What comes out: the program's exit code, its output written to this
process's stdout by the runtime. The runtime's shared library is loaded
into the process (`load_library_permanently`), so one process uses one
runtime variant; `python -m nleanjit.codegen.jit FILE.ll [--variant debug]
[--opt N] [--main NAME] [--report-objects] [ARGS...]` runs a program in a fresh process,
which is how the tests keep the debug and release runtimes apart.
"""

from __future__ import annotations

import argparse
import ctypes
import sys
import time
from pathlib import Path

import llvmlite.binding as llvm
import llvmlite.ir as ir

from nleanjit.codegen.llvm import OBJECT_REPORT_FORMAT, mangle, optimize_module, target_machine
from nleanjit.runtime.build import runtime_library_path


class JitError(Exception):
    """The program cannot be run: a second runtime variant, no `main`."""


_loaded_variant: str | None = None
_engines: list = []  # keep compiled code alive as long as the process


def load_runtime(variant: str = "release") -> ctypes.CDLL:
    global _loaded_variant
    if _loaded_variant not in (None, variant):
        raise JitError(f"the {_loaded_variant} runtime is already loaded in this process; cannot load {variant}")
    path = str(runtime_library_path(variant, shared=True))
    if _loaded_variant is None:
        llvm.load_library_permanently(path)
        _loaded_variant = variant
    return ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)


def jit_compile(module: ir.Module | str, opt_level: int = 2, variant: str = "release"):
    """Compile a module in memory; returns the execution engine."""
    load_runtime(variant)
    if isinstance(module, str):
        from nleanjit.codegen.llvm import initialize_llvm

        initialize_llvm()
        ref = llvm.parse_assembly(module)
        ref.verify()
        if opt_level:
            ref = _optimize_ref(ref, opt_level)
    else:
        ref = optimize_module(module, opt_level)
    engine = llvm.create_mcjit_compiler(ref, target_machine(opt_level))
    engine.finalize_object()
    _engines.append(engine)
    return engine


def _optimize_ref(ref, opt_level: int):
    tm = target_machine(opt_level)
    pto = llvm.create_pipeline_tuning_options(speed_level=opt_level)
    pb = llvm.create_pass_builder(tm, pto)
    pb.getModulePassManager().run(ref, pb)
    return ref


def run_main(engine, args: list[str] = (), main_decl: str = "main", variant: str = "release",
             takes_args: bool = False, returns_uint32: bool = False) -> int:
    """Run the compiled `main` through the runtime's `nl_main`; returns the exit code."""
    lib = load_runtime(variant)
    addr = engine.get_function_address(mangle(main_decl))
    if not addr:
        raise JitError(f"no compiled function '{main_decl}'")
    argv_list = [b"nleanjit", *(a.encode() for a in args)]
    argv = (ctypes.c_char_p * (len(argv_list) + 1))(*argv_list, None)
    lib.nl_main.restype = ctypes.c_int
    lib.nl_main.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_bool, ctypes.c_bool]
    return lib.nl_main(len(argv_list), argv, addr, takes_args, returns_uint32)


def object_counts(variant: str = "debug") -> tuple[int, int]:
    """(live objects, total allocations) of the debug runtime; (-1, -1) in release."""
    lib = load_runtime(variant)
    lib.nl_debug_live_objects.restype = ctypes.c_int64
    lib.nl_debug_total_allocs.restype = ctypes.c_int64
    return lib.nl_debug_live_objects(), lib.nl_debug_total_allocs()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nleanjit.codegen.jit", description=__doc__.splitlines()[0])
    ap.add_argument("file", help="LLVM IR text (.ll) with a compiled main")
    ap.add_argument("--variant", default="release", choices=("release", "debug"))
    ap.add_argument("--opt", type=int, default=2, choices=(0, 1, 2, 3))
    ap.add_argument("--main", default="main", help="the declaration to run (default: main)")
    ap.add_argument("--report-objects", action="store_true")
    ap.add_argument("--report-time", action="store_true", help="print JIT compile and run times on stderr")
    ap.add_argument("args", nargs="*")
    ns = ap.parse_args(argv)
    try:
        text = Path(ns.file).read_text()
        t0 = time.perf_counter()
        engine = jit_compile(text, ns.opt, ns.variant)
        t1 = time.perf_counter()
        code = run_main(engine, ns.args, ns.main, variant=ns.variant)
        t2 = time.perf_counter()
    except (OSError, RuntimeError, JitError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if ns.report_objects:
        sys.stderr.write(OBJECT_REPORT_FORMAT.replace("%lld", "{}").format(*object_counts(ns.variant)))
    if ns.report_time:
        sys.stderr.write(f"nleanjit: jit compile {1000 * (t1 - t0):.1f} ms, run {1000 * (t2 - t1):.1f} ms\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
