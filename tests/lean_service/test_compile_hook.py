"""The compile hook behind /v1/lean/run and `#eval` of IO: a cache miss compiles in a child
process under the caller's time limit, so a compile that runs long is stopped, never left
running in the server; a hit costs no child."""

from __future__ import annotations

import time

from server.lean import compile as C


def test_compiles_in_a_child_then_serves_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NLEANJIT_RUN_CACHE", str(tmp_path))
    code = 'def main : IO Unit := IO.println "from the child"\n'
    first = C.compile_program(code, timeout=120)
    assert first.argv is not None and first.messages == []
    assert first.argv[0].startswith(str(tmp_path))
    calls = []
    monkeypatch.setattr(C.subprocess, "run", lambda *a, **k: calls.append(a))
    assert C.compile_program(code).argv == first.argv and calls == []  # cached: no child at all


def test_errors_come_back_as_lean_messages(tmp_path, monkeypatch):
    monkeypatch.setenv("NLEANJIT_RUN_CACHE", str(tmp_path))
    r = C.compile_program("def main : Nat := true\n", timeout=120)
    assert r.argv is None and r.messages[0]["severity"] == "error"
    assert r.messages[0]["data"].startswith("type mismatch")


def test_a_compile_past_the_time_limit_is_stopped(tmp_path, monkeypatch):
    monkeypatch.setenv("NLEANJIT_RUN_CACHE", str(tmp_path))
    # thousands of definitions: far more than a second of elaboration
    code = "".join(f"def f{i} (n : Nat) : Nat := n + {i}\n" for i in range(4000)) + "def main : IO Unit := pure ()\n"
    started = time.monotonic()
    r = C.compile_program(code, timeout=1)
    assert time.monotonic() - started < 30
    assert r.argv is None and "did not finish within 1 s" in r.messages[0]["data"]
    assert not any(tmp_path.rglob("program"))
