"""User `macro`s for the prefix operators the parser already knows.

In: a `macro` command's syntax tree, e.g.
    macro:max "↑" x:term:max : term => `(UInt32.toNat $x)
and, later, a use `↑e` parsed as a `prefix` node.
Out: `read_prefix_macro` gives a `PrefixMacro` (the operator, the pattern
variable, the quotation's body parsed as a term); `expand` gives the body with
the variable replaced by the use's operand, ready to elaborate in its place.

Lean expands a macro before elaborating the term it stands for, so a user
macro for `↑` replaces the built-in coercion arrow (qsort's `↑i` on `UInt32`
indices, where Lean has no coercion to `Nat`). Only the shape "one atom, then
one `term` variable, category `term`" is read here, and only for the atoms the
parser already reads as prefix operators; other macros are still ignored.
Hygiene is not modelled: names in the body resolve at the use site.
"""

from __future__ import annotations

from dataclasses import dataclass

from nleanjit.syntax.tokens import Token
from nleanjit.syntax.tree import Node

PREFIX_ATOMS = frozenset(["↑", "⇑", "↥"])
"""Atoms the parser turns into `prefix` nodes, so a macro for them can be honoured at elaboration."""

_HOLE = "nleanjit_macro_hole"


@dataclass(frozen=True)
class PrefixMacro:
    atom: str
    var: str
    body: Node  # the quotation's term; `_HOLE` idents stand for the variable

    def __str__(self) -> str:
        return f"macro {self.atom!r} {self.var}:term => `({self.body.to_source().strip()})"


def read_prefix_macro(stx: Node) -> PrefixMacro | None:
    """The macro if `stx` is `macro[:p] "atom" x:term[:p] : term => `(body)`, else None."""
    pattern = next((c for c in stx.children if type(c) is Node and c.kind == "pattern"), None)
    quote = next((c for c in stx.children if type(c) is Node and c.kind == "quotation"), None)
    if pattern is None or quote is None:
        return None
    after = stx.children[stx.children.index(pattern) + 1 :]
    cat = [t.text for t in after if type(t) is Token][:2]
    if cat != [":", "term"]:
        return None
    toks = [t for t in pattern.children if type(t) is Token]
    if len(toks) < 4 or toks[0].kind != "str" or toks[1].kind != "ident":
        return None
    if [t.text for t in toks[2:4]] != [":", "term"] or not all(t.text == ":" or t.kind in ("ident", "num") for t in toks[4:]):
        return None
    atom = toks[0].text[1:-1].strip()
    if atom not in PREFIX_ATOMS:
        return None
    var = toks[1].text
    qt = list(quote.tokens())
    if len(qt) < 3 or qt[0].text != "`(" or qt[-1].text != ")":
        return None
    parts = []
    i = 1
    while i < len(qt) - 1:
        t = qt[i]
        if t.text == "$" and i + 1 < len(qt) - 1 and qt[i + 1].text == var and not qt[i + 1].leading:
            parts.append(t.leading + _HOLE)
            i += 2
            continue
        if t.text == "$":
            return None  # an antiquotation of something else: not this simple shape
        parts.append(t.leading + t.text)
        i += 1
    body = _parse_term("".join(parts))
    return None if body is None else PrefixMacro(atom, var, body)


def _parse_term(text: str) -> Node | None:
    from nleanjit.syntax.parser import Parser

    p = Parser(text, "<macro>")
    try:
        node = p.term()
    except Exception:  # the parser's own errors: the macro is then left unread, as before
        return None
    if p.diagnostics or p.tok.kind != "eof":
        return None
    return node


def expand(m: PrefixMacro, arg: Node | Token, at: Token) -> Node | Token:
    """The body with the variable replaced by `arg`; the body's tokens are placed at `at` (the use's operator)."""

    def go(n):
        if type(n) is Token:
            if n.kind == "ident" and n.text == _HOLE:
                return arg
            return Token(n.kind, n.text, n.leading, at.offset, at.line, at.col, n.error)
        kids = [go(c) for c in n.children]
        if n.kind == "ident" and len(kids) == 1 and kids[0] is arg:
            return _paren(arg, at)
        return Node(n.kind, kids)

    return go(m.body)


def _paren(arg, at: Token) -> Node:
    """`(arg)`: the operand stands as one term where the body had an identifier."""
    return Node("paren", [Token("sym", "(", "", at.offset, at.line, at.col), arg, Token("sym", ")", "", at.offset, at.line, at.col)])
