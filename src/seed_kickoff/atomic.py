"""Atomic file writes: a reader (or a Ctrl-C) never sees half a file."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to a temporary file beside ``path``, then rename it into place."""
    with atomic_open(path) as handle:
        handle.write(text)


@contextlib.contextmanager
def atomic_open(path: Path) -> Iterator[TextIO]:
    """A UTF-8 text stream to a temporary file beside ``path``, renamed into place when the block
    ends; removed instead if the block raises. For reports written piece by piece.

    A link to a file is kept: the file it leads to is replaced. A device, FIFO or socket
    (``/dev/null``, ``/dev/stdout``, a named pipe; anything under ``/dev`` or ``/proc``) is
    written to as it is: renaming a file onto it would destroy it, and what reads it would never
    see the report.
    """
    if _in_place(path):
        # A path that is not UTF-8 (a seeds dir given as bytes) is written escaped, not refused.
        with open(path, "w", encoding="utf-8", errors="backslashreplace", newline="") as handle:
            yield handle
        return
    path = Path(os.path.realpath(path)) if os.path.islink(path) else path
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            # mkstemp makes 0600 files; a report should have the usual permissions.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _in_place(path: Path) -> bool:
    """Whether ``path`` is written to as it is rather than replaced (see ``atomic_open``)."""
    if os.path.abspath(path).startswith(("/dev/", "/proc/")):
        return True  # /dev/stdout leads to the file the shell opened: that one, not a new one
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False  # nothing there yet (or not reachable: the temporary file will say why)
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)
