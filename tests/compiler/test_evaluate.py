"""`#eval` through the JIT (`nleanjit.codegen.evaluate`): closed terms of the elaborated
environment compile, run in this process and give back their text, their captured stdout
and uncaught errors; unsupported types are a clear `EvalError`."""

import pytest

from nleanjit.codegen.evaluate import EvalError, EvalResult, eval_expr, eval_term
from nleanjit.elab import check_source
from nleanjit.kernel import expr as X

SOURCE = """
def s : String := toString (List.range 10)
def n : Nat := (List.range 100).foldl (· + ·) 0 * 2^70
def deep : Nat := ((List.range 200000).map (· + 1)).length
def act : IO Unit := do
  IO.println "hi"
  IO.println (1 + 2)
def actS : IO String := do
  IO.print "side "
  pure "value"
def bad : IO Unit := do
  IO.println "before"
  throw (IO.userError "boom")
def flag : Bool := true
"""


@pytest.fixture(scope="module")
def eenv():
    res = check_source(SOURCE, "eval.lean")
    assert [m for m in res.messages if m.severity == "error"] == []
    return res.eenv


def test_values_output_and_errors(eenv, capfd):
    def ev(name):
        return eval_term(eenv, X.Const(name, ()))

    assert ev("s") == EvalResult("[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]", "")
    assert ev("n") == EvalResult(str(4950 * 2 ** 70), "")
    assert ev("deep") == EvalResult("200000", "")  # non-tail recursion 200 000 deep
    assert ev("act") == EvalResult(None, "hi\n3\n")
    assert ev("actS") == EvalResult("value", "side ")
    assert ev("bad") == EvalResult(None, "before\n", "boom")
    assert eval_expr(eenv, X.Const("bad", ())) == "before\nuncaught exception: boom"
    # a term built here, not a constant: Nat.add applied to literals
    term = X.mk_app(X.Const("Nat.add", ()), X.NatLit(2), X.NatLit(40))
    assert eval_expr(eenv, term) == "42"
    assert capfd.readouterr().out == ""  # the program's output was captured, not printed


def test_unsupported_type_is_a_clear_error(eenv):
    with pytest.raises(EvalError, match="not a term of type Bool"):
        eval_term(eenv, X.Const("flag", ()))
