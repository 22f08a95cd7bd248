"""Type-class resolution: find an instance of `C a₁ … aₙ`.

In: a goal type (a class application, possibly under `∀`), the `ElabEnv`'s
instance table and the local instances in scope. Out: an instance term, or
None. The search is Lean's, simplified: depth-first over the instances of
the class, local instances first, then by priority (higher first) and, for
equal priorities, the most recently declared first; each candidate's
instance-implicit arguments become subgoals solved recursively. Arguments
in `outParam` positions are replaced by fresh metavariables for the search
and unified with the caller's afterwards, so `HAdd Nat Nat ?γ` finds `?γ`.
A depth limit stops loops (`MaxSynthDepth`).
"""

from __future__ import annotations

from nleanjit.kernel import expr as X
from nleanjit.kernel.expr import Const, Expr, FVar, MVar, Pi
from nleanjit.elab.meta import _eta_reduce

MAX_DEPTH = 32


class MaxSynthDepth(Exception):
    pass


class InstanceResolver:
    def __init__(self, eenv, mctx):
        self.eenv = eenv
        self.mctx = mctx
        self.cache: dict[Expr, Expr | None] = {}

    def class_of(self, type_: Expr) -> str | None:
        t = self.mctx.instantiate(type_)
        while type(t) is Pi:
            t = t.body
        f = X.get_app_fn(t)
        if type(f) is Const and f.name in self.eenv.classes:
            return f.name
        w = self.mctx.whnf(t) if type(f) is Const else t
        f = X.get_app_fn(w)
        if type(f) is Const and f.name in self.eenv.classes:
            return f.name
        return None

    def is_stuck(self, goal: Expr) -> bool:
        """Do the non-out-parameter arguments of the goal still contain metavariables?"""
        g = self.mctx.instantiate(goal)
        f, args = X.get_app_fn_args(g)
        if type(f) is not Const:
            return g.has_expr_mvar
        info = self.eenv.classes.get(f.name)
        outs = info.out_params if info else ()
        for i, a in enumerate(args):
            if i in outs:
                continue
            if a.has_expr_mvar:
                # a metavariable only under a binder or in a level is harmless; the head matters
                return True
        return False

    def synth(self, goal: Expr, depth: int = 0) -> Expr | None:
        mctx = self.mctx
        goal = mctx.instantiate(goal)
        fn, args = X.get_app_fn_args(goal)
        if any(type(a) is X.Lam for a in args):  # `Pure (fun α => m α)` is `Pure m`
            goal = X.mk_app_seq(fn, [_eta_reduce(a) for a in args])
        if depth > MAX_DEPTH:
            raise MaxSynthDepth()
        key = goal if not goal.has_mvar else None
        if key is not None and key in self.cache:
            return self.cache[key]
        result = self._synth_core(goal, depth)
        if key is not None:
            self.cache[key] = result
        return result

    def _synth_core(self, goal: Expr, depth: int) -> Expr | None:
        mctx = self.mctx
        # a goal under a `let` (a metavariable's type after elimMVarDeps): the value put in
        while type(goal) is X.Let:
            goal = X.instantiate(goal.body, [goal.value])
        # instance goals under binders: `[∀ a, C (f a)]`
        if type(goal) is Pi:
            fv = mctx.push_local(goal.name, goal.type, goal.info)
            try:
                r = self.synth(X.instantiate(goal.body, [fv]), depth + 1)
                return None if r is None else mctx.mk_lambda([fv], r)
            finally:
                mctx.pop_local()
        f, args = X.get_app_fn_args(goal)
        cls = f.name if type(f) is Const else None
        if cls is None or cls not in self.eenv.classes:
            w = mctx.whnf(goal)
            if w != goal and (type(X.get_app_fn(w)) is Const or type(w) is Pi):  # `DecidableEq α` unfolds to a Π
                return self.synth(w, depth)
            return None
        info = self.eenv.classes[cls]
        # replace out-params by fresh metavariables
        search_args = list(args)
        if info.out_params:
            ftype = mctx.infer(f)
            for i in range(len(args)):
                ftype = mctx.whnf(ftype)
                if type(ftype) is not Pi:
                    break
                if i in info.out_params:
                    search_args[i] = mctx.new_mvar(X.instantiate_rev(ftype.type, search_args[:i]))
                ftype = ftype.body
            ftype = None
        search_goal = X.mk_app_seq(f, search_args)
        for cand, ctype in self._candidates(cls):
            saved = mctx.save()
            r = self._try(cand, ctype, search_goal, depth)
            if r is not None:
                if info.out_params:
                    if not mctx.is_def_eq(search_goal, goal):
                        mctx.restore(saved)
                        continue
                return mctx.instantiate(r)
            mctx.restore(saved)
        return None

    def _candidates(self, cls: str):
        mctx = self.mctx
        for fv in reversed(mctx.scope):
            if fv.id in mctx.aux_fvars:
                continue
            d = mctx.local_decl(fv)
            if self._class_name(d.type) == cls:
                yield fv, d.type
        insts = self.eenv.instances.get(cls, [])
        order = sorted(range(len(insts)), key=lambda i: (-insts[i].priority, -i))
        for i in order:
            name = insts[i].name
            ci = self.eenv.env.find(name)
            if ci is None:
                continue
            levels = tuple(mctx.new_level_mvar() for _ in ci.level_params)
            c = Const(name, levels)
            yield c, X.instantiate_level_params(ci.type, ci.level_params, levels)

    def _class_name(self, t: Expr) -> str | None:
        """The class a (local) instance provides, unfolding definitions such as `DecidableEq α`."""
        t = self.mctx.instantiate(t)
        for _ in range(8):
            while type(t) is Pi:
                t = t.body
            f = X.get_app_fn(t)
            if type(f) is not Const:
                return None
            if f.name in self.eenv.classes:
                return f.name
            u = self.mctx.unfold_head(t)
            if u is None:
                return f.name
            t = u
        return None

    def _try(self, cand: Expr, ctype: Expr, goal: Expr, depth: int) -> Expr | None:
        mctx = self.mctx
        subgoals: list[MVar] = []
        e = cand
        t = mctx.instantiate(ctype)
        while True:
            if type(t) is not Pi:
                w = mctx.whnf(t)
                if type(w) is not Pi:
                    break
                t = w
            m = mctx.new_mvar(t.type, "synthetic" if t.info is X.INST_IMPLICIT else "natural")
            if t.info is X.INST_IMPLICIT:
                subgoals.append(m)
            e = X.App(e, m)
            t = X.instantiate(t.body, [m])
        if self._heads_clash(t, goal) or not mctx.is_def_eq(t, goal):
            return None
        for m in subgoals:
            if mctx.is_assigned(m):
                continue
            r = self.synth(mctx.instantiate(mctx.mvar_type(m)), depth + 1)
            if r is None:
                return None
            if not mctx.is_def_eq(m, r):
                return None
        return e


    # Lean resolves instances at `instances` transparency: only reducible definitions and
    # instances unfold.  Where the candidate's class arguments and the goal's have different
    # rigid heads so unfolded, they cannot match there; unifying them at default
    # transparency could run a program (`Decidable (t.contains 500 = true)` against
    # `Float.decLe`, whose `Float.ble ?a ?b = true` would unfold `Tree.contains`).
    def _heads_clash(self, t: Expr, goal: Expr) -> bool:
        return self._clash(t, goal, 3)

    def _clash(self, a: Expr, b: Expr, depth: int) -> bool:
        ha, a = self._reducible_head(a)
        hb, b = self._reducible_head(b)
        if ha is None or hb is None:
            return False
        if ha != hb:
            return True
        if depth == 0:
            return False
        aargs, bargs = X.get_app_args(a), X.get_app_args(b)
        return len(aargs) == len(bargs) and any(self._clash(x, y, depth - 1) for x, y in zip(aargs, bargs))

    def _reducible_head(self, e: Expr) -> tuple[str | None, Expr]:
        """The head constant of `e` after unfolding reducible definitions and instances, and
        `e` so unfolded; None for what is not a rigid constant (variables, metavariables,
        binders, literals and `Nat` arithmetic, which the unifier treats by value)."""
        mctx = self.mctx
        unfoldable = self._unfoldable()
        for _ in range(64):
            e = mctx.whnf_core(e)
            f = X.get_app_fn(e)
            if type(f) is not Const or f.name.startswith("Nat.") or f.name in _BY_VALUE:
                return None, e
            if f.name not in unfoldable and not self.eenv.has_attribute("reducible", f.name) \
                    and not self._type_synonym(f.name):
                return f.name, e
            nxt = mctx.kernel._unfold_definition(e)
            if nxt is None:
                return f.name, e
            e = nxt
        return None, e

    def _type_synonym(self, name: str) -> bool:
        """A definition of a type (`EIO ε := EStateM ε IO.RealWorld`): unfolded here, where Lean
        would want `inferInstanceAs`, because our prelude states its instances through them."""
        info = self.mctx.env.find(name)
        t = getattr(info, "type", None)
        while type(t) is Pi:
            t = t.body
        return type(t) is X.Sort

    def _unfoldable(self) -> frozenset:
        count = sum(len(v) for v in self.eenv.instances.values())
        if getattr(self, "_instance_names_count", -1) != count:
            self._instance_names = frozenset(i.name for v in self.eenv.instances.values() for i in v)
            self._instance_names_count = count
        return self._instance_names


# heads the unifier compares by value, never rigidly
_BY_VALUE = frozenset(["OfNat.ofNat", "HAdd.hAdd", "HSub.hSub", "HMul.hMul", "HDiv.hDiv", "HMod.hMod", "HPow.hPow",
                       "Add.add", "Sub.sub", "Mul.mul"])


def is_class_app(eenv, mctx, t: Expr) -> bool:
    t = mctx.instantiate(t)
    while type(t) is Pi:
        t = t.body
    f = X.get_app_fn(t)
    return type(f) is Const and f.name in eenv.classes


__all__ = ["InstanceResolver", "MaxSynthDepth", "is_class_app", "FVar"]
