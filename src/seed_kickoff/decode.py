"""Bytes to text: byte-order marks, UTF-8, legacy encodings, line endings, and binary files.

The order is fixed and cheap first: a byte-order mark, then the telltale NUL pattern of UTF-16 or
UTF-32 without one, then the binary check, then strict UTF-8 (almost every seed), and only when
UTF-8 fails the legacy-encoding detector. Nothing here raises for a file's content.
"""

from __future__ import annotations

import codecs
from dataclasses import field

from seed_kickoff.records import dataclass

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Bytes looked at to tell binary from text and to guess a legacy encoding: enough to decide,
# small enough that a 5 MB seed costs no more than a short one.
_SNIFF = 64 * 1024
_DETECT = 256 * 1024

# Known binary formats by their first bytes. Prefixes made only of printable ASCII could begin a
# text too; they count only when a control byte follows (see _magic).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"RIFF", "RIFF media file (WebP, WAV, AVI)"),
    (b"OggS", "Ogg media file"),
    (b"fLaC", "FLAC audio"),
    (b"ID3", "MP3 audio"),
    (b"PK\x03\x04", "ZIP archive (or .docx, .xlsx, .odt, .epub: export the text)"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x7fELF", "ELF executable"),
    (b"MZ", "Windows executable"),
    (b"\xcf\xfa\xed\xfe", "Mach-O executable"),
    (b"\xfe\xed\xfa\xcf", "Mach-O executable"),
    (b"\xca\xfe\xba\xbe", "Mach-O or Java class file"),
    (b"\x00asm", "WebAssembly module"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Office document (.doc, .xls): export the text"),
    (b"SQLite format 3\x00", "SQLite database"),
)
# Control bytes that text never holds (tab, newlines, form feed and ESC of coloured logs do).
_CONTROL = bytes([*range(0x01, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_CONTROL_CHARS = dict.fromkeys(_CONTROL)  # str.translate: delete them
_TEXT_BYTES = bytes(b for b in range(256) if b != 0 and b not in _CONTROL)
_MAX_CONTROL_SHARE = 0.05

# Single-byte code pages that write Latin script the same way for the common letters. Detectors
# often tie between them; the commonest, Windows-1252, is then the better bet.
_LATIN_ALPHABETS = frozenset(
    {
        "Basic Latin",
        "Latin-1 Supplement",
        "Latin Extended-A",
        "Latin Extended-B",
        "General Punctuation",
        "Control character",  # newlines and tabs
    }
)
_TIE = 0.15


@dataclass(eq=False)
class Decoded:
    """Text decoded from bytes, with the encoding used and what was odd about it."""

    text: str = ""
    encoding: str = "utf-8"
    warnings: list[tuple[int | None, str]] = field(default_factory=list)
    binary_reason: str | None = None


def decode_bytes(data: bytes, truncated: bool = False) -> Decoded:
    """Decode a seed's bytes; line endings become ``\\n`` so that line numbers hold for CRLF and CR.

    ``truncated``: the bytes were cut at the size limit, so a character split at the end is
    dropped rather than reported as an error.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            reason = binary_reason(body) if encoding == "utf-8" else None
            if reason is not None:
                return Decoded(binary_reason=reason)
            return _screen(_lossy(body, encoding, truncated, []))
    wide = _bomless_wide(data)
    if wide is not None:
        warning = (None, f"no byte-order mark; read as {wide}")
        return _screen(_lossy(data, wide, truncated, [warning]))
    reason = binary_reason(data)
    if reason is not None:
        return Decoded(binary_reason=reason)
    warnings: list[tuple[int | None, str]] = []
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        data = data.replace(b"\x00", b"")
        if not data.strip():
            return Decoded(binary_reason="only NUL bytes; no text")
        warnings.append((line, "NUL bytes removed (first on this line)"))
    try:
        return _finish(_decode(data, "utf-8", truncated, "strict"), "utf-8", warnings)
    except UnicodeDecodeError as err:
        first_bad = data[: err.start].count(b"\n") + 1
    return _legacy(data, truncated, warnings, first_bad)


def binary_reason(data: bytes) -> str | None:
    """Why ``data`` is not text (a known binary format, NUL or control bytes), or None."""
    magic = _magic(data)
    if magic is not None:
        return f"binary file ({magic}); not text"
    sample = data[:_SNIFF]
    odd = sample.translate(None, _TEXT_BYTES)
    nuls = odd.count(0)
    controls = len(odd) - nuls
    if controls > max(2, _MAX_CONTROL_SHARE * (len(sample) - nuls)):
        return "binary file (control bytes); not text"
    if nuls and controls:
        # Text padded with NULs holds no other control bytes; a blob holds both.
        return "binary file (NUL and control bytes); not text"
    if nuls * 2 > len(sample):
        if not data.translate(None, b"\x00 \t\r\n"):
            return "only NUL bytes; no text"
        return "binary file (mostly NUL bytes); not text"
    return None


def _screen(decoded: Decoded) -> Decoded:
    """The checks of NUL and control bytes, on text decoded after a byte-order mark or as UTF-16
    or UTF-32 (where they are code units, not bytes): a byte-order mark does not make a binary
    file text, nor keep the NULs in a text."""
    text = decoded.text
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        text = text.replace("\x00", "")
        if not text.strip():
            return Decoded(binary_reason="only NUL bytes; no text")
        decoded.text = text
        decoded.warnings.append((line, "NUL bytes removed (first on this line)"))
    sample = text[:_SNIFF]
    controls = len(sample) - len(sample.translate(_CONTROL_CHARS))
    if controls > max(2, _MAX_CONTROL_SHARE * len(sample)):
        return Decoded(binary_reason="binary file (control characters); not text")
    return decoded


def _magic(data: bytes) -> str | None:
    for prefix, name in _MAGIC:
        if not data.startswith(prefix):
            continue
        if any(b < 0x20 or b > 0x7E for b in prefix) or data[:64].translate(None, _TEXT_BYTES):
            return name
    return None


def _bomless_wide(data: bytes) -> str | None:
    """UTF-16 or UTF-32 without a byte-order mark, told by where the NUL bytes fall.

    Text in these encodings that is mostly ASCII has a NUL in fixed positions of every unit; a
    binary file does not keep that pattern. The sample must then decode strictly and hold no
    control characters, or the guess is dropped.
    """
    sample = data[: _SNIFF - _SNIFF % 4]
    if len(sample) < 8 or b"\x00" not in sample:
        return None
    candidates: list[tuple[str, int]] = []
    for encoding, width, zero_slots in (
        ("utf-32-le", 4, (1, 2, 3)),
        ("utf-32-be", 4, (0, 1, 2)),
        ("utf-16-le", 2, (1,)),
        ("utf-16-be", 2, (0,)),
    ):
        units = len(sample) // width
        zero = all(sample[slot::width].count(0) >= 0.6 * units for slot in zero_slots)
        others = [s for s in range(width) if s not in zero_slots]
        if zero and all(sample[slot::width].count(0) <= 0.05 * units for slot in others):
            candidates.append((encoding, width))
    for encoding, width in candidates:
        cut = len(sample) - len(sample) % width
        try:
            text = sample[:cut].decode(encoding)
        except UnicodeDecodeError:
            continue
        if not any(0 < ord(c) < 0x20 and c not in "\t\n\r\f\x1b" for c in text):
            return encoding
    return None


def _decode(data: bytes, encoding: str, truncated: bool, errors: str) -> str:
    # An incremental decoder holds back a character cut in half at the size limit.
    decoder = codecs.getincrementaldecoder(encoding)(errors)
    return str(decoder.decode(data, final=not truncated))


def _lossy(
    data: bytes, encoding: str, truncated: bool, warnings: list[tuple[int | None, str]]
) -> Decoded:
    """Decode with replacement characters, warning with the first line that lost bytes."""
    try:
        return _finish(_decode(data, encoding, truncated, "strict"), encoding, warnings)
    except UnicodeDecodeError:
        text = _finish(_decode(data, encoding, truncated, "replace"), encoding, warnings)
    line = text.text[: text.text.index("\ufffd")].count("\n") + 1 if "\ufffd" in text.text else None
    text.warnings.append(
        (line, f"bytes that are not valid {encoding} replaced (first on this line)")
    )
    return text


def _legacy(
    data: bytes, truncated: bool, warnings: list[tuple[int | None, str]], first_bad: int
) -> Decoded:
    """Not UTF-8: mostly UTF-8 with a few bad bytes, or a legacy encoding the detector names."""
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count("\ufffd")
    good = len(replaced) - len(replaced.encode("ascii", "ignore")) - bad
    if good > bad:
        # Real UTF-8 with some damage: a legacy code page would garble every other character.
        decoded = _finish(_decode(data, "utf-8", truncated, "replace"), "utf-8", warnings)
        decoded.warnings.append(
            (first_bad, "bytes that are not valid utf-8 replaced (first on this line)")
        )
        return decoded
    encoding = _detect(data[:_DETECT])
    if encoding is None:
        warnings.append((None, "not UTF-8 and the encoding is not recognised; read as cp1252"))
        encoding = "cp1252"
    else:
        warnings.append((None, f"not UTF-8; read as {encoding} (detected)"))
    return _lossy(data, encoding, truncated, warnings)


def _detect(sample: bytes) -> str | None:
    # charset-normalizer is imported only here: most seeds are UTF-8 and never need it.
    from charset_normalizer import from_bytes

    # UTF-16 and UTF-32 were ruled out by their byte-order marks and NUL pattern before: a
    # detector's guess of them for a few stray bytes reads garbage as CJK text.
    matches = [m for m in from_bytes(sample) if not m.encoding.startswith(("utf_16", "utf_32"))]
    if not matches:
        return None
    best = matches[0]
    if set(best.alphabets) <= _LATIN_ALPHABETS:
        for match in matches:
            if match.encoding == "cp1252" and match.chaos <= best.chaos + _TIE:
                return "cp1252"
        if sample.decode("cp1252", errors="replace") == str(best):
            return "cp1252"  # the same text either way: name the encoding people know
    return str(best.encoding)


def _finish(text: str, encoding: str, warnings: list[tuple[int | None, str]]) -> Decoded:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Decoded(text=text, encoding=encoding, warnings=warnings)
