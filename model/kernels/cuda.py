"""CUDA kernels (numba.cuda) for the forward pass, each matching ``model.kernels.reference``.

What goes in: device arrays (``numba.cuda`` device arrays, or the simulator's fakes when
``NUMBA_ENABLE_CUDASIM=1``) in the shapes of the reference function of the same name;
what comes out: device arrays, float32, accumulated in fp32.  The host wrappers at the end of
this module (``linear``, ``rmsnorm``, ``paged_attention``, ...) choose the launch geometry and
allocate outputs; ``model.cuda_backend`` composes them into the backend interface.

Weights.  A linear weight ``(out, in)`` is stored on the device as *words*: fp32 as float32
(one value per word), bf16 as uint32 holding two bf16 values (element ``2j`` in the low half),
int8 as uint32 holding four int8 values (element ``4j`` in the low byte), the row padded with
zeros to a whole number of words (:func:`pack_weight`).  One 32-bit load per lane then moves 1,
2 or 4 weights, so a warp reads 128 contiguous bytes per step whatever the format; bf16 is
widened to fp32 by a shift (a bit cast, no arithmetic), int8 by ``(b ^ 0x80) - 128`` and the
per-output-channel scale is applied once after the reduction.

Launch geometry, in short (each kernel's docstring has the details):

- decode-shaped products (few tokens): one warp per output row, 4 rows per 128-thread block,
  lanes stride over the input dimension (coalesced), warp-shuffle reduction, no shared memory;
  each weight word is loaded once and used for up to ``MATVEC_TOKENS`` activation rows.
  A warp per row rather than a block per row because our models' input dimensions are small
  (576..1536): a 128-thread block would give each thread ~5 products and spend its time in the
  reduction and ``syncthreads``.
- prefill-shaped products: 64x64 output tiles, 256 threads each computing a 4x4 sub-tile in
  registers, operands staged through shared memory in 32-wide slices of the input dimension
  (padded to avoid bank conflicts).
- row-wise operations (norms, softmax, argmax, embedding rows): one block per row, threads
  stride over the row, warp shuffles then one shared-memory word per warp.
- attention: one block per (query token, head); keys in tiles of 128, one warp per key for the
  dot product, an online (running max) softmax across tiles, threads over the head dimension
  for the weighted sum of values, so both K and V reads are coalesced.  Grouped-query attention
  maps query head ``h`` to KV head ``h // (H // KVH)``.

Numba's simulator has no warp shuffles; :func:`_install_simulator_shuffles` adds them (each
warp exchanges values through a per-warp barrier), so the simulator runs this code; only the
warp sum and max, the bulk of the simulated time, take a shortcut there: the same butterfly in
the same float32 order after one barrier instead of five (same bits, checked by a test).
"""
from __future__ import annotations

import math
import operator
import threading

import numpy as np
from numba import cuda, float32, int32, uint32

try:  # numba-cuda >= 0.20 has its own config module
    from numba.cuda.core import config as _cuda_config
except ImportError:  # pragma: no cover - older numba-cuda
    from numba.core import config as _cuda_config

SIMULATOR = bool(_cuda_config.ENABLE_CUDASIM)

WARP = 32
FULL_MASK = 0xFFFFFFFF
NEG_INF = float32(-math.inf)

MATVEC_WARPS = 4          # output rows per matvec block (one warp each)
MATVEC_TOKENS = 4         # activation rows that share one weight load in a matvec block
MATVEC_MAX_TOKENS = 8     # above this many tokens, linear() uses the tiled matmul
MM_TILE = 64              # matmul output tile (rows and columns)
MM_TILE_PADDED = MM_TILE + 1   # shared row length: transposing stores hit distinct banks
MM_TILE_K = 32            # matmul slice of the input dimension staged in shared memory
MM_SIDE = 16              # matmul block is MM_SIDE x MM_SIDE threads, each computing 4x4 outputs
ROW_THREADS = 128         # threads per block of the row-wise kernels
ELEMENTWISE_THREADS = 256
ATTN_THREADS = 128
ATTN_WARPS = ATTN_THREADS // WARP
ATTN_KEY_TILE = ATTN_THREADS   # keys per tile: one probability per thread
MAX_HEAD_DIM = 256
ATTN_DIMS_PER_THREAD = MAX_HEAD_DIM // ATTN_THREADS

PACK = {"fp32": 1, "bf16": 2, "int8": 4}   # weights per 32-bit word


# ---------------------------------------------------------------- the simulator's missing shuffles

def _install_simulator_shuffles() -> None:
    """Give the CUDA simulator ``shfl_*_sync``: lanes of a warp swap values through a barrier.

    Sound only for warp-uniform calls (every lane of the warp calls the same shuffle), which is
    also what the hardware requires with a full mask; every shuffle in this module is one.
    """
    from numba.cuda.simulator import kernelapi

    if hasattr(kernelapi.FakeCUDAModule, "shfl_xor_sync"):
        return
    lock = threading.Lock()

    def exchange(value, source_lane):
        slots, lanes, lane = deposit(value)
        src = source_lane(lane)
        return slots[src] if 0 <= src < lanes else value

    def deposit(value):
        """Publish this lane's value; after the warp's barrier, return (the warp's values, lanes, lane)."""
        thread = threading.current_thread()
        manager = thread._manager
        warp, lane = divmod(thread.thread_id, WARP)
        with lock:
            warps = manager.__dict__.setdefault("_warp_exchange", {})
            if warp not in warps:
                threads = int(np.prod(manager._block_dim))
                lanes = min(WARP, threads - warp * WARP)
                warps[warp] = ([[None] * WARP, [None] * WARP],
                               threading.Barrier(lanes, timeout=120), lanes)
            buffers, barrier, lanes = warps[warp]
        # two buffers used alternately: a lane writes round r + 2 into this round's buffer only
        # after passing barrier r + 1, which every lane reaches only after reading round r
        r = getattr(thread, "_shuffle_round", 0)     # a simulator thread lives for one block
        thread._shuffle_round = r + 1
        slots = buffers[r % 2]
        slots[lane] = value
        barrier.wait()
        return slots, lanes, lane

    def butterfly(value, combine):
        # lane l's value after the rounds m = 16, 8, 4, 2, 1 of ``v = combine(v, shfl_xor(v, m))``,
        # where a source lane past a partial warp's end gives the lane its own value (as above)
        slots, lanes, lane = deposit(value)

        def after(l, k):
            if k == 0:
                return slots[l]
            src = l ^ (32 >> k)
            mine = after(l, k - 1)
            return combine(mine, after(src, k - 1) if src < lanes else mine)
        return after(lane, 5)

    global _simulated_butterfly
    _simulated_butterfly = butterfly
    kernelapi.FakeCUDAModule.shfl_xor_sync = lambda self, mask, value, m: exchange(value, lambda l: l ^ m)
    kernelapi.FakeCUDAModule.shfl_down_sync = lambda self, mask, value, d: exchange(value, lambda l: l + d)
    kernelapi.FakeCUDAModule.shfl_up_sync = lambda self, mask, value, d: exchange(value, lambda l: l - d)
    kernelapi.FakeCUDAModule.shfl_sync = lambda self, mask, value, src: exchange(value, lambda l: src)


if SIMULATOR:
    _install_simulator_shuffles()


# ---------------------------------------------------------------- device helpers

@cuda.jit(device=True, inline="always")
def _bits_as_f32(bits):
    """uint32 bit pattern -> float32 with the same bits (compiles to a register move)."""
    tmp = cuda.local.array(1, uint32)
    tmp[0] = bits
    return tmp.view(np.float32)[0]


@cuda.jit(device=True, inline="always")
def _unpack_fp32(word, i):
    return word


@cuda.jit(device=True, inline="always")
def _unpack_bf16(word, i):
    if i == 0:
        return _bits_as_f32(uint32(word) << uint32(16))
    return _bits_as_f32(uint32(word) & uint32(0xFFFF0000))


@cuda.jit(device=True, inline="always")
def _unpack_int8(word, i):
    byte = (uint32(word) >> uint32(8 * i)) & uint32(0xFF)
    return float32(int32(byte ^ uint32(0x80)) - int32(128))


@cuda.jit(device=True, inline="always")
def _warp_sum_by_shuffles(v):
    """Butterfly sum over the 32 lanes; every lane gets the total."""
    off = 16
    while off > 0:
        v += cuda.shfl_xor_sync(FULL_MASK, v, off)
        off >>= 1
    return v


@cuda.jit(device=True, inline="always")
def _warp_max_by_shuffles(v):
    off = 16
    while off > 0:
        v = max(v, cuda.shfl_xor_sync(FULL_MASK, v, off))
        off >>= 1
    return v


if SIMULATOR:
    # In the simulator a shuffle is a barrier of 32 Python threads, and the five of a butterfly
    # were most of the simulated time.  These do the same butterfly, in the same float32 order
    # (so the same bits; tests/model/test_cuda_kernels.py checks it), after one barrier.
    @cuda.jit(device=True)
    def _warp_sum(v):
        return _simulated_butterfly(v, operator.add)

    @cuda.jit(device=True)
    def _warp_max(v):
        return _simulated_butterfly(v, max)
else:
    _warp_sum = _warp_sum_by_shuffles
    _warp_max = _warp_max_by_shuffles


@cuda.jit(device=True, inline="always")
def _block_sum(v, scratch):
    """Sum over the whole (1-D) block; every thread gets it. scratch: shared float32[32].

    Every thread of the block must call it (it synchronizes the block).
    """
    lane = cuda.threadIdx.x % WARP
    warp = cuda.threadIdx.x // WARP
    nwarps = (cuda.blockDim.x + WARP - 1) // WARP
    v = _warp_sum(v)
    cuda.syncthreads()          # an earlier call may still be reading scratch
    if lane == 0:
        scratch[warp] = v
    cuda.syncthreads()
    total = scratch[lane] if lane < nwarps else float32(0)
    return _warp_sum(total)


@cuda.jit(device=True, inline="always")
def _block_max(v, scratch):
    """Maximum over the whole (1-D) block; every thread gets it (same rules as _block_sum)."""
    lane = cuda.threadIdx.x % WARP
    warp = cuda.threadIdx.x // WARP
    nwarps = (cuda.blockDim.x + WARP - 1) // WARP
    v = _warp_max(v)
    cuda.syncthreads()
    if lane == 0:
        scratch[warp] = v
    cuda.syncthreads()
    total = scratch[lane] if lane < nwarps else NEG_INF
    return _warp_max(total)


# ---------------------------------------------------------------- linear layers

def _make_matvec(unpack, pack, scaled):
    def matvec(x, w, scale, bias, has_bias, k, y):
        """y[t, o] = sum_i x[t, i] w[o, i] (* scale[o]) (+ bias[o]).

        x: (T, k) f32; w: (out, ceil(k/pack)) words; scale, bias: (out,) f32; y: (T, out) f32.
        Grid (ceil(out / MATVEC_WARPS), ceil(T / MATVEC_TOKENS)), block MATVEC_WARPS * 32
        threads: warp ``w`` of block ``b`` computes output row ``b * MATVEC_WARPS + w`` for the
        block's MATVEC_TOKENS tokens; lane ``l`` reads words ``l, l + 32, ...`` of the row.
        """
        lane = cuda.threadIdx.x % WARP
        row = cuda.blockIdx.x * MATVEC_WARPS + cuda.threadIdx.x // WARP
        t0 = cuda.blockIdx.y * MATVEC_TOKENS
        if row >= y.shape[1]:
            return                      # the whole warp leaves together
        nt = min(MATVEC_TOKENS, x.shape[0] - t0)
        acc = cuda.local.array(MATVEC_TOKENS, float32)
        for t in range(MATVEC_TOKENS):
            acc[t] = float32(0)
        full = k // pack
        for j in range(lane, full, WARP):
            word = w[row, j]
            for i in range(pack):
                wv = unpack(word, i)
                c = j * pack + i
                for t in range(MATVEC_TOKENS):
                    if t < nt:
                        acc[t] += wv * x[t0 + t, c]
        if full * pack < k and lane == (full % WARP):   # the last, partly filled word
            word = w[row, full]
            for i in range(pack):
                c = full * pack + i
                if c < k:
                    wv = unpack(word, i)
                    for t in range(MATVEC_TOKENS):
                        if t < nt:
                            acc[t] += wv * x[t0 + t, c]
        for t in range(MATVEC_TOKENS):
            total = _warp_sum(acc[t])
            if lane == 0 and t < nt:
                if scaled:
                    total *= scale[row]
                if has_bias:
                    total += bias[row]
                y[t0 + t, row] = total
    return matvec


def _make_matmul(unpack, pack, scaled):
    words_per_slice = MM_TILE_K // pack

    def matmul(x, w, scale, bias, has_bias, k, y):
        """y = x @ w.T (* scale) (+ bias), tiled.  Shapes as the matvec kernel.

        Grid (ceil(out / 64), ceil(T / 64)), block (16, 16).  Each block owns a 64x64 tile of
        y; per 32-wide slice of k it stages x[64 rows, 32] and the unpacked w[64 rows, 32] in
        shared memory (transposed, row length 65 so the transposing stores do not collide on a
        bank) and thread (tx, ty) accumulates y rows ty + 16 i, columns tx + 16 j (i, j < 4)
        in registers.  Loads are coalesced: consecutive threads read consecutive k.
        """
        x_sh = cuda.shared.array((MM_TILE_K, MM_TILE_PADDED), float32)
        w_sh = cuda.shared.array((MM_TILE_K, MM_TILE_PADDED), float32)
        tx = cuda.threadIdx.x
        ty = cuda.threadIdx.y
        tid = ty * MM_SIDE + tx
        nthreads = MM_SIDE * MM_SIDE
        m0 = cuda.blockIdx.y * MM_TILE
        n0 = cuda.blockIdx.x * MM_TILE
        m = x.shape[0]
        n = y.shape[1]
        kw = w.shape[1]
        acc = cuda.local.array((4, 4), float32)
        for i in range(4):
            for j in range(4):
                acc[i, j] = float32(0)
        for k0 in range(0, k, MM_TILE_K):
            for e in range(tid, MM_TILE * MM_TILE_K, nthreads):
                r = e // MM_TILE_K
                c = e % MM_TILE_K
                if m0 + r < m and k0 + c < k:
                    x_sh[c, r] = x[m0 + r, k0 + c]
                else:
                    x_sh[c, r] = float32(0)
            for e in range(tid, MM_TILE * words_per_slice, nthreads):
                r = e // words_per_slice
                cw = e % words_per_slice
                gw = k0 // pack + cw
                if n0 + r < n and gw < kw:
                    word = w[n0 + r, gw]
                    for i in range(pack):
                        w_sh[cw * pack + i, r] = unpack(word, i)
                else:
                    for i in range(pack):
                        w_sh[cw * pack + i, r] = float32(0)
            cuda.syncthreads()
            for kk in range(MM_TILE_K):
                for i in range(4):
                    a = x_sh[kk, ty + MM_SIDE * i]
                    for j in range(4):
                        acc[i, j] += a * w_sh[kk, tx + MM_SIDE * j]
            cuda.syncthreads()
        for i in range(4):
            r = m0 + ty + MM_SIDE * i
            for j in range(4):
                c = n0 + tx + MM_SIDE * j
                if r < m and c < n:
                    v = acc[i, j]
                    if scaled:
                        v *= scale[c]
                    if has_bias:
                        v += bias[c]
                    y[r, c] = v
    return matmul


matvec_fp32 = cuda.jit(_make_matvec(_unpack_fp32, 1, False))
matvec_bf16 = cuda.jit(_make_matvec(_unpack_bf16, 2, False))
matvec_int8 = cuda.jit(_make_matvec(_unpack_int8, 4, True))
matmul_fp32 = cuda.jit(_make_matmul(_unpack_fp32, 1, False))
matmul_bf16 = cuda.jit(_make_matmul(_unpack_bf16, 2, False))
matmul_int8 = cuda.jit(_make_matmul(_unpack_int8, 4, True))


def _make_embedding(unpack, pack, scaled):
    def embedding(table, scale, ids, d, out):
        """out[t, :] = table row ids[t], unpacked (* scale[ids[t]]).

        table: (V, ceil(d/pack)) words; ids: (T,) int64; out: (T, d) f32.
        Grid T, block ROW_THREADS: threads stride over the row's words (coalesced).
        """
        t = cuda.blockIdx.x
        row = ids[t]
        s = scale[row] if scaled else float32(1)
        for j in range(cuda.threadIdx.x, table.shape[1], ROW_THREADS):
            word = table[row, j]
            for i in range(pack):
                c = j * pack + i
                if c < d:
                    out[t, c] = unpack(word, i) * s
    return embedding


embedding_fp32 = cuda.jit(_make_embedding(_unpack_fp32, 1, False))
embedding_bf16 = cuda.jit(_make_embedding(_unpack_bf16, 2, False))
embedding_int8 = cuda.jit(_make_embedding(_unpack_int8, 4, True))


# ---------------------------------------------------------------- normalization and activations

@cuda.jit
def rmsnorm_kernel(x, weight, eps, out):
    """out[r] = x[r] / sqrt(mean(x[r]^2) + eps) * weight.  x, out: (N, d) f32; weight: (d,).

    Grid N, block ROW_THREADS: strided sum of squares, block reduction, strided scaled write.
    """
    scratch = cuda.shared.array(WARP, float32)
    r = cuda.blockIdx.x
    d = x.shape[1]
    ss = float32(0)
    for c in range(cuda.threadIdx.x, d, ROW_THREADS):
        v = x[r, c]
        ss += v * v
    ss = _block_sum(ss, scratch)
    inv = float32(1) / math.sqrt(ss / float32(d) + float32(eps))
    for c in range(cuda.threadIdx.x, d, ROW_THREADS):
        out[r, c] = x[r, c] * inv * weight[c]


@cuda.jit
def layernorm_kernel(x, weight, bias, eps, out):
    """out[r] = (x[r] - mean) / sqrt(var + eps) * weight + bias.  x, out: (N, d) f32.

    Grid N, block ROW_THREADS; two passes over the row (mean, then centred squares), which
    stays in L1/L2 and is more accurate than a one-pass variance.
    """
    scratch = cuda.shared.array(WARP, float32)
    r = cuda.blockIdx.x
    d = x.shape[1]
    s = float32(0)
    for c in range(cuda.threadIdx.x, d, ROW_THREADS):
        s += x[r, c]
    mean = _block_sum(s, scratch) / float32(d)
    sq = float32(0)
    for c in range(cuda.threadIdx.x, d, ROW_THREADS):
        dv = x[r, c] - mean
        sq += dv * dv
    var = _block_sum(sq, scratch) / float32(d)
    inv = float32(1) / math.sqrt(var + float32(eps))
    for c in range(cuda.threadIdx.x, d, ROW_THREADS):
        out[r, c] = (x[r, c] - mean) * inv * weight[c] + bias[c]


@cuda.jit
def add_kernel(x, y):
    """x += y, elementwise over (N, d) f32.  1-D grid-stride loop, ELEMENTWISE_THREADS per block."""
    d = x.shape[1]
    for e in range(cuda.grid(1), x.shape[0] * d, cuda.gridsize(1)):
        r = e // d
        c = e - r * d
        x[r, c] += y[r, c]


@cuda.jit
def silu_mul_kernel(gate_up, out):
    """out[t, i] = silu(gate_up[t, i]) * gate_up[t, I + i].  gate_up: (T, 2I), out: (T, I).

    1-D grid-stride loop; consecutive threads take consecutive i (coalesced on both halves).
    """
    inter = out.shape[1]
    for e in range(cuda.grid(1), out.shape[0] * inter, cuda.gridsize(1)):
        t = e // inter
        i = e - t * inter
        g = gate_up[t, i]
        out[t, i] = g / (float32(1) + math.exp(-g)) * gate_up[t, inter + i]


@cuda.jit
def gelu_kernel(x):
    """x = 0.5 x (1 + erf(x / sqrt 2)) in place, (N, d) f32.  1-D grid-stride loop."""
    d = x.shape[1]
    for e in range(cuda.grid(1), x.shape[0] * d, cuda.gridsize(1)):
        r = e // d
        c = e - r * d
        v = x[r, c]
        x[r, c] = float32(0.5) * v * (float32(1) + math.erf(v * float32(0.7071067811865476)))


@cuda.jit
def softmax_kernel(x, out):
    """out[r] = softmax(x[r]).  x, out: (N, n) f32.  Grid N, block ROW_THREADS (max, sum, write)."""
    scratch = cuda.shared.array(WARP, float32)
    r = cuda.blockIdx.x
    n = x.shape[1]
    m = NEG_INF
    for c in range(cuda.threadIdx.x, n, ROW_THREADS):
        m = max(m, x[r, c])
    m = _block_max(m, scratch)
    s = float32(0)
    for c in range(cuda.threadIdx.x, n, ROW_THREADS):
        s += math.exp(x[r, c] - m)
    inv = float32(1) / _block_sum(s, scratch)
    for c in range(cuda.threadIdx.x, n, ROW_THREADS):
        out[r, c] = math.exp(x[r, c] - m) * inv


@cuda.jit
def argmax_kernel(x, out):
    """out[r] = the first index of the maximum of x[r] (greedy decoding).  x: (N, n) f32, out: (N,) int32.

    Grid N, block ROW_THREADS: each thread scans a strided slice, then (value, index) pairs are
    reduced with warp shuffles and one shared slot per warp; ties go to the lower index.
    """
    vals = cuda.shared.array(WARP, float32)
    idxs = cuda.shared.array(WARP, int32)
    r = cuda.blockIdx.x
    lane = cuda.threadIdx.x % WARP
    warp = cuda.threadIdx.x // WARP
    best = NEG_INF
    best_i = int32(x.shape[1])
    for c in range(cuda.threadIdx.x, x.shape[1], ROW_THREADS):
        v = x[r, c]
        if v > best:            # strictly greater: the earliest index of this thread's slice wins
            best = v
            best_i = int32(c)
    for level in range(2):
        off = 16
        while off > 0:
            ov = cuda.shfl_xor_sync(FULL_MASK, best, off)
            oi = cuda.shfl_xor_sync(FULL_MASK, best_i, off)
            if ov > best or (ov == best and oi < best_i):
                best = ov
                best_i = oi
            off >>= 1
        if level == 0:
            if lane == 0:
                vals[warp] = best
                idxs[warp] = best_i
            cuda.syncthreads()
            if lane < ROW_THREADS // WARP:
                best = vals[lane]
                best_i = idxs[lane]
            else:
                best = NEG_INF
                best_i = int32(x.shape[1])
    if cuda.threadIdx.x == 0:
        out[r] = best_i


# ---------------------------------------------------------------- rotary embeddings and the KV cache

@cuda.jit
def rope_kernel(x, positions, inv_freq):
    """Rotate x (T, nh, D) in place, Hugging Face "rotate half" pairs (i, i + D/2).

    positions: (T,) int32; inv_freq: (D/2,) f32 (llama3 / linear scaling already applied on the
    host).  The angle is computed in fp32 like Hugging Face does.  Grid T, block ROW_THREADS,
    threads over (head, i) with i fastest (coalesced).
    """
    t = cuda.blockIdx.x
    half = inv_freq.shape[0]
    pos = float32(positions[t])
    for e in range(cuda.threadIdx.x, x.shape[1] * half, ROW_THREADS):
        h = e // half
        i = e - h * half
        ang = pos * inv_freq[i]
        c = math.cos(ang)
        s = math.sin(ang)
        a = x[t, h, i]
        b = x[t, h, i + half]
        x[t, h, i] = a * c - b * s
        x[t, h, i + half] = b * c + a * s


@cuda.jit
def kv_write_kernel(k_cache, v_cache, k, v, slots):
    """k_cache[s // BS, s % BS] = k[t] (same for v), s = slots[t].

    Caches: (NB, BS, KVH, D) f32; k, v: (T, KVH, D).  Grid T, block ROW_THREADS over (head, d).
    """
    t = cuda.blockIdx.x
    s = slots[t]
    bs = k_cache.shape[1]
    blk = s // bs
    row = s - blk * bs
    dim = k.shape[2]
    for e in range(cuda.threadIdx.x, k.shape[1] * dim, ROW_THREADS):
        h = e // dim
        d = e - h * dim
        k_cache[blk, row, h, d] = k[t, h, d]
        v_cache[blk, row, h, d] = v[t, h, d]


# ---------------------------------------------------------------- attention

@cuda.jit
def paged_attention_kernel(q, k_cache, v_cache, block_tables, seq_index, positions, scale, out):
    """Causal attention of each new token over its sequence's paged KV cache (see the reference).

    q, out: (T, H, D) f32; caches (NB, BS, KVH, D); block_tables (S, MB) int32; seq_index,
    positions (T,) int32.  Grid (T, H), block ATTN_THREADS.  Per tile of ATTN_KEY_TILE keys:
    threads look up the keys' blocks once; warp w scores keys w, w + 4, ... (lanes over D,
    shuffle reduction); the block takes the tile max and updates the running max / sum
    (online softmax); then thread i accumulates p_j v_j[d] for d = i, i + 128 (coalesced rows).
    """
    q_sh = cuda.shared.array(MAX_HEAD_DIM, float32)
    p_sh = cuda.shared.array(ATTN_KEY_TILE, float32)
    blk_sh = cuda.shared.array(ATTN_KEY_TILE, int32)
    row_sh = cuda.shared.array(ATTN_KEY_TILE, int32)
    scratch = cuda.shared.array(WARP, float32)
    t = cuda.blockIdx.x
    h = cuda.blockIdx.y
    tid = cuda.threadIdx.x
    lane = tid % WARP
    warp = tid // WARP
    dim = q.shape[2]
    bs = k_cache.shape[1]
    kvh = h // (q.shape[1] // k_cache.shape[2])
    seq = seq_index[t]
    n_keys = positions[t] + 1
    for d in range(tid, dim, ATTN_THREADS):
        q_sh[d] = q[t, h, d] * float32(scale)
    acc = cuda.local.array(ATTN_DIMS_PER_THREAD, float32)
    for i in range(ATTN_DIMS_PER_THREAD):
        acc[i] = float32(0)
    m_run = NEG_INF
    l_run = float32(0)
    for k0 in range(0, n_keys, ATTN_KEY_TILE):
        n = min(ATTN_KEY_TILE, n_keys - k0)
        if tid < n:
            p = k0 + tid
            blk_sh[tid] = block_tables[seq, p // bs]
            row_sh[tid] = p % bs
        cuda.syncthreads()
        for j in range(warp, n, ATTN_WARPS):
            part = float32(0)
            for d in range(lane, dim, WARP):
                part += q_sh[d] * k_cache[blk_sh[j], row_sh[j], kvh, d]
            part = _warp_sum(part)
            if lane == 0:
                p_sh[j] = part
        cuda.syncthreads()
        score = p_sh[tid] if tid < n else NEG_INF
        m_new = max(m_run, _block_max(score, scratch))
        corr = math.exp(m_run - m_new)
        p = math.exp(score - m_new) if tid < n else float32(0)
        if tid < n:
            p_sh[tid] = p
        l_run = l_run * corr + _block_sum(p, scratch)   # its barriers publish p_sh
        for i in range(ATTN_DIMS_PER_THREAD):
            d = tid + i * ATTN_THREADS
            if d < dim:
                a = acc[i] * corr
                for j in range(n):
                    a += p_sh[j] * v_cache[blk_sh[j], row_sh[j], kvh, d]
                acc[i] = a
        m_run = m_new
        cuda.syncthreads()      # the next tile overwrites the shared tiles
    for i in range(ATTN_DIMS_PER_THREAD):
        d = tid + i * ATTN_THREADS
        if d < dim:
            out[t, h, d] = acc[i] / l_run


@cuda.jit
def encoder_attention_kernel(q, k, v, mask, scale, out):
    """Bidirectional attention with a key padding mask (BERT); see the reference.

    q, k, v, out: (B, L, H, D) f32; mask (B, L) int32, nonzero for real tokens.
    Grid (B * L, H), block ATTN_THREADS; the same tiling and online softmax as
    paged_attention_kernel, masked keys scoring -inf.  A row with no real key gets zeros.
    """
    q_sh = cuda.shared.array(MAX_HEAD_DIM, float32)
    p_sh = cuda.shared.array(ATTN_KEY_TILE, float32)
    scratch = cuda.shared.array(WARP, float32)
    length = q.shape[1]
    b = cuda.blockIdx.x // length
    qi = cuda.blockIdx.x - b * length
    h = cuda.blockIdx.y
    tid = cuda.threadIdx.x
    lane = tid % WARP
    warp = tid // WARP
    dim = q.shape[3]
    for d in range(tid, dim, ATTN_THREADS):
        q_sh[d] = q[b, qi, h, d] * float32(scale)
    acc = cuda.local.array(ATTN_DIMS_PER_THREAD, float32)
    for i in range(ATTN_DIMS_PER_THREAD):
        acc[i] = float32(0)
    m_run = NEG_INF
    l_run = float32(0)
    for k0 in range(0, length, ATTN_KEY_TILE):
        n = min(ATTN_KEY_TILE, length - k0)
        cuda.syncthreads()
        for j in range(warp, n, ATTN_WARPS):
            part = float32(0)
            for d in range(lane, dim, WARP):
                part += q_sh[d] * k[b, k0 + j, h, d]
            part = _warp_sum(part)
            if lane == 0:
                p_sh[j] = part if mask[b, k0 + j] != 0 else NEG_INF
        cuda.syncthreads()
        score = p_sh[tid] if tid < n else NEG_INF
        m_new = max(m_run, _block_max(score, scratch))
        if m_new == NEG_INF:
            continue            # a fully masked tile so far: nothing to add (block-uniform)
        corr = math.exp(m_run - m_new)
        p = math.exp(score - m_new) if tid < n else float32(0)
        if tid < n:
            p_sh[tid] = p
        l_run = l_run * corr + _block_sum(p, scratch)
        for i in range(ATTN_DIMS_PER_THREAD):
            d = tid + i * ATTN_THREADS
            if d < dim:
                a = acc[i] * corr
                for j in range(n):
                    a += p_sh[j] * v[b, k0 + j, h, d]
                acc[i] = a
        m_run = m_new
    for i in range(ATTN_DIMS_PER_THREAD):
        d = tid + i * ATTN_THREADS
        if d < dim:
            out[b, qi, h, d] = acc[i] / l_run if l_run > float32(0) else float32(0)


# ---------------------------------------------------------------- gathering and pooling

@cuda.jit
def copy_columns_kernel(x, start, out):
    """out[r, c] = x[r, start + c].  x: (T, n), out: (T, m) f32.  1-D grid-stride loop (coalesced)."""
    width = out.shape[1]
    for e in range(cuda.grid(1), out.shape[0] * width, cuda.gridsize(1)):
        r = e // width
        c = e - r * width
        out[r, c] = x[r, start + c]


@cuda.jit
def fill_kernel(x, value):
    """x[:] = value over a 1-D f32 array (zeroing the KV cache).  1-D grid-stride loop."""
    for e in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        x[e] = value


@cuda.jit
def take_rows_kernel(x, rows, out):
    """out[i] = x[rows[i]].  x: (T, d), rows: (n,) int64, out: (n, d).  Grid n, block ROW_THREADS."""
    i = cuda.blockIdx.x
    r = rows[i]
    for c in range(cuda.threadIdx.x, x.shape[1], ROW_THREADS):
        out[i, c] = x[r, c]


@cuda.jit
def pool_kernel(x, mask, mode, out):
    """Pool (B, L, d) over L into (B, d): mode 0 mean of unmasked rows, 1 max of them, 2 row 0.

    mask: (B, L) int32.  Grid (B, ceil(d / ROW_THREADS)), block ROW_THREADS, one thread per
    output column looping over L (consecutive threads read consecutive columns).
    """
    b = cuda.blockIdx.x
    c = cuda.blockIdx.y * ROW_THREADS + cuda.threadIdx.x
    if c >= x.shape[2]:
        return
    if mode == 2:
        out[b, c] = x[b, 0, c]
        return
    s = float32(0)
    m = NEG_INF
    count = float32(0)
    for i in range(x.shape[1]):
        if mask[b, i] != 0:
            v = x[b, i, c]
            s += v
            m = max(m, v)
            count += float32(1)
    if mode == 0:
        out[b, c] = s / max(count, float32(1e-9))
    else:
        out[b, c] = m


@cuda.jit
def l2_normalize_kernel(x, out):
    """out[r] = x[r] / max(||x[r]||, 1e-12).  (N, d) f32.  Grid N, block ROW_THREADS."""
    scratch = cuda.shared.array(WARP, float32)
    r = cuda.blockIdx.x
    ss = float32(0)
    for c in range(cuda.threadIdx.x, x.shape[1], ROW_THREADS):
        v = x[r, c]
        ss += v * v
    norm = max(math.sqrt(_block_sum(ss, scratch)), float32(1e-12))
    inv = float32(1) / norm
    for c in range(cuda.threadIdx.x, x.shape[1], ROW_THREADS):
        out[r, c] = x[r, c] * inv


# ---------------------------------------------------------------- every kernel, with the PTX signatures it must compile for

_F1 = "float32[::1]"
_F2 = "float32[:, ::1]"
_F3 = "float32[:, :, ::1]"
_F4 = "float32[:, :, :, ::1]"
_WORDS = {"fp32": "float32[:, ::1]", "bf16": "uint32[:, ::1]", "int8": "uint32[:, ::1]"}


def _linear_signature(fmt: str) -> str:
    return f"void({_F2}, {_WORDS[fmt]}, {_F1}, {_F1}, int64, int64, {_F2})"


def _embedding_signature(fmt: str) -> str:
    return f"void({_WORDS[fmt]}, {_F1}, int64[::1], int64, {_F2})"


KERNELS = {
    "matvec_fp32": (matvec_fp32, _linear_signature("fp32")),
    "matvec_bf16": (matvec_bf16, _linear_signature("bf16")),
    "matvec_int8": (matvec_int8, _linear_signature("int8")),
    "matmul_fp32": (matmul_fp32, _linear_signature("fp32")),
    "matmul_bf16": (matmul_bf16, _linear_signature("bf16")),
    "matmul_int8": (matmul_int8, _linear_signature("int8")),
    "embedding_fp32": (embedding_fp32, _embedding_signature("fp32")),
    "embedding_bf16": (embedding_bf16, _embedding_signature("bf16")),
    "embedding_int8": (embedding_int8, _embedding_signature("int8")),
    "rmsnorm_kernel": (rmsnorm_kernel, f"void({_F2}, {_F1}, float32, {_F2})"),
    "layernorm_kernel": (layernorm_kernel, f"void({_F2}, {_F1}, {_F1}, float32, {_F2})"),
    "add_kernel": (add_kernel, f"void({_F2}, {_F2})"),
    "silu_mul_kernel": (silu_mul_kernel, f"void({_F2}, {_F2})"),
    "gelu_kernel": (gelu_kernel, f"void({_F2})"),
    "softmax_kernel": (softmax_kernel, f"void({_F2}, {_F2})"),
    "argmax_kernel": (argmax_kernel, f"void({_F2}, int32[::1])"),
    "rope_kernel": (rope_kernel, f"void({_F3}, int32[::1], {_F1})"),
    "kv_write_kernel": (kv_write_kernel, f"void({_F4}, {_F4}, {_F3}, {_F3}, int32[::1])"),
    "paged_attention_kernel": (
        paged_attention_kernel,
        f"void({_F3}, {_F4}, {_F4}, int32[:, ::1], int32[::1], int32[::1], float32, {_F3})"),
    "encoder_attention_kernel": (
        encoder_attention_kernel, f"void({_F4}, {_F4}, {_F4}, int32[:, ::1], float32, {_F4})"),
    "copy_columns_kernel": (copy_columns_kernel, f"void({_F2}, int64, {_F2})"),
    "fill_kernel": (fill_kernel, f"void({_F1}, float32)"),
    "take_rows_kernel": (take_rows_kernel, f"void({_F2}, int64[::1], {_F2})"),
    "pool_kernel": (pool_kernel, f"void({_F3}, int32[:, ::1], int64, {_F2})"),
    "l2_normalize_kernel": (l2_normalize_kernel, f"void({_F2}, {_F2})"),
}


# ---------------------------------------------------------------- host side: packing and launches

MATVEC = {"fp32": matvec_fp32, "bf16": matvec_bf16, "int8": matvec_int8}
MATMUL = {"fp32": matmul_fp32, "bf16": matmul_bf16, "int8": matmul_int8}
EMBEDDING = {"fp32": embedding_fp32, "bf16": embedding_bf16, "int8": embedding_int8}
POOL_MODES = {"mean": 0, "max": 1, "cls": 2}


def pack_weight(data: np.ndarray, fmt: str) -> np.ndarray:
    """(out, in) weight in its storage dtype -> (out, ceil(in / PACK[fmt])) words for the kernels.

    fp32: float32 unchanged; bf16 (uint16 bits) and int8: the row zero-padded to whole words and
    viewed as uint32 (little-endian, so element ``pack * j`` is the low part of word ``j``).
    """
    if fmt not in PACK:
        raise ValueError(f"unknown weight format {fmt!r}; expected one of {sorted(PACK)}")
    expected = {"fp32": np.float32, "bf16": np.uint16, "int8": np.int8}[fmt]
    if data.ndim != 2 or data.dtype != expected:
        raise ValueError(f"a {fmt} weight must be a 2-D {np.dtype(expected).name} array, "
                         f"got {data.ndim}-D {data.dtype}")
    if fmt == "fp32":
        return np.ascontiguousarray(data)
    pack = PACK[fmt]
    rows, cols = data.shape
    words = -(-cols // pack)
    padded = np.zeros((rows, words * pack), dtype=data.dtype)
    padded[:, :cols] = data
    return padded.view("<u4")


_PLACEHOLDERS: dict[str, object] = {}


def _placeholder():
    """A 1-element float32 device array passed where a kernel's optional operand is absent."""
    if "f32" not in _PLACEHOLDERS:
        _PLACEHOLDERS["f32"] = cuda.to_device(np.zeros(1, np.float32))
    return _PLACEHOLDERS["f32"]


def _cdiv(a: int, b: int) -> int:
    return -(-a // b)


def _elementwise_grid(n: int) -> int:
    return max(1, min(_cdiv(n, ELEMENTWISE_THREADS), 4096))


def linear(x, words, fmt: str, k: int, scale=None, bias=None, out=None):
    """x: (T, k) f32, words: packed (out, ceil(k/pack)) -> (T, out) f32 = x @ w.T (* scale) (+ bias).

    Up to MATVEC_MAX_TOKENS tokens the warp-per-row matvec reads every weight word once per
    MATVEC_TOKENS tokens; above it the tiled matmul reuses each staged tile 64 times.
    """
    tokens = x.shape[0]
    n = words.shape[0]
    y = cuda.device_array((tokens, n), np.float32) if out is None else out
    if tokens == 0:
        return y
    scale = _placeholder() if scale is None else scale
    has_bias = 0 if bias is None else 1
    bias = _placeholder() if bias is None else bias
    if tokens <= MATVEC_MAX_TOKENS:
        grid = (_cdiv(n, MATVEC_WARPS), _cdiv(tokens, MATVEC_TOKENS))
        MATVEC[fmt][grid, MATVEC_WARPS * WARP](x, words, scale, bias, has_bias, k, y)
    else:
        grid = (_cdiv(n, MM_TILE), _cdiv(tokens, MM_TILE))
        MATMUL[fmt][grid, (MM_SIDE, MM_SIDE)](x, words, scale, bias, has_bias, k, y)
    return y


def embedding(words, fmt: str, d: int, ids, scale=None):
    """words: packed (V, ceil(d/pack)) table, ids: (T,) int64 -> (T, d) f32 rows."""
    out = cuda.device_array((ids.shape[0], d), np.float32)
    if ids.shape[0]:
        scale = _placeholder() if scale is None else scale
        EMBEDDING[fmt][ids.shape[0], ROW_THREADS](words, scale, ids, d, out)
    return out


def rmsnorm(x, weight, eps: float, out=None):
    out = cuda.device_array(x.shape, np.float32) if out is None else out
    if x.shape[0]:
        rmsnorm_kernel[x.shape[0], ROW_THREADS](x, weight, np.float32(eps), out)
    return out


def layernorm(x, weight, bias, eps: float, out=None):
    out = cuda.device_array(x.shape, np.float32) if out is None else out
    if x.shape[0]:
        layernorm_kernel[x.shape[0], ROW_THREADS](x, weight, bias, np.float32(eps), out)
    return out


def add_(x, y):
    """x += y in place (x, y: (N, d) f32); returns x."""
    if x.size:
        add_kernel[_elementwise_grid(x.size), ELEMENTWISE_THREADS](x, y)
    return x


def silu_mul(gate_up):
    out = cuda.device_array((gate_up.shape[0], gate_up.shape[1] // 2), np.float32)
    if out.size:
        silu_mul_kernel[_elementwise_grid(out.size), ELEMENTWISE_THREADS](gate_up, out)
    return out


def gelu_(x):
    if x.size:
        gelu_kernel[_elementwise_grid(x.size), ELEMENTWISE_THREADS](x)
    return x


def softmax(x):
    out = cuda.device_array(x.shape, np.float32)
    if x.shape[0]:
        softmax_kernel[x.shape[0], ROW_THREADS](x, out)
    return out


def argmax(x):
    """x: (N, n) f32 -> (N,) int32 device array of the first maximal index of each row."""
    out = cuda.device_array(x.shape[0], np.int32)
    if x.shape[0]:
        argmax_kernel[x.shape[0], ROW_THREADS](x, out)
    return out


def rope_(x, positions, inv_freq):
    if x.shape[0]:
        rope_kernel[x.shape[0], ROW_THREADS](x, positions, inv_freq)
    return x


def kv_write(k_cache, v_cache, k, v, slots):
    if k.shape[0]:
        kv_write_kernel[k.shape[0], ROW_THREADS](k_cache, v_cache, k, v, slots)


def _check_head_dim(dim: int) -> None:
    if dim > MAX_HEAD_DIM:
        raise ValueError(f"head dim {dim} exceeds the CUDA attention kernels' limit {MAX_HEAD_DIM}")


def paged_attention(q, k_cache, v_cache, block_tables, seq_index, positions, scale: float):
    _check_head_dim(q.shape[2])
    out = cuda.device_array(q.shape, np.float32)
    if q.shape[0]:
        grid = (q.shape[0], q.shape[1])
        paged_attention_kernel[grid, ATTN_THREADS](
            q, k_cache, v_cache, block_tables, seq_index, positions, np.float32(scale), out)
    return out


def encoder_attention(q, k, v, mask, scale: float):
    _check_head_dim(q.shape[3])
    out = cuda.device_array(q.shape, np.float32)
    if q.shape[0] and q.shape[1]:
        grid = (q.shape[0] * q.shape[1], q.shape[2])
        encoder_attention_kernel[grid, ATTN_THREADS](q, k, v, mask, np.float32(scale), out)
    return out


def copy_columns(x, start: int, stop: int):
    """x: (T, n) f32 -> a new contiguous (T, stop - start) array of columns start..stop-1."""
    out = cuda.device_array((x.shape[0], stop - start), np.float32)
    if out.size:
        copy_columns_kernel[_elementwise_grid(out.size), ELEMENTWISE_THREADS](x, start, out)
    return out


def fill_(x, value: float):
    """x: 1-D f32 device array, set to ``value`` everywhere; returns x."""
    if x.size:
        fill_kernel[_elementwise_grid(x.size), ELEMENTWISE_THREADS](x, np.float32(value))
    return x


def take_rows(x, rows):
    out = cuda.device_array((rows.shape[0], x.shape[1]), np.float32)
    if rows.shape[0]:
        take_rows_kernel[rows.shape[0], ROW_THREADS](x, rows, out)
    return out


def pool(x, mask, mode: str):
    """x: (B, L, d) f32, mask: (B, L) int32 -> (B, d) f32 by ``mode`` ("mean", "max", "cls")."""
    out = cuda.device_array((x.shape[0], x.shape[2]), np.float32)
    if x.shape[0]:
        grid = (x.shape[0], _cdiv(x.shape[2], ROW_THREADS))
        pool_kernel[grid, ROW_THREADS](x, mask, POOL_MODES[mode], out)
    return out


def l2_normalize(x):
    out = cuda.device_array(x.shape, np.float32)
    if x.shape[0]:
        l2_normalize_kernel[x.shape[0], ROW_THREADS](x, out)
    return out
