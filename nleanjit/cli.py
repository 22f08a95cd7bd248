"""The `nleanjit` command line: one subcommand per user-facing task.

Each subcommand lives next to the stage it drives; this module only wires the
argument parser to them and turns typed errors into exit codes. Subcommands
import their stage lazily so that `nleanjit lex` never pays for numba or sanic.
"""

from __future__ import annotations

import argparse
import sys


def _add_lex(sub) -> None:
    p = sub.add_parser("lex", help="print the tokens of a Lean file with their positions")
    p.add_argument("file")
    p.set_defaults(func=lambda a: _syntax_cli().cmd_lex(a))


def _add_parse(sub) -> None:
    p = sub.add_parser("parse", help="parse a Lean file and print its diagnostics (exit 1 on error)")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="print the concrete syntax tree as JSON")
    p.add_argument("--search-path", action="append", metavar="DIR", help="where imported modules are looked up (repeatable; default: the file's project)")
    p.set_defaults(func=lambda a: _syntax_cli().cmd_parse(a))


def _add_fmt(sub) -> None:
    p = sub.add_parser("fmt", help="print a Lean file back from its syntax tree")
    p.add_argument("file")
    p.add_argument("--check", action="store_true", help="exit 1 unless the tree prints back byte for byte")
    p.set_defaults(func=lambda a: _syntax_cli().cmd_fmt(a))


def _add_check(sub) -> None:
    p = sub.add_parser("check", help="elaborate and type-check a Lean file (exit 1 on any error)")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="print the messages as JSON (Lean REPL shape)")
    p.set_defaults(func=lambda a: _elab_cli().cmd_check(a))


def _add_run(sub) -> None:
    p = sub.add_parser("run", help="compile a Lean file's main and run it in process (JIT)")
    p.add_argument("file")
    p.add_argument("args", nargs="*")
    p.add_argument("--opt", type=int, default=0, choices=(0, 1, 2, 3), help="LLVM optimization level")
    p.add_argument("--dump", metavar="STAGES", help="print stages on stderr: erased,reset_reuse,borrow,boxing,rc,expand_reset_reuse,llvm,llvm-opt")
    p.set_defaults(func=lambda a: _frontend().cmd_run(a))


def _add_compile(sub) -> None:
    p = sub.add_parser("compile", help="compile a Lean file's main to a native executable")
    p.add_argument("file")
    p.add_argument("-o", "--output", metavar="EXE", help="the executable (default: the file's name without .lean)")
    p.add_argument("--opt", type=int, default=2, choices=(0, 1, 2, 3), help="LLVM optimization level")
    p.add_argument("--dump", metavar="STAGES", help="print stages: erased,reset_reuse,borrow,boxing,rc,expand_reset_reuse,llvm,llvm-opt")
    p.set_defaults(func=lambda a: _frontend().cmd_compile(a))


def _frontend():
    from nleanjit.compiler import frontend

    return frontend


def _add_conformance(sub) -> None:
    p = sub.add_parser("conformance", help="run a stage of the pipeline over a Lean corpus")
    from nleanjit import conformance

    conformance.add_arguments(p)
    p.set_defaults(func=conformance.run_from_args)


def _add_serve(sub) -> None:
    p = sub.add_parser("serve", help="run the OpenAI-compatible server")
    try:
        from server import cli as server_cli
    except ImportError:  # the server package is optional for the compiler alone
        p.set_defaults(func=lambda a: _fail("the server package is not installed"))
        return
    server_cli.add_arguments(p)
    p.set_defaults(func=server_cli.run_from_args)


def _elab_cli():
    from nleanjit.elab import cli as elab_cli

    return elab_cli


def _syntax_cli():
    from nleanjit.syntax import cli as syntax_cli

    return syntax_cli


def _fail(message: str) -> int:
    print(f"nleanjit: error: {message}", file=sys.stderr)
    return 2


SUBCOMMANDS = [_add_lex, _add_parse, _add_fmt, _add_check, _add_run, _add_compile, _add_conformance, _add_serve]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nleanjit", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for add in SUBCOMMANDS:
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
