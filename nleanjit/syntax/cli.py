"""`nleanjit lex | parse | fmt`: the syntax stage from the command line.

Imports are read from the file's project (`modules.default_resolver`) or, for
`parse --search-path DIR`, from the given directories.

Errors about the input file itself (missing, a directory, unreadable) are
reported as `nleanjit: error: ...` with exit code 2; syntax errors as Lean-style
diagnostics with exit code 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from nleanjit.syntax import parse_source, read_source
from nleanjit.syntax.lexer import lex


def _read(path: str) -> str | None:
    p = Path(path)
    try:
        if p.is_dir():
            raise IsADirectoryError(f"'{path}' is a directory")
        return read_source(p)
    except FileNotFoundError:
        msg = f"no such file: '{path}'"
    except IsADirectoryError as err:
        msg = str(err)
    except OSError as err:
        msg = f"cannot read '{path}': {err.strerror or err}"
    print(f"nleanjit: error: {msg}", file=sys.stderr)
    return None


def _write(text: str) -> None:
    sys.stdout.buffer.write(text.encode("utf-8", errors="surrogateescape"))


def cmd_lex(args) -> int:
    source = _read(args.file)
    if source is None:
        return 2
    out = []
    status = 0
    for tok in lex(source, args.file):
        line = f"{tok.line}:{tok.col}\t{tok.kind}\t{tok.text!r}"
        if tok.error:
            line += f"\t{tok.error}"
            status = 1
        out.append(line)
    _write("\n".join(out) + "\n")
    return status


def _resolver(args):
    """Imported modules come from `--search-path` directories, else from the file's project."""
    from nleanjit.syntax.modules import default_resolver, resolver_for

    search = getattr(args, "search_path", None)
    return resolver_for(search) if search else default_resolver(args.file)


def cmd_parse(args) -> int:
    source = _read(args.file)
    if source is None:
        return 2
    result = parse_source(source, args.file, resolver=_resolver(args))
    if args.json:
        payload = {"file": args.file, "diagnostics": [d.to_json() for d in result.diagnostics], "tree": result.tree.to_json()}
        _write(json.dumps(payload, ensure_ascii=False) + "\n")
    else:
        for diag in result.diagnostics:
            _write(f"{diag}\n")
    return 0 if result.ok else 1


def cmd_fmt(args) -> int:
    source = _read(args.file)
    if source is None:
        return 2
    result = parse_source(source, args.file, resolver=_resolver(args))
    printed = result.tree.to_source()
    if args.check:
        if printed != source:
            first = next((i for i, (a, b) in enumerate(zip(source, printed)) if a != b), min(len(source), len(printed)))
            line = source.count("\n", 0, first) + 1
            print(f"{args.file}:{line}: error: the syntax tree does not print back to the source", file=sys.stderr)
            return 1
        return 0
    _write(printed)
    return 0
