"""kickoff's regular expressions (the rules' and its modules' own), compiled without running
Python's regex compiler again on every run.

``re.compile`` parses a pattern and turns it into code for the regex engine in pure Python: for
the fifty patterns one small seed needs, that costs more than judging it. What it hands the
engine at the end (``_sre.compile``: the code, the flags, the groups) is plain data, so it is kept
in a per-user cache file (beside cache.py's) and handed to the engine directly on later runs.

Nothing here can change a match:

- an entry is stored only when the pattern built from it equals the one ``re.compile`` gives
  (patterns compare by source, flags and code);
- the file is read only by the Python that wrote it (exact ``sys.version``, ``_sre.MAGIC``); an
  entry is used only when its checksum holds, and the engine also checks the code it is given;
- an entry that is missing, unreadable or refused is compiled the usual way.

New entries are written once, when the process exits, so a run never waits on the disk for them.
"""

from __future__ import annotations

import atexit
import importlib
import marshal
import re
import sys
import zlib
from pathlib import Path
from typing import Any, AnyStr

from seed_kickoff.cache import cache_dir, store
from seed_kickoff.sre import compiler as _compiler
from seed_kickoff.sre import parser as _parser

# The engine re.compile hands its code to.
_sre: Any = importlib.import_module("_sre")

_FORMAT = 1
# What the stored code means: a file written under anything else is not read.
_STAMP = (_FORMAT, sys.version, _sre.MAGIC, _sre.CODESIZE)
# The code is stored as bytes (fast to read), in words of the engine's size: a C unsigned int.
_USABLE = memoryview(b"").cast("I").itemsize == _sre.CODESIZE
# Patterns seen over many runs, many packs: past this, the file starts again from this run's.
MAX_ENTRIES = 2048

Entry = tuple[bytes, int, int, dict[str, int], tuple[str | None, ...]]
# Entries are kept sealed (a checksum, then the marshalled entry) and opened when used: reading
# the file then makes two objects per pattern, and checks only the few a run uses.
Key = tuple[str | bytes, int]

_entries: dict[Key, bytes] | None = None  # read from the file on first use
_new: dict[Key, bytes] = {}  # compiled by this process, written at exit
_file: Path | None = None  # where this process reads and writes its entries


def compile_pattern(source: AnyStr, flags: int = 0) -> re.Pattern[AnyStr]:
    """``re.compile(source, flags)``, from the cache when this Python compiled it before.

    Raises ``re.error`` as ``re.compile`` does."""
    key = (source, int(flags))
    sealed = _load().get(key) or _new.get(key)
    if sealed is not None:
        try:
            return _build(source, _open(sealed))
        except (EOFError, TypeError, ValueError, RuntimeError, OverflowError, MemoryError):
            pass  # damaged, or refused by the engine: compile it again and replace the entry
    pattern = re.compile(source, flags)
    entry = _entry(source, int(flags))
    if entry is not None:
        if not _new and _file is not None:
            atexit.register(save)
        _new[key] = _seal(entry)
    return pattern


def save() -> None:
    """Write this process's new entries into the cache file (atomically; failures are silent)."""
    if not _new or _file is None:
        return
    entries = dict(_read(_file))  # what other processes wrote meanwhile is kept
    if len(entries) + len(_new) > MAX_ENTRIES:
        entries = {}
    entries.update(_new)
    _new.clear()
    store(_file, marshal.dumps((_STAMP, entries)))


def _load() -> dict[Key, bytes]:
    global _entries, _file
    if _entries is None:
        directory = cache_dir()
        if directory is None or not _USABLE:
            _entries = {}
            return _entries
        # One file per interpreter build: two Pythons never take turns overwriting one file.
        stamp = zlib.crc32(repr(_STAMP).encode())
        _file = directory / f"patterns-{sys.implementation.cache_tag}-{stamp:08x}.marshal"
        _entries = _read(_file)
    return _entries


def _read(path: Path) -> dict[Key, bytes]:
    try:
        stamp, entries = marshal.loads(path.read_bytes())
        if stamp == _STAMP and isinstance(entries, dict):
            return entries
    except (OSError, EOFError, ValueError, TypeError):
        pass  # no file yet, or a damaged one: it is replaced at exit
    return {}


def _seal(entry: Entry) -> bytes:
    body = marshal.dumps(entry)
    return zlib.crc32(body).to_bytes(4, "little") + body


def _open(sealed: bytes) -> Entry:
    """The entry ``_seal`` made, or ValueError when it is not that."""
    if not isinstance(sealed, bytes):
        raise ValueError("damaged entry")
    body = sealed[4:]
    if zlib.crc32(body) != int.from_bytes(sealed[:4], "little"):
        raise ValueError("damaged entry")
    entry: Entry = marshal.loads(body)
    return entry


def _build(source: AnyStr, entry: Entry) -> re.Pattern[AnyStr]:
    code, flags, groups, groupindex, indexgroup = entry
    program = memoryview(code).cast("I").tolist()
    pattern: re.Pattern[AnyStr] = _sre.compile(
        source, flags, program, groups - 1, groupindex, indexgroup
    )
    return pattern


def _entry(source: AnyStr, flags: int) -> Entry | None:
    """What ``re.compile`` hands the engine for ``source`` (as re/_compiler.py's compile does it),
    or None when the pattern that builds is not the one ``re.compile`` gives."""
    from array import array  # only when a pattern is compiled the slow way

    try:
        tree = _parser.parse(source, flags)
        state = tree.state
        indexgroup: list[str | None] = [None] * state.groups
        for name, index in state.groupdict.items():
            indexgroup[index] = name
        code = array("I", _compiler._code(tree, flags)).tobytes()
        entry: Entry = (code, flags | state.flags, state.groups, state.groupdict, tuple(indexgroup))
        if _build(source, entry) == re.compile(source, flags):
            return entry
    except Exception:  # a private API that changed shape: this pattern is simply not cached
        pass
    return None
