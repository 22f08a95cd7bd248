"""The syntax subcommands of the `nleanjit` CLI: `lex`, `parse`, `fmt`.

Specified here: exit codes (0 clean, 1 error diagnostics or a failed check, 2
unusable input), Lean's diagnostic format `FILE:line:col: error: message` with
FILE as given on the command line, `parse --json` giving a tree whose tokens
spell the file, `fmt` printing the file back byte for byte, and clear one-line
errors (never a traceback) for a missing file or a directory, and for a binary
file a diagnostic at its first bad byte rather than a crash.
Most cases call `cli.main` in-process; a few run the real console entry point.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from nleanjit import cli

GOOD = "def x : Nat := 1\n\ntheorem t : x = 1 := rfl\n"
# Two bad commands around a good one: recovery must report both.
BAD = "def x := )\ndef y := 1\ndef z := ]\n"


def run(argv, capsysbinary):
    # binary capture: the CLI writes source text back with surrogateescape,
    # so output from a file with invalid UTF-8 is not valid UTF-8 either
    code = cli.main(argv)
    out, err = (b.decode("utf-8", errors="surrogateescape") for b in capsysbinary.readouterr())
    assert "Traceback" not in out + err
    return code, out, err


def write(tmp_path, name, content) -> str:
    p = tmp_path / name
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_bytes(content.encode("utf-8"))
    return str(p)


def in_order(haystack: str, needles) -> bool:
    pos = 0
    for n in needles:
        pos = haystack.find(n, pos)
        if pos < 0:
            return False
        pos += len(n)
    return True


def leaf_texts(node) -> str:
    """Concatenate `leading + text` of every token object in a JSON tree, in order."""
    out = []
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, dict):
            if "text" in n and "leading" in n:
                out.append(n["leading"] + n["text"])
            stack.extend(reversed([v for k, v in n.items() if k not in ("text", "leading") and isinstance(v, (dict, list))]))
        elif isinstance(n, list):
            stack.extend(reversed(n))
    return "".join(out)


# --------------------------------------------------------------------------- lex


def test_lex_prints_tokens_with_positions(tmp_path, capsysbinary):
    path = write(tmp_path, "a.lean", "def x := 1\n  λ\t«a b»\n")
    code, out, _ = run(["lex", path], capsysbinary)
    assert code == 0
    assert in_order(out, ["1:0", "def", "1:4", "x", "1:6", ":=", "1:9", "1", "2:2", "λ", "2:4", "«a b»"])


def test_lex_error_token_exits_1(tmp_path, capsysbinary):
    path = write(tmp_path, "a.lean", 'def s := "unterminated\n')
    code, out, _ = run(["lex", path], capsysbinary)
    assert code == 1
    assert "1:9" in out


# --------------------------------------------------------------------------- parse


def test_parse_clean_file_exits_0_without_diagnostics(tmp_path, capsysbinary):
    path = write(tmp_path, "good.lean", GOOD)
    code, out, err = run(["parse", path], capsysbinary)
    assert code == 0
    assert "error" not in out + err


def test_parse_errors_exit_1_in_lean_format_one_per_bad_command(tmp_path, capsysbinary):
    path = write(tmp_path, "bad.lean", BAD)
    code, out, err = run(["parse", path], capsysbinary)
    assert code == 1
    diagnostics = [l for l in (out + err).splitlines() if re.match(rf"{re.escape(path)}:\d+:\d+: error: ", l)]
    assert [d.split(": error: ")[0] for d in diagnostics] == [f"{path}:1:8", f"{path}:3:8"], out + err
    assert diagnostics[0].startswith(f"{path}:1:8: error: expected term")  # Lean: right after `:=`


def test_parse_reports_the_path_as_given(tmp_path, capsysbinary, monkeypatch):
    write(tmp_path, "bad.lean", BAD)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["parse", "bad.lean"], capsysbinary)
    assert code == 1
    assert re.search(r"^bad\.lean:1:8: error: ", out + err, re.M), out + err


def test_parse_json_tree_spells_the_file(tmp_path, capsysbinary):
    source = "/-- doc -/\ndef f (n : Nat) : Nat :=\n  n + 1 -- trailing\n"
    path = write(tmp_path, "a.lean", source)
    code, out, _ = run(["parse", "--json", path], capsysbinary)
    assert code == 0
    assert leaf_texts(json.loads(out)) == source


def test_parse_json_on_errors_still_exits_1_with_json(tmp_path, capsysbinary):
    path = write(tmp_path, "bad.lean", BAD)
    code, out, _ = run(["parse", "--json", path], capsysbinary)
    assert code == 1
    assert leaf_texts(json.loads(out)) == BAD


def test_parse_json_of_deep_nesting_is_not_a_traceback(tmp_path, capsysbinary):
    source = "#eval " + "(" * 5000 + "1" + ")" * 5000 + "\n"
    path = write(tmp_path, "deep.lean", source)
    code, out, err = run(["parse", "--json", path], capsysbinary)
    assert code in (0, 1)
    assert leaf_texts(json.loads(out)) == source


# --------------------------------------------------------------------------- fmt


@pytest.mark.parametrize(
    "content",
    [GOOD, BAD, "def x := 1\r\n-- crlf\r\n", b"def x := 1 -- \xff\xfe invalid utf-8\n", "", "   \n\t\n"],
    ids=["good", "errors", "crlf", "invalid-utf8", "empty", "blank"],
)
def test_fmt_check_round_trips(tmp_path, capsysbinary, content):
    path = write(tmp_path, "a.lean", content)
    code, _, _ = run(["fmt", "--check", path], capsysbinary)
    assert code == 0


def test_fmt_prints_the_file_back_byte_for_byte(tmp_path):
    raw = "/-! mod -/\ndef «x y» := s!\"{1 + 1}\"  -- λ\r\n".encode() + b"\xe2\x88\x80 \xff\n"
    path = write(tmp_path, "a.lean", raw)
    proc = subprocess.run([sys.executable, "-m", "nleanjit.cli", "fmt", path], capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == raw


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("command", [["lex"], ["parse"], ["parse", "--json"], ["fmt"], ["fmt", "--check"]])
def test_missing_file_is_a_clear_error(tmp_path, capsysbinary, command):
    path = str(tmp_path / "nope.lean")
    code, out, err = run(command + [path], capsysbinary)
    assert code == 2
    assert out == ""
    assert err.startswith("nleanjit: error: ") and path in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("command", [["lex"], ["parse"], ["fmt", "--check"]])
def test_directory_is_a_clear_error(tmp_path, capsysbinary, command):
    code, out, err = run(command + [str(tmp_path)], capsysbinary)
    assert code == 2
    assert err.startswith("nleanjit: error: ") and str(tmp_path) in err and len(err.strip().splitlines()) == 1


BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256))


def test_binary_file_parse_is_a_diagnostic_at_its_first_byte(tmp_path, capsysbinary):
    path = write(tmp_path, "image.lean", BINARY)
    code, out, err = run(["parse", path], capsysbinary)
    assert code == 1
    assert out.startswith(f"{path}:1:0: error: "), out + err


def test_binary_file_lex_flags_error_tokens_and_fmt_still_round_trips(tmp_path, capsysbinary):
    path = write(tmp_path, "image.lean", BINARY)
    assert run(["lex", path], capsysbinary)[0] == 1
    assert run(["fmt", "--check", path], capsysbinary)[0] == 0


def test_console_entry_point_exit_codes(tmp_path):
    good, bad = write(tmp_path, "good.lean", GOOD), write(tmp_path, "bad.lean", BAD)
    for path, expected in ((good, 0), (bad, 1), (str(tmp_path / "missing.lean"), 2)):
        proc = subprocess.run([sys.executable, "-m", "nleanjit.cli", "parse", path], capture_output=True, text=True, timeout=120)
        assert proc.returncode == expected, (path, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr
