"""Regenerate the golden files of the syntax stage: `tests/golden/syntax/<name>.tree`,
the outline of each `corpus/syntax/*.lean` program's syntax tree.

    python tools/update_golden.py      # then review the diff with git
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nleanjit.syntax import parse_file  # noqa: E402

GOLDEN = ROOT / "tests" / "golden" / "syntax"


def golden_outline(path: Path) -> str:
    result = parse_file(path)
    lines = [str(d) for d in result.diagnostics]
    return "\n".join(lines + [result.tree.pretty()]) + "\n"


def main() -> int:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for src in sorted((ROOT / "corpus" / "syntax").glob("*.lean")):
        out = GOLDEN / (src.stem + ".tree")
        out.write_text(golden_outline(src.relative_to(ROOT)), encoding="utf-8")
        print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
