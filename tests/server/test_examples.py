"""The runnable client examples in examples/openai_client/, run against the live server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "openai_client"


def _run(server, name: str) -> str:
    env = {**os.environ, "NLEANJIT_BASE_URL": server.v1, "NLEANJIT_API_KEY": server.api_key}
    done = subprocess.run([sys.executable, str(EXAMPLES / name)], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_chat_example(server):
    out = _run(server, "chat.py")
    assert re.search(r"^finish_reason: (stop|length)$", out, re.M)
    prompt, completion = map(int, re.search(r"usage: (\d+) prompt \+ (\d+) completion", out).groups())
    assert prompt > 10 and 1 <= completion <= 32


def test_stream_example(server):
    out = _run(server, "stream.py")
    deltas = int(re.search(r"^deltas: (\d+)$", out, re.M).group(1))
    usage = int(re.search(r"^usage: (\d+) completion tokens$", out, re.M).group(1))
    assert 1 <= deltas <= usage <= 32


def test_embeddings_example(server):
    out = _run(server, "embeddings.py")
    assert "dimensions: 384" in out
    similar = float(re.search(r"similar pair: +(-?[\d.]+)", out).group(1))
    unrelated = float(re.search(r"unrelated pair: +(-?[\d.]+)", out).group(1))
    assert similar > 0.6 > unrelated  # MiniLM knows the first two sentences say the same thing
