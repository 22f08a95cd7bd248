"""Erasure: elaborated kernel definitions → λRC `Decl`s (first slice of the front half).

What goes in: the elaborated environment (`ElabEnv`: kernel constants,
attributes, `partial_impls`) and the names of the definitions to compile.
What comes out: `ir.FDecl`s for those definitions and every definition they
call, plus the `ir.Extern`s they use, ready for `compiler.pipeline`.

This slice erases and lowers in one walk (Lean's `toLCNF` + `toIR` folded
together, no separate ANF simplifier yet):

- types and proofs go: a binder or argument whose type is a sort, a type
  former or a proposition (decided with the kernel's type checker) is not
  passed at all; parameters of a function are those of its type's Π-telescope
  after `whnf`, so `main : IO Unit` gets its world parameter (eta-expansion);
- instances, projections and `@[reducible]`/`@[inline]` definitions are
  unfolded and beta-reduced at compile time, so `HAdd.hAdd Nat … (instHAdd …)`
  becomes `Nat.add`, and `Bind.bind IO …` becomes `EStateM.bind`'s `case`;
- externs: `Nat.add`/`sub`/`mul`/`div`/`mod`/`beq`/`ble`/`decEq`/`decLt`/
  `decLe`, `Nat.repr`, `String.append`/`push`, `IO.println`/`print` through
  the tables below (our prelude defines them in Lean); every other
  `@[extern "lean_…"]` symbol is read from the prelude's text
  (`prelude_extern_symbols`: the elaborator keeps the attribute, not the
  symbol) and mapped by `compiler.builtins`;
- `Bool`, `Decidable` are `u8`, `UInt8…64`/`USize` scalars; `ite`/`dite`
  are `case`s on the decision; `T.casesOn` is a `case` (on `Nat`: a test
  against zero and a predecessor; on `Int`: a sign test and `natAbs`);
- trivial structures (one constructor, one relevant field: `Fin`, `Subtype`,
  `Char`) are that field, as in Lean; `String` is a runtime string and its
  model's field `data` is `nl_string_to_list` (`String.mk`: `nl_string_of_list`);
  `Array`/`Float` through their constructors are refused (`ByteArray`, `FloatArray` are
  their model: a structure over an `Array`, since no byte-array extern is mapped);
- `T.rec` (one non-indexed inductive) becomes an auxiliary recursive
  function `f._rec_N` over the captured variables, the major premise and the
  motive's extra arguments; each `ih` is the recursive call on its field,
  made where the minor premise uses it (as the source's call was); when the
  motive is a function, an `ih` applied to all its arguments is the direct call
  `f._rec_N captured field args` (a loop when in tail position), and a `pap`
  only where the `ih` is used as a value;
- a `fun` used as a value is lambda-lifted (`f._lam_N` over its captured
  variables, a `pap`); partial applications are `pap`s, applications of
  local functions and of dictionary fields `ap`s;
- `partial` definitions are compiled from their `_unsafe_rec` implementation;
- `initialize x : T ← act` (the elaborator's `opaque x` + `x.initFn`) makes `x` a
  closed constant running `act`; `initializer_entry` wraps `main` so that every
  `initialize` runs first, in source order.

Anything else (indexed or mutual inductives, axioms and opaque constants,
constructors applied partially) raises `Unsupported(what, decl)`; the front end turns it
into "code generation for … is not supported yet".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from nleanjit.compiler import builtins
from nleanjit.compiler.ir import types as T
from nleanjit.kernel import expr as X
from nleanjit.kernel.declaration import (ConstructorInfo, DefinitionInfo, InductiveInfo, OpaqueInfo,
                                         RecursorInfo)
from nleanjit.kernel.local_context import LocalContext
from nleanjit.kernel.level import Succ, Zero
from nleanjit.kernel.typechecker import TypeChecker

O, TO, U8 = T.IRType.OBJECT, T.IRType.TOBJECT, T.IRType.UINT8


# universe parameters are instantiated at `1`: `Sort u` must not become `Prop`
# (its values would then look like proofs and be erased)
LEVEL_ONE = Succ(Zero())


class Unsupported(Exception):
    """A construct this slice cannot compile; `decl` is the definition being compiled."""

    def __init__(self, what: str, decl: str = ""):
        super().__init__(what)
        self.what = what
        self.decl = decl
        self.root = decl


# Lean's `@[extern]` symbols for definitions our prelude writes in Lean.
NAT_BINARY = {"Nat.add": "lean_nat_add", "Nat.sub": "lean_nat_sub", "Nat.mul": "lean_nat_mul",
              "Nat.div": "lean_nat_div", "Nat.mod": "lean_nat_mod", "Nat.pow": "lean_nat_pow",
              "Nat.gcd": "lean_nat_gcd", "Nat.beq": "lean_nat_dec_eq", "Nat.ble": "lean_nat_dec_le",
              "Nat.blt": "lean_nat_dec_lt", "Nat.decEq": "lean_nat_dec_eq", "Nat.decLt": "lean_nat_dec_lt",
              "Nat.decLe": "lean_nat_dec_le"}
OTHER_EXTERNS = {"Nat.repr": "lean_nat_repr", "String.append": "lean_string_append", "String.push": "lean_string_push",
                 "String.length": "lean_string_length", "String.decEq": "lean_string_dec_eq"}
IO_EXTERNS = {  # (name, IR name): our runtime's print functions take (string, world)
    "IO.println": T.Extern("IO.println", (T.Param(T.VarId(1), True, O), T.Param(T.VarId(2), True, O)), O,
                           "nl_io_put_str_ln"),
    "IO.print": T.Extern("IO.print", (T.Param(T.VarId(1), True, O), T.Param(T.VarId(2), True, O)), O,
                         "nl_io_put_str"),
    # a runtime string ↔ its model `String.mk (data : List Char)`
    "String.mk": T.Extern("String.mk", (T.Param(T.VarId(1), False, O),), O, "nl_string_of_list"),
    "String.data": T.Extern("String.data", (T.Param(T.VarId(1), True, O),), O, "nl_string_to_list"),
}


_EXTERN_ATTR = re.compile(r'@\[[^\]]*\bextern\s+"(\w+)"[^\]]*\]\s*(?:(?:protected|private|noncomputable|unsafe)\s+)*'
                          r'(?:def|opaque|abbrev)\s+([\w.!?\']+)')
_EXTERN_CMD = re.compile(r'^attribute\s+\[extern\s+"(\w+)"\]\s+([\w.!?\']+)', re.M)


@functools.lru_cache(maxsize=1)
def prelude_extern_symbols() -> dict[str, str]:
    """`@[extern "sym"]` symbols as written in `nleanjit/prelude/*.lean` (the elaborator
    records only the attribute's name, not its symbol)."""
    out: dict[str, str] = {}
    for path in sorted((Path(__file__).parent.parent / "prelude").glob("*.lean")):
        text = path.read_text(encoding="utf-8")
        for rx in (_EXTERN_ATTR, _EXTERN_CMD):
            for m in rx.finditer(text):
                out.setdefault(m.group(2), m.group(1))
    return out


def extern_for(name: str) -> T.Extern | None:
    sym = NAT_BINARY.get(name) or OTHER_EXTERNS.get(name)
    if sym:
        return builtins.extern_decl(name, sym)
    if name in IO_EXTERNS:
        return IO_EXTERNS[name]
    sym = prelude_extern_symbols().get(name)
    return builtins.extern_decl(name, sym) if sym else None


# Types whose runtime representation is not their Lean model (a runtime string,
# array or machine integer): building, projecting or matching them through the
# model's constructor would read the wrong memory.
RUNTIME_REPR = ("Array", "Float", "Substring",
                "UInt8", "UInt16", "UInt32", "UInt64", "USize")


UNFOLD_ATTRS = ("reducible", "inline", "always_inline", "macro_inline")
BOOL_LIKE = ("Bool", "Decidable")
SCALAR_TYPES = {"Bool": U8, "Decidable": U8, "Nat": TO, "UInt8": U8, "UInt16": T.IRType.UINT16,
                "UInt32": T.IRType.UINT32, "UInt64": T.IRType.UINT64, "USize": T.IRType.USIZE}


@dataclass
class _Deferred:
    """An induction hypothesis: `emit(k)` makes the recursive call at the use site (as the
    source's call was), so a branch that does not recurse does not pay for it."""

    emit: Callable
    call: Callable | None = None
    """`call(fn, args, e, k)`: the hypothesis applied to `args` (`e` the whole application) as
    a direct call of the recursive function, or None where `emit`'s value must be applied."""


@dataclass
class _Fn:
    """Per-function lowering state: variable counter and fvar → IR value."""

    name: str
    next_id: int = 0

    def fresh(self) -> T.VarId:
        self.next_id += 1
        return T.VarId(self.next_id)

    def fresh_jp(self) -> T.JoinPointId:
        self.next_id += 1
        return T.JoinPointId(self.next_id)


Kont = Callable[[T.Arg], T.FnBody]


def _ret(x: T.Arg) -> T.FnBody:
    return T.Ret(x)


class Eraser:
    def __init__(self, eenv):
        self.eenv = eenv
        self.env = eenv.env
        self.tc = TypeChecker(self.env, LocalContext())
        self.values: dict[str, T.Arg] = {}  # fvar id → IR value (shared: fvar ids are unique)
        self.decls: dict[str, T.FDecl] = {}
        self.externs: dict[str, T.Extern] = {}
        self.pending: list[str] = []
        self.instances = {i.name for infos in eenv.instances.values() for i in infos}
        self.unfoldable = set().union(*(eenv.attributes.get(a, set()) for a in UNFOLD_ATTRS))
        self.aux_count = 0
        self._trivial: dict[str, int | None] = {}
        self.origin: dict[str, str] = {}  # a definition → the root definition that first needed it
        self.current = ""

    # ------------------------------------------------------------ types

    def _telescope(self, ty: X.Expr) -> list[tuple[X.FVar, X.Expr]]:
        """The Π binders of `ty` (unfolding to whnf), as fresh fvars."""
        out = []
        while True:
            ty = self.tc.whnf(ty)
            if not isinstance(ty, X.Pi):
                return out
            fv = self.tc.mk_fvar(ty.name, ty.type)
            out.append((fv, ty.type))
            ty = X.instantiate1(ty.body, fv)

    def is_irrelevant_type(self, ty: X.Expr) -> bool:
        """Values of `ty` are types, type formers or proofs."""
        w = self.tc.whnf(ty)
        if isinstance(w, X.Sort):
            return True
        if isinstance(w, X.Pi):
            body = w
            while isinstance(body, X.Pi):
                body = self.tc.whnf(X.instantiate1(body.body, self.tc.mk_fvar(body.name, body.type)))
            if isinstance(body, X.Sort):
                return True
        return self.tc.is_prop(ty)

    def ir_type(self, ty: X.Expr) -> T.IRType:
        w = self.tc.whnf(ty)
        head, args = X.get_app_fn_args(w)
        if isinstance(head, X.Const):
            if head.name in SCALAR_TYPES:
                return SCALAR_TYPES[head.name]
            if head.name == "String":
                return O
            field = self.trivial_field(head.name)
            if field is not None:  # represented as its one relevant field
                ind = self.env.get(head.name)
                return self.field_types(ind.constructors[0], args[:ind.num_params])[field]
        return TO

    def trivial_field(self, type_name: str) -> int | None:
        """Lean's trivial structures: one constructor, not recursive, no indices and exactly
        one relevant field (`Fin`, `Subtype`, `Char`): represented as that field."""
        if type_name in self._trivial:
            return self._trivial[type_name]
        self._trivial[type_name] = None
        ind = self.env.find(type_name)
        if (isinstance(ind, InductiveInfo) and len(ind.constructors) == 1 and not ind.num_indices
                and not ind.is_rec and type_name not in RUNTIME_REPR and type_name not in SCALAR_TYPES
                and len(ind.all) == 1):
            relevant = self.ctor_fields(ind.constructors[0])
            if sum(relevant) == 1:
                self._trivial[type_name] = relevant.index(True)
        return self._trivial[type_name]

    def type_of(self, e: X.Expr) -> X.Expr:
        return self.tc.infer(e)

    # ------------------------------------------------------------ declarations

    def compile(self, names: list[str]) -> list[T.Decl]:
        self.pending.extend(names)
        while self.pending:
            name = self.pending.pop()
            if name not in self.decls:
                self.current = name
                try:
                    self._compile_def(name)
                except Unsupported as err:
                    err.decl = name
                    err.root = self.origin.get(name, name)  # the root definition that needed `name`
                    raise
        return [*self.externs.values(), *self.decls.values()]

    def _impl_name(self, name: str) -> str:
        return self.eenv.partial_impls.get(name, name)

    def _compile_def(self, name: str) -> None:
        info = self.env.find(self._impl_name(name))
        if self.init_action(name):
            return self._compile_initialized(name)
        if not isinstance(info, DefinitionInfo) and not self.opaque_value(name):
            raise Unsupported(f"'{name}' (it has no executable definition)", name)
        self.decls[name] = T.FDecl(name, (), TO, T.Unreachable())  # placeholder: recursion
        fn = _Fn(name)
        raw = info.value if isinstance(info, DefinitionInfo) else info.val
        value = X.instantiate_level_params(raw, info.level_params, [LEVEL_ONE] * len(info.level_params))
        ty = X.instantiate_level_params(info.type, info.level_params, [LEVEL_ONE] * len(info.level_params))
        params: list[T.Param] = []
        body = self._bind_parameters(fn, value, ty, params)
        rty = self.ir_type(self.type_of(body))
        self.decls[name] = T.FDecl(name, tuple(params), rty, self.lower(fn, body, _ret))

    def _bind_parameters(self, fn: _Fn, body: X.Expr, ty: X.Expr, params: list) -> X.Expr:
        """`body` (of type `ty`) applied to a fresh variable per parameter of `ty`: irrelevant
        ones (types, proofs) bound to IRRELEVANT, the others appended to `params`."""
        for fv, bty in self._telescope(ty):
            body = X.instantiate1(body.body, fv) if isinstance(body, X.Lam) else X.App(body, fv)
            if self.is_irrelevant_type(bty):
                self.values[fv.id] = T.IRRELEVANT
            else:
                x = fn.fresh()
                self.values[fv.id] = x
                params.append(T.Param(x, False, self.ir_type(bty)))
        return body

    def compile_term(self, name: str, term: X.Expr) -> list[T.Decl]:
        """A closed term as the function `name`: its parameters are those of the term's type
        (an `IO` action takes the world), or one unused `obj` when it has none, so that it is
        computed at each call rather than kept as a constant (`#eval`)."""
        self.current = name
        fn = _Fn(name)
        params: list[T.Param] = []
        body = self._bind_parameters(fn, term, self.type_of(term), params)
        if not params:
            params.append(T.Param(fn.fresh(), False, O))
        rty = self.ir_type(self.type_of(body))
        self.decls[name] = T.FDecl(name, tuple(params), rty, self.lower(fn, body, _ret))
        return self.compile([])

    def opaque_value(self, name: str) -> bool:
        """Lean compiles an `opaque c : T := v` without `@[extern]` from `v`; an extern our
        runtime lacks stays an error (the prelude's values of IO primitives are stand-ins)."""
        info = self.env.find(name)
        return (isinstance(info, OpaqueInfo) and info.val is not None and not info.is_unsafe
                and name not in prelude_extern_symbols() and not self.eenv.has_attribute("extern", name))

    def init_action(self, name: str) -> str | None:
        """`initialize name : T ← act`: the elaborator declares `opaque name` and `def name.initFn := act`."""
        action = name + INIT_FN_SUFFIX
        if isinstance(self.env.find(name), OpaqueInfo) and isinstance(self.env.find(action), DefinitionInfo):
            return action
        return None

    def _compile_initialized(self, name: str) -> None:
        """The opaque's value is what its action returns: a closed constant (computed once,
        then persistent) that runs the action; `initializer_entry` forces it at start-up."""
        action = self.init_action(name)
        ty = self.ir_type(self.env.get(name).type)
        if not ty.is_obj:
            raise Unsupported(f"'initialize {name}' of a scalar type", name)
        self.pending.append(action)
        self.externs[INIT_VALUE] = INIT_VALUE_EXTERN
        r, v = T.VarId(1), T.VarId(2)
        self.decls[name] = T.FDecl(name, (), ty, T.VDecl(r, TO, T.FAp(action, (T.IRRELEVANT,)), T.VDecl(
            v, O, T.FAp(INIT_VALUE, (r,)), T.Ret(v))))

    def initializer_entry(self, entry: str) -> str:
        """Lean runs a module's `initialize` commands in order before `main`. When the program
        has any, a wrapper `entry._with_init` (same parameters as `entry`) runs them — each
        `IO Unit` action, each named one by forcing its constant — stops at the first error
        result, then calls `entry`. Returns the name to run (`entry` itself when there are none)."""
        steps = []
        for name in self.env.names():
            if _UNNAMED_INIT.search(name) and isinstance(self.env.find(name), DefinitionInfo):
                steps.append((name, False))
            elif name.endswith(INIT_FN_SUFFIX) and self.init_action(name[:-len(INIT_FN_SUFFIX)]):
                steps.append((name[:-len(INIT_FN_SUFFIX)], True))
        if not steps:
            return entry
        self.compile([entry, *(n for n, _ in steps)])
        main = self.decls[entry]
        params = tuple(T.Param(T.VarId(i + 1), False, p.ty) for i, p in enumerate(main.params))
        world = params[-1].x
        fresh = iter(range(len(params) + 1, 10 ** 9))

        def run(i: int) -> T.FnBody:
            if i == len(steps):
                r = T.VarId(next(fresh))
                return T.VDecl(r, main.ty, T.FAp(entry, tuple(p.x for p in params)), T.Ret(r))
            name, forced = steps[i]
            x = T.VarId(next(fresh))
            if forced:  # a named initializer: its constant runs the action (an error exits)
                return T.VDecl(x, self.decls[name].ty, T.FAp(name, ()), run(i + 1))
            ok, err = T.CtorInfo("EStateM.Result.ok", 0, size=2), T.CtorInfo("EStateM.Result.error", 1, size=2)
            return T.VDecl(x, TO, T.FAp(name, (world,)), T.Case(
                "EStateM.Result", x, TO, (T.AltCtor(ok, run(i + 1)), T.AltCtor(err, T.Ret(x)))))
        wrapper = entry + "._with_init"
        self.decls[wrapper] = T.FDecl(wrapper, params, main.ty, run(0))
        return wrapper

    def arity(self, name: str) -> list[bool]:
        """Per parameter of constant `name`'s type: is it relevant?"""
        info = self.env.get(name)
        ty = X.instantiate_level_params(info.type, info.level_params, [LEVEL_ONE] * len(info.level_params))
        return [not self.is_irrelevant_type(t) for _, t in self._telescope(ty)]

    # ------------------------------------------------------------ terms

    def let(self, fn: _Fn, ty: T.IRType, e: T.Expr, k: Kont) -> T.FnBody:
        x = fn.fresh()
        return T.VDecl(x, ty, e, k(x))

    def lower_args(self, fn: _Fn, args: list[X.Expr], k: Callable[[list[T.Arg]], T.FnBody]) -> T.FnBody:
        if not args:
            return k([])
        return self.lower(fn, args[0], lambda a: self.lower_args(fn, args[1:], lambda rest: k([a, *rest])))

    def lower(self, fn: _Fn, e: X.Expr, k: Kont) -> T.FnBody:
        """Lower `e`, pass the IR value to `k` (which builds the rest of the body)."""
        if isinstance(e, X.MData):
            return self.lower(fn, e.expr, k)
        if isinstance(e, X.FVar):
            v = self.values.get(e.id)
            if isinstance(v, _Deferred):  # an induction hypothesis: the recursive call, where it is used
                return v.emit(k)
            if v is not None:
                return k(v)
            raise Unsupported("a free variable", fn.name)
        if isinstance(e, X.NatLit):
            return self.let(fn, TO, T.NumLit(e.value), k)
        if isinstance(e, X.StrLit):
            return self.let(fn, O, T.StrLit(e.value), k)
        if isinstance(e, (X.Sort, X.Pi)):
            return k(T.IRRELEVANT)
        if isinstance(e, X.Let):
            def bind(v):
                fv = self.tc.mk_fvar(e.name, e.type)
                self.values[fv.id] = v
                return self.lower(fn, X.instantiate1(e.body, fv), k)
            if self.is_irrelevant_type(e.type):
                return bind(T.IRRELEVANT)
            return self.lower(fn, e.value, bind)
        if isinstance(e, X.Proj):
            return self.lower_proj(fn, e, k)
        if isinstance(e, X.Lam):
            return self.lower_lambda(fn, e, k)
        if isinstance(e, X.App) or isinstance(e, X.Const):
            return self.lower_app(fn, e, k)
        raise Unsupported(type(e).__name__, fn.name)

    def lower_proj(self, fn: _Fn, e: X.Proj, k: Kont) -> T.FnBody:
        s = self.reduce_head(e.expr)
        head, args = X.get_app_fn_args(s)
        if isinstance(head, X.Const):
            info = self.env.find(head.name)
            if isinstance(info, ConstructorInfo) and len(args) == info.num_params + info.num_fields:
                return self.lower(fn, args[info.num_params + e.idx], k)
        self.check_repr(e.struct, fn)
        if e.struct == "String":  # the model's one field: the list of characters
            return self.lower_extern(fn, "String.data", [e.expr], k)
        field = self.trivial_field(e.struct)
        if field is not None:
            return self.lower(fn, e.expr, k) if e.idx == field else k(T.IRRELEVANT)
        ind = self.env.get(e.struct)
        ctor = self.env.get(ind.constructors[0])
        relevant = self.ctor_fields(ctor.name)
        if not relevant[e.idx]:
            return k(T.IRRELEVANT)
        j = sum(relevant[:e.idx])
        fty = self.ir_type(self.type_of(e))
        return self.lower(fn, e.expr, lambda x: self.proj(fn, j, x, fty, k))

    def proj(self, fn: _Fn, j: int, x: T.Arg, fty: T.IRType, k: Kont) -> T.FnBody:
        """Field `j` of `x`; fields are stored boxed, so a scalar field is unboxed."""
        if fty.is_scalar:
            return self.let(fn, TO, T.Proj(j, x), lambda y: self.let(fn, fty, T.Unbox(y), k))
        return self.let(fn, fty, T.Proj(j, x), k)

    def field_types(self, cname: str, params: list[X.Expr]) -> list[T.IRType]:
        info = self.env.get(cname)
        ty = X.instantiate_level_params(info.type, info.level_params, [LEVEL_ONE] * len(info.level_params))
        for p in params:
            ty = self.tc.whnf(ty)
            ty = X.instantiate1(ty.body, p)
        return [self.ir_type(t) for _, t in self._telescope(ty)]

    def reduce_head(self, e: X.Expr) -> X.Expr:
        """Unfold instances/reducible heads and beta-reduce until a constructor or a stuck term."""
        for _ in range(64):
            head, args = X.get_app_fn_args(e)
            if isinstance(head, X.Lam) and args:
                e = _beta(head, args)
                continue
            if isinstance(head, X.Const) and self.should_unfold(head.name):
                e = _beta(self.unfold(head), args)
                continue
            if isinstance(head, X.Proj):
                inner = self.reduce_head(head.expr)
                h2, a2 = X.get_app_fn_args(inner)
                info = self.env.find(h2.name) if isinstance(h2, X.Const) else None
                if isinstance(info, ConstructorInfo) and len(a2) == info.num_params + info.num_fields:
                    e = X.mk_app_seq(a2[info.num_params + head.idx], args)
                    continue
            return e
        return e

    def should_unfold(self, name: str) -> bool:
        if extern_for(name) or name in self.eenv.partial_impls:
            return False
        info = self.env.find(name)
        if not isinstance(info, DefinitionInfo):
            return False
        return name in self.unfoldable or name in self.instances

    def unfold(self, c: X.Const) -> X.Expr:
        info = self.env.get(c.name)
        levels = list(c.levels) or [LEVEL_ONE] * len(info.level_params)
        return X.instantiate_level_params(info.value, info.level_params, levels)

    def ctor_fields(self, ctor: str) -> list[bool]:
        info = self.env.get(ctor)
        return self.arity(ctor)[info.num_params:]

    def lower_app(self, fn: _Fn, e: X.Expr, k: Kont) -> T.FnBody:
        head, args = X.get_app_fn_args(e)
        if isinstance(head, X.MData):
            return self.lower(fn, X.mk_app_seq(head.expr, args), k)
        if isinstance(head, X.Lam):
            return self.lower(fn, _beta(head, args), k)
        if isinstance(head, X.Let):  # (let x := v; f) a  ≡  let x := v; f a
            fv = self.tc.mk_fvar(head.name, head.type, head.value)
            return self.lower(fn, X.Let(head.name, head.type, head.value, X.abstract(
                X.mk_app_seq(X.instantiate1(head.body, fv), args), [fv])), k)
        if isinstance(head, X.Proj):
            r = self.reduce_head(e)
            if r is not e and r != e:
                return self.lower(fn, r, k)
            # a field of a runtime dictionary (an instance passed as an argument): apply the closure
            return self.lower(fn, head, lambda f: self.apply_value(fn, f, args, e, k))
        if isinstance(head, X.FVar):
            v = self.values.get(head.id)
            if isinstance(v, _Deferred) and v.call is not None:  # `ih ys`: a direct recursive call
                r = v.call(fn, args, e, k)
                if r is not None:
                    return r
            return self.lower(fn, head, lambda f: self.apply_value(fn, f, args, e, k))
        if not isinstance(head, X.Const):
            raise Unsupported(type(head).__name__, fn.name)
        name = head.name
        if self.is_irrelevant_type(self.type_of(e)):
            return k(T.IRRELEVANT)
        if name == "Nat.zero":
            return self.let(fn, TO, T.NumLit(0), k)
        if name == "Nat.succ" and len(args) == 1:
            return self.lower_extern(fn, "Nat.add", [args[0], X.NatLit(1)], k)
        if name in ("Bool.true", "Bool.false") and not args:
            return self.let(fn, U8, T.NumLit(1 if name == "Bool.true" else 0), k)
        if name in ("Decidable.isTrue", "Decidable.isFalse") and len(args) == 2:
            return self.let(fn, U8, T.NumLit(1 if name == "Decidable.isTrue" else 0), k)
        if name in ("ite", "dite") and len(args) >= 5:
            return self.lower_ite(fn, e, name, args, k)
        if name == "IO.println" or name == "IO.print":
            if len(args) != 4:
                raise Unsupported(f"'{name}' not applied to its world", fn.name)
            text = X.mk_app(X.Const("ToString.toString", head.levels), args[0], args[1], args[2])
            return self.lower_extern(fn, name, [text, args[3]], k)
        if extern_for(name):
            return self.lower_extern(fn, name, args, k)
        if name.endswith(".casesOn") and isinstance(self.env.find(name[:-8]), InductiveInfo):
            return self.lower_cases(fn, e, name[:-8], args, k)
        if name.endswith(".rec") and isinstance(self.env.find(name), RecursorInfo):
            return self.lower_rec(fn, e, name, args, k)
        info = self.env.find(name)
        if isinstance(info, ConstructorInfo):
            return self.lower_ctor(fn, info, args, k)
        if self.should_unfold(name):
            return self.lower(fn, _beta(self.unfold(head), args), k)
        return self.lower_call(fn, name, args, self.type_of(e), k)

    def lower_extern(self, fn: _Fn, name: str, args: list[X.Expr], k: Kont) -> T.FnBody:
        ext = extern_for(name)
        self.externs[name] = ext
        # IO.println/print arrive here already as (string, world)
        relevant = [True] * len(ext.params) if name in IO_EXTERNS else self.arity(name)
        if sum(relevant) != len(ext.params):
            raise Unsupported(f"'{name}' (its extern takes {len(ext.params)} arguments, the definition "
                              f"{sum(relevant)})", fn.name)
        n = len(relevant)
        kept = [a for a, r in zip(args, relevant) if r]
        if len(args) < n:  # a closure over the extern
            if not all(relevant[len(args):]):
                raise Unsupported(f"'{name}' partially applied before a type or proof argument", fn.name)
            return self.lower_args(fn, kept, lambda xs: self.let(fn, O, T.PAp(name, tuple(xs)), k))
        if len(args) > n:
            return self.lower_args(fn, kept, lambda xs: self.let(
                fn, O, T.FAp(name, tuple(xs)), lambda f: self.apply_value(fn, f, args[n:], None, k)))
        return self.lower_args(fn, kept, lambda xs: self.let(fn, ext.ty, T.FAp(name, tuple(xs)), k))

    def lower_call(self, fn: _Fn, name: str, args: list[X.Expr], ty: X.Expr, k: Kont) -> T.FnBody:
        info = self.env.find(name)
        target = self._impl_name(name)
        if (not isinstance(self.env.find(target), DefinitionInfo) and not self.init_action(name)
                and not self.opaque_value(name)):
            kind = type(info).__name__.replace("Info", "").lower()
            raise Unsupported(f"'{name}' ({kind} without an executable definition)", fn.name)
        relevant = self.arity(name)
        if name not in self.decls:
            self.pending.append(name)
            self.origin.setdefault(name, self.origin.get(self.current, self.current))
        n = len(relevant)
        kept = [a for a, r in zip(args, relevant) if r]
        if len(args) < n:  # partial application: a closure
            if not all(relevant[len(args):]):
                raise Unsupported(f"'{name}' partially applied before a type or proof argument", fn.name)
            return self.lower_args(fn, kept, lambda xs: self.let(fn, O, T.PAp(name, tuple(xs)), k))
        if len(args) > n:  # over-application: call, then apply the resulting closure
            return self.lower_args(fn, kept, lambda xs: self.let(
                fn, O, T.FAp(name, tuple(xs)), lambda f: self.apply_value(fn, f, args[n:], None, k)))
        return self.lower_args(fn, kept, lambda xs: self.let(fn, self.ir_type(ty), T.FAp(name, tuple(xs)), k))

    def apply_value(self, fn: _Fn, f: T.Arg, args: list[X.Expr], e: X.Expr | None, k: Kont) -> T.FnBody:
        """Apply a closure value to the relevant ones of `args` (result boxed, unboxed if scalar)."""
        if isinstance(f, T.Irrelevant):
            return k(T.IRRELEVANT)
        kept = [a for a in args if not self.is_irrelevant_type(self.type_of(a))]
        if not kept:
            return k(f)
        rty = self.ir_type(self.type_of(e)) if e is not None else TO

        def done(y):
            return self.let(fn, rty, T.Unbox(y), k) if rty.is_scalar else k(y)
        return self.lower_args(fn, kept, lambda xs: self.let(fn, TO, T.Ap(f, tuple(xs)), done))

    def _captured(self, exprs: list[X.Expr]) -> list[tuple[str, T.VarId]]:
        """Free variables of `exprs` bound to IR variables (what a lifted function captures)."""
        captured: list[tuple[str, T.VarId]] = []
        for m in exprs:
            for fid in _fvars(m):
                v = self.values.get(fid)
                if isinstance(v, T.VarId) and all(fid != c for c, _ in captured):
                    captured.append((fid, v))
        return captured

    def _enter(self, afn: _Fn, captured) -> tuple[list[T.Param], dict]:
        """Rebind captured fvars to the lifted function's parameters; returns (params, saved)."""
        saved = {fid: self.values[fid] for fid, _ in captured}
        params = []
        for fid, _ in captured:
            nv = afn.fresh()
            self.values[fid] = nv
            params.append(T.Param(nv, False, self.ir_type(self.tc.lctx.get(fid).type)))
        return params, saved

    def materialized(self, exprs: list[X.Expr], then: Callable[[], T.FnBody]) -> T.FnBody:
        """Make the deferred induction hypotheses that `exprs` mention into variables first
        (a lifted function can capture a variable, not a call in its parent's scope)."""
        pending = [fid for m in exprs for fid in _fvars(m) if isinstance(self.values.get(fid), _Deferred)]
        if not pending:
            return then()
        fid = pending[0]
        deferred = self.values[fid]

        def bound(v):
            self.values[fid] = v
            try:
                return self.materialized(exprs, then)
            finally:
                self.values[fid] = deferred
        return deferred.emit(bound)

    def lower_lambda(self, fn: _Fn, e: X.Lam, k: Kont) -> T.FnBody:
        return self.materialized([e], lambda: self._lower_lambda(fn, e, k))

    def _lower_lambda(self, fn: _Fn, e: X.Lam, k: Kont) -> T.FnBody:
        """Lambda lifting: `fun xs => b` becomes `f._lam_N captured xs` and a `pap` over the captured."""
        captured = self._captured([e])
        self.aux_count += 1
        name = f"{self.current}._lam_{self.aux_count}"
        afn = _Fn(name)
        ty = self.type_of(e)
        params, saved = self._enter(afn, captured)
        body = self._bind_parameters(afn, e, ty, params)
        if len(params) == len(captured):
            raise Unsupported("a `fun` whose parameters are all types or proofs", fn.name)
        rty = self.ir_type(self.type_of(body))
        self.decls[name] = T.FDecl(name, tuple(params), rty, T.Unreachable())
        self.decls[name] = T.FDecl(name, tuple(params), rty, self.lower(afn, body, _ret))
        self.values.update(saved)
        return self.let(fn, O, T.PAp(name, tuple(v for _, v in captured)), k)

    def check_repr(self, type_name: str, fn: _Fn) -> None:
        if type_name in RUNTIME_REPR:
            raise Unsupported(f"the representation of '{type_name}' (its constructor, fields or match)", fn.name)

    def lower_ctor(self, fn: _Fn, info: ConstructorInfo, args: list[X.Expr], k: Kont) -> T.FnBody:
        self.check_repr(info.induct, fn)
        if len(args) != info.num_params + info.num_fields:
            raise Unsupported(f"constructor '{info.name}' partially applied", fn.name)
        field = self.trivial_field(info.induct)
        if field is not None:
            return self.lower(fn, args[info.num_params + field], k)
        relevant = self.ctor_fields(info.name)
        fields = [a for a, r in zip(args[info.num_params:], relevant) if r]
        ci = T.CtorInfo(info.name, info.cidx, size=len(fields))
        return self.lower_args(fn, fields, lambda xs: self.let(fn, O if fields else TO, T.Ctor(ci, tuple(xs)), k))

    # ------------------------------------------------------------ control flow

    def with_join(self, fn: _Fn, k: Kont, rty: T.IRType,
                  build: Callable[[Kont], T.FnBody]) -> T.FnBody:
        """Branches share the continuation through a join point (unless it is `ret`)."""
        if k is _ret:
            return build(_ret)
        j = fn.fresh_jp()
        x = fn.fresh()
        body = build(lambda v: T.Jmp(j, (v,)))
        return T.JDecl(j, (T.Param(x, False, rty),), k(x), body)

    def apply_minor(self, fn: _Fn, minor: X.Expr, values: list[tuple[T.Arg, X.Expr | None]],
                    extra: list[X.Expr], k: Kont) -> T.FnBody:
        """`minor v₁ … vₙ extra…` where the vᵢ are IR values already computed."""
        e = minor
        for v, _ in values:
            e = self.reduce_head(e) if not isinstance(e, X.Lam) else e
            if isinstance(e, X.Lam):
                fv = self.tc.mk_fvar(e.name, e.type)
                self.values[fv.id] = v
                e = X.instantiate1(e.body, fv)
            else:
                raise Unsupported("a case alternative that is not a `fun`", fn.name)
        return self.lower(fn, X.mk_app_seq(e, extra), k)

    def lower_ite(self, fn: _Fn, e: X.Expr, name: str, args: list[X.Expr], k: Kont) -> T.FnBody:
        _ty, _c, dec, then_, else_, *extra = args
        rty = self.ir_type(self.type_of(e))

        def branches(c):
            def build(kk):
                h = [(T.IRRELEVANT, None)] if name == "dite" else []
                alts = []
                for info, minor in ((FALSE, else_), (TRUE, then_)):
                    alts.append(T.AltCtor(info, self.apply_minor(fn, minor, h, list(extra), kk)))
                return T.Case("Bool", c, U8, tuple(alts))
            return self.with_join(fn, k, rty, build)
        return self.lower(fn, dec, branches)

    def lower_cases(self, fn: _Fn, e: X.Expr, ind_name: str, args: list[X.Expr], k: Kont) -> T.FnBody:
        self.check_repr(ind_name, fn)
        ind = self.env.get(ind_name)
        if ind.num_indices or len(ind.all) > 1:
            raise Unsupported(f"'{ind_name}.casesOn' (indexed or mutual inductive)", fn.name)
        nminors = len(ind.constructors)
        base = ind.num_params + 1  # params, motive
        if len(args) < base + 1 + nminors:
            raise Unsupported(f"'{ind_name}.casesOn' partially applied", fn.name)
        major = args[base]
        minors = args[base + 1: base + 1 + nminors]
        extra = args[base + 1 + nminors:]
        rty = self.ir_type(self.type_of(e))
        params = args[:ind.num_params]
        return self.lower(fn, major, lambda x: self.with_join(
            fn, k, rty, lambda kk: self.case_tree(fn, ind, params, x, minors, extra, kk, ih=None)))

    def case_tree(self, fn: _Fn, ind: InductiveInfo, params, x: T.Arg, minors, extra, k: Kont, ih) -> T.FnBody:
        """`case x` with one alternative per constructor; `ih(field_var)` gives the
        induction hypothesis of a recursive field (recursors) or None (casesOn)."""
        name = ind.name
        if name == "String":  # no case: the one field is the list of characters
            self.externs["String.data"] = extern_for("String.data")
            return self.let(fn, O, T.FAp("String.data", (x,)), lambda data: self.apply_minor(
                fn, minors[0], [(data, None)], extra, k))
        field = self.trivial_field(name)
        if field is not None:  # no case: the value is the field
            n = self.env.get(ind.constructors[0]).num_fields
            vals = [(x if i == field else T.IRRELEVANT, None) for i in range(n)]
            return self.apply_minor(fn, minors[0], vals, extra, k)
        if name == "Int":
            return self.int_cases(fn, x, minors, extra, k)
        if name == "Nat":
            zero, succ = minors

            def on_test(b):
                def succ_branch():
                    return self.let(fn, TO, T.NumLit(1), lambda one: self.let(
                        fn, TO, T.FAp("Nat.sub", (x, one)), lambda p: self._with_ih(
                            fn, ih, [(p, True)], lambda vals: self.apply_minor(fn, succ, vals, extra, k))))
                self.externs["Nat.sub"] = extern_for("Nat.sub")
                return T.Case("Bool", b, U8, (T.AltCtor(FALSE, succ_branch()),
                                              T.AltCtor(TRUE, self.apply_minor(fn, zero, [], extra, k))))
            self.externs["Nat.decEq"] = extern_for("Nat.decEq")
            return self.let(fn, TO, T.NumLit(0), lambda z: self.let(fn, U8, T.FAp("Nat.decEq", (x, z)), on_test))
        if name in BOOL_LIKE:
            nfields = [0, 0] if name == "Bool" else [1, 1]
            alts = tuple(T.AltCtor(info, self.apply_minor(fn, m, [(T.IRRELEVANT, None)] * n, extra, k))
                         for info, m, n in zip((FALSE, TRUE), minors, nfields))
            return T.Case(name, x, U8, alts)
        if not ind.constructors:  # `Empty`, `False`-like: no value reaches here
            return T.Unreachable()
        alts = []
        for cname, minor in zip(ind.constructors, minors):
            cinfo = self.env.get(cname)
            relevant = self.ctor_fields(cname)
            ftypes = self.field_types(cname, params)
            recursive = self._recursive_fields(cname) if ih else [False] * len(relevant)

            def fields(i, j, acc, relevant=relevant, recursive=recursive, minor=minor, ftypes=ftypes):
                if i == len(relevant):
                    return self._with_ih(fn, ih, acc, lambda vals: self.apply_minor(fn, minor, vals, extra, k))
                if not relevant[i]:
                    return fields(i + 1, j, acc + [(T.IRRELEVANT, recursive[i])])
                return self.proj(fn, j, x, ftypes[i],
                                 lambda v: fields(i + 1, j + 1, acc + [(v, recursive[i])]))
            size = sum(relevant)
            alts.append(T.AltCtor(T.CtorInfo(cname, cinfo.cidx, size=size), fields(0, 0, [])))
        return T.Case(name, x, TO, tuple(alts))

    def int_cases(self, fn: _Fn, x: T.Arg, minors, extra, k: Kont) -> T.FnBody:
        """`Int` is a runtime integer: `ofNat n` when x ≥ 0 (n = |x|), else `negSucc (|x| - 1)`."""
        of_nat, neg_succ = minors
        for ext in INT_CASE_EXTERNS.values():
            self.externs[ext.name] = ext
        self.externs["Nat.sub"] = extern_for("Nat.sub")

        def on_sign(neg):
            def nonneg():
                return self.let(fn, TO, T.FAp(INT_ABS, (x,)), lambda n: self.apply_minor(
                    fn, of_nat, [(n, None)], extra, k))

            def negative():
                return self.let(fn, TO, T.FAp(INT_ABS, (x,)), lambda m: self.let(
                    fn, TO, T.NumLit(1), lambda one: self.let(
                        fn, TO, T.FAp("Nat.sub", (m, one)), lambda n: self.apply_minor(
                            fn, neg_succ, [(n, None)], extra, k))))
            return T.Case("Bool", neg, U8, (T.AltCtor(FALSE, nonneg()), T.AltCtor(TRUE, negative())))
        return self.let(fn, TO, T.NumLit(0), lambda z: self.let(fn, U8, T.FAp(INT_LT, (x, z)), on_sign))

    def _with_ih(self, fn, ih, vals, k):
        """Field values, then (for recursors) one induction hypothesis per recursive field."""
        out = [(v, None) for v, _ in vals]
        if ih is None:
            return k(out)
        rec_fields = [v for v, r in vals if r]
        call = getattr(ih, "call", None)
        return k(out + [(_Deferred(lambda kk, f=f: ih(f, kk),
                                   None if call is None else (lambda fn, args, e, kk, f=f: call(f, fn, args, e, kk))),
                         None) for f in rec_fields])

    def _recursive_fields(self, cname: str) -> list[bool]:
        info = self.env.get(cname)
        out = []
        for _, t in self._telescope(info.type)[info.num_params:]:
            head = X.get_app_fn(self.tc.whnf(t))
            out.append(isinstance(head, X.Const) and head.name == info.induct)
        return out

    def lower_rec(self, fn: _Fn, e: X.Expr, rec_name: str, args: list[X.Expr], k: Kont) -> T.FnBody:
        return self.materialized(args, lambda: self._lower_rec(fn, e, rec_name, args, k))

    def _lower_rec(self, fn: _Fn, e: X.Expr, rec_name: str, args: list[X.Expr], k: Kont) -> T.FnBody:
        rec = self.env.get(rec_name)
        ind = self.env.get(rec.major_induct or rec_name[:-4])
        self.check_repr(ind.name, fn)
        if rec.num_indices or rec.num_motives != 1 or len(ind.all) > 1:
            raise Unsupported(f"'{rec_name}' (indexed, mutual or nested)", fn.name)
        major_idx = rec.major_idx
        if len(args) <= major_idx:
            raise Unsupported(f"'{rec_name}' partially applied", fn.name)
        minors = args[rec.num_params + 1: rec.num_params + 1 + rec.num_minors]
        extra = args[major_idx + 1:]  # the motive is a function type: these are its arguments
        captured = self._captured(minors)
        self.aux_count += 1
        aux_name = f"{self.current}._rec_{self.aux_count}"
        rty = self.ir_type(self.type_of(e))
        afn = _Fn(aux_name)
        params, saved = self._enter(afn, captured)
        major = afn.fresh()
        params.append(T.Param(major, False, TO))
        extra_fvars, relevant_extra, extra_mask = [], [], []
        for a in extra:
            aty = self.type_of(a)
            fv = self.tc.mk_fvar("x", aty)
            extra_fvars.append(fv)
            extra_mask.append(not self.is_irrelevant_type(aty))
            if not extra_mask[-1]:
                self.values[fv.id] = T.IRRELEVANT
            else:
                x = afn.fresh()
                self.values[fv.id] = x
                params.append(T.Param(x, False, self.ir_type(aty)))
                relevant_extra.append(a)
        outer_params = tuple(p.x for p in params[:len(captured)])

        def ih(field_var, kk):
            if relevant_extra:  # the induction hypothesis is a function of the extra arguments
                return self.let(afn, O, T.PAp(aux_name, outer_params + (field_var,)), kk)
            return self.let(afn, rty, T.FAp(aux_name, outer_params + (field_var,)), kk)

        def ih_call(field_var, cfn, cargs, ce, kk):
            """`ih ys` with the motive's arguments all given: call `aux outer field ys` directly
            (Lean's shape: a recursive call, a loop when in tail position) instead of applying the
            closure `ih` through the runtime's generic apply."""
            if not relevant_extra or len(cargs) < len(extra_mask) or cfn is not afn:
                return None
            kept = [a for a, r in zip(cargs, extra_mask) if r]
            more = cargs[len(extra_mask):]
            if more:  # the result is a function applied further
                return self.lower_args(cfn, kept, lambda xs: self.let(
                    cfn, O, T.FAp(aux_name, outer_params + (field_var, *xs)),
                    lambda g: self.apply_value(cfn, g, more, ce, kk)))
            return self.lower_args(cfn, kept, lambda xs: self.let(
                cfn, rty, T.FAp(aux_name, outer_params + (field_var, *xs)), kk))
        ih.call = ih_call
        self.decls[aux_name] = T.FDecl(aux_name, tuple(params), rty, T.Unreachable())
        body = self.case_tree(afn, ind, args[:rec.num_params], major, minors, extra_fvars, _ret, ih)
        self.decls[aux_name] = T.FDecl(aux_name, tuple(params), rty, body)
        self.values.update(saved)
        outer = tuple(v for _, v in captured)
        return self.lower(fn, args[major_idx], lambda m: self.lower_args(
            fn, relevant_extra, lambda xs: self.let(fn, rty, T.FAp(aux_name, outer + (m, *xs)), k)))


def _fvars(e: X.Expr) -> list[str]:
    out: list[str] = []

    def fn(x, _off):
        if isinstance(x, X.FVar):
            if x.id not in out:
                out.append(x.id)
            return x
        if not x.has_fvar:
            return x
        return None
    X.replace(e, fn)
    return out


def _beta(f: X.Expr, args: list[X.Expr]) -> X.Expr:
    i = 0
    while isinstance(f, X.Lam) and i < len(args):
        f = X.instantiate1(f.body, args[i])
        i += 1
    return X.mk_app_seq(f, args[i:])


INT_LT, INT_ABS = "_erase.Int.decLt", "_erase.Int.natAbs"  # names no Lean program can write
INT_CASE_EXTERNS = {INT_LT: builtins.extern_decl(INT_LT, "lean_int_dec_lt"),
                    INT_ABS: builtins.extern_decl(INT_ABS, "lean_nat_abs")}

INIT_FN_SUFFIX = ".initFn"  # the elaborator's `initialize` declarations (`elab_initialize`)
_UNNAMED_INIT = re.compile(r"(?:^|\.)initFn_\d+$")
INIT_VALUE = "_erase.initValue"
INIT_VALUE_EXTERN = builtins.extern_decl(INIT_VALUE, "nl_io_init_value")

FALSE = T.CtorInfo("Bool.false", 0)
TRUE = T.CtorInfo("Bool.true", 1)



def erase_program(eenv, roots: list[str]) -> list[T.Decl]:
    """Compile `roots` and everything they call; externs first."""
    return Eraser(eenv).compile(roots)
