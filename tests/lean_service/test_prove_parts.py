"""The prove endpoint's pure parts: where the proof goes, what a completion proposes, what is refused."""

from __future__ import annotations

import pytest

from server import errors
from server.lean import prove as P


def test_statement_hole_is_the_first_sorry_or_the_end():
    s = P.parse_statement("theorem t (n : Nat) : n = n := by\n  sorry\n-- after")
    assert s.with_proof("by rfl") == "theorem t (n : Nat) : n = n := by\n  by rfl\n-- after"
    for header in ("theorem t : 2 + 2 = 4", "theorem t : 2 + 2 = 4 :=", "theorem t : 2 + 2 = 4 := by\n"):
        assert P.parse_statement(header).with_proof("by decide") == "theorem t : 2 + 2 = 4 := by decide"
    assert P.parse_statement("theorem t : True").with_sorry() == "theorem t : True := sorry"
    with pytest.raises(errors.APIError) as info:
        P.parse_statement("def x := 1")
    assert info.value.param == "statement"


def test_model_proof_takes_the_fenced_tactics_and_drops_a_repeated_statement():
    text = "Here it is:\n```lean\ntheorem t : 2 + 2 = 4 := by\n    norm_num\n    rfl\n```\nDone."
    assert P.model_proof(text) == "by\n  norm_num\n  rfl"
    assert P.model_proof("  decide") == "by\n  decide"
    assert P.model_proof("by\n  exact rfl") == "by\n  exact rfl"
    assert P.model_proof("```lean\n```") is None
    assert P.model_proof("   \n") is None


def test_proofs_that_could_prove_anything_are_refused():
    for text in ("by\n  sorry", "by\n  exact (by admit)", "by\n  exact foo\naxiom foo : False",
                 "by native_decide"):
        assert P.refused(text) is not None, text
    assert P.refused("by\n  decide") is None
    assert P.refused("by\n  exact sorryLemma") is None  # a name that merely contains the word
