"""Recursive definitions: structural recursion through the recursor, or an opaque constant.

In: the elaborated body of `def f xs := …` in which `f` is a local variable
(the recursive calls), the argument variables `xs`. Out: a body without `f`.

Structural recursion is compiled through the recursor directly (not through
`brecOn` as Lean does): when the body is a `T.casesOn` on one argument `x`
(which is what `match x with …` or `def f : T → … | c … => …` compiles to),
the `casesOn` becomes `T.rec`, its motive is generalized over the arguments
after `x` (so they may change in recursive calls), and each call
`f fixed z ys'` on a recursive field `z` of the constructor becomes the
induction hypothesis `ih_z ys'`. The kernel checks the result like any term.
This covers primitive recursion (one constructor layer per call); calls on
deeper subterms (`fib (n+1)` under `n+2`) need `brecOn` (not done yet).

Anything else — `partial def`, and recursion we cannot justify — becomes
what Lean makes of a `partial def`: an `opaque` constant whose value is an
inhabitant of its type, with an `unsafe` implementation for the compiler
(`ElabEnv.partial_impls`). See docs/ELABORATOR.md for this divergence.
"""

from __future__ import annotations

from nleanjit.elab.meta import head_beta
from nleanjit.kernel import expr as X
from nleanjit.kernel.declaration import InductiveInfo
from nleanjit.kernel.expr import App, Const, Expr, FVar, Lam


def mentions(e: Expr, fv: FVar) -> bool:
    return fv.id in X.free_fvar_ids(e)


def compile_structural(te, f: FVar, args: list[FVar], body: Expr) -> Expr | None:
    """`body` (over `args`) with the recursive calls to `f` turned into recursor IHs, or None."""
    mctx = te.mctx
    body = mctx.instantiate(body)
    extra: list[FVar] = []
    try:
        while type(body) is Lam:
            fv = mctx.push_local(body.name, body.type, body.info)
            extra.append(fv)
            body = X.instantiate(body.body, [fv])
        r = _structural_cases(te, f, args + extra, body)
        if r is None:
            return None
        return mctx.mk_lambda(extra, r) if extra else r
    finally:
        mctx.pop_local(len(extra))


def _structural_cases(te, f: FVar, all_args: list[FVar], body: Expr) -> Expr | None:
    mctx = te.mctx
    env = te.env
    head, hargs = X.get_app_fn_args(body)
    if type(head) is not Const or not head.name.endswith(".casesOn"):
        return None
    ind_name = head.name[: -len(".casesOn")]
    info = env.find(ind_name)
    rec = env.find(ind_name + ".rec")
    if type(info) is not InductiveInfo or rec is None or rec.num_motives != 1 or info.num_indices:
        return None
    np_, nc = info.num_params, len(info.constructors)
    if len(hargs) < np_ + 2 + nc:
        return None
    params = hargs[:np_]
    motive = hargs[np_]
    major = hargs[np_ + 1]
    minors = hargs[np_ + 2 : np_ + 2 + nc]
    rest = hargs[np_ + 2 + nc :]  # discriminants generalized by the match compiler
    if type(major) is not FVar or major not in all_args:
        return None
    if any(mentions(p, f) for p in params) or mentions(motive, f):
        return None
    j = all_args.index(major)
    # the arguments every recursive call passes unchanged stay fixed; the others (before and
    # after the major premise) are generalized in the motive
    k = _fixed_prefix(body, f, all_args, j)
    fixed, ys = all_args[:k], all_args[k:j] + all_args[j + 1 :]
    if any(type(r) is not FVar or r not in ys for r in rest):
        return None
    ys = [y for y in ys if y not in rest]
    pre = all_args[k:j]
    # the new motive: fun x => (ys) → R[x]
    d = mctx.local_decl(major)
    xm = mctx.push_local("x", d.type)
    try:
        r_body = head_beta(App(motive, xm))
        gen = mctx.mk_pi(ys, r_body)
        motive_level = te.level_of_type(gen)  # generalizing over `ys` may raise the universe
        new_motive = mctx.mk_lambda([xm], gen)
    finally:
        mctx.pop_local()
    new_minors = []
    for ctor, minor in zip(info.constructors, minors):
        nm = _compile_minor(te, f, ind_name, params, ctor, minor, fixed, ys, new_motive, len(pre), major, tuple(head.levels[1:]))
        if nm is None:
            return None
        new_minors.append(nm)
    rec_const = Const(ind_name + ".rec", (mctx.instantiate_level(motive_level),) + tuple(head.levels[1:]))
    return X.mk_app(rec_const, *params, new_motive, *new_minors, major, *ys, *rest)


def _fixed_prefix(body: Expr, f: FVar, all_args: list[FVar], j: int) -> int:
    calls: list[list[Expr]] = []

    def fn(x, off):
        if not x.has_fvar:
            return x
        h, args = X.get_app_fn_args(x)
        if type(h) is FVar and h.id == f.id:
            calls.append(args)
            for a in args:
                X.replace(a, fn)
            return x
        return None

    X.replace(body, fn)
    k = 0
    while k < j and all(len(c) > k and c[k] == all_args[k] for c in calls):
        k += 1
    return k


def _compile_minor(te, f, ind_name, params, ctor, minor, fixed, ys, new_motive, npre=0, major=None, ind_levels=()) -> Expr | None:
    mctx = te.mctx
    cinfo = te.env.get(ctor)
    zs: list[FVar] = []
    m = minor
    try:
        for _ in range(cinfo.num_fields):
            if type(m) is not Lam:
                return None
            fv = mctx.push_local(m.name, m.type, X.DEFAULT)
            zs.append(fv)
            m = X.instantiate(m.body, [fv])
        rec_fields = []
        for z in zs:
            t = mctx.instantiate(mctx.local_decl(z).type)
            h, targs = X.get_app_fn_args(t)
            if type(h) is Const and h.name == ind_name and targs[: len(params)] == list(params):
                rec_fields.append(z)
        ihs: dict[str, FVar] = {}
        ih_list = []
        for z in rec_fields:
            ih_t = head_beta(App(new_motive, z))
            ih = mctx.push_local(mctx.local_decl(z).user_name + "_ih", ih_t, X.DEFAULT)
            ihs[z.id] = ih
            ih_list.append(ih)
        try:
            m1 = mctx.instantiate(m)
            if major is not None:
                # A catch-all or as-pattern on the major premise (`| e => e`, `m@(n+1)`) is bound to
                # the outer argument; inside `T.rec` the minor also runs for every inner layer (as an
                # IH), where that argument is the wrong value: use the constructor rebuilt from the fields.
                ctor_app = X.mk_app(Const(ctor, ind_levels), *params, *zs)
                m1 = _replace_fvar(m1, major, ctor_app)
            m2 = _replace_calls(m1, f, len(fixed), fixed, ihs, npre)
            if m2 is None or mentions(m2, f):
                return None
            return mctx.mk_lambda(zs + ih_list + list(ys), m2)
        finally:
            mctx.pop_local(len(ih_list))
    finally:
        mctx.pop_local(len(zs))


def _replace_fvar(e: Expr, fv: FVar, value: Expr) -> Expr:
    def fn(x: Expr, off: int):
        if not x.has_fvar:
            return x
        if type(x) is FVar and x.id == fv.id:
            return value
        return None

    return X.replace(e, fn)


def _replace_calls(e: Expr, f: FVar, k: int, fixed, ihs: dict[str, FVar], npre: int = 0) -> Expr | None:
    """`f fixed pre z ys` with `z` a recursive field → `ih_z pre ys` (pre and ys rewritten too)."""
    failed = []
    j = k + npre

    def fn(x: Expr, off: int):
        if not x.has_fvar:
            return x
        if type(x) is App or type(x) is FVar:
            h, args = X.get_app_fn_args(x)
            if type(h) is FVar and h.id == f.id:
                if len(args) <= j or list(args[:k]) != list(fixed) or type(args[j]) is not FVar or args[j].id not in ihs:
                    failed.append(x)
                    return x
                rest = []
                for a in list(args[k:j]) + list(args[j + 1 :]):
                    ra = _replace_calls(a, f, k, fixed, ihs, npre)
                    if ra is None:
                        failed.append(a)
                        return x
                    rest.append(ra)
                return X.mk_app(ihs[args[j].id], *rest)
        return None

    r = X.replace(e, fn)
    return None if failed else r
