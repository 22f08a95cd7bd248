"""Fuzzing the lexer and the parser: no input, however malformed, may break them.

Inputs: random bytes (decoded with surrogateescape, as `parse_file` does),
random Unicode text, soups of Lean fragments, truncations and byte/line
mutations of real files from ../shared/lean4-corpus, deep nesting and very long
lines. Properties, for every input:

- `lex` and `parse_source` return (no exception, no crash, no hang: hypothesis's
  deadline bounds each input generously; the pathological cases run in a child
  process so a stack overflow is a failed test, not a dead test run);
- the tokens' `leading + text` concatenate to the source, and each token's
  line/col is its offset counted in code points;
- the tree prints back the source exactly (`to_source() == source`);
- every diagnostic reads `file:line:col: severity: message` with its position
  inside the source, and `ok` is "no error diagnostic".

Hypothesis runs derandomized with no example database, so CI sees the same
inputs on every run.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import re
import signal
import traceback
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from nleanjit.syntax import lex, parse_source

REPO = Path(__file__).resolve().parents[2]
SHARED_CORPUS = REPO.parent / "shared" / "lean4-corpus"
FILE = "fuzz.lean"
SEVERITIES = {"error", "warning", "info", "information"}
DIAGNOSTIC_RE = re.compile(r"(?s)(.+):(\d+):(\d+): (error|warning|info|information): (.+)")

FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=timedelta(seconds=10),  # a bound against hangs, not a speed target
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=False,
    report_multiple_bugs=False,  # stop at the first failure: after a hang, more hangs only cost time
)
# For inputs built from a drawn Random: shrinking a seed teaches nothing, and
# shrinking a hang would cost the hang guard's time on every attempt.
SEEDED = settings(FUZZ, phases=[Phase.explicit, Phase.generate])


# --------------------------------------------------------------------------- the properties


def check_tokens(source: str) -> None:
    tokens = lex(source, file=FILE)
    assert "".join(t.leading + t.text for t in tokens) == source
    offset, line, line_start = 0, 1, 0
    for tok in tokens:
        assert isinstance(tok.kind, str) and tok.kind
        # advance over the trivia to where this token starts
        start = offset + len(tok.leading)
        line += source.count("\n", offset, start)
        nl = source.rfind("\n", offset, start)
        if nl >= 0:
            line_start = nl + 1
        assert (tok.offset, tok.line, tok.col) == (start, line, start - line_start), tok
        offset = start + len(tok.text)
        line += source.count("\n", start, offset)
        nl = source.rfind("\n", start, offset)
        if nl >= 0:
            line_start = nl + 1


def check_parse(source: str, *, json_tree: bool = True) -> None:
    result = parse_source(source, file=FILE)
    printed = result.tree.to_source()
    assert printed == source, _first_difference(source, printed)
    lines = source.split("\n")
    for d in result.diagnostics:
        text = str(d)
        assert text == f"{d.file}:{d.line}:{d.col}: {d.severity}: {d.message}"
        m = DIAGNOSTIC_RE.fullmatch(text)
        assert m, text
        assert d.file == FILE and d.severity in SEVERITIES and d.message.strip(), text
        assert isinstance(d.line, int) and isinstance(d.col, int), text
        assert 1 <= d.line <= len(lines), f"{text}: line out of range (1..{len(lines)})"
        assert 0 <= d.col <= len(lines[d.line - 1]), f"{text}: col out of range (0..{len(lines[d.line - 1])})"
    assert result.ok == (not any(d.severity == "error" for d in result.diagnostics))
    tree_json = result.tree.to_json()
    if json_tree:  # the stdlib encoder recurses, so only shallow trees go through it here
        json.dumps(tree_json)


def _first_difference(a: str, b: str) -> str:
    i = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f"round trip differs at offset {i}: {a[i:i + 20]!r} became {b[i:i + 20]!r}"


class Hang(AssertionError):
    pass


@contextlib.contextmanager
def hang_guard(seconds: float):
    """Turn a hang into a failure: hypothesis's deadline only judges examples
    that return, and an exponential backtrack never would."""

    def interrupt(signum, frame):
        raise Hang(f"no result within {seconds:g} s (exponential backtracking?)")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_all(source: str) -> None:
    # seeded inputs are not shown by hypothesis itself; long ones are cut
    note(f"source ({len(source)} code points): {source[:600]!r}")
    with hang_guard(30):
        check_tokens(source)
        check_parse(source)


# --------------------------------------------------------------------------- random input


@settings(FUZZ, max_examples=300)
@given(st.binary(max_size=1500))
def test_random_bytes(raw):
    check_all(raw.decode("utf-8", errors="surrogateescape"))


@settings(FUZZ, max_examples=300)
@given(st.text(max_size=400))
def test_random_unicode(source):
    check_all(source)


@settings(SEEDED, max_examples=100)
@given(st.randoms(use_true_random=True))
def test_long_random_bytes_and_code_points(rnd):
    # hypothesis keeps drawn strings short; a seeded Random gives long ones
    check_all(rnd.randbytes(rnd.randrange(4000)).decode("utf-8", errors="surrogateescape"))
    check_all("".join(chr(rnd.choice([rnd.randrange(128), rnd.randrange(0x3000), rnd.randrange(0x110000)]))
                      for _ in range(rnd.randrange(2000))))


# Pieces of Lean that open, close or change lexical and layout state, so that
# random concatenations reach the corners a uniform alphabet never does.
FRAGMENTS = [
    "def ", "theorem ", "example", "instance", "structure ", "inductive ", "class ", "where", "namespace X",
    "section", "end", "open ", "import ", "variable ", "universe u", "set_option ", "mutual", "deriving ",
    "notation", "infixl:65 ", "macro ", "syntax ", "macro_rules", "#eval ", "#check ", "#guard_msgs in",
    "@[simp]", "private ", "partial ", "termination_by", "decreasing_by", "attribute [", "elab ",
    "fun ", "λ", "=>", "↦", "let ", "have ", "show ", "from ", "if ", "then ", "else ", "match ", "with",
    "do", "←", "<-", "for ", " in ", "while ", "return ", "mut ", "try", "catch ", "finally", "unless ",
    "by", "simp", " at ", "intro ", "induction ", "cases ", "rcases ", "obtain ", "calc", "conv", "<;>",
    "case ", "next", "·", ".", "..", "|", "||", "∀", "∃", "Σ", "Π", "Type", "Sort", ".{u}", "@", "$",
    "<|", "|>", "|>.", "(", ")", "[", "]", "{", "}", "⟨", "⟩", "⦃", "⦄", "#[", ",", ";", ":", ":=", "::",
    "+", "-", "*", "/", "^", "→", "->", "×", "=", "==", "≠", "≤", "∧", "∨", "¬", "!", "?", "_", "%",
    "x", "y.z", "α", "x₁", "«a b»", "A.«c d».e", "h'", "Nat.succ", "0", "42", "0x1F", "0b101", "1.5e-3",
    "'a'", "'\\n'", "'", '"str"', '"', '"\\x41\\u03bb\\t"', '"gap \\\n   x"', 'r"raw"', 'r#"a"b"#', 'r#"',
    's!"a{', 'f!"', 'm!"', "}", '{x}"', "`foo", "``Nat", "`(", "$(", "--", "-- c\n", "/-", "-/",
    "/-- doc", "/-! mod", " ", "  ", "\t", "\n", "\n  ", "\n    ", "\r\n", "\\", "\x00", "\ufeff",
]


@settings(FUZZ, max_examples=150)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=100).map("".join))
def test_lean_fragment_soup(source):
    check_all(source)


@settings(SEEDED, max_examples=150)
@given(st.randoms(use_true_random=True))
def test_long_lean_fragment_soup(rnd):
    # hypothesis keeps drawn lists short; a seeded Random gives long soups
    check_all("".join(rnd.choice(FRAGMENTS) for _ in range(rnd.randrange(50, 400))))


# Prefixes that open a nested construct and may make a parser try alternatives:
# unclosed, they are where backtracking turns exponential.
OPENERS = [
    "(", "[", "{", "⟨", "#[", "⦃", "(x := ", "{ s with ", "fun x => ", "λ (x : ", "∀ x, ", "∃ x, ",
    "if c then ", "if h : c then ", "match x with | _ => ", "let x := ", "have h : ", "show ", "do ",
    "by ", "by exact ", "f ", "@", "¬", "-", "a + ", "a → ", "a <| ", "x.", "s!\"{", "(· + ", "calc _ = ",
]


@settings(SEEDED, max_examples=100)
@given(st.randoms(use_true_random=True))
def test_nested_openers(rnd):
    depth = rnd.randrange(30, 300)
    pool = rnd.sample(OPENERS, rnd.randrange(1, 4))  # few kinds, so long runs of one kind occur
    body = "".join(rnd.choice(pool) for _ in range(depth))
    closers = "".join(rnd.choice([")", "]", "}", "⟩", "⦄", "\"", " x", "\n"]) for _ in range(rnd.randrange(depth)))
    check_all(rnd.choice(["def x := ", "#eval ", "example : p := ", ""]) + body + closers)


# --------------------------------------------------------------------------- mutations of real files


@lru_cache(maxsize=None)
def corpus_files() -> tuple[bytes, ...]:
    # The corpus is part of CI's checkout; a missing one must fail, not skip.
    assert SHARED_CORPUS.is_dir(), f"the Lean corpus is missing: {SHARED_CORPUS} (CI has it)"
    paths = sorted(SHARED_CORPUS.rglob("*.lean"))
    assert paths, f"no .lean files under {SHARED_CORPUS}"
    # Small and medium files only: mutations of the largest would make each
    # example slow without reaching new states.
    return tuple(p.read_bytes() for p in paths if p.stat().st_size <= 20_000)


# Mutations draw from a seeded Random (itself drawn by hypothesis): hypothesis
# biases integers towards 0, which would only ever cut the first bytes of the
# first files.


def _mutate_bytes(rnd, raw: bytes) -> bytes:
    kind = rnd.choice(["truncate", "delete", "insert", "replace"])
    i = rnd.randrange(len(raw) + 1)
    if kind == "truncate":
        return raw[:i]
    if kind == "delete":
        return raw[:i] + raw[i + rnd.randrange(1, 64):]
    if kind == "insert":
        return raw[:i] + rnd.randbytes(rnd.randrange(1, 16)) + raw[i:]
    return raw[:i] + bytes([rnd.randrange(256)]) + raw[i + 1:]


def _mutate_lines(rnd, raw: bytes) -> bytes:
    lines = raw.split(b"\n")
    i, j = rnd.randrange(len(lines)), rnd.randrange(len(lines))
    kind = rnd.choice(["drop", "duplicate", "swap", "dedent", "indent"])
    if kind == "drop":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(j, lines[i])
    elif kind == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "dedent":
        lines[i] = lines[i].lstrip(b" ")
    else:
        lines[i] = b"  " + lines[i]
    return b"\n".join(lines)


@settings(SEEDED, max_examples=60)
@given(st.randoms(use_true_random=True))
def test_truncated_corpus_files(rnd):
    raw = rnd.choice(corpus_files())
    check_all(raw[: rnd.randrange(len(raw) + 1)].decode("utf-8", errors="surrogateescape"))


@settings(SEEDED, max_examples=80)
@given(st.randoms(use_true_random=True))
def test_mutated_corpus_files(rnd):
    raw = rnd.choice(corpus_files())
    for _ in range(rnd.randrange(1, 5)):
        raw = rnd.choice([_mutate_bytes, _mutate_lines])(rnd, raw)
    check_all(raw.decode("utf-8", errors="surrogateescape"))


# --------------------------------------------------------------------------- pathological shapes

DEPTH = 5000
LONG = 200_000

PATHOLOGICAL = {
    "open parens": "(" * DEPTH,
    "balanced parens": "#eval " + "(" * DEPTH + "1" + ")" * DEPTH,
    "open brackets": "def x := " + "[" * DEPTH,
    "balanced brackets": "def x := " + "[" * DEPTH + "]" * DEPTH,
    "open braces": "def x := " + "{" * DEPTH,
    "anonymous constructors": "def x := " + "⟨" * DEPTH + "⟩" * DEPTH,
    "nested fun": "def f := " + "fun x => " * DEPTH + "x",
    "nested fun, bare": "fun x => " * DEPTH,
    "nested lambda binders": "def f := " + "λ (x : " * DEPTH + "Nat",
    "nested if": "def f := " + "if c then " * DEPTH + "0" + " else 0" * DEPTH,
    "nested let": "def f := " + "let x := 1; " * DEPTH + "x",
    "nested match": "def f := " + "match x with | _ => " * DEPTH + "0",
    "nested by": "example : True := " + "by exact " * DEPTH + "trivial",
    "nested do": "def f : IO Unit := " + "do " * DEPTH + "pure ()",
    "right-assoc arrows": "def T := " + "Nat → " * DEPTH + "Nat",
    "prefix negation": "def x := " + "-" * DEPTH + "1",
    "prefix not": "def x := " + "¬" * DEPTH + "p",
    "nested interpolation": "def s := " + 's!"{' * DEPTH + "x" + '}"' * DEPTH,
    "nested block comments": "/-" * DEPTH + "-/" * DEPTH + "\ndef x := 1",
    "open block comments": "/-" * DEPTH,
    "nested tactic blocks": "example : True := by\n" + "".join("  " * (i + 1) + "· skip\n" for i in range(300)),
    "deep indentation": "def x :=\n" + "".join(" " * i + "(\n" for i in range(1000)),
    "long identifier": "def " + "x" * LONG + " := 1",
    "long sum": "def x := " + "1 + " * (LONG // 4) + "1",
    "long application": "def x := f" + " a" * (LONG // 2),
    "long list": "#eval [" + "1, " * (LONG // 3) + "1]",
    "long string": 'def s := "' + "a" * LONG + '"',
    "long comment line": "-- " + "c" * LONG + "\ndef x := 1",
    "long unterminated string": 'def s := "' + "a\\" * (LONG // 2),
    "many lines": "def x := 1\n" * 20_000,
    "many empty lines": "\n" * LONG,
}


def _probe(source: str, conn) -> None:
    try:
        check_tokens(source)
        check_parse(source, json_tree=False)
        conn.send(None)
    except BaseException:  # report everything, a failed assert included
        conn.send(traceback.format_exc(limit=8)[-4000:])


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_input(name):
    # In a child: a stack overflow kills the child and fails this test only.
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_probe, args=(PATHOLOGICAL[name], child))
    proc.start()
    child.close()
    ready = parent.poll(60)  # against a hang only: 10x the slowest case on a loaded 2-core machine
    if not ready:
        proc.kill()
        proc.join()
        pytest.fail(f"{name}: lex/parse did not return within 60 s (exponential backtracking?)")
    try:
        problem = parent.recv()
    except EOFError:
        proc.join()
        pytest.fail(f"{name}: the process died (exit code {proc.exitcode}), e.g. a stack overflow")
    proc.join()
    assert problem is None, f"{name}:\n{problem}"
