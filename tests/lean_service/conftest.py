"""Real servers on loopback ports for the Lean service, started once per session.

The server subprocess and its helpers (``Server.request``, ``Server.metric``)
are the ones of ``tests/server/conftest.py``.  The chat model is the engine's
tiny test Llama (fast, no chat template, writes nonsense: model attempts are
checked and fail), and no embedding model, so the servers start in seconds.

- ``lean_server``: two checker workers and an API key;
- ``tight_lean_server``: one worker and a queue of one snippet, no key, for the
  overload and cancellation cases.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("server_test_fixtures", ROOT / "tests" / "server" / "conftest.py")
fixtures = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = fixtures  # dataclasses look their module up there
_spec.loader.exec_module(fixtures)

API_KEY = "lean-key-1"
TINY_LLAMA = str(ROOT / "tests" / "model" / "fixtures" / "tiny-llama")
_BASE = {"NLEANJIT_MODEL": TINY_LLAMA, "NLEANJIT_EMBEDDING_MODEL": "none"}



@pytest.fixture(scope="session")
def slow_code() -> str:
    """A snippet that keeps the elaborator busy for seconds (each theorem ~1.5 s here):
    only the wall-clock timeout stops it."""
    return "def f : Nat → Nat\n  | 0 => 0\n  | n+1 => f n + 1\n" + "".join(
        f"theorem slow{i} : f 100000 = 100000 := by decide\n" for i in range(8))


@pytest.fixture(scope="session")
def lean_server(tmp_path_factory):
    s = fixtures._start(tmp_path_factory, "lean", {**_BASE, "NLEANJIT_LEAN_WORKERS": "2"}, API_KEY)
    yield s
    fixtures._stop(s)


@pytest.fixture(scope="session")
def tight_lean_server(tmp_path_factory):
    s = fixtures._start(tmp_path_factory, "lean_tight", {**_BASE, "NLEANJIT_LEAN_WORKERS": "1",
                                                         "NLEANJIT_LEAN_QUEUE": "1"}, None)
    yield s
    fixtures._stop(s)


@pytest.fixture(scope="session")
def ray_lean_server(tmp_path_factory):
    """Checking dispatched to Ray actors on a private local Ray cluster (loopback)."""
    s = fixtures._start(tmp_path_factory, "lean_ray", {**_BASE, "NLEANJIT_MODEL": "none",
                                                       "NLEANJIT_LEAN_WORKERS": "2",
                                                       "NLEANJIT_RAY_ADDRESS": "local",
                                                       "RAY_AUTH_MODE": "disabled"}, None)
    yield s
    fixtures._stop(s)
