"""The RC-checking interpreter as an oracle: every pipeline stage prints the
same as the JIT, and after RC every object is freed exactly once."""

import pytest

import ir_programs as P
from nleanjit.compiler.ir import types as T
from nleanjit.compiler.ir.interpreter import IRRuntimeError, run_main
from nleanjit.compiler.pipeline import PASSES, run_pipeline

PROGRAMS = {
    "list": (lambda: P.list_program(50), "50\n1325\n"),
    "array": (lambda: P.array_program(100), "100\n"),
    "reuse": (lambda: P.reuse_program(40), f"{40 * 41 // 2 + 40}\n"),
    "tree": (lambda: P.tree_program(200, 50), f"{sum({(i * 7919) % 50 for i in range(200)})}\n"),
    "closure": (lambda: P.closure_program(100, 10), f"{sum(range(11, 111))}\n"),
    "scalars": (P.scalar_program, f"{2 ** 64 - 1}\n7\n"),
    "boxing": (P.implicit_boxing_program, f"{2 ** 64 - 1}\n99\n1\n"),
    "constants": (lambda: P.constants_program(20), f"{20 + 210}\n" + "héllo\n" * 3),
    "bignat": (lambda: P.big_nat_program(2 ** 64 + 5, 2 ** 63 - 1),
               "".join(f"{x}\n" for x in [2 ** 64 + 5 + 2 ** 63 - 1, 2 ** 64 + 5, (2 ** 63 - 1) ** 2, 0, 2 ** 63])),
}
STAGES = [name for name, _ in PASSES]


@pytest.mark.parametrize("program", sorted(PROGRAMS))
def test_every_stage_prints_the_same_and_rc_frees_everything(program):
    build, expected = PROGRAMS[program]
    for upto in range(len(STAGES) + 1):
        skip = tuple(STAGES[upto:])
        if program == "boxing" and "boxing" in skip:
            continue  # before the boxing pass this program mixes representations on purpose
        decls = [*P.EXTERNS, *run_pipeline(build(), P.EXTERNS, skip=skip).decls]
        counting = "rc" not in skip
        result = run_main(decls, counting=counting)
        assert result.output == expected, (program, skip)
        if counting:
            assert result.live == 0


def test_reuse_saves_one_allocation_per_cell():
    with_reuse = run_main([*P.EXTERNS, *run_pipeline(P.reuse_program(40), P.EXTERNS).decls])
    without = run_main([*P.EXTERNS, *run_pipeline(P.reuse_program(40), P.EXTERNS, skip=("reset_reuse",)).decls])
    assert without.allocations - with_reuse.allocations == 40


def test_interpreter_detects_a_missing_dec():
    decls = run_pipeline(P.list_program(5), P.EXTERNS).decls
    main = decls[-1]

    def drop_decs(b):
        if isinstance(b, T.Dec):
            return drop_decs(b.b)
        if isinstance(b, T.TERMINALS):
            return b
        return T.with_body(b, drop_decs(b.b))

    broken = [*decls[:-1], T.FDecl(main.name, main.params, main.ty, drop_decs(main.body))]
    with pytest.raises(IRRuntimeError, match="objects still alive at exit"):
        run_main([*P.EXTERNS, *broken])


def test_interpreter_detects_a_double_dec():
    d = T.FDecl("main", (P.p(1),), P.O, P.seq(
        P.let(2, P.O, P.ctor(P.CONS, 1, 1)), lambda b: T.Dec(P.v(2), 1, True, b),
        lambda b: T.Dec(P.v(2), 1, True, b), P.ret(1)))
    with pytest.raises(IRRuntimeError, match="freed object"):
        run_main([d])
