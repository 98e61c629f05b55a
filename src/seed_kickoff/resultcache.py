"""A per-user cache of seed results: a seed that has not changed is not judged again.

``kickoff check`` runs on every commit, and between two runs most seeds are the same bytes. Each
result is kept under a digest of everything it depends on: the seed's bytes and path, whether
INDEX.md lists it, the run's limits, every field of every active rule, kickoff's version and the
content of each of its own files, and the Python it runs on. A change to any of them gives
another digest, so an entry is never stale; it is only ever unused. What a run adds from
INDEX.md (a title, a waiver) is not in an entry: it is attached afresh each run.

The entries live in one SQLite file in the per-user cache directory (one file write per 256
results, not one per seed). Worker processes of ``--jobs`` only read it; the process that writes
the report adds the new results. Entries are pickles, read back by an unpickler that builds
nothing but kickoff's result classes: an entry planted in the cache (a restored CI cache, say)
cannot run code. The cache is never required: a missing, damaged, locked or refused entry or
file just means the seed is judged. It is bounded: past ``MAX_ENTRIES`` the oldest written go.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import sqlite3
import sys
from pathlib import Path
from typing import Any

from seed_kickoff import __version__
from seed_kickoff.cache import cache_dir
from seed_kickoff.index import walk
from seed_kickoff.model import Judgement, SeedResult
from seed_kickoff.rules import RuleSet

# Bump when what an entry holds changes shape.
FORMAT = 1
# About 4 KB a result (1,000 corpus seeds: 4 MB): at most some 80 MB.
MAX_ENTRIES = 20_000
# New results written in one transaction.
_BATCH = 256
_FILE = "results.sqlite3"
_PACKAGE = Path(__file__).parent

# What a result's pickle may build: the result classes, nothing else.
_ALLOWED = frozenset(
    ("seed_kickoff.model", name)
    for name in (
        "SeedResult",
        "Judgement",
        "DimensionCoverage",
        "Signal",
        "Finding",
        "Waiver",
        "SeedSummary",
        "_shared_summary",
    )
)


class _ResultUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a result")
        return super().find_class(module, name)


def code_digest() -> bytes:
    """A digest of kickoff's own files, code and packs, by content: another release, an edited
    file of an editable install, a reinstall that changed nothing (new file times, same bytes:
    a CI that builds kickoff from a fresh checkout) each tell apart as they should. About 0.8 MB,
    5 ms."""
    paths: list[str] = []
    for here, dirnames, filenames, _ in walk(str(_PACKAGE)):
        dirnames[:] = [name for name in dirnames if name != "__pycache__" and name[0] != "."]
        paths.extend(os.path.join(here, name) for name in filenames if name[0] != ".")
    digest = hashlib.blake2b(digest_size=32)
    for path in sorted(paths):
        digest.update(os.path.relpath(path, _PACKAGE).encode("utf-8", "surrogateescape") + b"\0")
        with open(path, "rb") as handle:
            content = handle.read()
        digest.update(len(content).to_bytes(8, "little"))
        digest.update(content)
    return digest.digest()


def fingerprint(ruleset: RuleSet, max_bytes: int, topics: bool) -> bytes:
    """What every result of a run depends on besides its seed."""
    parts = (
        FORMAT,
        __version__,
        sys.implementation.cache_tag,
        code_digest(),
        ruleset.packs,
        ruleset.rules,  # every field of every rule, by the dataclass's repr
        max_bytes,
        topics,
    )
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=32).digest()


class ResultCache:
    """The results of one kind of run (one ``fingerprint``), by seed. Picklable (for the worker
    processes): each process opens the file itself."""

    def __init__(self, run_fingerprint: bytes, path: Path) -> None:
        self.fingerprint = run_fingerprint
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._broken = False  # the file cannot be used this run
        self._pending: list[tuple[bytes, bytes]] = []

    @classmethod
    def for_run(cls, ruleset: RuleSet, max_bytes: int, topics: bool) -> ResultCache | None:
        """The cache of such a run, or None when there is no cache directory."""
        directory = cache_dir()
        if directory is None:
            return None
        return cls(fingerprint(ruleset, max_bytes, topics), directory / _FILE)

    def unopened(self) -> ResultCache:
        """The same cache without this object's open file and pending entries: what a worker
        process (forked, or handed a pickle) uses."""
        return ResultCache(self.fingerprint, self.path)

    def __reduce__(self) -> tuple[Any, ...]:
        return ResultCache, (self.fingerprint, self.path)

    def key(self, rel: str, listed: bool, data: bytes) -> bytes:
        digest = hashlib.blake2b(self.fingerprint, digest_size=20)
        digest.update(repr((rel, listed)).encode("utf-8", "surrogatepass"))
        digest.update(data)
        return digest.digest()

    def get(self, key: bytes) -> tuple[SeedResult, bytes] | None:
        """The result kept under ``key`` and its pickle (checked: it builds only a result), or
        None (not kept, damaged, or not a result)."""
        db = self._connect()
        if db is None:
            return None
        try:
            row = db.execute("SELECT result FROM results WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            self._give_up()
            return None
        if row is None or not isinstance(row[0], bytes):
            return None
        try:
            result = _ResultUnpickler(io.BytesIO(row[0])).load()
            if not isinstance(result, SeedResult) or not isinstance(result.judgement, Judgement):
                return None
            result.summary()  # what the store and the gate read of it
        except Exception:  # damaged, or planted with odd fields: judged again, and replaced
            return None
        return result, row[0]

    def add(self, key: bytes, blob: bytes) -> None:
        """Keep ``blob`` (a pickled SeedResult) under ``key``: written with the next batch, or
        by ``close``."""
        self._pending.append((key, blob))
        if len(self._pending) >= _BATCH:
            self._flush()

    def close(self) -> None:
        """Write what is pending, drop the oldest entries past MAX_ENTRIES, close the file."""
        self._flush(prune=True)
        if self._db is not None:
            self._db.close()
            self._db = None

    def _flush(self, prune: bool = False) -> None:
        pending, self._pending = self._pending, []
        db = self._connect() if pending or prune else None
        if db is None:
            return
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?)", pending)
                if prune:
                    # INSERT OR REPLACE gives a row a new rowid: the oldest written go first.
                    db.execute(
                        "DELETE FROM results WHERE rowid <= (SELECT max(rowid) FROM results) - ?",
                        (MAX_ENTRIES,),
                    )
        except sqlite3.Error:
            self._give_up()

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is not None or self._broken:
            return self._db
        for attempt in (1, 2):
            try:
                self._db = self._open()
                return self._db
            except sqlite3.DatabaseError as err:
                damaged = getattr(err, "sqlite_errorname", "") in (
                    "SQLITE_NOTADB",
                    "SQLITE_CORRUPT",
                )
                if not damaged or attempt == 2:
                    break
                # Not a database (damaged, or something else by that name): start it anew.
                for suffix in ("", "-wal", "-shm"):
                    with contextlib.suppress(OSError):
                        os.unlink(f"{self.path}{suffix}")
            except OSError:
                break
        self._broken = True
        return None

    def _open(self) -> sqlite3.Connection:
        # ~/.cache is made if missing (XDG: mode 0700), never the home directory above it.
        self.path.parent.parent.mkdir(mode=0o700, exist_ok=True)
        self.path.parent.mkdir(exist_ok=True)
        # Results quote the seeds: only their owner may read them (SQLite's -wal and -shm files
        # take the database's mode).
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        # A batch takes milliseconds: a lock held for seconds is a stuck process, not a writer.
        db = sqlite3.connect(self.path, timeout=2)
        try:
            db.execute("PRAGMA journal_mode = WAL")  # readers (--jobs workers) beside the writer
            db.execute("PRAGMA synchronous = NORMAL")  # a cache may lose its last batch
            db.execute(
                "CREATE TABLE IF NOT EXISTS results (key BLOB PRIMARY KEY, result BLOB NOT NULL)"
            )
        except sqlite3.Error:
            db.close()
            raise
        return db

    def _give_up(self) -> None:
        self._broken = True
        self._pending = []
        if self._db is not None:
            self._db.close()
            self._db = None
