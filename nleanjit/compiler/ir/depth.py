"""Room on Python's stack for passes that recurse along a body.

What goes in: the declarations a pass or the code generator is about to
walk. What comes out: a context in which Python's recursion limit covers
the longest body: the passes follow Lean's structural recursion over
`FnBody` (one frame or a few per instruction), and a `main` of a few
thousand `let`s is ordinary. Python 3.11 does not use the C stack for
Python-to-Python calls, so a higher limit is safe.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager

from nleanjit.compiler.ir import types as T

FRAMES_PER_INSTRUCTION = 8


def body_length(b: T.FnBody) -> int:
    """Instructions in a body, nested blocks included (without recursion)."""
    todo, n = [b], 0
    while todo:
        b = todo.pop()
        while True:
            n += 1
            if isinstance(b, T.JDecl):
                todo.append(b.v)
            if isinstance(b, T.Case):
                todo.extend(a.body for a in b.alts)
                break
            if isinstance(b, T.TERMINALS):
                break
            b = b.b
    return n


@contextmanager
def recursion_room(decls):
    longest = max((body_length(d.body) for d in decls if isinstance(d, T.FDecl)), default=0)
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 1000 + FRAMES_PER_INSTRUCTION * longest))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)
