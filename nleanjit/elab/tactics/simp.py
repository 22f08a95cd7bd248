"""`simp`, `simp only [...]`, `simp at h`, `simp [*]`, `simp_all`, `simpa`: a rewriting simplifier.

In: the tactic state, the main goal, the tactic's syntax. Out: the target
(or hypotheses) rewritten to normal form, the goal closed when it becomes
`True` (or a hypothesis becomes `False`); "simp made no progress" otherwise.

The simplifier works bottom-up on a term: the arguments of an application
first (congruence: `congrArg`/`congrFun`/`congr` on non-dependent
arguments; instance, implicit and proof arguments are left alone), then
rewrite steps at the top, until nothing applies:
- `@[simp]` lemmas of the prelude and the file (or only the given ones),
  and the given hypotheses/`*`, as rules `lhs = rhs` (an `↔` through
  `propext`, a proposition `p` as `p = True`, `¬p` as `p = False`); a rule
  with hypotheses applies when each is discharged by an assumption or by
  simplifying it to `True`; permutation rules (`a + b = b + a`) only when
  the result is smaller in a fixed term order, as Lean's ordered rewriting;
- definitions given in the list are unfolded when a match in their body
  reduces (Lean's equation lemmas);
- built-in steps (Lean's simprocs and `rfl` checks): `a = a` → `True`,
  closed `Nat` arithmetic on literals evaluated, closed comparisons of
  `Nat` literals decided (with `decide := false`, nothing else is decided),
  `if c then t else e` → `t`/`e` once `c` is `True`/`False`.
Each step carries a proof `old = new` (None when the two are definitionally
equal); the target is replaced with `Eq.mpr`, a hypothesis with `Eq.mp`.
"""

from __future__ import annotations

from nleanjit.elab import syntax_view as V
from nleanjit.elab.messages import ElabError
from nleanjit.elab.meta import head_beta
from nleanjit.elab.tactics.eqproofs import EqProofs, match_pattern
from nleanjit.elab.tactics.rewrite import (
    _resolve_definition,
    open_foralls,
    resolve_locations,
    split_location,
    unfold_app,
)
from nleanjit.kernel import expr as X
from nleanjit.kernel import level as L
from nleanjit.kernel.declaration import DefinitionInfo, InductiveInfo
from nleanjit.kernel.expr import App, Const, Expr, FVar, Lam, MVar, NatLit, Pi
from nleanjit.syntax.tokens import Token
from nleanjit.syntax.tree import Node

MAX_STEPS = 2000
"""Rewrite steps per `simp` call (Lean's `maxSteps` is larger; our terms are small)."""

_NAT_BINOPS = {
    "HAdd.hAdd": lambda a, b: a + b,
    "HMul.hMul": lambda a, b: a * b,
    "HSub.hSub": lambda a, b: max(a - b, 0),
    "HDiv.hDiv": lambda a, b: a // b if b else 0,
    "HMod.hMod": lambda a, b: a % b if b else a,
    "HPow.hPow": lambda a, b: a**b if b < 4096 else None,
}
_NAT_RELS = ("LT.lt", "LE.le", "GT.gt", "GE.ge", "Eq", "Ne")


class SimpRule:
    """A rewrite rule: `proof : ∀ xs, lhs = rhs`, opened with fresh metavariables when tried."""

    def __init__(self, name: str, proof: Expr | None, const: str | None, symm: bool = False):
        self.name, self.proof, self.const, self.symm = name, proof, const, symm
        self.key = None
        self.perm = False


class Simplifier:
    def __init__(self, st, g, rules: list[SimpRule], unfold: set[str], stx, hyps_as_rules=()):
        self.st, self.g, self.stx = st, g, stx
        self.te = st.te
        self.mctx = st.te.mctx
        self.ep = EqProofs(self.te)
        self.rules_by_key: dict = {}
        self.unfold = unfold
        self.steps = 0
        self.depth = 0
        self.discharger = None
        """`(disch := tac)`: a function from a side condition to its proof, or None."""
        for r in rules:
            self._index(r)

    # ------------------------------------------------------------ rules
    def _index(self, r: SimpRule) -> None:
        # a global lemma's key depends only on its statement: computed once per environment
        cache = self.te.eenv.__dict__.setdefault("_simp_rule_keys", {}) if r.const is not None else None
        if cache is not None and (r.const, r.symm) in cache:
            hit = cache[(r.const, r.symm)]
            if hit is not None:
                r.key, r.perm = hit
                self.rules_by_key.setdefault(r.key, []).append(r)
            return
        indexed = self._index_uncached(r)
        if cache is not None:
            cache[(r.const, r.symm)] = (r.key, r.perm) if indexed else None

    def _index_uncached(self, r: SimpRule) -> bool:
        saved = self.mctx.save()
        try:
            opened = self._open(r)
            if opened is not None:
                lhs, rhs = self.mctx.instantiate(opened[0]), self.mctx.instantiate(opened[1])
        except Exception:
            opened = None
        self.mctx.restore(saved)
        if opened is None:
            return False
        r.key = _key(lhs)
        r.perm = _is_perm(lhs, rhs)
        self.rules_by_key.setdefault(r.key, []).append(r)
        return True

    def _open(self, r: SimpRule):
        """(lhs, rhs, proof of lhs = rhs, created metavariables) with fresh metavariables."""
        te, mctx = self.te, self.mctx
        if r.const is not None:
            e = te._mk_const(self.stx, r.const, None)
        else:
            e = r.proof
        ty = mctx.instantiate(te.infer(e))
        e, ty, created = open_foralls(te, e, ty, None)
        ty = mctx.instantiate(ty)
        f, args = X.get_app_fn_args(ty)
        if type(f) is Const and f.name == "Eq" and len(args) == 3:
            lhs, rhs, proof = args[1], args[2], e
            if r.symm:
                lhs, rhs, proof = rhs, lhs, self.ep.symm(e)
        elif type(f) is Const and f.name == "Iff" and len(args) == 2:
            lhs, rhs = args
            proof = X.mk_app(Const("propext"), lhs, rhs, e)
            if r.symm:
                proof = X.mk_app(Const("propext"), rhs, lhs, X.mk_app(Const("Iff.symm"), lhs, rhs, e))
                lhs, rhs = rhs, lhs
        elif type(f) is Const and f.name == "Ne" and len(args) == 3:
            lhs = X.mk_app(Const("Eq", f.levels), *args)
            rhs, proof = Const("False"), X.mk_app(Const("eq_false"), lhs, e)
        elif type(f) is Const and f.name == "Not" and len(args) == 1:
            lhs, rhs, proof = args[0], Const("False"), X.mk_app(Const("eq_false"), args[0], e)
        elif mctx.is_prop(ty):
            if type(f) is Const and f.name == "True":
                return None
            lhs, rhs, proof = ty, Const("True"), X.mk_app(Const("eq_true"), ty, e)
        else:
            return None
        return lhs, rhs, proof, created

    # ------------------------------------------------------------ traversal
    def simp(self, e: Expr) -> tuple[Expr, Expr | None]:
        """(e', proof of e = e' or None when definitionally equal)."""
        e = self.mctx.instantiate(e)
        self.depth += 1
        try:
            if self.depth > 200:
                return e, None
            cur, proof = e, None
            for _ in range(64):
                c2, p2 = self._congr(cur)
                proof = self.ep.trans(proof, p2) if p2 is not None else proof
                cur = c2
                c3, p3, changed = self._post(cur)
                if not changed:
                    break
                proof = self.ep.trans(proof, p3) if p3 is not None else proof
                cur = c3
            return cur, proof
        finally:
            self.depth -= 1

    def _tick(self):
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise ElabError(self.stx, "simp failed, maximum number of steps exceeded")

    def _congr(self, e: Expr) -> tuple[Expr, Expr | None]:
        if type(e) is Pi:
            return self._congr_arrow(e)
        if type(e) is Lam:
            return self._congr_binder(e)
        if type(e) is not App:
            return e, None
        f, args = X.get_app_fn_args(e)
        if type(f) is Const and f.name in ("ite", "dite") and len(args) == 5:
            return self._congr_ite(e, f, args)
        infos = self._binder_infos(f, args)
        left, right, proof = f, f, None  # proof : left = right (None: the same up to defeq)
        for a, info in zip(args, infos):
            a2, pa = a, None
            if info == "explicit" and not self._skip_arg(a):
                a2, pa = self.simp(a)
            if pa is not None:
                try:
                    proof = self.ep.congr(left, right, proof, a, a2, pa)
                except ValueError:
                    a2, pa = a, None
            if pa is None and proof is not None:
                proof = self.ep.congr(left, right, proof, a, a, None)
            left, right = App(left, a), App(right, a2)
        return right, proof

    def _congr_binder(self, e: Expr) -> tuple[Expr, Expr | None]:
        """Under `∀ x, p x` (a proposition) and `fun x => b`: the body over a new local, then
        `forall_congr`/`funext` (Lean's binder congruence)."""
        te, mctx = self.te, self.mctx
        if e.has_loose_bvars or self.depth > 64:
            return e, None
        if type(e) is Pi and not _is_prop_type(te, e):
            return e, None
        fv = mctx.push_local(e.name, e.type, e.info)
        try:
            body = X.instantiate(e.body, [fv])
            b2, hb = self.simp(body)
            if hb is None and b2 == body:
                return e, None
            new = type(e)(e.name, e.type, X.abstract(mctx.instantiate(b2), [fv]), e.info)
            if hb is None:
                return new, None
            h_fun = mctx.mk_lambda([fv], hb)
            u = te.level_of_type(e.type)
            if type(e) is Pi:
                p = Lam(e.name, e.type, e.body, X.DEFAULT)
                q = Lam(e.name, e.type, new.body, X.DEFAULT)
                return new, X.mk_app(Const("forall_congr", (u,)), e.type, p, q, h_fun)
            # funext {α} {β : α → Sort v} {f g} (h : ∀ x, f x = g x) : f = g
            body_ty = mctx.instantiate(te.infer(body))
            v = te.level_of_type(body_ty)
            beta = Lam(e.name, e.type, X.abstract(body_ty, [fv]), X.DEFAULT)
            return new, X.mk_app(Const("funext", (u, v)), e.type, beta, e, new, h_fun)
        except (ValueError, ElabError):
            return e, None
        finally:
            mctx.pop_local(1)

    def _congr_arrow(self, e: Pi) -> tuple[Expr, Expr | None]:
        """`p → q` between propositions: both sides (Lean's `implies_congr`)."""
        if X.has_loose_bvar(e.body, 0):
            return self._congr_binder(e)
        if e.has_loose_bvars:
            return e, None
        q = X.lower_loose_bvars(e.body, 0, 1)
        if not (_is_prop_type(self.te, e.type) and _is_prop_type(self.te, q)):
            return e, None
        p2, hp = self.simp(e.type)
        q2, hq = self.simp(q)
        new = Pi(e.name, p2, X.lift_loose_bvars(q2, 0, 1), e.info)
        if hp is None and hq is None:
            return (new if (p2 is not e.type or q2 is not q) else e), None
        hp = hp if hp is not None else self.ep.refl(e.type)
        hq = hq if hq is not None else self.ep.refl(q)
        proof = X.mk_app(Const("implies_congr", (L.ZERO, L.ZERO)), e.type, p2, q, q2, hp, hq)
        return new, proof

    def _congr_ite(self, e, f, args):
        """`if c then t else e`: simplify `c`; `True`/`False` pick the branch."""
        alpha, c, inst, t, el = args
        c2, pc = self.simp(c)
        if type(c2) is Const and c2.name in ("True", "False") and f.name == "ite":
            u = f.levels[0]
            if pc is None:
                return (t if c2.name == "True" else el), None
            if c2.name == "True":
                hc = X.mk_app(Const("of_eq_true"), c, pc)
                proof = X.mk_app(Const("if_pos", (u,)), c, inst, hc, alpha, t, el)
                return t, proof
            hn = X.mk_app(Const("of_eq_false"), c, pc)
            proof = X.mk_app(Const("if_neg", (u,)), c, inst, hn, alpha, t, el)
            return el, proof
        # simplify the branches (they do not depend on the instance)
        t2, pt = self.simp(t) if f.name == "ite" else (t, None)
        e2, pe = self.simp(el) if f.name == "ite" else (el, None)
        if pt is None and pe is None:
            return X.mk_app(f, alpha, c, inst, t2, e2), None
        base = X.mk_app(f, alpha, c, inst)
        p1 = self.ep.congr(base, base, None, t, t2, pt) if pt is not None else None
        f1 = App(base, t2)
        p2 = self.ep.congr(App(base, t), f1, p1, el, e2, pe)
        return App(f1, e2), p2

    def _binder_infos(self, f: Expr, args: list) -> list[str]:
        """Per argument: "explicit" (simplified), "implicit" or "dependent" (left alone)."""
        te, mctx = self.te, self.mctx
        try:
            t = mctx.instantiate(te.infer(f))
        except Exception:
            return ["skip"] * len(args)
        out = []
        for a in args:
            w = t if type(t) is Pi else te.whnf(t)
            if type(w) is not Pi:
                out.extend(["skip"] * (len(args) - len(out)))
                break
            if w.info is not X.DEFAULT:
                out.append("implicit")
            elif X.has_loose_bvar(w.body, 0):
                out.append("dependent")
            else:
                out.append("explicit")
            t = X.instantiate(w.body, [a])
        return out

    def _skip_arg(self, a: Expr) -> bool:
        """Proofs, types and functions are not simplified (Lean's congruence skips them too)."""
        if type(a) is Lam:
            return False  # simplified under the binder (`funext`)
        try:
            if self.mctx.is_proof(a):
                return True
            t = self.te.whnf(self.mctx.infer(a))
            if type(t) is X.Sort:  # propositions are simplified, other types are not
                return not L.is_zero(self.mctx.instantiate_level(t.level))
            return type(t) is Pi
        except Exception:
            return True

    # ------------------------------------------------------------ rewriting at the top
    def _post(self, e: Expr) -> tuple[Expr, Expr | None, bool]:
        r = self._builtin(e)
        if r is not None:
            self._tick()
            return r[0], r[1], True
        candidates = self.rules_by_key.get(_key(e), []) + self.rules_by_key.get(None, [])
        if type(e) is App and type(e.fn) is Const and e.fn.name == "Nat.succ":
            candidates = candidates + self.rules_by_key.get(("HAdd.hAdd", 6), [])
        for rule in candidates:
            r = self._try_rule(rule, e)
            if r is not None:
                self._tick()
                return r[0], r[1], True
        # a rule about a partial application (`f a = g` rewriting `f a x`): through `congrFun`
        f, args = X.get_app_fn_args(e)
        for k in range(len(args) - 1, 0, -1):
            prefix = X.mk_app_seq(f, args[:k])
            for rule in self.rules_by_key.get(_key(prefix), []):
                r = self._try_rule(rule, prefix)
                if r is None:
                    continue
                new_f, proof = r
                try:
                    left, right = prefix, new_f
                    for a in args[k:]:
                        proof = self.ep.congr(left, right, proof, a, a, None)
                        left, right = App(left, a), App(right, a)
                except (ValueError, ElabError):
                    continue
                self._tick()
                return right, proof, True
        f = X.get_app_fn(e)
        if type(f) is Const and f.name in self.unfold:
            u = unfold_app(self.te, e, f.name, force=False)
            if u is not None and u != e:
                self._tick()
                return u, None, True
        return e, None, False

    def _try_rule(self, rule: SimpRule, e: Expr):
        mctx = self.mctx
        saved = mctx.save()
        try:
            opened = self._open(rule)
        except Exception:
            mctx.restore(saved)
            return None
        if opened is None:
            mctx.restore(saved)
            return None
        lhs, rhs, proof, created = opened
        if not match_pattern(mctx, lhs, e):
            mctx.restore(saved)
            return None
        # hypotheses of conditional rules, instances
        try:
            self.te.synthesize_pending()
        except ElabError:
            mctx.restore(saved)
            return None
        for m, info in created:
            if mctx.is_assigned(m):
                continue
            mt = mctx.instantiate(mctx.mvar_type(m))
            if info is X.INST_IMPLICIT:
                inst = self.te.resolver.synth(mt)
                if inst is None:
                    mctx.restore(saved)
                    return None
                mctx.assign(m, inst)
                continue
            if not mctx.is_prop(mt):
                continue  # a variable only the side conditions determine
            h = self._discharge(mt)
            if h is None:
                mctx.restore(saved)
                return None
            mctx.assign(m, h)
        if any(not mctx.is_assigned(m) for m, _ in created):
            mctx.restore(saved)
            return None
        rhs = mctx.instantiate(rhs)
        if rhs.has_expr_mvar:
            mctx.restore(saved)
            return None
        if rule.perm and not _term_lt(rhs, mctx.instantiate(e)):
            mctx.restore(saved)
            return None
        return rhs, mctx.instantiate(proof)

    def _discharge(self, p: Expr) -> Expr | None:
        """A proof of the side condition `p`: a hypothesis, or `p` simplified to `True`."""
        mctx = self.mctx
        for fv in reversed(self.st.hyps(self.g)):
            saved = mctx.save()
            if mctx.is_def_eq(mctx.local_decl(fv).type, p):
                return fv
            mctx.restore(saved)
        if self.discharger is not None:
            return self.discharger(p)
        if self.depth > 4 or p.has_expr_mvar:
            return None
        p2, pp = self.simp(p)
        if type(p2) is Const and p2.name == "True":
            return X.mk_app(Const("of_eq_true"), p, pp) if pp is not None else Const("True.intro")
        return None

    def _builtin(self, e: Expr):
        te, mctx = self.te, self.mctx
        f, args = X.get_app_fn_args(e)
        if type(f) is not Const:
            return None
        # a = a → True
        if f.name == "Eq" and len(args) == 3 and args[1] == args[2]:
            return Const("True"), X.mk_app(Const("eq_self", f.levels), args[0], args[1])
        # closed Nat arithmetic on literals
        op = _NAT_BINOPS.get(f.name)
        if op is not None and len(args) == 6 and _is_nat(args[0]):
            a, b = _nat_value(args[4]), _nat_value(args[5])
            if a is not None and b is not None:
                v = op(a, b)
                if v is not None:
                    return _nat_lit_expr(v), None
        if f.name in ("Nat.succ",) and len(args) == 1:
            a = _nat_value(args[0])
            if a is not None:
                return _nat_lit_expr(a + 1), None
        # closed comparisons of Nat literals
        if f.name in _NAT_RELS and len(args) >= 3 and _is_nat(args[0]):
            a, b = _nat_value(args[-2]), _nat_value(args[-1])
            if a is not None and b is not None and not e.has_fvar:
                return self._decide(e)
        # constructors that differ: `a :: b = []` → False (Lean's `reduceCtorEq`)
        if f.name == "Eq" and len(args) == 3:
            from nleanjit.elab.tactics.cases import _ctor_of, ctor_clash_proof

            ca, cb = _ctor_of(te, args[1]), _ctor_of(te, args[2])
            if ca is not None and cb is not None and ca != cb:
                fv = mctx.push_local("h", e)
                try:
                    pf = ctor_clash_proof(te, fv, e)
                    if pf is not None:
                        not_e = mctx.mk_lambda([fv], pf)
                        return Const("False"), X.mk_app(Const("eq_false"), e, not_e)
                finally:
                    mctx.pop_local(1)
        # Bool literals compared: `true = false`
        if f.name == "Eq" and len(args) == 3 and type(args[0]) is Const and args[0].name == "Bool":
            if _is_bool_lit(args[1]) and _is_bool_lit(args[2]):
                return self._decide(e)
        return None

    def _decide(self, p: Expr):
        te, mctx = self.te, self.mctx
        inst = te.resolver.synth(App(Const("Decidable"), p))
        if inst is None:
            return None
        r = mctx.whnf(X.mk_app(Const("Decidable.decide"), p, inst))
        if type(r) is Const and r.name == "Bool.true":
            refl = X.mk_app(Const("Eq.refl", (L.ONE,)), Const("Bool"), Const("Bool.true"))
            hp = X.mk_app(Const("of_decide_eq_true"), p, inst, refl)
            return Const("True"), X.mk_app(Const("eq_true"), p, hp)
        if type(r) is Const and r.name == "Bool.false":
            refl = X.mk_app(Const("Eq.refl", (L.ONE,)), Const("Bool"), Const("Bool.false"))
            hn = X.mk_app(Const("of_decide_eq_false"), p, inst, refl)
            return Const("False"), X.mk_app(Const("eq_false"), p, hn)
        return None


def _is_prop_type(te, t: Expr) -> bool:
    try:
        return te.mctx.is_prop(t)
    except Exception:
        return False


def _is_nat(t: Expr) -> bool:
    return type(t) is Const and t.name == "Nat"


def _nat_value(e: Expr) -> int | None:
    if type(e) is NatLit:
        return e.value
    f, args = X.get_app_fn_args(e)
    if type(f) is Const and f.name == "OfNat.ofNat" and len(args) == 3 and type(args[1]) is NatLit and _is_nat(args[0]):
        return args[1].value
    if type(f) is Const and f.name == "Nat.zero":
        return 0
    return None


def _nat_lit_expr(n: int) -> Expr:
    return X.mk_app(Const("OfNat.ofNat", (L.ZERO,)), Const("Nat"), NatLit(n), App(Const("instOfNatNat"), NatLit(n)))


def _is_bool_lit(e: Expr) -> bool:
    return type(e) is Const and e.name in ("Bool.true", "Bool.false")


def _key(e: Expr):
    if type(e) is Pi:
        return ("→", 0)
    f = X.get_app_fn(e)
    if type(f) is Const:
        return (f.name, X.get_app_num_args(e))
    if type(f) is FVar:
        return ("fvar:" + f.id, X.get_app_num_args(e))
    return None


def _is_perm(lhs: Expr, rhs: Expr) -> bool:
    """Both sides the same up to a permutation of the rule's variables (`a + b = b + a`)."""

    def shape(e: Expr) -> str:
        def fn(x: Expr, off: int):
            if type(x) is MVar:
                return Const("?")
            return None

        return str(X.replace(e, fn))

    return lhs != rhs and shape(lhs) == shape(rhs)


def _term_lt(a: Expr, b: Expr) -> bool:
    """The order of ordered rewriting (as Lean's `acLt`): fewer nodes first; the same head:
    arguments compared left to right; atoms by kind and name (locals in declaration order)."""
    return _term_cmp(a, b) < 0


def _weight(e: Expr) -> int:
    if type(e) is App:
        return _weight(e.fn) + _weight(e.arg)
    if type(e) in (Lam, Pi):
        return 1 + _weight(e.type) + _weight(e.body)
    return 1


def _atom_key(e: Expr):
    t = type(e)
    if t is FVar:
        return (0, int("".join(ch for ch in e.id if ch.isdigit()) or 0), e.id)
    if t is Const:
        return (1, 0, e.name)
    if t is NatLit:
        return (2, e.value, "")
    return (3, 0, str(e))


def _term_cmp(a: Expr, b: Expr) -> int:
    wa, wb = _weight(a), _weight(b)
    if wa != wb:
        return -1 if wa < wb else 1
    fa, aa = X.get_app_fn_args(a)
    fb, ab = X.get_app_fn_args(b)
    ka, kb = _atom_key(fa), _atom_key(fb)
    if ka != kb:
        return -1 if ka < kb else 1
    for x, y in zip(aa, ab):
        c = _term_cmp(x, y)
        if c:
            return c
    return (len(aa) > len(ab)) - (len(aa) < len(ab))


# ------------------------------------------------------------------ the tactic
def _rule_terms(stx):
    """(only?, [(symm, term)], erased names, star?) from `simp only [h, ← e, -f, *]`."""
    only = False
    items, erased, star = [], [], False
    for c in stx.children[1:]:
        if type(c) is Token and c.text == "only":
            only = True
        if type(c) is Node and c.kind in ("tactic_list", "list"):
            symm = erase = False
            for x in c.children[1:-1]:
                if type(x) is Token and x.text in ("←", "<-"):
                    symm = True
                elif type(x) is Token and x.text == "-":
                    erase = True
                elif type(x) is Token and x.text == "*":
                    star = True
                elif type(x) is Token and x.text in (",", "↓", "↑"):
                    continue
                else:
                    if erase:
                        erased.append(V.ident_text(x) if type(x) is Node else x.text)
                    else:
                        items.append((symm, x))
                    symm = erase = False
    return only, items, erased, star


def default_simp_lemmas(te) -> list[str]:
    return sorted(n for n in te.eenv.attributes.get("simp", ()) if n in te.env)


def build_simplifier(st, g, stx, only, items, erased, star) -> Simplifier:
    te, mctx = st.te, st.mctx
    rules: list[SimpRule] = []
    unfold: set[str] = set()
    if not only:
        erased_full = set()
        for n in erased:
            erased_full.update(_resolve_all(te, n))
        for n in default_simp_lemmas(te):
            if n not in erased_full:
                info = te.env.find(n)
                if type(info) is DefinitionInfo and not _is_prop_decl(te, info):
                    unfold.add(n)
                else:
                    rules.append(SimpRule(n, None, n))
    for symm, term in items:
        name = V.ident_text(term) if type(term) is Node else (term.text if type(term) is Token else None)
        if name is not None:
            fv = st.find_hyp(g, name)
            if fv is not None:
                rules.append(SimpRule(name, fv, None, symm))
                continue
            cname = _resolve_definition(te, name)
            if cname is not None and not _is_prop_decl(te, te.env.get(cname)):
                unfold.add(cname)
                continue
            cands = [c for c in _resolve_all(te, name)]
            if cands and type(te.env.find(cands[0])) is InductiveInfo:
                continue  # `simp [Nat]`-like: nothing to add
        e = te.elab_core(term, None)
        te.synthesize_pending()
        e = mctx.instantiate(e)
        if type(e) is Const and not symm:
            rules.append(SimpRule(e.name, None, e.name))
        else:
            rules.append(SimpRule(name or "term", e, None, symm))
    if star:
        for fv in st.hyps(g):
            if mctx.is_prop(mctx.instantiate(mctx.local_decl(fv).type)):
                rules.append(SimpRule(mctx.local_decl(fv).user_name, fv, None))
    return Simplifier(st, g, rules, unfold, stx)


def _is_prop_decl(te, info) -> bool:
    try:
        return te.mctx.is_prop(info.type) if not info.level_params else _pi_concl_is_prop(te, info.type)
    except Exception:
        return False


def _pi_concl_is_prop(te, t: Expr) -> bool:
    while type(t) is Pi:
        t = t.body
    f = X.get_app_fn(t)
    return type(f) is Const and f.name in ("Eq", "Iff", "Not", "And", "Or", "True", "False", "LT.lt", "LE.le", "Ne")


def _resolve_all(te, name: str) -> list[str]:
    from nleanjit.elab.state import resolve_global

    return resolve_global(te.eenv, te.scope, name)


def tac_simp(st, g, stx, simp_all=False, then_assumption=False, fail_if_no_progress=True):
    te, mctx = st.te, st.mctx
    only, items, erased, star = _rule_terms(stx)
    before, locs = split_location(stx)
    if simp_all:
        locs = ["*"]
        star = True
    simp = build_simplifier(st, g, stx, only, items, erased, star)
    simp.discharger = _discharger_of(st, stx)
    targets = resolve_locations(st, g, locs, stx)
    progress = False
    for loc in targets:
        if not st.goals or mctx.is_assigned(g.mvar):
            break
        g = st.main(stx)
        st.enter(g)
        simp.g = g
        if loc == "⊢":
            t = st.goal_type(g)
            if type(t) is Const and t.name == "True":
                st.assign(g, Const("True.intro"))
                st.replace_goal(g, [])
                return
            t2, p = simp.simp(t)
            if t2 == t and p is None:
                continue
            progress = True
            if type(t2) is Const and t2.name == "True":
                st.assign(g, X.mk_app(Const("of_eq_true"), t, p) if p is not None else Const("True.intro"))
                st.replace_goal(g, [])
                return
            g = st.change_target(g, t2, p)
            from nleanjit.elab.tactics.rewrite import try_close_rfl

            st.enter(g)
            if _closes_by_rfl(st, g):
                return
        else:
            fv = st.find_hyp(g, mctx.local_decl(loc).user_name) or loc
            t = mctx.instantiate(mctx.local_decl(fv).type)
            # a hypothesis does not rewrite itself
            saved_rules = simp.rules_by_key
            simp.rules_by_key = {k: [r for r in v if r.proof is not fv] for k, v in saved_rules.items()}
            try:
                t2, p = simp.simp(t)
            finally:
                simp.rules_by_key = saved_rules
            if t2 == t and p is None:
                continue
            progress = True
            if type(t2) is Const and t2.name == "False":
                target = st.goal_type(g)
                u = te.level_of_type(target)
                hf = simp.ep.mp(p, fv) if p is not None else fv
                st.assign(g, X.mk_app(Const("False.elim", (u,)), target, hf))
                st.replace_goal(g, [])
                return
            if type(t2) is Const and t2.name == "True":
                st.clear_hyp(g, fv)
                continue
            st.change_hyp(g, fv, t2, simp.ep.mp(p, fv) if p is not None else fv)
    if not progress and fail_if_no_progress:
        raise ElabError(stx, "simp made no progress")
    if then_assumption and st.goals:
        from nleanjit.elab.tactics.basic import tac_assumption

        g = st.main(stx)
        st.enter(g)
        tac_assumption(st, g, stx)


def _discharger_of(st, stx):
    """`simp (disch := tac)`: side conditions proved by running `tac` on them."""
    seq = None
    for c in stx.children:
        if type(c) is Node and c.kind == "named_arg":
            words = [x.text for x in c.children if type(x) is Token]
            if any(w in ("disch", "discharger") for w in words):
                seq = next((x for x in c.children if type(x) is Node), None)
    if seq is None:
        return None

    def discharge(p: Expr):
        from nleanjit.elab.tactics import run_seq

        mctx = st.mctx
        saved, goals, closers = mctx.save(), list(st.goals), list(st.closers)
        main = st.goals[0] if st.goals else None
        try:
            if main is not None:
                st.enter(main)
            side = st.new_goal(mctx.instantiate(p))
            st.goals = [side]
            run_seq(st, seq)
            st.prune()
            if st.goals:
                raise ElabError(stx, "unsolved")
            for parent, fvars, child in reversed(st.closers[len(closers):]):
                mctx.assign(parent, mctx.mk_lambda(fvars, mctx.instantiate(child)))
            st.goals, st.closers = goals, closers
            return mctx.instantiate(side.mvar)
        except ElabError:
            mctx.restore(saved)
            st.goals, st.closers = goals, closers
            return None

    return discharge


def _closes_by_rfl(st, g) -> bool:
    """After simplification, `a = b` with definitionally equal closed sides is closed (Lean's `rfl` check)."""
    te, mctx = st.te, st.mctx
    t = st.goal_type(g)
    f, args = X.get_app_fn_args(t)
    if type(f) is Const and f.name == "Eq" and len(args) == 3:
        from nleanjit.elab.tactics.rewrite import reducible_eq

        if reducible_eq(te, args[1], args[2]):
            st.assign(g, X.mk_app(Const("Eq.refl", f.levels), args[0], args[1]))
            st.prune()
            return True
    return False


def tac_simpa(st, g, stx):
    te, mctx = st.te, st.mctx
    using = None
    ch = stx.children
    for i, c in enumerate(ch):
        if type(c) is Token and c.text == "using":
            using = ch[i + 1] if i + 1 < len(ch) else None
    try:
        tac_simp(st, g, stx, fail_if_no_progress=False)
    except ElabError:
        raise
    if not st.goals or mctx.is_assigned(g.mvar) and not st.goals:
        return
    g = st.main(stx)
    st.enter(g)
    if using is not None:
        e = te.elab_core(using, None)
        te.synthesize_pending(final=True)
        e = mctx.instantiate(e)
        ty = mctx.instantiate(te.infer(e))
        simp = build_simplifier(st, g, stx, *_rule_terms(stx))
        t2, p = simp.simp(ty)
        h = simp.ep.mp(p, e) if p is not None else e
        if mctx.is_def_eq(t2, st.goal_type(g)):
            st.assign(g, h)
            st.prune()
            return
        if type(t2) is Const and t2.name == "False":
            target = st.goal_type(g)
            st.assign(g, X.mk_app(Const("False.elim", (te.level_of_type(target),)), target, h))
            st.prune()
            return
        raise ElabError(stx, f"type mismatch\n  h\nhas type\n  {te.pp(t2)} : Prop\nbut is expected to have type\n  {te.pp(st.goal_type(g))} : Prop")
    from nleanjit.elab.tactics.basic import tac_assumption

    tac_assumption(st, g, stx)


_OMEGA_LEMMAS = (
    "Nat.add_comm", "Nat.add_assoc", "Nat.add_left_comm", "Nat.mul_comm", "Nat.mul_assoc", "Nat.left_distrib",
    "Nat.right_distrib", "Nat.succ_eq_add_one", "Nat.add_one_ne_zero",
)


def tac_omega(st, g, stx):
    """A sound, incomplete stand-in for Lean's `omega` (see docs/ELABORATOR.md): after `intro`,
    the default simp set, `+`/`*` in an AC normal form (ordered rewriting), literals folded and
    the hypotheses as rules; then `assumption`. What this cannot close gets Lean's failure text."""
    from nleanjit.elab.tactics.basic import tac_assumption, tac_intros

    te, mctx = st.te, st.mctx
    intro_stx = Node("tactic", [stx.children[0]])
    tac_intros(st, g, intro_stx)
    g = st.main(stx)
    st.enter(g)
    simp = build_simplifier(st, g, stx, False, [], [], True)
    for n in _OMEGA_LEMMAS:
        if n in te.env:
            simp._index(SimpRule(n, None, n))
    t = st.goal_type(g)
    try:
        t2, p = simp.simp(t)
    except ElabError:
        t2, p = t, None
    if type(t2) is Const and t2.name == "True":
        st.assign(g, X.mk_app(Const("of_eq_true"), t, p) if p is not None else Const("True.intro"))
        st.replace_goal(g, [])
        return
    saved, goals, closers = mctx.save(), list(st.goals), list(st.closers)
    try:
        if t2 != t or p is not None:
            g = st.change_target(g, t2, p)
            st.enter(g)
        if not _closes_by_rfl(st, g):
            tac_assumption(st, g, stx)
        return
    except ElabError:
        mctx.restore(saved)
        st.goals, st.closers = goals, closers
    raise ElabError(stx, "omega could not prove the goal:\nno usable constraints found for the hypotheses and goal (nleanjit's omega is a simplifier-based stand-in)")


TACTICS = {
    "omega": tac_omega,
    "simp": tac_simp,
    "simp_all": lambda st, g, stx: tac_simp(st, g, stx, simp_all=True),
    "simpa": tac_simpa,
    "dsimp": tac_simp,
    "simp_arith": tac_simp,
}
