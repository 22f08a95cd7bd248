"""Equality proofs as kernel terms, and Lean's `kabstract`.

In: terms of a tactic's metavariable context. Out: proof terms built from the
prelude's `Eq.refl`, `Eq.symm`, `Eq.trans`, `congrArg`, `congrFun`,
`congr`, `Eq.mpr`, `Eq.mp`, `propext`, `of_eq_true` (with their universe
levels computed from the types involved), and `kabstract`: the occurrences
of a pattern in a term turned into a bound variable, the pattern's
metavariables assigned by the first occurrence found (children before
parents, left to right, as Lean's `kabstract` visits them).
"""

from __future__ import annotations

from nleanjit.kernel import expr as X
from nleanjit.kernel import level as L
from nleanjit.kernel.expr import App, BVar, Const, Expr, Lam, Let, MData, Pi, Proj


class EqProofs:
    """Builders over one `TermElab` (`te`): `te.infer`, `te.level_of_type`, `te.mctx`."""

    def __init__(self, te):
        self.te = te
        self.mctx = te.mctx

    def sort_level(self, ty: Expr) -> L.Level:
        return self.te.level_of_type(ty)

    def eq(self, a: Expr, b: Expr, ty: Expr | None = None) -> Expr:
        ty = ty if ty is not None else self.mctx.instantiate(self.te.infer(a))
        return X.mk_app(Const("Eq", (self.sort_level(ty),)), ty, a, b)

    def refl(self, a: Expr, ty: Expr | None = None) -> Expr:
        ty = ty if ty is not None else self.mctx.instantiate(self.te.infer(a))
        return X.mk_app(Const("Eq.refl", (self.sort_level(ty),)), ty, a)

    def eq_parts(self, h: Expr):
        """`h : @Eq α a b` → (α, a, b, u)."""
        t = self.te.whnf(self.mctx.instantiate(self.te.infer(h)))
        f, args = X.get_app_fn_args(t)
        assert type(f) is Const and f.name == "Eq" and len(args) == 3, "not an equality proof"
        return args[0], args[1], args[2], f.levels[0]

    def symm(self, h: Expr) -> Expr:
        ty, a, b, u = self.eq_parts(h)
        return X.mk_app(Const("Eq.symm", (u,)), ty, a, b, h)

    def trans(self, h1: Expr | None, h2: Expr | None) -> Expr | None:
        """`h1 : a = b`, `h2 : b = c` → `a = c`; None stands for `rfl`."""
        if h1 is None:
            return h2
        if h2 is None:
            return h1
        ty, a, b, u = self.eq_parts(h1)
        _, _, c, _ = self.eq_parts(h2)
        return X.mk_app(Const("Eq.trans", (u,)), ty, a, b, c, h1, h2)

    def congr_arg(self, motive: Expr, h: Expr) -> Expr:
        """`motive : α → β`, `h : a = b` → `motive a = motive b`."""
        ty, a, b, u = self.eq_parts(h)
        from nleanjit.elab.meta import head_beta

        beta = self.mctx.instantiate(self.te.infer(head_beta(App(motive, a))))
        v = self.sort_level(beta)
        return X.mk_app(Const("congrArg", (u, v)), ty, beta, a, b, motive, h)

    def congr(self, f: Expr, f2: Expr, hf: Expr | None, a: Expr, a2: Expr, ha: Expr | None) -> Expr | None:
        """`f a = f2 a2` from `f = f2` and `a = a2` (None: reflexivity); a changed argument needs a
        non-dependent `f` (raises ValueError otherwise)."""
        if hf is None and ha is None:
            return None
        fty = self.te.whnf(self.mctx.instantiate(self.te.infer(f)))
        alpha = fty.type
        u = self.sort_level(alpha)
        if ha is None:
            v = self.sort_level(self.mctx.instantiate(self.te.infer(App(f, a))))
            motive = Lam(fty.name, alpha, fty.body, X.DEFAULT)
            return X.mk_app(Const("congrFun", (u, v)), alpha, motive, f, f2, hf, a)
        if X.has_loose_bvar(fty.body, 0):
            raise ValueError("dependent function")
        beta = X.lower_loose_bvars(fty.body, 0, 1)
        v = self.sort_level(beta)
        if hf is None:
            return X.mk_app(Const("congrArg", (u, v)), alpha, beta, a, a2, f, ha)
        return X.mk_app(Const("congr", (u, v)), alpha, beta, f, f2, a, a2, hf, ha)

    def mpr(self, h: Expr, b: Expr) -> Expr:
        """`h : α = β`, `b : β` → `α`."""
        _, alpha, beta, _ = self.eq_parts(h)
        return X.mk_app(Const("Eq.mpr", (self.sort_level(alpha),)), alpha, beta, h, b)

    def mp(self, h: Expr, a: Expr) -> Expr:
        """`h : α = β`, `a : α` → `β`."""
        _, alpha, beta, _ = self.eq_parts(h)
        return X.mk_app(Const("Eq.mp", (self.sort_level(alpha),)), alpha, beta, h, a)

    def propext(self, h: Expr) -> Expr:
        """`h : a ↔ b` → `a = b`."""
        t = self.te.whnf(self.mctx.instantiate(self.te.infer(h)))
        _, args = X.get_app_fn_args(t)
        return X.mk_app(Const("propext"), args[0], args[1], h)


def kabstract(mctx, e: Expr, pattern: Expr, occs=None) -> Expr:
    """`e` with every instance of `pattern` replaced by `BVar(offset)` (a lambda body over one
    new variable). The pattern's metavariables are assigned by the first instance found."""
    pattern = mctx.instantiate(pattern)
    if type(pattern) is BVar:
        return e
    p_head = X.get_app_fn(pattern)
    p_n = X.get_app_num_args(pattern)
    p_key = _head_key(p_head)
    count = [0]

    def visit(x: Expr, off: int) -> Expr:
        t = type(x)
        if t is App:
            f, a = visit(x.fn, off), visit(x.arg, off)
            r = x if (f is x.fn and a is x.arg) else App(f, a)
        elif t is Lam or t is Pi:
            ty, b = visit(x.type, off), visit(x.body, off + 1)
            r = x if (ty is x.type and b is x.body) else t(x.name, ty, b, x.info)
        elif t is Let:
            ty, v, b = visit(x.type, off), visit(x.value, off), visit(x.body, off + 1)
            r = x if (ty is x.type and v is x.value and b is x.body) else Let(x.name, ty, v, b)
        elif t is MData:
            s = visit(x.expr, off)
            r = x if s is x.expr else MData(x.data, s)
        elif t is Proj:
            s = visit(x.expr, off)
            r = x if s is x.expr else Proj(x.struct, x.idx, s)
        else:
            r = x
        if x.has_loose_bvars:
            return r
        if _head_key(X.get_app_fn(x)) != p_key or X.get_app_num_args(x) != p_n:
            # `Nat.succ ?n` also finds `n + 1` (goals print constructors of Nat that way)
            if not (p_key == ("c", "Nat.succ") and _nat_pred(x) is not None and X.get_app_num_args(x) == 6):
                return r
        saved = mctx.save()
        if match_pattern(mctx, pattern, x):
            count[0] += 1
            if occs is None or count[0] in occs:
                return BVar(off)
            return r
        mctx.restore(saved)
        return r

    return visit(mctx.instantiate(e), 0)


def _head_key(h: Expr):
    t = type(h)
    if t is Const:
        return ("c", h.name)
    if t is X.FVar:
        return ("f", h.id)
    if t is X.MVar:
        return ("m", h.id)
    if t is X.NatLit:
        return ("n", h.value)
    return (t.__name__,)


def match_pattern(mctx, p: Expr, e: Expr, depth: int = 0) -> bool:
    """First-order matching of `p` (with metavariables) against `e`, as Lean's simp and `rw`
    instantiate a rule: metavariables take subterms as they are (never their normal forms);
    instance arguments and what the pattern cannot see through are compared by `is_def_eq`.
    The caller saves and restores the assignment on failure."""
    p = mctx.instantiate(p) if p.has_expr_mvar else p
    if p == e:
        return True
    tp = type(p)
    if tp is X.MVar:
        if mctx.is_assigned(p):
            return match_pattern(mctx, mctx.instantiate(p), e, depth)
        return mctx.is_def_eq(p, e)
    if not p.has_expr_mvar:
        return mctx.is_def_eq(p, e)
    if tp is App:
        pf, pargs = X.get_app_fn_args(p)
        ef, eargs = X.get_app_fn_args(e)
        # `Nat.succ ?n` against `x + 1` or a literal
        if type(pf) is Const and pf.name == "Nat.succ" and len(pargs) == 1:
            pred = _nat_pred(e)
            if pred is not None:
                return match_pattern(mctx, pargs[0], pred, depth + 1)
        # `?n + 1` against `Nat.succ x` (goals after `cases`/`induction` show the constructor)
        if type(pf) is Const and pf.name == "HAdd.hAdd" and len(pargs) == 6 and _lit(pargs[5]) == 1:
            if type(ef) is Const and ef.name == "Nat.succ" and len(eargs) == 1:
                return match_pattern(mctx, pargs[4], eargs[0], depth + 1)
        if len(pargs) != len(eargs) or type(pf) is not type(ef):
            return mctx.is_def_eq(p, e) if type(pf) is X.MVar else False
        if type(pf) is Const:
            if pf.name != ef.name:
                return False
            if not mctx.is_def_eq(pf, ef):  # universe levels
                return False
        elif not match_pattern(mctx, pf, ef, depth + 1):
            return False
        for a, b in zip(pargs, eargs):
            if not match_pattern(mctx, a, b, depth + 1):
                return False
        return True
    return mctx.is_def_eq(p, e)


def _nat_pred(e: Expr) -> Expr | None:
    """`x + 1` → `x`, `Nat.succ x` → `x`, a literal `k+1` → `k` (as a literal of the same form)."""
    from nleanjit.kernel.expr import NatLit

    f, args = X.get_app_fn_args(e)
    if type(f) is Const and f.name == "Nat.succ" and len(args) == 1:
        return args[0]
    if type(f) is Const and f.name == "HAdd.hAdd" and len(args) == 6:
        k = _lit(args[5])
        if k == 1:
            return args[4]
        if k is not None and k > 1:
            return X.mk_app(f, *args[:5], _mk_lit(k - 1))
    k = _lit(e)
    if k is not None and k > 0:
        return _mk_lit(k - 1)
    return None


def _lit(e: Expr):
    from nleanjit.kernel.expr import NatLit

    if type(e) is NatLit:
        return e.value
    f, args = X.get_app_fn_args(e)
    if type(f) is Const and f.name == "OfNat.ofNat" and len(args) == 3 and type(args[1]) is NatLit:
        t = args[0]
        if type(t) is Const and t.name == "Nat":
            return args[1].value
    return None


def _mk_lit(n: int) -> Expr:
    from nleanjit.kernel.expr import NatLit

    return X.mk_app(Const("OfNat.ofNat", (L.ZERO,)), Const("Nat"), NatLit(n), App(Const("instOfNatNat"), NatLit(n)))
