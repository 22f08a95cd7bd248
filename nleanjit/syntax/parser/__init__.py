"""The Lean 4 parser: tokens -> lossless concrete syntax tree + diagnostics.

`Parser` is assembled from one mixin per part of the grammar (terms, layout
blocks, commands, user notation) over a shared cursor (`base`). Use
`parse_source` / `parse_file` from `nleanjit.syntax`.

A parser starts with the syntax of Lean's `Init` (implicitly imported unless
the file begins with `prelude`) and, at each `import M`, the syntax
environment of `M` from its `resolver` (`nleanjit.syntax.modules`). Besides
`parse_module`, `scan_exports` reads only what a module exports to its
importers: its imports and its syntax-declaring commands.
"""

from __future__ import annotations

import re
import sys

from nleanjit.syntax.diagnostics import Diagnostic
from nleanjit.syntax.env import SyntaxEnv
from nleanjit.syntax.lexer import Lexer, block_comment_end
from nleanjit.syntax.parser.base import ParseError, ParserBase
from nleanjit.syntax.parser.blocks import BlockParser
from nleanjit.syntax.parser.commands import CommandParser
from nleanjit.syntax.parser.notation import NotationParser
from nleanjit.syntax.parser.terms import CORE_OPERATORS, CORE_POSTFIX, CORE_PREFIX, RESERVED, TermParser
from nleanjit.syntax.tree import Node
from nleanjit.syntax import tokens as T

# Python frames per nesting level times MAX_NESTING, with room to spare.
_RECURSION_LIMIT = 30000


# What `scan_exports` reads: comments and strings (skipped, so that prose and
# quoted text never count), and lines that start, at column 0 as library code
# writes them, with a command that declares syntax, imports, or moves between
# namespaces.
_EXPORT_SCAN_RE = re.compile(
    r"(?P<comment>/-)|--[^\n]*|(?<![\w'!?.])'(?:[^'\\\n]|\\[^\n]{1,9}?)'|\"(?:[^\"\\]|\\.)*\""
    r"|^(?:@\[[^\n]*?\][ \t]*)?(?:(?:private|protected|local|scoped|public|meta|noncomputable)[ \t]+)*"
    r"(?P<word>notation|infixl|infixr|infix|prefix|postfix|syntax|macro|elab|declare_syntax_cat"
    r"|namespace|section|end|open|mutual|import)\b",
    re.M | re.S,
)


class Parser(NotationParser, CommandParser, BlockParser, TermParser, ParserBase):
    def __init__(self, source: str, file: str = "<input>", resolver=None, implicit_init: bool = True):
        """`resolver` (a `modules.ModuleResolver`) finds imported modules' syntax; without one,
        imports are ignored. `implicit_init=False` leaves out the syntax of Lean's `Init`."""
        super().__init__(Lexer(source))
        self.file = file
        self.resolver = resolver
        self.diagnostics: list[Diagnostic] = []
        self.operators = dict(CORE_OPERATORS)
        self.prefix = dict(CORE_PREFIX)
        self.postfix = dict(CORE_POSTFIX)
        self.reserved = set(RESERVED)
        self.word_operators: set[str] = set()
        self.init_notations()
        if implicit_init and not self.starts_with_prelude():
            from nleanjit.syntax.modules import init_env

            self.import_env(init_env())

    def starts_with_prelude(self) -> bool:
        first = self.lx.token(0)
        if first.kind == T.IDENT and first.text == "module":
            first = self.lx.token(1)
        return first.kind == T.IDENT and first.text == "prelude"

    def report(self, err: ParseError) -> None:
        # As Lean does: when whitespace or comments lead to the offending token, the error sits
        # right after the last correct token (so it belongs to the unfinished command) and says
        # only what was expected; a token glued to the previous one is named as unexpected.
        tok = err.token
        if not tok.leading or tok.kind == T.ERROR or err.message is not None:
            self.diagnostics.append(Diagnostic(self.file, tok.line, tok.col, "error", err.describe()))
            return
        start = tok.offset - len(tok.leading)
        line = tok.line - tok.leading.count("\n")
        col = start - (self.lx.source.rfind("\n", 0, start) + 1)
        self.diagnostics.append(Diagnostic(self.file, line, col, "error", f"expected {err.expected}"))

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

    def scan_exports(self) -> SyntaxEnv:
        """The syntax environment this module exports, read from its imports and
        its syntax-declaring commands alone (declarations are all an importer
        needs, as Lean's `.olean` keeps only the environment). Bodies of `macro`,
        `elab` and `notation` are skipped; a command that does not parse is passed over."""
        old_limit = sys.getrecursionlimit()
        if old_limit < _RECURSION_LIMIT:
            sys.setrecursionlimit(_RECURSION_LIMIT)
        try:
            self.scan_declarations()
        finally:
            sys.setrecursionlimit(old_limit)
        return self.export_env()

    def scan_declarations(self) -> None:
        """Parse, one by one, the commands `_EXPORT_SCAN_RE` finds; errors are passed over."""
        self.skip_bodies = True
        src = self.lx.source
        pos = resume = 0
        while True:
            m = _EXPORT_SCAN_RE.search(src, pos)
            if m is None:
                return
            if m.group("comment") is not None:
                pos = block_comment_end(src, m.start())
                if pos < 0:
                    return
                continue
            pos = m.end()
            word = m.group("word")
            if word is None or m.start() < resume:
                continue
            if word == "mutual":  # its `end` is read as a command below
                self.enter_scope("mutual")
                continue
            self.lx.restart(m.start())
            self.reset((0, -1, False, False, 0))  # token 0, no layout position, as at a file's start
            try:
                self.command()
            except ParseError:
                pass
            resume = self.tok.offset

    def report_token_errors(self) -> None:
        """Lexical problems inside otherwise well-formed tokens (bad escapes, `0x` without digits)."""
        reported = {(d.line, d.col) for d in self.diagnostics}
        for tok in self.lx.tokens:
            if tok.error is not None and tok.kind != T.ERROR and (tok.line, tok.col) not in reported:
                self.diagnostics.append(Diagnostic(self.file, tok.line, tok.col, "error", tok.error))
        self.diagnostics.sort(key=lambda d: (d.line, d.col))
