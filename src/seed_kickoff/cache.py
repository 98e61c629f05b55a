"""A per-user cache of data parsed from kickoff's own files (the built-in rule packs).

Parsing the packs' YAML (and importing a YAML parser) costs more than judging a small seed, and
kickoff runs on every commit. The parsed data is kept in ``${XDG_CACHE_HOME:-~/.cache}/seed-kickoff/``
as marshal (plain data only, nothing executable) together with the exact text it was parsed
from: an entry is used only when that text is the file's text now, so it is never stale. The
cache is never required: an entry that is missing, unreadable, stale or unwritable is simply
parsed again.
"""

from __future__ import annotations

import atexit
import contextlib
import marshal
import os
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, AnyStr

from seed_kickoff import __version__

CACHE_NAME = "seed-kickoff"


def cache_dir() -> Path | None:
    """Where the cache lives, or None when there is no home directory to put it in."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG spec: a relative value is ignored
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:
            return None
    return Path(base) / CACHE_NAME


def cached_parse(
    path: Path, text: AnyStr, parse: Callable[[AnyStr], Any], name: str | None = None
) -> Any:
    """``parse(text)``, from the cache when ``text`` (the file's text or bytes) was parsed before
    by this version of kickoff.

    ``name`` names the entry (by default ``path``'s stem; one name, one ``parse``); ``parse``
    must return plain data (dict, list, tuple, str, numbers, bool, None). Errors ``parse`` raises
    go to the caller and nothing is stored.
    """
    directory = cache_dir()
    if directory is None:
        return parse(text)
    # marshal's format may change between Python versions: one entry per interpreter.
    stem = path.stem if name is None else name
    entry = directory / f"{stem}-{__version__}-{sys.implementation.cache_tag}.marshal"
    try:
        stored = marshal.loads(entry.read_bytes())
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == text:
            return stored[1]
    except (OSError, EOFError, ValueError, TypeError):
        pass  # no entry yet, or a damaged one: parse again and replace it
    data = parse(text)
    try:
        blob = marshal.dumps((text, data))
    except ValueError:
        return data  # not plain data (a YAML timestamp, say): correct, just not cached
    store(entry, blob)
    return data


def code_signature(sources: tuple[str, ...], modules: tuple[str, ...] = ()) -> str:
    """What a cached parse depends on besides its input: the text of kickoff's own ``sources``
    (module files) and the installed files of other ``modules`` (path, size, time), found without
    importing them. An edited parser, or another version of a library, parses again. A source
    missing beside its bytecode counts as empty: the entries are then kept per kickoff version."""
    parts = []
    for source in sources:
        try:
            parts.append(Path(source).read_text(encoding="utf-8"))
        except OSError:
            parts.append("")
    for module in modules:
        import importlib.util  # only when a library is named

        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            spec = None
        origin = getattr(spec, "origin", None) or ""
        try:
            info = os.stat(origin)
            parts.append(f"{module} {origin} {info.st_size} {info.st_mtime_ns}")
        except OSError:
            parts.append(f"{module} {origin}")
    return "\n".join(parts)


def read_blob(name: str) -> bytes | None:
    """The bytes stored as ``name`` (see ``write_blob``), or None."""
    directory = cache_dir()
    if directory is None:
        return None
    try:
        return (directory / f"{name}.bin").read_bytes()
    except OSError:
        return None  # not stored yet on this machine, or unreadable


def write_blob(name: str, blob: bytes, keep: int = 4) -> None:
    """Store ``blob`` as ``name``, which must change with whatever the bytes depend on (a digest
    of the inputs, say), and delete all but the ``keep`` newest entries that share the part of
    ``name`` before its last "-" (an edited rule pack leaves no trail of stale databases).
    Never fails: the cache is only ever a shortcut."""
    directory = cache_dir()
    if directory is None:
        return
    store(directory / f"{name}.bin", blob)
    family = name.rsplit("-", 1)[0]
    try:
        entries = sorted(
            directory.glob(f"{family}-*.bin"), key=lambda entry: entry.stat().st_mtime, reverse=True
        )
        for entry in entries[keep:]:
            entry.unlink()
    except OSError:
        pass  # another process pruned first, or the directory is read-only


def load_yaml(text: str) -> Any:
    """YAML text -> plain data, with libyaml's safe loader when it is there (several times faster
    than the pure-Python one; the same documents). Raises ``yaml.YAMLError``."""
    import yaml  # only when the cache cannot answer: the import alone outweighs a small check

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def load_package_yaml(path: Path) -> Any:
    """A YAML file kickoff ships (``packs/*.yaml``), through the cache."""
    return cached_parse(path, path.read_text(encoding="utf-8"), load_yaml)


# Files of sealed entries (a checksum, then the entry's bytes), one per exact interpreter build:
# compiled code of this Python (patterncache.py, records.py). Entries are opened when used, so
# reading a file checks only the few a run needs. The stamp names the build and the format.
Stamp = tuple[int | str | bytes, ...]


class EntryFile:
    """The sealed entries of ``family`` for the interpreter build ``stamp`` names (a file per
    build: two Pythons never take turns overwriting one file): read on first use, the entries
    this process adds written when it exits, so a run never waits on the disk for them."""

    def __init__(self, family: str, stamp: Stamp, limit: int, usable: bool = True) -> None:
        self.family, self.stamp, self.limit, self.usable = family, stamp, limit, usable
        self.path: Path | None = None
        self.new: dict[Any, bytes] = {}
        self._entries: dict[Any, bytes] | None = None

    def entries(self) -> dict[Any, bytes]:
        """The entries in the file (none when there is no cache, or it is damaged)."""
        if self._entries is None:
            directory = cache_dir() if self.usable else None
            if directory is None:
                self._entries = {}
            else:
                tag = zlib.crc32(repr(self.stamp).encode())
                name = f"{self.family}-{sys.implementation.cache_tag}-{tag:08x}.marshal"
                self.path = directory / name
                self._entries = read_entries(self.path, self.stamp)
        return self._entries

    def get(self, key: object) -> bytes | None:
        """The sealed entry of ``key``, from the file or added by this process."""
        return self.entries().get(key) or self.new.get(key)

    def add(self, key: object, sealed: bytes) -> None:
        """Keep ``sealed`` as ``key``'s entry (written at exit)."""
        if not self.new and self.path is not None:
            atexit.register(self.save)
        self.new[key] = sealed

    def save(self) -> None:
        """Add this process's entries to the file (what other processes wrote meanwhile is
        kept; past ``limit`` entries it starts again from these). Never fails."""
        if not self.new or self.path is None:
            return
        entries = dict(read_entries(self.path, self.stamp))
        if len(entries) + len(self.new) > self.limit:
            entries = {}
        entries.update(self.new)
        self.new.clear()
        store(self.path, marshal.dumps((self.stamp, entries)))


def read_entries(path: Path, stamp: Stamp) -> dict[Any, bytes]:
    """The entries an ``EntryFile`` stored in ``path`` under ``stamp``, or none."""
    try:
        stored, entries = marshal.loads(path.read_bytes())
        if stored == stamp and isinstance(entries, dict):
            return entries
    except (OSError, EOFError, ValueError, TypeError):
        pass  # no file yet, or a damaged one: it is replaced when entries are written
    return {}


def seal(body: bytes, salt: bytes = b"") -> bytes:
    """``body`` behind a checksum of ``salt`` (what the entry is for) and ``body``."""
    return zlib.crc32(body, zlib.crc32(salt)).to_bytes(4, "little") + body


def unseal(sealed: object, salt: bytes = b"") -> bytes:
    """The body ``seal(body, salt)`` sealed, or ValueError when ``sealed`` is not that."""
    if not isinstance(sealed, bytes):
        raise ValueError("damaged entry")
    body = sealed[4:]
    if zlib.crc32(body, zlib.crc32(salt)) != int.from_bytes(sealed[:4], "little"):
        raise ValueError("damaged entry")
    return body


def store(entry: Path, blob: bytes) -> None:
    """Write ``blob`` to ``entry`` atomically (readers in other processes never see half of it);
    any failure leaves the cache as it was."""
    tmp = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
    try:
        # ~/.cache is made if missing (XDG: mode 0700), never the home directory above it.
        entry.parent.parent.mkdir(mode=0o700, exist_ok=True)
        entry.parent.mkdir(exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
        os.replace(tmp, entry)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
