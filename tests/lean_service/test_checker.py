"""The worker-side checker in process: headers, cached states, REPL chains, outcomes."""

from __future__ import annotations

import pytest

from server.lean.checker import Checker, outcome, split_header


@pytest.fixture(scope="module")
def checker():
    return Checker(cache_size=4)


def test_split_header_takes_leading_import_open_comment_and_blank_lines():
    code = "import Mathlib\nimport Aesop\n-- hi\n\nopen Nat Real\ntheorem t : True := trivial\nopen Nat"
    header, n = split_header(code)
    assert n == 5
    assert header == "import Mathlib\nimport Aesop\n-- hi\nopen Nat Real"
    assert split_header("open Nat in\ntheorem t : True := trivial") == ("", 0)  # `open … in` is a command
    assert split_header("theorem t : True := trivial") == ("", 0)


def test_header_cache_keeps_positions_and_opens(checker):
    code = "import Mathlib\nopen Nat\n\ntheorem a : succ 1 = 3 := rfl"
    first = checker.check(code)
    second = checker.check(code.replace("theorem a", "theorem b"))
    assert (first["cache_hit"], second["cache_hit"]) == (False, True)
    for r in (first, second):
        (m,) = r["response"]["messages"]
        assert m["pos"] == {"line": 4, "column": 26} and m["severity"] == "error"
    uncached = checker.check(code, use_header_cache=False)
    assert uncached["response"] == first["response"] and uncached["cache_hit"] is False


def test_repl_chain_rebuilds_states_it_has_not_seen(checker):
    chain = ["def x : Nat := 2", "def y : Nat := x + 1", "theorem ty : y = 3 := rfl"]
    assert checker.repl(chain)["response"] == {"env": 0}
    fresh = Checker(cache_size=1)  # another worker: nothing cached, the chain is replayed
    assert fresh.repl(chain)["response"] == {"env": 0}
    assert fresh.repl(chain[:2] + ["theorem ty : y = 4 := rfl"])["outcome"] == "lean_error"


def test_outcome_prefers_errors_over_sorries():
    warn = {"severity": "warning", "data": "declaration uses 'sorry'"}
    err = {"severity": "error", "data": "type mismatch"}
    assert outcome([]) == "valid"
    assert outcome([warn]) == "sorry"
    assert outcome([warn, err]) == "lean_error"
    assert outcome([{"severity": "information", "data": "2"}]) == "valid"


def test_sorries_carry_their_goals(checker):
    code = ("theorem a (p q : Prop) (hp : p) (hq : q) : p ∧ q := by\n"
            "  constructor\n  · sorry\n  · exact hq\n"
            "theorem b : 2 + 2 = 4 := sorry\n"
            "theorem c : 1 = 1 ∧ 2 = 2 := ⟨rfl, sorry⟩\n")
    r = checker.check(code)
    assert r["outcome"] == "sorry"
    sorries = r["response"]["sorries"]
    assert [(s["pos"]["line"], s["pos"]["column"]) for s in sorries] == [(3, 4), (5, 25), (6, 35)]
    assert sorries[0]["goal"] == "case left\np : Prop\nq : Prop\nhp : p\nhq : q\n⊢ p"
    assert sorries[1]["goal"] == "⊢ 2 + 2 = 4"
    assert sorries[2]["goal"] is None  # a term sorry inside a term: goal not known yet
    assert all(s["proofState"] is None for s in sorries)
