"""Lean's `@[extern]` symbols mapped onto our runtime (`docs/RUNTIME.md`).

What goes in: a Lean C symbol as the prelude names it (`lean_array_push`,
`lean_nat_dec_eq`, `lean_uint32_add`, …). What comes out: the `ir.Extern`
declaration the erasure stage should emit for it — parameter types and
borrow flags as *our* runtime implements the function — and, for the code
generator, how to call it: a runtime function with argument conversions
(`lean_array_get` takes a boxed `Nat` index, `nl_array_get` a `size_t`),
or an operation the code generator emits inline (all `UInt*`/`USize`
arithmetic, the `Nat` fast paths).

Lean's own IO primitives take the world last and return an IO result;
where our runtime function returns the bare value (`nl_st_ref_get`) the
call is wrapped (`io_ok`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nleanjit.compiler.ir import types as T

O, TO, U8, U16, U32, U64, USIZE, F = (T.IRType.OBJECT, T.IRType.TOBJECT, T.IRType.UINT8, T.IRType.UINT16,
                                      T.IRType.UINT32, T.IRType.UINT64, T.IRType.USIZE, T.IRType.FLOAT)


@dataclass(frozen=True)
class Builtin:
    """`params`: (type, borrowed) per Lean parameter; `target`: our symbol;
    `args`: how to build the target's arguments — `pN` (parameter N as is),
    `uN` (parameter N, a boxed Nat, as `size_t`), `box0`; `result`: what the
    target returns (`value`, or `void` turned into an IO `ok ()`, or
    `io_ok`: the value wrapped in an IO result)."""

    params: tuple[tuple[T.IRType, bool], ...]
    ty: T.IRType
    target: str
    args: tuple[str, ...] | None = None
    result: str = "value"


def _b(*params, ty, target, args=None, result="value") -> Builtin:
    return Builtin(tuple(params), ty, target, args, result)


BORROWED_NAT = (TO, True)
OWNED = (O, False)
BORROWED = (O, True)
WORLD = (O, True)

BUILTINS: dict[str, Builtin] = {
    # Nat (inline fast paths for add/sub/mul and comparisons)
    **{f"lean_nat_{op}": _b(BORROWED_NAT, BORROWED_NAT, ty=TO, target=f"nl_nat_{op}")
       for op in ("add", "sub", "mul", "div", "mod", "pow", "gcd", "land", "lor", "shiftl", "shiftr")},
    "lean_nat_lxor": _b(BORROWED_NAT, BORROWED_NAT, ty=TO, target="nl_nat_xor"),
    **{f"lean_nat_dec_{op}": _b(BORROWED_NAT, BORROWED_NAT, ty=U8, target=f"nl_nat_dec_{op}") for op in ("eq", "lt", "le")},
    "lean_nat_log2": _b(BORROWED_NAT, ty=TO, target="nl_nat_log2"),
    "lean_nat_pred": _b(BORROWED_NAT, ty=TO, target="nl_nat_pred"),
    "lean_nat_succ": _b(BORROWED_NAT, ty=TO, target="nl_nat_succ"),
    "lean_nat_repr": _b(BORROWED_NAT, ty=O, target="nl_nat_to_string"),
    "lean_nat_to_int": _b(BORROWED_NAT, ty=TO, target="nl_int_of_nat"),
    # Int
    **{f"lean_int_{op}": _b(BORROWED_NAT, BORROWED_NAT, ty=TO, target=f"nl_int_{op}")
       for op in ("add", "sub", "mul", "ediv", "emod", "tdiv", "tmod", "fdiv", "fmod")},
    **{f"lean_int_dec_{op}": _b(BORROWED_NAT, BORROWED_NAT, ty=U8, target=f"nl_int_{op}") for op in ("eq", "lt", "le")},
    "lean_int_neg": _b(BORROWED_NAT, ty=TO, target="nl_int_neg"),
    "lean_int_neg_succ_of_nat": _b(BORROWED_NAT, ty=TO, target="nl_int_neg_succ_of_nat"),
    "lean_nat_abs": _b(BORROWED_NAT, ty=TO, target="nl_int_nat_abs"),
    "lean_int_to_string": _b(BORROWED_NAT, ty=O, target="nl_int_to_string"),
    # String
    "lean_string_dec_eq": _b(BORROWED, BORROWED, ty=U8, target="nl_string_eq"),
    "lean_string_lt": _b(BORROWED, BORROWED, ty=U8, target="nl_string_lt"),
    "lean_string_hash": _b(BORROWED, ty=U64, target="nl_string_hash"),
    "lean_string_append": _b(OWNED, BORROWED, ty=O, target="nl_string_append"),
    "lean_string_push": _b(OWNED, (U32, False), ty=O, target="nl_string_push"),
    "lean_string_length": _b(BORROWED, ty=TO, target="nl_string_length_nat"),
    "lean_uint64_mix_hash": _b((U64, False), (U64, False), ty=U64, target="nl_uint64_mix_hash"),
    # Array
    "lean_array_mk": _b(OWNED, ty=O, target="nl_array_of_list"),
    "lean_array_to_list": _b(OWNED, ty=O, target="nl_array_to_list"),
    "lean_array_get_size": _b(BORROWED, ty=TO, target="nl_array_get_size"),
    "lean_array_fget": _b(BORROWED, BORROWED_NAT, ty=O, target="nl_array_get", args=("box0", "p0", "u1")),
    "lean_array_get": _b(OWNED, BORROWED, BORROWED_NAT, ty=O, target="nl_array_get", args=("p0", "p1", "u2")),
    "lean_array_push": _b(OWNED, OWNED, ty=O, target="nl_array_push"),
    "lean_array_set": _b(OWNED, BORROWED_NAT, OWNED, ty=O, target="nl_array_set", args=("p0", "u1", "p2")),
    "lean_array_pop": _b(OWNED, ty=O, target="nl_array_pop"),
    "lean_array_swap": _b(OWNED, BORROWED_NAT, BORROWED_NAT, ty=O, target="nl_array_swap", args=("p0", "u1", "u2")),
    "lean_mk_array": _b(BORROWED_NAT, OWNED, ty=O, target="nl_mk_array", args=("u0", "p1")),
    "lean_mk_empty_array_with_capacity": _b(BORROWED_NAT, ty=O, target="nl_mk_empty_array_with_capacity", args=("u0",)),
    # IO and references (the world comes last)
    "lean_io_prim_put_str": _b(BORROWED, WORLD, ty=O, target="nl_io_put_str"),
    "lean_io_mono_ms_now": _b(WORLD, ty=O, target="nl_io_mono_ms_now"),
    "lean_io_mono_nanos_now": _b(WORLD, ty=O, target="nl_io_mono_nanos_now"),
    "lean_io_sleep": _b((U32, False), WORLD, ty=O, target="nl_io_sleep"),
    "lean_io_get_random_bytes": _b((USIZE, False), WORLD, ty=O, target="nl_io_get_random_bytes"),
    "lean_io_exit": _b((U8, False), WORLD, ty=O, target="nl_io_exit"),
    "lean_get_stdin": _b(WORLD, ty=O, target="nl_io_get_stdin"),
    "lean_get_stdout": _b(WORLD, ty=O, target="nl_io_get_stdout"),
    "lean_get_stderr": _b(WORLD, ty=O, target="nl_io_get_stderr"),
    # our prelude's `IO.readLine : IO String` (stdin; Lean's symbol takes a handle)
    "lean_io_prim_handle_get_line": _b(WORLD, ty=O, target="nl_io_get_line"),
    "lean_io_read_file": _b(BORROWED, WORLD, ty=O, target="nl_io_read_file"),
    "lean_io_write_file": _b(BORROWED, BORROWED, WORLD, ty=O, target="nl_io_write_file"),
    "lean_io_remove_file": _b(BORROWED, WORLD, ty=O, target="nl_io_remove_file"),
    "lean_st_mk_ref": _b(OWNED, WORLD, ty=O, target="nl_st_ref_mk", args=("p0",), result="io_ok"),
    "lean_st_ref_get": _b(BORROWED, WORLD, ty=O, target="nl_st_ref_get", args=("p0",), result="io_ok"),
    "lean_st_ref_set": _b(BORROWED, OWNED, WORLD, ty=O, target="nl_st_ref_set", args=("p0", "p1"), result="void"),
    "lean_st_ref_swap": _b(BORROWED, OWNED, WORLD, ty=O, target="nl_st_ref_swap", args=("p0", "p1"), result="io_ok"),
    "lean_panic_fn": _b(OWNED, OWNED, ty=O, target="nl_panic_fn"),
    # ours, not Lean's: the value an `initialize x : T ← act` gives `x` (an error ends the program)
    "nl_io_init_value": _b(OWNED, ty=O, target="nl_io_init_value"),
}

UINT_TYPES = {"uint8": U8, "uint16": U16, "uint32": U32, "uint64": U64, "usize": USIZE}
UINT_BINARY = ("add", "sub", "mul", "div", "mod", "land", "lor", "xor", "shift_left", "shift_right")
UINT_SYMBOL = re.compile(r"lean_(uint8|uint16|uint32|uint64|usize)_(\w+)$")


def uint_builtin(symbol: str) -> Builtin | None:
    """`lean_uintN_op`: arithmetic the code generator emits inline."""
    m = UINT_SYMBOL.match(symbol)
    if not m:
        return None
    ty, op = UINT_TYPES[m.group(1)], m.group(2)
    own = (ty, False)
    if op in UINT_BINARY:
        return _b(own, own, ty=ty, target=symbol)
    if op in ("dec_eq", "dec_lt", "dec_le"):
        return _b(own, own, ty=U8, target=symbol)
    if op in ("complement", "log2"):
        return _b(own, ty=ty, target=symbol)
    if op == "of_nat":
        return _b(BORROWED_NAT, ty=ty, target=symbol)
    if op == "to_nat":
        return _b(own, ty=TO, target=symbol)
    m2 = re.fullmatch(r"to_(uint8|uint16|uint32|uint64|usize)", op)
    if m2:
        return _b(own, ty=UINT_TYPES[m2.group(1)], target=symbol)
    return None


def lookup(symbol: str) -> Builtin | None:
    return BUILTINS.get(symbol) or uint_builtin(symbol)


def extern_decl(name: str, symbol: str) -> T.Extern | None:
    """The IR declaration for `@[extern symbol] name`, or None when our
    runtime does not provide the symbol yet."""
    b = lookup(symbol)
    if b is None:
        return None
    params = tuple(T.Param(T.VarId(i + 1), borrowed and ty.is_obj, ty) for i, (ty, borrowed) in enumerate(b.params))
    return T.Extern(name, params, b.ty, symbol)
