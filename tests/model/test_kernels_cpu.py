"""Every Numba CPU kernel against its NumPy reference (model.kernels.reference), on small shapes."""
from __future__ import annotations

import numpy as np
import pytest

from model.kernels import cpu as K
from model.kernels import reference as R

rng = np.random.default_rng(0)


def rand(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def test_bf16_round_trip_and_rounding():
    x = np.array([1.0, -2.5, 3.14159, 1e-30, np.inf, 65504.0], np.float32)
    back = R.bf16_to_fp32(R.fp32_to_bf16(x))
    assert back[0] == 1.0 and back[1] == -2.5 and back[4] == np.inf
    assert abs(back[2] - 3.140625) < 1e-6          # nearest bf16 of pi
    assert np.isnan(R.bf16_to_fp32(R.fp32_to_bf16(np.array([np.nan], np.float32))))[0]
    # round to nearest even at the halfway point: 1 + 2^-8 lies between 1 and 1 + 2^-7
    assert R.bf16_to_fp32(R.fp32_to_bf16(np.array([1 + 2**-8], np.float32)))[0] == 1.0


def test_int8_quantization_error_bound():
    w = rand(20, 33)
    q, scale = R.quantize_int8_per_row(w)
    assert q.dtype == np.int8 and scale.shape == (20,)
    assert np.abs(q.astype(np.float32) * scale[:, None] - w).max() <= scale.max() / 2 + 1e-6
    q0, s0 = R.quantize_int8_per_row(np.zeros((2, 4), np.float32))
    assert (q0 == 0).all() and (s0 == 1.0).all()


@pytest.mark.parametrize("T", [1, 3, 4, 9])
def test_linear_kernels_match_reference(T):
    x, w = rand(T, 37), rand(21, 37)
    out = np.empty((T, 21), np.float32)
    K.linear_fp32_serial(x, w, out, 4)
    np.testing.assert_allclose(out, R.linear(x, w), rtol=1e-4, atol=1e-4)
    K.linear_fp32(x, w, out, 4)
    np.testing.assert_allclose(out, R.linear(x, w), rtol=1e-4, atol=1e-4)
    bits = R.fp32_to_bf16(w)
    K.linear_bf16_serial(x, bits, out, 3)
    np.testing.assert_allclose(out, R.linear_bf16(x, bits), rtol=1e-4, atol=1e-4)
    K.linear_bf16(x, bits, out, 3)
    np.testing.assert_allclose(out, R.linear_bf16(x, bits), rtol=1e-4, atol=1e-4)
    q, s = R.quantize_int8_per_row(w)
    K.linear_int8_serial(x, q, s, out, 64)
    np.testing.assert_allclose(out, R.linear_int8(x, q, s), rtol=1e-4, atol=1e-4)
    K.linear_int8(x, q, s, out, 64)
    np.testing.assert_allclose(out, R.linear_int8(x, q, s), rtol=1e-4, atol=1e-4)


def test_embedding_lookups():
    table = rand(11, 6)
    ids = np.array([3, 0, 10, 3], np.int64)
    out = np.empty((4, 6), np.float32)
    bits = R.fp32_to_bf16(table)
    K.embedding_bf16(bits, ids, out)
    np.testing.assert_array_equal(out, R.embedding(R.bf16_to_fp32(bits), ids))
    q, s = R.quantize_int8_per_row(table)
    K.embedding_int8(q, s, ids, out)
    np.testing.assert_allclose(out, (q * s[:, None])[ids], rtol=1e-6)


def test_norms_and_activations():
    x, w, b = rand(4, 24), rand(24), rand(24)
    out = np.empty_like(x)
    K.rmsnorm(x, w, 1e-6, out)
    np.testing.assert_allclose(out, R.rmsnorm(x, w, 1e-6), rtol=1e-5, atol=1e-5)
    K.layernorm(x, w, b, 1e-12, out)
    np.testing.assert_allclose(out, R.layernorm(x, w, b, 1e-12), rtol=1e-4, atol=1e-5)
    gu = rand(3, 16) * 4
    o = np.empty((3, 8), np.float32)
    K.silu_mul(gu, o)
    np.testing.assert_allclose(o, R.silu_mul(gu), rtol=1e-5, atol=1e-5)
    g = rand(3, 10) * 3
    expect = R.gelu_erf(g)
    K.gelu_erf(g)
    np.testing.assert_allclose(g, expect, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(R.softmax(np.array([[0.0, np.log(3.0)]], np.float32)), [[0.25, 0.75]], rtol=1e-6)


def test_rope_matches_reference():
    x = rand(5, 3, 8)
    pos = np.array([0, 1, 7, 100, 3], np.int32)
    inv = (1.0 / 10000 ** (np.arange(0, 8, 2) / 8)).astype(np.float32)
    expect = R.rope(x, pos, inv)
    K.rope(x, pos, inv)
    np.testing.assert_allclose(x, expect, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(expect[0], R.rope(expect[:1], np.zeros(1, np.int32), inv)[0])  # position 0: identity


def _paged_setup(lengths, H=4, KVH=2, D=8, bs=4, nb=16):
    kc = np.zeros((nb, bs, KVH, D), np.float32)
    vc = np.zeros_like(kc)
    perm = rng.permutation(nb)            # scattered, non-contiguous blocks
    tables, used = [], 0
    for n in lengths:
        k = -(-n // bs)
        tables.append(list(perm[used:used + k]))
        used += k
    mb = max(len(t) for t in tables)
    bt = np.zeros((len(lengths), mb), np.int32)
    for i, t in enumerate(tables):
        bt[i, :len(t)] = t
    return kc, vc, bt


def test_paged_attention_and_kv_write_match_reference():
    lengths = [5, 9, 1]
    H, KVH, D, bs = 4, 2, 8, 4
    kc, vc, bt = _paged_setup(lengths, H, KVH, D, bs)
    # every token of every sequence is "new" in this step: a mixed prefill batch
    seq_index = np.concatenate([[i] * n for i, n in enumerate(lengths)]).astype(np.int32)
    positions = np.concatenate([np.arange(n) for n in lengths]).astype(np.int32)
    T = len(positions)
    slots = (bt[seq_index, positions // bs] * bs + positions % bs).astype(np.int32)
    q, k, v = rand(T, H, D), rand(T, KVH, D), rand(T, KVH, D)
    kc_ref, vc_ref = kc.copy(), vc.copy()
    R.kv_cache_write(kc_ref, vc_ref, k, v, slots)
    K.kv_cache_write(kc, vc, k, v, slots)
    np.testing.assert_array_equal(kc, kc_ref)
    np.testing.assert_array_equal(vc, vc_ref)
    expect = R.paged_attention(q, kc, vc, bt, seq_index, positions, 0.35)
    for kernel in (K.paged_attention, K.paged_attention_serial):
        out = np.empty_like(q)
        kernel(q, kc, vc, bt, seq_index, positions, np.float32(0.35), out)
        np.testing.assert_allclose(out, expect, rtol=1e-4, atol=1e-5)
    # decode-shaped: one token per sequence at its last position gives the same rows as above
    last = np.cumsum(lengths) - 1
    out1 = np.empty((3, H, D), np.float32)
    K.paged_attention(np.ascontiguousarray(q[last]), kc, vc, bt, np.arange(3, dtype=np.int32),
                      positions[last], np.float32(0.35), out1)
    np.testing.assert_allclose(out1, expect[last], rtol=1e-4, atol=1e-5)


def test_encoder_attention_masks_padding():
    B, L, H, D = 2, 5, 2, 4
    q, k, v = rand(B, L, H, D), rand(B, L, H, D), rand(B, L, H, D)
    mask = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], np.int32)
    expect = R.encoder_attention(q, k, v, mask, 0.5)
    for kernel in (K.encoder_attention_serial, K.encoder_attention):
        out = np.empty_like(q)
        kernel(q, k, v, mask, np.float32(0.5), out)
        np.testing.assert_allclose(out, expect, rtol=1e-4, atol=1e-5)
    # the padded positions' keys/values do not matter
    k2, v2 = k.copy(), v.copy()
    k2[1, 3:], v2[1, 3:] = 100.0, -100.0
    out2 = np.empty_like(q)
    K.encoder_attention(q, k2, v2, mask, np.float32(0.5), out2)
    np.testing.assert_allclose(out2[1, :3], out[1, :3], rtol=1e-5, atol=1e-6)


def test_pooling_reference():
    x = rand(2, 3, 4)
    mask = np.array([[1, 1, 0], [1, 0, 0]])
    pooled = R.mean_pool(x, mask)
    np.testing.assert_allclose(pooled[0], x[0, :2].mean(0), rtol=1e-6)
    np.testing.assert_allclose(pooled[1], x[1, 0], rtol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(R.l2_normalize(pooled), axis=1), 1.0, rtol=1e-6)


@pytest.mark.parametrize("fmt", ["fp32", "bf16", "int8"])
def test_backend_linear_every_token_count_and_bias(fmt):
    # T = 1..9 walks the 4x4 micro-kernel, its token tail and int8's T < 4 path; 41 rows leave a row tail
    from model.backend import CpuBackend
    from model.loader import make_linear
    w, b = rand(41, 24), rand(41)
    lw = make_linear(w, "F32", fmt, bias=b)
    dense = {"fp32": w, "bf16": R.bf16_to_fp32(lw.data)}.get(fmt)
    if dense is None:
        dense = lw.data * lw.scale[:, None]
    be = CpuBackend()
    for T in range(1, 10):
        x = rand(T, 24)
        np.testing.assert_allclose(be.linear(x, lw), R.linear(x, dense, b), rtol=1e-4, atol=1e-4)
