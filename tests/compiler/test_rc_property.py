"""Property: on random programs over lists and Nats, the full pipeline (with
reset/reuse, borrow inference, boxing, RC and its expansion) prints what the
program printed before any pass, and frees every object exactly once."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ir_programs as P
from nleanjit.compiler.ir import types as T
from nleanjit.compiler.ir.interpreter import run_main
from nleanjit.compiler.pipeline import run_pipeline

LIB = [P.range_list(), P.map_succ(), P.list_length(), P.sum_list(), P.map_closure()]


class _Gen:
    def __init__(self, data):
        self.data = data
        self.next = 1  # x_1 is the world

    def fresh(self) -> int:
        self.next += 1
        return self.next

    def pick(self, xs):
        return self.data.draw(st.sampled_from(sorted(xs)))

    def body(self, nats: set, lists: set, budget: int) -> T.FnBody:
        """A block that ends by printing one Nat (returning the IO result)."""
        if budget <= 0 or not nats:
            if not nats:
                x = self.fresh()
                return T.VDecl(P.v(x), P.TO, T.NumLit(self.data.draw(st.integers(0, 5))), self.body({x}, lists, 0))
            x, s = self.pick(nats), self.fresh()
            r = self.fresh()
            return P.seq(P.let(s, P.O, P.fap("Nat.repr", x)), P.let(r, P.O, P.fap("IO.println", s, 1)), P.ret(r))
        ops = ["lit", "add", "nil"]
        if nats and lists:
            ops += ["cons", "sum"]
        if lists:
            ops += ["map", "length", "case", "mapF"]
        op = self.data.draw(st.sampled_from(ops))
        x = self.fresh()
        if op == "lit":
            return T.VDecl(P.v(x), P.TO, T.NumLit(self.data.draw(st.integers(0, 2 ** 64))), self.body(nats | {x}, lists, budget - 1))
        if op == "add":
            return T.VDecl(P.v(x), P.TO, P.fap("Nat.add", self.pick(nats), self.pick(nats)), self.body(nats | {x}, lists, budget - 1))
        if op == "nil":
            return T.VDecl(P.v(x), P.O, P.ctor(P.NIL), self.body(nats, lists | {x}, budget - 1))
        if op == "cons":
            return T.VDecl(P.v(x), P.O, P.ctor(P.CONS, self.pick(nats), self.pick(lists)), self.body(nats, lists | {x}, budget - 1))
        if op == "sum":
            return T.VDecl(P.v(x), P.TO, P.fap("sum", self.pick(lists), self.pick(nats)), self.body(nats | {x}, lists, budget - 1))
        if op == "map":
            return T.VDecl(P.v(x), P.O, P.fap("mapSucc", self.pick(lists)), self.body(nats, lists | {x}, budget - 1))
        if op == "length":
            return T.VDecl(P.v(x), P.TO, P.fap("List.length", self.pick(lists)), self.body(nats | {x}, lists, budget - 1))
        if op == "mapF":
            f = self.fresh()
            return P.seq(P.let(f, P.O, T.PAp("Nat.add", (P.v(self.pick(nats)),))),
                         P.let(x, P.O, P.fap("mapF", f, self.pick(lists))),
                         self.body(nats, lists | {x}, budget - 1))
        # case on a list: the cons branch sees its head and tail
        scrut = self.pick(lists)
        nil_branch = self.body(nats, lists, budget // 2)
        h, t = self.fresh(), self.fresh()
        cons_branch = P.seq(P.let(h, P.TO, T.Proj(0, P.v(scrut))), P.let(t, P.O, T.Proj(1, P.v(scrut))),
                            self.body(nats | {h}, lists | {t}, budget // 2))
        self.next = max(self.next, x)
        return P.case(scrut, P.O, (P.NIL, nil_branch), (P.CONS, cons_branch), tid="List")



@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_pipeline_preserves_output_and_frees_everything(data):
    gen = _Gen(data)
    seed_list = gen.fresh()
    n = gen.fresh()
    body = P.seq(P.let(n, P.TO, T.NumLit(data.draw(st.integers(0, 6)))),
                 P.let(seed_list, P.O, P.ctor(P.NIL)),
                 lambda b: b,
                 gen.body({n}, {seed_list}, data.draw(st.integers(1, 12))))
    main = T.FDecl("main", (P.p(1),), P.O, body)
    decls = [*LIB, main]
    reference = run_main([*P.EXTERNS, *run_pipeline(decls, P.EXTERNS, skip=("reset_reuse", "borrow", "boxing", "rc", "expand_reset_reuse")).decls], counting=False)
    compiled = run_main([*P.EXTERNS, *run_pipeline(decls, P.EXTERNS, check_each=True).decls], counting=True)
    assert compiled.output == reference.output
    assert compiled.live == 0


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_jit_matches_the_interpreter_on_random_programs(tmp_path_factory, data):
    """One golden output, two back ends: the compiled program prints what the
    interpreter prints and leaves no live object in the debug runtime."""
    import re
    import subprocess
    import sys

    from nleanjit.codegen.llvm import emit_module

    gen = _Gen(data)
    seed_list, n = gen.fresh(), gen.fresh()
    body = P.seq(P.let(n, P.TO, T.NumLit(data.draw(st.integers(0, 6)))), P.let(seed_list, P.O, P.ctor(P.NIL)),
                 gen.body({n}, {seed_list}, data.draw(st.integers(1, 12))))
    decls = [*LIB, T.FDecl("main", (P.p(1),), P.O, body)]
    compiled = run_pipeline(decls, P.EXTERNS).decls
    expected = run_main([*P.EXTERNS, *compiled]).output
    ll = tmp_path_factory.mktemp("prop") / "p.ll"
    ll.write_text(str(emit_module(compiled, P.EXTERNS)))
    proc = subprocess.run([sys.executable, "-m", "nleanjit.codegen.jit", str(ll), "--variant", "debug",
                           "--report-objects"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == expected
    assert re.search(r"live objects 0,", proc.stderr), proc.stderr
