"""A real server on a loopback port, started once per test session, always stopped.

The server runs in a subprocess (``nleanjit serve`` in single-process mode), so
the tests exercise exactly what ``make serve`` runs; it is configured through
the same ``NLEANJIT_*`` variables a user sets.  Three servers: ``server`` (the
default models, an API key, room for 16 streams), ``tight_server`` (tiny
queue, KV budget and body limit, no key) for the overload and limit cases, and
``tiny_server`` (the engine's test fixtures, one of them without a chat template).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
API_KEY = "test-key-123"


@dataclass
class Server:
    base: str
    api_key: str | None
    proc: subprocess.Popen
    log: Path

    @property
    def v1(self) -> str:
        return self.base + "/v1"

    def client(self, **kw):
        import openai

        return openai.OpenAI(base_url=self.v1, api_key=self.api_key or "none", max_retries=0, **kw)

    def request(self, method: str, path: str, body=None, headers=None, raw: bytes | None = None,
                key: bool = True):
        """(status, headers, parsed JSON or text) for a raw HTTP request."""
        h = {"Content-Type": "application/json", **(headers or {})}
        if key and self.api_key and "Authorization" not in h:
            h["Authorization"] = f"Bearer {self.api_key}"
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.base + path, data=data, headers=h, method=method)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                status, hdrs, payload = resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as err:
            status, hdrs, payload = err.code, dict(err.headers), err.read()
        text = payload.decode()
        try:
            return status, hdrs, json.loads(text)
        except ValueError:
            return status, hdrs, text

    def metric(self, name: str, labels: str = "") -> float:
        _, _, text = self.request("GET", "/metrics")
        total = 0.0
        found = False
        for line in text.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            head, value = line.rsplit(" ", 1)
            metric_name, _, metric_labels = head.partition("{")
            if metric_name == name and labels in metric_labels:
                total += float(value)
                found = True
        if not found:
            raise KeyError(name)
        return total


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(tmp_path_factory, name: str, env: dict, api_key: str | None) -> Server:
    log = tmp_path_factory.mktemp(name) / "server.log"
    for _attempt in range(3):
        port = _free_port()
        full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **env}
        full_env.pop("NLEANJIT_API_KEY", None)
        cmd = [sys.executable, "-m", "nleanjit.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
        if api_key:
            cmd += ["--api-key", api_key]
        with open(log, "ab") as out:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        server = Server(f"http://127.0.0.1:{port}", api_key, proc, log)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                status, _, body = server.request("GET", "/health", key=False)
                if status == 200:
                    return server
                if body.get("status") == "failed":
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.2)
        _stop(server)
    raise RuntimeError(f"server did not start; log:\n{log.read_text()[-4000:]}")


def _stop(server: Server) -> None:
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGINT)
        try:
            server.proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait(5)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    s = _start(tmp_path_factory, "server", {"NLEANJIT_MAX_BATCH": "16", "NLEANJIT_MAX_QUEUE": "16",
                                            "NLEANJIT_KV_MB": "64"}, API_KEY)
    yield s
    _stop(s)


@pytest.fixture(scope="session")
def tight_server(tmp_path_factory):
    s = _start(tmp_path_factory, "tight", {"NLEANJIT_MAX_BATCH": "2", "NLEANJIT_MAX_QUEUE": "1",
                                           "NLEANJIT_KV_MB": "1", "NLEANJIT_MAX_BODY_BYTES": "65536",
                                           "NLEANJIT_KEEPALIVE_S": "0.2"}, None)
    yield s
    _stop(s)


@pytest.fixture(scope="session")
def tiny_server(tmp_path_factory):
    """The engine's tiny test fixtures: a Llama without a chat template, a small BERT."""
    fixtures = ROOT / "tests" / "model" / "fixtures"
    s = _start(tmp_path_factory, "tiny", {"NLEANJIT_MODEL": str(fixtures / "tiny-llama"),
                                          "NLEANJIT_EMBEDDING_MODEL": str(fixtures / "tiny-bert")}, None)
    yield s
    _stop(s)


@pytest.fixture(scope="session")
def chat_model_id(server) -> str:
    return _model_ids(server)["decoder"]


@pytest.fixture(scope="session")
def embedding_model_id(server) -> str:
    return _model_ids(server)["encoder"]


def _model_ids(server) -> dict:
    _, _, body = server.request("GET", "/v1/models")
    return {m["kind"]: m["id"] for m in body["data"]}


@pytest.fixture(scope="session")
def reference_engine():
    """The same chat model loaded in the test process: the expected outputs."""
    import model

    return model.load(str(model.default_chat_model_path()))


@pytest.fixture(scope="session")
def reference_encoder():
    import model

    return model.load(str(model.default_embedding_model_path()))
