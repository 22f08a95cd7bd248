"""Blueprints, one per API area, and the decorator that ties a handler to its schema.

``@api(summary, request=SCHEMA, response=SCHEMA)`` does two things with one
declaration: it parses and validates the JSON body with ``SCHEMA`` (passing the
result to the handler as ``body``), and it records the schemas on the handler,
where ``server.openapi`` finds them.  So the OpenAPI document describes exactly
what the handlers accept.
"""

from __future__ import annotations

import functools
import json

from server import errors
from server.schemas import Obj


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def parse_body(raw: bytes) -> object:
    if not raw:
        raise errors.invalid_json("the body is empty")
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise errors.invalid_json(str(exc)) from None


def api(summary: str, *, request: Obj | None = None, response: Obj | None = None,
        tag: str = "openai", streams: bool = False, auth: bool = True):
    def decorate(handler):
        if request is None:
            wrapper = handler
        else:
            @functools.wraps(handler)
            async def wrapper(req, *args, **kwargs):
                body = request.check(parse_body(req.body))
                return await handler(req, body, *args, **kwargs)
        wrapper.__openapi__ = {"summary": summary, "request": request, "response": response,
                               "tag": tag, "streams": streams, "auth": auth}
        return wrapper

    return decorate
