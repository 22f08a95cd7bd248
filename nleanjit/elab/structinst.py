"""Structure instances: `{ x := 1, y := 2 }`, `{ s with x := 1 }` and `instance … where` fields.

In: the `structinst` (or `fields`) syntax and the expected structure type.
Out: an application of the structure's constructor. Each field takes, in
order: the value given by name (binders and `| alts` on a field make a
function), the fields of a parent given flat (built into the parent's
subobject), the `with` source's projection, the field's default value
(elaborated with the earlier fields in scope), or an instance found by
resolution for class-typed fields; otherwise `fields missing: 'x'`.
"""

from __future__ import annotations

from nleanjit.elab import syntax_view as V
from nleanjit.elab.messages import ElabError
from nleanjit.kernel import expr as X
from nleanjit.kernel.expr import App, Const, Expr, Pi
from nleanjit.syntax.tokens import Token
from nleanjit.syntax.tree import Node


def read_fields(fields_node: Node | None) -> dict[str, Node]:
    """`x := v`, `f a b := v`, `f | alts` → name → a term node (binders become `fun`)."""
    out: dict[str, Node] = {}
    if fields_node is None:
        return out
    for f in V.nodes(fields_node):
        if f.kind != "field":
            continue
        ch = f.children
        name = ch[0].text if type(ch[0]) is Token else V.ident_text(ch[0])
        alts = next((c for c in ch if V.is_node(c, "alts")), None)
        if alts is not None:
            out[name] = Node("fun", [Token("ident", "fun", "", 0, 0, 0), alts])
            continue
        assign = V.index_of(f, ":=")
        if assign < 0:
            # `{ x }` abbreviates `{ x := x }`
            out[name] = Node("ident", [ch[0]]) if type(ch[0]) is Token else ch[0]
            continue
        value = ch[assign + 1]
        binders = [c for c in ch[1:assign] if type(c) is Node or (type(c) is Token and c.kind == "ident")]
        if binders:
            items = [Node("ident", [b]) if type(b) is Token else b for b in binders]
            value = Node("fun", [Token("ident", "fun", "", 0, 0, 0), Node("binders", items), Token("sym", "=>", "", 0, 0, 0), value])
        out[name] = value
    return out


def elab_structure_instance(te, stx: Node, expected):
    ch = stx.children
    source = None
    fields_node = next((c for c in ch if V.is_node(c, "fields")), None)
    with_i = next((i for i, c in enumerate(ch) if type(c) is Token and c.text == "with"), None)
    if with_i is not None:
        source = [c for c in ch[:with_i] if type(c) is Node][-1]
    ascr_i = next((i for i, c in enumerate(ch) if type(c) is Token and c.text == ":"), None)
    if ascr_i is not None:
        expected = te.elab_type(ch[ascr_i + 1])
    src = None
    if source is not None:
        src = te.elab_core(source, None)
        te.synthesize_pending()
        if expected is None:
            expected = te.infer(src)
    if expected is None:
        raise ElabError(stx, "invalid {...} notation, expected type is not known")
    return build_structure(te, stx, expected, read_fields(fields_node), src)


def build_structure(te, stx, expected: Expr, given: dict, src: Expr | None) -> Expr:
    exp = te.mctx.instantiate(expected)
    w = te.whnf(exp)
    head, targs = X.get_app_fn_args(w)
    if type(head) is not Const or head.name not in te.eenv.structures:
        raise ElabError(stx, f"invalid {{...}} notation, expected type is not of the form (C ...)\n  {te.pp(exp)}")
    sinfo = te.eenv.structures[head.name]
    ctor = Const(sinfo.ctor, head.levels)
    e = ctor
    t = te.const_type(ctor)
    for p in targs[: sinfo.num_params]:
        t = te.whnf(t)
        e = App(e, p)
        t = X.instantiate(t.body, [p])
    given = dict(given)
    values: dict[str, Expr] = {}
    parents = dict((pf, pc) for pc, pf in sinfo.parents)
    missing = []
    for fname in sinfo.fields:
        t = te.whnf(t)
        if type(t) is not Pi:
            raise ElabError(stx, f"invalid structure '{head.name}'")
        fty = te.mctx.instantiate(t.type)
        if fname in given:
            v = te.elab(given.pop(fname), fty)
        elif fname in parents and _parent_fields_given(te, parents[fname], given):
            sub = {k: given.pop(k) for k in list(given) if k in _all_fields(te, parents[fname])}
            psrc = _proj(te, stx, src, head.name, fname) if src is not None else None
            v = build_structure(te, stx, fty, sub, psrc)
        elif src is not None:
            v = _proj(te, stx, src, head.name, fname)
        elif fname in dict(sinfo.defaults):
            v = _elab_default(te, dict(sinfo.defaults)[fname], fty, values)
        elif fname in parents and _has_defaults_for_all(te, parents[fname]):
            v = build_structure(te, stx, fty, {}, None)
        elif te.resolver.class_of(fty) is not None:
            v = te.new_inst_mvar(fty, stx)
        else:
            missing.append(fname)
            v = te.mctx.new_mvar(fty)
        values[fname] = v
        e = App(e, v)
        t = X.instantiate(t.body, [v])
    if given:
        name = next(iter(given))
        raise ElabError(stx, f"'{name}' is not a field of structure '{head.name}'")
    if missing:
        raise ElabError(stx, "fields missing: " + ", ".join(f"'{m}'" for m in missing))
    te.mctx.is_def_eq(te.infer(e), exp)
    return e


def _proj(te, stx, src, struct, fname):
    c = te._mk_const(stx, f"{struct}.{fname}", None)
    return te.apply(stx, c, te.const_type(c), [], {}, None, False, (src, struct))


def _all_fields(te, struct: str) -> set[str]:
    info = te.eenv.structures.get(struct)
    if info is None:
        return set()
    out = set(info.fields)
    for pc, _pf in info.parents:
        out |= _all_fields(te, pc)
    return out


def _parent_fields_given(te, parent: str, given: dict) -> bool:
    return any(k in _all_fields(te, parent) for k in given)


def _has_defaults_for_all(te, struct: str) -> bool:
    info = te.eenv.structures.get(struct)
    return info is not None and all(f in dict(info.defaults) for f in info.fields)


def _elab_default(te, stx, fty, values: dict[str, Expr]):
    pushed = 0
    try:
        for name, v in values.items():
            te.mctx.push_local(name, te.mctx.instantiate(te.infer(v)), X.DEFAULT, v)
            pushed += 1
        fvs = te.mctx.scope[len(te.mctx.scope) - pushed :] if pushed else []
        body = te.elab(stx, fty)
        te.synthesize_pending()
        return te.mctx.mk_lambda(fvs, body) if fvs else body
    finally:
        te.mctx.pop_local(pushed)
