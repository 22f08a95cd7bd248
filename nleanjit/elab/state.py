"""What elaboration carries from one command to the next.

In: commands as they are elaborated. Out: an `ElabEnv` — the kernel
`Environment` plus what Lean keeps in environment extensions (instances and
their priorities, classes and their out-parameters, structures and their
fields, default instances, attributes such as `simp` and `reducible`) — and
the stack of `Scope`s (namespace, `open`s, `variable`s, `universe`s, options)
that `namespace`/`section`/`end` push and pop. `resolve_global` implements
Lean's name resolution against the current namespace and the open ones.
The `ElabEnv` is what the prelude cache stores.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from nleanjit.kernel import Environment
from nleanjit.kernel.fuel import Fuel


@dataclass(frozen=True)
class InstanceInfo:
    name: str
    class_name: str
    priority: int = 1000


@dataclass(frozen=True)
class ClassInfo:
    name: str
    out_params: tuple[int, ...] = ()


@dataclass(frozen=True)
class StructureInfo:
    name: str
    ctor: str
    fields: tuple[str, ...]
    parents: tuple[tuple[str, str], ...] = ()
    """(parent structure, field name `toP`) for the subobject fields."""
    defaults: tuple[tuple[str, object], ...] = ()
    """Field name → syntax node of its default value (elaborated where used)."""
    num_params: int = 0


@dataclass
class ElabEnv:
    """The kernel environment and the elaborator's extensions; pickled by the prelude cache."""

    env: Environment = field(default_factory=Environment)
    instances: dict[str, list[InstanceInfo]] = field(default_factory=dict)
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    structures: dict[str, StructureInfo] = field(default_factory=dict)
    default_instances: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    attributes: dict[str, set[str]] = field(default_factory=dict)
    """Attribute name → the declarations that carry it (`simp`, `reducible`, ...)."""
    namespaces: set[str] = field(default_factory=set)
    aliases: dict[str, str] = field(default_factory=dict)
    """`export` aliases and `private` names: short name → full name."""
    partial_impls: dict[str, str] = field(default_factory=dict)
    """`partial`/non-structural definitions: opaque constant → its unsafe implementation."""

    def add_instance(self, info: InstanceInfo) -> None:
        self.instances.setdefault(info.class_name, []).append(info)

    def add_attribute(self, attr: str, decl: str) -> None:
        self.attributes.setdefault(attr, set()).add(decl)

    def has_attribute(self, attr: str, decl: str) -> bool:
        return decl in self.attributes.get(attr, ())

    def register_namespace(self, name: str) -> None:
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            self.namespaces.add(".".join(parts[:i]))

    def fork(self) -> "ElabEnv":
        """A copy whose additions do not reach this one (used for each checked file)."""
        env = Environment.__new__(Environment)
        env._constants = dict(self.env._constants)
        env.fuel = self.env.fuel
        env.quot_initialized = self.env.quot_initialized
        return ElabEnv(
            env,
            {k: list(v) for k, v in self.instances.items()},
            dict(self.classes),
            dict(self.structures),
            {k: list(v) for k, v in self.default_instances.items()},
            {k: set(v) for k, v in self.attributes.items()},
            set(self.namespaces),
            dict(self.aliases),
            dict(self.partial_impls),
        )


@dataclass(frozen=True)
class Scope:
    """One level of `namespace`/`section` nesting."""

    kind: str  # "root" | "namespace" | "section"
    header: str  # the name after `namespace`/`section` ("" for anonymous sections)
    namespace: str  # the full current namespace
    opens: tuple[str, ...] = ()
    variables: tuple = ()
    """`BinderView`s of the `variable` commands, elaborated again for each declaration."""
    universes: tuple[str, ...] = ()
    options: tuple[tuple[str, str], ...] = ()

    def with_(self, **kw) -> "Scope":
        return replace(self, **kw)


ROOT_SCOPE = Scope("root", "", "")


def resolve_global(eenv: ElabEnv, scope: Scope, name: str) -> list[str]:
    """Candidate constants for `name`, in Lean's order: the current namespace and its
    parents (innermost first), then the open namespaces, then aliases."""
    env = eenv.env
    if name.startswith("_root_."):
        n = name[len("_root_.") :]
        return [n] if n in env else []
    out: list[str] = []
    ns = scope.namespace
    while True:
        full = f"{ns}.{name}" if ns else name
        if full in env and full not in out:
            out.append(full)
            break
        if not ns:
            break
        ns = ns.rpartition(".")[0]
    for o in scope.opens:
        full = f"{o}.{name}"
        if full in env and full not in out:
            out.append(full)
    alias = eenv.aliases.get(name)
    if alias and alias in env and alias not in out:
        out.append(alias)
    return out


DEFAULT_ELAB_FUEL = Fuel(max_steps=400_000)
