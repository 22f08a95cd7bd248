"""The OpenAI-compatible routes: /v1/models, /v1/chat/completions, /v1/completions, /v1/embeddings.

In: validated request bodies (``@api`` with the schemas of ``server.schemas``).
Out: OpenAI JSON objects, or server-sent events of ``chat.completion.chunk`` /
``text_completion`` chunks ending with ``data: [DONE]``.

Each handler resolves the model, builds the engine inputs with
``server.serving``, submits them to the scheduler and turns the events it gets
back into a response.  A handler that is cancelled (its client went away)
aborts its sequences in ``finally``, which frees their KV cache.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time

import numpy as np
from sanic import Blueprint
from sanic.response import json as json_response

from server import errors, schemas, serving
from server.routes import api

bp = Blueprint("openai")


def _runtime(request):
    return request.app.ctx.runtime


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _sse(obj) -> str:
    return f"data: {_dumps(obj)}\n\n"


# --- models ----------------------------------------------------------------------------

@bp.get("/v1/models")
@api("List the served models", response=schemas.MODEL_LIST)
async def list_models(request):
    rt = _runtime(request)
    return json_response({"object": "list",
                          "data": [m.card(rt.started) for m in rt.models().values()]})


@bp.get("/v1/models/<model_id:path>")
@api("Describe one served model", response=schemas.MODEL)
async def get_model(request, model_id: str):
    rt = _runtime(request)
    return json_response(rt.any_model(model_id).card(rt.started))


# --- generation -----------------------------------------------------------------------------

class _Generation:
    """One submitted request: its group of sequences and the bookkeeping every route shares."""

    def __init__(self, request, route: str, request_id: str, sequences, prompt_param: str):
        self.request = request
        self.route = route
        self.request_id = request_id
        self.prompt_param = prompt_param
        self.metrics = _runtime(request).metrics
        self.group = _runtime(request).scheduler.submit(sequences)
        self.first_token_seen = False
        self.keepalive_s = _runtime(request).config.keepalive_s

    async def next(self, timeout=None):
        import model

        try:
            ev = await self.group.next(timeout)
        except model.EngineError as exc:
            raise errors.from_engine_error(exc, self.prompt_param) from None
        if not self.first_token_seen and ev.token_id is not None:
            self.first_token_seen = True
            self.metrics.ttft.labels(self.route).observe(time.monotonic() - self.request.ctx.started)
        return ev

    def index(self, ev) -> int:
        return serving.choice_index(self.request_id, ev.request_id)

    def finish(self, cancelled: bool, prompt_tokens: int, completion_tokens: int) -> None:
        self.group.close()
        if cancelled:
            self.metrics.disconnects.labels(self.route).inc()
        self.metrics.observe_tokens(self.route, prompt_tokens, completion_tokens)


async def _collect(gen: _Generation, choices: list[serving.Choice], add) -> None:
    cancelled = True
    try:
        while not gen.group.done:
            ev = await gen.next()
            add(choices[gen.index(ev)], ev)
        cancelled = False
    except BaseException as exc:
        cancelled = isinstance(exc, asyncio.CancelledError)
        raise
    finally:
        gen.finish(cancelled, 0, sum(c.completion_tokens for c in choices))


async def _stream(gen: _Generation, first_chunks, chunk_for_event, usage_chunk) -> None:
    """Send the SSE stream: opening chunks, one chunk per event, the usage chunk, [DONE].
    Errors after the headers become a final ``data: {"error": ...}`` event."""
    request = gen.request
    request.ctx.streaming = True
    response = await request.respond(content_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    cancelled = True
    completion_tokens: dict[int, int] = {}
    try:
        try:
            for chunk in first_chunks:
                await response.send(_sse(chunk))
            while not gen.group.done:
                try:
                    ev = await gen.next(gen.keepalive_s)
                except asyncio.TimeoutError:
                    await response.send(": keep-alive\n\n")
                    continue
                completion_tokens[gen.index(ev)] = ev.completion_tokens
                for chunk in chunk_for_event(ev):
                    await response.send(_sse(chunk))
            final = usage_chunk(sum(completion_tokens.values()))
            if final is not None:
                await response.send(_sse(final))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # headers are gone: the error travels in the stream
            await response.send(errors.sse_event(exc))
        await response.send("data: [DONE]\n\n")
        await response.eof()
        cancelled = False
    finally:
        gen.finish(cancelled, 0, sum(completion_tokens.values()))
        gen.metrics.observe_request(gen.route, 200, time.monotonic() - request.ctx.started)


def _top_logprobs(body: dict) -> int:
    if body["top_logprobs"] is not None and not body["logprobs"]:
        raise errors.invalid_param("top_logprobs", "top_logprobs requires logprobs to be true.")
    return body["top_logprobs"] or 0


@bp.post("/v1/chat/completions")
@api("Create a chat completion (stream: true for server-sent events)",
     request=schemas.CHAT_COMPLETION_REQUEST, response=schemas.CHAT_COMPLETION, streams=True)
async def chat_completions(request, body):
    rt = _runtime(request)
    served = rt.decoder(body["model"])
    info = served.info
    top = _top_logprobs(body)
    want_logprobs = body["logprobs"]
    prompt = serving.chat_prompt(served.tokenizer, body["messages"])
    max_tokens = serving.max_new_tokens(body, len(prompt.ids), info.context_length, None, "messages")
    n = body["n"]
    rid = serving.new_id("chatcmpl")
    seqs = serving.sequences(rid, [prompt], n, lambda p, i: serving.sampling_params(
        body, max_tokens, info.vocab_size, logprobs=want_logprobs, top_logprobs=top, seed_offset=i))
    gen = _Generation(request, "/v1/chat/completions", rid, seqs, "messages")
    rt.metrics.observe_tokens(gen.route, len(prompt.ids), 0)

    if not body["stream"]:
        choices = [serving.Choice(i) for i in range(n)]
        await _collect(gen, choices, lambda c, ev: c.add(ev, served.tokenizer,
                                                         "chat" if want_logprobs else None))
        return json_response(serving.chat_completion(rid, info.model_id, choices, len(prompt.ids),
                                                     want_logprobs))

    created = serving.now()
    with_usage = bool((body["stream_options"] or {}).get("include_usage"))

    def chunk(choices, usage=None):
        return serving.chat_chunk(rid, info.model_id, created, choices, with_usage, usage)

    opening = [chunk([{"index": i, "delta": {"role": "assistant", "content": ""}, "logprobs": None,
                       "finish_reason": None}]) for i in range(n)]

    def for_event(ev):
        i = gen.index(ev)
        logprobs = None
        if want_logprobs and ev.token_id is not None:
            logprobs = {"content": [serving.chat_logprob_entry(served.tokenizer, ev)]}
        if ev.text or logprobs:
            yield chunk([{"index": i, "delta": {"content": ev.text}, "logprobs": logprobs,
                          "finish_reason": None}])
        if ev.finish_reason is not None:
            yield chunk([{"index": i, "delta": {}, "logprobs": None, "finish_reason": ev.finish_reason}])

    def usage_chunk(completion_tokens):
        if not with_usage:
            return None
        return chunk([], serving.usage(len(prompt.ids), completion_tokens))

    await _stream(gen, opening, for_event, usage_chunk)


@bp.post("/v1/completions")
@api("Create a text completion (stream: true for server-sent events)",
     request=schemas.COMPLETION_REQUEST, response=schemas.COMPLETION, streams=True)
async def completions(request, body):
    rt = _runtime(request)
    served = rt.decoder(body["model"])
    info = served.info
    if body["suffix"]:
        raise errors.invalid_param("suffix", "suffix is not supported.")
    logprobs = body["logprobs"]
    if body["echo"] and logprobs is not None:
        raise errors.invalid_param("echo", "echo with logprobs is not supported: the engine gives no "
                                           "prompt log probabilities.")
    prompts = serving.completion_prompts(served.tokenizer, body["prompt"], info.vocab_size)
    n = body["n"]
    limits = [serving.max_new_tokens(body, len(p.ids), info.context_length, 16,
                                     "prompt" if len(prompts) == 1 else f"prompt[{k}]")
              for k, p in enumerate(prompts)]
    rid = serving.new_id("cmpl")
    seqs = serving.sequences(rid, prompts, n, lambda p, i: serving.sampling_params(
        body, limits[prompts.index(p)], info.vocab_size, logprobs=logprobs is not None,
        top_logprobs=logprobs or 0, seed_offset=i))
    gen = _Generation(request, "/v1/completions", rid, seqs, "prompt")
    prompt_tokens = sum(len(p.ids) for p in prompts)
    rt.metrics.observe_tokens(gen.route, prompt_tokens, 0)
    mode = "completion" if logprobs is not None else None

    if not body["stream"]:
        choices = [serving.Choice(i) for i in range(len(seqs))]
        await _collect(gen, choices, lambda c, ev: c.add(ev, served.tokenizer, mode))
        return json_response(serving.text_completion(rid, info.model_id, choices, prompts, n,
                                                     body["echo"], logprobs is not None))

    created = serving.now()
    with_usage = bool((body["stream_options"] or {}).get("include_usage"))
    choices = [serving.Choice(i) for i in range(len(seqs))]

    def chunk(items, usage=None):
        return serving.completion_chunk(rid, info.model_id, created, items, with_usage, usage)

    opening = []
    if body["echo"]:
        opening = [chunk([{"index": i, "text": prompts[i // n].text, "logprobs": None,
                           "finish_reason": None}]) for i in range(len(seqs))]

    def for_event(ev):
        c = choices[gen.index(ev)]
        before = len(c.tokens)
        c.add(ev, served.tokenizer, mode)
        lp = serving.completion_logprobs(c, before) if mode and len(c.tokens) > before else None
        if ev.text or lp:
            yield chunk([{"index": c.index, "text": ev.text, "logprobs": lp, "finish_reason": None}])
        if ev.finish_reason is not None:
            yield chunk([{"index": c.index, "text": "", "logprobs": None,
                          "finish_reason": ev.finish_reason}])

    def usage_chunk(completion_tokens):
        return chunk([], serving.usage(prompt_tokens, completion_tokens)) if with_usage else None

    await _stream(gen, opening, for_event, usage_chunk)


# --- embeddings -------------------------------------------------------------------------------

@bp.post("/v1/embeddings")
@api("Create embeddings (float or base64 little-endian float32)",
     request=schemas.EMBEDDING_REQUEST, response=schemas.EMBEDDING_LIST)
async def embeddings(request, body):
    import model

    rt = _runtime(request)
    served = rt.encoder(body["model"])
    info = served.info
    raw = body["input"]
    if isinstance(raw, str) or (raw and isinstance(raw[0], int)):
        inputs = [raw]
    else:
        inputs = list(raw)
    for i, item in enumerate(inputs):
        param = "input" if len(inputs) == 1 else f"input[{i}]"
        if isinstance(item, str) and not item:
            raise errors.invalid_param(param, f"'{param}' is an empty string.")
        if isinstance(item, list):
            serving.check_token_ids(item, info.vocab_size, param)
    if body["dimensions"] is not None and body["dimensions"] != info.embedding_dim:
        raise errors.invalid_param("dimensions", f"The model '{info.model_id}' makes "
                                                 f"{info.embedding_dim}-dimensional embeddings only.")
    try:
        result = await rt.embedder.embed(inputs, body["truncate"])
    except model.InputTooLong as exc:
        param = "input" if len(inputs) == 1 else f"input[{exc.index}]"
        raise errors.APIError(400, f"'{param}' has {exc.tokens} tokens, more than the model limit of "
                                   f"{exc.limit}; shorten it or pass truncate: true.",
                              param=param, code="context_length_exceeded") from None
    except model.EngineError as exc:
        raise errors.from_engine_error(exc, "input") from None
    vectors = np.asarray(result.vectors, dtype="<f4")
    if body["encoding_format"] == "base64":
        data = [base64.b64encode(v.tobytes()).decode("ascii") for v in vectors]
    else:
        data = [v.tolist() for v in vectors]
    tokens = int(sum(result.token_counts))
    rt.metrics.observe_tokens("/v1/embeddings", tokens, 0)
    return json_response({
        "object": "list", "model": info.model_id,
        "data": [{"object": "embedding", "index": i, "embedding": e} for i, e in enumerate(data)],
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    })
