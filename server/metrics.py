"""Prometheus metrics of one server process.

In: observations from the HTTP middleware (route, status, latency), from the
route handlers (time to first token, tokens in and out, disconnects) and the
scheduler's published ``SchedulerStats`` (queue depth, running sequences,
KV-cache blocks, prefix-cache hits).  Out: the Prometheus text exposition
format served by ``GET /metrics``.

Each app gets its own ``CollectorRegistry`` so that several apps in one process
(tests) never collide; with ``--workers N`` each worker reports its own engine.
Gauges that mirror the scheduler are read at scrape time by a custom collector,
so they are always as fresh as the scheduler's last snapshot.
"""

from __future__ import annotations

from typing import Callable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

_LATENCY_BUCKETS = (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30, 60)

CONTENT_TYPE = CONTENT_TYPE_LATEST


class _SchedulerCollector:
    """Reads the scheduler snapshot when /metrics is scraped."""

    def __init__(self, snapshot: Callable[[], object | None], embed_in_flight: Callable[[], int]):
        self._snapshot = snapshot
        self._embed_in_flight = embed_in_flight

    def collect(self):
        s = self._snapshot()
        waiting = getattr(s, "waiting", 0)
        running = getattr(s, "running", 0)
        used = getattr(s, "kv_blocks_used", 0)
        total = getattr(s, "kv_blocks_total", 0)
        yield GaugeMetricFamily("nleanjit_queue_depth", "sequences waiting for a batch slot", value=waiting)
        yield GaugeMetricFamily("nleanjit_running_sequences", "sequences in the running batch", value=running)
        yield GaugeMetricFamily("nleanjit_kv_cache_blocks_used", "KV-cache blocks in use", value=used)
        yield GaugeMetricFamily("nleanjit_kv_cache_blocks_total", "KV-cache blocks in the budget", value=total)
        yield GaugeMetricFamily("nleanjit_kv_cache_usage_ratio", "used / total KV-cache blocks",
                                value=(used / total) if total else 0.0)
        yield CounterMetricFamily("nleanjit_prefix_cache_hits", "prompt blocks found in the prefix cache",
                                  value=getattr(s, "prefix_cache_hits", 0))
        yield CounterMetricFamily("nleanjit_prefix_cache_queries", "prompt blocks looked up in the prefix cache",
                                  value=getattr(s, "prefix_cache_queries", 0))
        yield CounterMetricFamily("nleanjit_engine_steps", "decode steps run by the engine",
                                  value=getattr(s, "steps", 0))
        yield CounterMetricFamily("nleanjit_sequences_aborted", "sequences cancelled before finishing",
                                  value=getattr(s, "aborted", 0))
        yield GaugeMetricFamily("nleanjit_embedding_requests_in_flight", "embedding requests queued or running",
                                value=self._embed_in_flight())


class ServerMetrics:
    def __init__(self, snapshot: Callable[[], object | None] = lambda: None,
                 embed_in_flight: Callable[[], int] = lambda: 0):
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter("nleanjit_requests", "HTTP requests by route and status",
                                ["route", "status"], registry=r)
        self.latency = Histogram("nleanjit_request_latency_seconds",
                                 "time from request to the last byte of the response", ["route"],
                                 buckets=_LATENCY_BUCKETS, registry=r)
        self.ttft = Histogram("nleanjit_time_to_first_token_seconds",
                              "time from request to the first generated token", ["route"],
                              buckets=_LATENCY_BUCKETS, registry=r)
        self.prompt_tokens = Counter("nleanjit_prompt_tokens", "prompt tokens read", ["route"], registry=r)
        self.completion_tokens = Counter("nleanjit_completion_tokens", "tokens generated", ["route"],
                                         registry=r)
        self.disconnects = Counter("nleanjit_client_disconnects",
                                   "requests whose client went away before the end", ["route"], registry=r)
        r.register(_SchedulerCollector(snapshot, embed_in_flight))

    def observe_request(self, route: str, status: int, seconds: float | None) -> None:
        self.requests.labels(route, str(status)).inc()
        if seconds is not None:
            self.latency.labels(route).observe(seconds)

    def observe_tokens(self, route: str, prompt: int, completion: int) -> None:
        if prompt:
            self.prompt_tokens.labels(route).inc(prompt)
        if completion:
            self.completion_tokens.labels(route).inc(completion)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
