"""`#eval` through the JIT: seconds for one evaluation of a small expression with warm
caches (prelude loaded, runtime library loaded, LLVM initialized), the target being
under 0.2 s.

In: a file elaborated once in `setup`; each timed call compiles a closed term
(erasure, λRC passes, LLVM at -O0, MCJIT) and runs it (`nleanjit.codegen.evaluate`).
Out: `time_eval_nat_expression` (a `Nat` computed through `List` functions),
`time_eval_io_action` (an `IO Unit` action whose output is captured).
"""

SOURCE = """
def small : Nat := ((List.range 100).map (· * 3)).foldl (· + ·) 0
def greet : IO Unit := do
  IO.println s!"hello {small}"
"""


class EvalThroughJit:
    timeout = 120

    def setup(self):
        from nleanjit.codegen.evaluate import eval_expr
        from nleanjit.elab import check_source
        from nleanjit.kernel import expr as X

        self.eenv = check_source(SOURCE, "eval_bench.lean").eenv
        self.small, self.greet = X.Const("small", ()), X.Const("greet", ())
        eval_expr(self.eenv, self.small)  # warm: runtime library, LLVM, first-use caches

    def time_eval_nat_expression(self):
        from nleanjit.codegen.evaluate import eval_expr

        eval_expr(self.eenv, self.small)

    def time_eval_io_action(self):
        from nleanjit.codegen.evaluate import eval_expr

        eval_expr(self.eenv, self.greet)
