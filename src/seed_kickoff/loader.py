"""Turn a seed file into a Document: bytes -> text -> lines, with what the format says of each line.

Line numbers always stay those of the source file, so that every signal cites a line a person can
open. Nothing here raises for a file's content: a seed that cannot be read becomes a Document with
``problem`` set.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from seed_kickoff import formats
from seed_kickoff.decode import decode_bytes
from seed_kickoff.model import Document, Finding
from seed_kickoff.patterncache import compile_pattern

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Lines judged per seed, at least. Every line costs a few microseconds and a few hundred bytes
# however short it is: 5 MB of one-character lines took 13 s and 700 MB. The longest real seeds
# hold a few thousand lines; the limit grows with --max-bytes (one line per BYTES_PER_LINE).
MIN_MAX_LINES = 100_000
BYTES_PER_LINE = 50


def max_lines(max_bytes: int) -> int:
    """How many lines of a seed are judged under ``max_bytes``."""
    return max(MIN_MAX_LINES, max_bytes // BYTES_PER_LINE)


# Extension -> format name; anything else is read as plain text if it decodes.
FORMAT_BY_SUFFIX: dict[str, str] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".mkd": "markdown",
    ".txt": "text",
    ".text": "text",
    ".rst": "rst",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
}


def format_of(path: str) -> str:
    return FORMAT_BY_SUFFIX.get(os.path.splitext(path)[1].lower(), "text")


def load_seed(seeds_dir: Path, rel: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read and parse one seed. ``rel`` must already be vetted by the index (inside the dir)."""
    data = read_seed(seeds_dir, rel, max_bytes)
    if isinstance(data, Document):
        return data
    return load_bytes(rel, data, format_of(rel), max_bytes)


def read_seed(seeds_dir: Path, rel: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes | Document:
    """The bytes of one seed (see ``read_limited``), or a Document saying why it cannot be read."""
    path = os.path.join(seeds_dir, rel)
    # The index vetted ``rel``; checking again here means a link swapped in since is not followed.
    # (Plain strings: pathlib's parsing cost more than the check itself.)
    if not _plain_entry(path, rel):
        real, real_dir = os.path.realpath(path), os.path.realpath(seeds_dir)
        if real != real_dir and not real.startswith(os.path.join(real_dir, "")):
            return unreadable(rel, format_of(rel), "leads outside the seeds dir; not read")
    try:
        return read_limited(path, max_bytes)
    except OSError as err:
        return unreadable(rel, format_of(rel), f"cannot be read: {err.strerror or err}")


def _plain_entry(path: str, rel: str) -> bool:
    """Whether ``rel`` names an entry of the seeds dir itself that is no link: it is then inside
    the dir wherever the dir resolves to. One lstat says so; resolving both paths took five, and
    longer than reading the seed."""
    if "/" in rel or os.sep in rel or rel in (os.curdir, os.pardir):
        return False
    try:
        return not stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False  # resolved and read as before, which says why


def read_limited(path: str | Path, max_bytes: int) -> bytes:
    """At most ``max_bytes + 1`` bytes of a regular file (the extra byte tells it was cut).

    A FIFO, device or socket is refused before it is opened, and the file is opened without
    blocking and checked again, so that nothing in a seeds dir can make a run hang.
    """
    kind = special_kind(os.stat(path).st_mode)
    if kind is not None:
        raise OSError(errno.EINVAL, f"{kind}, not a regular file; not read")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        kind = special_kind(info.st_mode)
        if kind is not None:
            raise OSError(errno.EINVAL, f"{kind}, not a regular file; not read")
        # Asked for as many bytes as the file holds, then for what it may have grown by: a read
        # of max_bytes + 1 allocates (and gives back) 5 MB for every seed, which cost three times
        # the reading. Unbuffered: the bytes are read once, into the bytes object returned.
        left = max_bytes + 1
        chunks: list[bytes] = []
        want = min(info.st_size + 1, left)
        while left > 0 and (chunk := os.read(fd, want)):
            chunks.append(chunk)
            left -= len(chunk)
            want = min(_READ_MORE, left)
        return b"".join(chunks)  # one chunk: that very object
    finally:
        os.close(fd)


# What read_limited asks for once it has read as much as the file held when it was opened.
_READ_MORE = 64 * 1024


def read_whole(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """All of one of kickoff's own inputs (a configuration file, a rule pack, INDEX.md, a
    checklist): like ``read_limited``, a FIFO or device is refused without blocking; a file over
    ``max_bytes`` too. Raises OSError, its strerror saying why."""
    data = read_limited(path, max_bytes)
    if len(data) > max_bytes:
        raise OSError(errno.EFBIG, f"larger than {max_bytes:,} bytes; not read")
    return data


def special_kind(mode: int) -> str | None:
    """What a file that is not a regular file is ("a FIFO (named pipe)", ...), or None."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def load_bytes(rel: str, data: bytes, fmt: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Bytes of a seed -> Document. Never raises for the content; bounded by ``max_bytes``."""
    findings: list[Finding] = []
    # For text formats a document's lines are its text's lines: the long runs of white space
    # are then found by searching the text once (see _shorten_blank_runs), not line by line.
    text_lines: str | None = None
    truncated = len(data) > max_bytes
    if truncated:
        data = data[:max_bytes]
        findings.append(
            Finding(
                "warning",
                f"larger than the limit of {max_bytes:,} bytes; only the first part is judged",
                path=rel,
                code="too-large",
            )
        )
    if data.startswith(b"%PDF-"):
        fmt = "pdf"  # by content: a verdict never depends on the file's name
    if fmt == "pdf":
        if truncated:
            return unreadable(
                rel, fmt, f"a PDF larger than the limit of {max_bytes:,} bytes; raise --max-bytes"
            )
        doc = formats.parse_pdf(rel, data)
        limit = max_lines(max_bytes)
        if len(doc.lines) > limit:
            del doc.lines[limit:], doc.kinds[limit:]
            findings.append(_too_many_lines(rel, limit))
    elif not data.strip():
        doc = unreadable(
            rel, fmt, "the file is empty" if not data else "the file holds only white space"
        )
    else:
        decoded = decode_bytes(data, truncated)
        if decoded.binary_reason:
            doc = unreadable(rel, fmt, decoded.binary_reason)
        elif not decoded.text.strip():
            doc = unreadable(rel, fmt, "the file holds only white space")
        else:
            findings.extend(
                Finding("warning", message, path=rel, line=line, code="encoding")
                for line, message in decoded.warnings
            )
            text = _first_lines(decoded.text, max_lines(max_bytes), rel, findings)
            doc = formats.parse_text(rel, text, fmt)
            doc.encoding = decoded.encoding
            text_lines = None if doc.format == "html" else text
    if text_lines is None:
        doc.lines = [_shorten_blank_runs(line) for line in doc.lines]
    else:
        _shorten_blank_runs_of(doc.lines, text_lines)
    doc.findings[:0] = findings
    return doc


def _first_lines(text: str, limit: int, rel: str, findings: list[Finding]) -> str:
    """``text`` up to its ``limit``-th line, with a warning when there is more."""
    if text.count("\n") < limit:
        return text
    findings.append(_too_many_lines(rel, limit))
    return "\n".join(text.split("\n", limit)[:limit])


def _too_many_lines(rel: str, limit: int) -> Finding:
    return Finding(
        "warning",
        f"more than {limit:,} lines; only the first {limit:,} are judged",
        path=rel,
        line=limit + 1,
        code="too-many-lines",
    )


# Line-anchored rules such as '^\s*#*\s*...' backtrack over a run of white space once per way
# to split it: 10,000 spaces in a line took 35 s, 5 MB would never end. No rule needs more than
# a few spaces in a row, so every run is cut to this length here, once for all rules; the line
# count and every line number stay as they are.
_MAX_BLANK_RUN = 32
_BLANK_RUN = compile_pattern(rf"[^\S\n]{{{_MAX_BLANK_RUN + 1},}}")
# The same white space (str.isspace() but newline, listed so that the engine can skip to the
# first character of a run): this searches a whole text in a third less time.
BLANKS = (
    "\t\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_LONG_RUN = compile_pattern(f"[{BLANKS}][{BLANKS}]{{{_MAX_BLANK_RUN},}}")
# Every byte of a blank's UTF-8 as a space (no other byte is one): a run of blanks becomes at
# least as many spaces, so a text whose bytes hold no such run of spaces has none. Encoding,
# translating and bytes.find cost a sixth of the regex search, which runs only when they find one.
_BLANK_UTF8 = BLANKS.encode()
_BLANK_BYTES = bytes.maketrans(_BLANK_UTF8, b" " * len(_BLANK_UTF8))
_SPACE_RUN = b" " * (_MAX_BLANK_RUN + 1)


def _shorten_blank_runs_of(lines: list[str], text: str) -> None:
    """Shorten the runs in ``lines`` (``text`` split at newlines), visiting only their lines."""
    blanked = text.encode("utf-8", "surrogatepass").translate(_BLANK_BYTES)
    if blanked.find(_SPACE_RUN) < 0:
        return
    line = start = 0
    for run in _LONG_RUN.finditer(text):
        line += text.count("\n", start, run.start())
        start = run.start()
        lines[line] = _shorten_blank_runs(lines[line])


def _shorten_blank_runs(line: str) -> str:
    if len(line) <= _MAX_BLANK_RUN:
        return line
    return _BLANK_RUN.sub(lambda run: run.group()[:_MAX_BLANK_RUN], line)


def unreadable(rel: str, fmt: str, reason: str) -> Document:
    doc = Document(rel, [], [], fmt)
    doc.problem = ("unreadable", reason)
    return doc
