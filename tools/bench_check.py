"""Benchmark the Lean service: snippets/s and latency percentiles of /api/check.

Starts ``nleanjit serve`` on a loopback port (no models: only the Lean service
is measured), waits for it, warms the workers, then sends a batch of small
snippets — 10-line theorems and programs (definitions, ``#eval``) — one per
request at a fixed concurrency, and one more time all in a single request.
Then the REPL's tactic mode: ``--proofs`` theorems stated with ``by sorry``
and proved one tactic at a time through ``/v1/lean/repl`` (one client, each
step's round trip timed).  Prints the figures as a Markdown table
(docs/LEAN_API.md keeps the measured ones).

    .venv/bin/python tools/bench_check.py                       # 200 snippets, concurrency 8
    .venv/bin/python tools/bench_check.py --snippets 400 --concurrency 16 --lean-workers 2
    .venv/bin/python tools/bench_check.py --url http://127.0.0.1:8000 --api-key KEY   # a running server
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def snippets(n: int) -> list[str]:
    """n small snippets of about 10 lines: theorems and programs, all different."""
    out = []
    for i in range(n):
        if i % 2 == 0:
            out.append(f"""-- theorem {i}
theorem add_{i} (n : Nat) : n + 0 = n := by
  rfl

theorem lit_{i} : {i} + {i} = {2 * i} := by decide

theorem and_{i} (p q : Prop) (hp : p) (hq : q) : p ∧ q := by
  constructor
  · exact hp
  · exact hq
""")
        else:
            out.append(f"""-- program {i}
def double_{i} (n : Nat) : Nat := n + n

def sumTo_{i} : Nat → Nat
  | 0 => 0
  | n + 1 => (n + 1) + sumTo_{i} n

#eval double_{i} {i}
#eval sumTo_{i} 10
theorem d_{i} : double_{i} 2 = 4 := rfl
""")
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, body: dict, key: str | None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=300) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def start_server(workers: int | None) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "NLEANJIT_MODEL": "none", "NLEANJIT_EMBEDDING_MODEL": "none"}
    env.pop("NLEANJIT_API_KEY", None)
    cmd = [sys.executable, "-m", "nleanjit.cli", "serve", "--port", str(port)]
    if workers:
        cmd += ["--lean-workers", str(workers)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--snippets", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--lean-workers", type=int, default=None, help="default: the server's (cores - 1)")
    ap.add_argument("--proofs", type=int, default=20, help="theorems proved step by step in tactic mode")
    ap.add_argument("--url", default=None, help="a running server instead of starting one")
    ap.add_argument("--api-key", default=None)
    args = ap.parse_args(argv)

    proc = None
    base = args.url
    if base is None:
        proc, base = start_server(args.lean_workers)
    try:
        codes = snippets(args.snippets)
        check = base.rstrip("/") + "/api/check"
        # warm-up: every worker elaborates something first
        for i in range(8):
            post(check, {"snippets": [{"id": "w", "code": codes[i % len(codes)]}]}, args.api_key)

        def one(i: int) -> tuple[float, str]:
            started = time.monotonic()
            while True:
                status, body = post(check, {"snippets": [{"id": str(i), "code": codes[i]}], "timeout": 60},
                                    args.api_key)
                if status != 429:
                    break
                time.sleep(0.05)
            r = body["results"][0]
            kind = "error" if "error" in r else (
                "lean_error" if any(m["severity"] == "error" for m in r["response"].get("messages", []))
                else "ok")
            return time.monotonic() - started, kind

        started = time.monotonic()
        with ThreadPoolExecutor(args.concurrency) as pool:
            results = list(pool.map(one, range(len(codes))))
        wall = time.monotonic() - started
        latencies = [t for t, _ in results]
        kinds = {k: sum(1 for _, x in results if x == k) for k in ("ok", "lean_error", "error")}

        started = time.monotonic()
        status, body = post(check, {"snippets": [{"id": str(i), "code": c} for i, c in enumerate(codes)],
                                    "timeout": 60}, args.api_key)
        batch_wall = time.monotonic() - started
        per_snippet = [r["time"] for r in body.get("results", [])]
        command_times, step_times, completed = tactic_mode(base.rstrip("/") + "/v1/lean/repl", args.proofs,
                                                           args.api_key)
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)

    print(f"snippets: {len(codes)} (half 10-line theorems, half 10-line programs); outcomes {kinds}")
    print("| workload | snippets/s | latency P50 / P90 / P99 (ms) |")
    print("|---|---|---|")
    print(f"| one snippet per request, concurrency {args.concurrency} | {len(codes) / wall:.1f} | "
          f"{percentile(latencies, .5) * 1e3:.0f} / {percentile(latencies, .9) * 1e3:.0f} / "
          f"{percentile(latencies, .99) * 1e3:.0f} |")
    if per_snippet:
        print(f"| all {len(codes)} in one request | {len(codes) / batch_wall:.1f} | worker time per snippet "
              f"{statistics.median(per_snippet) * 1e3:.0f} / {percentile(per_snippet, .9) * 1e3:.0f} / "
              f"{percentile(per_snippet, .99) * 1e3:.0f} |")
    if step_times:
        print(f"| tactic mode: command with `sorry` ({len(command_times)}) | "
              f"{len(command_times) / sum(command_times):.1f} | "
              f"{percentile(command_times, .5) * 1e3:.0f} / {percentile(command_times, .9) * 1e3:.0f} / "
              f"{percentile(command_times, .99) * 1e3:.0f} |")
        print(f"| tactic mode: one tactic step ({len(step_times)}, {completed} proofs completed) | "
              f"{len(step_times) / sum(step_times):.1f} | {percentile(step_times, .5) * 1e3:.0f} / "
              f"{percentile(step_times, .9) * 1e3:.0f} / {percentile(step_times, .99) * 1e3:.0f} |")
    return 0


PROOF_STEPS = ("intro hp hq", "constructor", "exact hp", "constructor", "exact hq", "rfl")


def tactic_mode(repl: str, n: int, key: str | None) -> tuple[list[float], list[float], int]:
    """Prove ``n`` theorems one tactic at a time: (command round trips, step round trips, proofs
    that ended ``Completed``)."""
    commands, steps, completed = [], [], 0
    for i in range(n):
        started = time.monotonic()
        status, body = post(repl, {"cmd": f"theorem step_{i} (p q : Prop) : p → q → p ∧ q ∧ {i} = {i} := by\n"
                                          f"  sorry"}, key)
        commands.append(time.monotonic() - started)
        state = body["sorries"][0]["proofState"]
        for tactic in PROOF_STEPS:
            started = time.monotonic()
            status, body = post(repl, {"tactic": tactic, "proofState": state}, key)
            steps.append(time.monotonic() - started)
            if "message" in body:
                raise SystemExit(f"tactic mode failed at {tactic!r}: {body['message']}")
            state = body["proofState"]
        completed += body.get("proofStatus") == "Completed"
    return commands, steps, completed


if __name__ == "__main__":
    sys.exit(main())
