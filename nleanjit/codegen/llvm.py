"""λRC IR → LLVM IR with llvmlite (Lean's `EmitLLVM`/`EmitC`, our runtime's ABI).

What goes in: `Decl`s after the RC pass (explicit `inc`/`dec`, reset/reuse
not expanded). What comes out: an `llvmlite.ir.Module` (and, through
`optimize_module`, an optimized `llvmlite.binding.ModuleRef`).

Layout and conventions are those of `docs/RUNTIME.md`: an object is a `ptr`,
a scalar is tagged with its low bit, the header is `rc:i32, cs_sz:i16,
other:i8, tag:i8`, boxed fields start at byte 8. Variables are SSA values
(the IR binds each once); join points are blocks whose parameters are phi
nodes; a self tail call (`let r := f ys; ret r` inside `f`) is a jump back
to a loop header whose phis are the parameters. `inc`/`dec` and the small
`Nat` operations are emitted inline (as `alwaysinline` helpers) with calls
into the runtime for the slow paths.
"""

from __future__ import annotations

import llvmlite.binding as llvm
import llvmlite.ir as ir

from nleanjit.compiler import builtins
from nleanjit.compiler.ir import types as T
from nleanjit.compiler.ir.depth import recursion_room

PTR = ir.PointerType()
I1, I8, I16, I32, I64 = ir.IntType(1), ir.IntType(8), ir.IntType(16), ir.IntType(32), ir.IntType(64)
DOUBLE = ir.DoubleType()
MAX_SMALL_NAT = (1 << 63) - 1
CLOSURE_FIXED_OFFSET = 24  # header, fun, arity:u16, num_fixed:u16, pad:u32
CLOSURE_MAX_ARGS = 16

LLVM_TYPE = {
    T.IRType.OBJECT: PTR, T.IRType.TOBJECT: PTR, T.IRType.IRRELEVANT: PTR,
    T.IRType.UINT8: I8, T.IRType.UINT16: I16, T.IRType.UINT32: I32,
    T.IRType.UINT64: I64, T.IRType.USIZE: I64, T.IRType.FLOAT: DOUBLE,
}

# runtime functions the emitted code calls: name -> (result, parameters)
RUNTIME_SIGNATURES = {
    "nl_alloc_ctor": (PTR, (I32, I32, I32)),
    "nl_ctor_release": (ir.VoidType(), (PTR, I32)),
    "nl_inc_ref_n_cold": (ir.VoidType(), (PTR, I32)),
    "nl_dec_ref_cold": (ir.VoidType(), (PTR,)),
    "nl_free_object_memory": (ir.VoidType(), (PTR,)),
    "nl_alloc_closure": (PTR, (PTR, I32, I32)),
    "nl_apply_n": (PTR, (PTR, I32, PTR)),
    "nl_box_uint64": (PTR, (I64,)), "nl_unbox_uint64": (I64, (PTR,)),
    "nl_box_usize": (PTR, (I64,)), "nl_unbox_usize": (I64, (PTR,)),
    "nl_box_float": (PTR, (DOUBLE,)), "nl_unbox_float": (DOUBLE, (PTR,)),
    "nl_nat_of_cstr": (PTR, (PTR,)),
    "nl_mk_string_from_bytes": (PTR, (PTR, I64)),
    "nl_internal_panic_unreachable": (ir.VoidType(), ()),
    "nl_nat_big_add": (PTR, (PTR, PTR)), "nl_nat_big_sub": (PTR, (PTR, PTR)),
    "nl_nat_big_mul": (PTR, (PTR, PTR)),
    "nl_nat_eq": (I8, (PTR, PTR)), "nl_nat_lt": (I8, (PTR, PTR)), "nl_nat_le": (I8, (PTR, PTR)),
    "nl_main": (I32, (I32, PTR, PTR, I8, I8)),
    "nl_debug_live_objects": (I64, ()), "nl_debug_total_allocs": (I64, ()),
    "nl_mark_persistent": (ir.VoidType(), (PTR,)),
    "nl_io_result_mk_ok": (PTR, (PTR,)),
    "nl_nat_to_u64_wrap": (I64, (PTR,)),
    "nl_nat_of_u64": (PTR, (I64,)),
}
for _k in range(1, 7):
    RUNTIME_SIGNATURES[f"nl_apply_{_k}"] = (PTR, (PTR,) * (_k + 1))

# externs the code generator implements inline (the header's static inline
# functions, which the shared library does not export)
INTRINSICS = frozenset({
    "nl_nat_add", "nl_nat_sub", "nl_nat_mul", "nl_nat_dec_eq", "nl_nat_dec_lt", "nl_nat_dec_le",
    "nl_array_size", "nl_array_get_size", "nl_string_length_nat",
})


OBJECT_REPORT_FORMAT = "nleanjit: live objects %lld, allocations %lld\n"


class CodegenError(Exception):
    """IR the code generator cannot translate; names the declaration."""


def mangle(name: str) -> str:
    """Lean-style symbol for a declaration: `l_` + name, `.` → `_`, `_` → `__`."""
    out = []
    for ch in name:
        if ch == ".":
            out.append("_")
        elif ch == "_":
            out.append("__")
        elif ch.isascii() and ch.isalnum():
            out.append(ch)
        else:
            out.append(f"_u{ord(ch):04x}")
    return "l_" + "".join(out)


def _box_const(n: int) -> ir.Constant:
    return ir.Constant(I64, (n << 1) | 1).inttoptr(PTR)


class ModuleEmitter:
    def __init__(self, decls: list[T.Decl], externs: list[T.Extern] = (), name: str = "nleanjit"):
        self.module = ir.Module(name=name)
        self.module.triple = llvm.get_process_triple()
        self.decls = {d.name: d for d in [*externs, *decls]}
        self.functions: dict[str, ir.Function] = {}
        self.runtime: dict[str, ir.Function] = {}
        self.helpers: dict[str, ir.Function] = {}
        self.strings: dict[bytes, ir.GlobalVariable] = {}
        for d in self.decls.values():
            self._declare(d)

    # ------------------------------------------------------------ declarations
    def rt(self, name: str) -> ir.Function:
        if name not in self.runtime:
            ret, params = RUNTIME_SIGNATURES[name]
            self.runtime[name] = ir.Function(self.module, ir.FunctionType(ret, params), name)
        return self.runtime[name]

    def _fn_type(self, d: T.Decl) -> ir.FunctionType:
        return ir.FunctionType(LLVM_TYPE[d.ty], [LLVM_TYPE[p.ty] for p in d.params])

    def _declare(self, d: T.Decl) -> None:
        if isinstance(d, T.Extern):
            builtin = builtins.lookup(d.symbol)
            if d.symbol in INTRINSICS:
                self.functions[d.name] = self._intrinsic(d.symbol)
            elif builtin is not None:
                self.functions[d.name] = self._builtin(d.symbol, builtin)
            elif d.symbol in self.runtime or d.symbol in self.module.globals:
                self.functions[d.name] = self.module.globals[d.symbol]
            else:
                self.functions[d.name] = ir.Function(self.module, self._fn_type(d), d.symbol)
        else:
            self.functions[d.name] = ir.Function(self.module, self._fn_type(d), mangle(d.name))

    @staticmethod
    def is_closed_constant(d: T.Decl) -> bool:
        """A declaration without parameters is a constant: computed once, on
        first use, and kept as a persistent object (Lean computes them at
        initialization)."""
        return isinstance(d, T.FDecl) and not d.params and d.ty.is_obj

    def _emit_constant_accessor(self, d: T.FDecl) -> ir.Function:
        """Turn `l_c` into a cached accessor; returns the function the body goes in."""
        accessor = self.functions[d.name]
        body_fn = ir.Function(self.module, self._fn_type(d), mangle(d.name) + "_body")
        body_fn.linkage = "internal"
        slot = ir.GlobalVariable(self.module, PTR, name=mangle(d.name) + "_closed")
        slot.linkage = "internal"
        slot.initializer = ir.Constant(PTR, None)
        self._cached_call(accessor, slot, lambda b: b.call(body_fn, []))
        return body_fn

    def _cached_call(self, fn: ir.Function, slot: ir.GlobalVariable, make) -> None:
        """Compute once: the value is made persistent before it is published
        with a compare-and-swap, so a thread that loses the race uses the
        winner's value (its own copy stays allocated, never counted)."""
        b = ir.IRBuilder(fn.append_basic_block("entry"))
        init, done = fn.append_basic_block("init"), fn.append_basic_block("cached")
        v = b.load_atomic(slot, "acquire", 8, typ=PTR)
        b.cbranch(b.icmp_unsigned("==", v, ir.Constant(PTR, None)), init, done)
        b.position_at_end(done)
        b.ret(v)
        b.position_at_end(init)
        r = make(b)
        b.call(self.rt("nl_mark_persistent"), [r])
        res = b.cmpxchg(slot, ir.Constant(PTR, None), r, "acq_rel", "acquire")
        won = b.extract_value(res, 1)
        b.ret(b.select(won, r, b.extract_value(res, 0)))

    def string_literal(self, data: bytes) -> ir.Function:
        """An accessor returning the literal as a persistent string object."""
        if ("lit", data) in self.helpers:
            return self.helpers[("lit", data)]
        name = f"nlj_strlit_{sum(1 for k in self.helpers if isinstance(k, tuple))}"
        g = self.string_constant(data)
        fn = ir.Function(self.module, ir.FunctionType(PTR, ()), name)
        fn.linkage = "internal"
        slot = ir.GlobalVariable(self.module, PTR, name=name + "_obj")
        slot.linkage = "internal"
        slot.initializer = ir.Constant(PTR, None)
        self._cached_call(fn, slot, lambda b: b.call(self.rt("nl_mk_string_from_bytes"), [g, ir.Constant(I64, len(data))]))
        self.helpers[("lit", data)] = fn
        return fn

    def _helper(self, name: str, ret, params) -> tuple[ir.Function, ir.IRBuilder | None]:
        """An internal always-inline function; the builder is None when it exists already."""
        if name in self.helpers:
            return self.helpers[name], None
        fn = ir.Function(self.module, ir.FunctionType(ret, params), name)
        fn.linkage = "internal"
        fn.attributes.add("alwaysinline")
        self.helpers[name] = fn
        return fn, ir.IRBuilder(fn.append_basic_block("entry"))

    # ------------------------------------------------------------ inline helpers
    @staticmethod
    def _is_scalar(b: ir.IRBuilder, o) -> ir.Value:
        return b.trunc(b.ptrtoint(o, I64), I1)

    @staticmethod
    def _unbox(b: ir.IRBuilder, o) -> ir.Value:
        return b.lshr(b.ptrtoint(o, I64), ir.Constant(I64, 1))

    @staticmethod
    def _box(b: ir.IRBuilder, n) -> ir.Value:
        return b.inttoptr(b.or_(b.shl(n, ir.Constant(I64, 1)), ir.Constant(I64, 1)), PTR)

    @staticmethod
    def _field_addr(b: ir.IRBuilder, o, offset) -> ir.Value:
        off = offset if isinstance(offset, ir.Value) else ir.Constant(I64, offset)
        return b.gep(o, [off], source_etype=I8)

    def inc_fn(self) -> ir.Function:
        fn, b = self._helper("nlj_inc", ir.VoidType(), (PTR, I32))
        if b is None:
            return fn
        o, n = fn.args
        heap, pos, nonpos, cold, done = (fn.append_basic_block(x) for x in ("heap", "st", "other", "cold", "done"))
        b.cbranch(self._is_scalar(b, o), done, heap)
        b.position_at_end(heap)
        rc = b.load(o, typ=I32)
        b.cbranch(b.icmp_signed(">", rc, ir.Constant(I32, 0)), pos, nonpos)
        b.position_at_end(pos)
        b.store(b.add(rc, n), o)
        b.branch(done)
        b.position_at_end(nonpos)
        b.cbranch(b.icmp_signed("!=", rc, ir.Constant(I32, 0)), cold, done)
        b.position_at_end(cold)
        b.call(self.rt("nl_inc_ref_n_cold"), [o, n])
        b.branch(done)
        b.position_at_end(done)
        b.ret_void()
        return fn

    def dec_fn(self) -> ir.Function:
        fn, b = self._helper("nlj_dec", ir.VoidType(), (PTR,))
        if b is None:
            return fn
        (o,) = fn.args
        heap, gt1, other, cold, done = (fn.append_basic_block(x) for x in ("heap", "gt1", "other", "cold", "done"))
        b.cbranch(self._is_scalar(b, o), done, heap)
        b.position_at_end(heap)
        rc = b.load(o, typ=I32)
        b.cbranch(b.icmp_signed(">", rc, ir.Constant(I32, 1)), gt1, other)
        b.position_at_end(gt1)
        b.store(b.sub(rc, ir.Constant(I32, 1)), o)
        b.branch(done)
        b.position_at_end(other)
        b.cbranch(b.icmp_signed("!=", rc, ir.Constant(I32, 0)), cold, done)
        b.position_at_end(cold)
        b.call(self.rt("nl_dec_ref_cold"), [o])
        b.branch(done)
        b.position_at_end(done)
        b.ret_void()
        return fn

    def obj_tag_fn(self) -> ir.Function:
        fn, b = self._helper("nlj_obj_tag", I32, (PTR,))
        if b is None:
            return fn
        (o,) = fn.args
        scalar, heap = fn.append_basic_block("scalar"), fn.append_basic_block("heap")
        b.cbranch(self._is_scalar(b, o), scalar, heap)
        b.position_at_end(scalar)
        b.ret(b.trunc(self._unbox(b, o), I32))
        b.position_at_end(heap)
        b.ret(b.zext(b.load(self._field_addr(b, o, 7), typ=I8), I32))
        return fn

    def _intrinsic(self, symbol: str) -> ir.Function:
        if symbol in ("nl_nat_add", "nl_nat_sub", "nl_nat_mul"):
            return self._nat_arith(symbol)
        if symbol in ("nl_nat_dec_eq", "nl_nat_dec_lt", "nl_nat_dec_le"):
            return self._nat_cmp(symbol)
        if symbol in ("nl_array_size", "nl_array_get_size", "nl_string_length_nat"):
            fn, b = self._helper("nlj_" + symbol, I64 if symbol == "nl_array_size" else PTR, (PTR,))
            if b is not None:
                # Array: size at offset 8; String: length (code points) at offset 24
                offset = 24 if symbol == "nl_string_length_nat" else 8
                n = b.load(self._field_addr(b, fn.args[0], offset), typ=I64)
                b.ret(n if symbol == "nl_array_size" else self._box(b, n))
            return fn
        raise CodegenError(f"unknown intrinsic {symbol}")

    # ------------------------------------------------------------ Lean's extern symbols
    def _builtin(self, symbol: str, spec: "builtins.Builtin") -> ir.Function:
        """A Lean `@[extern]` symbol: inline `UInt*` arithmetic, one of our
        intrinsics, or a wrapper converting arguments for the runtime."""
        if builtins.UINT_SYMBOL.match(symbol):
            return self._uint_op(symbol, spec)
        if spec.target in INTRINSICS and spec.args is None and spec.result == "value":
            return self._intrinsic(spec.target)
        params = [LLVM_TYPE[ty] for ty, _ in spec.params]
        fn, b = self._helper("nlj_" + symbol, LLVM_TYPE[spec.ty], params)
        if b is None:
            return fn
        arg_specs = spec.args or tuple(f"p{i}" for i in range(len(params)))
        arg_types, args = [], []
        for a in arg_specs:
            if a == "box0":
                arg_types.append(PTR)
                args.append(_box_const(0))
            elif a[0] == "u":  # a boxed Nat index as size_t; a bignum is out of range anyway
                x = fn.args[int(a[1:])]
                arg_types.append(I64)
                args.append(b.select(self._is_scalar(b, x), self._unbox(b, x), ir.Constant(I64, -1)))
            else:
                x = fn.args[int(a[1:])]
                arg_types.append(x.type)
                args.append(x)
        ret_ty = ir.VoidType() if spec.result == "void" else (PTR if spec.result == "io_ok" else LLVM_TYPE[spec.ty])
        target = self.module.globals.get(spec.target)
        if target is None:
            target = ir.Function(self.module, ir.FunctionType(ret_ty, arg_types), spec.target)
        r = b.call(target, args)
        if spec.result == "void":
            r = b.call(self.rt("nl_io_result_mk_ok"), [_box_const(0)])
        elif spec.result == "io_ok":
            r = b.call(self.rt("nl_io_result_mk_ok"), [r])
        b.ret(r)
        return fn

    def _uint_op(self, symbol: str, spec: "builtins.Builtin") -> ir.Function:
        params = [LLVM_TYPE[ty] for ty, _ in spec.params]
        fn, b = self._helper("nlj_" + symbol, LLVM_TYPE[spec.ty], params)
        if b is None:
            return fn
        op = builtins.UINT_SYMBOL.match(symbol).group(2)
        x = fn.args[0]
        if op == "of_nat":
            ty = LLVM_TYPE[spec.ty]
            big = fn.append_basic_block("big")
            small = fn.append_basic_block("small")
            b.cbranch(self._is_scalar(b, x), small, big)
            b.position_at_end(small)
            n = self._unbox(b, x)
            b.ret(b.trunc(n, ty) if ty.width < 64 else n)
            b.position_at_end(big)
            w = b.call(self.rt("nl_nat_to_u64_wrap"), [x])
            b.ret(b.trunc(w, ty) if ty.width < 64 else w)
            return fn
        width = x.type.width
        if op == "to_nat":
            n = b.zext(x, I64) if width < 64 else x
            if width < 63:
                b.ret(self._box(b, n))
            else:
                b.ret(b.call(self.rt("nl_nat_of_u64"), [n]))
            return fn
        if op.startswith("to_"):
            out = LLVM_TYPE[spec.ty]
            b.ret(x if out.width == width else (b.trunc(x, out) if out.width < width else b.zext(x, out)))
            return fn
        if op == "complement":
            b.ret(b.not_(x))
            return fn
        if op == "log2":
            lz = b.ctlz(x, ir.Constant(I1, 0))
            r = b.sub(ir.Constant(x.type, width - 1), lz)
            b.ret(b.select(b.icmp_unsigned("==", x, ir.Constant(x.type, 0)), ir.Constant(x.type, 0), r))
            return fn
        y = fn.args[1]
        zero = ir.Constant(x.type, 0)
        if op in ("dec_eq", "dec_lt", "dec_le"):
            cmp = {"dec_eq": "==", "dec_lt": "<", "dec_le": "<="}[op]
            b.ret(b.zext(b.icmp_unsigned(cmp, x, y), I8))
        elif op in ("div", "mod"):
            is_zero = b.icmp_unsigned("==", y, zero)
            safe = b.select(is_zero, ir.Constant(x.type, 1), y)  # x / 0 = 0 and x % 0 = x, as Lean
            r = b.udiv(x, safe) if op == "div" else b.urem(x, safe)
            b.ret(b.select(is_zero, zero if op == "div" else x, r))
        elif op in ("shift_left", "shift_right"):
            amount = b.urem(y, ir.Constant(x.type, width))  # Lean shifts by the amount modulo the width
            b.ret(b.shl(x, amount) if op == "shift_left" else b.lshr(x, amount))
        else:
            emit = {"add": b.add, "sub": b.sub, "mul": b.mul, "land": b.and_, "lor": b.or_, "xor": b.xor}[op]
            b.ret(emit(x, y))
        return fn

    def _nat_arith(self, symbol: str) -> ir.Function:
        fn, b = self._helper("nlj_" + symbol, PTR, (PTR, PTR))
        if b is None:
            return fn
        x, y = fn.args
        fast, slow = fn.append_basic_block("fast"), fn.append_basic_block("slow")
        both = b.and_(self._is_scalar(b, x), self._is_scalar(b, y))
        b.cbranch(both, fast, slow)
        b.position_at_end(fast)
        ux, uy = self._unbox(b, x), self._unbox(b, y)
        if symbol == "nl_nat_sub":
            r = b.select(b.icmp_unsigned("<", ux, uy), ir.Constant(I64, 0), b.sub(ux, uy))
            b.ret(self._box(b, r))
        else:
            if symbol == "nl_nat_add":
                r, overflow = b.add(ux, uy), ir.Constant(I1, 0)  # both < 2^63: no wrap
            else:
                res = b.umul_with_overflow(ux, uy)
                r, overflow = b.extract_value(res, 0), b.extract_value(res, 1)
            small = b.and_(b.not_(overflow), b.icmp_unsigned("<=", r, ir.Constant(I64, MAX_SMALL_NAT)))
            ok = fn.append_basic_block("small")
            b.cbranch(small, ok, slow)
            b.position_at_end(ok)
            b.ret(self._box(b, r))
        b.position_at_end(slow)
        big = {"nl_nat_add": "nl_nat_big_add", "nl_nat_sub": "nl_nat_big_sub", "nl_nat_mul": "nl_nat_big_mul"}[symbol]
        b.ret(b.call(self.rt(big), [x, y]))
        return fn

    def _nat_cmp(self, symbol: str) -> ir.Function:
        fn, b = self._helper("nlj_" + symbol, I8, (PTR, PTR))
        if b is None:
            return fn
        x, y = fn.args
        fast, slow = fn.append_basic_block("fast"), fn.append_basic_block("slow")
        if symbol == "nl_nat_dec_eq":
            # values are canonical: a small number never equals a big one
            either = b.or_(self._is_scalar(b, x), self._is_scalar(b, y))
            b.cbranch(either, fast, slow)
            b.position_at_end(fast)
            b.ret(b.zext(b.icmp_unsigned("==", x, y), I8))
        else:
            both = b.and_(self._is_scalar(b, x), self._is_scalar(b, y))
            b.cbranch(both, fast, slow)
            b.position_at_end(fast)
            op = "<" if symbol == "nl_nat_dec_lt" else "<="
            b.ret(b.zext(b.icmp_unsigned(op, self._unbox(b, x), self._unbox(b, y)), I8))
        b.position_at_end(slow)
        runtime = {"nl_nat_dec_eq": "nl_nat_eq", "nl_nat_dec_lt": "nl_nat_lt", "nl_nat_dec_le": "nl_nat_le"}[symbol]
        b.ret(b.call(self.rt(runtime), [x, y]))
        return fn

    # ------------------------------------------------------------ functions
    def emit(self) -> ir.Module:
        for d in self.decls.values():
            if isinstance(d, T.FDecl):
                fn = self._emit_constant_accessor(d) if self.is_closed_constant(d) else self.functions[d.name]
                _FunctionEmitter(self, d, fn).emit()
        return self.module

    def boxed_wrapper(self, name: str) -> ir.Function:
        """Closure entry for `name`: all parameters boxed and owned (Lean's `_boxed`)."""
        d = self.decls[name]
        fn_name = (d.symbol if isinstance(d, T.Extern) else mangle(name)) + "_boxed"
        if fn_name in self.helpers:
            return self.helpers[fn_name]
        # beyond CLOSURE_MAX_ARGS the runtime passes one array of the arguments (`nl_call_fun`)
        spread = len(d.params) > CLOSURE_MAX_ARGS
        fn = ir.Function(self.module, ir.FunctionType(PTR, [PTR] if spread else [PTR] * len(d.params)), fn_name)
        fn.linkage = "internal"
        self.helpers[fn_name] = fn
        b = ir.IRBuilder(fn.append_basic_block("entry"))
        boxed = ([b.load(b.gep(fn.args[0], [ir.Constant(I64, i)], source_etype=PTR), typ=PTR)
                  for i in range(len(d.params))] if spread else list(fn.args))
        args = []
        for p, a in zip(d.params, boxed):
            args.append(self.unbox_value(b, a, p.ty) if p.ty.is_scalar else a)
        r = b.call(self.functions[name], args)
        for p, a in zip(d.params, boxed):
            if p.borrow or p.ty.is_scalar:
                b.call(self.dec_fn(), [a])
        b.ret(self.box_value(b, r, d.ty) if d.ty.is_scalar else r)
        return fn

    def box_value(self, b: ir.IRBuilder, v, ty: T.IRType):
        if ty in (T.IRType.UINT8, T.IRType.UINT16, T.IRType.UINT32):
            return self._box(b, b.zext(v, I64))
        if ty is T.IRType.UINT64:
            return b.call(self.rt("nl_box_uint64"), [v])
        if ty is T.IRType.USIZE:
            return b.call(self.rt("nl_box_usize"), [v])
        if ty is T.IRType.FLOAT:
            return b.call(self.rt("nl_box_float"), [v])
        return v

    def unbox_value(self, b: ir.IRBuilder, o, ty: T.IRType):
        if ty in (T.IRType.UINT8, T.IRType.UINT16, T.IRType.UINT32):
            return b.trunc(self._unbox(b, o), LLVM_TYPE[ty])
        name = {T.IRType.UINT64: "nl_unbox_uint64", T.IRType.USIZE: "nl_unbox_usize", T.IRType.FLOAT: "nl_unbox_float"}[ty]
        return b.call(self.rt(name), [o])

    def string_constant(self, data: bytes) -> ir.GlobalVariable:
        if data not in self.strings:
            arr = ir.ArrayType(I8, len(data) + 1)
            g = ir.GlobalVariable(self.module, arr, name=f"nlj_str_{len(self.strings)}")
            g.linkage = "internal"
            g.global_constant = True
            g.initializer = ir.Constant(arr, bytearray(data + b"\0"))
            self.strings[data] = g
        return self.strings[data]

    def emit_c_main(self, main_decl: str = "main", takes_args: bool = False, returns_uint32: bool = False,
                    report_objects: bool = False) -> None:
        """`int main(argc, argv)` calling `nl_main` on the compiled `main`;
        `report_objects` prints the debug runtime's live and allocated object
        counts on stderr at exit (leak tests)."""
        if main_decl not in self.functions:
            raise CodegenError(f"no declaration '{main_decl}' to use as the program's entry point")
        fn = ir.Function(self.module, ir.FunctionType(I32, (I32, PTR)), "main")
        b = ir.IRBuilder(fn.append_basic_block("entry"))
        argc, argv = fn.args
        code = b.call(self.rt("nl_main"), [argc, argv, self.functions[main_decl],
                                           ir.Constant(I8, int(takes_args)), ir.Constant(I8, int(returns_uint32))])
        if report_objects:
            dprintf = ir.Function(self.module, ir.FunctionType(I32, (I32, PTR), var_arg=True), "dprintf")
            fmt = self.string_constant(OBJECT_REPORT_FORMAT.encode())
            live = b.call(self.rt("nl_debug_live_objects"), [])
            total = b.call(self.rt("nl_debug_total_allocs"), [])
            b.call(dprintf, [ir.Constant(I32, 2), fmt, live, total])
        b.ret(code)


class _FunctionEmitter:
    def __init__(self, m: ModuleEmitter, d: T.FDecl, fn: ir.Function):
        self.m = m
        self.d = d
        self.fn = fn
        self.types: dict[int, T.IRType] = {}
        self.jps: dict[int, tuple[ir.Block, list[ir.PhiInstr]]] = {}

    def fail(self, msg: str):
        raise CodegenError(f"in '{self.d.name}': {msg}")

    def emit(self) -> None:
        entry = self.fn.append_basic_block("entry")
        self.header = self.fn.append_basic_block("start")
        b = ir.IRBuilder(entry)
        b.branch(self.header)
        b.position_at_end(self.header)
        self.param_phis = []
        env = {}
        for p, a in zip(self.d.params, self.fn.args):
            phi = b.phi(LLVM_TYPE[p.ty], name=f"x_{p.x.idx}")
            phi.add_incoming(a, entry)
            self.param_phis.append(phi)
            env[p.x.idx] = phi
            self.types[p.x.idx] = p.ty
        self.body(b, self.d.body, env)

    def arg(self, env, a: T.Arg):
        if isinstance(a, T.Irrelevant):
            return _box_const(0)
        if a.idx not in env:
            self.fail(f"unknown variable x_{a.idx}")
        return env[a.idx]

    def call_args(self, env, args, params):
        out = []
        for a, p in zip(args, params):
            v = self.arg(env, a)
            if p.ty is T.IRType.IRRELEVANT or (isinstance(a, T.Irrelevant) and p.ty.is_obj):
                v = _box_const(0)
            out.append(v)
        return out

    # ------------------------------------------------------------ bodies
    def body(self, b: ir.IRBuilder, body: T.FnBody, env: dict) -> None:
        m = self.m
        while True:
            if isinstance(body, T.VDecl):
                e = body.e
                if (isinstance(e, T.FAp) and e.fn == self.d.name and isinstance(body.b, T.Ret)
                        and body.b.x == body.x):
                    args = self.call_args(env, e.args, self.d.params)
                    for phi, v in zip(self.param_phis, args):
                        phi.add_incoming(v, b.block)
                    b.branch(self.header)
                    return
                env = {**env, body.x.idx: self.expr(b, body.ty, e, env)}
                self.types[body.x.idx] = body.ty
            elif isinstance(body, T.JDecl):
                block = self.fn.append_basic_block(f"block_{body.j.idx}")
                saved = b.block
                b.position_at_end(block)
                phis, inner = [], dict(env)
                for p in body.params:
                    phi = b.phi(LLVM_TYPE[p.ty], name=f"x_{p.x.idx}")
                    phis.append(phi)
                    inner[p.x.idx] = phi
                    self.types[p.x.idx] = p.ty
                self.jps[body.j.idx] = (block, phis)
                self.body(b, body.v, inner)
                b.position_at_end(saved)
            elif isinstance(body, T.Set):
                b.store(self.arg(env, body.y), m._field_addr(b, env[body.x.idx], 8 + 8 * body.i))
            elif isinstance(body, T.USet):
                b.store(env[body.y.idx], m._field_addr(b, env[body.x.idx], 8 + 8 * body.i))
            elif isinstance(body, T.SSet):
                b.store(env[body.y.idx], m._field_addr(b, env[body.x.idx], 8 + 8 * body.n + body.offset))
            elif isinstance(body, T.SetTag):
                b.store(ir.Constant(I8, body.cidx), m._field_addr(b, env[body.x.idx], 7))
            elif isinstance(body, T.Inc):
                b.call(m.inc_fn(), [env[body.x.idx], ir.Constant(I32, body.n)])
            elif isinstance(body, T.Dec):
                for _ in range(body.n):
                    b.call(m.dec_fn(), [env[body.x.idx]])
            elif isinstance(body, T.Del):
                b.call(m.rt("nl_free_object_memory"), [env[body.x.idx]])
            elif isinstance(body, T.Case):
                self.case(b, body, env)
                return
            elif isinstance(body, T.Jmp):
                if body.j.idx not in self.jps:
                    self.fail(f"unknown join point block_{body.j.idx}")
                block, phis = self.jps[body.j.idx]
                for phi, a in zip(phis, body.args):
                    phi.add_incoming(self.arg(env, a), b.block)
                b.branch(block)
                return
            elif isinstance(body, T.Ret):
                if isinstance(body.x, T.Irrelevant) or self.d.ty is T.IRType.IRRELEVANT:
                    b.ret(_box_const(0) if LLVM_TYPE[self.d.ty] is PTR else ir.Constant(LLVM_TYPE[self.d.ty], 0))
                else:
                    b.ret(self.arg(env, body.x))
                return
            elif isinstance(body, T.Unreachable):
                b.call(m.rt("nl_internal_panic_unreachable"), [])
                b.unreachable()
                return
            else:
                self.fail(f"not an IR body: {type(body).__name__}")
            body = body.b

    def case(self, b: ir.IRBuilder, c: T.Case, env: dict) -> None:
        x = env[c.x.idx]
        if c.x_ty.is_obj:
            tag = b.call(self.m.obj_tag_fn(), [x])
        elif c.x_ty in (T.IRType.UINT8, T.IRType.UINT16, T.IRType.UINT32, T.IRType.UINT64, T.IRType.USIZE):
            tag = b.zext(x, I64) if x.type != I64 else x
            tag = b.trunc(tag, I32)
        else:
            self.fail(f"case on x_{c.x.idx} of type {c.x_ty.value}")
        if len(c.alts) == 1:
            self.body(b, c.alts[0].body, env)
            return
        default_alt = next((a for a in c.alts if isinstance(a, T.AltDefault)), None)
        default_block = self.fn.append_basic_block("default")
        sw = b.switch(tag, default_block)
        for alt in c.alts:
            if isinstance(alt, T.AltCtor):
                block = self.fn.append_basic_block(alt.info.name.replace(".", "_"))
                sw.add_case(ir.Constant(I32, alt.info.cidx), block)
                b.position_at_end(block)
                self.body(b, alt.body, env)
        b.position_at_end(default_block)
        if default_alt is not None:
            self.body(b, default_alt.body, env)
        else:
            b.unreachable()

    # ------------------------------------------------------------ expressions
    def expr(self, b: ir.IRBuilder, ty: T.IRType, e: T.Expr, env: dict):
        m = self.m
        if isinstance(e, T.Ctor):
            return self.ctor(b, e.info, e.args, env, None)
        if isinstance(e, T.Reset):
            x = env[e.x.idx]
            rc = b.load(x, typ=I32)
            excl, shared, done = (self.fn.append_basic_block(n) for n in ("reset_excl", "reset_shared", "reset_done"))
            b.cbranch(b.icmp_signed("==", rc, ir.Constant(I32, 1)), excl, shared)
            b.position_at_end(excl)
            b.call(m.rt("nl_ctor_release"), [x, ir.Constant(I32, e.n)])
            b.branch(done)
            b.position_at_end(shared)
            b.call(m.dec_fn(), [x])
            b.branch(done)
            b.position_at_end(done)
            phi = b.phi(PTR)
            phi.add_incoming(x, excl)
            phi.add_incoming(_box_const(0), shared)
            return phi
        if isinstance(e, T.Reuse):
            return self.ctor(b, e.info, e.args, env, (env[e.x.idx], e.update_header))
        if isinstance(e, T.Proj):
            return b.load(m._field_addr(b, env[e.x.idx], 8 + 8 * e.i), typ=PTR)
        if isinstance(e, T.UProj):
            return b.load(m._field_addr(b, env[e.x.idx], 8 + 8 * e.i), typ=I64)
        if isinstance(e, T.SProj):
            return b.load(m._field_addr(b, env[e.x.idx], 8 + 8 * e.n + e.offset), typ=LLVM_TYPE[ty])
        if isinstance(e, T.FAp):
            callee = m.decls.get(e.fn)
            if callee is None:
                self.fail(f"unknown function '{e.fn}'")
            r = b.call(m.functions[e.fn], self.call_args(env, e.args, callee.params))
            return r
        if isinstance(e, T.PAp):
            callee = m.decls[e.fn]
            wrapper = m.boxed_wrapper(e.fn)
            c = b.call(m.rt("nl_alloc_closure"), [wrapper, ir.Constant(I32, len(callee.params)), ir.Constant(I32, len(e.args))])
            for i, a in enumerate(e.args):
                b.store(self.arg(env, a), m._field_addr(b, c, CLOSURE_FIXED_OFFSET + 8 * i))
            return c
        if isinstance(e, T.Ap):
            f = env[e.x.idx]
            args = [self.arg(env, a) for a in e.args]
            if len(args) <= 6:
                return b.call(m.rt(f"nl_apply_{len(args)}"), [f, *args])
            arr = b.alloca(ir.ArrayType(PTR, len(args)))
            for i, v in enumerate(args):
                b.store(v, b.gep(arr, [ir.Constant(I32, 0), ir.Constant(I32, i)]))
            return b.call(m.rt("nl_apply_n"), [f, ir.Constant(I32, len(args)), b.bitcast(arr, PTR)])
        if isinstance(e, T.Box):
            return m.box_value(b, env[e.x.idx], self.types[e.x.idx])
        if isinstance(e, T.Unbox):
            return m.unbox_value(b, env[e.x.idx], ty)
        if isinstance(e, T.NumLit):
            if ty.is_obj:
                if 0 <= e.value <= MAX_SMALL_NAT:
                    return _box_const(e.value)
                g = m.string_constant(str(e.value).encode())
                return b.call(m.rt("nl_nat_of_cstr"), [g])
            if ty is T.IRType.FLOAT:
                return ir.Constant(DOUBLE, float(e.value))
            return ir.Constant(LLVM_TYPE[ty], e.value & ((1 << LLVM_TYPE[ty].width) - 1))
        if isinstance(e, T.StrLit):
            return b.call(m.string_literal(e.value.encode("utf-8")), [])
        if isinstance(e, T.IsShared):
            x = env[e.x.idx]
            rc = b.load(x, typ=I32)
            return b.zext(b.icmp_signed("!=", rc, ir.Constant(I32, 1)), I8)
        self.fail(f"not an IR expression: {type(e).__name__}")

    def ctor(self, b: ir.IRBuilder, info: T.CtorInfo, args, env, reuse):
        m = self.m
        if info.is_scalar:
            return _box_const(info.cidx)
        alloc_args = [ir.Constant(I32, info.cidx), ir.Constant(I32, info.size), ir.Constant(I32, 8 * info.usize + info.ssize)]
        if reuse is None:
            obj = b.call(m.rt("nl_alloc_ctor"), alloc_args)
        else:
            cell, update_header = reuse
            fresh, kept, done = (self.fn.append_basic_block(n) for n in ("reuse_alloc", "reuse_kept", "reuse_done"))
            b.cbranch(m._is_scalar(b, cell), fresh, kept)
            b.position_at_end(fresh)
            new = b.call(m.rt("nl_alloc_ctor"), alloc_args)
            b.branch(done)
            b.position_at_end(kept)
            if update_header:
                b.store(ir.Constant(I8, info.cidx), m._field_addr(b, cell, 7))
            b.branch(done)
            b.position_at_end(done)
            obj = b.phi(PTR)
            obj.add_incoming(new, fresh)
            obj.add_incoming(cell, kept)
        for i, a in enumerate(args):
            b.store(self.arg(env, a), m._field_addr(b, obj, 8 + 8 * i))
        return obj


def emit_module(decls: list[T.Decl], externs: list[T.Extern] = (), entry: str | None = None,
                takes_args: bool = False, returns_uint32: bool = False,
                report_objects: bool = False) -> ir.Module:
    """LLVM IR for the declarations; with `entry`, also a C `main` for an executable."""
    em = ModuleEmitter(decls, externs)
    with recursion_room(decls):
        em.emit()
    if entry is not None:
        em.emit_c_main(entry, takes_args, returns_uint32, report_objects)
    return em.module


_initialized = False


def initialize_llvm() -> None:
    global _initialized
    if not _initialized:
        llvm.initialize_native_target()
        llvm.initialize_native_asmprinter()
        _initialized = True


def target_machine(opt_level: int = 2) -> llvm.TargetMachine:
    initialize_llvm()
    target = llvm.Target.from_default_triple()
    return target.create_target_machine(opt=opt_level, reloc="pic", codemodel="default")


def optimize_module(module: ir.Module, opt_level: int = 2) -> llvm.ModuleRef:
    """Parse, verify and optimize with LLVM's standard pipeline at -O`opt_level`."""
    if opt_level not in (0, 1, 2, 3):
        raise ValueError(f"optimization level must be 0..3, got {opt_level}")
    initialize_llvm()
    ref = llvm.parse_assembly(str(module))
    ref.verify()
    tm = target_machine(opt_level)
    ref.triple = tm.triple
    ref.data_layout = str(tm.target_data)
    pto = llvm.create_pipeline_tuning_options(speed_level=opt_level)
    pb = llvm.create_pass_builder(tm, pto)
    pb.getModulePassManager().run(ref, pb)
    return ref
