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

import importlib
import marshal
import re
import sys
from typing import Any, AnyStr

from seed_kickoff.cache import EntryFile, seal, unseal
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

_store = EntryFile("patterns", _STAMP, MAX_ENTRIES, usable=_USABLE)


def compile_pattern(source: AnyStr, flags: int = 0) -> re.Pattern[AnyStr]:
    """``re.compile(source, flags)``, from the cache when this Python compiled it before.

    Raises ``re.error`` as ``re.compile`` does."""
    key = (source, int(flags))
    sealed = _store.get(key)
    if sealed is not None:
        try:
            return _build(source, _open(sealed))
        except (EOFError, TypeError, ValueError, RuntimeError, OverflowError, MemoryError):
            pass  # damaged, or refused by the engine: compile it again and replace the entry
    pattern = re.compile(source, flags)
    entry = _entry(source, int(flags))
    if entry is not None:
        _store.add(key, _seal(entry))
    return pattern


def _seal(entry: Entry) -> bytes:
    return seal(marshal.dumps(entry))


def _open(sealed: bytes) -> Entry:
    """The entry ``_seal`` made, or ValueError when it is not that."""
    entry: Entry = marshal.loads(unseal(sealed))
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
