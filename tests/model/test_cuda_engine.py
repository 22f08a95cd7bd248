"""``model.load(..., device="cuda")``: the CUDA backend runs whole models, in Numba's CUDA simulator.

On the CUDA fixtures (``tests/model/fixtures/cuda-*``: 64 words, hidden size 16, made by
``tools/make_tiny_models.py --only cuda``) the CUDA backend gives the CPU backend's results, which
``test_golden.py`` ties to Hugging Face's: a Llama's logits for a 9-token prompt (the tiled
matmul path; GQA, llama3 rope scaling, untied lm_head) and a Qwen3's for 2 tokens (the matvec
path; q/k RMSNorm, head dim != hidden / heads); a greedy decode (prefill, then a decode step
reading the KV cache the prefill wrote) picks the CPU's tokens with the CPU's logprobs; a BERT's
embeddings (biases, padding mask, encoder attention, LayerNorm, GELU, mean pooling) match.

The cases run in the session's one simulator child (``cuda_simulator.py``).  The simulator runs
every CUDA thread as a Python thread and every warp shuffle as a barrier of 32 of them, so its
cost is the matvec rows and attention (token, head) pairs launched: hence the tiny shapes and
prompts, and each CUDA engine loaded once per child.  Without the simulator and without a GPU,
asking for CUDA is a clear ``UnsupportedDevice`` error.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

FIXTURES = Path(__file__).parent / "fixtures"
KV_BYTES = 1 << 13     # 8 KiB: four 16-token blocks here (the simulator zeroes the cache thread by thread)
PROMPT = [0, 9, 41, 17, 5, 63, 22, 30, 11]      # 9 tokens: more than the matvec path takes (8)

_engines: dict = {}


def _load(name, device):
    if (name, device) not in _engines:
        import model
        kw = {} if name == "cuda-bert" else {"kv_cache_bytes": KV_BYTES}
        _engines[name, device] = model.load(FIXTURES / name, dtype="fp32", device=device, **kw)
    return _engines[name, device]


# ---------------------------------------------------------------- cases (run inside the simulator)

def case_llama_prefill_logits():
    eng = _load("cuda-llama", "cuda")
    info = eng.info()
    assert (info.device, info.architecture) == ("cuda", "LlamaForCausalLM")
    got = eng.prompt_logits(PROMPT)
    want = _load("cuda-llama", "cpu").prompt_logits(PROMPT)
    assert got.shape == (9, 64) and got.dtype == np.float32
    assert np.abs(got - want).max() <= 1e-4


def case_qwen3_logits():
    # RMSNorm on q and k per head (device arrays reshaped to (T*H, D)); 2 tokens: the matvec path
    got = _load("cuda-qwen3", "cuda").prompt_logits(PROMPT[:2])
    want = _load("cuda-qwen3", "cpu").prompt_logits(PROMPT[:2])
    assert got.shape == (2, 64)
    assert np.abs(got - want).max() <= 1e-4


def case_llama_greedy_decode():
    import model
    params = model.SamplingParams(max_tokens=2, temperature=0.0, ignore_eos=True, logprobs=True)

    def run(device):
        return [(e.token_id, e.logprob) for e in _load("cuda-llama", device).generate(PROMPT[:3], params)
                if e.token_id is not None]

    got, want = run("cuda"), run("cpu")
    assert [t for t, _ in got] == [t for t, _ in want] and len(got) == 2
    np.testing.assert_allclose([lp for _, lp in got], [lp for _, lp in want], atol=1e-4)


def case_bert_embeddings():
    ids = [[2, 40, 7], [2, 33]]         # the second one is padded
    got = _load("cuda-bert", "cuda").embed(ids)
    want = _load("cuda-bert", "cpu").embed(ids)
    assert got.token_counts == want.token_counts == [3, 2]
    assert np.abs(got.vectors - want.vectors).max() <= 1e-5
    np.testing.assert_allclose(np.linalg.norm(got.vectors, axis=1), 1.0, atol=1e-5)


CASES = {
    "llama_prefill_logits": case_llama_prefill_logits,
    "qwen3_logits": case_qwen3_logits,
    "llama_greedy_decode": case_llama_greedy_decode,
    "bert_embeddings": case_bert_embeddings,
}


# ---------------------------------------------------------------- the pytest side

@pytest.mark.slow       # about a minute of simulated threads on two quiet cores
@pytest.mark.parametrize("case", list(CASES))
def test_cuda_backend_matches_cpu_in_simulator(case, simulator_verdicts):
    failure = simulator_verdicts[f"test_cuda_engine:{case}"]
    assert failure is None, failure


def test_cuda_without_a_gpu_is_a_clear_error():
    from numba import cuda
    import model
    from model.kernels import cuda as K
    if K.SIMULATOR or cuda.is_available():
        pytest.skip("this process has a CUDA device (or the simulator): the error path is not reachable")
    with pytest.raises(model.errors.UnsupportedDevice, match="cuda") as info:
        model.load(FIXTURES / "cuda-llama", device="cuda")
    assert "no CUDA GPU or driver" in str(info.value)

