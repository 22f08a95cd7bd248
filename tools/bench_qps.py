#!/usr/bin/env python3
"""Load test of the OpenAI-compatible server: QPS, latency and time to first token.

    .venv/bin/python tools/bench_qps.py                          # starts a server, 16-token completions
    .venv/bin/python tools/bench_qps.py --url http://127.0.0.1:8000 --api-key KEY
    .venv/bin/python tools/bench_qps.py --kind embeddings --concurrency 1 --requests 200
    .venv/bin/python tools/bench_qps.py --min-qps 50             # exit 1 below 50 requests/s

Sends N requests at concurrency C (C keep-alive connections, each sending its
next request when the last one ends) and prints requests/s and the P50/P90/P99
of the end-to-end latency and, for streamed requests, of the time to the first
token (the first SSE event carrying generated text).  Completions use ``ignore_eos`` so each one is
exactly ``--max-tokens`` tokens.  Without ``--url`` it starts ``nleanjit serve``
on a free loopback port and stops it at the end.

The client is a few lines of raw asyncio HTTP/1.1 rather than the openai
client, so that on a small machine the load generator takes as little CPU as
possible away from the server it measures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


# --- a minimal HTTP/1.1 client ----------------------------------------------------------

class Connection:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def open(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def post(self, path: str, body: dict, headers: dict, stream: bool):
        """(status, latency_s, ttft_s or None, body bytes)."""
        data = json.dumps(body).encode()
        head = [f"POST {path} HTTP/1.1", f"Host: {self.host}", "Content-Type: application/json",
                f"Content-Length: {len(data)}"] + [f"{k}: {v}" for k, v in headers.items()]
        started = time.perf_counter()
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length, chunked = None, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode().partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
        ttft = None
        payload = b""
        if chunked:
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readline()
                    break
                piece = await self.reader.readexactly(size)
                await self.reader.readexactly(2)
                payload += piece
                if ttft is None and stream and carries_token(payload):
                    ttft = time.perf_counter() - started
        elif length is not None:
            payload = await self.reader.readexactly(length)
        return status, time.perf_counter() - started, ttft, payload

    def close(self):
        if self.writer is not None:
            self.writer.close()


def carries_token(sse: bytes) -> bool:
    """Whether an SSE body so far has an event with generated text (chat's opening
    role-only chunk does not count) or a finish."""
    for line in sse.split(b"\n"):
        if not line.startswith(b"data: {"):
            continue
        try:
            event = json.loads(line[6:])
        except ValueError:  # an event cut between two chunks
            continue
        for choice in event.get("choices", ()):
            if choice.get("text") or (choice.get("delta") or {}).get("content") or choice.get("finish_reason"):
                return True
    return False


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(round(q / 100 * (len(values) - 1)))))
    return values[k]


# --- requests ---------------------------------------------------------------------------

def make_request(kind: str, i: int, model: str, max_tokens: int, stream: bool) -> tuple[str, dict]:
    if kind == "embeddings":
        return "/v1/embeddings", {"model": model, "input": f"Lemma {i}: the sum of two even numbers is even.",
                                  "encoding_format": "float"}
    if kind == "chat":
        return "/v1/chat/completions", {
            "model": model, "messages": [{"role": "user", "content": f"Prove that {i} + 0 = {i}."}],
            "max_tokens": max_tokens, "ignore_eos": True, "stream": stream}
    return "/v1/completions", {"model": model, "prompt": f"theorem t{i} : {i} + 0 = {i} :=",
                               "max_tokens": max_tokens, "ignore_eos": True, "stream": stream}


async def run_load(url: str, args, model: str) -> dict:
    parsed = urllib.parse.urlparse(url)
    headers = {"Authorization": f"Bearer {args.api_key}"} if args.api_key else {}
    stream = args.kind != "embeddings" and not args.no_stream
    latencies, ttfts, failures = [], [], []
    counter = iter(range(args.requests))

    async def worker():
        conn = Connection(parsed.hostname, parsed.port or 80)
        await conn.open()
        try:
            for i in counter:
                path, body = make_request(args.kind, i, model, args.max_tokens, stream)
                status, latency, ttft, payload = await conn.post(path, body, headers, stream)
                if status != 200 or b'"error"' in payload[:200]:
                    failures.append((status, payload[:300]))
                    continue
                latencies.append(latency)
                if ttft is not None:
                    ttfts.append(ttft)
        finally:
            conn.close()

    # warm up (JIT compilation, caches) outside the measurement
    warm = iter(range(max(2, args.concurrency // 2)))
    saved, counter = counter, warm
    await asyncio.gather(*(worker() for _ in range(min(2, args.concurrency))))
    latencies.clear(), ttfts.clear()
    counter = saved
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(args.concurrency)))
    elapsed = time.perf_counter() - started
    ms = lambda xs, q: round(percentile(xs, q) * 1000, 1)  # noqa: E731
    return {
        "kind": args.kind, "requests": args.requests, "concurrency": args.concurrency,
        "max_tokens": args.max_tokens if args.kind != "embeddings" else None,
        "ok": len(latencies), "failed": len(failures), "seconds": round(elapsed, 2),
        "qps": round(len(latencies) / elapsed, 1),
        "tokens_per_s": round(len(latencies) * args.max_tokens / elapsed, 1) if args.kind != "embeddings" else None,
        "latency_ms": {"p50": ms(latencies, 50), "p90": ms(latencies, 90), "p99": ms(latencies, 99),
                       "mean": round(statistics.fmean(latencies) * 1000, 1) if latencies else None},
        "ttft_ms": {"p50": ms(ttfts, 50), "p90": ms(ttfts, 90), "p99": ms(ttfts, 99)} if ttfts else None,
        "first_failure": failures[0][1].decode(errors="replace") if failures else None,
    }


# --- server management ------------------------------------------------------------------

def http_json(url: str, api_key: str | None):
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {api_key}"} if api_key else {})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def start_server(args) -> tuple[str, subprocess.Popen]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "NLEANJIT_MAX_BATCH": str(args.max_batch)}
    if args.threads is not None:
        env["NLEANJIT_THREADS"] = str(args.threads)
    cmd = [sys.executable, "-m", "nleanjit.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if args.api_key:
        cmd += ["--api-key", args.api_key]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("bench_qps: the server exited during start-up")
        try:
            if http_json(url + "/health", None).get("status") == "ok":
                return url, proc
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(proc)
    raise SystemExit("bench_qps: the server did not become ready in 180 s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", help="a running server (default: start one)")
    p.add_argument("--api-key", default=os.environ.get("NLEANJIT_API_KEY"))
    p.add_argument("--kind", choices=("completions", "chat", "embeddings"), default="completions")
    p.add_argument("--model", help="model id (default: the first of the right kind)")
    p.add_argument("--requests", "-n", type=int, default=256)
    p.add_argument("--concurrency", "-c", type=int, default=16)
    p.add_argument("--max-tokens", type=int, default=16)
    p.add_argument("--max-batch", type=int, default=16, help="NLEANJIT_MAX_BATCH of a started server")
    p.add_argument("--threads", type=int, help="NLEANJIT_THREADS of a started server (kernel threads; 0 = one per core)")
    p.add_argument("--no-stream", action="store_true", help="completions without SSE (no TTFT)")
    p.add_argument("--min-qps", type=float, default=0.0, help="exit 1 when QPS is lower")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    args = p.parse_args(argv)
    if args.requests < 1 or args.concurrency < 1:
        p.error("--requests and --concurrency must be at least 1")

    proc = None
    url = args.url
    if url is None:
        url, proc = start_server(args)
    try:
        url = url.rstrip("/").removesuffix("/v1")
        model = args.model
        if model is None:
            want = "encoder" if args.kind == "embeddings" else "decoder"
            models = http_json(url + "/v1/models", args.api_key)["data"]
            model = next((m["id"] for m in models if m.get("kind", want) == want), None)
            if model is None:
                raise SystemExit(f"bench_qps: the server has no {want} model")
        result = asyncio.run(run_load(url, args, model))
    finally:
        if proc is not None:
            stop_server(proc)

    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{result['kind']}: {result['ok']} ok, {result['failed']} failed in {result['seconds']} s "
              f"at concurrency {result['concurrency']}")
        print(f"  QPS {result['qps']}" + (f"   ({result['tokens_per_s']} tokens/s)" if result["tokens_per_s"] else ""))
        lat = result["latency_ms"]
        print(f"  latency ms  P50 {lat['p50']}  P90 {lat['p90']}  P99 {lat['p99']}")
        if result["ttft_ms"]:
            t = result["ttft_ms"]
            print(f"  TTFT ms     P50 {t['p50']}  P90 {t['p90']}  P99 {t['p99']}")
        if result["first_failure"]:
            print(f"  first failure: {result['first_failure']}")
    if result["failed"]:
        return 1
    if result["qps"] < args.min_qps:
        print(f"bench_qps: QPS {result['qps']} is under --min-qps {args.min_qps}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
