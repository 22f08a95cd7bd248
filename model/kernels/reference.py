"""Plain NumPy reference of every engine kernel: the specification the fast kernels are tested against.

Each function is short, allocates freely and favours clarity over speed.  The Numba
CPU kernels (``model.kernels.cpu``) and the CUDA kernels (``model.kernels.cuda``)
must return the same values (fp32 within ~1e-5 relative) for the same inputs.

Conventions used in every docstring:

- ``T`` tokens in a step (all sequences' new tokens concatenated), ``d`` hidden size,
  ``H`` query heads, ``KVH`` key/value heads (``H % KVH == 0``; query head ``h`` reads
  KV head ``h // (H // KVH)``), ``D`` head dim, ``I`` intermediate size, ``V`` vocab.
- Linear weights use the Hugging Face layout ``(out, in)``: ``y = x @ w.T + b``.
- bf16 tensors are stored as ``uint16`` bit patterns (the top half of an fp32).
- int8 weights are quantized per output channel: ``w[o, i] ~= q[o, i] * scale[o]``.
- The paged KV cache of one layer is ``k_cache, v_cache: (num_blocks, block_size, KVH, D) float32``;
  token slot ``s`` lives at block ``s // block_size``, row ``s % block_size``.
"""
from __future__ import annotations

import math

import numpy as np


# ---------------------------------------------------------------- number formats

def bf16_to_fp32(bits: np.ndarray) -> np.ndarray:
    """bits: any shape uint16 (bf16 bit patterns) -> same shape float32."""
    return (bits.astype(np.uint32) << 16).view(np.float32)


def fp32_to_bf16(x: np.ndarray) -> np.ndarray:
    """x: any shape float32 -> same shape uint16, rounded to nearest even (NaN stays NaN)."""
    u = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    out = rounded.astype(np.uint16)
    nan = np.isnan(x)
    if nan.any():
        out[nan] = 0x7FC0
    return out


def quantize_int8_per_row(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """w: (out, in) float32 -> (q: (out, in) int8, scale: (out,) float32), symmetric, q in [-127, 127].

    ``scale[o] = max_i |w[o, i]| / 127`` (1.0 for an all-zero row) and ``q = round(w / scale)``.
    """
    w = np.asarray(w, dtype=np.float32)
    amax = np.abs(w).max(axis=1)
    scale = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float32)
    q = np.clip(np.rint(w / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale


# ---------------------------------------------------------------- dense algebra

def embedding(table: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """table: (V, d) float32, ids: (T,) int -> (T, d) float32 rows of the table."""
    return np.asarray(table, dtype=np.float32)[np.asarray(ids)]


def linear(x: np.ndarray, w: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
    """x: (T, in) float32, w: (out, in) float32, bias: (out,) float32 or None -> (T, out) float32."""
    y = np.asarray(x, np.float64) @ np.asarray(w, np.float64).T
    if bias is not None:
        y = y + bias
    return y.astype(np.float32)


def linear_bf16(x: np.ndarray, w_bits: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
    """x: (T, in) float32, w_bits: (out, in) uint16 bf16 -> (T, out) float32 (fp32 accumulation)."""
    return linear(x, bf16_to_fp32(w_bits), bias)


def linear_int8(x: np.ndarray, q: np.ndarray, scale: np.ndarray,
                bias: np.ndarray | None = None) -> np.ndarray:
    """x: (T, in) float32, q: (out, in) int8, scale: (out,) float32 -> (T, out) float32.

    ``y[t, o] = scale[o] * sum_i x[t, i] * q[o, i] (+ bias[o])``: activations stay fp32.
    """
    y = (np.asarray(x, np.float64) @ q.astype(np.float64).T) * scale.astype(np.float64)
    if bias is not None:
        y = y + bias
    return y.astype(np.float32)


# ---------------------------------------------------------------- normalization and activations

def rmsnorm(x: np.ndarray, weight: np.ndarray, eps: float) -> np.ndarray:
    """x: (N, d) float32, weight: (d,) -> (N, d): ``x / sqrt(mean(x**2) + eps) * weight``.

    Also used per head for Qwen3's q/k norm with x reshaped to (T*H, D).
    """
    x64 = np.asarray(x, np.float64)
    inv = 1.0 / np.sqrt((x64 * x64).mean(axis=-1, keepdims=True) + eps)
    return (x64 * inv * weight).astype(np.float32)


def layernorm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    """x: (N, d) float32, weight, bias: (d,) -> (N, d): ``(x - mean) / sqrt(var + eps) * w + b``."""
    x64 = np.asarray(x, np.float64)
    mu = x64.mean(axis=-1, keepdims=True)
    var = ((x64 - mu) ** 2).mean(axis=-1, keepdims=True)
    return ((x64 - mu) / np.sqrt(var + eps) * weight + bias).astype(np.float32)


def silu_mul(gate_up: np.ndarray) -> np.ndarray:
    """gate_up: (T, 2I) float32, gate in the first half, up in the second -> (T, I): ``silu(gate) * up``."""
    g64 = np.asarray(gate_up, np.float64)
    i = g64.shape[1] // 2
    gate, up = g64[:, :i], g64[:, i:]
    return (gate / (1.0 + np.exp(-gate)) * up).astype(np.float32)


def gelu_erf(x: np.ndarray) -> np.ndarray:
    """x: any shape float32 -> same shape: the exact GELU ``0.5 x (1 + erf(x / sqrt 2))`` (BERT's "gelu")."""
    erf = np.vectorize(math.erf)
    x64 = np.asarray(x, np.float64)
    return (0.5 * x64 * (1.0 + erf(x64 / math.sqrt(2.0)))).astype(np.float32)


def softmax(x: np.ndarray) -> np.ndarray:
    """x: (..., n) float32 -> (..., n) float32, softmax over the last axis (max-subtracted)."""
    x64 = np.asarray(x, np.float64)
    e = np.exp(x64 - x64.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)


# ---------------------------------------------------------------- rotary embeddings

def rope(x: np.ndarray, positions: np.ndarray, inv_freq: np.ndarray) -> np.ndarray:
    """x: (T, nh, D) float32, positions: (T,) int, inv_freq: (D/2,) float32 -> (T, nh, D).

    The Hugging Face Llama ("rotate half") convention: with ``a = x[..., :D/2]``,
    ``b = x[..., D/2:]`` and ``f = positions[t] * inv_freq`` the result is
    ``[a cos f - b sin f, b cos f + a sin f]``.
    """
    x64 = np.asarray(x, np.float64)
    half = x64.shape[-1] // 2
    ang = np.asarray(positions, np.float64)[:, None] * np.asarray(inv_freq, np.float64)[None, :]
    cos, sin = np.cos(ang)[:, None, :], np.sin(ang)[:, None, :]
    a, b = x64[..., :half], x64[..., half:]
    return np.concatenate([a * cos - b * sin, b * cos + a * sin], axis=-1).astype(np.float32)


# ---------------------------------------------------------------- attention

def kv_cache_write(k_cache: np.ndarray, v_cache: np.ndarray, k: np.ndarray, v: np.ndarray,
                   slots: np.ndarray) -> None:
    """Write in place. k_cache, v_cache: (NB, BS, KVH, D); k, v: (T, KVH, D); slots: (T,) int.

    Token ``t`` goes to block ``slots[t] // BS``, row ``slots[t] % BS``.
    """
    bs = k_cache.shape[1]
    for t, s in enumerate(np.asarray(slots)):
        k_cache[s // bs, s % bs] = k[t]
        v_cache[s // bs, s % bs] = v[t]


def paged_attention(q: np.ndarray, k_cache: np.ndarray, v_cache: np.ndarray,
                    block_tables: np.ndarray, seq_index: np.ndarray, positions: np.ndarray,
                    scale: float) -> np.ndarray:
    """Causal attention of each new token over its own sequence's cached keys/values.

    q: (T, H, D) float32; k_cache, v_cache: (NB, BS, KVH, D) float32 (already holding this
    step's keys/values); block_tables: (S, max_blocks) int32, row ``s`` lists sequence ``s``'s
    blocks in order; seq_index: (T,) int32, the sequence of each token; positions: (T,) int32,
    the absolute position of each token.  Token ``t`` attends to positions ``0..positions[t]``
    of sequence ``seq_index[t]``.  Returns (T, H, D) float32:
    ``softmax(scale * q k^T) v`` per head, query head ``h`` using KV head ``h // (H // KVH)``.
    """
    T, H, D = q.shape
    bs, kvh = k_cache.shape[1], k_cache.shape[2]
    group = H // kvh
    out = np.zeros((T, H, D), np.float32)
    for t in range(T):
        n = int(positions[t]) + 1
        table = block_tables[seq_index[t]]
        pos = np.arange(n)
        keys = k_cache[table[pos // bs], pos % bs].astype(np.float64)    # (n, KVH, D)
        vals = v_cache[table[pos // bs], pos % bs].astype(np.float64)
        for h in range(H):
            kv = h // group
            s = keys[:, kv, :] @ q[t, h].astype(np.float64) * scale
            p = np.exp(s - s.max())
            p /= p.sum()
            out[t, h] = p @ vals[:, kv, :]
    return out


def encoder_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray,
                      scale: float) -> np.ndarray:
    """Bidirectional attention with a key padding mask (BERT).

    q, k, v: (B, L, H, D) float32; mask: (B, L), nonzero where the token is real.
    Returns (B, L, H, D) float32; padded query rows are computed like the others (callers ignore them).
    """
    q64, k64, v64 = (np.asarray(a, np.float64) for a in (q, k, v))
    s = np.einsum("blhd,bmhd->bhlm", q64, k64) * scale
    s = np.where(np.asarray(mask, bool)[:, None, None, :], s, -np.inf)
    p = np.exp(s - s.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    return np.einsum("bhlm,bmhd->blhd", p, v64).astype(np.float32)


# ---------------------------------------------------------------- pooling

def mean_pool(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """x: (B, L, d) float32, mask: (B, L) 0/1 -> (B, d): mean of the unmasked rows."""
    m = np.asarray(mask, np.float64)[:, :, None]
    return ((np.asarray(x, np.float64) * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)).astype(np.float32)


def l2_normalize(x: np.ndarray) -> np.ndarray:
    """x: (B, d) -> (B, d) rows scaled to unit L2 norm (a zero row stays zero)."""
    x64 = np.asarray(x, np.float64)
    n = np.sqrt((x64 * x64).sum(axis=1, keepdims=True))
    return (x64 / np.maximum(n, 1e-12)).astype(np.float32)
