"""Borrow inference, RC insertion and reset/reuse on hand-written functions."""

import ir_programs as P
from nleanjit.compiler import borrow, rc, reset_reuse
from nleanjit.compiler.ir import types as T
from nleanjit.compiler.ir.printer import format_decl

ENV = {e.name: e for e in P.EXTERNS}


def by_name(decls):
    return {d.name: d for d in decls}


def test_borrow_inference():
    out = by_name(borrow.infer_borrow([*P.list_program(5), P.tree_insert(), P.array_fill()], ENV))
    # read-only traversals borrow the list
    assert [p.borrow for p in out["List.length"].params] == [True]
    assert [p.borrow for p in out["sum"].params] == [True, False]  # acc is consumed by the tail call
    # stored into a constructor: owned
    assert [p.borrow for p in out["range"].params] == [False, False]
    # a projection stored in a new node makes the tree owned (Lean's proj rule)
    assert [p.borrow for p in out["Tree.insert"].params] == [False, False]
    # map only projects and recurses: without reset/reuse its list is borrowed
    assert [p.borrow for p in out["mapSucc"].params] == [True]
    # passed to Array.push (owned): owned; i is passed to push too; n is only compared
    assert [p.borrow for p in out["fill"].params] == [False, False, True]
    # main is exported: unchanged
    assert [p.borrow for p in out["main"].params] == [False]


def test_rc_list_map_golden():
    decls = rc.explicit_rc(borrow.infer_borrow(reset_reuse.insert_reset_reuse([P.map_succ()]), ENV), ENV)
    assert format_decl(decls[0]) == """\
def mapSucc (x_1 : obj) : obj :=
  case[List] x_1 : obj of
  List.nil →
    ret x_1
  List.cons →
    let x_2 : tobj := proj[0] x_1;
    inc x_2;
    let x_3 : obj := proj[1] x_1;
    inc x_3;
    let x_8 : obj := reset[2] x_1;
    let x_4 : tobj := 1;
    let x_5 : tobj := Nat.add x_2 x_4;
    dec x_2;
    let x_6 : obj := mapSucc x_3;
    let x_7 : obj := reuse x_8 in ctor_1[List.cons] x_5 x_6;
    ret x_7"""


def test_rc_borrowed_length_has_no_rc_on_the_list():
    decls = rc.explicit_rc(borrow.infer_borrow([P.list_length()], ENV), ENV)
    text = format_decl(decls[0])
    assert "x_1 : @& obj" in text
    assert "inc x_1" not in text and "dec x_1" not in text and "inc x_3" not in text
    assert "dec x_4;" in text  # the recursive result is a Nat passed to a borrowed add


def test_rc_ret_of_borrowed_param_increments():
    d = T.FDecl("id", (P.p(1, borrow=True),), T.IRType.OBJECT, P.ret(1))
    assert "inc x_1;\n  ret x_1" in format_decl(rc.explicit_rc([d], ENV)[0])


def test_rc_owned_argument_used_twice_is_incremented_once():
    # let x_2 := ctor cons x_1 x_1 : one reference moves in, the other costs an inc
    d = T.FDecl("dup", (P.p(1),), T.IRType.OBJECT, P.seq(P.let(2, T.IRType.OBJECT, P.ctor(P.CONS, 1, 1)), P.ret(2)))
    assert format_decl(rc.explicit_rc([d], ENV)[0]).count("inc x_1;") == 1


def test_rc_dead_param_is_released_in_each_branch():
    d = T.FDecl("pick", (P.p(1), P.p(2), P.p(3, T.IRType.UINT8)), T.IRType.OBJECT,
                P.case(3, T.IRType.UINT8, (P.FALSE, P.ret(1)), (P.TRUE, P.ret(2))))
    text = format_decl(rc.explicit_rc([d], ENV)[0])
    assert "Bool.false →\n    dec x_2;\n    ret x_1" in text
    assert "Bool.true →\n    dec x_1;\n    ret x_2" in text


def test_reset_reuse_list_map_and_tree_insert():
    out = by_name(reset_reuse.insert_reset_reuse([P.map_succ(), P.tree_insert(), P.list_length()]))
    text = format_decl(out["mapSucc"])
    assert "let x_8 : obj := reset[2] x_1;" in text
    assert "reuse x_8 in ctor_1[List.cons] x_5 x_6" in text
    tree = format_decl(out["Tree.insert"])
    assert tree.count("reset[3] x_1") == 2  # both recursive branches, not the one returning x_1
    assert "reuse" not in format_decl(out["List.length"])  # no constructor to build


def test_reset_reuse_needs_same_shape():
    # a cons cell cannot hold a 3-field node
    d = T.FDecl("toNode", (P.p(1),), T.IRType.OBJECT, P.case(
        1, T.IRType.OBJECT, (P.NIL, P.ret(1)),
        (P.CONS, P.seq(P.let(2, T.IRType.OBJECT, T.Proj(0, P.v(1))),
                       P.let(3, T.IRType.OBJECT, P.ctor(P.NODE, 2, 2, 2)), P.ret(3)))))
    assert "reset" not in format_decl(reset_reuse.insert_reset_reuse([d])[0])


def test_expand_reset_reuse_fast_path_updates_fields_in_place():
    from nleanjit.compiler.expand_reset_reuse import expand_reset_reuse
    from nleanjit.compiler.ir.checker import check_decls

    decls = rc.explicit_rc(borrow.infer_borrow(reset_reuse.insert_reset_reuse([P.map_succ()]), ENV), ENV)
    out = expand_reset_reuse(decls)
    check_decls([*P.EXTERNS, *out])  # ids renumbered: both paths declare fresh variables
    text = format_decl(out[0])
    fast, slow = text.split("Bool.false →")[1].split("Bool.true →")
    # fast path: no inc of the fields, no allocation, the cell itself is returned
    assert "inc" not in fast and "ctor" not in fast and "reset" not in fast
    assert "set x_1[0] := x_6;" in fast and "set x_1[1] := x_7;" in fast and "ret x_1" in fast
    # slow path: the fields' incs come back, the shared cell is released, a fresh cell is built
    assert "inc x_3;\n      inc x_2;\n      dec x_1;" in slow and "ctor_1[List.cons]" in slow


def test_expand_keeps_unchanged_fields():
    from nleanjit.compiler.expand_reset_reuse import expand_reset_reuse

    # replace the head of a cons, keep its tail: no `set` for the tail
    O = T.IRType.OBJECT
    d = T.FDecl("setHead", (P.p(1), P.p(2)), O, P.case(
        1, O, (P.NIL, P.seq(T.Dec(P.v(2), 1, True, P.ret(1)))),
        (P.CONS, P.seq(P.let(3, O, T.Proj(1, P.v(1))), P.let(4, O, P.ctor(P.CONS, 2, 3)), P.ret(4)))))
    d = T.FDecl(d.name, d.params, d.ty, d.body)
    out = expand_reset_reuse(rc.explicit_rc(borrow.infer_borrow(reset_reuse.insert_reset_reuse([d]), ENV), ENV))
    fast = format_decl(out[0]).split("Bool.false →")[1].split("Bool.true →")[0]
    assert "set x_1[0] := x_2;" in fast and "set x_1[1]" not in fast
    assert "let x_5 : obj := proj[0] x_1;\n      dec x_5;" in fast  # the old head is released


def test_boxing_golden():
    from nleanjit.compiler.boxing import explicit_boxing

    decls = explicit_boxing(P.implicit_boxing_program(), ENV)
    text = format_decl(decls[-1])
    assert "let x_19 : obj := box x_2;\n  let x_20 : obj := idObj x_19;\n  let x_3 : u64 := unbox x_20;" in text
    assert "let x_21 : obj := box x_7;\n  let x_9 : obj := pap choose x_21 x_8;" in text
    assert "let x_22 : obj := box x_2;\n  let x_15 : obj := ctor_1[List.cons] x_22 x_14;" in text
    # nothing to convert: unchanged
    assert explicit_boxing([P.map_succ()], ENV) == [P.map_succ()]
