"""The parser: golden tree outlines of our corpus programs, Lean-style errors
with recovery at the next command, precedence and layout decisions."""

from pathlib import Path

import pytest

from nleanjit.syntax import parse_source

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = sorted((ROOT / "corpus" / "syntax").glob("*.lean"))


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.stem)
def test_golden_outline(path):
    """`python tools/update_golden.py` rewrites these files; review the diff."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("update_golden", ROOT / "tools" / "update_golden.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    expected = (ROOT / "tests" / "golden" / "syntax" / (path.stem + ".tree")).read_text(encoding="utf-8")
    assert mod.golden_outline(path.relative_to(ROOT)) == expected


def test_corpus_programs_parse_cleanly_and_round_trip():
    assert PROGRAMS
    for path in PROGRAMS:
        src = path.read_text(encoding="utf-8")
        result = parse_source(src, str(path))
        assert result.ok, [str(d) for d in result.diagnostics]
        assert result.tree.to_source() == src


def outline(src):
    """A compact s-expression of the first command's body, for precedence checks."""
    tree = parse_source(src).tree
    assert parse_source(src).ok, [str(d) for d in parse_source(src).diagnostics]

    def show(node):
        if not hasattr(node, "children"):
            return node.text
        kids = [show(c) for c in node.children]
        if node.kind in ("ident", "lit"):
            return kids[0]
        return "(" + " ".join(kids) + ")"

    body = tree.children[0].children[-1]
    return show(body)


@pytest.mark.parametrize(
    "src, expected",
    [
        ("#eval 1 + 2 * 3", "(1 + (2 * 3))"),
        ("#eval 1 - 2 - 3", "((1 - 2) - 3)"),
        ("#eval 2 ^ 3 ^ 2", "(2 ^ (3 ^ 2))"),
        ("#eval a :: b :: c", "(a :: (b :: c))"),
        ("#eval f x y + g z", "((f x y) + (g z))"),
        ("#eval ¬ p ∧ q", "((¬ p) ∧ q)"),
        ("#eval p → q → r", "(p → (q → r))"),
        ("#eval xs.map f |>.length", "((xs.map f) |>. length)"),
        ("#eval f <| g <| x", "(f <| (g <| x))"),
        ("#eval a[i]! + b.1", "((a [ i ] !) + (b . 1))"),
        ("#eval f (x := 1) y", "(f (( x := 1 )) y)"),
        ("#eval -x ^ 2", "(- (x ^ 2))"),
    ],
)
def test_precedence(src, expected):
    assert outline(src) == expected


def test_application_arguments_obey_the_layout_column():
    src = "def f := g\n  x\ndef h := g\nx"
    result = parse_source(src, "t.lean")
    # `x` at column 0 is not an argument of `g`: a command was expected, and Lean places the
    # error right after the last correct token (line 3, after `g`)
    assert [str(d) for d in result.diagnostics] == ["t.lean:3:10: error: expected command"]


def test_do_block_items_by_column_and_forbidden_do_in_loop_conditions():
    src = "def m : IO Unit := do\n  for x in xs do\n    IO.println x\n  while c do\n    pure ()\n  pure ()\n"
    result = parse_source(src)
    assert result.ok
    kinds = [c.kind for c in result.tree.children[0].children[-1].children[1].children]
    assert kinds == ["do_for", "do_while", "do_expr"]


def test_errors_are_lean_style_and_recover_at_next_command():
    src = "def ok1 := 1\ndef bad := (1 +\ndef ok2 := 2\ntheorem t : 1 = 1 := by rfl\n#eval )\n#check ok2\n"
    result = parse_source(src, "f.lean")
    assert [str(d) for d in result.diagnostics] == [
        "f.lean:2:15: error: expected term",
        "f.lean:5:5: error: expected term",
    ]
    kinds = [c.kind for c in result.tree.children]
    assert kinds == ["def", "error", "def", "theorem", "error", "hash_command", "eof"]
    assert result.tree.to_source() == src


def test_user_notation_extends_tokens_and_grammar_for_the_rest_of_the_file():
    src = 'infixl:65 " +++ " => Nat.add\nnotation "‖" x "‖" => abs x\n#eval ‖1 +++ 2 +++ 3‖\n'
    result = parse_source(src)
    assert result.ok, [str(d) for d in result.diagnostics]
    used = result.tree.children[2]
    assert used.kind == "hash_command" and used.children[2].kind == "notation_app"
    inner = used.children[2].children[1]  # left-associative: (1 +++ 2) +++ 3
    assert inner.kind == "binop" and inner.children[0].kind == "binop" and inner.children[1].text == "+++"


def test_deep_nesting_is_an_error_not_a_crash():
    src = "#eval " + "(" * 5000 + "1" + ")" * 5000
    result = parse_source(src, "deep.lean")
    assert not result.ok
    assert "maximum recursion depth" in result.diagnostics[0].message
    assert result.tree.to_source() == src


def test_instance_binder_arrow_is_a_dependent_arrow():
    # `[Inhabited α] → α` is Lean's depArrow with an instance binder, not a list literal
    from nleanjit.syntax import parse_source
    tree = parse_source("def g : {α : Type} → [inst : Inhabited α] → [Repr α] → α := default\n", "t.lean").tree
    text = tree.pretty()
    assert text.count("inst_binder") == 2
    assert "list" not in text.split() and "range" not in text.split()


@pytest.mark.parametrize("src, line_col, message", [
    ("#check 31.succ\n", (1, 7), "unexpected identifier after decimal point; consider parenthesizing the number"),
    ("#check 31.e\n", (1, 10), "missing exponent digits in scientific literal"),
    ("#check 31.3e\n", (1, 7), "missing exponent digits in scientific literal"),
])
def test_number_literal_glued_to_a_name_is_leans_error(src, line_col, message):
    from nleanjit.syntax import parse_source
    errors = [d for d in parse_source(src, "t.lean").diagnostics if d.severity == "error"]
    assert errors and (errors[0].line, errors[0].col) == line_col and errors[0].message == message


def test_decimal_point_forms_lean_accepts():
    # `31.` and `31.e2` are Float literals, `(31).succ` a field access, `1.arr` a structure-instance field path
    from nleanjit.syntax import parse_source
    src = "#check 31.\n#check 31.e2\n#check (31).succ\ndef f (x : Nat × Nat) : Nat × Nat := { x with 1 := 2 }\n"
    assert not [d for d in parse_source(src, "t.lean").diagnostics if d.severity == "error"]


@pytest.mark.parametrize("src, expected", [
    # after whitespace: right after the last correct token, saying only what was expected
    ("theorem t : True := by\n  exact\n\ntheorem u : True := ⟨⟩\n", ["t.lean:2:7: error: expected term"]),
    ("def f1\n\ndef f2 := 0\n", ["t.lean:1:6: error: expected ':=', 'where' or '|'"]),
    ("set_option pp.all\n\nexample := 0\n", ["t.lean:1:17: error: expected 'false', 'true', numeral or string literal"]),
    # glued to the previous token: the token is named
    ("#check (11).toDigits(13)\n", ["t.lean:1:20: error: unexpected token '('; expected command"]),
])
def test_error_positions_and_messages_follow_lean(src, expected):
    assert [str(d) for d in parse_source(src, "t.lean").diagnostics] == expected


def test_forms_older_and_current_lean_accept():
    src = (
        "theorem r : Nat := Id.run do\n0if true then 1 else 2\n"  # do items need only a column ≥ the block's
        "theorem c (x : Nat) : x = x := by\n  cases x\n  | zero => rfl\n  | succ y => rfl\n"  # early Lean 4: no `with`
        "opaque o : Nat\naxiom a : Nat\n"  # no value needed
    )
    result = parse_source(src, "t.lean")
    assert result.ok, result.diagnostics
    assert result.tree.to_source() == src


def test_first_alternatives_on_one_line():
    src = "theorem t : True := by\n  first | exact False.elim _ | (rcases h with a | b) | trivial\n"
    result = parse_source(src, "t.lean")
    assert result.ok and result.tree.to_source() == src
    outline = result.tree.pretty()
    assert outline.count("tactic_seq") == 5  # the by-block, three alternatives, the parenthesized one
    assert "ident 'trivial'" in outline.split("sym '|'")[-1]
