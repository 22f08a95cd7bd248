"""Core terms of Lean 4's type theory, with the operations on bound variables.

Expressions are frozen data classes. Each node caches, at construction, its
structural hash, its loose-bound-variable range (one more than the largest
loose de Bruijn index) and flags (has free variables, metavariables, level
parameters), so traversals skip closed subterms in O(1) and large shared terms
stay cheap. Equality is structural and ignores binder names and binder info,
as Lean's `Expr.eqv` does; it short-cuts on identity and on the cached hash.

Operations (all return new terms, never mutate): `instantiate`,
`instantiate_rev`, `instantiate1`, `abstract`, `lift_loose_bvars`,
`lower_loose_bvars`, `has_loose_bvar`, `instantiate_level_params`, and the
application helpers `mk_app`, `get_app_fn`, `get_app_args`.

Names (of constants, binders, universe parameters) are plain dotted strings
(`"Nat.succ"`), see docs/KERNEL.md.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Callable, Sequence

from nleanjit.kernel import level as L
from nleanjit.kernel.level import Level

_HAS_FVAR = 1
_HAS_EMVAR = 2
_HAS_LPARAM = 4
_HAS_LMVAR = 8


class BinderInfo(enum.Enum):
    DEFAULT = "default"
    IMPLICIT = "implicit"
    STRICT_IMPLICIT = "strict_implicit"
    INST_IMPLICIT = "inst_implicit"


DEFAULT = BinderInfo.DEFAULT
IMPLICIT = BinderInfo.IMPLICIT
STRICT_IMPLICIT = BinderInfo.STRICT_IMPLICIT
INST_IMPLICIT = BinderInfo.INST_IMPLICIT


class Expr:
    """Base of core terms. Cached: `_hash`, `bvar_range`, `_flags`."""

    __slots__ = ("_hash", "bvar_range", "_flags")

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other) -> bool:
        if self is other:
            return True
        if type(self) is not type(other) or self._hash != other._hash:
            return False
        return self._same_fields(other)

    def __ne__(self, other) -> bool:
        return not self.__eq__(other)

    @property
    def has_fvar(self) -> bool:
        return bool(self._flags & _HAS_FVAR)

    @property
    def has_expr_mvar(self) -> bool:
        return bool(self._flags & _HAS_EMVAR)

    @property
    def has_level_param(self) -> bool:
        return bool(self._flags & _HAS_LPARAM)

    @property
    def has_level_mvar(self) -> bool:
        return bool(self._flags & _HAS_LMVAR)

    @property
    def has_mvar(self) -> bool:
        return bool(self._flags & (_HAS_EMVAR | _HAS_LMVAR))

    @property
    def has_loose_bvars(self) -> bool:
        return self.bvar_range > 0

    def __str__(self) -> str:
        from nleanjit.kernel.printer import expr_to_str

        return expr_to_str(self)


def _init(obj, h: int, bvar_range: int, flags: int) -> None:
    object.__setattr__(obj, "_hash", h)
    object.__setattr__(obj, "bvar_range", bvar_range)
    object.__setattr__(obj, "_flags", flags)


def _level_flags(l: Level) -> int:
    return (_HAS_LPARAM if L.has_param(l) else 0) | (_HAS_LMVAR if L.has_mvar(l) else 0)




@dataclass(frozen=True, slots=True, eq=False)
class BVar(Expr):
    """Bound variable, a de Bruijn index (0 = innermost binder)."""

    idx: int

    def __post_init__(self):
        _init(self, hash(("bvar", self.idx)), self.idx + 1, 0)

    def _same_fields(self, o) -> bool:
        return self.idx == o.idx


@dataclass(frozen=True, slots=True, eq=False)
class FVar(Expr):
    """Free variable: a unique id into a local context (the checker's or the caller's)."""

    id: str

    def __post_init__(self):
        _init(self, hash(("fvar", self.id)), 0, _HAS_FVAR)

    def _same_fields(self, o) -> bool:
        return self.id == o.id


@dataclass(frozen=True, slots=True, eq=False)
class MVar(Expr):
    """Expression metavariable: elaborator only; the kernel rejects declarations containing one."""

    id: str

    def __post_init__(self):
        _init(self, hash(("mvar", self.id)), 0, _HAS_EMVAR)

    def _same_fields(self, o) -> bool:
        return self.id == o.id


@dataclass(frozen=True, slots=True, eq=False)
class Sort(Expr):
    level: Level

    def __post_init__(self):
        _init(self, hash(("sort", self.level)), 0, _level_flags(self.level))

    def _same_fields(self, o) -> bool:
        return self.level == o.level


@dataclass(frozen=True, slots=True, eq=False)
class Const(Expr):
    name: str
    levels: tuple[Level, ...] = ()

    def __post_init__(self):
        if type(self.levels) is not tuple:
            object.__setattr__(self, "levels", tuple(self.levels))
        flags = 0
        for l in self.levels:
            flags |= _level_flags(l)
        _init(self, hash(("const", self.name, self.levels)), 0, flags)

    def _same_fields(self, o) -> bool:
        return self.name == o.name and self.levels == o.levels


@dataclass(frozen=True, slots=True, eq=False)
class App(Expr):
    fn: Expr
    arg: Expr

    def __post_init__(self):
        f, a = self.fn, self.arg
        _init(self, hash((f._hash, a._hash, 7)), max(f.bvar_range, a.bvar_range), f._flags | a._flags)

    def _same_fields(self, o) -> bool:
        # iterate down the application spine instead of recursing on `fn`
        a, b = self, o
        while type(a) is App and type(b) is App:
            if a is b:
                return True
            if a._hash != b._hash or a.arg != b.arg:
                return False
            a, b = a.fn, b.fn
        return a == b


@dataclass(frozen=True, slots=True, eq=False)
class Lam(Expr):
    """`fun (name : type) => body`; `body` refers to the binder as `BVar(0)`."""

    name: str
    type: Expr
    body: Expr
    info: BinderInfo = DEFAULT

    def __post_init__(self):
        t, b = self.type, self.body
        _init(self, hash((t._hash, b._hash, 11)), max(t.bvar_range, b.bvar_range - 1, 0), t._flags | b._flags)

    def _same_fields(self, o) -> bool:
        return self.type == o.type and self.body == o.body


@dataclass(frozen=True, slots=True, eq=False)
class Pi(Expr):
    """`(name : type) → body` (Lean's `forallE`)."""

    name: str
    type: Expr
    body: Expr
    info: BinderInfo = DEFAULT

    def __post_init__(self):
        t, b = self.type, self.body
        _init(self, hash((t._hash, b._hash, 13)), max(t.bvar_range, b.bvar_range - 1, 0), t._flags | b._flags)

    def _same_fields(self, o) -> bool:
        return self.type == o.type and self.body == o.body


@dataclass(frozen=True, slots=True, eq=False)
class Let(Expr):
    """`let name : type := value; body`."""

    name: str
    type: Expr
    value: Expr
    body: Expr

    def __post_init__(self):
        t, v, b = self.type, self.value, self.body
        _init(
            self,
            hash((t._hash, v._hash, b._hash, 17)),
            max(t.bvar_range, v.bvar_range, b.bvar_range - 1, 0),
            t._flags | v._flags | b._flags,
        )

    def _same_fields(self, o) -> bool:
        return self.type == o.type and self.value == o.value and self.body == o.body


@dataclass(frozen=True, slots=True, eq=False)
class NatLit(Expr):
    """A natural-number literal, any size (Lean's GMP numbers are Python ints here)."""

    value: int

    def __post_init__(self):
        if type(self.value) is not int or self.value < 0:
            raise ValueError(f"NatLit needs a non-negative int, got {self.value!r}")
        _init(self, hash(("nat", self.value)), 0, 0)

    def _same_fields(self, o) -> bool:
        return self.value == o.value


@dataclass(frozen=True, slots=True, eq=False)
class StrLit(Expr):
    value: str

    def __post_init__(self):
        _init(self, hash(("str", self.value)), 0, 0)

    def _same_fields(self, o) -> bool:
        return self.value == o.value


@dataclass(frozen=True, slots=True, eq=False)
class MData(Expr):
    """Annotation the kernel ignores (`data` is a tuple of key/value pairs)."""

    data: tuple
    expr: Expr

    def __post_init__(self):
        e = self.expr
        _init(self, hash((e._hash, 19)), e.bvar_range, e._flags)

    def _same_fields(self, o) -> bool:
        return self.data == o.data and self.expr == o.expr


@dataclass(frozen=True, slots=True, eq=False)
class Proj(Expr):
    """Field `idx` (0-based, parameters not counted) of `expr`, an inhabitant of structure `struct`."""

    struct: str
    idx: int
    expr: Expr

    def __post_init__(self):
        e = self.expr
        _init(self, hash(("proj", self.struct, self.idx, e._hash)), e.bvar_range, e._flags)

    def _same_fields(self, o) -> bool:
        return self.struct == o.struct and self.idx == o.idx and self.expr == o.expr


# --- small constructors ------------------------------------------------------

PROP = Sort(L.ZERO)
TYPE = Sort(L.ONE)


def mk_app(f: Expr, *args: Expr) -> Expr:
    for a in args:
        f = App(f, a)
    return f


def mk_app_seq(f: Expr, args: Sequence[Expr]) -> Expr:
    for a in args:
        f = App(f, a)
    return f


def get_app_fn(e: Expr) -> Expr:
    while type(e) is App:
        e = e.fn
    return e


def get_app_args(e: Expr) -> list[Expr]:
    args = []
    while type(e) is App:
        args.append(e.arg)
        e = e.fn
    args.reverse()
    return args


def get_app_fn_args(e: Expr) -> tuple[Expr, list[Expr]]:
    args = []
    while type(e) is App:
        args.append(e.arg)
        e = e.fn
    args.reverse()
    return e, args


def get_app_num_args(e: Expr) -> int:
    n = 0
    while type(e) is App:
        e = e.fn
        n += 1
    return n


def arrow(a: Expr, b: Expr) -> Expr:
    """Non-dependent Pi `a → b` (`b` is lifted over the new binder)."""
    return Pi("a", a, lift_loose_bvars(b, 0, 1))


def is_const_of(e: Expr, name: str) -> bool:
    return type(e) is Const and e.name == name


# --- traversal with sharing --------------------------------------------------

def replace(e: Expr, fn: Callable[[Expr, int], Expr | None]) -> Expr:
    """Rebuild `e` bottom-up; `fn(sub, offset)` returns a replacement or None to descend.

    `offset` counts binders crossed. A cache keyed on (node identity, offset)
    makes shared subterms (DAGs) cost once per call.
    """
    cache: dict[tuple[int, int], Expr] = {}

    def go(x: Expr, off: int) -> Expr:
        key = (id(x), off)
        hit = cache.get(key)
        if hit is not None:
            return hit
        r = fn(x, off)
        if r is None:
            t = type(x)
            if t is App:
                f, a = go(x.fn, off), go(x.arg, off)
                r = x if (f is x.fn and a is x.arg) else App(f, a)
            elif t is Lam or t is Pi:
                ty, b = go(x.type, off), go(x.body, off + 1)
                r = x if (ty is x.type and b is x.body) else t(x.name, ty, b, x.info)
            elif t is Let:
                ty, v, b = go(x.type, off), go(x.value, off), go(x.body, off + 1)
                r = x if (ty is x.type and v is x.value and b is x.body) else Let(x.name, ty, v, b)
            elif t is MData:
                s = go(x.expr, off)
                r = x if s is x.expr else MData(x.data, s)
            elif t is Proj:
                s = go(x.expr, off)
                r = x if s is x.expr else Proj(x.struct, x.idx, s)
            else:
                r = x
        # ids are stable: every `x` is a subterm of `e`, alive for the whole call
        cache[key] = r
        return r

    return go(e, 0)


def instantiate(e: Expr, subst: Sequence[Expr]) -> Expr:
    """Replace loose `BVar(i)` by `subst[i]` for i < len(subst); lower the rest by len(subst)."""
    n = len(subst)
    if n == 0 or e.bvar_range == 0:
        return e

    def fn(x: Expr, off: int):
        if x.bvar_range <= off:
            return x
        if type(x) is BVar:
            i = x.idx
            if i < off:
                return x
            if i - off < n:
                return lift_loose_bvars(subst[i - off], 0, off)
            return BVar(i - n)
        return None

    return replace(e, fn)


def instantiate_rev(e: Expr, subst: Sequence[Expr]) -> Expr:
    """Like `instantiate` with `subst` reversed: `BVar(0)` becomes `subst[-1]` (telescope order)."""
    return instantiate(e, list(reversed(subst)))


def instantiate1(body: Expr, value: Expr) -> Expr:
    return instantiate(body, (value,))


def abstract(e: Expr, fvars: Sequence[Expr]) -> Expr:
    """Replace `fvars[i]` by `BVar(n-1-i)` (plus the binders crossed): the inverse of `instantiate_rev`."""
    if not e.has_fvar or not fvars:
        return e
    n = len(fvars)
    pos = {}
    for i, v in enumerate(fvars):
        if type(v) is not FVar:
            raise TypeError("abstract expects free variables")
        pos[v.id] = i

    def fn(x: Expr, off: int):
        if not x.has_fvar:
            return x
        if type(x) is FVar:
            i = pos.get(x.id)
            if i is None:
                return x
            return BVar(off + n - 1 - i)
        return None

    return replace(e, fn)


def lift_loose_bvars(e: Expr, start: int, n: int) -> Expr:
    """Add `n` to every loose bound variable with index >= `start`."""
    if n == 0 or e.bvar_range <= start:
        return e

    def fn(x: Expr, off: int):
        if x.bvar_range <= start + off:
            return x
        if type(x) is BVar:
            return BVar(x.idx + n) if x.idx >= start + off else x
        return None

    return replace(e, fn)


def lower_loose_bvars(e: Expr, start: int, n: int) -> Expr:
    """Subtract `n` from loose bound variables with index >= `start` (they must be >= start + n... caller's duty)."""
    if n == 0 or e.bvar_range <= start:
        return e

    def fn(x: Expr, off: int):
        if x.bvar_range <= start + off:
            return x
        if type(x) is BVar:
            return BVar(x.idx - n) if x.idx >= start + off else x
        return None

    return replace(e, fn)


def has_loose_bvar(e: Expr, i: int) -> bool:
    """Does loose `BVar(i)` occur in `e`?"""
    seen: set[tuple[int, int]] = set()
    stack = [(e, i)]
    while stack:
        x, j = stack.pop()
        if x.bvar_range <= j:
            continue
        key = (id(x), j)
        if key in seen:
            continue
        seen.add(key)
        t = type(x)
        if t is BVar:
            if x.idx == j:
                return True
        elif t is App:
            stack.append((x.fn, j))
            stack.append((x.arg, j))
        elif t is Lam or t is Pi:
            stack.append((x.type, j))
            stack.append((x.body, j + 1))
        elif t is Let:
            stack.append((x.type, j))
            stack.append((x.value, j))
            stack.append((x.body, j + 1))
        elif t is MData or t is Proj:
            stack.append((x.expr, j))
    return False


def instantiate_level_params(e: Expr, params: Sequence[str], levels: Sequence[Level]) -> Expr:
    """Substitute universe parameters by levels throughout `e`."""
    if not params or not e.has_level_param:
        return e
    subst = dict(zip(params, levels))

    def fn(x: Expr, off: int):
        if not x.has_level_param:
            return x
        t = type(x)
        if t is Sort:
            return Sort(L.instantiate(x.level, subst))
        if t is Const:
            return Const(x.name, tuple(L.instantiate(l, subst) for l in x.levels))
        return None

    return replace(e, fn)


def fold_consts(e: Expr, visit: Callable[[Const], None]) -> None:
    """Call `visit` on every constant occurring in `e` (each shared node visited once)."""
    seen: set[int] = set()
    stack = [e]
    keep = []
    while stack:
        x = stack.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        keep.append(x)
        t = type(x)
        if t is Const:
            visit(x)
        elif t is App:
            stack.append(x.fn)
            stack.append(x.arg)
        elif t is Lam or t is Pi:
            stack.append(x.type)
            stack.append(x.body)
        elif t is Let:
            stack.extend((x.type, x.value, x.body))
        elif t is MData or t is Proj:
            stack.append(x.expr)


def level_params_of(e: Expr) -> set[str]:
    """All universe parameter names occurring in `e`."""
    out: set[str] = set()
    if not e.has_level_param:
        return out
    seen: set[int] = set()
    stack = [e]
    keep = []
    while stack:
        x = stack.pop()
        if id(x) in seen or not x.has_level_param:
            continue
        seen.add(id(x))
        keep.append(x)
        t = type(x)
        if t is Sort:
            L.params_of(x.level, out)
        elif t is Const:
            for l in x.levels:
                L.params_of(l, out)
        elif t is App:
            stack.extend((x.fn, x.arg))
        elif t is Lam or t is Pi:
            stack.extend((x.type, x.body))
        elif t is Let:
            stack.extend((x.type, x.value, x.body))
        elif t is MData or t is Proj:
            stack.append(x.expr)
    return out


def occurs_const(e: Expr, names: frozenset[str] | set[str]) -> bool:
    """Does any constant named in `names` occur in `e`?"""
    found = []

    def visit(c: Const):
        if c.name in names:
            found.append(c)

    fold_consts(e, visit)
    return bool(found)


def free_fvar_ids(e: Expr) -> set[str]:
    out: set[str] = set()
    if not e.has_fvar:
        return out

    def fn(x: Expr, off: int):
        if not x.has_fvar:
            return x
        if type(x) is FVar:
            out.add(x.id)
            return x
        return None

    replace(e, fn)
    return out
