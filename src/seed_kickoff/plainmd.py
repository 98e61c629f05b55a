"""Markdown made of ATX headings and paragraphs only: its line kinds without markdown-it.

Most small seeds are a title and some paragraphs, and importing markdown-it costs more than the
rest of a one-seed check. A text whose lines cannot open any other block gets its kinds here;
anything else (lists, quotes, code, tables, HTML, setext headings, indented lines) gets None and
goes to markdown-it. tests/test_startup.py checks that both agree.
"""

from __future__ import annotations

import re

from seed_kickoff.patterncache import compile_pattern

# A line start that may open or continue a block other than a paragraph or an ATX heading:
# indentation before text (code, continuation), quote, list, thematic-break and setext markers,
# fences, HTML, table and delimiter rows, ordered-list numbers. Conservative: "-5 dB" or
# "2) ..." inside a paragraph send the text to markdown-it, which is only slower.
_OTHER_BLOCK = compile_pattern(r"^(?:[ \t]+[^ \t\n]|[>*+\-_=`~<|:]|[0-9]{1,9}[.)])", re.MULTILINE)
_ATX_HEADING = compile_pattern(r"#{1,6}(?:[ \t]|$)")


def headings_only(lines: list[str], start: int = 0) -> list[int] | None:
    """The 0-based ATX heading lines of ``lines[start:]``, or None if those lines may hold any
    block but headings and paragraphs (then markdown-it must tell)."""
    body = "\n".join(lines[start:])
    # markdown-it also breaks lines at a lone "\r"; str.split("\n") does not.
    if "\r" in body or _OTHER_BLOCK.search(body):
        return None
    return [i for i in range(start, len(lines)) if _ATX_HEADING.match(lines[i])]
