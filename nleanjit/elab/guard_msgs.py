"""`#guard_msgs`: the messages a command produced against the ones its doc comment expects.

In: the doc comment's text, the `Message`s the wrapped command produced, and the
spec tokens between `#guard_msgs` and `in` (`(drop info, whitespace := lax)`).
Out: a `GuardVerdict`: whether they match and, if so, the messages the spec
passes through; if not, Lean's error text. This follows Lean's
`Lean.Elab.GuardMsgs`: each checked message prints as `severity: text`
(`severity:\\n…` when the text starts on a new line) ending in a newline, the
messages are joined by `---\\n` and trimmed, and both sides are compared after
the whitespace mode (`normalized`, the default, reads newlines as spaces;
`lax` collapses all whitespace; `exact`). A spec names severities (`info`,
`warning`, `error`, `trace`, `all`) with an action (`check`, the default;
`drop`; `pass`); the first that applies decides, and with a spec a message no
element names is passed through.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nleanjit.elab.messages import Message

SEVERITY_WORD = {"information": "info", "warning": "warning", "error": "error"}


@dataclass(frozen=True)
class GuardSpec:
    whitespace: str = "normalized"  # "exact" | "normalized" | "lax"
    sorted_order: bool = False
    rules: tuple[tuple[str, str], ...] = ()  # (action, severity) in order; empty: check all

    def action_for(self, msg: Message) -> str:
        if not self.rules:
            return "check"
        sev = SEVERITY_WORD.get(msg.severity, msg.severity)
        for action, which in self.rules:
            if which == "all" or which == sev:
                return action
        return "pass"


@dataclass(frozen=True)
class GuardVerdict:
    ok: bool
    passed_through: tuple[Message, ...] = ()
    failure_text: str = ""
    produced_text: str = field(default="", compare=False)


def parse_spec(tokens: list[str]) -> GuardSpec:
    """The spec from its tokens (`(`, `drop`, `info`, `,`, `whitespace`, `:=`, `lax`, `)`)."""
    inner = [t for t in tokens if t not in ("(", ")")]
    elements: list[list[str]] = [[]]
    for t in inner:
        if t == ",":
            elements.append([])
        else:
            elements[-1].append(t)
    whitespace, sorted_order, rules = "normalized", False, []
    for el in elements:
        if not el:
            continue
        if len(el) == 3 and el[1] == ":=":
            if el[0] == "whitespace":
                whitespace = el[2]
            elif el[0] == "ordering":
                sorted_order = el[2] == "sorted"
            continue
        action, sev = (el[0], el[1]) if len(el) == 2 else ("check", el[0])
        rules.append((action, sev))
    return GuardSpec(whitespace, sorted_order, tuple(rules))


def docstring_text(doc: str) -> str:
    """The text of a `/-- … -/` comment, trimmed, with Lean's `⏎` end-of-line markers removed."""
    doc = doc.strip()
    if doc.startswith("/--"):
        doc = doc[3:]
    if doc.endswith("-/"):
        doc = doc[:-2]
    return doc.strip().replace("⏎\n", "\n")


def message_text(msg: Message) -> str:
    """A message as `#guard_msgs` prints it: without position, ending in a newline."""
    text = msg.text
    if not text.startswith("\n"):
        text = " " + text
    text = SEVERITY_WORD.get(msg.severity, msg.severity) + ":" + text
    if not text.endswith("\n"):
        text += "\n"
    return text


def _apply_whitespace(mode: str, s: str) -> str:
    if mode == "exact":
        return s
    if mode == "lax":
        return " ".join(s.split())
    return s.replace("\n", " ")


def compare(expected: str, produced: list[Message], spec: GuardSpec) -> GuardVerdict:
    checked, passed = [], []
    for m in produced:
        action = spec.action_for(m)
        if action == "check":
            checked.append(m)
        elif action == "pass":
            passed.append(m)
    strings = [message_text(m) for m in checked]
    if spec.sorted_order:
        strings.sort()
    res = "---\n".join(strings).strip()
    if _apply_whitespace(spec.whitespace, expected) == _apply_whitespace(spec.whitespace, res):
        return GuardVerdict(True, tuple(passed), produced_text=res)
    return GuardVerdict(False, failure_text="❌️ Docstring on `#guard_msgs` does not match generated message:\n\n" + res,
                        produced_text=res)
