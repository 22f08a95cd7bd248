"""The λRC intermediate representation: frozen data classes only.

What goes in: nothing (this is the vocabulary). What comes out: the IR that
every pass in `nleanjit/compiler/` takes and returns, and that
`nleanjit/codegen/llvm.py` turns into LLVM IR.

This is Lean 4's IR (`src/Lean/Compiler/IR/Basic.lean`, the "Counting
Immutable Beans" paper) in Python: a first-order language in A-normal form
with explicit constructors, projections, join points and — after the RC
pass — explicit `inc`/`dec`. Bodies are linked lists of instructions ending
in a terminal (`ret`, `jmp`, `case`, `unreachable`), exactly as Lean's
`FnBody`, so a pass is a structural recursion over one body.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from typing import Union


class IRType(enum.Enum):
    """Representation of a value at run time (Lean's `IRType`)."""

    FLOAT = "float"
    UINT8 = "u8"
    UINT16 = "u16"
    UINT32 = "u32"
    UINT64 = "u64"
    USIZE = "usize"
    IRRELEVANT = "◾"
    OBJECT = "obj"  # a pointer to a heap object (never a scalar box)
    TOBJECT = "tobj"  # a heap object or a tagged scalar (small Nat, enum box)

    @property
    def is_obj(self) -> bool:
        """Values that may carry a reference count (Lean's `IRType.isObj`)."""
        return self in (IRType.OBJECT, IRType.TOBJECT)

    @property
    def is_scalar(self) -> bool:
        return not self.is_obj and self is not IRType.IRRELEVANT

    @property
    def byte_size(self) -> int:
        return {
            IRType.FLOAT: 8, IRType.UINT8: 1, IRType.UINT16: 2, IRType.UINT32: 4,
            IRType.UINT64: 8, IRType.USIZE: 8,
        }.get(self, 8)


@dataclass(frozen=True, order=True)
class VarId:
    idx: int


@dataclass(frozen=True, order=True)
class JoinPointId:
    idx: int


@dataclass(frozen=True)
class Irrelevant:
    """An erased argument (types, proofs); passed as `box(0)`."""


IRRELEVANT = Irrelevant()
Arg = Union[VarId, Irrelevant]


@dataclass(frozen=True)
class CtorInfo:
    """A constructor as the back end sees it (Lean's `CtorInfo`).

    `size`: boxed fields; `usize`: `USize` fields; `ssize`: bytes of the other
    scalar fields. A constructor with all three zero is represented as
    `box(cidx)`.
    """

    name: str
    cidx: int
    size: int = 0
    usize: int = 0
    ssize: int = 0

    @property
    def is_scalar(self) -> bool:
        return self.size == 0 and self.usize == 0 and self.ssize == 0

    def same_shape(self, other: "CtorInfo") -> bool:
        """Two constructors can share a memory cell (reset/reuse)."""
        return (self.size, self.usize, self.ssize) == (other.size, other.usize, other.ssize)


# ---------------------------------------------------------------- expressions


@dataclass(frozen=True)
class Ctor:
    info: CtorInfo
    args: tuple[Arg, ...]


@dataclass(frozen=True)
class Reset:
    """`reset[n] x`: if x is unique, drop its n fields and keep the cell; else dec x."""

    n: int
    x: VarId


@dataclass(frozen=True)
class Reuse:
    """`reuse x in ctor ...`: fill the cell kept by `reset` (or allocate if none)."""

    x: VarId
    info: CtorInfo
    update_header: bool
    args: tuple[Arg, ...]


@dataclass(frozen=True)
class Proj:
    i: int
    x: VarId


@dataclass(frozen=True)
class UProj:
    i: int
    x: VarId


@dataclass(frozen=True)
class SProj:
    """Scalar field at byte `offset` after the first `n` word-sized fields."""

    n: int
    offset: int
    x: VarId


@dataclass(frozen=True)
class FAp:
    """Full application of a declaration."""

    fn: str
    args: tuple[Arg, ...]


@dataclass(frozen=True)
class PAp:
    """Partial application: a closure over a declaration."""

    fn: str
    args: tuple[Arg, ...]


@dataclass(frozen=True)
class Ap:
    """Application of a closure value."""

    x: VarId
    args: tuple[Arg, ...]


@dataclass(frozen=True)
class Box:
    """Box a scalar of type `ty` (the target variable has an object type)."""

    ty: IRType
    x: VarId


@dataclass(frozen=True)
class Unbox:
    x: VarId


@dataclass(frozen=True)
class NumLit:
    value: int


@dataclass(frozen=True)
class StrLit:
    value: str


@dataclass(frozen=True)
class IsShared:
    x: VarId


Expr = Union[Ctor, Reset, Reuse, Proj, UProj, SProj, FAp, PAp, Ap, Box, Unbox, NumLit, StrLit, IsShared]


# ---------------------------------------------------------------- bodies


@dataclass(frozen=True)
class Param:
    x: VarId
    borrow: bool
    ty: IRType


@dataclass(frozen=True)
class VDecl:
    x: VarId
    ty: IRType
    e: Expr
    b: "FnBody"


@dataclass(frozen=True)
class JDecl:
    """A join point: a local continuation `j params := v`, in scope in `b`."""

    j: JoinPointId
    params: tuple[Param, ...]
    v: "FnBody"
    b: "FnBody"


@dataclass(frozen=True)
class Set:
    x: VarId
    i: int
    y: Arg
    b: "FnBody"


@dataclass(frozen=True)
class USet:
    x: VarId
    i: int
    y: VarId
    b: "FnBody"


@dataclass(frozen=True)
class SSet:
    x: VarId
    n: int
    offset: int
    y: VarId
    ty: IRType
    b: "FnBody"


@dataclass(frozen=True)
class SetTag:
    x: VarId
    cidx: int
    b: "FnBody"


@dataclass(frozen=True)
class Inc:
    """Add `n` references to x; `check`: x may be a scalar box."""

    x: VarId
    n: int
    check: bool
    b: "FnBody"


@dataclass(frozen=True)
class Dec:
    x: VarId
    n: int
    check: bool
    b: "FnBody"


@dataclass(frozen=True)
class Del:
    """Free the cell of x without touching its fields."""

    x: VarId
    b: "FnBody"


@dataclass(frozen=True)
class AltCtor:
    info: CtorInfo
    body: "FnBody"


@dataclass(frozen=True)
class AltDefault:
    body: "FnBody"


Alt = Union[AltCtor, AltDefault]


@dataclass(frozen=True)
class Case:
    """Branch on the constructor index of x (`x_ty` says how to read it)."""

    tid: str
    x: VarId
    x_ty: IRType
    alts: tuple[Alt, ...]


@dataclass(frozen=True)
class Jmp:
    j: JoinPointId
    args: tuple[Arg, ...]


@dataclass(frozen=True)
class Ret:
    x: Arg


@dataclass(frozen=True)
class Unreachable:
    pass


FnBody = Union[VDecl, JDecl, Set, USet, SSet, SetTag, Inc, Dec, Del, Case, Jmp, Ret, Unreachable]
TERMINALS = (Case, Jmp, Ret, Unreachable)


# ---------------------------------------------------------------- declarations


@dataclass(frozen=True)
class FDecl:
    name: str
    params: tuple[Param, ...]
    ty: IRType
    body: FnBody


@dataclass(frozen=True)
class Extern:
    """A function implemented in C (the runtime): `symbol` is its C name."""

    name: str
    params: tuple[Param, ...]
    ty: IRType
    symbol: str


Decl = Union[FDecl, Extern]


def with_body(instr: FnBody, b: FnBody) -> FnBody:
    """Replace the continuation of a non-terminal instruction."""
    return dataclasses.replace(instr, b=b)


def expr_vars(e: Expr) -> list[VarId]:
    """Variables an expression reads, in order (with repeats)."""
    if isinstance(e, (Ctor, FAp, PAp)):
        return [a for a in e.args if isinstance(a, VarId)]
    if isinstance(e, Reuse):
        return [e.x] + [a for a in e.args if isinstance(a, VarId)]
    if isinstance(e, Ap):
        return [e.x] + [a for a in e.args if isinstance(a, VarId)]
    if isinstance(e, (Reset, Proj, UProj, SProj, Box, Unbox, IsShared)):
        return [e.x]
    return []


def max_index(decl: Decl) -> int:
    """Largest variable or join-point index used in a declaration (for fresh ids)."""
    best = max((p.x.idx for p in decl.params), default=0)
    if isinstance(decl, Extern):
        return best

    def go(b: FnBody) -> int:
        m = 0
        while True:
            if isinstance(b, VDecl):
                m = max(m, b.x.idx)
            elif isinstance(b, JDecl):
                m = max(m, b.j.idx, go(b.v), *(p.x.idx for p in b.params))
            elif isinstance(b, Case):
                return max(m, *(go(a.body) for a in b.alts)) if b.alts else m
            if isinstance(b, TERMINALS):
                return m
            b = b.b

    return max(best, go(decl.body))
