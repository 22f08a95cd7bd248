"""Run a stage of nleanjit over a Lean corpus and report pass rates per kind.

    python tools/conformance.py --stage parse [--corpus DIR] [--json FILE] [--jobs N]

The same as `nleanjit conformance`; all logic lives in `nleanjit.conformance`.
This script only makes the repository importable when nleanjit is not installed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nleanjit import conformance  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="conformance", description=__doc__.splitlines()[0])
    conformance.add_arguments(parser)
    try:
        return conformance.run_from_args(parser.parse_args(argv))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
