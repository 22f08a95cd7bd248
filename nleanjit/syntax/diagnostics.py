"""Diagnostics as values: a position and a message, formatted the way Lean prints them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Diagnostic:
    file: str
    line: int  # 1-based
    col: int  # 0-based, in code points
    severity: str  # "error" | "warning" | "info"
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.severity}: {self.message}"

    def to_json(self) -> dict:
        return {"file": self.file, "line": self.line, "col": self.col, "severity": self.severity, "message": self.message}
