"""nleanjit.client against a real server: sync and async, errors and 429 retries."""

from __future__ import annotations

import asyncio

import pytest

from nleanjit.client import AsyncLeanClient, LeanClient, LeanClientError


def test_sync_client_check_repl_run_prove(lean_server):
    lean = LeanClient(lean_server.base + "/v1", api_key=lean_server.api_key, session_id="client-sync")
    r = lean.check(["theorem a : True := trivial", "example : 1 = 2 := rfl"], timeout=10)
    ok, bad = r["results"]
    assert (ok["id"], ok["response"]) == ("0", {"env": 0})
    assert bad["id"] == "1" and bad["response"]["messages"][0]["severity"] == "error"
    assert lean.repl("def x : Nat := 5") == {"env": 0}
    assert lean.repl("theorem tx : x = 5 := rfl", env=0) == {"env": 1}
    state = lean.repl("theorem ty : x + 1 = 6 := by sorry", env=0)["sorries"][0]["proofState"]
    assert lean.tactic("rfl", state) == {"proofState": state + 1, "goals": [], "proofStatus": "Completed"}
    assert lean.run("def main : Nat := 0")["exit_code"] is None
    proved = lean.prove("theorem t : 2 + 2 = 4 := sorry")
    assert proved["verified"] and proved["proof"].startswith("theorem t : 2 + 2 = 4 := by ")
    events = list(lean.prove_stream("theorem t : True := sorry"))
    assert len(events) == 6 and events[-1]["verified"] is True
    assert lean.verify([{"custom_id": "v", "proof": "theorem v : True := trivial"}])["results"][0]["error"] is None


def test_async_client(lean_server):
    lean = AsyncLeanClient(lean_server.base, api_key=lean_server.api_key)

    async def both():
        return await asyncio.gather(lean.check("theorem a : 1 + 1 = 2 := rfl"),
                                    lean.prove("theorem b : 3 = 3 := sorry"),
                                    lean.repl("example (n : Nat) : n = n := by sorry"))

    checked, proved, sorry = asyncio.run(both())
    assert checked["results"][0]["response"] == {"env": 0}
    assert proved["verified"] is True
    step = asyncio.run(lean.tactic("intro", sorry["sorries"][0]["proofState"]))
    assert step["message"].startswith("Lean error:\n<input>:1:0: tactic 'introN' failed")


def test_client_errors_carry_the_server_error(lean_server):
    with pytest.raises(LeanClientError) as info:
        LeanClient(lean_server.base, api_key="wrong").check("theorem a : True := trivial")
    assert info.value.status == 401 and info.value.body["error"]["code"] == "invalid_api_key"


def test_client_retries_429_then_reports_it(tight_lean_server):
    lean = LeanClient(tight_lean_server.base, max_retries=1)
    with pytest.raises(LeanClientError) as info:  # three snippets never fit a queue of one
        lean.check(["theorem a : True := trivial"] * 3)
    assert info.value.status == 429 and info.value.body["error"]["code"] == "queue_full"
