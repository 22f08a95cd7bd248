"""tools/smoke_openai.sh and tools/bench_qps.py against the live test server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[2] / "tools"


@pytest.mark.skipif(shutil.which("curl") is None, reason="the smoke script drives curl")
def test_smoke_script_passes_and_fails_on_a_mismatch(server):
    env = {**os.environ, "NLEANJIT_API_KEY": server.api_key}
    ok = subprocess.run([str(TOOLS / "smoke_openai.sh"), server.base], env=env, capture_output=True,
                        text=True, timeout=120)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "all 15 checks passed" in ok.stdout
    bad = subprocess.run([str(TOOLS / "smoke_openai.sh"), server.base], capture_output=True, text=True,
                         env={**env, "NLEANJIT_API_KEY": "wrong"}, timeout=60)
    assert bad.returncode == 1 and "FAIL models" in bad.stdout


def test_bench_reports_figures_and_enforces_min_qps(server):
    cmd = [sys.executable, str(TOOLS / "bench_qps.py"), "--url", server.base, "--api-key", server.api_key,
           "--requests", "8", "--concurrency", "4", "--max-tokens", "4", "--json"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["ok"] == 8 and result["failed"] == 0 and result["qps"] > 0
    assert result["ttft_ms"]["p50"] <= result["latency_ms"]["p50"]
    slow = subprocess.run(cmd + ["--min-qps", "1000000"], capture_output=True, text=True, timeout=120)
    assert slow.returncode == 1 and "under --min-qps" in slow.stderr
