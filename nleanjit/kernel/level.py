"""Universe levels: `zero`, `succ`, `max`, `imax`, parameters (and metavariables).

In: level terms built with the constructors below. Out: normal forms and the
two judgements the type checker needs, `is_equiv` (same level under every
assignment, decided by comparing normal forms) and `geq` (l1 >= l2 under
every assignment). Both follow Lean 4's kernel (src/kernel/level.cpp): they
are sound but not complete for `imax`; a `False` may be a "don't know".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping


class Level:
    """Base class of universe level terms (frozen, structurally hashed)."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Zero(Level):
    def __repr__(self) -> str:
        return "Zero()"


@dataclass(frozen=True, slots=True)
class Succ(Level):
    of: Level


@dataclass(frozen=True, slots=True)
class Max(Level):
    lhs: Level
    rhs: Level


@dataclass(frozen=True, slots=True)
class IMax(Level):
    """`imax a b` is `0` when `b` is `0`, else `max a b` (the level of a Pi into `Sort b`)."""

    lhs: Level
    rhs: Level


@dataclass(frozen=True, slots=True)
class Param(Level):
    name: str


@dataclass(frozen=True, slots=True)
class LMVar(Level):
    """A level metavariable: only the elaborator makes them; the kernel rejects them."""

    name: str


ZERO = Zero()
ONE = Succ(ZERO)

# Lean's kind order, used by the total order on normal-form arguments.
_KIND_ORDER = {Zero: 0, Succ: 1, Max: 2, IMax: 3, Param: 4, LMVar: 5}


def of_nat(n: int, base: Level = ZERO) -> Level:
    for _ in range(n):
        base = Succ(base)
    return base


def to_offset(l: Level) -> tuple[Level, int]:
    """Split `succ^k l'` into `(l', k)` with `l'` not a `succ`."""
    k = 0
    while type(l) is Succ:
        l = l.of
        k += 1
    return l, k


def is_explicit(l: Level) -> bool:
    return to_offset(l)[0] is ZERO or type(to_offset(l)[0]) is Zero


def has_param(l: Level) -> bool:
    t = type(l)
    if t is Param:
        return True
    if t is Succ:
        return has_param(l.of)
    if t is Max or t is IMax:
        return has_param(l.lhs) or has_param(l.rhs)
    return False


def has_mvar(l: Level) -> bool:
    t = type(l)
    if t is LMVar:
        return True
    if t is Succ:
        return has_mvar(l.of)
    if t is Max or t is IMax:
        return has_mvar(l.lhs) or has_mvar(l.rhs)
    return False


def params_of(l: Level, out: set[str] | None = None) -> set[str]:
    out = set() if out is None else out
    t = type(l)
    if t is Param:
        out.add(l.name)
    elif t is Succ:
        params_of(l.of, out)
    elif t is Max or t is IMax:
        params_of(l.lhs, out)
        params_of(l.rhs, out)
    return out


def is_zero(l: Level) -> bool:
    return type(l) is Zero


def is_not_zero(l: Level) -> bool:
    """True when `l` is nonzero under every assignment of its parameters."""
    t = type(l)
    if t is Succ:
        return True
    if t is Max:
        return is_not_zero(l.lhs) or is_not_zero(l.rhs)
    if t is IMax:
        return is_not_zero(l.rhs)
    return False


def mk_succ(l: Level, k: int = 1) -> Level:
    for _ in range(k):
        l = Succ(l)
    return l


def mk_max(l1: Level, l2: Level) -> Level:
    """`max` with Lean's local simplifications (mk_max in level.cpp)."""
    if is_explicit(l1) and is_explicit(l2):
        return l1 if to_offset(l1)[1] >= to_offset(l2)[1] else l2
    if l1 == l2:
        return l1
    if is_zero(l1):
        return l2
    if is_zero(l2):
        return l1
    if type(l2) is Max and (l2.lhs == l1 or l2.rhs == l1):
        return l2
    b1, k1 = to_offset(l1)
    b2, k2 = to_offset(l2)
    if b1 == b2:
        return l1 if k1 > k2 else l2
    return Max(l1, l2)


def mk_imax(l1: Level, l2: Level) -> Level:
    """`imax` with Lean's local simplifications (mk_imax in level.cpp)."""
    if is_not_zero(l2):
        return mk_max(l1, l2)
    if is_zero(l2):
        return l2
    if is_zero(l1):
        return l2
    if l1 == l2:
        return l1
    return IMax(l1, l2)


def _is_norm_lt(a: Level, b: Level) -> bool:
    """Lean's total order on normalized `max` arguments (is_norm_lt)."""
    if a is b:
        return False
    l1, k1 = to_offset(a)
    l2, k2 = to_offset(b)
    if l1 != l2:
        o1, o2 = _KIND_ORDER[type(l1)], _KIND_ORDER[type(l2)]
        if o1 != o2:
            return o1 < o2
        if type(l1) is Param or type(l1) is LMVar:
            return l1.name < l2.name
        if l1.lhs != l2.lhs:
            return _is_norm_lt(l1.lhs, l2.lhs)
        return _is_norm_lt(l1.rhs, l2.rhs)
    return k1 < k2


def _push_max_args(l: Level, out: list[Level]) -> None:
    if type(l) is Max:
        _push_max_args(l.lhs, out)
        _push_max_args(l.rhs, out)
    else:
        out.append(l)


def _sort_norm(args: list[Level]) -> list[Level]:
    # insertion sort with the strict order: lists are tiny and the order is
    # not a key function (it recurses structurally)
    out: list[Level] = []
    for a in args:
        i = len(out)
        while i > 0 and _is_norm_lt(a, out[i - 1]):
            i -= 1
        out.insert(i, a)
    return out


def normalize(l: Level) -> Level:
    """Lean's normal form: offsets pushed out, `max` flattened, sorted, subsumed arguments dropped."""
    r, k = to_offset(l)
    t = type(r)
    if t is Zero or t is Param or t is LMVar:
        return l
    if t is IMax:
        return mk_succ(mk_imax(normalize(r.lhs), normalize(r.rhs)), k)
    todo: list[Level] = []
    _push_max_args(r, todo)
    args: list[Level] = []
    for a in todo:
        _push_max_args(normalize(a), args)
    args = _sort_norm(args)
    i = 0
    if is_explicit(args[i]):
        while i + 1 < len(args) and is_explicit(args[i + 1]):
            i += 1
        explicit_k = to_offset(args[i])[1]
        # an explicit universe k is subsumed by succ^k' l with k' >= k
        j = i + 1
        while j < len(args) and to_offset(args[j])[1] < explicit_k:
            j += 1
        if j < len(args):
            i += 1
    rargs = [args[i]]
    prev = to_offset(args[i])
    i += 1
    while i < len(args):
        cur = to_offset(args[i])
        if prev[0] == cur[0]:
            if prev[1] < cur[1]:
                prev = cur
                rargs[-1] = args[i]
        else:
            prev = cur
            rargs.append(args[i])
        i += 1
    rargs = [mk_succ(a, k) for a in rargs]
    result = rargs[-1]
    for a in reversed(rargs[:-1]):
        result = mk_max(a, result)
    return result


def is_equiv(l1: Level, l2: Level) -> bool:
    """Same level under every assignment (sound; complete except for some `imax`)."""
    return l1 == l2 or normalize(l1) == normalize(l2)


def is_equiv_lists(ls1: Iterable[Level], ls2: Iterable[Level]) -> bool:
    ls1, ls2 = tuple(ls1), tuple(ls2)
    return len(ls1) == len(ls2) and all(is_equiv(a, b) for a, b in zip(ls1, ls2))


def _geq_core(l1: Level, l2: Level) -> bool:
    if l1 == l2 or is_zero(l2):
        return True
    if type(l2) is Max:
        return geq(l1, l2.lhs) and geq(l1, l2.rhs)
    if type(l1) is Max and (geq(l1.lhs, l2) or geq(l1.rhs, l2)):
        return True
    if type(l2) is IMax:
        return geq(l1, l2.lhs) and geq(l1, l2.rhs)
    if type(l1) is IMax:
        return geq(l1.rhs, l2)
    b1, k1 = to_offset(l1)
    b2, k2 = to_offset(l2)
    if b1 == b2 or is_zero(b2):
        return k1 >= k2
    if k1 == k2 and k1 > 0:
        return geq(b1, b2)
    return False


def geq(l1: Level, l2: Level) -> bool:
    """`l1 >= l2` under every assignment (sound, incomplete as in Lean)."""
    return _geq_core(normalize(l1), normalize(l2))


def instantiate(l: Level, subst: Mapping[str, Level]) -> Level:
    """Replace parameters by levels (`instantiate_lparams`), simplifying as Lean does."""
    t = type(l)
    if t is Param:
        return subst.get(l.name, l)
    if t is Succ:
        return Succ(instantiate(l.of, subst))
    if t is Max:
        return mk_max(instantiate(l.lhs, subst), instantiate(l.rhs, subst))
    if t is IMax:
        return mk_imax(instantiate(l.lhs, subst), instantiate(l.rhs, subst))
    return l


def evaluate(l: Level, assignment: Mapping[str, int]) -> int:
    """The natural number a level denotes under an assignment of its parameters (for tests)."""
    t = type(l)
    if t is Zero:
        return 0
    if t is Succ:
        return evaluate(l.of, assignment) + 1
    if t is Max:
        return max(evaluate(l.lhs, assignment), evaluate(l.rhs, assignment))
    if t is IMax:
        r = evaluate(l.rhs, assignment)
        return 0 if r == 0 else max(evaluate(l.lhs, assignment), r)
    if t is Param:
        return assignment[l.name]
    raise ValueError(f"cannot evaluate level metavariable ?{l.name}")


def to_str(l: Level) -> str:
    """Lean's notation: `0`, `u+1`, `max u v`, `imax u v`."""
    base, k = to_offset(l)
    t = type(base)
    if t is Zero:
        return str(k)
    if t is Param:
        s = base.name
    elif t is LMVar:
        s = "?" + base.name
    else:
        kw = "max" if t is Max else "imax"
        s = f"{kw} {_arg_str(base.lhs)} {_arg_str(base.rhs)}"
        if k:
            s = f"({s})"
    return f"{s}+{k}" if k else s


def _arg_str(l: Level) -> str:
    s = to_str(l)
    base, k = to_offset(l)
    if type(base) in (Max, IMax) or (k and type(base) is not Zero):
        return f"({s})"
    return s
