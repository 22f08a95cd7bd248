"""The BERT encoder as sentence-transformers uses it (all-MiniLM-L6-v2): token ids -> pooled unit vectors.

Goes in: an :class:`~model.config.EncoderConfig`, the weights (tensor names with or without the
``bert.`` prefix) and a padded batch ``ids: (B, L)`` with its attention ``mask: (B, L)``.  Comes out:
``(B, d)`` float32 sentence vectors, pooled as the model folder's ``modules.json`` says (mean over
real tokens for MiniLM) and L2-normalized when a ``Normalize`` module is listed.

Per layer (post-norm, as in the original BERT)::

    x = layernorm(x + dense(attention(q, k, v, mask)))      q, k, v = split(qkv(x))
    x = layernorm(x + output(gelu(intermediate(x))))
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..config import EncoderConfig
from ..errors import ConfigError
from ..loader import LinearWeight, LoadProgress, WeightStore, concat_rows, make_linear


@dataclass
class BertLayer:
    qkv: LinearWeight
    attn_out: LinearWeight
    ln1: tuple
    inter: LinearWeight
    out: LinearWeight
    ln2: tuple


@dataclass
class BertWeights:
    word: LinearWeight
    position: LinearWeight
    token_type: LinearWeight
    emb_ln: tuple
    layers: list[BertLayer]


def load_weights(cfg: EncoderConfig, store: WeightStore, fmt: str, backend, label: str = "") -> BertWeights:
    pre = "bert." if "bert.embeddings.word_embeddings.weight" in store else ""
    d, inter = cfg.hidden_size, cfg.intermediate_size
    progress = LoadProgress(store.total_bytes(), label)

    def vec(name, n):
        return backend.from_host(np.ascontiguousarray(store.fp32(pre + name, (n,)), np.float32))

    def table(name, rows):
        w = np.ascontiguousarray(store.fp32(pre + name, (rows, d)), np.float32)
        progress.advance(w.nbytes)
        return backend.prepare_linear(LinearWeight("fp32", w))

    def linear(names, n_out, n_in):
        parts = [store.raw(pre + n + ".weight", (o, n_in)) for n, o in zip(names, n_out)]
        w, dt = concat_rows(parts) if len(parts) > 1 else parts[0]
        progress.advance(w.nbytes)
        b = np.concatenate([store.fp32(pre + n + ".bias", (o,)) for n, o in zip(names, n_out)]).astype(np.float32)
        return backend.prepare_linear(make_linear(w, dt, fmt, backend.from_host(b)))

    def ln(name):
        return vec(name + ".weight", d), vec(name + ".bias", d)

    if cfg.hidden_act not in ("gelu", "gelu_python"):
        raise ConfigError(store.model_dir / "config.json", f"unsupported hidden_act {cfg.hidden_act!r} (supported: gelu)")
    layers = []
    for i in range(cfg.num_layers):
        p = f"encoder.layer.{i}."
        a = p + "attention.self."
        layers.append(BertLayer(
            qkv=linear([a + "query", a + "key", a + "value"], [d, d, d], d),
            attn_out=linear([p + "attention.output.dense"], [d], d),
            ln1=ln(p + "attention.output.LayerNorm"),
            inter=linear([p + "intermediate.dense"], [inter], d),
            out=linear([p + "output.dense"], [d], inter),
            ln2=ln(p + "output.LayerNorm"),
        ))
    weights = BertWeights(
        word=table("embeddings.word_embeddings.weight", cfg.vocab_size),
        position=table("embeddings.position_embeddings.weight", cfg.max_position_embeddings),
        token_type=table("embeddings.token_type_embeddings.weight", cfg.type_vocab_size),
        emb_ln=ln("embeddings.LayerNorm"),
        layers=layers,
    )
    progress.close()
    return weights


def forward(cfg: EncoderConfig, w: BertWeights, be, ids: np.ndarray, mask: np.ndarray):
    """ids, mask: (B, L) int host arrays -> (B, d) float32 host array of sentence vectors."""
    B, L = ids.shape
    d, H, D = cfg.hidden_size, cfg.num_heads, cfg.head_dim
    eps = cfg.layer_norm_eps
    flat_ids = be.from_host(ids.reshape(-1).astype(np.int64))
    pos_ids = be.from_host(np.tile(np.arange(L, dtype=np.int64), B))
    type_ids = be.from_host(np.zeros(B * L, np.int64))
    dev_mask = be.from_host(mask.astype(np.int32))
    x = be.embedding(w.word, flat_ids)
    be.add_(x, be.embedding(w.position, pos_ids))
    be.add_(x, be.embedding(w.token_type, type_ids))
    x = be.layernorm(x, *w.emb_ln, eps)
    scale = 1.0 / math.sqrt(D)
    for layer in w.layers:
        q, k, v = be.split_columns(be.linear(x, layer.qkv), (d, 2 * d))
        attn = be.encoder_attention(q.reshape(B, L, H, D), k.reshape(B, L, H, D), v.reshape(B, L, H, D),
                                    dev_mask, scale)
        x = be.layernorm(be.add_(be.linear(attn.reshape(B * L, d), layer.attn_out), x), *layer.ln1, eps)
        h = be.gelu_(be.linear(x, layer.inter))
        x = be.layernorm(be.add_(be.linear(h, layer.out), x), *layer.ln2, eps)
    x = x.reshape(B, L, d)
    pool = {"mean": be.mean_pool, "cls": be.cls_pool, "max": be.max_pool}[cfg.pooling]
    vectors = pool(x, dev_mask)
    if cfg.normalize:
        vectors = be.l2_normalize(vectors)
    return be.to_host(vectors)
