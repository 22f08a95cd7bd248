"""Tactics (issue 5): true statements proved by each tactic are accepted, false ones rejected
with Lean's message on the declaration's own line; golden files under corpus/check/; the
proof-state API the REPL tactic mode uses.

Golden files: corpus/check/<name>.lean and <name>.expected (the messages, one Lean-style block
per message, with end positions). Regenerate with `NLEANJIT_UPDATE_GOLDEN=1 pytest tests/elab/test_tactics.py`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nleanjit.elab import check_source
from nleanjit.elab.tactics import check_with_proof_states, run_tactic_text

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "corpus" / "check"


def _errors(src: str) -> list:
    return [m for m in check_source(src, "t.lean").messages if m.severity == "error"]


def _messages(result) -> str:
    return "".join(m.to_lean(with_end=True) + "\n" for m in result.messages)


# ------------------------------------------------------------------ golden files
@pytest.mark.parametrize("name", sorted(p.stem for p in GOLDEN.glob("*.lean")))
def test_golden_messages(name):
    src = (GOLDEN / f"{name}.lean").read_text(encoding="utf-8")
    got = _messages(check_source(src, f"{name}.lean"))
    expected_path = GOLDEN / f"{name}.expected"
    if os.environ.get("NLEANJIT_UPDATE_GOLDEN"):
        expected_path.write_text(got, encoding="utf-8")
    assert got == expected_path.read_text(encoding="utf-8")


def test_good_file_has_no_message_and_every_theorem_is_kept():
    src = (GOLDEN / "tactics_good.lean").read_text(encoding="utf-8")
    result = check_source(src, "tactics_good.lean")
    assert result.messages == []
    env = result.eenv.env
    for name in ("zero_add'", "append_length", "rcases_or", "chain_tac", "uses_file_simp", "rw_back"):
        info = env.find(name)
        assert info is not None, name
        # a real proof: no `sorryAx` hidden in it
        assert "sorryAx" not in str(info.value), name


def test_bad_file_errors_on_their_own_lines():
    src = (GOLDEN / "tactics_bad.lean").read_text(encoding="utf-8")
    result = check_source(src, "tactics_bad.lean")
    lines = src.splitlines()
    errors = {m.span.line: m.text for m in result.messages if m.severity == "error"}
    # each error lies inside its declaration, never on a good one
    for line in errors:
        decl = next(lines[i] for i in range(line - 1, -1, -1) if lines[i].startswith("theorem"))
        assert not decl.startswith("theorem ok"), decl
    assert errors[4].startswith("The rfl tactic failed.")
    assert errors[8].startswith("tactic 'decide' proved that the proposition\n  2 + 2 = 5\nis false")
    assert errors[12].startswith("tactic 'rewrite' failed, did not find instance of the pattern in the target expression\n  a\n")
    assert errors[16] == "simp made no progress"
    assert errors[21] == "unsolved goals\ncase inr\np q : Prop\nhq : q\n⊢ p"
    assert errors[28].startswith("unsolved goals\ncase right\np q : Prop")
    assert errors[35].startswith("tactic 'contradiction' failed")
    warnings = [m for m in result.messages if m.severity == "warning"]
    assert [(w.span.line, w.text) for w in warnings] == [(33, "declaration uses 'sorry'")]


# ------------------------------------------------------------------ one tactic at a time
ACCEPTED = {
    "rfl": "example (n : Nat) : n + 0 = n := by rfl",
    "rfl_iff": "example (p : Prop) : p ↔ p := by rfl",
    "exact": "example (p : Prop) (h : p) : p := by exact h",
    "intro": "example (p q : Prop) (hq : q) : p → q := by intro _; exact hq",
    "intros": "example : ∀ (p : Prop), p → p := by intros p h; exact h",
    "apply": "example (p q : Prop) (f : p → q) (hp : p) : q := by apply f; exact hp",
    "refine": "example (p q : Prop) (hp : p) (hq : q) : p ∧ q := by refine ⟨?_, hq⟩; exact hp",
    "constructor": "example : True ∧ True := by constructor <;> trivial",
    "cases_and": "example (p q : Prop) (h : p ∧ q) : p := by cases h with | intro a b => exact a",
    "cases_exists": "example (h : ∃ n : Nat, n = 1) : True := by cases h with | intro w hw => trivial",
    "cases_eq": "example (a b : Nat) (h : a = b) (hb : b = 1) : a = 1 := by cases h; exact hb",
    "cases_nat": "example (n : Nat) : n = 0 ∨ n ≠ 0 := by\n  cases n\n  · exact Or.inl rfl\n  · exact Or.inr (Nat.succ_ne_zero _)",
    "induction": "example (n : Nat) : 0 + n = n := by\n  induction n with\n  | zero => rfl\n  | succ k ih => rw [Nat.add_succ, ih]",
    "induction_list": (
        "example (xs : List Nat) : xs ++ [] = xs := by\n  induction xs with\n  | nil => rfl\n"
        "  | cons x xs ih => simp"
    ),
    "induction_user": (
        "inductive T where | leaf | node (l r : T)\n"
        "def T.size : T → Nat\n  | leaf => 1\n  | node l r => l.size + r.size + 1\n"
        "theorem T.size_pos (t : T) : 0 < t.size := by\n  induction t with\n  | leaf => decide\n"
        "  | node l r ihl ihr => exact Nat.succ_le_succ (Nat.zero_le _)\n"
    ),
    "rw_symm": "example (a b : Nat) (h : b = a) (h2 : a = 2) : b = 2 := by rw [h, h2]",
    "rw_at": "example (a b : Nat) (h : a = b) (h2 : a = 1) : b = 1 := by rw [h] at h2; exact h2",
    "rw_iff": "example (p q : Prop) (h : p ↔ q) (hq : q) : p := by rw [h]; exact hq",
    "rewrite": "example (a b : Nat) (h : a = b) : a = b := by rewrite [h]; rfl",
    "simp_only": "example (n : Nat) : n + 0 = n := by simp only [Nat.add_zero]",
    "simp_arith": "example : 2 * 3 + 4 = 10 := by simp",
    "simp_hyp_rule": "example (a : Nat) (h : a = 5) : a + 1 = 6 := by simp [h]",
    "simp_at_false": "example (p : Prop) (h : 1 = 2) : p := by simp at h",
    "simp_list": "example (x : Nat) (xs : List Nat) : (x :: xs).length = xs.length + 1 := by simp",
    "simp_file_lemma": "def f (n : Nat) := n + 1\n@[simp] theorem f_eq (n : Nat) : f n = n + 1 := rfl\nexample : f 2 = 3 := by simp",
    "simp_unfold": "def g (n : Nat) := n * 2\nexample : g 3 = 6 := by simp [g]",
    "simp_forall": "example (f : Nat → Nat) (h : ∀ x, f x = x) : ∀ y, f y + 0 = y := by simp [h]",
    "simp_fun": "example (xs : List Nat) : List.map (fun x => x + 0) xs = List.map (fun x => x) xs := by simp",
    "simp_partial_app": "axiom f : Nat → Nat → Nat\naxiom g : Nat → Nat → Nat\nexample (h : f 1 = g 1) (x : Nat) : f 1 x = g 1 x := by simp [h]",
    "simp_ac": "example (a b c : Nat) : a + b + c = c + b + a := by simp [Nat.add_comm, Nat.add_left_comm, Nat.add_assoc]",
    "simp_gt": "example (xs : List Nat) (x : Nat) : (x :: xs).length > 0 := by simp",
    "simp_reverse": "example (xs ys : List Nat) : (xs ++ ys).reverse.length = ys.length + xs.length := by simp",
    "simp_succ_pattern": "@[simp] theorem f_succ (n : Nat) : n + 1 - 1 = n := rfl\nexample (n : Nat) : Nat.succ n - 1 = n := by simp",
    "simp_if": "example (n : Nat) : (if n + 1 = 0 then 5 else 7) = 7 := by simp",
    "decide": "example : 7 * 6 = 42 := by decide",
    "decide_bool": "example : (true && !false) = true := by decide",
    "show": "example : 1 + 1 = 2 := by show 2 = 2; rfl",
    "have": "example (p : Prop) (hp : p) : p ∧ p := by\n  have h2 : p := hp\n  exact ⟨hp, h2⟩",
    "have_side_goal": "example (p : Prop) (hp : p) : p := by\n  have h : p\n  · exact hp\n  exact h",
    "calc_term": "example (a b c : Nat) (h1 : a = b) (h2 : b = c) : a = c :=\n  calc a = b := h1\n    _ = c := h2",
    "calc_tactic": "example (a b : Nat) (h : a < b) : a < b + 0 := by\n  calc a < b := h\n    _ = b + 0 := rfl",
    "trivial": "example : True := by trivial",
    "assumption": "example (p q : Prop) (hp : p) (hq : q) : q := by assumption",
    "contradiction_not": "example (p q : Prop) (hp : p) (hn : ¬p) : q := by contradiction",
    "contradiction_ctor": "example (n : Nat) (h : Nat.succ n = 0) : False := by contradiction",
    "exfalso": "example (p : Prop) (h : False) : p := by exfalso; exact h",
    "unfold": "def sq (n : Nat) := n * n\nexample : sq 3 = 9 := by unfold sq; rfl",
    "unfold_rec": (
        "def sum : List Nat → Nat\n  | [] => 0\n  | x :: xs => x + sum xs\n"
        "example (x : Nat) (xs : List Nat) : sum (x :: xs) = x + sum xs := by unfold sum; rfl"
    ),
    "split_ite": "example (b : Bool) : (if b = true then 1 else 1) = 1 := by split <;> rfl",
    "split_match": "def h : Bool → Nat\n  | true => 1\n  | false => 1\nexample (b : Bool) : h b = 1 := by unfold h; split <;> rfl",
    "exists": "example : ∃ x : Nat, x + 2 = 5 := by exists 3",
    "obtain": "example (h : ∃ n : Nat, n > 0 ∧ n < 2) : True := by\n  obtain ⟨n, h1, h2⟩ := h\n  trivial",
    "rcases_or": "example (p q : Prop) (h : p ∨ q) : q ∨ p := by\n  rcases h with hp | hq\n  · exact Or.inr hp\n  · exact Or.inl hq",
    "rintro": "example (p q : Prop) : p ∧ q → q := by rintro ⟨_, hq⟩; exact hq",
    "subst": "example (a b : Nat) (h : a = b) : b = a := by subst h; rfl",
    "try": "example (p : Prop) (hp : p) : p := by\n  try rfl\n  exact hp",
    "first": "example (p : Prop) (hp : p) : p := by\n  first\n  | rfl\n  | exact hp",
    "repeat": "example : True ∧ True ∧ True := by\n  repeat (any_goals constructor)",
    "all_goals": "example (p : Prop) (hp : p) : p ∧ p := by\n  constructor\n  all_goals exact hp",
    "any_goals": "example (p : Prop) (hp : p) : p ∧ True := by\n  constructor\n  any_goals exact hp\n  trivial",
    "case": "example (p q : Prop) (hp : p) (hq : q) : p ∧ q := by\n  constructor\n  case right => exact hq\n  case left => exact hp",
    "next": "example (p q : Prop) (hp : p) (hq : q) : p ∧ q := by\n  constructor\n  next => exact hp\n  next => exact hq",
    "focus": "example (p q : Prop) (hp : p) (hq : q) : p ∧ q := by\n  constructor\n  focus\n    exact hp\n  exact hq",
    "seq_focus": "example (p q : Prop) (hp : p) (hq : q) : p ∧ q := by\n  constructor <;> assumption",
    "injection": "example (a b : Nat) (xs ys : List Nat) (h : a :: xs = b :: ys) : xs = ys := by\n  injection h with h1 h2\n  exact h2",
    "injection_nat": "example (n : Nat) (h : 1 = n + 1) : n = 0 := by\n  injection h with h2\n  exact h2.symm",
    "injection_clash": "example (xs : List Nat) (h : 1 :: xs = []) : False := by injection h",
    "intro_pattern": 'example (p q : Prop) : p ∧ q → q ∧ p := by\n  intro ⟨hp, hq⟩\n  exact ⟨hq, hp⟩',
    "revert": 'example (n : Nat) (h : n = 1) : n + 0 = 1 := by\n  revert h\n  intro h2\n  simp [h2]',
    "specialize": 'example (p : Prop) (h : ∀ n : Nat, n = n → p) : p := by\n  specialize h 0 rfl\n  exact h',
    "right": 'example (p q : Prop) (hq : q) : p ∨ q := by\n  right\n  exact hq',
    "by_cases": 'example (n : Nat) : n = 0 ∨ n ≠ 0 := by\n  by_cases h : n = 0\n  · left; exact h\n  · right; exact h',
    "clear": 'example (a b : Nat) (h : a = b) (c : Nat) : a = b := by\n  clear c\n  exact h',
    "generalize": 'example (n : Nat) : n + 1 = 1 + n := by\n  generalize hm : n + 1 = m\n  rw [Nat.add_comm] at hm\n  exact hm.symm',
    "rename_i": 'example (p q : Prop) (h : p ∧ q) : q := by\n  cases h\n  rename_i a b\n  exact b',
    "brace_block": "example (p : Prop) (hp : p) : p ∧ True := by {\n  constructor\n  exact hp\n  simp\n}",
    "simp_true": "example : True := by simp",
    "omega_comm": "example (a b c : Nat) : a + (b + c) = c + b + a := by omega",
    "omega_le": "example (a b : Nat) : a ≤ a + b := by omega",
    "omega_hyp": "example (a b : Nat) (h : a = b) : a + 1 = b + 1 := by omega",
    "omega_distrib": "example (a b : Nat) : 2 * (a + b) = 2 * b + 2 * a := by omega",
    "cases_eq_name": (
        "def f (n : Nat) : Bool := n == 0\nexample (n : Nat) : f n = true ∨ f n = false := by\n"
        "  cases h : f n with\n  | true => exact Or.inl rfl\n  | false => exact Or.inr rfl"
    ),
    "tactic_match": "example (n : Nat) : n + 0 = n := by\n  match n with\n  | 0 => rfl\n  | k + 1 => rfl",
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_true_statement_is_accepted(name):
    src = ACCEPTED[name]
    result = check_source(src, "t.lean")
    errors = [m.to_lean() for m in result.messages if m.severity == "error"]
    assert errors == [], errors


REJECTED = {
    # name: (source, line of the error, beginning of Lean's message)
    "rfl": ("example (n : Nat) : n + 1 = n := by rfl", 1, "The rfl tactic failed."),
    "decide": ("example : 10 < 5 := by decide", 1, "tactic 'decide' proved that the proposition\n  10 < 5\nis false"),
    "decide_fvar": ("example (n : Nat) : n < 5 := by decide", 1, "expected type must not contain free variables"),
    "exact": ("example (p q : Prop) (hp : p) : q := by exact hp", 1, "type mismatch"),
    "rw_missing": ("example (a b : Nat) (h : a = b) : 1 = 1 + 0 := by\n  rw [h]", 2, "tactic 'rewrite' failed, did not find instance"),
    "rw_motive_mvar": ("example (a : Nat) : a = a := by\n  rw [Nat.add_zero]", 2, "tactic 'rewrite' failed, did not find instance of the pattern in the target expression\n  ?n + 0"),
    "rw_leaves_goal": ("example (a b : Nat) (h : a = b) : a + 0 = b + 1 := by\n  rw [h]", 1, "unsolved goals\na b : Nat\nh : a = b\n⊢ b + 0 = b + 1"),
    "simp_no_progress": ("example (p : Prop) (h : p) : p := by\n  simp", 2, "simp made no progress"),
    "simp_unsolved": ("example (n : Nat) : n + 0 = n + 1 := by\n  simp", 1, "unsolved goals"),
    "assumption": ("example (p q : Prop) (hp : p) : q := by assumption", 1, "tactic 'assumption' failed"),
    "contradiction": ("example (p : Prop) (hp : p) : False := by contradiction", 1, "tactic 'contradiction' failed"),
    "unsolved_focus": ("example (p q : Prop) (hp : p) : p ∧ q := by\n  constructor\n  · exact hp\n  · skip", 4, "unsolved goals\ncase right"),
    "induction_alt": (
        "example (n : Nat) : n + 0 = 0 + n := by\n  induction n with\n  | zero => rfl\n  | succ k ih => skip", 4,
        "unsolved goals\ncase succ\nk : Nat\nih : k + 0 = 0 + k\n⊢ Nat.succ k + 0 = 0 + Nat.succ k",
    ),
    "alt_name": ("example (n : Nat) : n = n := by\n  cases n with\n  | zero => rfl\n  | foo => rfl", 4, "invalid alternative name 'foo'"),
    "alt_missing": ("example (n : Nat) : n = n := by\n  cases n with\n  | zero => rfl", 2, "alternative 'succ' has not been provided"),
    "no_goals": ("example : True := by\n  trivial\n  trivial", 3, "no goals to be proved"),
    "calc_mismatch": ("example (a b c : Nat) (h1 : a = b) (h2 : c = c) : a = c :=\n  calc a = b := h1\n    _ = c := h2", 3, "type mismatch"),
    "intro": ("example : True := by intro h", 1, "tactic 'introN' failed, insufficient number of binders"),
    "fail": ("example : True := by\n  fail \"nope\"", 2, "nope\n⊢ True"),
    "case_tag": ("example : True ∧ True := by\n  constructor\n  case foo => trivial", 3, "Case tag `foo` not found.\n\nHint: Available tags:\n  • `left`: "),
    "case_tag_none": ("example : True := by\n  case foo => trivial", 2, "Case tag `foo` not found.\n\nNote: There are no cases to select."),
    "omega_false": ("example (a b : Nat) : a + b < a := by\n  omega", 2, "omega could not prove the goal"),
    "unknown_hyp": ("example (a : Nat) (h : a = 1) : a = 1 := by\n  simp at h2", 2, "unknown hypothesis 'h2'"),
}


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_false_statement_is_rejected_on_its_line(name):
    src, line, prefix = REJECTED[name]
    errors = _errors(src)
    assert errors, f"{name}: accepted"
    assert errors[0].span.line == line, (errors[0].span, errors[0].text)
    assert errors[0].text.startswith(prefix), errors[0].text


def test_sorry_tactic_warns_at_the_sorry():
    result = check_source("theorem t (n : Nat) : n = n + 0 := by\n  sorry\n", "t.lean")
    assert [(m.severity, m.span.line, m.span.col, m.text) for m in result.messages] == [
        ("warning", 2, 2, "declaration uses 'sorry'")
    ]


def test_proofs_reach_the_kernel_as_terms_with_the_prelude_lemmas():
    result = check_source(
        "theorem t (xs ys : List Nat) : (xs ++ ys).length = xs.length + ys.length := by\n"
        "  induction xs with\n  | nil => simp\n  | cons x xs ih => simp [ih, Nat.succ_add]\n",
        "t.lean",
    )
    assert result.ok
    value = str(result.eenv.env.get("t").value)
    assert "List.rec" in value and "of_eq_true" in value and "List.length_cons" in value


def test_constants_and_lists_print_as_lean_prints_them():
    errors = _errors("example (x : Nat) (h : [x] ≠ []) (o : Option Nat) (ho : o = some 2) (b : b = true) : o = none := by\n  skip")
    assert errors[0].text.endswith("h : [x] ≠ []\no : Option Nat\nho : o = some 2\nb : b = true\n⊢ o = none")


def test_goals_print_as_lean_prints_them():
    errors = _errors("example (a b c : Nat) (f : Nat → Nat) (h : a = b) : ¬(f a + 1 = c) := by\n  skip")
    assert errors[0].text == "unsolved goals\na b c : Nat\nf : Nat → Nat\nh : a = b\n⊢ ¬f a + 1 = c"


# ------------------------------------------------------------------ the proof-state API
def test_proof_states_at_sorries_and_running_text():
    src = (
        "theorem foo (x : Nat) : x + 0 = x := by\n  sorry\n"
        "theorem bar (p q : Prop) (hp : p) (hq : q) : p ∧ q := by\n  constructor\n  · sorry\n  · exact hq\n"
    )
    result, states = check_with_proof_states(src, "f.lean")
    assert [m.text for m in result.messages] == ["declaration uses 'sorry'"] * 2
    assert [s.goals for s in states] == [["x : Nat\n⊢ x + 0 = x"], ["case left\np q : Prop\nhp : p\nhq : q\n⊢ p"]]
    assert (states[0].span.line, states[0].span.col) == (2, 2)
    ps = states[0]
    done, msgs = run_tactic_text(ps, "induction x with\n| zero => rfl\n| succ n ih => simp")
    assert msgs == [] and done.solved and done.goals == [] and done.pp() == "no goals"
    split, msgs = run_tactic_text(ps, "cases x")
    assert msgs == [] and split.goals == ["case zero\n⊢ Nat.zero + 0 = Nat.zero", "case succ\nn✝ : Nat\n⊢ Nat.succ n✝ + 0 = Nat.succ n✝"]
    one, msgs = run_tactic_text(split, "rfl")
    assert msgs == [] and len(one.goals) == 1
    # states are values: the original can be run again, with a different tactic
    failed, msgs = run_tactic_text(ps, "rw [Nat.zero_add]")
    assert failed is None
    assert msgs[0].to_lean() == (
        "<tactic>:1:4: error: tactic 'rewrite' failed, did not find instance of the pattern in the target expression\n"
        "  0 + ?n\nx : Nat\n⊢ x + 0 = x"
    )
    assert ps.goals == ["x : Nat\n⊢ x + 0 = x"]
    finished, msgs = run_tactic_text(states[1], "exact hp")
    assert msgs == [] and finished.solved


def test_run_tactic_text_reports_parse_errors_and_sorry():
    _, states = check_with_proof_states("example : 1 = 1 := by sorry\n", "f.lean")
    ps = states[0]
    new, msgs = run_tactic_text(ps, "exact (")
    assert new is None and msgs[0].severity == "error" and "expected term" in msgs[0].text
    new, msgs = run_tactic_text(ps, "sorry")
    assert new.solved and [(m.severity, m.text) for m in msgs] == [("warning", "declaration uses 'sorry'")]
    new, msgs = run_tactic_text(ps, "frobnicate")
    assert new is None and "frobnicate" in msgs[0].text


def test_odd_tactic_text_never_raises():
    """Random sequences of tactic fragments (well-formed or not): messages, never an exception
    or an internal error."""
    import random

    src = (
        "theorem a (n m : Nat) (xs : List Nat) (h : n = m) (p q : Prop) (hp : p) (hpq : p ∧ q) (hor : p ∨ q) :\n"
        "    n + 0 = m ∧ xs.length + 0 = xs.length := by\n  sorry\n"
    )
    _, states = check_with_proof_states(src, "f.lean")
    frags = [
        "rfl", "simp", "simp at *", "simp [h]", "rw [h]", "rw [← h] at hp", "intro x", "constructor", "cases hpq",
        "cases hor", "cases n", "induction xs with | nil => simp | cons x xs ih => simp", "exact hp", "refine ⟨?_, ?_⟩",
        "decide", "contradiction", "split", "obtain ⟨a, b⟩ := hpq", "rcases hor with h1 | h2", "subst h", "injection h",
        "calc n + 0 = n := rfl", "have k : n = n := rfl", "all_goals simp", "any_goals rfl", "repeat constructor",
        "first | rfl | simp", "· simp", "case left => simp", "<;> simp", "exists 1", "(", "⟨", "|", "=>", "at", "[",
        "_", ":=", "match n with | 0 => rfl | _ => rfl", "simpa using h", "unfold", "change n = m ∧ _", "done", "fail",
    ]
    rng = random.Random(5)
    for _ in range(60):
        text = rng.choice(["\n", "; ", " "]).join(rng.choice(frags) for _ in range(rng.randint(1, 4)))
        new, msgs = run_tactic_text(states[0], text)
        assert new is not None or any(m.severity == "error" for m in msgs), text
        assert not any("internal error" in m.text for m in msgs), (text, [m.text for m in msgs])
