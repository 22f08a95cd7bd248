"""Model configuration: a Hugging Face ``config.json`` -> one frozen data class.

``read_config(model_dir)`` returns a :class:`DecoderConfig` (Llama, Mistral, Qwen2, Qwen3) or an
:class:`EncoderConfig` (BERT, with the sentence-transformers pooling read from ``modules.json`` and
``1_Pooling/config.json``).  Both the transformers 4.x spellings (``rope_theta``, ``rope_scaling``,
``torch_dtype``) and the 5.x ones (``rope_parameters``, ``dtype``) are accepted.  Nothing downstream
reads ``config.json`` again: the kernels and architectures take their numbers from here.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError, ModelFileMissing, UnsupportedArchitecture

DECODER_ARCHITECTURES = {
    "LlamaForCausalLM": "llama",
    "MistralForCausalLM": "mistral",
    "Qwen2ForCausalLM": "qwen2",
    "Qwen3ForCausalLM": "qwen3",
}
ENCODER_ARCHITECTURES = {"BertModel": "bert", "BertForMaskedLM": "bert"}
SUPPORTED_ARCHITECTURES = set(DECODER_ARCHITECTURES) | set(ENCODER_ARCHITECTURES)


@dataclass(frozen=True)
class RopeScaling:
    """``rope_type`` is "default", "linear" or "llama3"; the other fields are used by llama3 only."""
    rope_type: str = "default"
    factor: float = 1.0
    low_freq_factor: float = 1.0
    high_freq_factor: float = 4.0
    original_max_position_embeddings: int = 8192


@dataclass(frozen=True)
class DecoderConfig:
    architecture: str
    model_type: str
    vocab_size: int
    hidden_size: int
    intermediate_size: int
    num_layers: int
    num_heads: int
    num_kv_heads: int
    head_dim: int
    rms_norm_eps: float
    rope_theta: float
    rope_scaling: RopeScaling
    context_length: int
    tie_word_embeddings: bool
    attention_bias: bool        # q/k/v projections carry a bias (Qwen2, or Llama with attention_bias)
    o_bias: bool                # o_proj carries a bias (Llama attention_bias=True only)
    mlp_bias: bool
    qk_norm: bool               # per-head RMSNorm of q and k before RoPE (Qwen3)
    torch_dtype: str            # the checkpoint's dtype as config.json states it: float32, bfloat16, float16
    bos_token_id: int | None = None
    eos_token_ids: tuple[int, ...] = ()
    kind: str = field(default="decoder", init=False)

    def rope_inv_freq(self) -> "list[float]":
        """The (head_dim/2,) inverse frequencies, with linear or llama3 scaling applied."""
        half = self.head_dim // 2
        inv = [1.0 / (self.rope_theta ** (2 * i / self.head_dim)) for i in range(half)]
        rs = self.rope_scaling
        if rs.rope_type == "linear":
            return [f / rs.factor for f in inv]
        if rs.rope_type == "llama3":
            low_wavelen = rs.original_max_position_embeddings / rs.low_freq_factor
            high_wavelen = rs.original_max_position_embeddings / rs.high_freq_factor
            out = []
            for f in inv:
                wavelen = 2 * math.pi / f
                if wavelen < high_wavelen:
                    out.append(f)
                elif wavelen > low_wavelen:
                    out.append(f / rs.factor)
                else:
                    smooth = (rs.original_max_position_embeddings / wavelen - rs.low_freq_factor) / (
                        rs.high_freq_factor - rs.low_freq_factor)
                    out.append((1 - smooth) * f / rs.factor + smooth * f)
            return out
        return inv


@dataclass(frozen=True)
class EncoderConfig:
    architecture: str
    model_type: str
    vocab_size: int
    hidden_size: int
    intermediate_size: int
    num_layers: int
    num_heads: int
    max_position_embeddings: int
    type_vocab_size: int
    layer_norm_eps: float
    hidden_act: str
    torch_dtype: str
    max_seq_length: int          # sentence-transformers' limit (sentence_bert_config.json), else the position limit
    pooling: str = "mean"        # "mean" | "cls" | "max"
    normalize: bool = True
    kind: str = field(default="encoder", init=False)

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_heads


def read_json(path: Path, required: bool = True) -> dict | None:
    if not path.is_file():
        if required:
            raise ModelFileMissing(path)
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ConfigError(path, f"not valid JSON ({e})") from None
    if not isinstance(data, dict):
        raise ConfigError(path, "expected a JSON object")
    return data


def _get(cfg: dict, path: Path, *names, default=None, required=True):
    for n in names:
        if n in cfg and cfg[n] is not None:
            return cfg[n]
    if required and default is None:
        raise ConfigError(path, f"missing field {names[0]!r}")
    return default


def _int(cfg, path, *names, default=None, required=True) -> int:
    v = _get(cfg, path, *names, default=default, required=required)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)) or int(v) != v or v < 0:
        raise ConfigError(path, f"field {names[0]!r} must be a non-negative integer, got {v!r}")
    return int(v)


def _rope(cfg: dict, path: Path) -> tuple[float, RopeScaling]:
    params = cfg.get("rope_parameters") or {}
    scaling = cfg.get("rope_scaling") or {}
    if params and not scaling:
        scaling = params
    theta = float(params.get("rope_theta", cfg.get("rope_theta", 10000.0)))
    rtype = scaling.get("rope_type", scaling.get("type", "default")) if scaling else "default"
    if rtype not in ("default", "linear", "llama3"):
        raise ConfigError(path, f"unsupported rope scaling type {rtype!r} (supported: default, linear, llama3)")
    return theta, RopeScaling(
        rope_type=rtype,
        factor=float(scaling.get("factor", 1.0)),
        low_freq_factor=float(scaling.get("low_freq_factor", 1.0)),
        high_freq_factor=float(scaling.get("high_freq_factor", 4.0)),
        original_max_position_embeddings=int(scaling.get("original_max_position_embeddings", 8192)),
    )


def _eos_ids(value) -> tuple[int, ...]:
    if value is None:
        return ()
    if isinstance(value, int):
        return (value,)
    return tuple(int(v) for v in value)


def read_config(model_dir: Path) -> DecoderConfig | EncoderConfig:
    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise ModelFileMissing(model_dir, "model folder")
    path = model_dir / "config.json"
    cfg = read_json(path)
    archs = cfg.get("architectures") or []
    if not archs:
        mt = cfg.get("model_type")
        guess = {"llama": "LlamaForCausalLM", "mistral": "MistralForCausalLM", "qwen2": "Qwen2ForCausalLM",
                 "qwen3": "Qwen3ForCausalLM", "bert": "BertModel"}.get(mt)
        if guess is None:
            raise UnsupportedArchitecture(str(mt), path, SUPPORTED_ARCHITECTURES)
        archs = [guess]
    arch = archs[0]
    dtype = str(cfg.get("dtype") or cfg.get("torch_dtype") or "float32")
    if arch in DECODER_ARCHITECTURES:
        return _decoder(cfg, path, arch, dtype)
    if arch in ENCODER_ARCHITECTURES:
        return _encoder(cfg, path, model_dir, arch, dtype)
    raise UnsupportedArchitecture(arch, path, SUPPORTED_ARCHITECTURES)


def _decoder(cfg: dict, path: Path, arch: str, dtype: str) -> DecoderConfig:
    model_type = DECODER_ARCHITECTURES[arch]
    hidden = _int(cfg, path, "hidden_size")
    heads = _int(cfg, path, "num_attention_heads")
    kv_heads = _int(cfg, path, "num_key_value_heads", default=heads)
    if heads == 0 or kv_heads == 0 or heads % kv_heads:
        raise ConfigError(path, f"num_attention_heads={heads} is not a multiple of num_key_value_heads={kv_heads}")
    head_dim = _int(cfg, path, "head_dim", default=hidden // heads)
    if head_dim % 2:
        raise ConfigError(path, f"head_dim={head_dim} must be even for rotary embeddings")
    theta, scaling = _rope(cfg, path)
    attention_bias = bool(cfg.get("attention_bias", False)) or model_type == "qwen2"
    context = _int(cfg, path, "max_position_embeddings", default=2048)
    # Sliding-window attention (Mistral; Qwen2/3 with use_sliding_window) equals full attention
    # while a sequence is no longer than the window, so the context is capped there instead of
    # implementing the window.
    window = cfg.get("sliding_window")
    if isinstance(window, int) and window > 0 and (model_type == "mistral" or cfg.get("use_sliding_window")):
        context = min(context, window)
    return DecoderConfig(
        architecture=arch, model_type=model_type,
        vocab_size=_int(cfg, path, "vocab_size"), hidden_size=hidden,
        intermediate_size=_int(cfg, path, "intermediate_size"),
        num_layers=_int(cfg, path, "num_hidden_layers"), num_heads=heads, num_kv_heads=kv_heads,
        head_dim=head_dim, rms_norm_eps=float(cfg.get("rms_norm_eps", 1e-6)),
        rope_theta=theta, rope_scaling=scaling,
        context_length=context,
        tie_word_embeddings=bool(cfg.get("tie_word_embeddings", False)),
        attention_bias=attention_bias,
        o_bias=bool(cfg.get("attention_bias", False)) and model_type != "qwen2",
        mlp_bias=bool(cfg.get("mlp_bias", False)),
        qk_norm=model_type == "qwen3",
        torch_dtype=dtype,
        bos_token_id=cfg.get("bos_token_id"),
        eos_token_ids=_eos_ids(cfg.get("eos_token_id")),
    )


def _encoder(cfg: dict, path: Path, model_dir: Path, arch: str, dtype: str) -> EncoderConfig:
    hidden = _int(cfg, path, "hidden_size")
    heads = _int(cfg, path, "num_attention_heads")
    if heads == 0 or hidden % heads:
        raise ConfigError(path, f"hidden_size={hidden} is not a multiple of num_attention_heads={heads}")
    if cfg.get("position_embedding_type", "absolute") != "absolute":
        raise ConfigError(path, "only absolute position embeddings are supported for BERT")
    max_pos = _int(cfg, path, "max_position_embeddings", default=512)
    st = read_json(model_dir / "sentence_bert_config.json", required=False) or {}
    max_seq = min(int(st.get("max_seq_length", max_pos)), max_pos)
    pooling, normalize = _pooling(model_dir)
    return EncoderConfig(
        architecture=arch, model_type="bert", vocab_size=_int(cfg, path, "vocab_size"),
        hidden_size=hidden, intermediate_size=_int(cfg, path, "intermediate_size"),
        num_layers=_int(cfg, path, "num_hidden_layers"), num_heads=heads,
        max_position_embeddings=max_pos, type_vocab_size=_int(cfg, path, "type_vocab_size", default=2),
        layer_norm_eps=float(cfg.get("layer_norm_eps", 1e-12)),
        hidden_act=str(cfg.get("hidden_act", "gelu")), torch_dtype=dtype,
        max_seq_length=max_seq, pooling=pooling, normalize=normalize,
    )


def _pooling(model_dir: Path) -> tuple[str, bool]:
    """Read sentence-transformers' modules.json: which pooling, and whether a Normalize module follows.

    A folder without modules.json is pooled by mean and normalized (the embeddings API promises unit vectors).
    """
    modules = model_dir / "modules.json"
    if not modules.is_file():
        return "mean", True
    try:
        mods = json.loads(modules.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise ConfigError(modules, f"not valid JSON ({e})") from None
    pooling = "mean"
    normalize = False
    for m in mods:
        mtype = str(m.get("type", ""))
        if mtype.endswith("Pooling"):
            pcfg = read_json(model_dir / m.get("path", "1_Pooling") / "config.json", required=False) or {}
            if pcfg.get("pooling_mode_cls_token"):
                pooling = "cls"
            elif pcfg.get("pooling_mode_max_tokens"):
                pooling = "max"
            elif pcfg.get("pooling_mode_mean_tokens", True):
                pooling = "mean"
        elif mtype.endswith("Normalize"):
            normalize = True
    return pooling, normalize
