"""The runtime's object model, strings, closures, tasks and IO, exercised by
small C programs (tests/runtime/c/*.c) linked against the cached runtime.

Each program prints `key value` lines; the tests assert them, in the release
build and in the debug build, where the live-object count must end at 0.
"""
from __future__ import annotations

import os
import signal

import pytest

VARIANTS = ["release", "debug"]


def facts(stdout: str) -> dict[str, str]:
    out = {}
    for line in stdout.splitlines():
        key, _, value = line.partition(" ")
        out[key] = value
    return out


def expected_live(variant: str) -> str:
    return "0" if variant == "debug" else "-1"


@pytest.mark.parametrize("variant", VARIANTS)
def test_reference_counting_and_in_place_arrays(c_programs, run_program, variant):
    proc = run_program(c_programs.get("rc_arrays", variant))
    assert proc.returncode == 0, proc.stderr
    f = facts(proc.stdout)
    assert f["push_unique_in_place"] == "1"
    assert f["push_shared_copies"] == "1"
    assert f["shared_sizes"] == "2 3"  # the shared original is unchanged
    assert f["rc_after_copy"] == "1 1"
    assert f["set_unique_in_place"] == "1" and f["set_shared_copies"] == "1"
    assert f["contents"] == "10 2 3 | 10 20 3"
    assert f["grow_sum"] == f"1000 {sum(i * i for i in range(1000))}"
    assert f["pop_swap"] == f"999 {998 * 998} 0"
    assert f["get_oob_default"] == "77" and f["set_oob_size"] == "999"
    assert f["element_rc"] == "4" and f["element_rc_after_free"] == "1"
    assert f["list_round_trip"] == "5 10"
    assert f["mk_array_rc"] == "4"
    assert f["extract"] == "3 100" and f["append"] == "7 x"
    assert f["bytes"] == f"300 200 {299 % 256} 1"
    assert f["bytes_shared"] == "0 9 1"
    assert f["floats"] == "10 3.25 4.50"
    assert f["ctor"] == "3 1 2.5 123456 7 field"
    assert f["boxing"] == f"{2**64 - 1} -0.125 5"
    assert f["long_list_freed"] == "1"
    assert f["mt_rc"] == "-1 -1"  # marked multi-threaded, children too
    assert f["mt_inc"] == "-2 0"  # counted atomically, never exclusive
    assert f["persistent_rc"] == "0"
    assert f["live"] == expected_live(variant)
    # Lean's message for get!/set! out of bounds, printed once each
    assert proc.stderr == "Error: index out of bounds\n" * 2


@pytest.mark.parametrize("variant", VARIANTS)
def test_utf8_strings(c_programs, run_program, variant):
    proc = run_program(c_programs.get("strings", variant))
    assert proc.returncode == 0, proc.stderr
    f = facts(proc.stdout)
    text = "héllo wörld 🎉!"
    assert f["sizes"] == f"{len(text.encode())} {len(text)}"
    walk, pos = [], 0
    for ch in text:
        walk.append(f"{pos}:{ord(ch)}")
        pos += len(ch.encode())
    assert f["walk"] == " ".join(walk)
    assert f["get_mid_char"] == f"{ord('A')} 3"  # not a char boundary: default char
    assert f["get_past_end"] == f"{ord('A')} 101"
    assert f["prev"] == "0 1 18 14"
    assert f["get_char_by_index"] == f"{ord('é')} {ord('🎉')} {ord('A')}"
    assert f["codepoint_to_pos"] == "14 19"
    assert f["extract"] == "[éllo]"
    assert f["extract_mid_end"] == "[hé]"  # end inside 'é' extends to the boundary
    assert f["extract_bad_start"] == "[]"
    assert f["push"] == "50 100"
    assert f["append_unique"] == f"1 {51 + len(text)}"
    assert f["push_shared_copies"] == f"1 {51 + len(text)} {52 + len(text)}"
    assert f["append_self"] == "[abéabé]"
    assert f["set"] == "[a€c] 3 5"
    assert f["cmp"] == "1 1 0 1 1 0"
    assert f["hash"] == " ".join(str(murmur64a(s.encode())) for s in ("abc", text, "ab"))
    assert f["list_round_trip"] == f"[{text}]"
    assert f["invalid_bytes"] == "[a\ufffdb\ufffd]"
    assert f["singleton"] == "[𐍈]"
    assert f["nat_repr"] == "[123456789012345678901234567890]"
    assert f["nat_small"] == "[0]" and f["int_repr"] == "[-42]"
    assert f["float"] == "[3.140000]" and f["float_big"] == "[100000000000000000000.000000]"
    assert f["float_special"] == "[NaN]" and f["float_inf"] == "[-inf]"
    assert f["of_scientific"] == "1.5 1.5e+301"
    assert f["live"] == expected_live(variant)


def murmur64a(data: bytes, seed: int = 11) -> int:
    """MurmurHash64A, the reference for nl_string_hash."""
    m, mask = 0xC6A4A7935BD1E995, 2**64 - 1
    h = (seed ^ (len(data) * m)) & mask
    whole = len(data) // 8
    for i in range(whole):
        k = int.from_bytes(data[8 * i : 8 * i + 8], "little")
        k = (k * m) & mask
        k ^= k >> 47
        k = (k * m) & mask
        h = ((h ^ k) * m) & mask
    tail = data[8 * whole :]
    if tail:
        for i, b in enumerate(tail):
            h ^= b << (8 * i)
        h = (h * m) & mask
    h ^= h >> 47
    h = (h * m) & mask
    return h ^ (h >> 47)


@pytest.mark.parametrize("variant", VARIANTS)
def test_closures_thunks_refs(c_programs, run_program, variant):
    proc = run_program(c_programs.get("closures", variant))
    assert proc.returncode == 0, proc.stderr
    f = facts(proc.stdout)
    assert f["partial"] == "3 1"
    assert f["apply"] == "6 31"
    assert f["shared_closure"] == "pre-one pre-two"
    assert f["over_application"] == "12"
    assert f["arity20"] == str(sum(range(1, 21)))
    assert f["bignum_args"] == str(10**23 + 3)
    assert f["thunk"] == "144 144 1"  # evaluated once
    assert f["thunk_pure"] == "ready 2"
    assert f["ref"] == "hello 1 3"
    assert f["live"] == expected_live(variant)


@pytest.mark.parametrize("variant", VARIANTS)
def test_tasks_on_threads(c_programs, run_program, variant):
    exe = c_programs.get("tasks", variant)
    for _ in range(3):  # a few runs to shake out races
        proc = run_program(exe)
        assert proc.returncode == 0, proc.stderr
        f = facts(proc.stdout)
        assert f["array_is_mt"] == "1"
        assert f["parallel_sum"] == str(sum(range(200000)))
        assert f["nested_fib"] == "610"
        assert f["map_bind"] == "value=40"
        assert f["live"] == expected_live(variant)


@pytest.mark.parametrize("variant", VARIANTS)
def test_main_args_and_exit_code(c_programs, run_program, variant):
    proc = run_program(c_programs.get("io_main", variant), "time", "a", "b c", env={"NL_REPORT_LIVE": "1"})
    assert proc.returncode == 3  # main : IO UInt32 returned the argument count
    assert proc.stdout.splitlines() == ["arg: time", "arg: a", "arg: b c", "time 1", "getArgs time"]
    assert proc.stderr == f"live {expected_live(variant)}\n"


def test_main_without_args_exits_zero_args(c_programs, run_program):
    proc = run_program(c_programs.get("io_main", "debug"), env={"NL_REPORT_LIVE": "1"})
    assert proc.returncode == 0 and proc.stdout == "" and proc.stderr == "live 0\n"


@pytest.mark.parametrize("variant", VARIANTS)
def test_stdin_lines(c_programs, run_program, variant):
    proc = run_program(c_programs.get("io_main", variant), "echo", stdin="hello\nwörld\nlast without newline",
                       env={"NL_REPORT_LIVE": "1"})
    assert proc.stdout == "arg: echo\n1: hello\n2: wörld\n3: last without newline"
    assert proc.returncode == 1
    assert proc.stderr == f"live {expected_live(variant)}\n"


def test_files(c_programs, run_program, tmp_path):
    path = tmp_path / "out.txt"
    proc = run_program(c_programs.get("io_main", "debug"), "files", str(path), env={"NL_REPORT_LIVE": "1"})
    content = "line one\nzwei ü\n"
    assert proc.returncode == 2
    assert proc.stdout.splitlines() == [
        "arg: files", f"arg: {path}", str(2 * len(content)), *(content * 2).splitlines(),
        "exists 1", f"bytes {2 * len(content.encode())}",
        # the prelude's `IO.Error.otherError code details` (no file name kept)
        "error [no such file or directory (error code: 2)] 1",
        "dir_error [inappropriate type (error code: 21)]",
    ]
    assert not path.exists()  # removed by the program
    assert proc.stderr == "live 0\n"


def test_uncaught_user_error(c_programs, run_program):
    proc = run_program(c_programs.get("io_main", "debug"), "fail", env={"NL_REPORT_LIVE": "1"})
    assert proc.returncode == 1
    assert proc.stdout == "arg: fail\n"
    assert proc.stderr == "uncaught exception: boom: something went wrong\nlive 0\n"


def test_uncaught_io_error(c_programs, run_program, tmp_path):
    missing = tmp_path / "missing.txt"
    proc = run_program(c_programs.get("io_main", "release"), "missing", str(missing))
    assert proc.returncode == 1
    assert proc.stderr == "uncaught exception: no such file or directory (error code: 2)\n"


def test_process_exit_flushes_stdout(c_programs, run_program):
    proc = run_program(c_programs.get("io_main", "release"), "exit7")
    assert proc.returncode == 7
    assert proc.stdout == "arg: exit7\nbefore exit\n"


def test_panic_prints_lean_message_and_continues(c_programs, run_program):
    proc = run_program(c_programs.get("io_main", "debug"), "panic", env={"NL_REPORT_LIVE": "1"})
    assert proc.returncode == 1
    assert proc.stdout == "arg: panic\nafter panic 5\nafter oob 9\n"
    assert proc.stderr == (
        "PANIC at Main.pred Main:3:14: No pred for 0\nError: index out of bounds\nlive 0\n"
    )


def test_abort_on_panic(c_programs, run_program):
    proc = run_program(c_programs.get("io_main", "release"), "panic", env={"LEAN_ABORT_ON_PANIC": "1"})
    assert proc.returncode == -6  # SIGABRT, as Lean
    assert proc.stdout == "arg: panic\n"  # stdout flushed before aborting
    assert proc.stderr.startswith("PANIC at Main.pred Main:3:14: No pred for 0\n")


def _eight_mb_stack():
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    resource.setrlimit(resource.RLIMIT_STACK, (8 << 20 if hard == resource.RLIM_INFINITY else min(8 << 20, hard), hard))


def test_main_runs_on_a_big_stack_and_reports_overflow(c_programs):
    """`nl_main` runs `main` on a 1 GiB-stack thread: 10^6 frames of ~100 bytes fit under an
    8 MB process stack; without the thread (NL_MAIN_STACK_MB=0) they do not; endless
    recursion ends with Lean's message and an abort."""
    import subprocess

    exe = str(c_programs.get("stack_main", "release"))

    def go(*args, env=None):
        return subprocess.run([exe, *args], capture_output=True, text=True, timeout=120,
                              preexec_fn=_eight_mb_stack, env={**os.environ, **(env or {})})
    ok = go("deep", "1000000")
    assert (ok.returncode, ok.stdout) == (0, "1000000\n")
    assert go("deep", "1000000", env={"NL_MAIN_STACK_MB": "0"}).returncode == -signal.SIGSEGV
    over = go("overflow", env={"NL_MAIN_STACK_MB": "16"})
    assert over.returncode == -signal.SIGABRT
    assert over.stderr == "Stack overflow detected. Aborting.\n"


@pytest.mark.parametrize("variant", VARIANTS)
def test_sleep_and_random_bytes(c_programs, run_program, variant):
    proc = run_program(c_programs.get("io_main", variant), "sleep_random", env={"NL_REPORT_LIVE": "1"})
    assert proc.returncode == 1, proc.stderr  # one argument
    f = facts(proc.stdout)
    assert f["slept_ms_at_least_30"] == "1" and f["ms_monotonic"] == "1"
    assert f["random_sizes"] == "64 64 1"  # ByteArrays: element size 1
    assert f["random_differ"] == "1 1"
    assert f["random_empty"] == "0"
    assert f"live {expected_live(variant)}" in proc.stderr
