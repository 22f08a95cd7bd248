"""nleanjit.runtime.build: the runtime is built once, cached by a hash of its
sources and flags, rebuilt when a source changes, and loadable in process."""
from __future__ import annotations

import ctypes
import shutil

import pytest

from nleanjit.runtime import build as rt_build


def test_cached_build_is_reused():
    first = rt_build.build_runtime("release")
    rt_build._memo.clear()
    stamp = first.static_library.stat().st_mtime_ns
    second = rt_build.build_runtime("release")
    assert second.directory == first.directory
    assert second.static_library.stat().st_mtime_ns == stamp
    assert rt_build.runtime_library_path() == first.static_library
    assert rt_build.runtime_library_path(shared=True) == first.shared_library
    assert (rt_build.runtime_include_dir() / "nl_runtime.h").is_file()
    assert {p.name for p in rt_build.runtime_object_files()} == {"apply.o", "array.o", "io.o", "nat.o",
                                                                 "object.o", "string.o", "task.o"}
    assert "-lpthread" in rt_build.runtime_link_args()


def test_debug_and_release_are_separate_builds():
    assert rt_build.build_runtime("debug").directory != rt_build.build_runtime("release").directory


def test_cache_key_covers_sources_flags_and_gmp(tmp_path, monkeypatch):
    """A changed source, variant or GMP choice names a different cache
    directory, so the next build_runtime call rebuilds."""
    src = tmp_path / "src"
    shutil.copytree(rt_build.RUNTIME_DIR, src, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    monkeypatch.setattr(rt_build, "RUNTIME_DIR", src)
    cc = rt_build.find_c_compiler()
    key = rt_build._build_key("release", cc, "auto")
    assert rt_build._build_key("release", cc, "auto") == key
    assert rt_build._build_key("debug", cc, "auto") != key
    assert rt_build._build_key("release", cc, "off") != key
    with open(src / "object.c", "a") as f:
        f.write("\n/* changed */\n")
    assert rt_build._build_key("release", cc, "auto") != key


def test_missing_compiler_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("CC", "no-such-compiler-nleanjit")
    with pytest.raises(rt_build.CCompilerNotFound, match="no C compiler found .*no-such-compiler-nleanjit"):
        rt_build.build_runtime("release")


def test_unknown_variant():
    with pytest.raises(rt_build.RuntimeBuildError, match="unknown runtime variant 'fast'"):
        rt_build.build_runtime("fast")


def test_compile_errors_are_reported(tmp_path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    (src / "broken.c").write_text("int broken(void) { return undefined_name; }\n")
    monkeypatch.setattr(rt_build, "RUNTIME_DIR", src)
    monkeypatch.setenv("NLEANJIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(rt_build, "_memo", {})
    with pytest.raises(rt_build.RuntimeBuildError, match="(?s)compiling broken.c failed.*undefined_name"):
        rt_build.build_runtime("release")
    assert not list((tmp_path / "cache" / "runtime").glob("release-*"))  # nothing half-built left


def test_shared_library_loads_in_process():
    """The JIT path: the shared object resolves its own dependencies (GMP)."""
    lib = ctypes.CDLL(str(rt_build.runtime_library_path("debug", shared=True)))
    lib.nl_mono_nanos.restype = ctypes.c_uint64
    lib.nl_debug_live_objects.restype = ctypes.c_int64
    assert lib.nl_mono_nanos() > 0
    assert lib.nl_debug_live_objects() == 0


def test_llvmlite_can_load_the_runtime():
    llvm = pytest.importorskip("llvmlite.binding")
    llvm.load_library_permanently(str(rt_build.runtime_library_path("release", shared=True)))
    assert llvm.address_of_symbol("nl_apply_1")
    assert llvm.address_of_symbol("nl_nat_big_add")
