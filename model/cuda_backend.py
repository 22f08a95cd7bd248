"""The CUDA backend: the backend interface of ``model.backend`` over the kernels of ``model.kernels.cuda``.

Goes in: the architectures' calls (``linear``, ``rmsnorm``, ``paged_attention``, ...) on device
arrays; comes out: device arrays, and once per step the logits on the host (``to_host``).
``model.load(path, device="cuda")`` selects it through ``model.backend.make_backend``.

What lives on the device: every weight (``prepare_linear`` packs bf16/int8 rows into 32-bit
words, see :func:`model.kernels.cuda.pack_weight`, and uploads them once at load), the norms'
vectors and rotary frequencies (``from_host`` at load), and the paged KV cache (``alloc_kv``).
Per step the host sends the small index arrays (token ids, positions, slots, block tables) and
receives one array: the logits of the rows the engine samples from (one per sequence).

Under ``NUMBA_ENABLE_CUDASIM=1`` the same code runs in Numba's CUDA simulator (slowly), which is
how the tests check it on machines without a GPU.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import cuda

from .kernels import cuda as K
from .loader import LinearWeight


@dataclass
class CudaLinearWeight(LinearWeight):
    """A LinearWeight whose ``data`` are the packed device words and ``scale``/``bias`` device arrays.

    ``cols`` is the logical input dimension (the packed rows may be padded to whole words).
    """
    cols: int = 0

    @property
    def shape(self) -> tuple[int, int]:
        return (self.data.shape[0], self.cols)


class CudaBackend:
    name = "cuda"

    def __init__(self):
        if not K.SIMULATOR and not cuda.is_available():
            raise RuntimeError("no CUDA GPU or driver found (numba.cuda.is_available() is False)")

    # ---------------------------------------------------------------- memory
    def from_host(self, a):
        return cuda.to_device(np.ascontiguousarray(a))

    def to_host(self, a):
        return a.copy_to_host()

    def _device(self, a, dtype=np.float32):
        """A host array moved to the device; None and device arrays (from from_host) as they are."""
        if isinstance(a, np.ndarray):
            return cuda.to_device(np.ascontiguousarray(a, dtype=dtype))
        return a

    def prepare_linear(self, w: LinearWeight) -> CudaLinearWeight:
        if isinstance(w, CudaLinearWeight):
            return w
        host = np.asarray(w.data)
        words = cuda.to_device(K.pack_weight(host, w.fmt))
        return CudaLinearWeight(w.fmt, words, self._device(w.scale), self._device(w.bias), cols=host.shape[1])

    def alloc_kv(self, num_layers, num_blocks, block_size, kv_heads, head_dim):
        shape = (num_blocks, block_size, kv_heads, head_dim)
        return [(self._zeros(shape), self._zeros(shape)) for _ in range(num_layers)]

    def _zeros(self, shape):
        a = cuda.device_array(shape, np.float32)
        K.fill_(a.reshape(-1), 0.0)
        return a

    # ---------------------------------------------------------------- operations
    def embedding(self, table: CudaLinearWeight, ids):
        return K.embedding(table.data, table.fmt, table.cols, ids, table.scale)

    def linear(self, x, w: CudaLinearWeight):
        if not isinstance(w, CudaLinearWeight):
            raise TypeError("CudaBackend.linear needs a weight made by CudaBackend.prepare_linear")
        return K.linear(x, w.data, w.fmt, w.cols, w.scale, w.bias)

    def rmsnorm(self, x, weight, eps):
        return K.rmsnorm(x, weight, eps)

    def layernorm(self, x, weight, bias, eps):
        return K.layernorm(x, weight, bias, eps)

    def add_(self, x, y):
        return K.add_(x, y)

    def silu_mul(self, gate_up):
        return K.silu_mul(gate_up)

    def gelu_(self, x):
        return K.gelu_(x)

    def rope_(self, x, positions, inv_freq):
        return K.rope_(x, positions, inv_freq)

    def kv_write(self, k_cache, v_cache, k, v, slots):
        K.kv_write(k_cache, v_cache, k, v, slots)

    def paged_attention(self, q, k_cache, v_cache, block_tables, seq_index, positions, scale):
        return K.paged_attention(q, k_cache, v_cache, block_tables, seq_index, positions, scale)

    def encoder_attention(self, q, k, v, mask, scale):
        return K.encoder_attention(q, k, v, mask, scale)

    def split_columns(self, x, bounds):
        edges = (0,) + tuple(bounds) + (x.shape[1],)
        return [K.copy_columns(x, a, b) for a, b in zip(edges[:-1], edges[1:])]

    def take_rows(self, x, rows):
        return K.take_rows(x, rows)

    def mean_pool(self, x, mask):
        return K.pool(x, mask, "mean")

    def cls_pool(self, x, mask):
        return K.pool(x, mask, "cls")

    def max_pool(self, x, mask):
        return K.pool(x, mask, "max")

    def l2_normalize(self, x):
        return K.l2_normalize(x)
