"""Pattern matching: `match` alternatives compiled to `casesOn` applications.

In: discriminants (free variables after elaboration), rows of patterns (still
syntax, read against the type of the column they match) with their
right-hand sides, and the expected type. Out: a kernel term built from the
`T.casesOn` eliminators that the inductive command defines — the classic
column-by-column compilation (Lean's `Meta.Match` does the same job with a
richer unifier): a column where every row has a variable or `_` is bound and
dropped; otherwise the column's inductive type is split with `casesOn`, the
motive abstracting the discriminant in the expected type, and the rows are
specialized per constructor. `Nat` literals and `n + k` patterns become
`Nat.zero`/`Nat.succ`; other literals are compared with `decide (x = v)`.

Patterns understood: variables, `_`, constructors (qualified, `.c`, opened),
applications of constructors, literals, `n + k`, `x :: xs`, `[a, b]`,
`(a, b)`, `⟨a, b⟩`, `x@p`, parentheses, type ascriptions.
"""

from __future__ import annotations

from dataclasses import dataclass

from nleanjit.elab import syntax_view as V
from nleanjit.elab.messages import ElabError
from nleanjit.elab.state import resolve_global
from nleanjit.kernel import expr as X
from nleanjit.kernel.declaration import ConstructorInfo, InductiveInfo
from nleanjit.kernel.expr import App, Const, Expr, FVar, NatLit, Pi, Sort
from nleanjit.syntax.tokens import Token
from nleanjit.syntax.tree import Node


# --- patterns -------------------------------------------------------------------------


@dataclass(frozen=True)
class PVar:
    name: str


@dataclass(frozen=True)
class PWild:
    pass


@dataclass(frozen=True)
class PCtor:
    ctor: str
    args: tuple  # syntax nodes or patterns, for the explicit fields
    syntax: object = None


@dataclass(frozen=True)
class PNat:
    """`k` (base None) or `p + k` on `Nat`."""

    k: int
    base: object = None


@dataclass(frozen=True)
class PLit:
    syntax: object


@dataclass(frozen=True)
class PAs:
    name: str
    pat: object


@dataclass
class Row:
    pats: list
    rhs: object
    bindings: list  # (name, value) pairs, in binding order
    syntax: object = None


def _split_alt(alt: Node):
    """An `alt` node → (list of pattern groups (each a list of patterns), rhs)."""
    ch = alt.children
    arrow = next(i for i, c in enumerate(ch) if type(c) is Token and c.text == "=>")
    groups: list[list] = [[]]
    for c in ch[:arrow]:
        if type(c) is Token and c.text == "|":
            if groups[-1]:
                groups.append([])
            continue
        if type(c) is Token and c.text == ",":
            continue
        groups[-1].append(c)
    rhs = ch[arrow + 1] if arrow + 1 < len(ch) else None
    return [g for g in groups if g], rhs


def rows_of_alts(alts: Node) -> list[tuple[list, object]]:
    rows = []
    for alt in V.nodes(alts):
        if alt.kind != "alt":
            continue
        groups, rhs = _split_alt(alt)
        for g in groups:
            rows.append((g, rhs))
    return rows


# --- entry points ----------------------------------------------------------------------


def elab_match(te, stx: Node, expected):
    discrs = [c for c in stx.children if V.is_node(c, "discr")]
    alts = next((c for c in stx.children if V.is_node(c, "alts")), None)
    if alts is None:
        raise ElabError(stx, "unsupported 'match' syntax")
    if expected is None:
        expected = te.mctx.new_mvar(Sort(te.mctx.new_level_mvar()))
    values = []
    hyps = []
    for d in discrs:
        dch = d.children
        if len(dch) >= 3 and type(dch[1]) is Token and dch[1].text == ":":
            hyps.append(dch[0].text)
            e_stx = dch[2]
        else:
            hyps.append(None)
            e_stx = [c for c in dch if type(c) is Node or hasattr(c, "expr")][0]  # a node, or a lifted `(← e)`
        v = te.elab_core(e_stx, None)
        te.synthesize_pending()
        values.append(te.mctx.instantiate(v))
    # discriminants that are not variables are generalized: `(fun x => match x …) e`
    fvars, outer, pushed = [], [], 0
    exp = te.mctx.instantiate(expected)
    eqs = []  # (hypothesis name, discriminant value, its variable): `match h : e with`
    try:
        for v, h in zip(values, hyps):
            if type(v) is FVar and h is None:
                fvars.append(v)
                continue
            t = te.mctx.instantiate(te.infer(v))
            fv = te.mctx.push_local("x✝", t)
            pushed += 1
            abstracted = _replace_term(exp, v, fv)
            exp = abstracted
            fvars.append(fv)
            outer.append((fv, v))
            if h is not None:
                eqs.append((h, v, fv, t))
        for h, v, fv, t in reversed(eqs):
            u = te.level_of_type(t)
            eq = X.mk_app(Const("Eq", (u,)), t, v, fv)
            exp = Pi(h, eq, X.lift_loose_bvars(exp, 0, 1), X.DEFAULT)
        rows = rows_of_alts(alts)
        if eqs:
            names = [Token("ident", h, " ", 0, 0, 0) for h, _, _, _ in eqs]
            rows = [(p, Node("fun", [Token("ident", "fun", "", 0, 0, 0), Node("binders", list(names)), Token("sym", "=>", " ", 0, 0, 0), rhs])) for p, rhs in rows]
        body = elab_match_on(te, fvars, rows, exp, stx)
        if outer:
            lam = te.mctx.mk_lambda([fv for fv, _ in outer], body)
            r = X.mk_app(lam, *[v for _, v in outer])
            for h, v, fv, t in eqs:
                u = te.level_of_type(t)
                r = App(r, X.mk_app(Const("Eq.refl", (u,)), t, v))
            return r
        return body
    finally:
        te.mctx.pop_local(pushed)


def elab_match_alts_fun(te, stx: Node, alts: Node, expected):
    """`fun | p₁ => e₁ | …` (and `def f : A → B | …`): one binder per pattern column."""
    rows = rows_of_alts(alts)
    if not rows:
        raise ElabError(stx, "empty match")
    n = len(rows[0][0])
    if expected is None:
        raise ElabError(stx, "invalid pattern-matching function, expected type must be known")
    exp = te.mctx.instantiate(expected)
    fvars = []
    try:
        for i in range(n):
            w = te.whnf(exp)
            if type(w) is not Pi:
                raise ElabError(stx, f"invalid pattern-matching function: {n} patterns but the type\n  {te.pp(expected)}\ntakes {i} arguments")
            fv = te.mctx.push_local(w.name if w.name not in ("a", "") else "x✝", w.type, w.info)
            fvars.append(fv)
            exp = X.instantiate(w.body, [fv])
        body = elab_match_on(te, fvars, rows, exp, stx)
        return te.mctx.mk_lambda(fvars, body)
    finally:
        te.mctx.pop_local(len(fvars))


def elab_match_on(te, fvars: list[FVar], rows, expected, stx) -> Expr:
    if expected is None:
        expected = te.mctx.new_mvar(Sort(te.mctx.new_level_mvar()))
    compiled = [Row(list(p), rhs, [], p[0] if p else stx) for p, rhs in rows]
    for r in compiled:
        if len(r.pats) != len(fvars):
            raise ElabError(r.syntax, f"incorrect number of patterns: expected {len(fvars)}, got {len(r.pats)}")
    return MatchCompiler(te, stx).compile(list(fvars), compiled, te.mctx.instantiate(expected))


# --- the compiler ----------------------------------------------------------------------


class MatchCompiler:
    def __init__(self, te, stx):
        self.te = te
        self.stx = stx
        self.used: set[int] = set()

    def compile(self, vars_: list[Expr], rows: list[Row], expected: Expr) -> Expr:
        te = self.te
        if not rows:
            raise ElabError(self.stx, "missing cases:\n" + ", ".join("_" for _ in vars_ or [0]))
        if not vars_:
            return self.elab_rhs(rows[0], expected)
        col = vars_[0]
        pats = [self.view(r.pats[0], col) for r in rows]
        for r, p in zip(rows, pats):
            r.pats[0] = p
        # peel `x@p`
        for r in rows:
            p = r.pats[0]
            while isinstance(p, PAs):
                r.bindings.append((p.name, col))
                p = self.view(p.pat, col)
                r.pats[0] = p
        if all(isinstance(r.pats[0], (PVar, PWild)) for r in rows):
            for r in rows:
                if isinstance(r.pats[0], PVar):
                    r.bindings.append((r.pats[0].name, col))
                r.pats = r.pats[1:]
            return self.compile(vars_[1:], rows, expected)
        if any(isinstance(r.pats[0], PLit) for r in rows):
            return self.compile_literal(vars_, rows, expected)
        return self.compile_cases(vars_, rows, expected)

    def elab_rhs(self, row: Row, expected: Expr) -> Expr:
        te = self.te
        pushed = 0
        aliases = 0
        try:
            for name, val in row.bindings:
                if name == "_":
                    continue
                if type(val) is FVar:
                    te.mctx.push_alias(name, val)
                    aliases += 1
                    continue
                t = te.mctx.instantiate(te.infer(val))
                te.mctx.push_local(name, t, X.DEFAULT, val)
                pushed += 1
            fvs = te.mctx.scope[len(te.mctx.scope) - pushed :] if pushed else []
            body = te.elab(row.rhs, expected)
            te.synthesize_pending()
            return te.mctx.mk_lambda(fvs, body) if fvs else body
        finally:
            te.mctx.pop_local(pushed)
            te.mctx.pop_alias(aliases)

    # --- pattern views
    def view(self, p, col: Expr):
        if not isinstance(p, (Node, Token)):
            return p
        te = self.te
        if type(p) is Token:
            return self._ident_pattern(p.text, p, col)
        k = p.kind
        if k == "hole":
            return PWild()
        if k == "ident":
            return self._ident_pattern(V.ident_text(p), p, col)
        if k == "paren":
            inner = V.nodes(p)
            return self.view(inner[0], col) if inner else PCtor("Unit.unit", (), p)
        if k == "unit":
            return PCtor("PUnit.unit", (), p)
        if k == "type_ascription":
            return self.view(V.nodes(p)[0], col)
        if k == "named_pattern":
            ch = p.children
            return PAs(ch[0].text if type(ch[0]) is Token else V.ident_text(ch[0]), [c for c in ch if type(c) is Node][-1])
        if k == "inaccessible":
            return PWild()
        if k == "dot_ident":
            return PCtor(self._dot_ctor(p, col), (), p)
        if k == "lit":
            tok = p.children[0]
            if tok.kind == "num" and self._is_nat(col):
                from nleanjit.elab.term import parse_numeral

                return PNat(parse_numeral(tok.text))
            return PLit(p)
        if k == "app":
            ch = [c for c in p.children if type(c) is Node]
            head = ch[0]
            if head.kind == "dot_ident":
                name = self._dot_ctor(head, col)
            else:
                name = self._resolve_ctor(V.ident_text(head) or "", head, col)
                if name is None:
                    raise ElabError(head, f"invalid pattern, constructor or constant marked with '[match_pattern]' expected")
            return PCtor(name, tuple(ch[1:]), p)
        if k == "binop":
            op = p.children[1].text
            lhs, rhs = p.children[0], p.children[-1]
            if op == "+" and V.is_node(rhs, "lit") and self._is_nat(col):
                from nleanjit.elab.term import parse_numeral

                return PNat(parse_numeral(rhs.children[0].text), lhs)
            if op == "::":
                return PCtor("List.cons", (lhs, rhs), p)
            raise ElabError(p, f"invalid pattern")
        if k in ("list", "list_literal"):
            items = [c for c in p.children if type(c) is Node]
            r: object = PCtor("List.nil", (), p)
            for it in reversed(items):
                r = PCtor("List.cons", (it, r), p)
            return r
        if k == "tuple":
            items = [c for c in p.children if type(c) is Node or not isinstance(c, Token)]
            if len(items) == 1:
                return self.view(items[0], col)
            rest = items[1] if len(items) == 2 else Node("tuple", items[1:])
            return PCtor("Prod.mk", (items[0], rest), p)
        if k == "anonymous_ctor":
            items = [c for c in p.children if type(c) is Node]
            ind = self._inductive_of(col)
            if ind is None or len(ind[0].constructors) != 1:
                raise ElabError(p, "invalid constructor ⟨...⟩, expected type must be an inductive type with only one constructor")
            ctor = ind[0].constructors[0]
            nexp = self._num_explicit_fields(ctor)
            if len(items) > nexp and nexp > 0:
                items = items[: nexp - 1] + [Node("anonymous_ctor", items[nexp - 1 :])]
            return PCtor(ctor, tuple(items), p)
        raise ElabError(p, f"invalid pattern")

    def _ident_pattern(self, name: str, stx, col):
        if name == "_":
            return PWild()
        c = self._resolve_ctor(name, stx, col)
        if c is not None:
            return PCtor(c, (), stx)
        if "." in name:
            raise ElabError(stx, f"invalid pattern, constructor or constant marked with '[match_pattern]' expected")
        return PVar(name)

    def _resolve_ctor(self, name: str, stx, col) -> str | None:
        te = self.te
        for cand in resolve_global(te.eenv, te.scope, name):
            if type(te.env.find(cand)) is ConstructorInfo:
                return cand
        return None

    def _dot_ctor(self, stx, col) -> str:
        name = "".join(t.text for t in V.tokens(stx) if t.kind == "ident")
        ind = self._inductive_of(col)
        if ind is None:
            raise ElabError(stx, "invalid dotted identifier notation, expected type must be an inductive type")
        full = f"{ind[0].name}.{name}"
        if type(self.te.env.find(full)) is not ConstructorInfo:
            raise ElabError(stx, f"unknown constant '{full}'")
        return full

    def _is_nat(self, col) -> bool:
        t = self.te.whnf(self.te.infer(col))
        return type(t) is Const and t.name == "Nat"

    def _inductive_of(self, col):
        te = self.te
        t = te.mctx.instantiate(te.infer(col))
        w = te.whnf(t)
        f, args = X.get_app_fn_args(w)
        if type(f) is not Const:
            return None
        info = te.env.find(f.name)
        if type(info) is not InductiveInfo:
            return None
        return info, f, args

    def _num_explicit_fields(self, ctor: str) -> int:
        info = self.te.env.get(ctor)
        t = info.type
        n = 0
        k = 0
        while type(t) is Pi:
            if k >= info.num_params and t.info is X.DEFAULT:
                n += 1
            k += 1
            t = t.body
        return n

    # --- literals
    def compile_literal(self, vars_, rows, expected):
        te = self.te
        col = vars_[0]
        first = next(r.pats[0] for r in rows if isinstance(r.pats[0], PLit))
        lit = te.elab(first.syntax, te.mctx.instantiate(te.infer(col)))
        te.synthesize_pending()
        same, other = [], []
        for r in rows:
            p = r.pats[0]
            if isinstance(p, PLit):
                if V.first_text(p.syntax) == V.first_text(first.syntax):
                    same.append(Row([PWild()] + r.pats[1:], r.rhs, list(r.bindings), r.syntax))
                else:
                    other.append(Row(list(r.pats), r.rhs, list(r.bindings), r.syntax))
            else:
                same.append(Row(list(r.pats), r.rhs, list(r.bindings), r.syntax))
                other.append(Row(list(r.pats), r.rhs, list(r.bindings), r.syntax))
        ty = te.mctx.instantiate(te.infer(col))
        u = te.level_of_type(ty)
        prop = X.mk_app(Const("Eq", (u,)), ty, col, lit)
        inst = te._synth_now(App(Const("Decidable"), prop), first.syntax)
        a = self.compile(list(vars_), same, expected)
        b = self.compile(list(vars_), other, expected)
        v = te.level_of_type(expected)
        return X.mk_app(Const("ite", (v,)), expected, prop, inst, a, b)

    # --- constructors
    def _normalize_nat(self, p):
        if isinstance(p, PNat):
            if p.k == 0:
                return p.base if p.base is not None else PCtor("Nat.zero", (), None)
            return PCtor("Nat.succ", (PNat(p.k - 1, p.base),), None)
        return p

    def compile_cases(self, vars_, rows, expected):
        te = self.te
        col = vars_[0]
        for r in rows:
            r.pats[0] = self._normalize_nat(r.pats[0])
            if not isinstance(r.pats[0], (PVar, PWild, PCtor)):
                r.pats[0] = self.view(r.pats[0], col)
                r.pats[0] = self._normalize_nat(r.pats[0])
        ind = self._inductive_of(col)
        if ind is None:
            raise ElabError(self.stx, f"failed to compile pattern matching: the type of the discriminant is not an inductive type\n  {te.pp(te.infer(col))}")
        info, head, targs = ind
        params, indices = targs[: info.num_params], targs[info.num_params :]
        cases_on = f"{info.name}.casesOn"
        cinfo = te.env.find(cases_on)
        if cinfo is None:
            raise ElabError(self.stx, f"failed to compile pattern matching: '{cases_on}' is not defined")
        if indices:
            idx_fvars = [i for i in indices if type(i) is FVar]
            if len(idx_fvars) != len(indices) or len({i.id for i in idx_fvars}) != len(indices):
                raise ElabError(self.stx, "unsupported: pattern matching on an indexed family whose indices are not variables (not yet implemented by nleanjit's elaborator)")
        for r in rows:
            p = r.pats[0]
            if isinstance(p, PCtor) and te.env.find(p.ctor) is not None and te.env.get(p.ctor).induct != info.name:
                raise ElabError(p.syntax or self.stx, f"type mismatch: constructor '{p.ctor}' does not build the type '{info.name}'")
        # discriminants whose types mention this one are generalized with it (Lean reverts them)
        deps = [v for v in vars_[1:] if type(v) is FVar and col.id in X.free_fvar_ids(te.mctx.instantiate(te.mctx.local_decl(v).type))]
        if deps:
            expected = te.mctx.mk_pi(deps, expected)
        mlevel = te.level_of_type(expected)
        # motive: fun indices x => expected[col := x, indices := …]
        idx_vars = list(indices)
        cases_const = Const(cases_on, (mlevel,) + tuple(head.levels))
        ctype = te.const_type(cases_const)
        # instantiate params
        e = cases_const
        t = ctype
        for prm in params:
            t = te.whnf(t)
            e = App(e, prm)
            t = X.instantiate(t.body, [prm])
        t = te.whnf(t)
        motive_type = t.type
        motive = self._mk_motive(motive_type, expected, col, idx_vars)
        e = App(e, motive)
        t = X.instantiate(t.body, [motive])
        for iv in indices:
            t = te.whnf(t)
            e = App(e, iv)
            t = X.instantiate(t.body, [iv])
        t = te.whnf(t)
        e = App(e, col)
        t = X.instantiate(t.body, [col])
        for ctor in info.constructors:
            t = te.whnf(t)
            minor_type = te.mctx.instantiate(t.type)
            minor = self._compile_minor(ctor, minor_type, vars_, rows, col, params, deps)
            e = App(e, minor)
            t = X.instantiate(t.body, [minor])
        return X.mk_app(e, *deps)

    def _mk_motive(self, motive_type, expected, col, idx_vars):
        te = self.te
        fvs = []
        t = motive_type
        try:
            while True:
                w = te.whnf(t)
                if type(w) is not Pi:
                    break
                fv = te.mctx.push_local(w.name, w.type)
                fvs.append(fv)
                t = X.instantiate(w.body, [fv])
            body = te.mctx.instantiate(expected)
            x = fvs[-1]
            body = _replace_term(body, col, x)
            for old, new in zip(idx_vars, fvs[:-1]):
                body = _replace_term(body, old, new)
            return te.mctx.mk_lambda(fvs, body)
        finally:
            te.mctx.pop_local(len(fvs))

    def _compile_minor(self, ctor, minor_type, vars_, rows, col, params, deps=()):
        te = self.te
        cinfo = te.env.get(ctor)
        nfields = cinfo.num_fields
        # the fields' binder kinds, from the constructor's type
        ct = cinfo.type
        for _ in range(cinfo.num_params):
            ct = ct.body
        explicit = []
        for _ in range(nfields):
            explicit.append(ct.info is X.DEFAULT)
            ct = ct.body
        # pick field names from the first row that names them
        names = [None] * nfields
        for r in rows:
            p = r.pats[0]
            if isinstance(p, PCtor) and p.ctor == ctor:
                exp_idx = [i for i in range(nfields) if explicit[i]]
                for j, a in enumerate(p.args):
                    if j < len(exp_idx):
                        nm = V.ident_text(a) if isinstance(a, (Node, Token)) else None
                        if nm and "." not in nm and self._resolve_ctor(nm, a, None) is None:
                            names[exp_idx[j]] = nm
                break
        fvs = []
        t = minor_type
        try:
            for i in range(nfields):
                w = te.whnf(t)
                fv = te.mctx.push_local(names[i] or (w.name + "✝"), w.type, X.DEFAULT)
                fvs.append(fv)
                t = X.instantiate(w.body, [fv])
            sub_expected = te.mctx.instantiate(t)
            # motive applied: beta-reduce
            from nleanjit.elab.meta import head_beta

            sub_expected = head_beta(sub_expected)
            # re-introduce the generalized discriminants with their refined types
            rest_vars = list(vars_[1:])
            for dv in deps:
                w = te.whnf(sub_expected)
                nf = te.mctx.push_local(te.mctx.local_decl(dv).user_name, w.type, X.DEFAULT)
                fvs.append(nf)
                rest_vars = [nf if (type(v) is FVar and v.id == dv.id) else v for v in rest_vars]
                sub_expected = X.instantiate(w.body, [nf])
            new_rows = []
            for r in rows:
                p = r.pats[0]
                if isinstance(p, PCtor):
                    if p.ctor != ctor:
                        continue
                    exp_idx = [i for i in range(nfields) if explicit[i]]
                    sub = [PWild()] * nfields
                    if len(p.args) > len(exp_idx):
                        raise ElabError(p.syntax or self.stx, f"too many arguments to constructor '{ctor}' in pattern")
                    if len(p.args) < len(exp_idx) and p.args:
                        raise ElabError(p.syntax or self.stx, f"not enough arguments to constructor '{ctor}' in pattern")
                    for j, a in enumerate(p.args):
                        sub[exp_idx[j]] = a
                    new_rows.append(Row(list(sub) + r.pats[1:], r.rhs, list(r.bindings), r.syntax))
                else:
                    b = list(r.bindings)
                    if isinstance(p, PVar):
                        b.append((p.name, col))
                    new_rows.append(Row([PWild()] * nfields + r.pats[1:], r.rhs, b, r.syntax))
            if not new_rows:
                raise ElabError(self.stx, f"missing cases:\n({ctor} {' '.join('_' for _ in range(sum(explicit)))})".replace(" )", ")"))
            body = self.compile(fvs[:nfields] + rest_vars, new_rows, sub_expected)
            return te.mctx.mk_lambda(fvs, body)
        finally:
            te.mctx.pop_local(len(fvs))


def _replace_term(e: Expr, old: Expr, new: Expr) -> Expr:
    if old == new:
        return e

    def fn(x, off):
        if x == old:
            return new
        return None

    return X.replace(e, fn)


__all__ = ["elab_match", "elab_match_alts_fun", "elab_match_on", "NatLit"]
