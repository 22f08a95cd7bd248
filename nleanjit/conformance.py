"""The conformance harness: run one stage of the pipeline over a Lean corpus.

In: a corpus folder (its `MANIFEST.tsv` when there is one, otherwise every
`.lean` file under it, the kind taken from the top folder) and a stage name.
Out: a report dict `{"stage", "corpus", "total", "passed", "kinds",
"invariants", "files": [{"path", "kind", "ok", "message", ...}]}`, a table per
kind on stdout, and the same report as JSON on request.

A stage is a function from one corpus entry to an `Outcome`; stages live in the
`STAGES` table so that later stages (`check`, `compile`) are one entry each.
Besides pass/fail, a stage may record *invariants*: boolean facts that must hold
for every file whatever its verdict (for `parse`: the tree prints back byte for
byte). The report states each invariant over the whole corpus, because "every
file round-trips" is a stronger claim than a pass rate.

Every file runs in a worker process with a deadline: a file that hangs is
reported as "timeout", one that kills its worker (a stack overflow in C, say) as
"crash", and the run goes on with a fresh worker. This is what lets the harness
promise a result over any corpus, however hostile.
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import math
import multiprocessing
import multiprocessing.connection
import os
import re
import shutil
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence, TextIO

MANIFEST_NAME = "MANIFEST.tsv"
DEFAULT_TIMEOUT_S = 30.0
MESSAGE_LIMIT = 400  # report messages are one-line summaries, not dumps


# --------------------------------------------------------------------------- errors


class ConformanceError(Exception):
    """A run that cannot start: a missing corpus, a bad manifest, a broken stage."""


class CorpusError(ConformanceError):
    """The corpus folder or its manifest cannot be read."""


class StageUnavailable(ConformanceError):
    """The stage's implementation cannot be loaded (e.g. an import fails)."""


# --------------------------------------------------------------------------- corpus


@dataclass(frozen=True)
class CorpusEntry:
    """One file of a corpus: its path relative to the corpus root, its kind, and
    every other manifest column (later stages need `expected`, `args`, ...)."""

    path: str
    kind: str
    root: str
    columns: tuple[tuple[str, str], ...] = ()

    @property
    def abspath(self) -> Path:
        return Path(self.root) / self.path

    def column(self, name: str, default: str = "-") -> str:
        return dict(self.columns).get(name, default)


def default_corpus() -> Path:
    """`$NLEANJIT_CORPUS`, else `../shared/lean4-corpus` next to the repository."""
    env = os.environ.get("NLEANJIT_CORPUS")
    if env:
        return Path(env)
    repo_root = Path(__file__).resolve().parents[1]
    return repo_root.parent / "shared" / "lean4-corpus"


def load_corpus(corpus: str | os.PathLike) -> list[CorpusEntry]:
    """The entries of a corpus, in manifest order (or sorted path order)."""
    root = Path(corpus)
    if not root.exists():
        raise CorpusError(f"corpus not found: {root}")
    if not root.is_dir():
        raise CorpusError(f"corpus is not a directory: {root}")
    manifest = root / MANIFEST_NAME
    if manifest.is_file():
        return _read_manifest(root, manifest)
    return _scan_folder(root)


def _read_manifest(root: Path, manifest: Path) -> list[CorpusEntry]:
    try:
        text = manifest.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise CorpusError(f"cannot read {manifest}: {e}") from None
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not rows:
        raise CorpusError(f"{manifest} is empty")
    header = rows[0].split("\t")
    for required in ("path", "kind"):
        if required not in header:
            raise CorpusError(f"{manifest}: the header has no '{required}' column")
    entries: list[CorpusEntry] = []
    seen: set[str] = set()
    for lineno, row in enumerate(rows[1:], start=2):
        cells = row.split("\t")
        cells += ["-"] * (len(header) - len(cells))  # tolerate trailing empty columns
        record = dict(zip(header, cells))
        path, kind = record["path"].strip(), record["kind"].strip() or "file"
        if not path:
            raise CorpusError(f"{manifest}:{lineno}: empty path")
        if path in seen:
            raise CorpusError(f"{manifest}:{lineno}: duplicate path {path}")
        seen.add(path)
        others = tuple((k, v) for k, v in record.items() if k not in ("path", "kind"))
        entries.append(CorpusEntry(path=path, kind=kind, root=str(root), columns=others))
    return entries


def _scan_folder(root: Path) -> list[CorpusEntry]:
    entries = []
    for file in sorted(root.rglob("*.lean")):
        if not file.is_file():
            continue
        rel = file.relative_to(root)
        kind = rel.parts[0] if len(rel.parts) > 1 else "file"
        entries.append(CorpusEntry(path=rel.as_posix(), kind=kind, root=str(root)))
    if not entries:
        raise CorpusError(f"no {MANIFEST_NAME} and no .lean files under {root}")
    return entries


def read_entry_bytes(entry: CorpusEntry) -> bytes:
    """The file's bytes; raises `OSError` with a clear message for paths that
    leave the corpus or do not exist."""
    rel = Path(entry.path)
    if rel.is_absolute() or ".." in rel.parts:
        raise OSError(f"path leaves the corpus: {entry.path}")
    return entry.abspath.read_bytes()


# --------------------------------------------------------------------------- stages


@dataclass(frozen=True)
class Outcome:
    """What a stage says about one file. `facts` holds the invariants the stage
    checks (name -> whether it held for this file)."""

    ok: bool
    message: str = ""
    facts: Mapping[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class Invariant:
    name: str
    statement: str  # "every file of every kind round-trips", as the report prints it


@dataclass(frozen=True)
class Stage:
    """A stage of the pipeline as the harness runs it.

    `run` maps an entry to an outcome inside a worker process. `prepare` runs
    once in the parent before the workers start (imports, warm caches), so the
    forked workers inherit its work and a broken stage fails before any file.
    """

    name: str
    description: str
    run: Callable[[CorpusEntry], Outcome]
    invariants: tuple[Invariant, ...] = ()
    prepare: Callable[[], None] = lambda: None
    kinds: tuple[str, ...] | None = None  # the corpus kinds the stage applies to (None: all)


ROUND_TRIP = Invariant("round_trip", "every file of every kind round-trips byte for byte")


def _prepare_parse() -> None:
    try:
        from nleanjit.syntax import parse_source  # noqa: F401
    except Exception as e:  # any import failure makes the stage unusable
        raise StageUnavailable(f"stage parse: cannot import nleanjit.syntax ({type(e).__name__}: {e})") from None


def run_parse(entry: CorpusEntry) -> Outcome:
    """Pass = no error diagnostic and the tree prints back the exact bytes.

    Imports resolve against the corpus root (`A.B` as `A/B.lean` or `A__B.lean`),
    so notation declared in an imported corpus module is active, as in Lean."""
    from nleanjit.syntax import parse_source
    from nleanjit.syntax.modules import resolver_for

    try:
        raw = read_entry_bytes(entry)
    except OSError as e:
        return Outcome(False, f"cannot read: {e.strerror or e}", {ROUND_TRIP.name: False})
    source = raw.decode("utf-8", errors="surrogateescape")
    result = parse_source(source, file=entry.path, resolver=resolver_for([entry.root]))
    printed = result.tree.to_source()
    mismatch = round_trip_mismatch(source, printed)
    errors = [d for d in result.diagnostics if d.severity == "error"]
    messages = []
    if mismatch:
        messages.append(mismatch)
    if entry.kind == "diag":
        verdict = _diag_parse_verdict(entry, errors)
        if verdict:
            messages.append(verdict)
        return Outcome(ok=not verdict and not mismatch, message="; ".join(messages), facts={ROUND_TRIP.name: not mismatch})
    if errors:
        messages.append(str(errors[0]))
    return Outcome(ok=not errors and not mismatch, message="; ".join(messages), facts={ROUND_TRIP.name: not mismatch})


# `file:line:col[-line:col]: error…: message` in a diag file's expected output
_EXPECTED_ERROR = re.compile(r"^[^:\n]+:(\d+):\d+(?:-\d+:\d+)?: error(?:\([\w.]+\))?: (.*)$", re.M)
# Lean's parser messages (everything else in an expected file comes from elaboration)
_PARSE_MESSAGE = re.compile(r"^(unexpected (token|identifier|end of input|character)|expected |missing exponent digits)")


def _diag_parse_verdict(entry: CorpusEntry, errors: list) -> str:
    """A `diag` file states the exact messages Lean prints, parse errors among them.
    For the parse stage it passes when our parse errors and Lean's agree line by line:
    every error we report is on a line where Lean reports a parse error, and every line
    where Lean reports a parse error carries one of ours.  '' when they agree."""
    expected_rel = entry.column("expected")
    if expected_rel in ("-", ""):
        return "no expected messages in the manifest" if errors else ""
    try:
        expected = read_entry_bytes(CorpusEntry(expected_rel, entry.kind, entry.root)).decode("utf-8", errors="replace")
    except OSError as e:
        return f"cannot read expected messages: {e.strerror or e}"
    lean_parse_lines = set()
    for m in _EXPECTED_ERROR.finditer(expected):
        if _PARSE_MESSAGE.match(m.group(2)):
            lean_parse_lines.add(int(m.group(1)))
    ours = {d.line: d for d in errors}
    extra = [ours[line] for line in sorted(ours) if line not in lean_parse_lines]
    if extra:
        return f"parse error where Lean reports none: {extra[0]}"
    missing = sorted(lean_parse_lines - set(ours))
    if missing:
        return f"Lean reports a parse error on line {missing[0]}, we report none there"
    return ""


def round_trip_mismatch(source: str, printed: object) -> str:
    """'' when `printed` is `source` exactly; otherwise where they first differ,
    as `round trip differs at line L, col C: expected …, got …` (col in code
    points, 0-based, as Lean reports positions)."""
    if not isinstance(printed, str):
        return f"round trip: to_source() returned {type(printed).__name__}, not str"
    if printed == source:
        return ""
    i = 0
    limit = min(len(source), len(printed))
    while i < limit and source[i] == printed[i]:
        i += 1
    line = source.count("\n", 0, i) + 1
    col = i - (source.rfind("\n", 0, i) + 1)
    return (
        f"round trip differs at line {line}, col {col}: "
        f"expected {_snippet(source, i)}, got {_snippet(printed, i)}"
    )


def _snippet(text: str, at: int) -> str:
    piece = text[at : at + 12]
    return repr(piece) if piece else "end of file"


STAGES: dict[str, Stage] = {}


def register_stage(stage: Stage) -> Stage:
    STAGES[stage.name] = stage
    return stage


register_stage(
    Stage(
        name="parse",
        description="parses with no error diagnostic and prints back byte for byte",
        run=run_parse,
        invariants=(ROUND_TRIP,),
        prepare=_prepare_parse,
    )
)


def _prepare_check() -> None:
    try:
        from nleanjit.elab.prelude import load_prelude

        load_prelude()  # elaborated (or read from the cache) once, inherited by the workers
    except Exception as e:
        raise StageUnavailable(f"stage check: cannot load the elaborator's prelude ({type(e).__name__}: {e})") from None


def run_check(entry: CorpusEntry) -> Outcome:
    """Pass, as the corpus README states what Lean does with each kind:

    - `diag` files (Lean's exact messages in the `expected` file): our errors are on exactly
      the lines where Lean reports errors (the message texts are not compared yet);
    - every other kind (accepted by Lean): no error message. `#guard_msgs` blocks are
      compared by the elaborator itself, as Lean's command does: a block whose messages
      match leaves none, a mismatch is an error."""
    from nleanjit.elab import check_source

    try:
        raw = read_entry_bytes(entry)
    except OSError as e:
        return Outcome(False, f"cannot read: {e.strerror or e}")
    source = raw.decode("utf-8", errors="surrogateescape")
    result = check_source(source, entry.path)
    errors = [m for m in result.messages if m.severity == "error"]
    if entry.kind == "diag":
        expected = _expected_error_lines(entry)
        if expected is None:
            return Outcome(False, "no expected messages for this diag file")
        got = sorted({m.span.line for m in errors})
        if got == expected:
            return Outcome(True)
        missing = [n for n in expected if n not in got]
        extra = [m for m in errors if m.span.line not in expected]
        if extra:
            return Outcome(False, extra[0].to_lean().split("\n")[0])
        return Outcome(False, f"{entry.path}:{missing[0]}: Lean reports an error on this line, we do not")
    return Outcome(ok=not errors, message=errors[0].to_lean().split("\n")[0] if errors else "")


_MESSAGE_HEAD = re.compile(r"^\S+?:(\d+):\d+(?:-\d+:\d+)?: (error|warning|information|info): ")


def _expected_error_lines(entry: CorpusEntry) -> list[int] | None:
    """The lines of the errors in a diag file's expected messages (`file:line:col: error: …`)."""
    name = entry.column("expected")
    if name in ("-", ""):
        return None
    try:
        text = (Path(entry.root) / name).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    lines = set()
    for line in text.splitlines():
        m = _MESSAGE_HEAD.match(line)
        if m and m.group(2) == "error":
            lines.add(int(m.group(1)))
    return sorted(lines)


register_stage(
    Stage(
        name="check",
        description="elaborates and type-checks with no error message (diag: errors on Lean's lines)",
        run=run_check,
        prepare=_prepare_check,
    )
)


COMPILE_KINDS = ("bench", "compile")
RUN_TIMEOUT_S = 25.0  # the compiled program's own deadline, under the harness's per-file one
DEBUG_RUN_SLOWDOWN = 4  # the leaks stage's debug runtime: one malloc per object, counted
RUN_OPT_LEVEL = 2


def _prepare_compile() -> None:
    try:
        from nleanjit.codegen.driver import compile_to_executable  # noqa: F401
        from nleanjit.compiler.frontend import compile_program  # noqa: F401
        from nleanjit.elab.prelude import load_prelude

        load_prelude()
    except Exception as e:
        raise StageUnavailable(f"stage compile: cannot load the compiler ({type(e).__name__}: {e})") from None


CHILD_STACK_BYTES = 8 << 20  # the usual default: the runtime runs `main` on its own big-stack thread


def _limit_child(run_timeout: float = RUN_TIMEOUT_S) -> None:
    # Lean's own suite runs its benchmarks under `ulimit -s unlimited`; our executables
    # must not need it (deep non-tail recursion runs on the runtime's main thread), so
    # the child gets a plain 8 MB stack whatever the harness's own limit is.
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    stack = CHILD_STACK_BYTES if hard == resource.RLIM_INFINITY else min(CHILD_STACK_BYTES, hard)
    resource.setrlimit(resource.RLIMIT_STACK, (stack, hard))
    # A CPU-time backstop: if the harness kills this worker at its own deadline, the
    # program is not left spinning on the machine.
    cpu = int(run_timeout) + 5
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard == resource.RLIM_INFINITY or hard > cpu:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, hard))


def run_compile(entry: CorpusEntry) -> Outcome:
    """Pass = the file compiles to a native executable (-O2, linked with the runtime) which,
    run with the manifest's `args` (`(none)`: none) on an 8 MB stack, prints exactly the
    `expected` file and exits 0. The expected files record no exit code; every
    `main : IO UInt32` of the corpus returns 0 on success, so 0 is required of all."""
    return _run_native(entry, leaks=False)


def run_leaks(entry: CorpusEntry) -> Outcome:
    """Pass = the compile stage's verdict with the debug runtime (every object a separate
    allocation, live objects counted), and zero live objects when the program ends."""
    return _run_native(entry, leaks=True)


# the debug executable's last line on stderr (`codegen.llvm.OBJECT_REPORT_FORMAT`)
_OBJECT_REPORT = re.compile(r"nleanjit: live objects (-?\d+), allocations (-?\d+)")


def leak_verdict(stderr: str) -> str:
    """'' when the object report says nothing is left; else why the program fails."""
    m = _OBJECT_REPORT.search(stderr)
    if m is None:
        return "leaks: no object report at exit"
    live, allocs = int(m.group(1)), int(m.group(2))
    if live:
        return f"leaks: {live} live objects at exit ({allocs} allocations)"
    return ""


def _run_native(entry: CorpusEntry, leaks: bool) -> Outcome:
    import subprocess
    import tempfile

    from nleanjit.codegen.driver import compile_to_executable
    from nleanjit.compiler.frontend import FrontendError, compile_program, entry_flags

    run_timeout = RUN_TIMEOUT_S * (DEBUG_RUN_SLOWDOWN if leaks else 1)
    expected_rel = entry.column("expected")
    if expected_rel in ("-", ""):
        return Outcome(False, "no expected output in the manifest")
    try:
        source = read_entry_bytes(entry).decode("utf-8", errors="surrogateescape")
        expected = read_entry_bytes(CorpusEntry(expected_rel, entry.kind, entry.root)).decode("utf-8", errors="replace")
    except OSError as e:
        return Outcome(False, f"cannot read: {e.strerror or e}")
    args_cell = entry.column("args").strip()
    args = [] if args_cell in ("(none)", "-", "") else args_cell.split()
    try:
        prog = compile_program(source, entry.path)
    except FrontendError as e:
        return Outcome(False, e.messages[0] if e.messages else "front end failed")
    main = next((d for d in prog.fdecls if d.name == "main"), None)
    if main is None or len(main.params) not in (1, 2):
        return Outcome(False, "code generation for this type of 'main' is not supported yet")
    with tempfile.TemporaryDirectory(prefix="nleanjit-conf-") as tmp:
        exe = Path(tmp) / "program"
        try:
            compile_to_executable(prog.fdecls, prog.externs, exe, opt_level=RUN_OPT_LEVEL, **entry_flags(prog),
                                  variant="debug" if leaks else "release", report_objects=leaks)
        except Exception as e:
            return Outcome(False, f"back end: {type(e).__name__}: {e}")
        try:
            done = subprocess.run([str(exe), *args], capture_output=True, timeout=run_timeout,
                                  preexec_fn=lambda: _limit_child(run_timeout), cwd=tmp)
        except subprocess.TimeoutExpired:
            return Outcome(False, f"run: timeout after {run_timeout:g} s")
    out = done.stdout.decode("utf-8", errors="replace")
    if done.returncode != 0:
        why = _death_message(done.returncode).replace("crash: worker", "run:")
        err = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        return Outcome(False, why + (f": {err[0]}" if err else ""))
    if out != expected:
        return Outcome(False, "run: stdout differs: " + round_trip_mismatch(expected, out).replace("round trip differs", "first difference"))
    if leaks:
        why = leak_verdict(done.stderr.decode("utf-8", errors="replace"))
        if why:
            return Outcome(False, why)
    return Outcome(True)


register_stage(
    Stage(
        name="compile",
        description="compiles natively and, run with the manifest's args, prints the expected output and exits 0",
        run=run_compile,
        prepare=_prepare_compile,
        kinds=COMPILE_KINDS,
    )
)
register_stage(
    Stage(
        name="leaks",
        description="the compile stage with the debug runtime, and no object left alive at exit",
        run=run_leaks,
        prepare=_prepare_compile,
        kinds=COMPILE_KINDS,
    )
)


# --------------------------------------------------------------------------- workers


@dataclass(frozen=True)
class FileResult:
    path: str
    kind: str
    ok: bool
    message: str
    facts: Mapping[str, bool]
    seconds: float

    def to_json(self) -> dict:
        record = {"path": self.path, "kind": self.kind, "ok": self.ok, "message": self.message}
        record.update(self.facts)
        record["seconds"] = round(self.seconds, 4)
        return record


def _worker_main(conn, stage: Stage) -> None:
    # Ctrl-C goes to the parent, which stops the workers itself; a crash is
    # reported by the parent as "crash", without an inherited faulthandler dump.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    faulthandler.disable()
    while True:
        try:
            entry = conn.recv()
        except (EOFError, OSError):
            return
        if entry is None:
            return
        start = time.perf_counter()
        try:
            outcome = stage.run(entry)
            if not isinstance(outcome, Outcome):
                outcome = Outcome(False, f"internal error: stage returned {type(outcome).__name__}")
        except BaseException as e:  # a stage bug is a failed file, not a failed run
            outcome = Outcome(False, f"internal error: {type(e).__name__}: {e}")
        conn.send((outcome, time.perf_counter() - start))


class _Worker:
    """One worker process with a duplex pipe and at most one file in flight."""

    def __init__(self, ctx, stage: Stage):
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=_worker_main, args=(child, stage), daemon=True)
        self.process.start()
        child.close()  # so that recv() sees EOF when the worker dies
        self.index: int | None = None
        self.deadline = math.inf
        self.started = 0.0

    def submit(self, index: int, entry: CorpusEntry, timeout: float) -> None:
        self.index = index
        self.started = time.perf_counter()
        self.deadline = self.started + timeout
        self.conn.send(entry)

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.process.join(timeout=None if kill else 2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def _death_message(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"crash: worker killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            pass
    return f"crash: worker exited with code {exitcode}"


def _mp_context():
    # fork lets workers inherit the stage (and stages registered at run time)
    # without pickling functions; spawn is the fallback where fork is missing.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _run_entries(
    stage: Stage,
    entries: Sequence[CorpusEntry],
    jobs: int,
    timeout: float,
    on_done: Callable[[int, FileResult], None],
) -> list[FileResult]:
    ctx = _mp_context()
    results: list[FileResult | None] = [None] * len(entries)
    pending = deque(range(len(entries)))
    workers = [_Worker(ctx, stage) for _ in range(max(1, min(jobs, len(entries))))]

    def finish(index: int, outcome: Outcome, seconds: float) -> None:
        entry = entries[index]
        message = outcome.message.replace("\n", " ")
        if len(message) > MESSAGE_LIMIT:
            message = message[: MESSAGE_LIMIT - 1] + "…"
        facts = {inv.name: bool(outcome.facts.get(inv.name, False)) for inv in stage.invariants}
        results[index] = FileResult(entry.path, entry.kind, bool(outcome.ok), message, facts, seconds)
        on_done(index, results[index])

    def replace(slot: int) -> None:
        workers[slot].stop(kill=True)
        workers[slot] = _Worker(ctx, stage)

    try:
        while True:
            for w in workers:
                if w.index is None and pending:
                    i = pending.popleft()
                    w.submit(i, entries[i], timeout)
            busy = [w for w in workers if w.index is not None]
            if not busy:
                break
            wait_s = max(0.0, min(w.deadline for w in busy) - time.perf_counter())
            ready = multiprocessing.connection.wait([w.conn for w in busy], timeout=wait_s)
            for slot, w in enumerate(workers):
                if w.index is None:
                    continue
                if w.conn in ready:
                    try:
                        outcome, seconds = w.conn.recv()
                    except (EOFError, OSError):
                        w.process.join(timeout=5)
                        index, elapsed = w.index, time.perf_counter() - w.started
                        finish(index, Outcome(False, _death_message(w.process.exitcode)), elapsed)
                        replace(slot)
                        continue
                    index, w.index = w.index, None
                    finish(index, outcome, seconds)
                elif time.perf_counter() >= w.deadline:
                    index, elapsed = w.index, time.perf_counter() - w.started
                    finish(index, Outcome(False, "timeout"), elapsed)
                    replace(slot)
    finally:
        for w in workers:
            w.stop(kill=w.index is not None)
    return [r for r in results if r is not None]


# --------------------------------------------------------------------------- progress


class ProgressBar:
    """A one-line bar redrawn in place on a terminal; on a pipe or a log file,
    a plain line at every tenth of the way, so CI logs stay short."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None, enabled: bool = True):
        self.total = max(total, 1)
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.live = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.done = 0
        self._last_draw = 0.0
        self._last_tenth = -1

    def advance(self, note: str = "") -> None:
        self.done += 1
        if not self.enabled:
            return
        if self.live:
            now = time.monotonic()
            if now - self._last_draw >= 0.05 or self.done == self.total:
                self._last_draw = now
                self._draw(note)
        else:
            tenth = self.done * 10 // self.total
            if tenth != self._last_tenth:
                self._last_tenth = tenth
                self.stream.write(self._line("") + "\n")
                self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.live:
            self.stream.write("\n")
            self.stream.flush()

    def _line(self, note: str, width: int = 30) -> str:
        filled = self.done * width // self.total
        pct = 100 * self.done // self.total
        bar = "#" * filled + "-" * (width - filled)
        return f"{self.label} [{bar}] {self.done}/{self.total} {pct:3d}% {note}".rstrip()

    def _draw(self, note: str) -> None:
        columns = shutil.get_terminal_size((100, 20)).columns
        line = self._line(note)[: max(columns - 1, 20)]
        self.stream.write("\r" + line.ljust(max(columns - 1, 20)))
        self.stream.flush()


# --------------------------------------------------------------------------- report


def _rate(passed: int, files: int) -> float:
    return round(100.0 * passed / files, 2) if files else 0.0


def build_report(stage: Stage, corpus: Path, results: Sequence[FileResult], elapsed: float) -> dict:
    kinds: dict[str, dict] = {}
    for r in results:
        k = kinds.setdefault(r.kind, {"files": 0, "passed": 0})
        k["files"] += 1
        k["passed"] += r.ok
    for k in kinds.values():
        k["rate"] = _rate(k["passed"], k["files"])
    invariants = {}
    for inv in stage.invariants:
        failures = [r.path for r in results if not r.facts.get(inv.name, False)]
        invariants[inv.name] = {"statement": inv.statement, "holds": not failures and bool(results), "failures": failures}
    return {
        "stage": stage.name,
        "corpus": str(corpus),
        "total": len(results),
        "passed": sum(r.ok for r in results),
        "kinds": dict(sorted(kinds.items())),
        "invariants": invariants,
        "elapsed_s": round(elapsed, 3),
        "files": [r.to_json() for r in results],
    }


def format_table(report: dict) -> str:
    """The per-kind table, the overall line and one line per invariant."""
    rows = [(kind, k["files"], k["passed"]) for kind, k in report["kinds"].items()]
    rows.append(("all", report["total"], report["passed"]))
    width = max([4] + [len(r[0]) for r in rows])
    lines = [
        f"stage {report['stage']} over {report['corpus']} ({report['total']} files, {report['elapsed_s']:.1f} s)",
        f"{'kind':<{width}}  {'files':>6}  {'passed':>6}  {'%':>7}",
    ]
    for kind, files, passed in rows:
        pct = 100.0 * passed / files if files else 0.0
        lines.append(f"{kind:<{width}}  {files:>6}  {passed:>6}  {pct:>6.1f}%")
    for name, inv in report["invariants"].items():
        total = report["total"]
        held = total - len(inv["failures"])
        if inv["holds"]:
            lines.append(f"{name}: {inv['statement']} ({held}/{total})")
        else:
            lines.append(f"{name}: DOES NOT HOLD for {len(inv['failures'])} of {total} files: "
                         + ", ".join(inv["failures"][:10]) + (" ..." if len(inv["failures"]) > 10 else ""))
    return "\n".join(lines)


def format_failures(report: dict, limit: int) -> str:
    failed = [f for f in report["files"] if not f["ok"]]
    if not failed or limit == 0:
        return ""
    shown = failed if limit < 0 else failed[:limit]
    lines = [f"failures ({len(failed)}):"]
    lines += [f"  {f['path']}: {f['message']}" for f in shown]
    if len(shown) < len(failed):
        lines.append(f"  ... {len(failed) - len(shown)} more (--failures -1 lists all, --json has them)")
    return "\n".join(lines)


def check_floors(report: dict, floors: Mapping[str, float]) -> list[str]:
    """Why the report falls short of `floors` (kind -> minimum pass rate in
    percent) and of the stage's invariants; empty when it does not."""
    problems = []
    for kind, floor in sorted(floors.items()):
        k = report["kinds"].get(kind)
        if k is None:
            continue  # a corpus without this kind has nothing to regress
        if k["rate"] < floor:
            problems.append(f"{kind}: pass rate {k['rate']:.2f}% is below its floor {floor:g}% ({k['passed']}/{k['files']})")
    for name, inv in report["invariants"].items():
        if not inv["holds"]:
            problems.append(f"{name}: does not hold for {', '.join(inv['failures'])}")
    return problems


def load_floors(path: str | os.PathLike, stage: str) -> dict[str, float]:
    """Floors from a JSON file `{"<stage>": {"<kind>": percent, ...}, ...}`."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ConformanceError(f"cannot read floors {path}: {e}") from None
    floors = data.get(stage) if isinstance(data, dict) else None
    if not isinstance(floors, dict) or not all(isinstance(v, (int, float)) for v in floors.values()):
        raise ConformanceError(f"{path}: no floors for stage '{stage}' (want {{\"{stage}\": {{kind: percent}}}})")
    return {str(k): float(v) for k, v in floors.items()}


# --------------------------------------------------------------------------- entry points


def run_stage(
    stage: str | Stage,
    corpus: str | os.PathLike | None = None,
    *,
    jobs: int = 1,
    timeout: float = DEFAULT_TIMEOUT_S,
    kinds: Iterable[str] | None = None,
    progress: bool | ProgressBar = False,
) -> dict:
    """Run `stage` over every file of `corpus` and return the report dict.

    Raises `ConformanceError` when the run cannot start (unknown stage, missing
    corpus, stage that cannot load); failures of single files are in the report.
    """
    if isinstance(stage, str):
        if stage not in STAGES:
            raise ConformanceError(f"unknown stage '{stage}' (known: {', '.join(sorted(STAGES))})")
        stage = STAGES[stage]
    if jobs < 1:
        raise ConformanceError(f"--jobs must be at least 1, not {jobs}")
    if not timeout > 0:
        raise ConformanceError(f"--timeout must be positive, not {timeout}")
    root = Path(corpus) if corpus is not None else default_corpus()
    entries = load_corpus(root)
    if stage.kinds is not None:  # a stage that applies to some kinds only reports on those
        entries = [e for e in entries if e.kind in stage.kinds]
        if not entries:
            raise CorpusError(f"stage {stage.name} applies to kinds {', '.join(stage.kinds)}; {root} has none")
    if kinds is not None:
        wanted = set(kinds)
        entries = [e for e in entries if e.kind in wanted]
        if not entries:
            raise CorpusError(f"no files of kind {', '.join(sorted(wanted))} in {root}")
    stage.prepare()

    if isinstance(progress, ProgressBar):
        bar = progress
    else:
        bar = ProgressBar(len(entries), stage.name, enabled=bool(progress))
    start = time.perf_counter()
    try:
        results = _run_entries(stage, entries, jobs, timeout, lambda i, r: bar.advance(r.path))
    finally:
        bar.close()
    return build_report(stage, root.resolve(), results, time.perf_counter() - start)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stage", default="parse", choices=sorted(STAGES), help="the stage to run (default: parse)")
    parser.add_argument("--corpus", default=None, help=f"corpus folder (default: {default_corpus()})")
    parser.add_argument("--json", dest="json_out", metavar="FILE", help="write the JSON report to FILE ('-' for stdout)")
    parser.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (default: 1)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S,
                        help=f"seconds per file before it counts as 'timeout' (default: {DEFAULT_TIMEOUT_S:g})")
    parser.add_argument("--kind", action="append", dest="kinds", metavar="KIND", help="only files of this kind (repeatable)")
    parser.add_argument("--floors", metavar="FILE",
                        help="exit 1 only when a kind falls below its floor in FILE or an invariant fails")
    parser.add_argument("--failures", type=int, default=20, metavar="N",
                        help="list the first N failing files (-1: all, 0: none; default 20)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def run_from_args(args: argparse.Namespace) -> int:
    """0: every file passed (or, with --floors, no floor broken); 1: failures;
    2: the run could not start."""
    to_stdout = args.json_out == "-"
    table_stream = sys.stderr if to_stdout else sys.stdout
    try:
        floors = load_floors(args.floors, args.stage) if args.floors else None
        report = run_stage(
            args.stage,
            args.corpus,
            jobs=args.jobs,
            timeout=args.timeout,
            kinds=args.kinds,
            progress=not args.no_progress,
        )
    except ConformanceError as e:
        print(f"nleanjit conformance: error: {e}", file=sys.stderr)
        return 2
    print(format_table(report), file=table_stream)
    failures = format_failures(report, args.failures)
    if failures:
        print(failures, file=table_stream)
    if args.json_out:
        text = json.dumps(report, indent=1, ensure_ascii=False)
        if to_stdout:
            print(text)
        else:
            try:
                Path(args.json_out).write_text(text + "\n", encoding="utf-8")
            except OSError as e:
                print(f"nleanjit conformance: error: cannot write {args.json_out}: {e}", file=sys.stderr)
                return 2
    if floors is not None:
        problems = check_floors(report, floors)
        for p in problems:
            print(f"below floor: {p}", file=sys.stderr)
        return 1 if problems else 0
    return 0 if report["passed"] == report["total"] else 1
