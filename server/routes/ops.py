"""Operational routes: /health, /metrics, /tokenize, /detokenize, /openapi.json.

In: plain GETs, or validated bodies for the tokenizer routes.  Out: readiness
(200 once every model is loaded, 503 while loading or after a load failure),
the Prometheus exposition, token ids and text, and the OpenAPI document built
from the same schemas that validate the bodies.
"""

from __future__ import annotations

from sanic import Blueprint
from sanic.response import json as json_response
from sanic.response import raw

from server import errors, openapi, schemas, serving
from server.metrics import CONTENT_TYPE
from server.routes import api

bp = Blueprint("ops")


@bp.get("/health")
@api("Readiness: 200 once the models are loaded, 503 before", response=schemas.HEALTH, tag="ops",
     auth=False)
async def health(request):
    rt = request.app.ctx.runtime
    state = rt.state()
    body = {"status": state}
    if state == "failed":
        body["errors"] = rt.load_errors()
    return json_response(body, status=200 if state == "ok" else 503)


@bp.get("/metrics")
@api("Prometheus metrics of this worker", tag="ops")
async def metrics(request):
    return raw(request.app.ctx.runtime.metrics.exposition(), content_type=CONTENT_TYPE)


@bp.post("/tokenize")
@api("Token ids of a prompt, or of a chat rendered with the model's template",
     request=schemas.TOKENIZE_REQUEST, response=schemas.TOKENIZE_RESPONSE, tag="ops")
async def tokenize(request, body):
    served = request.app.ctx.runtime.any_model(body["model"])
    if (body["prompt"] is None) == (body["messages"] is None):
        raise errors.invalid_param("prompt", "Give exactly one of 'prompt' and 'messages'.")
    if body["messages"] is not None:
        ids = serving.chat_prompt(served.tokenizer, body["messages"], body["add_generation_prompt"]).ids
    else:
        ids = list(served.tokenizer.encode(body["prompt"], add_special_tokens=body["add_special_tokens"]))
    return json_response({"tokens": ids, "count": len(ids), "max_model_len": served.info.context_length})


@bp.post("/detokenize")
@api("Text of token ids", request=schemas.DETOKENIZE_REQUEST, response=schemas.DETOKENIZE_RESPONSE,
     tag="ops")
async def detokenize(request, body):
    served = request.app.ctx.runtime.any_model(body["model"])
    serving.check_token_ids(body["tokens"], served.info.vocab_size, "tokens")
    return json_response({"prompt": served.tokenizer.decode(body["tokens"], skip_special_tokens=False)})


@bp.get("/openapi.json")
@api("This document", tag="ops", auth=False)
async def openapi_json(request):
    app = request.app
    if getattr(app.ctx, "openapi", None) is None:
        app.ctx.openapi = openapi.document(app)
    return json_response(app.ctx.openapi)
