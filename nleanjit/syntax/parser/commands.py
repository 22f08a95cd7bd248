"""Commands: the top level of a Lean file.

A module is a header (`prelude`, `import`s) and commands. Each command starts
with optional modifiers (doc comment, `@[attrs]`, `private`, `noncomputable`,
...) and a keyword. On a syntax error the parser records a diagnostic and
skips to the next token that can start a command, so one bad command never
hides the rest of the file (Lean's `consumeCommandError`).
"""

from __future__ import annotations

from nleanjit.syntax import tokens as T
from nleanjit.syntax.lexer import IDENT_RE
from nleanjit.syntax.parser.base import MAX_PREC, ParseError
from nleanjit.syntax.tree import Node

MODIFIER_WORDS = frozenset(["private", "protected", "noncomputable", "partial", "unsafe", "nonrec", "public", "meta"])
ATTR_KIND_WORDS = frozenset(["local", "scoped"])
DECL_WORDS = frozenset(["def", "theorem", "lemma", "abbrev", "instance", "example", "opaque", "axiom"])


class CommandParser:
    # -- module -------------------------------------------------------------
    def module(self) -> Node:
        kids: list = []
        while self.tok.kind != T.EOF:
            start = self.i
            try:
                kids.append(self.command())
            except ParseError as err:
                self.report(err)
                kids.append(self.recover(start, err))
        kids.append(self.tok)  # EOF carries the trailing trivia
        return Node("module", kids)

    def recover(self, start: int, err: ParseError) -> Node:
        """Skip to the next command start; the skipped tokens become an error node."""
        self.pos_col = -1
        self.depth = 0
        stop = max(err_index(self, err), start + 1)
        self.reset(start)
        kids = []
        while self.i < stop and self.tok.kind != T.EOF:
            kids.append(self.advance())
        while self.tok.kind != T.EOF and not self.at_command_start():
            kids.append(self.advance())
        return Node("error", kids)

    def at_command_start(self) -> bool:
        tok = self.tok
        if tok.kind == T.IDENT:
            return tok.text in _COMMAND_WORDS or tok.text in MODIFIER_WORDS or tok.text in self.command_notations
        if tok.kind == T.DOC or tok.kind == T.MODDOC:
            return True
        if tok.kind == T.SYM:
            if tok.text == "@[" or _is_hash_word(tok.text):
                return True
            if tok.text == "#" and self.peek().kind == T.IDENT and not self.peek().leading:
                return True
            return tok.text in self.command_notations
        return False

    # -- commands -----------------------------------------------------------
    def command(self, nested: bool = False) -> Node:
        node = self.command_inner(nested)
        while self.at_word("in"):  # `cmd in cmd`
            node = Node("in", [node, self.advance(), self.command(nested=True)])
        return node

    def command_inner(self, nested: bool) -> Node:
        if not nested:
            self.pos_col = self.tok.col
        tok = self.tok
        if tok.kind == T.MODDOC:
            return Node("module_doc", [self.advance()])
        mods = self.modifiers()
        self.attr_kind = _attr_kind(mods)
        node = self.command_after_modifiers(mods)
        if mods.children:
            node.children.insert(0, mods)
        return node

    def command_after_modifiers(self, mods: Node) -> Node:
        tok = self.tok
        if tok.kind == T.IDENT:
            handler = _COMMAND_WORDS.get(tok.text)
            if handler is not None:
                if tok.text in self.command_notations:  # `open private …` next to `open …`
                    return self.longest_command(getattr(self, handler), self.user_command)
                return getattr(self, handler)()
            if tok.text in self.command_notations:
                return self.user_command()
        elif tok.kind == T.SYM:
            if tok.text == "#" and self.peek().kind == T.IDENT and not self.peek().leading:
                return self.hash_command()
            if _is_hash_word(tok.text):  # a user token such as `#lint`, `#print` (from `#print prefix`)
                if tok.text in self.command_notations:
                    return self.longest_command(self.user_command, self.hash_command)
                return self.hash_command()
            if tok.text in self.command_notations:
                return self.user_command()
        if tok.kind == T.ERROR:
            raise ParseError(tok, "command", tok.error)
        raise self.fail("command")

    def longest_command(self, *alternatives) -> Node:
        """Run each parser from here and keep the one that reads furthest, as Lean's
        `longestMatch` does between built-in and user parsers of the same keyword."""
        start = self.mark()
        best = None
        error: ParseError | None = None
        for parse in alternatives:
            try:
                node = parse()
            except ParseError as err:
                if error is None or err.token.offset > error.token.offset:
                    error = err
            else:
                if best is None or self.i > best[0]:
                    best = (self.i, node, self.mark())
            self.reset(start)
        if best is None:
            raise error or self.fail("command")
        self.reset(best[2])
        return best[1]

    def modifiers(self) -> Node:
        kids: list = []
        while True:
            tok = self.tok
            if tok.kind == T.DOC:
                kids.append(self.advance())
            elif tok.kind == T.SYM and tok.text == "@[":
                kids.append(self.attributes())
            elif tok.kind == T.IDENT and tok.text in MODIFIER_WORDS:
                if tok.text == "noncomputable" and self.peek().text == "section":
                    break
                kids.append(self.advance())
            elif tok.kind == T.IDENT and tok.text in ATTR_KIND_WORDS and self.peek().kind == T.IDENT:
                kids.append(self.advance())
            else:
                break
        return Node("modifiers", kids)

    def attributes(self) -> Node:
        kids = [self.advance()]  # @[ or [
        saved = self.pos_col
        self.pos_col = -1
        kids.append(self.attribute_instance())
        while self.accept(",", kids):
            kids.append(self.attribute_instance())
        kids.append(self.expect("]"))
        self.pos_col = saved
        return Node("attributes", kids)

    def attribute_instance(self) -> Node:
        kids: list = []
        tok = self.tok
        if tok.kind == T.IDENT and tok.text in ATTR_KIND_WORDS:
            kids.append(self.advance())
        if self.at_sym("-"):
            kids.append(self.advance())
        tok = self.tok
        if tok.kind == T.IDENT:
            kids.append(self.advance())
        else:
            raise self.fail("attribute")
        while not (self.at_sym(",") or self.at_sym("]")) and self.tok.kind != T.EOF:
            tok = self.tok
            if tok.kind == T.SYM and tok.text not in ("(", "[", "⟨", "{", "#[", "@", "`(", "``(", ".", "·"):
                kids.append(self.advance())
            elif tok.kind == T.SYM and tok.text == "(" and self.peek().kind == T.IDENT and self.peek(2).text == ":=":
                kids.append(self.named_argument())
            elif tok.kind == T.IDENT and tok.text in self.reserved:
                kids.append(self.advance())
            else:
                kids.append(self.term(MAX_PREC))
        return Node("attr", kids)

    def decl_id(self, kids: list) -> None:
        kids.append(self.ident())
        tok = self.tok
        if tok.kind == T.SYM and tok.text == "." and not tok.leading and self.peek().text == "{":
            kids.append(self.advance())
            kids.extend(self.universe_list())

    def opt_type(self, kids: list) -> None:
        if self.accept(":", kids):
            kids.append(self.term())

    def declaration(self) -> Node:
        kw = self.advance()
        kids = [kw]
        kind = kw.text
        if kind == "instance":
            while self.at_sym("(") and self.peek().kind == T.IDENT and self.peek(2).text == ":=":
                kids.append(self.named_argument())
            tok = self.tok
            if tok.kind == T.IDENT and tok.text not in self.reserved:
                self.decl_id(kids)
        elif kind != "example":
            self.decl_id(kids)
        self.decl_binders(kids)
        self.opt_type(kids)
        # `opaque` and `axiom` may stop at their type; the other declarations need a value
        self.decl_body(kids, required=kind in ("def", "theorem", "lemma", "abbrev", "instance", "example"))
        return Node(kind, kids)

    def decl_body(self, kids: list, required: bool = False) -> None:
        tok = self.tok
        if tok.kind == T.SYM and tok.text == ":=":
            kids.append(self.advance())
            kids.append(self.term())
        elif tok.kind == T.SYM and tok.text == "|":
            kids.append(self.match_alternatives(self.term))
        elif tok.kind == T.IDENT and tok.text == "where" :
            kids.append(self.advance())
            kids.append(self.struct_fields(closers=()))
        elif required:
            raise self.fail("':=', 'where' or '|'")
        self.decl_suffix(kids)

    def decl_suffix(self, kids: list) -> None:
        while True:
            tok = self.tok
            if tok.kind != T.IDENT:
                return
            text = tok.text
            if text == "termination_by":
                kids.append(self.termination_by())
            elif text == "decreasing_by":
                kids.append(Node("decreasing_by", [self.advance(), self.tactic_seq()]))
            elif text == "where":
                kids.append(self.where_decls())
            elif text == "deriving":
                if self.peek().text == "instance":
                    return
                kids.append(self.deriving_clause())
            elif text in ("partial_fixpoint", "coinductive_fixpoint", "inductive_fixpoint"):
                hint = [self.advance()]
                if self.at_word("monotonicity"):
                    hint.append(self.advance())
                    hint.append(self.term())
                kids.append(Node("fixpoint", hint))
            else:
                return

    def termination_by(self) -> Node:
        kids = [self.advance()]
        if self.at_word("structural"):
            kids.append(self.advance())
        start = self.mark()
        idents = []
        while (self.tok.kind == T.IDENT and self.tok.text not in self.reserved) or self.at_sym("_"):
            idents.append(self.advance())
        if idents and self.at_sym("=>"):
            kids.extend(idents)
            kids.append(self.advance())
        else:
            self.reset(start)
        kids.append(self.term())
        return Node("termination_by", kids)

    def where_decls(self) -> Node:
        kids = [self.advance()]  # where
        saved = self.pos_col
        col = self.tok.col
        while True:
            tok = self.tok
            if tok.kind == T.EOF or tok.col != col:
                break
            if not (tok.kind == T.DOC or (tok.kind == T.SYM and tok.text == "@[") or (tok.kind == T.IDENT and (tok.text not in self.reserved or tok.text in MODIFIER_WORDS))):
                break
            self.pos_col = col
            decl = [self.modifiers()]
            self.decl_id(decl)
            self.decl_binders(decl)
            self.opt_type(decl)
            self.decl_body(decl)
            kids.append(Node("where_decl", decl))
        self.pos_col = saved
        return Node("where", kids)

    def deriving_clause(self) -> Node:
        kids = [self.advance()]
        while True:
            if self.at_sym("@["):
                kids.append(self.attributes())
            kids.append(self.ident())
            if not self.accept(",", kids):
                return Node("deriving", kids)

    def structure(self) -> Node:
        kids = [self.advance()]  # structure / class
        if kids[0].text == "class" and self.at_word("inductive"):
            kids.append(self.advance())
            return self.inductive_rest(kids)
        if kids[0].text == "class" and self.at_word("abbrev"):
            kids.append(self.advance())
            self.decl_id(kids)
            self.decl_binders(kids)
            self.opt_type(kids)
            kids.append(self.expect(":="))
            kids.append(self.term())
            while self.accept(",", kids):
                kids.append(self.term())
            return Node("class_abbrev", kids)
        self.decl_id(kids)
        self.decl_binders(kids)
        if self.at_word("extends"):
            kids.append(self.advance())
            kids.append(self.term())
            while self.accept(",", kids):
                kids.append(self.term())
        self.opt_type(kids)
        if self.at_word("extends"):
            kids.append(self.advance())
            kids.append(self.term())
            while self.accept(",", kids):
                kids.append(self.term())
        if self.at_word("where") or self.at_sym(":="):
            kids.append(self.advance())
            start = self.mark()
            mods = self.modifiers()
            if self.tok.kind == T.IDENT and self.peek().kind == T.SYM and self.peek().text == "::":
                kids.append(Node("ctor_name", [mods, self.advance(), self.advance()]))
            else:
                self.reset(start)
            kids.append(self.structure_fields())
        self.decl_suffix(kids)
        return Node("structure", kids)

    def structure_fields(self) -> Node:
        fields: list = []
        saved = self.pos_col
        while True:
            tok = self.tok
            if tok.kind == T.EOF or (tok.col == 0 and "\n" in tok.leading):
                break
            start = self.mark()
            mods = self.modifiers()
            tok = self.tok
            if tok.kind == T.SYM and tok.text in ("(", "{", "[", "⦃"):
                field = [mods, self.bracketed_binder()]
                fields.append(Node("struct_field", field))
                continue
            if tok.kind == T.IDENT and tok.text not in self.reserved:
                self.pos_col = tok.col
                field = [mods]
                while self.tok.kind == T.IDENT and self.tok.text not in self.reserved:
                    field.append(self.advance())
                self.decl_binders(field)
                self.opt_type(field)
                if self.accept(":=", field):
                    field.append(self.term())
                elif self.at_sym("|"):
                    field.append(self.match_alternatives(self.term))
                self.pos_col = saved
                fields.append(Node("struct_field", field))
                continue
            self.reset(start)
            break
        self.pos_col = saved
        return Node("struct_fields", fields)

    def inductive(self) -> Node:
        return self.inductive_rest([self.advance()])

    def inductive_rest(self, kids: list) -> Node:
        self.decl_id(kids)
        self.decl_binders(kids)
        self.opt_type(kids)
        if self.at_word("where") or self.at_sym(":="):
            kids.append(self.advance())
        ctors = []
        while True:
            start = self.mark()
            mods = self.modifiers()
            if not self.at_sym("|"):
                self.reset(start)
                break
            ctor = [mods, self.advance()]
            if self.tok.kind != T.IDENT:  # ctor names are raw identifiers: keywords allowed
                raise self.fail("identifier")
            ctor.append(self.advance())
            saved = self.pos_col
            self.decl_binders(ctor)
            self.opt_type(ctor)
            self.pos_col = saved
            ctors.append(Node("ctor", ctor))
        kids.append(Node("ctors", ctors))
        self.decl_suffix(kids)
        return Node("inductive", kids)

    def mutual(self) -> Node:
        kids = [self.advance()]
        while not self.at_word("end"):
            if self.tok.kind == T.EOF:
                raise self.fail("'end'")
            start = self.i
            try:
                kids.append(self.command())
            except ParseError as err:
                self.report(err)
                kids.append(self.recover(start, err))
        kids.append(self.advance())
        return Node("mutual", kids)

    def same_line_ident(self, kids: list) -> None:
        tok = self.tok
        if tok.kind == T.IDENT and tok.text not in self.reserved and "\n" not in tok.leading:
            kids.append(self.advance())

    def namespace(self) -> Node:
        kids = [self.advance(), self.ident()]
        self.enter_scope("namespace", kids[1].text)
        return Node("namespace", kids)

    def section(self) -> Node:
        kids = [self.advance()]
        if kids[0].text == "noncomputable":
            kids.append(self.expect("section"))
        self.same_line_ident(kids)
        self.enter_scope("section")
        return Node("section", kids)

    def end(self) -> Node:
        kids = [self.advance()]
        self.same_line_ident(kids)
        self.exit_scope()
        return Node("end", kids)

    def import_(self) -> Node:
        """`import M`, `import all M` (after `public`/`meta` modifiers); the imported syntax is active from here on."""
        kids = [self.advance()]
        if self.at_word("all") and self.peek().kind == T.IDENT and self.peek().line == self.tok.line:
            kids.append(self.advance())
        modules = [self.ident()]
        while self.tok.kind == T.IDENT and self.tok.line == modules[-1].line and self.tok.text not in self.reserved:
            modules.append(self.advance())
        kids.extend(modules)
        for module in modules:
            self.import_module(module.text)
        return Node("import", kids)

    def prelude(self) -> Node:
        return Node(self.tok.text, [self.advance()])

    def run_command(self) -> Node:
        """`run_cmd`, `run_elab`, `run_meta`: a `do` sequence run at elaboration time."""
        return Node("run", [self.advance(), self.do_seq()])

    def register_option(self) -> Node:
        kids = [self.advance(), self.ident(), self.expect(":"), self.term(), self.expect(":="), self.term()]
        return Node("register_option", kids)

    def declare_config_elab(self) -> Node:
        return Node("declare_config_elab", [self.advance(), self.ident(), self.ident()])

    def deprecated_module(self) -> Node:
        kids = [self.advance()]
        if self.tok.kind == T.STR:
            kids.append(self.advance())
        while self.at_sym("(") and self.peek().kind == T.IDENT and self.peek(2).text == ":=":
            kids.append(self.named_argument())
        return Node("deprecated_module", kids)

    def grind_pattern(self) -> Node:
        kids = [self.advance(), self.ident(), self.expect("=>"), self.term()]
        while self.accept(",", kids):
            kids.append(self.term())
        if self.at_word("where"):  # constraints, one per line: `guard l ≠ []`, `is_value x`
            kids.append(self.advance())
            kids.append(Node("constraints", self.layout_block(self.term, self.can_start_term)))
        return Node("grind_pattern", kids)

    def unif_hint(self) -> Node:
        kids = [self.advance()]
        if self.tok.kind == T.IDENT and self.tok.text not in self.reserved:
            kids.append(self.advance())
        self.decl_binders(kids)
        kids.append(self.expect("where"))
        while not (self.at_sym("⊢") or self.at_sym("|-")):
            kids.append(self.term())
        kids.append(self.advance())
        kids.append(self.term())
        return Node("unif_hint", kids)

    def open_args(self, kids: list, activate: bool = True) -> None:
        """The namespaces of `open`/`export` and their `hiding`/`renaming`/`( )` clauses;
        `open` also activates the namespaces' scoped syntax."""
        if self.at_word("scoped"):
            kids.append(self.advance())
        kids.append(self.ident())
        names = [kids[-1].text]
        while True:
            tok = self.tok
            if tok.kind == T.IDENT and tok.text == "hiding":
                kids.append(self.advance())
                while self.tok.kind == T.IDENT and self.tok.text not in self.reserved and self.tok.line == kids[-1].line:
                    kids.append(self.advance())
            elif tok.kind == T.IDENT and tok.text == "renaming":
                kids.append(self.advance())
                while True:
                    kids.append(self.ident())
                    if not (self.at_sym("→") or self.at_sym("->")):
                        raise self.fail("'→'")
                    kids.append(self.advance())
                    kids.append(self.ident())
                    if not self.accept(",", kids):
                        break
            elif tok.kind == T.SYM and tok.text == "(" and tok.leading:
                kids.append(self.advance())
                while not self.at_sym(")"):
                    kids.append(self.ident())
                kids.append(self.advance())
            elif tok.kind == T.IDENT and tok.text not in self.reserved and self.col_ok():
                kids.append(self.advance())
                names.append(kids[-1].text)
            else:
                if activate:
                    self.open_namespaces(names)
                return

    def open_(self) -> Node:
        kids = [self.advance()]
        self.open_args(kids)
        if self.at_word("in"):
            kids.append(self.advance())
            kids.append(self.command(nested=True))
        return Node("open", kids)

    def export(self) -> Node:
        kids = [self.advance()]
        self.open_args(kids, activate=False)
        return Node("export", kids)

    def variable(self) -> Node:
        kids = [self.advance()]
        self.decl_binders(kids)
        if self.at_word("in"):
            kids.append(self.advance())
            kids.append(self.command(nested=True))
        return Node("variable", kids)

    def universe(self) -> Node:
        kids = [self.advance(), self.ident()]
        while self.tok.kind == T.IDENT and self.tok.text not in self.reserved and self.col_ok() and self.tok.line == kids[-1].line:
            kids.append(self.advance())
        return Node("universe", kids)

    def set_option(self) -> Node:
        kids = [self.advance(), self.ident(), self.option_value()]
        if self.at_word("in"):
            kids.append(self.advance())
            kids.append(self.command(nested=True))
        return Node("set_option", kids)

    def attribute_command(self) -> Node:
        kids = [self.advance()]
        if not self.at_sym("["):
            raise self.fail("'['")
        kids.append(self.attributes())
        kids.append(self.ident())
        while self.tok.kind == T.IDENT and self.tok.text not in self.reserved and self.col_ok():
            kids.append(self.advance())
        if self.at_word("in"):
            kids.append(self.advance())
            kids.append(self.command(nested=True))
        return Node("attribute", kids)

    def deriving_instance(self) -> Node:
        kids = [self.advance(), self.expect("instance")]
        kids.append(self.ident())
        while self.accept(",", kids):
            kids.append(self.ident())
        kids.append(self.expect("for"))
        kids.append(self.ident())
        while self.accept(",", kids):
            kids.append(self.ident())
        return Node("deriving_instance", kids)

    def initialize(self) -> Node:
        kids = [self.advance()]
        tok = self.tok
        if tok.kind == T.IDENT and self.peek().kind == T.SYM and self.peek().text == ":":
            kids.append(self.advance())
            kids.append(self.advance())
            kids.append(self.term())
            kids.append(self.expect("←"))
        kids.append(self.do_seq())
        return Node("initialize", kids)

    def omit_include(self) -> Node:
        kids = [self.advance()]
        while self.binder_start() and self.col_ok():
            if self.tok.kind == T.IDENT:
                kids.append(self.advance())
            else:
                kids.append(self.bracketed_binder())
        if self.at_word("in"):
            kids.append(self.advance())
            kids.append(self.command(nested=True))
        return Node(kids[0].text, kids)

    def hash_command(self) -> Node:
        """`#check e`, `#print axioms f`, …: `#` and a name, or one `#name` token when user syntax made it one."""
        hash_tok = self.advance()
        if hash_tok.text == "#":
            name = self.advance()
            kids = [hash_tok, name]
        else:
            name = hash_tok
            kids = [hash_tok]
        cmd = name.text.lstrip("#")
        if self.at_sym("!") and not self.tok.leading:
            kids.append(self.advance())
        if cmd == "guard_msgs":
            if self.at_sym("("):
                kids.extend(self.balanced_group())
            kids.append(self.expect("in"))
            kids.append(self.command(nested=True))
        elif cmd == "exit":
            pass
        elif cmd == "time":
            kids.append(self.command(nested=True))
        elif cmd == "print":
            if self.at_word("axioms") or self.at_word("prefix"):
                kids.append(self.advance())
            if self.tok.kind == T.STR:
                kids.append(self.advance())
            else:
                kids.append(self.term())
        elif cmd in ("check", "check_failure", "reduce", "eval", "guard", "synth", "whnf", "norm_num", "simp", "conv", "help", "find", "lint", "instances", "time", "test", "guard_expr", "kernel_reduce", "dsimp"):
            if cmd in ("help", "lint", "instances"):
                while self.tok.kind == T.IDENT and self.tok.line == name.line:
                    kids.append(self.advance())
            else:
                kids.append(self.term())
            if self.at_word("in"):
                kids.append(self.advance())
                kids.append(self.command(nested=True))
        else:
            if self.can_start_term() and self.col_ok():
                kids.append(self.term())
        return Node("hash_command", kids)


def _is_hash_word(text: str) -> bool:
    return len(text) > 1 and text[0] == "#" and IDENT_RE.fullmatch(text, 1) is not None


def _attr_kind(mods: Node) -> str | None:
    for child in mods.children:
        if type(child) is not Node and child.text in ATTR_KIND_WORDS:
            return child.text
    return None


def err_index(parser, err: ParseError) -> int:
    """Index of the token an error points at (the end of the file if it is unknown)."""
    tokens = parser.lx.tokens
    tok = err.token
    lo, hi = 0, len(tokens)
    while lo < hi:  # tokens are in offset order
        mid = (lo + hi) // 2
        if tokens[mid].offset < tok.offset:
            lo = mid + 1
        else:
            hi = mid
    while lo < len(tokens) and tokens[lo] is not tok and tokens[lo].offset == tok.offset:
        lo += 1
    return lo


_COMMAND_WORDS = {
    "def": "declaration", "theorem": "declaration", "lemma": "declaration", "abbrev": "declaration",
    "instance": "declaration", "example": "declaration", "opaque": "declaration", "axiom": "declaration",
    "structure": "structure", "class": "structure", "noncomputable": "section", "inductive": "inductive", "coinductive": "inductive",
    "mutual": "mutual", "namespace": "namespace", "section": "section", "end": "end",
    "import": "import_", "prelude": "prelude", "module": "prelude", "unif_hint": "unif_hint",
    "run_cmd": "run_command", "run_elab": "run_command", "run_meta": "run_command",
    "register_option": "register_option", "register_builtin_option": "register_option",
    "declare_config_elab": "declare_config_elab", "declare_command_config_elab": "declare_config_elab",
    "deprecated_module": "deprecated_module", "grind_pattern": "grind_pattern", "init_quot": "prelude", "open": "open_", "export": "export", "variable": "variable",
    "universe": "universe", "set_option": "set_option", "attribute": "attribute_command",
    "deriving": "deriving_instance", "initialize": "initialize", "builtin_initialize": "initialize",
    "omit": "omit_include", "include": "omit_include",
    "notation": "notation_command", "infix": "notation_command", "infixl": "notation_command",
    "infixr": "notation_command", "prefix": "notation_command", "postfix": "notation_command",
    "macro": "syntax_command", "syntax": "syntax_command", "elab": "syntax_command",
    "macro_rules": "rules_command", "elab_rules": "rules_command",
    "declare_syntax_cat": "declare_syntax_cat",
}
