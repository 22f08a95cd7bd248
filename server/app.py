"""The Sanic app factory: ``sanic server.app:create_app --factory`` or ``nleanjit serve``.

In: a ``ServerConfig`` (or a dict of overrides, or nothing: then the
``NLEANJIT_*`` environment).  Out: a Sanic app with the ``openai``, ``ops`` and
``lean`` blueprints (the Lean service, ``app.ctx.lean``), and around them:

- listeners: ``before_server_start`` creates ``app.ctx.runtime`` and starts
  loading the models on their own threads; ``after_server_stop`` stops them;
- request middleware: the start time, and the API key check (constant-time)
  for every route that needs it;
- response middleware: requests by route and status, and latency;
- one error handler: every exception becomes the OpenAI error object
  (``server.errors``).

Each Sanic worker process calls the factory itself and so holds its own engine.
"""

from __future__ import annotations

import asyncio
import hmac
import itertools
import logging
import time

from sanic import Sanic

from server import errors
from server.config import ServerConfig
from server.runtime import Runtime

log = logging.getLogger("nleanjit.server")
_names = itertools.count(1)

# the public paths that the API key guards; routes say so themselves via @api(auth=...)
_GUARDED_PREFIXES = ("/v1", "/tokenize", "/detokenize", "/metrics")


def _app_name() -> str:
    # Sanic keeps a registry of app names per process; tests build several apps
    while True:
        n = next(_names)
        name = "nleanjit" if n == 1 else f"nleanjit_{n}"
        if name not in Sanic._app_registry:
            return name


def create_app(config: ServerConfig | dict | None = None) -> Sanic:
    if isinstance(config, dict):
        config = ServerConfig.from_env(**config)
    elif not isinstance(config, ServerConfig):
        # None, or the argparse namespace that `sanic ... --factory` passes: the environment decides
        config = ServerConfig.from_env()
    from server.lean.config import LeanConfig
    from server.lean.service import LeanService
    from server.routes import lean as lean_routes
    from server.routes import openai as openai_routes
    from server.routes import ops as ops_routes

    app = Sanic(_app_name())
    app.config.REQUEST_MAX_SIZE = config.max_body_bytes
    app.config.RESPONSE_TIMEOUT = 3600  # long generations stream for a while
    app.config.KEEP_ALIVE_TIMEOUT = 75
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.NOISY_EXCEPTIONS = False
    app.ctx.config = config
    app.ctx.runtime = Runtime(config)
    app.blueprint(openai_routes.bp)
    app.blueprint(ops_routes.bp)
    app.ctx.lean = LeanService(LeanConfig.from_env(), app.ctx.runtime.metrics.registry)
    app.blueprint(lean_routes.bp)

    @app.before_server_start
    async def start_runtime(app):
        app.ctx.runtime.start(asyncio.get_running_loop())
        await app.ctx.lean.start()

    @app.after_server_stop
    async def stop_runtime(app):
        app.ctx.runtime.stop()
        await app.ctx.lean.stop()

    @app.on_request
    async def check_key(request):
        request.ctx.started = time.monotonic()
        request.ctx.streaming = False
        if config.api_key and _needs_key(request) and not _key_matches(request, config.api_key):
            return errors.json_response(errors.invalid_api_key())

    @app.on_response
    async def count_request(request, response):
        if getattr(request.ctx, "streaming", False):
            return  # the stream records itself when it ends
        started = getattr(request.ctx, "started", None)
        latency = time.monotonic() - started if started is not None else None
        app.ctx.runtime.metrics.observe_request(_route_label(request), response.status, latency)

    def on_error(request, exception):
        return errors.json_response(exception)

    app.error_handler.add(Exception, on_error)
    return app


def _needs_key(request) -> bool:
    route = request.route
    spec = getattr(route.handler, "__openapi__", None) if route is not None else None
    if spec is not None:
        return spec["auth"]
    return request.path.startswith(_GUARDED_PREFIXES)


def _key_matches(request, key: str) -> bool:
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer":
        given = ""
    return hmac.compare_digest(given.strip().encode(), key.encode())


def _route_label(request) -> str:
    route = request.route
    if route is None:
        return "unmatched"
    return "/" + route.path.lstrip("/")
