"""Fuzzing `nleanjit check`: malformed programs never give a traceback, an internal error or a hang.

Inputs are seeded mutations of our own programs (tests/elab/programs, corpus/syntax):
a Lean fragment inserted, a span deleted, two lines swapped, the text cut short.  For
every input, `check_source` returns; each message has a position inside the source and
is none of the elaborator's "internal error" reports.  Inputs run in a forked child
with an alarm, so a hang or a crash fails the test naming the input instead of
stopping the run.  The mutations are a fixed function of the seed: CI sees the same
inputs every time.
"""

from __future__ import annotations

import multiprocessing
import random
import signal
from pathlib import Path

import pytest

from nleanjit.elab import check_source

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted((REPO / "tests" / "elab" / "programs").glob("*.lean")) + sorted((REPO / "corpus" / "syntax").glob("*.lean"))
FRAGMENTS = ["(", ")", ":=", "fun x =>", "by", "rfl", "sorry", "match x with", "|", "⟨", "⟩", "Nat", "Type", "Prop",
             "do", "←", "let y := ", ";", "\n", " ", "0", "def", "theorem", "#eval", "simp", "induction", "x", ".",
             "@", "_", "Sort", "∀", "→", "∃", ",", "[", "]", "where", "instance", "Type u", "h ▸", "·", "<;>"]
PER_INPUT_S = 90  # a bound against hangs on a loaded 2-core machine, not a speed target
SEEDS = range(16)


def mutate(source: str, rng: random.Random) -> str:
    op = rng.randrange(4)
    k = rng.randrange(len(source))
    if op == 0:
        return source[:k] + rng.choice(FRAGMENTS) + source[k:]
    if op == 1:
        return source[:k] + source[k + rng.randrange(1, 24):]
    if op == 2:
        lines = source.split("\n")
        a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[a], lines[b] = lines[b], lines[a]
        return "\n".join(lines)
    return source[:k]


def fuzz_input(seed: int) -> str:
    rng = random.Random(seed)
    source = SOURCES[rng.randrange(len(SOURCES))].read_text(encoding="utf-8")
    for _ in range(1 + rng.randrange(3)):
        source = mutate(source, rng)
    return source


def _check_in_child(source: str, conn) -> None:
    def on_alarm(*_):
        raise TimeoutError(f"no answer within {PER_INPUT_S} s")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(PER_INPUT_S)
    try:
        result = check_source(source, "fuzz.lean")
        conn.send(("ok", [(m.span.line, m.text) for m in result.messages]))
    except BaseException as err:  # the property under test: nothing escapes
        conn.send(("raised", f"{type(err).__name__}: {err}"))
    finally:
        signal.alarm(0)
        conn.close()


@pytest.fixture(scope="module")
def warm_prelude():
    check_source("def warm := 1\n", "warm.lean")  # forked children inherit the elaborated prelude


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_mutated_programs_get_messages_never_a_traceback(seed, warm_prelude):
    source = fuzz_input(seed)
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_check_in_child, args=(source, child))
    proc.start()
    child.close()
    answer = parent.recv() if parent.poll(PER_INPUT_S + 30) else ("hung", "")
    proc.join(10)
    if proc.is_alive():
        proc.kill()
    status, payload = answer
    assert status == "ok", f"seed {seed}: {status} {payload}\n--- input ---\n{source}"
    lines = source.count("\n") + 1
    for line, text in payload:
        assert "internal error" not in text, f"seed {seed}: {text}\n--- input ---\n{source}"
        assert 1 <= line <= lines, f"seed {seed}: message on line {line} of {lines}: {text}"
