"""The `compile` conformance stage: a `bench` or `compile` program passes when its native
executable, run with the manifest's `args`, prints exactly the expected output and exits 0.

Over the shared Lean corpus the stage must not fall below its recorded floors
(tests/conformance_floors.json, "compile"); a tiny corpus written here pins down the
verdicts themselves (pass, wrong output, failing exit code, arguments, kinds left out)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nleanjit import conformance
from nleanjit.conformance import check_floors, run_stage

REPO = Path(__file__).resolve().parents[2]
SHARED_CORPUS = REPO.parent / "shared" / "lean4-corpus"
FLOORS = REPO / "tests" / "conformance_floors.json"

HEADER = "path\tkind\timports\texpected\targs\tbench_args\tsource\tnote\n"

PROGRAMS = {
    # path: (kind, source, expected stdout, args)
    "compile/hello.lean": ("compile", 'def main : IO Unit := IO.println "hello"\n', "hello\n", "(none)"),
    "compile/wrong.lean": ("compile", 'def main : IO Unit := IO.println "hullo"\n', "hello\n", "(none)"),
    "compile/exit3.lean": ("compile", "def main : IO UInt32 := do\n  IO.println \"x\"\n  pure 3\n", "x\n", "(none)"),
    "bench/args.lean": ("bench",
                        "def main (xs : List String) : IO UInt32 := do\n"
                        "  IO.println s!\"{xs.length} {xs.headD \"\"}\"\n  pure 0\n",
                        "2 seven\n", "seven 8"),
    # non-tail recursion a million deep: the child runs on a plain 8 MB stack, so this
    # passes only because the runtime runs `main` on its own big-stack thread
    "compile/deep.lean": ("compile",
                          "def build : Nat → List Nat\n  | 0 => []\n  | n+1 => n :: build n\n\n"
                          "def main : IO Unit := IO.println ((build 1000000).map (· + 1)).length\n",
                          "1000000\n", "(none)"),
    "compile/noexpected.lean": ("compile", 'def main : IO Unit := IO.println "hi"\n', None, "(none)"),
    # not a kind the stage applies to: left out of the report altogether
    "run/other.lean": ("run", 'def main : IO Unit := IO.println "never run"\n', "oops\n", "(none)"),
}


def _tiny_corpus(root: Path) -> Path:
    rows = [HEADER]
    for path, (kind, source, expected, args) in PROGRAMS.items():
        src = root / path
        src.parent.mkdir(parents=True, exist_ok=True)
        src.write_text(source, encoding="utf-8")
        out = "-" if expected is None else path.replace(".lean", ".expected.out")
        if expected is not None:
            (root / out).write_text(expected, encoding="utf-8")
        rows.append(f"{path}\t{kind}\t-\t{out}\t{args}\t-\t-\t-\n")
    (root / "MANIFEST.tsv").write_text("".join(rows), encoding="utf-8")
    return root


def test_compile_stage_verdicts_on_a_tiny_corpus(tmp_path):
    report = run_stage("compile", _tiny_corpus(tmp_path), jobs=2, timeout=120)
    verdicts = {f["path"]: (f["ok"], f["message"]) for f in report["files"]}
    assert set(verdicts) == {"compile/hello.lean", "compile/wrong.lean", "compile/exit3.lean", "bench/args.lean",
                               "compile/deep.lean", "compile/noexpected.lean"}
    assert set(report["kinds"]) == {"bench", "compile"}
    assert verdicts["compile/hello.lean"] == (True, "")
    assert verdicts["bench/args.lean"] == (True, "")
    assert verdicts["compile/deep.lean"] == (True, "")
    ok, message = verdicts["compile/wrong.lean"]
    assert not ok and message.startswith("run: stdout differs") and "col 1" in message
    ok, message = verdicts["compile/exit3.lean"]
    assert not ok and message == "run: exited with code 3"
    assert verdicts["compile/noexpected.lean"] == (False, "no expected output in the manifest")


@pytest.mark.slow
def test_compile_stage_over_shared_corpus_meets_floors():
    assert SHARED_CORPUS.is_dir(), f"the Lean corpus is missing: {SHARED_CORPUS} (CI has it)"
    floors = conformance.load_floors(FLOORS, "compile")
    report = run_stage("compile", SHARED_CORPUS, jobs=2, timeout=60)
    assert set(report["kinds"]) == set(floors) == set(conformance.COMPILE_KINDS)
    crashes = [f"{f['path']}: {f['message']}" for f in report["files"]
               if "internal" in f["message"] or "killed by" in f["message"]]
    assert check_floors(report, floors) == [], crashes[:10]


def test_compile_stage_on_a_corpus_without_its_kinds_is_a_clear_error(tmp_path):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "a.lean").write_text("def main : IO Unit := pure ()\n", encoding="utf-8")
    with pytest.raises(conformance.CorpusError, match="applies to kinds bench, compile"):
        run_stage("compile", tmp_path)


def test_leaks_stage_on_a_tiny_corpus(tmp_path):
    """The same programs with the debug runtime: those that pass free every object."""
    report = run_stage("leaks", _tiny_corpus(tmp_path), jobs=2, timeout=120)
    verdicts = {f["path"]: (f["ok"], f["message"]) for f in report["files"]}
    for path in ("compile/hello.lean", "bench/args.lean", "compile/deep.lean"):
        assert verdicts[path] == (True, ""), path
    ok, message = verdicts["compile/exit3.lean"]
    assert not ok and message.startswith("run: exited with code 3")


def test_leak_verdict_reads_the_object_report():
    assert conformance.leak_verdict("nleanjit: live objects 0, allocations 12\n") == ""
    assert conformance.leak_verdict("x\nnleanjit: live objects 3, allocations 12\n") == \
        "leaks: 3 live objects at exit (12 allocations)"
    assert conformance.leak_verdict("") == "leaks: no object report at exit"


@pytest.mark.slow
def test_leaks_stage_over_shared_corpus_meets_floors():
    """Every corpus program the compile stage passes also frees everything (floors "leaks")."""
    floors = conformance.load_floors(FLOORS, "leaks")
    report = run_stage("leaks", SHARED_CORPUS, jobs=2, timeout=120)
    leaking = [f"{f['path']}: {f['message']}" for f in report["files"] if f["message"].startswith("leaks")]
    assert leaking == []
    assert check_floors(report, floors) == []


def test_own_corpus_program_runs_leak_free(tmp_path):
    """corpus/bench/compile_time.lean (our 200-line program) through the leaks stage: its
    debug executable prints the expected file and frees every object."""
    src = REPO / "corpus" / "bench" / "compile_time.lean"
    (tmp_path / "bench").mkdir()
    (tmp_path / "bench" / "compile_time.lean").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    expected = src.with_name("compile_time.expected.out").read_text(encoding="utf-8")
    (tmp_path / "bench" / "compile_time.expected.out").write_text(expected, encoding="utf-8")
    (tmp_path / "MANIFEST.tsv").write_text(
        HEADER + "bench/compile_time.lean\tbench\t-\tbench/compile_time.expected.out\t(none)\t-\t-\t-\n",
        encoding="utf-8")
    report = run_stage("leaks", tmp_path, timeout=300)
    assert [(f["ok"], f["message"]) for f in report["files"]] == [(True, "")]
