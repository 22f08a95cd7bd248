"""Object file and executable (the `nleanjit compile FILE -o EXE` back end).

What goes in: an `llvmlite.ir.Module` with a C `main` (see
`llvm.emit_module(entry=...)`). What comes out: an object file, and an
executable linked with the runtime's static library by the system C
compiler through `nleanjit.runtime.build.link_executable`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import llvmlite.ir as ir

from nleanjit.codegen.llvm import optimize_module, target_machine
from nleanjit.runtime.build import link_executable


def emit_object(module: ir.Module, path: Path | str, opt_level: int = 2) -> Path:
    ref = optimize_module(module, opt_level)
    Path(path).write_bytes(target_machine(opt_level).emit_object(ref))
    return Path(path)


def build_executable(module: ir.Module, output: Path | str, variant: str = "release", opt_level: int = 2) -> Path:
    """Compile `module` to an object file and link it with the runtime."""
    with tempfile.TemporaryDirectory(prefix="nleanjit-link-") as tmp:
        obj = emit_object(module, Path(tmp) / "program.o", opt_level)
        return link_executable([obj], output, variant)
