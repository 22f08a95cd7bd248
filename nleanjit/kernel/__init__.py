"""The kernel: a small, trusted checker for Lean 4's core type theory.

Every declaration the elaborator produces goes through `Environment.add`.
What the elaborator calls:

    from nleanjit.kernel import *

    env = Environment()                      # or Environment(fuel=Fuel(max_steps=...))
    env.add(InductiveDecl(("u",), 1, (InductiveType("List", ty, (Constructor(...), ...)),)))
    env.add(DefinitionDecl("f", (), ty, value, ReducibilityHints.regular(1)))
    env.add(TheoremDecl(...)); env.add(AxiomDecl(...)); env.add(OpaqueDecl(...)); env.add(QuotDecl())
        # checks the declaration and adds its constants (types, constructors,
        # recursors `T.rec` and, for nested types, `T.rec_1`...), or raises a
        # KernelError subclass (errors.py) naming the declaration, adding nothing.
    env.find(name) / env.get(name)           # ConstantInfo (declaration.py)

    tc = TypeChecker(env, lctx)              # lctx: LocalContext for free variables (optional)
    tc.infer(e)   tc.check(e)   tc.check_type(e)
    tc.whnf(e)    tc.whnf_core(e)   tc.is_def_eq(a, b)   tc.is_prop(t)
    tc.mk_fvar(name, type) / tc.mk_pi(fvars, body) / tc.mk_lambda(fvars, body)

Terms (expr.py): BVar, FVar, MVar, Sort, Const, App, Lam, Pi, Let, NatLit,
StrLit, MData, Proj, with instantiate / abstract / lift / lower /
instantiate_level_params. Levels (level.py): Zero, Succ, Max, IMax, Param,
with normalize, is_equiv, geq. Printing (printer.py): expr_to_str,
constant_to_str. Limits (fuel.py): Fuel. Design and the differences from
Lean's kernel: docs/KERNEL.md.
"""

from nleanjit.kernel import level
from nleanjit.kernel.declaration import (
    ABBREV_HINTS,
    OPAQUE_HINTS,
    AxiomDecl,
    AxiomInfo,
    ConstantInfo,
    Constructor,
    ConstructorInfo,
    DefinitionDecl,
    DefinitionInfo,
    HintKind,
    InductiveDecl,
    InductiveInfo,
    InductiveType,
    OpaqueDecl,
    OpaqueInfo,
    QuotDecl,
    QuotInfo,
    QuotKind,
    RecursorInfo,
    RecursorRule,
    ReducibilityHints,
    Safety,
    TheoremDecl,
    TheoremInfo,
)
from nleanjit.kernel.environment import Environment
from nleanjit.kernel.errors import *  # noqa: F401,F403  (one class per failure kind)
from nleanjit.kernel.expr import (
    DEFAULT,
    IMPLICIT,
    INST_IMPLICIT,
    PROP,
    STRICT_IMPLICIT,
    TYPE,
    App,
    BinderInfo,
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
    abstract,
    arrow,
    get_app_args,
    get_app_fn,
    instantiate,
    instantiate_level_params,
    instantiate_rev,
    lift_loose_bvars,
    lower_loose_bvars,
    mk_app,
)
from nleanjit.kernel.fuel import DEFAULT_FUEL, Fuel
from nleanjit.kernel.level import IMax, Level, LMVar, Max, Param, Succ, Zero
from nleanjit.kernel.local_context import LocalContext, LocalDecl
from nleanjit.kernel.printer import constant_to_str, expr_to_str
from nleanjit.kernel.typechecker import TypeChecker, TypeCheckerCache
