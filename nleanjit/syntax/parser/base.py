"""Parser state shared by every part of the grammar: the token cursor, layout
positions, and syntax errors.

Lean's layout rules, as `Lean.Parser` implements them: `withPosition` saves the
column where a block item starts; `checkColGt` (application arguments, tactic
arguments) and `checkColGe` (the next item of a block) compare against it;
brackets run `withoutPosition`, so inside `( )`, `[ ]`, `{ }` and `⟨ ⟩` any column
is fine. Here `self.pos_col` is the saved column (-1 when there is none).
"""

from __future__ import annotations

from nleanjit.syntax import tokens as T
from nleanjit.syntax.lexer import Lexer
from nleanjit.syntax.tokens import Token
from nleanjit.syntax.tree import Node

MAX_PREC = 1024
ARG_PREC = 1023
LEAD_PREC = 1022
MIN_PREC = 10

# Nesting deeper than this is reported, as Lean reports its recursion limit,
# instead of overflowing Python's stack.
MAX_NESTING = 600


class ParseError(Exception):
    """A syntax error at `token`: what was found and what was expected."""

    def __init__(self, token: Token, expected: str, message: str | None = None):
        super().__init__(message or expected)
        self.token = token
        self.expected = expected
        self.message = message

    def describe(self) -> str:
        if self.message is not None:
            return self.message
        return f"{describe_token(self.token)}; expected {self.expected}"


def describe_token(tok: Token) -> str:
    if tok.kind == T.EOF:
        return "unexpected end of input"
    if tok.kind == T.IDENT:
        return "unexpected identifier"
    if tok.kind == T.ERROR:
        return tok.error or "unexpected character"
    return f"unexpected token '{tok.text}'"


class ParserBase:
    def __init__(self, lexer: Lexer):
        self.lx = lexer
        self.i = 0
        self.tok = lexer.token(0)
        self.pos_col = -1
        self.depth = 0
        self.no_do = False  # Lean's `withForbidden "do"`: `for x in e do`, `while c do`
        self.bar_ends_tactic = False  # inside `first | … | …`: a `|` ends the alternative's tactic
        self.no_by_arg = False  # `show t by tac`: the `by` belongs to `show`
        # Failures of backtracking choice points, by (rule, state): nested
        # brackets that fail would otherwise be retried exponentially often.
        self.failures: dict = {}

    # -- cursor -------------------------------------------------------------
    def peek(self, k: int = 1) -> Token:
        return self.lx.token(self.i + k)

    def advance(self) -> Token:
        tok = self.tok
        if tok.kind != T.EOF:
            self.i += 1
            self.tok = self.lx.token(self.i)
        return tok

    def mark(self) -> tuple:
        """A backtracking point: the cursor and every piece of layout state."""
        return (self.i, self.pos_col, self.no_do, self.no_by_arg, self.depth)

    def reset(self, mark) -> None:
        if type(mark) is tuple:
            index, self.pos_col, self.no_do, self.no_by_arg, self.depth = mark
        else:
            index = mark
        self.i = index
        self.tok = self.lx.token(index)

    def at_sym(self, text: str) -> bool:
        tok = self.tok
        return tok.kind == T.SYM and tok.text == text

    def at_word(self, text: str) -> bool:
        tok = self.tok
        return tok.kind == T.IDENT and tok.text == text

    def at(self, text: str) -> bool:
        """The current token is the symbol or keyword `text`."""
        tok = self.tok
        return tok.text == text and (tok.kind == T.SYM or tok.kind == T.IDENT)

    def expect(self, text: str) -> Token:
        tok = self.tok
        if tok.text == text and (tok.kind == T.SYM or tok.kind == T.IDENT):
            return self.advance()
        raise ParseError(tok, f"'{text}'")

    def accept(self, text: str, out: list) -> bool:
        tok = self.tok
        if tok.text == text and (tok.kind == T.SYM or tok.kind == T.IDENT):
            out.append(self.advance())
            return True
        return False

    def fail(self, expected: str) -> ParseError:
        return ParseError(self.tok, expected)

    # -- layout -------------------------------------------------------------
    def col_ok(self) -> bool:
        """Lean's `checkColGt` against the saved position."""
        return self.tok.col > self.pos_col

    def no_ws(self) -> bool:
        return not self.tok.leading

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ParseError(self.tok, "", "maximum recursion depth has been reached")

    def leave(self) -> None:
        self.depth -= 1

    def choice(self, rule: str, parse):
        """Run a choice point `parse`, remembering a failure at this state so it is never retried."""
        # keyed by the token object itself: relexing after new notation makes new tokens
        key = (rule, self.tok, self.pos_col, self.no_do, self.no_by_arg)
        err = self.failures.get(key)
        if err is not None:
            raise err
        try:
            return parse()
        except ParseError as err:
            self.failures[key] = err
            raise

    def ident(self) -> Token:
        tok = self.tok
        if tok.kind == T.IDENT and tok.text not in self.reserved:
            return self.advance()
        raise ParseError(tok, "identifier")

    def node(self, kind: str, children: list) -> Node:
        return Node(kind, children)
