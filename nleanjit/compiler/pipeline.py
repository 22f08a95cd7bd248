"""The λRC pass pipeline: an ordered list of named passes (Lean's `Compiler/IR.lean`).

What goes in: `Decl`s as the erasure/lowering stage (or a test) builds them,
plus the externs they call. What comes out: the declarations ready for
`nleanjit/codegen/llvm.py`, and a text dump after each pass the caller
names (`--dump=reset_reuse,borrow,rc`). The checker runs before the first
pass and after the last (after every pass with `check_each=True`). No pass
logic lives here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from nleanjit.compiler import borrow, boxing, expand_reset_reuse, rc, reset_reuse
from nleanjit.compiler.ir import types as T
from nleanjit.compiler.ir.checker import check_decls
from nleanjit.compiler.ir.depth import recursion_room
from nleanjit.compiler.ir.printer import format_decls

Pass = Callable[[list[T.Decl], dict], list[T.Decl]]

PASSES: list[tuple[str, Pass]] = [
    ("reset_reuse", lambda ds, env: reset_reuse.insert_reset_reuse(ds)),
    ("borrow", lambda ds, env: borrow.infer_borrow(ds, env)),
    ("boxing", lambda ds, env: boxing.explicit_boxing(ds, env)),
    ("rc", lambda ds, env: rc.explicit_rc(ds, env)),
    ("expand_reset_reuse", lambda ds, env: expand_reset_reuse.expand_reset_reuse(ds)),
]
PASS_NAMES = ("init",) + tuple(name for name, _ in PASSES)


class UnknownDumpError(ValueError):
    """A `--dump` name that is no pass."""


@dataclass
class PipelineResult:
    decls: list[T.Decl]
    dumps: dict[str, str] = field(default_factory=dict)


def run_pipeline(
    decls: list[T.Decl],
    externs: list[T.Extern] = (),
    dump: tuple[str, ...] = (),
    check_each: bool = False,
    skip: tuple[str, ...] = (),
) -> PipelineResult:
    """Run every pass in order; `skip` names passes to leave out (tests)."""
    with recursion_room(decls):
        return _run_passes(decls, externs, dump, check_each, skip)


def _run_passes(decls, externs, dump, check_each, skip) -> PipelineResult:
    for name in dump:
        if name not in PASS_NAMES:
            raise UnknownDumpError(f"unknown IR dump '{name}'; known: {', '.join(PASS_NAMES)}")
    env = {e.name: e for e in externs}
    all_decls = [*externs, *decls]
    check_decls(all_decls)
    result = PipelineResult(decls=list(decls))
    if "init" in dump:
        result.dumps["init"] = format_decls(decls)
    for name, run in PASSES:
        if name in skip:
            continue
        result.decls = run(result.decls, env)
        if check_each:
            check_decls([*externs, *result.decls])
        if name in dump:
            result.dumps[name] = format_decls(result.decls)
    check_decls([*externs, *result.decls], strict="boxing" not in skip)
    return result
