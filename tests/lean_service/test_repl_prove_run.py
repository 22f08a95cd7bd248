"""/v1/lean/repl, /v1/lean/prove and /v1/lean/run against a real server."""

from __future__ import annotations

import json
import os
import shutil
import urllib.request

import pytest

from server.lean.sandbox import _bwrap_works


def _repl(server, body, session=None):
    headers = {"X-Session-Id": session} if session else None
    status, _, answer = server.request("POST", "/v1/lean/repl", body, headers=headers)
    assert status == 200, answer
    return answer


# --- REPL ------------------------------------------------------------------------------------

def test_repl_environments_chain(lean_server):
    s = "chain-1"
    first = _repl(lean_server, {"cmd": "def x : Nat := 5"}, s)
    assert first == {"env": 0}
    second = _repl(lean_server, {"cmd": "theorem tx : x = 5 := rfl", "env": first["env"]}, s)
    assert second == {"env": 1}
    # `open` is part of an environment too
    opened = _repl(lean_server, {"cmd": "open Nat", "env": 1}, s)
    assert _repl(lean_server, {"cmd": "theorem sx : succ x = 6 := rfl", "env": opened["env"]}, s) == {"env": 3}
    # without env, a command starts from the prelude: x is unknown there
    fresh = _repl(lean_server, {"cmd": "theorem tx : x = 5 := rfl"}, s)
    assert fresh["env"] == 4 and fresh["messages"][0]["severity"] == "error"
    # messages are positioned in the command itself
    bad = _repl(lean_server, {"cmd": "\ntheorem w : x = 6 := rfl", "env": 0}, s)
    assert bad["messages"][0]["pos"]["line"] == 2


def test_repl_sessions_are_separate_and_errors_are_messages(lean_server):
    _repl(lean_server, {"cmd": "def y : Nat := 1"}, "session-a")
    answer = _repl(lean_server, {"cmd": "#check y", "env": 0}, "session-b")
    assert answer == {"message": "unknown environment 0 (this session has none: it is new, or it was "
                                 "dropped from the LRU of sessions)"}
    answer = _repl(lean_server, {"cmd": "#check y", "env": 7}, "session-a")
    assert answer == {"message": "unknown environment 7"}
    answer = _repl(lean_server, {"tactic": "rfl", "proofState": 0}, "session-a")
    assert answer["message"].startswith("Unknown proof state.")
    answer = _repl(lean_server, {"tactic": "rfl"}, "session-a")
    assert "needs both" in answer["message"]
    sessions = lean_server.metric("nleanjit_lean_repl_sessions")
    assert sessions >= 2 and lean_server.metric("nleanjit_lean_repl_session_limit") == 256


def test_repl_sorry_reports_sorries(lean_server):
    answer = _repl(lean_server, {"cmd": "theorem t : 1 + 1 = 2 := sorry"}, "sorry-session")
    assert answer["messages"][0]["data"] == "declaration uses 'sorry'"
    assert answer["sorries"][0]["goal"] == "⊢ 1 + 1 = 2"


def test_repl_tactic_mode(lean_server):
    s = "tactic-session"
    defs = _repl(lean_server, {"cmd": "def double (n : Nat) : Nat := n + n"}, s)
    cmd = _repl(lean_server, {"cmd": "theorem d (p : Prop) (hp : p) (q : Prop) (hq : q) : p ∧ q ∧ double 2 = 4 := by\n"
                                     "  sorry", "env": defs["env"]}, s)
    (sorry,) = cmd["sorries"]
    hyps = "p : Prop\nhp : p\nq : Prop\nhq : q\n"
    assert sorry == {"pos": {"line": 2, "column": 2}, "endPos": {"line": 2, "column": 7},
                     "goal": hyps + "⊢ p ∧ q ∧ double 2 = 4", "proofState": 0}
    split = _repl(lean_server, {"tactic": "constructor", "proofState": 0}, s)
    assert split == {"proofState": 1, "goals": ["case left\n" + hyps + "⊢ p", "case right\n" + hyps +
                                                "⊢ q ∧ double 2 = 4"],
                     "proofStatus": "Incomplete: open goals remain"}
    left = _repl(lean_server, {"tactic": "exact hp", "proofState": 1}, s)
    assert (left["proofState"], len(left["goals"])) == (2, 1)
    # a tactic that leaves a sorry: the sorry gets its own proof state
    rest = _repl(lean_server, {"tactic": "exact ⟨hq, sorry⟩", "proofState": 2}, s)
    assert rest["goals"] == [] and rest["proofStatus"] == "Incomplete: contains sorry"
    (inner,) = rest["sorries"]
    assert (inner["goal"], inner["proofState"]) == (hyps + "⊢ double 2 = 4", 4)
    assert _repl(lean_server, {"tactic": "decide", "proofState": 4}, s) == {
        "proofState": 5, "goals": [], "proofStatus": "Completed"}
    # states are values: state 2 again, closed another way
    done = _repl(lean_server, {"tactic": "constructor\n· exact hq\n· rfl", "proofState": 2}, s)
    assert (done["goals"], done["proofStatus"]) == ([], "Completed")
    # a failing tactic is the REPL's error; the state is unchanged and still usable
    wrong = _repl(lean_server, {"tactic": "exact hp", "proofState": 2}, s)
    assert wrong["message"].startswith("Lean error:\n<input>:1:6: type mismatch")
    # another session does not see these states
    assert _repl(lean_server, {"tactic": "rfl", "proofState": 2}, "other-session")["message"].startswith(
        "Unknown proof state.")
    assert lean_server.metric("nleanjit_lean_repl_proof_states") >= 7
    assert lean_server.metric("nleanjit_lean_repl_proof_state_limit") == 4096


# --- prove -----------------------------------------------------------------------------------

def test_prove_a_true_statement_with_the_tactic_portfolio(lean_server):
    status, _, answer = lean_server.request("POST", "/v1/lean/prove",
                                            {"statement": "theorem t : 2 + 2 = 4 := sorry"})
    assert status == 200, answer
    assert answer["verified"] is True
    assert answer["proof"] in ("theorem t : 2 + 2 = 4 := by rfl", "theorem t : 2 + 2 = 4 := by decide")
    assert [a["source"] for a in answer["attempts"]] == ["tactic"] * 5
    assert answer["usage"]["completion_tokens"] == 0  # no model call was needed
    # the proof is complete Lean that /api/check accepts without a sorry
    status, _, check = lean_server.request("POST", "/api/check",
                                           {"snippets": [{"id": "p", "code": answer["proof"]}]})
    assert check["results"][0]["response"] == {"env": 0}


def test_prove_a_false_statement_fails_with_every_attempts_messages(lean_server):
    status, _, answer = lean_server.request("POST", "/v1/lean/prove", {
        "statement": "theorem f : 2 + 2 = 5", "attempts": 2, "max_tokens": 12, "seed": 1})
    assert status == 200, answer
    assert answer["verified"] is False and answer["proof"] is None
    assert [a["source"] for a in answer["attempts"]] == ["tactic"] * 5 + ["model"] * 2
    for a in answer["attempts"]:
        assert a["verified"] is False
        assert a["code"].startswith("theorem f : 2 + 2 = 5 := ")  # the statement is never changed
        assert any(m["severity"] == "error" for m in a["messages"]), a
    decide = answer["attempts"][1]
    assert "is false" in decide["messages"][0]["data"]
    assert answer["usage"]["prompt_tokens"] > 0 and answer["usage"]["completion_tokens"] > 0


def test_prove_streams_one_event_per_attempt(lean_server):
    req = urllib.request.Request(lean_server.base + "/v1/lean/prove", method="POST",
                                 data=json.dumps({"statement": "theorem t : True := sorry",
                                                  "stream": True}).encode(),
                                 headers={"Content-Type": "application/json",
                                          "Authorization": f"Bearer {lean_server.api_key}"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        assert resp.headers["Content-Type"].startswith("text/event-stream")
        events = [line[6:] for line in resp.read().decode().split("\n") if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    parsed = [json.loads(e) for e in events[:-1]]
    assert [("attempt" in p) for p in parsed] == [True] * 5 + [False]
    assert parsed[-1]["verified"] is True
    assert parsed[-1]["attempts"] == [p["attempt"] for p in parsed[:-1]]


def test_prove_rejects_a_statement_without_a_theorem(lean_server):
    status, _, answer = lean_server.request("POST", "/v1/lean/prove", {"statement": "def x := 1"})
    assert status == 400 and answer["error"]["param"] == "statement"


# --- run -------------------------------------------------------------------------------------

RUN_PROGRAM = """def main (args : List String) : IO UInt32 := do
  IO.println s!"hello {args.length}"
  for a in args do
    IO.println a
  return 3
"""


def test_run_compiles_natively_and_runs_in_the_sandbox_with_args_and_exit_code(lean_server):
    status, _, answer = lean_server.request("POST", "/v1/lean/run", {"code": RUN_PROGRAM, "args": ["a", "b"]})
    assert status == 200, answer
    assert (answer["exit_code"], answer["stdout"], answer["messages"]) == (3, "hello 2\na\nb\n", [])
    # the executable is cached by the code's hash: a second run gets the same answer
    status, _, again = lean_server.request("POST", "/v1/lean/run", {"code": RUN_PROGRAM, "args": []})
    assert (again["exit_code"], again["stdout"]) == (3, "hello 0\n")


def test_run_reports_what_the_compiler_cannot_lower_yet(lean_server):
    code = "unsafe def main : IO Unit := do\n  IO.println s!\"{(ptrAddrUnsafe [1, 2]) % 1}\"\n"
    status, _, answer = lean_server.request("POST", "/v1/lean/run", {"code": code})
    assert status == 200 and answer["exit_code"] is None and answer["stdout"] == ""
    assert answer["messages"][-1]["severity"] == "error"
    assert "is not supported yet" in answer["messages"][-1]["data"]


def test_run_reports_elaboration_errors_without_compiling(lean_server):
    status, _, answer = lean_server.request("POST", "/v1/lean/run", {"code": "def main : Nat := true"})
    assert status == 200 and answer["exit_code"] is None
    assert len(answer["messages"]) == 1 and "native compilation" not in answer["messages"][0]["data"]


# --- abuse through /v1/lean/run: each contained, with a clear error, the server healthy after ----

SPIN = "partial def spin (n : Nat) : Nat := if n == 0 then 0 else spin (n + 1)\n\ndef main : IO Unit := IO.println s!\"{spin 1}\"\n"
STRING_BOMB = ("def main : IO Unit := do\n  let mut s := \"x\"\n  for _ in [0:40] do\n    s := s ++ s\n"
               "  IO.println s!\"{s.length}\"\n")


def test_run_an_infinite_loop_is_stopped_at_its_timeout(lean_server):
    status, _, answer = lean_server.request("POST", "/v1/lean/run", {"code": SPIN, "timeout": 2})
    assert status == 200, answer
    assert answer["exit_code"] is None and answer["stdout"] == ""
    assert "ran past its 2 s time limit and was killed" in answer["stderr"]
    assert answer["time"] > 1.5  # (compiling comes on top: no upper bound on a loaded machine)
    _assert_healthy(lean_server)


def test_run_an_allocation_bomb_hits_the_memory_limit(lean_server):
    status, _, answer = lean_server.request("POST", "/v1/lean/run", {"code": STRING_BOMB})
    assert status == 200, answer
    assert answer["exit_code"] not in (None, 0)
    assert "ran out of its 512 MiB of memory" in answer["stderr"]
    _assert_healthy(lean_server)


def test_run_a_program_cannot_start_processes(lean_server):
    # the prelude has no IO.Process: a fork bomb cannot even be written in Lean here (the
    # sandbox's process limit contains one anyway: test_sandbox.py)
    code = "def main : IO Unit := do\n  let _ ← IO.Process.output { cmd := \"sh\" }\n"
    status, _, answer = lean_server.request("POST", "/v1/lean/run", {"code": code})
    assert status == 200 and answer["exit_code"] is None, answer
    assert answer["messages"][0]["severity"] == "error"
    _assert_healthy(lean_server)


def test_run_a_write_outside_the_working_folder_fails_and_inside_works(lean_server, tmp_path):
    if os.getuid() != 0 and not (shutil.which("bwrap") and _bwrap_works(shutil.which("bwrap"))):
        pytest.skip("the rlimits-only fallback run by an ordinary user cannot stop writes that user "
                    "may make (docs/LEAN_API.md); with bubblewrap or as root it does")
    os.chmod(tmp_path, 0o755)
    target = tmp_path / "escaped.txt"
    code = ("def main : IO Unit := do\n  IO.FS.writeFile \"inside.txt\" \"ok\"\n"
            "  IO.println (← IO.FS.readFile \"inside.txt\")\n"
            f"  IO.FS.writeFile \"{target}\" \"x\"\n  IO.println \"escaped\"\n")
    status, _, answer = lean_server.request("POST", "/v1/lean/run", {"code": code})
    assert status == 200, answer
    # bubblewrap: the root is read-only and /tmp private; rlimits as root: the program runs as nobody
    assert (answer["exit_code"], answer["stdout"]) == (1, "ok\n"), answer
    assert answer["stderr"].startswith("uncaught exception: ")
    assert not target.exists()
    _assert_healthy(lean_server)


def _assert_healthy(server):
    status, _, answer = server.request("POST", "/v1/lean/run", {"code": RUN_PROGRAM, "args": ["z"]})
    assert (status, answer["exit_code"], answer["stdout"]) == (200, 3, "hello 1\nz\n")


READ_STDIN = ("def main (args : List String) : IO Unit := do\n  let stdin ← IO.getStdin\n"
              "  let first ← stdin.getLine\n  let second ← stdin.getLine\n"
              "  IO.println s!\"{args.length} {first.trim}+{second.trim}\"\n")


def test_run_passes_args_and_stdin_to_the_program(lean_server):
    status, _, answer = lean_server.request("POST", "/v1/lean/run", {"code": READ_STDIN, "args": ["a"],
                                                                     "stdin": "hello\nworld\n"})
    assert status == 200, answer
    assert (answer["exit_code"], answer["stdout"], answer["messages"]) == (0, "1 hello+world\n", [])
    # at the end of the input a line is empty, as in Lean
    status, _, answer = lean_server.request("POST", "/v1/lean/run", {"code": READ_STDIN, "stdin": "only\n"})
    assert (answer["exit_code"], answer["stdout"]) == (0, "0 only+\n")


# --- #eval of what the elaborator cannot evaluate: compiled and run in the sandbox ----------------

def test_check_runs_eval_of_io_actions_and_other_values_in_the_sandbox(lean_server):
    code = ('def greet (n : String) : IO Unit := IO.println s!"hi {n}"\n'
            '#eval greet "there"\n'
            '#eval (do greet "again"; pure (6 * 7) : IO Nat)\n'
            '#eval [1, 2, 3].map (· * 2)\n'
            '#eval 2 + 3\n'
            '#eval (throw (IO.userError "boom") : IO Unit)\n')
    status, _, body = lean_server.request("POST", "/api/check", {"snippets": [{"id": "e", "code": code}]})
    assert status == 200, body
    messages = body["results"][0]["response"]["messages"]
    assert [(m["pos"]["line"], m["severity"], m["data"]) for m in messages] == [
        (2, "info", "hi there"), (3, "info", "hi again\n42"), (4, "info", "[2, 4, 6]"), (5, "info", "5"),
        (6, "error", "uncaught exception: boom")]


def test_repl_eval_sees_the_environment_of_its_command(lean_server):
    s = "eval-session"
    first = _repl(lean_server, {"cmd": "def shout (s : String) : IO Unit := IO.println (s ++ \"!\")"}, s)
    answer = _repl(lean_server, {"cmd": "#eval shout \"hey\"", "env": first["env"]}, s)
    assert answer["messages"] == [{"severity": "info", "pos": {"line": 1, "column": 0},
                                   "endPos": {"line": 1, "column": 17}, "data": "hey!"}]


def test_check_an_eval_that_loops_is_stopped_at_the_snippet_timeout(lean_server):
    code = ("partial def spin (n : Nat) : IO Nat := if n == 0 then pure 0 else spin (n + 1)\n"
            "#eval spin 1\n")
    status, _, body = lean_server.request("POST", "/api/check", {"snippets": [{"id": "l", "code": code}],
                                                                  "timeout": 2})
    assert status == 200, body
    (m,) = body["results"][0]["response"]["messages"]
    assert (m["severity"], m["pos"]["line"]) == ("error", 2)
    assert "ran past its 2 s time limit and was killed" in m["data"]
    _assert_healthy(lean_server)
