"""The conformance harness: corpus discovery, workers, timeouts, reports, CLI,
and the parse stage over the real corpus against recorded floors.

The harness logic is specified with fake stages (a tiny stage whose verdict is
written in each file) so that it is tested apart from the parser; the last
section runs the real parse stage over ../shared/lean4-corpus and fails when a
kind's pass rate falls below `tests/conformance_floors.json` or any file fails
to round-trip.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
import types
from pathlib import Path

import pytest

from nleanjit import conformance
from nleanjit.conformance import (
    ROUND_TRIP,
    ConformanceError,
    CorpusError,
    CorpusEntry,
    Outcome,
    Stage,
    check_floors,
    format_table,
    load_corpus,
    round_trip_mismatch,
    run_stage,
)

REPO = Path(__file__).resolve().parents[1]
SHARED_CORPUS = REPO.parent / "shared" / "lean4-corpus"
FLOORS = Path(__file__).with_name("conformance_floors.json")


# --------------------------------------------------------------------------- a fake stage


def _fake_run(entry: CorpusEntry) -> Outcome:
    """Verdicts written in the file: FAIL, NORT (no round trip), SLEEP, CRASH, RAISE."""
    text = entry.abspath.read_text(encoding="utf-8")
    if "SLEEP" in text:
        time.sleep(60)
    if "CRASH" in text:
        os.kill(os.getpid(), signal.SIGSEGV)
    if "EXIT" in text:
        os._exit(3)
    if "RAISE" in text:
        raise RecursionError("maximum recursion depth exceeded")
    round_trip = "NORT" not in text
    ok = "FAIL" not in text and round_trip
    return Outcome(ok, "" if ok else f"{entry.path}:1:0: error: fake", {ROUND_TRIP.name: round_trip})


FAKE = Stage("fake", "a stage whose verdict each file states", _fake_run, invariants=(ROUND_TRIP,))


def _corpus(tmp_path: Path, files: dict[str, str], manifest: str | None = None) -> Path:
    root = tmp_path / "corpus"
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    root.mkdir(exist_ok=True)
    if manifest is not None:
        (root / "MANIFEST.tsv").write_text(manifest, encoding="utf-8")
    return root


# --------------------------------------------------------------------------- corpus discovery


def test_manifest_gives_order_kinds_and_columns(tmp_path):
    root = _corpus(
        tmp_path,
        {"a/x.lean": "", "b/y.lean": "", "unlisted.lean": ""},
        "path\tkind\timports\texpected\nb/y.lean\trun\tLean\t-\na/x.lean\tcompile\t-\ta/x.expected.out\n",
    )
    entries = load_corpus(root)
    assert [(e.path, e.kind) for e in entries] == [("b/y.lean", "run"), ("a/x.lean", "compile")]
    assert entries[1].column("expected") == "a/x.expected.out"
    assert entries[0].column("imports") == "Lean"
    assert entries[0].column("absent") == "-"


def test_without_manifest_kind_is_top_folder_else_file(tmp_path):
    root = _corpus(tmp_path, {"run/deep/x.lean": "", "compile/y.lean": "", "top.lean": "", "notes.txt": ""})
    entries = load_corpus(root)
    assert [(e.path, e.kind) for e in entries] == [
        ("compile/y.lean", "compile"),
        ("run/deep/x.lean", "run"),
        ("top.lean", "file"),
    ]


@pytest.mark.parametrize(
    "setup, fragment",
    [
        (lambda root: None, "corpus not found"),
        (lambda root: root.write_text("x"), "not a directory"),
        (lambda root: root.mkdir(), "no MANIFEST.tsv and no .lean files"),
        (lambda root: (root.mkdir(), (root / "MANIFEST.tsv").write_text("path\tsource\nx.lean\t-\n")), "no 'kind' column"),
        (lambda root: (root.mkdir(), (root / "MANIFEST.tsv").write_text("path\tkind\nx.lean\trun\nx.lean\trun\n")), "duplicate path"),
    ],
)
def test_unusable_corpus_is_a_typed_error(tmp_path, setup, fragment):
    root = tmp_path / "c"
    setup(root)
    with pytest.raises(CorpusError, match=fragment):
        load_corpus(root)


# --------------------------------------------------------------------------- running a stage


def test_report_shape_counts_and_invariant(tmp_path):
    root = _corpus(tmp_path, {"run/a.lean": "ok", "run/b.lean": "FAIL", "compile/c.lean": "NORT", "compile/d.lean": "ok"})
    report = run_stage(FAKE, root)
    assert {k: report[k] for k in ("stage", "corpus", "total", "passed")} == {
        "stage": "fake", "corpus": str(root.resolve()), "total": 4, "passed": 2,
    }
    assert report["kinds"] == {
        "compile": {"files": 2, "passed": 1, "rate": 50.0},
        "run": {"files": 2, "passed": 1, "rate": 50.0},
    }
    assert [f["path"] for f in report["files"]] == ["compile/c.lean", "compile/d.lean", "run/a.lean", "run/b.lean"]
    first = report["files"][0]
    assert {k: first[k] for k in ("path", "kind", "ok", "message", "round_trip")} == {
        "path": "compile/c.lean", "kind": "compile", "ok": False,
        "message": "compile/c.lean:1:0: error: fake", "round_trip": False,
    }
    assert report["invariants"]["round_trip"]["holds"] is False
    assert report["invariants"]["round_trip"]["failures"] == ["compile/c.lean"]
    json.dumps(report)  # the report is JSON as it stands


def test_timeout_crash_and_exception_are_failures_and_the_run_goes_on(tmp_path):
    root = _corpus(tmp_path, {
        "k/1.lean": "SLEEP", "k/2.lean": "CRASH", "k/3.lean": "EXIT", "k/4.lean": "RAISE", "k/5.lean": "ok",
    })
    start = time.perf_counter()
    report = run_stage(FAKE, root, timeout=1.0)
    assert time.perf_counter() - start < 20
    messages = {f["path"]: f["message"] for f in report["files"]}
    assert messages == {
        "k/1.lean": "timeout",
        "k/2.lean": "crash: worker killed by SIGSEGV",
        "k/3.lean": "crash: worker exited with code 3",
        "k/4.lean": "internal error: RecursionError: maximum recursion depth exceeded",
        "k/5.lean": "",
    }
    assert report["passed"] == 1


def test_jobs_do_not_change_the_report(tmp_path):
    files = {f"k{i % 3}/f{i:02}.lean": ("FAIL" if i % 4 == 0 else "ok") for i in range(20)}
    files["k0/slow.lean"] = "SLEEP"
    root = _corpus(tmp_path, files)
    one = run_stage(FAKE, root, jobs=1, timeout=0.5)
    two = run_stage(FAKE, root, jobs=2, timeout=0.5)
    strip = lambda r: [(f["path"], f["ok"], f["message"]) for f in r["files"]]
    assert strip(one) == strip(two)
    assert one["kinds"] == two["kinds"]


def test_kind_filter_and_bad_arguments(tmp_path):
    root = _corpus(tmp_path, {"a/x.lean": "ok", "b/y.lean": "ok"})
    assert run_stage(FAKE, root, kinds=["b"])["total"] == 1
    with pytest.raises(CorpusError, match="no files of kind zzz"):
        run_stage(FAKE, root, kinds=["zzz"])
    with pytest.raises(ConformanceError, match="unknown stage 'nope'"):
        run_stage("nope", root)
    with pytest.raises(ConformanceError, match="--jobs"):
        run_stage(FAKE, root, jobs=0)


def test_manifest_row_for_a_missing_file_fails_that_file(tmp_path, monkeypatch):
    _install_fake_syntax(monkeypatch, lambda s: s)
    root = _corpus(tmp_path, {"x.lean": "ok"}, "path\tkind\nx.lean\trun\ngone.lean\trun\n../escape.lean\trun\n")
    report = run_stage("parse", root)
    messages = {f["path"]: f["message"] for f in report["files"]}
    assert messages["x.lean"] == ""
    assert messages["gone.lean"].startswith("cannot read: ")
    assert "leaves the corpus" in messages["../escape.lean"]


# --------------------------------------------------------------------------- the parse stage's own logic


def _install_fake_syntax(monkeypatch, printer, errors=()):
    """A stand-in `nleanjit.syntax` whose tree prints `printer(source)` and whose
    diagnostics are `errors` ((line, col, message) triples)."""

    class Diagnostic(types.SimpleNamespace):
        def __str__(self):
            return f"{self.file}:{self.line}:{self.col}: {self.severity}: {self.message}"

    def parse_source(source, file="<input>", resolver=None):
        diags = [Diagnostic(file=file, line=l, col=c, severity="error", message=m) for l, c, m in errors]
        tree = types.SimpleNamespace(to_source=lambda: printer(source))
        return types.SimpleNamespace(tree=tree, diagnostics=diags, ok=not diags)

    fake = types.ModuleType("nleanjit.syntax")
    fake.parse_source = parse_source
    fake_modules = types.ModuleType("nleanjit.syntax.modules")
    fake_modules.resolver_for = lambda roots: None  # imports resolve against the corpus root
    monkeypatch.setitem(sys.modules, "nleanjit.syntax", fake)
    monkeypatch.setitem(sys.modules, "nleanjit.syntax.modules", fake_modules)


def test_parse_stage_checks_bytes_including_invalid_utf8(tmp_path, monkeypatch):
    _install_fake_syntax(monkeypatch, lambda s: s)
    root = tmp_path / "c"
    (root / "run").mkdir(parents=True)
    (root / "run" / "bin.lean").write_bytes(b"def x := 1\r\n\xff\xfe -- \xe2\x88\x80\n")
    report = run_stage("parse", root)
    assert report["files"][0]["ok"] is True
    assert report["invariants"]["round_trip"]["holds"] is True


def test_parse_stage_reports_first_error_and_mismatch(tmp_path, monkeypatch):
    _install_fake_syntax(monkeypatch, lambda s: s.replace("β", "b"), errors=[(2, 4, "unexpected token ')'; expected term"), (3, 0, "later")])
    root = _corpus(tmp_path, {"run/a.lean": "def α := 1\ndef β := )\n"})
    (entry,) = run_stage("parse", root)["files"]
    assert entry["ok"] is False and entry["round_trip"] is False
    assert entry["message"] == (
        "round trip differs at line 2, col 4: expected 'β := )\\n', got 'b := )\\n'; "
        "run/a.lean:2:4: error: unexpected token ')'; expected term"
    )


def test_parse_stage_compares_diag_files_with_leans_parse_errors_line_by_line(tmp_path):
    # a diag file passes when our parse errors sit exactly on the lines of Lean's parse errors
    # (elaboration errors in the expected file do not excuse a parse error of ours)
    root = tmp_path / "c"
    (root / "diag").mkdir(parents=True)
    expected = ("a.lean:1:9-1:10: error: failed to synthesize instance\n  OfNat Prop 0\n"
                "a.lean:2:7: error: unexpected identifier after decimal point; consider parenthesizing the number\n")
    (root / "diag" / "a.expected.out").write_text(expected)
    (root / "diag" / "b.expected.out").write_text(expected.replace("a.lean:2:7", "a.lean:3:7"))
    (root / "diag" / "c.expected.out").write_text(expected)
    src = "#check (0 : Prop)\n#check 31.succ\n"
    for name in "abc":
        (root / "diag" / f"{name}.lean").write_text(src if name != "c" else src.replace("(0 : Prop)", "(0 : Prop) )"))
    (root / "MANIFEST.tsv").write_text("path\tkind\timports\texpected\n" + "".join(
        f"diag/{n}.lean\tdiag\t-\tdiag/{n}.expected.out\n" for n in "abc"))
    files = {f["path"]: f for f in run_stage("parse", root)["files"]}
    assert files["diag/a.lean"]["ok"] is True
    assert files["diag/b.lean"]["ok"] is False and "where Lean reports none" in files["diag/b.lean"]["message"]
    assert files["diag/c.lean"]["ok"] is False and "diag/c.lean:1:" in files["diag/c.lean"]["message"]


def test_round_trip_mismatch_positions_are_code_points():
    assert round_trip_mismatch("abc", "abc") == ""
    assert round_trip_mismatch("λx\n∀ y", "λx\n∀ z").startswith("round trip differs at line 2, col 2: expected 'y', got 'z'")
    assert round_trip_mismatch("ab", "abc") == "round trip differs at line 1, col 2: expected end of file, got 'c'"
    assert "returned NoneType" in round_trip_mismatch("ab", None)


def test_parse_stage_unavailable_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "nleanjit.syntax", None)  # import fails
    root = _corpus(tmp_path, {"a.lean": ""})
    with pytest.raises(conformance.StageUnavailable, match="cannot import nleanjit.syntax"):
        run_stage("parse", root)


# --------------------------------------------------------------------------- table, floors, CLI


def test_table_states_rates_and_invariant(tmp_path):
    root = _corpus(tmp_path, {"run/a.lean": "ok", "run/b.lean": "FAIL", "compile/c.lean": "ok"})
    table = format_table(run_stage(FAKE, root)).splitlines()
    assert table[1].split() == ["kind", "files", "passed", "%"]
    assert table[2].split() == ["compile", "1", "1", "100.0%"]
    assert table[3].split() == ["run", "2", "1", "50.0%"]
    assert table[4].split() == ["all", "3", "2", "66.7%"]
    assert table[5] == "round_trip: every file of every kind round-trips byte for byte (3/3)"


def test_check_floors():
    report = {
        "kinds": {"run": {"files": 10, "passed": 9, "rate": 90.0}, "parse": {"files": 2, "passed": 2, "rate": 100.0}},
        "invariants": {"round_trip": {"holds": True, "failures": []}},
    }
    assert check_floors(report, {"run": 90, "parse": 100, "absent": 50}) == []
    assert check_floors(report, {"run": 91}) == ["run: pass rate 90.00% is below its floor 91% (9/10)"]
    report["invariants"]["round_trip"] = {"holds": False, "failures": ["a.lean"]}
    assert check_floors(report, {}) == ["round_trip: does not hold for a.lean"]


def _cli(argv):
    parser = argparse.ArgumentParser()
    conformance.add_arguments(parser)
    return conformance.run_from_args(parser.parse_args(argv))


def test_cli_exit_codes_json_and_floors(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(conformance.STAGES, "fake", FAKE)
    root = _corpus(tmp_path, {"run/a.lean": "ok", "run/b.lean": "FAIL"})
    out = tmp_path / "report.json"
    assert _cli(["--stage", "fake", "--corpus", str(root), "--json", str(out), "--no-progress"]) == 1
    report = json.loads(out.read_text())
    assert (report["stage"], report["total"], report["passed"]) == ("fake", 2, 1)
    printed = capsys.readouterr().out
    assert "run/b.lean: run/b.lean:1:0: error: fake" in printed

    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"fake": {"run": 50}}))
    assert _cli(["--stage", "fake", "--corpus", str(root), "--floors", str(floors), "--no-progress"]) == 0
    floors.write_text(json.dumps({"fake": {"run": 51}}))
    assert _cli(["--stage", "fake", "--corpus", str(root), "--floors", str(floors), "--no-progress"]) == 1
    assert "below floor: run" in capsys.readouterr().err

    assert _cli(["--stage", "fake", "--corpus", str(tmp_path / "missing"), "--no-progress"]) == 2
    assert "error: corpus not found" in capsys.readouterr().err


def test_cli_json_to_stdout_and_progress_on_stderr(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(conformance.STAGES, "fake", FAKE)
    root = _corpus(tmp_path, {f"run/{i}.lean": "ok" for i in range(3)})
    assert _cli(["--stage", "fake", "--corpus", str(root), "--json", "-"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["passed"] == 3
    assert "fake [" in captured.err and "3/3 100%" in captured.err  # the bar
    assert "kind" in captured.err  # the table moves to stderr when stdout carries JSON


def test_tools_script_runs(tmp_path):
    import subprocess

    root = _corpus(tmp_path, {"a.lean": ""})
    proc = subprocess.run(
        [sys.executable, str(REPO / "tools" / "conformance.py"), "--corpus", str(root / "nope")],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().endswith(f"error: corpus not found: {root / 'nope'}")
    assert "Traceback" not in proc.stderr


# --------------------------------------------------------------------------- the real corpus


def test_parse_stage_over_shared_corpus_meets_floors():
    # CI has the shared corpus; a missing one is a broken checkout, not a skip.
    assert SHARED_CORPUS.is_dir(), f"the Lean corpus is missing: {SHARED_CORPUS} (CI has it)"
    floors = conformance.load_floors(FLOORS, "parse")
    report = run_stage("parse", SHARED_CORPUS, jobs=2, timeout=120)
    assert set(report["kinds"]) == set(floors), "every kind of the corpus needs a floor (and only those)"
    failures = [f"{f['path']}: {f['message']}" for f in report["files"] if not f["round_trip"]]
    assert not failures, "files that do not round-trip:\n" + "\n".join(failures)
    assert check_floors(report, floors) == []


# --------------------------------------------------------------------------- the throughput tools


def test_bench_parser_script_reports_both_rates(tmp_path):
    import subprocess

    root = _corpus(tmp_path, {"run/a.lean": "def x := 1\n\ndef y := x + 1\n", "b.lean": "#eval 1\n"})
    proc = subprocess.run(
        [sys.executable, str(REPO / "tools" / "bench_parser.py"), "--corpus", str(root), "--repeat", "1"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "2 files, 4 lines, 35 characters; best of 1"
    assert [l.split()[0] for l in lines[1:]] == ["lex", "lex+parse"]
    assert all("lines/s" in l for l in lines[1:])


def test_asv_benchmark_measures_the_corpus_it_is_given(tmp_path, monkeypatch):
    import importlib.util

    root = _corpus(tmp_path, {"run/a.lean": "def x := 1\ndef y := 2\n", "compile/b.lean": "#eval 1\n"})
    monkeypatch.setenv("NLEANJIT_CORPUS", str(root))
    spec = importlib.util.spec_from_file_location("asv_parser", REPO / "asv_benchmarks" / "benchmarks" / "parser.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    bench = module.CorpusThroughput()
    bench.setup()
    assert bench.lines == 3
    assert bench.track_parse_lines_per_second() > 0 and bench.track_lex_lines_per_second() > 0
    assert bench.track_parse_lines_per_second.unit == "lines/s"


def test_parse_stage_takes_notation_from_imported_corpus_modules(tmp_path):
    """A file using notation declared in a module of the same corpus passes, as in Lean;
    without that module the same file fails."""
    root = tmp_path / "c"
    (root / "parse").mkdir(parents=True)
    (root / "parse" / "Lib__Ops.lean").write_text('infixl:65 " +++ " => Nat.add\n')
    (root / "parse" / "User.lean").write_text("import Lib.Ops\n#eval 1 +++ 2\n")
    report = run_stage("parse", root)
    assert {f["path"]: f["ok"] for f in report["files"]} == {"parse/Lib__Ops.lean": True, "parse/User.lean": True}
    (root / "parse" / "Lib__Ops.lean").unlink()
    report = run_stage("parse", root)
    assert [f["ok"] for f in report["files"]] == [False]
