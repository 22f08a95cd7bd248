"""Parser forms that library code (Batteries) relies on: user-syntax patterns
with layout checks and longest match, and core forms found while parsing it.

Each case states the source, that it parses without error, and that the tree
prints it back; where the shape matters, which node kinds it produced.
"""

from __future__ import annotations

import pytest

from nleanjit.syntax import parse_source


def parse_ok(src: str):
    result = parse_source(src, "t.lean")
    assert [str(d) for d in result.diagnostics] == []
    assert result.tree.to_source() == src
    return result.tree


def kinds(node) -> list[str]:
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        if hasattr(n, "children"):
            out.append(n.kind)
            stack.extend(n.children)
    return out


def test_colgt_in_a_pattern_stops_at_the_next_tactic():
    src = (
        'syntax "by_contra2" (ppSpace colGt ident)? (" : " term)? : tactic\n'
        "example : True := by\n"
        "  by_contra2\n"
        "  trivial\n"
    )
    tree = parse_ok(src)
    # `trivial` is the next tactic, not by_contra2s optional name
    tactic_seq = [n for n in _nodes(tree) if n.kind == "tactic_seq"][0]
    assert len(tactic_seq.children) == 2


def _nodes(node):
    stack = [node]
    while stack:
        n = stack.pop()
        if hasattr(n, "children"):
            yield n
            stack.extend(reversed(n.children))


def test_longest_of_two_patterns_with_one_keyword():
    src = (
        'syntax "congr2" (num)? : tactic\n'
        'syntax "congr2" (num)? " with" (ident)* : tactic\n'
        "example : True := by\n"
        "  congr2 2 with x y\n"
    )
    parse_ok(src)


def test_missing_colgt_token_is_an_error_not_an_argument():
    # without the user syntax the same text is a generic tactic: still fine
    parse_ok("example : True := by\n  by_contra\n  trivial\n")


@pytest.mark.parametrize(
    "src",
    [
        # several sources before `with`
        "def x := { a, b, c with f := 1 }\n",
        # field-index paths, scientific-looking ones included
        "def x := { 1.arr := r, 2.1.val := v, 2.2 := by simp }\n",
        # `let rec` with its own termination_by inside a tactic block
        "theorem t : True := by\n  have h : True := by\n    let rec go (i : Nat) : Nat := go i\n    termination_by i\n"
        "    exact trivial\n  show True\n  exact h\n",
        # grind parameters and `grind_pattern … where`
        "example : True := by grind only [= foo, → bar, ← baz]\n",
        "grind_pattern foo => l.max! where\n  guard l ≠ []\n  guard x\n",
        # `intro` with match alternatives on the next line
        "example : p → p := by\n  intro\n  | h => exact h\n",
        # `ext` takes rintro patterns
        "example : f = g := by\n  ext (b | b) <;> simp\n",
        # a tactic after `<;>` on a line left of the block keeps its arguments
        "theorem t : True := by induction xs generalizing i j with\n  | nil => simp | cons a xs ih => cases i <;> cases j <;>\n"
        "    simp only [swap, ih] <;>\n    split <;> simp_all [foo, bar]\n",
        # `only [` on the next line has no column check
        "example : True := by\n  have : a := by grind only\n    [foo, bar]\n  trivial\n",
        # `induction … with tac`
        "example : True := by\n  induction l with simp [*]\n",
    ],
)
def test_core_forms(src):
    parse_ok(src)


def test_unseal_and_check_simp_come_from_init():
    tree = parse_ok("unseal foo bar in\ndef x := 1\n#check_simp (1 + 1 : Nat) ~> 2\n")
    assert kinds(tree).count("command_notation") == 2


@pytest.mark.parametrize(
    "opener",
    ["let x := ", "have h : ", "have h : a → ", "do have h : do ", "calc _ = have h : "],
)
def test_nested_declarations_do_not_backtrack_exponentially(opener):
    # Each level used to be read twice (as `x binders : t := v`, then as a
    # pattern term) when something inside failed: 2^depth. A linear parser
    # answers at once; a hang fails here. The unclosed `(` makes every level fail.
    import signal

    def interrupt(signum, frame):
        raise AssertionError(f"no result within 20 s for nested {opener!r}")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(20)
    try:
        source = "example : p := " + opener * 60 + "(x"
        result = parse_source(source, "t.lean")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert result.tree.to_source() == source
    assert not result.ok
