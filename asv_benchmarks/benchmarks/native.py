"""Native executables: run time of Lean's benchmark programs, compile time of a 200-line program.

In: the `bench` rows of the corpus MANIFEST (`../shared/lean4-corpus/MANIFEST.tsv`:
binarytrees, binarytrees.st, const_fold, deriv, qsort, rbmap, rbmap_checkpoint)
with their `bench_args` (the arguments Lean's own benchmark suite times them
with), and our `corpus/bench/compile_time.lean` (≈ 200 lines). Out: seconds per
run of each program's executable (`BenchPrograms.time_run`, one parameter per
program), and seconds for `nleanjit compile FILE -o EXE` of the 200-line program
at -O0 and -O2, as a user runs it (Python start-up and the prelude cache
included; `CompileProgram.time_compile`).

Nothing is compiled at import: `setup_cache` compiles every bench program once,
through the same `nleanjit compile` command, into asv's cache folder (a temporary
folder asv removes after the run). A program that does not compile yet raises
NotImplementedError in `setup`, so asv reports it as n/a rather than failing.
The programs run under an unlimited stack, as Lean's suite runs them.
`tools/bench_native.py` times the same executables beside their OCaml versions.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

# bench_native imports only the standard library: importing it compiles nothing.
from bench_native import (  # noqa: E402
    DEFAULT_CORPUS,
    OCAML_VERSIONS,
    compile_lean,
    read_bench_programs,
    run_timed,
)

COMPILE_TIME_PROGRAM = ROOT / "corpus" / "bench" / "compile_time.lean"


def _bench_program_names() -> list[str]:
    try:
        return [p.name for p in read_bench_programs(DEFAULT_CORPUS)]
    except OSError:  # no corpus here: the names of Lean's suite, each skipped in setup
        return list(OCAML_VERSIONS)


class BenchPrograms:
    params = _bench_program_names()
    param_names = ["program"]
    # Each run takes seconds (binarytrees 21: ≈ 7 s of CPU): one run per sample, no warm-up.
    number = 1
    repeat = (1, 3, 120.0)
    warmup_time = 0
    processes = 1
    timeout = 600

    def setup_cache(self):
        """{program: (executable, bench_args) or (None, why it does not compile)}."""
        try:
            programs = read_bench_programs(DEFAULT_CORPUS)
        except OSError as err:
            return {"": (None, f"no corpus: {err}")}
        folder = Path(tempfile.mkdtemp(prefix="native-", dir=os.getcwd()))  # asv's cache folder
        out = {}
        for prog in programs:
            built = compile_lean(prog.source, folder / prog.name)
            out[prog.name] = (str(built.exe), list(prog.bench_args)) if built.exe else (None, built.error)
        return out

    setup_cache.timeout = 1800

    def setup(self, cache, program):
        if program not in cache:
            raise NotImplementedError(f"{program}: not a bench program of {DEFAULT_CORPUS}")
        exe, detail = cache[program]
        if exe is None:
            raise NotImplementedError(f"{program} does not compile yet: {detail}")
        self.exe, self.args = Path(exe), tuple(detail)

    def time_run(self, cache, program):
        run = run_timed(self.exe, self.args, self.timeout)
        if run.exit_code != 0:
            raise RuntimeError(f"{program} {' '.join(self.args)}: exit code {run.exit_code}")


class CompileProgram:
    params = [0, 2]
    param_names = ["opt_level"]
    number = 1
    repeat = (1, 3, 120.0)
    warmup_time = 0
    timeout = 600

    def setup(self, opt_level):
        self.folder = Path(tempfile.mkdtemp(prefix="nleanjit-compile-"))

    def teardown(self, opt_level):
        shutil.rmtree(self.folder, ignore_errors=True)

    def time_compile(self, opt_level):
        built = compile_lean(COMPILE_TIME_PROGRAM, self.folder / "compile_time", opt_level)
        if built.exe is None:
            raise RuntimeError(f"compile_time.lean: {built.error}")

    def track_output_matches_expected(self, opt_level):
        """1 when the compiled 200-line program prints its expected output (a guard that
        the compile-time figure is for a working program)."""
        built = compile_lean(COMPILE_TIME_PROGRAM, self.folder / "compile_time", opt_level)
        if built.exe is None:
            return 0
        expected = COMPILE_TIME_PROGRAM.with_suffix(".expected.out").read_text(encoding="utf-8")
        run = run_timed(built.exe, ())
        return int(run.exit_code == 0 and run.stdout == expected)

    track_output_matches_expected.unit = "ok"
