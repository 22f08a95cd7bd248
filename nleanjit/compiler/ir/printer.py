"""Deterministic text form of the λRC IR (in the style of Lean's `IR/Format`).

What goes in: `Decl`s or bodies from `ir.types`. What comes out: text, one
instruction per line, two-space indentation per nesting level. The output
depends on nothing but the IR, so golden files of it are stable; it is what
`--dump=<pass>` prints.
"""

from __future__ import annotations

from nleanjit.compiler.ir import types as T


def format_arg(a: T.Arg) -> str:
    return "◾" if isinstance(a, T.Irrelevant) else f"x_{a.idx}"


def _args(args) -> str:
    return "".join(" " + format_arg(a) for a in args)


def format_expr(e: T.Expr) -> str:
    if isinstance(e, T.Ctor):
        return f"ctor_{e.info.cidx}[{e.info.name}]{_args(e.args)}"
    if isinstance(e, T.Reset):
        return f"reset[{e.n}] x_{e.x.idx}"
    if isinstance(e, T.Reuse):
        upd = "!" if e.update_header else ""
        return f"reuse{upd} x_{e.x.idx} in ctor_{e.info.cidx}[{e.info.name}]{_args(e.args)}"
    if isinstance(e, T.Proj):
        return f"proj[{e.i}] x_{e.x.idx}"
    if isinstance(e, T.UProj):
        return f"uproj[{e.i}] x_{e.x.idx}"
    if isinstance(e, T.SProj):
        return f"sproj[{e.n}, {e.offset}] x_{e.x.idx}"
    if isinstance(e, T.FAp):
        return f"{e.fn}{_args(e.args)}"
    if isinstance(e, T.PAp):
        return f"pap {e.fn}{_args(e.args)}"
    if isinstance(e, T.Ap):
        return f"app x_{e.x.idx}{_args(e.args)}"
    if isinstance(e, T.Box):
        return f"box x_{e.x.idx}"
    if isinstance(e, T.Unbox):
        return f"unbox x_{e.x.idx}"
    if isinstance(e, T.NumLit):
        return str(e.value)
    if isinstance(e, T.StrLit):
        escaped = e.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    if isinstance(e, T.IsShared):
        return f"isShared x_{e.x.idx}"
    raise TypeError(f"not an IR expression: {e!r}")


def format_param(p: T.Param) -> str:
    return f"(x_{p.x.idx} : {'@& ' if p.borrow else ''}{p.ty.value})"


def _rc_suffix(n: int, check: bool) -> str:
    return ("" if n == 1 else f"[{n}]") + ("" if check else "[ref]")


def format_body(b: T.FnBody, indent: int = 0) -> list[str]:
    pad = "  " * indent
    out: list[str] = []
    while True:
        if isinstance(b, T.VDecl):
            out.append(f"{pad}let x_{b.x.idx} : {b.ty.value} := {format_expr(b.e)};")
        elif isinstance(b, T.JDecl):
            params = "".join(" " + format_param(p) for p in b.params)
            out.append(f"{pad}block_{b.j.idx}{params} :=")
            out.extend(format_body(b.v, indent + 1))
        elif isinstance(b, T.Set):
            out.append(f"{pad}set x_{b.x.idx}[{b.i}] := {format_arg(b.y)};")
        elif isinstance(b, T.USet):
            out.append(f"{pad}uset x_{b.x.idx}[{b.i}] := x_{b.y.idx};")
        elif isinstance(b, T.SSet):
            out.append(f"{pad}sset x_{b.x.idx}[{b.n}, {b.offset}] : {b.ty.value} := x_{b.y.idx};")
        elif isinstance(b, T.SetTag):
            out.append(f"{pad}setTag x_{b.x.idx} := {b.cidx};")
        elif isinstance(b, T.Inc):
            out.append(f"{pad}inc{_rc_suffix(b.n, b.check)} x_{b.x.idx};")
        elif isinstance(b, T.Dec):
            out.append(f"{pad}dec{_rc_suffix(b.n, b.check)} x_{b.x.idx};")
        elif isinstance(b, T.Del):
            out.append(f"{pad}del x_{b.x.idx};")
        elif isinstance(b, T.Case):
            out.append(f"{pad}case[{b.tid}] x_{b.x.idx} : {b.x_ty.value} of")
            for alt in b.alts:
                label = alt.info.name if isinstance(alt, T.AltCtor) else "default"
                out.append(f"{pad}{label} →")
                out.extend(format_body(alt.body, indent + 1))
            return out
        elif isinstance(b, T.Jmp):
            out.append(f"{pad}jmp block_{b.j.idx}{_args(b.args)}")
            return out
        elif isinstance(b, T.Ret):
            out.append(f"{pad}ret {format_arg(b.x)}")
            return out
        elif isinstance(b, T.Unreachable):
            out.append(f"{pad}⊥")
            return out
        else:
            raise TypeError(f"not an IR body: {b!r}")
        b = b.b


def format_decl(d: T.Decl) -> str:
    params = "".join(" " + format_param(p) for p in d.params)
    if isinstance(d, T.Extern):
        return f"extern {d.name}{params} : {d.ty.value} := \"{d.symbol}\""
    lines = [f"def {d.name}{params} : {d.ty.value} :="]
    lines.extend(format_body(d.body, 1))
    return "\n".join(lines)


def format_decls(decls) -> str:
    return "\n\n".join(format_decl(d) for d in decls) + "\n"
