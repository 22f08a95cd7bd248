"""The worker-side checker in process: headers, cached states, REPL chains, outcomes."""

from __future__ import annotations

import pytest

from server.lean.checker import Checker, outcome, split_header


@pytest.fixture(scope="module")
def checker():
    return Checker(cache_size=4)


@pytest.fixture(scope="module")
def other_worker():
    """Another worker (or a replaced one): tiny caches, so it rebuilds what it has not seen."""
    return Checker(cache_size=1, goal_cache_size=1)


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


def test_repl_chain_rebuilds_states_it_has_not_seen(checker, other_worker):
    chain = ["def x : Nat := 2", "def y : Nat := x + 1", "theorem ty : y = 3 := rfl"]
    assert checker.repl(chain)["response"] == {"env": 0}
    fresh = other_worker  # nothing cached, the chain is replayed
    assert fresh.repl(chain)["response"] == {"env": 0}
    assert fresh.repl(chain[:2] + ["theorem ty : y = 4 := rfl"])["outcome"] == "lean_error"


def test_outcome_prefers_errors_over_sorries():
    warn = {"severity": "warning", "data": "declaration uses 'sorry'"}
    err = {"severity": "error", "data": "type mismatch"}
    assert outcome([]) == "valid"
    assert outcome([warn]) == "sorry"
    assert outcome([warn, err]) == "lean_error"
    assert outcome([{"severity": "info", "data": "2"}]) == "valid"


def test_messages_use_the_repl_severity_names(checker):
    (m,) = checker.repl(["#eval 2 + 3"])["response"]["messages"]
    assert (m["severity"], m["data"]) == ("info", "5")


def test_sorries_carry_their_goals(checker):
    code = ("theorem a (p : Prop) (hp : p) (q : Prop) (hq : q) : p ∧ q := by\n"
            "  constructor\n  · sorry\n  · exact hq\n"
            "theorem b : 2 + 2 = 4 := sorry\n"
            "theorem c : 1 = 1 ∧ 2 = 2 := ⟨rfl, sorry⟩\n")
    r = checker.check(code)
    assert r["outcome"] == "sorry"
    sorries = r["response"]["sorries"]
    assert [(s["pos"]["line"], s["pos"]["column"]) for s in sorries] == [(3, 4), (5, 25), (6, 35)]
    assert sorries[0]["goal"] == "case left\np : Prop\nhp : p\nq : Prop\nhq : q\n⊢ p"
    assert sorries[1]["goal"] == "⊢ 2 + 2 = 4"
    assert sorries[2]["goal"] == "⊢ 2 = 2"  # a term sorry inside a term: the type it stands for
    assert [s["proofState"] for s in sorries] == [0, 1, 2]  # each goal saved, numbered per snippet


# --- tactic mode (proof states) ----------------------------------------------------------------

# no two neighbouring hypotheses of one type: Lean prints those grouped (`p q : Prop`)
AND_THEOREM = "theorem a (p : Prop) (hp : p) (q : Prop) (hq : q) : p ∧ q := by sorry"
HYPS = "p : Prop\nhp : p\nq : Prop\nhq : q\n"


def test_tactic_runs_on_the_goal_saved_at_a_sorry(checker):
    (sorry,) = checker.repl([AND_THEOREM])["response"]["sorries"]
    assert (sorry["goal"], sorry["proofState"]) == (HYPS + "⊢ p ∧ q", 0)
    origin = ("repl", (AND_THEOREM,), 0)
    step = checker.tactic(origin, [], "constructor")["response"]
    assert step == {"goals": ["case left\n" + HYPS + "⊢ p", "case right\n" + HYPS + "⊢ q"],
                    "proofStatus": "Incomplete: open goals remain"}
    step = checker.tactic(origin, ["constructor"], "exact hp")["response"]
    assert step["goals"] == ["case right\n" + HYPS + "⊢ q"]
    done = checker.tactic(origin, ["constructor", "exact hp"], "exact hq")
    assert done["response"] == {"goals": [], "proofStatus": "Completed"} and done["outcome"] == "valid"
    # a saved state is a value: the same state again, another way
    assert checker.tactic(origin, [], "exact ⟨hp, hq⟩")["response"]["proofStatus"] == "Completed"


def test_tactic_errors_are_the_repl_error_shape(checker):
    origin = ("repl", (AND_THEOREM,), 0)
    checker.repl([AND_THEOREM])
    wrong = checker.tactic(origin, [], "exact hp")["response"]
    assert wrong["message"].startswith("Lean error:\n<input>:1:6: type mismatch\n  hp\nhas type\n  p : Prop")
    unparsable = checker.tactic(origin, [], "exact hp )")["response"]
    assert unparsable == {"message": "Lean error:\n<input>:1:9: unexpected token ')'; expected end of the "
                                     "tactic sequence"}
    assert checker.tactic(origin, [], "   ")["response"]["message"].startswith("Lean error:\n<input>:1:0")


def test_tactic_sorries_get_their_own_states_and_the_status_says_sorry(checker):
    origin = ("repl", (AND_THEOREM,), 0)
    checker.repl([AND_THEOREM])
    step = checker.tactic(origin, [], "constructor <;> sorry")["response"]
    assert step["proofStatus"] == "Incomplete: contains sorry" and step["goals"] == []
    assert [(s["goal"], s["proofState"]) for s in step["sorries"]] == [
        ("case left\n" + HYPS + "⊢ p", 0), ("case right\n" + HYPS + "⊢ q", 1)]
    nested = ("tactic", origin, (), "constructor <;> sorry", 1)
    assert checker.tactic(nested, [], "exact hq")["response"] == {"goals": [], "proofStatus": "Completed"}


def test_term_sorries_have_proof_states_too(checker):
    code = "def f (x : Unit) : Nat := sorry\ntheorem c : 1 = 1 ∧ 2 = 2 := ⟨rfl, sorry⟩"
    sorries = checker.repl([code])["response"]["sorries"]
    assert [(s["goal"], s["proofState"]) for s in sorries] == [("x : Unit\n⊢ Nat", 0), ("⊢ 2 = 2", 1)]
    assert checker.tactic(("repl", (code,), 0), [], "exact 37")["response"]["proofStatus"] == "Completed"
    assert checker.tactic(("repl", (code,), 1), [], "rfl")["response"]["proofStatus"] == "Completed"


def test_a_worker_that_never_saw_the_state_rebuilds_it(checker, other_worker):
    chain = ("def double (n : Nat) : Nat := n + n", "theorem d : double 2 = 4 := by sorry")
    fresh = other_worker
    nested = ("tactic", ("repl", chain, 0), (), "sorry", 0)
    assert fresh.tactic(nested, [], "decide")["response"] == {"goals": [], "proofStatus": "Completed"}
    # snippets of /api/check name their states the same way
    code = "theorem e : 3 = 3 := by\n  sorry"
    assert checker.check(code)["response"]["sorries"][0]["proofState"] == 0
    assert fresh.tactic(("check", code, 0), [], "rfl")["response"]["proofStatus"] == "Completed"


def test_a_proof_that_uses_itself_is_not_completed(checker):
    code = "theorem self : 2 = 3 := by sorry"
    checker.repl([code])
    step = checker.tactic(("repl", (code,), 0), [], "exact self")["response"]
    assert step["goals"] == [] and step["proofStatus"].startswith("Error: kernel type check failed")


def test_each_step_starts_from_the_saved_state_after_the_last_or_replays(checker, other_worker):
    code = "theorem i (p : Prop) (n : Nat) (q : Prop) : p → q → p ∧ q := by sorry"
    origin = ("repl", (code,), 0)
    steps = ["intro hp hq", "constructor", "exact hp", "exact hq"]
    for worker in (checker, other_worker):  # saved states (closers included) / a replay from the sorry
        worker.repl([code])
        answers = [worker.tactic(origin, steps[:i], t)["response"] for i, t in enumerate(steps)]
        assert answers[0]["goals"] == ["p : Prop\nn : Nat\nq : Prop\nhp : p\nhq : q\n⊢ p ∧ q"]
        assert [len(a["goals"]) for a in answers] == [1, 2, 1, 0]
        assert answers[-1]["proofStatus"] == "Completed"


def test_tactics_see_the_namespaces_and_opens_of_their_sorry(checker):
    code = ("namespace Foo\ndef two : Nat := 2\ntheorem t : two = 2 := by sorry\n"
            "theorem t' : two = 2 := sorry\nend Foo\n"
            "open Foo in\ntheorem u : two + 0 = 2 := by sorry")
    sorries = checker.repl([code])["response"]["sorries"]
    # (the printer writes full names; Lean would shorten them by the namespace and the opens)
    assert [s["goal"] for s in sorries] == ["⊢ Foo.two = 2", "⊢ Foo.two = 2", "⊢ Foo.two + 0 = 2"]
    for k in (0, 1, 2):  # a tactic sorry, a term sorry (finished after `end Foo`), under `open … in`
        step = checker.tactic(("repl", (code,), k), [], "exact (rfl : two = 2)")["response"]
        assert step == {"goals": [], "proofStatus": "Completed"}, step
    # outside both, `two` is unknown
    other = "theorem v : Foo.two = 2 := by sorry"
    checker.repl([code, other])
    step = checker.tactic(("repl", (code, other), 0), [], "exact (rfl : two = 2)")["response"]
    assert step["message"].startswith("Lean error:\n") and "unknown identifier 'two'" in step["message"]


PARITY = [
    ("theorem a1 (n : Nat) : n + 0 = n", "rfl"),
    ("theorem a2 (p : Prop) (hp : p) (q : Prop) (hq : q) : p ∧ q", "constructor\n· exact hp\n· exact hq"),
    ("theorem a3 (n : Nat) : 0 + n = n", "induction n with\n| zero => rfl\n| succ k ih => rw [Nat.add_succ, ih]"),
    ("theorem a5 (p : Prop) : p → p", "intro h\nexact h"),
    ("theorem a6 (a b : Nat) (h : a = b) : b = a", "rw [h]"),  # hypotheses elaborated with metavariables
    ("theorem a7 (n : Nat) : n = n + 1", "rfl"),
    ("theorem a8 (b : Bool) : b = true ∨ b = false", "cases b\n· exact Or.inr rfl\n· exact Or.inl rfl"),
    ("theorem a9 : 2 + 2 = 5", "decide"),
]


@pytest.mark.parametrize("statement, proof", PARITY, ids=[s.split()[1] for s, _ in PARITY])
def test_a_proof_step_by_step_gets_the_verdict_of_the_whole_proof(checker, statement, proof):
    whole = checker.check(statement + " := by\n" + "\n".join("  " + line for line in proof.split("\n")))
    cmd = statement + " := by sorry"
    assert checker.repl([cmd])["response"]["sorries"][0]["proofState"] == 0
    step = checker.tactic(("repl", (cmd,), 0), [], proof)["response"]
    assert (whole["outcome"] == "valid") == (step.get("proofStatus") == "Completed"), (whole, step)
    if whole["outcome"] != "valid":  # the same error, positions relative to the tactic text
        first = next(m["data"] for m in whole["response"]["messages"] if m["severity"] == "error")
        assert step["message"].startswith("Lean error:\n<input>:") and first in step["message"]
