"""Commands: a module's syntax tree → declarations in the environment, and messages.

In: the `module` node of a parsed file and an `ElabEnv` (the prelude's, or
empty while the prelude itself is elaborated). Out: the environment grown by
every declaration that checks, and the list of `Message`s. Each command is
elaborated on its own with a fresh `MetaContext` and a fresh step budget;
any failure becomes a message at the failing syntax and the next command
goes on (Lean's per-declaration recovery). Every declaration is checked by
the kernel (`Environment.add`).

Commands: `def`/`theorem`/`abbrev`/`instance`/`example`/`opaque`/`axiom`
(with `partial`/`unsafe`/`private`/`protected` and `@[…]` attributes,
`where` helpers), `inductive`, `structure`/`class` (inductive.py),
`namespace`/`section`/`end`, `open`, `variable`, `universe`, `attribute`,
`set_option`, `mutual` (each member alone), `#check`, `#print`, `#reduce`,
`#eval` (kernel reduction for literals, else the compiler: `codegen.evaluate`),
`#guard_msgs` (guard_msgs.py: the messages of the command it wraps against its doc comment).
"""

from __future__ import annotations

import sys

from nleanjit.elab import syntax_view as V
from nleanjit.elab.messages import SORRY_WARNING, ElabError, Message, Span
from nleanjit.elab.meta import FUEL_ERRORS, MetaContext, MetaError
from nleanjit.elab.pretty import Printer
from nleanjit.elab.state import DEFAULT_ELAB_FUEL, ROOT_SCOPE, ElabEnv, InstanceInfo, Scope
from nleanjit.elab.term import AutoBoundImplicit, TermElab
from nleanjit.kernel import errors as KE
from nleanjit.kernel import expr as X
from nleanjit.kernel import level as L
from nleanjit.kernel.declaration import (
    ABBREV_HINTS,
    AxiomDecl,
    DefinitionDecl,
    DefinitionInfo,
    OpaqueDecl,
    ReducibilityHints,
    Safety,
    TheoremDecl,
)
from nleanjit.kernel.expr import App, Const, Expr, FVar, Lam, NatLit, Pi, Sort, StrLit
from nleanjit.syntax.tokens import Token
from nleanjit.syntax.tree import Node

_DEBUG = bool(__import__("os").environ.get("NLEANJIT_DEBUG"))
PRIORITIES = {"default": 1000, "low": 100, "mid": 500, "high": 10000}

HEARTBEATS_TEXT = (
    "(deterministic) timeout at `whnf`, maximum number of heartbeats (200000) has been reached\n"
    "Use `set_option maxHeartbeats <num>` to set the limit.\n"
    "Additional diagnostic information may be available using the `set_option diagnostics true` command."
)
RECDEPTH_TEXT = (
    "maximum recursion depth has been reached\n"
    "use `set_option maxRecDepth <num>` to increase limit\n"
    "use `set_option diagnostics true` to get diagnostic information"
)


class CommandElab:
    # `#eval` of an `IO` action runs it in this process (as `lean` does). A server that must run
    # such programs sandboxed sets this to False: the action is then reported as not evaluated.
    run_io: bool = True

    def __init__(self, eenv: ElabEnv, file: str = "<input>", fuel=DEFAULT_ELAB_FUEL):
        self.eenv = eenv
        self.file = file
        self.fuel = fuel
        self.scopes: list[Scope] = [ROOT_SCOPE]
        self.messages: list[Message] = []
        self.last_te: TermElab | None = None
        self.auto_level_names = True
        self._cmd_syntax = None
        self.user_operators: dict = {}
        """User `infix`/`infixl`/`infixr`/`prefix` operators: atom → (kind, the function's syntax)."""
        self.prefix_macros: dict = {}
        """User `macro`s for `↑`-like prefix atoms (`macros.PrefixMacro` by atom); the latest wins, as in Lean."""

    # ------------------------------------------------------------ scopes and names
    @property
    def scope(self) -> Scope:
        return self.scopes[-1]

    def set_scope(self, s: Scope) -> None:
        self.scopes[-1] = s

    def decl_name(self, short: str) -> str:
        short = V.strip_guillemets(short)
        if short.startswith("_root_."):
            return short[len("_root_.") :]
        ns = self.scope.namespace
        return f"{ns}.{short}" if ns else short

    def scope_variable_binders(self):
        return list(self.scope.variables)

    # ------------------------------------------------------------ messages
    def log(self, severity: str, syntax, text: str) -> None:
        span = Span.of(syntax) or Span.of(self._cmd_syntax) or Span(1, 0, 1, 0)
        self.messages.append(Message(severity, self.file, span, text))

    def error(self, syntax, text: str) -> None:
        self.log("error", syntax, text)

    # ------------------------------------------------------------ driver
    def elab_module(self, tree: Node) -> None:
        for c in tree.children:
            if type(c) is Node:
                self.elab_command(c)

    def elab_command(self, stx: Node) -> None:
        self._cmd_syntax = stx
        old = sys.getrecursionlimit()
        if old < 20000:
            sys.setrecursionlimit(20000)
        try:
            self._dispatch(stx)
        except Exception as err:
            self.report_exception(err, stx)
        finally:
            if old < 20000:
                sys.setrecursionlimit(old)

    def report_exception(self, err: Exception, stx) -> None:
        """Turn a failure while elaborating `stx` into Lean's message (the one edge: never a traceback)."""
        try:
            raise err
        except ElabError as err:
            self.error(err.syntax if err.syntax is not None else stx, err.text)
        except AutoBoundImplicit as a:
            self.error(stx, f"unknown identifier '{a.name}'")
        except KE.DeterministicTimeout:
            self.error(stx, HEARTBEATS_TEXT)
        except (KE.DeepRecursion, RecursionError):
            if _DEBUG:
                raise
            self.error(stx, RECDEPTH_TEXT)
        except KE.KernelError as err:
            self.error(stx, str(err))
        except MetaError as err:
            self.error(stx, str(err))
        except Exception as err:  # the edge: never a traceback
            if _DEBUG:
                raise
            self.error(stx, f"internal error in nleanjit's elaborator: {type(err).__name__}: {err}")

    def _dispatch(self, stx: Node) -> None:
        k = stx.kind
        if k in ("def", "theorem", "abbrev", "instance", "example", "opaque", "axiom"):
            self.elab_decl(V.view_decl(stx))
        elif k in ("inductive", "structure", "class"):
            from nleanjit.elab.inductive import elab_inductive, elab_structure

            view = V.view_inductive(stx)
            if view.kind in ("inductive", "class inductive"):
                elab_inductive(self, view)
            else:
                elab_structure(self, view)
        elif k == "namespace":
            name = V.strip_guillemets(stx.children[1].text)
            ns = f"{self.scope.namespace}.{name}" if self.scope.namespace else name
            self.eenv.register_namespace(ns)
            # each component opens a scope, as in Lean
            self.scopes.append(self.scope.with_(kind="namespace", header=name, namespace=ns))
        elif k == "section":
            toks = [t for t in V.tokens(stx) if t.kind == "ident" and t.text != "section"]
            self.scopes.append(self.scope.with_(kind="section", header=toks[0].text if toks else ""))
        elif k == "end":
            self.elab_end(stx)
        elif k == "open":
            self.elab_open(stx)
        elif k == "variable":
            binders = [V.view_binder(c) for c in stx.children if type(c) is Node and c.kind in V.BINDER_KINDS]
            self._check_variables(binders, stx)
            self.set_scope(self.scope.with_(variables=self.scope.variables + tuple(binders)))
        elif k == "universe":
            names = [t.text for t in V.tokens(stx) if t.kind == "ident" and t.text != "universe"]
            new = tuple(n for n in names if n not in self.scope.universes)
            self.set_scope(self.scope.with_(universes=self.scope.universes + new))
        elif k == "initialize":
            self.elab_initialize(stx)
        elif k == "hash_command":
            self.elab_hash(stx)
        elif k == "set_option":
            inner = [c for c in stx.children if type(c) is Node and c.kind not in ("ident",)]
            if inner:
                self.elab_command_in(inner[-1])
        elif k == "attribute":
            self.elab_attribute(stx)
        elif k == "mutual":
            for c in V.nodes(stx):
                if c.kind != "end":
                    self._dispatch(c)
        elif k in ("module_doc", "import", "prelude", "eof", "deriving_instance", "module", "deprecated_module", "notation", "infix", "infixl",
                   "infixr", "prefix", "postfix", "macro", "syntax", "macro_rules", "command_notation",
                   "declare_syntax_cat", "export"):
            if k == "deriving_instance":
                toks = [t.text for t in V.tokens(stx) if t.kind == "ident"]
                if "for" in toks:
                    cls = toks[2 : toks.index("for")]
                    for t in toks[toks.index("for") + 1 :]:
                        for c in cls:
                            self.derive(c, self._resolve_type_name(t), stx)
            if k == "export":
                self.elab_export(stx)
            if k == "notation":
                self.read_user_operator(stx)
            if k == "macro":
                from nleanjit.elab.macros import read_prefix_macro

                m = read_prefix_macro(stx)
                if m is not None:
                    self.prefix_macros[m.atom] = m
            return
        elif k == "in":
            self.elab_command_in(stx)
        elif k == "error":
            return  # the parser has reported it
        else:
            raise ElabError(stx, f"unsupported command '{k}' (not yet implemented by nleanjit's elaborator)")

    def read_user_operator(self, stx: Node) -> None:
        """`infixl:65 " +++ " => f` (and `infix`, `infixr`, `prefix`, with `local`/`scoped`):
        the operator's atom and the function it stands for, applied at each use (Lean's
        `notation` expansion for these shapes; the parser reads the uses already)."""
        toks = [c for c in stx.children if type(c) is Token]
        kind = next((t.text for t in toks if t.text in ("infix", "infixl", "infixr", "prefix")), None)
        pattern = next((c for c in stx.children if type(c) is Node and c.kind == "pattern"), None)
        arrow = next((i for i, c in enumerate(stx.children) if type(c) is Token and c.text == "=>"), None)
        if kind is None or pattern is None or arrow is None or arrow + 1 >= len(stx.children):
            return
        lits = [t for t in pattern.tokens() if t.kind == "str" or t.text.startswith('"')]
        if len(lits) != 1:
            return
        atom = lits[0].text.strip('"').strip()
        if atom:
            self.user_operators[atom] = (kind, stx.children[arrow + 1])

    def elab_command_in(self, stx: Node) -> None:
        self.scopes.append(self.scope.with_(kind="section", header=""))
        try:
            self._dispatch(stx)
        finally:
            self.scopes.pop()

    def elab_end(self, stx: Node) -> None:
        toks = [t.text for t in V.tokens(stx) if t.kind == "ident" and t.text != "end"]
        name = V.strip_guillemets(toks[0]) if toks else ""
        if len(self.scopes) <= 1:
            raise ElabError(stx, "invalid 'end', insufficient scopes")
        n = len(name.split(".")) if name else 1
        if self.scope.kind == "namespace":
            # `end A.B` closes the scopes opened by `namespace A.B`
            self.scopes.pop()
            return
        if self.scope.header != name:
            if not name:
                raise ElabError(stx, f"invalid 'end', name is missing (expected {self.scope.header})")
            raise ElabError(stx, f"invalid 'end', name mismatch (expected {self.scope.header or 'nothing'})")
        for _ in range(n):
            if len(self.scopes) > 1:
                self.scopes.pop()

    def elab_open(self, stx: Node) -> None:
        ch = stx.children
        names = []
        for c in ch[1:]:
            if type(c) is Token and c.kind == "ident":
                if c.text in ("in", "hiding", "renaming", "scoped"):
                    break
                names.append(V.strip_guillemets(c.text))
            elif type(c) is Node and c.kind == "ident":
                names.append(V.ident_text(c))
        opens = list(self.scope.opens)
        for n in names:
            full = self._resolve_namespace(n)
            if full is None:
                raise ElabError(stx, f"unknown namespace '{n}'")
            if full not in opens:
                opens.append(full)
        inner = [c for c in ch if type(c) is Node and c.kind not in ("ident",)]
        if any(type(c) is Token and c.text == "in" for c in ch) and inner:
            self.scopes.append(self.scope.with_(kind="section", header="", opens=tuple(opens)))
            try:
                self._dispatch(inner[-1])
            finally:
                self.scopes.pop()
            return
        self.set_scope(self.scope.with_(opens=tuple(opens)))

    def _resolve_namespace(self, n: str) -> str | None:
        ns = self.scope.namespace
        while True:
            full = f"{ns}.{n}" if ns else n
            if full in self.eenv.namespaces:
                return full
            if not ns:
                break
            ns = ns.rpartition(".")[0]
        return None

    def elab_export(self, stx: Node) -> None:
        toks = [t.text for t in V.tokens(stx) if t.kind == "ident" and t.text != "export"]
        if not toks:
            return
        ns = self._resolve_namespace(toks[0]) or toks[0]
        for n in toks[1:]:
            self.eenv.aliases[n] = f"{ns}.{n}"

    def _check_variables(self, binders, stx) -> None:
        """Elaborate `variable` binders once so that errors show at the command."""
        from nleanjit.elab.inductive import _with_auto_bound

        class _View:
            level_names = ()

        def body(te, auto_fvs):
            te.push_binders(self.scope_variable_binders() + list(binders))
            te.synthesize_pending(final=True)

        _with_auto_bound(self, _View(), body)

    def elab_attribute(self, stx: Node) -> None:
        attrs = []
        names = []
        for c in stx.children:
            if type(c) is Node and c.kind == "attributes":
                attrs = [" ".join(t.text for t in a.tokens()) for a in V.nodes(c) if a.kind == "attr"]
            elif type(c) is Token and c.kind == "ident" and c.text not in ("attribute", "local", "scoped"):
                names.append(c.text)
            elif type(c) is Node and c.kind == "ident":
                names.append(V.ident_text(c))
        for n in names:
            from nleanjit.elab.state import resolve_global

            cands = resolve_global(self.eenv, self.scope, n)
            if not cands:
                raise ElabError(stx, f"unknown constant '{n}'")
            for a in attrs:
                self.apply_attribute(a, cands[0], stx)

    def apply_attribute(self, attr: str, name: str, stx) -> None:
        a = attr.split()
        if not a:
            return
        head = a[0].lstrip("-")
        if head == "instance":
            info = self.eenv.env.get(name)
            cls = _class_of_type(info.type)
            prio = PRIORITIES.get(a[1], int(a[1]) if len(a) > 1 and a[1].isdigit() else 1000) if len(a) > 1 else 1000
            if cls is not None:
                self.eenv.add_instance(InstanceInfo(name, cls, prio))
        elif head == "default_instance":
            info = self.eenv.env.get(name)
            cls = _class_of_type(info.type)
            prio = int(a[1]) if len(a) > 1 and a[1].isdigit() else 100
            if cls is not None:
                self.eenv.default_instances.setdefault(cls, []).append((name, prio))
        else:
            self.eenv.add_attribute(head, name)

    def _resolve_type_name(self, n: str) -> str:
        from nleanjit.elab.state import resolve_global

        c = resolve_global(self.eenv, self.scope, n)
        return c[0] if c else n

    def derive(self, cls: str, type_name: str, stx) -> None:
        """`deriving C` (`deriving.py`): the instance is generated as Lean text and elaborated here.
        A class we have no handler for, or generated code we cannot elaborate yet, leaves the
        instance absent (docs/ELABORATOR.md, divergences): a use of it then fails where it is used."""
        from nleanjit.elab import deriving as D

        cls = cls.rpartition(".")[2]
        if cls not in D.SUPPORTED:
            return
        try:
            if cls in ("Inhabited", "Nonempty"):
                for text in D.inhabited_candidates(self.eenv, cls, type_name):
                    if not self._elab_generated(text):
                        return
                return
            self._elab_generated(D.derive_text(self.eenv, cls, type_name))
        except D.DeriveError:
            return

    def elab_initialize(self, stx: Node) -> None:
        """`initialize x : T ← act` declares `opaque x : T` (the runtime runs `act` at start-up to
        give it its value) and checks `act : IO T`; `initialize act` checks `act : IO Unit`."""
        ch = stx.children
        seq = next((c for c in reversed(ch) if type(c) is Node and c.kind == "do_seq"), None)
        if seq is None:
            return
        body = seq.to_source()
        name = ch[1].text if len(ch) > 3 and type(ch[1]) is Token and type(ch[2]) is Token and ch[2].text == ":" else None
        line = (Span.of(stx) or Span(0, 0, 0, 0)).line
        if name is not None:
            ty = ch[3].to_source().strip() if type(ch[3]) is Node else ch[3].text
            text = f"opaque {name} : {ty} := default\n\ndef {name}.initFn : IO ({ty}) := do{body}\n"
        else:
            text = f"def initFn_{line} : IO Unit := do{body}\n"
        errs = self._elab_generated(text)
        if errs:
            self.error(stx, errs[0])

    def _elab_generated(self, text: str) -> list:
        """Elaborate generated commands in the current scope; their error messages (not logged)."""
        from nleanjit.syntax import parse_source

        res = parse_source(text, self.file)
        if not res.ok:
            return [str(d) for d in res.diagnostics]
        sub = CommandElab(self.eenv, self.file, self.fuel)
        sub.run_io = self.run_io
        sub.scopes = list(self.scopes)
        sub.elab_module(res.tree)
        return [m.text for m in sub.messages if m.severity == "error"]

    # ------------------------------------------------------------ kernel
    def add_decl(self, decl, syntax) -> None:
        try:
            self.eenv.env.add(decl)
        except KE.DeterministicTimeout:
            raise ElabError(syntax, "(kernel) deterministic timeout") from None
        except KE.DeepRecursion:
            raise ElabError(syntax, "(kernel) deep recursion detected") from None
        except KE.KernelError as err:
            raise ElabError(syntax, str(err)) from None

    # ------------------------------------------------------------ declarations
    def elab_decl(self, view: V.DeclView) -> None:
        from nleanjit.elab.decl import elab_definition

        elab_definition(self, view)

    # ------------------------------------------------------------ # commands
    def elab_hash(self, stx: Node) -> None:
        ch = stx.children
        if ch and type(ch[0]) is Node and ch[0].kind == "modifiers":  # a doc comment in front (`/-- info: … -/ #guard_msgs`)
            ch = ch[1:]
        cmd = ch[1].text if len(ch) > 1 and type(ch[1]) is Token else ""
        arg = next((c for c in ch[2:] if type(c) is Node), None)
        if cmd == "guard_msgs":
            self.elab_guard_msgs(stx)
            return
        if cmd in ("check", "check_failure", "reduce", "eval", "print", "guard", "synth"):
            self._hash_term(cmd, stx, arg)
            return
        if cmd in ("exit", "time", "lint", "help", "print_axioms"):
            return
        raise ElabError(stx, f"unsupported command '#{cmd}' (not yet implemented by nleanjit's elaborator)")

    def elab_guard_msgs(self, stx: Node) -> None:
        """`/-- expected -/ #guard_msgs (spec)? in cmd` (guard_msgs.py): elaborate `cmd` with its
        messages captured; when they match the doc comment only the passed-through ones are kept,
        otherwise all of them come back with Lean's error at `#guard_msgs`."""
        from nleanjit.elab import guard_msgs as G

        ch = stx.children
        doc = ch[0].to_source() if ch and type(ch[0]) is Node and ch[0].kind == "modifiers" else ""
        i_in = next((i for i, c in enumerate(ch) if type(c) is Token and c.text == "in"), None)
        inner = next((c for c in ch[i_in + 1 :] if type(c) is Node), None) if i_in is not None else None
        spec_toks = [c.text for c in ch[:i_in] if type(c) is Token][2:] if i_in is not None else []
        spec = G.parse_spec(spec_toks)
        if inner is None:
            return
        before, self.messages = self.messages, []
        saved_cmd = self._cmd_syntax
        try:
            self.elab_command(inner)
        finally:
            self._cmd_syntax = saved_cmd
        produced, self.messages = self.messages, before
        verdict = G.compare(G.docstring_text(doc), produced, spec)
        if verdict.ok:
            self.messages.extend(verdict.passed_through)
        else:
            self.messages.extend(produced)
            toks = [c for c in ch if type(c) is Token and c.text in ("#", "guard_msgs")]
            at = Span(toks[0].line, toks[0].col, toks[-1].line, toks[-1].col + len(toks[-1].text)) if toks else stx
            self.error(at, verdict.failure_text)

    def _repr_term(self, te, mctx, t: Expr, e: Expr) -> Expr | None:
        """`reprStr e` (else `toString e`) for `e : t`, or None without an instance."""
        s_lvl = mctx.instantiate_level(te.level_of_type(t))  # `t : Type u` is `Sort (u+1)`
        if type(s_lvl) is not L.Succ:
            return None
        u = s_lvl.of
        inst = te.resolver.synth(App(Const("Repr", (u,)), t))
        if inst is not None:
            return mctx.instantiate(X.mk_app(Const("reprStr", (u,)), t, inst, e))
        inst = te.resolver.synth(App(Const("ToString", (u,)), t))
        if inst is None:
            return None
        return mctx.instantiate(X.mk_app(Const("ToString.toString", (u,)), t, inst, e))

    def _hash_term(self, cmd: str, stx, arg) -> None:
        from nleanjit.elab.inductive import zero_level_mvars

        if cmd == "print":
            name = V.ident_text(arg) if arg is not None else None
            if name is None:
                return
            from nleanjit.elab.state import resolve_global

            cands = resolve_global(self.eenv, self.scope, name)
            if not cands:
                raise ElabError(arg, f"unknown constant '{name}'")
            info = self.eenv.env.get(cands[0])
            pr = Printer(self.eenv.env)
            self.log("information", stx, f"{cands[0]} : {pr.pp(info.type)}")
            return
        mctx = MetaContext(self.eenv.env, self.fuel)
        te = TermElab(self, mctx)
        te.auto_level_names = False
        if cmd == "check" and arg is not None and V.ident_text(arg) is not None:
            e, _, _ = te.resolve_ident(arg, V.ident_text(arg), None, True)
        else:
            e = te.elab(arg, None) if cmd != "guard" else te.elab(arg, Const("Bool"))
        te.synthesize_pending(final=True)
        e = zero_level_mvars(mctx, e)
        t = zero_level_mvars(mctx, mctx.infer(e))
        pr = Printer(self.eenv.env, mctx.user_names())
        if cmd == "check":
            self.log("information", stx, f"{pr.pp(e)} : {pr.pp(t)}")
        elif cmd == "reduce":
            self.log("information", stx, pr.pp(_normalize(mctx, e)))
        elif cmd == "guard":
            v = _normalize(mctx, e)
            if not (type(v) is Const and v.name == "Bool.true"):
                raise ElabError(stx, "Expression\n  " + pr.pp(e) + "\ndid not evaluate to `true`")
        elif cmd == "eval":
            text = _eval_literal(mctx, e, t)
            if text is not None:
                self.log("information", stx, text)
                return
            shown = self._eval_compiled(te, mctx, e, t)
            if shown is None:
                self.log("warning", stx, "nleanjit: #eval of this term is not supported yet (only closed values the "
                                         "compiler supports, shown through `Repr`/`ToString`, and `IO` actions "
                                         "returning `Unit` or `String`)")
                return
            for severity, text in shown:
                self.log(severity, stx, text)

    def _eval_compiled(self, te, mctx, e: Expr, t: Expr) -> list[tuple[str, str]] | None:
        """`#eval e` through the compiler (`codegen.evaluate`): an `IO` action returning `Unit` or
        `String` runs, its output one message and its value another (as Lean shows them); any
        other closed value is shown through its `Repr` (else `ToString`) instance. None when it
        cannot be evaluated (the caller warns)."""
        import json

        e, t = mctx.instantiate(e), mctx.instantiate(t)
        if e.has_expr_mvar or e.has_fvar or t.has_expr_mvar:
            return None
        head, args = X.get_app_fn_args(t)
        is_io = type(head) is Const and head.name in ("IO", "BaseIO") and len(args) == 1
        if is_io and not self.run_io:
            return None
        try:
            from nleanjit.codegen.evaluate import eval_term

            if is_io:
                inner = mctx.whnf(args[0])
                if not (type(inner) is Const and inner.name in ("Unit", "PUnit", "String")):
                    # `IO α`: run it and show the value through `Repr`, as one more message
                    shown_value = self._repr_term(te, mctx, args[0], X.BVar(0))
                    if shown_value is None:
                        return None
                    z = (L.ZERO, L.ZERO)
                    m = head
                    bind_inst = te.resolver.synth(App(Const("Bind", z), m))
                    pure_inst = te.resolver.synth(App(Const("Pure", z), m))
                    if bind_inst is None or pure_inst is None:
                        return None
                    k = X.Lam("r", args[0], X.mk_app(Const("Pure.pure", z), m, pure_inst, Const("String"), shown_value), X.DEFAULT)
                    r = eval_term(self.eenv, X.mk_app(Const("Bind.bind", z), m, bind_inst, args[0], Const("String"), e, k))
                    shown = [("information", r.output)] if r.output else []
                    if r.value is not None:
                        shown.append(("information", r.value))
                    if r.error is not None:
                        shown.append(("error", r.error))
                    return shown
                r = eval_term(self.eenv, e)
                shown = [("information", r.output)] if r.output else []
                if r.value is not None:
                    shown.append(("information", json.dumps(r.value, ensure_ascii=False)))
                if r.error is not None:
                    shown.append(("error", r.error))
                return shown
            tw = mctx.whnf(t)
            if not (type(tw) is Const and tw.name == "String"):
                e = self._repr_term(te, mctx, t, e)
                if e is None:
                    return None
                r = eval_term(self.eenv, e)
                return [("information", r.value or "")]
            r = eval_term(self.eenv, e)
            return [("information", json.dumps(r.value or "", ensure_ascii=False))]
        except Exception:  # the compiler or the JIT cannot run it: the caller warns
            if _DEBUG:
                raise
            return None


def _normalize(mctx, e: Expr, depth: int = 0) -> Expr:
    w = mctx.whnf(e)
    if depth > 200:
        return w
    f, args = X.get_app_fn_args(w)
    if args:
        return X.mk_app(f, *[_normalize(mctx, a, depth + 1) for a in args])
    return w


def _eval_literal(mctx, e: Expr, t: Expr) -> str | None:
    tw = mctx.whnf(t)
    if type(tw) is not Const:
        return None
    v = mctx.whnf(e)
    if tw.name == "Nat" and type(v) is NatLit:
        return str(v.value)
    if tw.name == "Bool" and type(v) is Const:
        return {"Bool.true": "true", "Bool.false": "false"}.get(v.name)
    if tw.name == "String":
        import json

        if type(v) is StrLit:
            return json.dumps(v.value, ensure_ascii=False)
    return None


def _class_of_type(t: Expr) -> str | None:
    while type(t) is Pi:
        t = t.body
    f = X.get_app_fn(t)
    return f.name if type(f) is Const else None


__all__ = ["CommandElab", "HEARTBEATS_TEXT", "RECDEPTH_TEXT", "SORRY_WARNING", "FUEL_ERRORS", "ABBREV_HINTS",
           "AxiomDecl", "DefinitionDecl", "DefinitionInfo", "OpaqueDecl", "ReducibilityHints", "Safety", "TheoremDecl",
           "App", "FVar", "Lam", "Sort", "L", "FUEL_ERRORS"]
