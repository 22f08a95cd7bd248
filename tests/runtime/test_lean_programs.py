"""Small Lean programs compiled to executables with `nleanjit compile` and
run in a subprocess: the runtime's behaviour as a compiled program sees it
(big arrays, allocation failure, stack limits, time and randomness externs).

Each program lives in tests/runtime/lean/<name>.lean; executables are built
once per session.
"""
from __future__ import annotations

import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

LEAN_DIR = Path(__file__).parent / "lean"
CLI = "import sys; from nleanjit.cli import main; sys.exit(main(sys.argv[1:]))"


@pytest.fixture(scope="session")
def lean_exe(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("runtime-lean")
    built: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in built:
            exe = out_dir / name
            proc = subprocess.run(
                [sys.executable, "-c", CLI, "compile", str(LEAN_DIR / f"{name}.lean"), "-o", str(exe)],
                capture_output=True, text=True, timeout=300)
            assert proc.returncode == 0, proc.stdout + proc.stderr
            built[name] = exe
        return built[name]

    return get


def run_exe(exe: Path, *args: str, address_space: int | None = None, timeout: float = 60):
    """Runs `exe`; with `address_space` (bytes) under that RLIMIT_AS."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=timeout,
                          preexec_fn=limit if address_space else None)


def test_a_million_pushes_grow_the_array(lean_exe):
    n = 1_000_000
    proc = run_exe(lean_exe("array_push_loop"), str(n))
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout == f"{n} {n * (n + 1) // 2}\n"


def test_pushing_past_the_address_space_is_out_of_memory(lean_exe):
    # 10^8 pointers need 800 MB (1.6 GB while the array is copied to grow).
    proc = run_exe(lean_exe("array_push_loop"), str(10 ** 8), address_space=300 << 20)
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert proc.stderr == "INTERNAL PANIC: out of memory\n"


def test_huge_mk_array_is_out_of_memory_not_a_wrapped_size(lean_exe):
    # 2^61 pointers: the byte count overflows 64 bits.
    proc = run_exe(lean_exe("array_mk_huge"), str(2 ** 61))
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert proc.stderr == "INTERNAL PANIC: out of memory\n"


def test_main_gets_a_smaller_stack_under_a_low_address_space_limit(lean_exe):
    # The default 1 GiB stack cannot be reserved in 400 MB; main still runs
    # on a big thread stack, so non-tail recursion 10^5 deep succeeds.
    proc = run_exe(lean_exe("array_push_for"), str(10 ** 5), address_space=400 << 20)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "100000\n", "")


def test_stack_overflow_under_a_low_address_space_limit_is_reported(lean_exe):
    proc = run_exe(lean_exe("array_push_for"), str(10 ** 7), address_space=400 << 20)
    assert proc.returncode == -signal.SIGABRT, (proc.returncode, proc.stderr)
    assert proc.stderr == "Stack overflow detected. Aborting.\n"


def lean_qsort(items, lt, low=0, high=None):
    """Lean's classic `Array.qsort`, step by step: median of three at `hi`,
    Lomuto partition, sort `[lo, mid]` then `[mid+1, hi]`."""
    a = list(items)
    if not a:
        return a
    last = len(a) - 1
    low, high = min(low, last), min(last if high is None else high, last)

    def swap(i, j):
        a[i], a[j] = a[j], a[i]

    def partition(lo, hi):
        mid = (lo + hi) // 2
        if lt(a[mid], a[lo]):
            swap(lo, mid)
        if lt(a[hi], a[lo]):
            swap(lo, hi)
        if lt(a[mid], a[hi]):
            swap(mid, hi)
        pivot, i = a[hi], lo
        for j in range(lo, hi):
            if lt(a[j], pivot):
                swap(i, j)
                i += 1
        swap(i, hi)
        return i

    def sort(lo, hi):
        if lo < hi:
            mid = partition(lo, hi)
            if mid < hi:
                sort(lo, mid)
                sort(mid + 1, hi)

    sort(low, high)
    return a


def test_qsort_makes_leans_comparisons_and_swaps(lean_exe):
    xs = [5, 3, 9, 1, 1, 7, 2, 8, 0, 4, 6, 3, 12, 10, 11, 2, 5, 13, 7, 0]
    cases = [
        lean_qsort(xs, lambda a, b: a < b),
        lean_qsort(xs, lambda a, b: a > b),
        lean_qsort(xs, lambda a, b: a <= b),
        lean_qsort(xs, lambda a, b: a != b),
        lean_qsort(xs, lambda a, b: a % 3 < b % 3),
        lean_qsort(xs, lambda a, b: (a + b) % 2 == 0),
        lean_qsort(xs, lambda a, b: a < b, 3, 11),
        lean_qsort(xs, lambda a, b: a < b, 15, 100),
        lean_qsort([1, 2], lambda a, b: a != b),
        [],
    ]
    assert cases[-2] == [1, 2]  # compile/qsortBadLt of the corpus
    expected = "".join("#[" + ", ".join(map(str, c)) + "]\n" for c in cases)
    proc = run_exe(lean_exe("qsort"))
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout == expected


def std_next(g):
    """Lean's `stdNext` in Int arithmetic, as its source writes it."""
    s1, s2 = g
    k = s1 // 53668
    s1 = 40014 * (s1 - k * 53668) - k * 12211
    s1 = s1 + 2147483563 if s1 < 0 else s1
    k = s2 // 52774
    s2 = 40692 * (s2 - k * 52774) - k * 3791
    s2 = s2 + 2147483399 if s2 < 0 else s2
    z = s1 - s2
    return (z + 2147483562 if z < 1 else z % 2147483562), (s1, s2)


def mk_std_gen(s):
    return s % 2147483562 + 1, (s // 2147483562) % 2147483398 + 1


def rand_nat(g, lo, hi):
    lo, hi = min(lo, hi), max(lo, hi)
    k = hi - lo + 1
    remaining, v = k * 1000, 0
    while remaining:
        x, g = std_next(g)
        v = v * 2147483562 + (x - 1)
        remaining = max(remaining // 2147483562 - 1, 0)
    return lo + v % k, g


def test_seeded_rand_draws_leans_std_gen_sequence(lean_exe):
    g, xs = mk_std_gen(42), []
    for _ in range(8):
        x, g = rand_nat(g, 0, 100)
        xs.append(x)
    backwards, g = rand_nat(g, 9, 3)
    expected = [
        "#[" + ", ".join(map(str, xs)) + "]",
        str(backwards),
        str(rand_nat(mk_std_gen(7), 10, 10 ** 12)[0]),
        str(std_next(mk_std_gen(123456789012345))[0]),
        "5",
    ]
    proc = run_exe(lean_exe("rand_seeded"))
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.splitlines() == expected


def test_sleep_waits_and_random_bytes_and_rand_stay_in_range(lean_exe):
    # IO.sleep 50 lets at least 50 ms pass on the monotonic clock; getRandomBytes 16 gives 16
    # bytes; IO.rand 3 7 stays within [3, 7]
    proc = run_exe(lean_exe("sleep_random"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "true 16\ntrue\n"
