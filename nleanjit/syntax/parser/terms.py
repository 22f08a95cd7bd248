"""Terms: Lean 4's term grammar as a Pratt parser over precedence levels.

Leading parsers are chosen by the first token; each has a precedence and only
runs when the caller's minimum precedence allows it (`fun` and identifiers at
`max`, `do` at `arg`, `if`/`let`/`∀`/`by` at `lead`). Trailing parsers are
binary operators with Lean's `infixl/infixr/infix` levels, projections and
indexing (no space before them), and application by juxtaposition, whose
arguments must start right of the saved layout column (`checkColGt`).
"""

from __future__ import annotations

from nleanjit.syntax import tokens as T
from nleanjit.syntax.parser.base import ARG_PREC, LEAD_PREC, MAX_PREC, MIN_PREC, ParseError
from nleanjit.syntax.tree import Node


class Operator:
    """A trailing binary operator: `lhs:lhs_prec op rhs:rhs_prec`, the result at `prec`."""

    __slots__ = ("prec", "lhs_prec", "rhs_prec")

    def __init__(self, prec: int, lhs_prec: int, rhs_prec: int):
        self.prec = prec
        self.lhs_prec = lhs_prec
        self.rhs_prec = rhs_prec


def infixl(p: int) -> Operator:
    return Operator(p, p, p + 1)


def infixr(p: int) -> Operator:
    return Operator(p, p + 1, p)


def infix(p: int) -> Operator:
    return Operator(p, p + 1, p + 1)


CORE_OPERATORS: dict[str, Operator] = {
    "∘": infixr(90),
    "^": infixr(75), "▸": infixr(75), ">>>": infixl(75), "<<<": infixl(75),
    "*": infixl(70), "/": infixl(70), "%": infixl(70), "∩": infixl(70), "\\": infixl(70), "÷": infixl(70),
    "•": infixr(73), "⊗": infixl(100),
    "::": infixr(67),
    "+": infixl(65), "-": infixl(65), "++": infixl(65), "∪": infixl(65), "+ᵥ": infixr(65),
    "&&&": infixl(58), "^^^": infixl(58), "|||": infixl(55),
    "=": infix(50), "==": infix(50), "!=": infix(50), "≠": infix(50), "<": infix(50), ">": infix(50),
    "≤": infix(50), "≥": infix(50), "<=": infix(50), ">=": infix(50), "∈": infix(50), "∉": infix(50),
    "⊆": infix(50), "⊂": infix(50), "⊇": infix(50), "⊃": infix(50), "≈": infix(50), "∣": infix(50),
    "≍": infix(50), "≅": infix(50), "≺": infix(50), "≼": infix(50), "<:": infix(50),
    "≃": infixr(25),
    "&&": infixl(35), "||": infixl(30), "∧": infixr(35), "∨": infixr(30), "/\\": infixr(35), "\\/": infixr(30),
    "×": infixr(35), "×'": infixr(35), "⊕": infixr(30),
    "↔": infix(20), "<->": infix(20),
    "→": infixr(25), "->": infixr(25), "⟶": infixr(10), "⥤": infixr(26), "≫": infixr(80),
    ">>=": infixl(55), ">>": infixl(60), "<*>": infixl(60), "<*": infixl(60), "*>": infixl(60),
    "<$>": infixr(100), "<&>": infixl(100), "<|>": infixl(20), ">=>": infixl(55), "<=<": infixr(55),
    "=<<": infixr(55),
    "...": infix(51), "..<": infix(51), "<...": infix(51), "<..<": infix(51), "<...<": infix(51), "<..": infix(51), "...=": infix(51), "=?=": infix(50),
    "|>": Operator(MIN_PREC, MIN_PREC, MIN_PREC + 1),
    "<|": Operator(MIN_PREC, MIN_PREC, MIN_PREC),
    "$": Operator(MIN_PREC, MIN_PREC, MIN_PREC),
    "<||>": infixl(30), "<&&>": infixl(35), "^^": infixl(33),
}

# Prefix operators: symbol -> (leading precedence, operand precedence).
CORE_PREFIX: dict[str, tuple[int, int]] = {
    "¬": (MAX_PREC, 40),
    "!": (MAX_PREC, 40),
    "-": (75, 75),
    "↑": (MAX_PREC, MAX_PREC),
    "⇑": (MAX_PREC, MAX_PREC),
    "↥": (MAX_PREC, MAX_PREC),
    "√": (100, 100),
    "∑": (67, 67),
    "∏": (67, 67),
    "~~~": (MAX_PREC, MAX_PREC),
    "@&": (LEAD_PREC, LEAD_PREC),  # a borrowed parameter's type: `(x : @& Array Nat)`
}

CORE_POSTFIX: dict[str, int] = {"⁻¹": MAX_PREC, "...*": 51}

# Identifier-like tokens of the core grammar: never identifiers in terms.
RESERVED = frozenset(
    """fun let have show from if then else match with do by at in where deriving calc return mut for
    unless while repeat break continue try catch finally suffices nomatch nofun termination_by
    decreasing_by bif haveI letI def theorem abbrev instance example opaque axiom structure class inductive namespace
    section end mutual variable universe import attribute private protected noncomputable partial
    unsafe notation infix infixl infixr prefix postfix macro macro_rules syntax declare_syntax_cat elab
    elab_rules initialize builtin_initialize export open set_option local scoped using generalizing
    extends Type Sort Prop omit include nonrec""".split()
)

# Symbols that can start an application argument (besides identifiers and literals).
_ARG_START_SYMS = frozenset(
    ["(", "[", "#[", "{", "⟨", "@", ".", "·", "_", "?", "‹", "¬", "!", "↑", "⇑", "↥", "`(", "``(", "`[",
     "λ", "⦃", "%[", "~~~", "⋯", "$(", "..", "?_", "∅", "#v["]
)
_ARG_START_WORDS = frozenset(["fun", "do", "Type", "Sort", "Prop", "by", "nofun"])
_LITERALS = frozenset([T.NUM, T.SCI, T.STR, T.CHAR, T.NAME, T.INTERP_STR, T.INTERP_START])
_BINDER_PRED_OPS = frozenset([">", "<", "≥", "≤", "≠", "∈", "∉", "⊆", "⊂", "⊇", "⊃", ">=", "<="])
_QUOTE_OPEN = frozenset(["`(", "``(", "`[", "$(", "(", "%[", "$["])


class TermParser:
    # -- the Pratt loop -----------------------------------------------------
    def term(self, min_prec: int = MIN_PREC) -> Node:
        self.enter()
        lhs, lhs_prec = self.leading_term(min_prec)
        while True:
            tok = self.tok
            kind = tok.kind
            if kind == T.SYM:
                text = tok.text
                if not tok.leading:
                    if text == "." :
                        nxt = self.peek()
                        if not nxt.leading and (nxt.kind == T.IDENT or nxt.kind == T.NUM):
                            lhs = Node("proj", [lhs, self.advance(), self.advance()])
                            lhs_prec = MAX_PREC
                            continue
                        if not nxt.leading and nxt.kind == T.SYM and nxt.text == "{":
                            lhs = Node("explicit_univ", [lhs, self.advance(), *self.universe_list()])
                            lhs_prec = MAX_PREC
                            continue
                    elif text == "[":
                        lhs = self.index_suffix(lhs)
                        lhs_prec = MAX_PREC
                        continue
                if text == ".." and (not tok.leading or not self.peek().leading) and self.peek().kind != T.SYM and min_prec <= 51 and lhs_prec >= 52:
                    lhs = Node("binop", [lhs, self.advance(), self.term(52)])
                    lhs_prec = 51
                    continue
                if text == "|>." and min_prec <= MIN_PREC:
                    kids = [lhs, self.advance(), self.field_name()]
                    node = Node("pipe_proj", kids)
                    self.collect_args(kids)
                    lhs, lhs_prec = node, MIN_PREC
                    continue
                op = self.operators.get(text)
                if op is not None and op.prec >= min_prec and lhs_prec >= op.lhs_prec:
                    optok = self.advance()
                    rhs = self.term(op.rhs_prec)
                    lhs = Node("binop", [lhs, optok, rhs])
                    lhs_prec = op.prec
                    continue
                post = self.postfix.get(text)
                if post is not None and post >= min_prec:
                    lhs = Node("postfix", [lhs, self.advance()])
                    lhs_prec = post
                    continue
            elif kind == T.IDENT and tok.text in self.word_operators:
                op = self.operators[tok.text]
                if op.prec >= min_prec and lhs_prec >= op.lhs_prec:
                    optok = self.advance()
                    rhs = self.term(op.rhs_prec)
                    lhs = Node("binop", [lhs, optok, rhs])
                    lhs_prec = op.prec
                    continue
            if self.trailing_notations and self.try_trailing_notation is not None:
                res = self.try_trailing_notation(lhs, lhs_prec, min_prec)
                if res is not None:
                    lhs, lhs_prec = res
                    continue
            if lhs_prec >= MAX_PREC and min_prec <= LEAD_PREC and tok.leading and self.can_start_arg() and self.col_ok():
                kids = [lhs]
                self.collect_args(kids)
                lhs, lhs_prec = Node("app", kids), LEAD_PREC
                continue
            break
        self.leave()
        return lhs

    def collect_args(self, kids: list) -> None:
        while self.tok.leading and self.can_start_arg() and self.col_ok():
            tok = self.tok
            if tok.kind == T.SYM and tok.text == "(" and self.peek().kind == T.IDENT and self.peek(2).text == ":=":
                kids.append(self.named_argument())
            elif tok.kind == T.SYM and tok.text == "..":
                kids.append(self.advance())
            elif tok.kind == T.IDENT and tok.text == "by":
                if self.no_by_arg:
                    return
                kids.append(self.by_term())
                return
            else:
                kids.append(self.term(ARG_PREC))

    def named_argument(self) -> Node:
        kids = [self.advance(), self.advance(), self.advance()]
        saved = self.pos_col
        self.pos_col = -1
        kids.append(self.term())
        self.pos_col = saved
        kids.append(self.expect(")"))
        return Node("named_arg", kids)

    def can_start_arg(self) -> bool:
        tok = self.tok
        kind = tok.kind
        if kind == T.IDENT:
            text = tok.text
            if text in self.reserved:
                if text == "do":
                    return not self.no_do
                return text in _ARG_START_WORDS or text in self.leading_notations
            return True
        if kind == T.SYM:
            text = tok.text
            if text in _ARG_START_SYMS or text in self.leading_notations:
                return True
            if text == "$" and not self.peek().leading:
                return True
            return False
        return kind in _LITERALS

    def can_start_term(self) -> bool:
        tok = self.tok
        if tok.kind == T.IDENT:
            text = tok.text
            return text not in self.reserved or text in _TERM_START_WORDS or text in self.leading_notations
        if tok.kind == T.SYM:
            return tok.text in _TERM_START_SYMS or tok.text in self.prefix or tok.text in self.leading_notations
        return tok.kind in _LITERALS

    # -- leading terms ------------------------------------------------------
    def leading_term(self, min_prec: int):
        tok = self.tok
        kind = tok.kind
        if kind == T.IDENT:
            text = tok.text
            if text not in self.reserved:
                return self.ident_term(), MAX_PREC
            handler = _WORD_TERMS.get(text)
            if handler is not None:
                prec, method = handler
                if min_prec > prec:
                    raise self.fail("term")
                return getattr(self, method)(), (MAX_PREC if prec == MAX_PREC else LEAD_PREC)
            if text in self.leading_notations:
                return self.leading_notation(min_prec)
            raise self.fail("term")
        if kind == T.SYM:
            text = tok.text
            handler = _SYM_TERMS.get(text)
            if handler is not None:
                prec, method = handler
                if min_prec > prec:
                    raise self.fail("term")
                return getattr(self, method)(), (MAX_PREC if prec == MAX_PREC else LEAD_PREC)
            if text == "$" and not self.peek().leading:
                return self.antiquotation(), MAX_PREC
            pre = self.prefix.get(text)
            if pre is not None:
                prec, arg_prec = pre
                if min_prec > prec:
                    raise self.fail("term")
                kids = [self.advance(), self.term(arg_prec)]
                return Node("prefix", kids), prec
            if text in self.leading_notations:
                return self.leading_notation(min_prec)
            raise self.fail("term")
        if kind in _LITERALS:
            if kind == T.INTERP_START or kind == T.INTERP_STR:
                return Node("interp", self.interpolated_string()), MAX_PREC
            lit = self.advance()
            nxt = self.tok
            if kind == T.NUM and nxt.kind == T.SYM and nxt.text == "." and not nxt.leading and not self.peek().leading \
                    and self.peek().kind == T.IDENT and lit.text.isdigit():
                # `31.succ` / `31.e`: Lean's number literal owns the decimal point
                if self.peek().text[0] in "eE":
                    raise ParseError(self.peek(), "term", "missing exponent digits in scientific literal")
                raise ParseError(lit, "term", "unexpected identifier after decimal point; consider parenthesizing the number")
            if kind == T.NUM and nxt.kind == T.SYM and nxt.text == "#" and not nxt.leading and not self.peek().leading:
                return Node("bitvec_lit", [lit, self.advance(), self.term(MAX_PREC)]), MAX_PREC
            return Node("lit", [lit]), MAX_PREC
        if kind == T.ERROR:
            raise ParseError(tok, "term", tok.error)
        raise self.fail("term")

    def ident_term(self) -> Node:
        tok = self.advance()
        nxt = self.tok
        if tok.text in _MACRO_HEADS and nxt.kind in (T.STR, T.INTERP_STR, T.INTERP_START) and "\n" in nxt.leading:
            # `throwError "…"` is keyword syntax, not an application: no column check
            return Node("app", [Node("ident", [tok]), self.term(MAX_PREC)])
        if not nxt.leading:
            if tok.text == "trace" and nxt.kind == T.SYM and nxt.text == "[":
                kids = [tok, self.advance(), self.ident(), self.expect("]"), self.term(MAX_PREC)]
                return Node("trace", kids)
            if nxt.kind == T.SYM and nxt.text == "%":
                after = self.peek()
                if after.leading or after.kind == T.EOF or (after.kind == T.SYM and after.text in (")", "]", "}", ",", "⟩")):
                    return Node("elab_ident", [tok, self.advance()])
            if nxt.kind == T.INTERP_START or nxt.kind == T.INTERP_STR:
                return Node("interp", [tok, *self.interpolated_string()])
            if nxt.kind == T.SYM and nxt.text == "@" and not self.peek().leading:
                kids = [tok, self.advance()]
                tok2 = self.tok
                if tok2.kind == T.IDENT and self.peek().kind == T.SYM and self.peek().text == ":" and not self.peek().leading:
                    kids.extend([self.advance(), self.advance()])  # h@x:p? no: `x@h:p`
                kids.append(self.term(MAX_PREC))
                return Node("named_pattern", kids)
        return Node("ident", [tok])

    def interpolated_string(self) -> list:
        kids = []
        tok = self.advance()
        kids.append(tok)
        if tok.kind == T.INTERP_STR:
            return kids
        saved = self.pos_col
        self.pos_col = -1
        while True:
            kids.append(self.term())
            tok = self.tok
            if tok.kind == T.INTERP_MID:
                kids.append(self.advance())
            elif tok.kind == T.INTERP_END:
                kids.append(self.advance())
                break
            else:
                raise self.fail("'}'")
        self.pos_col = saved
        return kids

    def field_name(self):
        tok = self.tok
        if tok.kind == T.IDENT or tok.kind == T.NUM:
            return self.advance()
        raise self.fail("field name")

    def universe_list(self) -> list:
        kids = [self.advance()]  # {
        kids.append(self.level())
        while self.accept(",", kids):
            kids.append(self.level())
        kids.append(self.expect("}"))
        return kids

    def level(self, arg: bool = False) -> Node:
        """Universe levels: `u`, `0`, `_`, `u+1`, `max u v`, `imax u v`, `(l)`."""
        tok = self.tok
        if tok.kind == T.IDENT and tok.text in ("max", "imax") and not arg:
            kids = [self.advance()]
            while self.level_start():
                kids.append(self.level(arg=True))
            node = Node("level_max", kids)
        elif tok.kind == T.SYM and tok.text == "(":
            kids = [self.advance(), self.level(), self.expect(")")]
            node = Node("level_paren", kids)
        elif tok.kind in (T.IDENT, T.NUM) or (tok.kind == T.SYM and tok.text == "_"):
            node = Node("level", [self.advance()])
        else:
            raise self.fail("universe level")
        if not arg:
            while self.at_sym("+") and self.peek().kind == T.NUM:
                node = Node("level_add", [node, self.advance(), self.advance()])
        return node

    def level_start(self) -> bool:
        tok = self.tok
        if not tok.leading or not self.col_ok():
            return False
        if tok.kind == T.IDENT:
            return tok.text not in self.reserved
        return tok.kind == T.NUM or (tok.kind == T.SYM and tok.text in ("(", "_"))

    def sort_term(self) -> Node:
        kids = [self.advance()]
        tok = self.tok
        if kids[0].text != "Prop":
            if tok.kind == T.SYM and tok.text == "*" and not tok.leading:
                kids.append(self.advance())
            elif self.level_start():
                kids.append(self.level(arg=True))
        return Node("sort", kids)

    def index_suffix(self, lhs: Node) -> Node:
        kids = [lhs, self.advance()]  # [
        saved = self.pos_col
        self.pos_col = -1
        if self.at_sym(":"):
            kids.append(self.advance())
            kids.append(self.term())
        else:
            kids.append(self.term())
            if self.accept(":", kids):
                if not self.at_sym("]"):
                    kids.append(self.term())
        self.pos_col = saved
        kids.append(self.expect("]"))
        tok = self.tok
        if not tok.leading and tok.kind == T.SYM and tok.text in ("!", "?"):
            kids.append(self.advance())
        elif not tok.leading and tok.kind == T.SYM and tok.text == "'":
            kids.append(self.advance())
            kids.append(self.term(MAX_PREC))
        return Node("index", kids)

    def antiquotation(self) -> Node:
        kids = [self.advance()]
        tok = self.tok
        if tok.kind == T.SYM and tok.text == "(":
            kids.extend(self.balanced_group())
        else:
            kids.append(self.advance())
        while self.at_sym(":") and not self.tok.leading and self.peek().kind == T.IDENT and not self.peek().leading:
            kids.append(self.advance())
            kids.append(self.advance())
        if self.at_sym("*") and not self.tok.leading:
            kids.append(self.advance())
        return Node("antiquot", kids)

    def balanced_group(self) -> list:
        """Tokens of a bracketed group, matched by brackets only (syntax quotations)."""
        kids = [self.advance()]
        depth = 1
        while depth:
            tok = self.tok
            if tok.kind == T.EOF:
                raise self.fail("')'")
            if tok.kind == T.SYM:
                t = tok.text
                if t[0] in ")]}⟩":
                    depth -= 1
                if t[-1] in "([{⟨":
                    depth += 1
            elif tok.kind == T.INTERP_START:
                depth += 1
            elif tok.kind == T.INTERP_END:
                depth -= 1
            kids.append(self.advance())
        return kids

    def quotation(self) -> Node:
        return Node("quotation", self.balanced_group())

    def paren(self) -> Node:
        if self.peek().kind == T.IDENT or self.peek().text == "_":
            start = self.mark()
            try:  # `(a b : α) → β`: a binder, not a type ascription of `a b`
                return self.choice("dep_arrow", self.implicit_binder_arrow)
            except ParseError:
                self.reset(start)
        saved_do, self.no_do = self.no_do, False
        try:
            return self.paren_inner()
        finally:
            self.no_do = saved_do

    def paren_inner(self) -> Node:
        kids = [self.advance()]  # (
        saved = self.pos_col
        self.pos_col = -1
        if self.at_sym(")"):
            kids.append(self.advance())
            self.pos_col = saved
            return Node("unit", kids)
        kids.append(self.term())
        kind = "paren"
        if self.accept(":", kids):
            kind = "type_ascription"
            if not self.at_sym(")"):
                kids.append(self.term())
            if self.accept(":=", kids):
                kids.append(self.term())
        elif self.at_sym(","):
            kind = "tuple"
            while self.accept(",", kids):
                kids.append(self.term())
        self.pos_col = saved
        kids.append(self.expect(")"))
        return Node(kind, kids)

    def comma_terms(self, close: str, kind: str) -> Node:
        saved_do, self.no_do = self.no_do, False
        try:
            return self.comma_terms_inner(close, kind)
        finally:
            self.no_do = saved_do

    def comma_terms_inner(self, close: str, kind: str) -> Node:
        kids = [self.advance()]
        saved = self.pos_col
        self.pos_col = -1
        if not self.at_sym(close):
            kids.append(self.term())
            while self.accept(",", kids):
                if self.at_sym(close):
                    break
                kids.append(self.term())
        self.pos_col = saved
        kids.append(self.expect(close))
        return Node(kind, kids)

    def anonymous_constructor(self) -> Node:
        return self.comma_terms("⟩", "anonymous_ctor")

    def list_literal(self) -> Node:
        start = self.mark()
        try:  # `[Inhabited α] → α`: an instance binder of a dependent arrow (Lean's depArrow)
            return self.choice("dep_arrow", self.implicit_binder_arrow)
        except ParseError:
            self.reset(start)
        return self.choice("list", self.list_or_range)

    def list_or_range(self) -> Node:
        nxt = self.peek()
        if nxt.kind == T.SYM and nxt.text == ":":
            return self.range_literal()
        start = self.mark()
        try:
            return self.comma_terms("]", "list")
        except ParseError as err:
            self.reset(start)
            if not (self.peek().kind != T.EOF):
                raise
            try:
                return self.range_literal()
            except ParseError:
                raise err

    def range_literal(self) -> Node:
        """`[a:b]`, `[:b]`, `[a:b:step]` (Std.Range)."""
        kids = [self.advance()]
        saved = self.pos_col
        self.pos_col = -1
        if not self.at_sym(":"):
            kids.append(self.term())
        kids.append(self.expect(":"))
        kids.append(self.term())
        if self.accept(":", kids):
            kids.append(self.term())
        self.pos_col = saved
        kids.append(self.expect("]"))
        return Node("range", kids)

    def array_literal(self) -> Node:
        return self.comma_terms("]", "array")

    def assumption_term(self) -> Node:
        return self.comma_terms("›", "assumption")

    def brace_term(self) -> Node:
        """`{ x := 1, y }`, `{ s with x := 1 }`, `{ x // p }`, `{x : α} → β`, `{a, b}`."""
        return self.choice("brace", self.brace_alternatives)

    def brace_alternatives(self) -> Node:
        start = self.mark()
        saved = self.pos_col
        try:  # `{x : α} → β` first: `{x : α}` alone also reads as a structure instance
            return self.implicit_binder_arrow()
        except ParseError:
            self.reset(start)
            self.pos_col = saved
        try:
            return self.structure_instance()
        except ParseError as err:
            self.reset(start)
            self.pos_col = saved
            first_error = err
        try:
            return self.set_like_braces()
        except ParseError:
            self.reset(start)
            self.pos_col = saved
        raise first_error

    def structure_instance(self) -> Node:
        kids = [self.advance()]  # {
        saved = self.pos_col
        self.pos_col = -1
        if self.at_sym("}"):
            kids.append(self.advance())
            self.pos_col = saved
            return Node("structinst", kids)
        # `{ s with ...}`, `{ s, t with ...}`: source terms before `with`
        start = self.mark()
        if not self.struct_field_start():
            kids.append(self.term())
            while self.accept(",", kids):
                kids.append(self.term())
            if self.at_word("with"):
                kids.append(self.advance())
            else:
                raise self.fail("'with'")
        elif self.lookahead_with(start):
            kids.append(self.term())
            while self.accept(",", kids):
                kids.append(self.term())
            kids.append(self.expect("with"))
        kids.append(self.struct_fields(closers=("}", ":")))
        if self.accept(":", kids):
            kids.append(self.term())
        self.pos_col = saved
        kids.append(self.expect("}"))
        return Node("structinst", kids)

    def lookahead_with(self, start: int) -> bool:
        """Is this `{ a.b with ...}` (a source term) rather than fields?"""
        try:
            self.term()
            while self.at_sym(","):
                self.advance()
                self.term()
            ok = self.at_word("with")
        except ParseError:
            ok = False
        self.reset(start)
        return ok

    def struct_field_start(self) -> bool:
        tok = self.tok
        if tok.kind == T.IDENT and tok.text not in self.reserved:
            return True
        if tok.kind in (T.NUM, T.SCI):  # `1.arr := …`, `2.1.val := …`, `2.2 := …`: field-index paths
            nxt = self.peek()
            if nxt.kind == T.SYM and nxt.text == ":=":
                return True
            return nxt.kind == T.SYM and nxt.text == "." and not nxt.leading and not self.peek(2).leading
        return tok.kind == T.SYM and tok.text in ("..", "_")

    def struct_fields(self, closers=("}",)) -> Node:
        """Fields `x := e`, `x`, `f a b := e`, `x.y := e`, `..`, separated by `,` or layout."""
        kids: list = []
        saved = self.pos_col
        if self.struct_field_start():
            self.pos_col = self.tok.col
            while True:
                kids.append(self.struct_field())
                if self.accept(",", kids):
                    if self.tok.text in closers and self.tok.kind == T.SYM:
                        break
                    continue
                tok = self.tok
                if tok.kind == T.SYM and tok.text in closers:
                    break
                if tok.kind == T.SYM and tok.text == "..":
                    continue
                if self.struct_field_start() and tok.col == self.pos_col:
                    continue
                break
        self.pos_col = saved
        return Node("fields", kids)

    def struct_field(self) -> Node:
        tok = self.tok
        if tok.kind == T.SYM and tok.text == "..":
            return Node("field_ellipsis", [self.advance()])
        kids = [self.advance()]
        saved = self.pos_col
        self.pos_col = kids[0].col
        while self.at_sym(".") and not self.tok.leading and self.peek().kind in (T.IDENT, T.NUM) and not self.peek().leading:
            kids.append(self.advance())
            kids.append(self.advance())
        while self.tok.kind == T.SYM and self.tok.text == "[" and not self.tok.leading:
            kids.append(self.list_literal())
        while not self.at_sym(":=") and self.binder_start():
            kids.append(self.fun_binder())
        if self.accept(":", kids):
            kids.append(self.term())
        if self.at_sym(":="):
            kids.append(self.advance())
            kids.append(self.term())
        elif self.at_sym("|"):
            kids.append(self.match_alternatives(self.term))
        self.pos_col = saved
        return Node("field", kids)

    def implicit_binder_arrow(self) -> Node:
        """`(a b : α) → β`, `{x : α} → β`: Lean's `depArrow` needs the binder's type,
        so `(Prod α β) → γ` stays an ordinary arrow from a parenthesized type."""
        binder = self.bracketed_binder()
        if not any(type(c) is not Node and c.text == ":" for c in binder.children) and binder.kind != "inst_binder":
            raise self.fail("':'")
        if not (self.at_sym("→") or self.at_sym("->")):
            raise self.fail("'→'")
        return Node("dep_arrow", [binder, self.advance(), self.term(25)])

    def set_like_braces(self) -> Node:
        kids = [self.advance()]
        saved = self.pos_col
        self.pos_col = -1
        kids.append(self.term())
        if self.accept(":", kids):
            kids.append(self.term())
        if self.at_sym("//") or self.at_sym("|"):
            kids.append(self.advance())
            kids.append(self.term())
        else:
            while self.accept(",", kids):
                kids.append(self.term())
        self.pos_col = saved
        kids.append(self.expect("}"))
        return Node("set_builder", kids)

    def strict_implicit_term(self) -> Node:
        binder = self.bracketed_binder()
        if self.at_sym("→") or self.at_sym("->"):
            return Node("dep_arrow", [binder, self.advance(), self.term(25)])
        return binder

    def at_term(self) -> Node:
        kids = [self.advance()]  # @
        kids.append(self.term(MAX_PREC))
        return Node("explicit", kids)

    def dot_term(self) -> Node:
        nxt = self.peek()
        if nxt.kind == T.IDENT and not nxt.leading:
            return Node("dot_ident", [self.advance(), self.advance()])
        if nxt.kind == T.SYM and nxt.text == "(" and not nxt.leading:
            return Node("inaccessible", [self.advance(), self.paren()])
        return Node("cdot", [self.advance()])

    def cdot_term(self) -> Node:
        return Node("cdot", [self.advance()])

    def hole_term(self) -> Node:
        return Node("hole", [self.advance()])

    def synthetic_hole(self) -> Node:
        kids = [self.advance()]  # ?
        tok = self.tok
        if not tok.leading and (tok.kind == T.IDENT or (tok.kind == T.SYM and tok.text == "_")):
            kids.append(self.advance())
        return Node("synthetic_hole", kids)

    def left_arrow_term(self) -> Node:
        return Node("nested_action", [self.advance(), self.term()])

    # -- binders ------------------------------------------------------------
    def binder_ident(self):
        tok = self.tok
        if tok.kind == T.IDENT and tok.text not in self.reserved:
            return self.advance()
        if tok.kind == T.SYM and tok.text == "_":
            return self.advance()
        raise self.fail("identifier")

    def binder_start(self) -> bool:
        tok = self.tok
        if tok.kind == T.IDENT:
            return tok.text not in self.reserved
        return tok.kind == T.SYM and tok.text in ("(", "{", "[", "⦃", "_", "⟨", "@", "{{")

    def bracketed_binder(self) -> Node:
        tok = self.tok
        text = tok.text
        saved = self.pos_col
        self.pos_col = -1
        kids = [self.advance()]
        if text == "[":
            if self.tok.kind == T.IDENT and self.peek().kind == T.SYM and self.peek().text == ":":
                kids.append(self.advance())
                kids.append(self.advance())
            kids.append(self.term())
            kids.append(self.expect("]"))
            self.pos_col = saved
            return Node("inst_binder", kids)
        close = {"(": ")", "{": "}", "⦃": "⦄", "{{": "}}"}.get(text)
        if close is None:
            raise self.fail("binder")
        kids.append(self.binder_ident())
        while not self.at_sym(":") and not self.at_sym(close) and not self.at_sym(":="):
            kids.append(self.binder_ident())
        if self.accept(":", kids):
            kids.append(self.term())
        if self.accept(":=", kids):
            kids.append(self.term())
        kids.append(self.expect(close))
        self.pos_col = saved
        return Node("binder", kids)

    def fun_binder(self) -> Node:
        return self.choice("fun_binder", self.fun_binder_alternatives)

    def fun_binder_alternatives(self) -> Node:
        tok = self.tok
        if tok.kind == T.SYM and tok.text in ("{", "[", "⦃", "{{", "("):
            start = self.mark()
            try:
                return self.bracketed_binder()
            except ParseError:
                self.reset(start)
        return self.term(MAX_PREC)

    def decl_binders(self, kids: list) -> None:
        """Signature binders: bracketed binders, or bare identifiers and `_`."""
        while True:
            tok = self.tok
            if tok.kind == T.SYM and tok.text in ("(", "{", "[", "⦃", "{{"):
                kids.append(self.bracketed_binder())
            elif (tok.kind == T.IDENT and tok.text not in self.reserved) or (tok.kind == T.SYM and tok.text == "_"):
                kids.append(self.advance())
            else:
                return

    def quantifier(self) -> Node:
        """`∀ x y, p`, `∀ x : α, p`, `∃ (x : α) (y : β), p`, `∀ x ∈ s, p`, `Σ x, β x`."""
        kids = [self.advance()]
        tok = self.tok
        binders: list = []
        if tok.kind == T.SYM and tok.text in ("(", "{", "[", "⦃", "{{", "⟨"):
            while self.tok.kind == T.SYM and self.tok.text in ("(", "{", "[", "⦃", "{{", "⟨"):
                if self.tok.text == "⟨":
                    binders.append(self.anonymous_constructor())
                else:
                    binders.append(self.bracketed_binder())
            while self.tok.kind == T.IDENT and self.tok.text not in self.reserved or self.at_sym("_"):
                binders.append(self.advance())
        else:
            binders.append(self.binder_ident())
            while (self.tok.kind == T.IDENT and self.tok.text not in self.reserved) or self.at_sym("_"):
                binders.append(self.advance())
            tok = self.tok
            if tok.kind == T.SYM and tok.text == ":":
                binders.append(self.advance())
                binders.append(self.term())
            elif tok.kind == T.SYM and tok.text in _BINDER_PRED_OPS:
                binders.append(self.advance())
                binders.append(self.term(51))
            while self.tok.kind == T.SYM and self.tok.text in ("(", "{", "[", "⦃"):
                binders.append(self.bracketed_binder())
        kids.append(Node("binders", binders))
        kids.append(self.expect(","))
        kids.append(self.term())
        return Node("quantifier", kids)

    def fun_term(self) -> Node:
        kids = [self.advance()]  # fun / λ
        if self.at_sym("|"):
            kids.append(self.match_alternatives(self.term))
            return Node("fun", kids)
        binders = []
        while not (self.at_sym("=>") or self.at_sym("↦") or self.at_sym(":")):
            binders.append(self.fun_binder())
        if not binders:
            raise self.fail("binder")
        if self.accept(":", binders):
            binders.append(self.term())
        kids.append(Node("binders", binders))
        if self.at_sym("=>") or self.at_sym("↦"):
            kids.append(self.advance())
        else:
            raise self.fail("'=>'")
        kids.append(self.term())
        return Node("fun", kids)

    # -- match --------------------------------------------------------------
    def match_term(self) -> Node:
        return self.match_with(self.term)

    def match_with(self, rhs) -> Node:
        kids = [self.advance()]  # match
        while self.at_sym("(") and self.peek().kind == T.IDENT and self.peek(2).text == ":=":
            kids.append(self.named_argument())
        kids.append(self.match_discriminant())
        while self.accept(",", kids):
            kids.append(self.match_discriminant())
        if self.accept(":", kids):  # motive as a type ascription (old syntax)
            kids.append(self.term())
        kids.append(self.expect("with"))
        kids.append(self.match_alternatives(rhs))
        return Node("match", kids)

    def match_discriminant(self) -> Node:
        tok = self.tok
        if tok.kind == T.IDENT and self.peek().kind == T.SYM and self.peek().text == ":" and tok.text not in self.reserved:
            return Node("discr", [self.advance(), self.advance(), self.term()])
        if tok.kind == T.SYM and tok.text == "_" and self.peek().text == ":":
            return Node("discr", [self.advance(), self.advance(), self.term()])
        return Node("discr", [self.term()])

    def match_alternatives(self, rhs) -> Node:
        """`| p, q | r, s => rhs` alternatives; each `|` at or right of the first one's column."""
        kids = []
        if not self.at_sym("|"):
            raise self.fail("'|'")
        first_col = self.tok.col
        while self.at_sym("|") and self.tok.col >= first_col:
            kids.append(self.match_alternative(rhs))
        return Node("alts", kids)

    def match_alternative(self, rhs) -> Node:
        kids = [self.advance()]  # |
        saved = self.pos_col
        self.pos_col = -1
        kids.append(self.term())
        while self.accept(",", kids):
            kids.append(self.term())
        while self.accept("|", kids):
            kids.append(self.term())
            while self.accept(",", kids):
                kids.append(self.term())
        self.pos_col = saved
        if self.at_sym("=>") or self.at_sym("↦"):
            kids.append(self.advance())
        else:
            raise self.fail("'=>'")
        kids.append(rhs())
        return Node("alt", kids)

    # -- let, have, show, if ------------------------------------------------
    def let_decl(self, kids: list) -> None:
        """`x (binders) : T := v`, `⟨a, b⟩ := v`, `f : T | p => ...`; `let rec` takes `termination_by`."""
        tok = self.tok
        if tok.kind == T.IDENT and tok.text == "rec":
            kids.append(self.advance())
            kids.append(self.modifiers())
            self.let_decl_body(kids)
            while self.at_word("termination_by") or self.at_word("decreasing_by"):
                if self.tok.text == "termination_by":
                    kids.append(self.termination_by())
                else:
                    kids.append(Node("decreasing_by", [self.advance(), self.tactic_seq()]))
            return
        self.let_decl_body(kids)

    def let_decl_body(self, kids: list, rhs=None) -> None:
        """`x (binders) : T := v` (or `← v` in `do`, where `rhs` reads `do` branches), else a pattern `⟨a, b⟩ := v`."""
        rhs = rhs or self.term
        tok = self.tok
        if (tok.kind == T.IDENT and tok.text not in self.reserved) or (tok.kind == T.SYM and tok.text == "_"):
            nxt = self.peek()
            if nxt.kind == T.SYM and nxt.text in (":=", ":", "|", "(", "{", "[", "⦃", "←", "<-") or nxt.kind == T.IDENT or (nxt.kind == T.SYM and nxt.text == "_"):
                start, n = self.mark(), len(kids)
                committed = False
                try:
                    kids.append(self.advance())
                    self.decl_binders(kids)
                    # Past the binders the pattern reading would parse the same
                    # type and value: commit, or nested `let`s backtrack exponentially.
                    committed = any(self.at_sym(s) for s in (":", "|", ":=", "←", "<-"))
                    if self.accept(":", kids):
                        kids.append(self.term())
                    if self.at_sym("|"):
                        kids.append(self.match_alternatives(self.term))
                        return
                    if self.at_sym(":=") or self.at_sym("←") or self.at_sym("<-"):
                        kids.append(self.advance())
                        kids.append(rhs())
                        return
                    if committed:
                        return  # `have h : t` with no value
                except ParseError:
                    if committed:
                        raise
                self.reset(start)
                del kids[n:]
        kids.append(self.term())
        if self.accept(":", kids):
            kids.append(self.term())
        if self.at_sym(":=") or self.at_sym("←") or self.at_sym("<-"):
            kids.append(self.advance())
            kids.append(rhs())

    def let_term(self) -> Node:
        kids = [self.advance()]  # let / have / haveI / letI
        saved = self.pos_col
        self.pos_col = kids[0].col
        if kids[0].text in ("have", "haveI") and (self.at_sym(":") or self.at_sym(":=") or self.at_sym("|")):
            if self.accept(":", kids):
                kids.append(self.term())
            if self.at_sym("|"):
                kids.append(self.match_alternatives(self.term))
            elif self.at_sym(":="):
                kids.append(self.advance())
                kids.append(self.term())
        else:
            self.let_decl(kids)
        self.pos_col = saved
        if self.at_word("from"):  # `have h : p from e` (old syntax)
            kids.append(self.advance())
            kids.append(self.term())
        self.accept(";", kids)
        if self.can_start_term():
            kids.append(self.term())
        return Node("let", kids)

    def show_term(self) -> Node:
        kids = [self.advance()]
        saved, self.no_by_arg = self.no_by_arg, True
        try:
            kids.append(self.term())
        finally:
            self.no_by_arg = saved
        if self.at_word("from"):
            kids.append(self.advance())
            kids.append(self.term())
        elif self.at_word("by"):
            kids.append(self.by_term())
        return Node("show", kids)

    def suffices_term(self) -> Node:
        kids = [self.advance()]
        if self.tok.kind == T.IDENT and self.peek().text == ":":
            kids.append(self.advance())
        if self.accept(":", kids):
            pass
        kids.append(self.term())
        if self.at_word("from"):
            kids.append(self.advance())
            kids.append(self.term())
        elif self.at_word("by"):
            kids.append(self.by_term())
        self.accept(";", kids)
        if self.can_start_term():
            kids.append(self.term())
        return Node("suffices", kids)

    def from_term(self) -> Node:
        return Node("from", [self.advance(), self.term()])

    def if_term(self) -> Node:
        kids = [self.advance()]  # if
        self.if_condition(kids)
        kids.append(self.expect("then"))
        kids.append(self.term())
        kids.append(self.expect("else"))
        kids.append(self.term())
        return Node("if", kids)

    def if_condition(self, kids: list) -> None:
        tok = self.tok
        if tok.kind == T.IDENT and tok.text == "let":
            kids.append(self.advance())
            kids.append(self.term())
            if self.at_sym("←") or self.at_sym("<-"):
                kids.append(self.advance())
            else:
                kids.append(self.expect(":="))
            kids.append(self.term())
            return
        if (tok.kind == T.IDENT and tok.text not in self.reserved) or (tok.kind == T.SYM and tok.text == "_"):
            nxt = self.peek()
            if nxt.kind == T.SYM and nxt.text == ":":
                kids.append(self.advance())
                kids.append(self.advance())
        kids.append(self.term())

    def by_term(self) -> Node:
        kids = [self.advance()]
        kids.append(self.tactic_seq())
        return Node("by", kids)

    def do_term(self) -> Node:
        kids = [self.advance()]
        kids.append(self.do_seq())
        return Node("do", kids)

    def calc_term(self) -> Node:
        kids = [self.advance()]
        kids.append(self.calc_steps())
        return Node("calc", kids)

    def calc_steps(self) -> Node:
        steps = []
        saved = self.pos_col
        first = True
        while True:
            step_kids = []
            self.pos_col = self.tok.col
            step_kids.append(self.term())
            if self.accept(":=", step_kids):
                step_kids.append(self.term())
            elif not first:
                raise self.fail("':='")
            steps.append(Node("calc_step", step_kids))
            first = False
            tok = self.tok
            if (tok.col > saved or saved < 0) and "\n" in tok.leading and self.can_start_term() and not (tok.kind == T.SYM and tok.text in ("·", ".", "|", "-")):
                continue
            break
        self.pos_col = saved
        return Node("calc_steps", steps)

    def nomatch_term(self) -> Node:
        kids = [self.advance(), self.term()]
        while self.accept(",", kids):
            kids.append(self.term())
        return Node("nomatch", kids)

    def unsafe_term(self) -> Node:
        return Node("unsafe", [self.advance(), self.term()])

    def open_range(self) -> Node:
        return Node("range", [self.advance(), self.term(51)])

    def nofun_term(self) -> Node:
        return Node("nofun", [self.advance()])

    def open_in_term(self) -> Node:
        kids = [self.advance()]
        self.open_args(kids)
        kids.append(self.expect("in"))
        kids.append(self.term())
        return Node("open_in", kids)

    def set_option_in_term(self) -> Node:
        kids = [self.advance(), self.advance()]
        kids.append(self.option_value())
        kids.append(self.expect("in"))
        kids.append(self.term())
        return Node("set_option_in", kids)

    def option_value(self):
        tok = self.tok
        if tok.kind in (T.NUM, T.STR) or (tok.kind == T.IDENT and tok.text in ("true", "false")):
            return self.advance()
        raise self.fail("'false', 'true', numeral or string literal")

    def return_term(self) -> Node:
        kids = [self.advance()]
        if self.can_start_term() and self.col_ok() and self.tok.line == kids[0].line:
            kids.append(self.term())
        return Node("return", kids)


_MACRO_HEADS = frozenset(["throwError", "throwErrorAt", "panic!", "assert!", "logInfo", "logError", "logWarning", "dbg_trace"])

_WORD_TERMS = {
    "fun": (MAX_PREC, "fun_term"),
    "do": (ARG_PREC, "do_term"),
    "Type": (MAX_PREC, "sort_term"),
    "Sort": (MAX_PREC, "sort_term"),
    "Prop": (MAX_PREC, "sort_term"),
    "let": (LEAD_PREC, "let_term"),
    "haveI": (LEAD_PREC, "let_term"),
    "letI": (LEAD_PREC, "let_term"),
    "have": (LEAD_PREC, "let_term"),
    "show": (LEAD_PREC, "show_term"),
    "suffices": (LEAD_PREC, "suffices_term"),
    "from": (LEAD_PREC, "from_term"),
    "if": (LEAD_PREC, "if_term"),
    "bif": (LEAD_PREC, "if_term"),
    "unsafe": (LEAD_PREC, "unsafe_term"),
    "match": (LEAD_PREC, "match_term"),
    "by": (LEAD_PREC, "by_term"),
    "calc": (LEAD_PREC, "calc_term"),
    "nomatch": (LEAD_PREC, "nomatch_term"),
    "nofun": (MAX_PREC, "nofun_term"),
    "open": (LEAD_PREC, "open_in_term"),
    "set_option": (LEAD_PREC, "set_option_in_term"),
    "return": (LEAD_PREC, "do_return"),
    "for": (LEAD_PREC, "do_for"),
    "unless": (LEAD_PREC, "do_unless"),
    "try": (LEAD_PREC, "do_try"),
}
_TERM_START_WORDS = frozenset(_WORD_TERMS)

_SYM_TERMS = {
    "(": (MAX_PREC, "paren"),
    "⟨": (MAX_PREC, "anonymous_constructor"),
    "[": (MAX_PREC, "list_literal"),
    "#[": (MAX_PREC, "array_literal"),
    "{": (MAX_PREC, "brace_term"),
    "⦃": (MAX_PREC, "strict_implicit_term"),
    "{{": (MAX_PREC, "strict_implicit_term"),
    "‹": (MAX_PREC, "assumption_term"),
    "@": (MAX_PREC, "at_term"),
    ".": (MAX_PREC, "dot_term"),
    "·": (MAX_PREC, "cdot_term"),
    "_": (MAX_PREC, "hole_term"),
    "?": (MAX_PREC, "synthetic_hole"),
    "?_": (MAX_PREC, "hole_term"),
    "∅": (MAX_PREC, "hole_term"),
    "#v[": (MAX_PREC, "array_literal"),
    "*...": (MAX_PREC, "open_range"),
    "*...*": (MAX_PREC, "hole_term"),
    "⋯": (MAX_PREC, "hole_term"),
    "λ": (MAX_PREC, "fun_term"),
    "∀": (LEAD_PREC, "quantifier"),
    "Π": (LEAD_PREC, "quantifier"),
    "∃": (LEAD_PREC, "quantifier"),
    "∃!": (LEAD_PREC, "quantifier"),
    "Σ": (LEAD_PREC, "quantifier"),
    "Σ'": (LEAD_PREC, "quantifier"),
    "←": (MIN_PREC, "left_arrow_term"),
    "`(": (MAX_PREC, "quotation"),
    "``(": (MAX_PREC, "quotation"),
    "`[": (MAX_PREC, "quotation"),
    "%[": (MAX_PREC, "quotation"),
}
_TERM_START_SYMS = frozenset(_SYM_TERMS) | frozenset(["$"])
