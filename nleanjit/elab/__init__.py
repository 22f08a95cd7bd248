"""The elaborator: syntax trees → kernel declarations, with Lean's messages.

    from nleanjit.elab import check_source
    result = check_source(source, "file.lean")   # CheckResult(messages, eenv)
    result.ok                                     # no error message
    [m.to_lean() for m in result.messages]        # "file.lean:3:4: error: type mismatch ..."

Stages (one module each): syntax_view (reading the tree) → command (one
command at a time) → decl / inductive / structinst (declarations) → term
(terms, with meta: metavariables and unification, classes: instances) →
match (patterns to casesOn) → recursion (structural recursion) → tactics.
The prelude (`nleanjit/prelude/*.lean`) is elaborated by the same code and
cached (prelude.py). Design, coverage and divergences: docs/ELABORATOR.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nleanjit.elab.messages import Message, Span


@dataclass
class CheckResult:
    messages: list[Message] = field(default_factory=list)
    eenv: object = None

    @property
    def ok(self) -> bool:
        return not any(m.severity == "error" for m in self.messages)


def check_source(source: str, file: str = "<input>", prelude=None) -> CheckResult:
    """Parse and elaborate a whole file against the prelude; never raises on bad input."""
    from nleanjit.elab.command import CommandElab
    from nleanjit.elab.prelude import load_prelude
    from nleanjit.syntax import parse_source

    base = prelude if prelude is not None else load_prelude()
    eenv = base.fork()
    messages: list[Message] = []
    try:
        res = parse_source(source, file)
    except Exception as err:  # the parser promises not to raise; be safe at the edge
        return CheckResult([Message("error", file, Span(1, 0, 1, 0), f"internal parser error: {err}")], eenv)
    for d in res.diagnostics:
        messages.append(Message(d.severity, file, Span(d.line, d.col, getattr(d, "end_line", d.line) or d.line, getattr(d, "end_col", d.col) or d.col), d.message))
    cmd = CommandElab(eenv, file)
    cmd.elab_module(res.tree)
    messages.extend(cmd.messages)
    messages.sort(key=lambda m: (m.span.line, m.span.col))
    return CheckResult(messages, eenv)


__all__ = ["CheckResult", "check_source", "Message", "Span"]
