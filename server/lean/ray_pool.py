"""Checking on a Ray cluster: the pool of ``pool.py`` with Ray actors as its workers.

In: a Ray address (``--ray-address ADDR`` / ``NLEANJIT_RAY_ADDRESS``; ``local``
starts a private local cluster) and the same settings as the local pool.  Out:
a ``RayCheckerPool`` with the local pool's interface (``start``, ``stop``,
``submit_many``, ``check``, ``repl``, the gauges), so the routes do not know
which one they use.

Each actor holds a warm ``Checker`` (the prelude loaded once); its memory is
bounded by Ray's memory monitor rather than ``RLIMIT_AS`` (a Ray worker aborts
under an address-space limit).  The queue, the 429s, the per-snippet wall-clock timeout and the
cancellation are the local pool's, and a timed-out or cancelled snippet's
actor is killed (``ray.kill``) and replaced, never reused.  The cluster's nodes
need nleanjit installed (same version) so that the actors can import it.
"""

from __future__ import annotations

import asyncio
import logging
import os

from server.lean.pool import READY_TIMEOUT_S, CheckerPool

log = logging.getLogger("nleanjit.server")


class CheckerActor:
    """The worker side, inside a Ray actor process (wrapped by ``ray.remote`` on first use)."""

    def __init__(self):
        from server.lean.checker import Checker

        # no RLIMIT_AS here: a Ray worker maps the object store and its RPC threads' stacks,
        # and aborts under an address-space limit; Ray's own memory monitor kills an actor
        # that grows too large, and the pool replaces it like a crashed worker
        self.checker = Checker()

    def ready(self) -> int:
        return os.getpid()

    def run(self, job: tuple) -> dict:
        from server.lean.worker import handle

        reply, _must_exit = handle(self.checker, job)  # a "limit" reply makes the pool kill us
        return reply


class _RayWorker:
    kind = "ray"

    def __init__(self, actor_cls):
        self.actor = actor_cls.remote()

    async def started(self) -> None:
        try:
            await asyncio.wait_for(_awaitable(self.actor.ready.remote()), READY_TIMEOUT_S)
        except Exception as exc:  # noqa: BLE001 - any Ray failure means: no worker
            self.kill()
            raise RuntimeError(f"a Lean Ray actor did not start: {type(exc).__name__}: {str(exc)[:300]}") from None

    async def call(self, message: tuple) -> dict:
        import ray

        try:
            return await _awaitable(self.actor.run.remote(message))
        except ray.exceptions.RayActorError:
            raise EOFError from None

    def death(self) -> str:
        return "Lean worker crashed (its Ray actor died)"

    def kill(self) -> None:
        import ray

        try:
            ray.kill(self.actor, no_restart=True)
        except Exception:  # noqa: BLE001 - already gone
            pass

    def stop(self) -> None:
        self.kill()


def _awaitable(ref):
    async def wait():
        return await ref

    return wait()


class RayCheckerPool(CheckerPool):
    backend = "ray"

    def __init__(self, address: str, size: int, **kwargs):
        super().__init__(size, **kwargs)
        self.address = address
        self._actor_cls = None
        self._started_ray = False

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._init_ray)
        self._start_loops()

    def _init_ray(self) -> None:
        import ray

        if not ray.is_initialized():
            options = {"log_to_driver": False, "namespace": "nleanjit"}
            if self.address == "local":
                options.update(address="local", include_dashboard=False, num_cpus=max(2, self.size))
            else:
                options["address"] = self.address
            ray.init(**options)
            self._started_ray = True
        self._actor_cls = ray.remote(num_cpus=1, max_restarts=0)(CheckerActor)
        log.info("Lean service: checking on Ray at %s", self.address)

    async def _new_worker(self):
        loop = asyncio.get_running_loop()
        worker = await loop.run_in_executor(None, _RayWorker, self._actor_cls)
        await worker.started()
        return worker

    async def stop(self) -> None:
        await super().stop()
        if self._started_ray:
            import ray

            ray.shutdown()
