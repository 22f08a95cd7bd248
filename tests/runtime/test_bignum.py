"""Nat/Int arithmetic of the runtime checked against Python's integers.

A small C driver (c/bignum_driver.c) reads `op a b` lines and prints one
result per line, so one process checks a whole batch.  Both the GMP build
and our own limb kernels (schoolbook multiplication, Knuth division) run the
same cases; the debug build also checks that every temporary was freed.
"""
from __future__ import annotations

import math
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

NAT_OPS = ["add", "sub", "mul", "div", "mod", "gcd", "land", "lor", "xor"]
INT_OPS = ["iadd", "isub", "imul", "itdiv", "itmod", "iediv", "iemod", "ifdiv", "ifmod", "iland", "ilor", "ixor"]


def tdiv(a: int, b: int) -> int:
    if b == 0:
        return 0
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def expected(op: str, a: int, b: int) -> str:
    if op == "add": return str(a + b)
    if op == "sub": return str(max(0, a - b))
    if op == "mul": return str(a * b)
    if op == "div": return str(a // b if b else 0)
    if op == "mod": return str(a % b if b else a)
    if op == "pow": return str(a**b)
    if op == "gcd": return str(math.gcd(a, b))
    if op in ("land", "iland"): return str(a & b)
    if op in ("lor", "ilor"): return str(a | b)
    if op in ("xor", "ixor"): return str(a ^ b)
    if op == "shl": return str(a << b)
    if op == "shr": return str(a >> b)
    if op == "iadd": return str(a + b)
    if op == "isub": return str(a - b)
    if op == "imul": return str(a * b)
    if op == "itdiv": return str(tdiv(a, b))
    if op == "itmod": return str(a - b * tdiv(a, b))
    if op == "iemod": return str(a % abs(b) if b else a)
    if op == "iediv": return str((a - a % abs(b)) // b if b else 0)
    if op == "ifdiv": return str(a // b if b else 0)
    if op == "ifmod": return str(a % b if b else a)
    if op == "ipow": return str(a**b)
    if op == "ishr": return str(a >> b)
    if op == "ishl": return str(a << b)
    if op in ("cmp", "icmp"): return f"{int(a == b)} {int(a < b)} {int(a <= b)}"
    raise AssertionError(op)


def as_float(n: int) -> float:
    try:
        return float(n)
    except OverflowError:
        return math.inf


# Values near the scalar/bignum boundaries (2^62 for Int, 2^63 for Nat) and
# limb boundaries, plus all-ones limbs that stress Knuth's qhat correction.
EDGES = sorted(
    {0, 1, 2, 3, 7, 10}
    | {2**k + d for k in (31, 32, 62, 63, 64, 65, 127, 128, 192, 256) for d in (-1, 0, 1)}
    | {2 ** (64 * k) - 1 for k in (1, 2, 3, 5)}
    | {(2**64 - 1) * 2 ** (64 * k) for k in (1, 2)}
    | {10**19, 10**38, 10**40 + 12345}
)

nats = st.one_of(
    st.sampled_from(EDGES),
    st.integers(0, 2**64),
    st.integers(0, 2**200),
    st.integers(0, 2**1100),
)
ints = st.builds(lambda n, neg: -n if neg else n, nats, st.booleans())


def batch_cases():
    nat_case = st.tuples(st.sampled_from(NAT_OPS + ["cmp"]), nats, nats)
    int_case = st.tuples(st.sampled_from(INT_OPS + ["icmp"]), ints, ints)
    shift_case = st.tuples(st.sampled_from(["shl", "shr", "ishr", "ishl"]), ints, st.integers(0, 300)).map(
        lambda t: (t[0], abs(t[1]) if t[0] in ("shl", "shr") else t[1], t[2])
    )
    pow_case = st.tuples(st.sampled_from(["pow", "ipow"]), ints, st.integers(0, 40)).map(
        lambda t: (t[0], abs(t[1]) % 2**130 if t[0] == "pow" else t[1] % 2**130 - 2**129, t[2])
    )
    return st.lists(st.one_of(nat_case, int_case, shift_case, pow_case), min_size=40, max_size=120)


def run_batch(exe, run_program, cases):
    text = "".join(f"{op} {a} {b}\n" for op, a, b in cases)
    proc = run_program(exe, stdin=text)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == len(cases) + 1, proc.stdout[-2000:]
    for (op, a, b), got in zip(cases, lines):
        assert got == expected(op, a, b), f"{op} {a} {b}"
    return lines[-1]


@pytest.mark.parametrize("gmp", ["auto", "off"])
def test_boundary_values_all_ops(c_programs, run_program, gmp):
    exe = c_programs.get("bignum_driver", "debug", gmp)
    cases = [(op, a, b) for op in NAT_OPS + ["cmp"] for a in EDGES for b in EDGES[::3]]
    cases += [(op, s * a, t * b) for op in INT_OPS + ["icmp"] for a in EDGES[::2] for b in EDGES[::4]
              for s in (1, -1) for t in (1, -1)]
    assert run_batch(exe, run_program, cases) == "live 0"


@pytest.mark.parametrize("gmp", ["auto", "off"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=batch_cases())
def test_random_against_python(c_programs, run_program, gmp, cases):
    exe = c_programs.get("bignum_driver", "release", gmp)
    assert run_batch(exe, run_program, cases) == "live -1"


def test_knuth_division_hard_cases(c_programs, run_program):
    """Quotient digits where qhat needs the add-back step (own kernels)."""
    exe = c_programs.get("bignum_driver", "debug", "off")
    b = 2**128 - 2**64 + 1  # normalised top limb all ones, low limbs force corrections
    cases = []
    for k in range(1, 40):
        a = (2 ** (64 * (k % 6 + 2)) - 1) * (k + 1) + k
        cases += [("div", a, b), ("mod", a, b), ("div", a * b - 1, b), ("mod", a * b - 1, b)]
        cases += [("div", a, 2**64 + k), ("mod", a, 2 ** (64 * 2) + k)]
    assert run_batch(exe, run_program, cases) == "live 0"


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(ints, min_size=20, max_size=60))
def test_unary_conversions(c_programs, run_program, values):
    """natAbs, toNat, neg, log2, Float.ofNat, sign, ofNat, negSucc, wrapping casts."""
    exe = c_programs.get("bignum_driver", "debug", "auto")
    proc = run_program(exe, stdin="".join(f"misc {v} 0\n" for v in values))
    lines = proc.stdout.splitlines()
    assert lines[-1] == "live 0"
    for v, line in zip(values, lines):
        f = line.split()
        n = abs(v)
        assert f[0] == str(n) and f[1] == str(max(v, 0)) and f[2] == str(-v)
        assert f[3] == str(n.bit_length() - 1 if n else 0)
        assert float(f[4]) == as_float(n)
        assert int(f[5]) == (v > 0) - (v < 0)
        assert f[6] == str(n) and f[7] == str(-(n + 1))
        assert int(f[8]) == n % 2**64
        wrapped = v % 2**64
        assert int(f[9]) == (wrapped - 2**64 if wrapped >= 2**63 else wrapped)


def test_decimal_round_trip_of_huge_numbers(c_programs, run_program):
    """toString/ofString of numbers with thousands of digits."""
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        check_huge_numbers(c_programs, run_program)
    finally:
        sys.set_int_max_str_digits(limit)


def check_huge_numbers(c_programs, run_program):
    exe = c_programs.get("bignum_driver", "release", "off")
    big = 7**5000
    cases = [("add", big, 0), ("iadd", -big, 0), ("mul", 10**3000 + 1, 10**3000 - 1), ("div", big, 3**4000)]
    run_batch(exe, run_program, cases)


def test_malformed_numbers_are_rejected(c_programs, run_program):
    exe = c_programs.get("bignum_driver", "release")
    proc = run_program(exe, stdin="add 12x 1\nadd - 1\niadd -- 2\n")
    assert proc.stdout.splitlines()[:3] == ["parse error"] * 3
