"""Lean source → λRC declarations: the front end the CLI's `run` calls.

What goes in: a Lean file's text and name. What comes out: the `ir.Decl`s
(externs first) of `main` and everything it calls, or a `FrontendError`
carrying Lean-style messages (`file:line:col: error: …`): the elaborator's
own errors, a missing `main`, or "code generation for X is not supported
yet" at the position of the declaration being compiled. `cmd_run` and
`cmd_compile` are `nleanjit run FILE [ARGS]` (JIT) and `nleanjit compile FILE
-o EXE` (linked with the runtime), both with `--dump=erased,…,rc,llvm`.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass

from nleanjit.compiler.erase import Eraser, Unsupported
from nleanjit.compiler.ir import types as T
from nleanjit.compiler.pipeline import PASS_NAMES
from nleanjit.kernel.errors import KernelError


class FrontendError(Exception):
    """`messages`: Lean-style lines, ready to print."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Program:
    decls: list[T.Decl]
    externs: list[T.Extern]
    fdecls: list[T.FDecl]
    main_returns_uint32: bool = False
    entry: str = "main"
    """What the executable runs: `main`, or a wrapper running the `initialize` commands first."""


def _position(source: str, decl: str) -> tuple[int, int] | None:
    """Where `decl` is defined in the file (its `def` keyword), if it is."""
    short = re.split(r"\._(?:rec|lam)_\d", decl)[0]
    for name in dict.fromkeys((short, short.rsplit(".", 1)[-1])):
        m = re.search(r"^[ \t]*(?:@\[[^\]]*\]\s*)?(?:(?:private|protected|partial|noncomputable|unsafe)\s+)*"
                      r"(def|abbrev|instance|theorem)\s+" + re.escape(name) + r"\b", source, re.M)
        if m:
            line = source.count("\n", 0, m.start()) + 1
            col = m.start(1) - (source.rfind("\n", 0, m.start(1)) + 1)
            return line, col
    return None


ERASE_RECURSION_LIMIT = 200_000


def compile_source(source: str, file: str = "<input>", entry: str = "main") -> list[T.Decl]:
    return compile_program(source, file, entry).decls


def compile_program(source: str, file: str = "<input>", entry: str = "main") -> Program:
    from nleanjit.elab import check_source
    from nleanjit.elab.prelude import PreludeError

    try:
        res = check_source(source, file)
    except PreludeError as err:  # the prelude itself is broken: say so, no traceback
        raise FrontendError([f"nleanjit: error: {err}"])
    errors = [m for m in res.messages if m.severity == "error"]
    if errors:
        raise FrontendError([m.to_lean() for m in errors])
    if res.eenv.env.find(entry) is None:
        raise FrontendError([f"{file}:1:0: error: no '{entry}' to run (define `def {entry} : IO Unit`)"])
    eraser = Eraser(res.eenv)

    def erase():
        # lowering recurses once per instruction (continuations): a long `do` block is deep
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, ERASE_RECURSION_LIMIT))
        try:
            eraser.compile([entry])
            run_entry = eraser.initializer_entry(entry)
            return eraser.compile([]), run_entry
        finally:
            sys.setrecursionlimit(old)
    try:
        decls, run_entry = _run_with_big_stack(erase)
    except Unsupported as err:
        # at the definition being compiled if it is in this file, else at the one that needed it
        what, pos = err.what, _position(source, err.decl or entry)
        if pos is None:
            what += f" (in '{err.decl}')"
            pos = _position(source, err.root or entry) or _position(source, entry) or (1, 0)
        line, col = pos
        raise FrontendError([f"{file}:{line}:{col}: error: code generation for {what} is not supported yet"])
    except (KernelError, RecursionError) as err:
        decl = eraser.current or entry
        line, col = _position(source, decl) or (1, 0)
        raise FrontendError([f"{file}:{line}:{col}: error: code generation failed for '{decl}': {err}"])
    except Exception as err:  # a bug of erasure: said plainly, at the definition it was compiling
        if os.environ.get("NLEANJIT_DEBUG"):
            raise
        decl = eraser.current or entry
        line, col = _position(source, decl) or (1, 0)
        raise FrontendError([f"{file}:{line}:{col}: error: internal compiler error while compiling "
                             f"'{decl}': {type(err).__name__}: {err}"])
    externs = [d for d in decls if isinstance(d, T.Extern)]
    fdecls = [d for d in decls if isinstance(d, T.FDecl)]
    main = next(d for d in fdecls if d.name == entry)
    if len(main.params) not in (1, 2):  # (world) or (args : List String) (world)
        line, col = _position(source, entry) or (1, 0)
        raise FrontendError([f"{file}:{line}:{col}: error: code generation for this type of '{entry}' is not "
                             f"supported yet (expected `IO Unit`, `IO UInt32` or `List String → IO …`)"])
    return Program(decls, externs, fdecls, _returns_uint32(res.eenv.env.get(entry).type), run_entry)


def _returns_uint32(ty) -> bool:
    """`… → IO UInt32` (the exit code)."""
    from nleanjit.kernel import expr as X

    while isinstance(ty, X.Pi):
        ty = ty.body
    head, args = X.get_app_fn_args(ty)
    return (isinstance(head, X.Const) and head.name == "IO" and len(args) == 1
            and isinstance(args[0], X.Const) and args[0].name == "UInt32")


DUMPS = ("erased", *PASS_NAMES[1:], "llvm", "llvm-opt")  # `erased`: the IR before any pass


def _load(args) -> tuple[str, Program] | int:
    """Read, elaborate and erase `args.file`; on failure print the messages and return 1."""
    try:
        with open(args.file, encoding="utf-8") as fh:
            source = fh.read()
    except OSError as err:
        print(f"nleanjit: error: cannot read {args.file}: {err.strerror}", file=sys.stderr)
        return 1
    dump = [d for d in (args.dump or "").split(",") if d]
    unknown = [d for d in dump if d not in DUMPS]
    if unknown:
        print(f"nleanjit: error: unknown dump '{unknown[0]}'; known: {', '.join(DUMPS)}", file=sys.stderr)
        return 2
    try:
        prog = compile_program(source, args.file)
    except FrontendError as err:
        for m in err.messages:
            print(m, file=sys.stderr)
        return 1
    return source, prog


def entry_flags(prog: Program) -> dict:
    """`main (args : List String)` takes the command line; `IO UInt32` gives the exit code."""
    main = next(d for d in prog.fdecls if d.name == prog.entry)
    return {"takes_args": len(main.params) == 2, "returns_uint32": prog.main_returns_uint32, "main": prog.entry}


def _print_dumps(args, prog: Program, dumps: dict[str, str]) -> None:
    from nleanjit.compiler.ir.printer import format_decls

    for name in [d for d in (args.dump or "").split(",") if d]:
        text = format_decls(prog.fdecls) if name == "erased" else dumps.get(name, "")
        print(f"-- {name}\n{text.rstrip()}\n", file=sys.stderr if args.command == "run" else sys.stdout)


def _backend_dumps(args) -> tuple[str, ...]:
    return tuple(d for d in (args.dump or "").split(",") if d and d != "erased")


def _internal_error(args, err: Exception) -> int:
    if os.environ.get("NLEANJIT_DEBUG"):
        raise err
    print(f"{args.file}:1:0: error: internal compiler error: {type(err).__name__}: {err}", file=sys.stderr)
    return 1


def cmd_run(args) -> int:
    """`nleanjit run FILE [ARGS]`: compile `main` and run it through the JIT (dumps on stderr)."""
    from nleanjit.codegen.driver import run_in_jit

    loaded = _load(args)
    if isinstance(loaded, int):
        return loaded
    _source, prog = loaded
    sys.stdout.flush()
    try:
        result = _run_with_big_stack(lambda: run_in_jit(prog.fdecls, prog.externs, list(args.args),
                                                        opt_level=args.opt, dump=_backend_dumps(args),
                                                        **entry_flags(prog)))
    except Exception as err:  # a back-end failure on what erasure produced: our bug, said plainly
        return _internal_error(args, err)
    _print_dumps(args, prog, result.dumps)
    return result.exit_code or 0


def cmd_compile(args) -> int:
    """`nleanjit compile FILE -o EXE [--dump=…]`: a native executable linked with the runtime."""
    from nleanjit.codegen.driver import compile_to_executable

    loaded = _load(args)
    if isinstance(loaded, int):
        return loaded
    _source, prog = loaded
    output = args.output or os.path.splitext(os.path.basename(args.file))[0]
    try:
        result = compile_to_executable(prog.fdecls, prog.externs, output, opt_level=args.opt,
                                       dump=_backend_dumps(args), **entry_flags(prog))
    except Exception as err:
        return _internal_error(args, err)
    _print_dumps(args, prog, result.dumps)
    return 0


RUN_STACK_BYTES = 1 << 30


def _run_with_big_stack(run) -> int:
    """Run compiled code on a thread with a 1 GiB stack (reserved, not committed): the
    prelude's non-tail-recursive functions (`List.length`, `List.map`) recurse once per
    element, as Lean's own do before `@[csimp]` replaces them."""
    import threading

    out: list = []

    def target():
        try:
            out.append(("ok", run()))
        except BaseException as err:  # handed to the calling thread
            out.append(("error", err))

    old = threading.stack_size()
    threading.stack_size(RUN_STACK_BYTES)
    try:
        t = threading.Thread(target=target, name="nleanjit-main")
        t.start()
    finally:
        threading.stack_size(old)
    t.join()
    kind, value = out[0]
    if kind == "error":
        raise value
    return value
