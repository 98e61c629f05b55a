"""`kickoff index`: find seeds INDEX.md does not list, and list them in the index's own style.

Nothing people wrote is removed or rewritten: the new entries are inserted as whole lines after the
table or list that already holds seeds (or appended at the end), every other byte stays as it was,
line endings and a byte-order mark included. Dangling entries are reported, never deleted.
"""

from __future__ import annotations

import re
from dataclasses import field
from pathlib import Path
from urllib.parse import quote, unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

from seed_kickoff.atomic import atomic_write_text
from seed_kickoff.check import ensure_seeds_dir
from seed_kickoff.errors import OutputError, UsageError
from seed_kickoff.front_matter import split_front_matter
from seed_kickoff.index import (
    INDEX_NAME,
    MAX_INDEX_LINES,
    find_index,
    parse_index_refs,
    read_index,
)
from seed_kickoff.loader import load_seed, read_whole
from seed_kickoff.model import Finding
from seed_kickoff.records import dataclass

_MD = MarkdownIt("commonmark").enable("table")
_ITEM = re.compile(r"^(\s*)([-*+]|(\d+)([.)]))(\s+)")
_LINE = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")  # after each line break, as markdown-it counts them
_TITLE_MAX = 120
NEW_INDEX_HEADER = "# Seeds\n\nThe documents this project starts from.\n\n"


@dataclass(frozen=True)
class NewEntry:
    """A seed to list: its path in the seeds dir, title and (from front matter) source."""

    seed: str
    title: str
    source: str | None = None


@dataclass
class IndexReport:
    """What `kickoff index` found, and what `--write` added."""

    index_path: Path  # INDEX.md, existing or to be created
    exists: bool
    unlisted: list[str]
    dangling: list[Finding]  # INDEX.md entries that name no readable seed inside the dir
    added: list[NewEntry] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return self.exists and not self.unlisted and not self.dangling


def check_index(seeds_dir: Path) -> IndexReport:
    ensure_seeds_dir(seeds_dir)
    index = read_index(seeds_dir)
    listed = {entry.path for entry in index.entries}
    found = find_index(seeds_dir)
    return IndexReport(
        index_path=found or seeds_dir / INDEX_NAME,
        exists=found is not None,
        unlisted=[seed for seed in index.seeds if seed not in listed],
        dangling=[f for f in index.findings if f.code == "index-entry"],
    )


def write_index(seeds_dir: Path) -> IndexReport:
    """List every unlisted seed in INDEX.md (creating it when missing); atomic."""
    report = check_index(seeds_dir)
    if report.exists and not report.unlisted:
        return report
    entries = [new_entry(seeds_dir, seed) for seed in report.unlisted]
    original = _read(report.index_path) if report.exists else ""
    if original.replace("\r\n", "\n").replace("\r", "\n").count("\n") >= MAX_INDEX_LINES:
        # the seeds listed past the lines read would be listed a second time
        raise UsageError(
            f"holds more than {MAX_INDEX_LINES:,} lines, the most kickoff reads; not rewritten",
            str(report.index_path),
        )
    text = add_entries(original, entries, str(report.index_path))
    try:
        atomic_write_text(report.index_path, text)
    except OSError as err:
        raise OutputError(f"cannot write: {err.strerror or err}", str(report.index_path)) from None
    report.added = entries
    report.exists = True
    return report


def new_entry(seeds_dir: Path, rel: str) -> NewEntry:
    """Titled by front matter title, first heading or first line; by its name when it has none."""
    doc = load_seed(seeds_dir, rel)
    return NewEntry(
        rel, _one_line(doc.title or Path(rel).stem), _one_line(doc.source or "") or None
    )


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _TITLE_MAX else text[: _TITLE_MAX - 1] + "…"


def _read(path: Path) -> str:
    try:
        return read_whole(path).decode("utf-8")
    except OSError as err:
        raise UsageError(f"cannot read: {err.strerror or err}", str(path)) from None
    except UnicodeDecodeError:
        raise UsageError("is not valid UTF-8; not rewritten", str(path)) from None


# -- inserting entries -----------------------------------------------------------------------


def add_entries(text: str, entries: list[NewEntry], name: str = INDEX_NAME) -> str:
    """``text`` with a line per entry inserted in the style of the entries it has.

    ``name`` is the index file, for the error raised when no place for the entries exists.
    """
    if not entries:
        return text
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom) :]
    lines = [line for line in _LINE.split(body) if line]
    newline = "\r\n" if "\r\n" in body else "\n"
    if not body.strip():
        new = [*NEW_INDEX_HEADER.splitlines(), *(f"- {_link(e.title, e.seed)}" for e in entries)]
        return bom + _insert(lines, len(lines), new, newline)
    normal = "".join(line.rstrip("\r\n") + "\n" for line in lines)
    skip = split_front_matter(normal, INDEX_NAME).lines
    planned = _plan(normal, skip, entries)
    if planned is not None:
        at, new_lines = planned
        result = _insert(lines, at, new_lines, newline)
        if _lists_all(result, skip, entries):
            return bom + result
    items = [f"- {_link(entry.title, entry.seed)}" for entry in entries]
    tail = [""] if lines and lines[-1].strip() else []
    result = _insert(lines, len(lines), [*tail, *items], newline)
    if not _lists_all(result, skip, entries):
        raise UsageError(
            "ends inside an open code block, comment or similar, where new entries would not"
            " count; close it and run again, or list them by hand",
            name,
        )
    return bom + result


def _insert(lines: list[str], at: int, new_lines: list[str], newline: str) -> str:
    head = list(lines[:at])
    if head and not head[-1].endswith(("\n", "\r")):
        head[-1] += newline  # the last line had no line break; the new line needs one
    inserted = [line + newline for line in new_lines]
    return "".join([*head, *inserted, *lines[at:]])


def _lists_all(text: str, skip: int, entries: list[NewEntry]) -> bool:
    """A safety net: the new text really references every added seed."""
    normal = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    refs = {unquote(ref.ref.strip("<>")) for ref in parse_index_refs(normal, skip)}
    return all(entry.seed in refs for entry in entries)


def _plan(normal: str, skip: int, entries: list[NewEntry]) -> tuple[int, list[str]] | None:
    """Where to insert (0-based line) and the new lines: after the table or list of most seeds."""
    src = normal.split("\n")
    body = "\n" * skip + "\n".join(src[skip:])
    refs = parse_index_refs(normal, skip)
    # The table or list holding the most seeds (the last of equals) sets the style.
    chosen: tuple[int, Token, int] | None = None
    for tok in _MD.parse(body):
        kinds = ("table_open", "bullet_list_open", "ordered_list_open")
        if tok.type not in kinds or tok.level != 0 or tok.map is None:
            continue
        start, end = tok.map
        inside = [ref.line for ref in refs if start < ref.line <= end]
        if inside and (chosen is None or len(inside) >= chosen[0]):
            chosen = (len(inside), tok, inside[-1])
    if chosen is None:
        return None
    _, tok, sample_line = chosen
    assert tok.map is not None
    end = tok.map[1]
    while end > tok.map[0] and not src[end - 1].strip():
        end -= 1
    sample = src[sample_line - 1]
    sample_ref = next(ref for ref in refs if ref.line == sample_line)
    link_text_is_path = sample_ref.title is not None and unquote(sample_ref.title) == unquote(
        sample_ref.ref
    )
    if tok.type == "table_open":
        header = src[tok.map[0]]
        rows = [_table_row(sample, header, sample_ref.ref, e, link_text_is_path) for e in entries]
        if any(row is None for row in rows):
            return None
        return end, [row for row in rows if row is not None]
    match = _ITEM.match(sample)
    if match is None:
        return None
    indent, marker, number, delim, space = match.groups()
    is_link = f"]({sample_ref.ref}" in sample or f"](<{sample_ref.ref}" in sample
    items = []
    for i, entry in enumerate(entries, start=1):
        bullet = f"{int(number) + i}{delim}" if number else marker
        if is_link or not _bare_ok(entry.seed):
            content = _link(entry.seed if link_text_is_path else entry.title, entry.seed)
        else:
            content = f"{entry.seed}{_separator(sample, sample_ref.ref)}{entry.title}"
        items.append(f"{indent}{bullet}{space}{content}")
    return end, items


def _table_row(
    sample: str, header: str, ref: str, entry: NewEntry, link_text_is_path: bool
) -> str | None:
    names = [cell.strip().lower() for cell in _cells(header)]
    sample_cells = _cells(sample)
    ref_col = next((i for i, cell in enumerate(sample_cells) if ref in cell), None)
    if ref_col is None or len(sample_cells) != len(names):
        return None
    cells = [""] * len(names)
    # Columns named Title and Source are filled in; any other stays empty for people to fill.
    for i, name in enumerate(names):
        value = {"title": entry.title, "source": entry.source}.get(name)
        if i != ref_col and value:
            cells[i] = value.replace("|", "\\|")
    if "](" in sample_cells[ref_col] or not _bare_ok(entry.seed):
        text = entry.seed if link_text_is_path else entry.title
        cells[ref_col] = _link(text, entry.seed).replace("|", "\\|")
    else:
        cells[ref_col] = f"`{entry.seed}`" if "`" in sample_cells[ref_col] else entry.seed
    piped = sample.lstrip().startswith("|")
    row = " | ".join(cells)
    return f"| {row} |" if piped else row


def _cells(row: str) -> list[str]:
    inner = row.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return re.split(r"(?<!\\)\|", inner)


def _separator(sample: str, ref: str) -> str:
    after = sample.split(ref, 1)[1] if ref in sample else ""
    match = re.match(r"`?([\s:–—-]+)", after)
    return match.group(1) if match and match.group(1).strip() else ": "


def _bare_ok(seed: str) -> bool:
    """A bare file name in a list or table is only a reference without spaces or odd marks."""
    return re.fullmatch(r"[^\s`|<>]+\.[A-Za-z0-9]{1,10}", seed) is not None


def _link(text: str, seed: str) -> str:
    label = re.sub(r"([\\\[\]])", r"\\\1", text)
    return f"[{label}]({quote(seed, safe='/')})"
