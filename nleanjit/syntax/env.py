"""The syntax environment a module exports to the modules that import it.

In Lean, `notation`, `infix`, `syntax`, `macro`, `elab` and `declare_syntax_cat`
extend the grammar for every module that imports the declaring one,
transitively (they are environment extensions, stored in the `.olean`). Here a
module's `SyntaxEnv` is the ordered list of its user-syntax declarations, its
own and those of everything it imports, each a `SyntaxDecl`: the data of one
declaration, enough for a parser to register it again (tokens, keywords,
operators, notation patterns). A parser exports one after parsing a module and
replays the union of its imports' at the start of another (`NotationParser`).

What is exported follows Lean: `local` declarations are not; `scoped` ones are,
tagged with the namespace they were declared in, and become active in an
importer only once that namespace is opened (`open N`, `namespace N`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, eq=False)
class SyntaxDecl:
    """One user-syntax declaration.

    kind: `infix`/`infixl`/`infixr`/`prefix`/`postfix` (an operator), `notation`
    or `syntax` (a pattern for `category`), `abbrev` (`syntax name := p`, a
    parser alias called `name`), or `category` (`declare_syntax_cat name`).
    items: the pattern (`notation.Item`s). scope: the namespace of a `scoped`
    declaration, None for a global one. Compared by identity: a declaration
    reached through two import paths is registered once.
    """

    kind: str
    category: str = ""
    prec: int | None = None
    items: tuple = ()
    scope: str | None = None
    name: str = ""

    def __str__(self) -> str:
        scoped = f"scoped[{self.scope}] " if self.scope else ""
        prec = "" if self.prec is None else f":{self.prec}"
        if self.kind == "category":
            return f"{scoped}declare_syntax_cat {self.name}"
        pattern = " ".join(str(item) for item in self.items)
        if self.kind == "abbrev":
            return f"{scoped}syntax {self.name} := {pattern}"
        if self.kind == "syntax":
            return f"{scoped}syntax{prec} {pattern} : {self.category}"
        return f"{scoped}{self.kind}{prec} {pattern}"


@dataclass(frozen=True)
class SyntaxEnv:
    """The user syntax a module makes available to its importers, in declaration order."""

    decls: tuple[SyntaxDecl, ...] = ()

    def __str__(self) -> str:
        return "\n".join(str(d) for d in self.decls)

    def __len__(self) -> int:
        return len(self.decls)


EMPTY_ENV = SyntaxEnv()
