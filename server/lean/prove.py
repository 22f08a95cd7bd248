"""Generate and verify: ``/v1/lean/prove``.

In: a statement (a ``theorem … :`` header, or code with ``sorry``), a number of
model attempts, sampling settings, a per-check timeout.  Out: attempts, each
``{"source": "tactic" | "model", "code", "verified", "messages"}`` (``code`` is
the complete theorem with its proof, as ``/api/check`` accepts it), and the
first verified proof.

Order: first a portfolio of cheap closing tactics (``rfl``, ``decide``,
``simp``, ``omega``, ``trivial``), checked side by side; then ``attempts``
completions sampled from the chat model through the server's scheduler, each
checked as it comes.  An attempt is verified when the checker reports no error
and no ``sorry``; a proof text that contains ``sorry``, ``admit``, ``axiom``,
``unsafe`` or ``implemented_by`` is refused before checking, since it could
prove anything.  The statement itself is never changed: every attempt's code is
the statement with only its ``sorry`` (or its missing proof) filled in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from server import errors

TACTICS = ("rfl", "decide", "simp", "omega", "trivial")
_SORRY = re.compile(r"\bsorry\b")
_FORBIDDEN = re.compile(r"\b(sorry|admit|axiom|unsafe|implemented_by|native_decide)\b")
_DECL = re.compile(r"\b(theorem|lemma|example)\b")
_FENCE = re.compile(r"```(?:lean4?|)\s*\n(.*?)(?:```|$)", re.S)

SYSTEM_PROMPT = ("You are a Lean 4 prover. Reply with the tactic proof only, inside one ```lean "
                 "block, without repeating the statement.")


@dataclass(frozen=True)
class Statement:
    """The statement split around the hole where a proof goes."""

    before: str
    after: str

    def with_proof(self, proof: str) -> str:
        return self.before + proof + self.after

    def with_sorry(self) -> str:
        return self.with_proof("sorry")


def parse_statement(text: str) -> Statement:
    if not _DECL.search(text):
        raise errors.invalid_param("statement", "statement must contain a theorem, lemma or example.")
    m = _SORRY.search(text)
    if m:
        return Statement(text[: m.start()], text[m.end():])
    head = text.rstrip()
    head = re.sub(r":=\s*(by)?\s*$", "", head).rstrip()
    return Statement(head + " := ", "")


def tactic_proof(tactic: str) -> str:
    return f"by {tactic}"


def model_proof(completion: str) -> str | None:
    """The tactic block a completion proposes, or None when it proposes nothing usable."""
    m = _FENCE.search(completion)
    text = m.group(1) if m else completion
    if ":=" in text and _DECL.search(text):  # the model repeated the statement: keep the proof
        text = text.split(":=", 1)[1]
    text = text.strip()
    if text.startswith("by"):
        text = text[2:]
    lines = [line.rstrip() for line in text.strip("\n").split("\n") if line.strip()]
    if not lines:
        return None
    indent = min(len(line) - len(line.lstrip()) for line in lines)
    return "by\n" + "\n".join("  " + line[indent:] for line in lines)


def refused(proof: str) -> str | None:
    m = _FORBIDDEN.search(proof)
    if m:
        return f"the proof uses '{m.group(1)}', which is not accepted as a proof"
    return None


def attempt(source: str, code: str, result) -> dict:
    """One attempt's record from its check result (``pool.SnippetResult``)."""
    if result.error is not None:
        messages = [{"severity": "error", "pos": {"line": 1, "column": 0},
                     "endPos": {"line": 1, "column": 0}, "data": result.error}]
    else:
        messages = result.response.get("messages", [])
    return {"source": source, "code": code, "verified": result.outcome == "valid", "messages": messages}


def refused_attempt(source: str, code: str, why: str) -> dict:
    return {"source": source, "code": code, "verified": False,
            "messages": [{"severity": "error", "pos": {"line": 1, "column": 0},
                          "endPos": {"line": 1, "column": 0}, "data": why}]}


def user_prompt(statement: Statement) -> str:
    return ("Complete the following Lean 4 theorem by replacing `sorry` with a proof.\n\n"
            f"```lean\n{statement.with_sorry()}\n```")
