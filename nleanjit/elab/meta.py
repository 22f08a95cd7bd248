"""The elaborator's view of terms: metavariables, local scopes, inference, reduction, unification.

In: kernel terms that may contain metavariables (`MVar`, `LMVar`) and free
variables of the elaborator's local context. Out: their types (`infer`),
weak-head normal forms (`whnf`), and definitional equality that *assigns*
metavariables (`is_def_eq`, Lean's `Meta.isDefEq`): first-order unification,
Miller patterns (`?m x y =?= t` with distinct free variables), first-order
approximation, lazy delta, and the kernel's own complete check when no
metavariable is left. `mk_lambda`/`mk_pi` close a term over free variables
and, as Lean's `elimMVarDeps` does, turn a metavariable that may depend on
those variables into an application of a fresh one (`?m := ?n x`).

Reduction and inference reuse the trusted kernel (`TypeChecker`) through a
subclass that knows the types of metavariables; so the elaborator and the
kernel agree on what reduces to what. One `MetaContext` lives per command.
"""

from __future__ import annotations

from dataclasses import dataclass

from nleanjit.kernel import errors as KE
from nleanjit.kernel import expr as X
from nleanjit.kernel import level as L
from nleanjit.kernel.declaration import DefinitionInfo, HintKind, Safety
from nleanjit.kernel.expr import App, Const, Expr, FVar, Lam, Let, MVar, NatLit, Pi, Proj, Sort
from nleanjit.kernel.fuel import Fuel
from nleanjit.kernel.local_context import LocalContext, LocalDecl
from nleanjit.kernel.typechecker import TypeChecker

FUEL_ERRORS = (KE.DeterministicTimeout, KE.DeepRecursion)


@dataclass
class MVarDecl:
    id: str
    type: Expr
    scope: tuple[str, ...]
    """Ids of the free variables the metavariable may mention, in binding order."""
    kind: str = "natural"
    """`natural` (unification may assign it), `synthetic` (instance problems:
    assigned by resolution, or by unification with a check), `opaque` (goals)."""
    user_name: str = ""


def _eta_reduce(e: Expr) -> Expr:
    """`fun x => f x` ↦ `f` (Lean eta-reduces pattern solutions: `?m α =?= n α` gives `?m := n`,
    which instance resolution can match, rather than `fun α => n α`)."""
    while type(e) is Lam and type(e.body) is App and type(e.body.arg) is X.BVar and e.body.arg.idx == 0 \
            and not X.has_loose_bvar(e.body.fn, 0):
        e = X.lower_loose_bvars(e.body.fn, 0, 1)
    return e


class _MetaKernel(TypeChecker):
    """The kernel's checker, told the types of the elaborator's metavariables."""

    def __init__(self, env, mctx: "MetaContext", fuel: Fuel):
        super().__init__(env, None, fuel=fuel, safety=Safety.UNSAFE)
        self.lctx = mctx.lctx  # shared: the elaborator adds its free variables here
        self.mctx = mctx

    def _infer(self, e, infer_only):
        t = type(e)
        if t is MVar:
            d = self.mctx.decls.get(e.id)
            if d is None:
                raise self._err(KE.DeclHasMetavars, f"?{e.id}")
            return self.mctx.instantiate(d.type)
        if t is FVar:
            d = self.lctx.get(e.id)
            if d is not None:
                return self.mctx.instantiate(d.type)
        r = super()._infer(e, True)
        return self.mctx.instantiate(r) if r.has_mvar else r

    # assignments made since a term was cached must be seen: instantiate first
    def _whnf(self, e):
        if e.has_mvar:
            e = self.mctx.instantiate(e)
        return super()._whnf(e)

    def _whnf_core(self, e):
        if e.has_mvar:
            e = self.mctx.instantiate(e)
        return super()._whnf_core(e)


class MetaContext:
    """Metavariables, their assignments, and the local scope of one command."""

    def __init__(self, env, fuel: Fuel):
        self.env = env
        self.lctx = LocalContext()
        self.decls: dict[str, MVarDecl] = {}
        self.assignment: dict[str, Expr] = {}
        self.level_assignment: dict[str, L.Level] = {}
        self.level_mvars: list[str] = []
        self.scope: list[FVar] = []
        self.names: list[tuple[str, FVar]] = []
        """Name → variable, innermost last: locals and aliases (pattern variables naming a field)."""
        self.kernel = _MetaKernel(env, self, fuel)
        self._next = 0
        self.approx = True
        self.aux_fvars: set[str] = set()
        """Locals standing for the declarations being defined (recursive calls): hidden from
        goals, `assumption` and instance search, as Lean's auxiliary declarations are."""
        """First-order approximation for non-pattern problems `?m a =?= f b` (off while only
        propagating an expected type, where a wrong guess would be final)."""

    # ------------------------------------------------------------ names
    def fresh_id(self, prefix: str) -> str:
        self._next += 1
        return f"{prefix}{self._next}"

    def reset_budget(self) -> None:
        self.kernel._budget.steps = 0
        self.kernel._budget.depth = 0

    # ------------------------------------------------------------ local scope
    def push_local(self, name: str, type_: Expr, info=X.DEFAULT, value: Expr | None = None) -> FVar:
        fv = self.lctx.add(LocalDecl(self.fresh_id("_e."), name, type_, value, info))
        self.scope.append(fv)
        self.names.append((name, fv))
        return fv

    def pop_local(self, n: int = 1) -> None:
        if n <= 0:
            return
        popped = {fv.id for fv in self.scope[len(self.scope) - n :]}
        del self.scope[len(self.scope) - n :]
        self.names = [(nm, fv) for nm, fv in self.names if fv.id not in popped]

    def push_alias(self, name: str, fv: FVar) -> None:
        self.names.append((name, fv))

    def pop_alias(self, n: int = 1) -> None:
        del self.names[len(self.names) - n :]

    def local_decl(self, fv: FVar) -> LocalDecl:
        return self.lctx.get(fv.id)

    def lookup_local(self, name: str) -> FVar | None:
        for nm, fv in reversed(self.names):
            if nm == name:
                return fv
        return None

    def user_names(self) -> dict[str, str]:
        return self.lctx.user_names()

    # ------------------------------------------------------------ metavariables
    def new_mvar(self, type_: Expr, kind: str = "natural", user_name: str = "", scope=None) -> MVar:
        mid = self.fresh_id("m")
        sc = tuple(fv.id for fv in self.scope) if scope is None else tuple(scope)
        self.decls[mid] = MVarDecl(mid, type_, sc, kind, user_name)
        return MVar(mid)

    def new_type_mvar(self) -> MVar:
        return self.new_mvar(Sort(self.new_level_mvar()))

    def new_level_mvar(self) -> L.LMVar:
        name = self.fresh_id("u")
        self.level_mvars.append(name)
        return L.LMVar(name)

    def is_assigned(self, m: MVar) -> bool:
        return m.id in self.assignment

    def mvar_type(self, m: MVar) -> Expr:
        return self.decls[m.id].type

    def assign(self, m: MVar, value: Expr) -> None:
        self.assignment[m.id] = value

    def save(self):
        return (dict(self.assignment), dict(self.level_assignment))

    def restore(self, saved) -> None:
        self.assignment, self.level_assignment = dict(saved[0]), dict(saved[1])

    # ------------------------------------------------------------ instantiation
    def instantiate_level(self, l: L.Level) -> L.Level:
        if not L.has_mvar(l):
            return l
        t = type(l)
        if t is L.LMVar:
            v = self.level_assignment.get(l.name)
            if v is None:
                return l
            v = self.instantiate_level(v)
            self.level_assignment[l.name] = v
            return v
        if t is L.Succ:
            return L.Succ(self.instantiate_level(l.of))
        if t is L.Max:
            return L.mk_max(self.instantiate_level(l.lhs), self.instantiate_level(l.rhs))
        if t is L.IMax:
            return L.mk_imax(self.instantiate_level(l.lhs), self.instantiate_level(l.rhs))
        return l

    def instantiate(self, e: Expr) -> Expr:
        """Replace assigned metavariables (expression and level) by their values, beta-reducing heads."""
        if not e.has_mvar:
            return e

        def fn(x: Expr, off: int):
            if not x.has_mvar:
                return x
            t = type(x)
            if t is MVar:
                v = self.assignment.get(x.id)
                if v is None:
                    return x
                v = self.instantiate(v)
                self.assignment[x.id] = v
                return v
            if t is App:
                f = X.get_app_fn(x)
                if type(f) is MVar and f.id in self.assignment:
                    fv = self.instantiate(f)
                    args = [self.instantiate(a) for a in X.get_app_args(x)]
                    return self.instantiate(head_beta(X.mk_app_seq(fv, args)))
                return None
            if t is Sort:
                l = self.instantiate_level(x.level)
                return x if l == x.level else Sort(l)
            if t is Const:
                ls = tuple(self.instantiate_level(l) for l in x.levels)
                return x if ls == x.levels else Const(x.name, ls)
            return None

        return X.replace(e, fn)

    def unassigned_mvars(self, e: Expr) -> list[MVar]:
        e = self.instantiate(e)
        out: list[MVar] = []
        seen: set[str] = set()

        def fn(x: Expr, off: int):
            if not x.has_expr_mvar:
                return x
            if type(x) is MVar:
                if x.id not in seen:
                    seen.add(x.id)
                    out.append(x)
                return x
            return None

        X.replace(e, fn)
        return out

    # ------------------------------------------------------------ binding
    def mk_lambda(self, fvars, body: Expr) -> Expr:
        return self._close(fvars, body, Lam)

    def mk_pi(self, fvars, body: Expr) -> Expr:
        return self._close(fvars, body, Pi)

    def _close(self, fvars, body: Expr, cls) -> Expr:
        if not fvars:
            return self.instantiate(body)
        body = self.elim_mvar_deps(fvars, self.instantiate(body))
        body = X.abstract(body, fvars)
        for i in range(len(fvars) - 1, -1, -1):
            d = self.lctx.get(fvars[i].id)
            ty = X.abstract(self.elim_mvar_deps(fvars[:i], self.instantiate(d.type)), fvars[:i])
            if d.value is not None:
                val = X.abstract(self.elim_mvar_deps(fvars[:i], self.instantiate(d.value)), fvars[:i])
                body = Let(d.user_name, ty, val, body)
            else:
                body = cls(d.user_name, ty, body, d.info)
        return body

    def elim_mvar_deps(self, fvars, e: Expr) -> Expr:
        """Make `e` safe to abstract over `fvars`: an unassigned `?m` whose scope holds
        some of them becomes `?n xs` with `?n : (xs : As) → T` in the smaller scope."""
        if not e.has_expr_mvar or not fvars:
            return e
        ids = [fv.id for fv in fvars]
        changed = False
        for m in self.unassigned_mvars(e):
            d = self.decls[m.id]
            deps = [fv for fv in fvars if fv.id in d.scope]
            if not deps:
                continue
            dep_ids = {fv.id for fv in deps}
            new_scope = tuple(i for i in d.scope if i not in dep_ids)
            ty = self.instantiate(d.type)
            new_ty = self._close_pi_plain(deps, ty)
            n = self.new_mvar(new_ty, d.kind if d.kind != "opaque" else "natural", d.user_name, scope=new_scope)
            # a let-variable is not an argument: `?n`'s type says `let x := v; T` (as Lean's elimMVarDeps)
            self.assignment[m.id] = X.mk_app_seq(n, [fv for fv in deps if self.lctx.get(fv.id).value is None])
            changed = True
        del ids
        return self.instantiate(e) if changed else e

    def _close_pi_plain(self, fvars, body: Expr) -> Expr:
        body = X.abstract(self.elim_mvar_deps(fvars, body), fvars)
        for i in range(len(fvars) - 1, -1, -1):
            d = self.lctx.get(fvars[i].id)
            ty = X.abstract(self.instantiate(d.type), fvars[:i])
            if d.value is not None:
                body = Let(d.user_name, ty, X.abstract(self.instantiate(d.value), fvars[:i]), body)
            else:
                body = Pi(d.user_name, ty, body, d.info)
        return body

    # ------------------------------------------------------------ inference and reduction
    def infer(self, e: Expr) -> Expr:
        e = self.instantiate(e)
        try:
            return self.kernel.infer(e)
        except FUEL_ERRORS:
            raise
        except KE.KernelError as err:
            raise MetaError(f"cannot infer the type of a term: {err}") from None

    def whnf(self, e: Expr) -> Expr:
        e = self.instantiate(e)
        try:
            return self.kernel.whnf(e)
        except FUEL_ERRORS:
            raise
        except KE.KernelError:
            return e

    def whnf_core(self, e: Expr) -> Expr:
        e = self.instantiate(e)
        try:
            return self.kernel.whnf_core(e)
        except FUEL_ERRORS:
            raise
        except KE.KernelError:
            return e

    def is_prop(self, type_: Expr) -> bool:
        try:
            s = self.whnf(self.infer(type_))
        except MetaError:
            return False
        return type(s) is Sort and L.is_zero(self.instantiate_level(s.level))

    def is_proof(self, e: Expr) -> bool:
        try:
            return self.is_prop(self.infer(e))
        except MetaError:
            return False

    def unfold_head(self, e: Expr) -> Expr | None:
        """One delta step at the head (definitions only), beta-reduced."""
        f, args = X.get_app_fn_args(e)
        if type(f) is not Const:
            return None
        info = self.env.find(f.name)
        if type(info) is not DefinitionInfo or len(f.levels) != len(info.level_params):
            return None
        body = X.instantiate_level_params(info.value, info.level_params, f.levels)
        return head_beta(X.mk_app_seq(body, args))

    def _height(self, e: Expr) -> int:
        f = X.get_app_fn(e)
        if type(f) is Const:
            info = self.env.find(f.name)
            if type(info) is DefinitionInfo:
                if info.hints.kind is HintKind.ABBREV:
                    return 1 << 30
                return info.hints.height
        return -1

    # ------------------------------------------------------------ unification
    def is_def_eq(self, a: Expr, b: Expr) -> bool:
        saved = self.save()
        ok = self._defeq(a, b)
        if not ok:
            self.restore(saved)
        return ok

    def _tick(self) -> None:
        self.kernel._tick()

    def _defeq(self, a: Expr, b: Expr) -> bool:
        self._tick()
        a = self.instantiate(a)
        b = self.instantiate(b)
        if a is b or a == b:
            return True
        if not a.has_mvar and not b.has_mvar:
            try:
                return self.kernel.is_def_eq(a, b)
            except FUEL_ERRORS:
                raise
            except KE.KernelError:
                return False
        fa, fb = X.get_app_fn(a), X.get_app_fn(b)
        if type(fa) is MVar and self._assignable(fa):
            if type(fb) is MVar and self._assignable(fb) and not X.get_app_args(b) and X.get_app_args(a):
                if self._assign(b, a):
                    return True
            if self._assign(a, b):
                return True
        if type(fb) is MVar and self._assignable(fb):
            if self._assign(b, a):
                return True
        ta, tb = type(a), type(b)
        if ta is Sort and tb is Sort:
            return self.level_defeq(a.level, b.level)
        if (ta is Lam and tb is Lam) or (ta is Pi and tb is Pi):
            return self._defeq_binding(a, b)
        if ta is App and tb is App and type(fa) is type(fb) and (type(fa) is Const or type(fa) is FVar):
            same_head = (type(fa) is Const and fa.name == fb.name) or (type(fa) is FVar and fa.id == fb.id)
            if same_head:
                args_a, args_b = X.get_app_args(a), X.get_app_args(b)
                if len(args_a) == len(args_b):
                    saved = self.save()
                    if self._defeq_levels(fa, fb) and all(self._defeq(x, y) for x, y in zip(args_a, args_b)):
                        return True
                    self.restore(saved)
        if ta is Const and tb is Const and a.name == b.name:
            if self._defeq_levels(a, b):
                return True
        if ta is Proj and tb is Proj and a.idx == b.idx and self._defeq(a.expr, b.expr):
            return True
        # reduce without unfolding definitions
        a1, b1 = self.whnf_core(a), self.whnf_core(b)
        if a1 != a or b1 != b:
            return self._defeq(a1, b1)
        # lazy delta
        ha, hb = self._height(a), self._height(b)
        if ha >= 0 or hb >= 0:
            if ha == hb:
                ua, ub = self.unfold_head(a), self.unfold_head(b)
                if ua is not None and ub is not None:
                    return self._defeq(ua, ub)
            if ha >= hb:
                ua = self.unfold_head(a)
                if ua is not None:
                    return self._defeq(ua, b)
            ub = self.unfold_head(b)
            if ub is not None:
                return self._defeq(a, ub)
            ua = self.unfold_head(a)
            if ua is not None:
                return self._defeq(ua, b)
        # literals against constructors
        if ta is NatLit and self._is_succ(b):
            return a.value > 0 and self._defeq(NatLit(a.value - 1), b.arg)
        if tb is NatLit and self._is_succ(a):
            return b.value > 0 and self._defeq(a.arg, NatLit(b.value - 1))
        # eta
        if ta is Lam and tb is not Lam:
            return self._defeq_eta(a, b)
        if tb is Lam and ta is not Lam:
            return self._defeq_eta(b, a)
        # full reduction (iota, projections, literal arithmetic)
        a2, b2 = self.whnf(a), self.whnf(b)
        if a2 != a or b2 != b:
            return self._defeq(a2, b2)
        # proof irrelevance
        try:
            if self.is_proof(a):
                ty_a, ty_b = self.infer(a), self.infer(b)
                if self.is_prop(ty_b):
                    return self._defeq(ty_a, ty_b)
        except MetaError:
            pass
        return False

    @staticmethod
    def _is_succ(e: Expr) -> bool:
        return type(e) is App and type(e.fn) is Const and e.fn.name == "Nat.succ"

    def _defeq_levels(self, a: Const, b: Const) -> bool:
        if type(a) is not Const:
            return True
        if len(a.levels) != len(b.levels):
            return False
        return all(self.level_defeq(x, y) for x, y in zip(a.levels, b.levels))

    def _defeq_binding(self, a: Expr, b: Expr) -> bool:
        fvars = []
        ok = True
        while type(a) is type(b) and type(a) in (Lam, Pi):
            dom_a = X.instantiate_rev(a.type, fvars)
            dom_b = X.instantiate_rev(b.type, fvars)
            if not self._defeq(dom_a, dom_b):
                ok = False
                break
            fv = self.push_local(a.name, dom_a, a.info)
            fvars.append(fv)
            a, b = a.body, b.body
        if ok:
            ok = self._defeq(X.instantiate_rev(a, fvars), X.instantiate_rev(b, fvars))
        self.pop_local(len(fvars))
        return ok

    def _defeq_eta(self, lam: Lam, other: Expr) -> bool:
        try:
            ot = self.whnf(self.infer(other))
        except MetaError:
            return False
        if type(ot) is not Pi:
            return False
        fv = self.push_local(lam.name, lam.type, lam.info)
        try:
            return self._defeq(X.instantiate(lam.body, [fv]), App(other, fv))
        finally:
            self.pop_local()

    def _assignable(self, m: MVar) -> bool:
        return m.id not in self.assignment and self.decls[m.id].kind != "opaque"

    def _assign(self, lhs: Expr, v: Expr) -> bool:
        m, args = X.get_app_fn_args(lhs)
        d = self.decls[m.id]
        v = self.instantiate(v)
        if not args:
            if type(v) is MVar and v.id != m.id and self._assignable(v):
                # two metavariables: the one with the larger scope takes the other as its value,
                # so that a metavariable of an outer scope never points into a binder
                dv = self.decls[v.id]
                if not set(dv.scope) <= set(d.scope) and set(d.scope) <= set(dv.scope):
                    m, d, v = v, dv, m
            if self._occurs(m.id, v) or not self._in_scope(v, set(d.scope)):
                return False
            saved = self.save()
            try:
                vt = self.infer(v)
            except MetaError:
                return False
            self.assignment[m.id] = v
            if not self._defeq(d.type, vt):
                self.restore(saved)
                return False
            return True
        if all(type(x) is FVar for x in args) and len({x.id for x in args}) == len(args):
            # `?f x =?= g ?a`: solve first-order (`?f := g`, `?a := x`) rather than with
            # `fun x => g ?a`, which would hide `g` from instance resolution (`Pure ?f`)
            vf, vargs = X.get_app_fn_args(v)
            k = len(args)
            if len(vargs) >= k and all(type(y) is MVar and self._assignable(y) for y in vargs[len(vargs) - k :]):
                saved = self.save()
                prefix = X.mk_app_seq(vf, vargs[: len(vargs) - k])
                if self._defeq(m, prefix) and all(self._defeq(x, y) for x, y in zip(args, vargs[len(vargs) - k :])):
                    return True
                self.restore(saved)
            if not self._occurs(m.id, v):
                allowed = set(d.scope) | {x.id for x in args}
                if self._in_scope(v, allowed):
                    val = _eta_reduce(self._close_lambda_plain(args, v))
                    self.assignment[m.id] = val
                    return True
        # first-order approximation: ?m a₁…aₖ =?= g b₁…bₙ with n ≥ k
        vf, vargs = X.get_app_fn_args(v)
        k = len(args)
        if self.approx and len(vargs) >= k:
            saved = self.save()
            prefix = X.mk_app_seq(vf, vargs[: len(vargs) - k])
            if self._defeq(m, prefix) and all(self._defeq(x, y) for x, y in zip(args, vargs[len(vargs) - k :])):
                return True
            self.restore(saved)
        return False

    def _close_lambda_plain(self, fvars, body: Expr) -> Expr:
        body = X.abstract(body, fvars)
        for i in range(len(fvars) - 1, -1, -1):
            d = self.lctx.get(fvars[i].id)
            ty = X.abstract(self.instantiate(d.type), fvars[:i])
            body = Lam(d.user_name, ty, body, X.DEFAULT)
        return body

    def _occurs(self, mid: str, e: Expr) -> bool:
        return any(m.id == mid for m in self.unassigned_mvars(e))

    def _in_scope(self, e: Expr, allowed: set[str]) -> bool:
        for fid in X.free_fvar_ids(e):
            if fid not in allowed:
                d = self.lctx.get(fid)
                if d is None or not d.fvar_id.startswith("_kernel"):
                    return False
        return True

    def level_defeq(self, a: L.Level, b: L.Level) -> bool:
        a, b = self.instantiate_level(a), self.instantiate_level(b)
        if a == b or L.is_equiv(a, b):
            return True
        if type(a) is L.LMVar:
            return self._assign_level(a, b)
        if type(b) is L.LMVar:
            return self._assign_level(b, a)
        if type(a) is L.Succ and type(b) is L.Succ:
            return self.level_defeq(a.of, b.of)
        if L.has_mvar(a) or L.has_mvar(b):
            if type(a) is L.Succ and type(b) is L.Zero or type(a) is L.Zero and type(b) is L.Succ:
                return False
            if type(a) is type(b) and type(a) in (L.Max, L.IMax):
                saved = self.save()
                if self.level_defeq(a.lhs, b.lhs) and self.level_defeq(a.rhs, b.rhs):
                    return True
                self.restore(saved)
            return True  # postponed: the kernel has the last word on what is left
        return False

    def _assign_level(self, m: L.LMVar, v: L.Level) -> bool:
        if L.has_mvar(v) and m in _level_mvars(v):
            return type(v) is L.Max  # ?u =?= max ?u v: solvable when v ≤ ?u; left to the kernel
        self.level_assignment[m.name] = v
        return True


def _level_mvars(l: L.Level) -> list:
    t = type(l)
    if t is L.LMVar:
        return [l]
    if t is L.Succ:
        return _level_mvars(l.of)
    if t in (L.Max, L.IMax):
        return _level_mvars(l.lhs) + _level_mvars(l.rhs)
    return []


class MetaError(Exception):
    """A failure inside the meta layer (an ill-formed term reached inference)."""


def head_beta(e: Expr) -> Expr:
    f, args = X.get_app_fn_args(e)
    if type(f) is not Lam or not args:
        return e
    i = 0
    while type(f) is Lam and i < len(args):
        f = f.body
        i += 1
    f = X.instantiate(f, list(reversed(args[:i])))
    return head_beta(X.mk_app_seq(f, args[i:]))
