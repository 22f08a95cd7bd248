"""Sampling: one sequence's logits + its parameters -> the next token id (and its log-probabilities).

Order of the logit processors (the order vLLM and OpenAI document): ``logit_bias`` is added;
``repetition_penalty`` (over prompt and output tokens: positive logits divided, negative ones
multiplied) and ``presence_penalty``/``frequency_penalty`` (over output tokens: subtract
``presence * [count > 0] + frequency * count``) are applied.  Log-probabilities are reported from
these processed logits before temperature and truncation.  Then ``temperature == 0`` picks the
argmax; otherwise the logits are divided by the temperature, cut by ``top_k``, ``top_p`` (the
smallest set of most likely tokens whose mass reaches ``top_p``) and ``min_p`` (tokens below
``min_p`` times the top probability), and one token is drawn with the sequence's own generator,
seeded from ``seed`` so the same seed gives the same tokens whatever else runs in the batch.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .errors import InvalidSamplingParams

MAX_TOP_LOGPROBS = 20


@dataclass(frozen=True)
class SamplingParams:
    max_tokens: int = 16
    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 0                    # 0 = off
    min_p: float = 0.0
    seed: int | None = None
    presence_penalty: float = 0.0
    frequency_penalty: float = 0.0
    repetition_penalty: float = 1.0
    logit_bias: Mapping[int, float] = field(default_factory=dict)
    stop_token_ids: tuple[int, ...] = ()
    stop: tuple[str, ...] = ()        # stop strings; never included in the text
    ignore_eos: bool = False
    logprobs: bool = False
    top_logprobs: int = 0             # 0..20

    def validate(self, vocab_size: int) -> None:
        def bad(name, why):
            raise InvalidSamplingParams(name, why)
        if not isinstance(self.max_tokens, int) or self.max_tokens < 1:
            bad("max_tokens", f"must be an integer >= 1, got {self.max_tokens!r}")
        if not (self.temperature >= 0.0) or self.temperature != self.temperature:
            bad("temperature", f"must be >= 0, got {self.temperature!r}")
        if not (0.0 < self.top_p <= 1.0):
            bad("top_p", f"must be in (0, 1], got {self.top_p!r}")
        if not isinstance(self.top_k, int) or self.top_k < 0:
            bad("top_k", f"must be an integer >= 0 (0 = off), got {self.top_k!r}")
        if not (0.0 <= self.min_p <= 1.0):
            bad("min_p", f"must be in [0, 1], got {self.min_p!r}")
        if not (-2.0 <= self.presence_penalty <= 2.0):
            bad("presence_penalty", f"must be in [-2, 2], got {self.presence_penalty!r}")
        if not (-2.0 <= self.frequency_penalty <= 2.0):
            bad("frequency_penalty", f"must be in [-2, 2], got {self.frequency_penalty!r}")
        if not (self.repetition_penalty > 0.0):
            bad("repetition_penalty", f"must be > 0, got {self.repetition_penalty!r}")
        if not isinstance(self.top_logprobs, int) or not (0 <= self.top_logprobs <= MAX_TOP_LOGPROBS):
            bad("top_logprobs", f"must be an integer in [0, {MAX_TOP_LOGPROBS}], got {self.top_logprobs!r}")
        if self.seed is not None and not isinstance(self.seed, int):
            bad("seed", f"must be an integer, got {self.seed!r}")
        for tid, b in dict(self.logit_bias).items():
            if not isinstance(tid, (int, np.integer)) or not (0 <= int(tid) < vocab_size):
                bad("logit_bias", f"token id {tid!r} is outside the vocabulary [0, {vocab_size})")
            if not (-100.0 <= float(b) <= 100.0):
                bad("logit_bias", f"bias {b!r} for token {tid} must be in [-100, 100]")
        for tid in self.stop_token_ids:
            if not isinstance(tid, (int, np.integer)) or not (0 <= int(tid) < vocab_size):
                bad("stop_token_ids", f"token id {tid!r} is outside the vocabulary [0, {vocab_size})")
        for s in self.stop:
            if not isinstance(s, str) or not s:
                bad("stop", f"stop strings must be non-empty strings, got {s!r}")


@dataclass(frozen=True)
class SampleResult:
    token_id: int
    logprob: float | None
    top: tuple[tuple[int, float], ...]     # (token_id, logprob), most likely first


def log_softmax(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.float64)
    m = x.max()
    return x - (m + np.log(np.exp(x - m).sum()))


def process_logits(logits: np.ndarray, params: SamplingParams, prompt_ids, output_counts: dict[int, int]) -> np.ndarray:
    """Apply logit_bias and the penalties; returns a new float32 array."""
    x = np.array(logits, dtype=np.float32, copy=True)
    if params.logit_bias:
        for tid, b in params.logit_bias.items():
            x[int(tid)] += np.float32(b)
    if params.repetition_penalty != 1.0:
        seen = np.fromiter(set(prompt_ids) | set(output_counts), dtype=np.int64)
        if seen.size:
            vals = x[seen]
            x[seen] = np.where(vals > 0, vals / params.repetition_penalty, vals * params.repetition_penalty)
    if output_counts and (params.presence_penalty or params.frequency_penalty):
        ids = np.fromiter(output_counts.keys(), dtype=np.int64)
        counts = np.fromiter(output_counts.values(), dtype=np.float32)
        x[ids] -= params.frequency_penalty * counts + params.presence_penalty
    return x


def sample(x: np.ndarray, params: SamplingParams, rng: np.random.Generator) -> SampleResult:
    """x: (V,) processed logits -> the chosen token with its log-probability (when asked)."""
    want_lp = params.logprobs or params.top_logprobs > 0
    lp = log_softmax(x) if want_lp else None
    if params.temperature == 0.0:
        token = int(np.argmax(x))
    else:
        token = _draw(x, params, rng)
    if not want_lp:
        return SampleResult(token, None, ())
    top = ()
    if params.top_logprobs:
        k = params.top_logprobs
        idx = np.argpartition(-lp, k - 1)[:k] if k < lp.size else np.arange(lp.size)
        idx = idx[np.lexsort((idx, -lp[idx]))]
        top = tuple((int(i), float(lp[i])) for i in idx)
    return SampleResult(token, float(lp[token]), top)


def _draw(x: np.ndarray, params: SamplingParams, rng: np.random.Generator) -> int:
    z = x.astype(np.float64) / params.temperature
    V = z.size
    if params.top_k and params.top_k < V:
        cand = np.argpartition(-z, params.top_k - 1)[:params.top_k]
        cand = cand[np.lexsort((cand, -z[cand]))]       # descending logit, ties by id
    elif params.top_p < 1.0:
        cand = np.argsort(-z, kind="stable")
    else:
        cand = None                                      # the whole vocabulary, in id order
    zc = z if cand is None else z[cand]
    p = np.exp(zc - zc.max())
    p /= p.sum()
    if params.top_p < 1.0:                               # cand is sorted here
        keep = int(np.searchsorted(np.cumsum(p), params.top_p, side="left")) + 1
        p[keep:] = 0.0
    if params.min_p > 0.0:
        p[p < params.min_p * p.max()] = 0.0
    cum = np.cumsum(p)
    u = rng.random() * cum[-1]
    i = min(int(np.searchsorted(cum, u, side="right")), p.size - 1)
    while p[i] == 0.0:                                   # u landed on the edge of a removed token
        i -= 1
    return int(i if cand is None else cand[i])
