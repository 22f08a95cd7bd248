"""The serving logic on native types, between the routes and the engine.

In: a validated request body (a dict produced by ``server.schemas``) and the
served model (an engine with its tokenizer and ``EngineInfo``).  Out: the
engine's inputs (prompt token ids, ``model.SamplingParams``, one
``scheduler.Sequence`` per choice) and, from the engine's ``TokenEvent``s, the
OpenAI response objects: whole responses, or stream chunks.

No Sanic here: routes own HTTP, this module owns the protocol's meaning
(max_completion_tokens over max_tokens, n choices with seed+i, logprobs
clamped to -9999.0, usage counts), so it can be read and tested alone.
"""

from __future__ import annotations

import math
import time
import uuid
from dataclasses import dataclass, field

from server import errors
from server.scheduler import Sequence

# OpenAI writes this for log probabilities that are -inf or NaN (JSON has neither)
LOGPROB_FLOOR = -9999.0


@dataclass(frozen=True)
class Prompt:
    """One prompt as the engine sees it, with the text an ``echo`` gives back."""

    ids: list[int]
    text: str


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:24]}"


def now() -> int:
    return int(time.time())


# --- prompts ----------------------------------------------------------------------

def message_text(message: dict, index: int) -> str:
    content = message.get("content")
    if content is None:
        if message["role"] != "assistant":
            raise errors.invalid_param(f"messages[{index}].content",
                                       f"messages[{index}].content is required for role '{message['role']}'.")
        return ""
    if isinstance(content, str):
        return content
    return "".join(part["text"] for part in content)


def chat_messages(messages: list[dict]) -> list[dict]:
    """Normalise to the HF template's shape: role + string content (developer -> system)."""
    out = []
    for i, m in enumerate(messages):
        role = "system" if m["role"] == "developer" else m["role"]
        entry = {"role": role, "content": message_text(m, i)}
        if m.get("name"):
            entry["name"] = m["name"]
        out.append(entry)
    return out


def chat_prompt(tokenizer, messages: list[dict], add_generation_prompt: bool = True) -> Prompt:
    """Render the chat template, then tokenize without adding special tokens again
    (the template already writes ``bos_token`` where the model wants it)."""
    import model

    try:
        text = tokenizer.apply_chat_template(chat_messages(messages),
                                             add_generation_prompt=add_generation_prompt)
    except model.ChatTemplateError as exc:
        raise errors.from_engine_error(exc) from None
    return Prompt(list(tokenizer.encode(text, add_special_tokens=False)), text)


def completion_prompts(tokenizer, prompt, vocab_size: int) -> list[Prompt]:
    """A string, a list of strings, token ids, or a list of token id lists."""
    if isinstance(prompt, str):
        items: list = [prompt]
    elif prompt and isinstance(prompt[0], int):
        items = [prompt]
    else:
        items = list(prompt)
    out = []
    for i, item in enumerate(items):
        param = "prompt" if len(items) == 1 else f"prompt[{i}]"
        if isinstance(item, str):
            ids = list(tokenizer.encode(item, add_special_tokens=True))
            text = item
        else:
            check_token_ids(item, vocab_size, param)
            ids = list(item)
            text = tokenizer.decode(ids, skip_special_tokens=False)
        if not ids:
            raise errors.invalid_param(param, f"'{param}' is empty.")
        out.append(Prompt(ids, text))
    return out


def check_token_ids(ids: list[int], vocab_size: int, param: str) -> None:
    for j, t in enumerate(ids):
        if t >= vocab_size:
            raise errors.invalid_param(f"{param}[{j}]", f"Token id {t} is out of the vocabulary "
                                                        f"(size {vocab_size}).")


# --- sampling -----------------------------------------------------------------------

def max_new_tokens(body: dict, prompt_tokens: int, context_length: int, default: int | None,
                   prompt_param: str) -> int:
    """max_completion_tokens wins over max_tokens; without either, ``default`` or the rest
    of the context; a budget that cannot fit is a 400 context_length_exceeded."""
    requested = body.get("max_completion_tokens") or body.get("max_tokens")
    if requested is None:
        requested = default if default is not None else context_length - prompt_tokens
        requested = max(1, min(requested, context_length - prompt_tokens))
    if prompt_tokens + requested > context_length:
        raise errors.context_length_exceeded(prompt_tokens, requested, context_length, param=prompt_param)
    return requested


def sampling_params(body: dict, max_tokens: int, vocab_size: int, *, logprobs: bool,
                    top_logprobs: int, seed_offset: int = 0):
    import model

    stop = body.get("stop")
    if isinstance(stop, str):
        stop = [stop]
    bias = {}
    for key, value in (body.get("logit_bias") or {}).items():
        if not key.isdigit() or int(key) >= vocab_size:
            raise errors.invalid_param(f"logit_bias.{key}", f"logit_bias key {key!r} is not a token id "
                                                            f"of this model (0..{vocab_size - 1}).")
        bias[int(key)] = value
    stop_ids = tuple(body.get("stop_token_ids") or ())
    check_token_ids(list(stop_ids), vocab_size, "stop_token_ids")
    seed = body.get("seed")
    top_k = body.get("top_k") or 0
    params = model.SamplingParams(
        max_tokens=max_tokens,
        temperature=body["temperature"], top_p=body["top_p"], top_k=max(0, top_k),
        min_p=body["min_p"], seed=None if seed is None else seed + seed_offset,
        presence_penalty=body["presence_penalty"], frequency_penalty=body["frequency_penalty"],
        repetition_penalty=body["repetition_penalty"], logit_bias=bias,
        stop_token_ids=stop_ids, stop=tuple(s for s in (stop or ()) if s),
        ignore_eos=body["ignore_eos"], logprobs=logprobs, top_logprobs=top_logprobs)
    try:  # the engine's own rules (e.g. top_p > 0) answer 400 here, before queueing
        getattr(params, "validate", lambda _: None)(vocab_size)
    except model.InvalidSamplingParams as exc:
        raise errors.invalid_param(exc.param, str(exc)) from None
    return params


def sequences(request_id: str, prompts: list[Prompt], n: int, params_for) -> list[Sequence]:
    """n sequences per prompt; choice index = prompt_index * n + i; seed + i per choice."""
    out = []
    for p, prompt in enumerate(prompts):
        for i in range(n):
            out.append(Sequence(f"{request_id}-{p * n + i}", prompt.ids, params_for(prompt, i)))
    return out


def choice_index(request_id: str, seq_id: str) -> int:
    return int(seq_id[len(request_id) + 1:])


# --- logprobs -----------------------------------------------------------------------

def finite(lp: float | None) -> float | None:
    if lp is None:
        return None
    return lp if math.isfinite(lp) else LOGPROB_FLOOR


def token_text(tokenizer, token_id: int, top: tuple) -> str:
    for tid, text, _ in top:
        if tid == token_id:
            return text
    return tokenizer.decode([token_id], skip_special_tokens=False)


def chat_logprob_entry(tokenizer, ev) -> dict:
    text = token_text(tokenizer, ev.token_id, ev.top_logprobs)
    return {"token": text, "logprob": finite(ev.logprob), "bytes": list(text.encode()),
            "top_logprobs": [{"token": t, "logprob": finite(lp), "bytes": list(t.encode())}
                             for _, t, lp in ev.top_logprobs]}


@dataclass
class Choice:
    """What one sequence has produced so far."""

    index: int
    text: str = ""
    finish_reason: str | None = None
    completion_tokens: int = 0
    prompt_tokens: int = 0
    chat_logprobs: list = field(default_factory=list)
    tokens: list = field(default_factory=list)
    token_logprobs: list = field(default_factory=list)
    top_logprobs: list = field(default_factory=list)
    text_offset: list = field(default_factory=list)

    def add(self, ev, tokenizer=None, logprobs: str | None = None, offset_base: int = 0) -> None:
        if logprobs and ev.token_id is not None:
            if logprobs == "chat":
                self.chat_logprobs.append(chat_logprob_entry(tokenizer, ev))
            else:
                text = token_text(tokenizer, ev.token_id, ev.top_logprobs)
                self.text_offset.append(offset_base + len(self.text))
                self.tokens.append(text)
                self.token_logprobs.append(finite(ev.logprob))
                self.top_logprobs.append({t: finite(lp) for _, t, lp in ev.top_logprobs})
        self.text += ev.text
        self.completion_tokens = ev.completion_tokens
        self.prompt_tokens = ev.prompt_tokens
        if ev.finish_reason is not None:
            self.finish_reason = ev.finish_reason


def completion_logprobs(c: Choice, start: int = 0) -> dict:
    return {"tokens": c.tokens[start:], "token_logprobs": c.token_logprobs[start:],
            "top_logprobs": c.top_logprobs[start:], "text_offset": c.text_offset[start:]}


def usage(prompt_tokens: int, completion_tokens: int) -> dict:
    return {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens}


# --- whole responses ------------------------------------------------------------------

def chat_completion(request_id: str, model_id: str, choices: list[Choice], prompt_tokens: int,
                    logprobs: bool) -> dict:
    return {
        "id": request_id, "object": "chat.completion", "created": now(), "model": model_id,
        "system_fingerprint": None,
        "choices": [{"index": c.index, "message": {"role": "assistant", "content": c.text},
                     "logprobs": {"content": c.chat_logprobs} if logprobs else None,
                     "finish_reason": c.finish_reason} for c in choices],
        "usage": usage(prompt_tokens, sum(c.completion_tokens for c in choices)),
    }


def text_completion(request_id: str, model_id: str, choices: list[Choice], prompts: list[Prompt],
                    n: int, echo: bool, logprobs: bool) -> dict:
    out = []
    for c in choices:
        prefix = prompts[c.index // n].text if echo else ""
        out.append({"index": c.index, "text": prefix + c.text,
                    "logprobs": completion_logprobs(c) if logprobs else None,
                    "finish_reason": c.finish_reason})
    return {"id": request_id, "object": "text_completion", "created": now(), "model": model_id,
            "system_fingerprint": None, "choices": out,
            "usage": usage(sum(len(p.ids) for p in prompts), sum(c.completion_tokens for c in choices))}


# --- stream chunks -----------------------------------------------------------------------

def chat_chunk(request_id: str, model_id: str, created: int, choices: list[dict],
               with_usage: bool, usage_value: dict | None = None) -> dict:
    chunk = {"id": request_id, "object": "chat.completion.chunk", "created": created,
             "model": model_id, "system_fingerprint": None, "choices": choices}
    if with_usage:
        chunk["usage"] = usage_value
    return chunk


def completion_chunk(request_id: str, model_id: str, created: int, choices: list[dict],
                     with_usage: bool, usage_value: dict | None = None) -> dict:
    chunk = {"id": request_id, "object": "text_completion", "created": created, "model": model_id,
             "system_fingerprint": None, "choices": choices}
    if with_usage:
        chunk["usage"] = usage_value
    return chunk
