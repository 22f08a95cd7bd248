"""Views of the concrete syntax tree: the one place that knows its shapes.

In: `Node`s of `nleanjit.syntax` (lossless, tokens as leaves). Out: small
frozen views the elaborator works with — `DeclView` for declaration commands,
`BinderView` for binder groups, `IdentView` for names — plus token helpers.
The rest of the elaborator never indexes `children` by position, so when the
parser's tree changes, only this module follows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nleanjit.syntax.tokens import Token
from nleanjit.syntax.tree import Node

DECL_KEYWORDS = ("def", "theorem", "lemma", "abbrev", "instance", "example", "opaque", "axiom")
BINDER_KINDS = ("binder", "inst_binder", "strict_binder")


def is_node(x, kind: str | None = None) -> bool:
    return type(x) is Node and (kind is None or x.kind == kind)


def is_tok(x, text: str | None = None) -> bool:
    return type(x) is Token and (text is None or x.text == text)


def nodes(n: Node) -> list[Node]:
    return [c for c in n.children if type(c) is Node]


def tokens(n: Node) -> list[Token]:
    return [c for c in n.children if type(c) is Token]


def first_text(n) -> str:
    if type(n) is Token:
        return n.text
    tok = n.first_token()
    return tok.text if tok is not None else ""


def child_after(n: Node, text: str, start: int = 0):
    """The child right after the first token `text` (at or after index `start`), or None."""
    ch = n.children
    for i in range(start, len(ch)):
        if type(ch[i]) is Token and ch[i].text == text:
            return ch[i + 1] if i + 1 < len(ch) else None
    return None


def index_of(n: Node, text: str, start: int = 0) -> int:
    for i in range(start, len(n.children)):
        c = n.children[i]
        if type(c) is Token and c.text == text:
            return i
    return -1


def ident_text(n) -> str | None:
    """The dotted name of an `ident` node or token (None for anything else)."""
    if type(n) is Token:
        return n.text if n.kind == "ident" else None
    if is_node(n, "ident") and len(n.children) == 1 and type(n.children[0]) is Token:
        return n.children[0].text
    return None


def strip_guillemets(name: str) -> str:
    return name.replace("«", "").replace("»", "")


# ---------------------------------------------------------------- binders


@dataclass(frozen=True)
class BinderView:
    """One binder group: `(x y : T := d)`, `{α}`, `[inst : C α]`, `⦃x⦄`, or a bare `x`.

    `names` holds the identifier tokens (or `_` hole nodes); `type` is None
    when absent; `bracket` is one of `(`, `{`, `[`, `⦃`, `{{` or `` for bare."""

    names: tuple
    type: Node | None
    bracket: str
    default: Node | None = None
    syntax: object = None
    pattern: Node | None = None
    """A non-name binder of `fun` (`fun ⟨a, b⟩ => …`): matched against the argument."""
    params: tuple = ()
    """Binders after a structure field's name (`forIn {β} [Monad m] (x : ρ) : m β`): the field's type is a Π over them."""


def binder_name(x) -> str:
    if type(x) is Token:
        return strip_guillemets(x.text)
    t = ident_text(x)
    if t is not None:
        return strip_guillemets(t)
    return "_"


def view_binder(n: Node) -> BinderView:
    """A bracketed binder node (`binder`, `inst_binder`, ...)."""
    ch = n.children
    bracket = ch[0].text if ch and type(ch[0]) is Token else ""
    if n.kind == "inst_binder" or bracket == "[":
        colon = index_of(n, ":")
        if colon >= 0 and colon > 1:
            names = tuple(c for c in ch[1:colon] if type(c) is Token and c.kind == "ident")
            ty = next((c for c in ch[colon + 1 :] if type(c) is Node), None)
        else:
            names = ()
            ty = next((c for c in ch[1:] if type(c) is Node), None)
        return BinderView(names, ty, "[", None, n)
    names = []
    ty = None
    default = None
    i = 1
    while i < len(ch):
        c = ch[i]
        if type(c) is Token and c.text == ":":
            ty = ch[i + 1] if i + 1 < len(ch) and type(ch[i + 1]) is Node else None
            i += 2
            continue
        if type(c) is Token and c.text == ":=":
            default = ch[i + 1] if i + 1 < len(ch) else None
            i += 2
            continue
        if ty is None and default is None:
            if type(c) is Token and c.kind == "ident":
                names.append(c)
            elif type(c) is Node and c.kind in ("hole", "ident"):
                names.append(c)
        i += 1
    return BinderView(tuple(names), ty, bracket, default, n)


def view_binders(items: list) -> list[BinderView]:
    """Binder groups from a mixed sequence: bracketed binder nodes, bare names,
    and a trailing `: T` typing the bare names (`fun x y : Nat => …`, `∃ a b, …`)."""
    out: list[BinderView] = []
    bare: list = []
    i = 0
    while i < len(items):
        c = items[i]
        if type(c) is Node and c.kind in BINDER_KINDS:
            if bare:
                out.append(BinderView(tuple(bare), None, "", None, c))
                bare = []
            out.append(view_binder(c))
        elif type(c) is Token and c.text == ":":
            ty = items[i + 1] if i + 1 < len(items) else None
            out.append(BinderView(tuple(bare), ty, "", None, ty))
            bare = []
            i += 2
            continue
        elif (type(c) is Token and c.kind == "ident") or (type(c) is Node and c.kind in ("ident", "hole")):
            bare.append(c)
        elif type(c) is Node:
            if bare:
                out.append(BinderView(tuple(bare), None, "", None, c))
                bare = []
            out.append(BinderView((), None, "", None, c, pattern=c))
        i += 1
    if bare:
        out.append(BinderView(tuple(bare), None, "", None, bare[0]))
    return out


# ---------------------------------------------------------------- declarations


@dataclass(frozen=True)
class Modifiers:
    attributes: tuple[str, ...] = ()
    attribute_nodes: tuple = ()
    is_private: bool = False
    is_protected: bool = False
    is_partial: bool = False
    is_unsafe: bool = False
    is_noncomputable: bool = False
    doc: str | None = None


def view_modifiers(n: Node | None) -> Modifiers:
    if n is None:
        return Modifiers()
    attrs: list[str] = []
    attr_nodes = []
    flags = set()
    doc = None
    for c in n.children:
        if type(c) is Token:
            if c.kind == "doc":
                doc = c.text
            else:
                flags.add(c.text)
        elif c.kind == "attributes":
            for a in nodes(c):
                if a.kind == "attr":
                    attrs.append(" ".join(t.text for t in a.tokens()))
                    attr_nodes.append(a)
        else:
            for t in c.tokens():
                flags.add(t.text)
    return Modifiers(
        tuple(attrs),
        tuple(attr_nodes),
        "private" in flags,
        "protected" in flags,
        "partial" in flags,
        "unsafe" in flags,
        "noncomputable" in flags,
        doc,
    )


@dataclass(frozen=True)
class DeclView:
    """`[modifiers] kw name.{us} binders : type := value` and its variants."""

    kind: str
    syntax: Node
    modifiers: Modifiers
    name_tok: Token | None
    level_names: tuple[str, ...]
    binders: tuple[BinderView, ...]
    type: Node | None
    value: Node | None
    alts: Node | None = None
    fields: Node | None = None
    where_decls: tuple = ()
    deriving: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)

    @property
    def name(self) -> str | None:
        return strip_guillemets(self.name_tok.text) if self.name_tok is not None else None


def _level_names(ch: list, i: int) -> tuple[tuple[str, ...], int]:
    """`.{u, v}` starting at index i (the `.`); returns the names and the index after `}`."""
    names = []
    j = i + 2
    while j < len(ch) and not (type(ch[j]) is Token and ch[j].text == "}"):
        c = ch[j]
        if type(c) is Node and c.kind == "level":
            names.append(first_text(c))
        elif type(c) is Token and c.kind == "ident":
            names.append(c.text)
        j += 1
    return tuple(names), j + 1


def view_decl(n: Node) -> DeclView:
    """Read a `def`/`theorem`/`abbrev`/`instance`/`example`/`opaque`/`axiom` node
    (also `where_decl`, whose keyword is implicit)."""
    ch = n.children
    mods = None
    kind = n.kind if n.kind != "where_decl" else "def"
    name_tok = None
    levels: tuple[str, ...] = ()
    binders: list[BinderView] = []
    ty = value = alts = fields = None
    where_decls: list = []
    deriving: list[str] = []
    extra: dict = {}
    seen_kw = n.kind == "where_decl"
    i = 0
    while i < len(ch):
        c = ch[i]
        if type(c) is Node and c.kind == "modifiers":
            mods = c
        elif type(c) is Token and not seen_kw and c.kind == "ident" and c.text in DECL_KEYWORDS:
            seen_kw = True
            kind = c.text if c.text != "lemma" else "theorem"
        elif type(c) is Token and c.text == ".":
            if i + 1 < len(ch) and type(ch[i + 1]) is Token and ch[i + 1].text == "{":
                levels, i = _level_names(ch, i)
                continue
        elif type(c) is Token and c.kind == "ident" and name_tok is None and ty is None and value is None and seen_kw:
            if c.text in ("where", "deriving"):
                pass
            else:
                name_tok = c
        elif type(c) is Node and c.kind in BINDER_KINDS and ty is None and value is None:
            binders.append(view_binder(c))
        elif type(c) is Node and c.kind == "decl_id":
            for t in tokens(c):
                if t.kind == "ident" and name_tok is None:
                    name_tok = t
        elif type(c) is Token and c.text == ":" and ty is None and value is None:
            ty = ch[i + 1] if i + 1 < len(ch) and type(ch[i + 1]) is Node else None
            i += 2
            continue
        elif type(c) is Token and c.text == ":=" and value is None:
            value = ch[i + 1] if i + 1 < len(ch) else None
            i += 2
            continue
        elif type(c) is Node and c.kind == "alts" and value is None:
            alts = c
        elif type(c) is Node and c.kind == "fields" and value is None:
            fields = c
        elif type(c) is Node and c.kind == "where":
            where_decls.extend(x for x in nodes(c) if x.kind == "where_decl")
            fl = [x for x in nodes(c) if x.kind == "fields"]
            if fl and fields is None and value is None:
                fields = fl[0]
        elif type(c) is Node and c.kind == "deriving":
            deriving.extend(t.text for t in tokens(c) if t.kind == "ident" and t.text != "deriving")
        elif type(c) is Node and c.kind in ("termination_by", "decreasing_by"):
            extra[c.kind] = c
        elif type(c) is Node and c.kind == "prio":
            extra["priority"] = c
        elif type(c) is Node and c.kind == "named_arg" and name_tok is None:
            extra["priority"] = c  # `instance (priority := low)`
        i += 1
    return DeclView(
        kind,
        n,
        view_modifiers(mods),
        name_tok,
        levels,
        tuple(binders),
        ty,
        value,
        alts,
        fields,
        tuple(where_decls),
        tuple(deriving),
        extra,
    )


@dataclass(frozen=True)
class CtorView:
    syntax: Node
    name_tok: Token
    modifiers: Modifiers
    binders: tuple[BinderView, ...]
    type: Node | None


@dataclass(frozen=True)
class InductiveView:
    syntax: Node
    kind: str  # "inductive" | "structure" | "class" | "class inductive"
    modifiers: Modifiers
    name_tok: Token
    level_names: tuple[str, ...]
    binders: tuple[BinderView, ...]
    type: Node | None
    ctors: tuple[CtorView, ...] = ()
    extends: tuple[Node, ...] = ()
    ctor_name: Token | None = None
    fields: tuple[BinderView, ...] = ()
    deriving: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return strip_guillemets(self.name_tok.text)


def _view_ctor(n: Node) -> CtorView:
    mods = None
    name = None
    binders = []
    ty = None
    ch = n.children
    i = 0
    while i < len(ch):
        c = ch[i]
        if type(c) is Node and c.kind == "modifiers":
            mods = c
        elif type(c) is Token and c.kind == "ident" and name is None:
            name = c
        elif type(c) is Node and c.kind in BINDER_KINDS:
            binders.append(view_binder(c))
        elif type(c) is Token and c.text == ":":
            ty = ch[i + 1] if i + 1 < len(ch) else None
            i += 1
        i += 1
    return CtorView(n, name, view_modifiers(mods), tuple(binders), ty)


def _view_struct_field(n: Node) -> list[BinderView]:
    """`x y : T := d`, `(x : T)`, `{x : T}` or `[inst : C]` in a structure body."""
    groups = []
    bare = []
    params: list[BinderView] = []
    ty = default = None
    ch = n.children
    i = 0
    while i < len(ch):
        c = ch[i]
        if type(c) is Node and c.kind in BINDER_KINDS:
            (params if bare else groups).append(view_binder(c))
        elif type(c) is Token and c.kind == "ident":
            bare.append(c)
        elif type(c) is Token and c.text == ":":
            ty = ch[i + 1] if i + 1 < len(ch) else None
            i += 1
        elif type(c) is Token and c.text == ":=":
            default = ch[i + 1] if i + 1 < len(ch) else None
            i += 1
        elif type(c) is Node and c.kind == "binders":
            (params if bare else groups).extend(view_binders(c.children))
        i += 1
    if bare:
        groups.append(BinderView(tuple(bare), ty, "(", default, n, None, tuple(params)))
    return groups


def view_inductive(n: Node) -> InductiveView:
    ch = n.children
    mods = None
    kw = []
    name = None
    levels: tuple[str, ...] = ()
    binders: list[BinderView] = []
    ty = None
    ctors: list[CtorView] = []
    extends: list[Node] = []
    ctor_name = None
    fields: list[BinderView] = []
    deriving: list[str] = []
    i = 0
    in_extends = False
    while i < len(ch):
        c = ch[i]
        if type(c) is Node and c.kind == "modifiers":
            mods = c
        elif type(c) is Token and c.kind == "ident" and name is None and c.text in ("inductive", "structure", "class"):
            kw.append(c.text)
        elif type(c) is Token and c.kind == "ident" and name is None:
            name = c
        elif type(c) is Token and c.text == "." and i + 1 < len(ch) and is_tok(ch[i + 1], "{"):
            levels, i = _level_names(ch, i)
            continue
        elif type(c) is Node and c.kind in BINDER_KINDS and ty is None and not in_extends:
            binders.append(view_binder(c))
        elif type(c) is Token and c.text == "extends":
            in_extends = True
        elif type(c) is Node and c.kind == "extends":
            extends.extend(x for x in nodes(c))
        elif type(c) is Token and c.text == ":" and ty is None:
            ty = ch[i + 1] if i + 1 < len(ch) else None
            in_extends = False
            i += 2
            continue
        elif type(c) is Token and c.text == "where":
            in_extends = False
        elif in_extends and type(c) is Node:
            extends.append(c)
        elif type(c) is Node and c.kind == "ctors":
            ctors.extend(_view_ctor(x) for x in nodes(c) if x.kind == "ctor")
        elif type(c) is Node and c.kind == "ctor":
            ctors.append(_view_ctor(c))
        elif type(c) is Node and c.kind == "ctor_name":
            ctor_name = next((t for t in tokens(c) if t.kind == "ident"), None)
        elif type(c) is Node and c.kind == "struct_fields":
            for f in nodes(c):
                fields.extend(_view_struct_field(f))
        elif type(c) is Node and c.kind == "deriving":
            deriving.extend(t.text for t in tokens(c) if t.kind == "ident" and t.text != "deriving")
        i += 1
    return InductiveView(
        n, " ".join(kw), view_modifiers(mods), name, levels, tuple(binders), ty,
        tuple(ctors), tuple(extends), ctor_name, tuple(fields), tuple(deriving),
    )
