"""Elaborator timings a user would notice: `nleanjit check` of a small program with the
prelude cache warm, and of the prelude itself from scratch (what a cold cache costs).

In: tests/elab/golden/good.lean (about 120 lines of definitions, structures, pattern
matching and proofs) and corpus/bench/compile_time.lean (a 200-line program: the
issue's "a 200-line program checks in under 2 s with the prelude cache warm").
Out: seconds per check.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


class Check:
    timeout = 300

    def setup(self):
        from nleanjit.elab.prelude import load_prelude

        self.prelude = load_prelude()
        self.source = (ROOT / "tests" / "elab" / "golden" / "good.lean").read_text(encoding="utf-8")
        self.program_200 = (ROOT / "corpus" / "bench" / "compile_time.lean").read_text(encoding="utf-8")

    def time_check_program_warm_prelude(self):
        from nleanjit.elab import check_source

        result = check_source(self.source, "good.lean", prelude=self.prelude)
        assert result.ok

    def time_check_200_line_program_warm_prelude(self):
        from nleanjit.elab import check_source

        result = check_source(self.program_200, "compile_time.lean", prelude=self.prelude)
        assert result.ok

    def time_build_prelude_cold(self):
        from nleanjit.elab.prelude import build_prelude

        build_prelude()
