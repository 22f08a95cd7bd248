"""A reference interpreter for λRC IR that checks reference counts.

What goes in: `Decl`s (before or after the RC pass) and an entry point.
What comes out: the program's output and allocation figures, or an
`IRRuntimeError` — use of a freed object, a count going below zero, or
(with `counting=True`) objects still alive at the end, i.e. a leak.

It is the oracle the tests hold the RC pass to, independently of the code
generator: the same programs must print the same text here and through the
JIT, and after `rc` every object must be freed exactly once. Before RC
(`counting=False`) `inc`/`dec` are absent and nothing is freed, so the same
interpreter checks that earlier passes keep the meaning. Externs are
modelled by their C symbol, with the runtime's ownership rules.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from nleanjit.compiler.ir import types as T

MAX_SMALL_NAT = (1 << 63) - 1


class IRRuntimeError(Exception):
    """The interpreted program broke the reference-counting discipline."""


@dataclass(frozen=True)
class Scalar:
    """A tagged scalar box (`box(n)`)."""

    n: int


@dataclass(eq=False)
class Cell:
    """A heap object: `kind` is ctor, closure, array, string, nat, box."""

    kind: str
    tag: int = 0
    fields: list = field(default_factory=list)
    scalars: dict = field(default_factory=dict)
    value: object = None  # string, big Nat, boxed scalar, closure's function name
    arity: int = 0
    rc: int = 1
    freed: bool = False


def _nat(v) -> int:
    if isinstance(v, Scalar):
        return v.n
    if isinstance(v, Cell) and v.kind == "nat":
        return v.value
    raise IRRuntimeError(f"not a Nat: {v!r}")


class Interpreter:
    def __init__(self, decls: list[T.Decl], counting: bool = True):
        self.decls = {d.name: d for d in decls}
        self.counting = counting
        self.live: set[int] = set()
        self.allocations = 0
        self.out: list[str] = []

    # ------------------------------------------------------------ heap
    def alloc(self, kind: str, **kw) -> Cell:
        c = Cell(kind, **kw)
        self.allocations += 1
        self.live.add(id(c))
        c._keep = c  # noqa: SLF001 (identity stays unique while alive)
        return c

    def mk_nat(self, n: int):
        return Scalar(n) if n <= MAX_SMALL_NAT else self.alloc("nat", value=n)

    def check(self, v, what: str):
        if isinstance(v, Cell) and v.freed:
            raise IRRuntimeError(f"{what} of a freed object ({v.kind})")
        return v

    def inc(self, v, n: int = 1) -> None:
        if self.counting and isinstance(self.check(v, "inc"), Cell):
            v.rc += n

    def dec(self, v) -> None:
        if not self.counting or not isinstance(self.check(v, "dec"), Cell):
            return
        if v.rc <= 0:
            raise IRRuntimeError(f"reference count of a {v.kind} below zero")
        v.rc -= 1
        if v.rc == 0:
            self.free(v, children=True)

    def free(self, v: Cell, children: bool) -> None:
        v.freed = True
        self.live.discard(id(v))
        if children:
            for f in v.fields:
                self.dec(f)

    # ------------------------------------------------------------ externs (by C symbol)
    def extern(self, d: T.Extern, args: list):
        s = d.symbol
        binary = {"nl_nat_add": lambda a, b: a + b, "nl_nat_sub": lambda a, b: max(a - b, 0),
                  "nl_nat_mul": lambda a, b: a * b, "nl_nat_mod": lambda a, b: a % b if b else a,
                  "nl_nat_div": lambda a, b: a // b if b else 0}
        if s in binary:
            return self.mk_nat(binary[s](_nat(args[0]), _nat(args[1])))
        compare = {"nl_nat_dec_eq": lambda a, b: a == b, "nl_nat_dec_lt": lambda a, b: a < b,
                   "nl_nat_dec_le": lambda a, b: a <= b}
        if s in compare:
            return int(compare[s](_nat(args[0]), _nat(args[1])))
        if s == "nl_nat_to_string":
            return self.alloc("string", value=str(_nat(args[0])))
        if s == "nl_nat_of_u64":
            return self.mk_nat(args[0])
        if s == "nl_io_put_str_ln":
            self.out.append(self.check(args[0], "println").value + "\n")
            return self.alloc("ctor", tag=0, fields=[Scalar(0), Scalar(0)])
        if s == "nl_mk_empty_array":
            return self.alloc("array")
        if s == "nl_array_push":
            a, v = self.check(args[0], "Array.push"), args[1]
            if a.rc != 1 and self.counting:
                copy = self.alloc("array", fields=list(a.fields))
                for f in copy.fields:
                    self.inc(f)
                self.dec(a)
                a = copy
            a.fields.append(v)
            return a
        if s in ("nl_array_get_size", "nl_array_size"):
            n = len(self.check(args[0], "Array.size").fields)
            return n if s == "nl_array_size" else self.mk_nat(n)
        raise IRRuntimeError(f"the interpreter does not model extern '{s}'")

    # ------------------------------------------------------------ calls
    def call(self, name: str, args: list):
        d = self.decls.get(name)
        if d is None:
            raise IRRuntimeError(f"unknown function '{name}'")
        if isinstance(d, T.Extern):
            return self.extern(d, args)
        env = {p.x.idx: a for p, a in zip(d.params, args)}
        return self.body(d, d.body, env)

    def call_boxed(self, name: str, args: list):
        """Closure entry: every argument owned and boxed (the `_boxed` wrapper)."""
        d = self.decls[name]
        unboxed = [self.unbox(a, p.ty) if p.ty.is_scalar else a for p, a in zip(d.params, args)]
        r = self.call(name, unboxed)
        for p, a in zip(d.params, args):
            if p.borrow or p.ty.is_scalar:
                self.dec(a)
        return self.box(r, d.ty) if d.ty.is_scalar else r

    def apply(self, f: Cell, args: list):
        self.check(f, "application")
        fixed = list(f.fields)
        if self.counting and f.rc == 1:
            self.free(f, children=False)  # the fixed arguments move out
        else:
            for a in fixed:
                self.inc(a)
            self.dec(f)
        all_args = fixed + args
        if len(all_args) < f.arity:
            return self.alloc("closure", value=f.value, arity=f.arity, fields=all_args)
        r = self.call_boxed(f.value, all_args[: f.arity])
        rest = all_args[f.arity:]
        return self.apply(r, rest) if rest else r

    def box(self, v, ty: T.IRType):
        if ty in (T.IRType.UINT8, T.IRType.UINT16, T.IRType.UINT32):
            return Scalar(v)
        return self.alloc("box", value=v)

    def unbox(self, v, ty: T.IRType):
        return v.n if isinstance(v, Scalar) else self.check(v, "unbox").value

    # ------------------------------------------------------------ bodies
    def arg(self, env, a: T.Arg):
        return Scalar(0) if isinstance(a, T.Irrelevant) else env[a.idx]

    def tag(self, v) -> int:
        if isinstance(v, int):
            return v
        if isinstance(v, Scalar):
            return v.n
        return self.check(v, "case").tag

    def expr(self, ty: T.IRType, e: T.Expr, env: dict):
        a = lambda x: self.arg(env, x)  # noqa: E731
        if isinstance(e, T.Ctor):
            if e.info.is_scalar:
                return Scalar(e.info.cidx)
            return self.alloc("ctor", tag=e.info.cidx, fields=[a(x) for x in e.args])
        if isinstance(e, T.Reset):
            x = self.check(env[e.x.idx], "reset")
            if not self.counting:
                return Scalar(0)
            if x.rc == 1:
                for i in range(e.n):
                    self.dec(x.fields[i])
                    x.fields[i] = Scalar(0)
                return x
            self.dec(x)
            return Scalar(0)
        if isinstance(e, T.Reuse):
            cell = env[e.x.idx]
            fields = [a(x) for x in e.args]
            if isinstance(cell, Scalar):
                return self.alloc("ctor", tag=e.info.cidx, fields=fields)
            cell.tag, cell.fields = e.info.cidx, fields
            return cell
        if isinstance(e, T.Proj):
            return self.check(env[e.x.idx], "proj").fields[e.i]
        if isinstance(e, (T.UProj, T.SProj)):
            key = ("u", e.i) if isinstance(e, T.UProj) else (e.n, e.offset)
            return self.check(env[e.x.idx], "sproj").scalars[key]
        if isinstance(e, T.FAp):
            return self.call(e.fn, [a(x) for x in e.args])
        if isinstance(e, T.PAp):
            d = self.decls[e.fn]
            return self.alloc("closure", value=e.fn, arity=len(d.params), fields=[a(x) for x in e.args])
        if isinstance(e, T.Ap):
            return self.apply(env[e.x.idx], [a(x) for x in e.args])
        if isinstance(e, T.Box):
            return self.box(env[e.x.idx], e.ty)
        if isinstance(e, T.Unbox):
            return self.unbox(env[e.x.idx], ty)
        if isinstance(e, T.NumLit):
            return self.mk_nat(e.value) if ty.is_obj else e.value
        if isinstance(e, T.StrLit):
            return self.alloc("string", value=e.value)
        if isinstance(e, T.IsShared):
            return int(self.check(env[e.x.idx], "isShared").rc != 1)
        raise IRRuntimeError(f"unknown expression {e!r}")

    def body(self, d: T.FDecl, b: T.FnBody, env: dict, jps: dict | None = None):
        jps = dict(jps or {})
        while True:
            if isinstance(b, T.VDecl):
                env = {**env, b.x.idx: self.expr(b.ty, b.e, env)}
            elif isinstance(b, T.JDecl):
                jps[b.j.idx] = (b.params, b.v, env)
            elif isinstance(b, T.Set):
                self.check(env[b.x.idx], "set").fields[b.i] = self.arg(env, b.y)
            elif isinstance(b, T.USet):
                self.check(env[b.x.idx], "uset").scalars[("u", b.i)] = env[b.y.idx]
            elif isinstance(b, T.SSet):
                self.check(env[b.x.idx], "sset").scalars[(b.n, b.offset)] = env[b.y.idx]
            elif isinstance(b, T.SetTag):
                self.check(env[b.x.idx], "setTag").tag = b.cidx
            elif isinstance(b, T.Inc):
                self.inc(env[b.x.idx], b.n)
            elif isinstance(b, T.Dec):
                for _ in range(b.n):
                    self.dec(env[b.x.idx])
            elif isinstance(b, T.Del):
                if self.counting:
                    self.free(self.check(env[b.x.idx], "del"), children=False)
            elif isinstance(b, T.Case):
                tag = self.tag(env[b.x.idx])
                alt = next((a for a in b.alts if isinstance(a, T.AltCtor) and a.info.cidx == tag), None)
                alt = alt or next((a for a in b.alts if isinstance(a, T.AltDefault)), None)
                if alt is None:
                    raise IRRuntimeError(f"in '{d.name}': no alternative for tag {tag}")
                b = alt.body
                continue
            elif isinstance(b, T.Jmp):
                params, v, jenv = jps[b.j.idx]
                args = [self.arg(env, x) for x in b.args]
                env = {**jenv, **{p.x.idx: x for p, x in zip(params, args)}}
                b = v
                continue
            elif isinstance(b, T.Ret):
                return self.arg(env, b.x)
            elif isinstance(b, T.Unreachable):
                raise IRRuntimeError(f"in '{d.name}': unreachable code reached")
            b = b.b


@dataclass
class RunResult:
    output: str
    allocations: int
    live: int


def run_main(decls: list[T.Decl], counting: bool = True, main: str = "main") -> RunResult:
    """Run `main world` as `nl_main` does and check that nothing leaks."""
    it = Interpreter(decls, counting)
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 20000))
    try:
        res = it.call(main, [Scalar(0)])
        it.dec(res)
    finally:
        sys.setrecursionlimit(old)
    if counting and it.live:
        raise IRRuntimeError(f"{len(it.live)} objects still alive at exit")
    return RunResult("".join(it.out), it.allocations, len(it.live))
