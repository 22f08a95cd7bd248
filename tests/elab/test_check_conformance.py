"""The check stage over the shared Lean corpus must not fall below its recorded floors
(tests/conformance_floors.json, "check"): raise them as the elaborator grows."""

from __future__ import annotations

from pathlib import Path

import pytest

from nleanjit import conformance
from nleanjit.conformance import check_floors, run_stage

REPO = Path(__file__).resolve().parents[2]
SHARED_CORPUS = REPO.parent / "shared" / "lean4-corpus"
FLOORS = REPO / "tests" / "conformance_floors.json"


@pytest.mark.slow
def test_check_stage_over_shared_corpus_meets_floors():
    assert SHARED_CORPUS.is_dir(), f"the Lean corpus is missing: {SHARED_CORPUS} (CI has it)"
    floors = conformance.load_floors(FLOORS, "check")
    report = run_stage("check", SHARED_CORPUS, jobs=2, timeout=60)
    assert set(report["kinds"]) == set(floors), "every kind of the corpus needs a floor (and only those)"
    crashes = [f"{f['path']}: {f['message']}" for f in report["files"] if "internal error" in f["message"]]
    assert check_floors(report, floors) == [], crashes[:10]
