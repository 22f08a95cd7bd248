"""Typed kernel failures: one exception class per kind of failure.

Every error carries the name of the declaration being checked (`decl_name`,
filled in by `Environment.add` when the checker itself did not know it) and
the structured pieces of the failure (expressions, names, indices). `str(err)`
renders a message in the words of Lean's kernel (`(kernel) ...`); only the
edges of the program (CLI, server, elaborator diagnostics) should show it.
"""

from __future__ import annotations


class KernelError(Exception):
    """Base of all kernel failures. `decl_name` is the declaration being added."""

    what = "kernel error"

    def __init__(self, detail: str = "", *, decl_name: str | None = None, **fields):
        super().__init__(detail)
        self.detail = detail
        self.decl_name = decl_name
        self.fields = fields

    def __str__(self) -> str:
        where = f" in '{self.decl_name}'" if self.decl_name else ""
        body = f": {self.detail}" if self.detail else ""
        return f"(kernel) {self.what}{where}{body}"


# --- environment -------------------------------------------------------------

class UnknownConstant(KernelError):
    what = "unknown constant"


class AlreadyDeclared(KernelError):
    what = "already declared"


class InvalidDeclaration(KernelError):
    """The declaration object itself is malformed (wrong Python types, closed-term violations)."""

    what = "invalid declaration"


class DuplicateLevelParam(KernelError):
    what = "duplicate universe level parameter"


class UndefinedLevelParam(KernelError):
    what = "invalid reference to undefined universe level parameter"


class IncorrectNumberOfLevels(KernelError):
    what = "incorrect number of universe levels"


class DeclHasFreeVars(KernelError):
    what = "declaration has free variables"


class DeclHasMetavars(KernelError):
    what = "declaration has metavariables"


class UnsafeReference(KernelError):
    what = "invalid declaration, it uses unsafe declaration"


# --- type checker ------------------------------------------------------------

class LooseBoundVariable(KernelError):
    what = "unexpected loose bound variable"


class UnknownFreeVariable(KernelError):
    what = "unknown free variable"


class TypeExpected(KernelError):
    what = "type expected"


class FunctionExpected(KernelError):
    what = "function expected"


class AppTypeMismatch(KernelError):
    what = "application type mismatch"


class LetTypeMismatch(KernelError):
    what = "let type mismatch"


class DefinitionTypeMismatch(KernelError):
    what = "declaration type mismatch"


class InvalidProjection(KernelError):
    what = "invalid projection"


# --- inductive types ---------------------------------------------------------

class InductiveError(KernelError):
    """Base for failures of the checks on inductive declarations."""

    what = "invalid inductive declaration"


class InvalidInductiveType(InductiveError):
    what = "invalid inductive type"


class NonPositiveOccurrence(InductiveError):
    what = "non positive occurrence of the datatypes being declared"


class NonValidOccurrence(InductiveError):
    what = "non valid occurrence of the datatypes being declared"


class UniverseTooBig(InductiveError):
    what = "universe level of constructor argument is too big for the corresponding inductive datatype"


class InvalidConstructorReturn(InductiveError):
    what = "invalid return type for constructor"


class ConstructorParamMismatch(InductiveError):
    what = "constructor parameter does not match inductive datatype parameters"


class InvalidNestedInductive(InductiveError):
    what = "invalid nested inductive datatype"


class QuotientError(KernelError):
    what = "failed to initialize quotient module"


# --- fuel --------------------------------------------------------------------

class DeterministicTimeout(KernelError):
    """A step budget of `Fuel` ran out (Lean: `(kernel) deterministic timeout`)."""

    what = "deterministic timeout"


class DeepRecursion(KernelError):
    """The recursion-depth budget ran out (Lean: `(kernel) deep recursion detected`)."""

    what = "maximum recursion depth has been reached"
