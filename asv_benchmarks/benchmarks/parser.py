"""Parser throughput over the Lean corpus, the figure the syntax issue targets.

In: every file of the corpus (`$NLEANJIT_CORPUS`, else ../shared/lean4-corpus
next to the repository), read as `parse_file` reads it. Out: seconds to lex and
to parse the whole corpus (`time_*`) and lines per second (`track_*`, best of
three passes so a busy neighbour on the machine costs less).
"""

import time

from nleanjit.conformance import default_corpus, load_corpus, read_entry_bytes


def load_sources():
    entries = load_corpus(default_corpus())
    return [read_entry_bytes(e).decode("utf-8", errors="surrogateescape") for e in entries]


def count_lines(sources):
    return sum(len(s.splitlines()) for s in sources)


def best_seconds(fn, sources, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for s in sources:
            fn(s)
        best = min(best, time.perf_counter() - start)
    return best


class CorpusThroughput:
    timeout = 600
    # One pass over the corpus takes seconds; asv's default of many samples
    # would make a full run long on a shared 2-core machine.
    repeat = (1, 5, 60.0)
    number = 1

    def setup(self):
        from nleanjit.syntax import lex, parse_source

        self.lex, self.parse = lex, parse_source
        self.sources = load_sources()
        self.lines = count_lines(self.sources)

    def time_lex_corpus(self):
        for s in self.sources:
            self.lex(s)

    def time_parse_corpus(self):
        for s in self.sources:
            self.parse(s)

    def track_lex_lines_per_second(self):
        return self.lines / best_seconds(self.lex, self.sources)

    track_lex_lines_per_second.unit = "lines/s"

    def track_parse_lines_per_second(self):
        return self.lines / best_seconds(self.parse, self.sources)

    track_parse_lines_per_second.unit = "lines/s"
