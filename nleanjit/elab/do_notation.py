"""`do` notation: a `do` block's syntax → a kernel term built from `Bind.bind`/`Pure.pure`.

In: a `do` node (or a `do_seq` standing as a term) and its expected type `m τ`.
Out: a term of type `m τ`. Lean's `Lean.Elab.Do` is the model:

- `let x ← e; rest` is `bind e (fun x => rest)`; `e; rest` is `bind e (fun (_ : PUnit) => rest)`;
  `let x := v` is a `let`; `(← e)` inside an element is lifted in front of it (left to right).
- `let mut x` declares a mutable variable; `x := v` and `x ← e` rebind it (a new local of the
  same name: the code after sees the new value).
- Control flow (`if`, `unless`, `match`, nested `do`) that is not the last element gets a
  **join point**: `let __do_jp := fun x₁ … xₙ => rest` where `xᵢ` are the mutable variables the
  branches may update; each branch ends by calling it with its current values. `return v` in a
  branch is simply `pure v` (the branch has the type of the whole block).
- `for x in c do body` is `forIn c s (fun x s => body')` (`ForIn`), where the state `s` packs
  the mutable variables the body updates (`PUnit` when none, `Prod` for several); the body ends
  with `pure (ForInStep.yield s)`, `continue` is the same, `break` is `ForInStep.done s`.
  When the body contains `return`, the state also holds `Option τ` (`some v` = returned), and the
  code after the loop tests it, as Lean's `Do.lean` does with its `MProd` state.
- `while c do b` / `repeat b` iterate over `Loop.mk` (`for _ in Loop.mk do if c then b else break`).
- `try a catch e => h` is `tryCatch a' (fun e => h')` where both pack the updated variables
  and the rest follows the `try` (`finally` runs its block after the `try` without catching).
- An expression in a `do` block is lifted to the block's monad with `liftM` (`MonadLiftT`)
  when its monad differs (`BaseIO` actions in `IO`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from nleanjit.elab import syntax_view as V
from nleanjit.elab.messages import ElabError
from nleanjit.elab.term import Deferred, Elaborated
from nleanjit.kernel import expr as X
from nleanjit.kernel import level as L
from nleanjit.kernel.expr import App, Const, Expr, FVar, MVar, Pi, Sort
from nleanjit.syntax.tokens import Token
from nleanjit.syntax.tree import Node

Cont = Callable[[], Expr]


@dataclass(frozen=True)
class DoCtx:
    """What the elements of one block may do besides falling through."""

    monad: Expr
    ret_type: Expr
    """τ of the enclosing `do` block (what `return` gives)."""
    ret: Callable | None
    """`return v` (v: syntax or None) → a term of the current block type."""
    brk: Callable | None
    cont: Callable | None
    mut_vars: frozenset


# --- entry points ------------------------------------------------------------------------


def elab_do(te, stx: Node, expected) -> Expr:
    seq = next((c for c in stx.children if V.is_node(c, "do_seq")), None)
    items = _items(seq) if seq is not None else []
    return elab_do_items(te, items, expected, stx)


def elab_do_items(te, items: list, expected, stx) -> Expr:
    m, tau = _split_monad(te, expected, stx)
    ctx = DoCtx(m, tau, None, None, None, frozenset())
    ctx = replace(ctx, ret=_top_return(te, ctx))
    return DoElab(te, stx).seq(items, ctx, None, X.App(m, tau))


def elab_do_element_term(te, stx: Node, expected) -> Expr:
    """`if`/`match`/`unless`/`for`/`try` with `do` branches where a term is expected (the right of
    `←` or `:=`): an ordinary `if`/`match` when each branch is one expression, else a `do` block."""
    if stx.kind == "do_if" and all(len(_items(s)) == 1 and _items(s)[0].kind == "do_expr" for s in V.nodes(stx) if s.kind == "do_seq"):
        return DoElab(te, stx).pure_if(stx, expected)
    return elab_do_items(te, [stx], expected, stx)


# --- helpers -----------------------------------------------------------------------------


def _items(seq) -> list:
    return [c for c in seq.children if type(c) is Node] if seq is not None else []


def _split_monad(te, expected, stx) -> tuple[Expr, Expr]:
    if expected is None:
        raise ElabError(stx, "invalid 'do' notation, expected type is not available")
    exp = te.mctx.instantiate(expected)
    if type(exp) is not App:
        w = te.whnf(exp)
        if type(w) is App:
            exp = w
    if type(exp) is not App or type(X.get_app_fn(exp)) is MVar:
        raise ElabError(stx, f"invalid 'do' notation, expected type is not a monad application\n  {te.pp(exp)}\nYou can use the `do` notation in pure code by writing `Id.run do` instead of `do`, where `Id` is the identity monad.")
    return exp.fn, exp.arg


def _top_return(te, ctx: DoCtx):
    def ret(v_stx, stx, expected):
        return DoElab(te, stx).pure(ctx, v_stx, ctx.ret_type, expected, stx)

    return ret


def _updated_vars(stx, mut_vars: frozenset) -> list[str]:
    """Mutable variables that `stx` may reassign (`x := …`, `x ← …`), in first-seen order."""
    out: list[str] = []

    def walk(n):
        if type(n) is not Node or n.kind in ("fun", "do"):
            return
        if n.kind == "do_reassign":
            tgt = n.children[0]
            names = [t.text for t in V.tokens(tgt) if t.kind == "ident"] if type(tgt) is Node else [tgt.text]
            for nm in names:
                if nm in mut_vars and nm not in out:
                    out.append(nm)
        for c in n.children:
            walk(c)

    walk(stx)
    return out


def _contains(stx, kinds: tuple[str, ...], into_loops: bool = True) -> bool:
    if type(stx) is not Node or stx.kind in ("fun", "do"):
        return False
    if stx.kind in kinds:
        return True
    if not into_loops and stx.kind in ("do_for", "do_while", "do_repeat"):
        return False
    return any(_contains(c, kinds, into_loops) for c in stx.children)


class DoElab:
    def __init__(self, te, stx):
        self.te = te
        self.mctx = te.mctx
        self.stx = stx

    def lam(self, fvars, body: Expr) -> Expr:
        """`fun fvars => body`, after solving the instance problems that mention the variables."""
        self.te.synthesize_pending()
        return self.mctx.mk_lambda(fvars, body)

    # --- monad operations
    def _levels(self, m: Expr) -> tuple[L.Level, L.Level]:
        u, v = self.mctx.new_level_mvar(), self.mctx.new_level_mvar()
        t = self.te.infer(m)
        if not self.mctx.is_def_eq(t, Pi("α", Sort(L.Succ(u)), Sort(L.Succ(v)), X.DEFAULT)):
            raise ElabError(self.stx, f"invalid 'do' notation, the monad\n  {self.te.pp(m)}\nhas type\n  {self.te.pp(t)}\nwhich is not of the form Type u → Type v")
        return u, v

    def app_m(self, name: str, args: list, expected, stx=None, named=None) -> Expr:
        te = self.te
        c = te._mk_const(stx or self.stx, name, None)
        named = {k: Elaborated(v, stx) for k, v in (named or {}).items()}
        return te.apply(stx or self.stx, c, te.const_type(c), [a if isinstance(a, (Elaborated, Deferred)) else Elaborated(a, stx) for a in args], named, expected)

    def pure_value(self, m: Expr, alpha: Expr, value: Expr, stx) -> Expr:
        u, v = self._levels(m)
        inst = self.te.new_inst_mvar(X.App(Const("Pure", (u, v)), m), stx)
        return X.mk_app(Const("Pure.pure", (u, v)), m, inst, alpha, value)

    def bind(self, m: Expr, alpha: Expr, beta: Expr, x: Expr, f: Expr, stx) -> Expr:
        u, v = self._levels(m)
        inst = self.te.new_inst_mvar(X.App(Const("Bind", (u, v)), m), stx)
        return X.mk_app(Const("Bind.bind", (u, v)), m, inst, alpha, beta, x, f)

    def pure(self, ctx: DoCtx, v_stx, alpha: Expr, expected, stx) -> Expr:
        """`pure v` at `expected` (= `m alpha`); `v` is syntax, an `Elaborated`, or None for `()`."""
        if v_stx is None:
            val = Const("PUnit.unit", (L.ONE,))
            self.mctx.is_def_eq(alpha, Const("PUnit", (L.ONE,)))
        else:
            val = self.te.elab(v_stx, alpha)
        return self.pure_value(ctx.monad, alpha, val, stx)

    def action(self, ctx: DoCtx, stx, alpha: Expr | None = None) -> tuple[Expr, Expr]:
        """Elaborate a monadic action `stx : m α`; lifted with `liftM` when its monad differs."""
        te = self.te
        if alpha is None:
            alpha = self.mctx.new_mvar(Sort(L.Succ(self.mctx.new_level_mvar())))
        want = X.App(ctx.monad, alpha)
        e = te.elab_core(stx, want)
        t0 = self.mctx.instantiate(te.infer(e))
        if type(X.get_app_fn(t0)) is MVar or type(t0) is not App:
            self.mctx.is_def_eq(t0, want)  # `pure 0`: the monad and `α` come from the block, before defaults
        te.settle_defaults()
        # as Lean's `extractBind`: the action's type is `n β`, and `n` must be the block's monad
        # (compared as functions, so that `Id ?α` does not swallow `IO Unit`)
        for _ in range(2):
            t = self.mctx.instantiate(te.infer(e))
            if type(t) is not App or type(X.get_app_fn(t)) is MVar:
                if self.mctx.is_def_eq(t, want):
                    return e, self.mctx.instantiate(alpha)
            elif self.mctx.is_def_eq(t.fn, ctx.monad) and self.mctx.is_def_eq(t.arg, alpha):
                return e, self.mctx.instantiate(alpha)
            te.synthesize_pending()
        t = self.mctx.instantiate(te.infer(e))
        if type(t) is App and "liftM" in te.env:
            saved = self.mctx.save()
            try:
                self.mctx.is_def_eq(alpha, t.arg)
                lifted = self.app_m("liftM", [Elaborated(e, stx)], want, stx, {"m": t.fn, "n": ctx.monad, "α": t.arg})
                te.synthesize_pending()
                return lifted, self.mctx.instantiate(alpha)
            except ElabError:
                self.mctx.restore(saved)
        raise ElabError(stx, f"type mismatch\n  {te.pp(e)}\nhas type\n  {te.pp(t)}\nbut is expected to have type\n  {te.pp(want)}")

    # --- sequences
    def seq(self, items: list, ctx: DoCtx, k: Cont | None, expected: Expr) -> Expr:
        if not items:
            if k is not None:
                return k()
            return self.pure(ctx, None, self._block_alpha(expected), expected, self.stx)
        item, rest = items[0], items[1:]
        item, lifts = _lift_nested(item)
        if lifts:
            return self._bind_lifts(lifts, 0, ctx, lambda: self.seq([item] + rest, ctx, k, expected), expected)
        last = not rest and k is None
        kind = item.kind
        if kind == "do_expr" and _assert_condition(item) is not None:
            return self.do_assert(item, rest, ctx, k, expected)
        if kind == "do_expr":
            return self.do_expr(item, rest, ctx, k, expected, last)
        if kind == "do_let":
            return self.do_let(item, rest, ctx, k, expected)
        if kind == "do_reassign":
            return self.do_reassign(item, rest, ctx, k, expected)
        if kind == "do_return":
            vals = [c for c in item.children if type(c) is Node]
            return ctx.ret(vals[0] if vals else None, item, expected)
        if kind in ("do_break", "do_continue"):
            fn = ctx.brk if kind == "do_break" else ctx.cont
            if fn is None:
                word = kind[3:]
                raise ElabError(item, f"invalid '{word}', it must be used inside a loop")
            return fn(item, expected)
        if kind in ("do_for", "do_while", "do_repeat"):
            return self.loop(item, rest, ctx, k, expected, last)
        if kind == "do_try":
            return self.do_try(item, rest, ctx, k, expected, last)
        if kind in ("do_if", "do_unless", "match", "do_match", "do_nested"):
            if last:
                return self.control(item, ctx, None, expected)
            return self.with_join_point(item, rest, ctx, k, expected)
        raise ElabError(item, f"unsupported 'do' element '{kind}' (not yet implemented by nleanjit's elaborator)")

    def _block_alpha(self, expected: Expr) -> Expr:
        exp = self.mctx.instantiate(expected)
        if type(exp) is App:
            return exp.arg
        return self.mctx.new_mvar(Sort(L.Succ(self.mctx.new_level_mvar())))

    def _bind_lifts(self, lifts, i, ctx, body: Cont, expected) -> Expr:
        if i == len(lifts):
            return body()
        hole, act_stx = lifts[i]
        x, alpha = self.action(ctx, act_stx)
        fv = self.mctx.push_local("__do_lift", alpha)
        try:
            object.__setattr__(hole, "expr", fv)
            b = self._bind_lifts(lifts, i + 1, ctx, body, expected)
            lam = self.lam([fv], b)
        finally:
            self.mctx.pop_local()
        return self.bind(ctx.monad, alpha, self._block_alpha(expected), x, lam, act_stx)

    def do_expr(self, item, rest, ctx, k, expected, last) -> Expr:
        e_stx = item.children[0]
        if last:  # the block's value: `m α` itself, or an action of another monad lifted into it
            x, _alpha = self.action(ctx, e_stx, self._block_alpha(expected))
            return x
        unit = Const("PUnit", (L.ONE,))
        x, alpha = self.action(ctx, e_stx, None)
        if not self.mctx.is_def_eq(alpha, unit):
            raise ElabError(e_stx, f"type mismatch\n  {self.te.pp(x)}\nhas type\n  {self.te.pp_typed(X.App(ctx.monad, alpha))}\nbut is expected to have type\n  {self.te.pp_typed(X.App(ctx.monad, unit))}")
        fv = self.mctx.push_local("x✝", alpha)
        try:
            b = self.seq(rest, ctx, k, expected)
            lam = self.lam([fv], b)
        finally:
            self.mctx.pop_local()
        return self.bind(ctx.monad, alpha, self._block_alpha(expected), x, lam, e_stx)

    def do_assert(self, item, rest, ctx, k, expected) -> Expr:
        """`assert! c` (Lean's `doAssert`): `if c then rest else panic! "assertion violation: c"`."""
        cond_stx = _assert_condition(item)
        te = self.te

        def fail(alpha):
            u = te.level_of_type(alpha)
            inst = te.new_inst_mvar(App(Const("Inhabited", (u,)), alpha), item)
            msg = "assertion violation: " + cond_stx.to_source().strip()
            return X.mk_app(Const("panic", (u,)), alpha, inst, X.StrLit(msg))

        return self._cond([cond_stx], lambda alpha: self.seq(rest, ctx, k, expected), fail, expected, item)

    # --- let and reassignment
    def do_let(self, item, rest, ctx, k, expected) -> Expr:
        ch = item.children
        if len(ch) > 2 and type(ch[1]) is Token and ch[1].text == "rec":
            self.te.elab_let_rec_decl(item, ch)  # lifted to an auxiliary definition, as in Lean
            return self.seq(rest, ctx, k, expected)
        is_mut = len(ch) > 1 and type(ch[1]) is Token and ch[1].text == "mut"
        i = 2 if is_mut else 1
        name = None
        pattern = None
        binders = []
        ty_stx = val_stx = None
        arrow = None
        alt_seq = None
        while i < len(ch):
            c = ch[i]
            if type(c) is Token and c.kind == "ident" and name is None and pattern is None and arrow is None:
                name = c.text
            elif type(c) is Token and c.kind == "ident" and name is not None and arrow is None:
                binders.append(V.BinderView((c,), None, "", None, c))  # `let f x := …` / `let some x := …`
            elif type(c) is Node and c.kind in V.BINDER_KINDS and arrow is None:
                binders.append(V.view_binder(c))
            elif type(c) is Token and c.text == ":" and arrow is None:
                ty_stx = ch[i + 1]
                i += 1
            elif type(c) is Token and c.text in (":=", "←", "<-"):
                arrow = ":=" if c.text == ":=" else "←"
                val_stx = ch[i + 1]
                i += 1
            elif type(c) is Token and c.text == "|":
                alt_seq = ch[i + 1]
                i += 1
            elif type(c) is Node and c.kind == "alts":
                val_stx = Node("fun", [Token("ident", "fun", "", 0, 0, 0), c])
                arrow = ":="
            elif type(c) is Node and name is None and pattern is None and arrow is None:
                pattern = c
            i += 1
        if val_stx is None:
            raise ElabError(item, "unsupported 'let' syntax in 'do' (not yet implemented by nleanjit's elaborator)")
        if pattern is not None and type(pattern) is Node and pattern.kind == "ident" and not binders:
            name, pattern = V.first_text(pattern), None
        if name is not None and binders and (alt_seq is not None or self._is_ctor(name)):
            # `let some x := e | alt` reads as a function `some x := e` to the parser: a pattern
            args = [Node("ident", [n]) if type(n) is Token else n for b in binders for n in b.names]
            pattern = Node("app", [Node("ident", [Token("ident", name, "", 0, 0, 0)])] + args)
            name, binders = None, []
        if name is None and pattern is None:
            name = "this"
        new_ctx = replace(ctx, mut_vars=ctx.mut_vars | {name}) if is_mut and name else ctx
        if is_mut and pattern is not None:
            names = [t.text for t in V.tokens(pattern) if t.kind == "ident"]
            new_ctx = replace(ctx, mut_vars=ctx.mut_vars | set(names))
        te = self.te
        if arrow == "←":
            ty = te.elab_type(ty_stx) if ty_stx is not None else None
            x, alpha = self.action(ctx, val_stx, ty)
            return self._bind_then(ctx, new_ctx, name, pattern, alpha, x, rest, k, expected, val_stx, alt_seq)
        # `let x := v`
        fvars = te.push_binders(binders)
        try:
            ty = te.elab_type(ty_stx) if ty_stx is not None else None
            val = te.elab(val_stx, ty)
            te.settle_defaults()
            if ty is None:
                ty = self.mctx.instantiate(te.infer(val))
            if fvars:
                val = self.lam(fvars, val)
                ty = self.mctx.mk_pi(fvars, ty)
        finally:
            self.mctx.pop_local(len(fvars))
        if pattern is not None:
            return self._match_then(new_ctx, pattern, ty, val, rest, k, expected, item, alt_seq, ctx)
        fv = self.mctx.push_local(name, ty, X.DEFAULT, val)
        try:
            b = self.seq(rest, new_ctx, k, expected)
            return self.lam([fv], b)
        finally:
            self.mctx.pop_local()

    def _is_ctor(self, name: str) -> bool:
        from nleanjit.elab.state import resolve_global
        from nleanjit.kernel.declaration import ConstructorInfo

        return any(isinstance(self.te.env.find(c), ConstructorInfo) for c in resolve_global(self.te.eenv, self.te.scope, name))

    def _bind_then(self, ctx, new_ctx, name, pattern, alpha, x, rest, k, expected, stx, alt_seq=None) -> Expr:
        if pattern is not None:
            fv = self.mctx.push_local("x✝", alpha)
            try:
                b = self._match_then(new_ctx, pattern, alpha, fv, rest, k, expected, stx, alt_seq, ctx)
                lam = self.lam([fv], b)
            finally:
                self.mctx.pop_local()
        else:
            fv = self.mctx.push_local(name, alpha)
            try:
                b = self.seq(rest, new_ctx, k, expected)
                lam = self.lam([fv], b)
            finally:
                self.mctx.pop_local()
        return self.bind(ctx.monad, alpha, self._block_alpha(expected), x, lam, stx)

    def _match_then(self, new_ctx, pattern, ty, val, rest, k, expected, stx, alt_seq, ctx) -> Expr:
        """`let p := v; rest` (and `let p ← e | alt; rest`): a `match` whose first row continues."""
        from nleanjit.elab.match import elab_match_on

        te = self.te
        rows = [([pattern], Deferred(lambda exp: self.seq(rest, new_ctx, k, exp), stx))]
        if alt_seq is not None:
            rows.append(([Node("hole", [Token("sym", "_", "", 0, 0, 0)])], Deferred(lambda exp: self.seq(_items(alt_seq), ctx, None, exp), alt_seq)))
        if type(val) is FVar:
            return elab_match_on(te, [val], rows, expected, stx)
        fv = self.mctx.push_local("x✝", ty)
        try:
            b = elab_match_on(te, [fv], rows, expected, stx)
            lam = self.lam([fv], b)
        finally:
            self.mctx.pop_local()
        return App(lam, val)

    def do_reassign(self, item, rest, ctx, k, expected) -> Expr:
        ch = item.children
        target = ch[0]
        arrow_i = next(i for i, c in enumerate(ch) if type(c) is Token and c.text in (":=", "←", "<-"))
        arrow = ch[arrow_i].text
        val_stx = ch[arrow_i + 1]
        te = self.te
        if type(target) is Node and target.kind == "ident" or type(target) is Token:
            name = target.text if type(target) is Token else V.first_text(target)
            self._check_mutable(ctx, name, target)
            old = self.mctx.lookup_local(name)
            ty = self.mctx.instantiate(self.mctx.local_decl(old).type)
            if arrow == ":=":
                val = te.elab(val_stx, ty)
                te.settle_defaults()
                fv = self.mctx.push_local(name, ty, X.DEFAULT, val)
                try:
                    b = self.seq(rest, ctx, k, expected)
                    return self.lam([fv], b)
                finally:
                    self.mctx.pop_local()
            x, alpha = self.action(ctx, val_stx, ty)
            return self._bind_then(ctx, ctx, name, None, alpha, x, rest, k, expected, val_stx)
        # a pattern: `(a, b) := e` rebinds each mutable variable it names
        names = [t.text for t in V.tokens(target) if t.kind == "ident" and self.mctx.lookup_local(t.text) is not None]
        for nm in names:
            self._check_mutable(ctx, nm, target)
        if arrow == ":=":
            val = te.elab(val_stx, None)
            te.synthesize_pending()
            ty = self.mctx.instantiate(te.infer(val))
            return self._match_then(ctx, target, ty, val, rest, k, expected, item, None, ctx)
        bar = next((i for i, c in enumerate(ch) if type(c) is Token and c.text == "|"), None)
        alt_seq = ch[bar + 1] if bar is not None and bar + 1 < len(ch) else None
        x, alpha = self.action(ctx, val_stx, None)
        return self._bind_then(ctx, ctx, None, target, alpha, x, rest, k, expected, val_stx, alt_seq)

    def _check_mutable(self, ctx, name, stx) -> None:
        if self.mctx.lookup_local(name) is None:
            raise ElabError(stx, f"unknown identifier '{name}'")
        if name not in ctx.mut_vars:
            raise ElabError(stx, f"`{name}` cannot be mutated, only variables declared using `let mut` can be mutated. If you did not intend to mutate but define `{name}`, consider using `let {name}` instead")

    # --- packing mutable variables (join points, loop state)
    def _var_types(self, names: list[str]) -> list[Expr]:
        return [self.mctx.instantiate(self.mctx.local_decl(self.mctx.lookup_local(n)).type) for n in names]

    def _tuple_type(self, types: list[Expr]) -> Expr:
        if not types:
            return Const("PUnit", (L.ONE,))
        if len(types) == 1:
            return types[0]
        return self.app_m("Prod", [types[0], self._tuple_type(types[1:])], None)

    def _pack(self, names: list[str]) -> Expr:
        if not names:
            return Const("PUnit.unit", (L.ONE,))
        v = self.mctx.lookup_local(names[0])
        if len(names) == 1:
            return v
        return self.app_m("Prod.mk", [v, self._pack(names[1:])], None)

    def _unpack(self, names: list[str], r: Expr, body: Cont) -> Expr:
        """`let x₁ := r.1; …` around `body` (the inverse of `_pack`)."""
        if not names:
            return body()
        types = self._var_types(names)
        if len(names) == 1:
            val = r
        else:
            val = self.app_m("Prod.fst", [r], None)
        fv = self.mctx.push_local(names[0], types[0], X.DEFAULT, val)
        try:
            if len(names) == 1:
                b = body()
            else:
                b = self._unpack(names[1:], self.app_m("Prod.snd", [r], None), body)
            return self.lam([fv], b)
        finally:
            self.mctx.pop_local()

    # --- control flow
    def with_join_point(self, item, rest, ctx, k, expected) -> Expr:
        names = _updated_vars(item, ctx.mut_vars)
        types = self._var_types(names)
        te = self.te
        params = []
        try:
            for n, t in zip(names, types):
                params.append(self.mctx.push_local(n, t))
            if not params:
                params.append(self.mctx.push_local("y✝", Const("PUnit", (L.ONE,))))
            jp_body = self.seq(rest, ctx, k, expected)
            jp_val = self.lam(params, jp_body)
            jp_type = self.mctx.mk_pi(params, self.mctx.instantiate(expected))
        finally:
            self.mctx.pop_local(len(params))
        jp = self.mctx.push_local("__do_jp", jp_type, X.DEFAULT, jp_val)
        try:
            def call_jp():
                args = [self.mctx.lookup_local(n) for n in names] or [Const("PUnit.unit", (L.ONE,))]
                return X.mk_app(jp, *args)

            b = self.control(item, ctx, call_jp, expected)
            del te
            return self.lam([jp], b)
        finally:
            self.mctx.pop_local()

    def control(self, item, ctx, k: Cont | None, expected) -> Expr:
        kind = item.kind
        if kind == "do_if":
            return self.do_if(item, ctx, k, expected)
        if kind == "do_unless":
            cond = [c for c in item.children if type(c) is Node and c.kind != "do_seq"][0]
            body = next(c for c in item.children if V.is_node(c, "do_seq"))
            c = self.te.elab_type(cond)
            return self._ite(c, cond, lambda exp: self.seq([], ctx, k, exp), lambda exp: self.seq(_items(body), ctx, k, exp), expected, item)
        if kind in ("match", "do_match"):
            return self.do_match(item, ctx, k, expected)
        if kind == "do_nested":
            body = next(c for c in item.children if V.is_node(c, "do_seq"))
            return self.seq(_items(body), ctx, k, expected)
        raise ElabError(item, f"unsupported 'do' element '{kind}'")

    def _ite(self, c: Expr, cond_stx, then_fn, else_fn, expected, stx, hyp: str | None = None) -> Expr:
        te = self.te
        inst = te.new_inst_mvar(App(Const("Decidable"), c), cond_stx)
        alpha = self.mctx.instantiate(expected)
        u = te.level_of_type(alpha)
        if hyp is None:
            a = then_fn(alpha)
            b = else_fn(alpha)
            return X.mk_app(Const("ite", (u,)), alpha, c, inst, a, b)
        fv = self.mctx.push_local(hyp, c)
        try:
            a = self.lam([fv], then_fn(alpha))
        finally:
            self.mctx.pop_local()
        fv = self.mctx.push_local(hyp, App(Const("Not"), c))
        try:
            b = self.lam([fv], else_fn(alpha))
        finally:
            self.mctx.pop_local()
        return X.mk_app(Const("dite", (u,)), alpha, c, inst, a, b)

    def _if_chain(self, item) -> tuple[list, Node | None]:
        """`if c₁ then s₁ else if c₂ then s₂ … else s`: [(condition tokens/nodes, sᵢ)], s."""
        ch = item.children
        branches = []
        else_seq = None
        i = 1
        while i < len(ch):
            j = next(t for t in range(i, len(ch)) if type(ch[t]) is Token and ch[t].text == "then")
            cond = ch[i:j]
            seq = ch[j + 1]
            branches.append((cond, seq))
            i = j + 2
            if i < len(ch) and type(ch[i]) is Token and ch[i].text == "else":
                if i + 1 < len(ch) and type(ch[i + 1]) is Token and ch[i + 1].text == "if":
                    i += 2
                    continue
                else_seq = ch[i + 1]
                break
            break
        return branches, else_seq

    def do_if(self, item, ctx, k, expected) -> Expr:
        branches, else_seq = self._if_chain(item)

        def build(idx: int, exp) -> Expr:
            if idx == len(branches):
                return self.seq(_items(else_seq), ctx, k, exp)
            cond, seq = branches[idx]
            then_fn = lambda e: self.seq(_items(seq), ctx, k, e)  # noqa: E731
            else_fn = lambda e: build(idx + 1, e)  # noqa: E731
            return self._cond(cond, then_fn, else_fn, exp, item)

        return build(0, expected)

    def _cond(self, cond: list, then_fn, else_fn, expected, stx) -> Expr:
        """One `if` condition: `c`, `h : c`, or `let p := e`."""
        te = self.te
        if cond and type(cond[0]) is Token and cond[0].text == "let":
            from nleanjit.elab.match import elab_match_on

            assign = next(i for i, c in enumerate(cond) if type(c) is Token and c.text == ":=")
            pattern = cond[1]
            val = te.elab(cond[assign + 1], None)
            te.synthesize_pending()
            ty = self.mctx.instantiate(te.infer(val))
            rows = [([pattern], Deferred(then_fn, stx)), ([Node("hole", [Token("sym", "_", "", 0, 0, 0)])], Deferred(else_fn, stx))]
            fv = self.mctx.push_local("x✝", ty)
            try:
                b = elab_match_on(te, [fv], rows, expected, stx)
                lam = self.lam([fv], b)
            finally:
                self.mctx.pop_local()
            return App(lam, val)
        hyp = None
        if len(cond) >= 3 and type(cond[1]) is Token and cond[1].text == ":":
            hyp = cond[0].text
            cond_stx = cond[2]
        else:
            cond_stx = cond[0]
        c = te.elab_type(cond_stx)
        return self._ite(c, cond_stx, then_fn, else_fn, expected, stx, hyp)

    def pure_if(self, item, expected) -> Expr:
        """`if … then e₁ else e₂` with one-expression branches, as a term."""
        branches, else_seq = self._if_chain(item)
        if else_seq is None:
            raise ElabError(item, "unsupported syntax 'if' without 'else' outside 'do'")
        te = self.te
        if expected is None:
            expected = self.mctx.new_mvar(Sort(self.mctx.new_level_mvar()))

        def build(idx: int, exp) -> Expr:
            if idx == len(branches):
                return te.elab(_items(else_seq)[0].children[0], exp)
            cond, seq = branches[idx]
            return self._cond(cond, lambda e: te.elab(_items(seq)[0].children[0], e), lambda e: build(idx + 1, e), exp, item)

        return build(0, expected)

    def do_match(self, item, ctx, k, expected) -> Expr:
        from nleanjit.elab.match import elab_match

        registered = []
        for alts in (c for c in item.children if V.is_node(c, "alts")):
            for alt in V.nodes(alts):
                for c in alt.children:
                    if V.is_node(c, "do_seq"):
                        self.te.do_branches[id(c)] = (ctx, k)
                        registered.append(id(c))
        try:
            return elab_match(self.te, item, expected)
        finally:
            for r in registered:
                self.te.do_branches.pop(r, None)

    # --- loops
    def loop(self, item, rest, ctx, k, expected, last) -> Expr:
        te = self.te
        kind = item.kind
        ch = item.children
        body_seq = next(c for c in reversed(ch) if V.is_node(c, "do_seq"))
        var_pat = None
        if kind == "do_for":
            in_i = next(i for i, c in enumerate(ch) if type(c) is Token and c.text == "in")
            if any(type(c) is Token and c.text == "," for c in ch):
                raise ElabError(item, "unsupported 'for x in xs, y in ys' (not yet implemented by nleanjit's elaborator)")
            var_pat = ch[in_i - 1]
            coll = te.elab(ch[in_i + 1], None)
            te.settle_defaults()
            coll = self.mctx.instantiate(coll)
        else:
            coll = self.app_m("Loop.mk", [], None)
        names = _updated_vars(body_seq, ctx.mut_vars)
        if kind == "do_while":
            names = _updated_vars(item, ctx.mut_vars)
        has_return = _contains(body_seq, ("do_return",))
        types = self._var_types(names)
        state_t = self._tuple_type(types)
        tau = ctx.ret_type
        if has_return:
            opt_t = self.app_m("Option", [tau], None)
            state_t = self.app_m("Prod", [opt_t, state_t], None)
        m = ctx.monad
        step_t = self.app_m("ForInStep", [state_t], None)

        def pack(ret_val: Expr | None) -> Expr:
            s = self._pack(names)
            if has_return:
                flag = self.app_m("Option.some", [ret_val], None) if ret_val is not None else self.app_m("Option.none", [], self.app_m("Option", [tau], None))
                s = self.app_m("Prod.mk", [flag, s], None)
            return s

        def unpack(r: Expr, body: Cont) -> Expr:
            if has_return:
                return self._unpack(names, self.app_m("Prod.snd", [r], None), body)
            return self._unpack(names, r, body)

        init = pack(None)

        def step(ctor: str, ret_val: Expr | None, stx) -> Expr:
            s = self.app_m(f"ForInStep.{ctor}", [pack(ret_val)], step_t)
            return self.pure_value(m, step_t, s, stx)

        loop_ctx = replace(
            ctx,
            brk=lambda stx, exp: step("done", None, stx),
            cont=lambda stx, exp: step("yield", None, stx),
            ret=(lambda v_stx, stx, exp: step("done", self._ret_value(v_stx, tau), stx)) if has_return else ctx.ret,
        )

        def body_fn(exp) -> Expr:
            te.synthesize_pending()
            w = self.whnf_pi(exp)
            x_ty = w.type
            x_name = V.first_text(var_pat) if var_pat is not None and type(var_pat) is Node and var_pat.kind == "ident" else ("x✝" if var_pat is not None else "x✝")
            if type(var_pat) is Token:
                x_name = var_pat.text
            xv = self.mctx.push_local(x_name, x_ty)
            try:
                r = self.mctx.push_local("r✝", state_t)
                try:
                    body_exp = App(m, step_t)
                    if kind == "do_while":
                        wch = item.children
                        do_i = next(i for i, c in enumerate(wch) if type(c) is Token and c.text == "do")
                        cond = wch[1:do_i]

                        def inner():
                            return self._cond(cond, lambda e: self.seq(_items(body_seq), loop_ctx, lambda: step("yield", None, item), e),
                                              lambda e: step("done", None, item), body_exp, item)
                    elif var_pat is not None and not (type(var_pat) is Token or (type(var_pat) is Node and var_pat.kind == "ident")):
                        from nleanjit.elab.match import elab_match_on

                        def inner():
                            rows = [([var_pat], Deferred(lambda e: self.seq(_items(body_seq), loop_ctx, lambda: step("yield", None, item), e), item))]
                            return elab_match_on(te, [xv], rows, body_exp, item)
                    else:
                        def inner():
                            return self.seq(_items(body_seq), loop_ctx, lambda: step("yield", None, item), body_exp)
                    b = unpack(r, inner)
                    return self.lam([xv, r], b)
                finally:
                    self.mctx.pop_local()
            finally:
                self.mctx.pop_local()

        loop_e = self.app_m("ForIn.forIn", [Elaborated(coll, item), Elaborated(init, item), Deferred(body_fn, item)], App(m, state_t), item,
                            {"m": m, "β": state_t})

        def after(r: Expr) -> Expr:
            def cont_rest():
                if last:
                    return self.pure(ctx, None, self._block_alpha(expected), expected, item)
                return self.seq(rest, ctx, k, expected)

            if not has_return:
                return unpack(r, cont_rest)
            flag = self.app_m("Prod.fst", [r], None)
            return self._option_cases(flag, tau, lambda: unpack(r, cont_rest), lambda v: ctx.ret(Elaborated(v, item), item, expected), expected)

        fv = self.mctx.push_local("r✝", state_t)
        try:
            b = after(fv)
            lam = self.lam([fv], b)
        finally:
            self.mctx.pop_local()
        return self.bind(m, state_t, self._block_alpha(expected), loop_e, lam, item)

    def _ret_value(self, v_stx, tau) -> Expr:
        if v_stx is None:
            self.mctx.is_def_eq(tau, Const("PUnit", (L.ONE,)))
            return Const("PUnit.unit", (L.ONE,))
        return self.te.elab(v_stx, tau)

    def whnf_pi(self, exp) -> Pi:
        w = self.te.whnf(self.mctx.instantiate(exp))
        if type(w) is not Pi:
            raise ElabError(self.stx, f"invalid 'for' body type\n  {self.te.pp(exp)}")
        return w

    def _option_cases(self, o: Expr, tau: Expr, none_fn: Cont, some_fn, expected) -> Expr:
        """`match o with | none => none_fn () | some v => some_fn v` as `Option.casesOn`."""
        te = self.te
        exp = self.mctx.instantiate(expected)
        u_motive = te.level_of_type(exp)
        u = self.mctx.new_level_mvar()
        self.mctx.is_def_eq(te.infer(tau), Sort(L.Succ(u)))
        motive = X.Lam("x", App(Const("Option", (u,)), tau), exp, X.DEFAULT)
        none_case = none_fn()
        v = self.mctx.push_local("v", tau)
        try:
            some_case = self.lam([v], some_fn(v))
        finally:
            self.mctx.pop_local()
        return X.mk_app(Const("Option.casesOn", (u_motive, u)), tau, motive, o, none_case, some_case)

    # --- try/catch
    def do_try(self, item, rest, ctx, k, expected, last) -> Expr:
        te = self.te
        ch = item.children
        body = ch[1]
        if _contains(item, ("do_return", "do_break", "do_continue")):
            raise ElabError(item, "unsupported 'return'/'break'/'continue' inside 'try' (not yet implemented by nleanjit's elaborator)")
        names = _updated_vars(item, ctx.mut_vars)
        state_t = self._tuple_type(self._var_types(names))
        m = ctx.monad
        inner_ctx = replace(ctx, ret=None, brk=None, cont=None)

        def finish(stx):
            return lambda: self.pure_value(m, state_t, self._pack(names), stx)

        x = self.seq(_items(body), inner_ctx, finish(item), App(m, state_t))
        i = 2
        finally_seq = None
        while i < len(ch):
            c = ch[i]
            if type(c) is Token and c.text == "catch":
                arrow = next(j for j in range(i, len(ch)) if type(ch[j]) is Token and ch[j].text == "=>")
                binder = ch[i + 1]
                handler_seq = ch[arrow + 1]
                bname = binder.text if type(binder) is Token else (V.first_text(binder) or "e")

                def handler(exp, bname=bname, handler_seq=handler_seq):
                    te.synthesize_pending()
                    w = self.whnf_pi(exp)
                    fv = self.mctx.push_local(bname, w.type)
                    try:
                        h = self.seq(_items(handler_seq), inner_ctx, finish(item), App(m, state_t))
                        return self.lam([fv], h)
                    finally:
                        self.mctx.pop_local()

                x = self.app_m("MonadExcept.tryCatch", [Elaborated(x, item), Deferred(handler, item)], App(m, state_t), item,
                               {"m": m, "α": state_t})
                i = arrow + 2
            elif type(c) is Token and c.text == "finally":
                finally_seq = ch[i + 1]
                i += 2
            else:
                i += 1
        if finally_seq is not None:
            fin = self.seq(_items(finally_seq), inner_ctx, None, App(m, Const("PUnit", (L.ONE,))))
            r = self.mctx.push_local("r✝", state_t)
            try:
                u_ = self.mctx.push_local("x✝", Const("PUnit", (L.ONE,)))
                try:
                    then_pure = self.lam([u_], self.pure_value(m, state_t, r, item))
                finally:
                    self.mctx.pop_local()
                after_fin = self.lam([r], self.bind(m, Const("PUnit", (L.ONE,)), state_t, fin, then_pure, item))
            finally:
                self.mctx.pop_local()
            x = self.bind(m, state_t, state_t, x, after_fin, item)
        fv = self.mctx.push_local("r✝", state_t)
        try:
            def cont_rest():
                if last:
                    return self.pure(ctx, None, self._block_alpha(expected), expected, item)
                return self.seq(rest, ctx, k, expected)

            b = self._unpack(names, fv, cont_rest)
            lam = self.lam([fv], b)
        finally:
            self.mctx.pop_local()
        return self.bind(m, state_t, self._block_alpha(expected), x, lam, item)


# --- nested actions ----------------------------------------------------------------------


class _LiftHole(Elaborated):
    """Stands for the value of a lifted `(← e)`; its `expr` is set once the local exists.
    It sits among syntax children, so it looks like a made-up token (line 0) to span code."""

    kind = "lift_hole"
    line = 0
    col = 0
    text = ""
    leading = ""

    def __init__(self, syntax):
        object.__setattr__(self, "expr", None)
        object.__setattr__(self, "syntax", syntax)


def _lift_nested(item):
    """Replace each `(← e)` of an element (not inside nested `do` blocks or `fun`) by a hole;
    return the new element and the (hole, action) pairs, innermost and leftmost first."""
    lifts: list = []

    def walk(n):
        if type(n) is not Node:
            return n
        if n.kind in ("do_seq", "do", "fun"):
            return n
        if n.kind == "paren":
            inner = [c for c in n.children if type(c) is Node]
            if len(inner) == 1 and inner[0].kind == "nested_action":
                return walk(inner[0])
        if n.kind == "nested_action":
            act = [c for c in n.children if type(c) is Node][0]
            act = walk(act)
            hole = _LiftHole(n)
            lifts.append((hole, act))
            return hole
        new_children = [walk(c) for c in n.children]
        if any(a is not b for a, b in zip(new_children, n.children)):
            return Node(n.kind, new_children)
        return n

    new = walk(item)
    return new, lifts


__all__ = ["elab_do", "elab_do_items", "elab_do_element_term", "DoCtx"]


def _assert_condition(item):
    """The condition of a `do` element `assert! c`, or None. The parser reads `assert!` as a
    function, so `assert! a == b` arrives as `(assert! a) == b`: the condition is the leftmost
    spine with the `assert!` application replaced by its argument."""
    e = item.children[0] if item.children else None

    def strip(n):
        if type(n) is not Node or not n.children:
            return None
        if n.kind == "app":
            parts = [c for c in n.children if type(c) is not Token or c.kind == "ident"]
            if parts and V.ident_text(parts[0]) == "assert!":
                return parts[1] if len(parts) == 2 else None
        if n.kind not in ("binop", "app"):
            return None
        first = n.children[0]
        inner = strip(first)
        if inner is None:
            return None
        return Node(n.kind, [inner] + list(n.children[1:]))

    return strip(e)
