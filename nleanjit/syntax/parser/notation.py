"""User syntax: `notation`, the `infix` family, `syntax`, `macro`, `elab`,
`macro_rules`/`elab_rules` and `declare_syntax_cat`.

Each declaration is parsed into the tree and also *registered*: its string
atoms join the token table (the rest of the file is lexed again with them),
identifier-like atoms become keywords, and its pattern becomes a parser for
its category for the rest of the file, at its precedence — as Lean's
`addParserTokens` and parser-extension attributes do.

Every declaration is first turned into a `SyntaxDecl` (the data of the
declaration) and then *applied* to the parser's tables; the declarations that
Lean would export (not `local`) are collected into the module's `SyntaxEnv`,
and `import_env` applies another module's declarations the same way. `scoped`
declarations wait in `pending_scoped` until their namespace is opened.
"""

from __future__ import annotations

from nleanjit.syntax import tokens as T
from nleanjit.syntax.env import SyntaxDecl, SyntaxEnv
from nleanjit.syntax.lexer import IDENT_RE
from nleanjit.syntax.parser.base import ARG_PREC, LEAD_PREC, MAX_PREC, MIN_PREC, ParseError
from nleanjit.syntax.parser.terms import Operator
from nleanjit.syntax.tree import Node

_NAMED_PRECS = {"max": MAX_PREC, "arg": ARG_PREC, "lead": LEAD_PREC, "min": MIN_PREC, "min1": MIN_PREC + 1}
# Syntax-DSL combinators that take parenthesized arguments, and no-op formatting hints.
_DSL_FUNCTIONS = frozenset(["sepBy", "sepBy1", "many", "many1", "optional", "group", "withPosition", "atomic",
                            "sepByIndent", "sepBy1Indent", "manyIndent", "many1Indent", "ppGroup", "ppIndent",
                            "ppRealGroup", "ppRealFill", "ppDedent", "incQuotDepth", "interpolatedStr", "withoutPosition",
                            "sepByIndentSemicolon", "notFollowedBy", "lookahead", "orelse", "first"])
_DSL_NOOPS = frozenset(["ppSpace", "ppLine", "ppHardSpace", "ppAllowUngrouped", "ppHardLineUnlessUngrouped",
                        "colGt", "colGe", "colEq", "lineEq", "checkColGt", "noWs", "ws", "linebreak", "ppDedentIfGrouped"])
# Layout checks against the position saved by the enclosing block (`base`).
_DSL_COLUMN_CHECKS = {"colGt": "colgt", "checkColGt": "colgt", "colGe": "colge", "checkColGe": "colge"}
_INFIX_KINDS = frozenset(["infix", "infixl", "infixr", "prefix", "postfix"])
# Categories that `command()` parses before it looks at a command's first atom:
# `mods:declModifiers "alias " …` is indexed by `alias`.
_COMMAND_PREFIX_CATEGORIES = frozenset(["declModifiers", "docComment", "attributes"])


class Item:
    """One element of a user syntax pattern."""

    __slots__ = ("kind", "text", "prec", "items", "sep")

    def __init__(self, kind: str, text: str = "", prec: int = 0, items=None, sep: str | None = None):
        self.kind = kind  # atom | word (`&"x"`, not a keyword) | cat | seq | opt | many | many1 | sepby | sepby1 | alt
        self.text = text  # the atom, or the category name
        self.prec = prec
        self.items = items or []
        self.sep = sep

    def __str__(self) -> str:
        kind = self.kind
        if kind == "atom":
            return f'"{self.text}"'
        if kind == "word":
            return f'&"{self.text}"'
        if kind == "cat":
            return f"{self.text}:{self.prec}"
        if kind in ("colgt", "colge"):
            return "colGt" if kind == "colgt" else "colGe"
        inner = " ".join(s for s in (str(it) for it in self.items) if s)
        if kind == "seq" and len(self.items) <= 1:
            return inner  # a group of one item, or a formatting hint (empty)
        if kind == "alt":
            return "(" + " <|> ".join(str(it) for it in self.items) + ")"
        if kind in ("sepby", "sepby1"):
            return f'{kind}({inner}, "{self.sep}")'
        suffix = {"opt": "?", "many": "*", "many1": "+"}.get(kind, "")
        return f"({inner}){suffix}"


class Notation:
    __slots__ = ("category", "prec", "items", "trailing")

    def __init__(self, category: str, prec: int, items: list, trailing: bool):
        self.category = category
        self.prec = prec
        self.items = items
        self.trailing = trailing


class NotationParser:
    def init_notations(self) -> None:
        self.leading_notations: dict[str, list[Notation]] = {}
        self.trailing_notations: dict[str, list[Notation]] = {}
        self.tactic_notations: dict[str, list[Notation]] = {}
        self.command_notations: dict[str, list[Notation]] = {}
        self.category_notations: dict[str, dict[str, list[Notation]]] = {}
        self.trailing_tactic_notations: dict[str, list[Notation]] = {}  # `t:tactic " <;> " "[" …`
        self.syntax_abbrevs: dict[str, list[Item]] = {}  # `syntax name := p`
        self.try_trailing_notation = self.trailing_notation
        # The module's syntax environment: imported declarations, then its own
        # exported ones; `known_decls` keeps diamond imports from applying twice.
        self.env_decls: list[SyntaxDecl] = []
        self.known_decls: set[SyntaxDecl] = set()
        self.pending_scoped: dict[str, list[SyntaxDecl]] = {}
        self.active_scopes: set[str] = set()
        self.scopes: list[tuple[str, str]] = []  # open `namespace`/`section`/`mutual` blocks
        self.attr_kind: str | None = None  # `local` / `scoped` before the current command
        self.skip_bodies = False  # scanning a module for its exports: no macro/elab bodies

    # -- the syntax environment ---------------------------------------------
    def export_env(self) -> SyntaxEnv:
        return SyntaxEnv(tuple(self.env_decls))

    def import_env(self, env: SyntaxEnv) -> None:
        """Apply an imported module's declarations (Lean's import of parser extensions)."""
        atoms: list[str] = []
        for decl in env.decls:
            if decl in self.known_decls:
                continue
            self.known_decls.add(decl)
            self.env_decls.append(decl)
            if decl.scope is not None and decl.scope not in self.active_scopes:
                self.pending_scoped.setdefault(decl.scope, []).append(decl)
            else:
                atoms.extend(self.apply_decl(decl))
        self.add_tokens(atoms)

    def import_module(self, name: str) -> None:
        if self.resolver is None:
            return
        env = self.resolver.env_of(name)
        if env is not None:
            self.import_env(env)

    def declare(self, decl: SyntaxDecl) -> None:
        """A declaration of this module: active from here on, exported unless `local`."""
        if self.attr_kind != "local":
            self.known_decls.add(decl)
            self.env_decls.append(decl)
        self.add_tokens(self.apply_decl(decl))

    def decl_scope(self) -> str | None:
        if self.attr_kind != "scoped":
            return None
        return self.current_namespace() or None

    def current_namespace(self) -> str:
        return ".".join(name for kind, name in self.scopes if kind == "namespace" and name)

    def activate_scope(self, namespace: str) -> None:
        """`open N` / `namespace N`: N's scoped syntax becomes active."""
        if namespace in self.active_scopes:
            return
        self.active_scopes.add(namespace)
        decls = self.pending_scoped.pop(namespace, None)
        if decls:
            atoms: list[str] = []
            for decl in decls:
                atoms.extend(self.apply_decl(decl))
            self.add_tokens(atoms)

    def enter_scope(self, kind: str, name: str = "") -> None:
        self.scopes.append((kind, name))
        if kind == "namespace":
            full = self.current_namespace()
            parts = full.split(".")
            for n in range(1, len(parts) + 1):
                self.activate_scope(".".join(parts[:n]))

    def exit_scope(self) -> None:
        # Scoped and local syntax stays active past `end` (an over-approximation:
        # Lean deactivates it), so nothing else to undo here.
        if self.scopes:
            self.scopes.pop()

    def open_namespaces(self, names: list[str]) -> None:
        """`open A B`: each name relative to the current namespace and its parents, as Lean resolves it."""
        parts = self.current_namespace().split(".") if self.scopes else []
        for name in names:
            self.activate_scope(name)
            for n in range(1, len(parts) + 1):
                self.activate_scope(".".join(parts[:n] + [name]))

    def apply_decl(self, decl: SyntaxDecl) -> list[str]:
        """Register one declaration in the parser's tables; returns the atoms the token table needs."""
        kind = decl.kind
        if kind == "category":
            self.category_notations.setdefault(decl.name, {})
            return []
        items = list(decl.items)
        if kind == "abbrev":
            self.syntax_abbrevs[decl.name] = items
            atoms: list[str] = []
            _collect_atoms(items, atoms)
            return atoms
        if kind in _INFIX_KINDS:
            return self.apply_operator(kind, decl.prec, items)
        prec = MAX_PREC if decl.prec is None else decl.prec
        return self.register_pattern(decl.category or "term", prec, items)

    # -- declarations -------------------------------------------------------
    def precedence(self, kids: list) -> int | None:
        """An optional `:prec` right after a keyword or category."""
        tok = self.tok
        if not (tok.kind == T.SYM and tok.text == ":" and not tok.leading):
            return None
        nxt = self.peek()
        if nxt.leading:
            return None
        if nxt.kind == T.NUM:
            kids.append(self.advance())
            num = self.advance()
            kids.append(num)
            return int(num.text, 0) if num.text.isdigit() else MAX_PREC
        if nxt.kind == T.IDENT and nxt.text in _NAMED_PRECS:
            kids.append(self.advance())
            kids.append(self.advance())
            return _NAMED_PRECS[nxt.text]
        if nxt.kind == T.SYM and nxt.text == "(":
            kids.append(self.advance())
            group = self.balanced_group()
            kids.extend(group)
            return MAX_PREC
        return None

    def named_options(self, kids: list) -> None:
        while self.at_sym("(") and self.peek().kind == T.IDENT and self.peek(2).text == ":=":
            kids.append(self.named_argument())

    def notation_command(self) -> Node:
        kw = self.advance()
        kids = [kw]
        prec = self.precedence(kids)
        self.named_options(kids)
        items: list[Item] = []
        pattern: list = []
        while not self.at_sym("=>"):
            tok = self.tok
            if tok.kind == T.STR:
                pattern.append(self.advance())
                items.append(Item("atom", _atom_text(tok.text)))
            elif tok.kind == T.IDENT and tok.text not in self.reserved:
                pattern.append(self.advance())
                item_kids: list = []
                p = self.precedence(item_kids)
                pattern.extend(item_kids)
                items.append(Item("cat", "term", MIN_PREC if p is None else p))
            else:
                raise self.fail("'=>'")
        kids.append(Node("pattern", pattern))
        kids.append(self.advance())
        decl = SyntaxDecl(kw.text, "term", prec, tuple(items), self.decl_scope())
        self.parse_body(decl, kids, self.term)
        return Node("notation", kids)

    def parse_body(self, decl: SyntaxDecl, kids: list, body) -> None:
        """The right of `=>`; the declaration holds even when its body has an error (or is skipped)."""
        if self.skip_bodies:
            self.declare(decl)
            return
        try:
            kids.append(body())
        except ParseError:
            self.declare(decl)
            raise
        self.declare(decl)

    def apply_operator(self, kind: str, prec: int | None, items: list[Item]) -> list[str]:
        atoms = [it.text for it in items if it.kind == "atom"]
        if not atoms:
            return []
        p = MAX_PREC if prec is None else prec
        atom = atoms[0]
        if kind == "infixl":
            self.operators[atom] = Operator(p, p, p + 1)
        elif kind == "infixr":
            self.operators[atom] = Operator(p, p + 1, p)
        elif kind == "infix":
            self.operators[atom] = Operator(p, p + 1, p + 1)
        elif kind == "prefix":
            self.prefix[atom] = (p, p)
        else:
            self.postfix[atom] = p
        if IDENT_RE.fullmatch(atom):
            self.reserved.add(atom)
            if kind.startswith("infix"):
                self.word_operators.add(atom)
        return atoms

    def syntax_command(self) -> Node:
        kw = self.advance()
        kids = [kw]
        prec = self.precedence(kids)
        self.named_options(kids)
        if kw.text == "syntax" and self.tok.kind == T.IDENT and self.peek().text == ":=":
            # `syntax name := parser`: a parser alias
            name = self.advance()
            kids.append(name)
            kids.append(self.advance())
            items, pattern = self.syntax_items(stop=())
            kids.append(Node("pattern", pattern))
            self.declare(SyntaxDecl("abbrev", "", None, tuple(items), self.decl_scope(), name.text))
            return Node("syntax_abbrev", kids)
        items, pattern = self.syntax_items(stop=(":",))
        kids.append(Node("pattern", pattern))
        kids.append(self.expect(":"))
        cat_tok = self.advance()
        kids.append(cat_tok)
        category = cat_tok.text.split(".")[-1]
        decl = SyntaxDecl("syntax", category, prec, tuple(items), self.decl_scope())
        if kw.text == "syntax":
            self.declare(decl)
        else:
            self.precedence(kids)
            if self.at_sym("<="):
                kids.append(self.advance())
                kids.append(self.term())
            kids.append(self.expect("=>"))
            self.parse_body(decl, kids, self.term)
        return Node(kw.text, kids)

    def syntax_items(self, stop: tuple) -> tuple[list[Item], list]:
        """The syntax DSL: atoms, `x:cat:prec`, `cat:prec`, `(…)?`, `(…)*`, `sepBy(p, ",")`, `many(p)`."""
        items: list[Item] = []
        pattern: list = []
        while True:
            tok = self.tok
            if tok.kind == T.EOF or (tok.kind == T.SYM and tok.text in stop):
                break
            if tok.kind == T.SYM and tok.text == "<|>" and items:
                pattern.append(self.advance())  # a top-level choice: keep both sides' atoms
                continue
            item = self.syntax_item(pattern)
            if item is None:
                break
            items.append(item)
        return items, pattern

    def syntax_item(self, pattern: list) -> Item | None:
        tok = self.tok
        item: Item | None
        if tok.kind == T.STR:
            pattern.append(self.advance())
            item = Item("atom", _atom_text(tok.text))
        elif tok.kind == T.SYM and tok.text == "&" and self.peek().kind == T.STR:
            pattern.append(self.advance())
            s = self.advance()
            pattern.append(s)
            item = Item("word", _atom_text(s.text))  # Lean's nonReservedSymbol: no keyword
        elif tok.kind == T.SYM and tok.text in ("!", "-"):
            pattern.append(self.advance())
            self.syntax_item(pattern)  # a lookahead guard (`!p`): it matches no tokens
            item = Item("seq", items=[])
        elif tok.kind == T.SYM and tok.text == "(":
            pattern.append(self.advance())
            alts: list[list[Item]] = []
            while True:
                sub, sub_pat = self.syntax_items(stop=(")", "<|>"))
                pattern.extend(sub_pat)
                alts.append(sub)
                if self.at_sym("<|>"):
                    pattern.append(self.advance())
                    continue
                break
            pattern.append(self.expect(")"))
            item = Item("seq", items=alts[0]) if len(alts) == 1 else Item("alt", items=[Item("seq", items=a) for a in alts])
        elif tok.kind == T.IDENT:
            name = self.advance()
            pattern.append(name)
            text = name.text
            if self.at_sym(":") and not self.tok.leading and not self.peek().leading:
                nxt = self.peek()
                if nxt.kind == T.STR or (nxt.kind == T.SYM and nxt.text == "("):
                    pattern.append(self.advance())  # `x:"atom"` or `x:(…)`: a named item
                    return self.syntax_item(pattern)
                if nxt.kind == T.IDENT and nxt.text in _DSL_FUNCTIONS:
                    pattern.append(self.advance())
                    name = self.advance()
                    pattern.append(name)
                    text = name.text
            if text in _DSL_COLUMN_CHECKS:
                return Item(_DSL_COLUMN_CHECKS[text])
            if text in _DSL_NOOPS:
                return Item("seq", items=[])
            if text in _DSL_FUNCTIONS and self.at_sym("(") and not self.tok.leading:
                pattern.append(self.advance())
                args: list[list[Item]] = []
                seps: list[str] = []
                while not self.at_sym(")") and self.tok.kind != T.EOF:
                    if self.tok.kind == T.STR and args:
                        seps.append(_atom_text(self.tok.text))
                        pattern.append(self.advance())
                    else:
                        sub, sub_pat = self.syntax_items(stop=(",", ")"))
                        pattern.extend(sub_pat)
                        args.append(sub)
                    if not self.accept(",", pattern):
                        break
                pattern.append(self.expect(")"))
                body = args[0] if args else []
                if text.startswith("sepBy"):
                    item = Item("sepby1" if "1" in text else "sepby", items=body, sep=seps[0] if seps else ",")
                elif text.startswith("many"):
                    item = Item("many1" if "1" in text else "many", items=body)
                elif text == "optional":
                    item = Item("opt", items=body)
                else:
                    item = Item("seq", items=body)
            else:
                category = text
                if self.at_sym(":") and not self.tok.leading and self.peek().kind == T.IDENT and not self.peek().leading and self.peek().text not in _NAMED_PRECS:
                    pattern.append(self.advance())  # x:cat binding
                    cat_tok = self.advance()
                    pattern.append(cat_tok)
                    category = cat_tok.text
                prec_kids: list = []
                p = self.precedence(prec_kids)
                pattern.extend(prec_kids)
                item = Item("cat", category.split(".")[-1], MIN_PREC if p is None else p)
        else:
            return None
        # postfix repetition markers
        while True:
            tok = self.tok
            if tok.kind != T.SYM or tok.leading:
                break
            if tok.text == "?":
                pattern.append(self.advance())
                item = Item("opt", items=[item])
            elif tok.text == "*":
                pattern.append(self.advance())
                item = Item("many", items=[item])
            elif tok.text == "+":
                pattern.append(self.advance())
                item = Item("many1", items=[item])
            elif tok.text == "," and self.peek().kind == T.SYM and self.peek().text in ("*", "+") and not self.peek().leading:
                pattern.append(self.advance())
                mark = self.advance()
                pattern.append(mark)
                item = Item("sepby1" if mark.text == "+" else "sepby", items=[item], sep=",")
                if self.at_sym(",?") or (self.at_sym(",") and self.peek().text == "?" and not self.peek().leading):
                    pattern.append(self.advance())
                    if self.at_sym("?"):
                        pattern.append(self.advance())
            else:
                break
        return item

    def rules_command(self) -> Node:
        kids = [self.advance()]
        self.named_options(kids)
        if self.accept(":", kids):
            kids.append(self.advance())
        kids.append(self.match_alternatives(self.term))
        return Node("rules", kids)

    def declare_syntax_cat(self) -> Node:
        kids = [self.advance(), self.ident()]
        self.named_options(kids)
        self.declare(SyntaxDecl("category", "", None, (), self.decl_scope(), kids[1].text))
        return Node("declare_syntax_cat", kids)

    # -- registration -------------------------------------------------------
    def register_pattern(self, category: str, prec: int, items: list[Item]) -> list[str]:
        """Index a pattern by its first atom (leading) or by the atom after its category (trailing)."""
        items = _flatten(items)
        if not items:
            return []
        atoms: list[str] = []
        _collect_atoms(items, atoms)
        while len(items) > 1 and (
            items[0].kind in ("opt", "many", "colgt", "colge")
            or (category == "command" and items[0].kind == "cat" and items[0].text in _COMMAND_PREFIX_CATEGORIES)
        ):
            items = items[1:]  # `(docComment)? "#cmd" …`, `mods:declModifiers "alias " …`: index by the first atom
        first = items[0]
        if first.kind == "cat" and first.text == category and len(items) > 1 and items[1].kind == "atom":
            table = {"term": self.trailing_notations, "tactic": self.trailing_tactic_notations}.get(category)
            if table is not None:
                table.setdefault(items[1].text, []).append(Notation(category, prec, items, True))
                if category == "term" and IDENT_RE.fullmatch(items[1].text):
                    self.reserved.add(items[1].text)
            return atoms
        if first.kind not in ("atom", "word"):
            return atoms  # patterns led by another category are beyond this parser's user-syntax support
        lead = first.text
        if first.kind == "atom" and IDENT_RE.fullmatch(lead) and category in ("term", "command"):
            self.reserved.add(lead)
        table = {
            "term": self.leading_notations,
            "tactic": self.tactic_notations,
            "command": self.command_notations,
        }.get(category)
        if table is None:
            table = self.category_notations.setdefault(category, {})
        table.setdefault(lead, []).append(Notation(category, prec, items, False))
        return atoms

    def add_tokens(self, atoms: list[str]) -> None:
        if not atoms:
            return
        new = [a for a in atoms if a and not IDENT_RE.fullmatch(a) and a not in self.lx.table]
        if new:
            self.lx.relex_from(self.i, self.lx.table.extended(new))
            self.tok = self.lx.token(self.i)

    # -- use sites ----------------------------------------------------------
    def match_longest(self, notations, lhs=None):
        """Try every pattern here and keep the one that reads furthest (Lean's
        `longestMatch` among the parsers of one token). A trailing pattern gets
        its left side `lhs` and is matched after its leading category.
        Returns `(kids, notation)` positioned after the match, or `(None, error)`."""
        start = self.mark()
        best = None
        error: ParseError | None = None
        for notation in notations:
            kids: list = []
            try:
                if lhs is None:
                    self.match_items(notation.items, kids)
                else:
                    kids.append(lhs)
                    self.match_items(notation.items[1:], kids)
            except ParseError as err:
                if error is None or err.token.offset > error.token.offset:
                    error = err
            else:
                if best is None or self.i > best[0]:
                    best = (self.i, kids, notation, self.mark())
            self.reset(start)
        if best is None:
            return None, error
        self.reset(best[3])
        return best[1], best[2]

    def leading_notation(self, min_prec: int):
        notations = [n for n in self.leading_notations.get(self.tok.text, ()) if n.prec >= min_prec or n.prec >= MAX_PREC]
        kids, found = self.match_longest(notations)
        if kids is None:
            raise found or self.fail("term")
        return Node("notation_app", kids), found.prec

    def trailing_notation(self, lhs: Node, lhs_prec: int, min_prec: int):
        tok = self.tok
        if tok.kind not in (T.SYM, T.IDENT):
            return None
        notations = self.trailing_notations.get(tok.text)
        if not notations:
            return None
        kids, found = self.match_longest([n for n in notations if n.prec >= min_prec], lhs)
        if kids is None:
            return None
        return Node("notation_app", kids), found.prec

    def trailing_tactic(self, lhs: Node) -> Node | None:
        """`t <;> [t1; t2]`: a tactic pattern led by `tactic`, tried after a complete tactic."""
        kids, _ = self.match_longest(self.trailing_tactic_notations.get(self.tok.text, ()), lhs)
        return None if kids is None else Node("tactic_notation", kids)

    def user_tactic(self):
        kids, found = self.match_longest(self.tactic_notations.get(self.tok.text, ()))
        if kids is not None:
            return Node("tactic_notation", kids)
        if self.tok.kind == T.IDENT:
            return None  # a built-in tactic of the same name
        raise found or self.fail("tactic")

    def user_command(self) -> Node:
        kids, found = self.match_longest(self.command_notations.get(self.tok.text, ()))
        if kids is None:
            raise found or self.fail("command")
        return Node("command_notation", kids)

    def match_items(self, items: list[Item], kids: list) -> None:
        for item in items:
            self.match_item(item, kids)

    def match_item(self, item: Item, kids: list) -> None:
        kind = item.kind
        if kind == "atom" or kind == "word":
            tok = self.tok
            if tok.text == item.text and tok.kind in (T.SYM, T.IDENT):
                kids.append(self.advance())
                return
            raise self.fail(f"'{item.text}'")
        if kind == "cat":
            kids.append(self.parse_category(item.text, item.prec))
            return
        if kind == "seq":
            self.match_items(item.items, kids)
            return
        if kind == "colgt":
            if self.tok.col > self.pos_col:
                return
            raise ParseError(self.tok, "token right of the block's column")
        if kind == "colge":
            if self.tok.col >= self.pos_col:
                return
            raise ParseError(self.tok, "token at or right of the block's column")
        if kind == "alt":
            start, n = self.mark(), len(kids)
            last = None
            for alt in item.items:
                try:
                    self.match_item(alt, kids)
                    return
                except ParseError as err:
                    last = err
                    self.reset(start)
                    del kids[n:]
            raise last or self.fail("syntax")
        if kind == "opt":
            self.try_items(item.items, kids)
            return
        if kind in ("many", "many1"):
            count = 0
            while self.try_items(item.items, kids):
                count += 1
            if kind == "many1" and count == 0:
                self.match_items(item.items, kids)
            return
        if kind in ("sepby", "sepby1"):
            if not self.try_items(item.items, kids):
                if kind == "sepby1":
                    self.match_items(item.items, kids)
                return
            while self.at(item.sep or ","):
                start, n = self.mark(), len(kids)
                kids.append(self.advance())
                if not self.try_items(item.items, kids):
                    self.reset(start)
                    del kids[n:]
                    break
            return
        raise self.fail("syntax")

    def try_items(self, items: list[Item], kids: list) -> bool:
        start, n = self.mark(), len(kids)
        if self.tok.kind == T.EOF:
            return False
        try:
            self.match_items(items, kids)
        except ParseError:
            self.reset(start)
            del kids[n:]
            return False
        if self.i == start[0]:
            return False
        return True

    def parse_category(self, category: str, prec: int):
        tok = self.tok
        if category == "term":
            if not self.can_start_term():
                raise self.fail("term")
            return self.term(max(prec, MIN_PREC) if prec else MIN_PREC)
        if category in ("ident", "rawIdent"):
            return self.ident()
        if category in ("num", "numLit"):
            if tok.kind == T.NUM:
                return self.advance()
            raise self.fail("numeral")
        if category in ("str", "strLit"):
            if tok.kind == T.STR:
                return self.advance()
            raise self.fail("string literal")
        if category in ("scientific", "scientificLit"):
            if tok.kind in (T.SCI, T.NUM):
                return self.advance()
            raise self.fail("scientific literal")
        if category in ("char", "charLit"):
            if tok.kind == T.CHAR:
                return self.advance()
            raise self.fail("character literal")
        if category in ("name", "nameLit"):
            if tok.kind == T.NAME:
                return self.advance()
            raise self.fail("name literal")
        if category == "tactic":
            return self.tactic()
        if category == "docComment":
            if tok.kind == T.DOC:
                return self.advance()
            raise self.fail("doc comment")
        if category in ("tacticSeq", "tacticSeqBracketed", "tacticSeq1Indented"):
            return self.tactic_seq()
        if category in ("doSeq",):
            return self.do_seq()
        if category == "doElem":
            return self.do_elem()
        if category == "command":
            return self.command()
        if category in ("binderIdent", "hole"):
            return self.binder_ident()
        if category in ("bracketedBinder", "explicitBinder", "implicitBinder", "instBinder"):
            return self.bracketed_binder()
        if category in ("funBinder",):
            return self.fun_binder()
        if category in ("matchAlts",):
            return self.match_alternatives(self.term)
        if category in ("declId",):
            kids: list = []
            self.decl_id(kids)
            return Node("decl_id", kids)
        if category in ("interpolatedStr",):
            return Node("interp", self.interpolated_string())
        if category in ("level",):
            return self.level()
        if category == "declModifiers":
            return self.modifiers()
        if category in ("optConfig", "config"):
            return self.config_items()
        if category in ("rcasesPat", "rcasesPatMed", "rcasesPatLo"):
            return self.rcases_pattern()
        if category == "rintroPat":
            return self.rcases_pattern(arg=True)
        if category in ("declSig", "optDeclSig"):
            kids = []
            self.decl_binders(kids)
            self.opt_type(kids)
            return Node("decl_sig", kids)
        if category == "declVal":
            kids = []
            self.decl_body(kids)
            return Node("decl_val", kids)
        abbrev = self.syntax_abbrevs.get(category)
        if abbrev is not None:
            kids = []
            self.match_items(abbrev, kids)
            return Node(category, kids)
        table = self.category_notations.get(category)
        if table is not None:
            kids, _ = self.match_longest(table.get(tok.text, ()))
            if kids is None:
                raise self.fail(category)
            return Node(category, kids)
        # an unknown parser alias: the best general guess is a term
        return self.term(MAX_PREC if prec >= MAX_PREC else MIN_PREC)


    def config_items(self) -> Node:
        """Lean's `optConfig`: `+opt`, `-opt`, `(opt := v)`, `(config := v)`, any number."""
        kids: list = []
        while True:
            tok = self.tok
            nxt = self.peek()
            if tok.kind == T.SYM and tok.text in ("+", "-") and nxt.kind == T.IDENT and not nxt.leading:
                kids.append(self.advance())
                kids.append(self.advance())
            elif tok.kind == T.SYM and tok.text == "(" and nxt.kind == T.IDENT and self.peek(2).text == ":=":
                kids.append(self.named_argument())
            else:
                return Node("config", kids)


def _atom_text(literal: str) -> str:
    """The atom of a syntax string literal, trimmed as Lean trims it."""
    body = literal[1:-1] if literal.startswith('"') else literal
    return body.replace('\\"', '"').replace("\\\\", "\\").strip()


def _flatten(items: list[Item]) -> list[Item]:
    out: list[Item] = []
    for it in items:
        if it.kind == "seq":
            out.extend(_flatten(it.items))
        else:
            out.append(it)
    return out


def _collect_atoms(items: list[Item], out: list[str]) -> None:
    for it in items:
        if it.kind == "atom":
            out.append(it.text)
        elif it.kind != "word":  # non-reserved atoms never enter the token table
            _collect_atoms(it.items, out)
