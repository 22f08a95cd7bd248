"""The Lean routes: /api/check, /verify (Kimina Lean Server), /v1/lean/repl, /v1/lean/run, /v1/lean/prove.

In: validated bodies (``@api`` with ``server.lean.schemas``).  Out: Kimina's
and the Lean REPL's JSON shapes (HTTP 200 even when Lean reports errors), the
run result, and the prove result (JSON, or with ``stream: true`` one SSE event
per attempt, then the result, then ``data: [DONE]``).

Handlers are thin: ``app.ctx.lean`` (``server.lean.service``) checks, keeps
REPL sessions and runs programs; ``server.lean.prove`` builds the attempts; the
chat model is reached through the server's scheduler like any completion.  A
handler that is cancelled (its client went away) cancels its snippets, which
frees their workers, and aborts its model sequences.
"""

from __future__ import annotations

import asyncio
import json
import time

from sanic import Blueprint
from sanic.response import json as json_response

from server import errors, serving
from server.lean import prove as P
from server.lean import schemas as S
from server.lean.service import LeanError, session_key
from server.routes import api

bp = Blueprint("lean")


def _lean(request):
    return request.app.ctx.lean


@bp.post("/api/check")
@api("Check Lean snippets (Kimina Lean Server's API)", request=S.CHECK_REQUEST, response=S.CHECK_RESPONSE,
     tag="lean")
async def api_check(request, body):
    return json_response(await _lean(request).api_check(body), ensure_ascii=False)


@bp.post("/verify")
@api("Check Lean proofs (Kimina's legacy API)", request=S.VERIFY_REQUEST, response=S.VERIFY_RESPONSE,
     tag="lean")
async def verify(request, body):
    return json_response(await _lean(request).verify(body), ensure_ascii=False)


@bp.post("/v1/lean/repl")
@api("One Lean REPL command in a kept environment", request=S.REPL_REQUEST, response=S.REPL_RESPONSE,
     tag="lean")
async def repl(request, body):
    try:
        return json_response(await _lean(request).repl(session_key(request), body), ensure_ascii=False)
    except LeanError as exc:
        return json_response({"message": str(exc)}, ensure_ascii=False)


@bp.post("/v1/lean/run")
@api("Elaborate, compile and run a Lean program in the sandbox", request=S.RUN_REQUEST,
     response=S.RUN_RESPONSE, tag="lean")
async def run(request, body):
    return json_response(await _lean(request).run(body), ensure_ascii=False)


@bp.post("/v1/lean/prove")
@api("Prove a statement: closing tactics, then model samples, each checked", request=S.PROVE_REQUEST,
     response=S.PROVE_RESPONSE, tag="lean", streams=True)
async def prove(request, body):
    statement = P.parse_statement(body["statement"])
    if not body["stream"]:
        result = None
        async for kind, item in _prove_events(request, body, statement):
            if kind == "result":
                result = item
        return json_response(result, ensure_ascii=False)
    request.ctx.streaming = True
    response = await request.respond(content_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    try:
        async for kind, item in _prove_events(request, body, statement):
            payload = {"attempt": item} if kind == "attempt" else item
            await response.send(f"data: {json.dumps(payload, ensure_ascii=False)}\n\n")
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # headers are gone: the error travels in the stream
        await response.send(errors.sse_event(exc))
    await response.send("data: [DONE]\n\n")
    await response.eof()
    request.app.ctx.runtime.metrics.observe_request("/v1/lean/prove", 200,
                                                    time.monotonic() - request.ctx.started)


async def _prove_events(request, body, statement: P.Statement):
    """Yields ("attempt", record) for each attempt, then ("result", the response)."""
    lean = _lean(request)
    attempts: list[dict] = []
    usage = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}

    def result():
        proof = next((a["code"] for a in attempts if a["verified"]), None)
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        return {"verified": proof is not None, "proof": proof, "attempts": attempts, "usage": usage}

    codes = [statement.with_proof(P.tactic_proof(t)) for t in P.TACTICS]
    checked = await lean.check_codes(codes, body["timeout"])
    for code, r in zip(codes, checked):
        attempts.append(P.attempt("tactic", code, r))
        yield "attempt", attempts[-1]
    if any(a["verified"] for a in attempts) or body["attempts"] == 0:
        yield "result", result()
        return
    completions = await _sample(request, body, statement, usage)
    for completion in completions:
        proof = P.model_proof(completion)
        if proof is None:
            attempts.append(P.refused_attempt("model", statement.with_sorry(),
                                              "the model proposed no proof: " + repr(completion[:200])))
            yield "attempt", attempts[-1]
            continue
        code = statement.with_proof(proof)
        why = P.refused(proof)
        if why is not None:
            attempts.append(P.refused_attempt("model", code, why))
        else:
            (r,) = await lean.check_codes([code], body["timeout"])
            attempts.append(P.attempt("model", code, r))
        yield "attempt", attempts[-1]
        if attempts[-1]["verified"]:
            break
    yield "result", result()


async def _sample(request, body, statement: P.Statement, usage: dict) -> list[str]:
    """``attempts`` completions from the chat model (none when the server has no chat model)."""
    import model

    rt = request.app.ctx.runtime
    if rt.scheduler is None:
        if body["model"] is not None:
            raise errors.model_not_found(body["model"])
        return []
    if body["model"] is not None:
        served = rt.decoder(body["model"])
    else:
        served = next((m for m in rt.models().values() if m.kind == "decoder"), None)
        if served is None:
            return []
    messages = [{"role": "system", "content": P.SYSTEM_PROMPT},
                {"role": "user", "content": P.user_prompt(statement)}]
    try:
        prompt = serving.chat_prompt(served.tokenizer, messages)
    except errors.APIError:  # a model without a chat template: a plain prompt
        text = P.user_prompt(statement) + "\n\nProof:\n```lean\n"
        prompt = serving.Prompt(list(served.tokenizer.encode(text)), text)
    room = served.info.context_length - len(prompt.ids)
    if room < 1:
        raise errors.context_length_exceeded(len(prompt.ids), body["max_tokens"],
                                             served.info.context_length, param="statement")
    n = body["attempts"]
    seed = body["seed"]
    rid = serving.new_id("prove")
    params = [model.SamplingParams(max_tokens=min(body["max_tokens"], room), temperature=body["temperature"],
                                   seed=None if seed is None else seed + i) for i in range(n)]
    seqs = serving.sequences(rid, [prompt], n, lambda p, i: params[i])
    group = rt.scheduler.submit(seqs)
    texts = [""] * n
    try:
        while not group.done:
            try:
                ev = await group.next()
            except model.EngineError as exc:
                raise errors.from_engine_error(exc, "statement") from None
            i = serving.choice_index(rid, ev.request_id)
            texts[i] += ev.text or ""
            if ev.finish_reason is not None:
                usage["completion_tokens"] += ev.completion_tokens
    finally:
        group.close()
    usage["prompt_tokens"] += len(prompt.ids)
    rt.metrics.observe_tokens("/v1/lean/prove", len(prompt.ids), usage["completion_tokens"])
    return texts
