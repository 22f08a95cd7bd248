"""The lossless concrete syntax tree: `Node`s whose leaves are lexer `Token`s.

Every token of the file appears exactly once, in order, as a leaf; so printing
the leaves (`leading + text` each) gives back the source byte for byte. Node
kinds are short names of Lean syntax kinds (`def`, `app`, `binop`, `match`...).
Walks are iterative: deeply nested input must not overflow Python's stack.
"""

from __future__ import annotations

from nleanjit.syntax.tokens import Token


class Node:
    __slots__ = ("kind", "children")

    def __init__(self, kind: str, children: list):
        self.kind = kind
        self.children = children  # list[Node | Token]

    def tokens(self):
        """The leaves in source order."""
        stack = [iter(self.children)]
        while stack:
            for child in stack[-1]:
                if type(child) is Node:
                    stack.append(iter(child.children))
                    break
                yield child
            else:
                stack.pop()

    def first_token(self) -> Token | None:
        for tok in self.tokens():
            return tok
        return None

    def to_source(self) -> str:
        return "".join([t.leading + t.text for t in self.tokens()])

    def to_json(self) -> dict:
        """A JSON-able dict: nodes `{"kind", "children"}`, tokens `{"token", "text", "leading", "line", "col"}`."""
        root: dict = {"kind": self.kind, "children": []}
        stack = [(iter(self.children), root["children"])]
        while stack:
            it, out = stack[-1]
            for child in it:
                if type(child) is Node:
                    d = {"kind": child.kind, "children": []}
                    out.append(d)
                    stack.append((iter(child.children), d["children"]))
                    break
                out.append(
                    {"token": child.kind, "text": child.text, "leading": child.leading, "line": child.line, "col": child.col}
                )
            else:
                stack.pop()
        return root

    def pretty(self) -> str:
        """An indented outline of the tree (kinds and token texts), for debugging and golden tests."""
        lines: list[str] = []
        stack: list[tuple[object, int]] = [(self, 0)]
        while stack:
            item, depth = stack.pop()
            pad = "  " * depth
            if type(item) is Node:
                lines.append(f"{pad}{item.kind}")
                stack.extend((c, depth + 1) for c in reversed(item.children))
            else:
                lines.append(f"{pad}{item.kind} {item.text!r}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Node({self.kind}, {len(self.children)} children)"
