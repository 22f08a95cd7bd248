"""Server settings: one frozen data class, read from the environment or given whole.

In: ``NLEANJIT_*`` environment variables (the CLI sets them, so that every
Sanic worker process, which rebuilds the app through the factory, sees the
same settings) or explicit overrides.  Out: a ``ServerConfig``.

| variable                     | field              | default                          |
|------------------------------|--------------------|----------------------------------|
| NLEANJIT_MODEL               | model_path         | model.default_chat_model_path()  |
| NLEANJIT_EMBEDDING_MODEL     | embedding_model_path | model.default_embedding_model_path() |
| NLEANJIT_API_KEY             | api_key            | none (no auth)                   |
| NLEANJIT_MAX_BATCH           | max_batch          | 16 sequences                     |
| NLEANJIT_KV_MB               | kv_mb              | the engine's default             |
| NLEANJIT_MAX_QUEUE           | max_queue          | 256 waiting sequences            |
| NLEANJIT_MAX_BODY_BYTES      | max_body_bytes     | 8 MiB                            |
| NLEANJIT_KEEPALIVE_S         | keepalive_s        | 15 s of silence per SSE comment  |
| NLEANJIT_DTYPE / _DEVICE     | dtype / device     | auto / cpu                       |
| NLEANJIT_THREADS             | threads            | 1 kernel thread per engine (0 = one per core) |

A model path of ``none`` serves no model of that kind.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

ENV = {
    "model_path": "NLEANJIT_MODEL",
    "embedding_model_path": "NLEANJIT_EMBEDDING_MODEL",
    "api_key": "NLEANJIT_API_KEY",
    "max_batch": "NLEANJIT_MAX_BATCH",
    "kv_mb": "NLEANJIT_KV_MB",
    "max_queue": "NLEANJIT_MAX_QUEUE",
    "max_body_bytes": "NLEANJIT_MAX_BODY_BYTES",
    "keepalive_s": "NLEANJIT_KEEPALIVE_S",
    "dtype": "NLEANJIT_DTYPE",
    "device": "NLEANJIT_DEVICE",
    "threads": "NLEANJIT_THREADS",
}


class ConfigError(ValueError):
    """A setting that cannot be used (named in the message)."""


@dataclass(frozen=True)
class ServerConfig:
    model_path: str | None = None  # None: the default; "none": no chat model
    embedding_model_path: str | None = None
    api_key: str | None = None
    max_batch: int = 16
    kv_mb: int | None = None
    max_queue: int = 256
    max_body_bytes: int = 8 * 1024 * 1024
    keepalive_s: float = 15.0
    dtype: str = "auto"
    device: str = "cpu"
    # kernel threads per engine; 0 = Numba's default (one per core).  1 by default: on a small
    # machine shared with other work, parallel kernels wait on descheduled threads at every
    # barrier (measured: 270+ vs 15 requests/s on 2 busy cores, docs/PERFORMANCE.md)
    threads: int = 1

    @classmethod
    def from_env(cls, env=None, **overrides) -> "ServerConfig":
        env = os.environ if env is None else env
        values = {}
        for f in fields(cls):
            raw = env.get(ENV[f.name])
            if raw is None or raw == "":
                continue
            values[f.name] = _parse(f.name, raw, f.type)
        return replace(cls(**values), **{k: v for k, v in overrides.items() if v is not None})

    def to_env(self) -> dict[str, str]:
        return {ENV[f.name]: str(getattr(self, f.name)) for f in fields(self)
                if getattr(self, f.name) is not None}

    def chat_enabled(self) -> bool:
        return (self.model_path or "").lower() != "none"

    def embedding_enabled(self) -> bool:
        return (self.embedding_model_path or "").lower() != "none"


def _parse(name: str, raw: str, typ) -> object:
    kind = str(typ)
    try:
        if "int" in kind:
            value = int(raw)
            if value < (0 if name in ("max_queue", "threads") else 1):
                raise ValueError
            return value
        if "float" in kind:
            value = float(raw)
            if not value > 0:
                raise ValueError
            return value
    except ValueError:
        raise ConfigError(f"{ENV[name]}={raw!r} is not a valid {name}") from None
    return raw
