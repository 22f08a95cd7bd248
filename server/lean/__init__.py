"""The Lean service: check, run and prove Lean from the server (docs/LEAN_API.md).

Stages, one module each: ``config`` (settings) → ``checker`` (inside a worker:
snippet → REPL response, header and environment caching) → ``worker`` (the
process around it, RLIMIT_AS) → ``pool`` (warm workers, timeouts that kill,
bounded queue, cancellation) → ``service`` (Kimina/REPL/run answers, REPL
sessions) → ``prove`` (tactic portfolio and model attempts); ``sandbox`` and
``compile`` serve ``/v1/lean/run``; ``metrics`` and ``schemas`` are the edge.
"""
