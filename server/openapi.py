"""The OpenAPI 3.1 document of a running app, built from its routes.

In: a Sanic app whose handlers carry the ``__openapi__`` record written by
``server.routes.api``.  Out: a JSON-ready dict: one path item per route and
method, request bodies and responses as ``$ref``s into ``components.schemas``,
the error object for every non-2xx status, and the bearer-key security scheme
on the routes the API key guards.
"""

from __future__ import annotations

import re

from server import schemas

_ERRORS = {
    "400": "invalid JSON, or a missing or ill-typed parameter (named in error.param)",
    "401": "missing or wrong API key (only when the server has one)",
    "404": "unknown model",
    "413": "request body over the configured limit",
    "429": "queue full: retry after the Retry-After header",
    "500": "unexpected error; details only in the server log",
    "503": "models still loading (Retry-After)",
}


def _sanic_path_to_openapi(path: str) -> tuple[str, list[str]]:
    names = []

    def repl(m):
        names.append(m.group(1))
        return "{" + m.group(1) + "}"

    return "/" + re.sub(r"<([A-Za-z_][A-Za-z0-9_]*)(?::[^>]*)?>", repl, path.lstrip("/")), names


def document(app) -> dict:
    paths: dict = {}
    components: dict = {}

    def register(obj: schemas.Obj | None):
        if obj is None:
            return None
        for o in obj.nested():
            components.setdefault(o.title, o.component())
        return obj.json_schema()

    register(schemas.ERROR_RESPONSE)
    for route in sorted(app.router.routes, key=lambda r: r.path):
        spec = getattr(route.handler, "__openapi__", None)
        if spec is None:
            continue
        path, params = _sanic_path_to_openapi(route.path)
        for method in sorted(route.methods):
            if method in ("HEAD", "OPTIONS"):
                continue
            op: dict = {"summary": spec["summary"], "operationId": route.name.split(".")[-1],
                        "tags": [spec["tag"]]}
            if params:
                op["parameters"] = [{"name": p, "in": "path", "required": True,
                                     "schema": {"type": "string"}} for p in params]
            if spec["request"] is not None:
                op["requestBody"] = {"required": True, "content": {
                    "application/json": {"schema": register(spec["request"])}}}
            ok: dict = {"description": "success"}
            if spec["response"] is not None:
                ok["content"] = {"application/json": {"schema": register(spec["response"])}}
            if spec["streams"]:
                ok.setdefault("content", {})["text/event-stream"] = {
                    "schema": {"type": "string", "description":
                               "data: <chunk JSON> events, then data: [DONE]; an error after the "
                               "first event arrives as data: {\"error\": {...}}"}}
            responses = {"200": ok}
            for status, why in _ERRORS.items():
                if status == "401" and not spec["auth"]:
                    continue
                responses[status] = {"description": why, "content": {
                    "application/json": {"schema": schemas.ERROR_RESPONSE.json_schema()}}}
            op["responses"] = responses
            if spec["auth"]:
                op["security"] = [{"bearer": []}]
            paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "nleanjit OpenAI-compatible API", "version": "0.1.0",
                 "description": "Chat, completions and embeddings in the OpenAI wire format; "
                                "see docs/API.md."},
        "paths": paths,
        "components": {"schemas": dict(sorted(components.items())),
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                      "description": "required only when the server "
                                                                     "has an API key"}}},
    }
