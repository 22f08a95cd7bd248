"""/api/check and /verify in Kimina Lean Server's JSON shapes, against a real server."""

from __future__ import annotations

VALID = "theorem t : 2 + 2 = 4 := by decide"
SORRY = "-- a comment first\n\ntheorem s (n : Nat) : n = n := sorry"
ERROR = "import Mathlib\nopen Nat\n\ntheorem e : 2 + 2 = 5 := rfl"


def _check(server, snippets, **extra):
    status, headers, body = server.request("POST", "/api/check", {"snippets": snippets, **extra})
    assert status == 200, body
    return {r["id"]: r for r in body["results"]}, body


def test_one_batch_valid_sorry_error_and_timeout_each_get_their_own_result(lean_server, slow_code):
    restarts = lean_server.metric("nleanjit_lean_worker_restarts_total")
    results, body = _check(lean_server, [{"id": "valid", "code": VALID}, {"id": "sorry", "code": SORRY},
                                         {"id": "error", "code": ERROR}, {"id": "slow", "code": slow_code}],
                           timeout=1)
    assert [r["id"] for r in body["results"]] == ["valid", "sorry", "error", "slow"]  # request order
    for r in body["results"]:
        assert ("response" in r) != ("error" in r), r  # exactly one of them
        assert isinstance(r["time"], float)
    assert results["valid"]["response"] == {"env": 0}  # empty lists omitted

    sorry = results["sorry"]["response"]
    assert sorry["messages"] == [{"severity": "warning", "pos": {"line": 3, "column": 31},
                                  "endPos": {"line": 3, "column": 36}, "data": "declaration uses 'sorry'"}]
    assert [(s["pos"], s["endPos"]) for s in sorry["sorries"]] == [
        ({"line": 3, "column": 31}, {"line": 3, "column": 36})]
    assert sorry["sorries"][0]["goal"] == "n : Nat\n⊢ n = n"
    # the proof state is kept in the caller's session (here: the API key) for the REPL's tactic mode
    state = sorry["sorries"][0]["proofState"]
    status, _, step = lean_server.request("POST", "/v1/lean/repl", {"tactic": "rfl", "proofState": state})
    assert status == 200 and step["goals"] == [] and step["proofStatus"] == "Completed", step

    (err,) = results["error"]["response"]["messages"]
    assert err["severity"] == "error" and err["pos"] == {"line": 4, "column": 25}  # lines as submitted
    assert "2 + 2 = 5" in err["data"]

    assert results["slow"]["error"] == "Lean REPL command timed out in 1 seconds"
    assert 0.9 < results["slow"]["time"] < 5
    # the worker that timed out was killed and replaced; the service still answers
    assert lean_server.metric("nleanjit_lean_worker_restarts_total") >= restarts + 1
    again, _ = _check(lean_server, [{"id": "x", "code": VALID}])
    assert again["x"]["response"] == {"env": 0}


def test_sorry_whole_proof_gets_its_goal(lean_server):
    results, _ = _check(lean_server, [{"id": "s", "code": "theorem t : 2 + 2 = 4 := sorry"}])
    (entry,) = results["s"]["response"]["sorries"]
    assert entry["goal"] == "⊢ 2 + 2 = 4"


def test_header_cache_hit_is_counted_in_metrics(lean_server):
    header = "import Mathlib\nopen Nat\n\n"
    before = lean_server.metric("nleanjit_lean_header_cache_hits_total")
    hits = []
    for i in range(3):  # two workers: at least one of three lands where the header is cached
        results, _ = _check(lean_server, [{"id": "h", "code": header + f"theorem h{i} : succ {i} = {i + 1} := rfl"}],
                            debug=True)
        assert results["h"]["response"] == {"env": 0}  # `open Nat` still applies to the body
        hits.append(results["h"]["diagnostics"]["header_cache_hit"])
    assert any(hits)
    assert lean_server.metric("nleanjit_lean_header_cache_hits_total") - before == sum(hits)
    # reuse: false never takes the cache
    results, _ = _check(lean_server, [{"id": "h", "code": header + "theorem h9 : succ 9 = 10 := rfl"}],
                        debug=True, reuse=False)
    assert results["h"]["diagnostics"]["header_cache_hit"] is False


def test_snippet_outcomes_are_counted(lean_server):
    before = {o: lean_server.metric("nleanjit_lean_snippets_total", f'outcome="{o}"')
              for o in ("valid", "sorry", "lean_error")}
    _check(lean_server, [{"id": "a", "code": VALID}, {"id": "b", "code": SORRY}, {"id": "c", "code": ERROR}])
    for o in before:
        assert lean_server.metric("nleanjit_lean_snippets_total", f'outcome="{o}"') == before[o] + 1
    assert lean_server.metric("nleanjit_lean_check_seconds_count") >= 3


def test_verify_legacy_shape(lean_server):
    status, _, body = lean_server.request("POST", "/verify", {"codes": [
        {"custom_id": "p", "proof": VALID}, {"custom_id": "q", "code": ERROR}], "timeout": 30})
    assert status == 200
    p, q = body["results"]
    assert p == {"custom_id": "p", "error": None, "response": {"env": 0}}
    assert q["custom_id"] == "q" and q["error"] is None
    assert q["response"]["messages"][0]["severity"] == "error"


def test_bad_requests_are_clear_400s(lean_server):
    cases = [
        ({"snippets": [{"id": "a", "code": "x"}, {"id": "a", "code": "y"}]}, "snippets"),
        ({"snippets": [{"id": "a"}]}, "snippets[0].code"),
        ({"snippets": []}, "snippets"),
        ({"snippets": [{"id": "a", "code": "x"}], "timeout": 10_000}, "timeout"),
        ({"snippets": [{"id": "a", "code": "x"}], "bogus": 1}, "bogus"),
    ]
    for body, param in cases:
        status, _, answer = lean_server.request("POST", "/api/check", body)
        assert status == 400, (body, answer)
        assert answer["error"]["param"] == param
    status, _, answer = lean_server.request("POST", "/api/check", raw=b"{not json")
    assert status == 400 and answer["error"]["code"] == "invalid_json"


def test_the_api_key_guards_the_lean_routes(lean_server):
    for path in ("/api/check", "/verify", "/v1/lean/repl", "/v1/lean/run", "/v1/lean/prove"):
        status, _, body = lean_server.request("POST", path, {"snippets": []}, key=False)
        assert status == 401 and body["error"]["code"] == "invalid_api_key", path


def test_openapi_lists_the_lean_routes(lean_server):
    _, _, doc = lean_server.request("GET", "/openapi.json")
    for path in ("/api/check", "/verify", "/v1/lean/repl", "/v1/lean/run", "/v1/lean/prove"):
        assert "post" in doc["paths"][path], path
    assert doc["paths"]["/api/check"]["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/LeanCheckRequest"}
    assert "snippets" in doc["components"]["schemas"]["LeanCheckRequest"]["required"]
