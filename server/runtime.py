"""What one server process holds while it runs: ``app.ctx.runtime``.

In: a ``ServerConfig``.  Out: the loaded models (a decoder driven by the
``Scheduler`` thread, an encoder driven by the ``EmbeddingRunner`` thread), the
metrics registry, and the lookups the routes need: ``decoder(model_id)``,
``encoder(model_id)``, ``any_model(model_id)``, each raising the API error a
client should see (404 unknown model, 400 wrong kind, 503 still loading).

Models load in the background so that ``/health`` can say "loading" and the
process answers at once; ``start`` and ``stop`` are called by the Sanic
listeners in ``server.app``.
"""

from __future__ import annotations

import inspect
import logging
import time
from dataclasses import dataclass
from typing import Any

from server import errors
from server.config import ServerConfig
from server.metrics import ServerMetrics
from server.scheduler import EmbeddingRunner, Scheduler

log = logging.getLogger("nleanjit.server")

DEFAULT_EMBEDDING_MODEL_ID = "all-MiniLM-L6-v2"


@dataclass(frozen=True)
class ServedModel:
    id: str
    kind: str  # "decoder" | "encoder"
    info: Any  # model.EngineInfo
    tokenizer: Any  # model.Tokenizer

    def card(self, created: int) -> dict:
        return {"id": self.id, "object": "model", "created": created, "owned_by": "nleanjit",
                "kind": self.kind, "context_length": self.info.context_length}


def load_engine(path, config: ServerConfig, kind: str):
    """``model.load`` with the KV budget when the engine accepts one."""
    import model

    wanted = {"dtype": config.dtype, "device": config.device}
    if path is None:
        path = model.default_chat_model_path() if kind == "decoder" else model.default_embedding_model_path()
        if kind == "encoder":  # the package's folder is just "model": give it its real name
            wanted["model_id"] = DEFAULT_EMBEDDING_MODEL_ID
    if kind == "decoder" and config.kv_mb is not None:
        wanted["kv_cache_bytes"] = config.kv_mb * 1024 * 1024
    accepted = inspect.signature(model.load).parameters
    has_var_kw = any(p.kind is p.VAR_KEYWORD for p in accepted.values())
    kwargs = {k: v for k, v in wanted.items() if v is not None and (k in accepted or has_var_kw)}
    if config.threads:
        _limit_kernel_threads(config.threads)
    started = time.monotonic()
    engine = model.load(str(path), **kwargs)
    log.info("loaded %s model %s in %.1f s", kind, path, time.monotonic() - started)
    return engine


def _limit_kernel_threads(n: int) -> None:
    """Cap the parallel kernels' threads for the engine driven by the calling thread.

    Numba's setting is per calling thread, so this runs in the thread that loads and then
    drives the engine.  On a busy machine, parallel kernels whose threads get descheduled
    wait on each other at every barrier; one thread per engine is then far faster."""
    import numba

    numba.set_num_threads(max(1, min(n, numba.config.NUMBA_NUM_THREADS)))


class Runtime:
    def __init__(self, config: ServerConfig):
        self.config = config
        self.started = int(time.time())
        self.scheduler: Scheduler | None = None
        self.embedder: EmbeddingRunner | None = None
        self.metrics = ServerMetrics(
            snapshot=lambda: self.scheduler.stats if self.scheduler else None,
            embed_in_flight=lambda: self.embedder.in_flight if self.embedder else 0)
        self._models: dict[str, ServedModel] | None = None

    # --- lifecycle (Sanic listeners) ------------------------------------------------

    def start(self, loop) -> None:
        c = self.config
        if c.chat_enabled():
            self.scheduler = Scheduler(lambda: load_engine(c.model_path, c, "decoder"),
                                       max_batch=c.max_batch, max_queue=c.max_queue)
            self.scheduler.start(loop)
        if c.embedding_enabled():
            self.embedder = EmbeddingRunner(lambda: load_engine(c.embedding_model_path, c, "encoder"),
                                            max_in_flight=c.max_queue)

    def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()
        if self.embedder is not None:
            self.embedder.stop()

    # --- readiness ------------------------------------------------------------------

    def state(self) -> str:
        """"ok" once every configured model is loaded, "failed" if one failed, else "loading"."""
        parts = []
        if self.scheduler is not None:
            parts.append((self.scheduler.ready.is_set(), self.scheduler.load_error))
        if self.embedder is not None:
            parts.append((self.embedder.ready, self.embedder.load_error))
        if any(err is not None for _, err in parts):
            return "failed"
        return "ok" if all(ready for ready, _ in parts) else "loading"

    def load_errors(self) -> list[str]:
        out = []
        if self.scheduler is not None and self.scheduler.load_error is not None:
            out.append(f"chat model: {self.scheduler.load_error}")
        if self.embedder is not None and self.embedder.load_error is not None:
            out.append(f"embedding model: {self.embedder.load_error}")
        return out

    def models(self) -> dict[str, ServedModel]:
        if self._models is not None:
            return self._models
        state = self.state()
        if state == "loading":
            raise errors.not_ready()
        if state == "failed":
            raise errors.APIError(503, "A model failed to load; see the server log.",
                                  type="server_error", code="model_load_failed")
        found: dict[str, ServedModel] = {}
        for runner in (self.scheduler, self.embedder):
            if runner is None:
                continue
            engine = runner.engine
            info = engine.info()
            found[info.model_id] = ServedModel(info.model_id, info.kind, info, engine.tokenizer)
        self._models = found
        return found

    def any_model(self, model_id: str) -> ServedModel:
        served = self.models().get(model_id)
        if served is None:
            raise errors.model_not_found(model_id)
        return served

    def decoder(self, model_id: str) -> ServedModel:
        served = self.any_model(model_id)
        if served.kind != "decoder":
            raise errors.invalid_param("model", f"The model '{model_id}' is an embedding model; "
                                                f"use /v1/embeddings.", code="model_not_supported")
        return served

    def encoder(self, model_id: str) -> ServedModel:
        served = self.any_model(model_id)
        if served.kind != "encoder":
            raise errors.invalid_param("model", f"The model '{model_id}' does not make embeddings; "
                                                f"use an embedding model.", code="model_not_supported")
        return served
