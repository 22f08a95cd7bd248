"""Declarations (what the elaborator hands to the kernel) and constant infos (what the environment stores).

In: `AxiomDecl`, `DefinitionDecl`, `TheoremDecl`, `OpaqueDecl`, `QuotDecl`,
`InductiveDecl` (a mutual block of `InductiveType`s with `Constructor`s).
Out, after checking (environment.py / inductive.py / quot.py): `ConstantInfo`
records — `AxiomInfo`, `DefinitionInfo`, `TheoremInfo`, `OpaqueInfo`,
`QuotInfo`, `InductiveInfo`, `ConstructorInfo`, `RecursorInfo` (with its
`RecursorRule`s) — mirroring Lean 4's `ConstantInfo`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from nleanjit.kernel.expr import Expr


# --- reducibility hints ------------------------------------------------------

class HintKind(enum.IntEnum):
    OPAQUE = 0
    ABBREV = 1
    REGULAR = 2


@dataclass(frozen=True, slots=True)
class ReducibilityHints:
    """Guides lazy delta reduction: the side with the greater `height` unfolds first;
    `abbrev` unfolds before anything, `opaque` after everything (never first)."""

    kind: HintKind
    height: int = 0

    @staticmethod
    def regular(height: int) -> "ReducibilityHints":
        return ReducibilityHints(HintKind.REGULAR, height)

    def __str__(self) -> str:
        if self.kind is HintKind.REGULAR:
            return f"regular {self.height}"
        return self.kind.name.lower()


OPAQUE_HINTS = ReducibilityHints(HintKind.OPAQUE)
ABBREV_HINTS = ReducibilityHints(HintKind.ABBREV)


def compare_hints(h1: ReducibilityHints, h2: ReducibilityHints) -> int:
    """<0: unfold the first side; >0: unfold the second; 0: unfold both (Lean's `compare`)."""
    if h1.kind == h2.kind:
        if h1.kind is HintKind.REGULAR:
            if h1.height == h2.height:
                return 0
            return -1 if h1.height > h2.height else 1
        return 0
    if h1.kind is HintKind.OPAQUE:
        return 1
    if h2.kind is HintKind.OPAQUE:
        return -1
    if h1.kind is HintKind.ABBREV:
        return -1
    if h2.kind is HintKind.ABBREV:
        return 1
    return 0


class Safety(enum.Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"
    PARTIAL = "partial"


# --- declarations (input) ----------------------------------------------------

@dataclass(frozen=True)
class AxiomDecl:
    name: str
    level_params: tuple[str, ...]
    type: Expr
    is_unsafe: bool = False


@dataclass(frozen=True)
class DefinitionDecl:
    name: str
    level_params: tuple[str, ...]
    type: Expr
    value: Expr
    hints: ReducibilityHints = ReducibilityHints(HintKind.REGULAR, 1)
    safety: Safety = Safety.SAFE


@dataclass(frozen=True)
class TheoremDecl:
    name: str
    level_params: tuple[str, ...]
    type: Expr
    value: Expr


@dataclass(frozen=True)
class OpaqueDecl:
    name: str
    level_params: tuple[str, ...]
    type: Expr
    value: Expr
    is_unsafe: bool = False


@dataclass(frozen=True)
class QuotDecl:
    """Adds `Quot`, `Quot.mk`, `Quot.lift`, `Quot.ind` (needs `Eq` declared first)."""


@dataclass(frozen=True)
class Constructor:
    name: str
    type: Expr


@dataclass(frozen=True)
class InductiveType:
    name: str
    type: Expr
    constructors: tuple[Constructor, ...]


@dataclass(frozen=True)
class InductiveDecl:
    """A (possibly mutual, possibly nested) block of inductive types sharing `num_params` parameters."""

    level_params: tuple[str, ...]
    num_params: int
    types: tuple[InductiveType, ...]
    is_unsafe: bool = False

    @property
    def name(self) -> str:
        return self.types[0].name if self.types else "<empty inductive>"


Declaration = AxiomDecl | DefinitionDecl | TheoremDecl | OpaqueDecl | QuotDecl | InductiveDecl


# --- constant infos (stored) -------------------------------------------------

@dataclass(frozen=True)
class ConstantInfo:
    name: str
    level_params: tuple[str, ...]
    type: Expr

    @property
    def is_unsafe(self) -> bool:
        return False

    @property
    def value(self) -> Expr | None:
        return None


@dataclass(frozen=True)
class AxiomInfo(ConstantInfo):
    unsafe: bool = False

    @property
    def is_unsafe(self) -> bool:
        return self.unsafe


@dataclass(frozen=True)
class DefinitionInfo(ConstantInfo):
    val: Expr = None
    hints: ReducibilityHints = ReducibilityHints(HintKind.REGULAR, 1)
    safety: Safety = Safety.SAFE

    @property
    def value(self) -> Expr:
        return self.val

    @property
    def is_unsafe(self) -> bool:
        return self.safety is Safety.UNSAFE


@dataclass(frozen=True)
class TheoremInfo(ConstantInfo):
    val: Expr = None

    @property
    def value(self) -> Expr:
        return self.val


@dataclass(frozen=True)
class OpaqueInfo(ConstantInfo):
    val: Expr = None
    unsafe: bool = False

    @property
    def is_unsafe(self) -> bool:
        return self.unsafe


class QuotKind(enum.Enum):
    TYPE = "Quot"
    CTOR = "Quot.mk"
    LIFT = "Quot.lift"
    IND = "Quot.ind"


@dataclass(frozen=True)
class QuotInfo(ConstantInfo):
    kind: QuotKind = QuotKind.TYPE


@dataclass(frozen=True)
class InductiveInfo(ConstantInfo):
    num_params: int = 0
    num_indices: int = 0
    all: tuple[str, ...] = ()
    constructors: tuple[str, ...] = ()
    num_nested: int = 0
    """How many auxiliary types the nested-to-mutual translation introduced (0: not nested)."""
    is_rec: bool = False
    is_reflexive: bool = False
    unsafe: bool = False

    @property
    def is_unsafe(self) -> bool:
        return self.unsafe


@dataclass(frozen=True)
class ConstructorInfo(ConstantInfo):
    induct: str = ""
    cidx: int = 0
    num_params: int = 0
    num_fields: int = 0
    unsafe: bool = False

    @property
    def is_unsafe(self) -> bool:
        return self.unsafe


@dataclass(frozen=True)
class RecursorRule:
    """`rec params motives minors indices (ctor params fields) ≡ rhs params motives minors fields`."""

    ctor: str
    num_fields: int
    rhs: Expr


@dataclass(frozen=True)
class RecursorInfo(ConstantInfo):
    all: tuple[str, ...] = ()
    num_params: int = 0
    num_indices: int = 0
    num_motives: int = 0
    num_minors: int = 0
    rules: tuple[RecursorRule, ...] = ()
    k: bool = False
    unsafe: bool = False
    major_induct: str = ""
    """The inductive type of the major premise (for a nested auxiliary recursor, the outer type: `List`)."""

    @property
    def major_idx(self) -> int:
        return self.num_params + self.num_motives + self.num_minors + self.num_indices

    @property
    def is_unsafe(self) -> bool:
        return self.unsafe

    def rule_for(self, ctor_name: str) -> RecursorRule | None:
        for r in self.rules:
            if r.ctor == ctor_name:
                return r
        return None
