"""Hand-built λRC programs used by the compiler tests (the front end that
will produce them from Lean source is not connected yet)."""

from __future__ import annotations

from nleanjit.compiler.ir import types as T

O, TO, U8 = T.IRType.OBJECT, T.IRType.TOBJECT, T.IRType.UINT8
NIL = T.CtorInfo("List.nil", 0)
CONS = T.CtorInfo("List.cons", 1, size=2)
LEAF = T.CtorInfo("Tree.leaf", 0)
NODE = T.CtorInfo("Tree.node", 1, size=3)
FALSE = T.CtorInfo("Bool.false", 0)
TRUE = T.CtorInfo("Bool.true", 1)


def v(i: int) -> T.VarId:
    return T.VarId(i)


def p(i: int, ty=O, borrow=False) -> T.Param:
    return T.Param(v(i), borrow, ty)


def let(x: int, ty, e):
    return ("let", x, ty, e)


def seq(*items) -> T.FnBody:
    """Chain `let`s (and ready-made instruction constructors) ending in a terminal."""
    body = items[-1]
    for item in reversed(items[:-1]):
        if isinstance(item, tuple) and item[0] == "let":
            body = T.VDecl(v(item[1]), item[2], item[3], body)
        else:  # a function taking the continuation
            body = item(body)
    return body


def ret(i: int) -> T.Ret:
    return T.Ret(v(i))


def fap(fn, *xs):
    return T.FAp(fn, tuple(v(x) for x in xs))


def ctor(info, *xs):
    return T.Ctor(info, tuple(v(x) for x in xs))


def case(x: int, ty, *alts, tid="") -> T.Case:
    return T.Case(tid, v(x), ty, tuple(T.AltCtor(info, b) for info, b in alts))


EXTERNS = [
    T.Extern("Nat.add", (p(1, TO, True), p(2, TO, True)), TO, "nl_nat_add"),
    T.Extern("Nat.sub", (p(1, TO, True), p(2, TO, True)), TO, "nl_nat_sub"),
    T.Extern("Nat.mul", (p(1, TO, True), p(2, TO, True)), TO, "nl_nat_mul"),
    T.Extern("Nat.mod", (p(1, TO, True), p(2, TO, True)), TO, "nl_nat_mod"),
    T.Extern("UInt64.toNat", (p(1, T.IRType.UINT64),), TO, "nl_nat_of_u64"),
    T.Extern("Nat.decEq", (p(1, TO, True), p(2, TO, True)), U8, "nl_nat_dec_eq"),
    T.Extern("Nat.decLt", (p(1, TO, True), p(2, TO, True)), U8, "nl_nat_dec_lt"),
    T.Extern("Nat.repr", (p(1, TO, True),), O, "nl_nat_to_string"),
    T.Extern("IO.println", (p(1, O, True), p(2, O, True)), O, "nl_io_put_str_ln"),
    T.Extern("Array.mkEmpty", (), O, "nl_mk_empty_array"),
    T.Extern("Array.push", (p(1, O), p(2, O)), O, "nl_array_push"),
    T.Extern("Array.size", (p(1, O, True),), TO, "nl_array_get_size"),
]


def list_length() -> T.FDecl:
    """def length : List α → Nat | [] => 0 | _ :: t => length t + 1"""
    return T.FDecl("List.length", (p(1),), TO, case(
        1, O,
        (NIL, seq(let(2, TO, T.NumLit(0)), ret(2))),
        (CONS, seq(let(3, O, T.Proj(1, v(1))), let(4, TO, fap("List.length", 3)),
                   let(5, TO, T.NumLit(1)), let(6, TO, fap("Nat.add", 4, 5)), ret(6))),
        tid="List"))


def map_succ() -> T.FDecl:
    """def mapSucc : List Nat → List Nat | [] => [] | h :: t => (h+1) :: mapSucc t"""
    return T.FDecl("mapSucc", (p(1),), O, case(
        1, O,
        (NIL, ret(1)),
        (CONS, seq(let(2, TO, T.Proj(0, v(1))), let(3, O, T.Proj(1, v(1))),
                   let(4, TO, T.NumLit(1)), let(5, TO, fap("Nat.add", 2, 4)),
                   let(6, O, fap("mapSucc", 3)), let(7, O, ctor(CONS, 5, 6)), ret(7))),
        tid="List"))


def range_list() -> T.FDecl:
    """def range (n acc) := if n = 0 then acc else range (n-1) (n :: acc)   -- [1..n]"""
    return T.FDecl("range", (p(1, TO), p(2)), O, seq(
        let(3, TO, T.NumLit(0)), let(4, U8, fap("Nat.decEq", 1, 3)),
        case(4, U8,
             (FALSE, seq(let(5, TO, T.NumLit(1)), let(6, TO, fap("Nat.sub", 1, 5)),
                         let(7, O, ctor(CONS, 1, 2)), let(8, O, fap("range", 6, 7)), ret(8))),
             (TRUE, ret(2)), tid="Bool")))


def sum_list() -> T.FDecl:
    """def sum (l acc) := match l with | [] => acc | h :: t => sum t (acc + h)"""
    return T.FDecl("sum", (p(1), p(2, TO)), TO, case(
        1, O,
        (NIL, ret(2)),
        (CONS, seq(let(3, TO, T.Proj(0, v(1))), let(4, O, T.Proj(1, v(1))),
                   let(5, TO, fap("Nat.add", 2, 3)), let(6, TO, fap("sum", 4, 5)), ret(6))),
        tid="List"))


def tree_insert() -> T.FDecl:
    """def insert : Tree → Nat → Tree (a binary search tree of Nat)"""
    return T.FDecl("Tree.insert", (p(1), p(2, TO)), O, case(
        1, O,
        (LEAF, seq(let(3, O, ctor(LEAF)), let(4, O, ctor(LEAF)), let(5, O, ctor(NODE, 3, 2, 4)), ret(5))),
        (NODE, seq(
            let(6, O, T.Proj(0, v(1))), let(7, TO, T.Proj(1, v(1))), let(8, O, T.Proj(2, v(1))),
            let(9, U8, fap("Nat.decLt", 2, 7)),
            case(9, U8,
                 (FALSE, seq(let(10, U8, fap("Nat.decLt", 7, 2)), case(
                     10, U8,
                     (FALSE, ret(1)),
                     (TRUE, seq(let(11, O, fap("Tree.insert", 8, 2)), let(12, O, ctor(NODE, 6, 7, 11)), ret(12))),
                     tid="Bool"))),
                 (TRUE, seq(let(13, O, fap("Tree.insert", 6, 2)), let(14, O, ctor(NODE, 13, 7, 8)), ret(14))),
                 tid="Bool"))),
        tid="Tree"))


def list_program_main(n: int) -> T.FDecl:
    """main: IO.println (toString (sum (mapSucc (range n [])) 0)); length printed too."""
    return T.FDecl("main", (p(1),), O, seq(
        let(2, TO, T.NumLit(n)), let(3, O, ctor(NIL)), let(4, O, fap("range", 2, 3)),
        let(5, O, fap("mapSucc", 4)),
        let(6, TO, fap("List.length", 5)), let(7, O, fap("Nat.repr", 6)), let(8, O, fap("IO.println", 7, 1)),
        let(9, TO, T.NumLit(0)), let(10, TO, fap("sum", 5, 9)),
        let(11, O, fap("Nat.repr", 10)), let(12, O, fap("IO.println", 11, 1)), ret(12)))


def list_program(n: int) -> list[T.Decl]:
    return [range_list(), map_succ(), list_length(), sum_list(), list_program_main(n)]


def array_fill() -> T.FDecl:
    """def fill (a i n) := if i = n then a else fill (a.push i) (i+1) n"""
    return T.FDecl("fill", (p(1), p(2, TO), p(3, TO)), O, seq(
        let(4, U8, fap("Nat.decEq", 2, 3)),
        case(4, U8,
             (FALSE, seq(let(5, O, fap("Array.push", 1, 2)), let(6, TO, T.NumLit(1)),
                         let(7, TO, fap("Nat.add", 2, 6)), let(8, O, fap("fill", 5, 7, 3)), ret(8))),
             (TRUE, ret(1)), tid="Bool")))


def array_program(n: int) -> list[T.Decl]:
    main = T.FDecl("main", (p(1),), O, seq(
        let(2, O, fap("Array.mkEmpty")), let(3, TO, T.NumLit(0)), let(4, TO, T.NumLit(n)),
        let(5, O, fap("fill", 2, 3, 4)), let(6, TO, fap("Array.size", 5)),
        let(7, O, fap("Nat.repr", 6)), let(8, O, fap("IO.println", 7, 1)), ret(8)))
    return [array_fill(), main]


def reuse_program(n: int) -> list[T.Decl]:
    """Build [1..n], map (+1) over it (in place when unique), print the sum."""
    main = T.FDecl("main", (p(1),), O, seq(
        let(2, TO, T.NumLit(n)), let(3, O, ctor(NIL)), let(4, O, fap("range", 2, 3)),
        let(5, O, fap("mapSucc", 4)), let(6, TO, T.NumLit(0)), let(7, TO, fap("sum", 5, 6)),
        let(8, O, fap("Nat.repr", 7)), let(9, O, fap("IO.println", 8, 1)), ret(9)))
    return [range_list(), map_succ(), sum_list(), main]


def map_closure() -> T.FDecl:
    """def mapF (f : Nat → Nat) : List Nat → List Nat (closure application)"""
    return T.FDecl("mapF", (p(1), p(2)), O, case(
        2, O,
        (NIL, ret(2)),
        (CONS, seq(let(3, TO, T.Proj(0, v(2))), let(4, O, T.Proj(1, v(2))),
                   let(5, TO, T.Ap(v(1), (v(3),))), let(6, O, fap("mapF", 1, 4)),
                   let(7, O, ctor(CONS, 5, 6)), ret(7))),
        tid="List"))


def closure_program(n: int, k: int) -> list[T.Decl]:
    """Sum of (fun x => k + x) mapped over [1..n], then max(sum, 1000) through a join point."""
    jp = T.JoinPointId(1)
    main = T.FDecl("main", (p(1),), O, seq(
        let(2, TO, T.NumLit(n)), let(3, O, ctor(NIL)), let(4, O, fap("range", 2, 3)),
        let(5, TO, T.NumLit(k)), let(6, O, T.PAp("Nat.add", (v(5),))),
        let(7, O, fap("mapF", 6, 4)), let(8, TO, T.NumLit(0)), let(9, TO, fap("sum", 7, 8)),
        let(10, TO, T.NumLit(1000)), let(11, U8, fap("Nat.decLt", 9, 10)),
        T.JDecl(jp, (p(12, TO),), seq(let(13, O, fap("Nat.repr", 12)), let(14, O, fap("IO.println", 13, 1)), ret(14)),
                case(11, U8, (FALSE, T.Jmp(jp, (v(9),))), (TRUE, T.Jmp(jp, (v(10),))), tid="Bool"))))
    return [range_list(), map_closure(), sum_list(), main]


def big_nat_program(a: int, b: int) -> list[T.Decl]:
    """Print a+b, (a+b)-b, b*b, b-a (truncated to 0) and b+1: the bignum slow paths."""
    def show(x, r, s):
        return let(r, O, fap("Nat.repr", x)), let(s, O, fap("IO.println", r, 1))
    main = T.FDecl("main", (p(1),), O, seq(
        let(2, TO, T.NumLit(a)), let(3, TO, T.NumLit(b)),
        let(4, TO, fap("Nat.add", 2, 3)), *show(4, 5, 6),
        let(7, TO, fap("Nat.sub", 4, 3)), *show(7, 8, 9),
        let(10, TO, fap("Nat.mul", 3, 3)), *show(10, 11, 12),
        let(13, TO, fap("Nat.sub", 3, 2)), *show(13, 14, 15),
        let(16, TO, T.NumLit(1)), let(17, TO, fap("Nat.add", 3, 16)), *show(17, 18, 19),
        ret(19)))
    return [main]


def tree_program(n: int, modulus: int) -> list[T.Decl]:
    """Insert (i * 7919) % modulus for i < n into a search tree, print the sum of its keys."""
    tsum = T.FDecl("Tree.sum", (p(1),), TO, case(
        1, O,
        (LEAF, seq(let(2, TO, T.NumLit(0)), ret(2))),
        (NODE, seq(let(3, O, T.Proj(0, v(1))), let(4, TO, T.Proj(1, v(1))), let(5, O, T.Proj(2, v(1))),
                   let(6, TO, fap("Tree.sum", 3)), let(7, TO, fap("Tree.sum", 5)),
                   let(8, TO, fap("Nat.add", 6, 4)), let(9, TO, fap("Nat.add", 8, 7)), ret(9))),
        tid="Tree"))
    loop = T.FDecl("loop", (p(1), p(2, TO), p(3, TO)), O, seq(
        let(4, U8, fap("Nat.decEq", 2, 3)),
        case(4, U8,
             (FALSE, seq(let(5, TO, T.NumLit(7919)), let(6, TO, fap("Nat.mul", 2, 5)),
                         let(7, TO, T.NumLit(modulus)), let(8, TO, fap("Nat.mod", 6, 7)),
                         let(9, O, fap("Tree.insert", 1, 8)), let(10, TO, T.NumLit(1)),
                         let(11, TO, fap("Nat.add", 2, 10)), let(12, O, fap("loop", 9, 11, 3)), ret(12))),
             (TRUE, ret(1)), tid="Bool")))
    main = T.FDecl("main", (p(1),), O, seq(
        let(2, O, ctor(LEAF)), let(3, TO, T.NumLit(0)), let(4, TO, T.NumLit(n)),
        let(5, O, fap("loop", 2, 3, 4)), let(6, TO, fap("Tree.sum", 5)),
        let(7, O, fap("Nat.repr", 6)), let(8, O, fap("IO.println", 7, 1)), ret(8)))
    return [tree_insert(), tsum, loop, main]


U64 = T.IRType.UINT64
PAIR = T.CtorInfo("Tagged.mk", 0, size=1, usize=1, ssize=8)


def choose() -> T.FDecl:
    """def choose (b : Bool) (x y : Nat) : Nat := if b then x else y  (u8 parameter)"""
    return T.FDecl("choose", (p(1, U8), p(2, TO), p(3, TO)), TO,
                   case(1, U8, (FALSE, ret(3)), (TRUE, ret(2)), tid="Bool"))


def scalar_program() -> list[T.Decl]:
    """Scalar fields (uset/sset, uproj/sproj), box/unbox of UInt64, and a closure
    over a function with an unboxed parameter (through its boxed wrapper)."""
    main = T.FDecl("main", (p(1),), O, seq(
        let(2, U64, T.NumLit(2 ** 64 - 1)), let(3, T.IRType.USIZE, T.NumLit(12345)), let(4, TO, T.NumLit(7)),
        let(5, O, ctor(PAIR, 4)),
        lambda b: T.USet(v(5), 1, v(3), b),
        lambda b: T.SSet(v(5), 2, 0, v(2), U64, b),
        let(6, U64, T.SProj(2, 0, v(5))), let(7, T.IRType.USIZE, T.UProj(1, v(5))),
        let(8, O, T.Box(U64, v(6))), let(9, U64, T.Unbox(v(8))),
        let(10, TO, fap("UInt64.toNat", 9)), let(11, O, fap("Nat.repr", 10)), let(12, O, fap("IO.println", 11, 1)),
        let(14, TO, T.Proj(0, v(5))),
        let(15, U8, T.NumLit(1)), let(16, O, T.Box(U8, v(15))),
        let(17, O, T.PAp("choose", (v(16), v(14)))), let(18, TO, T.NumLit(99)),
        let(19, TO, T.Ap(v(17), (v(18),))), let(20, O, fap("Nat.repr", 19)), let(21, O, fap("IO.println", 20, 1)),
        ret(21)))
    return [choose(), main]


def implicit_boxing_program() -> list[T.Decl]:
    """Scalars passed where objects are expected, with no box/unbox written:
    the boxing pass must add them."""
    ident = T.FDecl("idObj", (p(1),), O, ret(1))
    main = T.FDecl("main", (p(1),), O, seq(
        let(2, U64, T.NumLit(2 ** 64 - 1)), let(3, U64, fap("idObj", 2)),
        let(4, TO, fap("UInt64.toNat", 3)), let(5, O, fap("Nat.repr", 4)), let(6, O, fap("IO.println", 5, 1)),
        let(7, U8, T.NumLit(0)), let(8, TO, T.NumLit(7)), let(9, O, T.PAp("choose", (v(7), v(8)))),
        let(10, TO, T.NumLit(99)), let(11, TO, T.Ap(v(9), (v(10),))),
        let(12, O, fap("Nat.repr", 11)), let(13, O, fap("IO.println", 12, 1)),
        let(14, O, ctor(NIL)), let(15, O, ctor(CONS, 2, 14)), let(16, TO, fap("List.length", 15)),
        let(17, O, fap("Nat.repr", 16)), let(18, O, fap("IO.println", 17, 1)), ret(18)))
    return [ident, choose(), list_length(), main]


def constants_program(n: int) -> list[T.Decl]:
    """A closed constant (the list [1..n]) used twice and a string literal
    printed three times: each is built once."""
    table = T.FDecl("table", (), O, seq(let(1, TO, T.NumLit(n)), let(2, O, ctor(NIL)),
                                        let(3, O, fap("range", 1, 2)), ret(3)))
    main = T.FDecl("main", (p(1),), O, seq(
        let(2, O, fap("table")), let(3, TO, fap("List.length", 2)),
        let(4, O, fap("table")), let(5, TO, T.NumLit(0)), let(6, TO, fap("sum", 4, 5)),
        let(7, TO, fap("Nat.add", 3, 6)), let(8, O, fap("Nat.repr", 7)), let(9, O, fap("IO.println", 8, 1)),
        let(10, O, T.StrLit("héllo")), let(11, O, fap("IO.println", 10, 1)),
        let(12, O, T.StrLit("héllo")), let(13, O, fap("IO.println", 12, 1)),
        let(14, O, fap("greet")), let(15, O, fap("IO.println", 14, 1)), ret(15)))
    greet = T.FDecl("greet", (), O, seq(let(1, O, T.StrLit("héllo")), ret(1)))
    return [range_list(), list_length(), sum_list(), table, greet, main]


def drop_zeros() -> T.FDecl:
    """def dropZeros : List Nat → List Nat — the cell of a dropped element is freed
    (`del`) on the fast path, reused for a kept one."""
    return T.FDecl("dropZeros", (p(1),), O, case(
        1, O,
        (NIL, ret(1)),
        (CONS, seq(let(2, TO, T.Proj(0, v(1))), let(3, O, T.Proj(1, v(1))), let(4, O, fap("dropZeros", 3)),
                   let(5, TO, T.NumLit(0)), let(6, U8, fap("Nat.decEq", 2, 5)),
                   case(6, U8, (TRUE, ret(4)), (FALSE, seq(let(7, O, ctor(CONS, 2, 4)), ret(7))), tid="Bool"))),
        tid="List"))


def drop_zeros_program(n: int) -> list[T.Decl]:
    """[1..n] mod 3, zeros dropped, summed; an unreachable branch never taken."""
    main = T.FDecl("main", (p(1),), O, seq(
        let(2, TO, T.NumLit(n)), let(3, O, ctor(NIL)), let(4, O, fap("range", 2, 3)),
        let(5, TO, T.NumLit(3)), let(16, O, fap("flipMod", 5)),
        let(7, O, fap("mapF", 16, 4)), let(8, O, fap("dropZeros", 7)),
        let(9, TO, fap("List.length", 8)), let(10, O, fap("Nat.repr", 9)), let(11, O, fap("IO.println", 10, 1)),
        let(12, U8, T.NumLit(1)),
        case(12, U8, (FALSE, T.Unreachable()), (TRUE, ret(11)), tid="Bool")))
    # flipMod k := fun x => x % k, as a closure over a helper
    mod_by = T.FDecl("modBy", (p(1, TO), p(2, TO)), TO, seq(let(3, TO, fap("Nat.mod", 2, 1)), ret(3)))
    flip = T.FDecl("flipMod", (p(1, TO),), O, seq(let(2, O, T.PAp("modBy", (v(1),))), ret(2)))
    return [range_list(), map_closure(), drop_zeros(), list_length(), mod_by, flip, main]


def unreachable_program() -> list[T.Decl]:
    main = T.FDecl("main", (p(1),), O, seq(let(2, U8, T.NumLit(0)),
                                          case(2, U8, (FALSE, T.Unreachable()), (TRUE, ret(1)), tid="Bool")))
    return [main]
