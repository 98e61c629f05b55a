"""forkpool.fork_map: ``map`` in forked workers, in order, errors raised, workers always reaped."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest

from seed_kickoff import forkpool
from seed_kickoff.forkpool import WorkerDied, fork_map

pytestmark = pytest.mark.skipif(not forkpool.usable(), reason="fork_map is for Linux")

_SETTING: list[int] = []


def square(n: int) -> int:
    return n * n + sum(_SETTING)


def big(n: int) -> bytes:
    return bytes([n % 256]) * 300_000  # larger than a pipe holds: reads and writes interleave


def fails_at_seven(n: int) -> int:
    if n == 7:
        raise ValueError(f"task {n} refused")
    return n


def dies_at_five(n: int) -> int:
    if n == 5:
        os._exit(3)
    return n


def remember(value: int) -> None:
    _SETTING[:] = [value]


def cannot_start() -> None:
    raise OSError("the worker cannot open its cache")


def slow(n: int) -> int:
    time.sleep(30 if n == 1 else 0)
    return n


def interrupted_at_two(n: int) -> int:
    if n == 2:
        os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C reaches the whole process group
        time.sleep(0.1)
    return n


class Unloadable(Exception):
    """Pickles, but cannot be unpickled (its __init__ wants two arguments)."""

    def __init__(self, a: str, b: str) -> None:
        super().__init__(a)


def raises_unloadable(n: int) -> int:
    raise Unloadable("odd", "error")


def unpicklable(n: int) -> object:
    return lambda: n


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.mark.parametrize(("count", "jobs", "chunk"), [(0, 2, 4), (1, 3, 1), (50, 2, 3), (50, 8, 1)])
def test_results_come_in_task_order(count: int, jobs: int, chunk: int) -> None:
    tasks = list(range(count))
    assert list(fork_map(square, tasks, jobs, chunk)) == [n * n for n in tasks]
    assert no_children_left()


def test_each_worker_runs_the_initializer_and_the_parent_does_not() -> None:
    assert list(fork_map(square, [1, 2, 3], 2, 1, remember, (10,))) == [11, 14, 19]
    assert _SETTING == []


def test_results_larger_than_a_pipe_arrive_whole() -> None:
    results = list(fork_map(big, list(range(12)), 3, 2))
    assert [r[:1] for r in results] == [bytes([n]) for n in range(12)]
    assert all(len(r) == 300_000 for r in results)


def test_an_error_in_a_task_is_raised_when_its_result_is_due() -> None:
    got: list[int] = []
    with pytest.raises(ValueError, match="task 7 refused"):
        for n in fork_map(fails_at_seven, list(range(20)), 2, 2):
            got.append(n)
    first = next(chunk[0] for chunk in forkpool.chunked(20, 2, 2) if 7 in chunk)
    assert got == list(range(first))  # the results before its chunk came, in order
    assert no_children_left()


def test_a_worker_that_dies_is_reported_and_the_others_are_ended() -> None:
    with pytest.raises(WorkerDied, match="exit status 3"):
        list(fork_map(dies_at_five, list(range(40)), 2, 1))
    assert no_children_left()


def test_a_caller_that_stops_early_leaves_no_worker_behind() -> None:
    results: Iterator[bytes] = fork_map(big, list(range(40)), 2, 1)
    assert next(results)[:1] == b"\x00"
    results.close()  # (workers blocked writing results nobody reads are killed)
    assert no_children_left()


def test_chunks_cover_the_tasks_in_order_and_shrink_toward_the_end() -> None:
    chunks = forkpool.chunked(1000, 2, 32)
    assert [i for chunk in chunks for i in chunk] == list(range(1000))
    sizes = [len(chunk) for chunk in chunks]
    assert sizes[0] == 32 and max(sizes) == 32
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[-8:] == [1] * 8  # the end goes one task at a time
    assert forkpool.chunked(0, 2, 32) == []
    assert [len(c) for c in forkpool.chunked(5, 4, 32)] == [1] * 5


def test_a_worker_never_returns_into_the_callers_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever a worker raises before it serves (a Ctrl-C at the wrong moment, say), it ends
    there: only the parent goes on, and learns that the worker died."""
    parent = os.getpid()

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(forkpool, "_serve", interrupted)
    try:
        with pytest.raises(WorkerDied, match="exit status 1"):
            list(fork_map(square, [1, 2], 1, 1))
    finally:
        if os.getpid() != parent:  # a worker got here: end it, and the test fails in the parent
            os._exit(9)
    assert no_children_left()


def test_a_tasks_error_carries_the_workers_traceback() -> None:
    with pytest.raises(ValueError) as caught:
        list(fork_map(fails_at_seven, list(range(10)), 2, 1))
    cause = caught.value.__cause__
    assert isinstance(cause, forkpool.WorkerTraceback)
    assert "fails_at_seven" in str(cause) and "task 7 refused" in str(cause)


def test_an_initializer_that_fails_says_why() -> None:
    with pytest.raises(OSError, match="cannot open its cache"):
        list(fork_map(square, [1, 2, 3], 2, 1, cannot_start))
    assert no_children_left()


def test_errors_and_results_that_cannot_make_the_trip_are_named() -> None:
    with pytest.raises(RuntimeError, match="Unloadable"):
        list(fork_map(raises_unloadable, [1], 1, 1))
    with pytest.raises(Exception, match=r"lambda|pickle"):
        list(fork_map(unpicklable, [1, 2], 1, 1))
    assert no_children_left()


def test_a_busy_worker_is_killed_when_the_caller_stops() -> None:
    results = fork_map(slow, [0, 1, 2], 2, 1)
    assert next(results) == 0
    started = time.monotonic()
    results.close()  # task 1 sleeps for 30 s: its worker is killed, not waited for
    assert time.monotonic() - started < 10
    assert no_children_left()


def test_workers_leave_ctrl_c_to_the_parent() -> None:
    assert list(fork_map(interrupted_at_two, list(range(5)), 2, 1)) == list(range(5))


def test_no_descriptor_is_left_open_and_high_ones_are_fine() -> None:
    before = open_fds()
    list(fork_map(square, list(range(10)), 3, 1))
    with pytest.raises(ValueError):
        list(fork_map(fails_at_seven, list(range(10)), 3, 1))
    assert open_fds() == before
    held = [os.open("/dev/null", os.O_RDONLY) for _ in range(1100)]  # past select()'s 1023
    try:
        assert list(fork_map(square, list(range(6)), 2, 1)) == [n * n for n in range(6)]
    finally:
        for fd in held:
            os.close(fd)


def test_a_failed_fork_leaves_fewer_workers_and_no_descriptor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_fork = os.fork
    forks: list[int] = []

    def fork() -> int:
        forks.append(1)
        if len(forks) > 1:
            raise BlockingIOError("no more processes")
        return real_fork()

    before = open_fds()
    monkeypatch.setattr(os, "fork", fork)
    assert list(fork_map(square, list(range(8)), 3, 1)) == [n * n for n in range(8)]
    assert open_fds() == before
    monkeypatch.setattr(os, "fork", lambda: (_ for _ in ()).throw(BlockingIOError("none")))
    with pytest.raises(BlockingIOError):
        list(fork_map(square, [1], 2, 1))
    assert open_fds() == before


def test_not_usable_while_another_thread_runs() -> None:
    import threading

    assert forkpool.usable()
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not forkpool.usable()
    finally:
        stop.set()
        thread.join()
    assert forkpool.usable()
