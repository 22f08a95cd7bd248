"""The debug runtime (one malloc per object) under valgrind's memcheck: no
invalid accesses and no leaks in the reference-counting, string, closure and
task programs."""
from __future__ import annotations

import shutil
import subprocess

import pytest

pytestmark = pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")


@pytest.mark.parametrize("program", ["rc_arrays", "closures", "strings", "tasks"])
def test_no_memory_errors_or_leaks(c_programs, program):
    exe = c_programs.get(program, "debug")
    proc = subprocess.run(
        ["valgrind", "--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=definite,possible",
         "-q", str(exe)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.splitlines()[-1] == "live 0"
