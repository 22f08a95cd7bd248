"""Named limits for the kernel: one frozen data class, passed explicitly.

A `Fuel` goes into `TypeChecker` / `Environment.add`; running past a limit
raises `DeterministicTimeout` or `DeepRecursion` (errors.py), never a hang or
a Python `RecursionError`. The counters are per declaration, so the verdict on
a declaration does not depend on what was checked before it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fuel:
    max_recursion_depth: int = 2000
    """Nesting depth of `infer`/`whnf`/`is_def_eq` calls inside one another.
    Lean: 'maximum recursion depth has been reached'."""

    max_steps: int = 2_000_000
    """Total reduction and conversion steps (whnf loop turns, delta unfoldings,
    is_def_eq calls) for one declaration. Lean: '(kernel) deterministic timeout'."""

    max_pow_exponent: int = 1 << 24
    """`Nat.pow` on literals is computed only when the exponent is below this,
    as Lean's kernel does; above it the term is left to the ordinary rules."""

    max_literal_bits: int = 1 << 26
    """Results of literal arithmetic larger than this many bits raise
    `DeterministicTimeout` instead of exhausting memory (a shift left by 2^40)."""

    python_recursion_limit: int = 30_000
    """Python's own stack limit while the kernel runs; deep terms recurse in
    traversals that are not counted by `max_recursion_depth`."""


DEFAULT_FUEL = Fuel()
