"""One error path: every failure becomes the OpenAI error object.

In: an exception raised anywhere while serving a request — an :class:`APIError`
raised by validation or a route, a typed ``model.EngineError`` from the engine,
one of Sanic's own HTTP exceptions (404 route, 405 method, 413 body), or
anything unexpected.  Out: ``{"error": {"message", "type", "param", "code"}}``
with the right HTTP status (and ``Retry-After`` where retrying helps), either as
a JSON response or as the payload of a final SSE ``data:`` event once a stream
has started.

Unexpected exceptions are logged with their traceback and answered with a
generic 500 message, so no internal detail reaches the client.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

log = logging.getLogger("nleanjit.server")


@dataclass
class APIError(Exception):
    """An error the client should see, already in OpenAI's vocabulary."""

    status: int
    message: str
    type: str = "invalid_request_error"
    code: str | None = None
    param: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message

    def body(self) -> dict:
        return {"error": {"message": self.message, "type": self.type,
                          "param": self.param, "code": self.code}}


# --- constructors, one per kind of failure the API documents --------------------

def invalid_json(detail: str) -> APIError:
    return APIError(400, f"We could not parse the JSON body of your request: {detail}",
                    code="invalid_json")


def invalid_param(param: str | None, message: str, code: str | None = None) -> APIError:
    return APIError(400, message, param=param, code=code or ("invalid_value" if param else None))


def missing_param(param: str) -> APIError:
    return APIError(400, f"Missing required parameter: '{param}'.", param=param,
                    code="missing_required_parameter")


def model_not_found(model_id: str) -> APIError:
    return APIError(404, f"The model '{model_id}' does not exist.", param="model",
                    code="model_not_found")


def context_length_exceeded(prompt_tokens: int, max_tokens: int, context_length: int,
                            param: str = "messages") -> APIError:
    return APIError(
        400,
        f"This model's maximum context length is {context_length} tokens. However, you "
        f"requested {prompt_tokens + max_tokens} tokens ({prompt_tokens} in the prompt, "
        f"{max_tokens} for the completion). Please reduce the prompt or the completion length.",
        param=param, code="context_length_exceeded")


def invalid_api_key() -> APIError:
    return APIError(401, "Incorrect or missing API key. Pass it as 'Authorization: Bearer <key>'.",
                    type="invalid_request_error", code="invalid_api_key")


def body_too_large(limit: int) -> APIError:
    return APIError(413, f"Request body is larger than the limit of {limit} bytes.",
                    code="request_too_large")


def queue_full(retry_after_s: int) -> APIError:
    return APIError(429, "The server is at capacity; retry after a short wait.",
                    type="rate_limit_error", code="queue_full",
                    headers={"Retry-After": str(retry_after_s)})


def not_ready(retry_after_s: int = 1) -> APIError:
    return APIError(503, "The models are still loading; retry shortly.",
                    type="server_error", code="not_ready",
                    headers={"Retry-After": str(retry_after_s)})


def internal_error() -> APIError:
    return APIError(500, "The server had an error while processing your request.",
                    type="server_error", code="internal_error")


# --- translation of foreign exceptions -------------------------------------------

def from_engine_error(exc: Exception, prompt_param: str = "messages") -> APIError:
    """Map a typed engine error to the API error a client should get."""
    import model

    errors = getattr(model, "errors", None) or model
    if isinstance(exc, getattr(errors, "ContextLengthExceeded", ())):
        return context_length_exceeded(exc.prompt_tokens, exc.max_tokens, exc.context_length,
                                       param=prompt_param)
    if isinstance(exc, getattr(errors, "InputTooLong", ())):
        return APIError(400, f"Input {exc.index} has {exc.tokens} tokens, more than the model "
                             f"limit of {exc.limit}.", param="input",
                        code="context_length_exceeded")
    if isinstance(exc, getattr(errors, "ChatTemplateError", ())):
        return APIError(400, f"Cannot render the chat template: {exc}", param="messages",
                        code="chat_template_error")
    if isinstance(exc, getattr(errors, "InvalidSamplingParams", ())):
        return invalid_param(getattr(exc, "param", None), str(exc))
    if isinstance(exc, getattr(errors, "KVCacheFull", ())):
        return APIError(400, f"The request cannot fit in the KV cache even when the server is "
                             f"idle ({exc}); lower max_tokens or raise NLEANJIT_KV_MB.",
                        param="max_tokens", code="kv_cache_too_small")
    if isinstance(exc, getattr(errors, "InvalidRequest", ())):
        return invalid_param(None, str(exc))
    log.error("unexpected engine error", exc_info=exc)
    return internal_error()


def from_exception(exc: BaseException) -> APIError:
    """Any exception -> APIError; Sanic's HTTP exceptions keep their status."""
    if isinstance(exc, APIError):
        return exc
    from sanic import exceptions as sx

    if isinstance(exc, sx.PayloadTooLarge):
        return APIError(413, "Request body is larger than the configured limit.",
                        code="request_too_large")
    if isinstance(exc, sx.NotFound):
        return APIError(404, f"Unknown path. {exc}", code="not_found")
    if isinstance(exc, sx.MethodNotAllowed):
        return APIError(405, str(exc), code="method_not_allowed")
    if isinstance(exc, sx.RequestTimeout):
        return APIError(408, "Request timed out.", code="timeout")
    if isinstance(exc, sx.BadRequest):
        return APIError(400, str(exc) or "Bad request.", code="bad_request")
    if isinstance(exc, sx.SanicException) and 400 <= (exc.status_code or 500) < 500:
        return APIError(exc.status_code, str(exc), code=None)
    try:
        import model

        if isinstance(exc, getattr(model, "EngineError", ())):
            return from_engine_error(exc)
    except ImportError:  # pragma: no cover - model is part of the package
        pass
    log.error("unhandled error while serving a request", exc_info=exc)
    return internal_error()


def json_response(exc: BaseException):
    """The HTTP response for ``exc`` (a Sanic JSON response with Retry-After when set)."""
    from sanic.response import json as sanic_json

    err = from_exception(exc)
    return sanic_json(err.body(), status=err.status, headers=err.headers or None)


def sse_event(exc: BaseException) -> str:
    """The final SSE event of a stream that failed after its headers were sent."""
    return f"data: {json.dumps(from_exception(exc).body())}\n\n"
