"""Bytes to text: byte-order marks, UTF-8, line endings, and telling binary files from text."""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SNIFF = 8192


@dataclass
class Decoded:
    text: str = ""
    encoding: str = "utf-8"
    warnings: list[tuple[int | None, str]] = field(default_factory=list)
    binary_reason: str | None = None


def decode_bytes(data: bytes) -> Decoded:
    """Decode a seed's bytes; line endings become ``\\n`` so that line numbers hold for CRLF and CR."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, errors="replace")
            return _finish(text, encoding, [])
    if b"\x00" in data[:_SNIFF]:
        return Decoded(binary_reason="binary file (NUL bytes); not text")
    try:
        return _finish(data.decode("utf-8"), "utf-8", [])
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        text = data.decode("utf-8", errors="replace")
        return _finish(text, "utf-8", [(line, "not valid UTF-8; undecodable bytes replaced")])


def _finish(text: str, encoding: str, warnings: list[tuple[int | None, str]]) -> Decoded:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\ufffd" in text and not warnings:
        line = text[: text.index("\ufffd")].count("\n") + 1
        warnings.append((line, f"bytes that are not valid {encoding} replaced"))
    return Decoded(text=text, encoding=encoding, warnings=warnings)
