"""``model.load(..., device="cuda")``: the CUDA backend runs whole models, in Numba's CUDA simulator.

The tiny Llama's logits on the CUDA backend match the Hugging Face golden logits and the CPU
backend's, and so do the tiny Qwen3's (q/k RMSNorm); a greedy decode step (prefill through the few-token matvec path, then one decode
step reading the KV cache written by the prefill) picks the CPU's tokens with the CPU's
logprobs; the tiny BERT's embeddings (padding mask, encoder attention, LayerNorm, GELU, mean
pooling) match the CPU's.  As in ``test_cuda_kernels.py`` the cases run in one child process
with ``NUMBA_ENABLE_CUDASIM=1``; prompts are a few tokens because the simulator runs every CUDA
thread as a Python thread.  Without the simulator and without a GPU, asking for CUDA is a
clear ``UnsupportedDevice`` error.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import traceback
from pathlib import Path

import numpy as np
import pytest

FIXTURES = Path(__file__).parent / "fixtures"
KV_BYTES = 1 << 16     # a few KV blocks: the simulator zeroes the cache one simulated thread at a time


def _golden(name):
    with np.load(FIXTURES / "golden" / f"{name}.npz") as z:
        return {k: z[k] for k in z.files}


def _load(name, device, dtype="fp32"):
    import model
    kw = {"kv_cache_bytes": KV_BYTES} if name != "tiny-bert" else {}
    return model.load(FIXTURES / name, dtype=dtype, device=device, **kw)


# ---------------------------------------------------------------- cases (run inside the simulator)

def case_llama_prefill_logits():
    g = _golden("tiny-llama")
    prompt = g["prompt_0"][:9].tolist()         # 9 tokens: the tiled-matmul path
    eng = _load("tiny-llama", "cuda")
    info = eng.info()
    assert (info.device, info.architecture) == ("cuda", "LlamaForCausalLM")
    got = eng.prompt_logits(prompt)
    cpu = _load("tiny-llama", "cpu").prompt_logits(prompt)
    assert got.shape == (9, 517) and got.dtype == np.float32
    # the golden logits are causal, so the first 9 rows are this 9-token prompt's
    assert np.abs(got - g["logits_0"][:9]).max() <= 1e-4
    assert np.abs(got - cpu).max() <= 1e-4


def case_qwen3_logits():
    # RMSNorm on q and k per head (device arrays reshaped to (T*H, D)); 2 tokens: the matvec path.
    # (Biased linear layers, Qwen2's addition, are covered by the BERT case.)
    g = _golden("tiny-qwen3")
    got = _load("tiny-qwen3", "cuda").prompt_logits(g["prompt_0"][:2].tolist())
    assert np.abs(got - g["logits_0"][:2]).max() <= 1e-4


def case_llama_greedy_decode():
    import model
    prompt = _golden("tiny-llama")["prompt_1"][:3].tolist()
    params = model.SamplingParams(max_tokens=2, temperature=0.0, ignore_eos=True, logprobs=True)

    def run(device):
        return [(e.token_id, e.logprob) for e in _load("tiny-llama", device).generate(prompt, params)
                if e.token_id is not None]

    got, want = run("cuda"), run("cpu")
    assert [t for t, _ in got] == [t for t, _ in want] and len(got) == 2
    np.testing.assert_allclose([lp for _, lp in got], [lp for _, lp in want], atol=1e-4)


def case_bert_embeddings():
    g = _golden("tiny-bert")
    ids = [g["ids_3"][:4].tolist(), g["ids_1"][:2].tolist()]     # the second one is padded
    got = _load("tiny-bert", "cuda").embed(ids)
    want = _load("tiny-bert", "cpu").embed(ids)
    assert got.token_counts == want.token_counts == [4, 2]
    assert np.abs(got.vectors - want.vectors).max() <= 1e-5
    np.testing.assert_allclose(np.linalg.norm(got.vectors, axis=1), 1.0, atol=1e-5)


CASES = {
    "llama_prefill_logits": case_llama_prefill_logits,
    "qwen3_logits": case_qwen3_logits,
    "llama_greedy_decode": case_llama_greedy_decode,
    "bert_embeddings": case_bert_embeddings,
}


def run_cases(names) -> dict[str, str | None]:
    from model.kernels import cuda as K
    assert K.SIMULATOR, "run the cases with NUMBA_ENABLE_CUDASIM=1"
    verdicts = {}
    for name in names:
        try:
            CASES[name]()
            verdicts[name] = None
        except Exception:
            verdicts[name] = traceback.format_exc()
    return verdicts


# ---------------------------------------------------------------- the pytest side

@pytest.fixture(scope="module")
def verdicts(request):
    selected = [item.callspec.params["case"] for item in request.session.items
                if item.module is request.module and hasattr(item, "callspec")]
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    proc = subprocess.run([sys.executable, __file__, *(selected or CASES)], env=env,
                          capture_output=True, text=True, timeout=1500,
                          cwd=Path(__file__).resolve().parents[2])
    lines = proc.stdout.strip().splitlines()
    assert proc.returncode == 0 and lines, f"simulator child failed:\n{proc.stdout}\n{proc.stderr[-4000:]}"
    return json.loads(lines[-1])


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_cuda_backend_matches_cpu_in_simulator(case, verdicts):
    failure = verdicts[case]
    assert failure is None, failure


def test_cuda_without_a_gpu_is_a_clear_error():
    from numba import cuda
    import model
    from model.kernels import cuda as K
    if K.SIMULATOR or cuda.is_available():
        pytest.skip("this process has a CUDA device (or the simulator): the error path is not reachable")
    with pytest.raises(model.errors.UnsupportedDevice, match="cuda") as info:
        model.load(FIXTURES / "tiny-llama", device="cuda")
    assert "no CUDA GPU or driver" in str(info.value)


if __name__ == "__main__":
    sys.setswitchinterval(1e-4)     # see test_cuda_kernels.py
    print(json.dumps(run_cases(sys.argv[1:] or list(CASES))))
