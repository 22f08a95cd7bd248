"""Modules and imports: where an imported module's source lies, and the syntax it exports.

In: search roots (directories) and module names such as `Batteries.Tactic.Alias`.
Out: the module's source file, and its `SyntaxEnv` (the user syntax it makes
available, its imports' included), read once per resolver and cached.

Where a module lies, under each root in order:
1. `A/B/C.lean`, Lean's own layout (a Lake package root, or its `.lake/packages/*`);
2. `A__B__C.lean` in the root or in one of its direct subfolders: the flattened
   layout in which corpora store library files (`parse/Batteries__Tactic__Alias.lean`).
A module found nowhere is ignored, as are import cycles (the module being read is
not read again): the parse goes on with the syntax it has.

`default_resolver(path)` is what `parse_file` uses when given none: it is
rooted at the nearest directory above the file that holds a `MANIFEST.tsv`
(a corpus), a `lakefile.lean`/`lakefile.toml` or a `lean-toolchain` (a Lake
package, whose `.lake/packages/*` become roots too), else at the file's own
directory. Resolvers are shared per set of roots, so a library's modules are
read once per process however many of its files are parsed.

Lean's `Init` is imported by every module that does not begin with `prelude`;
`init_env` is the part of its syntax the parser does not build in (`INIT_SYNTAX`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from nleanjit.syntax.env import SyntaxEnv

PROJECT_MARKERS = ("MANIFEST.tsv", "lakefile.lean", "lakefile.toml", "lean-toolchain")

# Syntax that Lean's `Init` declares with `notation`/`syntax` commands (so a
# real Lean parser would learn it from the import) and that the parser does not
# build in. Written here in Lean's own syntax DSL and read by our own parser.
INIT_SYNTAX = """
namespace List
scoped infixl:50 " ~ " => Perm
scoped infixl:50 " <+ " => Sublist
scoped infixl:50 " <+: " => IsPrefix
scoped infixl:50 " <:+ " => IsSuffix
scoped infixl:50 " <:+: " => IsInfix
end List
syntax (name := checkSimp) "#check_simp " term " ~> " term : command
syntax (name := checkSimpFailure) "#check_simp " term " !~> " : command
syntax (name := checkTactic) "#check_tactic " term " ~> " term " by " tactic : command
syntax (name := checkTacticFailure) "#check_tactic_failure " term " by " tactic : command
syntax (name := tacticExtension) "tactic_extension " ident : command
syntax (name := unseal) "unseal " (ppSpace colGt ident)+ : command
syntax (name := seal) "seal " (ppSpace colGt ident)+ : command
syntax (name := guardTarget) "guard_target " (" = " <|> " =ₛ " <|> " =~ " <|> " =ₐ ") term : tactic
"""

_init_env: SyntaxEnv | None = None


def init_env() -> SyntaxEnv:
    """The syntax environment of Lean's `Init`, as far as `INIT_SYNTAX` goes (parsed once)."""
    global _init_env
    if _init_env is None:
        from nleanjit.syntax.parser import Parser

        parser = Parser(INIT_SYNTAX, "<Init>", implicit_init=False)
        parser.parse_module()
        _init_env = parser.export_env()
    return _init_env


class ModuleResolver:
    """Maps module names to source files under `roots` and reads their syntax environments."""

    def __init__(self, roots: Iterable):
        self.roots = tuple(Path(r) for r in roots)
        self._flat: dict[str, Path] | None = None
        self._envs: dict[str, SyntaxEnv | None] = {}
        self._reading: set[str] = set()

    def __repr__(self) -> str:
        return f"ModuleResolver({[str(r) for r in self.roots]})"

    def find(self, module: str) -> Path | None:
        """The source file of `module`, or None."""
        parts = [p.strip("«»") for p in module.split(".")]
        if not all(parts):
            return None
        for root in self.roots:
            path = root.joinpath(*parts[:-1], parts[-1] + ".lean")
            if path.is_file():
                return path
        return self.flattened().get("__".join(parts))

    def flattened(self) -> dict[str, Path]:
        """`A__B__C` -> `…/A__B__C.lean`, over each root and its direct subfolders (first root wins)."""
        if self._flat is None:
            flat: dict[str, Path] = {}
            for root in self.roots:
                for folder in [root, *_subfolders(root)]:
                    for path in _lean_files(folder):
                        flat.setdefault(path.name[: -len(".lean")], path)
            self._flat = flat
        return self._flat

    def env_of(self, module: str) -> SyntaxEnv | None:
        """The syntax `module` exports (its imports' included); None when it cannot be found or read."""
        if module in self._envs:
            return self._envs[module]
        if module in self._reading:
            return None  # an import cycle: Lean rejects it; we go on without
        path = self.find(module)
        if path is None:
            self._envs[module] = None
            return None
        from nleanjit.syntax import read_source
        from nleanjit.syntax.parser import Parser

        self._reading.add(module)
        try:
            source = read_source(path)
            env: SyntaxEnv | None = Parser(source, str(path), resolver=self).scan_exports()
        except Exception:  # unreadable, or too deep an import chain: the importer goes on without it
            env = None
        finally:
            self._reading.discard(module)
        self._envs[module] = env
        return env


def _subfolders(root: Path) -> list[Path]:
    try:
        return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:
        return []


def _lean_files(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.name.endswith(".lean") and p.is_file())
    except OSError:
        return []


_resolvers: dict[tuple[str, ...], ModuleResolver] = {}


def resolver_for(roots: Iterable) -> ModuleResolver:
    """The process-wide resolver for these roots (so each module is read once)."""
    key = tuple(os.path.abspath(r) for r in roots)
    resolver = _resolvers.get(key)
    if resolver is None:
        resolver = _resolvers[key] = ModuleResolver(key)
    return resolver


def project_root(path) -> Path:
    """The nearest directory above `path` with a project marker, else `path`'s own directory."""
    start = Path(os.path.abspath(path)).parent
    for folder in [start, *start.parents]:
        if any((folder / marker).is_file() for marker in PROJECT_MARKERS):
            return folder
    return start


_default_resolvers: dict[str, ModuleResolver] = {}


def default_resolver(path) -> ModuleResolver:
    """Search roots for a file: its project root and, for a Lake package, the packages it depends on.
    Looked up once per directory (the files of a corpus share it)."""
    folder = os.path.dirname(os.path.abspath(path))
    resolver = _default_resolvers.get(folder)
    if resolver is None:
        root = project_root(path)
        resolver = _default_resolvers[folder] = resolver_for([root, *_subfolders(root / ".lake" / "packages")])
    return resolver
