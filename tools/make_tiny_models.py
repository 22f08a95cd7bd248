#!/usr/bin/env python3
"""Make the small random-weight models the engine is tested with, in the Hugging Face layout.

Outputs (fixed seed, so a rerun gives the same weights; the tokenizers are trained on the Lean
corpus, and BPE training is deterministic for a fixed input order):

- ``tests/model/fixtures/tokenizer-bpe/``: a byte-level BPE tokenizer (512 tokens + specials)
- ``tests/model/fixtures/tiny-llama/``  LlamaForCausalLM, fp32, untied lm_head, GQA, llama3 rope scaling
- ``tests/model/fixtures/tiny-qwen2/``  Qwen2ForCausalLM, bf16 weights, tied, q/k/v biases
- ``tests/model/fixtures/tiny-qwen3/``  Qwen3ForCausalLM, fp32, tied, q/k norm, head_dim != hidden/heads
- ``tests/model/fixtures/tiny-bert/``   BertModel + sentence-transformers pooling files, WordPiece tokenizer
- ``tests/model/fixtures/cuda-{llama,qwen3,bert}/``  even smaller models (64 words) for the CUDA simulator tests

The default chat model (``model/default/``) is no longer made here: it is a trained model, made by
``tools/train_default_model.py``.  ``save_decoder(..., chat=True)`` still writes the ChatML layout.

Usage: ``.venv/bin/python tools/make_tiny_models.py [--only NAME ...]``
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from model.kernels.reference import fp32_to_bf16  # noqa: E402
from model.loader import save_safetensors  # noqa: E402

FIXTURES = ROOT / "tests" / "model" / "fixtures"
SEED = 20240611
BPE_VOCAB = 512
SPECIALS = ["<|bos|>", "<|eos|>", "<|pad|>", "<|im_start|>", "<|im_end|>"]
CHAT_TEMPLATE = (
    "{{ bos_token }}"
    "{% for message in messages %}"
    "{% if message['role'] not in ['system', 'user', 'assistant'] %}"
    "{{ raise_exception('unknown role: ' + message['role']) }}"
    "{% endif %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


def corpus_files() -> list[Path]:
    roots = [Path("/work/shared/lean4-corpus"), ROOT / "corpus"]
    return sorted(p for r in roots if r.is_dir() for p in r.rglob("*.lean"))


def corpus_lines() -> list[str]:
    lines = []
    for p in corpus_files():
        try:
            lines.extend(p.read_text(encoding="utf-8").splitlines(keepends=True))
        except UnicodeDecodeError:
            continue
    return lines


def train_bpe(lines: list[str]) -> Tokenizer:
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=BPE_VOCAB + len(SPECIALS), special_tokens=SPECIALS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(lines, trainer)
    bos = tok.token_to_id("<|bos|>")
    tok.post_processor = processors.TemplateProcessing(
        single="<|bos|> $A", pair="<|bos|> $A <|bos|> $B", special_tokens=[("<|bos|>", bos)])
    return tok


def train_wordpiece(lines: list[str]) -> Tokenizer:
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(vocab_size=512, special_tokens=specials, show_progress=False)
    tok.train_from_iterator(lines, trainer)
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", tok.token_to_id("[CLS]")), ("[SEP]", tok.token_to_id("[SEP]"))])
    return tok


def write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def decoder_tensors(rng, cfg: dict, with_qkv_bias: bool, qk_norm: bool) -> dict[str, np.ndarray]:
    d, inter, V = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    H, KVH = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    D = cfg.get("head_dim", d // H)

    def lin(o, i):
        return (rng.standard_normal((o, i)) / np.sqrt(i)).astype(np.float32)

    def norm(n):
        return (1.0 + 0.1 * rng.standard_normal(n)).astype(np.float32)

    t = {"model.embed_tokens.weight": (rng.standard_normal((V, d)) * 2 / np.sqrt(d)).astype(np.float32),
         "model.norm.weight": norm(d)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        t[p + "input_layernorm.weight"] = norm(d)
        t[p + "post_attention_layernorm.weight"] = norm(d)
        for name, o in (("q", H * D), ("k", KVH * D), ("v", KVH * D)):
            t[p + f"self_attn.{name}_proj.weight"] = lin(o, d)
            if with_qkv_bias:
                t[p + f"self_attn.{name}_proj.bias"] = (0.1 * rng.standard_normal(o)).astype(np.float32)
        t[p + "self_attn.o_proj.weight"] = lin(d, H * D)
        if qk_norm:
            t[p + "self_attn.q_norm.weight"] = norm(D)
            t[p + "self_attn.k_norm.weight"] = norm(D)
        t[p + "mlp.gate_proj.weight"] = lin(inter, d)
        t[p + "mlp.up_proj.weight"] = lin(inter, d)
        t[p + "mlp.down_proj.weight"] = lin(d, inter)
    if not cfg.get("tie_word_embeddings", False):
        t["lm_head.weight"] = (rng.standard_normal((V, d)) * 2 / np.sqrt(d)).astype(np.float32)
    return t


def save_decoder(out: Path, cfg: dict, tensors: dict, tok: Tokenizer, bf16: bool, chat: bool = False) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    write_json(out / "config.json", cfg)
    if bf16:
        tensors = {k: ("BF16", fp32_to_bf16(v)) for k, v in tensors.items()}
    save_safetensors(out / "model.safetensors", tensors, {"format": "pt"})
    tok.save(str(out / "tokenizer.json"))
    tcfg = {"bos_token": "<|bos|>", "eos_token": "<|im_end|>" if chat else "<|eos|>", "pad_token": "<|pad|>",
            "model_max_length": cfg["max_position_embeddings"], "tokenizer_class": "PreTrainedTokenizerFast",
            "clean_up_tokenization_spaces": False}
    if chat:
        tcfg["chat_template"] = CHAT_TEMPLATE
    write_json(out / "tokenizer_config.json", tcfg)
    eos = [tok.token_to_id("<|im_end|>"), tok.token_to_id("<|eos|>")] if chat else tok.token_to_id("<|eos|>")
    gen = {"bos_token_id": tok.token_to_id("<|bos|>"), "eos_token_id": eos}
    if chat:
        gen.update({"do_sample": True, "temperature": 0.7, "top_p": 0.9})
    write_json(out / "generation_config.json", gen)


def base_decoder_config(arch: str, model_type: str, tok: Tokenizer, **kw) -> dict:
    cfg = {
        "architectures": [arch], "model_type": model_type,
        "vocab_size": tok.get_vocab_size(), "hidden_size": 48, "intermediate_size": 96,
        "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
        "max_position_embeddings": 256, "rms_norm_eps": 1e-6, "rope_theta": 10000.0,
        "tie_word_embeddings": True, "hidden_act": "silu", "torch_dtype": "float32",
        "bos_token_id": tok.token_to_id("<|bos|>"), "eos_token_id": tok.token_to_id("<|eos|>"),
    }
    cfg.update(kw)
    return cfg


def make_bert(out: Path, tok: Tokenizer, rng, d: int = 32, inter: int = 64, heads: int = 4) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    V, P = tok.get_vocab_size(), 64
    cfg = {"architectures": ["BertModel"], "model_type": "bert", "vocab_size": V, "hidden_size": d,
           "num_hidden_layers": 2, "num_attention_heads": heads, "intermediate_size": inter,
           "hidden_act": "gelu", "max_position_embeddings": P, "type_vocab_size": 2,
           "layer_norm_eps": 1e-12, "pad_token_id": 0, "position_embedding_type": "absolute",
           "torch_dtype": "float32"}
    write_json(out / "config.json", cfg)

    def lin(o, i):
        return (rng.standard_normal((o, i)) / np.sqrt(i)).astype(np.float32)

    def vec(n, s=0.1, base=0.0):
        return (base + s * rng.standard_normal(n)).astype(np.float32)

    t = {"embeddings.word_embeddings.weight": rng.standard_normal((V, d)).astype(np.float32),
         "embeddings.position_embeddings.weight": (0.3 * rng.standard_normal((P, d))).astype(np.float32),
         "embeddings.token_type_embeddings.weight": (0.3 * rng.standard_normal((2, d))).astype(np.float32),
         "embeddings.LayerNorm.weight": vec(d, base=1.0), "embeddings.LayerNorm.bias": vec(d)}
    for i in range(2):
        p = f"encoder.layer.{i}."
        for n in ("query", "key", "value"):
            t[p + f"attention.self.{n}.weight"] = lin(d, d)
            t[p + f"attention.self.{n}.bias"] = vec(d)
        t[p + "attention.output.dense.weight"] = lin(d, d)
        t[p + "attention.output.dense.bias"] = vec(d)
        t[p + "attention.output.LayerNorm.weight"] = vec(d, base=1.0)
        t[p + "attention.output.LayerNorm.bias"] = vec(d)
        t[p + "intermediate.dense.weight"] = lin(inter, d)
        t[p + "intermediate.dense.bias"] = vec(inter)
        t[p + "output.dense.weight"] = lin(d, inter)
        t[p + "output.dense.bias"] = vec(d)
        t[p + "output.LayerNorm.weight"] = vec(d, base=1.0)
        t[p + "output.LayerNorm.bias"] = vec(d)
    save_safetensors(out / "model.safetensors", t, {"format": "pt"})
    tok.save(str(out / "tokenizer.json"))
    write_json(out / "tokenizer_config.json", {"do_lower_case": True, "cls_token": "[CLS]", "sep_token": "[SEP]",
                                              "pad_token": "[PAD]", "unk_token": "[UNK]", "mask_token": "[MASK]",
                                              "model_max_length": P, "tokenizer_class": "BertTokenizer"})
    write_json(out / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}])
    (out / "1_Pooling").mkdir()
    write_json(out / "1_Pooling" / "config.json", {
        "word_embedding_dimension": d, "pooling_mode_cls_token": False, "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False})
    write_json(out / "sentence_bert_config.json", {"max_seq_length": 48, "do_lower_case": False})


CUDA_VOCAB = 64


def word_tokenizer(size: int) -> Tokenizer:
    """A word-level tokenizer of exactly ``size`` ids: the special tokens, then ``w5``, ``w6``, ..."""
    vocab = {t: i for i, t in enumerate(SPECIALS)}
    vocab.update({f"w{i}": i for i in range(len(SPECIALS), size)})
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<|pad|>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.decoder = decoders.WordPiece(prefix="##")      # joins words with spaces
    return tok


def make_cuda_fixtures() -> None:
    """The decoders of ``tests/model/test_cuda_engine.py``: shapes small enough for the CUDA simulator.

    The simulator runs every CUDA thread as a Python thread, so its cost is the number of threads
    launched, and above all the warp shuffles (a barrier of 32 Python threads each): the matvec
    kernels (one warp per output row of every linear layer and the lm_head) and attention (128
    threads per token and head) dominate.  Hence 64 words, hidden size 16 and few heads, while
    keeping what the test is for: GQA, llama3 rope scaling and an untied lm_head (Llama); q/k
    RMSNorm, a head dimension that is not hidden / heads, a tied lm_head and one KV head (Qwen3);
    biases, LayerNorm, GELU and encoder attention (BERT, with the word-level tokenizer: the test
    passes token ids).
    """
    tok = word_tokenizer(CUDA_VOCAB)
    small = dict(hidden_size=16, intermediate_size=32, max_position_embeddings=64)
    rng = np.random.default_rng(SEED + 11)
    cfg = base_decoder_config("LlamaForCausalLM", "llama", tok, **small, num_attention_heads=4,
                              num_key_value_heads=2, tie_word_embeddings=False,
                              rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                            "high_freq_factor": 4.0, "original_max_position_embeddings": 16})
    save_decoder(FIXTURES / "cuda-llama", cfg, decoder_tensors(rng, cfg, False, False), tok, bf16=False)
    rng = np.random.default_rng(SEED + 13)
    cfg = base_decoder_config("Qwen3ForCausalLM", "qwen3", tok, **small, num_attention_heads=2,
                              num_key_value_heads=1, head_dim=12, rope_theta=1000000.0)
    save_decoder(FIXTURES / "cuda-qwen3", cfg, decoder_tensors(rng, cfg, False, True), tok, bf16=False)
    make_bert(FIXTURES / "cuda-bert", tok, np.random.default_rng(SEED + 14), d=16, inter=32, heads=2)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", choices=["llama", "qwen2", "qwen3", "bert", "cuda"],
                    help="subset of: llama qwen2 qwen3 bert cuda")
    args = ap.parse_args(argv)
    only = set(args.only or ["llama", "qwen2", "qwen3", "bert", "cuda"])
    lines = corpus_lines()
    if not lines:
        print("no .lean files found under /work/shared/lean4-corpus or corpus/", file=sys.stderr)
        return 1
    bpe = train_bpe(lines)
    (FIXTURES / "tokenizer-bpe").mkdir(parents=True, exist_ok=True)
    bpe.save(str(FIXTURES / "tokenizer-bpe" / "tokenizer.json"))
    if "llama" in only:
        rng = np.random.default_rng(SEED + 1)
        cfg = base_decoder_config("LlamaForCausalLM", "llama", bpe, tie_word_embeddings=False,
                                  rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                                "high_freq_factor": 4.0, "original_max_position_embeddings": 64})
        save_decoder(FIXTURES / "tiny-llama", cfg, decoder_tensors(rng, cfg, False, False), bpe, bf16=False)
    if "qwen2" in only:
        rng = np.random.default_rng(SEED + 2)
        cfg = base_decoder_config("Qwen2ForCausalLM", "qwen2", bpe, torch_dtype="bfloat16", rope_theta=1000000.0)
        save_decoder(FIXTURES / "tiny-qwen2", cfg, decoder_tensors(rng, cfg, True, False), bpe, bf16=True)
    if "qwen3" in only:
        rng = np.random.default_rng(SEED + 3)
        cfg = base_decoder_config("Qwen3ForCausalLM", "qwen3", bpe, head_dim=16, num_key_value_heads=1,
                                  rope_theta=1000000.0)
        cfg.pop("torch_dtype")
        cfg["dtype"] = "float32"          # the transformers 5.x spelling
        save_decoder(FIXTURES / "tiny-qwen3", cfg, decoder_tensors(rng, cfg, False, True), bpe, bf16=False)
    if "cuda" in only:
        make_cuda_fixtures()
    if "bert" in only:
        make_bert(FIXTURES / "tiny-bert", train_wordpiece(lines), np.random.default_rng(SEED + 4))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
