"""The check stage's verdict per corpus kind (`nleanjit.conformance.run_check`), on a tiny
corpus made here: a `run` file passes with no error (its `#guard_msgs` blocks compared by the
elaborator), a `diag` file passes when our errors are on exactly the lines of Lean's."""

from __future__ import annotations

from nleanjit.conformance import CorpusEntry, run_check

RUN_OK = "/-- error: unknown identifier 'foo' -/\n#guard_msgs in\nexample : Nat := foo\n"
RUN_BAD = "/-- info: 3 -/\n#guard_msgs in\n#eval 1 + 1\n"
DIAG = "def ok : Nat := 1\nexample : Nat := \"s\"\ndef ok2 : Nat := 2\n"


def _entry(tmp_path, name, kind, text, expected=None):
    (tmp_path / name).write_text(text, encoding="utf-8")
    cols = [("expected", "-")]
    if expected is not None:
        exp = name.replace(".lean", ".expected.out")
        (tmp_path / exp).write_text(expected, encoding="utf-8")
        cols = [("expected", exp)]
    return CorpusEntry(name, kind, str(tmp_path), tuple(cols))


def test_run_file_with_matching_guard_msgs_passes(tmp_path):
    assert run_check(_entry(tmp_path, "a.lean", "run", RUN_OK)).ok


def test_run_file_with_mismatching_guard_msgs_fails(tmp_path):
    out = run_check(_entry(tmp_path, "b.lean", "run", RUN_BAD))
    assert not out.ok and "does not match" in out.message


def test_diag_passes_when_errors_are_on_leans_lines(tmp_path):
    exp = 'd.lean:2:17-2:20: error: type mismatch\n  "s"\nhas type\n  String : Type\n'
    assert run_check(_entry(tmp_path, "d.lean", "diag", DIAG, exp)).ok


def test_diag_fails_on_a_missing_or_extra_error(tmp_path):
    exp = "e.lean:1:0: error: something Lean saw\ne.lean:2:17: error: type mismatch\n"
    out = run_check(_entry(tmp_path, "e.lean", "diag", DIAG, exp))
    assert not out.ok and "e.lean:1: Lean reports an error on this line" in out.message
    out = run_check(_entry(tmp_path, "f.lean", "diag", DIAG, "f.lean:3:0: warning: unused\n"))
    assert not out.ok and "f.lean:2:" in out.message


def test_diag_without_expected_file_fails(tmp_path):
    assert not run_check(_entry(tmp_path, "g.lean", "diag", DIAG)).ok
