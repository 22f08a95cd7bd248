"""The type checker: inference, weak-head normalization and definitional equality.

In: an `Environment`, optionally a `LocalContext` with the caller's free
variables, a `Fuel`. Out: `infer(e)` (the type of `e`, trusting `e` is
well-typed), `check(e)` (the type, checking everything), `whnf(e)`,
`is_def_eq(a, b)`, each raising a typed `KernelError` on failure.

It follows Lean 4's kernel (src/kernel/type_checker.cpp):
- whnf_core: beta, zeta (let and let-variables), iota on recursors (with
  K-like reduction, structure eta for the major premise, literals turned into
  constructors), quotient reduction, projections;
- whnf: whnf_core + delta + `Nat` literal arithmetic (Python ints for GMP);
- is_def_eq: quick checks, proof irrelevance, lazy delta reduction guided by
  reducibility hints and heights, `Nat` offsets, congruence, eta, structure
  eta, string-literal expansion, unit-like types.
All memo tables live in one explicit `TypeCheckerCache`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Sequence

from nleanjit.kernel import errors as E
from nleanjit.kernel import expr as X
from nleanjit.kernel import level as L
from nleanjit.kernel.declaration import (
    ConstructorInfo,
    DefinitionInfo,
    HintKind,
    InductiveInfo,
    OPAQUE_HINTS,
    QuotInfo,
    QuotKind,
    RecursorInfo,
    Safety,
    TheoremInfo,
    compare_hints,
)
from nleanjit.kernel.expr import (
    App,
    BVar,
    Const,
    Expr,
    FVar,
    Lam,
    Let,
    MData,
    MVar,
    NatLit,
    Pi,
    Proj,
    Sort,
    StrLit,
)
from nleanjit.kernel.fuel import DEFAULT_FUEL, Fuel
from nleanjit.kernel.local_context import LocalContext, LocalDecl

NAT = Const("Nat")
STRING = Const("String")
NAT_ZERO = Const("Nat.zero")
NAT_SUCC = Const("Nat.succ")
BOOL_TRUE = Const("Bool.true")
BOOL_FALSE = Const("Bool.false")


def _nat_gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


# Binary Nat operations the kernel computes on literals (as Lean does with GMP).
_NAT_BIN_OPS = {
    "Nat.add": lambda a, b: a + b,
    "Nat.sub": lambda a, b: a - b if a >= b else 0,
    "Nat.mul": lambda a, b: a * b,
    "Nat.div": lambda a, b: a // b if b else 0,
    "Nat.mod": lambda a, b: a % b if b else a,
    "Nat.gcd": _nat_gcd,
    "Nat.land": lambda a, b: a & b,
    "Nat.lor": lambda a, b: a | b,
    "Nat.xor": lambda a, b: a ^ b,
    "Nat.shiftLeft": lambda a, b: a << b,
    "Nat.shiftRight": lambda a, b: a >> b,
    "Nat.pow": lambda a, b: a**b,
}
_NAT_BIN_PREDS = {
    "Nat.beq": lambda a, b: a == b,
    "Nat.ble": lambda a, b: a <= b,
}


class EquivManager:
    """Union-find over terms already proved definitionally equal."""

    def __init__(self):
        self._parent: dict[Expr, Expr] = {}

    def _find(self, e: Expr) -> Expr:
        p = self._parent.get(e)
        if p is None:
            return e
        root = p
        while True:
            q = self._parent.get(root)
            if q is None:
                break
            root = q
        # path compression
        while e is not root:
            nxt = self._parent.get(e)
            if nxt is None:
                break
            self._parent[e] = root
            e = nxt
        return root

    def is_equiv(self, a: Expr, b: Expr) -> bool:
        if not self._parent:
            return False
        return self._find(a) == self._find(b)

    def add_equiv(self, a: Expr, b: Expr) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            self._parent[ra] = rb


@dataclass
class TypeCheckerCache:
    """Every memo table of a type checker, in one explicit object (Lean's type checker state)."""

    infer: dict = field(default_factory=dict)
    """(expr, infer_only) → type."""
    whnf_core: dict = field(default_factory=dict)
    whnf: dict = field(default_factory=dict)
    unfold: dict = field(default_factory=dict)
    """(constant name, levels) → definition value with levels instantiated."""
    eqv: EquivManager = field(default_factory=EquivManager)
    failures: set = field(default_factory=set)
    """Pairs whose same-head argument comparison failed in lazy delta reduction."""


class _Budget:
    __slots__ = ("steps", "depth")

    def __init__(self):
        self.steps = 0
        self.depth = 0


def _entry(method):
    """Public entry points: raise the Python stack limit and turn stack overflow into `DeepRecursion`."""

    def wrapped(self, *args):
        old = sys.getrecursionlimit()
        limit = self.fuel.python_recursion_limit
        if old < limit:
            sys.setrecursionlimit(limit)
        try:
            return method(self, *args)
        except RecursionError:
            raise E.DeepRecursion("Python stack exhausted", decl_name=self.decl_name) from None
        finally:
            if old < limit:
                sys.setrecursionlimit(old)

    wrapped.__name__ = method.__name__
    wrapped.__doc__ = method.__doc__
    return wrapped


class TypeChecker:
    """Lean's kernel type checker over one environment.

    `level_params`: the universe parameters the checked terms may mention
    (None: don't check). `safety`: SAFE forbids references to unsafe (and
    partial) constants, PARTIAL forbids unsafe ones, UNSAFE allows all.
    """

    def __init__(
        self,
        env,
        lctx: LocalContext | None = None,
        *,
        fuel: Fuel = DEFAULT_FUEL,
        safety: Safety = Safety.SAFE,
        level_params: Sequence[str] | None = None,
        decl_name: str | None = None,
        cache: TypeCheckerCache | None = None,
    ):
        self.env = env
        self.lctx = lctx.copy() if lctx is not None else LocalContext()
        self.fuel = fuel
        self.safety = safety
        self.level_params = None if level_params is None else frozenset(level_params)
        self.decl_name = decl_name
        self.cache = cache if cache is not None else TypeCheckerCache()
        self._budget = _Budget()
        self._next_fvar = 0

    # ------------------------------------------------------------------ API
    @_entry
    def infer(self, e: Expr) -> Expr:
        """The type of `e`, assuming `e` is well-typed (Lean's `infer_type` with infer_only)."""
        return self._infer(e, True)

    @_entry
    def check(self, e: Expr) -> Expr:
        """The type of `e`, checking every application, binder and universe on the way."""
        return self._infer(e, False)

    @_entry
    def check_type(self, e: Expr) -> Sort:
        """Check that `e` is a type; return its sort."""
        return self._ensure_sort(self._infer(e, False), e)

    @_entry
    def whnf(self, e: Expr) -> Expr:
        return self._whnf(e)

    @_entry
    def whnf_core(self, e: Expr) -> Expr:
        """Weak-head normal form without unfolding definitions."""
        return self._whnf_core(e)

    @_entry
    def is_def_eq(self, a: Expr, b: Expr) -> bool:
        return self._is_def_eq(a, b)

    @_entry
    def is_prop(self, type_: Expr) -> bool:
        """Is `type_` a proposition (its type reduces to `Prop`)?"""
        return self._is_prop(type_)

    @_entry
    def ensure_pi(self, type_: Expr) -> Pi:
        return self._ensure_pi(type_, type_)

    @_entry
    def ensure_sort(self, type_: Expr) -> Sort:
        return self._ensure_sort(type_, type_)

    def mk_fvar(self, name: str, type_: Expr, value: Expr | None = None, info=X.DEFAULT) -> FVar:
        """A fresh free variable of type `type_` (a let-variable when `value` is given)."""
        self._next_fvar += 1
        return self.lctx.add(LocalDecl(f"_kernel.{self._next_fvar}", name, type_, value, info))

    def mk_pi(self, fvars: Sequence[Expr], body: Expr) -> Expr:
        return self.lctx.mk_pi(fvars, body)

    def mk_lambda(self, fvars: Sequence[Expr], body: Expr) -> Expr:
        return self.lctx.mk_lambda(fvars, body)

    def pp(self, e: Expr) -> str:
        from nleanjit.kernel.printer import expr_to_str

        return expr_to_str(e, fvar_names=self.lctx.user_names())

    # ------------------------------------------------------------- fuel
    def _tick(self) -> None:
        b = self._budget
        b.steps += 1
        if b.steps > self.fuel.max_steps:
            raise E.DeterministicTimeout(
                f"more than {self.fuel.max_steps} reduction steps (Fuel.max_steps)", decl_name=self.decl_name
            )

    def _enter(self) -> None:
        b = self._budget
        b.depth += 1
        if b.depth > self.fuel.max_recursion_depth:
            b.depth = 0
            raise E.DeepRecursion(
                f"nesting deeper than {self.fuel.max_recursion_depth} (Fuel.max_recursion_depth)",
                decl_name=self.decl_name,
            )

    def _leave(self) -> None:
        if self._budget.depth > 0:
            self._budget.depth -= 1

    # ------------------------------------------------------------ helpers
    def _err(self, cls, detail: str, **fields):
        return cls(detail, decl_name=self.decl_name, **fields)

    def _ensure_sort(self, t: Expr, e: Expr) -> Sort:
        if type(t) is Sort:
            return t
        w = self._whnf(t)
        if type(w) is Sort:
            return w
        raise self._err(E.TypeExpected, f"{self.pp(e)} has type {self.pp(t)}, which is not a sort", expr=e, type=t)

    def _ensure_pi(self, t: Expr, e: Expr) -> Pi:
        if type(t) is Pi:
            return t
        w = self._whnf(t)
        if type(w) is Pi:
            return w
        raise self._err(E.FunctionExpected, f"{self.pp(e)} has type {self.pp(t)}, not a function type", expr=e, type=t)

    def _is_prop(self, t: Expr) -> bool:
        s = self._whnf(self._infer(t, True))
        return type(s) is Sort and L.is_zero(s.level)

    def _check_level(self, l: L.Level) -> None:
        if self.level_params is None:
            return
        if L.has_mvar(l):
            raise self._err(E.DeclHasMetavars, f"universe level {L.to_str(l)} has metavariables")
        for p in L.params_of(l):
            if p not in self.level_params:
                raise self._err(E.UndefinedLevelParam, f"'{p}'", param=p)

    # ------------------------------------------------------------- infer
    def _infer(self, e: Expr, infer_only: bool) -> Expr:
        if e.bvar_range:
            raise self._err(E.LooseBoundVariable, f"in {self.pp(e)}")
        key = (e, infer_only)
        cached = self.cache.infer.get(key)
        if cached is not None:
            return cached
        if infer_only:
            cached = self.cache.infer.get((e, False))
            if cached is not None:
                return cached
        self._enter()
        try:
            t = type(e)
            if t is FVar:
                d = self.lctx.get(e.id)
                if d is None:
                    raise self._err(E.UnknownFreeVariable, e.id)
                r = d.type
            elif t is Sort:
                if not infer_only:
                    self._check_level(e.level)
                r = Sort(L.Succ(e.level))
            elif t is Const:
                r = self._infer_const(e, infer_only)
            elif t is App:
                r = self._infer_app(e, infer_only)
            elif t is Lam:
                r = self._infer_lambda(e, infer_only)
            elif t is Pi:
                r = self._infer_pi(e, infer_only)
            elif t is Let:
                r = self._infer_let(e, infer_only)
            elif t is NatLit:
                r = NAT
            elif t is StrLit:
                r = STRING
            elif t is MData:
                r = self._infer(e.expr, infer_only)
            elif t is Proj:
                r = self._infer_proj(e, infer_only)
            elif t is MVar:
                raise self._err(E.DeclHasMetavars, f"?{e.id}")
            else:
                raise self._err(E.InvalidDeclaration, f"not a kernel expression: {type(e).__name__}")
        finally:
            self._leave()
        self.cache.infer[key] = r
        return r

    def _infer_const(self, e: Const, infer_only: bool) -> Expr:
        info = self.env.find(e.name)
        if info is None:
            raise self._err(E.UnknownConstant, f"unknown constant '{e.name}'", name=e.name)
        if len(e.levels) != len(info.level_params):
            raise self._err(
                E.IncorrectNumberOfLevels,
                f"'{e.name}' expects {len(info.level_params)} universe levels, got {len(e.levels)}",
            )
        if not infer_only:
            if self.safety is Safety.SAFE and info.is_unsafe:
                raise self._err(E.UnsafeReference, f"uses unsafe declaration '{e.name}'", name=e.name)
            if (
                self.safety is Safety.SAFE
                and type(info) is DefinitionInfo
                and info.safety is Safety.PARTIAL
            ):
                raise self._err(E.UnsafeReference, f"safe declaration must not contain partial declaration '{e.name}'")
            for l in e.levels:
                self._check_level(l)
        return X.instantiate_level_params(info.type, info.level_params, e.levels)

    def _infer_app(self, e: App, infer_only: bool) -> Expr:
        f, args = X.get_app_fn_args(e)
        ft = self._infer(f, infer_only)
        j = 0
        n = len(args)
        for i in range(n):
            if type(ft) is not Pi:
                ft = X.instantiate_rev(ft, args[j:i])
                ft = self._ensure_pi(ft, X.mk_app_seq(f, args[:i]))
                j = i
            if not infer_only:
                a = args[i]
                at = self._infer(a, False)
                dom = X.instantiate_rev(ft.type, args[j:i])
                if not self._is_def_eq(at, dom):
                    fn_part = X.mk_app_seq(f, args[:i])
                    raise self._err(
                        E.AppTypeMismatch,
                        f"argument {self.pp(a)} has type {self.pp(at)} but {self.pp(fn_part)} expects {self.pp(dom)}",
                        fn=fn_part,
                        arg=a,
                        arg_type=at,
                        expected=dom,
                    )
            ft = ft.body
        return X.instantiate_rev(ft, args[j:])

    def _infer_lambda(self, e: Lam, infer_only: bool) -> Expr:
        fvars: list[Expr] = []
        while type(e) is Lam:
            d = X.instantiate_rev(e.type, fvars)
            if not infer_only:
                self._ensure_sort(self._infer(d, False), d)
            fvars.append(self.mk_fvar(e.name, d, None, e.info))
            e = e.body
        r = self._infer(X.instantiate_rev(e, fvars), infer_only)
        return self.lctx.mk_pi(fvars, r)

    def _infer_pi(self, e: Pi, infer_only: bool) -> Expr:
        fvars: list[Expr] = []
        levels: list[L.Level] = []
        while type(e) is Pi:
            d = X.instantiate_rev(e.type, fvars)
            s = self._ensure_sort(self._infer(d, infer_only), d)
            levels.append(s.level)
            fvars.append(self.mk_fvar(e.name, d, None, e.info))
            e = e.body
        body = X.instantiate_rev(e, fvars)
        r = self._ensure_sort(self._infer(body, infer_only), body).level
        for l in reversed(levels):
            r = L.mk_imax(l, r)
        return Sort(r)

    def _infer_let(self, e: Let, infer_only: bool) -> Expr:
        fvars: list[Expr] = []
        while type(e) is Let:
            ty = X.instantiate_rev(e.type, fvars)
            val = X.instantiate_rev(e.value, fvars)
            if not infer_only:
                self._ensure_sort(self._infer(ty, False), ty)
                vt = self._infer(val, False)
                if not self._is_def_eq(vt, ty):
                    raise self._err(
                        E.LetTypeMismatch,
                        f"'{e.name}' is declared with type {self.pp(ty)} but its value has type {self.pp(vt)}",
                    )
            fvars.append(self.mk_fvar(e.name, ty, val))
            e = e.body
        r = self._infer(X.instantiate_rev(e, fvars), infer_only)
        return self.lctx.mk_pi(fvars, r)

    def _infer_proj(self, e: Proj, infer_only: bool) -> Expr:
        def bad(why: str):
            return self._err(E.InvalidProjection, f"{self.pp(e)}: {why}", expr=e)

        st = self._whnf(self._infer(e.expr, infer_only))
        head, args = X.get_app_fn_args(st)
        if type(head) is not Const or head.name != e.struct:
            raise bad(f"the structure has type {self.pp(st)}, not {e.struct}")
        info = self.env.find(head.name)
        if type(info) is not InductiveInfo or len(info.constructors) != 1:
            raise bad(f"{e.struct} is not a structure")
        if len(args) != info.num_params + info.num_indices:
            raise bad("the structure type is not fully applied")
        ctor = self.env.get(info.constructors[0])
        r = X.instantiate_level_params(ctor.type, ctor.level_params, head.levels)
        for a in args[: info.num_params]:
            r = self._whnf(r)
            if type(r) is not Pi:
                raise bad("ill-formed constructor type")
            r = X.instantiate1(r.body, a)
        is_prop_type = self._is_prop(st)
        for i in range(e.idx):
            r = self._whnf(r)
            if type(r) is not Pi:
                raise bad(f"field index {e.idx} out of range")
            if r.body.bvar_range:
                if is_prop_type and not self._is_prop(r.type):
                    raise bad("a proof cannot be projected to data it depends on")
                r = X.instantiate1(r.body, Proj(e.struct, i, e.expr))
            else:
                r = r.body
        r = self._whnf(r)
        if type(r) is not Pi:
            raise bad(f"field index {e.idx} out of range")
        if is_prop_type and not self._is_prop(r.type):
            raise bad("cannot project data out of a proof")
        return r.type

    # -------------------------------------------------------------- whnf
    def _whnf_core(self, e: Expr) -> Expr:
        t = type(e)
        if t is App or t is Let or t is Proj:
            pass
        elif t is MData:
            return self._whnf_core(e.expr)
        elif t is FVar:
            d = self.lctx.get(e.id)
            if d is not None and d.value is not None:
                return self._whnf_core(d.value)
            return e
        else:
            return e
        cached = self.cache.whnf_core.get(e)
        if cached is not None:
            return cached
        self._tick()
        self._enter()
        try:
            if t is App:
                f0, args = X.get_app_fn_args(e)
                f = self._whnf_core(f0)
                if type(f) is Lam:
                    m, n = 0, len(args)
                    while type(f) is Lam and m < n:
                        f = f.body
                        m += 1
                    r = self._whnf_core(X.mk_app_seq(X.instantiate_rev(f, args[:m]), args[m:]))
                elif f is f0:
                    red = self._reduce_recursor(e, f, args)
                    r = e if red is None else self._whnf_core(red)
                else:
                    r = self._whnf_core(X.mk_app_seq(f, args))
            elif t is Let:
                r = self._whnf_core(X.instantiate1(e.body, e.value))
            else:
                red = self._reduce_proj(e)
                r = e if red is None else self._whnf_core(red)
        finally:
            self._leave()
        self.cache.whnf_core[e] = r
        return r

    def _whnf(self, e: Expr) -> Expr:
        t = type(e)
        if t is BVar or t is Sort or t is MVar or t is Pi or t is Lam or t is NatLit or t is StrLit:
            return e
        cached = self.cache.whnf.get(e)
        if cached is not None:
            return cached
        self._enter()
        try:
            x = e
            while True:
                self._tick()
                x1 = self._whnf_core(x)
                v = self._reduce_nat(x1)
                if v is not None:
                    r = v
                    break
                nxt = self._unfold_definition(x1)
                if nxt is None:
                    r = x1
                    break
                x = nxt
        finally:
            self._leave()
        self.cache.whnf[e] = r
        return r

    def _delta_info(self, e: Expr):
        """The definition or theorem at the head of `e`, if it can be unfolded."""
        f = X.get_app_fn(e)
        if type(f) is not Const:
            return None
        info = self.env.find(f.name)
        if type(info) is DefinitionInfo or type(info) is TheoremInfo:
            if len(f.levels) == len(info.level_params):
                return info
        return None

    def _hints(self, info):
        return info.hints if type(info) is DefinitionInfo else OPAQUE_HINTS

    def _unfold_definition(self, e: Expr) -> Expr | None:
        f, args = X.get_app_fn_args(e)
        if type(f) is not Const:
            return None
        info = self.env.find(f.name)
        if (type(info) is not DefinitionInfo and type(info) is not TheoremInfo) or len(f.levels) != len(
            info.level_params
        ):
            return None
        key = (f.name, f.levels)
        body = self.cache.unfold.get(key)
        if body is None:
            body = X.instantiate_level_params(info.value, info.level_params, f.levels)
            self.cache.unfold[key] = body
        return X.mk_app_seq(body, args)

    # ---- projections, recursors, quotients
    def _reduce_proj(self, e: Proj) -> Expr | None:
        c = self._whnf(e.expr)
        if type(c) is StrLit:
            c = self._string_lit_to_ctor(c)
        f, args = X.get_app_fn_args(c)
        if type(f) is not Const:
            return None
        info = self.env.find(f.name)
        if type(info) is not ConstructorInfo:
            return None
        i = info.num_params + e.idx
        return args[i] if i < len(args) else None

    def _reduce_recursor(self, e: Expr, f: Expr, args: list[Expr]) -> Expr | None:
        if type(f) is not Const:
            return None
        info = self.env.find(f.name)
        ti = type(info)
        if ti is RecursorInfo:
            return self._inductive_reduce_rec(info, f, args)
        if ti is QuotInfo and (info.kind is QuotKind.LIFT or info.kind is QuotKind.IND):
            return self._quot_reduce_rec(info, args)
        return None

    def _quot_reduce_rec(self, info: QuotInfo, args: list[Expr]) -> Expr | None:
        # Quot.lift f h (Quot.mk r a) ≡ f a ;  Quot.ind h (Quot.mk r a) ≡ h a
        mk_pos, arg_pos = (5, 3) if info.kind is QuotKind.LIFT else (4, 3)
        if len(args) <= mk_pos:
            return None
        mk = self._whnf(args[mk_pos])
        mk_fn, mk_args = X.get_app_fn_args(mk)
        if type(mk_fn) is not Const or mk_fn.name != "Quot.mk" or len(mk_args) != 3:
            return None
        return X.mk_app_seq(App(args[arg_pos], mk_args[2]), args[mk_pos + 1 :])

    def _inductive_reduce_rec(self, rec: RecursorInfo, f: Const, args: list[Expr]) -> Expr | None:
        major_idx = rec.major_idx
        if major_idx >= len(args):
            return None
        major = args[major_idx]
        if rec.k:
            major = self._to_ctor_when_k(rec, major)
        major = self._whnf(major)
        if type(major) is NatLit:
            major = self._nat_lit_to_ctor(major)
        elif type(major) is StrLit:
            major = self._string_lit_to_ctor(major)
        else:
            major = self._to_ctor_when_structure(rec.major_induct, major)
        mf, margs = X.get_app_fn_args(major)
        if type(mf) is not Const:
            return None
        rule = rec.rule_for(mf.name)
        if rule is None or rule.num_fields > len(margs):
            return None
        if len(f.levels) != len(rec.level_params):
            return None
        rhs = X.instantiate_level_params(rule.rhs, rec.level_params, f.levels)
        rhs = X.mk_app_seq(rhs, args[: rec.num_params + rec.num_motives + rec.num_minors])
        nparams = len(margs) - rule.num_fields
        rhs = X.mk_app_seq(rhs, margs[nparams:])
        return X.mk_app_seq(rhs, args[major_idx + 1 :])

    def _to_ctor_when_k(self, rec: RecursorInfo, e: Expr) -> Expr:
        """K-like reduction: a proof of `Eq a b` (any major of a K-target) acts as `Eq.refl a` when the types agree."""
        app_type = self._whnf(self._infer(e, True))
        head, targs = X.get_app_fn_args(app_type)
        if type(head) is not Const or head.name != rec.major_induct:
            return e
        if app_type.has_expr_mvar:
            return e
        info = self.env.find(head.name)
        if type(info) is not InductiveInfo or len(info.constructors) != 1:
            return e
        ctor = X.mk_app_seq(Const(info.constructors[0], head.levels), targs[: rec.num_params])
        new_type = self._infer(ctor, True)
        if not self._is_def_eq(app_type, new_type):
            return e
        return ctor

    def is_structure_like(self, name: str) -> bool:
        info = self.env.find(name)
        return (
            type(info) is InductiveInfo
            and len(info.constructors) == 1
            and info.num_indices == 0
            and not info.is_rec
        )

    def _to_ctor_when_structure(self, induct: str, e: Expr) -> Expr:
        """Structure eta for iota: a major premise of a structure type becomes `mk e.1 ... e.n`."""
        if not self.is_structure_like(induct):
            return e
        f = X.get_app_fn(e)
        if type(f) is Const and type(self.env.find(f.name)) is ConstructorInfo:
            return e
        e_type = self._whnf(self._infer(e, True))
        head = X.get_app_fn(e_type)
        if type(head) is not Const or head.name != induct:
            return e
        if self._is_prop_sort(self._whnf(self._infer(e_type, True))):
            return e
        return self._expand_eta_struct(e_type, e)

    @staticmethod
    def _is_prop_sort(s: Expr) -> bool:
        return type(s) is Sort and L.is_zero(s.level)

    def _expand_eta_struct(self, e_type: Expr, e: Expr) -> Expr:
        head, targs = X.get_app_fn_args(e_type)
        info = self.env.get(head.name)
        ctor = self.env.get(info.constructors[0])
        r = X.mk_app_seq(Const(ctor.name, head.levels), targs[: info.num_params])
        for i in range(ctor.num_fields):
            r = App(r, Proj(head.name, i, e))
        return r

    # ---- literals
    @staticmethod
    def _nat_lit_to_ctor(e: NatLit) -> Expr:
        if e.value == 0:
            return NAT_ZERO
        return App(NAT_SUCC, NatLit(e.value - 1))

    @staticmethod
    def _string_lit_to_ctor(e: StrLit) -> Expr:
        char = Const("Char")
        lst = App(Const("List.nil", (L.ZERO,)), char)
        cons = App(Const("List.cons", (L.ZERO,)), char)
        for ch in reversed(e.value):
            lst = X.mk_app(cons, App(Const("Char.ofNat"), NatLit(ord(ch))), lst)
        return App(Const("String.mk"), lst)

    def _nat_value(self, e: Expr) -> int | None:
        if type(e) is NatLit:
            return e.value
        if type(e) is Const and e.name == "Nat.zero":
            return 0
        return None

    def _reduce_nat(self, e: Expr) -> Expr | None:
        if e.has_fvar or type(e) is not App:
            return None
        fn = e.fn
        if type(fn) is Const:
            if fn.name == "Nat.succ":
                v = self._nat_value(self._whnf(e.arg))
                return None if v is None else NatLit(v + 1)
            if fn.name == "Nat.log2":
                v = self._nat_value(self._whnf(e.arg))
                return None if v is None else NatLit(max(v.bit_length() - 1, 0))
            return None
        if type(fn) is not App or type(fn.fn) is not Const:
            return None
        name = fn.fn.name
        op = _NAT_BIN_OPS.get(name)
        pred = _NAT_BIN_PREDS.get(name) if op is None else None
        if op is None and pred is None:
            return None
        a = self._nat_value(self._whnf(fn.arg))
        if a is None:
            return None
        b = self._nat_value(self._whnf(e.arg))
        if b is None:
            return None
        if pred is not None:
            return BOOL_TRUE if pred(a, b) else BOOL_FALSE
        self._guard_size(name, a, b)
        if name == "Nat.pow" and b > self.fuel.max_pow_exponent:
            return None
        return NatLit(op(a, b))

    def _guard_size(self, name: str, a: int, b: int) -> None:
        limit = self.fuel.max_literal_bits
        if name == "Nat.shiftLeft":
            bits = a.bit_length() + b if a else 0
        elif name == "Nat.pow":
            bits = a.bit_length() * b if a > 1 else 1
        elif name == "Nat.mul":
            bits = a.bit_length() + b.bit_length()
        else:
            return
        if bits > limit:
            raise self._err(
                E.DeterministicTimeout, f"{name} result would exceed {limit} bits (Fuel.max_literal_bits)"
            )

    # ---------------------------------------------------------- def eq
    def _is_def_eq(self, t: Expr, s: Expr) -> bool:
        r = self._is_def_eq_core(t, s)
        if r:
            self.cache.eqv.add_equiv(t, s)
        return r

    def _quick_is_def_eq(self, t: Expr, s: Expr) -> bool | None:
        if t is s or t == s or self.cache.eqv.is_equiv(t, s):
            return True
        tt = type(t)
        if tt is type(s):
            if tt is Lam or tt is Pi:
                return self._is_def_eq_binding(t, s)
            if tt is Sort:
                return L.is_equiv(t.level, s.level)
            if tt is NatLit or tt is StrLit:
                return t.value == s.value
        return None

    def _is_def_eq_binding(self, t: Expr, s: Expr) -> bool:
        k = type(t)
        subst: list[Expr] = []
        while type(t) is k and type(s) is k:
            s_dom = None
            if t.type != s.type:
                s_dom = X.instantiate_rev(s.type, subst)
                if not self._is_def_eq(X.instantiate_rev(t.type, subst), s_dom):
                    return False
            if t.body.bvar_range or s.body.bvar_range:
                if s_dom is None:
                    s_dom = X.instantiate_rev(s.type, subst)
                subst.append(self.mk_fvar(s.name, s_dom, None, s.info))
            else:
                subst.append(X.PROP)  # the body does not mention the variable
            t, s = t.body, s.body
        return self._is_def_eq(X.instantiate_rev(t, subst), X.instantiate_rev(s, subst))

    def _is_def_eq_core(self, t: Expr, s: Expr) -> bool:
        self._enter()
        try:
            while True:
                self._tick()
                r = self._is_def_eq_steps(t, s)
                if type(r) is not tuple:
                    return r
                # a tail call (Nat offsets, literal folding): loop instead of recursing, so that
                # comparing `Nat.succ^n x` with a literal does not nest n deep
                t, s = r
        finally:
            self._leave()

    def _is_def_eq_steps(self, t: Expr, s: Expr):
        """True/False, or a pair `(t', s')` whose comparison decides the question (a tail call)."""
        r = self._quick_is_def_eq(t, s)
        if r is not None:
            return r
        # proofs by reflection: a closed term compared with `Bool.true` is evaluated
        if not t.has_fvar and type(s) is Const and s.name == "Bool.true":
            if X.is_const_of(self._whnf(t), "Bool.true"):
                return True
        tn = self._whnf_core(t)
        sn = self._whnf_core(s)
        if tn is not t or sn is not s:
            r = self._quick_is_def_eq(tn, sn)
            if r is not None:
                return r
        r = self._is_def_eq_proof_irrel(tn, sn)
        if r is not None:
            return r
        r, tn, sn = self._lazy_delta_reduction(tn, sn)
        if r is not None:
            return r
        ttn, tsn = type(tn), type(sn)
        if ttn is Const and tsn is Const and tn.name == sn.name and L.is_equiv_lists(tn.levels, sn.levels):
            return True
        if ttn is FVar and tsn is FVar and tn.id == sn.id:
            return True
        if ttn is Proj and tsn is Proj and tn.idx == sn.idx and tn.struct == sn.struct:
            if self._is_def_eq(tn.expr, sn.expr):
                return True
        if self._is_def_eq_app(tn, sn):
            return True
        if self._try_eta_expansion(tn, sn) or self._try_eta_expansion(sn, tn):
            return True
        if self._try_eta_struct(tn, sn) or self._try_eta_struct(sn, tn):
            return True
        r = self._try_string_lit_expansion(tn, sn)
        if r is not None:
            return r
        if self._is_def_eq_unit_like(tn, sn):
            return True
        return False

    def _is_def_eq_proof_irrel(self, t: Expr, s: Expr) -> bool | None:
        tt = self._infer(t, True)
        if not self._is_prop(tt):
            return None
        return self._is_def_eq(tt, self._infer(s, True))

    def _lazy_delta_reduction(self, tn: Expr, sn: Expr):
        while True:
            r = self._is_def_eq_offset(tn, sn)
            if r is not None:
                return r, tn, sn
            if not tn.has_fvar and not sn.has_fvar:
                v = self._reduce_nat(tn)
                if v is not None:
                    return (v, sn), tn, sn
                v = self._reduce_nat(sn)
                if v is not None:
                    return (tn, v), tn, sn
            self._tick()
            dt = self._delta_info(tn)
            ds = self._delta_info(sn)
            if dt is None and ds is None:
                return None, tn, sn
            if dt is not None and ds is None:
                tn = self._whnf_core(self._unfold_definition(tn))
            elif dt is None:
                sn = self._whnf_core(self._unfold_definition(sn))
            else:
                c = compare_hints(self._hints(dt), self._hints(ds))
                if c < 0:
                    tn = self._whnf_core(self._unfold_definition(tn))
                elif c > 0:
                    sn = self._whnf_core(self._unfold_definition(sn))
                else:
                    if (
                        type(tn) is App
                        and type(sn) is App
                        and dt is ds
                        and self._hints(dt).kind is HintKind.REGULAR
                    ):
                        # same definition on both sides: try the arguments before unfolding
                        key = (tn, sn)
                        if key not in self.cache.failures:
                            if L.is_equiv_lists(X.get_app_fn(tn).levels, X.get_app_fn(sn).levels) and self._is_def_eq_args(
                                tn, sn
                            ):
                                return True, tn, sn
                            self.cache.failures.add(key)
                    tn = self._whnf_core(self._unfold_definition(tn))
                    sn = self._whnf_core(self._unfold_definition(sn))
            r = self._quick_is_def_eq(tn, sn)
            if r is not None:
                return r, tn, sn

    def _is_def_eq_args(self, t: Expr, s: Expr) -> bool:
        ta, sa = X.get_app_args(t), X.get_app_args(s)
        if len(ta) != len(sa):
            return False
        return all(self._is_def_eq(a, b) for a, b in zip(ta, sa))

    def _is_nat_zero(self, e: Expr) -> bool:
        return (type(e) is NatLit and e.value == 0) or (type(e) is Const and e.name == "Nat.zero")

    def _nat_pred(self, e: Expr) -> Expr | None:
        if type(e) is NatLit and e.value > 0:
            return NatLit(e.value - 1)
        if type(e) is App and type(e.fn) is Const and e.fn.name == "Nat.succ":
            return e.arg
        return None

    def _is_def_eq_offset(self, t: Expr, s: Expr):
        """`n+1 =?= m+1` becomes the tail call `(n, m)`; both zero: True; else None."""
        if self._is_nat_zero(t) and self._is_nat_zero(s):
            return True
        pt = self._nat_pred(t)
        if pt is None:
            return None
        ps = self._nat_pred(s)
        if ps is None:
            return None
        return (pt, ps)

    def _is_def_eq_app(self, t: Expr, s: Expr) -> bool:
        if type(t) is not App or type(s) is not App:
            return False
        tf, ta = X.get_app_fn_args(t)
        sf, sa = X.get_app_fn_args(s)
        if len(ta) != len(sa) or not self._is_def_eq(tf, sf):
            return False
        return all(self._is_def_eq(a, b) for a, b in zip(ta, sa))

    def _try_eta_expansion(self, t: Expr, s: Expr) -> bool:
        if type(t) is not Lam or type(s) is Lam:
            return False
        s_type = self._whnf(self._infer(s, True))
        if type(s_type) is not Pi:
            return False
        new_s = Lam(s_type.name, s_type.type, App(s, BVar(0)), s_type.info)
        return self._is_def_eq(t, new_s)

    def _try_eta_struct(self, t: Expr, s: Expr) -> bool:
        """`t =?= C.mk a₁ ... aₙ` for a structure: compare `t.i` with each `aᵢ`."""
        f, args = X.get_app_fn_args(s)
        if type(f) is not Const:
            return False
        info = self.env.find(f.name)
        if type(info) is not ConstructorInfo:
            return False
        if len(args) != info.num_params + info.num_fields or not self.is_structure_like(info.induct):
            return False
        if not self._is_def_eq(self._infer(t, True), self._infer(s, True)):
            return False
        for i in range(info.num_params, len(args)):
            if not self._is_def_eq(Proj(info.induct, i - info.num_params, t), args[i]):
                return False
        return True

    def _try_string_lit_expansion(self, t: Expr, s: Expr) -> bool | None:
        if type(t) is StrLit and X.is_const_of(X.get_app_fn(s), "String.mk"):
            return self._is_def_eq_core(self._string_lit_to_ctor(t), s)
        if type(s) is StrLit and X.is_const_of(X.get_app_fn(t), "String.mk"):
            return self._is_def_eq_core(t, self._string_lit_to_ctor(s))
        return None

    def _is_def_eq_unit_like(self, t: Expr, s: Expr) -> bool:
        t_type = self._whnf(self._infer(t, True))
        head = X.get_app_fn(t_type)
        if type(head) is not Const:
            return False
        info = self.env.find(head.name)
        if type(info) is not InductiveInfo or len(info.constructors) != 1 or info.is_rec or info.num_indices:
            return False
        ctor = self.env.get(info.constructors[0])
        if ctor.num_fields != 0:
            return False
        return self._is_def_eq(t_type, self._infer(s, True))
