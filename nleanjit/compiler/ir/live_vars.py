"""Live-variable sets of λRC bodies (Lean's `IR/LiveVars`).

What goes in: a body and the live sets of the join points in scope. What
comes out: the variables the body may read — a `jmp` reads what its join
point's body reads. Used by the RC pass (where to put `dec`) and by
reset/reuse (where a variable dies).
"""

from __future__ import annotations

from nleanjit.compiler.ir import types as T

JPLive = dict[int, frozenset[int]]


def body_live_vars(b: T.FnBody, jp_live: JPLive) -> frozenset[int]:
    if isinstance(b, T.VDecl):
        rest = body_live_vars(b.b, jp_live) - {b.x.idx}
        return rest | {v.idx for v in T.expr_vars(b.e)}
    if isinstance(b, T.JDecl):
        v_live = body_live_vars(b.v, jp_live) - {p.x.idx for p in b.params}
        return body_live_vars(b.b, {**jp_live, b.j.idx: v_live})
    if isinstance(b, (T.Set, T.USet, T.SSet)):
        y = {b.y.idx} if isinstance(b.y, T.VarId) else set()
        return body_live_vars(b.b, jp_live) | {b.x.idx} | y
    if isinstance(b, (T.SetTag, T.Inc, T.Dec, T.Del)):
        return body_live_vars(b.b, jp_live) | {b.x.idx}
    if isinstance(b, T.Case):
        out = {b.x.idx}
        for alt in b.alts:
            out |= body_live_vars(alt.body, jp_live)
        return frozenset(out)
    if isinstance(b, T.Jmp):
        return jp_live.get(b.j.idx, frozenset()) | {a.idx for a in b.args if isinstance(a, T.VarId)}
    if isinstance(b, T.Ret):
        return frozenset({b.x.idx}) if isinstance(b.x, T.VarId) else frozenset()
    return frozenset()


def is_live(x: T.VarId, b: T.FnBody, jp_live: JPLive) -> bool:
    return x.idx in body_live_vars(b, jp_live)
