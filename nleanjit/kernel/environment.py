"""The environment: a map from names to checked `ConstantInfo`s.

In: declarations (declaration.py). Out: the environment grows by the checked
constants. `Environment.add(decl)` type-checks the declaration with a fresh
`TypeChecker` and a fresh `Fuel` budget, and either adds every constant the
declaration produces (an inductive adds its types, constructors and
recursors) or raises a `KernelError` naming the declaration and adds nothing.
So a failing declaration never changes the environment: the elaborator can
report it and go on with the next one.
"""

from __future__ import annotations

import sys
from collections import ChainMap
from typing import Iterator

from nleanjit.kernel import errors as E
from nleanjit.kernel import expr as X
from nleanjit.kernel.declaration import (
    AxiomDecl,
    AxiomInfo,
    ConstantInfo,
    DefinitionDecl,
    DefinitionInfo,
    InductiveDecl,
    OpaqueDecl,
    OpaqueInfo,
    QuotDecl,
    Safety,
    TheoremDecl,
    TheoremInfo,
)
from nleanjit.kernel.fuel import DEFAULT_FUEL, Fuel


class Environment:
    """Checked constants by name. Mutable: `add` extends it in place, atomically per declaration."""

    def __init__(self, fuel: Fuel = DEFAULT_FUEL):
        self._constants: dict[str, ConstantInfo] | ChainMap = {}
        self.fuel = fuel
        self.quot_initialized = False

    # --- lookup ------------------------------------------------------------
    def find(self, name: str) -> ConstantInfo | None:
        return self._constants.get(name)

    def get(self, name: str) -> ConstantInfo:
        info = self._constants.get(name)
        if info is None:
            raise E.UnknownConstant(f"unknown constant '{name}'", name=name)
        return info

    def __contains__(self, name: str) -> bool:
        return name in self._constants

    def __len__(self) -> int:
        return len(self._constants)

    def names(self) -> Iterator[str]:
        return iter(self._constants)

    # --- staging (used by inductive.py / quot.py) --------------------------
    def staged(self) -> "Environment":
        """A child environment seeing this one; its additions stay apart until `commit_from`."""
        child = Environment.__new__(Environment)
        child._constants = ChainMap({}, self._constants)
        child.fuel = self.fuel
        child.quot_initialized = self.quot_initialized
        return child

    def commit_from(self, child: "Environment") -> None:
        new = child._constants.maps[0]
        for name in new:
            if name in self._constants:
                raise E.AlreadyDeclared(f"'{name}' has already been declared", decl_name=name)
        self._constants.update(new)
        self.quot_initialized = child.quot_initialized

    def add_core(self, info: ConstantInfo) -> None:
        """Insert without checking (trusted callers only: the inductive and quotient modules)."""
        if info.name in self._constants:
            raise E.AlreadyDeclared(f"'{info.name}' has already been declared", decl_name=info.name)
        self._constants[info.name] = info

    # --- checked addition ----------------------------------------------------
    def add(self, decl, fuel: Fuel | None = None) -> None:
        """Type-check `decl` and add what it declares, or raise a `KernelError` and add nothing."""
        fuel = fuel or self.fuel
        name = getattr(decl, "name", None) if not isinstance(decl, QuotDecl) else "Quot"
        old_limit = sys.getrecursionlimit()
        if old_limit < fuel.python_recursion_limit:
            sys.setrecursionlimit(fuel.python_recursion_limit)
        try:
            self._add(decl, fuel)
        except E.KernelError as err:
            if err.decl_name is None:
                err.decl_name = name
            raise
        except RecursionError:
            raise E.DeepRecursion("Python stack exhausted while checking", decl_name=name) from None
        finally:
            if old_limit < fuel.python_recursion_limit:
                sys.setrecursionlimit(old_limit)

    def _add(self, decl, fuel: Fuel) -> None:
        from nleanjit.kernel.typechecker import TypeChecker

        if isinstance(decl, QuotDecl):
            from nleanjit.kernel.quot import add_quot

            add_quot(self, fuel)
            return
        if isinstance(decl, InductiveDecl):
            from nleanjit.kernel.inductive import add_inductive

            add_inductive(self, decl, fuel)
            return
        if not isinstance(decl, (AxiomDecl, DefinitionDecl, TheoremDecl, OpaqueDecl)):
            raise E.InvalidDeclaration(f"not a kernel declaration: {type(decl).__name__}")
        check_header(self, decl.name, decl.level_params, decl.type)
        if isinstance(decl, AxiomDecl):
            safety = Safety.UNSAFE if decl.is_unsafe else Safety.SAFE
            tc = TypeChecker(self, fuel=fuel, safety=safety, level_params=decl.level_params, decl_name=decl.name)
            tc.check_type(decl.type)
            self.add_core(AxiomInfo(decl.name, tuple(decl.level_params), decl.type, decl.is_unsafe))
            return
        check_closed(decl.name, decl.value)
        if isinstance(decl, DefinitionDecl):
            info = DefinitionInfo(decl.name, tuple(decl.level_params), decl.type, decl.value, decl.hints, decl.safety)
            if decl.safety is Safety.UNSAFE:
                # unsafe definitions may be recursive: add the header first, then check the body
                tc = TypeChecker(self, fuel=fuel, safety=decl.safety, level_params=decl.level_params, decl_name=decl.name)
                tc.check_type(decl.type)
                staged = self.staged()
                staged.add_core(info)
                tc = TypeChecker(staged, fuel=fuel, safety=decl.safety, level_params=decl.level_params, decl_name=decl.name)
                _check_value(tc, decl)
                self.commit_from(staged)
                return
            tc = TypeChecker(self, fuel=fuel, safety=decl.safety, level_params=decl.level_params, decl_name=decl.name)
            tc.check_type(decl.type)
            _check_value(tc, decl)
            self.add_core(info)
            return
        unsafe = isinstance(decl, OpaqueDecl) and decl.is_unsafe
        safety = Safety.UNSAFE if unsafe else Safety.SAFE
        tc = TypeChecker(self, fuel=fuel, safety=safety, level_params=decl.level_params, decl_name=decl.name)
        tc.check_type(decl.type)
        _check_value(tc, decl)
        if isinstance(decl, TheoremDecl):
            self.add_core(TheoremInfo(decl.name, tuple(decl.level_params), decl.type, decl.value))
        else:
            self.add_core(OpaqueInfo(decl.name, tuple(decl.level_params), decl.type, decl.value, unsafe))


def _check_value(tc, decl) -> None:
    val_type = tc.check(decl.value)
    if not tc.is_def_eq(val_type, decl.type):
        raise E.DefinitionTypeMismatch(
            f"'{decl.name}' has type {decl.type} but its value has type {val_type}",
            decl_name=decl.name,
            expected=decl.type,
            given=val_type,
        )


def check_closed(name: str, e) -> None:
    if not isinstance(e, X.Expr):
        raise E.InvalidDeclaration(f"expected a kernel expression, got {type(e).__name__}", decl_name=name)
    if e.has_fvar:
        raise E.DeclHasFreeVars(f"'{name}' contains free variables", decl_name=name)
    if e.has_mvar:
        raise E.DeclHasMetavars(f"'{name}' contains metavariables", decl_name=name)
    if e.bvar_range:
        raise E.LooseBoundVariable(f"'{name}' contains loose bound variables", decl_name=name)


def check_header(env: Environment, name: str, level_params, type_: X.Expr) -> None:
    """The checks common to every declaration: fresh name, distinct universe parameters, closed type."""
    if not isinstance(name, str) or not name:
        raise E.InvalidDeclaration(f"declaration name must be a non-empty string, got {name!r}", decl_name=str(name))
    if name in env:
        raise E.AlreadyDeclared(f"'{name}' has already been declared", decl_name=name)
    seen = set()
    for p in level_params:
        if not isinstance(p, str):
            raise E.InvalidDeclaration(f"universe parameter must be a string, got {p!r}", decl_name=name)
        if p in seen:
            raise E.DuplicateLevelParam(f"'{p}'", decl_name=name)
        seen.add(p)
    check_closed(name, type_)
