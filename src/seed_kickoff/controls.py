"""Control characters: what a report never prints as it is, whatever a seed holds."""

from __future__ import annotations

from seed_kickoff.patterncache import compile_pattern

# C0 and C1 controls but the tab (a newline starts a line a CI log reads as a command, ESC a
# terminal escape sequence, CR overwrites what was printed) and the bidirectional overrides and
# isolates, which make text read otherwise than it is.
CONTROLS = compile_pattern(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    """``text`` with each control character written as its escape (``\\n``, ``\\x1b``,
    ``\\u202e``): what a seed says, shown in a report, cannot act on the terminal or the log."""
    if text.isprintable():  # C-fast, and true of nearly every title and excerpt
        return text
    return CONTROLS.sub(_escape, text)


def _escape(found: object) -> str:
    return ascii(found[0])[1:-1]  # type: ignore[index]
