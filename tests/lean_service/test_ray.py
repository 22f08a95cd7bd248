"""Checking through Ray actors (NLEANJIT_RAY_ADDRESS=local: a private local cluster)."""

from __future__ import annotations

import pytest


@pytest.mark.slow  # starting a Ray cluster takes several seconds and much memory
def test_a_batch_is_checked_by_ray_actors_with_the_same_limits(ray_lean_server, slow_code):
    s = ray_lean_server
    snippets = [{"id": "valid", "code": "theorem t : 2 + 2 = 4 := by decide"},
                {"id": "sorry", "code": "theorem u : 1 = 1 := sorry"},
                {"id": "error", "code": "\ntheorem e : 2 + 2 = 5 := rfl"},
                {"id": "slow", "code": slow_code}]
    status, _, body = s.request("POST", "/api/check", {"snippets": snippets, "timeout": 2, "debug": True})
    assert status == 200, body
    r = {x["id"]: x for x in body["results"]}
    assert r["valid"]["response"] == {"env": 0}
    assert r["sorry"]["response"]["messages"][0]["data"] == "declaration uses 'sorry'"
    assert r["error"]["response"]["messages"][0]["pos"] == {"line": 2, "column": 25}
    assert r["slow"]["error"] == "Lean REPL command timed out in 2 seconds"
    for key in ("valid", "sorry", "error"):
        assert r[key]["diagnostics"]["worker"].startswith("ray:"), r[key]
    # the actor that timed out was replaced: the service goes on
    status, _, body = s.request("POST", "/api/check", {"snippets": [snippets[0]], "debug": True})
    assert body["results"][0]["response"] == {"env": 0}
    assert s.metric("nleanjit_lean_worker_restarts_total") >= 1
    # the REPL runs on the same actors
    status, _, first = s.request("POST", "/v1/lean/repl", {"cmd": "def z : Nat := 3"})
    status, _, second = s.request("POST", "/v1/lean/repl", {"cmd": "theorem tz : z = 3 := rfl", "env": first["env"]})
    assert second == {"env": first["env"] + 1}
    # and the tactic mode: the sorry of the batch above has a proof state in this session
    state = r["sorry"]["response"]["sorries"][0]["proofState"]
    status, _, step = s.request("POST", "/v1/lean/repl", {"tactic": "rfl", "proofState": state})
    assert (step["goals"], step["proofStatus"]) == ([], "Completed"), step
