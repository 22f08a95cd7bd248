"""Odd but well-formed bodies against the Lean routes: a clear answer, never a 500 or a hang.

Lean source here is untrusted text: any string must come back as Lean messages
(or a REPL ``{"message"}``), and odd field values as a clean 400.
"""

from __future__ import annotations

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

lean_words = st.sampled_from(["theorem", "def", "t", ":", ":=", "by", "rfl", "sorry", "(", ")", "Nat", "=",
                              "1", "+", "\n", " ", "⟨", "fun", "=>", "open", "import", "#eval", "--", "/-",
                              "namespace", "end", "λ", "\"", "where", "|"])
lean_code = st.one_of(st.text(max_size=40), st.lists(lean_words, max_size=25).map("".join))
numbers = st.one_of(st.integers(-2, 5), st.sampled_from([0.0, 1e-9, 0.5, 1e300, -1.5]))


def _ok(server, path, body):
    status, _, answer = server.request("POST", path, body)
    event(f"HTTP {status}")
    assert status in (200, 400), (status, body, answer)
    if status == 400:
        assert set(answer["error"]) == {"message", "type", "param", "code"} and answer["error"]["message"]
    return status, answer


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(codes=st.lists(lean_code, min_size=1, max_size=3), timeout=st.one_of(st.none(), numbers),
       reuse=st.one_of(st.none(), st.booleans()))
def test_check_bodies(lean_server, codes, timeout, reuse):
    body = {"snippets": [{"id": str(i), "code": c} for i, c in enumerate(codes)]}
    if timeout is not None:
        body["timeout"] = timeout
    if reuse is not None:
        body["reuse"] = reuse
    status, answer = _ok(lean_server, "/api/check", body)
    if status == 200:
        assert [r["id"] for r in answer["results"]] == [str(i) for i in range(len(codes))]
        for r in answer["results"]:
            assert ("response" in r) != ("error" in r)
            if "response" in r:
                for m in r["response"].get("messages", []):
                    assert m["severity"] in ("error", "warning", "info") and m["pos"]["line"] >= 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cmd=st.one_of(st.none(), lean_code), env=st.one_of(st.none(), st.integers(-1, 3)))
def test_repl_bodies(lean_server, cmd, env):
    body = {"cmd": cmd} if env is None else {"cmd": cmd, "env": env}
    status, answer = _ok(lean_server, "/v1/lean/repl", body)
    if status == 200:
        assert "env" in answer or set(answer) == {"message"}


tactic_words = st.sampled_from(["intro", "h", "exact", "constructor", "rfl", "sorry", "·", "<;>", ";", "(", ")",
                                "first", "|", "try", "apply", "And.intro", "⟨", "⟩", ",", "\n", " ", "  ",
                                "repeat", "assumption", "decide", "have", ":", ":=", "by", "p", "q", "_"])
tactic_text = st.one_of(st.text(max_size=30), st.lists(tactic_words, max_size=15).map("".join))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tactic=tactic_text, state=st.one_of(st.integers(-1, 3), st.just(0)))
def test_tactic_bodies(lean_server, tactic, state):
    headers = {"X-Session-Id": "fuzz-tactics"}
    status, _, cmd = lean_server.request("POST", "/v1/lean/repl", {
        "cmd": "theorem f (p q : Prop) (hp : p) (hq : q) : p ∧ q := by sorry"}, headers=headers)
    assert status == 200 and cmd["sorries"][0]["proofState"] is not None
    body = {"tactic": tactic, "proofState": state}
    status, _, answer = lean_server.request("POST", "/v1/lean/repl", body, headers=headers)
    event(f"HTTP {status}")
    assert status in (200, 400), (status, body, answer)
    if status == 200 and "message" not in answer:
        assert isinstance(answer["proofState"], int) and isinstance(answer["goals"], list)
        assert answer["proofStatus"] == "Completed" or answer["proofStatus"].startswith(("Incomplete", "Error"))
    elif status == 200:
        assert set(answer) == {"message"} and answer["message"]
