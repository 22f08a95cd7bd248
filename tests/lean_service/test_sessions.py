"""REPL sessions: environments and proof states per session, bounded, least recently used first."""

from __future__ import annotations

import pytest

from server.lean.service import LeanError, Sessions


def test_proof_states_are_numbered_per_session_and_the_oldest_is_dropped():
    s = Sessions(max_sessions=4, max_envs=8, max_proof_states=3)
    origin = ("repl", ("theorem t : True := by sorry",), 0)
    ids = [s.add_proof_state("a", origin, ("trivial",) * i) for i in range(5)]
    assert ids == [0, 1, 2, 3, 4]  # never reused
    assert s.proof_state("a", 4) == (origin, ("trivial",) * 4)
    with pytest.raises(LeanError) as err:
        s.proof_state("a", 1)  # dropped: only the last 3 are kept
    assert str(err.value).startswith("Unknown proof state. (ids run to 4; at most 3 are kept")
    assert s.add_proof_state("b", origin) == 0  # another session counts from 0
    with pytest.raises(LeanError, match="this session has none"):
        s.proof_state("c", 0)
    assert s.counts() == (2, 0, 4)


def test_the_least_recently_used_session_goes_with_its_environments_and_proof_states():
    s = Sessions(max_sessions=2, max_envs=2, max_proof_states=8)
    assert s.add("a", ("def x := 1",)) == 0
    s.add_proof_state("a", ("repl", ("def x := 1",), 0))
    s.add("b", ("def y := 2",))
    s.chain("a", "#eval x", 0)  # touching a makes b the least recently used
    s.add_proof_state("c", ("check", "theorem t : True := sorry", 0))
    assert s.counts() == (2, 1, 2)
    with pytest.raises(LeanError, match="unknown environment 0"):
        s.chain("b", "#eval y", 0)
    assert s.chain("a", "#eval x", 0) == ("def x := 1", "#eval x")
    s.add("a", ("def z := 3",))
    with pytest.raises(LeanError, match="already holds 2 environments"):
        s.add("a", ("def w := 4",))
