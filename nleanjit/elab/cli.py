"""`nleanjit check FILE [--json]`: elaborate a Lean file and print its messages.

Out: Lean's messages (`file:line:col: severity: text`) on stdout, or with
`--json` one JSON array in the Lean REPL's shape (`severity`, `pos`,
`endPos`, `data`). Exit status 1 when any message is an error, 2 when the
file cannot be read, 3 when the prelude itself does not elaborate.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def cmd_check(args) -> int:
    from nleanjit.elab import check_source
    from nleanjit.syntax import read_source

    path = Path(args.file)
    try:
        source = read_source(path)
    except OSError as e:
        print(f"nleanjit: error: cannot read {path}: {e.strerror or e}", file=sys.stderr)
        return 2
    from nleanjit.elab.prelude import PreludeError

    try:
        result = check_source(source, str(args.file))
    except PreludeError as e:  # a broken prelude is our bug, reported without a traceback
        print(f"nleanjit: internal error: {e}", file=sys.stderr)
        return 3
    if getattr(args, "json", False):
        print(json.dumps([m.to_json() for m in result.messages], ensure_ascii=False, indent=1))
    else:
        for m in result.messages:
            print(m.to_lean())
    return 0 if result.ok else 1


def add_arguments(p) -> None:
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="print the messages as JSON (Lean REPL shape)")
