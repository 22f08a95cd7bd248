#!/usr/bin/env python3
"""Benchmark the engine on a random-weight SmolLM2-135M-shaped model, and optionally its peers.

Measures, in one run on this machine (so the ratios are comparable even when other work shares
the cores): memory bandwidth (copy, read+write counted), time to first token for a 128-token
prompt, decode tokens/s at batch 1 and aggregate over 8 sequences, for fp32/bf16/int8 weights,
plus the bandwidth floor each format implies (weight bytes read per token / bandwidth), and
MiniLM's one-sentence embedding latency (P50).

    .venv/bin/python tools/bench_engine.py                     # our engine
    .venv/bin/python tools/bench_engine.py --vs-transformers   # + HF transformers (torch venv)
        [--torch-python /tmp/torchenv/bin/python]

The peer runs as ``<torch python> tools/bench_engine.py --peer-worker DIR``; this script never
imports torch itself.  Set NUMBA_NUM_THREADS / OMP_NUM_THREADS to pin the thread count (2 here).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHAPE = dict(hidden_size=576, num_hidden_layers=30, num_attention_heads=9, num_key_value_heads=3,
             intermediate_size=1536, vocab_size=49152, tie_word_embeddings=True, rope_theta=100000.0,
             max_position_embeddings=2048, rms_norm_eps=1e-5)
PROMPT_LEN = 128
DECODE_TOKENS = 32
BATCH = 8


def make_model(folder: Path, seed: int = 0) -> Path:
    """Write a random-weight LlamaForCausalLM of SHAPE (fp32 safetensors) and a word-level tokenizer."""
    sys.path.insert(0, str(ROOT))
    from tokenizers import Tokenizer, models
    from model.loader import save_safetensors
    if (folder / "model.safetensors").is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    d, inter, V = SHAPE["hidden_size"], SHAPE["intermediate_size"], SHAPE["vocab_size"]
    H, KVH = SHAPE["num_attention_heads"], SHAPE["num_key_value_heads"]
    D = d // H

    def w(*shape):
        return (rng.standard_normal(shape, dtype=np.float32) * 0.02)

    t = {"model.embed_tokens.weight": w(V, d), "model.norm.weight": np.ones(d, np.float32)}
    for i in range(SHAPE["num_hidden_layers"]):
        p = f"model.layers.{i}."
        t.update({p + "input_layernorm.weight": np.ones(d, np.float32),
                  p + "post_attention_layernorm.weight": np.ones(d, np.float32),
                  p + "self_attn.q_proj.weight": w(H * D, d), p + "self_attn.k_proj.weight": w(KVH * D, d),
                  p + "self_attn.v_proj.weight": w(KVH * D, d), p + "self_attn.o_proj.weight": w(d, H * D),
                  p + "mlp.gate_proj.weight": w(inter, d), p + "mlp.up_proj.weight": w(inter, d),
                  p + "mlp.down_proj.weight": w(d, inter)})
    save_safetensors(folder / "model.safetensors", t, {"format": "pt"})
    cfg = dict(SHAPE, architectures=["LlamaForCausalLM"], model_type="llama", hidden_act="silu",
               torch_dtype="float32", bos_token_id=1, eos_token_id=2)
    (folder / "config.json").write_text(json.dumps(cfg, indent=1))
    vocab = {f"t{i}": i for i in range(V)}
    Tokenizer(models.WordLevel(vocab, unk_token="t0")).save(str(folder / "tokenizer.json"))
    return folder


def measure_bandwidth(mib: int = 512, reps: int = 5) -> float:
    """GB/s of a large array copy, counting bytes read plus bytes written (the issue's convention)."""
    a = np.ones(mib << 18, np.float32)
    b = np.empty_like(a)
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        np.copyto(b, a)
        best = min(best, time.perf_counter() - t)
    return 2 * a.nbytes / best / 1e9


def prompt_ids(n: int, seed: int) -> list[int]:
    return list(np.random.default_rng(seed).integers(3, SHAPE["vocab_size"], n))


def bench_ours(folder: Path, fmt: str, bandwidth: float) -> dict:
    import model
    eng = model.load(folder, dtype=fmt, kv_cache_bytes=256 << 20, enable_prefix_caching=False)
    greedy = model.SamplingParams(max_tokens=1, temperature=0.0, ignore_eos=True)
    list(eng.generate(prompt_ids(PROMPT_LEN, 0), greedy))                    # compile / warm up
    ttft = []
    for r in range(5):
        t = time.perf_counter()
        list(eng.generate(prompt_ids(PROMPT_LEN, r + 1), greedy))
        ttft.append(time.perf_counter() - t)
    # decode at batch 1: time tokens after the first
    p = model.SamplingParams(max_tokens=DECODE_TOKENS + 1, temperature=0.0, ignore_eos=True)
    it = eng.generate(prompt_ids(16, 7), p)
    next(it)
    t = time.perf_counter()
    n = sum(1 for _ in it)
    bs1 = n / (time.perf_counter() - t)
    # aggregate decode over 8 sequences: prefill all, then time the decode steps
    for i in range(BATCH):
        eng.add_request(f"s{i}", prompt_ids(16, 100 + i), p)
    eng.step()
    t = time.perf_counter()
    toks = 0
    while eng.has_unfinished():
        toks += len(eng.step())
    bs8 = toks / (time.perf_counter() - t)
    bytes_per_token = eng.weights.nbytes_per_token()
    floor = bandwidth * 1e9 / bytes_per_token
    return {"engine": "nleanjit", "dtype": fmt, "ttft_ms": 1000 * statistics.median(ttft),
            "decode_bs1_tok_s": bs1, "decode_bs8_tok_s": bs8,
            "weight_mib_per_token": bytes_per_token / 2**20, "bandwidth_floor_tok_s": floor,
            "bs1_vs_floor": bs1 / floor}


def bench_minilm(n: int = 200) -> dict:
    import model
    eng = model.load(model.default_embedding_model_path())
    sentence = "A theorem prover checks every step of a proof."
    for _ in range(20):
        eng.embed([sentence])
    times = []
    for _ in range(n):
        t = time.perf_counter()
        eng.embed([sentence])
        times.append(time.perf_counter() - t)
    return {"minilm_one_sentence_p50_ms": 1000 * statistics.median(times),
            "minilm_one_sentence_p90_ms": 1000 * float(np.percentile(times, 90))}


# ---------------------------------------------------------------- the transformers peer

def peer_worker(folder: str) -> None:
    """Runs under the torch venv: the same measurements with HF transformers, printed as JSON lines."""
    import torch
    from transformers import AutoModelForCausalLM
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    for name, dtype in (("fp32", torch.float32), ("bf16", torch.bfloat16)):
        m = AutoModelForCausalLM.from_pretrained(folder, dtype=dtype).eval()
        with torch.inference_mode():
            def ttft_once(seed):
                ids = torch.tensor([prompt_ids(PROMPT_LEN, seed)])
                t = time.perf_counter()
                m(ids).logits[0, -1].argmax()
                return time.perf_counter() - t
            ttft_once(0)
            ttft = statistics.median(ttft_once(r + 1) for r in range(5))

            def decode(batch):
                ids = torch.tensor([prompt_ids(16, 100 + i) for i in range(batch)])
                out = m(ids, use_cache=True)
                past, nxt = out.past_key_values, out.logits[:, -1].argmax(-1, keepdim=True)
                t = time.perf_counter()
                for _ in range(DECODE_TOKENS):
                    out = m(nxt, past_key_values=past, use_cache=True)
                    past, nxt = out.past_key_values, out.logits[:, -1].argmax(-1, keepdim=True)
                return batch * DECODE_TOKENS / (time.perf_counter() - t)
            decode(1)
            res = {"engine": "transformers", "dtype": name, "ttft_ms": 1000 * ttft,
                   "decode_bs1_tok_s": decode(1), "decode_bs8_tok_s": decode(BATCH)}
        print(json.dumps(res), flush=True)


def bench_peer(folder: Path, torch_python: str) -> list[dict]:
    proc = subprocess.run([torch_python, __file__, "--peer-worker", str(folder)], capture_output=True, text=True)
    if proc.returncode != 0:
        print(proc.stderr[-2000:], file=sys.stderr)
        return []
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


def table(rows: list[dict]) -> str:
    lines = ["| engine | weights | TTFT 128 tok (ms) | decode bs1 (tok/s) | decode 8 seqs (tok/s) | bs1 / bandwidth floor |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        floor = f"{r['bs1_vs_floor'] * 100:.0f}% of {r['bandwidth_floor_tok_s']:.0f}" if "bs1_vs_floor" in r else "-"
        lines.append(f"| {r['engine']} | {r['dtype']} | {r['ttft_ms']:.0f} | {r['decode_bs1_tok_s']:.1f} | "
                     f"{r['decode_bs8_tok_s']:.1f} | {floor} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vs-transformers", action="store_true")
    ap.add_argument("--torch-python", default="/tmp/torchenv/bin/python")
    ap.add_argument("--model-dir", default=os.path.join(tempfile.gettempdir(), "nleanjit-bench-smollm2-135m"))
    ap.add_argument("--dtypes", default="fp32,bf16,int8")
    ap.add_argument("--peer-worker", help=argparse.SUPPRESS)
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args(argv)
    if args.peer_worker:
        peer_worker(args.peer_worker)
        return 0
    sys.path.insert(0, str(ROOT))
    folder = make_model(Path(args.model_dir))
    bw = measure_bandwidth()
    print(f"memory bandwidth (copy, read+write): {bw:.1f} GB/s", flush=True)
    rows = []
    for fmt in args.dtypes.split(","):
        rows.append(bench_ours(folder, fmt, bw))
        print(json.dumps(rows[-1]), flush=True)
    if args.vs_transformers:
        rows.extend(bench_peer(folder, args.torch_python))
    emb = bench_minilm()
    print(table(rows))
    print(f"\nMiniLM one-sentence embedding: P50 {emb['minilm_one_sentence_p50_ms']:.2f} ms, "
          f"P90 {emb['minilm_one_sentence_p90_ms']:.2f} ms")
    print(f"memory bandwidth measured in this run: {bw:.1f} GB/s")
    if args.json:
        Path(args.json).write_text(json.dumps({"bandwidth_gb_s": bw, "rows": rows, **emb}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
