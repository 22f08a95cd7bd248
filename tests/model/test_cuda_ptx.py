"""Every CUDA kernel compiles to PTX for sm_80 with CUDA's real compilers, no GPU needed.

``numba-cuda[cu13]`` brings NVVM and the libdevice bitcode as pip packages, which numba-cuda
finds on its own (no CUDA_HOME needed).  Two things need care:

- numba-cuda asks the *current device* for a compute capability when it compiles a device
  function called from a kernel (``CUDADispatcher.compile_device``), which fails with no
  driver; the child below answers that question with the target we compile for.
- The compilation must not run in the simulator, so it runs in a child process whose
  environment has ``NUMBA_ENABLE_CUDASIM`` removed, whatever the parent's is.

Besides compiling, the test reads the PTX for what a fast kernel must (not) contain: no fp64
arithmetic (a stray Python float literal silently makes a kernel double precision), no local
memory (accumulators live in registers), warp shuffles in the warp-reduced kernels and shared
memory with barriers in the tiled matmul.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CC = (8, 0)

CHILD = r"""
import json, sys
import numba.cuda.dispatcher as dispatcher
from numba import cuda

CC = tuple(json.loads(sys.argv[1]))


class TargetDevice:
    # what compile_device asks the current device for; there is no device, only a target
    compute_capability = CC


dispatcher.get_current_device = lambda: TargetDevice()

from model.kernels import cuda as K

assert not K.SIMULATOR
module_kernels = sorted(
    name for name, obj in vars(K).items()
    if isinstance(obj, dispatcher.CUDADispatcher) and not obj.targetoptions.get("device"))
ptx = {}
for name, (kernel, signature) in K.KERNELS.items():
    text, _ = cuda.compile_ptx(kernel.py_func, signature, cc=CC)
    ptx[name] = text
print(json.dumps({"module_kernels": module_kernels, "ptx": ptx}))
"""

# libdevice's sinf/cosf reduce huge arguments (|x| > 105615) with a Payne-Hanek path that
# uses fp64 and a local array; rope's angles reach it only for positions far beyond any
# context length, but the code is in the PTX.
LIBDEVICE_TRIG = {"rope_kernel"}


@pytest.fixture(scope="module")
def compiled():
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_ENABLE_CUDASIM"}
    proc = subprocess.run([sys.executable, "-c", CHILD, json.dumps(CC)], env=env,
                          capture_output=True, text=True, timeout=600,
                          cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _instructions(ptx: str) -> list[str]:
    return [line.strip() for line in ptx.splitlines()
            if line.strip() and not line.strip().startswith(("//", ".", "{", "}", "$"))]


def test_every_kernel_in_the_module_is_compiled(compiled):
    assert compiled["module_kernels"] == sorted(compiled["ptx"])
    assert len(compiled["ptx"]) >= 23


def test_each_kernel_targets_sm80_and_has_one_entry(compiled):
    for name, ptx in compiled["ptx"].items():
        assert f".target sm_{CC[0]}{CC[1]}" in ptx, name
        assert ptx.count(".entry ") == 1, name


def test_no_fp64_and_no_local_memory(compiled):
    for name, ptx in compiled["ptx"].items():
        if name in LIBDEVICE_TRIG:
            continue
        fp64 = [i for i in _instructions(ptx) if ".f64" in i]
        assert not fp64, f"{name} computes in double precision: {fp64[:3]}"
        assert ".local" not in ptx, f"{name} uses local memory (spilled or unpromoted array)"


def test_warp_reduced_kernels_use_shuffles(compiled):
    shuffled = [n for n in compiled["ptx"] if n.startswith("matvec_")] + [
        "rmsnorm_kernel", "layernorm_kernel", "softmax_kernel", "argmax_kernel",
        "paged_attention_kernel", "encoder_attention_kernel", "l2_normalize_kernel"]
    for name in shuffled:
        assert "shfl.sync.bfly" in compiled["ptx"][name], name


def test_matmul_stages_tiles_in_shared_memory(compiled):
    for fmt in ("fp32", "bf16", "int8"):
        ptx = compiled["ptx"][f"matmul_{fmt}"]
        assert "st.shared.f32" in ptx and "ld.shared.f32" in ptx and "bar.sync" in ptx, fmt


def test_packed_weights_are_read_as_32_bit_words(compiled):
    for kind in ("matvec", "matmul"):
        for fmt in ("bf16", "int8"):
            loads = [i for i in _instructions(compiled["ptx"][f"{kind}_{fmt}"]) if i.startswith("ld.global")]
            assert loads and not any(".u8" in i or ".s8" in i or ".u16" in i for i in loads), (kind, fmt)
