"""Every CUDA kernel (``model.kernels.cuda``) against the NumPy reference, in Numba's CUDA simulator.

The simulator must be switched on before ``numba.cuda`` is first imported, and other tests in the
same pytest process use the real ``numba.cuda`` (PTX compilation), so the cases run in the
session's one simulator child (``cuda_simulator.py``, shared with ``test_cuda_engine.py``), which
runs the cases selected in this session; each one's verdict becomes a test.

Shapes are tiny (the simulator runs every CUDA thread as a Python thread) but chosen to reach
every code path: a partial last warp of output rows, an input dimension that ends in a partly
filled bf16/int8 word, more tokens than one matvec block handles, more than one matmul tile and
k-slice, rows longer than a block, more keys than one attention tile, grouped-query heads and
a scrambled paged block table.
"""
from __future__ import annotations

import numpy as np
import pytest

RTOL = 1e-5
ATOL = 1e-5


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _f32(rng, *shape):
    return rng.standard_normal(shape).astype(np.float32)


def _close(got, want, rtol=RTOL, atol=ATOL):
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=rtol, atol=atol)


# ---------------------------------------------------------------- cases (run inside the simulator)

def _weight(fmt, w32):
    """A float weight in ``fmt`` -> (storage array, scale or None) as the loader would make it."""
    from model.kernels import reference as R
    if fmt == "fp32":
        return w32, None
    if fmt == "bf16":
        return R.fp32_to_bf16(w32), None
    return R.quantize_int8_per_row(w32)


def _reference_linear(fmt, x, stored, scale, bias):
    from model.kernels import reference as R
    if fmt == "fp32":
        return R.linear(x, stored, bias)
    if fmt == "bf16":
        return R.linear_bf16(x, stored, bias)
    return R.linear_int8(x, stored, scale, bias)


def _linear_case(fmt, tokens, n, k, with_bias):
    def case():
        from numba import cuda
        from model.kernels import cuda as K
        rng = _rng(tokens * 1000 + n * 10 + k)
        x = _f32(rng, tokens, k)
        stored, scale = _weight(fmt, _f32(rng, n, k))
        bias = _f32(rng, n) if with_bias else None
        got = K.linear(cuda.to_device(x), cuda.to_device(K.pack_weight(stored, fmt)), fmt, k,
                       None if scale is None else cuda.to_device(scale),
                       None if bias is None else cuda.to_device(bias)).copy_to_host()
        _close(got, _reference_linear(fmt, x, stored, scale, bias), rtol=2e-5, atol=2e-5)
    return case


def _embedding_case(fmt):
    def case():
        from numba import cuda
        from model.kernels import cuda as K
        from model.kernels import reference as R
        rng = _rng(7)
        d = 37
        stored, scale = _weight(fmt, _f32(rng, 10, d))
        ids = np.array([3, 0, 9, 3], np.int64)
        got = K.embedding(cuda.to_device(K.pack_weight(stored, fmt)), fmt, d, cuda.to_device(ids),
                          None if scale is None else cuda.to_device(scale)).copy_to_host()
        if fmt == "fp32":
            table = stored
        elif fmt == "bf16":
            table = R.bf16_to_fp32(stored)
        else:
            table = stored.astype(np.float32) * scale[:, None]
        _close(got, R.embedding(table, ids), rtol=0, atol=0)
    return case


def case_pack_weight_layout():
    from model.kernels import cuda as K
    bits = np.array([[0x1111, 0x2222, 0x3333]], np.uint16)
    assert K.pack_weight(bits, "bf16").tolist() == [[0x22221111, 0x00003333]]
    q = np.array([[1, -1, 2, -128, 5]], np.int8)
    assert K.pack_weight(q, "int8").tolist() == [[0x80_02_FF_01, 0x00_00_00_05]]


def case_rmsnorm():
    from numba import cuda
    from model.kernels import cuda as K
    from model.kernels import reference as R
    rng = _rng(1)
    for n, d in ((3, 37), (2, 300)):
        x, w = _f32(rng, n, d), _f32(rng, d)
        got = K.rmsnorm(cuda.to_device(x), cuda.to_device(w), 1e-6).copy_to_host()
        _close(got, R.rmsnorm(x, w, 1e-6))


def case_layernorm():
    from numba import cuda
    from model.kernels import cuda as K
    from model.kernels import reference as R
    rng = _rng(2)
    for n, d in ((3, 37), (2, 300)):
        x, w, b = _f32(rng, n, d) + 3.0, _f32(rng, d), _f32(rng, d)
        got = K.layernorm(cuda.to_device(x), cuda.to_device(w), cuda.to_device(b), 1e-12)
        _close(got.copy_to_host(), R.layernorm(x, w, b, 1e-12))


def case_add_silu_gelu():
    from numba import cuda
    from model.kernels import cuda as K
    from model.kernels import reference as R
    rng = _rng(3)
    x, y = _f32(rng, 3, 37), _f32(rng, 3, 37)
    dx = cuda.to_device(x)
    K.add_(dx, cuda.to_device(y))
    _close(dx.copy_to_host(), x + y, rtol=0, atol=0)
    gate_up = _f32(rng, 3, 2 * 19) * 4
    _close(K.silu_mul(cuda.to_device(gate_up)).copy_to_host(), R.silu_mul(gate_up))
    z = _f32(rng, 4, 33) * 3
    dz = cuda.to_device(z)
    K.gelu_(dz)
    _close(dz.copy_to_host(), R.gelu_erf(z))


def case_softmax_argmax():
    from numba import cuda
    from model.kernels import cuda as K
    from model.kernels import reference as R
    rng = _rng(4)
    x = _f32(rng, 3, 300) * 5
    # a tie: the first index wins, like np.argmax, even though thread 2 (warp 0) holds index 130
    # and thread 100 (warp 3) holds index 100
    x[1, 130] = x[1, 100] = x[1].max() + 1.0
    x[2, :] = -1.0
    _close(K.softmax(cuda.to_device(x)).copy_to_host(), R.softmax(x), rtol=1e-5, atol=1e-7)
    got = K.argmax(cuda.to_device(x)).copy_to_host()
    assert got.tolist() == np.argmax(x, axis=1).tolist() == [int(np.argmax(x[0])), 100, 0]


def case_warp_reductions_match_shuffles():
    # the simulator's one-barrier warp sum / max (model.kernels.cuda) against the butterfly of
    # shuffles that the GPU runs: the same bits, full warps and a partial last warp
    global cuda     # the simulator gives a kernel its fake ``cuda`` through the module's globals
    from numba import cuda
    from model.kernels import cuda as K

    @cuda.jit
    def both(x, out):
        i = cuda.threadIdx.x
        out[0, i] = K._warp_sum(x[i])
        out[1, i] = K._warp_sum_by_shuffles(x[i])
        out[2, i] = K._warp_max(x[i])
        out[3, i] = K._warp_max_by_shuffles(x[i])

    x = _f32(_rng(11), 80) * np.float32(1e3)
    out = cuda.to_device(np.zeros((4, 80), np.float32))
    both[1, 80](cuda.to_device(x), out)
    got = out.copy_to_host()
    np.testing.assert_array_equal(got[0], got[1])
    np.testing.assert_array_equal(got[2], got[3])
    _close(got[0, :32], np.full(32, x[:32].sum(dtype=np.float64)), rtol=1e-5, atol=1e-2)
    assert (got[2, :32] == x[:32].max()).all()


def case_rope():
    from numba import cuda
    from model.kernels import cuda as K
    from model.kernels import reference as R
    rng = _rng(5)
    x = _f32(rng, 3, 2, 8)
    positions = np.array([0, 5, 1000], np.int32)
    inv_freq = (1.0 / 10000.0 ** (np.arange(0, 8, 2) / 8)).astype(np.float32)
    dx = cuda.to_device(x)
    K.rope_(dx, cuda.to_device(positions), cuda.to_device(inv_freq))
    # fp32 angles (as Hugging Face computes them) against the reference's float64 ones
    _close(dx.copy_to_host(), R.rope(x, positions, inv_freq), rtol=1e-4, atol=1e-4)


def _paged_case(lengths, queries, heads, kvh, dim=16, bs=4, seed=6):
    """Sequences of ``lengths`` in scrambled ``bs``-row blocks; ``queries``: (sequence, position)."""
    def case():
        from numba import cuda
        from model.kernels import cuda as K
        from model.kernels import reference as R
        rng = _rng(seed)
        blocks_needed = [-(-n // bs) for n in lengths]
        num_blocks = sum(blocks_needed) + 3
        order = rng.permutation(num_blocks)
        tables = np.full((len(lengths), max(blocks_needed)), -1, np.int32)
        first = 0
        for s, nb in enumerate(blocks_needed):
            tables[s, :nb] = order[first:first + nb]
            first += nb
        k = _f32(rng, sum(lengths), kvh, dim)
        v = _f32(rng, sum(lengths), kvh, dim)
        slots = np.concatenate([tables[s][np.arange(n) // bs] * bs + np.arange(n) % bs
                                for s, n in enumerate(lengths)]).astype(np.int32)
        seq_index = np.array([s for s, _ in queries], np.int32)
        positions = np.array([p for _, p in queries], np.int32)
        q = _f32(rng, len(queries), heads, dim)
        shape = (num_blocks, bs, kvh, dim)
        k_ref, v_ref = np.zeros(shape, np.float32), np.zeros(shape, np.float32)
        R.kv_cache_write(k_ref, v_ref, k, v, slots)
        dk = cuda.to_device(np.zeros(shape, np.float32))
        dv = cuda.to_device(np.zeros(shape, np.float32))
        K.kv_write(dk, dv, cuda.to_device(k), cuda.to_device(v), cuda.to_device(slots))
        _close(dk.copy_to_host(), k_ref, rtol=0, atol=0)
        _close(dv.copy_to_host(), v_ref, rtol=0, atol=0)
        scale = 1.0 / np.sqrt(dim)
        got = K.paged_attention(cuda.to_device(q), dk, dv, cuda.to_device(tables),
                                cuda.to_device(seq_index), cuda.to_device(positions), scale)
        want = R.paged_attention(q, k_ref, v_ref, tables, seq_index, positions, scale)
        _close(got.copy_to_host(), want)
    return case


def case_encoder_attention():
    from numba import cuda
    from model.kernels import cuda as K
    from model.kernels import reference as R
    rng = _rng(8)
    q, k, v = (_f32(rng, 2, 3, 2, 8) for _ in range(3))
    mask = np.array([[1, 1, 0], [1, 1, 1]], np.int32)
    got = K.encoder_attention(*(cuda.to_device(a) for a in (q, k, v, mask)), 0.35).copy_to_host()
    _close(got, R.encoder_attention(q, k, v, mask, 0.35))


def case_take_rows_pool_normalize():
    from numba import cuda
    from model.kernels import cuda as K
    from model.kernels import reference as R
    rng = _rng(9)
    x = _f32(rng, 5, 37)
    rows = np.array([4, 0, 2], np.int64)
    _close(K.take_rows(cuda.to_device(x), cuda.to_device(rows)).copy_to_host(), x[rows], rtol=0, atol=0)
    h = _f32(rng, 2, 4, 150)
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1]], np.int32)
    dh, dm = cuda.to_device(h), cuda.to_device(mask)
    _close(K.pool(dh, dm, "mean").copy_to_host(), R.mean_pool(h, mask))
    _close(K.pool(dh, dm, "max").copy_to_host(),
           np.where(mask[:, :, None] > 0, h, -np.inf).max(axis=1), rtol=0, atol=0)
    _close(K.pool(dh, dm, "cls").copy_to_host(), h[:, 0, :], rtol=0, atol=0)
    y = _f32(rng, 3, 150)
    y[2] = 0.0
    _close(K.l2_normalize(cuda.to_device(y)).copy_to_host(), R.l2_normalize(y))


CASES = {
    "pack_weight_layout": case_pack_weight_layout,
    **{f"linear_{fmt}_{kind}": _linear_case(fmt, *shape)
       for fmt in ("fp32", "bf16", "int8")
       for kind, shape in (("matvec", (3, 9, 37, False)),
                           ("matvec_two_token_groups_bias", (6, 9, 38, True)),
                           ("matmul_tiles_bias", (9, 70, 37, True)))},
    **{f"embedding_{fmt}": _embedding_case(fmt) for fmt in ("fp32", "bf16", "int8")},
    "rmsnorm": case_rmsnorm,
    "layernorm": case_layernorm,
    "add_silu_gelu": case_add_silu_gelu,
    "softmax_argmax": case_softmax_argmax,
    "warp_reductions_match_shuffles": case_warp_reductions_match_shuffles,
    "rope": case_rope,
    # grouped-query heads (4 over 2), two sequences, prefill-like and decode-like queries
    "paged_attention_gqa": _paged_case((6, 9), ((0, 4), (0, 5), (1, 0), (1, 8)), heads=4, kvh=2),
    # one query over more keys than one attention tile holds
    "paged_attention_two_key_tiles": _paged_case((131,), ((0, 130),), heads=2, kvh=1),
    "encoder_attention": case_encoder_attention,
    "take_rows_pool_normalize": case_take_rows_pool_normalize,
}


# ---------------------------------------------------------------- the pytest side

# attention simulates thousands of warp shuffles: seconds each, so these are marked slow
SLOW_CASES = {"paged_attention_gqa", "paged_attention_two_key_tiles", "encoder_attention"}


@pytest.mark.parametrize("case", [pytest.param(name, marks=pytest.mark.slow) if name in SLOW_CASES
                                  else name for name in CASES])
def test_kernel_matches_reference_in_simulator(case, simulator_verdicts):
    failure = simulator_verdicts[f"test_cuda_kernels:{case}"]
    assert failure is None, failure

