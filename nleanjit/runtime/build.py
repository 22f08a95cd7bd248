"""Build the nleanjit native runtime once per machine and cache it.

In: the C sources next to this file (``*.c``, ``*.h``) and the system C
compiler (``$CC``, else ``cc``, ``gcc`` or ``clang``).  Out: a
:class:`RuntimeBuild` naming a static archive ``libnleanjit_rt.a``, a shared
object ``libnleanjit_rt.so`` (for llvmlite's in-process JIT), the object
files, the include directory and the linker arguments, all cached under
``~/.cache/nleanjit/runtime/<variant>-<hash>/`` where the hash covers the
sources, the compiler and its version, and the flags.  Changing a source file
changes the hash, so the next call rebuilds.

Two variants: ``release`` (``-O2``) and ``debug`` (``-DNLEANJIT_DEBUG``: every
object comes from malloc and live objects are counted, so tests and valgrind
can check that a program frees everything it allocated).

Why C and not LLVM IR emitted with llvmlite: the runtime is a fixed library
(allocator, bignums, UTF-8, threads, stdio) that needs libc, pthreads and
optionally GMP; written in C it is short, readable, debuggable with gdb and
valgrind, and compiled once per machine by a real optimising compiler.  Only
the hot fast paths (box/unbox, inc/dec, nat add) must be visible to LLVM's
optimiser, and those are small enough for the code generator to emit inline
itself, following the layout in docs/RUNTIME.md.  Emitting the whole runtime
as IR would mean writing a C library in llvmlite's builder API for no gain.

Concept: the runtime of Lean 4 ("Counting Immutable Beans"), rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

RUNTIME_DIR = Path(__file__).resolve().parent
BUILD_FORMAT = "1"  # bump when the layout of the cache directory changes

COMMON_FLAGS = ("-std=c11", "-D_GNU_SOURCE", "-fPIC", "-pthread", "-Wall", "-Wextra")
VARIANT_FLAGS = {
    "release": ("-O2",),
    "debug": ("-O1", "-g", "-DNLEANJIT_DEBUG"),
}
STATIC_NAME = "libnleanjit_rt.a"
SHARED_NAME = "libnleanjit_rt.so"


class RuntimeBuildError(Exception):
    """The runtime could not be built (compiler error, missing tool)."""


class CCompilerNotFound(RuntimeBuildError):
    """No C compiler on this machine."""


@dataclass(frozen=True)
class RuntimeBuild:
    """One cached build of the runtime."""

    variant: str
    directory: Path
    static_library: Path
    shared_library: Path
    object_files: tuple[Path, ...]
    include_dir: Path
    uses_gmp: bool
    link_args: tuple[str, ...]  # libraries the runtime needs, after the archive


def find_c_compiler() -> str:
    """The C compiler to use: ``$CC`` if set, else the first of cc, gcc, clang."""
    candidates = [os.environ["CC"]] if os.environ.get("CC") else ["cc", "gcc", "clang"]
    for name in candidates:
        path = shutil.which(name)
        if path:
            return path
    raise CCompilerNotFound(
        "no C compiler found (looked for "
        + ", ".join(candidates)
        + "); nleanjit needs one to build its runtime: install gcc or clang, or set CC"
    )


def _find_archiver(compiler: str) -> str:
    for name in ("ar", "gcc-ar", "llvm-ar"):
        path = shutil.which(name)
        if path:
            return path
    raise RuntimeBuildError(f"no archiver (ar) found next to the C compiler {compiler}")


def cache_root() -> Path:
    """``$NLEANJIT_CACHE_DIR/runtime``, else ``$XDG_CACHE_HOME/nleanjit/runtime``."""
    if os.environ.get("NLEANJIT_CACHE_DIR"):
        return Path(os.environ["NLEANJIT_CACHE_DIR"]) / "runtime"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nleanjit" / "runtime"


def _sources() -> list[Path]:
    return sorted(RUNTIME_DIR.glob("*.c"))


def _compiler_identity(compiler: str) -> str:
    try:
        out = subprocess.run([compiler, "--version"], capture_output=True, text=True, timeout=30)
    except OSError as exc:
        raise CCompilerNotFound(f"cannot run the C compiler {compiler}: {exc}") from exc
    return out.stdout


def _gmp_request() -> str:
    """'auto' unless NLEANJIT_RUNTIME_GMP is 0/1 (forces off/on)."""
    value = os.environ.get("NLEANJIT_RUNTIME_GMP", "").strip()
    return {"0": "off", "1": "on"}.get(value, "auto")


def _gmp_available(compiler: str, workdir: Path) -> bool:
    """Whether gmp.h compiles and -lgmp links on this machine."""
    probe = workdir / "gmp_probe.c"
    probe.write_text(
        "#include <gmp.h>\nint main(void) { mpz_t x; mpz_init(x); mpz_clear(x);"
        " return GMP_LIMB_BITS == 64 ? 0 : 1; }\n"
    )
    exe = workdir / "gmp_probe"
    try:
        res = subprocess.run(
            [compiler, str(probe), "-o", str(exe), "-lgmp"], capture_output=True, timeout=60
        )
        if res.returncode != 0:
            return False
        return subprocess.run([str(exe)], timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _build_key(variant: str, compiler: str, gmp: str) -> str:
    h = hashlib.sha256()
    h.update(f"format={BUILD_FORMAT}\ncompiler={compiler}\ngmp={gmp}\n".encode())
    h.update(_compiler_identity(compiler).encode())
    h.update(" ".join(COMMON_FLAGS + VARIANT_FLAGS[variant]).encode())
    for path in sorted(RUNTIME_DIR.glob("*.[ch]")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:20]


def _run(cmd: list[str], what: str) -> None:
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeBuildError(f"{what} failed ({' '.join(cmd)}):\n{res.stderr.strip()}")


def _load(directory: Path, variant: str) -> RuntimeBuild:
    meta = json.loads((directory / "build.json").read_text())
    return RuntimeBuild(
        variant=variant,
        directory=directory,
        static_library=directory / STATIC_NAME,
        shared_library=directory / SHARED_NAME,
        object_files=tuple(directory / name for name in meta["objects"]),
        include_dir=RUNTIME_DIR,
        uses_gmp=meta["uses_gmp"],
        link_args=tuple(meta["link_args"]),
    )


def _compile_into(directory: Path, variant: str, compiler: str, gmp: str) -> None:
    uses_gmp = gmp == "on" or (gmp == "auto" and _gmp_available(compiler, directory))
    flags = list(COMMON_FLAGS + VARIANT_FLAGS[variant]) + (["-DNL_USE_GMP"] if uses_gmp else [])
    link_args = (["-lgmp"] if uses_gmp else []) + ["-lpthread", "-lm"]
    objects = []
    jobs = []
    for src in _sources():
        obj = directory / (src.stem + ".o")
        objects.append(obj)
        jobs.append(([compiler, *flags, "-I", str(RUNTIME_DIR), "-c", str(src), "-o", str(obj)], src.name))
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        for future in [pool.submit(_run, cmd, f"compiling {name}") for cmd, name in jobs]:
            future.result()
    _run([_find_archiver(compiler), "rcs", str(directory / STATIC_NAME), *map(str, objects)], "ar")
    _run(
        [compiler, "-shared", "-o", str(directory / SHARED_NAME), *map(str, objects), *link_args],
        "linking the shared runtime",
    )
    (directory / "build.json").write_text(
        json.dumps(
            {
                "variant": variant,
                "compiler": compiler,
                "flags": flags,
                "uses_gmp": uses_gmp,
                "link_args": link_args,
                "objects": [o.name for o in objects],
            },
            indent=1,
        )
    )


_lock = threading.Lock()
_memo: dict[tuple[str, str, str], RuntimeBuild] = {}


def build_runtime(variant: str = "release") -> RuntimeBuild:
    """The cached build of `variant` ('release' or 'debug'), building it if needed."""
    if variant not in VARIANT_FLAGS:
        raise RuntimeBuildError(f"unknown runtime variant {variant!r} (expected one of {sorted(VARIANT_FLAGS)})")
    compiler = find_c_compiler()
    gmp = _gmp_request()
    with _lock:
        if (variant, compiler, gmp) in _memo and _memo[(variant, compiler, gmp)].directory.exists():
            return _memo[(variant, compiler, gmp)]
        root = cache_root()
        final = root / f"{variant}-{'' if gmp == 'auto' else gmp + '-'}{_build_key(variant, compiler, gmp)}"
        if not (final / "build.json").exists():
            root.mkdir(parents=True, exist_ok=True)
            # Build beside the final place and rename: concurrent builders
            # (pytest workers, several engineers) never see a half-built dir.
            tmp = Path(tempfile.mkdtemp(prefix=f".{variant}-", dir=root))
            try:
                _compile_into(tmp, variant, compiler, gmp)
                try:
                    os.rename(tmp, final)
                except OSError:
                    if not (final / "build.json").exists():
                        raise
            finally:
                if tmp.exists():
                    shutil.rmtree(tmp, ignore_errors=True)
        build = _load(final, variant)
        _memo[(variant, compiler, gmp)] = build
        return build


def runtime_library_path(variant: str = "release", shared: bool = False) -> Path:
    """The static archive (default) or shared object of the runtime."""
    build = build_runtime(variant)
    return build.shared_library if shared else build.static_library


def runtime_include_dir() -> Path:
    """The directory holding nl_runtime.h."""
    return RUNTIME_DIR


def runtime_object_files(variant: str = "release") -> list[Path]:
    """The runtime's object files, for linkers that want them one by one."""
    return list(build_runtime(variant).object_files)


def runtime_link_args(variant: str = "release") -> list[str]:
    """Libraries to put after the runtime on a link line (-lgmp, -lpthread, -lm)."""
    return list(build_runtime(variant).link_args)


def link_executable(
    inputs: list[Path | str],
    output: Path | str,
    variant: str = "release",
    extra_args: tuple[str, ...] = (),
) -> Path:
    """Compile/link C files or objects with the runtime into an executable."""
    build = build_runtime(variant)
    compiler = find_c_compiler()
    opt = ["-O1", "-g"] if variant == "debug" else ["-O2"]
    cmd = [
        compiler, *opt, "-std=c11", "-D_GNU_SOURCE", "-pthread", "-I", str(build.include_dir),
        *map(str, inputs), str(build.static_library), *build.link_args, *extra_args, "-o", str(output),
    ]
    _run(cmd, "linking the executable")
    return Path(output)


if __name__ == "__main__":  # python -m nleanjit.runtime.build [variant]
    import sys

    b = build_runtime(sys.argv[1] if len(sys.argv) > 1 else "release")
    print(b.static_library)
