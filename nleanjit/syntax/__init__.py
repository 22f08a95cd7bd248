"""Lean 4 syntax: lexer, lossless parser and printer.

    tokens = lex(source)                # list[Token], the last one EOF
    result = parse_source(source, file) # ParseResult(tree, diagnostics)
    result.tree.to_source() == source   # always: the tree is lossless

Syntax from imports: `import M` makes the notation, `syntax`, `macro` and
`elab` declarations of `M` (and of what `M` imports) active, as in Lean, when a
`resolver` can find `M` (`nleanjit.syntax.modules`). `parse_file(path)` uses
the default resolver for the file's project; `parse_source` uses none unless
given one, so a bare string parses the same wherever it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nleanjit.syntax.diagnostics import Diagnostic
from nleanjit.syntax.lexer import Lexer, lex
from nleanjit.syntax.tokens import Token
from nleanjit.syntax.tree import Node


@dataclass
class ParseResult:
    source: str
    tree: Node
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)


def parse_source(source: str, file: str = "<input>", resolver=None) -> ParseResult:
    """Parse `source`; `resolver` (a `modules.ModuleResolver`) supplies the syntax of its imports."""
    from nleanjit.syntax.parser import Parser

    parser = Parser(source, file, resolver=resolver)
    tree = parser.parse_module()
    return ParseResult(source, tree, parser.diagnostics)


def read_source(path) -> str:
    """File text as the parser sees it; invalid UTF-8 bytes survive as surrogates so printing is exact."""
    return Path(path).read_bytes().decode("utf-8", errors="surrogateescape")


def parse_file(path, resolver=None) -> ParseResult:
    """Parse a file; imports are resolved with `resolver`, by default `modules.default_resolver(path)`."""
    from nleanjit.syntax.modules import default_resolver

    source = read_source(path)
    return parse_source(source, str(path), resolver if resolver is not None else default_resolver(path))


__all__ = ["Diagnostic", "Lexer", "Node", "ParseResult", "Token", "lex", "parse_file", "parse_source", "read_source"]
