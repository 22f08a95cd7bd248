"""Layout blocks: `do` sequences and tactic sequences.

Both are Lean's `sepByIndent`: items start at one column (the first item's),
or are separated by `;`; each item runs `withPosition`, so its terms continue
only on lines indented past the item's column.
"""

from __future__ import annotations

from nleanjit.syntax import tokens as T
from nleanjit.syntax.parser.base import ParseError
from nleanjit.syntax.tree import Node

# Words that end a tactic's arguments or cannot start a tactic.
_TACTIC_STOP_WORDS = frozenset(
    """then else with at from in where deriving termination_by decreasing_by def theorem abbrev instance
    example opaque axiom structure class inductive namespace section end mutual variable universe import
    attribute private protected noncomputable partial unsafe notation infix infixl infixr prefix postfix
    macro macro_rules syntax declare_syntax_cat elab elab_rules initialize builtin_initialize export
    set_option local scoped using generalizing extends omit include""".split()
)
_TACTIC_ARG_WORDS = frozenset(["at", "with", "using", "generalizing", "only", "from", "in", "says"])
_TACTIC_BLOCK_WORDS = frozenset(
    ["try", "repeat", "repeat'", "all_goals", "any_goals", "focus", "iterate", "first", "solve", "classical",
     "with_reducible", "skip_all", "on_goal", "fail_if_success", "with_unfolding_all", "without_recover",
     "with_reducible_and_instances", "success_if_fail_with_msg", "checkpoint", "save", "stop"]
)
_DO_STOP_SYMS = frozenset([")", "]", "}", "⟩", "|", ",", ":=", "=>", "<;>", ";"])


# tactics whose syntax requires a term after the keyword
_TACTICS_NEEDING_A_TERM = frozenset(["exact", "apply", "refine", "refine'", "show", "specialize", "exists", "use",
                                     "cases", "induction", "generalize", "calc"])

class BlockParser:
    # -- shared layout loop -------------------------------------------------
    def layout_block(self, item, can_start, col_ge: bool = False) -> list:
        """Items at the block's column, separated by `;` or line breaks.  With `col_ge`
        (Lean's `many1Indent`, for `do`), an item may start anywhere right of the block's
        column, on the same line too: `do 0 if c then 1` holds two items."""
        items: list = []
        tok = self.tok
        if not can_start():
            raise self.fail("term" if item == self.do_elem else "tactic")
        col = tok.col
        saved = self.pos_col
        while True:
            self.pos_col = col
            start_line = self.tok.line
            items.append(item())
            if self.at_sym(";"):
                items.append(self.advance())
                if can_start() and (self.tok.line == items[-1].line or self.tok.col == col):
                    continue
                break
            tok = self.tok
            if tok.col == col and tok.line > start_line and can_start():
                continue
            if col_ge and tok.col >= col and tok.kind != T.EOF and can_start():
                continue
            break
        self.pos_col = saved
        return items

    # -- do -----------------------------------------------------------------
    def do_seq(self) -> Node:
        return Node("do_seq", self.layout_block(self.do_elem, self.can_start_do_elem, col_ge=True))

    def can_start_do_elem(self) -> bool:
        tok = self.tok
        if tok.kind == T.IDENT and tok.text in _DO_WORDS:
            return True
        return self.can_start_term()

    def do_elem(self) -> Node:
        tok = self.tok
        if tok.kind == T.IDENT:
            handler = _DO_WORDS.get(tok.text)
            if handler is not None:
                return getattr(self, handler)()
        kids = [self.term()]
        tok = self.tok
        if tok.kind == T.SYM and tok.text in (":=", "←", "<-"):
            arrow = self.advance()
            kids.append(arrow)
            kids.append(self.do_rhs())
            if arrow.text != ":=" and self.at_sym("|") and self.tok.line == arrow.line:
                kids.append(self.advance())
                kids.append(self.do_seq())
            return Node("do_reassign", kids)
        if tok.kind == T.SYM and tok.text == ":" and kids[0].kind == "ident":
            kids.append(self.advance())
            kids.append(self.term())
            if self.at_sym(":=") or self.at_sym("←"):
                kids.append(self.advance())
                kids.append(self.do_rhs())
            return Node("do_reassign", kids)
        return Node("do_expr", kids)

    def do_rhs(self) -> Node:
        """The right of `←`/`:=` in `do`: a term, or an `if`/`match`/`do` whose branches are `do` sequences."""
        tok = self.tok
        if tok.kind == T.IDENT and tok.text in ("if", "match", "unless", "for", "try"):
            return self.do_elem()
        return self.term()

    def do_let(self) -> Node:
        kids = [self.advance()]  # let / have
        if self.at_word("mut"):
            kids.append(self.advance())
        self.let_decl_do(kids)
        if self.at_sym("|"):
            kids.append(self.advance())
            kids.append(self.do_seq())
        return Node("do_let", kids)

    def let_decl_do(self, kids: list) -> None:
        if self.at_sym(":") or self.at_sym(":="):  # `have : p := e`
            if self.accept(":", kids):
                kids.append(self.term())
            if self.accept(":=", kids):
                kids.append(self.do_rhs())
            return
        if self.at_word("rec"):
            kids.append(self.advance())
            kids.append(self.modifiers())
        self.let_decl_body(kids, rhs=self.do_rhs)

    def do_if(self) -> Node:
        kids = [self.advance()]  # if
        item_col = self.pos_col
        self.if_condition(kids)
        kids.append(self.expect("then"))
        kids.append(self.do_seq())
        while self.at_word("else") and self.tok.col >= item_col:
            kids.append(self.advance())
            if self.at_word("if") and self.tok.line == kids[-1].line:
                kids.append(self.advance())
                self.if_condition(kids)
                kids.append(self.expect("then"))
                kids.append(self.do_seq())
                continue
            kids.append(self.do_seq())
            break
        return Node("do_if", kids)

    def condition(self) -> Node:
        """A term before `do` (Lean's `withForbidden "do"`)."""
        saved, self.no_do = self.no_do, True
        try:
            return self.term()
        finally:
            self.no_do = saved

    def do_unless(self) -> Node:
        kids = [self.advance(), self.condition(), self.expect("do"), self.do_seq()]
        return Node("do_unless", kids)

    def do_for(self) -> Node:
        kids = [self.advance()]  # for
        while True:
            tok = self.tok
            if tok.kind == T.IDENT and self.peek().kind == T.SYM and self.peek().text == ":":
                kids.append(self.advance())
                kids.append(self.advance())
            kids.append(self.term())
            kids.append(self.expect("in"))
            kids.append(self.condition())
            if not self.accept(",", kids):
                break
        kids.append(self.expect("do"))
        kids.append(self.do_seq())
        return Node("do_for", kids)

    def do_while(self) -> Node:
        kids = [self.advance()]
        tok = self.tok
        if tok.kind == T.IDENT and self.peek().kind == T.SYM and self.peek().text == ":":
            kids.append(self.advance())
            kids.append(self.advance())
        kids.append(self.condition())
        kids.append(self.expect("do"))
        kids.append(self.do_seq())
        return Node("do_while", kids)

    def do_repeat(self) -> Node:
        return Node("do_repeat", [self.advance(), self.do_seq()])

    def do_match(self) -> Node:
        return self.match_with(self.do_seq)

    def do_return(self) -> Node:
        kids = [self.advance()]
        if self.can_start_term() and self.col_ok() and not (self.tok.kind == T.SYM and self.tok.text in _DO_STOP_SYMS):
            kids.append(self.term())
        return Node("do_return", kids)

    def do_keyword(self) -> Node:
        return Node("do_" + self.tok.text, [self.advance()])

    def do_try(self) -> Node:
        kids = [self.advance(), self.do_seq()]
        # `catch`/`finally` have no column check in Lean's grammar
        while self.at_word("catch"):
            kids.append(self.advance())
            kids.append(self.binder_ident() if not self.at_sym("⟨") else self.term(1024))
            if self.accept(":", kids):
                kids.append(self.term())
            kids.append(self.expect("=>"))
            kids.append(self.do_seq())
        if self.at_word("finally"):
            kids.append(self.advance())
            kids.append(self.do_seq())
        return Node("do_try", kids)

    def do_nested(self) -> Node:
        return Node("do_nested", [self.advance(), self.do_seq()])

    # -- tactics ------------------------------------------------------------
    def tactic_seq(self) -> Node:
        if self.at_sym("{") :
            start = self.mark()
            try:
                return self.brace_tactic_block()
            except ParseError:
                self.reset(start)
        return Node("tactic_seq", self.layout_block(self.tactic, self.can_start_tactic))

    def brace_tactic_block(self) -> Node:
        kids = [self.advance()]
        saved = self.pos_col
        self.pos_col = -1
        if not self.at_sym("}"):
            kids.append(Node("tactic_seq", self.layout_block(self.tactic, self.can_start_tactic)))
        self.pos_col = saved
        kids.append(self.expect("}"))
        return Node("tactic_block", kids)

    def can_start_tactic(self) -> bool:
        tok = self.tok
        if tok.kind == T.IDENT:
            return tok.text not in _TACTIC_STOP_WORDS
        if tok.kind == T.SYM:
            return tok.text in ("·", ".", "(", "{", "<;>", "?", "⟨", "_", "?_") or tok.text in self.tactic_notations
        return False

    def tactic(self) -> Node:
        self.enter()
        node = self.tactic_atom()
        while self.tok.kind == T.SYM:
            text = self.tok.text
            if text in self.trailing_tactic_notations:
                res = self.trailing_tactic(node)
                if res is not None:
                    node = res
                    continue
            if text not in ("<;>", "<|>"):
                break
            op = self.advance()
            saved = self.pos_col
            if self.tok.col < saved:
                # `t <;>` then a tactic on a line left of the block: Lean checks no
                # column for tactic arguments, so they may follow right of its start
                self.pos_col = self.tok.col
            rhs = self.tactic_atom()
            self.pos_col = saved
            node = Node("tactic_combinator", [node, op, rhs])
        self.leave()
        return node

    def tactic_atom(self) -> Node:
        tok = self.tok
        if tok.kind == T.SYM:
            text = tok.text
            if text in ("·", "."):
                return Node("tactic_focus", [self.advance(), self.tactic_seq()])
            if text == "{":
                return self.brace_tactic_block()
            if text in ("?_", "_"):
                return Node("tactic", [self.term()])
            if text == "(":
                kids = [self.advance()]
                saved, saved_bar = self.pos_col, self.bar_ends_tactic
                self.pos_col, self.bar_ends_tactic = -1, False
                kids.append(self.tactic_seq())
                self.pos_col, self.bar_ends_tactic = saved, saved_bar
                kids.append(self.expect(")"))
                return Node("tactic_paren", kids)
            if text in self.tactic_notations:
                return self.user_tactic()
            raise self.fail("tactic")
        if tok.kind != T.IDENT:
            raise self.fail("tactic")
        text = tok.text
        if text in self.tactic_notations:
            res = self.user_tactic()
            if res is not None:
                return res
        if text == "match":
            return self.match_with(self.tactic_seq)
        if text == "if":
            return self.tactic_if()
        if text == "calc":
            return Node("tactic", [self.calc_term()])
        if text in ("let", "have", "haveI", "letI"):
            return self.tactic_let()
        if text in _RCASES_TACTICS:
            return self.rcases_tactic()
        if text in _TACTIC_BLOCK_WORDS:
            kids = [self.advance()]
            if text == "first" or text == "solve":
                saved_bar, self.bar_ends_tactic = self.bar_ends_tactic, True
                try:  # `first | t1 | t2` on one line: a `|` ends the alternative's tactic
                    while self.at_sym("|"):
                        kids.append(self.advance())
                        kids.append(self.tactic_seq())
                finally:
                    self.bar_ends_tactic = saved_bar
                return Node("tactic_block_combinator", kids)
            while self.tok.kind == T.NUM:
                kids.append(self.advance())
            if text == "on_goal" and self.at_sym("=>"):
                kids.append(self.advance())
            if self.can_start_tactic():
                kids.append(self.tactic_seq())
            return Node("tactic_block_combinator", kids)
        node = self.generic_tactic()
        if text in _TACTICS_NEEDING_A_TERM and len(node.children) == 1:
            raise ParseError(self.tok, "term")  # `exact` alone: Lean's "expected term"
        return node

    def tactic_let(self) -> Node:
        """`have h : t := e`, `have : t`, `let rec f : t | alts`: a term-mode declaration without a body."""
        kids = [self.advance()]
        if self.at_sym(":") or self.at_sym(":=") or self.at_sym("|"):
            if self.accept(":", kids):
                kids.append(self.term())
            if self.at_sym("|"):
                kids.append(self.match_alternatives(self.term))
            elif self.accept(":=", kids):
                kids.append(self.term())
        else:
            self.let_decl(kids)
        return Node("tactic_let", kids)

    def rcases_tactic(self) -> Node:
        """`rcases e with pat`, `obtain pat : t := e`, `rintro pat*`."""
        kids = [self.advance()]
        name = kids[0].text
        if name == "rcases":
            if not self.at_word("with"):
                kids.append(self.term())
                while self.accept(",", kids):
                    kids.append(self.term())
            if self.accept("with", kids):
                kids.append(self.rcases_pattern())
        elif name == "obtain":
            if not (self.at_sym(":") or self.at_sym(":=")):
                kids.append(self.rcases_pattern())
            if self.accept(":", kids):
                kids.append(self.term())
            if self.accept(":=", kids):
                kids.append(self.term())
                while self.accept(",", kids):
                    kids.append(self.term())
        else:
            while self.col_ok() and self.rcases_pattern_start():
                kids.append(self.rcases_pattern(arg=True))
            if self.accept(":", kids):
                kids.append(self.term())
        return Node("tactic", kids)

    def rcases_pattern_start(self) -> bool:
        tok = self.tok
        if tok.kind == T.IDENT:
            return tok.text not in self.reserved
        return tok.kind == T.SYM and tok.text in ("_", "-", "⟨", "(", "@")

    def rcases_pattern(self, arg: bool = False) -> Node:
        """`p | q`, `⟨p, q⟩`, `(p : t)`, `-`, `_`, `rfl`, `h`, `@p`."""
        kids = [self.rcases_pattern_atom()]
        if not arg:
            while self.accept("|", kids):
                kids.append(self.rcases_pattern_atom())
        return Node("rcases_pat", kids)

    def rcases_pattern_atom(self) -> Node:
        tok = self.tok
        if tok.kind == T.SYM and tok.text in ("⟨", "("):
            close = "⟩" if tok.text == "⟨" else ")"
            kids = [self.advance()]
            saved = self.pos_col
            self.pos_col = -1
            if not self.at_sym(close):
                kids.append(self.rcases_pattern())
                while close == ")" and self.rcases_pattern_start():  # rintro's `(a b : t)`
                    kids.append(self.rcases_pattern())
                if close == ")" and self.accept(":", kids):
                    kids.append(self.term())
                while self.accept(",", kids):
                    kids.append(self.rcases_pattern())
            self.pos_col = saved
            kids.append(self.expect(close))
            return Node("rcases_group", kids)
        if tok.kind == T.SYM and tok.text == "@":
            return Node("rcases_explicit", [self.advance(), self.rcases_pattern_atom()])
        if tok.kind == T.SYM and tok.text in ("_", "-"):
            return Node("rcases_atom", [self.advance()])
        if tok.kind == T.IDENT and tok.text not in self.reserved:
            return Node("rcases_atom", [self.advance()])
        raise self.fail("rcases pattern")

    def tactic_if(self) -> Node:
        kids = [self.advance()]
        self.if_condition(kids)
        kids.append(self.expect("then"))
        kids.append(self.tactic_seq())
        if self.at_word("else"):
            kids.append(self.advance())
            kids.append(self.tactic_seq())
        return Node("tactic_if", kids)

    def generic_tactic(self) -> Node:
        """Any tactic: a name and its arguments (terms, `[lemmas]`, `at h ⊢`, `with`, `using`, `=> tacs`, `| alts`)."""
        kids = [self.advance()]
        alt_col = -1
        while True:
            tok = self.tok
            kind = tok.kind
            if kind == T.SYM and tok.text == "|" and alt_col < 0 and (any(
                type(k) is not Node and k.text == "with" for k in kids
            ) or (kids[0].text in _INDUCTION_TACTICS and tok.col >= kids[0].col)):
                # early Lean 4 wrote `cases x [using r]` then the alternatives, with no `with`
                alt_col = tok.col
            if alt_col >= 0 and kind == T.SYM and tok.text == "|" and tok.col >= alt_col:
                kids.append(self.tactic_alternative())
                continue
            if kind == T.SYM and tok.text == "|" and len(kids) == 1 and kids[0].text == "intro" and tok.col >= self.pos_col:
                alt_col = tok.col  # `intro | pat => tac`: match alternatives, on the next line too
                continue
            if kind == T.SYM and tok.text == "[" and type(kids[-1]) is not Node and kids[-1].text == "only":
                kids.append(self.tactic_bracket_list())  # `only [lemmas]` has no column check
                continue
            if kind == T.EOF or not self.col_ok():
                break
            if kind == T.IDENT:
                text = tok.text
                if text in _TACTIC_ARG_WORDS:
                    kids.append(self.advance())
                    continue
                if kids[0].text in _INDUCTION_TACTICS and type(kids[-1]) is not Node and kids[-1].text == "with":
                    kids.append(self.tactic())  # `induction l with simp [*]`: a tactic for every case
                    continue
                if text in ("then", "else") or (text in self.reserved and text not in _TERM_WORDS_IN_TACTICS):
                    break
                kids.append(self.tactic_argument(kids[0].text))
                continue
            if kind == T.SYM:
                text = tok.text
                if text in (";", "<;>", "<|>", ")", "]", "}", "⟩", "»"):
                    break
                if text == "," and kids[0].text not in _COMMA_TACTICS:
                    break
                if text == "=>":
                    kids.append(self.advance())
                    kids.append(self.tactic_seq())
                    break
                if text == "[":
                    kids.append(self.tactic_bracket_list())
                    continue
                if text == "(" and type(kids[-1]) is not Node and kids[-1].text == "with":
                    kids.append(self.tactic())  # `induction x with (tac) | …`
                    continue
                if text in ("⊢", "*", ",", ":", ":=", "←", "<-", "↑", "-", "|-", "=", "=ₛ", "+", "!", "?"):
                    kids.append(self.advance())
                    if text in (":", ":=") and self.can_start_term():
                        kids.append(self.term())
                    continue
                if text == "|":
                    if self.bar_ends_tactic:
                        break
                    start = self.mark()
                    try:
                        kids.append(self.tactic_alternative())
                        continue
                    except ParseError:
                        self.reset(start)
                    kids.append(self.advance())
                    continue
                if text == "(" and self.peek().kind == T.IDENT and self.peek(2).text == ":=":
                    if self.peek().text in ("discharger", "disch"):
                        group = [self.advance(), self.advance(), self.advance()]
                        saved = self.pos_col
                        self.pos_col = -1
                        group.append(self.tactic_seq())
                        self.pos_col = saved
                        group.append(self.expect(")"))
                        kids.append(Node("named_arg", group))
                    else:
                        kids.append(self.named_argument())
                    continue
                if self.can_start_term():
                    kids.append(self.tactic_argument(kids[0].text))
                    continue
                break
            if kind == T.ERROR:
                raise ParseError(tok, "tactic", tok.error)
            if self.can_start_term():
                kids.append(self.term())
                continue
            break
        return Node("tactic", kids)

    def tactic_argument(self, tactic: str) -> Node:
        """A term argument; `intro a b`, `clear h₁ h₂`, `case inl h` take one simple term per name."""
        if tactic in _NAME_LIST_TACTICS:
            return self.term(1023)
        return self.term()

    def tactic_alternative(self) -> Node:
        kids = [self.advance()]  # |
        saved = self.pos_col
        self.pos_col = -1
        kids.append(self.term())
        while self.accept("|", kids) or self.accept(",", kids):
            kids.append(self.term())
        self.pos_col = saved
        kids.append(self.expect("=>"))
        kids.append(self.tactic_seq())
        return Node("tactic_alt", kids)

    def tactic_bracket_list(self) -> Node:
        """`[h, ← foo, -bar, *, ↓baz]` as `simp` and `rw` take them."""
        kids = [self.advance()]
        saved = self.pos_col
        self.pos_col = -1
        while not self.at_sym("]"):
            tok = self.tok
            if tok.kind == T.SYM and tok.text in ("←", "<-", "-", "↓", "↑", "*", "=", "→"):  # `=`, `→`: grind
                kids.append(self.advance())
                if tok.text == "*" :
                    pass
                elif not self.at_sym(",") and not self.at_sym("]"):
                    kids.append(self.term())
            else:
                kids.append(self.term())
            if not self.accept(",", kids):
                break
        self.pos_col = saved
        kids.append(self.expect("]"))
        return Node("tactic_list", kids)


_DO_WORDS = {
    "let": "do_let",
    "have": "do_let",
    "if": "do_if",
    "unless": "do_unless",
    "for": "do_for",
    "while": "do_while",
    "repeat": "do_repeat",
    "match": "do_match",
    "return": "do_return",
    "break": "do_keyword",
    "continue": "do_keyword",
    "try": "do_try",
    "do": "do_nested",
}
# Tactics whose arguments are comma-separated lists; elsewhere a `,` ends the tactic.
# Tactics whose arguments are a list of names or simple terms: `intro a ⟨b, c⟩ _`.
_NAME_LIST_TACTICS = frozenset(["intro", "intros", "rename_i", "clear", "subst", "revert", "unfold", "injection",
                                "injections", "funext", "ext", "case", "case'", "next", "delta", "generalizing",
                                "clear_value"])
_COMMA_TACTICS = frozenset(["exists", "use", "existsi", "cases", "induction", "rcases", "obtain", "generalize", "case",
                            "case'", "refine_lift", "constructorm", "casesm", "interval_cases", "fun_induction", "fun_cases"])
_INDUCTION_TACTICS = frozenset(["induction", "cases", "fun_induction", "fun_cases"])
# rcases patterns (`⟨a, b⟩ | c`, `(h | h)`, `-`, `rfl`) follow these tactics.
_RCASES_TACTICS = frozenset(["rcases", "obtain", "rintro", "rintros", "ext"])  # `ext` takes rintro patterns
_TERM_WORDS_IN_TACTICS = frozenset(["fun", "by", "do", "if", "match", "let", "have", "show", "Type", "Sort", "Prop", "calc", "nofun", "nomatch", "suffices", "open", "set_option", "return"])
