"""`deriving` handlers: `Inhabited`, `BEq`, `Repr`, `Hashable`, `Ord`, `DecidableEq` (enumerations).

In: a class name and an inductive type already in the environment. Out: Lean source text for
the instance (and a helper function), elaborated by a command elaborator that shares the
environment and scope, so every derived declaration goes through the kernel like any other.

Lean's handlers (`Lean.Elab.Deriving.*`) are the model for the shape of the result:
- `Inhabited`: the first constructor whose fields all have `default` values;
- `BEq`: constructor-wise `==` on fields, `false` across constructors;
- `Repr`: `T.C a b` (parenthesised at application precedence), `{ x := 1, y := 2 }` for structures;
- `Hashable`: `mixHash` of the constructor index and the fields' hashes;
- `Ord`: constructor index first, then the fields lexicographically;
- `DecidableEq` for enumerations (constructors without fields).
Recursive types get a `partial` helper with a local instance for the recursive occurrences
(divergence: Lean derives a structural function, ours is opaque to the kernel).
"""

from __future__ import annotations

from nleanjit.elab.pretty import Printer
from nleanjit.kernel import expr as X
from nleanjit.kernel.declaration import ConstructorInfo, InductiveInfo

SUPPORTED = ("Inhabited", "BEq", "Repr", "Hashable", "Ord", "DecidableEq", "Nonempty")


class DeriveError(Exception):
    pass


class _Shape:
    """The type's name, its parameters (as binders text), and each constructor's explicit fields."""

    def __init__(self, eenv, type_name: str):
        env = eenv.env
        info = env.find(type_name)
        if not isinstance(info, InductiveInfo):
            raise DeriveError(f"'{type_name}' is not an inductive type")
        if info.num_indices:
            raise DeriveError(f"'{type_name}' is an indexed family")
        self.name = type_name
        self.short = type_name.rpartition(".")[2]
        self.is_rec = info.is_rec or info.num_nested > 0
        printer = Printer(env)
        t = info.type
        self.params: list[tuple[str, str, bool]] = []  # name, type text, is a type (gets an instance)
        names: list[str] = []
        for _ in range(info.num_params):
            assert type(t) is X.Pi
            nm = t.name if t.name not in ("", "a") else f"p{len(names)}"
            ty_text = printer.pp(t.type, list(reversed(names)))
            w = t.type
            while type(w) is X.Pi:
                w = w.body
            self.params.append((nm, ty_text, type(w) is X.Sort and type(t.type) is X.Sort))
            names.append(nm)
            t = t.body
        self.ctors: list[tuple[str, int]] = []
        for c in info.constructors:
            ci = env.find(c)
            assert isinstance(ci, ConstructorInfo)
            ct = ci.type
            for _ in range(info.num_params):
                ct = ct.body
            explicit = 0
            for _ in range(ci.num_fields):
                if ct.info is not X.DEFAULT:
                    raise DeriveError(f"constructor '{c}' has implicit fields")
                explicit += 1
                ct = ct.body
            self.ctors.append((c, explicit))
        self.structure = eenv.structures.get(type_name)

    def applied(self) -> str:
        return "(" + " ".join([f"@{self.name}"] + [p for p, _, _ in self.params]) + ")" if self.params else self.name

    def binders(self, cls: str | None) -> str:
        out = []
        for nm, ty, is_type in self.params:
            out.append(f"{{{nm} : {ty}}}")
        if cls:
            for nm, _ty, is_type in self.params:
                if is_type:
                    out.append(f"[{cls} {nm}]")
        return " ".join(out)


def derive_text(eenv, cls: str, type_name: str) -> str:
    """Lean source of the derived instance."""
    s = _Shape(eenv, type_name)
    T = s.applied()
    uniq = type_name.replace(".", "_")
    if cls in ("Inhabited", "Nonempty"):
        return ""  # chosen by `derive_inhabited`, which tries the constructors in turn
    if cls == "BEq":
        rows = []
        for c, n in s.ctors:
            xs = " ".join(f"x{i}" for i in range(n))
            ys = " ".join(f"y{i}" for i in range(n))
            test = " && ".join(f"x{i} == y{i}" for i in range(n)) or "true"
            rows.append(f"  | {c} {xs}, {c} {ys} => {test}")
        if len(s.ctors) > 1:
            rows.append("  | _, _ => false")
        return _with_helper(s, "BEq", f"{type_name}.derivedBEq", f"(a b : {T}) : Bool", "match a, b with\n" + "\n".join(rows), f"instBEq{uniq}", f"BEq {T}")
    if cls == "Repr":
        rows = []
        for c, n in s.ctors:
            xs = " ".join(f"x{i}" for i in range(n))
            if s.structure is not None and n:
                fields = s.structure.fields
                parts = ' ++ Std.Format.text ", " ++ '.join(f'Std.Format.text "{f} := " ++ repr x{i}' for i, f in enumerate(fields[:n]))
                rows.append(f'  | {c} {xs} => Std.Format.text "{{ " ++ {parts} ++ Std.Format.text " }}"')
            elif n == 0:
                rows.append(f'  | {c} => Std.Format.text "{c}"')
            else:
                args = " ++ ".join(f"Std.Format.line ++ reprArg x{i}" for i in range(n))
                rows.append(f'  | {c} {xs} => Repr.addAppParen (Std.Format.text "{c}" ++ {args}) prec')
        return _with_helper(s, "Repr", f"{type_name}.derivedRepr", f"(a : {T}) (prec : Nat) : Std.Format", "match a with\n" + "\n".join(rows), f"instRepr{uniq}", f"Repr {T}")
    if cls == "Hashable":
        rows = []
        for k, (c, n) in enumerate(s.ctors):
            xs = " ".join(f"x{i}" for i in range(n))
            h = f"({k} : UInt64)"
            for i in range(n):
                h = f"mixHash {h} (hash x{i})"
            rows.append(f"  | {c} {xs} => {h}")
        return _with_helper(s, "Hashable", f"{type_name}.derivedHash", f"(a : {T}) : UInt64", "match a with\n" + "\n".join(rows), f"instHashable{uniq}", f"Hashable {T}")
    if cls == "Ord":
        rows = []
        for c, n in s.ctors:
            xs = " ".join(f"x{i}" for i in range(n))
            ys = " ".join(f"y{i}" for i in range(n))
            r = "Ordering.eq"
            for i in reversed(range(n)):
                r = f"(compare x{i} y{i}).then ({r})"
            rows.append(f"  | {c} {xs}, {c} {ys} => {r}")
        if len(s.ctors) > 1:
            rows.append(f"  | a, b => compare ({type_name}.derivedCtorIdx a) ({type_name}.derivedCtorIdx b)")
        return _ctor_idx(s) + _with_helper(s, "Ord", f"{type_name}.derivedCompare", f"(a b : {T}) : Ordering", "match a, b with\n" + "\n".join(rows), f"instOrd{uniq}", f"Ord {T}")
    if cls == "DecidableEq":
        if any(n for _, n in s.ctors) or s.params:
            raise DeriveError("deriving 'DecidableEq' is implemented for enumerations only")
        rows = []
        for i, (c, _n) in enumerate(s.ctors):
            for j, (d, _m) in enumerate(s.ctors):
                if i == j:
                    rows.append(f"  | {c}, {d} => isTrue rfl")
                else:
                    rows.append(f"  | {c}, {d} => isFalse (fun h => Bool.false_ne_true (Eq.symm (congrArg (fun x => Nat.beq ({type_name}.derivedCtorIdx x) {i}) h)))")
        return (_ctor_idx(s) + f"def {type_name}.derivedDecEq (a b : {T}) : Decidable (a = b) :=\n  match a, b with\n" + "\n".join(rows)
                + f"\n\ninstance instDecidableEq{uniq} : DecidableEq {T} := {type_name}.derivedDecEq\n")
    raise DeriveError(f"default handlers have not been implemented yet, class: '{cls}' types: [{type_name}]")


def inhabited_candidates(eenv, cls: str, type_name: str) -> list[str]:
    s = _Shape(eenv, type_name)
    T = s.applied()
    uniq = type_name.replace(".", "_")
    out = []
    for c, n in s.ctors:
        args = " ".join("default" for _ in range(n))
        if cls == "Nonempty":
            out.append(f"instance instNonempty{uniq} {s.binders('Inhabited')} : Nonempty {T} := ⟨{c} {args}⟩\n")
        else:
            out.append(f"instance instInhabited{uniq} {s.binders('Inhabited')} : Inhabited {T} := ⟨{c} {args}⟩\n")
    return out


def _ctor_idx(s: _Shape) -> str:
    rows = "\n".join(f"  | {c} {' '.join('_' for _ in range(n))} => {k}" for k, (c, n) in enumerate(s.ctors))
    return f"def {s.name}.derivedCtorIdx {s.binders(None)} : {s.applied()} → Nat\n{rows}\n\n"


def _arity(sig: str) -> int:
    """How many explicit arguments a helper signature `(a b : T) (prec : Nat) : R` declares."""
    n = 0
    for group in sig.split(")")[:-1]:
        names = group.strip().lstrip("(").split(":")[0].split()
        n += len(names)
    return n


def _with_helper(s: _Shape, cls: str, fn: str, sig: str, body: str, inst: str, inst_type: str) -> str:
    binders = s.binders(cls)
    if s.is_rec:
        # the recursive occurrences use the instance being defined, through a local instance
        arity = _arity(sig)
        xs = " ".join(f"z{i}" for i in range(arity))
        body = f"let _ : {inst_type} := ⟨fun {xs} => {fn} {xs}⟩\n  " + body
        head = f"partial def {fn} {binders} {sig} :=\n  {body}\n\n"
    else:
        head = f"def {fn} {binders} {sig} :=\n  {body}\n\n"
    return head + f"instance {inst} {binders} : {inst_type} := ⟨{fn}⟩\n"


__all__ = ["derive_text", "inhabited_candidates", "DeriveError", "SUPPORTED"]
