"""`nleanjit serve` and the Sanic factory: arguments, bad input, several workers."""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from server import cli
from server.app import create_app
from server.config import ConfigError, ServerConfig

ROOT = Path(__file__).resolve().parents[2]


def _parse(argv):
    p = argparse.ArgumentParser()
    cli.add_arguments(p)
    return p.parse_args(argv)


def test_importing_the_cli_does_not_import_sanic():
    code = "import sys, server.cli; print('sanic' in sys.modules, 'model' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_bad_arguments_exit_2_with_a_message(capsys):
    assert cli.run_from_args(_parse(["--workers", "0"])) == 2
    assert "--workers" in capsys.readouterr().err
    assert cli.run_from_args(_parse(["--model", "/no/such/dir"])) == 2
    assert "/no/such/dir: not a folder" in capsys.readouterr().err


def test_config_comes_from_the_environment_and_rejects_nonsense():
    cfg = ServerConfig.from_env({"NLEANJIT_MAX_BATCH": "4", "NLEANJIT_KV_MB": "32",
                                 "NLEANJIT_API_KEY": "k"})
    assert (cfg.max_batch, cfg.kv_mb, cfg.api_key) == (4, 32, "k")
    assert ServerConfig.from_env(cfg.to_env()) == cfg
    with pytest.raises(ConfigError, match="NLEANJIT_MAX_BATCH"):
        ServerConfig.from_env({"NLEANJIT_MAX_BATCH": "lots"})


def test_the_factory_accepts_sanic_cli_arguments():
    app = create_app(argparse.Namespace(port=1))  # what `sanic server.app:create_app --factory` passes
    assert isinstance(app.ctx.config, ServerConfig)
    other = create_app({"max_batch": 3})
    assert other.name != app.name and other.ctx.config.max_batch == 3


@pytest.mark.slow
def test_two_workers_each_serve(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "NLEANJIT_EMBEDDING_MODEL": "none"}
    env.pop("NLEANJIT_API_KEY", None)
    proc = subprocess.Popen([sys.executable, "-m", "nleanjit.cli", "serve", "--port", str(port),
                             "--workers", "2"], cwd=ROOT, env=env, stdout=open(tmp_path / "log", "wb"),
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(base + "/health", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        body = json.dumps({"model": "default", "prompt": "hi", "max_tokens": 2}).encode()
        answered = 0
        while answered < 4 and time.monotonic() < deadline:
            req = urllib.request.Request(base + "/v1/completions", data=body,
                                         headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=30) as r:
                    assert json.loads(r.read())["usage"]["completion_tokens"] == 2
                    answered += 1
            except urllib.error.HTTPError as err:  # the other worker may still be loading
                assert err.code == 503 and err.headers["Retry-After"], err.read()
                time.sleep(0.3)
        assert answered == 4
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    log = (tmp_path / "log").read_text()
    assert log.count("Worker ready") >= 2 or log.count("Starting worker") >= 2, log[-2000:]


def test_kernel_threads_are_capped_in_the_thread_that_drives_the_engine():
    import threading

    import numba

    from server.runtime import load_engine

    seen = {}

    def load():
        load_engine(None, ServerConfig(threads=1), "decoder")
        seen["threads"] = numba.get_num_threads()

    t = threading.Thread(target=load)
    t.start()
    t.join(60)
    assert seen["threads"] == 1
    assert ServerConfig.from_env({}).threads == 1 and ServerConfig.from_env({"NLEANJIT_THREADS": "0"}).threads == 0
