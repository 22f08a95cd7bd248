"""Lexer: Lean 4 source text -> `Token`s with leading trivia and positions.

Follows Lean's tokenizer (`Lean.Parser.Basic`): identifiers with Lean's
letter-like Unicode ranges, subscripts and `«escapes»`, hierarchical names;
decimal/hex/binary/octal and scientific numbers; char and string literals with
every escape and string gaps; raw strings; interpolated strings (`s!"a{x}b"`
becomes INTERP_START, the tokens of `x`, INTERP_END); name literals; nested
block comments (trivia), doc and module-doc comments (tokens); and symbols
matched longest-first against a `TokenTable`.

The lexer is lazy: the parser asks for tokens by index, and may swap in an
extended token table after a `notation`/`infix`/`syntax` command, in which case
the tokens after that command are lexed again (`relex_from`).
"""

from __future__ import annotations

import re

from nleanjit.syntax import tokens as T
from nleanjit.syntax.tokens import DEFAULT_TABLE, Token, TokenTable

# Lean's `isLetterLike`: Greek except λ Π Σ, Coptic, polytonic Greek, the
# letter-like block, and mathematical alphanumerics.
_LETTER_LIKE = (
    "\u03b1-\u03ba\u03bc-\u03c9"  # lower Greek without λ
    "\u0391-\u039f\u03a1\u03a2\u03a4-\u03a9"  # upper Greek without Π, Σ
    "\u03ca-\u03fb"
    "\u1f00-\u1ffe"
    "\u2100-\u214f"
    "\U0001d49c-\U0001d59f"
)
# Lean's `isSubScriptAlnum`.
_SUBSCRIPT = "\u2080-\u2089\u2090-\u209c\u1d62-\u1d6a\u2c7c"
_ID_FIRST = f"A-Za-z_{_LETTER_LIKE}"
_ID_REST = f"A-Za-z_0-9'!?{_LETTER_LIKE}{_SUBSCRIPT}"
_ID_PART = f"(?:[{_ID_FIRST}][{_ID_REST}]*|«[^»]*»)"
IDENT_RE = re.compile(f"{_ID_PART}(?:\\.{_ID_PART})*")
ID_FIRST_RE = re.compile(f"[{_ID_FIRST}«]")

# Whitespace and line comments; block comments are scanned by hand (they nest).
_TRIVIA_RE = re.compile(r"(?:[ \t\r\n]+|--[^\n]*)*")
_COMMENT_DELIM_RE = re.compile(r"/-|-/")

_NUMBER_RE = re.compile(
    r"0[xX][0-9a-fA-F_]*|0[bB][01_]*|0[oO][0-7_]*"
    rf"|(?P<dec>[0-9][0-9_]*)(?P<frac>\.(?:[0-9]+|(?=[eE][+-]?[0-9])|(?![.«{_ID_FIRST}])))?(?P<exp>[eE][+-]?[0-9]*)?"
)
_DIGITS_RE = re.compile(r"[0-9]+")
_STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_INTERP_SEGMENT_RE = re.compile(r'(?:[^"\\{]|\\.)*', re.DOTALL)
_ESCAPE_RE = re.compile(r"\\(.)", re.DOTALL)
_VALID_ESCAPE_RE = re.compile(r"\\(?:[\\\"'ntr{}]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|\r?\n[ \t\r\n]*)")
_CHAR_RE = re.compile(r"'(?:[^'\\\n]|\\(?:[\\\"'ntr]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}))'")
_RAW_STRING_RE = re.compile(r'r(#*)"')


def _check_escapes(text: str) -> str | None:
    """Lean rejects unknown escapes; report the first one."""
    for m in _ESCAPE_RE.finditer(text):
        if not _VALID_ESCAPE_RE.match(text, m.start()):
            return f"invalid escape sequence '\\{m.group(1)}'"
    return None


class Lexer:
    """Lazily lexes `source`; `token(i)` returns the i-th token (the last is EOF)."""

    def __init__(self, source: str, table: TokenTable = DEFAULT_TABLE):
        self.source = source
        self.table = table
        self.tokens: list[Token] = []
        self.pos = 0
        self.origin = 0  # where token 0 starts: 0, unless `restart` moved it
        self.line = 1
        self.line_start = 0
        self.done = False
        # One entry per open interpolated string: the `{` depth inside its hole.
        self._holes: list[int] = []
        self._interp_next = False  # an `s!`-style identifier was just followed by `"`

    # -- public -------------------------------------------------------------
    def token(self, i: int) -> Token:
        toks = self.tokens
        while i >= len(toks):
            if self.done:
                return toks[-1]
            self._lex_one()
        return toks[i]

    def all_tokens(self) -> list[Token]:
        while not self.done:
            self._lex_one()
        return self.tokens

    def relex_from(self, index: int, table: TokenTable) -> None:
        """Drop tokens from `index` on and lex them again with `table`.

        Only called between commands, where no interpolated string is open."""
        self.table = table
        del self.tokens[index:]
        self.pos = self.tokens[-1].end if self.tokens else self.origin
        self.line = self.source.count("\n", 0, self.pos) + 1
        self.line_start = self.source.rfind("\n", 0, self.pos) + 1
        self.done = False
        self._holes = []
        self._interp_next = False

    def restart(self, offset: int) -> None:
        """Forget every token and lex from `offset` on, as if the source began there
        (used to read single commands of a module, see `Parser.scan_exports`)."""
        self.origin = offset
        self.relex_from(0, self.table)

    # -- internals ----------------------------------------------------------
    def _advance_lines(self, start: int, end: int) -> None:
        n = self.source.count("\n", start, end)
        if n:
            self.line += n
            self.line_start = self.source.rfind("\n", start, end) + 1

    def _emit(self, kind: str, start: int, tok_start: int, tok_end: int, error: str | None = None) -> Token:
        src = self.source
        leading = src[start:tok_start]
        if "\n" in leading:  # the hot path checks a short string instead of counting
            self.line += leading.count("\n")
            self.line_start = start + leading.rfind("\n") + 1
        text = src[tok_start:tok_end]
        tok = Token(kind, text, leading, tok_start, self.line, tok_start - self.line_start, error)
        if "\n" in text:
            self.line += text.count("\n")
            self.line_start = tok_start + text.rfind("\n") + 1
        self.tokens.append(tok)
        self.pos = tok_end
        return tok

    def _skip_trivia(self, pos: int) -> tuple[int, str | None]:
        """Skip whitespace and comments; returns the new position and an error for an unterminated comment."""
        src = self.source
        n = len(src)
        while True:
            pos = _TRIVIA_RE.match(src, pos).end()
            if pos + 1 < n and src[pos] == "/" and src[pos + 1] == "-":
                nxt = src[pos + 2] if pos + 2 < n else ""
                if nxt in ("-", "!") and not src.startswith("/--/", pos):
                    return pos, None  # doc or module-doc comment: a token
                end = self._block_comment_end(pos)
                if end < 0:
                    return pos, "unterminated comment"
                pos = end
                continue
            return pos, None

    def _block_comment_end(self, pos: int) -> int:
        return block_comment_end(self.source, pos)

    def _lex_one(self) -> None:
        src = self.source
        start = self.pos
        if self._interp_next:
            self._interp_next = False
            self._lex_interp_segment(start, start, opening=True)
            return
        pos, err = self._skip_trivia(start)
        if err is not None:
            self._emit(T.ERROR, start, pos, len(src), err)
            return
        if pos >= len(src):
            self._emit(T.EOF, start, pos, pos)
            self.done = True
            return
        c = src[pos]
        if self._holes:
            if c == "{":
                self._holes[-1] += 1
            elif c == "}":
                if self._holes[-1] == 0:
                    self._lex_interp_segment(start, pos, opening=False)
                    return
                self._holes[-1] -= 1
        if c.isdigit() and c.isascii():
            self._lex_number(start, pos)
        elif c == '"':
            m = _STRING_RE.match(src, pos)
            if m is None:
                self._emit(T.ERROR, start, pos, len(src), "unterminated string literal")
            else:
                self._emit(T.STR, start, pos, m.end(), _check_escapes(m.group()))
        elif c == "'":
            m = _CHAR_RE.match(src, pos)
            if m is not None:
                self._emit(T.CHAR, start, pos, m.end())
            else:
                self._lex_symbol(start, pos)
        elif c == "`":
            self._lex_backtick(start, pos)
        elif c == "/" and src.startswith("/-", pos):
            self._lex_doc_comment(start, pos)
        else:
            m = IDENT_RE.match(src, pos)
            if m is not None:
                self._lex_ident(start, pos, m.end())
            else:
                self._lex_symbol(start, pos)

    def _lex_ident(self, start: int, pos: int, end: int) -> None:
        src = self.source
        if src[pos] == "r" and end == pos + 1 and end < len(src) and src[end] in "\"#":
            raw = _RAW_STRING_RE.match(src, pos)
            if raw is not None:
                close = '"' + raw.group(1)
                j = src.find(close, raw.end())
                if j < 0:
                    self._emit(T.ERROR, start, pos, len(src), "unterminated raw string literal")
                else:
                    self._emit(T.STR, start, pos, j + len(close))
                return
        sym = self.table.match(src, pos)
        if sym is not None and len(sym) > end - pos:
            self._emit(T.SYM, start, pos, pos + len(sym))
            return
        text_is_hole = end == pos + 1 and src[pos] == "_"
        self._emit(T.SYM if text_is_hole else T.IDENT, start, pos, end)
        if src[end - 1] == "!" and end < len(src) and src[end] == '"':
            self._interp_next = True

    def _lex_number(self, start: int, pos: int) -> None:
        src = self.source
        prev = self.tokens[-1] if self.tokens else None
        if prev is not None and prev.kind == T.SYM and prev.text == "." and prev.end == pos and pos == start:
            # a field index, as in `p.1.2`: digits only, never a scientific literal
            self._emit(T.NUM, start, pos, _DIGITS_RE.match(src, pos).end())
            return
        m = _NUMBER_RE.match(src, pos)
        if m.group("dec") is not None and (m.group("frac") is not None or m.group("exp") is not None):
            # Lean's decimal literal: `31.` and `31.5e3` are scientific; `31.5e` lacks exponent digits
            exp = m.group("exp")
            err = "missing exponent digits in scientific literal" if exp is not None and not exp.lstrip("eE+-") else None
            self._emit(T.SCI, start, pos, m.end(), err)
        else:
            text = m.group()
            err = "missing digits" if len(text) == 2 and text[0] == "0" and text[1] in "xXbBoO" else None
            self._emit(T.NUM, start, pos, m.end(), err)

    def _lex_backtick(self, start: int, pos: int) -> None:
        src = self.source
        ticks = 2 if src.startswith("``", pos) else 1
        m = IDENT_RE.match(src, pos + ticks)
        if m is not None and src[pos + ticks] not in "([":
            self._emit(T.NAME, start, pos, m.end())
        else:
            self._lex_symbol(start, pos)

    def _lex_doc_comment(self, start: int, pos: int) -> None:
        kind = T.MODDOC if self.source.startswith("/-!", pos) else T.DOC
        end = self._block_comment_end(pos)
        if end < 0:
            self._emit(T.ERROR, start, pos, len(self.source), "unterminated doc comment")
        else:
            self._emit(kind, start, pos, end)

    def _lex_symbol(self, start: int, pos: int) -> None:
        sym = self.table.match(self.source, pos)
        if sym is None:
            ch = self.source[pos]
            if "\udc80" <= ch <= "\udcff":  # a byte that was not UTF-8 (read with surrogateescape)
                message = f"invalid UTF-8 byte 0x{ord(ch) - 0xDC00:02x}"
            elif not ch.isprintable():
                message = f"unexpected character U+{ord(ch):04X}"
            else:
                message = f"unexpected character '{ch}'"
            self._emit(T.ERROR, start, pos, pos + 1, message)
        else:
            self._emit(T.SYM, start, pos, pos + len(sym))

    def _lex_interp_segment(self, start: int, pos: int, opening: bool) -> None:
        """Lex `"text{`, `}text{`, `}text"` or `"text"` of an interpolated string at `pos`."""
        src = self.source
        body = pos + 1
        end = _INTERP_SEGMENT_RE.match(src, body).end()
        if end >= len(src):
            if not opening:
                self._holes.pop()
            self._emit(T.ERROR, start, pos, len(src), "unterminated string literal")
            return
        closer = src[end]
        err = _check_escapes(src[body:end])
        if closer == "{":
            if opening:
                self._holes.append(0)
            self._emit(T.INTERP_START if opening else T.INTERP_MID, start, pos, end + 1, err)
        else:
            if not opening:
                self._holes.pop()
            self._emit(T.INTERP_STR if opening else T.INTERP_END, start, pos, end + 1, err)


def block_comment_end(src: str, pos: int) -> int:
    """End of the nested `/- ... -/` comment starting at `pos`, or -1."""
    depth = 0
    i = pos
    while True:
        m = _COMMENT_DELIM_RE.search(src, i)
        if m is None:
            return -1
        if m.group() == "/-":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.end()
        i = m.end()


def lex(source: str, file: str = "<input>", table: TokenTable = DEFAULT_TABLE) -> list[Token]:
    """All tokens of `source`, ending with an EOF token that carries the trailing trivia."""
    return Lexer(source, table).all_tokens()
