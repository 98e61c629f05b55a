"""What a seed says twice counts once: a line repeated word for word is no new evidence.

Without this, one sentence that touches every dimension ("The system shall provide an API, store
data in JSON, run on Linux, respond within 100 ms ...") pasted three hundred times reads as a
spec: each rule counts it once per line, up to its cap. Only prose lines long enough to say
something are compared (table rows, code and short lines such as "Returns: None" repeat in real
specifications); a repeat is given the kind ``blank``, so no rule reads it, and its first
occurrence keeps its evidence.
"""

from __future__ import annotations

from dataclasses import replace

from seed_kickoff.model import Document, Finding, LineKind

# Shorter lines repeat in real documents ("For example:", a list's "- Optional").
MIN_CHARS = 30
_PROSE: frozenset[LineKind] = frozenset({"text", "list", "quote"})
# A seed whose prose lines are this share repeats or more, and at least this many, is told so.
_WARN_SHARE = 0.2
_WARN_MIN = 5


def mark_repeats(doc: Document) -> Document:
    """The document with each repeat of an earlier prose line made ``blank``, and a warning when
    repeats are a large share of it; the document itself when nothing repeats."""
    # Stripped as below: a repeat indented differently is found whatever else repeats.
    long_lines = [line for line in map(str.strip, doc.lines) if len(line) >= MIN_CHARS]
    if len(set(long_lines)) == len(long_lines):  # most seeds: no line twice, decided in C
        return doc
    kinds = list(doc.kinds)
    seen: set[str] = set()
    prose = repeats = 0
    first_repeat = 0
    for i, line in enumerate(doc.lines):
        if kinds[i] not in _PROSE:
            continue
        text = line.strip()
        if len(text) < MIN_CHARS:
            continue
        prose += 1
        if text in seen:
            kinds[i] = "blank"
            repeats += 1
            first_repeat = first_repeat or i + 1
        else:
            seen.add(text)
    if not repeats:
        return doc
    findings = list(doc.findings)
    if repeats >= max(_WARN_MIN, _WARN_SHARE * prose):
        findings.append(
            Finding(
                "warning",
                f"{repeats} of {prose} lines repeat an earlier line word for word: each counted "
                "once",
                path=doc.path,
                line=first_repeat,
                code="repeat",
            )
        )
    return replace(doc, kinds=kinds, findings=findings)
