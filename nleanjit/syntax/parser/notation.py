"""User syntax: `notation`, the `infix` family, `syntax`, `macro`, `elab`,
`macro_rules`/`elab_rules` and `declare_syntax_cat`.

Each declaration is parsed into the tree and also *registered*: its string
atoms join the token table (the rest of the file is lexed again with them),
identifier-like atoms become keywords, and its pattern becomes a parser for
its category for the rest of the file, at its precedence — as Lean's
`addParserTokens` and parser-extension attributes do.
"""

from __future__ import annotations

from nleanjit.syntax import tokens as T
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


class Item:
    """One element of a user syntax pattern."""

    __slots__ = ("kind", "text", "prec", "items", "sep")

    def __init__(self, kind: str, text: str = "", prec: int = 0, items=None, sep: str | None = None):
        self.kind = kind  # atom | cat | opt | many | many1 | sepby | sepby1 | alt
        self.text = text  # the atom, or the category name
        self.prec = prec
        self.items = items or []
        self.sep = sep


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
        self.try_trailing_notation = self.trailing_notation

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
        kids.append(self.term())
        self.register_notation(kw.text, prec, items)
        return Node("notation", kids)

    def register_notation(self, kind: str, prec: int | None, items: list[Item]) -> None:
        atoms = [it.text for it in items if it.kind == "atom"]
        if not atoms:
            return
        p = MAX_PREC if prec is None else prec
        if kind in ("infix", "infixl", "infixr", "prefix", "postfix"):
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
            self.add_tokens(atoms)
            return
        self.register_pattern("term", p, items)

    def syntax_command(self) -> Node:
        kw = self.advance()
        kids = [kw]
        prec = self.precedence(kids)
        self.named_options(kids)
        if kw.text == "syntax" and self.tok.kind == T.IDENT and self.peek().text == ":=":
            # `syntax name := parser`: a parser alias
            kids.append(self.advance())
            kids.append(self.advance())
            _items, pattern = self.syntax_items(stop=())
            kids.append(Node("pattern", pattern))
            return Node("syntax_abbrev", kids)
        items, pattern = self.syntax_items(stop=(":",))
        kids.append(Node("pattern", pattern))
        kids.append(self.expect(":"))
        cat_tok = self.advance()
        kids.append(cat_tok)
        if kw.text != "syntax":
            self.precedence(kids)
            if self.at_sym("<="):
                kids.append(self.advance())
                kids.append(self.term())
            kids.append(self.expect("=>"))
            kids.append(self.term())
        category = cat_tok.text.split(".")[-1]
        self.register_pattern(category, MAX_PREC if prec is None else prec, items)
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
            item = Item("atom", _atom_text(s.text))
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
        self.category_notations.setdefault(kids[1].text, {})
        return Node("declare_syntax_cat", kids)

    # -- registration -------------------------------------------------------
    def register_pattern(self, category: str, prec: int, items: list[Item]) -> None:
        items = _flatten(items)
        if not items:
            return
        atoms: list[str] = []
        _collect_atoms(items, atoms)
        self.add_tokens(atoms)
        while len(items) > 1 and items[0].kind in ("opt", "many"):
            items = items[1:]  # `(docComment)? "#cmd" …`: index by the first atom
        first = items[0]
        if category == "term" and first.kind == "cat" and first.text == "term" and len(items) > 1 and items[1].kind == "atom":
            self.trailing_notations.setdefault(items[1].text, []).append(Notation(category, prec, items, True))
            if IDENT_RE.fullmatch(items[1].text):
                self.reserved.add(items[1].text)
            return
        if first.kind != "atom":
            return  # patterns led by a category are beyond this parser's user-syntax support
        lead = first.text
        if IDENT_RE.fullmatch(lead) and category in ("term", "command"):
            self.reserved.add(lead)
        table = {
            "term": self.leading_notations,
            "tactic": self.tactic_notations,
            "command": self.command_notations,
        }.get(category)
        if table is None:
            table = self.category_notations.setdefault(category, {})
        table.setdefault(lead, []).append(Notation(category, prec, items, False))

    def add_tokens(self, atoms: list[str]) -> None:
        new = [a for a in atoms if a and not IDENT_RE.fullmatch(a) and a not in self.lx.table]
        if new:
            self.lx.relex_from(self.i, self.lx.table.extended(new))
            self.tok = self.lx.token(self.i)

    # -- use sites ----------------------------------------------------------
    def leading_notation(self, min_prec: int):
        start = self.mark()
        error: ParseError | None = None
        for notation in self.leading_notations.get(self.tok.text, ()):
            if notation.prec < min_prec and notation.prec < MAX_PREC:
                continue
            try:
                kids: list = []
                self.match_items(notation.items, kids)
                return Node("notation_app", kids), notation.prec
            except ParseError as err:
                error = err if error is None or err.token.offset > error.token.offset else error
                self.reset(start)
        raise error or self.fail("term")

    def trailing_notation(self, lhs: Node, lhs_prec: int, min_prec: int):
        tok = self.tok
        if tok.kind not in (T.SYM, T.IDENT):
            return None
        notations = self.trailing_notations.get(tok.text)
        if not notations:
            return None
        start = self.mark()
        for notation in notations:
            if notation.prec < min_prec:
                continue
            try:
                kids: list = [lhs]
                self.match_items(notation.items[1:], kids)
                return Node("notation_app", kids), notation.prec
            except ParseError:
                self.reset(start)
        return None

    def user_tactic(self):
        start = self.mark()
        error = None
        for notation in self.tactic_notations.get(self.tok.text, ()):
            try:
                kids: list = []
                self.match_items(notation.items, kids)
                return Node("tactic_notation", kids)
            except ParseError as err:
                error = error or err
                self.reset(start)
        if self.tok.kind == T.IDENT:
            return None
        raise error or self.fail("tactic")

    def user_command(self) -> Node:
        start = self.mark()
        error = None
        for notation in self.command_notations.get(self.tok.text, ()):
            try:
                kids: list = []
                self.match_items(notation.items, kids)
                return Node("command_notation", kids)
            except ParseError as err:
                error = error or err
                self.reset(start)
        raise error or self.fail("command")

    def match_items(self, items: list[Item], kids: list) -> None:
        for item in items:
            self.match_item(item, kids)

    def match_item(self, item: Item, kids: list) -> None:
        kind = item.kind
        if kind == "atom":
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
        table = self.category_notations.get(category)
        if table is not None:
            start = self.mark()
            for notation in table.get(tok.text, ()):
                try:
                    kids = []
                    self.match_items(notation.items, kids)
                    return Node(category, kids)
                except ParseError:
                    self.reset(start)
            raise self.fail(category)
        # an unknown parser alias: the best general guess is a term
        return self.term(MAX_PREC if prec >= MAX_PREC else MIN_PREC)


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
        else:
            _collect_atoms(it.items, out)
