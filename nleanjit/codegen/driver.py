"""From λRC declarations to a running program: the back end's one entry point.

What goes in: `Decl`s and the externs they call (from the erasure stage, or
built by hand), the entry point's shape, the stages to dump. What comes out:
an executable on disk (`compile_to_executable`) or the exit code of a JIT
run in this process (`run_in_jit`), plus the requested dumps: every IR pass
name of `compiler.pipeline.PASS_NAMES`, and `llvm` (as emitted) and
`llvm-opt` (after LLVM's pipeline). This is what `nleanjit compile FILE -o
EXE --dump=…` and `nleanjit run` will call once erasure exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nleanjit.codegen import jit, link
from nleanjit.codegen.llvm import emit_module, optimize_module
from nleanjit.compiler.ir import types as T
from nleanjit.compiler.pipeline import PASS_NAMES, UnknownDumpError, run_pipeline

LLVM_DUMPS = ("llvm", "llvm-opt")


@dataclass
class BackendResult:
    dumps: dict[str, str] = field(default_factory=dict)
    executable: Path | None = None
    exit_code: int | None = None


def _lower(decls, externs, dump, entry, takes_args, returns_uint32, opt_level, report_objects=False):
    for name in dump:
        if name not in PASS_NAMES and name not in LLVM_DUMPS:
            raise UnknownDumpError(f"unknown dump '{name}'; known: {', '.join((*PASS_NAMES, *LLVM_DUMPS))}")
    res = run_pipeline(decls, list(externs), dump=tuple(d for d in dump if d in PASS_NAMES))
    module = emit_module(res.decls, list(externs), entry=entry, takes_args=takes_args, returns_uint32=returns_uint32,
                         report_objects=report_objects)
    out = BackendResult(dumps=dict(res.dumps))
    if "llvm" in dump:
        out.dumps["llvm"] = str(module)
    if "llvm-opt" in dump:
        out.dumps["llvm-opt"] = str(optimize_module(module, opt_level))
    return module, out


def compile_to_executable(decls: list[T.Decl], externs: list[T.Extern], output: Path | str, *,
                          opt_level: int = 2, variant: str = "release", dump: tuple[str, ...] = (),
                          main: str = "main", takes_args: bool = False, returns_uint32: bool = False,
                          report_objects: bool = False) -> BackendResult:
    """`report_objects` (with `variant="debug"`): the executable prints the runtime's live
    and allocated object counts on stderr at exit (`codegen.llvm.OBJECT_REPORT_FORMAT`)."""
    module, out = _lower(decls, externs, dump, main, takes_args, returns_uint32, opt_level, report_objects)
    out.executable = link.build_executable(module, output, variant, opt_level)
    return out


def run_in_jit(decls: list[T.Decl], externs: list[T.Extern], args: list[str] = (), *, opt_level: int = 0,
               variant: str = "release", dump: tuple[str, ...] = (), main: str = "main",
               takes_args: bool = False, returns_uint32: bool = False) -> BackendResult:
    """Compile in memory and run `main` (its output goes to this process's stdout)."""
    module, out = _lower(decls, externs, dump, None, takes_args, returns_uint32, opt_level)
    engine = jit.jit_compile(module, opt_level, variant)
    out.exit_code = jit.run_main(engine, list(args), main, variant, takes_args, returns_uint32)
    return out
