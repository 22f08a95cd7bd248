"""Settings of the Lean service, read from ``NLEANJIT_LEAN_*`` environment variables.

In: the environment (``nleanjit serve --lean-workers N --ray-address ADDR`` sets
it, so every Sanic worker process sees the same values).  Out: a frozen
``LeanConfig``.

| variable                    | field            | default                         |
|-----------------------------|------------------|---------------------------------|
| NLEANJIT_LEAN_WORKERS       | workers          | cores − 1, at least 1           |
| NLEANJIT_LEAN_QUEUE         | max_queue        | 1024 snippets waiting           |
| NLEANJIT_LEAN_MEMORY_MB     | memory_mb        | 4096 (RLIMIT_AS of a worker)    |
| NLEANJIT_LEAN_SESSIONS      | sessions         | 256 REPL sessions (LRU)         |
| NLEANJIT_LEAN_SESSION_ENVS  | session_envs     | 4096 environments per session   |
| NLEANJIT_LEAN_PROOF_STATES  | session_proof_states | 4096 proof states per session (oldest dropped) |
| NLEANJIT_LEAN_MAX_TIMEOUT   | max_timeout_s    | 300 s per snippet at most       |
| NLEANJIT_RAY_ADDRESS        | ray_address      | none: the local pool            |
"""

from __future__ import annotations

import os
from dataclasses import dataclass


class LeanConfigError(ValueError):
    """A setting that cannot be used (named in the message)."""


@dataclass(frozen=True)
class LeanConfig:
    workers: int = 1
    max_queue: int = 1024
    memory_mb: int = 4096
    sessions: int = 256
    session_envs: int = 4096
    session_proof_states: int = 4096
    max_timeout_s: float = 300.0
    ray_address: str | None = None

    @classmethod
    def from_env(cls, env=None) -> "LeanConfig":
        env = os.environ if env is None else env

        def number(name: str, default, minimum, kind=int):
            raw = env.get(name, "")
            if raw == "":
                return default
            try:
                value = kind(raw)
            except ValueError:
                raise LeanConfigError(f"{name}={raw!r} is not a number") from None
            if value < minimum:
                raise LeanConfigError(f"{name}={raw!r} must be at least {minimum}")
            return value

        return cls(
            workers=number("NLEANJIT_LEAN_WORKERS", max(1, (os.cpu_count() or 2) - 1), 1),
            max_queue=number("NLEANJIT_LEAN_QUEUE", 1024, 0),
            memory_mb=number("NLEANJIT_LEAN_MEMORY_MB", 4096, 256),
            sessions=number("NLEANJIT_LEAN_SESSIONS", 256, 1),
            session_envs=number("NLEANJIT_LEAN_SESSION_ENVS", 4096, 1),
            session_proof_states=number("NLEANJIT_LEAN_PROOF_STATES", 4096, 1),
            max_timeout_s=number("NLEANJIT_LEAN_MAX_TIMEOUT", 300.0, 1.0, float),
            ray_address=env.get("NLEANJIT_RAY_ADDRESS") or None,
        )
