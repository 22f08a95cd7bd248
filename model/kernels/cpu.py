"""Numba CPU kernels: the hot loops of the forward pass, each matching ``model.kernels.reference``.

Every kernel writes into an output array the caller preallocated (so ``forward`` can reuse
buffers) and takes the shapes and dtypes stated in the reference function of the same name.
``cache=True`` keeps compiled code in ``__pycache__`` so only the first process pays for
compilation; ``parallel=True`` is used where the loop is over many independent rows (linear
layers, attention heads) and not for the short elementwise loops, where thread start-up costs
more than it saves on two cores.

Linear layers: the weight is the big operand, so the decode kernels read each weight row once
and use it for every token of the step (``T`` is small in decode).  In decode, bf16 bits are
widened (shift + bit cast) and int8 values converted inside the dot product, the int8 per-row
scale applied once at the end: both read 2x / 4x fewer bytes than fp32, which is what decode
speed is bounded by; prefills widen each group of four rows into a per-thread buffer first.  The same kernels serve long prefills: their 4x4 register blocking beats numpy's
OpenBLAS sgemm on this machine (see the measurements below and docs/PERFORMANCE.md).
"""
from __future__ import annotations

import math

from llvmlite import ir as llvm_ir
import numpy as np
from numba import njit, prange
from numba.core import types
from numba.extending import intrinsic

CHUNKS_PER_THREAD = 4   # linear layers split their output rows into n_chunks = this x threads


def linear_chunks() -> int:
    """The ``n_chunks`` argument of the linear kernels for the current Numba thread count."""
    import numba
    return CHUNKS_PER_THREAD * numba.get_num_threads()


# Why the loops look like this.  A ``prange`` over every output row makes Numba's parallel
# lowering wrap each row in a gufunc call whose reduction LLVM vectorizes poorly (~6 GB/s
# measured), so the rows are split into a few large chunks with plain loops inside.  Within a
# chunk, four weight rows meet four tokens at a time: sixteen independent accumulators, each
# vectorized over ``in`` by LLVM, hide the FMA latency and load every weight and activation once
# per sixteen products (measured 77-97 GFMA/s on one core here, against 60 for OpenBLAS sgemm and
# ~20 for a one-row dot product).  bf16 and int8 rows are first widened to fp32 into a small
# per-task buffer, so the same micro-kernel serves every format and the big weights are read from
# memory in their compact form exactly once.

@njit(cache=True, fastmath=True)
def _rows4_times_tokens(x, w, wo, out, o, rows):
    """out[:, o:o+rows] = x @ w[wo:wo+4].T for rows <= 4 (w has at least 4 rows from wo)."""
    T, n_in = x.shape
    t = 0
    while t + 4 <= T:
        a00 = np.float32(0.0)
        a01 = np.float32(0.0)
        a02 = np.float32(0.0)
        a03 = np.float32(0.0)
        a10 = np.float32(0.0)
        a11 = np.float32(0.0)
        a12 = np.float32(0.0)
        a13 = np.float32(0.0)
        a20 = np.float32(0.0)
        a21 = np.float32(0.0)
        a22 = np.float32(0.0)
        a23 = np.float32(0.0)
        a30 = np.float32(0.0)
        a31 = np.float32(0.0)
        a32 = np.float32(0.0)
        a33 = np.float32(0.0)
        for i in range(n_in):
            w0 = w[wo, i]
            w1 = w[wo + 1, i]
            w2 = w[wo + 2, i]
            w3 = w[wo + 3, i]
            x0 = x[t, i]
            x1 = x[t + 1, i]
            x2 = x[t + 2, i]
            x3 = x[t + 3, i]
            a00 += x0 * w0
            a01 += x0 * w1
            a02 += x0 * w2
            a03 += x0 * w3
            a10 += x1 * w0
            a11 += x1 * w1
            a12 += x1 * w2
            a13 += x1 * w3
            a20 += x2 * w0
            a21 += x2 * w1
            a22 += x2 * w2
            a23 += x2 * w3
            a30 += x3 * w0
            a31 += x3 * w1
            a32 += x3 * w2
            a33 += x3 * w3
        _store4(out, t, o, rows, a00, a01, a02, a03)
        _store4(out, t + 1, o, rows, a10, a11, a12, a13)
        _store4(out, t + 2, o, rows, a20, a21, a22, a23)
        _store4(out, t + 3, o, rows, a30, a31, a32, a33)
        t += 4
    while t < T:
        a0 = np.float32(0.0)
        a1 = np.float32(0.0)
        a2 = np.float32(0.0)
        a3 = np.float32(0.0)
        for i in range(n_in):
            xv = x[t, i]
            a0 += xv * w[wo, i]
            a1 += xv * w[wo + 1, i]
            a2 += xv * w[wo + 2, i]
            a3 += xv * w[wo + 3, i]
        _store4(out, t, o, rows, a0, a1, a2, a3)
        t += 1


@njit(cache=True)
def _store4(out, t, o, rows, a0, a1, a2, a3):
    out[t, o] = a0
    if rows > 1:
        out[t, o + 1] = a1
    if rows > 2:
        out[t, o + 2] = a2
    if rows > 3:
        out[t, o + 3] = a3


def _linear_fp32(x, w, out, n_chunks):
    """x: (T, in) f32, w: (out, in) f32, out: (T, out) f32 <- x @ w.T; n_chunks: parallel tasks."""
    n_in = x.shape[1]
    n_out = w.shape[0]
    n_quads = (n_out + 3) // 4
    per = (n_quads + n_chunks - 1) // n_chunks
    for c in prange(n_chunks):
        tail = np.zeros((4, n_in), np.float32)
        for qd in range(c * per, min((c + 1) * per, n_quads)):
            o = qd * 4
            rows = min(4, n_out - o)
            if rows == 4:
                _rows4_times_tokens(x, w, o, out, o, 4)
            else:
                for r in range(rows):
                    tail[r] = w[o + r]
                _rows4_times_tokens(x, tail, 0, out, o, rows)


@intrinsic
def _bf16_bits_to_f32(typingctx, bits):
    """uint16 bf16 bits -> float32: widen, shift into the high half, reinterpret (no arithmetic)."""
    if not isinstance(bits, types.Integer) or bits.bitwidth != 16:
        return None

    def codegen(context, builder, signature, args):
        word = builder.shl(builder.zext(args[0], llvm_ir.IntType(32)), llvm_ir.Constant(llvm_ir.IntType(32), 16))
        return builder.bitcast(word, llvm_ir.FloatType())
    return types.float32(bits), codegen


def _linear_bf16(x, w_bits, out, n_chunks):
    """x: (T, in) f32, w_bits: (out, in) uint16 bf16, out: (T, out) f32 <- x @ bf16_to_fp32(w).T.

    As for int8: with fewer than four tokens (decode) the bits are widened inside the dot product
    (a shift and a bit cast per weight, vectorized), so each weight row is read once, from
    memory, in its 2-byte form; widening rows into a buffer first ran decode at the speed of
    fp32 (6 against 13 GB/s, 30 distinct 576x1536 matrices streamed from memory).  With more
    tokens the rows are widened once into a per-task buffer for the 4x4 micro-kernel.
    """
    T, n_in = x.shape
    n_out = w_bits.shape[0]
    n_quads = (n_out + 3) // 4
    per = (n_quads + n_chunks - 1) // n_chunks
    for c in prange(n_chunks):
        wide = np.zeros((4, n_in), np.uint32)
        w = wide.view(np.float32)
        for qd in range(c * per, min((c + 1) * per, n_quads)):
            o = qd * 4
            rows = min(4, n_out - o)
            if T < 4 and rows == 4:
                for t in range(T):
                    a0 = np.float32(0.0)
                    a1 = np.float32(0.0)
                    a2 = np.float32(0.0)
                    a3 = np.float32(0.0)
                    for i in range(n_in):
                        xv = x[t, i]
                        a0 += xv * _bf16_bits_to_f32(w_bits[o, i])
                        a1 += xv * _bf16_bits_to_f32(w_bits[o + 1, i])
                        a2 += xv * _bf16_bits_to_f32(w_bits[o + 2, i])
                        a3 += xv * _bf16_bits_to_f32(w_bits[o + 3, i])
                    _store4(out, t, o, 4, a0, a1, a2, a3)
            else:
                for r in range(rows):
                    for i in range(n_in):
                        wide[r, i] = np.uint32(w_bits[o + r, i]) << 16
                _rows4_times_tokens(x, w, 0, out, o, rows)


def _linear_int8(x, q, scale, out, n_chunks):
    """x: (T, in) f32, q: (out, in) int8, scale: (out,) f32, out: (T, out) f32 <- (x @ q.T) * scale.

    With fewer than four tokens (decode) the int8 rows are converted inside the dot product and
    scaled once per output, which keeps the step memory-bound; with more, the rows are widened
    with the scale folded in (``w = q * scale``) and go through the 4x4 micro-kernel.
    """
    T, n_in = x.shape
    n_out = q.shape[0]
    n_quads = (n_out + 3) // 4
    per = (n_quads + n_chunks - 1) // n_chunks
    for c in prange(n_chunks):
        w = np.zeros((4, n_in), np.float32)
        for qd in range(c * per, min((c + 1) * per, n_quads)):
            o = qd * 4
            rows = min(4, n_out - o)
            if T < 4 and rows == 4:
                for t in range(T):
                    a0 = np.float32(0.0)
                    a1 = np.float32(0.0)
                    a2 = np.float32(0.0)
                    a3 = np.float32(0.0)
                    for i in range(n_in):
                        xv = x[t, i]
                        a0 += xv * np.float32(q[o, i])
                        a1 += xv * np.float32(q[o + 1, i])
                        a2 += xv * np.float32(q[o + 2, i])
                        a3 += xv * np.float32(q[o + 3, i])
                    _store4(out, t, o, 4, a0 * scale[o], a1 * scale[o + 1], a2 * scale[o + 2], a3 * scale[o + 3])
            else:
                for r in range(rows):
                    s = scale[o + r]
                    for i in range(n_in):
                        w[r, i] = np.float32(q[o + r, i]) * s
                _rows4_times_tokens(x, w, 0, out, o, rows)


# ---------------------------------------------------------------- embeddings

@njit(cache=True)
def embedding_bf16(table_bits, ids, out):
    """table_bits: (V, d) uint16, ids: (T,) int64, out: (T, d) f32."""
    wide = out.view(np.uint32)
    for t in range(ids.shape[0]):
        row = table_bits[ids[t]]
        for i in range(row.shape[0]):
            wide[t, i] = np.uint32(row[i]) << 16


@njit(cache=True)
def embedding_int8(q, scale, ids, out):
    """q: (V, d) int8, scale: (V,) f32, ids: (T,) int64, out: (T, d) f32."""
    for t in range(ids.shape[0]):
        s = scale[ids[t]]
        row = q[ids[t]]
        for i in range(row.shape[0]):
            out[t, i] = np.float32(row[i]) * s


# ---------------------------------------------------------------- normalization and activations

@njit(cache=True, fastmath=True)
def rmsnorm(x, weight, eps, out):
    """x: (N, d) f32, weight: (d,) f32, out: (N, d) f32 (may be x itself)."""
    n, d = x.shape
    for r in range(n):
        ss = 0.0
        for i in range(d):
            ss += np.float64(x[r, i]) * x[r, i]
        inv = np.float32(1.0 / math.sqrt(ss / d + eps))
        for i in range(d):
            out[r, i] = x[r, i] * inv * weight[i]


@njit(cache=True, fastmath=True)
def layernorm(x, weight, bias, eps, out):
    """x: (N, d) f32, weight, bias: (d,) f32, out: (N, d) f32 (may be x itself)."""
    n, d = x.shape
    for r in range(n):
        mu = 0.0
        for i in range(d):
            mu += x[r, i]
        mu /= d
        var = 0.0
        for i in range(d):
            dv = x[r, i] - mu
            var += dv * dv
        inv = 1.0 / math.sqrt(var / d + eps)
        for i in range(d):
            out[r, i] = np.float32((x[r, i] - mu) * inv) * weight[i] + bias[i]


@njit(cache=True, fastmath=True)
def silu_mul(gate_up, out):
    """gate_up: (T, 2I) f32 (gate | up), out: (T, I) f32 <- silu(gate) * up."""
    T, two_i = gate_up.shape
    inter = two_i // 2
    for t in range(T):
        for i in range(inter):
            g = gate_up[t, i]
            out[t, i] = g / (np.float32(1.0) + np.exp(-g)) * gate_up[t, inter + i]


@njit(cache=True, fastmath=True)
def gelu_erf(x):
    """x: (N, d) f32, in place: 0.5 x (1 + erf(x / sqrt 2)).

    erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7, below fp32 resolution of the result):
    it vectorizes, where a libm ``erf`` call per element cost 4x more (MiniLM: 1.4 of 5 ms).
    """
    n, d = x.shape
    for r in range(n):
        for i in range(d):
            v = x[r, i]
            z = abs(v) * np.float32(0.7071067811865476)
            t = np.float32(1.0) / (np.float32(1.0) + np.float32(0.3275911) * z)
            poly = ((((np.float32(1.061405429) * t - np.float32(1.453152027)) * t + np.float32(1.421413741)) * t
                     - np.float32(0.284496736)) * t + np.float32(0.254829592)) * t
            e = np.float32(1.0) - poly * np.exp(-z * z)
            if v < 0:
                e = -e
            x[r, i] = np.float32(0.5) * v * (np.float32(1.0) + e)


# ---------------------------------------------------------------- rotary embeddings

@njit(cache=True, fastmath=True)
def rope(x, positions, inv_freq):
    """x: (T, nh, D) f32 in place, positions: (T,) int32, inv_freq: (D/2,) f32 (rotate-half convention)."""
    T, nh, D = x.shape
    half = D // 2
    for t in range(T):
        p = np.float64(positions[t])
        for j in range(half):
            ang = p * inv_freq[j]
            c = np.float32(math.cos(ang))
            s = np.float32(math.sin(ang))
            for h in range(nh):
                a = x[t, h, j]
                b = x[t, h, j + half]
                x[t, h, j] = a * c - b * s
                x[t, h, j + half] = b * c + a * s


# ---------------------------------------------------------------- attention

@njit(cache=True)
def kv_cache_write(k_cache, v_cache, k, v, slots):
    """k_cache, v_cache: (NB, BS, KVH, D) f32; k, v: (T, KVH, D) f32; slots: (T,) int32."""
    bs = k_cache.shape[1]
    for t in range(slots.shape[0]):
        b = slots[t] // bs
        r = slots[t] % bs
        k_cache[b, r] = k[t]
        v_cache[b, r] = v[t]


def _paged_attention(q, k_cache, v_cache, block_tables, seq_index, positions, scale, out):
    """q: (T, H, D) f32; caches (NB, BS, KVH, D) f32; block_tables (S, MB) int32; seq_index,
    positions: (T,) int32; out: (T, H, D) f32.  Causal over each token's own sequence, GQA."""
    T, H, D = q.shape
    bs = k_cache.shape[1]
    kvh = k_cache.shape[2]
    group = H // kvh
    for th in prange(T * H):
        t = th // H
        h = th % H
        kv = h // group
        n = positions[t] + 1
        table = block_tables[seq_index[t]]
        scores = np.empty(n, np.float32)
        qv = q[t, h]
        m = -np.inf
        for p in range(n):
            kr = k_cache[table[p // bs], p % bs, kv]
            acc = np.float32(0.0)
            for d in range(D):
                acc += qv[d] * kr[d]
            acc *= scale
            scores[p] = acc
            if acc > m:
                m = acc
        total = np.float32(0.0)
        for p in range(n):
            e = np.exp(scores[p] - m)
            scores[p] = e
            total += e
        o = out[t, h]
        for d in range(D):
            o[d] = 0.0
        for p in range(n):
            vr = v_cache[table[p // bs], p % bs, kv]
            w = scores[p] / total
            for d in range(D):
                o[d] += w * vr[d]


# Decode steps have few (token, head) pairs and short rows: a parallel region costs more than the
# work there, so the backend picks the serial build below a size threshold.
paged_attention = njit(parallel=True, cache=True, fastmath=True)(_paged_attention)
paged_attention_serial = njit(cache=True, fastmath=True)(_paged_attention)


def _encoder_attention(q, k, v, mask, scale, out):
    """q, k, v: (B, L, H, D) f32; mask: (B, L) int32 (1 = real token); out: (B, L, H, D) f32."""
    B, L, H, D = q.shape
    for blh in prange(B * L * H):
        b = blh // (L * H)
        l = (blh // H) % L
        h = blh % H
        scores = np.empty(L, np.float32)
        m = -np.inf
        qv = q[b, l, h]
        for j in range(L):
            if mask[b, j] == 0:
                continue
            acc = np.float32(0.0)
            kr = k[b, j, h]
            for d in range(D):
                acc += qv[d] * kr[d]
            acc *= scale
            scores[j] = acc
            if acc > m:
                m = acc
        total = np.float32(0.0)
        for j in range(L):
            if mask[b, j] == 0:
                scores[j] = 0.0
            else:
                e = np.exp(scores[j] - m)
                scores[j] = e
                total += e
        o = out[b, l, h]
        for d in range(D):
            o[d] = 0.0
        if total == 0.0:
            continue
        for j in range(L):
            if scores[j] == 0.0:
                continue
            w = scores[j] / total
            vr = v[b, j, h]
            for d in range(D):
                o[d] += w * vr[d]


encoder_attention = njit(parallel=True, cache=True, fastmath=True)(_encoder_attention)
encoder_attention_serial = njit(cache=True, fastmath=True)(_encoder_attention)


# Each linear kernel in a parallel and a serial build: the backend runs small products (decode
# steps of the small matrices) serially, where waking the second thread costs more than it saves.
linear_fp32 = njit(parallel=True, cache=True, fastmath=True)(_linear_fp32)
linear_bf16 = njit(parallel=True, cache=True, fastmath=True)(_linear_bf16)
linear_int8 = njit(parallel=True, cache=True, fastmath=True)(_linear_int8)
linear_fp32_serial = njit(cache=True, fastmath=True)(_linear_fp32)
linear_bf16_serial = njit(cache=True, fastmath=True)(_linear_bf16)
linear_int8_serial = njit(cache=True, fastmath=True)(_linear_int8)
