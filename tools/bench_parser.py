"""Lexer and parser throughput over a Lean corpus, in lines per second.

    python tools/bench_parser.py [--corpus DIR] [--repeat N] [--kind KIND]

Prints lines/s for lexing alone and for lexing + parsing (`parse_source`), the
best of N passes over every corpus file (the corpus as the conformance harness
reads it: MANIFEST.tsv, else every .lean file). asv keeps the history
(asv_benchmarks/benchmarks/parser.py); this is the quick look.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nleanjit.conformance import ConformanceError, default_corpus, load_corpus, read_entry_bytes  # noqa: E402


def best_of(fn, sources: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        for s in sources:
            fn(s)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_parser", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=None, help=f"corpus folder (default: {default_corpus()})")
    parser.add_argument("--repeat", type=int, default=5, help="passes over the corpus; the best counts (default 5)")
    parser.add_argument("--kind", action="append", dest="kinds", help="only files of this kind (repeatable)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    try:
        entries = load_corpus(args.corpus or default_corpus())
        entries = [e for e in entries if args.kinds is None or e.kind in args.kinds]
        sources = [read_entry_bytes(e).decode("utf-8", errors="surrogateescape") for e in entries]
    except (ConformanceError, OSError) as e:
        print(f"bench_parser: error: {e}", file=sys.stderr)
        return 2
    if not sources:
        print("bench_parser: error: no files to benchmark", file=sys.stderr)
        return 2
    from nleanjit.syntax import lex, parse_source

    lines = sum(len(s.splitlines()) for s in sources)
    chars = sum(len(s) for s in sources)
    print(f"{len(sources)} files, {lines} lines, {chars} characters; best of {args.repeat}")
    for label, fn in (("lex", lex), ("lex+parse", parse_source)):
        seconds = best_of(fn, sources, args.repeat)
        print(f"{label:<10} {seconds:8.3f} s  {lines / seconds:12,.0f} lines/s  {chars / seconds / 1e6:6.2f} M chars/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
