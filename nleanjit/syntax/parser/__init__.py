"""The Lean 4 parser: tokens -> lossless concrete syntax tree + diagnostics.

`Parser` is assembled from one mixin per part of the grammar (terms, layout
blocks, commands, user notation) over a shared cursor (`base`). Use
`parse_source` / `parse_file` from `nleanjit.syntax`.
"""

from __future__ import annotations

import sys

from nleanjit.syntax.diagnostics import Diagnostic
from nleanjit.syntax.lexer import Lexer
from nleanjit.syntax.parser.base import ParseError, ParserBase
from nleanjit.syntax.parser.blocks import BlockParser
from nleanjit.syntax.parser.commands import CommandParser
from nleanjit.syntax.parser.notation import NotationParser
from nleanjit.syntax.parser.terms import CORE_OPERATORS, CORE_POSTFIX, CORE_PREFIX, RESERVED, TermParser
from nleanjit.syntax.tree import Node
from nleanjit.syntax import tokens as T

# Python frames per nesting level times MAX_NESTING, with room to spare.
_RECURSION_LIMIT = 30000


class Parser(NotationParser, CommandParser, BlockParser, TermParser, ParserBase):
    def __init__(self, source: str, file: str = "<input>"):
        super().__init__(Lexer(source))
        self.file = file
        self.diagnostics: list[Diagnostic] = []
        self.operators = dict(CORE_OPERATORS)
        self.prefix = dict(CORE_PREFIX)
        self.postfix = dict(CORE_POSTFIX)
        self.reserved = set(RESERVED)
        self.word_operators: set[str] = set()
        self.init_notations()

    def report(self, err: ParseError) -> None:
        tok = err.token
        self.diagnostics.append(Diagnostic(self.file, tok.line, tok.col, "error", err.describe()))

    def parse_module(self) -> Node:
        old_limit = sys.getrecursionlimit()
        if old_limit < _RECURSION_LIMIT:
            sys.setrecursionlimit(_RECURSION_LIMIT)
        try:
            tree = self.module()
        finally:
            sys.setrecursionlimit(old_limit)
        self.report_token_errors()
        return tree

    def report_token_errors(self) -> None:
        """Lexical problems inside otherwise well-formed tokens (bad escapes, `0x` without digits)."""
        reported = {(d.line, d.col) for d in self.diagnostics}
        for tok in self.lx.tokens:
            if tok.error is not None and tok.kind != T.ERROR and (tok.line, tok.col) not in reported:
                self.diagnostics.append(Diagnostic(self.file, tok.line, tok.col, "error", tok.error))
        self.diagnostics.sort(key=lambda d: (d.line, d.col))
