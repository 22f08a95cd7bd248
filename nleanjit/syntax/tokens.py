"""Tokens of Lean 4 source and the token table that user notation extends.

A `Token` carries its text and the trivia (whitespace and ordinary comments)
that precede it, so the concatenation of `leading + text` over all tokens is
the source, byte for byte. Positions are 1-based lines and 0-based columns in
code points, as Lean reports them.

The `TokenTable` holds the symbols matched longest-first (Lean's `TokenTable`
trie). Identifier-like keywords (`def`, `fun`, `at`, ...) are *not* in the
table: they lex as identifiers and the parser decides where a word is a
keyword, so `xs.at` or a field named `from` keep working where Lean allows it.
"""

from __future__ import annotations

from dataclasses import dataclass

# Token kinds. Plain strings: cheap to compare and readable in dumps.
IDENT = "ident"
NUM = "num"  # decimal, 0x, 0b, 0o literals; also field indices after `.`
SCI = "sci"  # scientific literals such as 1.5e-3
STR = "str"  # string literals, raw strings included
CHAR = "char"
NAME = "name"  # `foo and ``foo name literals
SYM = "sym"  # symbols and punctuation from the token table
DOC = "doc"  # /-- doc comment -/
MODDOC = "moddoc"  # /-! module doc -/
INTERP_STR = "interp_str"  # s!"no holes"
INTERP_START = "interp_start"  # s!"text{   (text up to and including the first `{`)
INTERP_MID = "interp_mid"  # }text{
INTERP_END = "interp_end"  # }text"
ERROR = "error"  # a malformed token (unterminated string, stray character): the parser reports it
EOF = "eof"


class Token:
    """One token with the trivia before it. Mutable only while the lexer builds it."""

    __slots__ = ("kind", "text", "leading", "offset", "line", "col", "error")

    def __init__(self, kind: str, text: str, leading: str, offset: int, line: int, col: int, error: str | None = None):
        self.kind = kind
        self.text = text
        self.leading = leading
        self.offset = offset  # code-point offset of the token's first character
        self.line = line
        self.col = col
        self.error = error  # message for ERROR tokens (or a lexical problem inside a valid token)

    @property
    def end(self) -> int:
        return self.offset + len(self.text)

    def has_space_before(self) -> bool:
        return bool(self.leading)

    def __repr__(self) -> str:
        return f"Token({self.kind}, {self.text!r}, {self.line}:{self.col})"


@dataclass(frozen=True)
class Position:
    line: int
    col: int


# Symbols of the core grammar (terms, commands, tactics, do-notation, syntax
# quotations). Identifier-like keywords are deliberately absent: see module doc.
CORE_SYMBOLS: tuple[str, ...] = (
    # punctuation and brackets
    "(", ")", "[", "]", "{", "}", "⟨", "⟩", "⦃", "⦄", "‹", "›", "⟦", "⟧", "⁅", "⁆",
    ",", ";", ":", "::", ":=", "::=", ".", "..", "...", "‥", "⋯", "@", "@[", "@&", "#[", "#", "$",
    "%", "%[", "?", "!", "|", "||", "_", "·", "•", "∘", "∙", "⬝", "'", "`(", "``(", "`[", "`", "$(",
    "=>", "->", "<-", "→", "←", "↦", "⇒", "↔", "<->", "∀", "∃", "∃!", "Π", "Σ", "Σ'", "λ",
    # arithmetic, comparison, logic
    "+", "-", "*", "/", "^", "++", "+ᵥ", "∣", "×", "×'", "⁻¹", "∑", "∏", "=", "==", "!=", "≠", "<", ">",
    "≤", "≥", "<=", ">=", "≈", "≅", "≃", "≍", "∧", "∨", "¬", "&&", "/\\", "\\/", "\\", "∈", "∉", "⊆",
    "⊂", "⊇", "⊃", "∩", "∪", "∅", "⊢", "⊤", "⊥", "⊓", "⊔", "▸", "↑", "⇑", "↥", "%%", "∞", "∑'", "⊕", "⊗",
    "⟶", "⥤", "≫", "⋆", "∗", "±", "√", "∂", "∫", "∮",
    # monads, pipes, bit operations
    "<|", "|>", "|>.", "<$>", "<*>", "<*", "*>", ">>=", ">>", "=<<", ">=>", "<=<", "<|>", "<&>", ">>>",
    "<<<", "^^^", "&&&", "|||", "~~~", "&", "~", "<;>", ";;", "<:", "≺", "≼",
    # macro and syntax quotations
    "$[", ":=.", "=?", "=?=", "?_", "..?", "#v[", "<..<", "<...<", "<..", "*...*", "...*", "...=", "..<", "<...", "↓", "<||>", "<&&>", "^^", "*...", "<+",
    # misc
    "÷", "∆", "//", "=ₛ",
)


class TokenTable:
    """Symbols matched longest-first; immutable, extended by copying."""

    __slots__ = ("symbols", "_by_first")

    def __init__(self, symbols):
        self.symbols = frozenset(symbols)
        by_first: dict[str, list[str]] = {}
        for sym in self.symbols:
            by_first.setdefault(sym[0], []).append(sym)
        for syms in by_first.values():
            syms.sort(key=len, reverse=True)
        self._by_first = {k: tuple(v) for k, v in by_first.items()}

    def extended(self, new_symbols) -> "TokenTable":
        new = {s for s in new_symbols if s} - self.symbols
        if not new:
            return self
        symbols = self.symbols | new
        # Every module of a library extends the table with the same imported
        # symbols: share the tables instead of rebuilding them per file.
        table = _EXTENDED_TABLES.get(symbols)
        if table is None:
            if len(_EXTENDED_TABLES) >= 256:
                _EXTENDED_TABLES.clear()
            table = _EXTENDED_TABLES[symbols] = TokenTable(symbols)
        return table

    def match(self, source: str, pos: int) -> str | None:
        """The longest symbol of the table at `pos`, or None."""
        cands = self._by_first.get(source[pos])
        if cands is None:
            return None
        for sym in cands:
            if source.startswith(sym, pos):
                return sym
        return None

    def __contains__(self, sym: str) -> bool:
        return sym in self.symbols


_EXTENDED_TABLES: dict[frozenset, TokenTable] = {}

DEFAULT_TABLE = TokenTable(CORE_SYMBOLS)
