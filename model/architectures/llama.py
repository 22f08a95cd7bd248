"""The Llama-family decoder: Llama 2/3, Mistral, Qwen2 (q/k/v biases), Qwen3 (q/k RMSNorm).

Goes in: a :class:`~model.config.DecoderConfig`, the :class:`~model.loader.WeightStore` and a weight
format; comes out: :class:`LlamaWeights` (q/k/v and gate/up fused into one matrix each, so a
layer runs four linear layers), and :func:`forward`, which runs one step of continuous batching:
the new tokens of every active sequence, concatenated, each with its position and KV slot, and
returns the logits of the rows the caller asks for (one per sequence: its last new token).

The pass, per layer, in llama2.c's order::

    h = x + o_proj(attention(rope(q), rope(k), v))       q, k, v = split(qkv_proj(rmsnorm(x)))
    x = h + down_proj(silu(gate) * up)                   gate, up = split(gate_up_proj(rmsnorm(h)))
    logits = lm_head(rmsnorm(x))                         (lm_head is the embedding matrix when tied)
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..config import DecoderConfig
from ..loader import LinearWeight, LoadProgress, WeightStore, concat_rows, make_linear


@dataclass
class LlamaLayer:
    attn_norm: object          # (d,) f32
    qkv: LinearWeight          # (H*D + 2*KVH*D, d)
    q_norm: object | None      # (D,) f32, Qwen3 only
    k_norm: object | None
    o: LinearWeight            # (d, H*D)
    mlp_norm: object           # (d,) f32
    gate_up: LinearWeight      # (2I, d)
    down: LinearWeight         # (d, I)


@dataclass
class LlamaWeights:
    embed: LinearWeight        # (V, d) in the engine's format (rows are looked up)
    layers: list[LlamaLayer]
    final_norm: object         # (d,) f32
    lm_head: LinearWeight      # (V, d); the same object as ``embed`` when tied
    inv_freq: object           # (D/2,) f32 rotary inverse frequencies
    fmt: str

    def nbytes_per_token(self) -> int:
        """Weight bytes one decode step reads: every linear layer once, plus the lm_head."""
        n = sum(l.qkv.nbytes() + l.o.nbytes() + l.gate_up.nbytes() + l.down.nbytes() for l in self.layers)
        return n + self.lm_head.nbytes()


def load_weights(cfg: DecoderConfig, store: WeightStore, fmt: str, backend, label: str = "") -> LlamaWeights:
    d, D, H, KVH, inter = cfg.hidden_size, cfg.head_dim, cfg.num_heads, cfg.num_kv_heads, cfg.intermediate_size
    progress = LoadProgress(store.total_bytes(), label)

    def raw(name, shape):
        arr, dt = store.raw(name, shape)
        progress.advance(arr.nbytes)
        return arr, dt

    def vec(name, shape):
        return backend.from_host(np.ascontiguousarray(store.fp32(name, shape), np.float32))

    def bias(names_shapes):
        parts = [store.fp32(n, s) for n, s in names_shapes]
        return backend.from_host(np.ascontiguousarray(np.concatenate(parts), np.float32))

    def linear(parts, bias_parts=None):
        w, dt = concat_rows([raw(n, s) for n, s in parts]) if len(parts) > 1 else raw(*parts[0])
        b = bias(bias_parts) if bias_parts else None
        return backend.prepare_linear(make_linear(w, dt, fmt, b))

    embed_w, embed_dt = raw("model.embed_tokens.weight", (cfg.vocab_size, d))
    embed = backend.prepare_linear(make_linear(embed_w, embed_dt, fmt))
    layers = []
    for i in range(cfg.num_layers):
        p = f"model.layers.{i}."
        a = p + "self_attn."
        qkv_shapes = [(a + "q_proj.weight", (H * D, d)), (a + "k_proj.weight", (KVH * D, d)),
                      (a + "v_proj.weight", (KVH * D, d))]
        qkv_bias = [(a + "q_proj.bias", (H * D,)), (a + "k_proj.bias", (KVH * D,)),
                    (a + "v_proj.bias", (KVH * D,))] if cfg.attention_bias else None
        m = p + "mlp."
        layers.append(LlamaLayer(
            attn_norm=vec(p + "input_layernorm.weight", (d,)),
            qkv=linear(qkv_shapes, qkv_bias),
            q_norm=vec(a + "q_norm.weight", (D,)) if cfg.qk_norm else None,
            k_norm=vec(a + "k_norm.weight", (D,)) if cfg.qk_norm else None,
            o=linear([(a + "o_proj.weight", (d, H * D))], [(a + "o_proj.bias", (d,))] if cfg.o_bias else None),
            mlp_norm=vec(p + "post_attention_layernorm.weight", (d,)),
            gate_up=linear([(m + "gate_proj.weight", (inter, d)), (m + "up_proj.weight", (inter, d))],
                           [(m + "gate_proj.bias", (inter,)), (m + "up_proj.bias", (inter,))] if cfg.mlp_bias else None),
            down=linear([(m + "down_proj.weight", (d, inter))], [(m + "down_proj.bias", (d,))] if cfg.mlp_bias else None),
        ))
    final_norm = vec("model.norm.weight", (d,))
    if cfg.tie_word_embeddings or "lm_head.weight" not in store:
        lm_head = embed
    else:
        lm_head = linear([("lm_head.weight", (cfg.vocab_size, d))])
    progress.close()
    inv_freq = backend.from_host(np.asarray(cfg.rope_inv_freq(), np.float32))
    return LlamaWeights(embed, layers, final_norm, lm_head, inv_freq, fmt)


@dataclass(frozen=True)
class StepBatch:
    """One step's tokens, as host arrays (the forward pass moves them to the backend).

    token_ids, positions, seq_index, slots: (T,); block_tables: (S, max_blocks) int32;
    logit_rows: (n,) int64 rows of T whose logits are returned (in that order).
    """
    token_ids: np.ndarray
    positions: np.ndarray
    seq_index: np.ndarray
    slots: np.ndarray
    block_tables: np.ndarray
    logit_rows: np.ndarray


def forward(cfg: DecoderConfig, w: LlamaWeights, be, batch: StepBatch, kv_cache) -> np.ndarray:
    """Run one step; return host logits (len(batch.logit_rows), V) float32. Writes this step's K/V into kv_cache."""
    H, KVH, D = cfg.num_heads, cfg.num_kv_heads, cfg.head_dim
    T = batch.token_ids.shape[0]
    positions = be.from_host(batch.positions.astype(np.int32))
    seq_index = be.from_host(batch.seq_index.astype(np.int32))
    slots = be.from_host(batch.slots.astype(np.int32))
    tables = be.from_host(batch.block_tables.astype(np.int32))
    scale = 1.0 / math.sqrt(D)
    q_end, k_end = H * D, H * D + KVH * D

    x = be.embedding(w.embed, be.from_host(batch.token_ids.astype(np.int64)))
    for layer, (k_cache, v_cache) in zip(w.layers, kv_cache):
        h = be.rmsnorm(x, layer.attn_norm, cfg.rms_norm_eps)
        qkv = be.linear(h, layer.qkv)
        q, k, v = be.split_columns(qkv, (q_end, k_end))
        q = q.reshape(T, H, D)
        k = k.reshape(T, KVH, D)
        v = v.reshape(T, KVH, D)
        if layer.q_norm is not None:
            q = be.rmsnorm(q.reshape(T * H, D), layer.q_norm, cfg.rms_norm_eps).reshape(T, H, D)
            k = be.rmsnorm(k.reshape(T * KVH, D), layer.k_norm, cfg.rms_norm_eps).reshape(T, KVH, D)
        be.rope_(q, positions, w.inv_freq)
        be.rope_(k, positions, w.inv_freq)
        be.kv_write(k_cache, v_cache, k, v, slots)
        attn = be.paged_attention(q, k_cache, v_cache, tables, seq_index, positions, scale)
        be.add_(x, be.linear(attn.reshape(T, H * D), layer.o))
        h = be.rmsnorm(x, layer.mlp_norm, cfg.rms_norm_eps)
        be.add_(x, be.linear(be.silu_mul(be.linear(h, layer.gate_up)), layer.down))
    last = be.take_rows(x, be.from_host(batch.logit_rows.astype(np.int64)))
    logits = be.linear(be.rmsnorm(last, w.final_norm, cfg.rms_norm_eps), w.lm_head)
    return be.to_host(logits)
