"""Turn a seed file into a Document: bytes -> text -> lines, with what the format says of each line.

Line numbers always stay those of the source file, so that every signal cites a line a person can
open. Nothing here raises for a file's content: a seed that cannot be read becomes a Document with
``problem`` set.
"""

from __future__ import annotations

import os
from pathlib import Path

from seed_kickoff import formats
from seed_kickoff.decode import decode_bytes
from seed_kickoff.model import Document, Finding

DEFAULT_MAX_BYTES = 5 * 1024 * 1024

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
    fmt = format_of(rel)
    try:
        with open(seeds_dir / rel, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as err:
        return unreadable(rel, fmt, f"cannot be read: {err.strerror or err}")
    return load_bytes(rel, data, fmt, max_bytes)


def load_bytes(rel: str, data: bytes, fmt: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    findings: list[Finding] = []
    if len(data) > max_bytes:
        data = data[:max_bytes]
        findings.append(
            Finding(
                "warning",
                f"larger than the limit of {max_bytes:,} bytes; only the first part is judged",
                path=rel,
                code="too-large",
            )
        )
    if fmt == "pdf":
        doc = formats.parse_pdf(rel, data)
        doc.findings[:0] = findings
        return doc
    if not data.strip():
        doc = Document(rel, [], [], fmt, findings=findings)
        doc.problem = ("unreadable", "the file is empty")
        return doc
    decoded = decode_bytes(data)
    if decoded.binary_reason:
        doc = unreadable(rel, fmt, decoded.binary_reason)
        doc.findings[:0] = findings
        return doc
    findings.extend(
        Finding("warning", message, path=rel, line=line, code="encoding")
        for line, message in decoded.warnings
    )
    doc = formats.parse_text(rel, decoded.text, fmt)
    doc.encoding = decoded.encoding
    doc.findings[:0] = findings
    return doc


def unreadable(rel: str, fmt: str, reason: str) -> Document:
    doc = Document(rel, [], [], fmt)
    doc.problem = ("unreadable", reason)
    return doc
