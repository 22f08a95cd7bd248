"""The backend interface: the operations a forward pass is made of, and the CPU implementation.

The architectures (``model.architectures.llama``, ``model.architectures.bert``) compose these
named operations and never touch kernels directly, so a device backend plugs in by implementing
the same methods.  ``device="cpu"`` uses :class:`CpuBackend`; ``device="cuda"`` uses
``model.cuda_backend.CudaBackend`` (written separately; it is imported only when asked for).

Interface (every backend implements all of it; "Array" is the backend's own array type: NumPy
arrays here, device arrays on CUDA; activations are float32 and C-contiguous)::

    name: str                                   # "cpu" | "cuda"
    # ---- memory
    from_host(a: np.ndarray) -> Array           # constants, weights, per-step index arrays
    to_host(a: Array) -> np.ndarray             # called once per step, on the logits
    prepare_linear(w: LinearWeight) -> LinearWeight   # same fmt, data/scale/bias moved to the device
    alloc_kv(num_layers, num_blocks, block_size, kv_heads, head_dim) -> list[tuple[Array, Array]]
        # one (k_cache, v_cache) pair per layer, each (num_blocks, block_size, kv_heads, head_dim) f32
    # ---- operations (shapes as in model.kernels.reference; all return new arrays unless named *_)
    embedding(table: LinearWeight, ids: Array (T,) int64) -> (T, d)   # any fmt: fp32 / bf16 / int8 rows
    linear(x: (T, in), w: LinearWeight) -> (T, out)                  # adds w.bias when present
    rmsnorm(x: (N, d), weight: (d,), eps: float) -> (N, d)
    layernorm(x: (N, d), weight, bias: (d,), eps: float) -> (N, d)
    add_(x, y) -> x                                                  # x += y (residual)
    silu_mul(gate_up: (T, 2I)) -> (T, I)
    gelu_(x: (N, d)) -> x                                            # exact erf GELU, in place
    rope_(x: (T, nh, D), positions: Array (T,) int32, inv_freq: Array (D/2,) f32) -> x
    kv_write(k_cache, v_cache, k: (T, KVH, D), v, slots: Array (T,) int32) -> None
    paged_attention(q: (T, H, D), k_cache, v_cache, block_tables: Array (S, MB) int32,
                    seq_index: Array (T,) int32, positions: Array (T,) int32, scale: float) -> (T, H, D)
    encoder_attention(q, k, v: (B, L, H, D), mask: Array (B, L) int32, scale: float) -> (B, L, H, D)
    split_columns(x: (T, n), bounds: tuple[int, ...]) -> list[Array]   # contiguous column blocks
    take_rows(x: (T, d), rows: Array (n,) int64) -> (n, d)           # last token of each sequence
    mean_pool(x: (B, L, d), mask) / cls_pool / max_pool -> (B, d);  l2_normalize(x: (B, d)) -> (B, d)

Arrays are reshaped with ``.reshape`` (NumPy and numba.cuda device arrays both support it for
contiguous arrays).
"""
from __future__ import annotations

import numpy as np

from .kernels import cpu as K
from .loader import LinearWeight

# Linear layers always use the Numba kernels: their 4x4 register-blocked micro-kernel measured
# ~100 GFMA/s per core for a 128-token prefill against ~60 for numpy's OpenBLAS sgemm, and a
# second thread pool (OpenBLAS's) next to Numba's only fights it for the two cores.
PARALLEL_ATTENTION_MIN_WORK = 1 << 14
# A linear layer runs on all threads only when one thread would need at least this long: waking
# a sleeping OpenMP thread (passive waits, see model/__init__.py) costs tens of microseconds here.
# The one-thread speeds are measured ones (tools/bench_engine.py, docs/PERFORMANCE.md).
PARALLEL_LINEAR_MIN_SECONDS = 300e-6
SERIAL_BYTES_PER_S = 20e9
SERIAL_FMA_PER_S = 60e9


class CpuBackend:
    name = "cpu"

    def __init__(self):
        self.n_chunks = K.linear_chunks()

    # ---------------------------------------------------------------- memory
    def from_host(self, a):
        return np.ascontiguousarray(a)

    def to_host(self, a):
        return np.asarray(a)

    def prepare_linear(self, w: LinearWeight) -> LinearWeight:
        return w

    def alloc_kv(self, num_layers, num_blocks, block_size, kv_heads, head_dim):
        shape = (num_blocks, block_size, kv_heads, head_dim)
        return [(np.zeros(shape, np.float32), np.zeros(shape, np.float32)) for _ in range(num_layers)]

    # ---------------------------------------------------------------- operations
    def embedding(self, table: LinearWeight, ids):
        ids = np.asarray(ids, np.int64)
        if table.fmt == "fp32":
            return np.ascontiguousarray(table.data[ids])
        out = np.empty((ids.shape[0], table.data.shape[1]), np.float32)
        if table.fmt == "bf16":
            K.embedding_bf16(table.data, ids, out)
        else:
            K.embedding_int8(table.data, table.scale, ids, out)
        return out

    def linear(self, x, w: LinearWeight):
        x = np.ascontiguousarray(x, np.float32)
        T = x.shape[0]
        n_out, n_in = w.data.shape
        out = np.empty((T, n_out), np.float32)
        # one thread's time for this product, bound by memory or by arithmetic
        seconds = max(w.data.nbytes / SERIAL_BYTES_PER_S, T * n_out * n_in / SERIAL_FMA_PER_S)
        parallel = seconds >= PARALLEL_LINEAR_MIN_SECONDS
        if w.fmt == "fp32":
            (K.linear_fp32 if parallel else K.linear_fp32_serial)(x, w.data, out, self.n_chunks)
        elif w.fmt == "bf16":
            (K.linear_bf16 if parallel else K.linear_bf16_serial)(x, w.data, out, self.n_chunks)
        else:
            (K.linear_int8 if parallel else K.linear_int8_serial)(x, w.data, w.scale, out, self.n_chunks)
        if w.bias is not None:
            out += w.bias
        return out

    def rmsnorm(self, x, weight, eps):
        out = np.empty_like(x)
        K.rmsnorm(x, weight, np.float64(eps), out)
        return out

    def layernorm(self, x, weight, bias, eps):
        out = np.empty_like(x)
        K.layernorm(x, weight, bias, np.float64(eps), out)
        return out

    def add_(self, x, y):
        np.add(x, y, out=x)
        return x

    def silu_mul(self, gate_up):
        out = np.empty((gate_up.shape[0], gate_up.shape[1] // 2), np.float32)
        K.silu_mul(gate_up, out)
        return out

    def gelu_(self, x):
        K.gelu_erf(x)
        return x

    def rope_(self, x, positions, inv_freq):
        K.rope(x, positions, inv_freq)
        return x

    def kv_write(self, k_cache, v_cache, k, v, slots):
        K.kv_cache_write(k_cache, v_cache, k, v, slots)

    def paged_attention(self, q, k_cache, v_cache, block_tables, seq_index, positions, scale):
        out = np.empty_like(q)
        # work ~ tokens x heads x attended positions; below ~64k multiply-adds per head-dim unit
        # the parallel region's start-up dominates (measured with tools/bench_engine.py)
        work = q.shape[0] * q.shape[1] * (int(positions.max()) + 1)
        kernel = K.paged_attention if work >= PARALLEL_ATTENTION_MIN_WORK else K.paged_attention_serial
        kernel(q, k_cache, v_cache, block_tables, seq_index, positions, np.float32(scale), out)
        return out

    def encoder_attention(self, q, k, v, mask, scale):
        out = np.empty_like(q)
        B, L, H, _ = q.shape
        kernel = K.encoder_attention if B * H * L * L >= PARALLEL_ATTENTION_MIN_WORK else K.encoder_attention_serial
        kernel(q, k, v, mask, np.float32(scale), out)
        return out

    def split_columns(self, x, bounds):
        edges = (0,) + tuple(bounds) + (x.shape[1],)
        return [np.ascontiguousarray(x[:, a:b]) for a, b in zip(edges[:-1], edges[1:])]

    def take_rows(self, x, rows):
        return np.ascontiguousarray(x[np.asarray(rows, np.int64)])

    def mean_pool(self, x, mask):
        m = np.asarray(mask, np.float32)[:, :, None]
        return (x * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)

    def cls_pool(self, x, mask):
        return np.ascontiguousarray(x[:, 0, :])

    def max_pool(self, x, mask):
        m = np.asarray(mask, bool)[:, :, None]
        return np.where(m, x, -np.inf).max(axis=1).astype(np.float32)

    def l2_normalize(self, x):
        n = np.sqrt((x.astype(np.float64) ** 2).sum(axis=1, keepdims=True))
        return (x / np.maximum(n, 1e-12)).astype(np.float32)


def make_backend(device: str):
    from .errors import UnsupportedDevice
    if device == "cpu":
        return CpuBackend()
    if device == "cuda":
        try:
            from .cuda_backend import CudaBackend
        except Exception as e:  # ImportError, or numba.cuda failing to find a driver/toolkit
            raise UnsupportedDevice("cuda", f"the CUDA backend is unavailable ({e})") from None
        try:
            return CudaBackend()
        except Exception as e:
            raise UnsupportedDevice("cuda", str(e)) from None
    raise UnsupportedDevice(device, "expected 'cpu' or 'cuda'")
