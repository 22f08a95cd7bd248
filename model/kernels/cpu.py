"""Numba CPU kernels: the hot loops of the forward pass, each matching ``model.kernels.reference``.

Every kernel writes into an output array the caller preallocated (so ``forward`` can reuse
buffers) and takes the shapes and dtypes stated in the reference function of the same name.
``cache=True`` keeps compiled code in ``__pycache__`` so only the first process pays for
compilation; ``parallel=True`` is used where the loop is over many independent rows (linear
layers, attention heads) and not for the short elementwise loops, where thread start-up costs
more than it saves on two cores.

Linear layers: the weight is the big operand, so the decode kernels read each weight row once
and use it for every token of the step (``T`` is small in decode).  bf16 rows are widened to
fp32 in a per-thread buffer and int8 rows are multiplied as int8 -> fp32 with the per-row scale
applied once at the end: both read 2x / 4x fewer bytes than fp32, which is what decode speed is
bounded by.  For long prefills the caller uses BLAS instead (see ``model.backend``).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

ROWS_PER_TASK = 16     # weight rows one parallel task handles: amortizes the per-task buffer


# ---------------------------------------------------------------- linear layers (decode-shaped)

@njit(parallel=True, cache=True, fastmath=True)
def linear_fp32(x, w, out):
    """x: (T, in) f32, w: (out, in) f32, out: (T, out) f32 <- x @ w.T."""
    T, n_in = x.shape
    n_out = w.shape[0]
    n_tasks = (n_out + ROWS_PER_TASK - 1) // ROWS_PER_TASK
    for task in prange(n_tasks):
        lo = task * ROWS_PER_TASK
        hi = min(lo + ROWS_PER_TASK, n_out)
        for o in range(lo, hi):
            row = w[o]
            for t in range(T):
                xt = x[t]
                acc = np.float32(0.0)
                for i in range(n_in):
                    acc += xt[i] * row[i]
                out[t, o] = acc


@njit(parallel=True, cache=True, fastmath=True)
def linear_bf16(x, w_bits, out):
    """x: (T, in) f32, w_bits: (out, in) uint16 bf16, out: (T, out) f32 <- x @ bf16_to_fp32(w).T."""
    T, n_in = x.shape
    n_out = w_bits.shape[0]
    n_tasks = (n_out + ROWS_PER_TASK - 1) // ROWS_PER_TASK
    for task in prange(n_tasks):
        wide = np.empty(n_in, np.uint32)
        row = wide.view(np.float32)
        lo = task * ROWS_PER_TASK
        hi = min(lo + ROWS_PER_TASK, n_out)
        for o in range(lo, hi):
            bits = w_bits[o]
            for i in range(n_in):
                wide[i] = np.uint32(bits[i]) << 16
            for t in range(T):
                xt = x[t]
                acc = np.float32(0.0)
                for i in range(n_in):
                    acc += xt[i] * row[i]
                out[t, o] = acc


@njit(parallel=True, cache=True, fastmath=True)
def linear_int8(x, q, scale, out):
    """x: (T, in) f32, q: (out, in) int8, scale: (out,) f32, out: (T, out) f32 <- (x @ q.T) * scale."""
    T, n_in = x.shape
    n_out = q.shape[0]
    n_tasks = (n_out + ROWS_PER_TASK - 1) // ROWS_PER_TASK
    for task in prange(n_tasks):
        lo = task * ROWS_PER_TASK
        hi = min(lo + ROWS_PER_TASK, n_out)
        for o in range(lo, hi):
            row = q[o]
            s = scale[o]
            for t in range(T):
                xt = x[t]
                acc = np.float32(0.0)
                for i in range(n_in):
                    acc += xt[i] * np.float32(row[i])
                out[t, o] = acc * s


@njit(parallel=True, cache=True)
def dequantize_bf16(w_bits, out):
    """w_bits: (out, in) uint16 -> out: (out, in) f32 (for BLAS prefill)."""
    n_out, n_in = w_bits.shape
    flat = out.reshape(-1).view(np.uint32)
    for o in prange(n_out):
        base = o * n_in
        for i in range(n_in):
            flat[base + i] = np.uint32(w_bits[o, i]) << 16


@njit(parallel=True, cache=True)
def dequantize_int8(q, scale, out):
    """q: (out, in) int8, scale: (out,) f32 -> out: (out, in) f32 (for BLAS prefill)."""
    n_out, n_in = q.shape
    for o in prange(n_out):
        s = scale[o]
        for i in range(n_in):
            out[o, i] = np.float32(q[o, i]) * s


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


@njit(cache=True)
def gelu_erf(x):
    """x: (N, d) f32, in place: 0.5 x (1 + erf(x / sqrt 2))."""
    n, d = x.shape
    c = 1.0 / math.sqrt(2.0)
    for r in range(n):
        for i in range(d):
            v = x[r, i]
            x[r, i] = np.float32(0.5 * v * (1.0 + math.erf(v * c)))


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


@njit(parallel=True, cache=True, fastmath=True)
def paged_attention(q, k_cache, v_cache, block_tables, seq_index, positions, scale, out):
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


@njit(parallel=True, cache=True, fastmath=True)
def encoder_attention(q, k, v, mask, scale, out):
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
