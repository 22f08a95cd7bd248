"""Backpressure and cancellation on a server with one checker worker and a queue of one."""

from __future__ import annotations

import json
import socket
import threading
import time


def test_a_batch_larger_than_the_queue_is_refused_with_429(tight_lean_server):
    snippets = [{"id": str(i), "code": "theorem t : True := trivial"} for i in range(3)]  # room: 1 + 1
    status, headers, body = tight_lean_server.request("POST", "/api/check", {"snippets": snippets})
    assert status == 429
    assert headers["Retry-After"] == "1"
    assert body["error"]["code"] == "queue_full" and body["error"]["type"] == "rate_limit_error"


def test_429_under_overload_then_the_server_recovers(tight_lean_server, slow_code):
    s = tight_lean_server
    results = {}

    def hold():  # the worker runs one slow snippet, the queue holds the other
        results["hold"] = s.request("POST", "/api/check", {"snippets": [
            {"id": "a", "code": slow_code}, {"id": "b", "code": slow_code}], "timeout": 2})

    t = threading.Thread(target=hold)
    t.start()
    deadline = time.monotonic() + 10
    while s.metric("nleanjit_lean_busy_workers") < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    status, headers, body = s.request("POST", "/api/check", {"snippets": [
        {"id": "c", "code": "theorem t : True := trivial"}]})
    assert status == 429 and headers["Retry-After"] == "1", body
    t.join(30)
    status, _, held = results["hold"]
    assert status == 200
    assert [r["error"] for r in held["results"]] == ["Lean REPL command timed out in 2 seconds"] * 2
    status, _, body = s.request("POST", "/api/check", {"snippets": [{"id": "d", "code": "theorem t : True := trivial"}]})
    assert status == 200 and body["results"][0]["response"] == {"env": 0}


def test_a_client_that_disconnects_cancels_its_snippet_and_frees_the_worker(tight_lean_server, slow_code):
    s = tight_lean_server
    before = s.metric("nleanjit_lean_snippets_total", 'outcome="cancelled"') if _has(s, "cancelled") else 0.0
    host, port = s.base.removeprefix("http://").split(":")
    body = json.dumps({"snippets": [{"id": "a", "code": slow_code}], "timeout": 60}).encode()
    sock = socket.create_connection((host, int(port)))
    sock.sendall(b"POST /api/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    deadline = time.monotonic() + 10
    while s.metric("nleanjit_lean_busy_workers") < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert s.metric("nleanjit_lean_busy_workers") == 1
    sock.close()
    # the snippet would run for many seconds with its 60 s timeout; the disconnect stops it
    deadline = time.monotonic() + 10
    while s.metric("nleanjit_lean_busy_workers") > 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert s.metric("nleanjit_lean_busy_workers") == 0
    assert s.metric("nleanjit_lean_snippets_total", 'outcome="cancelled"') == before + 1
    started = time.monotonic()
    status, _, answer = s.request("POST", "/api/check", {"snippets": [{"id": "b", "code": "theorem t : True := trivial"}]})
    assert status == 200 and answer["results"][0]["response"] == {"env": 0}
    assert time.monotonic() - started < 8  # a fresh worker, not the one still busy


def _has(server, outcome: str) -> bool:
    try:
        server.metric("nleanjit_lean_snippets_total", f'outcome="{outcome}"')
        return True
    except KeyError:
        return False


def test_proof_states_survive_the_worker_that_made_them(tight_lean_server, slow_code):
    s = tight_lean_server
    headers = {"X-Session-Id": "survivor"}
    status, _, cmd = s.request("POST", "/v1/lean/repl", {
        "cmd": "theorem keep (p : Prop) (hp : p) (q : Prop) (hq : q) : q ∧ p := by sorry"}, headers=headers)
    step = s.request("POST", "/v1/lean/repl", {"tactic": "constructor", "proofState": 0}, headers=headers)[2]
    assert step["proofState"] == 1 and len(step["goals"]) == 2
    restarts = s.metric("nleanjit_lean_worker_restarts_total")
    # a timeout kills the only worker, and with it every goal it had saved
    status, _, body = s.request("POST", "/api/check", {"snippets": [{"id": "a", "code": slow_code}], "timeout": 1})
    assert body["results"][0]["error"] == "Lean REPL command timed out in 1 seconds"
    assert s.metric("nleanjit_lean_worker_restarts_total") == restarts + 1
    # the new worker rebuilds proof state 1 from where it came from
    step = s.request("POST", "/v1/lean/repl", {"tactic": "exact hq", "proofState": 1}, headers=headers)[2]
    assert step["goals"] == ["case right\np : Prop\nhp : p\nq : Prop\nhq : q\n⊢ p"], step
    done = s.request("POST", "/v1/lean/repl", {"tactic": "exact hp", "proofState": step["proofState"]},
                     headers=headers)[2]
    assert (done["goals"], done["proofStatus"]) == ([], "Completed")
    # a tactic that runs past its timeout is the REPL's error, and the proof states stay usable
    slow = s.request("POST", "/v1/lean/repl", {"cmd": "def f : Nat → Nat\n  | 0 => 0\n  | n+1 => f n + 1\n"
                                                      "theorem slow : f 100000 = 100000 := by sorry"},
                     headers=headers)[2]
    state = slow["sorries"][0]["proofState"]
    status, _, late = s.request("POST", "/v1/lean/repl", {"tactic": "decide", "proofState": state, "timeout": 0.5},
                                headers=headers)
    assert late == {"message": "Lean REPL command timed out in 0.5 seconds"}
    again = s.request("POST", "/v1/lean/repl", {"tactic": "exact hq", "proofState": 1}, headers=headers)[2]
    assert again["goals"] == step["goals"]
