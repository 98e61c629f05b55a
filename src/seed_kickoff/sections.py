"""Sections that hold nothing but placeholders: a spec template copied and never filled in.

A heading such as "Functional requirements" is evidence of a specification only when something
stands under it. A section whose lines are all placeholders ("TBD", "TODO: describe the users",
"[Describe the goal]", an empty checkbox, a table with empty rows) or that holds nothing at all is
*empty*: its lines, heading and placeholders, are given the kind ``placeholder``, which no rule
reads but ``smell.placeholder`` (the questions still ask what goes there), and so are the header
row and empty rows of a table whose every other row is empty. A placeholder in a section that has
content keeps its kind.

A section runs from its heading to the next heading of the same or a higher level. Levels come
from the source (``#`` marks and setext underlines in Markdown, the order in which underline
characters first appear in reStructuredText and plain text, numbering such as ``2.1``); where a
heading's level cannot be told (HTML, plain text without numbering), its section ends at the next
heading, and a heading followed directly by another that is not below it is taken as its parent,
as empty as that one. Plain text's headings are guesses (a short line standing alone), and a
heading of more than a few words says something itself ("R1. Readings are stored in SQLite"):
under either, a section is empty only when placeholders stand in it, not when nothing does.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace

from seed_kickoff.formats import UNDERLINE
from seed_kickoff.model import Document, Finding, LineKind
from seed_kickoff.patterncache import compile_pattern

# A line that only holds a placeholder, once list markers, checkboxes and emphasis are set aside:
# an upper-case marker (as ``smell.placeholder`` spells them, so "Todo list" is no placeholder),
# a phrase that defers the content, or one bracketed instruction ("[Describe the users]",
# "<project name>", "{{goal}}").
_PLACEHOLDER = compile_pattern(
    (
        r"(?:\w[\w .#/-]{0,40}:\s*)?[\[(<{]*(?:TBD|TBA|TBC|TODO|FIXME|XXX|WIP|N/A|n/a)"
        r"(?:<END>|\s*[:(\]>}–—]|\s+-)"  # not "XXX-large", "TODO-app"
        r"|(?i:to be (?:determined|defined|decided|confirmed|written|added|completed|done)\b"
        r"|coming soon\b|lorem ipsum\b|fill (?:this|me|in)\b"
        # alone, not "Placeholder text reads ..." or "Insert ... fails; ... here"
        r"|placeholder(?:<END>|\s+for\b)|insert\b[^.;]*\bhere<END>)"
        # (a space inside, looked for ahead: two runs around it would backtrack quadratically)
        r"|\[(?=[^\]]* )[^\[\]:/]*\]<END>|<(?=[^>]* )[^<>:/]*><END>|\{\{[\s\w.-]*\}\}<END>"
    ).replace("<END>", r"[\s*_~`.:;!]*$")  # then only closing emphasis and punctuation
)
# What stands before a line's words without being content: blanks, quote and list markers,
# checkboxes, table pipes, emphasis.
_LEAD = compile_pattern(r"[\s>|*_~`#+-]*(?:\d+[.)]\s+)?(?:\[[ xX]?\]\s*)?[\s*_~`]*")
# A template's guidance, set in emphasis: "*Describe who will use the system.*"
_INSTRUCTION = compile_pattern(
    r"\s*(?:[-*+]\s+)?([*_]{1,2})(?i:describe|list|explain|summari[sz]e|outline|provide|add|write"
    r"|enter|insert|specify|define|state|include|fill|replace|give|name)\s[^*_]*\1\s*$"
)
_WORD = compile_pattern(r"\w")
# Longer lines say something, whatever they start with.
_MAX_PLACEHOLDER = 300
# A template's headings name their sections in a few words ("Non-functional requirements").
_TITLE_WORDS = 6
_ATX = compile_pattern(r"\s{0,3}(#{1,6})(?:\s|$)")
_SETEXT = compile_pattern(r"\s{0,3}(=+|-+)\s*$")
_NUMBERED = compile_pattern(r"\s*((?:\d{1,2}|[A-Z])\.(?:\d{1,2}\.?)*)\s+\S")
_TABLE_RULE = compile_pattern(r"[\s|:+=-]*$")

# The code of the warning that names a seed's empty sections (the questions read it).
FINDING_CODE = "placeholder"
# Kinds whose lines hold a section's content.
_CONTENT: frozenset[LineKind] = frozenset({"text", "list", "quote", "code", "table"})
# Kinds of the lines that leave two headings adjacent: blank lines and underlines.
_NOTHING: frozenset[LineKind] = frozenset({"blank", "meta"})


def is_placeholder(line: str) -> bool:
    """Whether a line holds no content of its own: nothing but markup, or a placeholder (in
    every cell, for a table row)."""
    if "|" in line:
        return all(map(_placeholder_text, line.split("|")))
    return _placeholder_text(line)


def _placeholder_text(line: str) -> bool:
    rest = line[_LEAD.match(line).end() :]  # type: ignore[union-attr]  # matches anywhere
    if _WORD.search(rest) is None:
        return True
    return len(rest) <= _MAX_PLACEHOLDER and (
        _PLACEHOLDER.match(rest) is not None or _INSTRUCTION.match(line) is not None
    )


def _statement(heading: str) -> bool:
    """Whether a heading says something, as a requirement does, rather than names a section."""
    words = heading.split()
    # (most headings have too few words to be one: no word looked at)
    return len(words) > _TITLE_WORDS and sum(1 for w in words if _WORD.search(w)) > _TITLE_WORDS


def _levels(doc: Document, headings: Sequence[int]) -> dict[int, int | None]:
    """Each heading's level (1 is the highest), or None where the source does not tell."""
    lines, levels = doc.lines, {}
    underline_order: dict[str, int] = {}  # reStructuredText: levels in order of first use
    for i in headings:
        line, level = lines[i], None
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if doc.format == "markdown":
            atx = _ATX.match(line)
            setext = _SETEXT.match(nxt)
            if atx:
                level = len(atx.group(1))
            elif setext:
                level = 1 if setext.group(1)[0] == "=" else 2
        else:
            underline = UNDERLINE.match(nxt)
            numbered = _NUMBERED.match(line)
            if underline:
                level = underline_order.setdefault(underline.group(1), len(underline_order) + 1)
            elif numbered:
                level = numbered.group(1).rstrip(".").count(".") + 1
        levels[i] = level
    return levels


def _below(level: int | None, parent: int | None) -> bool:
    """Whether a heading of ``level`` lies inside the section of a heading of ``parent``."""
    return level is not None and parent is not None and level > parent


def _placeholder_tables(lines: list[str], kinds: list[LineKind]) -> list[int]:
    """Header rows of tables whose other rows are all empty or placeholders."""
    headers: list[int] = []
    end = -1
    for start in _indices(kinds, "table"):
        if start < end:
            continue  # inside the table found last
        end = start + 1
        while end < len(kinds) and kinds[end] == "table":
            end += 1
        rows = [j for j in range(start, end) if _TABLE_RULE.match(lines[j]) is None]
        # One row alone, with no rule under it, is no table's header: an HTML table's rows stand
        # apart, between the lines of their <tr> tags.
        if (
            rows
            and (len(rows) > 1 or end - start > len(rows))
            and all(is_placeholder(lines[j]) for j in rows[1:])
        ):
            headers.append(rows[0])
    return headers


def _indices(kinds: list[LineKind], kind: LineKind) -> Iterator[int]:
    """The lines of one kind, found by ``list.index`` (in C: most lines are prose)."""
    i = -1
    try:
        while True:
            i = kinds.index(kind, i + 1)
            yield i
    except ValueError:
        return


def empty_sections(doc: Document) -> tuple[list[tuple[int, int]], list[int]]:
    """The empty sections, each as the 0-based lines of its heading and of the line its section
    ends before, and the 0-based lines of the header rows of empty tables (see the module's
    docstring)."""
    kinds, lines = doc.kinds, doc.lines
    if "heading" not in kinds and "table" not in kinds:
        return [], []
    tables = _placeholder_tables(lines, kinds) if "table" in kinds else []
    empty_rows = set(tables)
    # A "heading" that is itself a placeholder (plain text takes a lone "TBD" for one) is content.
    headings = [i for i in _indices(kinds, "heading") if not is_placeholder(lines[i])]
    levels = _levels(doc, headings)
    titled = set(headings)
    said: set[int] = set()  # headings that are content themselves (see below)
    guessed = doc.format == "text"  # plain text's headings are short lines standing alone
    empty: dict[int, bool] = {}
    ends: dict[int, int] = {}  # each heading's section ends before this line
    # Backwards: a heading directly followed by another that is not below it (a title over its
    # first part at one level, or levels the source gets wrong) is as empty as that one.
    for number in range(len(headings) - 1, -1, -1):
        i, level = headings[number], levels[headings[number]]
        following = headings[number + 1] if number + 1 < len(headings) else len(lines)
        below = following < len(lines) and _below(levels[following], level)
        # (but in plain text "3. Serve JSON" before "4. Store in SQLite" is a list, not a parent,
        # and a heading that says something has a state of its own)
        sibling = guessed and level is not None and levels.get(following) is not None
        between = range(i + 1, following)
        if (
            following < len(lines)
            and not below
            and not sibling
            and not _statement(lines[i])
            and all(kinds[j] in _NOTHING for j in between)
        ):
            empty[i], ends[i] = empty[following], following
            continue
        end, later = len(lines), number + 1
        while later < len(headings) and _below(levels[headings[later]], level):
            later += 1
        if later < len(headings):
            end = headings[later]
        empty[i] = not any(
            kinds[j] in _CONTENT and j not in empty_rows and not is_placeholder(lines[j])
            for j in range(i + 1, end)
        ) and not any(h in said for h in headings[number + 1 : later])
        if empty[i] and (guessed or _statement(lines[i])):
            # Nothing under it at all: the "heading" is the content ("1. Store readings in
            # SQLite", one of a list of short requirements), and so of the sections over it.
            empty[i] = any(kinds[j] not in _NOTHING and j not in titled for j in range(i + 1, end))
            if not empty[i]:
                said.add(i)
        ends[i] = end
    return [(i, ends[i]) for i in headings if empty[i]], tables


def mark_empty_sections(doc: Document) -> Document:
    """The document with the lines of its empty sections (and the header rows of its empty
    tables) made ``placeholder``, and a warning that names them; the document itself when it has
    none. Its lines are kept as they are: a report still quotes them."""
    sections, tables = empty_sections(doc)
    if not sections and not tables:
        return doc
    kinds = list(doc.kinds)
    for start, end in sections:  # nothing in them but placeholders and empty sub-sections
        kinds[start:end] = [k if k == "blank" else "placeholder" for k in kinds[start:end]]
    for i in tables:
        kinds[i] = "placeholder"
    headings = [start for start, _ in sections]
    parts = []
    if headings:
        named = ", ".join(str(i + 1) for i in headings[:12])
        more = f" and {len(headings) - 12} more" if len(headings) > 12 else ""
        parts.append(
            f"{len(headings)} section(s) hold only placeholders or nothing (headings on lines "
            f"{named}{more})"
        )
    if tables:
        parts.append(f"{len(tables)} table(s) have only empty rows")
    message = "; ".join(parts) + ": not counted as evidence"
    first = min((*headings, *tables)) + 1
    finding = Finding("warning", message, path=doc.path, line=first, code=FINDING_CODE)
    return replace(doc, kinds=kinds, findings=[*doc.findings, finding])
