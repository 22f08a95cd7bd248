"""Inductive declarations: the checks, the generated recursors, nested types via auxiliary mutual types.

In: an `InductiveDecl` (a mutual block; constructor types are closed Pi
telescopes starting with the block's parameters). Out: `InductiveInfo`s,
`ConstructorInfo`s and one `RecursorInfo` per type (with its iota rules),
added to the environment together, or a typed `InductiveError`.

Follows Lean 4's src/kernel/inductive.cpp:
- the types: well-typed, same parameters, all in the same universe;
- each constructor: well-typed, starts with the parameters, every field's
  universe is at most the type's (unless the type is a `Prop`), every field
  occurs strictly positively, and it returns `I params indices`;
- the recursor: motive universe `u` (fresh) unless the type is a `Prop`
  that is not a syntactic subsingleton (then only `Prop`); minor premises
  with inductive hypotheses named `<field>_ih`; implicit binders inferred as
  Lean's `infer_implicit`; K-like reduction for `Prop`s with one constructor
  and no fields.
- nested occurrences (`List (Tree α)` in a constructor of `Tree`) are
  replaced by auxiliary types added to the mutual block, checked, and the
  results translated back: the extra recursors are named `Tree.rec_1`, ...
  as in Lean, and the auxiliary types themselves are not kept.
"""

from __future__ import annotations

from nleanjit.kernel import errors as E
from nleanjit.kernel import expr as X
from nleanjit.kernel import level as L
from nleanjit.kernel.declaration import (
    Constructor,
    ConstructorInfo,
    InductiveDecl,
    InductiveInfo,
    InductiveType,
    RecursorInfo,
    RecursorRule,
    Safety,
)
from nleanjit.kernel.environment import check_header
from nleanjit.kernel.expr import App, Const, Expr, Pi, Sort
from nleanjit.kernel.fuel import Fuel


def add_inductive(env, decl: InductiveDecl, fuel: Fuel) -> None:
    _validate_shape(env, decl)
    nested = _NestedElimination(env, decl, fuel)
    if nested.run():
        staged = _InductiveChecker(env, nested.aux_decl, fuel).run()
        final = env.staged()
        nested.restore_into(staged, final)
        env.commit_from(final)
    else:
        env.commit_from(_InductiveChecker(env, decl, fuel).run())


def _validate_shape(env, decl: InductiveDecl) -> None:
    name = decl.name
    if not isinstance(decl.types, tuple) or not decl.types:
        raise E.InvalidDeclaration("an inductive declaration needs at least one type", decl_name=name)
    if not isinstance(decl.num_params, int) or decl.num_params < 0:
        raise E.InvalidDeclaration(f"bad number of parameters {decl.num_params!r}", decl_name=name)
    seen: set[str] = set()
    for it in decl.types:
        if not isinstance(it, InductiveType):
            raise E.InvalidDeclaration(f"expected InductiveType, got {type(it).__name__}", decl_name=name)
        for n, t in [(it.name, it.type)] + [(c.name, c.type) for c in it.constructors]:
            check_header(env, n, decl.level_params, t)
            if n in seen:
                raise E.AlreadyDeclared(f"'{n}' is declared twice in the block", decl_name=n)
            seen.add(n)
        for c in it.constructors:
            if not isinstance(c, Constructor):
                raise E.InvalidDeclaration(f"expected Constructor, got {type(c).__name__}", decl_name=name)
        rec = it.name + ".rec"
        if rec in env or rec in seen:
            raise E.AlreadyDeclared(f"'{rec}' has already been declared", decl_name=rec)


def _fresh_level_name(taken) -> str:
    u, i = "u", 1
    while u in taken:
        u = f"u_{i}"
        i += 1
    return u


def infer_implicit(t: Expr, strict: bool = True) -> Expr:
    """Mark explicit binders implicit when later explicit binder domains mention them (Lean's infer_implicit)."""
    if type(t) is not Pi:
        return t
    body = infer_implicit(t.body, strict)
    info = t.info
    if info is X.DEFAULT and _has_free_var_in_domain(body, 0, strict):
        info = X.IMPLICIT
    return Pi(t.name, t.type, body, info)


def _has_free_var_in_domain(b: Expr, vidx: int, strict: bool) -> bool:
    while type(b) is Pi:
        if b.info is X.DEFAULT and X.has_loose_bvar(b.type, vidx):
            return True
        b = b.body
        vidx += 1
    return False if strict else X.has_loose_bvar(b, vidx)


class _InductiveChecker:
    """One run of the checks and the recursor construction over a staged environment."""

    def __init__(self, env, decl: InductiveDecl, fuel: Fuel):
        from nleanjit.kernel.typechecker import TypeChecker

        self.env = env.staged()
        self.decl = decl
        self.lparams = tuple(decl.level_params)
        self.levels = tuple(L.Param(p) for p in self.lparams)
        self.nparams = decl.num_params
        self.types = decl.types
        self.safety = Safety.UNSAFE if decl.is_unsafe else Safety.SAFE
        self.tc = TypeChecker(
            self.env, fuel=fuel, safety=self.safety, level_params=self.lparams, decl_name=decl.name
        )
        self.ind_consts = [Const(t.name, self.levels) for t in self.types]
        self.names = frozenset(t.name for t in self.types)
        self.params: list[Expr] = []
        self.nindices: list[int] = []
        self.result_level: L.Level = L.ZERO

    def err(self, cls, detail: str, name: str | None = None):
        return cls(detail, decl_name=name or self.decl.name)

    # ------------------------------------------------------------ types
    def check_inductive_types(self) -> None:
        tc = self.tc
        for idx, it in enumerate(self.types):
            tc.check_type(it.type)
            t = it.type
            i = 0
            nidx = 0
            while True:
                if type(t) is not Pi:
                    t = tc.whnf(t)
                    if type(t) is not Pi:
                        break
                if i < self.nparams:
                    if idx == 0:
                        p = tc.mk_fvar(t.name, t.type, None, t.info)
                        self.params.append(p)
                    elif not tc.is_def_eq(t.type, tc.infer(self.params[i])):
                        raise self.err(
                            E.InvalidInductiveType, "parameters of all inductive datatypes must match", it.name
                        )
                    t = X.instantiate1(t.body, self.params[i])
                    i += 1
                else:
                    t = X.instantiate1(t.body, tc.mk_fvar(t.name, t.type, None, t.info))
                    nidx += 1
            if i != self.nparams:
                raise self.err(
                    E.InvalidInductiveType,
                    f"number of parameters mismatch: '{it.name}' has {i} binders, {self.nparams} parameters declared",
                    it.name,
                )
            if type(t) is not Sort:
                raise self.err(E.InvalidInductiveType, f"the type of '{it.name}' does not end in a sort", it.name)
            if idx == 0:
                self.result_level = t.level
            elif not L.is_equiv(t.level, self.result_level):
                raise self.err(
                    E.InvalidInductiveType, "mutually inductive types must live in the same universe", it.name
                )
            self.nindices.append(nidx)

    def is_rec(self) -> bool:
        for it in self.types:
            for c in it.constructors:
                t = c.type
                while type(t) is Pi:
                    if X.occurs_const(t.type, self.names):
                        return True
                    t = t.body
        return False

    def is_reflexive(self) -> bool:
        for it in self.types:
            for c in it.constructors:
                t = c.type
                while type(t) is Pi:
                    if type(t.type) is Pi and X.occurs_const(t.type, self.names):
                        return True
                    t = t.body
        return False

    def declare_inductive_types(self) -> None:
        rec, refl = self.is_rec(), self.is_reflexive()
        all_names = tuple(t.name for t in self.types)
        for idx, it in enumerate(self.types):
            self.env.add_core(
                InductiveInfo(
                    it.name,
                    self.lparams,
                    it.type,
                    num_params=self.nparams,
                    num_indices=self.nindices[idx],
                    all=all_names,
                    constructors=tuple(c.name for c in it.constructors),
                    is_rec=rec,
                    is_reflexive=refl,
                    unsafe=self.decl.is_unsafe,
                )
            )

    # ----------------------------------------------------- constructors
    def has_ind_occ(self, t: Expr) -> bool:
        return X.occurs_const(t, self.names)

    def valid_ind_app_idx(self, t: Expr) -> int:
        """Index of the type `t` is `I params indices` for, or -1."""
        f, args = X.get_app_fn_args(t)
        if type(f) is not Const:
            return -1
        for idx, c in enumerate(self.ind_consts):
            if f == c:
                if len(args) != self.nparams + self.nindices[idx]:
                    return -1
                for i in range(self.nparams):
                    if args[i] != self.params[i]:
                        return -1
                return idx
        return -1

    def is_rec_argument(self, t: Expr) -> int:
        tc = self.tc
        t = tc.whnf(t)
        while type(t) is Pi:
            t = tc.whnf(X.instantiate1(t.body, tc.mk_fvar(t.name, t.type, None, t.info)))
        return self.valid_ind_app_idx(t)

    def check_positivity(self, t: Expr, ctor: str, arg_idx: int) -> None:
        tc = self.tc
        t = tc.whnf(t)
        if not self.has_ind_occ(t):
            return
        if type(t) is Pi:
            if self.has_ind_occ(t.type):
                raise self.err(
                    E.NonPositiveOccurrence,
                    f"arg #{arg_idx + 1} of '{ctor}' has a non positive occurrence of the datatypes being declared",
                    ctor,
                )
            self.check_positivity(X.instantiate1(t.body, tc.mk_fvar(t.name, t.type, None, t.info)), ctor, arg_idx)
        elif self.valid_ind_app_idx(t) < 0:
            raise self.err(
                E.NonValidOccurrence,
                f"arg #{arg_idx + 1} of '{ctor}' has a non valid occurrence of the datatypes being declared",
                ctor,
            )

    def check_constructors(self) -> None:
        tc = self.tc
        for idx, it in enumerate(self.types):
            for cidx, c in enumerate(it.constructors):
                tc.check_type(c.type)
                t = c.type
                i = 0
                while type(t) is Pi:
                    if i < self.nparams:
                        if not tc.is_def_eq(t.type, tc.infer(self.params[i])):
                            raise self.err(
                                E.ConstructorParamMismatch,
                                f"arg #{i + 1} of '{c.name}' does not match inductive datatype parameters",
                                c.name,
                            )
                        t = X.instantiate1(t.body, self.params[i])
                    else:
                        s = tc.ensure_sort(tc.infer(t.type))
                        if not (L.geq(self.result_level, s.level) or L.is_zero(self.result_level)):
                            raise self.err(
                                E.UniverseTooBig,
                                f"universe level of type_of(arg #{i + 1}) of '{c.name}' is too big for the "
                                "corresponding inductive datatype",
                                c.name,
                            )
                        if not self.decl.is_unsafe:
                            self.check_positivity(t.type, c.name, i)
                        t = X.instantiate1(t.body, tc.mk_fvar(t.name, t.type, None, t.info))
                    i += 1
                if self.valid_ind_app_idx(t) != idx:
                    raise self.err(
                        E.InvalidConstructorReturn,
                        f"invalid return type for '{c.name}': {tc.pp(t)}",
                        c.name,
                    )
                self.env.add_core(
                    ConstructorInfo(
                        c.name,
                        self.lparams,
                        c.type,
                        induct=it.name,
                        cidx=cidx,
                        num_params=self.nparams,
                        num_fields=i - self.nparams,
                        unsafe=self.decl.is_unsafe,
                    )
                )

    # -------------------------------------------------------- recursors
    def elim_only_at_universe_zero(self) -> bool:
        """Prop-valued types eliminate only into Prop unless they are syntactic subsingletons."""
        if L.is_not_zero(self.result_level):
            return False
        if len(self.types) > 1:
            return True
        ctors = self.types[0].constructors
        if len(ctors) > 1:
            return True
        if not ctors:
            return False
        tc = self.tc
        t = ctors[0].type
        i = 0
        to_check = []
        while type(t) is Pi:
            fv = tc.mk_fvar(t.name, t.type, None, t.info)
            if i >= self.nparams:
                s = tc.ensure_sort(tc.infer(t.type))
                if not L.is_zero(s.level):
                    to_check.append(fv)
            t = X.instantiate1(t.body, fv)
            i += 1
        result_args = X.get_app_args(t)
        # every non-Prop field must occur among the indices of the result type
        return any(fv not in result_args for fv in to_check)

    def ctor_telescope(self, c: Constructor):
        """Fields of `c` as fresh free variables (params instantiated) and its result type."""
        tc = self.tc
        t = c.type
        fields = []
        i = 0
        while type(t) is Pi:
            if i < self.nparams:
                t = X.instantiate1(t.body, self.params[i])
            else:
                fv = tc.mk_fvar(t.name, t.type, None, t.info)
                fields.append(fv)
                t = X.instantiate1(t.body, fv)
            i += 1
        return fields, t

    def build_recursors(self) -> None:
        tc = self.tc
        elim_zero = self.elim_only_at_universe_zero()
        if elim_zero:
            elim_level = L.ZERO
            rec_lparams = self.lparams
        else:
            u = _fresh_level_name(self.lparams)
            elim_level = L.Param(u)
            rec_lparams = (u,) + self.lparams
        rec_levels = tuple(L.Param(p) for p in rec_lparams)
        k_target = (
            len(self.types) == 1
            and L.is_zero(self.result_level)
            and len(self.types[0].constructors) == 1
            and _count_pis(self.types[0].constructors[0].type) == self.nparams
        )
        # motives, indices, majors
        infos = []
        for idx, it in enumerate(self.types):
            t = it.type
            i = 0
            indices = []
            while True:
                if type(t) is not Pi:
                    t = tc.whnf(t)
                    if type(t) is not Pi:
                        break
                if i < self.nparams:
                    t = X.instantiate1(t.body, self.params[i])
                else:
                    fv = tc.mk_fvar(t.name, t.type, None, t.info)
                    indices.append(fv)
                    t = X.instantiate1(t.body, fv)
                i += 1
            major = tc.mk_fvar("t", X.mk_app_seq(X.mk_app_seq(self.ind_consts[idx], self.params), indices))
            motive_type = tc.mk_pi(indices, tc.mk_pi([major], Sort(elim_level)))
            mname = "motive" if len(self.types) == 1 else f"motive_{idx + 1}"
            # explicit here; infer_implicit makes it implicit when a minor premise mentions it
            # (so `False.rec` takes its motive explicitly, as in Lean)
            motive = tc.mk_fvar(mname, motive_type)
            infos.append((indices, major, motive))
        motives = [m for (_, _, m) in infos]

        def motive_app(t: Expr, value: Expr) -> Expr:
            idx = self.valid_ind_app_idx(t)
            return App(X.mk_app_seq(motives[idx], X.get_app_args(t)[self.nparams :]), value)

        def rec_const(idx: int) -> Const:
            return Const(self.types[idx].name + ".rec", rec_levels)

        minors = []
        minor_data = []  # (type idx, ctor, fields, rec fields with their telescopes)
        for idx, it in enumerate(self.types):
            for c in it.constructors:
                fields, ret = self.ctor_telescope(c)
                ihs = []
                rec_fields = []
                for f in fields:
                    ft = tc.whnf(tc.infer(f))
                    xs = []
                    while type(ft) is Pi:
                        x = tc.mk_fvar(ft.name, ft.type, None, ft.info)
                        xs.append(x)
                        ft = tc.whnf(X.instantiate1(ft.body, x))
                    if self.valid_ind_app_idx(ft) < 0:
                        continue
                    rec_fields.append((f, xs, ft))
                    ih_type = tc.mk_pi(xs, motive_app(ft, X.mk_app_seq(f, xs)))
                    ihs.append(tc.mk_fvar(tc.lctx.get(f.id).user_name + "_ih", ih_type))
                ctor_app = X.mk_app_seq(X.mk_app_seq(Const(c.name, self.levels), self.params), fields)
                minor_type = tc.mk_pi(fields, tc.mk_pi(ihs, motive_app(ret, ctor_app)))
                short = c.name[len(it.name) + 1 :] if c.name.startswith(it.name + ".") else c.name
                minor = tc.mk_fvar(short, minor_type)
                minors.append(minor)
                minor_data.append((idx, c, fields, rec_fields))
        all_names = tuple(t.name for t in self.types)
        for idx, it in enumerate(self.types):
            indices, major, motive = infos[idx]
            rec_type = tc.mk_pi(
                self.params + motives + minors + indices + [major],
                App(X.mk_app_seq(motive, indices), major),
            )
            rec_type = infer_implicit(rec_type, True)
            rules = []
            for m_i, (cidx_type, c, fields, rec_fields) in enumerate(minor_data):
                if cidx_type != idx:
                    continue
                vs = []
                for f, xs, ft in rec_fields:
                    j = self.valid_ind_app_idx(ft)
                    rec_app = X.mk_app_seq(rec_const(j), self.params + motives + minors)
                    rec_app = X.mk_app_seq(rec_app, X.get_app_args(ft)[self.nparams :])
                    vs.append(tc.mk_lambda(xs, App(rec_app, X.mk_app_seq(f, xs))))
                rhs_body = X.mk_app_seq(X.mk_app_seq(minors[m_i], fields), vs)
                rhs = tc.mk_lambda(self.params + motives + minors + fields, rhs_body)
                rules.append(RecursorRule(c.name, len(fields), rhs))
            self.env.add_core(
                RecursorInfo(
                    it.name + ".rec",
                    rec_lparams,
                    rec_type,
                    all=all_names,
                    num_params=self.nparams,
                    num_indices=self.nindices[idx],
                    num_motives=len(motives),
                    num_minors=len(minors),
                    rules=tuple(rules),
                    k=k_target,
                    unsafe=self.decl.is_unsafe,
                    major_induct=it.name,
                )
            )

    def run(self):
        """Check everything; return the staged environment holding the new constants."""
        self.check_inductive_types()
        self.declare_inductive_types()
        self.check_constructors()
        self.build_recursors()
        return self.env


def _count_pis(t: Expr) -> int:
    n = 0
    while type(t) is Pi:
        n += 1
        t = t.body
    return n


class _NestedElimination:
    """Replace nested occurrences `I (.. T ..)` by auxiliary types of a larger mutual block, and back."""

    def __init__(self, env, decl: InductiveDecl, fuel: Fuel):
        from nleanjit.kernel.typechecker import TypeChecker

        self.env = env
        self.decl = decl
        self.tc = TypeChecker(env, fuel=fuel, level_params=decl.level_params, decl_name=decl.name)
        self.levels = tuple(L.Param(p) for p in decl.level_params)
        self.np = decl.num_params
        self.main = decl.types[0].name
        self.block_names = {t.name for t in decl.types}
        self.aux_by_key: dict[Expr, str] = {}
        self.aux_info: dict[str, tuple[Expr, object]] = {}  # aux type name → (I params key, I info)
        self.aux_ctor_target: dict[str, Expr] = {}  # aux ctor name → `I.c Ds` (over param fvars)
        self.aux_decl: InductiveDecl | None = None
        self.params: list[Expr] = []

    def _open_params(self) -> bool:
        t = self.decl.types[0].type
        for _ in range(self.np):
            if type(t) is not Pi:
                return False
            p = self.tc.mk_fvar(t.name, t.type, None, t.info)
            self.params.append(p)
            t = X.instantiate1(t.body, p)
        return True

    def _strip_params(self, t: Expr) -> Expr | None:
        for p in self.params:
            if type(t) is not Pi:
                return None
            t = X.instantiate1(t.body, p)
        return t

    def _replace_nested(self, e: Expr, queue: list) -> Expr:
        def fn(x: Expr, off: int):
            if type(x) is not App:
                return None
            f, args = X.get_app_fn_args(x)
            if type(f) is not Const or f.name in self.block_names or f.name in self.aux_info:
                return None
            info = self.env.find(f.name)
            if type(info) is not InductiveInfo or len(args) < info.num_params:
                return None
            iparams = args[: info.num_params]
            if not any(X.occurs_const(a, self.block_names) for a in iparams):
                return None
            if any(a.bvar_range for a in iparams):
                raise E.InvalidNestedInductive(
                    f"nested inductive datatype parameters cannot contain local variables: {self.tc.pp(x)}",
                    decl_name=self.decl.name,
                )
            key = X.mk_app_seq(f, iparams)
            aux = self.aux_by_key.get(key) or self._make_aux(f, info, iparams, key, queue)
            head = X.mk_app_seq(Const(aux, self.levels), self.params)
            return X.mk_app_seq(head, [self._replace_nested(a, queue) for a in args[info.num_params :]])

        return X.replace(e, fn)

    def _make_aux(self, f: Const, info: InductiveInfo, iparams, key, queue) -> str:
        k = len(self.aux_by_key) + 1
        aux = f"{self.main}._nested.{info.name}_{k}"
        self.aux_by_key[key] = aux
        self.aux_info[aux] = (key, info)

        def open_with(t: Expr) -> Expr:
            t = X.instantiate_level_params(t, info.level_params, f.levels)
            for a in iparams:
                t = X.instantiate1(t.body, a)
            return t

        ctors = []
        for cname in info.constructors:
            cinfo = self.env.get(cname)
            aux_c = aux + cname[len(info.name) :]
            self.aux_ctor_target[aux_c] = X.mk_app_seq(Const(cname, f.levels), iparams)
            ctors.append([aux_c, open_with(cinfo.type)])
        queue.append([aux, open_with(info.type), ctors])
        return aux

    def run(self) -> bool:
        """Build the auxiliary mutual declaration; False when nothing is nested."""
        if not self._open_params():
            return False
        queue: list = []
        for it in self.decl.types:
            ty = self._strip_params(it.type)
            ctors = []
            for c in it.constructors:
                body = self._strip_params(c.type)
                if body is None:
                    return False  # not a parameter telescope: the ordinary checks report it
                ctors.append([c.name, body])
            if ty is None:
                return False
            queue.append([it.name, ty, ctors])
        i = 0
        while i < len(queue):
            for c in queue[i][2]:
                c[1] = self._replace_nested(c[1], queue)
            i += 1
        if not self.aux_by_key:
            return False
        tc = self.tc
        types = tuple(
            InductiveType(n, tc.mk_pi(self.params, ty), tuple(Constructor(cn, tc.mk_pi(self.params, ct)) for cn, ct in cs))
            for n, ty, cs in queue
        )
        self.aux_decl = InductiveDecl(self.decl.level_params, self.np, types, self.decl.is_unsafe)
        return True

    def restore(self, e: Expr, rec_names: dict[str, str]) -> Expr:
        closed = {}
        for aux, (key, _) in self.aux_info.items():
            closed[aux] = X.abstract(key, self.params)
        for c, target in self.aux_ctor_target.items():
            closed[c] = X.abstract(target, self.params)

        def go(e: Expr) -> Expr:
            def fn(x: Expr, off: int):
                if type(x) is not App and type(x) is not Const:
                    return None
                f, args = X.get_app_fn_args(x)
                if type(f) is not Const:
                    return None
                if f.name in rec_names:
                    return X.mk_app_seq(Const(rec_names[f.name], f.levels), [go(a) for a in args])
                target = closed.get(f.name)
                if target is None:
                    return None
                if len(args) < self.np:
                    raise E.InvalidNestedInductive("partially applied auxiliary type", decl_name=self.decl.name)
                head = X.instantiate_rev(target, [go(a) for a in args[: self.np]])
                return X.mk_app_seq(head, [go(a) for a in args[self.np :]])

            return X.replace(e, fn)

        return go(e)

    def restore_into(self, staged, final) -> None:
        """Copy the originals' constants from the auxiliary block's results, translated back."""
        n_orig = len(self.decl.types)
        aux_types = self.aux_decl.types[n_orig:]
        rec_names = {t.name + ".rec": t.name + ".rec" for t in self.decl.types}
        for k, t in enumerate(aux_types, start=1):
            rec_names[t.name + ".rec"] = f"{self.main}.rec_{k}"
        orig_names = tuple(t.name for t in self.decl.types)
        for it in self.decl.types:
            info = staged.get(it.name)
            final.add_core(
                InductiveInfo(
                    it.name,
                    info.level_params,
                    it.type,
                    num_params=info.num_params,
                    num_indices=info.num_indices,
                    all=orig_names,
                    constructors=info.constructors,
                    num_nested=len(aux_types),
                    is_rec=info.is_rec,
                    is_reflexive=info.is_reflexive,
                    unsafe=info.unsafe,
                )
            )
            for c in it.constructors:
                cinfo = staged.get(c.name)
                final.add_core(
                    ConstructorInfo(
                        c.name,
                        cinfo.level_params,
                        c.type,
                        induct=it.name,
                        cidx=cinfo.cidx,
                        num_params=cinfo.num_params,
                        num_fields=cinfo.num_fields,
                        unsafe=cinfo.unsafe,
                    )
                )
        for t in self.aux_decl.types:
            rec = staged.get(t.name + ".rec")
            if t.name in self.aux_info:
                major_induct = self.aux_info[t.name][1].name
            else:
                major_induct = t.name
            rules = tuple(
                RecursorRule(self._restore_ctor_name(r.ctor), r.num_fields, self.restore(r.rhs, rec_names))
                for r in rec.rules
            )
            final.add_core(
                RecursorInfo(
                    rec_names[t.name + ".rec"],
                    rec.level_params,
                    self.restore(rec.type, rec_names),
                    all=orig_names,
                    num_params=rec.num_params,
                    num_indices=rec.num_indices,
                    num_motives=rec.num_motives,
                    num_minors=rec.num_minors,
                    rules=rules,
                    k=rec.k,
                    unsafe=rec.unsafe,
                    major_induct=major_induct,
                )
            )

    def _restore_ctor_name(self, name: str) -> str:
        target = self.aux_ctor_target.get(name)
        return name if target is None else X.get_app_fn(target).name
