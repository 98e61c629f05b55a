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
from itertools import compress

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
    # Most seeds hold no long line twice, which C-level maps tell without a loop of ours.
    texts = list(map(str.strip, doc.lines))  # what each line says, not its indent
    long_texts = list(compress(texts, map(MIN_CHARS.__le__, map(len, texts))))
    if len(set(long_texts)) == len(long_texts):
        return doc
    kinds = list(doc.kinds)
    seen: set[str] = set()
    prose = repeats = 0
    first_repeat = 0
    for i, line in enumerate(texts):
        if kinds[i] not in _PROSE or len(line) < MIN_CHARS:
            continue
        prose += 1
        if line in seen:
            kinds[i] = "blank"
            repeats += 1
            first_repeat = first_repeat or i + 1
        else:
            seen.add(line)
    if not repeats:
        return doc
    findings = list(doc.findings)
    if repeats >= max(_WARN_MIN, _WARN_SHARE * prose):
        findings.append(
            Finding(
                "warning",
                f"{repeats} of {prose} prose lines of {MIN_CHARS} characters or more repeat an "
                "earlier one word for word: each counted once",
                path=doc.path,
                line=first_repeat,
                code="repeat",
            )
        )
    return replace(doc, kinds=kinds, findings=findings)
