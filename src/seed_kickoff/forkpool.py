"""``map`` over forked worker processes, results in task order: what kickoff needs of
``ProcessPoolExecutor.map``, without it.

The executor costs a large run 40-60 ms before and after the work: importing
``concurrent.futures.process`` and ``multiprocessing`` (about 30 ms), and starting and stopping its
feeder and manager threads. Here the tasks are in the workers' memory when they are forked, so the
parent only sends each worker the number of its next chunk (4 bytes down a pipe) and reads back
the chunk's results, pickled; two chunks are in flight per worker, so none waits for the parent.

Linux only (``usable``): elsewhere fork is missing or unsafe (macOS), and the caller uses the
executor. A worker never returns into the caller's code: it ends with ``os._exit``, running no
exit handler of the parent's and flushing none of its buffers.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

try:  # pickle's own functions, without pickle.py's pure-Python twin of them to import first
    from _pickle import dumps, loads
except ImportError:  # a Python without the C module
    from pickle import dumps, loads

T = TypeVar("T")
R = TypeVar("R")

_STOP = 0xFFFFFFFF  # the chunk number that tells a worker to end
_IN_FLIGHT = 2  # chunks given to a worker ahead of its results


class WorkerDied(RuntimeError):
    """A worker process ended before it sent its results (killed, or out of memory)."""


def usable() -> bool:
    """Whether this process forks safely: on Linux, with no other thread running (a lock one
    holds, an import's say, would never be released in a worker)."""
    threading = sys.modules.get("threading")  # not imported: no thread but this one
    alone = threading is None or threading.active_count() == 1
    return sys.platform.startswith("linux") and hasattr(os, "fork") and alone


def fork_map(
    function: Callable[[T], R],
    tasks: Sequence[T],
    jobs: int,
    chunk: int,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> Iterator[R]:
    """``function`` of each task, in order, computed in ``jobs`` forked processes, up to
    ``chunk`` tasks at a time (see ``chunked``). Each worker runs ``initializer(*initargs)``
    first. An exception raised by ``function`` is raised here when its task's result is due; the
    workers are ended when the iterator is exhausted, closed or left by an exception."""
    chunks = chunked(len(tasks), jobs, chunk)
    workers: list[_Worker] = []
    finished = False
    try:
        for _ in range(min(jobs, len(chunks))):
            _Worker.start(function, tasks, chunks, initializer, initargs, workers)
        yield from _results(workers, chunks)
        finished = True
    finally:
        for worker in workers:
            worker.end(wait=finished)


def chunked(count: int, jobs: int, largest: int) -> list[range]:
    """``range(count)`` in consecutive chunks of up to ``largest``, smaller toward the end (a
    quarter of what is left per worker, down to one task): the last chunks are short, so no
    worker idles long at the end while another finishes a full one."""
    chunks, start = [], 0
    while start < count:
        size = max(1, min(largest, (count - start) // (jobs * 4)))
        chunks.append(range(start, start + size))
        start += size
    return chunks


def _results(workers: list[_Worker], chunks: list[range]) -> Iterator[Any]:
    """Hands out chunk numbers and yields the chunks' results in order."""
    given = 0
    for worker in workers:
        for _ in range(_IN_FLIGHT):
            if given < len(chunks):
                worker.give(given)
                given += 1
    done: dict[int, list[Any]] = {}
    by_fd = {worker.results: worker for worker in workers}
    poller = select.poll()  # not select(): it refuses descriptors past 1023
    for fd in by_fd:
        poller.register(fd, select.POLLIN)
    for due in range(len(chunks)):
        while due not in done:
            for fd, _ in poller.poll():
                worker = by_fd[fd]
                number, outcome = worker.receive()
                done[number] = outcome
                if given < len(chunks):
                    worker.give(given)
                    given += 1
        outcome = done.pop(due)
        if isinstance(outcome, _Failure):
            raise outcome.error from WorkerTraceback(outcome.trace)
        yield from outcome


class WorkerTraceback(Exception):
    """Where in a worker an error raised there came from (its traceback, as text)."""


class _Failure:
    """What a worker sends for a chunk whose function raised: the error and its traceback."""

    def __init__(self, error: BaseException, trace: str) -> None:
        self.error = error
        self.trace = trace


def _failure(error: BaseException) -> bytes:
    """The pickle of a _Failure for ``error``, raised just now; a RuntimeError naming it stands
    in for an error that cannot make the trip (one pickle cannot write, or cannot read back)."""
    import traceback  # only a failing worker needs it

    trace = "".join(traceback.format_exception(error))
    try:
        payload = dumps(_Failure(error, trace), protocol=-1)
        loads(payload)
    except Exception:
        payload = dumps(_Failure(RuntimeError(f"in a worker: {error!r}"), trace), protocol=-1)
    return payload


class _Worker:
    def __init__(self, pid: int, commands: int, results: int) -> None:
        self.pid = pid
        self.commands = commands  # the parent writes chunk numbers here
        self.results = results  # and reads each chunk's results here (unbuffered: see receive)

    @classmethod
    def start(
        cls,
        function: Callable[[Any], Any],
        tasks: Sequence[Any],
        chunks: list[range],
        initializer: Callable[..., object] | None,
        initargs: tuple[Any, ...],
        workers: list[_Worker],
    ) -> None:
        """A new worker, added to ``workers``, whose pipes the new one closes (else a worker
        would not see its parent go)."""
        inherited = [fd for worker in workers for fd in (worker.commands, worker.results)]
        command_read, command_write = os.pipe()
        result_read, result_write = os.pipe()
        # Ctrl-C goes to the whole process group: held back across the fork, so that it reaches
        # the parent only, and never a worker before it ignores it (a KeyboardInterrupt there
        # would send the worker back into the caller's code).
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            try:
                pid = os.fork()
            except OSError:  # no process to be had (a container's limit): fewer workers
                for fd in (command_read, command_write, result_read, result_write):
                    os.close(fd)
                if not workers:
                    raise
                return
            if pid == 0:  # the worker: never returns
                try:
                    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent's to handle
                    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
                    for fd in (command_write, result_read, *inherited):
                        os.close(fd)
                    _serve(
                        function, tasks, chunks, initializer, initargs, command_read, result_write
                    )
                finally:
                    os._exit(1)
            os.close(command_read)
            os.close(result_write)
            # Listed before Ctrl-C can arrive: whatever happens next, the caller ends it.
            workers.append(cls(pid, command_write, result_read))
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)

    def give(self, number: int) -> None:
        # A worker that died has its results pipe at its end: reading it says so (WorkerDied).
        with contextlib.suppress(BrokenPipeError):
            os.write(self.commands, number.to_bytes(4, "little"))

    def receive(self) -> tuple[int, Any]:
        # Read exactly one message: a buffered reader could take the start of the next one off
        # the pipe, and select would not see it waiting.
        head = self._read(12)
        number = int.from_bytes(head[:4], "little")
        return number, loads(self._read(int.from_bytes(head[4:], "little")))

    def _read(self, size: int) -> bytes:
        parts = []
        while size:
            part = os.read(self.results, min(size, 1 << 20))
            if not part:
                raise WorkerDied(f"a worker process ended unexpectedly ({self._reap()})")
            parts.append(part)
            size -= len(part)
        return b"".join(parts)

    def _reap(self) -> str:
        """Waits for the worker to end; how it ended."""
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            return "exit status unknown"
        finally:
            self.pid = 0
        if os.WIFSIGNALED(status):
            return f"killed by signal {os.WTERMSIG(status)}"
        return f"exit status {os.waitstatus_to_exitcode(status)}"

    def end(self, wait: bool) -> None:
        """Tells the worker to stop and reaps it; with ``wait`` false (the caller stopped early,
        or raised), a worker still busy is killed rather than waited for."""
        with contextlib.suppress(OSError):  # it is gone already
            os.write(self.commands, _STOP.to_bytes(4, "little"))
        os.close(self.commands)
        os.close(self.results)
        if self.pid and not wait:
            os.kill(self.pid, signal.SIGKILL)
        if self.pid:
            self._reap()


def _serve(
    function: Callable[[Any], Any],
    tasks: Sequence[Any],
    chunks: list[range],
    initializer: Callable[..., object] | None,
    initargs: tuple[Any, ...],
    commands: int,
    results: int,
) -> None:
    code = 1
    try:
        with os.fdopen(results, "wb") as out:
            failed = None  # the initializer's error: every chunk's outcome
            try:
                if initializer is not None:
                    initializer(*initargs)
            except Exception as error:
                failed = _failure(error)
            while True:
                head = os.read(commands, 4)
                if len(head) < 4:  # the parent is gone
                    break
                number = int.from_bytes(head, "little")
                if number == _STOP:
                    break
                payload = failed
                if payload is None:
                    try:
                        payload = dumps([function(tasks[i]) for i in chunks[number]], protocol=-1)
                    except Exception as error:  # raised in the parent when its chunk is due
                        payload = _failure(error)
                out.write(number.to_bytes(4, "little") + len(payload).to_bytes(8, "little"))
                out.write(payload)
                out.flush()
        code = 0
    except BrokenPipeError:  # the parent stopped reading: nothing to tell it
        pass
    except BaseException:
        import traceback

        traceback.print_exc()  # nowhere else to say it: the parent sees the worker die
    finally:
        os._exit(code)
