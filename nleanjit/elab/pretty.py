"""Lean-style printing of elaborated terms for messages (`#check`, type mismatches).

In: a term (free variables, metavariables allowed), the environment (for the
binder kinds of constants) and display names of free variables. Out: text as
Lean's delaborator writes it for the common cases: implicit and instance
arguments hidden, numerals `OfNat.ofNat _ 2 _` shown as `2`, the arithmetic,
comparison and logical operators infix, `fun x => …`, `(x : α) → …`,
`?m.5` for metavariables.
"""

from __future__ import annotations

from nleanjit.kernel import expr as X
from nleanjit.kernel import level as L
from nleanjit.kernel.expr import App, BVar, Const, Expr, FVar, Lam, Let, MData, MVar, NatLit, Pi, Proj, Sort, StrLit
from nleanjit.kernel.printer import _sort_str

# name → (symbol, number of arguments, precedence, left/right/none assoc)
INFIX = {
    "HAdd.hAdd": ("+", 6, 65), "HSub.hSub": ("-", 6, 65), "HMul.hMul": ("*", 6, 70),
    "HDiv.hDiv": ("/", 6, 70), "HMod.hMod": ("%", 6, 70), "HPow.hPow": ("^", 6, 75),
    "HAppend.hAppend": ("++", 6, 65), "Eq": ("=", 3, 50), "Ne": ("≠", 3, 50),
    "LT.lt": ("<", 4, 50), "LE.le": ("≤", 4, 50), "GT.gt": (">", 4, 50), "GE.ge": ("≥", 4, 50),
    "And": ("∧", 2, 35), "Or": ("∨", 2, 30), "Iff": ("↔", 2, 20), "BEq.beq": ("==", 4, 50),
    "bne": ("!=", 4, 50), "and": ("&&", 2, 35), "or": ("||", 2, 30), "HEq": ("≍", 4, 50),
    "List.cons": ("::", 3, 67), "Dvd.dvd": ("∣", 4, 50),
}
MAX_PREC = 1024
EXPORTED = {
    "Bool.true": "true", "Bool.false": "false", "List.nil": "[]", "Option.none": "none", "Option.some": "some",
}
"""Constants Lean prints by a shorter name (`export Bool (true false)`, list literals, `Option`)."""
LEFT_ASSOC = frozenset(["+", "-", "*", "/", "%", "++", "&&", "||"])


class Printer:
    def __init__(self, env=None, fvar_names=None):
        self.env = env
        self.names = fvar_names or {}

    def explicit_mask(self, c: Const, nargs: int) -> list[bool]:
        info = self.env.find(c.name) if self.env is not None else None
        if info is None:
            return [True] * nargs
        mask = []
        t = info.type
        while type(t) is Pi and len(mask) < nargs:
            mask.append(t.info is X.DEFAULT)
            t = t.body
        mask += [True] * (nargs - len(mask))
        return mask

    def pp(self, e: Expr, scope: list[str] | None = None, prec: int = 0) -> str:
        return self._pp(e, scope or [], prec)

    def _fresh(self, name: str, scope: list[str]) -> str:
        base = name or "x"
        if base.startswith("_") or base == "a" and False:
            base = "x"
        n = base
        i = 1
        while n in scope:
            n = f"{base}_{i}"
            i += 1
        return n

    def _pp(self, e: Expr, scope: list[str], prec: int) -> str:
        t = type(e)
        if t is BVar:
            return scope[len(scope) - 1 - e.idx] if e.idx < len(scope) else f"#{e.idx}"
        if t is FVar:
            return self.names.get(e.id, e.id)
        if t is MVar:
            return f"?m.{e.id.lstrip('m')}"
        if t is Sort:
            s = _sort_str(e.level)
            s = s.replace("?u", "?u.")
            return f"({s})" if prec >= MAX_PREC and " " in s else s
        if t is Const:
            return EXPORTED.get(e.name, e.name)
        if t is NatLit:
            return str(e.value)
        if t is StrLit:
            import json

            return json.dumps(e.value, ensure_ascii=False)
        if t is MData:
            return self._pp(e.expr, scope, prec)
        if t is Proj:
            return f"{self._pp(e.expr, scope, MAX_PREC)}.{e.idx + 1}"
        if t is App:
            return self._pp_app(e, scope, prec)
        if t is Pi:
            s = self._pp_pi(e, scope)
            return f"({s})" if prec > 25 else s
        if t is Lam:
            binders = []
            while type(e) is Lam:
                n = self._fresh(e.name, scope)
                binders.append(n)
                scope = scope + [n]
                e = e.body
            s = f"fun {' '.join(binders)} => {self._pp(e, scope, 0)}"
            return f"({s})" if prec > 0 else s
        if t is Let:
            n = self._fresh(e.name, scope)
            s = f"let {n} := {self._pp(e.value, scope, 0)};\n{self._pp(e.body, scope + [n], 0)}"
            return f"({s})" if prec > 0 else s
        return repr(e)

    def _pp_pi(self, e: Pi, scope: list[str]) -> str:
        if e.info is X.DEFAULT and not X.has_loose_bvar(e.body, 0):
            dom = self._pp(e.type, scope, 26)
            return f"{dom} → {self._pp(e.body, scope + ['_'], 25)}"
        n = self._fresh(e.name, scope)
        ty = self._pp(e.type, scope, 0)
        if e.info is X.IMPLICIT:
            b = f"{{{n} : {ty}}}"
        elif e.info is X.INST_IMPLICIT:
            b = f"[{ty}]"
        elif e.info is X.STRICT_IMPLICIT:
            b = f"⦃{n} : {ty}⦄"
        else:
            b = f"({n} : {ty})"
        return f"{b} → {self._pp(e.body, scope + [n], 25)}"

    def _pp_app(self, e: App, scope: list[str], prec: int) -> str:
        f, args = X.get_app_fn_args(e)
        if type(f) is Const:
            name = f.name
            if name == "OfNat.ofNat" and len(args) == 3 and type(args[1]) is NatLit:
                return str(args[1].value)
            if name == "List.cons" and len(args) == 3 and _list_elems(e) is not None:
                # `a :: b :: []` is printed `[a, b]`, as Lean does
                return "[" + ", ".join(self._pp(x, scope, 0) for x in _list_elems(e)) + "]"
            if name in INFIX and len(args) == INFIX[name][1]:
                sym, n, p = INFIX[name]
                a, b = args[-2], args[-1]
                # `infixl` operators: `a + b + c` is `(a + b) + c`; relations take both sides at p+1
                lp = p if sym in LEFT_ASSOC else p + 1
                rp = p + 1 if sym in LEFT_ASSOC or p == 50 else p
                s = f"{self._pp(a, scope, lp)} {sym} {self._pp(b, scope, rp)}"
                return f"({s})" if prec > p else s
            if name == "Not" and len(args) == 1:
                s = f"¬{self._pp(args[0], scope, 40)}"  # Lean: `notation:max "¬" p:40`
                return f"({s})" if prec > 40 else s
            mask = self.explicit_mask(f, len(args))
            shown = [a for a, m in zip(args, mask) if m]
            if not shown:
                return self._pp(f, scope, prec)
            parts = [self._pp(f, scope, MAX_PREC)] + [self._pp(a, scope, MAX_PREC) for a in shown]
        else:
            parts = [self._pp(f, scope, MAX_PREC)] + [self._pp(a, scope, MAX_PREC) for a in args]
        s = " ".join(parts)
        return f"({s})" if prec >= MAX_PREC else s


def _list_elems(e: Expr) -> list | None:
    """The elements of `a :: b :: []`, or None when the list does not end in `[]`."""
    out = []
    while True:
        f, args = X.get_app_fn_args(e)
        if type(f) is Const and f.name == "List.cons" and len(args) == 3:
            out.append(args[1])
            e = args[2]
            continue
        if type(f) is Const and f.name == "List.nil" and len(args) == 1:
            return out
        return None


def pp_expr(e: Expr, env=None, fvar_names=None) -> str:
    return Printer(env, fvar_names).pp(e)


def pp_level(l: L.Level) -> str:
    return L.to_str(l)
