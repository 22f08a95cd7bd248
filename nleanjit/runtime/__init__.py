"""The native runtime that compiled Lean programs link against.

In: nothing (the C sources ship with the package).  Out: paths to a cached
build of the runtime (see :mod:`nleanjit.runtime.build`) for the code
generator's linker and JIT.  Concept: Lean 4's runtime -- reference-counted
objects with in-place updates of unique values.
"""

from nleanjit.runtime.build import (
    CCompilerNotFound,
    RuntimeBuild,
    RuntimeBuildError,
    build_runtime,
    link_executable,
    runtime_include_dir,
    runtime_library_path,
    runtime_link_args,
    runtime_object_files,
)

__all__ = [
    "CCompilerNotFound",
    "RuntimeBuild",
    "RuntimeBuildError",
    "build_runtime",
    "link_executable",
    "runtime_include_dir",
    "runtime_library_path",
    "runtime_link_args",
    "runtime_object_files",
]
