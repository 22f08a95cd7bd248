"""Term elaboration: syntax → kernel terms with metavariables, bidirectionally.

In: a term's syntax node and an expected type (or None). Out: a kernel term
whose metavariables are assigned by the time the command ends. This is
Lean's `Term.elabTerm` for the core of the language: identifiers and global
name resolution, applications with implicit, instance-implicit, named and
optional arguments (`elabAppArgs`, propagating the expected type first),
generalized field notation (`xs.map f`, `p.1`), numerals through `OfNat`,
the arithmetic and comparison operators through `HAdd`/`LT`/… with Lean's
`binop%` leaf-type unification, `fun`, `∀`/`∃`/arrows, `let`, `have`,
`show`, `if … then … else` (`ite`/`dite`), anonymous constructors,
structure instances, lists, tuples, type ascriptions, holes, `sorry`, `by`
blocks (tactics/), `match` (match.py).

Instance problems are queued and solved as soon as their arguments are
known (`synthesize_pending`); default instances (numerals are `Nat`) are
tried at the end. Failures raise `ElabError` with Lean's message text.
"""

from __future__ import annotations

from dataclasses import dataclass

from nleanjit.elab import syntax_view as V
from nleanjit.elab.classes import InstanceResolver, MaxSynthDepth
from nleanjit.elab.messages import ElabError, Span
from nleanjit.elab.meta import MetaContext, MetaError
from nleanjit.elab.pretty import Printer
from nleanjit.elab.state import resolve_global
from nleanjit.kernel import expr as X
from nleanjit.kernel import level as L
from nleanjit.kernel.declaration import ConstructorInfo, InductiveInfo
from nleanjit.kernel.expr import App, Const, Expr, FVar, Lam, MVar, NatLit, Pi, Sort, StrLit
from nleanjit.syntax.tokens import Token
from nleanjit.syntax.tree import Node


class AutoBoundImplicit(Exception):
    """An unknown atomic identifier in a declaration header: bind it implicitly and retry."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


@dataclass(frozen=True)
class Elaborated:
    """An argument that is already a term (operators, field notation)."""

    expr: Expr
    syntax: object = None


class Deferred:
    """A term whose elaboration is a callback given the expected type: the branches and
    continuations of `do` blocks, `b` in `a *> b` (`fun _ => b`). `syntax` places errors."""

    kind = "deferred"
    line = 0
    text = ""
    leading = ""

    def __init__(self, run, syntax):
        self.run = run
        self.syntax = syntax


PANIC_MACROS = frozenset(["panic!", "unreachable!"])

ARITH_OPS = {
    "+": "HAdd.hAdd", "-": "HSub.hSub", "*": "HMul.hMul", "/": "HDiv.hDiv", "%": "HMod.hMod",
    "++": "HAppend.hAppend", "^": "HPow.hPow", "&&&": "HAnd.hAnd", "|||": "HOr.hOr", "^^^": "HXor.hXor",
    "<<<": "HShiftLeft.hShiftLeft", ">>>": "HShiftRight.hShiftRight",
}
REL_OPS = {
    "=": "Eq", "≠": "Ne", "==": "BEq.beq", "!=": "bne", "<": "LT.lt", ">": "GT.gt", "≤": "LE.le",
    "<=": "LE.le", "≥": "GE.ge", ">=": "GE.ge", "∣": "Dvd.dvd",
}
LOGIC_OPS = {"∧": "And", "/\\": "And", "∨": "Or", "\\/": "Or", "↔": "Iff", "<->": "Iff", "&&": "and", "||": "or"}
FUN_OPS = {
    "::": "List.cons", "∘": "Function.comp", ">>=": "Bind.bind", "<$>": "Functor.map", "<*>": "Seq.seq",
    "×": "Prod", "<|>": "HOrElse.hOrElse", "*>": "SeqRight.seqRight", "<*": "SeqLeft.seqLeft", ">>": "HAndThen.hAndThen",
    "∈": "Membership.mem", "∉": None,
}
POSTPONE_KINDS = frozenset(
    ("fun", "anonymous_ctor", "by", "dot_ident", "structinst", "hole", "synthetic_hole", "match", "do", "list")
)


def decode_string_literal(text: str) -> str:
    """The value of a Lean string literal token (quotes and escapes removed)."""
    if text.startswith('r'):
        body = text.lstrip("r")
        hashes = len(body) - len(body.lstrip("#"))
        return body[hashes + 1 : len(body) - hashes - 1]
    return _unescape(text[1:-1])


def _unescape(s: str) -> str:
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        i += 1
        if i >= len(s):
            break
        c = s[i]
        simple = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "0": "\0"}
        if c in simple:
            out.append(simple[c])
            i += 1
        elif c == "x":
            out.append(chr(int(s[i + 1 : i + 3], 16)))
            i += 3
        elif c == "u":
            j = s.index("}", i)
            out.append(chr(int(s[i + 2 : j], 16)))
            i = j + 1
        elif c == "\n":  # line continuation: skip the newline and leading spaces
            i += 1
            while i < len(s) and s[i] in " \t":
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def parse_scientific(text: str) -> tuple[int, bool, int]:
    """`1.25e3` → Lean's `OfScientific.ofScientific` arguments: mantissa, whether the decimal
    exponent is negative, its size (`125, false, 1` means 125 · 10¹)."""
    t = text.replace("_", "").lower()
    mant, _, exp = t.partition("e")
    whole, _, frac = mant.partition(".")
    m = int((whole or "0") + frac)
    e = int(exp or "0") - len(frac)
    return (m, True, -e) if e < 0 else (m, False, e)


def parse_numeral(text: str) -> int:
    t = text.replace("_", "")
    if t[:2] in ("0x", "0X"):
        return int(t[2:], 16)
    if t[:2] in ("0b", "0B"):
        return int(t[2:], 2)
    if t[:2] in ("0o", "0O"):
        return int(t[2:], 8)
    return int(t)


class TermElab:
    """Elaborates terms of one command. `ctx` is the command elaborator (`command.CommandElab`)."""

    def __init__(self, ctx, mctx: MetaContext, level_names=()):
        self.ctx = ctx
        self.eenv = ctx.eenv
        self.env = ctx.eenv.env
        self.mctx = mctx
        self.resolver = InstanceResolver(self.eenv, mctx)
        self.pending: list[tuple[MVar, object]] = []
        self.postponed_tactics: list[tuple[MVar, object, list, list]] = []
        """`by` blocks met without an expected type: (metavariable, syntax, local scope, names)."""
        self.level_names: list[str] = list(ctx.scope.universes) + list(level_names)
        self.auto_bound = False
        self.auto_level_names = False
        self.used_sorry = False
        self.sorry_at = None
        """The first `sorry` (Lean's warning points at it)."""
        self.cdot_locals: dict[int, FVar] = {}
        self.do_branches: dict[int, tuple] = {}
        """`do` sequences that are branches of a `match` in a `do` block → (context, continuation)."""
        self.rec_locals: dict[str, FVar] = {}
        """Names of the definitions being defined (recursive calls) → their local."""

    # ------------------------------------------------------------ utilities
    @property
    def scope(self):
        return self.ctx.scope

    def pp(self, e: Expr) -> str:
        return Printer(self.env, self.mctx.user_names()).pp(self.mctx.instantiate(e))

    def pp_typed(self, e: Expr) -> str:
        try:
            s = self.mctx.infer(e)
        except MetaError:
            return self.pp(e)
        return f"{self.pp(e)} : {self.pp(s)}"

    def const(self, name: str, levels=None) -> Const:
        info = self.env.find(name)
        if info is None:
            raise ElabError(None, f"unknown constant '{name}'")
        if levels is None:
            levels = tuple(self.mctx.new_level_mvar() for _ in info.level_params)
        return Const(name, tuple(levels))

    def const_type(self, c: Const) -> Expr:
        info = self.env.get(c.name)
        return X.instantiate_level_params(info.type, info.level_params, c.levels)

    def level_of_type(self, t: Expr) -> L.Level:
        """`u` such that `t : Sort u`."""
        s = self.mctx.whnf(self.mctx.infer(t))
        if type(s) is Sort:
            return s.level
        u = self.mctx.new_level_mvar()
        self.mctx.is_def_eq(s, Sort(u))
        return u

    def whnf(self, e: Expr) -> Expr:
        return self.mctx.whnf(e)

    def infer(self, e: Expr) -> Expr:
        try:
            return self.mctx.infer(e)
        except MetaError as err:
            raise ElabError(None, str(err)) from None

    # ------------------------------------------------------------ entry points
    def elab(self, stx, expected: Expr | None) -> Expr:
        """Elaborate and make sure the result has the expected type."""
        if expected is not None and self._wants_implicit_lambda(stx, expected):
            return self._implicit_lambda(stx, expected)
        e = self.elab_core(stx, expected)
        return self.ensure_has_type(stx, e, expected)

    def elab_type(self, stx) -> Expr:
        e = self.elab_core(stx, None)
        t = self.mctx.instantiate(self.infer(e))
        w = self.whnf(t)
        if type(w) is Sort:
            return e
        if type(X.get_app_fn(w)) is MVar:
            if self.mctx.is_def_eq(w, Sort(self.mctx.new_level_mvar())):
                return e
        # a Bool used as a type means `b = true`
        if type(w) is Const and w.name == "Bool":
            return self.coerce_bool_to_prop(e)
        raise ElabError(stx, f"type expected, got\n  ({self.pp(e)} : {self.pp(t)})")

    def elab_core(self, stx, expected: Expr | None) -> Expr:
        if isinstance(stx, Elaborated):
            return stx.expr
        if type(stx) is Deferred:
            try:
                return stx.run(expected)
            except ElabError as err:
                if err.syntax is None or type(err.syntax) is Deferred:
                    err.syntax = stx.syntax
                raise
        if type(stx) is Token:
            if stx.kind == "ident":
                return self.elab_app_core(stx, [], {}, expected, stx)
            raise ElabError(stx, f"unexpected token '{stx.text}'")
        if type(stx) is not Node:
            raise ElabError(None, "missing term")
        fn = getattr(self, "elab_" + stx.kind, None)
        if fn is None:
            raise ElabError(stx, f"unsupported syntax '{stx.kind}' (not yet implemented by nleanjit's elaborator)")
        try:
            return fn(stx, expected)
        except ElabError as err:
            if err.syntax is None:
                err.syntax = stx
            raise
        except MaxSynthDepth:
            raise ElabError(stx, "failed to synthesize instance: maximum class-instance resolution depth has been reached") from None

    def _wants_implicit_lambda(self, stx, expected: Expr) -> bool:
        exp = self.mctx.instantiate(expected)
        if type(exp) is not Pi or exp.info is X.DEFAULT:
            return False
        if type(stx) is Node:
            if stx.kind == "explicit":
                return False
            if stx.kind == "fun":
                bs = [c for c in stx.children if V.is_node(c, "binders")]
                if bs:
                    first = next((c for c in bs[0].children if type(c) is Node), None)
                    if first is not None and first.kind in V.BINDER_KINDS and V.first_text(first) in ("{", "[", "⦃"):
                        return False
        return True

    def _implicit_lambda(self, stx, expected: Expr) -> Expr:
        exp = self.mctx.instantiate(expected)
        fvars = []
        while type(exp) is Pi and exp.info is not X.DEFAULT:
            fv = self.mctx.push_local(exp.name, exp.type, exp.info)
            fvars.append(fv)
            exp = X.instantiate(exp.body, [fv])
        try:
            body = self.elab(stx, exp)
            self.synthesize_pending()
            return self.mctx.mk_lambda(fvars, body)
        finally:
            self.mctx.pop_local(len(fvars))

    def ensure_has_type(self, stx, e: Expr, expected: Expr | None) -> Expr:
        if expected is None:
            return e
        t = self.infer(e)
        if self.mctx.is_def_eq(t, expected):
            return e
        c = self.coerce(e, t, expected)
        if c is not None:
            return c
        self.synthesize_pending()
        if self.mctx.is_def_eq(t, expected):
            return e
        raise ElabError(
            stx,
            f"type mismatch\n  {self.pp(e)}\nhas type\n  {self.pp_typed(t)}\nbut is expected to have type\n  {self.pp_typed(expected)}",
        )

    # ------------------------------------------------------------ coercions
    def coerce(self, e: Expr, t: Expr, expected: Expr) -> Expr | None:
        tw, ew = self.whnf(t), self.whnf(self.mctx.instantiate(expected))
        if type(tw) is Const and tw.name == "Bool" and type(ew) is Sort and L.is_zero(self.mctx.instantiate_level(ew.level)):
            return self.coerce_bool_to_prop(e)
        if type(ew) is Const and ew.name == "Bool" and self.mctx.is_prop(e):  # `e : Prop` becomes `decide e`
            inst = self.new_inst_mvar(App(Const("Decidable"), e), None)  # solved once `e`'s types are known
            return X.mk_app(Const("Decidable.decide"), e, inst)
        if type(tw) is Const and type(ew) is Const and tw.name == "Nat" and ew.name == "Int" and "Int.ofNat" in self.env:
            return App(Const("Int.ofNat"), e)
        return self._coe_instance(e, t, expected)

    def _coe_instance(self, e: Expr, t: Expr, expected: Expr) -> Expr | None:
        """A user or prelude coercion `e : α` to `β` through a `Coe`/`CoeTail`/`CoeOut`/`CoeHead`
        instance (one step of Lean's `CoeT` chain), once both types are known."""
        src, dst = self.mctx.instantiate(t), self.mctx.instantiate(expected)
        if src.has_expr_mvar or dst.has_expr_mvar:
            return None
        try:
            u, v = self.level_of_type(src), self.level_of_type(dst)
            for cls in ("Coe", "CoeTail", "CoeOut", "CoeHead"):
                if cls not in self.env:
                    continue
                inst = self.resolver.synth(X.mk_app(Const(cls, (u, v)), src, dst))
                if inst is not None:
                    return X.mk_app(Const(cls + ".coe", (u, v)), src, dst, inst, e)
        except (MaxSynthDepth, MetaError):
            return None
        return None

    def coerce_bool_to_prop(self, e: Expr) -> Expr:
        return X.mk_app(Const("Eq", (L.ONE,)), Const("Bool"), e, Const("Bool.true"))

    # ------------------------------------------------------------ instances
    def new_inst_mvar(self, type_: Expr, stx) -> MVar:
        m = self.mctx.new_mvar(type_, "synthetic")
        self.pending.append((m, stx))
        return m

    def _synth_now(self, goal: Expr, stx) -> Expr:
        r = self.resolver.synth(goal)
        if r is None:
            raise ElabError(stx, self._synth_failure(goal))
        return r

    def _synth_failure(self, goal: Expr) -> str:
        g = self.mctx.instantiate(goal)
        text = f"failed to synthesize\n  {self.pp(g)}\n"
        f, args = X.get_app_fn_args(g)
        if type(f) is Const and f.name == "OfNat" and len(args) == 2 and type(args[1]) is NatLit:
            text += (
                f"numerals are polymorphic in Lean, but the numeral `{args[1].value}` cannot be used in a context "
                f"where the expected type is\n  {self.pp(args[0])}\ndue to the absence of the instance above\n"
            )
        return text + "Additional diagnostic information may be available using the `set_option diagnostics true` command."

    def synthesize_pending(self, final: bool = False) -> None:
        """Solve queued instance problems whose arguments are known; with `final`, apply default
        instances and report the problems that are left."""
        while True:
            progress = self._synth_round(False)
            if not final:
                return
            if progress:
                continue
            if self._apply_default_instances():
                continue
            if self._synth_round(True):
                continue
            if self._run_postponed_tactics():
                continue
            break
        if self.pending:
            m, stx = self.pending[0]
            goal = self.mctx.instantiate(self.mctx.mvar_type(m))
            raise ElabError(
                stx, f"typeclass instance problem is stuck, it is often due to metavariables\n  {self.pp(goal)}"
            )

    def _run_postponed_tactics(self) -> bool:
        """Run the postponed `by` blocks in their own local scope; whether any ran."""
        from nleanjit.elab.tactics import run_tactic_block

        if not self.postponed_tactics:
            return False
        todo, self.postponed_tactics = self.postponed_tactics, []
        mctx = self.mctx
        for m, stx, scope, names in todo:
            if mctx.is_assigned(m):
                continue
            goal = mctx.instantiate(mctx.mvar_type(m))
            if type(X.get_app_fn(goal)) is MVar:
                raise ElabError(stx, "invalid 'by' block, expected type must be known")
            saved = mctx.scope, mctx.names
            mctx.scope, mctx.names = list(scope), list(names)
            try:
                val = run_tactic_block(self, stx, goal)
            finally:
                mctx.scope, mctx.names = saved
            if not mctx.is_def_eq(m, val):
                raise ElabError(stx, "type mismatch: the tactic block's proof does not fit its place")
        return True

    def settle_defaults(self) -> None:
        """Solve what can be solved, applying default instances (`0 : Nat`) when nothing else
        moves, without reporting what is left (a `let` in a `do` block fixes its type here)."""
        while self._synth_round(False) or self._apply_default_instances():
            pass

    def _synth_round(self, force: bool) -> bool:
        progress = False
        for item in list(self.pending):
            m, stx = item
            goal = self.mctx.instantiate(self.mctx.mvar_type(m))
            if self.mctx.is_assigned(m):
                val = self.mctx.instantiate(m)
                if not val.has_expr_mvar:
                    self.pending.remove(item)
                    progress = True
                    continue
                head = X.get_app_fn(val)
                if type(head) is MVar and not self.mctx.is_assigned(head) and head is not val \
                        and not _pi_body(self.mctx.instantiate(self.mctx.mvar_type(head))).has_expr_mvar:
                    # the problem left a binder (`fun a => decide (a > 2)`): `?i := ?n a`, and
                    # `?n : ∀ a, Decidable (a > 2)` is the problem now
                    idx = self.pending.index(item)
                    item = (head, stx)
                    self.pending[idx] = item
                    m = head
                    goal = self.mctx.instantiate(self.mctx.mvar_type(m))
            if not force and self.resolver.is_stuck(goal):
                continue
            try:
                r = self.resolver.synth(goal)
            except MaxSynthDepth:
                raise ElabError(stx, "failed to synthesize\n  " + self.pp(goal) + "\n(deterministic) maximum class-instance resolution depth has been reached") from None
            if r is None:
                if (self.resolver.is_stuck(goal) or goal.has_expr_mvar) and not force:
                    continue  # may succeed once default instances have settled the metavariables
                if force and self.resolver.is_stuck(goal):
                    continue
                raise ElabError(stx, self._synth_failure(goal))
            if not self.mctx.is_def_eq(m, r):
                raise ElabError(stx, f"synthesized type class instance is not definitionally equal to expression inferred by typing rules, synthesized\n  {self.pp(r)}\ninferred\n  {self.pp(m)}")
            self.pending.remove(item)
            progress = True
        return progress

    def _apply_default_instances(self) -> bool:
        for item in list(self.pending):
            m, stx = item
            goal = self.mctx.instantiate(self.mctx.mvar_type(m))
            f = X.get_app_fn(goal)
            if type(f) is not Const:
                continue
            for inst_name, _prio in sorted(self.eenv.default_instances.get(f.name, []), key=lambda p: -p[1]):
                saved = self.mctx.save()
                c = self.const(inst_name)
                t = self.const_type(c)
                e = c
                subgoals = []
                while True:
                    w = self.whnf(t)
                    if type(w) is not Pi:
                        break
                    mv = self.mctx.new_mvar(w.type, "synthetic" if w.info is X.INST_IMPLICIT else "natural")
                    if w.info is X.INST_IMPLICIT:
                        subgoals.append(mv)
                    e = App(e, mv)
                    t = X.instantiate(w.body, [mv])
                if self.mctx.is_def_eq(t, goal) and self.mctx.is_def_eq(m, e):
                    self.pending.remove(item)
                    for sg in subgoals:
                        self.pending.append((sg, stx))
                    return True
                self.mctx.restore(saved)
        return False

    # ------------------------------------------------------------ levels and sorts
    def elab_level(self, stx) -> L.Level:
        if type(stx) is Token:
            return self._level_atom(stx)
        k = stx.kind
        toks = [c for c in stx.children]
        if k == "level_paren":
            inner = [c for c in toks if not (type(c) is Token and c.text in "()")]
            return self.elab_level(inner[0]) if len(inner) == 1 else self._level_seq(inner)
        if k in ("level", "level_max", "level_add"):
            return self._level_seq(toks)
        raise ElabError(stx, "unsupported universe level syntax")

    def _level_seq(self, items) -> L.Level:
        items = [c for c in items if not (type(c) is Token and c.text in ("(", ")"))]
        if not items:
            raise ElabError(None, "universe level expected")
        first = items[0]
        if type(first) is Token and first.text in ("max", "imax"):
            args = [self.elab_level(c) for c in items[1:] if not (type(c) is Token and c.text == ",")]
            r = args[0]
            for a in args[1:]:
                r = L.mk_max(r, a) if first.text == "max" else L.mk_imax(r, a)
            return r
        if len(items) >= 3 and type(items[1]) is Token and items[1].text == "+":
            base = self.elab_level(items[0])
            return L.mk_succ(base, int(items[2].text))
        if len(items) == 1:
            return self.elab_level(first) if type(first) is Node else self._level_atom(first)
        raise ElabError(None, "unsupported universe level syntax")

    def _level_atom(self, tok: Token) -> L.Level:
        if tok.kind == "num":
            return L.of_nat(int(tok.text))
        if tok.text == "_":
            return self.mctx.new_level_mvar()
        if tok.text in self.level_names:
            return L.Param(tok.text)
        if self.auto_level_names:
            self.level_names.append(tok.text)
            return L.Param(tok.text)
        raise ElabError(tok, f"unknown universe level '{tok.text}'")

    def elab_sort(self, stx, expected):
        ch = stx.children
        kw = ch[0].text
        lvl_nodes = [c for c in ch[1:] if type(c) is Node or (type(c) is Token and c.kind in ("num", "ident") or c.text == "_")]
        if kw == "Prop":
            return Sort(L.ZERO)
        if lvl_nodes:
            l = self.elab_level(lvl_nodes[0]) if type(lvl_nodes[0]) is Node else self._level_atom(lvl_nodes[0])
        else:
            l = L.ZERO
        if kw == "Type":
            return Sort(L.Succ(l))
        if kw == "Sort" and not lvl_nodes:
            return Sort(self.mctx.new_level_mvar())
        return Sort(l)

    def elab_sort_term(self, stx, expected):
        return self.elab_sort(stx, expected)

    # ------------------------------------------------------------ literals
    def elab_lit(self, stx, expected):
        tok = stx.children[0]
        if tok.kind == "num":
            return self.mk_numeral(parse_numeral(tok.text), expected, stx)
        if tok.kind == "str":
            return StrLit(decode_string_literal(tok.text))
        if tok.kind == "char":
            s = _unescape(tok.text[1:-1])
            return App(Const("Char.ofNat"), NatLit(ord(s[0]) if s else 0))
        if tok.kind == "sci":
            m, sign, e = parse_scientific(tok.text)
            c = self._mk_const(stx, "OfScientific.ofScientific", None)
            args = [Elaborated(NatLit(m), stx), Elaborated(Const("Bool.true" if sign else "Bool.false"), stx), Elaborated(NatLit(e), stx)]
            return self.apply(stx, c, self.const_type(c), args, {}, expected)
        raise ElabError(stx, f"unsupported literal '{tok.text}'")

    def mk_numeral(self, n: int, expected, stx) -> Expr:
        t = self.mctx.instantiate(expected) if expected is not None else None
        if t is not None and type(self.whnf(t)) is Const and self.whnf(t).name == "Nat" and type(t) is Const:
            return X.mk_app(Const("OfNat.ofNat", (L.ZERO,)), t, NatLit(n), App(Const("instOfNatNat"), NatLit(n)))
        u = self.mctx.new_level_mvar()
        if t is None or type(t) is Pi or type(t) is Sort:
            t = self.mctx.new_mvar(Sort(L.Succ(u)))
        else:
            self.mctx.is_def_eq(self.infer(t), Sort(L.Succ(u)))
        inst = self.new_inst_mvar(X.mk_app(Const("OfNat", (u,)), t, NatLit(n)), stx)
        return X.mk_app(Const("OfNat.ofNat", (u,)), t, NatLit(n), inst)

    def elab_interp(self, stx, expected):
        parts: list[Expr] = []
        string = Const("String")
        for c in stx.children:
            if type(c) is Token:
                if c.kind in ("interp_start", "interp_mid", "interp_end", "interp_str"):
                    text = c.text
                    if c.kind in ("interp_start", "interp_str"):
                        text = text[text.index('"') + 1 :]
                    if c.kind in ("interp_mid", "interp_end"):
                        text = text[1:]
                    if c.kind in ("interp_end", "interp_str"):
                        text = text[:-1]
                    if c.kind in ("interp_start", "interp_mid"):
                        text = text[:-1]
                    if text:
                        parts.append(StrLit(_unescape(text)))
            else:
                e = self.elab_core(c, None)
                t = self.mctx.instantiate(self.infer(e))
                if type(t) is not MVar and self.mctx.is_def_eq(t, string):
                    parts.append(e)
                else:
                    u = self.mctx.new_level_mvar()  # `t : Type u`
                    self.mctx.is_def_eq(self.infer(t), Sort(L.Succ(u)))
                    inst = self.new_inst_mvar(App(Const("ToString", (u,)), t), c)
                    parts.append(X.mk_app(Const("ToString.toString", (u,)), t, inst, e))
        if not parts:
            return StrLit("")
        r = parts[0]
        append = X.mk_app(Const("HAppend.hAppend", (L.ZERO, L.ZERO, L.ZERO)), string, string, string,
                          X.mk_app(Const("instHAppendOfAppend", (L.ZERO,)), string, Const("String.instAppend")))
        for p in parts[1:]:
            r = X.mk_app(append, r, p)
        return r

    # ------------------------------------------------------------ identifiers and applications
    def elab_ident(self, stx, expected):
        return self.elab_app_core(stx, [], {}, expected, stx)

    def elab_app(self, stx, expected):
        ch = [c for c in stx.children if type(c) is Node or isinstance(c, Elaborated) or (type(c) is Token and c.kind == "ident")]
        fn, rest = ch[0], ch[1:]
        args, named = [], {}
        for a in rest:
            if type(a) is Node and a.kind == "named_arg":
                toks = V.tokens(a)
                name = next(t.text for t in toks if t.kind == "ident")
                val = V.child_after(a, ":=")
                named[name] = val
            else:
                args.append(a)
        return self.elab_app_core(fn, args, named, expected, stx)

    def elab_explicit(self, stx, expected):
        inner = V.nodes(stx)[0]
        return self.elab_app_core(stx, [], {}, expected, stx)

    def elab_explicit_univ(self, stx, expected):
        return self.elab_app_core(stx, [], {}, expected, stx)

    def elab_dot_ident(self, stx, expected):
        return self.elab_app_core(stx, [], {}, expected, stx)

    def elab_app_core(self, fn_stx, args, named, expected, whole_stx) -> Expr:
        explicit = False
        levels = None
        head = fn_stx
        if type(head) is Node and head.kind == "explicit":
            explicit = True
            head = V.nodes(head)[0]
        if type(head) is Node and head.kind == "explicit_univ":
            inner = V.nodes(head)
            levels = [self.elab_level(c) for c in inner[1:] if c.kind.startswith("level")]
            head = inner[0]
        name = V.ident_text(head)
        if name in PANIC_MACROS and self.mctx.lookup_local(name) is None:
            # `panic! msg` and `unreachable!` (Lean's macros over `panicWithPosWithDecl`)
            f = self.const("panic")
            if name == "unreachable!":
                args = [Elaborated(X.StrLit("unreachable code has been reached"))] + list(args)
            return self.apply(whole_stx, f, self.const_type(f), args, named, expected)
        if name is not None:
            over = self._overloads(V.strip_guillemets(name))
            if len(over) > 1:
                return self._elab_overloaded(head, over, args, named, expected, whole_stx, levels, explicit)
            f, ftype, self_arg = self.resolve_ident(head, V.strip_guillemets(name), levels, explicit)
        elif type(head) is Node and head.kind == "dot_ident":
            f, ftype, self_arg = self._resolve_dot_ident(head, expected), None, None
            ftype = self.infer(f)
        elif type(head) is Node and head.kind == "proj":
            f, ftype, self_arg = self._elab_proj_head(head)
        elif type(head) is Node and head.kind == "pipe_proj":
            f, ftype, self_arg = self._elab_pipe_proj_head(head)
            # `e |>.f args`: the args after the field belong to the field function
            extra = [c for c in head.children[head.children.index(next(t for t in head.children if type(t) is Token and t.text == "|>.")) + 2 :]]
            args = [a for a in extra if type(a) is Node] + list(args)
        else:
            f = self.elab_core(head, None)
            ftype, self_arg = self.infer(f), None
        if not args and not named and self_arg is None and explicit:
            return f
        return self.apply(whole_stx, f, ftype, args, named, expected, explicit, self_arg)

    def _overloads(self, name: str) -> list[str]:
        """Several constants for a plain name (`Add` and, with `open Expr`, `Expr.Add`): Lean
        elaborates each and keeps the ones that succeed."""
        if "." in name or self.mctx.lookup_local(name) is not None or name in self.rec_locals:
            return []
        return resolve_global(self.eenv, self.scope, name)

    def _elab_overloaded(self, head, cands, args, named, expected, whole_stx, levels, explicit):
        first_err = None
        for cand in cands:
            saved = self.mctx.save()
            pending = list(self.pending)
            try:
                f = self._mk_const(head, cand, levels)
                ftype = self.const_type(f)
                if not args and not named and explicit:
                    return f
                return self.apply(whole_stx, f, ftype, args, named, expected, explicit, None)
            except ElabError as err:
                self.mctx.restore(saved)
                self.pending = pending
                if first_err is None:
                    first_err = err
        raise first_err

    def resolve_ident(self, stx, name: str, levels, explicit: bool):
        """A name → (function, its type, pending field-notation argument)."""
        mctx = self.mctx
        if name == "sorry":
            return self._sorry_head(stx)
        # local variables, possibly followed by fields: `x.f.g`
        # the longest prefix that names a local or a constant (locals first); the rest are fields
        parts = name.split(".")
        for i in range(len(parts), 0, -1):
            prefix = ".".join(parts[:i])
            local = mctx.lookup_local(prefix)
            if local is not None:
                return self._fields(stx, local, parts[i:])
            cands = resolve_global(self.eenv, self.scope, prefix)
            if cands:
                c = self._mk_const(stx, cands[0], levels if i == len(parts) else None)
                return self._fields(stx, c, parts[i:])
        if self.auto_bound and len(parts) == 1 and _is_auto_bound_name(name):
            raise AutoBoundImplicit(name)
        raise ElabError(stx, f"unknown identifier '{name}'")

    def _mk_const(self, stx, name: str, levels) -> Const:
        info = self.env.get(name)
        if levels is None:
            levels = [self.mctx.new_level_mvar() for _ in info.level_params]
        elif len(levels) < len(info.level_params):
            levels = list(levels) + [self.mctx.new_level_mvar() for _ in info.level_params[len(levels):]]
        elif len(levels) > len(info.level_params):
            raise ElabError(stx, f"too many explicit universe levels for '{name}'")
        return Const(name, tuple(levels))

    def _sorry_head(self, stx):
        self.used_sorry = True
        self.sorry_at = self.sorry_at or stx
        u = self.mctx.new_level_mvar()
        ty = Pi("α", Sort(u), Pi("synthetic", Const("Bool"), X.BVar(1)), X.DEFAULT)
        ty = Pi("α", Sort(u), X.BVar(0))
        f = App(Const("sorryAx", (u,)), self.mctx.new_mvar(Sort(u)))
        t = self.mctx.instantiate(self.infer(App(Const("sorryAx", (u,)), self.mctx.new_mvar(Sort(u)))))
        del ty, t
        m = self.mctx.new_mvar(Sort(u))
        f = X.mk_app(Const("sorryAx", (u,)), m, Const("Bool.false"))
        return f, m, None

    def _fields(self, stx, e: Expr, fields: list[str]):
        """Resolve `e.f₁.f₂…`: all but the last field are applied fully; the last is returned
        as a function with `e` pending as its self argument."""
        if not fields:
            return e, self.infer(e), None
        for i, fname in enumerate(fields):
            f, ftype, self_arg = self.field_access(stx, e, fname)
            if i == len(fields) - 1:
                return f, ftype, self_arg
            e = self.apply(stx, f, ftype, [], {}, None, False, self_arg)
        raise AssertionError

    def field_access(self, stx, e: Expr, fname: str):
        """Generalized field notation on `e : C …`: `C.fname` with `e` as the first explicit
        argument of type `C …`; a number picks a structure field; parents are searched."""
        t = self.mctx.instantiate(self.infer(e))
        tried = []
        while True:
            w = self.mctx.whnf_core(t)
            head = X.get_app_fn(w)
            if type(w) is Pi:
                cls = "Function"
            elif type(head) is Const:
                cls = head.name
            else:
                break
            if fname.isdigit():
                info = self.eenv.structures.get(cls)
                idx = int(fname) - 1
                if info is not None and 0 <= idx < len(info.fields):
                    fname = info.fields[idx]
                else:
                    raise ElabError(stx, f"invalid projection, structure has only {len(info.fields) if info else 0} field(s)\n  {self.pp(e)}\nhas type\n  {self.pp(t)}")
            full = f"{cls}.{fname}"
            tried.append(full)
            local = self.mctx.lookup_local(full)
            if local is not None:  # the function being defined: a recursive call
                return local, self.infer(local), (e, cls)
            if full in self.env:
                c = self._mk_const(stx, full, None)
                return c, self.const_type(c), (e, cls)
            # fields of parent structures
            sinfo = self.eenv.structures.get(cls)
            if sinfo is not None:
                path = self._parent_path(cls, fname)
                if path is not None:
                    cur = e
                    for (pcls, pfield) in path[:-1]:
                        cur = self.apply(stx, *self._proj_fn(stx, pcls, pfield, cur), [], {}, None, False, None)
                    pcls, pfield = path[-1]
                    c = self._mk_const(stx, f"{pcls}.{pfield}", None)
                    return c, self.const_type(c), (cur, pcls)
            # unfold a definition (type abbreviations)
            u = self.mctx.unfold_head(w)
            if u is None:
                break
            t = u
        raise ElabError(
            stx,
            f"invalid field '{fname}', the environment does not contain '{tried[0] if tried else fname}'\n  {self.pp(e)}\nhas type\n  {self.pp(t)}",
        )

    def _proj_fn(self, stx, cls, field, e):
        c = self._mk_const(stx, f"{cls}.{field}", None)
        return c, self.const_type(c)

    def _parent_path(self, cls: str, fname: str, depth: int = 0):
        info = self.eenv.structures.get(cls)
        if info is None or depth > 16:
            return None
        for parent, pfield in info.parents:
            pinfo = self.eenv.structures.get(parent)
            if pinfo is None:
                continue
            if fname in pinfo.fields or f"{parent}.{fname}" in self.env:
                return [(cls, pfield), (parent, fname)]
            sub = self._parent_path(parent, fname, depth + 1)
            if sub is not None:
                return [(cls, pfield)] + sub
        return None

    def _resolve_dot_ident(self, stx, expected) -> Expr:
        name = "".join(t.text for t in V.tokens(stx) if t.kind == "ident")
        if expected is None:
            raise ElabError(stx, f"invalid dotted identifier notation, expected type must be known")
        t = self.mctx.instantiate(expected)
        while True:
            w = self.whnf(t)
            while type(w) is Pi:
                w = w.body
            head = X.get_app_fn(w)
            if type(head) is MVar:
                raise ElabError(stx, f"invalid dotted identifier notation, expected type is not of the form (... → C ...) where C is a constant\n  {self.pp(t)}")
            if type(head) is Const:
                full = f"{head.name}.{name}"
                if full in self.env:
                    return self._mk_const(stx, full, None)
                u = self.mctx.unfold_head(w)
                if u is not None:
                    t = u
                    continue
                raise ElabError(stx, f"unknown constant '{full}'")
            raise ElabError(stx, f"invalid dotted identifier notation, expected type is not of the form (... → C ...) where C is a constant\n  {self.pp(t)}")

    def _elab_proj_head(self, stx):
        ch = stx.children
        target = ch[0]
        field_tok = ch[-1]
        e = self.elab_core(target, None)
        self.synthesize_pending()
        # `e.f.g` may come as one field token `f.g`: all but the last are applied fully
        return self._fields(field_tok, e, [f for f in field_tok.text.split(".") if f] or [field_tok.text])

    def elab_proj(self, stx, expected):
        return self.elab_app_core(stx, [], {}, expected, stx)

    def _elab_pipe_proj_head(self, stx):
        ch = stx.children
        i = next(j for j, t in enumerate(ch) if type(t) is Token and t.text == "|>.")
        e = self.elab_core(ch[0], None)
        self.synthesize_pending()
        return self.field_access(ch[i + 1], e, ch[i + 1].text)

    def elab_pipe_proj(self, stx, expected):
        return self.elab_app_core(stx, [], {}, expected, stx)

    def apply(self, stx, f: Expr, ftype: Expr, args, named, expected, explicit=False, self_arg=None) -> Expr:
        """Lean's `elabAppArgs`: walk the function type, making metavariables for implicit
        arguments, queuing instance problems, and elaborating explicit arguments after the
        result type has been unified with the expected type."""
        mctx = self.mctx
        named = dict(named)
        e = f
        t = ftype
        i = 0
        postponed: list[tuple[MVar, object, Expr, bool]] = []
        inst_mvars: list[MVar] = []
        while True:
            if type(t) is not Pi:
                w = mctx.whnf(t)
                if type(w) is MVar and i < len(args):
                    # an unknown function type: make it `?A → ?B`
                    a_t = mctx.new_mvar(Sort(mctx.new_level_mvar()))
                    b_t = mctx.new_mvar(Sort(mctx.new_level_mvar()))
                    if mctx.is_def_eq(w, Pi("a", a_t, b_t, X.DEFAULT)):
                        w = mctx.instantiate(w)
                if type(w) is not Pi:
                    break
                t = w
            binfo, dom, bname = t.info, t.type, t.name
            more_explicit = i < len(args) or bool(named) or self_arg is not None
            if bname in named:
                a = named.pop(bname)
                v = mctx.new_mvar(dom)
                postponed.append((v, a, dom, True))
            elif binfo is X.DEFAULT or explicit:
                if self_arg is not None and binfo is X.DEFAULT and self._head_is(dom, self_arg[1]):
                    v = self_arg[0]
                    postponed.append((mctx.new_mvar(dom), Elaborated(v), dom, False))
                    v = postponed[-1][0]
                    self_arg = None
                elif i < len(args):
                    v = mctx.new_mvar(dom)
                    postponed.append((v, args[i], dom, False))
                    i += 1
                else:
                    opt = _opt_param_default(mctx.instantiate(dom))
                    if opt is not None and (named or self_arg is not None or not explicit):
                        v = opt
                    elif named or self_arg is not None:
                        # Lean eta-expands here; we require the explicit arguments before named ones
                        if self_arg is not None:
                            break
                        v = mctx.new_mvar(dom)
                        postponed.append((v, None, dom, False))
                    else:
                        break
            elif binfo is X.STRICT_IMPLICIT and not more_explicit:
                break
            elif binfo is X.INST_IMPLICIT:
                v = self.new_inst_mvar(dom, stx)
                inst_mvars.append(v)
            else:
                v = mctx.new_mvar(dom)
            e = App(e, v)
            t = X.instantiate(t.body, [v])
        if i < len(args):
            ft = mctx.instantiate(t)
            raise ElabError(
                args[i] if not isinstance(args[i], Elaborated) else stx,
                f"function expected at\n  {self.pp(e)}\nterm has type\n  {self.pp(ft)}",
            )
        if named:
            raise ElabError(stx, f"invalid argument name '{next(iter(named))}' for function '{self.pp(f)}'")
        if self_arg is not None:
            raise ElabError(stx, f"invalid field notation, function '{self.pp(f)}' does not have argument with type ({self_arg[1]} ...) that can be used, it must be explicit or implicit with a unique name")
        if expected is not None and postponed:
            saved = mctx.save()
            mctx.approx = False
            try:
                if not mctx.is_def_eq(t, expected):
                    mctx.restore(saved)
                    self._propagate_monad_guess(t, expected)
            finally:
                mctx.approx = True
        # arguments that need their expected type (functions, ⟨…⟩, by, …) go last, as in Lean
        # named arguments (typically motives) first; arguments that need their expected type
        # (functions, ⟨…⟩, by, …) last, as in Lean
        postponed.sort(key=lambda p: 0 if p[3] else (2 if _postponed_syntax(p[1]) else 1))
        # Lean elaborates an argument whose type is an instance's out-parameter after that
        # instance is synthesized (`throw "msg"` in `IO`: `ε := IO.Error`, then `"msg"` coerced)
        outs = self._out_param_mvars(inst_mvars) if inst_mvars else set()
        if outs:
            first = [p for p in postponed if not (mctx.instantiate(p[2]).has_expr_mvar
                                                  and {m.id for m in mctx.unassigned_mvars(mctx.instantiate(p[2]))} & outs)]
            later = [p for p in postponed if p not in first]
            if later:
                postponed = first + [None] + later
        for item in postponed:
            if item is None:
                self.synthesize_pending()
                continue
            v, a, dom, _named = item
            if a is None:
                continue
            dom_i = mctx.instantiate(dom)
            val = self.elab_arg(a, dom_i, e, stx)
            if not mctx.is_def_eq(v, val):
                raise self._app_mismatch(a, e, val, dom_i)
        if postponed:
            self.synthesize_pending()
        return e

    def _out_param_mvars(self, inst_mvars: list[MVar]) -> set[str]:
        """Ids of the unassigned metavariables in the out-parameter positions of these instance problems."""
        mctx = self.mctx
        ids: set[str] = set()
        for m in inst_mvars:
            f, args = X.get_app_fn_args(mctx.instantiate(mctx.mvar_type(m)))
            info = self.eenv.classes.get(f.name) if type(f) is Const else None
            for i in (info.out_params if info else ()):
                if i < len(args):
                    ids |= {x.id for x in mctx.unassigned_mvars(args[i])}
        return ids

    def _propagate_monad_guess(self, t: Expr, expected: Expr) -> None:
        """`?m α =?= M β` with a fully known `M β` (the result `m Unit` of `n.forM f` where `IO Unit`
        is expected): take the first-order solution `?m := M` before the arguments, as Lean's
        elaborator (first-order approximation on) settles it, so a `do` argument sees its monad."""
        mctx = self.mctx
        ti = mctx.instantiate(t)
        head = X.get_app_fn(ti)
        exp = mctx.instantiate(expected)
        if type(head) is not MVar or ti is head or mctx.unassigned_mvars(exp):
            return
        # only type formers (`m : Type → Type u`), never motives (`motive : α → Prop`)
        ht = mctx.whnf(mctx.instantiate(mctx.infer(head)))
        if type(ht) is not Pi or type(mctx.whnf(ht.type)) is not Sort:
            return
        saved = mctx.save()
        mctx.approx = True
        try:
            if not mctx.is_def_eq(ti, exp):
                mctx.restore(saved)
        finally:
            mctx.approx = False

    def _head_is(self, dom: Expr, cls: str) -> bool:
        d = self.mctx.instantiate(dom)
        if cls == "Function":
            return type(self.whnf(d)) is Pi
        h = X.get_app_fn(d)
        if type(h) is Const and h.name == cls:
            return True
        h = X.get_app_fn(self.mctx.whnf_core(d))
        return type(h) is Const and h.name == cls

    def elab_arg(self, a, dom: Expr, fn: Expr, stx) -> Expr:
        if isinstance(a, Elaborated):
            val = a.expr
        else:
            if self._wants_implicit_lambda(a, dom):
                return self._implicit_lambda(a, dom)
            val = self.elab_core(a, dom)
        vt = self.infer(val)
        if self.mctx.is_def_eq(vt, dom):
            return val
        c = self.coerce(val, vt, dom)
        if c is not None:
            return c
        self.synthesize_pending()
        if self.mctx.is_def_eq(vt, dom):
            return val
        raise self._app_mismatch(a if not isinstance(a, Elaborated) else (a.syntax or stx), fn, val, dom)

    def _app_mismatch(self, a, fn, val, dom) -> ElabError:
        vt = self.infer(val)
        syn = a.syntax if isinstance(a, Elaborated) else a
        return ElabError(
            syn,
            f"application type mismatch\n  {self.pp(App(self.mctx.instantiate(fn), val))}\nargument\n  {self.pp(val)}\n"
            f"has type\n  {self.pp_typed(vt)}\nbut is expected to have type\n  {self.pp_typed(dom)}",
        )

    # ------------------------------------------------------------ operators
    def elab_binop(self, stx, expected):
        ch = stx.children
        op = next(c for c in ch if type(c) is Token and c.kind == "sym" or type(c) is Token and c.kind == "ident" and c is ch[1]).text
        lhs, rhs = ch[0], ch[-1]
        user = getattr(self.ctx, "user_operators", {}).get(op)
        if user is not None and user[0] != "prefix":
            # a user `infix` notation: `f lhs rhs` (tried first; the built-in meaning if it fails)
            saved = self.mctx.save()
            n_pending = len(self.pending)
            try:
                return self.elab_app_core(user[1], [lhs, rhs], {}, expected, stx)
            except ElabError:
                if op not in ARITH_OPS and op not in REL_OPS and op not in LOGIC_OPS and op not in FUN_OPS:
                    raise
                self.mctx.restore(saved)
                del self.pending[n_pending:]
        if op in ("→", "->"):
            return self._elab_arrow(lhs, rhs)
        if op in ARITH_OPS or op in REL_OPS:
            return self._elab_binop_tree(stx, expected)
        if op in LOGIC_OPS:
            name = LOGIC_OPS[op]
            if name in ("And", "Or", "Iff"):
                a = self.elab_type(lhs)
                b = self.elab_type(rhs)
                return X.mk_app(Const(name), a, b)
            return self.apply(stx, Const(name), self.const_type(Const(name)), [lhs, rhs], {}, expected)
        if op in ("|>",):
            return self.elab_app_core(rhs, [lhs], {}, expected, stx)
        if op in ("<|", "$"):
            return self._apply_to(lhs, rhs, expected, stx)
        if op == "▸":
            return self._elab_subst(stx, lhs, rhs, expected)
        if op == "...":  # `a...b`: the numbers from `a` below `b`, iterated like `[a:b]`
            c = self._mk_const(stx, "Std.Range.mk", None)
            return self.apply(stx, c, self.const_type(c), [], {"start": lhs, "stop": rhs, "step": Elaborated(NatLit(1), stx)}, expected)
        if op in FUN_OPS and FUN_OPS[op]:
            name = FUN_OPS[op]
            if name == "Membership.mem":
                lhs, rhs = rhs, lhs  # `a ∈ s` is `Membership.mem s a`
            if name in ("SeqRight.seqRight", "SeqLeft.seqLeft", "Seq.seq", "HAndThen.hAndThen"):
                rhs = self._unit_thunk(rhs)  # `a *> b` is `SeqRight.seqRight a (fun _ : Unit => b)`
            c = self._mk_const(stx, name, None) if name in self.env else None
            if c is None:
                raise ElabError(stx, f"unknown constant '{name}'")
            return self.apply(stx, c, self.const_type(c), [lhs, rhs], {}, expected)
        raise ElabError(stx, f"unsupported operator '{op}' (not yet implemented by nleanjit's elaborator)")

    def _unit_thunk(self, body_stx) -> Deferred:
        def run(expected):
            exp = self.whnf(self.mctx.instantiate(expected)) if expected is not None else None
            fv = self.mctx.push_local("x✝", Const("Unit"))
            try:
                b = self.elab(body_stx, X.instantiate(exp.body, [fv]) if type(exp) is Pi else None)
                return self.mctx.mk_lambda([fv], b)
            finally:
                self.mctx.pop_local()

        return Deferred(run, body_stx)

    def _apply_to(self, fn_stx, arg_stx, expected, stx):
        if type(fn_stx) is Node and fn_stx.kind == "app":
            ch = [c for c in fn_stx.children if type(c) is Node or (type(c) is Token and c.kind == "ident")]
            named = {}
            args = []
            for a in ch[1:]:
                if type(a) is Node and a.kind == "named_arg":
                    named[next(t.text for t in V.tokens(a) if t.kind == "ident")] = V.child_after(a, ":=")
                else:
                    args.append(a)
            return self.elab_app_core(ch[0], args + [arg_stx], named, expected, stx)
        return self.elab_app_core(fn_stx, [arg_stx], {}, expected, stx)

    def _elab_arrow(self, lhs, rhs) -> Expr:
        if type(lhs) is Node and lhs.kind == "type_ascription":
            # `(x : A) → B`
            inner = [c for c in lhs.children if not (type(c) is Token and c.text in ("(", ")"))]
            colon = next(j for j, c in enumerate(inner) if type(c) is Token and c.text == ":")
            names = []
            for c in inner[:colon]:
                if V.is_node(c, "app"):  # `(a b : α)` reads as an application
                    names.extend(x for x in c.children if V.ident_text(x) is not None)
                else:
                    names.append(c)
            ty_stx = inner[colon + 1]
            return self._elab_pi_binders([V.BinderView(tuple(names), ty_stx, "(")], rhs)
        implicit = _implicit_binder_of_brace(lhs)
        if implicit is not None:
            # the parser reads `{x : A} → B` as a structure instance
            names, ty_stx = implicit
            return self._elab_pi_binders([V.BinderView(tuple(names), ty_stx, "{")], rhs)
        a = self.elab_type(lhs)
        b = self.elab_type(rhs)
        return Pi("a", a, X.lift_loose_bvars(b, 0, 1), X.DEFAULT)

    def elab_dep_arrow(self, stx, expected):
        binders = [V.view_binder(c) for c in stx.children if type(c) is Node and c.kind in V.BINDER_KINDS]
        body = [c for c in stx.children if type(c) is Node and c.kind not in V.BINDER_KINDS][-1]
        return self._elab_pi_binders(binders, body)

    def _elab_pi_binders(self, binders, body_stx, names_override=None) -> Expr:
        fvars = self.push_binders(binders)
        try:
            body = self.elab_type(body_stx)
            self.synthesize_pending()
            return self.mctx.mk_pi(fvars, body)
        finally:
            self.mctx.pop_local(len(fvars))

    def _leaves(self, stx, out: list, rhs_of_pow=False):
        """Flatten a tree of `binop%` operators into leaves (Lean's `Op.elabBinOp` analysis)."""
        if type(stx) is Node and stx.kind == "binop":
            op = self._op_of(stx)
            if op in ARITH_OPS:
                l = self._leaves(stx.children[0], out)
                r = self._leaves(stx.children[-1], out, rhs_of_pow=(op == "^"))
                return ("op", op, l, r, stx)
        if type(stx) is Node and stx.kind == "paren":
            inner = V.nodes(stx)
            if len(inner) == 1 and inner[0].kind == "binop" and self._op_of(inner[0]) in ARITH_OPS and not _has_cdot(inner[0]):
                return self._leaves(inner[0], out)
        if type(stx) is Node and stx.kind == "prefix" and V.first_text(stx) == "-":
            leaf = ("neg", stx, len(out))
            out.append((stx, rhs_of_pow, "neg"))
            return leaf
        out.append((stx, rhs_of_pow, None))
        return ("leaf", len(out) - 1)

    @staticmethod
    def _op_of(stx) -> str:
        return stx.children[1].text if len(stx.children) > 1 and type(stx.children[1]) is Token else ""

    def _elab_binop_tree(self, stx, expected):
        op = self._op_of(stx)
        leaves: list = []
        if op in REL_OPS:
            tree = ("rel", op, self._leaves(stx.children[0], leaves), self._leaves(stx.children[-1], leaves), stx)
        else:
            tree = self._leaves(stx, leaves)
        values: list = []
        later = []  # leaves that need their expected type (`{ x := 1 }`, `⟨a, b⟩`, `.c`): elaborated last
        for i, (leaf_stx, is_exp, kind) in enumerate(leaves):
            if kind == "neg":
                inner = [c for c in leaf_stx.children if type(c) is Node][0]
                v = self._elab_leaf(inner)
                values.append(("neg", v, leaf_stx))
            elif not is_exp and _needs_expected(leaf_stx):
                values.append(("v", None, leaf_stx))
                later.append(i)
            else:
                values.append(("v", self._elab_leaf(leaf_stx), leaf_stx))
        # the "maximal" type among the leaves; unknown leaf types are unified with it
        max_type = None
        for (kind, v, _), (_, is_exp, _) in zip(values, leaves):
            if is_exp or v is None:
                continue
            t = self.mctx.instantiate(self.infer(v))
            if type(X.get_app_fn(t)) is not MVar:
                max_type = t
                break
        if max_type is None and expected is not None and op not in REL_OPS:
            exp = self.mctx.instantiate(expected)
            if type(X.get_app_fn(exp)) is not MVar:
                max_type = exp
        for i in later:
            kind, _, leaf_stx = values[i]
            values[i] = (kind, self.elab(leaf_stx, max_type), leaf_stx)
        if max_type is not None:
            for (kind, v, _), (_, is_exp, _) in zip(values, leaves):
                if is_exp:
                    continue
                t = self.mctx.instantiate(self.infer(v))
                if type(X.get_app_fn(t)) is MVar:
                    self.mctx.is_def_eq(t, max_type)
        exprs = []
        for kind, v, s in values:
            if kind == "neg":
                c = self._mk_const(s, "Neg.neg", None)
                v = self.apply(s, c, self.const_type(c), [Elaborated(v, s)], {}, None)
            exprs.append(Elaborated(v, s))
        return self._build_tree(tree, exprs, expected)

    def _elab_leaf(self, leaf_stx) -> Expr:
        return self.elab_core(leaf_stx, None)

    def _build_tree(self, tree, exprs, expected) -> Expr:
        kind = tree[0]
        if kind == "leaf":
            return exprs[tree[1]].expr
        if kind == "neg":
            return exprs[tree[2]].expr
        _, op, l, r, stx = tree
        a = self._build_tree(l, exprs, None)
        b = self._build_tree(r, exprs, None)
        name = ARITH_OPS.get(op) or REL_OPS.get(op)
        if name not in self.env:
            raise ElabError(stx, f"unknown constant '{name}'")
        c = self._mk_const(stx, name, None)
        return self.apply(stx, c, self.const_type(c), [Elaborated(a, stx.children[0]), Elaborated(b, stx.children[-1])], {}, expected if kind == "rel" else None)

    def elab_prefix(self, stx, expected):
        op = V.first_text(stx)
        arg = [c for c in stx.children if type(c) is Node][0]
        if op == "¬":
            return App(Const("Not"), self.elab_type(arg))
        if op == "-":
            if type(arg) is Node and arg.kind == "lit" and expected is not None:
                pass
            c = self._mk_const(stx, "Neg.neg", None)
            return self.apply(stx, c, self.const_type(c), [arg], {}, expected)
        if op == "!":
            c = Const("not")
            return self.apply(stx, c, self.const_type(c), [arg], {}, expected)
        user = getattr(self.ctx, "user_operators", {}).get(op)
        if user is not None and user[0] == "prefix":
            return self.elab_app_core(user[1], [arg], {}, expected, stx)
        macro = getattr(self.ctx, "prefix_macros", {}).get(op)
        if macro is not None:
            from nleanjit.elab.macros import expand

            return self.elab_core(expand(macro, arg, V.tokens(stx)[0]), expected)
        if op in ("↑", "⇑", "↥"):
            e = self.elab_core(arg, None)
            if expected is not None:
                t = self.infer(e)
                if not self.mctx.is_def_eq(t, expected):
                    c = self.coerce(e, t, expected)
                    if c is not None:
                        return c
            return e
        raise ElabError(stx, f"unsupported prefix operator '{op}' (not yet implemented by nleanjit's elaborator)")

    def _elab_subst(self, stx, h_stx, e_stx, expected):
        """`h ▸ e` with `h : a = b`: rewrite the expected type (b ↦ a, else a ↦ b) and use `Eq.mpr`-free `Eq.rec`."""
        h = self.elab_core(h_stx, None)
        self.synthesize_pending()
        ht = self.whnf(self.infer(h))
        f, args = X.get_app_fn_args(ht)
        if not (type(f) is Const and f.name == "Eq" and len(args) == 3):
            raise ElabError(h_stx, f"invalid `▸` notation, argument\n  {self.pp(h)}\nhas type\n  {self.pp(ht)}\nequality expected")
        alpha, a, b = args
        if expected is None:
            raise ElabError(stx, "invalid `▸` notation, expected type must be known")
        exp = self.mctx.instantiate(expected)
        for (src, dst, hh) in ((b, a, None), (a, b, "symm")):
            motive_body = _abstract_term(exp, src)
            if motive_body is None:
                continue
            # motive : (x : α) → src = x → Sort
            u = self.level_of_type(alpha)
            lvl = self.level_of_type(exp)
            eq = h if hh is None else X.mk_app(Const("Eq.symm", (u,)), alpha, a, b, h)
            lo, hi = (dst, src)
            # we need a term of exp = motive src; e has type motive dst; Eq.rec from dst to src over `eq' : dst = src`
            eq2 = eq  # eq2 : dst = src
            motive = Lam("x", alpha, Lam("h", X.mk_app(Const("Eq", (u,)), alpha, X.lift_loose_bvars(lo, 0, 1), X.BVar(0)), X.lift_loose_bvars(motive_body, 0, 1)))
            src_type = X.instantiate(motive_body, [lo])
            e = self.elab(e_stx, src_type)
            return X.mk_app(Const("Eq.rec", (lvl, u)), alpha, lo, motive, e, hi, eq2)
        raise ElabError(stx, f"invalid `▸` notation, the equality\n  {self.pp(ht)}\nhas type {self.pp(ht)} but the expected type does not contain its sides")

    # ------------------------------------------------------------ binders
    def push_binders(self, binders) -> list[FVar]:
        """Elaborate binder groups and bring them into scope (the caller pops them)."""
        fvars: list[FVar] = []
        try:
            for b in binders:
                info = {"{": X.IMPLICIT, "[": X.INST_IMPLICIT, "⦃": X.STRICT_IMPLICIT, "{{": X.STRICT_IMPLICIT}.get(b.bracket, X.DEFAULT)
                if b.type is not None:
                    ty = self.elab_type(b.type)
                else:
                    ty = None
                if b.default is not None:
                    # `(x := d)` without a type: the type is the default's (numerals settled by default instances)
                    dv = self.elab(b.default, ty)
                    if ty is None:
                        self.synthesize_pending(final=True)
                        dv = self.mctx.instantiate(dv)
                        ty = self.mctx.instantiate(self.infer(dv))
                    ty = X.mk_app(Const("optParam", (self.level_of_type(ty),)), ty, dv)
                names = [V.binder_name(n) for n in b.names] or (["inst"] if info is X.INST_IMPLICIT else ["_"])
                for name in names:
                    t = ty if ty is not None else self.mctx.new_mvar(Sort(self.mctx.new_level_mvar()))
                    fvars.append(self.mctx.push_local(name if name != "_" else "x✝", t, info))
        except BaseException:
            self.mctx.pop_local(len(fvars))
            raise
        return fvars

    def elab_quantifier(self, stx, expected):
        q = V.first_text(stx)
        bnode = next(c for c in stx.children if V.is_node(c, "binders"))
        body = [c for c in stx.children if type(c) is Node][-1]
        binders = V.view_binders(bnode.children)
        if q in ("∀", "Π"):
            return self._elab_pi_binders(binders, body)
        if q in ("∃", "Σ", "Σ'"):
            return self._elab_exists(binders, body, q)
        raise ElabError(stx, f"unsupported binder notation '{q}'")

    def _elab_exists(self, binders, body_stx, q="∃") -> Expr:
        fvars = self.push_binders(binders)
        try:
            body = self.elab_type(body_stx)
            self.synthesize_pending()
            for fv in reversed(fvars):
                d = self.mctx.local_decl(fv)
                lam = self.mctx.mk_lambda([fv], body)
                u = self.level_of_type(d.type)
                body = X.mk_app(Const("Exists", (u,)), self.mctx.instantiate(d.type), lam)
            return body
        finally:
            self.mctx.pop_local(len(fvars))

    def elab_fun(self, stx, expected):
        alts = next((c for c in stx.children if V.is_node(c, "alts")), None)
        if alts is not None:
            from nleanjit.elab.match import elab_match_alts_fun

            return elab_match_alts_fun(self, stx, alts, expected)
        bnode = next(c for c in stx.children if V.is_node(c, "binders"))
        body = [c for c in stx.children if type(c) is Node][-1]
        binders = V.view_binders(bnode.children)
        exp = self.mctx.instantiate(expected) if expected is not None else None
        fvars: list[FVar] = []
        patterns: list[tuple[FVar, Node]] = []
        try:
            for b in binders:
                info = {"{": X.IMPLICIT, "[": X.INST_IMPLICIT, "⦃": X.STRICT_IMPLICIT}.get(b.bracket, X.DEFAULT)
                bty = self.elab_type(b.type) if b.type is not None else None
                names = [V.binder_name(n) for n in b.names] if b.pattern is None else ["x✝"]
                if not names and info is X.INST_IMPLICIT:
                    names = ["inst✝"]
                for name in names:
                    w = self.whnf(exp) if exp is not None else None
                    if w is not None and type(w) is not Pi:
                        w = None
                    if bty is not None:
                        ty = bty
                        if w is not None:
                            self.mctx.is_def_eq(ty, w.type)
                    elif w is not None:
                        ty = w.type
                    else:
                        ty = self.mctx.new_mvar(Sort(self.mctx.new_level_mvar()))
                    fv = self.mctx.push_local(name if name != "_" else "x✝", ty, info)
                    fvars.append(fv)
                    exp = X.instantiate(w.body, [fv]) if w is not None else None
                    if b.pattern is not None:
                        patterns.append((fv, b.pattern))
            if patterns:
                from nleanjit.elab.match import elab_match_on

                b = elab_match_on(self, [fv for fv, _ in patterns], [([p for _, p in patterns], body)], exp, stx)
            else:
                b = self.elab(body, exp)
            self.synthesize_pending()
            return self.mctx.mk_lambda(fvars, b)
        finally:
            self.mctx.pop_local(len(fvars))

    # ------------------------------------------------------------ let, have, show, if
    def lift_let_rec(self, stx, name: str, binders: list, ty_stx, val_stx) -> None:
        """`let rec f xs : T := v` becomes the auxiliary definition `<decl>.f` (as Lean lifts it),
        visible as `f` until the end of the enclosing declaration. A `let rec` that uses local
        variables of the enclosing term (Lean closes over them) is not supported yet."""
        cmd = self.ctx
        own = {name} | {t.text for b in binders for t in (b.tokens() if type(b) is Node else [b])
                         if getattr(t, "kind", None) == "ident"}
        for part in (ty_stx, val_stx):
            for t in (part.tokens() if type(part) is Node else []):
                if t.kind == "ident" and t.text.split(".")[0] not in own and self.mctx.lookup_local(t.text.split(".")[0]) is not None \
                        and self.mctx.lookup_local(t.text.split(".")[0]).id not in self.mctx.aux_fvars:
                    raise ElabError(t, f"unsupported: 'let rec' using the local variable '{t.text}' of the enclosing term "
                                       "(not yet implemented by nleanjit's elaborator)")
        base = getattr(cmd, "let_rec_base", None) or "_let_rec"
        full = f"{base}.{name}"
        text = f"def {full} " + " ".join(b.to_source().strip() for b in binders)
        if ty_stx is not None:
            text += " : " + ty_stx.to_source().strip()
        if type(val_stx) is Node and val_stx.kind == "fun" and len(val_stx.children) == 2 and V.is_node(val_stx.children[1], "alts"):
            text += "\n" + val_stx.children[1].to_source()
        else:
            text += " :=\n  " + val_stx.to_source().strip().replace("\n", "\n  ")
        errors = cmd._elab_generated(text + "\n")
        if errors:
            raise ElabError(stx, errors[0].split(": error: ", 1)[-1])
        cmd.eenv.aliases[name] = full
        getattr(cmd, "let_rec_aliases", []).append(name)

    def elab_let(self, stx, expected):
        ch = stx.children
        kw = ch[0].text
        body = ch[-1]
        if len(ch) > 2 and type(ch[1]) is Token and ch[1].text == "rec":
            return self._elab_let_rec(stx, expected)
        i = 1
        name = None
        pattern = None
        binders = []
        ty_stx = val_stx = None
        while i < len(ch) - 1:
            c = ch[i]
            if type(c) is Token and c.kind == "ident" and name is None and pattern is None and c.text not in ("rec", "mut"):
                name = c.text
            elif type(c) is Node and c.kind in V.BINDER_KINDS:
                binders.append(V.view_binder(c))
            elif type(c) is Token and c.text == ":" and ty_stx is None and val_stx is None:
                ty_stx = ch[i + 1]
                i += 1
            elif type(c) is Token and c.text == ":=":
                val_stx = ch[i + 1]
                i += 1
            elif type(c) is Node and c.kind == "alts":
                val_stx = Node("fun", [Token("ident", "fun", "", 0, 0, 0), c])
            elif type(c) is Node and name is None and pattern is None and val_stx is None:
                pattern = c
            elif type(c) is Node and c.kind == "by" and val_stx is None:
                val_stx = c
            i += 1
        if val_stx is None:
            raise ElabError(stx, f"unsupported '{kw}' syntax (not yet implemented by nleanjit's elaborator)")
        if name is None and pattern is None:
            name = "this"
        fvars = self.push_binders(binders)
        try:
            ty = self.elab_type(ty_stx) if ty_stx is not None else None
            val = self.elab(val_stx, ty)
            self.synthesize_pending()
            if ty is None:
                ty = self.mctx.instantiate(self.infer(val))
            if fvars:
                val = self.mctx.mk_lambda(fvars, val)
                ty = self.mctx.mk_pi(fvars, ty)
        finally:
            self.mctx.pop_local(len(fvars))
        if pattern is not None:
            from nleanjit.elab.match import elab_match_on

            fv = self.mctx.push_local("x✝", ty)
            try:
                b = elab_match_on(self, [fv], [([pattern], body)], expected, stx)
                lam = self.mctx.mk_lambda([fv], b)
            finally:
                self.mctx.pop_local()
            return App(lam, val)
        if kw == "have":
            fv = self.mctx.push_local(name, ty)
            try:
                b = self.elab(body, expected)
                self.synthesize_pending()
                lam = self.mctx.mk_lambda([fv], b)
            finally:
                self.mctx.pop_local()
            return App(lam, val)
        fv = self.mctx.push_local(name, ty, X.DEFAULT, val)
        try:
            b = self.elab(body, expected)
            self.synthesize_pending()
            return self.mctx.mk_lambda([fv], b)
        finally:
            self.mctx.pop_local()

    def _elab_let_rec(self, stx, expected):
        ch = stx.children
        self.elab_let_rec_decl(stx, ch[:-1])
        return self.elab(ch[-1], expected)

    def elab_let_rec_decl(self, stx, ch) -> None:
        """The declaration part of `let rec` (children after `let rec`, without the body)."""
        name, binders, ty_stx, val_stx = None, [], None, None
        i = 2
        while i < len(ch):
            c = ch[i]
            if type(c) is Token and c.kind == "ident" and name is None:
                name = c.text
            elif type(c) is Node and c.kind in V.BINDER_KINDS and val_stx is None and ty_stx is None:
                binders.append(c)
            elif type(c) is Token and c.text == ":" and ty_stx is None and val_stx is None:
                ty_stx = ch[i + 1]
                i += 1
            elif type(c) is Token and c.text == ":=":
                val_stx = ch[i + 1]
                i += 1
            elif type(c) is Node and c.kind == "alts":
                val_stx = Node("fun", [Token("ident", "fun", "", 0, 0, 0), c])
            i += 1
        if name is None or val_stx is None:
            raise ElabError(stx, "unsupported 'let rec' syntax (not yet implemented by nleanjit's elaborator)")
        self.lift_let_rec(stx, name, binders, ty_stx, val_stx)

    def elab_show(self, stx, expected):
        nodes = V.nodes(stx)
        ty = self.elab_type(nodes[0])
        if expected is not None:
            self.mctx.is_def_eq(ty, expected)
        if len(nodes) < 2:
            raise ElabError(stx, "unsupported 'show' syntax")
        return self.elab(nodes[-1], ty)

    def elab_if(self, stx, expected):
        ch = stx.children
        then_i = next(i for i, c in enumerate(ch) if type(c) is Token and c.text == "then")
        else_i = next((i for i, c in enumerate(ch) if type(c) is Token and c.text == "else"), None)
        head = ch[1:then_i]
        hyp = None
        if len(head) >= 3 and type(head[1]) is Token and head[1].text == ":":
            hyp = head[0].text
            cond_stx = head[2]
        else:
            cond_stx = head[0]
        if type(cond_stx) is Token and cond_stx.text == "let":
            raise ElabError(stx, "unsupported syntax 'if let' (not yet implemented by nleanjit's elaborator)")
        then_stx = ch[then_i + 1]
        if else_i is None:
            raise ElabError(stx, "unsupported syntax 'if' without 'else' outside 'do'")
        else_stx = ch[else_i + 1]
        c = self.elab_type(cond_stx)
        inst = self.new_inst_mvar(App(Const("Decidable"), c), cond_stx)
        if expected is not None:
            alpha = self.mctx.instantiate(expected)
        else:
            alpha = self.mctx.new_mvar(Sort(self.mctx.new_level_mvar()))
        u = self.level_of_type(alpha)
        if hyp is None:
            a = self.elab(then_stx, alpha)
            b = self.elab(else_stx, alpha)
            return X.mk_app(Const("ite", (u,)), alpha, c, inst, a, b)
        fv = self.mctx.push_local(hyp, c)
        try:
            a = self.mctx.mk_lambda([fv], self.elab(then_stx, alpha))
        finally:
            self.mctx.pop_local()
        fv = self.mctx.push_local(hyp, App(Const("Not"), c))
        try:
            b = self.mctx.mk_lambda([fv], self.elab(else_stx, alpha))
        finally:
            self.mctx.pop_local()
        return X.mk_app(Const("dite", (u,)), alpha, c, inst, a, b)

    def elab_if_term(self, stx, expected):
        return self.elab_if(stx, expected)

    # ------------------------------------------------------------ brackets
    def elab_paren(self, stx, expected):
        inner = V.nodes(stx)
        if not inner:
            return Const("Unit.unit")
        if _has_cdot(inner[0]):
            return self._elab_cdot_fun(inner[0], expected)
        return self.elab_core(inner[0], expected)

    def _elab_cdot_fun(self, body, expected):
        dots: list[Node] = []
        _collect_cdots(body, dots)
        exp = self.mctx.instantiate(expected) if expected is not None else None
        fvars = []
        try:
            for i, d in enumerate(dots):
                w = self.whnf(exp) if exp is not None else None
                if w is not None and type(w) is Pi:
                    ty = w.type
                else:
                    w = None
                    ty = self.mctx.new_mvar(Sort(self.mctx.new_level_mvar()))
                fv = self.mctx.push_local(f"x{i + 1}✝", ty)
                fvars.append(fv)
                self.cdot_locals[id(d)] = fv
                exp = X.instantiate(w.body, [fv]) if w is not None else None
            b = self.elab(body, exp)
            self.synthesize_pending()
            return self.mctx.mk_lambda(fvars, b)
        finally:
            self.mctx.pop_local(len(fvars))

    def elab_cdot(self, stx, expected):
        fv = self.cdot_locals.get(id(stx))
        if fv is None:
            raise ElabError(stx, "invalid occurrence of `·` notation")
        return fv

    def elab_unit(self, stx, expected):
        return Const("Unit.unit")

    def elab_type_ascription(self, stx, expected):
        inner = [c for c in stx.children if type(c) is Node]
        if len(inner) == 1:
            e = self.elab_core(inner[0], None)
            self.synthesize_pending()
            return e
        ty = self.elab_type(inner[1])
        return self.elab(inner[0], ty)

    def elab_tuple(self, stx, expected):
        items = [c for c in stx.children if type(c) is Node or isinstance(c, Elaborated)]
        if len(items) == 1:
            return self.elab_core(items[0], expected)
        rest = items[1:]
        second = rest[0] if len(rest) == 1 else Node("tuple", rest)
        c = self._mk_const(stx, "Prod.mk", None)
        return self.apply(stx, c, self.const_type(c), [items[0], second], {}, expected)

    def elab_anonymous_ctor(self, stx, expected):
        args = [c for c in stx.children if type(c) is Node]
        if expected is None:
            raise ElabError(stx, "invalid constructor ⟨...⟩, expected type must be known")
        exp = self.mctx.instantiate(expected)
        w = self.whnf(exp)
        head = X.get_app_fn(w)
        if type(head) is not Const or type(self.env.find(head.name)) is not InductiveInfo:
            raise ElabError(stx, f"invalid constructor ⟨...⟩, expected type must be an inductive type \n  {self.pp(exp)}")
        info = self.env.get(head.name)
        if len(info.constructors) != 1:
            raise ElabError(stx, f"invalid constructor ⟨...⟩, expected type must be an inductive type with only one constructor \n  {self.pp(exp)}")
        ctor = info.constructors[0]
        cinfo = self.env.get(ctor)
        c = Const(ctor, head.levels)
        ctype = self.const_type(c)
        # count explicit fields
        t = ctype
        explicit = 0
        k = 0
        while type(t) is Pi:
            if k >= cinfo.num_params and t.info is X.DEFAULT:
                explicit += 1
            k += 1
            t = t.body
        if len(args) > explicit and explicit > 0:
            args = args[: explicit - 1] + [Node("anonymous_ctor", args[explicit - 1 :])]
        elif len(args) < explicit:
            raise ElabError(stx, f"invalid constructor ⟨...⟩, insufficient number of arguments, constructs '{ctor}' has #{explicit} explicit fields, but only #{len(args)} provided")
        return self.apply(stx, c, ctype, args, {}, w)

    def elab_list(self, stx, expected):
        items = [c for c in stx.children if type(c) is Node]
        u = self.mctx.new_level_mvar()
        alpha = self.mctx.new_mvar(Sort(L.Succ(u)))
        list_t = App(Const("List", (u,)), alpha)
        if expected is not None:
            self.mctx.is_def_eq(list_t, expected)
        vals = [self.elab(i, alpha) for i in items]
        r = App(Const("List.nil", (u,)), alpha)
        for v in reversed(vals):
            r = X.mk_app(Const("List.cons", (u,)), alpha, v, r)
        return r

    def elab_list_literal(self, stx, expected):
        return self.elab_list(stx, expected)

    def elab_range(self, stx, expected):
        """`[a:b]`, `[:b]`, `[a:b:s]`: a `Std.Range`."""
        parts: list[list] = [[]]
        for c in stx.children:
            if type(c) is Token and c.text == ":":
                parts.append([])
            elif type(c) is Node or isinstance(c, Elaborated):
                parts[-1].append(c)
        named = {}
        for field, p in zip(("start", "stop", "step"), parts):
            if p:
                named[field] = p[0]
        c = self._mk_const(stx, "Std.Range.mk", None)
        if "start" not in named:
            named["start"] = Elaborated(NatLit(0), stx)
        if "step" not in named:
            named["step"] = Elaborated(NatLit(1), stx)
        return self.apply(stx, c, self.const_type(c), [], named, expected)

    def elab_array(self, stx, expected):
        return self.elab_array_literal(stx, expected)

    def elab_array_literal(self, stx, expected):
        lst = self.elab_list(stx, None)
        c = self._mk_const(stx, "List.toArray", None)
        return self.apply(stx, c, self.const_type(c), [Elaborated(lst, stx)], {}, expected)

    def elab_structinst(self, stx, expected):
        from nleanjit.elab.structinst import elab_structure_instance

        return elab_structure_instance(self, stx, expected)

    def elab_hole(self, stx, expected):
        t = expected if expected is not None else self.mctx.new_mvar(Sort(self.mctx.new_level_mvar()))
        return self.mctx.new_mvar(t)

    def elab_synthetic_hole(self, stx, expected):
        return self.elab_hole(stx, expected)

    def elab_by(self, stx, expected):
        from nleanjit.elab.tactics import run_tactic_block

        if expected is None:
            # Lean postpones a tactic block until its type is known (the end of the term):
            # `(by exact 42) + 1` is `?m + 1`, and the block runs once `?m : Nat` is settled
            ty = self.mctx.new_mvar(Sort(self.mctx.new_level_mvar()))
            m = self.mctx.new_mvar(ty)
            self.postponed_tactics.append((m, stx, list(self.mctx.scope), list(self.mctx.names)))
            return m
        self.synthesize_pending()
        goal = self.mctx.instantiate(expected)
        if goal.has_expr_mvar:
            self.synthesize_pending(final=True)  # Lean runs tactic blocks after default instances
            goal = self.mctx.instantiate(expected)
        return run_tactic_block(self, stx, goal)

    def elab_tactic_seq(self, stx, expected):
        """A tactic sequence in term position (the right-hand side of a tactic `match`)."""
        from nleanjit.elab.tactics import run_nested_block

        if expected is None:
            raise ElabError(stx, "invalid tactic block, expected type must be known")
        self.synthesize_pending()
        return run_nested_block(self, stx, self.mctx.instantiate(expected), stx)

    def elab_calc(self, stx, expected):
        from nleanjit.elab.tactics.calc import elab_calc

        return elab_calc(self, stx, expected)

    def elab_match(self, stx, expected):
        from nleanjit.elab.match import elab_match

        return elab_match(self, stx, expected)

    # ------------------------------------------------------------ do notation (do_notation.py)
    def elab_do(self, stx, expected):
        from nleanjit.elab.do_notation import elab_do

        return elab_do(self, stx, expected)

    def elab_do_seq(self, stx, expected):
        from nleanjit.elab.do_notation import DoElab, _items, elab_do_items

        branch = self.do_branches.get(id(stx))
        if branch is not None:  # the right side of a `match` alternative inside a `do` block
            ctx, k = branch
            return DoElab(self, stx).seq(_items(stx), ctx, k, expected)
        items = _items(stx)
        if len(items) == 1 and items[0].kind == "do_expr":
            return self.elab(items[0].children[0], expected)
        return elab_do_items(self, items, expected, stx)

    def _elab_do_element(self, stx, expected):
        from nleanjit.elab.do_notation import elab_do_element_term

        return elab_do_element_term(self, stx, expected)

    def elab_do_return(self, stx, expected):
        """`return e` where a term is expected (an alternative of a `match` in a `do` block's
        function): `pure e`."""
        from nleanjit.elab.do_notation import elab_do_items

        return elab_do_items(self, [stx], expected, stx)

    elab_do_if = elab_do_unless = elab_do_for = elab_do_try = elab_do_match = elab_do_while = elab_do_repeat = _elab_do_element

    def elab_index(self, stx, expected):
        """`xs[i]!` is `getElem! xs i`, `xs[i]?` is `getElem? xs i`, `xs[i]` is `getElem xs i h` with
        `h` a local proof of the bound; `xs[a:b]` is a subarray."""
        ch = stx.children
        coll = ch[0]
        inner = [c for c in ch[1:] if type(c) is Node]
        toks = [c.text for c in ch if type(c) is Token]
        if ":" in toks:
            colon = next(i for i, c in enumerate(ch) if type(c) is Token and c.text == ":")
            lo = [c for c in ch[2:colon] if type(c) is Node]
            hi = [c for c in ch[colon + 1 :] if type(c) is Node]
            named = {}
            if lo:
                named["start"] = lo[0]
            if hi:
                named["stop"] = hi[0]
            c = self._mk_const(stx, "Array.toSubarray", None)
            return self.apply(stx, c, self.const_type(c), [coll], named, expected)
        idx = inner[0]
        if toks and toks[-1] == "!":
            c = self._mk_const(stx, "GetElem?.getElem!", None)
            return self.apply(stx, c, self.const_type(c), [coll, idx], {}, expected)
        if toks and toks[-1] == "?":
            c = self._mk_const(stx, "GetElem?.getElem?", None)
            return self.apply(stx, c, self.const_type(c), [coll, idx], {}, expected)
        # `xs[i]`: Lean proves the bound with `get_elem_tactic`; we look for a local proof, and
        # otherwise (divergence, docs/ELABORATOR.md) read it as `xs[i]!`
        c = self._mk_const(stx, "GetElem.getElem", None)
        saved = self.mctx.save()
        try:
            hole = Node("by_assumption", [])
            return self.apply(stx, c, self.const_type(c), [coll, idx, Deferred(self._bound_proof, stx)], {}, expected)
        except ElabError:
            self.mctx.restore(saved)
        del hole
        c = self._mk_const(stx, "GetElem?.getElem!", None)
        return self.apply(stx, c, self.const_type(c), [coll, idx], {}, expected)

    def _bound_proof(self, expected):
        goal = self.mctx.instantiate(expected)
        for fv in reversed(self.mctx.scope):
            d = self.mctx.local_decl(fv)
            saved = self.mctx.save()
            if self.mctx.is_def_eq(d.type, goal):
                return fv
            self.mctx.restore(saved)
        raise ElabError(None, f"failed to prove index is valid\n  {self.pp(goal)}")

    def elab_assumption(self, stx, expected):
        inner = V.nodes(stx)[0]
        ty = self.elab_type(inner)
        for fv in reversed(self.mctx.scope):
            if self.mctx.is_def_eq(self.mctx.local_decl(fv).type, ty):
                return fv
        raise ElabError(stx, f"failed to prove\n  {self.pp(ty)}")

    def elab_nomatch(self, stx, expected):
        raise ElabError(stx, "unsupported syntax 'nomatch' (not yet implemented by nleanjit's elaborator)")


def _implicit_binder_of_brace(stx):
    """`{x y : A}` read as a `structinst` with one field `x : A` → ([x tokens], A), else None."""
    if not V.is_node(stx, "structinst"):
        return None
    fields = [c for c in stx.children if V.is_node(c, "fields")]
    if len(fields) != 1:
        return None
    fs = [f for f in V.nodes(fields[0]) if f.kind == "field"]
    if len(fs) != 1:
        return None
    ch = fs[0].children
    colon = V.index_of(fs[0], ":")
    if colon < 1 or V.index_of(fs[0], ":=") >= 0:
        return None
    names = [c for c in ch[:colon] if type(c) is Token and c.kind == "ident"]
    return (names, ch[colon + 1]) if names else None


def _opt_param_default(dom: Expr) -> Expr | None:
    f, args = X.get_app_fn_args(dom)
    if type(f) is Const and f.name == "optParam" and len(args) == 2:
        return args[1]
    return None


def _is_auto_bound_name(name: str) -> bool:
    """Lean's `relaxedAutoImplicit`: any atomic identifier may be auto-bound."""
    return bool(name) and "." not in name and name not in ("sorry",)


def _has_cdot(stx) -> bool:
    out: list = []
    _collect_cdots(stx, out)
    return bool(out)


def _collect_cdots(stx, out: list) -> None:
    if type(stx) is not Node:
        return
    if stx.kind == "cdot":
        out.append(stx)
        return
    if stx.kind == "paren":
        return  # a nested `(· …)` is its own function
    for c in stx.children:
        _collect_cdots(c, out)


def _abstract_term(e: Expr, t: Expr) -> Expr | None:
    """`e` with the occurrences of `t` replaced by `BVar(0)` (lifted), or None if `t` does not occur."""
    found = []

    def fn(x: Expr, off: int):
        if x == t:
            found.append(True)
            return X.BVar(off)
        return None

    body = X.replace(X.lift_loose_bvars(e, 0, 1), fn)
    return body if found else None


def _needs_expected(stx) -> bool:
    """An operand that cannot be elaborated without its type: `{ x := 1 }`, `⟨a, b⟩`, `.c`."""
    while type(stx) is Node and stx.kind == "paren":
        inner = [c for c in stx.children if type(c) is Node]
        if len(inner) != 1:
            return False
        stx = inner[0]
    return type(stx) is Node and stx.kind in ("structinst", "anonymous_ctor", "dot_ident")


def _postponed_syntax(a) -> bool:
    """Arguments elaborated after the others, once their expected type is known (`fun`, `⟨…⟩`,
    `by`, …, also inside parentheses, as Lean's postponement sees through them)."""
    if type(a) is Deferred:
        return True
    while type(a) is Node and a.kind == "paren":
        inner = [c for c in a.children if type(c) is Node]
        if len(inner) != 1 or _has_cdot(inner[0]):
            break
        a = inner[0]
    return type(a) is Node and a.kind in POSTPONE_KINDS


def _pi_body(t: Expr) -> Expr:
    while type(t) is Pi:
        t = t.body
    return t


def span_of(stx) -> Span | None:
    return Span.of(stx)


__all__ = ["TermElab", "AutoBoundImplicit", "Elaborated", "Lam", "ConstructorInfo"]
