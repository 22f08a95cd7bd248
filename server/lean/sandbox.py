"""Running an untrusted program: bubblewrap where it works, rlimits and a temp dir always.

In: an argv (a compiled Lean program, once the native compiler exists), its
``stdin``, a wall-clock timeout, and ``SandboxLimits``.  Out: a ``RunResult``
(``exit_code``, ``stdout``, ``stderr``, ``time``, and ``limit`` naming the limit
that stopped it, if one did).

Two layers:

- **bubblewrap** (Debian package ``bubblewrap``), when ``bwrap`` exists and a
  trial run succeeds: read-only root, a private writable ``/tmp`` that is the
  program's working directory, no network (``--unshare-net``), a new PID
  namespace (``--unshare-pid``, so a fork bomb dies with its sandbox),
  ``--die-with-parent``;
- **rlimits**, always: CPU seconds, address space, processes, file size, open
  files, no core files; the program runs in a fresh temporary directory that is
  removed afterwards, in its own session so that the whole process group is
  killed at the timeout.

Without bubblewrap the rlimits still bound time, memory, processes and output,
but the program can read (and, where the user may, write) files outside its
temporary directory: ``describe()`` says so, and the server logs it at startup.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass


NOBODY = 65534


@dataclass(frozen=True)
class SandboxLimits:
    cpu_s: int = 10
    """CPU seconds (RLIMIT_CPU); the wall-clock timeout is separate."""
    memory_bytes: int = 512 << 20
    """Address space (RLIMIT_AS)."""
    processes: int = 64
    """Processes of this user (RLIMIT_NPROC); the PID namespace contains the rest."""
    file_bytes: int = 16 << 20
    """Largest file the program may write (RLIMIT_FSIZE)."""
    open_files: int = 64
    output_bytes: int = 1 << 20
    """stdout and stderr are cut to this many bytes each."""


@dataclass(frozen=True)
class RunResult:
    exit_code: int | None
    stdout: str
    stderr: str
    time: float
    limit: str | None = None  # "timeout" | "cpu" | "memory" | "file_size" | None


def _bwrap_works(path: str) -> bool:
    try:
        r = subprocess.run([path, "--ro-bind", "/", "/", "--tmpfs", "/tmp", "--unshare-pid",
                            "--unshare-net", "--die-with-parent", "--dev", "/dev", "--proc", "/proc",
                            "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


class Sandbox:
    def __init__(self, limits: SandboxLimits = SandboxLimits(), use_bwrap: bool | None = None):
        self.limits = limits
        path = shutil.which("bwrap")
        if use_bwrap is None:
            use_bwrap = path is not None and _bwrap_works(path)
        self.bwrap = path if use_bwrap and path else None

    def describe(self) -> str:
        if self.bwrap:
            return "programs run under bubblewrap (read-only root, private /tmp, no network, own PID namespace) with rlimits"
        return ("bubblewrap is not available (install the Debian package 'bubblewrap'): programs run "
                "with rlimits on CPU, memory, processes and file size in a temporary directory only, "
                "and can read files outside it")

    def run(self, argv: list[str], stdin: str = "", timeout: float = 10.0, copy_program: bool = False) -> RunResult:
        """Run `argv` sandboxed. `copy_program`: run a private copy of `argv[0]` from the work
        directory (a cached executable under a private home that `nobody` cannot reach)."""
        limits = self.limits
        with tempfile.TemporaryDirectory(prefix="nleanjit-run-") as work:
            os.chmod(work, 0o777)  # the program may run as nobody
            if copy_program:
                program = os.path.join(work, "program")
                shutil.copy(argv[0], program)
                os.chmod(program, 0o755)
                argv = [program, *argv[1:]]
            if self.bwrap:
                cmd = [self.bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                       "--tmpfs", "/tmp", "--bind", work, work, "--chdir", work,
                       "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                       "--die-with-parent", "--new-session", "--", *argv]
            else:
                cmd = list(argv)
            env = {"PATH": "/usr/bin:/bin", "HOME": work, "TMPDIR": work, "LANG": "C.UTF-8"}
            started = time.monotonic()
            try:
                proc = subprocess.Popen(cmd, cwd=work, env=env, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        start_new_session=True, preexec_fn=_limit(limits))
            except OSError as exc:
                return RunResult(None, "", f"cannot start the program: {exc.strerror or exc}", 0.0)
            limit = None
            try:
                out, err = proc.communicate(stdin.encode(), timeout=timeout)
            except subprocess.TimeoutExpired:
                limit = "timeout"
                _kill_group(proc)
                out, err = proc.communicate()
            elapsed = time.monotonic() - started
            _kill_group(proc)  # children left behind by the program
        code = proc.returncode
        if limit is None:
            limit = _limit_hit(code, err)
        stderr = _text(err, limits.output_bytes)
        note = {"timeout": f"the program ran past its {timeout:g} s time limit and was killed",
                "cpu": f"the program used more than {limits.cpu_s} s of CPU and was killed",
                "file_size": f"the program wrote a file larger than {limits.file_bytes} bytes",
                "memory": f"the program ran out of its {limits.memory_bytes >> 20} MiB of memory",
                }.get(limit or "")
        if note is None and limit is None:
            note = _crash_note(code, bool(self.bwrap))
        if note:
            stderr += ("\n" if stderr and not stderr.endswith("\n") else "") + "nleanjit: " + note + "\n"
        return RunResult(None if limit == "timeout" else code, _text(out, limits.output_bytes),
                         stderr, elapsed, limit)


def _limit(limits: SandboxLimits):
    def apply() -> None:
        r = resource
        r.setrlimit(r.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s + 1))
        r.setrlimit(r.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        r.setrlimit(r.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
        r.setrlimit(r.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
        r.setrlimit(r.RLIMIT_CORE, (0, 0))
        # NPROC counts every process of the user: the program runs as its own user (nobody)
        # when the server is root, so the count is the program's own
        r.setrlimit(r.RLIMIT_NPROC, (limits.processes, limits.processes))
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        if os.getuid() == 0:  # root ignores RLIMIT_NPROC and may write anywhere: run as nobody
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)

    return apply


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _limit_hit(code: int | None, err: bytes) -> str | None:
    # killed by the signal itself, or a shell / bubblewrap reporting it as 128 + signal
    if code in (-signal.SIGXCPU, 128 + signal.SIGXCPU):
        return "cpu"
    if code in (-signal.SIGXFSZ, 128 + signal.SIGXFSZ):
        return "file_size"
    if b"MemoryError" in err or b"Cannot allocate memory" in err or b"out of memory" in err:
        return "memory"
    return None


_CRASH_SIGNALS = (signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE, signal.SIGABRT, signal.SIGKILL)


def _crash_note(code: int | None, via_bwrap: bool) -> str | None:
    """Say so when the program died of a signal (a stack overflow is a SIGSEGV), which would
    otherwise show only as an exit code; bubblewrap reports a signal as 128 + its number."""
    if code is None:
        return None
    if code < 0:
        sig = -code
    elif via_bwrap and code > 128:
        sig = code - 128
    else:
        return None
    if sig not in _CRASH_SIGNALS:
        return None
    name = signal.Signals(sig).name
    why = " (a stack overflow, or a crash)" if sig == signal.SIGSEGV else ""
    return f"the program was killed by signal {name}{why}"


def _text(data: bytes, limit: int) -> str:
    cut = data[:limit]
    text = cut.decode("utf-8", errors="replace")
    if len(data) > limit:
        text += f"\n[output cut at {limit} bytes]"
    return text
