"""Fixtures for the runtime tests: C test programs compiled against the
cached runtime (nleanjit.runtime.build), once per session and variant."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from nleanjit.runtime import build as rt_build

C_DIR = Path(__file__).parent / "c"


class CPrograms:
    """Compiles tests/runtime/c/<name>.c once per (variant, gmp) setting."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.built: dict[tuple[str, str, str], Path] = {}

    def get(self, name: str, variant: str = "release", gmp: str = "auto") -> Path:
        key = (name, variant, gmp)
        if key not in self.built:
            old = os.environ.get("NLEANJIT_RUNTIME_GMP")
            os.environ["NLEANJIT_RUNTIME_GMP"] = {"auto": "", "off": "0", "on": "1"}[gmp]
            try:
                exe = self.out_dir / f"{name}-{variant}-{gmp}"
                rt_build.link_executable([C_DIR / f"{name}.c"], exe, variant=variant)
            finally:
                if old is None:
                    os.environ.pop("NLEANJIT_RUNTIME_GMP", None)
                else:
                    os.environ["NLEANJIT_RUNTIME_GMP"] = old
            self.built[key] = exe
        return self.built[key]


@pytest.fixture(scope="session")
def c_programs(tmp_path_factory) -> CPrograms:
    return CPrograms(tmp_path_factory.mktemp("runtime-c"))


def run(exe: Path, *args: str, stdin: str = "", env: dict | None = None, timeout: float = 60):
    """Runs a test program; returns the CompletedProcess (text mode)."""
    full_env = dict(os.environ)
    full_env.pop("LEAN_ABORT_ON_PANIC", None)
    full_env.update(env or {})
    return subprocess.run(
        [str(exe), *args], input=stdin, capture_output=True, text=True, timeout=timeout, env=full_env
    )


@pytest.fixture(scope="session")
def run_program():
    return run
