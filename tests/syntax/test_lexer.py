"""The lexer against hand-checked token streams (kinds, texts, Lean positions)."""

from nleanjit.syntax import lex


def kinds_texts(src):
    return [(t.kind, t.text) for t in lex(src) if t.kind != "eof"]


def test_identifiers_unicode_subscripts_escapes_and_keywords():
    assert kinds_texts("α₁ x' h? get! «my name».x Foo.«c d».e λ Π Σ") == [
        ("ident", "α₁"), ("ident", "x'"), ("ident", "h?"), ("ident", "get!"),
        ("ident", "«my name».x"), ("ident", "Foo.«c d».e"), ("sym", "λ"), ("sym", "Π"), ("sym", "Σ"),
    ]


def test_numbers_and_field_indices():
    assert kinds_texts("0x1F 0b101 0o17 42 1.5e-3 2e10 p.1.2 x.succ") == [
        ("num", "0x1F"), ("num", "0b101"), ("num", "0o17"), ("num", "42"), ("sci", "1.5e-3"), ("sci", "2e10"),
        ("ident", "p"), ("sym", "."), ("num", "1"), ("sym", "."), ("num", "2"), ("ident", "x.succ"),
    ]


def test_strings_chars_raw_and_escapes():
    src = r'''"a\n\t\\\"\x41\u0041" 'a' '\n' '\'' r"raw\n" r#"has "quotes""#'''
    assert kinds_texts(src) == [
        ("str", r'"a\n\t\\\"\x41\u0041"'), ("char", "'a'"), ("char", r"'\n'"), ("char", r"'\''"),
        ("str", r'r"raw\n"'), ("str", 'r#"has "quotes""#'),
    ]
    assert [t.error for t in lex(r'"bad \q"')][0] == "invalid escape sequence '\\q'"


def test_string_gap_is_one_literal():
    toks = lex('"abc\\\n    def"')
    assert toks[0].kind == "str" and toks[0].error is None


def test_interpolated_strings_with_nested_braces():
    assert kinds_texts('s!"a{x + f {y := 1}}b{z}c" m!"plain"') == [
        ("ident", "s!"), ("interp_start", '"a{'), ("ident", "x"), ("sym", "+"), ("ident", "f"), ("sym", "{"),
        ("ident", "y"), ("sym", ":="), ("num", "1"), ("sym", "}"), ("interp_mid", "}b{"), ("ident", "z"),
        ("interp_end", '}c"'), ("ident", "m!"), ("interp_str", '"plain"'),
    ]


def test_name_literals_quotations_and_symbols_longest_first():
    assert kinds_texts("`foo ``Bar.baz `(x) <;> <|> |>. :: := ≠ ⟨⟩") == [
        ("name", "`foo"), ("name", "``Bar.baz"), ("sym", "`("), ("ident", "x"), ("sym", ")"), ("sym", "<;>"),
        ("sym", "<|>"), ("sym", "|>."), ("sym", "::"), ("sym", ":="), ("sym", "≠"), ("sym", "⟨"), ("sym", "⟩"),
    ]


def test_comments_are_trivia_but_doc_comments_are_tokens():
    src = "-- line\n/- outer /- nested -/ still -/ x /-- doc -/ /-! mod -/"
    toks = lex(src)
    assert [(t.kind, t.text) for t in toks] == [("ident", "x"), ("doc", "/-- doc -/"), ("moddoc", "/-! mod -/"), ("eof", "")]
    assert toks[0].leading == "-- line\n/- outer /- nested -/ still -/ "


def test_positions_are_lines_and_code_point_columns():
    toks = lex("def f :=\n  λ α₁ => «x y»\n")
    assert [(t.text, t.line, t.col) for t in toks[:6]] == [
        ("def", 1, 0), ("f", 1, 4), (":=", 1, 6), ("λ", 2, 2), ("α₁", 2, 4), ("=>", 2, 7),
    ]


def test_unterminated_constructs_are_error_tokens():
    for src, message in [("/- open", "unterminated comment"), ('"open', "unterminated string literal"),
                         ("r#\"x\"", "unterminated raw string literal")]:
        toks = lex(src)
        assert any(t.kind == "error" and t.error == message for t in toks), src
        assert "".join(t.leading + t.text for t in toks) == src


def test_unterminated_interpolation_is_reported_by_the_parser():
    from nleanjit.syntax import parse_source

    result = parse_source('#eval s!"a{x', "u.lean")
    assert [str(d) for d in result.diagnostics] == ["u.lean:1:12: error: unexpected end of input; expected '}'"]


def test_token_stream_is_lossless():
    src = "def x := 1 -- c\n\n/- b -/ #eval x\t\r\n"
    assert "".join(t.leading + t.text for t in lex(src)) == src
