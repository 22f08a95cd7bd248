"""The sandbox that /v1/lean/run will run compiled programs in, driven with ordinary programs.

Each abuse case must end with a clear result (a limit named, the program stopped)
and leave nothing behind.  Both layers are tested: bubblewrap where it runs, and
the rlimits-only fallback that a machine without bubblewrap gets.
"""

from __future__ import annotations

import os
import shutil
import time

import pytest

from server.lean.sandbox import NOBODY, Sandbox, SandboxLimits, _bwrap_works

LIMITS = SandboxLimits(cpu_s=5, memory_bytes=256 << 20, processes=32, file_bytes=1 << 20)
_BWRAP = shutil.which("bwrap")
MODES = [pytest.param(False, id="rlimits"),
         pytest.param(True, id="bubblewrap", marks=pytest.mark.skipif(
             not (_BWRAP and _bwrap_works(_BWRAP)), reason="bubblewrap is not installed or cannot run here"))]


@pytest.fixture(params=MODES)
def sandbox(request):
    return Sandbox(LIMITS, use_bwrap=request.param)


def test_args_stdin_stdout_stderr_and_exit_code(sandbox):
    r = sandbox.run(["/bin/sh", "-c", 'read line; echo "got $line and $1"; echo oops >&2; exit 3', "sh", "ARG"],
                    stdin="input\n")
    assert (r.exit_code, r.stdout, r.stderr, r.limit) == (3, "got input and ARG\n", "oops\n", None)


def test_an_infinite_loop_is_stopped_at_the_timeout(sandbox):
    started = time.monotonic()
    r = sandbox.run(["/bin/sh", "-c", "while :; do :; done"], timeout=1)
    assert r.limit == "timeout" and r.exit_code is None
    assert "time limit" in r.stderr
    assert time.monotonic() - started < 5


def test_an_allocation_bomb_hits_the_memory_limit(sandbox):
    # the system interpreter: the program may run as nobody, who cannot read a venv under /root
    r = sandbox.run(["/usr/bin/python3", "-c", "x = bytearray(1 << 31)"], timeout=20)
    assert r.limit == "memory" and r.exit_code != 0
    assert "256 MiB" in r.stderr


def test_a_fork_bomb_is_contained(sandbox):
    token = f"nleanjit-bomb-{os.getpid()}-{time.monotonic_ns()}"  # marks this bomb's processes
    before = _processes_of(NOBODY)
    started = time.monotonic()
    r = sandbox.run(["/bin/bash", "-c", f"f(){{ f | f & }}; f; sleep 1; echo still here # {token}"], timeout=4)
    assert time.monotonic() - started < 10
    # the process limit stopped the bomb from spreading (bash reports the refused forks) ...
    assert "fork: retry: Resource temporarily unavailable" in r.stderr or r.limit == "timeout"
    # ... and when the run ends, its whole process tree goes with it (other programs may be
    # running as nobody meanwhile: only this bomb's processes count)
    deadline = time.monotonic() + 5
    while _live_processes_with(token) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _live_processes_with(token) == []
    # until the host's init reaps them, the bomb's zombies (whose command lines are empty) still
    # count against the sandbox user's process limit: let them go, so the next run starts with
    # the whole budget
    deadline = time.monotonic() + 30
    while _processes_of(NOBODY) > before and time.monotonic() < deadline:
        time.sleep(0.1)


def _processes_of(uid: int) -> int:
    count = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/status") as f:
                status = f.read()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("Uid:"):
                count += int(line.split()[1]) == uid
                break
    return count


def _live_processes_with(token: str) -> list[int]:
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read()
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if token.encode() in cmdline and state != "Z":
            found.append(int(pid))
    return found


def test_a_write_outside_the_temp_dir_fails_and_inside_works(sandbox, tmp_path):
    if sandbox.bwrap is None and os.getuid() != 0:
        pytest.skip("the rlimits-only fallback run by an ordinary user cannot stop writes that user "
                    "may make (documented in docs/LEAN_API.md); with bubblewrap or as root it does")
    target = tmp_path / "escaped.txt"
    os.chmod(tmp_path, 0o755)
    r = sandbox.run(["/bin/sh", "-c", f"echo x > {target}; echo ok > inside.txt && cat inside.txt"])
    assert not target.exists()
    # rlimits: not writable by the program's user; bubblewrap: /tmp is private, the root read-only
    assert r.stdout == "ok\n" and f"cannot create {target}" in r.stderr


def test_a_big_file_hits_the_file_size_limit(sandbox):
    r = sandbox.run(["/bin/sh", "-c", "head -c 3000000 /dev/zero > big.bin"])
    assert r.limit == "file_size" and r.exit_code != 0


def test_describe_says_what_protects_the_machine():
    assert "bubblewrap is not available" in Sandbox(LIMITS, use_bwrap=False).describe()


def test_the_cpu_limit_stops_a_busy_program_before_the_wall_clock(sandbox):
    tight = Sandbox(SandboxLimits(cpu_s=1), use_bwrap=sandbox.bwrap is not None)
    r = tight.run(["/bin/sh", "-c", "while :; do :; done"], timeout=20)
    assert r.limit == "cpu" and r.time < 10
    assert "CPU" in r.stderr


def test_a_program_killed_by_a_signal_is_said_so(sandbox):
    r = sandbox.run(["/bin/sh", "-c", "kill -SEGV $$"])
    assert r.exit_code in (-11, 139) and r.limit is None
    assert "killed by signal SIGSEGV (a stack overflow, or a crash)" in r.stderr
