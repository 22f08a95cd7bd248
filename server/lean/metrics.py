"""The Lean service's Prometheus figures, registered in the app's registry.

In: finished snippets from the pool (``SnippetResult``: outcome, time, header
cache hit) and, at scrape time, the pool's and the REPL sessions' state.  Out:
``nleanjit_lean_*`` series in ``GET /metrics``:

- ``nleanjit_lean_snippets_total{outcome}``: valid, sorry, lean_error, timeout,
  limit, internal, cancelled;
- ``nleanjit_lean_check_seconds``: time a worker spent on a snippet;
- ``nleanjit_lean_header_cache_hits_total``: snippets whose header (or REPL
  environment) was already elaborated in their worker;
- gauges: ``nleanjit_lean_queue_depth``, ``nleanjit_lean_busy_workers``,
  ``nleanjit_lean_workers``, ``nleanjit_lean_worker_restarts``,
  ``nleanjit_lean_repl_sessions``, ``nleanjit_lean_repl_environments``,
  ``nleanjit_lean_repl_proof_states``, ``nleanjit_lean_repl_session_limit``,
  ``nleanjit_lean_repl_proof_state_limit``.
"""

from __future__ import annotations

from typing import Callable

from prometheus_client import Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

_CHECK_BUCKETS = (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10, 30, 60, 300)


class _LeanStateCollector:
    def __init__(self, state: Callable[[], dict]):
        self._state = state

    def collect(self):
        s = self._state()
        yield GaugeMetricFamily("nleanjit_lean_queue_depth", "Lean snippets waiting for a worker",
                                value=s.get("waiting", 0))
        yield GaugeMetricFamily("nleanjit_lean_busy_workers", "checker workers running a snippet",
                                value=s.get("busy", 0))
        yield GaugeMetricFamily("nleanjit_lean_workers", "checker workers in the pool", value=s.get("size", 0))
        yield CounterMetricFamily("nleanjit_lean_worker_restarts",
                                  "workers replaced after a timeout, a limit, a crash or a cancellation",
                                  value=s.get("restarts", 0))
        yield GaugeMetricFamily("nleanjit_lean_repl_sessions", "REPL sessions kept (LRU)",
                                value=s.get("sessions", 0))
        yield GaugeMetricFamily("nleanjit_lean_repl_environments", "REPL environments kept in all sessions",
                                value=s.get("environments", 0))
        yield GaugeMetricFamily("nleanjit_lean_repl_proof_states", "REPL proof states kept in all sessions",
                                value=s.get("proof_states", 0))
        yield GaugeMetricFamily("nleanjit_lean_repl_proof_state_limit", "most proof states kept per session "
                                "before the oldest is dropped", value=s.get("proof_state_limit", 0))
        yield GaugeMetricFamily("nleanjit_lean_repl_session_limit", "most REPL sessions kept before the "
                                "least recently used is dropped", value=s.get("session_limit", 0))


class LeanMetrics:
    def __init__(self, registry, state: Callable[[], dict]):
        self.snippets = Counter("nleanjit_lean_snippets", "Lean snippets checked, by outcome", ["outcome"],
                                registry=registry)
        self.check_seconds = Histogram("nleanjit_lean_check_seconds", "worker time per Lean snippet",
                                       buckets=_CHECK_BUCKETS, registry=registry)
        self.cache_hits = Counter("nleanjit_lean_header_cache_hits",
                                  "snippets whose header or REPL environment was already elaborated",
                                  registry=registry)
        for outcome in ("valid", "sorry", "lean_error", "timeout", "limit"):
            self.snippets.labels(outcome)  # present from the start, at 0
        registry.register(_LeanStateCollector(state))

    def observe_snippet(self, result) -> None:
        self.snippets.labels(result.outcome).inc()
        self.check_seconds.observe(result.time)
        if result.cache_hit:
            self.cache_hits.inc()
