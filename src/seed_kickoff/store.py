"""The seeds of a run, kept on disk: a report of 10,000 seeds never holds them all in memory.

A SeedStore is the list of a run's SeedResults, in index order: each result is pickled as it is
judged and only its offset and its SeedSummary stay unpickled. The pickles stay in memory up to
``IN_MEMORY_BYTES`` (a few hundred seeds; a small run never touches the disk or imports tempfile),
then move to an anonymous temporary file (deleted when the store is closed or collected). Reading a seed gives a fresh copy,
so a store is read-only; ``list(store)`` makes an ordinary list.

A seed may come with its part of the report already written (``CheckOptions.render``, run where
the seed was judged): kept after its pickle, it lets the report print every seed without loading
every result back (for the text report of 1,000 seeds, 50 ms of unpickling a run waited for).
"""

from __future__ import annotations

import io
from array import array
from collections.abc import Callable, Iterator, Sequence
from typing import IO, overload

from seed_kickoff.model import SeedResult, SeedSummary

try:  # pickle's own functions, without pickle.py's pure-Python twin of them to import first
    from _pickle import dumps, loads
except ImportError:  # a Python without the C module
    from pickle import dumps, loads

# Pickled seeds kept in memory before they move to a temporary file.
IN_MEMORY_BYTES = 1 << 20


class SeedStore(Sequence[SeedResult]):
    def __init__(self) -> None:
        # In memory until it grows past IN_MEMORY_BYTES, then a temporary file open for the
        # store's life (closed by close(), or when the store is collected).
        self._file: io.BytesIO | IO[bytes] = io.BytesIO()
        self._spill_at = IN_MEMORY_BYTES
        self._offsets = array("q", [0])  # seed i is the bytes offsets[i]:offsets[i + 1]
        # where seed i's pickle ends and its rendered text begins; -1: it has none
        self._text_at = array("q")
        self.summaries: list[SeedSummary] = []
        # The function that rendered the seeds' texts: a report uses them only if they are its.
        self.rendered_by: Callable[[SeedResult], str] | None = None

    def append(self, result: SeedResult) -> None:
        self.append_pickled(*pickled(result))

    def append_pickled(self, summary: SeedSummary, blob: bytes, text: str | None = None) -> None:
        """Append a result already pickled (by a worker process), with its summary and,
        optionally, its rendered text (see ``rendered_by``)."""
        self._file.seek(self._offsets[-1])
        self._file.write(blob)
        end = self._offsets[-1] + len(blob)
        if text is None:
            self._text_at.append(-1)
        else:
            self._text_at.append(end)
            end += self._file.write(text.encode("utf-8", "surrogatepass"))
        self._offsets.append(end)
        if isinstance(self._file, io.BytesIO) and self._offsets[-1] > self._spill_at:
            self._spill()
        self.summaries.append(summary)

    def __len__(self) -> int:
        return len(self.summaries)

    @overload
    def __getitem__(self, index: int) -> SeedResult: ...

    @overload
    def __getitem__(self, index: slice) -> list[SeedResult]: ...

    def __getitem__(self, index: int | slice) -> SeedResult | list[SeedResult]:
        if isinstance(index, slice):
            return [self._read(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("seed index out of range")
        return self._read(index)

    def __iter__(self) -> Iterator[SeedResult]:
        # By index, not by one open read: iterations may interleave (a seed table and its details).
        for index in range(len(self)):
            yield self._read(index)

    def _spill(self) -> None:
        import tempfile  # only runs of more than a few hundred seeds use the disk

        assert isinstance(self._file, io.BytesIO)
        try:
            spilled = tempfile.TemporaryFile(prefix="kickoff-seeds-")  # noqa: SIM115
            spilled.write(self._file.getbuffer())
        except OSError:
            # No writable temporary directory (or a full one): stay in memory, correct but not
            # flat, and try again after the next megabyte.
            self._spill_at = self._offsets[-1] + IN_MEMORY_BYTES
            return
        self._file = spilled

    @property
    def on_disk(self) -> bool:
        return not isinstance(self._file, io.BytesIO)

    def _read(self, index: int) -> SeedResult:
        start, text_at = self._offsets[index], self._text_at[index]
        end = text_at if text_at >= 0 else self._offsets[index + 1]  # the pickle's end
        self._file.seek(start)
        result: SeedResult = loads(self._file.read(end - start))
        return result

    def text(self, index: int) -> str | None:
        """Seed ``index``'s rendered text, or None when it came without one."""
        start = self._text_at[index]
        if start < 0:
            return None
        self._file.seek(start)
        return self._file.read(self._offsets[index + 1] - start).decode("utf-8", "surrogatepass")

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> SeedStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, (str, bytes)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to a list of the same seeds, so unhashable


def pickled(result: SeedResult, blob: bytes | None = None) -> tuple[SeedSummary, bytes]:
    """What ``SeedStore.append_pickled`` takes: made where the result is, a worker process say.
    ``blob``, when given, is the result's pickle already (from the results cache)."""
    if blob is None:
        blob = pickle_result(result)
    return result.summary(), blob


def pickle_result(result: SeedResult) -> bytes:
    """``result``'s pickle, in the newest protocol."""
    return dumps(result, protocol=-1)


def store_of(results: Sequence[SeedResult]) -> SeedStore:
    """A store holding ``results`` (for tests and callers that built a list themselves)."""
    store = SeedStore()
    for result in results:
        store.append(result)
    return store
