"""nleanjit: a Lean 4 compiler in Python (lexer, parser, elaborator, kernel, native code)."""

__version__ = "0.1.0"
