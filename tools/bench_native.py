"""Native executables of Lean's benchmark programs against OCaml's, in one run.

In: the `bench` rows of the corpus MANIFEST (`../shared/lean4-corpus/MANIFEST.tsv`:
file, `args`, `bench_args`) and, optionally, a folder with the OCaml versions of
the same programs from Lean's repository (`tests/bench/*.ml` of leanprover/lean4,
read into a temporary folder by hand: they are never part of this repository).
Out: a Markdown table, per program, of the best-of-N user+sys CPU time and wall
time of our executable (`nleanjit compile`, -O2) and of the `ocamlopt` one, run
with the same arguments, their ratios (ours / OCaml), peak memory, and whether
both printed the same numbers; `--json` keeps the raw runs.

Runs are interleaved (round 1: every program, ours then OCaml; round 2: OCaml
first; …) so that a burst of load from other jobs on a shared machine hits both
sides alike. CPU time (from `wait4`) is the figure to quote on a loaded
machine: wall time counts the time other processes held the cores.

    .venv/bin/python tools/bench_native.py                                # ours only
    .venv/bin/python tools/bench_native.py --ocaml-dir /tmp/ocaml_bench   # beside OCaml
    .venv/bin/python tools/bench_native.py --ocaml-dir DIR --repeat 5 --programs deriv,const_fold
    .venv/bin/python tools/bench_native.py --small                        # the MANIFEST's `args` (quick)

The OCaml files keep the names they have in Lean's `tests/bench/` (see
`OCAML_VERSIONS`); they are built with `ocamlopt` and the flags of Lean's
`tests/bench/Makefile` (`-O3` only when the compiler has flambda, which the
Debian package does not). Lean's suite pits its multi-threaded `binarytrees`
against `binarytrees5_multicore.ml`, which needs OCaml 5 and domainslib; here
both `binarytrees` and `binarytrees.st` are compared with the single-threaded
`binarytrees5.ml` (see the report).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "lean4-corpus"
RUN_TIMEOUT_S = 600.0
COMPILE_TIMEOUT_S = 900.0


@dataclass(frozen=True)
class OCamlVersion:
    """Where Lean's repository keeps the OCaml twin of a bench program, and how its
    Makefile builds it (flags beyond the default)."""

    file: str
    flags: tuple[str, ...] = ()
    note: str = ""


# Lean's tests/bench/Makefile: `binarytrees.st.ml` is `binarytrees5.ml`, built with
# `-noassert -fPIC -nodynlink -inline 100` (and -O3, an flambda option); `const_fold`'s
# twin is `expr_const_folding.ml`; the others share the Lean file's name.
_BINARYTREES_FLAGS = ("-noassert", "-fPIC", "-nodynlink", "-inline", "100")
OCAML_VERSIONS: dict[str, OCamlVersion] = {
    "binarytrees": OCamlVersion("binarytrees5.ml", _BINARYTREES_FLAGS,
                                "single-threaded OCaml (Lean's suite uses binarytrees5_multicore.ml: OCaml 5 + domainslib)"),
    "binarytrees.st": OCamlVersion("binarytrees5.ml", _BINARYTREES_FLAGS),
    "const_fold": OCamlVersion("expr_const_folding.ml", (), "the depth 23 is fixed in the OCaml source"),
    "deriv": OCamlVersion("deriv.ml", (), "the 10 iterations are fixed in the OCaml source"),
    "qsort": OCamlVersion("qsort.ml"),
    "rbmap": OCamlVersion("rbmap.ml"),
    "rbmap_checkpoint": OCamlVersion("rbmap_checkpoint.ml"),
}


@dataclass(frozen=True)
class BenchProgram:
    """One `bench` row of the MANIFEST."""

    name: str  # the file name without `.lean`: `binarytrees.st`
    source: Path
    args: tuple[str, ...]  # the run whose output is expected
    bench_args: tuple[str, ...]  # what Lean's benchmark suite times
    expected: Path | None


def _split_args(cell: str) -> tuple[str, ...]:
    cell = cell.strip()
    return () if cell in ("(none)", "-", "") else tuple(cell.split())


def read_bench_programs(corpus: Path) -> list[BenchProgram]:
    """The `bench` rows of `corpus/MANIFEST.tsv`, in file order, each once."""
    manifest = corpus / "MANIFEST.tsv"
    lines = manifest.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    col = {name: i for i, name in enumerate(header)}
    out: dict[str, BenchProgram] = {}
    for line in lines[1:]:
        cells = line.split("\t")
        if len(cells) < len(header) or cells[col["kind"]] != "bench":
            continue
        path = cells[col["path"]]
        name = Path(path).name.removesuffix(".lean")
        expected = cells[col["expected"]]
        out.setdefault(name, BenchProgram(
            name=name, source=corpus / path, args=_split_args(cells[col["args"]]),
            bench_args=_split_args(cells[col["bench_args"]]),
            expected=None if expected in ("-", "") else corpus / expected))
    return list(out.values())


@dataclass(frozen=True)
class Built:
    """An executable, or why there is none."""

    exe: Path | None
    seconds: float
    error: str = ""


def _first_line(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[0] if lines else ""


def compile_lean(source: Path, exe: Path, opt_level: int = 2, timeout: float = COMPILE_TIMEOUT_S) -> Built:
    """`nleanjit compile SOURCE -o EXE --opt N` in a child process, as a user runs it."""
    cmd = [sys.executable, "-m", "nleanjit.cli", "compile", str(source), "-o", str(exe), "--opt", str(opt_level)]
    start = time.perf_counter()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return Built(None, time.perf_counter() - start, f"compile: timeout after {timeout:g} s")
    seconds = time.perf_counter() - start
    if done.returncode != 0 or not exe.exists():
        why = _first_line(done.stderr) or _first_line(done.stdout) or f"exit code {done.returncode}"
        return Built(None, seconds, why)
    return Built(exe, seconds)


def ocaml_has_flambda(ocamlopt: str = "ocamlopt") -> bool:
    done = subprocess.run([ocamlopt, "-config"], capture_output=True, text=True)
    return any(line.replace(" ", "") == "flambda:true" for line in done.stdout.splitlines())


def build_ocaml(source: Path, exe: Path, flags: tuple[str, ...], ocamlopt: str = "ocamlopt",
                flambda: bool = False) -> Built:
    """`ocamlopt [-O3] FLAGS SOURCE -o EXE`, in a scratch folder (ocamlopt writes .cmx/.o beside)."""
    if not source.is_file():
        return Built(None, 0.0, f"no OCaml source {source}")
    work = exe.parent / (exe.name + ".build")
    work.mkdir(parents=True, exist_ok=True)
    copy = work / source.name
    copy.write_bytes(source.read_bytes())
    cmd = [ocamlopt, *(("-O3",) if flambda else ()), *flags, copy.name, "-o", str(exe.resolve())]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=work)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        return Built(None, seconds, "ocamlopt: " + (_first_line(done.stderr) or f"exit code {done.returncode}"))
    return Built(exe, seconds)


@dataclass(frozen=True)
class Run:
    """One timed run of an executable."""

    wall_s: float
    cpu_s: float  # user + sys of the child (all its threads)
    max_rss_kb: int
    exit_code: int  # negative: killed by that signal
    stdout: str
    timed_out: bool = False


def _unlimited_stack() -> None:
    # Lean's suite runs every benchmark, ours and OCaml's, under `ulimit -s unlimited`
    # (const_fold and the prelude's List functions recurse deeply).
    _soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    resource.setrlimit(resource.RLIMIT_STACK, (hard, hard))


def run_timed(exe: Path, args: tuple[str, ...], timeout: float = RUN_TIMEOUT_S) -> Run:
    """Run EXE ARGS with an unlimited stack; wall time, CPU time and peak RSS from wait4."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen([str(exe), *args], stdout=out, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL, preexec_fn=_unlimited_stack)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        stdout = out.read().decode("utf-8", errors="replace")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, proc.returncode, stdout, killed.is_set())


def same_numbers(a: str, b: str) -> bool:
    """The two programs printed the same tokens (the OCaml versions pad with printf)."""
    return a.split() == b.split()


@dataclass
class Row:
    """Everything measured for one program."""

    name: str
    args: tuple[str, ...]
    ours_build: Built | None = None
    ocaml_build: Built | None = None
    ours: list[Run] = field(default_factory=list)
    ocaml: list[Run] = field(default_factory=list)
    note: str = ""

    @staticmethod
    def best(runs: list[Run], attr: str) -> float | None:
        ok = [getattr(r, attr) for r in runs if r.exit_code == 0 and not r.timed_out]
        return min(ok) if ok else None

    def failure(self, runs: list[Run]) -> str:
        bad = next((r for r in runs if r.exit_code != 0 or r.timed_out), None)
        if bad is None:
            return ""
        return "timeout" if bad.timed_out else f"exit code {bad.exit_code}"


def _fmt_s(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "—" if a is None or b is None or b == 0 else f"{a / b:.2f}×"


def markdown_table(rows: list[Row], with_ocaml: bool) -> str:
    if with_ocaml:
        head = ("| program | args | ours CPU (s) | OCaml CPU (s) | CPU ours/OCaml | ours wall (s) | OCaml wall (s) "
                "| wall ours/OCaml | peak RSS ours / OCaml (MB) | same output |\n|---|---|---|---|---|---|---|---|---|---|")
    else:
        head = "| program | args | CPU (s) | wall (s) | peak RSS (MB) | compile (s) |\n|---|---|---|---|---|---|"
    lines = [head]
    for r in rows:
        args = " ".join(r.args) or "(none)"
        if r.ours_build is None or r.ours_build.exe is None:  # why: listed under the table
            if with_ocaml:
                oc_cpu, oc_wall = Row.best(r.ocaml, "cpu_s"), Row.best(r.ocaml, "wall_s")
                oc_rss = Row.best(r.ocaml, "max_rss_kb")
                lines.append(f"| {r.name} | {args} | n/a | {_fmt_s(oc_cpu)} | — | — | {_fmt_s(oc_wall)} | — | "
                             f"— / {'—' if oc_rss is None else round(oc_rss / 1024)} | — |")
            else:
                lines.append(f"| {r.name} | {args} | n/a | — | — | — |")
            continue
        ours_cpu, ours_wall = Row.best(r.ours, "cpu_s"), Row.best(r.ours, "wall_s")
        ours_rss = Row.best(r.ours, "max_rss_kb")
        ours_cpu_cell = _fmt_s(ours_cpu) if ours_cpu is not None else r.failure(r.ours)
        if not with_ocaml:
            lines.append(f"| {r.name} | {args} | {ours_cpu_cell} | {_fmt_s(ours_wall)} | "
                         f"{'—' if ours_rss is None else round(ours_rss / 1024)} | {r.ours_build.seconds:.1f} |")
            continue
        oc_cpu, oc_wall = Row.best(r.ocaml, "cpu_s"), Row.best(r.ocaml, "wall_s")
        oc_rss = Row.best(r.ocaml, "max_rss_kb")
        if r.ocaml_build is None or r.ocaml_build.exe is None:
            oc_cpu_cell = r.ocaml_build.error if r.ocaml_build else "no OCaml version"
        else:
            oc_cpu_cell = _fmt_s(oc_cpu) if oc_cpu is not None else r.failure(r.ocaml)
        agree = "—"
        if r.ours and r.ocaml and r.ours[0].exit_code == 0 and r.ocaml[0].exit_code == 0:
            agree = "yes" if same_numbers(r.ours[0].stdout, r.ocaml[0].stdout) else "**no**"
        rss = f"{'—' if ours_rss is None else round(ours_rss / 1024)} / {'—' if oc_rss is None else round(oc_rss / 1024)}"
        lines.append(f"| {r.name} | {args} | {ours_cpu_cell} | {oc_cpu_cell} | {_ratio(ours_cpu, oc_cpu)} | "
                     f"{_fmt_s(ours_wall)} | {_fmt_s(oc_wall)} | {_ratio(ours_wall, oc_wall)} | {rss} | {agree} |")
    return "\n".join(lines)


def machine_description() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def _git_head() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    return done.stdout.strip() or "?"


def _ocaml_version(ocamlopt: str) -> str:
    try:
        return subprocess.run([ocamlopt, "-version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the corpus with MANIFEST.tsv")
    p.add_argument("--ocaml-dir", type=Path, help="folder with Lean's tests/bench/*.ml (binarytrees5.ml, deriv.ml, …)")
    p.add_argument("--ocamlopt", default="ocamlopt")
    p.add_argument("--programs", help="comma-separated names (default: every bench program)")
    p.add_argument("--repeat", type=int, default=3, help="rounds; the best run of each side is reported")
    p.add_argument("--opt", type=int, default=2, choices=(0, 1, 2, 3), help="our LLVM optimization level")
    p.add_argument("--small", action="store_true", help="the MANIFEST's `args` instead of `bench_args`")
    p.add_argument("--work-dir", type=Path, help="where executables go (default: a temporary folder)")
    p.add_argument("--timeout", type=float, default=RUN_TIMEOUT_S, help="seconds per run")
    p.add_argument("--json", type=Path, help="write every run here")
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    if not (args.corpus / "MANIFEST.tsv").is_file():
        p.error(f"no MANIFEST.tsv in {args.corpus}")
    if args.ocaml_dir is not None and not args.ocaml_dir.is_dir():
        p.error(f"--ocaml-dir {args.ocaml_dir} is not a folder")
    if args.ocaml_dir is not None and shutil.which(args.ocamlopt) is None:
        p.error(f"no {args.ocamlopt} on PATH (Debian: apt-get install ocaml)")
    return args


def measure(args: argparse.Namespace, work: Path) -> tuple[list[Row], dict]:
    programs = read_bench_programs(args.corpus)
    if args.programs:
        wanted = [n.strip() for n in args.programs.split(",") if n.strip()]
        unknown = sorted(set(wanted) - {p.name for p in programs})
        if unknown:
            raise SystemExit(f"bench_native: unknown program(s): {', '.join(unknown)} "
                             f"(bench programs: {', '.join(p.name for p in programs)})")
        programs = [p for p in programs if p.name in wanted]
    with_ocaml = args.ocaml_dir is not None
    flambda = with_ocaml and ocaml_has_flambda(args.ocamlopt)
    info = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine_description(),
        "load_before": os.getloadavg(),
        "nleanjit": _git_head(),
        "opt_level": args.opt,
        "repeat": args.repeat,
        "ocamlopt": (_ocaml_version(args.ocamlopt) + (" flambda" if flambda else " (no flambda)")) if with_ocaml else None,
    }
    rows = []
    for prog in programs:
        row = Row(prog.name, prog.args if args.small else prog.bench_args)
        print(f"compiling {prog.name} ...", file=sys.stderr, flush=True)
        row.ours_build = compile_lean(prog.source, work / f"{prog.name}.ours", args.opt)
        if row.ours_build.error:
            print(f"  {prog.name}: {row.ours_build.error}", file=sys.stderr)
        twin = OCAML_VERSIONS.get(prog.name)
        if with_ocaml and twin is not None:
            row.ocaml_build = build_ocaml(args.ocaml_dir / twin.file, work / f"{prog.name}.ocaml",
                                          twin.flags, args.ocamlopt, flambda)
            row.note = twin.note
            if row.ocaml_build.error:
                print(f"  {prog.name} (OCaml): {row.ocaml_build.error}", file=sys.stderr)
        rows.append(row)
    for rnd in range(args.repeat):
        for row in rows:
            sides = [("ours", row.ours_build, row.ours), ("ocaml", row.ocaml_build, row.ocaml)]
            if rnd % 2 == 1:
                sides.reverse()  # alternate who goes first
            for side, built, runs in sides:
                if built is None or built.exe is None:
                    continue
                run = run_timed(built.exe, row.args, args.timeout)
                runs.append(run)
                print(f"round {rnd + 1}/{args.repeat} {row.name:18} {side:5} cpu {run.cpu_s:7.2f} s "
                      f"wall {run.wall_s:7.2f} s rss {run.max_rss_kb // 1024:5d} MB exit {run.exit_code}",
                      file=sys.stderr, flush=True)
    info["load_after"] = os.getloadavg()
    return rows, info


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.work_dir is not None:
        args.work_dir.mkdir(parents=True, exist_ok=True)
        rows, info = measure(args, args.work_dir)
    else:
        with tempfile.TemporaryDirectory(prefix="nleanjit-bench-native-") as tmp:
            rows, info = measure(args, Path(tmp))
    with_ocaml = args.ocaml_dir is not None
    load = lambda xs: " / ".join(f"{x:.1f}" for x in xs)  # noqa: E731
    print(f"{info['date']} · {info['machine']} · nleanjit {info['nleanjit']} at -O{info['opt_level']}"
          + (f" · ocamlopt {info['ocamlopt']}" if with_ocaml else "")
          + f" · best of {info['repeat']} · load average (1/5/15 min) before {load(info['load_before'])}, "
            f"after {load(info['load_after'])}\n")
    print(markdown_table(rows, with_ocaml))
    notes = [f"- {r.name}: does not compile yet: {r.ours_build.error}" for r in rows
             if r.ours_build is not None and r.ours_build.exe is None]
    notes += [f"- {r.name}: {r.note}" for r in rows if r.note]
    if notes:
        print("\n" + "\n".join(notes))
    if args.json is not None:
        record = {"info": info, "rows": [
            {"name": r.name, "args": list(r.args),
             "ours_build": None if r.ours_build is None else {**asdict(r.ours_build), "exe": str(r.ours_build.exe)},
             "ocaml_build": None if r.ocaml_build is None else {**asdict(r.ocaml_build), "exe": str(r.ocaml_build.exe)},
             "ours": [asdict(x) for x in r.ours], "ocaml": [asdict(x) for x in r.ocaml]} for r in rows]}
        args.json.write_text(json.dumps(record, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
