"""`do` notation, the prelude's data types and `deriving`, as programs that must check (their
`example`s are evaluated by the kernel, so the lowering and the prelude compute as Lean's do) and
ill-typed ones that must fail on their own line with Lean's messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from nleanjit.elab import check_source
from nleanjit.kernel import DefinitionInfo

PROGRAMS = Path(__file__).resolve().parent / "programs"


def _check(name: str):
    return check_source((PROGRAMS / name).read_text(encoding="utf-8"), name)


@pytest.mark.parametrize("name", ["do_good.lean", "prelude_good.lean"])
def test_programs_check_without_messages(name):
    r = _check(name)
    assert [m.to_lean() for m in r.messages] == []
    assert r.ok


def test_do_lowering_reaches_the_kernel():
    r = _check("do_good.lean")
    for name in ("sumTo", "findIdx", "nested", "tryIt", "main"):
        assert isinstance(r.eenv.env.find(name), DefinitionInfo), name


def _errors(r) -> dict[int, str]:
    return {m.span.line: m.text for m in r.messages if m.severity == "error"}


def test_ill_typed_do_blocks_fail_on_their_own_line():
    r = _check("do_bad.lean")
    errs = _errors(r)
    assert sorted(errs) == [3, 7, 11, 13, 17, 22, 24]  # `okAfter` (line 19) has no error
    assert errs[3].startswith("`x` cannot be mutated, only variables declared using `let mut` can be mutated.")
    assert errs[7].startswith("type mismatch\n  Pure.pure 5\nhas type\n  IO Nat : Type\nbut is expected to have type\n  IO PUnit : Type")
    assert errs[11] == "invalid 'break', it must be used inside a loop"
    assert errs[13].startswith("invalid 'do' notation, expected type is not a monad application\n  Nat")
    assert errs[17] == 'type mismatch\n  "no"\nhas type\n  String : Type\nbut is expected to have type\n  Nat : Type'
    # false computations on `Int` and `Array` are refuted by the kernel's evaluation
    assert errs[22].startswith("type mismatch\n  rfl")
    assert errs[24].startswith("type mismatch\n  rfl")


@pytest.mark.parametrize(
    "src, fragment",
    [
        ("def f : IO Unit := do\n  for x in 5 do\n    pure ()\n", "failed to synthesize"),
        ("def f : IO Unit := do\n  continue\n", "invalid 'continue', it must be used inside a loop"),
        ("def f : Id Nat := do\n  let mut x := 0\n  x := \"s\"\n  return x\n", "type mismatch"),
        ("def f : Nat := Id.run do\n  let y ← (IO.println \"a\" : IO Unit)\n  return 0\n", "type mismatch"),
    ],
)
def test_more_rejections(src, fragment):
    r = check_source(src, "t.lean")
    assert not r.ok
    assert any(fragment in m.text for m in r.messages), [m.text for m in r.messages]


def test_deriving_produces_instances_the_kernel_checked():
    r = _check("prelude_good.lean")
    env = r.eenv.env
    for inst in ("instBEqColor", "instReprPoint", "instInhabitedTree", "instDecidableEqColor", "instOrdColor"):
        assert env.find(inst) is not None, inst


def test_deriving_missing_instance_is_reported_where_used():
    src = "structure P where\n  x : Nat\n\ndef t : Bool := ({ x := 1 } : P) == ({ x := 1 } : P)\n"
    r = check_source(src, "t.lean")
    assert [m.span.line for m in r.messages if m.severity == "error"] == [4]
    assert "failed to synthesize\n  BEq P" in r.messages[0].text


def test_truncated_and_garbled_do_programs_give_messages_not_crashes():
    """Every cut of the `do` program (and a line dropped from each block) elaborates to messages:
    no exception, no "internal error"."""
    lines = (PROGRAMS / "do_good.lean").read_text(encoding="utf-8").splitlines()
    variants = ["\n".join(lines[:n]) for n in range(3, len(lines), 16)]
    variants += ["\n".join(lines[:n] + lines[n + 1 :]) for n in range(4, len(lines), 23)]
    for src in variants:
        r = check_source(src, "cut.lean")
        internal = [m.to_lean() for m in r.messages if "internal error" in m.text]
        assert internal == [], internal
