#!/usr/bin/env python3
"""Benchmark the engine on a random-weight SmolLM2-135M-shaped model, and optionally its peers.

Measures, in one run on this machine (so the ratios are comparable even when other work shares
the cores): memory bandwidth (stream copies, read+write counted), time to first token for a
128-token prompt, decode tokens/s at batch 1 and aggregate over 8 sequences, for fp32/bf16/int8
weights, plus the bandwidth floor each format implies (weight bytes read per token / bandwidth),
and MiniLM's one-sentence embedding latency (P50).

    .venv/bin/python tools/bench_engine.py                     # our engine
    .venv/bin/python tools/bench_engine.py --vs-transformers   # + HF transformers (torch venv)
        [--torch-python /tmp/torchenv/bin/python]
    .venv/bin/python tools/bench_engine.py --vs-llamacpp       # + llama.cpp (llama-cpp-python venv)
        [--llama-python /tmp/llamaenv/bin/python]

Each peer runs in its own interpreter as ``<python> tools/bench_engine.py --peer-worker DIR``
(torch) or ``--llamacpp-worker DIR`` (llama-cpp-python and gguf); this script never imports
either.  The llama.cpp worker converts the benchmark's safetensors into GGUF files (F32, BF16,
Q8_0; written once next to it) with the ``gguf`` package and drives llama.cpp through
llama-cpp-python's low-level API, batching the 8 sequences into one ``llama_decode`` per step.
Set NUMBA_NUM_THREADS / OMP_NUM_THREADS to pin the thread count (2 here); the llama.cpp worker
uses OMP_NUM_THREADS threads.  ``--rounds N`` repeats the whole set N times (every engine once
per round, so load that comes and goes hits them alike) and reports each figure's best round.
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


def measure_bandwidth(mib: int = 512, reps: int = 10) -> dict:
    """GB/s of large array copies, counting bytes read plus bytes written (the issue's convention).

    Two copies of the same 512 MiB: numpy's ``copyto`` (one thread) and a Numba ``prange`` loop on
    Numba's threads (a stream copy); the faster one is the bandwidth the floors are computed from.
    """
    from numba import njit, prange

    @njit(parallel=True, cache=False)
    def stream_copy(src, dst):
        for i in prange(src.size):
            dst[i] = src[i]

    a = np.ones(mib << 18, np.float32)
    b = np.empty_like(a)
    stream_copy(a[:1024], b[:1024])      # compile

    def best(copy):
        t_best = float("inf")
        for _ in range(reps):
            t = time.perf_counter()
            copy()
            t_best = min(t_best, time.perf_counter() - t)
        return 2 * a.nbytes / t_best / 1e9

    numpy_gb_s = best(lambda: np.copyto(b, a))
    numba_gb_s = best(lambda: stream_copy(a, b))
    return {"numpy_copy_gb_s": numpy_gb_s, "numba_copy_gb_s": numba_gb_s,
            "bandwidth_gb_s": max(numpy_gb_s, numba_gb_s)}


def prompt_ids(n: int, seed: int) -> list[int]:
    return list(np.random.default_rng(seed).integers(3, SHAPE["vocab_size"], n))


def bench_ours(folder: Path, fmt: str) -> dict:
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
    return {"engine": "nleanjit", "dtype": fmt, "ttft_ms": 1000 * statistics.median(ttft),
            "decode_bs1_tok_s": bs1, "decode_bs8_tok_s": bs8,
            "weight_bytes_per_token": eng.weights.nbytes_per_token()}


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


# ---------------------------------------------------------------- the llama.cpp peer

LLAMACPP_FORMATS = ("F32", "BF16", "Q8_0")


def read_safetensors_f32(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of an all-F32 safetensors file, memory-mapped (the worker has no project code)."""
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + n)
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        if t["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} is {t['dtype']}, the converter reads F32 only")
        begin, end = t["data_offsets"]
        out[name] = data[begin:end].view(np.float32).reshape(t["shape"])
    return out


def gguf_path(folder: Path, fmt: str) -> Path:
    return folder / f"model-{fmt}.gguf"


def write_gguf(folder: Path, fmt: str) -> int:
    """Convert the benchmark model to ``model-<fmt>.gguf`` (llama architecture); return its weight bytes per token.

    What llama.cpp's converter does for a Llama: HF tensor names to GGUF ones, q/k rows permuted
    from Hugging Face's rotate-half rotary layout to GGML's interleaved one, 1-D norms kept F32,
    no ``output.weight`` when the embeddings are tied (llama.cpp then reads ``token_embd``).  The
    vocabulary is SentencePiece-style placeholders (<unk>, <s>, </s>, 256 byte tokens, then
    ``t<i>``): the benchmark feeds token ids, so only the count matters.  Bytes per token: every
    2-D tensor once (the tied embedding is read as the output matrix).
    """
    import gguf
    cfg = json.loads((folder / "config.json").read_text())
    t = read_safetensors_f32(folder / "model.safetensors")
    H, KVH, d = cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["hidden_size"]
    qtype = {"F32": gguf.GGMLQuantizationType.F32, "BF16": gguf.GGMLQuantizationType.BF16,
             "Q8_0": gguf.GGMLQuantizationType.Q8_0}[fmt]
    ftype = {"F32": gguf.LlamaFileType.ALL_F32, "BF16": gguf.LlamaFileType.MOSTLY_BF16,
             "Q8_0": gguf.LlamaFileType.MOSTLY_Q8_0}[fmt]
    w = gguf.GGUFWriter(str(gguf_path(folder, fmt)), "llama")
    w.add_name("nleanjit-bench-smollm2-135m")
    w.add_context_length(cfg["max_position_embeddings"])
    w.add_embedding_length(d)
    w.add_block_count(cfg["num_hidden_layers"])
    w.add_feed_forward_length(cfg["intermediate_size"])
    w.add_rope_dimension_count(d // H)
    w.add_head_count(H)
    w.add_head_count_kv(KVH)
    w.add_layer_norm_rms_eps(cfg["rms_norm_eps"])
    w.add_rope_freq_base(cfg["rope_theta"])
    w.add_vocab_size(cfg["vocab_size"])
    w.add_file_type(ftype)
    tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
    types = [gguf.TokenType.UNKNOWN, gguf.TokenType.CONTROL, gguf.TokenType.CONTROL] + [gguf.TokenType.BYTE] * 256
    tokens += [f"t{i}" for i in range(len(tokens), cfg["vocab_size"])]
    types += [gguf.TokenType.NORMAL] * (cfg["vocab_size"] - len(types))
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores([0.0] * len(tokens))
    w.add_token_types(types)
    w.add_bos_token_id(cfg["bos_token_id"])
    w.add_eos_token_id(cfg["eos_token_id"])

    def rotary_rows(m, heads):       # HF rotate-half pairs (i, i + D/2) -> GGML pairs (2i, 2i + 1)
        return m.reshape(heads, 2, m.shape[0] // heads // 2, m.shape[1]).swapaxes(1, 2).reshape(m.shape)

    names = {"model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
             "lm_head.weight": "output.weight"}
    per_layer = {"input_layernorm": "attn_norm", "post_attention_layernorm": "ffn_norm",
                 "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v",
                 "self_attn.o_proj": "attn_output", "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up",
                 "mlp.down_proj": "ffn_down"}
    for i in range(cfg["num_hidden_layers"]):
        for hf, gg in per_layer.items():
            names[f"model.layers.{i}.{hf}.weight"] = f"blk.{i}.{gg}.weight"
    bytes_per_token = 0
    for hf_name, gg_name in names.items():
        if hf_name not in t:
            continue
        a = np.asarray(t[hf_name], np.float32)
        if hf_name.endswith("q_proj.weight"):
            a = rotary_rows(a, H)
        elif hf_name.endswith("k_proj.weight"):
            a = rotary_rows(a, KVH)
        if a.ndim == 1 or qtype == gguf.GGMLQuantizationType.F32:
            data, raw = np.ascontiguousarray(a), None
        else:
            data, raw = gguf.quants.quantize(a, qtype), qtype
        if a.ndim == 2:
            bytes_per_token += data.nbytes
        w.add_tensor(gg_name, data, raw_dtype=raw)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return bytes_per_token


def llamacpp_worker(folder_arg: str, formats: list[str]) -> None:
    """Runs under the llama-cpp-python venv: the same measurements with llama.cpp, as JSON lines.

    llama.cpp's own defaults otherwise (flash attention as it picks, F16 KV cache); one context
    per format with room for 8 sequences, the KV cache cleared between measurements.
    """
    import ctypes
    import llama_cpp as L
    folder = Path(folder_arg)
    threads = int(os.environ.get("OMP_NUM_THREADS", "2"))
    vocab = json.loads((folder / "config.json").read_text())["vocab_size"]
    quiet = L.llama_log_callback(lambda level, text, user_data: None)   # its per-graph logs cost time
    L.llama_log_set(quiet, ctypes.c_void_p(0))
    L.llama_backend_init()
    for fmt in formats:
        path = gguf_path(folder, fmt)
        bytes_path = path.with_suffix(".bytes")
        if not path.is_file() or not bytes_path.is_file():
            bytes_path.write_text(str(write_gguf(folder, fmt)))
        mp = L.llama_model_default_params()
        model = L.llama_model_load_from_file(str(path).encode(), mp)
        if not model:
            raise RuntimeError(f"llama.cpp could not load {path}")
        cp = L.llama_context_default_params()
        cp.n_ctx, cp.n_batch, cp.n_ubatch, cp.n_seq_max = 2048, 512, 512, BATCH
        cp.n_threads = cp.n_threads_batch = threads
        cp.no_perf = True
        ctx = L.llama_init_from_model(model, cp)
        memory = L.llama_get_memory(ctx)
        batch = L.llama_batch_init(512, 0, 1)

        def decode(entries):
            """entries: (token, position, sequence, wants_logits) -> row -> argmax of the flagged rows."""
            for i, (tok, pos, seq, want) in enumerate(entries):
                batch.token[i], batch.pos[i], batch.n_seq_id[i] = int(tok), pos, 1
                batch.seq_id[i][0], batch.logits[i] = seq, 1 if want else 0
            batch.n_tokens = len(entries)
            if L.llama_decode(ctx, batch) != 0:
                raise RuntimeError("llama_decode failed")
            return {i: int(np.ctypeslib.as_array(L.llama_get_logits_ith(ctx, i), shape=(vocab,)).argmax())
                    for i, e in enumerate(entries) if e[3]}

        def ttft_once(seed):
            L.llama_memory_clear(memory, True)
            ids = prompt_ids(PROMPT_LEN, seed)
            t = time.perf_counter()
            decode([(tok, p, 0, p == PROMPT_LEN - 1) for p, tok in enumerate(ids)])
            return time.perf_counter() - t

        def decode_rate(nseq):
            L.llama_memory_clear(memory, True)
            prompts = [prompt_ids(16, 100 + s) if nseq > 1 else prompt_ids(16, 7) for s in range(nseq)]
            first = decode([(tok, p, s, p == 15) for s in range(nseq) for p, tok in enumerate(prompts[s])])
            nxt = [first[s * 16 + 15] for s in range(nseq)]
            t = time.perf_counter()
            for step in range(DECODE_TOKENS):
                out = decode([(nxt[s], 16 + step, s, True) for s in range(nseq)])
                nxt = [out[s] for s in range(nseq)]
            return nseq * DECODE_TOKENS / (time.perf_counter() - t)

        ttft_once(0)
        ttft = statistics.median(ttft_once(r + 1) for r in range(5))
        decode_rate(1)
        res = {"engine": "llama.cpp", "dtype": fmt, "ttft_ms": 1000 * ttft, "decode_bs1_tok_s": decode_rate(1),
               "decode_bs8_tok_s": decode_rate(BATCH), "weight_bytes_per_token": int(bytes_path.read_text())}
        L.llama_batch_free(batch)
        L.llama_free(ctx)
        L.llama_model_free(model)
        print(json.dumps(res), flush=True)


def bench_llamacpp(folder: Path, llama_python: str, formats: str) -> list[dict]:
    # the wait policy our engine sets (model/__init__.py): with spinning OpenMP waits llama.cpp's
    # two threads crawl whenever another process holds a core (4.6 against 56 tok/s measured here)
    env = dict(os.environ, OMP_WAIT_POLICY=os.environ.get("OMP_WAIT_POLICY", "PASSIVE"))
    proc = subprocess.run([llama_python, __file__, "--llamacpp-worker", str(folder), "--llamacpp-formats", formats],
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


def with_floor(row: dict, bytes_per_token: int, bandwidth_gb_s: float) -> dict:
    """Add the bandwidth floor (tok/s if every weight byte is read once per token at full bandwidth)."""
    floor = bandwidth_gb_s * 1e9 / bytes_per_token
    return dict(row, weight_mib_per_token=bytes_per_token / 2**20, bandwidth_floor_tok_s=floor,
                bs1_vs_floor=row["decode_bs1_tok_s"] / floor)


def table(rows: list[dict]) -> str:
    lines = ["| engine | weights | TTFT 128 tok (ms) | decode bs1 (tok/s) | decode 8 seqs (tok/s) | bs1 / bandwidth floor |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        floor = f"{r['bs1_vs_floor'] * 100:.0f}% of {r['bandwidth_floor_tok_s']:.0f}" if "bs1_vs_floor" in r else "-"
        lines.append(f"| {r['engine']} | {r['dtype']} | {r['ttft_ms']:.0f} | {r['decode_bs1_tok_s']:.1f} | "
                     f"{r['decode_bs8_tok_s']:.1f} | {floor} |")
    return "\n".join(lines)


def one_round(folder: Path, args) -> tuple[dict, list[dict]]:
    """Bandwidth, then our formats, then the peers asked for: (bandwidth figures, rows)."""
    bw = measure_bandwidth()
    print(f"memory bandwidth (copy, read+write): numpy {bw['numpy_copy_gb_s']:.1f} GB/s, "
          f"numba {bw['numba_copy_gb_s']:.1f} GB/s", flush=True)
    gb_s = bw["bandwidth_gb_s"]
    rows = []
    for fmt in filter(None, args.dtypes.split(",")):
        r = bench_ours(folder, fmt)
        rows.append(with_floor(r, r["weight_bytes_per_token"], gb_s))
        print(json.dumps(rows[-1]), flush=True)
    if args.vs_transformers:
        # transformers reads the same matrices as our fp32 / bf16 formats: the same bytes per token
        ours = {r["dtype"]: r["weight_bytes_per_token"] for r in rows}
        for r in bench_peer(folder, args.torch_python):
            rows.append(with_floor(dict(r, weight_bytes_per_token=ours[r["dtype"]]), ours[r["dtype"]], gb_s)
                        if r["dtype"] in ours else r)
            print(json.dumps(rows[-1]), flush=True)
    if args.vs_llamacpp:
        for r in bench_llamacpp(folder, args.llama_python, args.llamacpp_formats):
            rows.append(with_floor(r, r["weight_bytes_per_token"], gb_s))
            print(json.dumps(rows[-1]), flush=True)
    if len(rows) > 0:
        print(table(rows), flush=True)
    return bw, rows


def best_of(rounds: list[tuple[dict, list[dict]]], gb_s: float) -> list[dict]:
    """Per (engine, weights): the lowest TTFT and highest decode rates over the rounds.

    On a machine shared with other jobs, load only ever slows a measurement down, so each
    figure's best round is the closest to what the engine does on its own.
    """
    best: dict[tuple, dict] = {}
    for _, rows in rounds:
        for r in rows:
            key = (r["engine"], r["dtype"])
            if key not in best:
                best[key] = dict(r)
                continue
            b = best[key]
            b["ttft_ms"] = min(b["ttft_ms"], r["ttft_ms"])
            b["decode_bs1_tok_s"] = max(b["decode_bs1_tok_s"], r["decode_bs1_tok_s"])
            b["decode_bs8_tok_s"] = max(b["decode_bs8_tok_s"], r["decode_bs8_tok_s"])
    return [with_floor(b, b["weight_bytes_per_token"], gb_s) if "weight_bytes_per_token" in b else b
            for b in best.values()]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vs-transformers", action="store_true")
    ap.add_argument("--torch-python", default="/tmp/torchenv/bin/python")
    ap.add_argument("--vs-llamacpp", action="store_true")
    ap.add_argument("--llama-python", default="/tmp/llamaenv/bin/python")
    ap.add_argument("--llamacpp-formats", default=",".join(LLAMACPP_FORMATS))
    ap.add_argument("--model-dir", default=os.path.join(tempfile.gettempdir(), "nleanjit-bench-smollm2-135m"))
    ap.add_argument("--dtypes", default="fp32,bf16,int8", help="our formats to run ('' for none)")
    ap.add_argument("--no-minilm", action="store_true", help="skip the MiniLM embedding latency")
    ap.add_argument("--peer-worker", help=argparse.SUPPRESS)
    ap.add_argument("--llamacpp-worker", help=argparse.SUPPRESS)
    ap.add_argument("--rounds", type=int, default=1,
                    help="repeat everything this many times and report each figure's best round")
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args(argv)
    if args.peer_worker:
        peer_worker(args.peer_worker)
        return 0
    if args.llamacpp_worker:
        llamacpp_worker(args.llamacpp_worker, args.llamacpp_formats.split(","))
        return 0
    sys.path.insert(0, str(ROOT))
    folder = make_model(Path(args.model_dir))
    rounds = [one_round(folder, args) for _ in range(args.rounds)]
    bw = {k: max(r[0][k] for r in rounds) for k in rounds[0][0]}
    gb_s = bw["bandwidth_gb_s"]
    rows = best_of(rounds, gb_s)
    emb = {} if args.no_minilm else bench_minilm()
    if args.rounds > 1:
        print(f"\nbest of {args.rounds} rounds (each figure its best round; floors from the best bandwidth):")
    print(table(rows))
    if emb:
        print(f"\nMiniLM one-sentence embedding: P50 {emb['minilm_one_sentence_p50_ms']:.2f} ms, "
              f"P90 {emb['minilm_one_sentence_p90_ms']:.2f} ms")
    print(f"memory bandwidth measured in this run: {gb_s:.1f} GB/s (numpy copy {bw['numpy_copy_gb_s']:.1f}, "
          f"numba stream copy {bw['numba_copy_gb_s']:.1f})")
    if args.json:
        Path(args.json).write_text(json.dumps({**bw, "rows": rows, **emb,
                                               "rounds": [{**b, "rows": r} for b, r in rounds]}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
