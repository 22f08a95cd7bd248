"""Weights: safetensors files -> memory-mapped NumPy arrays -> kernel-ready weights.

Goes in: a model folder holding ``model.safetensors`` or shards listed in
``model.safetensors.index.json``.  Comes out: :class:`WeightStore`, which hands out
each tensor by name as a read-only memory-mapped array (no copy), and the helpers
that turn a tensor into what the kernels take: fp32, bf16 bits or per-output-channel
int8 (:class:`LinearWeight`).

The safetensors layout is 8 bytes of little-endian header length, a JSON header
``{name: {"dtype", "shape", "data_offsets": [begin, end]}}`` and the raw data.  We read
the header ourselves and map the data with ``numpy.memmap`` rather than going
through ``safetensors.safe_open(framework="numpy")`` because NumPy has no bfloat16
(the library refuses BF16 tensors in numpy mode) and because every check here names the
tensor and file it failed on.  bf16 tensors come out as their ``uint16`` bit patterns.
"""
from __future__ import annotations

import json
import os
import struct
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import CorruptWeights, MissingWeight, ModelFileMissing, UnsupportedDtype, WeightShapeMismatch
from .kernels import reference

# safetensors dtype -> (numpy storage dtype, bytes per element); BF16 is stored as uint16 bits.
STORAGE = {
    "F32": np.dtype("<f4"), "F16": np.dtype("<f2"), "BF16": np.dtype("<u2"), "F64": np.dtype("<f8"),
    "I64": np.dtype("<i8"), "I32": np.dtype("<i4"), "I16": np.dtype("<i2"), "I8": np.dtype("i1"),
    "U8": np.dtype("u1"), "BOOL": np.dtype("?"),
}
FLOAT_DTYPES = ("F32", "F16", "BF16", "F64")
MAX_HEADER_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class TensorInfo:
    name: str
    dtype: str            # safetensors spelling: F32, BF16, ...
    shape: tuple[int, ...]
    begin: int            # byte offset into the data section
    end: int


class SafetensorsFile:
    """One safetensors file, validated on open, with its data section memory-mapped."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise ModelFileMissing(self.path, "safetensors file")
        size = self.path.stat().st_size
        if size < 8:
            raise CorruptWeights(self.path, f"file is {size} bytes, too short for a header")
        with open(self.path, "rb") as f:
            (hlen,) = struct.unpack("<Q", f.read(8))
            if hlen > MAX_HEADER_BYTES or 8 + hlen > size:
                raise CorruptWeights(self.path, f"header length {hlen} runs past the end of the {size}-byte file")
            raw = f.read(hlen)
        try:
            header = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise CorruptWeights(self.path, f"header is not valid JSON ({e})") from None
        if not isinstance(header, dict):
            raise CorruptWeights(self.path, "header is not a JSON object")
        self.metadata = header.pop("__metadata__", None) or {}
        self.data_start = 8 + hlen
        data_len = size - self.data_start
        self.tensors: dict[str, TensorInfo] = {}
        for name, entry in header.items():
            self.tensors[name] = self._check_entry(name, entry, data_len)
        self._data = np.memmap(self.path, dtype=np.uint8, mode="r", offset=self.data_start,
                               shape=(data_len,)) if data_len > 0 else np.zeros(0, np.uint8)

    def _check_entry(self, name: str, entry, data_len: int) -> TensorInfo:
        try:
            dtype = entry["dtype"]
            shape = tuple(int(s) for s in entry["shape"])
            begin, end = (int(o) for o in entry["data_offsets"])
        except (KeyError, TypeError, ValueError):
            raise CorruptWeights(self.path, "header entry lacks dtype/shape/data_offsets", name) from None
        if dtype not in STORAGE:
            raise UnsupportedDtype(dtype, f"tensor {name!r} in {self.path}", sorted(STORAGE))
        if any(s < 0 for s in shape) or begin < 0 or end < begin:
            raise CorruptWeights(self.path, f"bad shape {shape} or offsets [{begin}, {end}]", name)
        nbytes = int(np.prod(shape, dtype=np.int64)) * STORAGE[dtype].itemsize
        if end - begin != nbytes:
            raise CorruptWeights(self.path, f"offsets [{begin}, {end}] hold {end - begin} bytes, "
                                            f"shape {list(shape)} of {dtype} needs {nbytes}", name)
        if end > data_len:
            raise CorruptWeights(self.path, f"data [{begin}, {end}) runs past the end of the file "
                                            f"({data_len} data bytes): truncated?", name)
        return TensorInfo(name, dtype, shape, begin, end)

    def array(self, name: str) -> np.ndarray:
        """The tensor as a read-only memory-mapped array in its storage dtype (BF16 -> uint16 bits)."""
        info = self.tensors[name]
        st = STORAGE[info.dtype]
        raw = self._data[info.begin:info.end]
        if info.begin % st.itemsize == 0:
            arr = raw.view(st)
        else:  # misaligned data: copy once so the kernels get aligned arrays
            arr = np.frombuffer(raw.tobytes(), dtype=st)
        return arr.reshape(info.shape)


class WeightStore:
    """All safetensors files of a model folder, indexed by tensor name."""

    def __init__(self, model_dir: Path):
        self.model_dir = Path(model_dir)
        index = self.model_dir / "model.safetensors.index.json"
        single = self.model_dir / "model.safetensors"
        if index.is_file():
            try:
                weight_map = json.loads(index.read_text(encoding="utf-8"))["weight_map"]
            except (OSError, KeyError, TypeError, json.JSONDecodeError) as e:
                raise CorruptWeights(index, f"not a valid safetensors index ({e})") from None
            names = sorted(set(weight_map.values()))
        elif single.is_file():
            names = ["model.safetensors"]
        else:
            raise ModelFileMissing(single, "weights file (model.safetensors or model.safetensors.index.json)")
        self.files = [SafetensorsFile(self.model_dir / n) for n in names]
        self.where: dict[str, SafetensorsFile] = {}
        for f in self.files:
            for t in f.tensors:
                self.where[t] = f

    def __contains__(self, name: str) -> bool:
        return name in self.where

    def info(self, name: str) -> TensorInfo:
        if name not in self.where:
            raise MissingWeight(name, self.model_dir)
        return self.where[name].tensors[name]

    def raw(self, name: str, shape: tuple[int, ...] | None = None) -> tuple[np.ndarray, str]:
        """(storage array, safetensors dtype), checking the shape config.json implies."""
        info = self.info(name)
        f = self.where[name]
        if shape is not None and tuple(shape) != info.shape:
            raise WeightShapeMismatch(name, f.path, shape, info.shape)
        return f.array(name), info.dtype

    def fp32(self, name: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
        """The tensor as float32 (the memory map itself for F32 tensors, a converted copy otherwise)."""
        arr, dtype = self.raw(name, shape)
        return to_fp32(arr, dtype, name, self.where[name].path)

    def total_bytes(self) -> int:
        return sum(t.end - t.begin for f in self.files for t in f.tensors.values())


def to_fp32(arr: np.ndarray, dtype: str, name: str = "?", path="?") -> np.ndarray:
    if dtype == "F32":
        return arr
    if dtype == "BF16":
        return reference.bf16_to_fp32(arr)
    if dtype in ("F16", "F64"):
        return arr.astype(np.float32)
    raise UnsupportedDtype(dtype, f"tensor {name!r} in {path} must be a float tensor", FLOAT_DTYPES)


# ---------------------------------------------------------------- kernel-ready weights

@dataclass
class LinearWeight:
    """A linear layer's weight in one of three formats, with its optional bias.

    - ``fmt == "fp32"``: ``data`` is (out, in) float32.
    - ``fmt == "bf16"``: ``data`` is (out, in) uint16 bf16 bits.
    - ``fmt == "int8"``: ``data`` is (out, in) int8 and ``scale`` (out,) float32.
    Backends may replace ``data``/``scale`` with their own arrays (e.g. device arrays).
    """
    fmt: str
    data: object
    scale: object = None
    bias: object = None

    @property
    def shape(self) -> tuple[int, int]:
        return tuple(self.data.shape)

    def nbytes(self) -> int:
        n = self.data.nbytes
        if self.scale is not None:
            n += self.scale.nbytes
        return n


def make_linear(w: np.ndarray, src_dtype: str, fmt: str, bias: np.ndarray | None = None) -> LinearWeight:
    """w: (out, in) in its storage dtype -> LinearWeight in ``fmt`` (fp32, bf16 or int8)."""
    if fmt == "bf16":
        bits = w if src_dtype == "BF16" else reference.fp32_to_bf16(to_fp32(w, src_dtype))
        return LinearWeight("bf16", np.ascontiguousarray(bits), bias=bias)
    w32 = to_fp32(w, src_dtype)
    if fmt == "int8":
        q, scale = reference.quantize_int8_per_row(w32)
        return LinearWeight("int8", q, scale, bias)
    return LinearWeight("fp32", np.ascontiguousarray(w32, dtype=np.float32), bias=bias)


def concat_rows(parts: list[tuple[np.ndarray, str]]) -> tuple[np.ndarray, str]:
    """Stack (out_i, in) weights along ``out`` (fused q/k/v or gate/up); mixed dtypes become F32."""
    dtypes = {d for _, d in parts}
    if len(dtypes) == 1:
        return np.concatenate([a for a, _ in parts], axis=0), dtypes.pop()
    return np.concatenate([to_fp32(a, d) for a, d in parts], axis=0), "F32"


class LoadProgress:
    """A one-line stderr progress bar for loads of large models (silent for small ones or non-TTYs)."""

    def __init__(self, total: int, label: str, min_bytes: int = 256 << 20):
        self.total = max(total, 1)
        self.done = 0
        self.label = label
        self.enabled = total >= min_bytes and os.environ.get("NLEANJIT_NO_PROGRESS") is None
        # a redrawn bar on a terminal; in logs (not a TTY) one line at the start and one at the end
        self.tty = sys.stderr.isatty()
        self.start = time.monotonic()
        self._last = 0.0
        if self.enabled and not self.tty:
            sys.stderr.write(f"loading {label}: {total / 2**20:.0f} MiB of weights\n")

    def advance(self, nbytes: int) -> None:
        self.done += nbytes
        if not self.enabled or not self.tty:
            return
        now = time.monotonic()
        if now - self._last < 0.2 and self.done < self.total:
            return
        self._last = now
        frac = min(self.done / self.total, 1.0)
        bar = "#" * int(frac * 30)
        sys.stderr.write(f"\rloading {self.label} [{bar:<30}] {frac * 100:5.1f}% "
                         f"{self.done / 2**20:7.0f}/{self.total / 2**20:.0f} MiB {now - self.start:5.1f}s")
        sys.stderr.flush()

    def close(self) -> None:
        if not self.enabled:
            return
        if self.tty:
            self.advance(0)
            sys.stderr.write("\n")
        else:
            sys.stderr.write(f"loaded {self.label} in {time.monotonic() - self.start:.1f}s\n")
        sys.stderr.flush()


def save_safetensors(path, tensors: dict, metadata: dict | None = None) -> None:
    """Write ``{name: array}`` (or ``{name: (safetensors_dtype, array)}`` for BF16 bits) as a safetensors file.

    Used by the model makers and tests; tensors are written in name order, 8-byte aligned.
    """
    by_numpy = {np.dtype(v): k for k, v in STORAGE.items() if k != "BF16"}
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        value = tensors[name]
        dtype, arr = value if isinstance(value, tuple) else (by_numpy[np.asarray(value).dtype], value)
        data = np.ascontiguousarray(arr, dtype=STORAGE[dtype]).tobytes()
        header[name] = {"dtype": dtype, "shape": list(np.shape(arr)), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-(8 + len(raw)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)
