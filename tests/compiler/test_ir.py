"""IR printer golden output, pipeline dumps and checker errors."""

import os
from pathlib import Path

import pytest

import ir_programs as P
from nleanjit.compiler.ir import types as T
from nleanjit.compiler.ir.checker import IRCheckError, check_decls
from nleanjit.compiler.ir.printer import format_decls
from nleanjit.compiler.pipeline import UnknownDumpError, run_pipeline

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("NLEANJIT_UPDATE_GOLDEN") == "1"  # NLEANJIT_UPDATE_GOLDEN=1 pytest tests/compiler


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text)
    assert path.exists(), f"missing golden file {path}; run with NLEANJIT_UPDATE_GOLDEN=1"
    assert text == path.read_text()


def corpus() -> list[T.Decl]:
    return [*P.list_program(10), P.tree_insert(), P.array_fill(), P.map_closure()]


@pytest.mark.parametrize("stage", ["init", "reset_reuse", "borrow", "boxing", "rc", "expand_reset_reuse"])
def test_pipeline_dump_golden(stage):
    result = run_pipeline(corpus(), P.EXTERNS, dump=(stage,), check_each=True)
    golden(f"{stage}.txt", result.dumps[stage])


def test_printer_is_deterministic_and_shows_every_form():
    text = format_decls(P.EXTERNS + corpus())
    assert text == format_decls(P.EXTERNS + corpus())
    assert 'extern Nat.add (x_1 : @& tobj) (x_2 : @& tobj) : tobj := "nl_nat_add"' in text
    assert "case[List] x_1 : obj of" in text
    assert "let x_5 : tobj := app x_1 x_3;" in text
    body = T.JDecl(T.JoinPointId(1), (P.p(2, T.IRType.UINT8),), T.Ret(P.v(2)),
                   T.VDecl(P.v(3), T.IRType.UINT8, T.NumLit(7), T.Jmp(T.JoinPointId(1), (P.v(3),))))
    d = T.FDecl("f", (), T.IRType.UINT8, T.Inc(P.v(9), 2, False, T.Dec(P.v(9), 1, True, body)))
    assert format_decls([d]) == (
        "def f : u8 :=\n  inc[2][ref] x_9;\n  dec x_9;\n  block_1 (x_2 : u8) :=\n    ret x_2\n"
        "  let x_3 : u8 := 7;\n  jmp block_1 x_3\n")


def test_unknown_dump_name():
    with pytest.raises(UnknownDumpError, match="unknown IR dump 'llvmx'"):
        run_pipeline(corpus(), P.EXTERNS, dump=("llvmx",))


O, U8 = T.IRType.OBJECT, T.IRType.UINT8


def fn(body, params=(P.p(1),), ty=O, name="bad"):
    return T.FDecl(name, params, ty, body)


@pytest.mark.parametrize("decl, fragment", [
    (fn(P.ret(2)), "unknown variable x_2"),
    (fn(P.seq(P.let(1, O, T.NumLit(0)), P.ret(1))), "variable x_1 is declared twice"),
    (fn(P.seq(P.let(2, O, P.fap("Nat.add", 1)), P.ret(2))), "'Nat.add' takes 2 arguments, applied to 1"),
    (fn(P.seq(P.let(2, O, P.fap("nothing", 1)), P.ret(2))), "unknown function 'nothing'"),
    (fn(T.Jmp(T.JoinPointId(4), ())), "unknown join point block_4"),
    (fn(T.JDecl(T.JoinPointId(1), (P.p(2),), P.ret(2), T.Jmp(T.JoinPointId(1), ()))),
     "block_1 takes 1 arguments, jumped to with 0"),
    (fn(P.seq(P.let(2, O, T.Box(T.IRType.OBJECT, P.v(1))), P.ret(2))), "box of x_1, which is already an object"),
    (fn(P.seq(P.let(2, O, T.Proj(0, P.v(1))), P.ret(2)), params=(P.p(1, U8),)),
     "projection of x_1, which has scalar type u8"),
    (fn(P.ret(1), ty=U8), "returns x_1 of type obj from a function of type u8"),
    (fn(P.seq(P.let(2, O, P.ctor(P.CONS, 1)), P.ret(2))), "constructor List.cons expects 2 arguments, got 1"),
    (fn(T.Case("", P.v(1), T.IRType.FLOAT, (T.AltDefault(P.ret(1)),)), params=(P.p(1, T.IRType.FLOAT),), ty=T.IRType.FLOAT),
     "case on x_1 of type float"),
    (fn(T.Inc(P.v(1), 0, True, P.ret(1))), "inc x_1 by 0"),
])
def test_checker_errors_name_the_declaration(decl, fragment):
    with pytest.raises(IRCheckError) as err:
        check_decls([*P.EXTERNS, decl])
    assert err.value.decl == "bad"
    assert fragment in str(err.value)
    assert "'bad'" in str(err.value)


def test_checker_accepts_every_pipeline_stage():
    for stage_input in (corpus(), run_pipeline(corpus(), P.EXTERNS).decls):
        check_decls([*P.EXTERNS, *stage_input])


def test_strict_checker_rejects_implicit_boxing():
    # before the boxing pass a u64 may be passed to an object parameter; after it, never
    decls = [*P.EXTERNS, *P.implicit_boxing_program()]
    check_decls(decls)
    with pytest.raises(IRCheckError, match="argument 1 of 'idObj' is x_2 of type u64, expected obj"):
        check_decls(decls, strict=True)
    boxed = run_pipeline(P.implicit_boxing_program(), P.EXTERNS).decls
    check_decls([*P.EXTERNS, *boxed], strict=True)


def test_checker_rejects_a_name_declared_twice():
    with pytest.raises(IRCheckError, match="'List.length': declared twice"):
        check_decls([P.list_length(), P.list_length()])
