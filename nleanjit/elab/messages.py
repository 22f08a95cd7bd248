"""Elaboration messages: typed errors with positions inside, Lean's text at the edge.

In: failures raised while elaborating (`ElabError` with a syntax node or a
`Span`), warnings and infos. Out: `Message` values that print as Lean prints
them (`file:line:col: error: text`, optionally with the end position as Lean's
test suite shows it) or as the Lean REPL's JSON (`severity`, `pos`, `endPos`,
`data`). Lines are 1-based and columns 0-based code points, as in Lean.
"""

from __future__ import annotations

from dataclasses import dataclass

from nleanjit.syntax.tokens import Token
from nleanjit.syntax.tree import Node


@dataclass(frozen=True)
class Span:
    """A source range: start and end (line, column)."""

    line: int
    col: int
    end_line: int
    end_col: int

    @staticmethod
    def of(syntax) -> "Span | None":
        """The range a node or token covers (None for an empty node)."""
        if syntax is None:
            return None
        if isinstance(syntax, Span):
            return syntax
        if getattr(syntax, "kind", None) == "deferred":  # term.Deferred: placed at its syntax
            return Span.of(syntax.syntax)
        if type(syntax) is Token:
            if syntax.line == 0:
                return None
            first = last = syntax
        elif type(syntax) is Node:
            first = last = None
            for tok in syntax.tokens():
                if tok.kind == "eof" or tok.line == 0:  # line 0: a token the elaborator made up
                    continue
                if first is None:
                    first = tok
                last = tok
            if first is None:
                return None
        else:
            return None
        end_line, end_col = _token_end(last)
        return Span(first.line, first.col, end_line, end_col)


def _token_end(tok: Token) -> tuple[int, int]:
    text = tok.text
    nl = text.count("\n")
    if nl == 0:
        return tok.line, tok.col + len(text)
    return tok.line + nl, len(text) - text.rfind("\n") - 1


@dataclass(frozen=True)
class Message:
    severity: str  # "error" | "warning" | "information"
    file: str
    span: Span
    text: str

    def to_lean(self, with_end: bool = False) -> str:
        s = self.span
        where = f"{self.file}:{s.line}:{s.col}"
        if with_end:
            where += f"-{s.end_line}:{s.end_col}"
        return f"{where}: {self.severity}: {self.text}"

    def to_json(self) -> dict:
        s = self.span
        return {
            "severity": self.severity,
            "pos": {"line": s.line, "column": s.col},
            "endPos": {"line": s.end_line, "column": s.end_col},
            "data": self.text,
        }


class ElabError(Exception):
    """An elaboration failure at a piece of syntax; `text` is already in Lean's words."""

    def __init__(self, syntax, text: str):
        super().__init__(text)
        self.syntax = syntax
        self.text = text


class PostponeError(Exception):
    """Raised internally when a term cannot be elaborated yet (its expected type is unknown)."""


class AbortCommand(Exception):
    """Stop the current command quietly: its error was already logged."""


SORRY_WARNING = "declaration uses 'sorry'"
