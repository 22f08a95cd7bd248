"""The prelude: our own Lean source (`nleanjit/prelude/*.lean`), elaborated once and cached.

In: the prelude files, in the order of `PRELUDE_FILES`. Out: the `ElabEnv`
every checked file starts from. Elaborating the prelude takes seconds, so
the result is pickled under `~/.cache/nleanjit/` (or `$NLEANJIT_CACHE`),
keyed by a hash of the prelude sources and of the elaborator's and kernel's
code: any change to either rebuilds it. Kernel terms compute their cached
hashes at construction, so they are pickled through their constructors.
An error in the prelude is a bug of ours: `PreludeError` lists the messages.
"""

from __future__ import annotations

import copyreg
import hashlib
import io
import os
import pickle
import sys
from pathlib import Path

from nleanjit.kernel import expr as X

PRELUDE_DIR = Path(__file__).resolve().parents[1] / "prelude"
PRELUDE_FILES = (
    "Prelude.lean", "Core.lean", "Control.lean", "Data.lean", "Collections.lean", "System.lean", "Float.lean", "Lemmas.lean",
)
CACHE_FORMAT = 1


class PreludeError(Exception):
    pass


def prelude_sources() -> list[tuple[str, str]]:
    out = []
    for name in PRELUDE_FILES:
        p = PRELUDE_DIR / name
        if p.exists():
            out.append((name, p.read_text(encoding="utf-8")))
    return out


def _code_hash() -> str:
    h = hashlib.sha256()
    h.update(str(CACHE_FORMAT).encode())
    here = Path(__file__).resolve().parent
    kernel = here.parent / "kernel"
    for folder in (here, here / "tactics", kernel):
        for p in sorted(folder.glob("*.py")):
            h.update(p.name.encode())
            h.update(p.read_bytes())
    for name, text in prelude_sources():
        h.update(name.encode())
        h.update(text.encode())
    return h.hexdigest()[:24]


def cache_dir() -> Path:
    env = os.environ.get("NLEANJIT_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "nleanjit"


def build_prelude():
    """Elaborate the prelude sources from scratch (no cache)."""
    from nleanjit.elab.command import CommandElab
    from nleanjit.elab.state import ElabEnv
    from nleanjit.syntax import parse_source

    eenv = ElabEnv()
    errors = []
    for name, text in prelude_sources():
        res = parse_source(text, f"prelude/{name}")
        for d in res.diagnostics:
            if d.severity == "error":
                errors.append(str(d))
        if name == "Core.lean" and eenv.env.find("Quot") is None:
            # Lean's `init_quot` (in `Init/Core.lean`): the kernel's quotient constants, once `Eq` exists
            from nleanjit.kernel.declaration import QuotDecl

            eenv.env.add(QuotDecl())
        cmd = CommandElab(eenv, f"prelude/{name}")
        cmd.elab_module(res.tree)
        errors.extend(m.to_lean() for m in cmd.messages if m.severity == "error")
    if errors:
        raise PreludeError("the prelude does not elaborate:\n" + "\n".join(errors[:20]))
    return eenv


# --- pickling kernel terms through their constructors ------------------------------------

def _reducers():
    t = {
        X.BVar: lambda e: (X.BVar, (e.idx,)),
        X.FVar: lambda e: (X.FVar, (e.id,)),
        X.MVar: lambda e: (X.MVar, (e.id,)),
        X.Sort: lambda e: (X.Sort, (e.level,)),
        X.Const: lambda e: (X.Const, (e.name, e.levels)),
        X.App: lambda e: (X.App, (e.fn, e.arg)),
        X.Lam: lambda e: (X.Lam, (e.name, e.type, e.body, e.info)),
        X.Pi: lambda e: (X.Pi, (e.name, e.type, e.body, e.info)),
        X.Let: lambda e: (X.Let, (e.name, e.type, e.value, e.body)),
        X.NatLit: lambda e: (X.NatLit, (e.value,)),
        X.StrLit: lambda e: (X.StrLit, (e.value,)),
        X.MData: lambda e: (X.MData, (e.data, e.expr)),
        X.Proj: lambda e: (X.Proj, (e.struct, e.idx, e.expr)),
    }
    return t


def dumps(obj) -> bytes:
    buf = io.BytesIO()
    p = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    p.dispatch_table = copyreg.dispatch_table.copy()
    p.dispatch_table.update(_reducers())
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 100_000))
    try:
        p.dump(obj)
    finally:
        sys.setrecursionlimit(old)
    return buf.getvalue()


def loads(data: bytes):
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 100_000))
    try:
        return pickle.loads(data)
    finally:
        sys.setrecursionlimit(old)


_MEMO: dict = {}


def load_prelude(use_cache: bool = True):
    """The prelude's `ElabEnv` (shared: callers must `fork()` it before adding to it)."""
    key = _code_hash()
    if key in _MEMO:
        return _MEMO[key]
    path = cache_dir() / f"prelude-{key}.pickle"
    eenv = None
    if use_cache and path.exists():
        try:
            eenv = loads(path.read_bytes())
        except Exception:
            eenv = None
    if eenv is None:
        eenv = build_prelude()
        if use_cache:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".tmp{os.getpid()}")
                tmp.write_bytes(dumps(eenv))
                os.replace(tmp, path)
            except OSError:
                pass  # a read-only home: work without the cache
    _MEMO[key] = eenv
    return eenv
