"""Read INDEX.md (or list the seeds dir) into the seeds to judge, refusing anything outside the dir."""

from __future__ import annotations

import errno
import os
import re
import stat
import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from seed_kickoff.cache import cached_parse, code_signature
from seed_kickoff.controls import CONTROLS, escape_controls
from seed_kickoff.decode import decode_bytes
from seed_kickoff.formats import markdown_tokens
from seed_kickoff.front_matter import index_front_matter
from seed_kickoff.loader import DEFAULT_MAX_BYTES, read_limited, special_kind
from seed_kickoff.model import Finding, IndexEntry, Level, SeedIndex
from seed_kickoff.patterncache import compile_pattern
from seed_kickoff.records import dataclass

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

INDEX_NAME = "INDEX.md"
# Lines of INDEX.md read. markdown-it makes tokens for every line, however short: 5 MB of "#"
# lines took 76 s and 3.4 GB, 200,000 entries 26 s and 600 MB. An index of 1,000 seeds is about
# 1,000 lines; seeds past the limit are still judged, as unlisted ones.
MAX_INDEX_LINES = 20_000

_SCHEME = compile_pattern(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_WINDOWS_DRIVE = compile_pattern(r"^[a-zA-Z]:[\\/]")
# A bare file name in a table cell or at the start of a list item: has an extension, no spaces.
# In backticks the name may hold spaces: - `meeting notes.txt`: what we agreed.
_FILE_NAME = compile_pattern(
    r"^(?:`([^`|<>]+\.[A-Za-z0-9]{1,10})`|([^\s`|<>]+\.[A-Za-z0-9]{1,10}))(?=$|[\s:,;)\-–—])"
)


@cache
def index_markdown() -> MarkdownIt:
    """The INDEX.md parser, made when an index is read (markdown-it costs start-up time)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


@dataclass(eq=False)
class _Ref:
    """A seed reference as INDEX.md writes it."""

    ref: str
    title: str | None
    line: int


def find_index(seeds_dir: Path) -> Path | None:
    """INDEX.md at the top of the seeds dir, matched without regard to case.

    Anything by that name but a directory counts, so that a FIFO or a link that leads out is
    reported as a bad index rather than silently taken for no index.
    """
    exact = seeds_dir / INDEX_NAME
    if os.path.lexists(exact) and not exact.is_dir():
        return exact
    try:
        names = sorted(os.listdir(seeds_dir))
    except OSError:
        return None
    for name in names:
        if name.lower() == INDEX_NAME.lower() and not (seeds_dir / name).is_dir():
            return seeds_dir / name
    return None


def read_index(seeds_dir: Path) -> SeedIndex:
    """The seeds of ``seeds_dir``: those INDEX.md lists, then the files it does not list."""
    index_file = find_index(seeds_dir)
    findings: list[Finding] = []
    front: dict[str, object] = {}
    entries: list[IndexEntry] = []
    refs: list[_Ref] = []
    index_name: str | None = None
    if index_file is None:
        findings.append(
            Finding(
                "warning",
                f"no {INDEX_NAME}: every file in the folder is taken as a seed",
                path=None,
                code="no-index",
            )
        )
    else:
        index_name = index_file.name
        text = _read_index_text(seeds_dir, index_file, findings)
        fm = index_front_matter(text, index_name)
        front = fm.data
        findings.extend(fm.findings)
        refs = _cached_refs(index_file, text, fm.lines)
        entries = _resolve_refs(seeds_dir, index_name, refs, findings)

    listed = {entry.path for entry in entries}
    listing: list[Finding] = []
    on_disk = list_seed_files(seeds_dir, listing)
    # A file INDEX.md names and that was refused there is reported once, with the INDEX line.
    named = listed | {escape_controls(_lexical_path(ref.ref)) for ref in refs}
    findings.extend(f for f in listing if f.path not in named)
    unlisted = [path for path in on_disk if path not in listed]
    if index_name is not None:
        for path in unlisted:
            findings.append(
                Finding(
                    "warning",
                    f"{path} is not listed in {index_name}; judged anyway",
                    path=path,
                    code="unlisted",
                )
            )
    seeds = [entry.path for entry in entries] + unlisted
    return SeedIndex(index_name, front, entries, seeds, findings)


def _cached_refs(index_file: Path, text: str, skip_lines: int) -> list[_Ref]:
    """``parse_index_refs``, from the per-user cache when this text was read before: an unchanged
    INDEX.md (every run of a pre-commit hook) is not parsed again, nor markdown-it imported (about
    0.3 s for 1,000 entries). The entry is keyed on the text, this module's source and markdown-it's
    files, so an edited parser or another markdown-it parses again."""
    found = cached_parse(
        index_file,
        f"{skip_lines}\n{_parser_signature()}\n{text}",
        lambda _: [(ref.ref, ref.title, ref.line) for ref in parse_index_refs(text, skip_lines)],
        name="index-refs",
    )
    return [_Ref(ref, title, line) for ref, title, line in found]


@cache
def _parser_signature() -> str:
    return code_signature((__file__,), ("markdown_it",))


def _read_index_text(seeds_dir: Path, index_file: Path, findings: list[Finding]) -> str:
    """INDEX.md as text, read with the same care as a seed: never outside the dir, never a FIFO,
    never more than the size limit, in any encoding a seed may have."""
    name = index_file.name
    if not Path(os.path.realpath(index_file)).is_relative_to(os.path.realpath(seeds_dir)):
        findings.append(
            Finding("error", f"{name} is a link that leads outside the seeds dir; not read", name)
        )
        return ""
    try:
        data = read_limited(index_file, DEFAULT_MAX_BYTES)
    except OSError as err:
        findings.append(Finding("error", f"{name} cannot be read: {err.strerror or err}", name))
        return ""
    truncated = len(data) > DEFAULT_MAX_BYTES
    decoded = decode_bytes(data[:DEFAULT_MAX_BYTES], truncated)
    if decoded.binary_reason is not None:
        findings.append(Finding("error", f"{name} is not text: {decoded.binary_reason}", name))
        return ""
    if truncated:
        findings.append(
            Finding(
                "warning", f"larger than {DEFAULT_MAX_BYTES:,} bytes; the rest is ignored", name
            )
        )
    findings.extend(Finding("warning", message, name, line) for line, message in decoded.warnings)
    text = decoded.text
    if text.count("\n") >= MAX_INDEX_LINES:
        findings.append(
            Finding(
                "warning",
                f"more than {MAX_INDEX_LINES:,} lines; the rest is ignored",
                name,
                MAX_INDEX_LINES + 1,
            )
        )
        text = "\n".join(text.split("\n", MAX_INDEX_LINES)[:MAX_INDEX_LINES])
    return text


def parse_index_refs(text: str, skip_lines: int = 0) -> list[_Ref]:
    """Every reference to a seed in an INDEX.md body, in order, with its 1-based line.

    ``skip_lines`` leading lines (front matter) are blanked so that line numbers stay true.
    """
    lines = text.split("\n")
    body = "\n" * skip_lines + "\n".join(lines[skip_lines:])
    tokens = markdown_tokens(index_markdown(), body)
    refs: list[_Ref] = []
    in_row = False
    row_found = False
    in_item_first_para = False
    header_cells: list[str] = []
    cell_index = 0
    in_head = False
    for i, tok in enumerate(tokens):
        if tok.type == "thead_open":
            in_head, header_cells = True, []
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open":
            in_row, row_found, cell_index = True, False, 0
        elif tok.type == "tr_close":
            in_row = False
        elif tok.type == "list_item_open":
            in_item_first_para = True
        elif tok.type == "inline" and tok.map is not None:
            first_line = tok.map[0] + 1
            if in_head:
                header_cells.append(tok.content.strip().lower())
                continue
            links = _links(tok, lines, first_line)
            if in_row:
                cell_index += 1
                if row_found:
                    continue
                if links:
                    refs.append(links[0])
                    row_found = True
                else:
                    name = _bare_file_name(tok.content)
                    if name:
                        refs.append(_Ref(name, None, first_line))
                        row_found = True
                continue
            starts_item = in_item_first_para and tokens[i - 1].type == "paragraph_open"
            in_item_first_para = False
            if starts_item and not links:
                name = _bare_file_name(tok.content)
                if name:
                    refs.append(_Ref(name, _title_after(tok.content, name), first_line))
                    continue
            refs.extend(links)
    return [r for r in refs if not _is_external(r.ref)]


def _links(tok: Token, lines: list[str], first_line: int) -> list[_Ref]:
    found: list[_Ref] = []
    children = tok.children or []
    for j, child in enumerate(children):
        if child.type != "link_open":
            continue
        href = str(child.attrs.get("href", ""))
        title_parts = []
        for grand in children[j + 1 :]:
            if grand.type == "link_close":
                break
            title_parts.append(grand.content)
        title = "".join(title_parts).strip() or None
        found.append(_Ref(href, title, _line_of(href, lines, first_line, tok)))
    return found


def _line_of(href: str, lines: list[str], first_line: int, tok: Token) -> int:
    """The line of a multi-line paragraph that holds ``href`` (markdown-it maps only the block)."""
    last_line = tok.map[1] if tok.map else first_line
    raw = unquote(href)
    for number in range(first_line, last_line + 1):
        if number - 1 < len(lines) and (href in lines[number - 1] or raw in lines[number - 1]):
            return number
    return first_line


def _bare_file_name(content: str) -> str | None:
    match = _FILE_NAME.match(content.strip())
    return (match.group(1) or match.group(2)) if match else None


def _title_after(content: str, name: str) -> str | None:
    rest = content.strip().lstrip("`")[len(name) :].strip(" `:-–—\t")
    return rest or None


def _is_external(ref: str) -> bool:
    ref = ref.strip()
    if not ref or ref.startswith("#"):
        return True
    return (
        bool(_SCHEME.match(ref))
        and not ref.lower().startswith("file:")
        and not (_WINDOWS_DRIVE.match(ref))
    )


def _resolve_refs(
    seeds_dir: Path, index_name: str, refs: list[_Ref], findings: list[Finding]
) -> list[IndexEntry]:
    root = seeds_dir.resolve()
    entries: list[IndexEntry] = []
    seen: dict[str, int] = {}
    for ref in refs:
        rel, problem = resolve_reference(seeds_dir, root, ref.ref)
        if problem is not None:
            findings.append(
                Finding("error", problem, path=index_name, line=ref.line, code="index-entry")
            )
            continue
        assert rel is not None
        if rel.lower() == index_name.lower():
            continue
        if rel in seen:
            findings.append(
                Finding(
                    "warning",
                    f"{rel} is listed twice (first on line {seen[rel]}); judged once",
                    path=index_name,
                    line=ref.line,
                    code="index-duplicate",
                )
            )
            continue
        seen[rel] = ref.line
        title = escape_controls(ref.title) if ref.title is not None else None
        entries.append(IndexEntry(ref.ref, rel, title, ref.line))
    return entries


def resolve_reference(seeds_dir: Path, root: Path, ref: str) -> tuple[str | None, str | None]:
    """(relative POSIX path, None) for a seed inside the dir, or (None, why it is refused)."""
    raw = ref.strip()
    if raw.startswith("<") and raw.endswith(">"):
        raw = raw[1:-1]
    raw = unquote(raw.split("#", 1)[0].split("?", 1)[0]) if "://" not in raw else raw
    shown = escape_controls(ref.strip())
    if raw.lower().startswith("file:"):
        return None, f"{shown}: refers outside the seeds dir (file URL); not read"
    if not raw:
        return None, f"{shown}: empty reference"
    odd = odd_name(raw)
    if odd is not None:
        return None, f"{shown}: a file name {odd[1]}; not read (rename the file)"
    if raw.startswith(("/", "\\")) or _WINDOWS_DRIVE.match(raw):
        return None, f"{shown}: absolute path, outside the seeds dir; not read"
    parts = [p for p in re.split(r"[\\/]", raw) if p not in ("", ".")]
    depth = 0
    for part in parts:
        depth += -1 if part == ".." else 1
        if depth < 0:
            return None, f"{shown}: refers outside the seeds dir; not read"
    parts = _on_disk_spelling(seeds_dir, parts)
    # Plain strings and one stat: an INDEX.md of 10,000 entries is resolved in a fraction of a
    # second (pathlib's resolve, exists, is_dir and stat took 66 µs an entry).
    candidate = os.path.join(seeds_dir, *parts)
    inside = os.path.join(root, "")
    try:
        exists = os.path.lexists(candidate)
        resolved = os.path.realpath(candidate)
        if resolved != str(root) and not resolved.startswith(inside):
            if exists:
                return None, f"{shown}: a link that leads outside the seeds dir; not read"
            return None, f"{shown}: refers outside the seeds dir; not read"
        if not exists:
            return None, f"{shown}: no such file in the seeds dir"
        try:
            mode = os.stat(resolved).st_mode
        except OSError as err:
            if err.errno == errno.ELOOP:
                raise
            return None, f"{shown}: a broken link; not read"
        if stat.S_ISDIR(mode):
            return None, f"{shown}: is a directory, not a seed file"
        kind = special_kind(mode)
    except (OSError, ValueError) as err:
        if getattr(err, "errno", None) == errno.ELOOP:
            return None, f"{shown}: a symbolic link loop; not read"
        return None, f"{shown}: cannot be resolved; not read"
    if kind is not None:
        return None, f"{shown}: is {kind}, not a seed file; not read"
    if ".." in parts:
        # "sub/../spec.md" is "spec.md": named by the folder it is really in, or listing it
        # both ways made one file two seeds, and two specs for the gate.
        folder = os.path.relpath(os.path.realpath(os.path.join(seeds_dir, *parts[:-1])), root)
        if folder == ".." or folder.startswith(".." + os.sep):
            return None, f"{shown}: refers outside the seeds dir; not read"
        parts = [*([] if folder == "." else folder.split(os.sep)), parts[-1]]
    return "/".join(parts), None


def _lexical_path(ref: str) -> str:
    """The relative path a reference spells, without looking at the disk."""
    raw = unquote(ref.strip().strip("<>").split("#", 1)[0].split("?", 1)[0])
    return "/".join(p for p in re.split(r"[\\/]", raw) if p not in ("", "."))


def _on_disk_spelling(seeds_dir: Path, parts: list[str]) -> list[str]:
    """``parts`` with each missing name replaced by the one on disk that differs only in Unicode
    normalisation: INDEX.md typed on one system says "café" (NFC), the file saved on macOS is
    "café" (NFD); both are the same name to a person."""
    found: list[str] = []
    here = seeds_dir
    for part in parts:
        if part != ".." and not part.isascii() and not os.path.lexists(here / part):
            wanted = unicodedata.normalize("NFC", part)
            try:
                names = sorted(os.listdir(here))
            except OSError:
                names = []
            part = next((n for n in names if unicodedata.normalize("NFC", n) == wanted), part)
        found.append(part)
        here = here / part
    return found


def list_seed_files(seeds_dir: Path, findings: list[Finding]) -> list[str]:
    """Every non-hidden regular file below the seeds dir except the index, sorted.

    Links that lead outside the dir are refused with an error and never opened.
    """
    root = seeds_dir.resolve()
    found: list[str] = []
    for dirpath, dirnames, filenames, regular in walk(str(seeds_dir)):
        here = Path(dirpath)
        prefix = here.relative_to(seeds_dir).as_posix()  # "." for the seeds dir itself
        for name in sorted(dirnames):
            if not name.startswith(".") and (here / name).is_symlink():
                rel = name if prefix == "." else f"{prefix}/{name}"
                message = f"{rel} is a link to a directory; not followed (list its files instead)"
                findings.append(Finding("warning", message, path=rel, code="not-a-seed"))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            rel = name if prefix == "." else f"{prefix}/{name}"
            if prefix == "." and name.lower() == INDEX_NAME.lower():
                continue
            odd = odd_name(rel)
            if odd is not None:
                shown, why = odd
                message = f"{shown} has a name {why}; skipped (rename it to judge it)"
                findings.append(Finding("warning", message, path=shown, code="not-a-seed"))
                continue
            # A regular file (as the directory listing tells, with no call per file) is a seed.
            problem = None if name in regular else _not_a_seed(here / name, root)
            if problem is not None:
                level, message = problem
                findings.append(Finding(level, f"{rel} {message}", path=rel, code="not-a-seed"))
                continue
            found.append(rel)
    return found


def walk(top: str) -> Iterator[tuple[str, list[str], list[str], set[str]]]:
    """``os.walk(top)``: top down, links to directories listed but not followed, unreadable
    directories skipped; but with a stack instead of recursion, so that a tree nested a thousand
    folders deep is walked too (``os.walk`` hits Python's recursion limit before Python 3.12).
    The caller may prune the directory names, as with ``os.walk``. Each directory comes with the
    names of its regular files that are no links, as the listing tells (no system call a file
    where the file system gives each entry's type)."""
    stack = [top]
    while stack:
        here = stack.pop()
        dirnames: list[str] = []
        filenames: list[str] = []
        regular: set[str] = set()
        try:
            with os.scandir(here) as entries:
                for entry in entries:
                    try:
                        is_dir = entry.is_dir()
                        if not is_dir and entry.is_file(follow_symlinks=False):
                            regular.add(entry.name)
                    except OSError:
                        is_dir = False
                    (dirnames if is_dir else filenames).append(entry.name)
        except OSError:
            continue
        yield here, dirnames, filenames, regular
        # Pushed last to first: the first directory's whole tree comes next, as in os.walk.
        for name in reversed(dirnames):
            path = os.path.join(here, name)
            if not os.path.islink(path):
                stack.append(path)


def odd_name(name: str) -> tuple[str, str] | None:
    """How to show ``name``, and what is wrong with it, when it cannot be a seed's name: bytes
    that are not UTF-8 (which Python keeps as surrogates; INDEX.md cannot name them, no report can
    show them) become U+FFFD, control characters escapes. None for a good name."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        try:
            shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeEncodeError:  # a lone surrogate of a UTF-16 (Windows) name
            shown = name.encode("utf-8", "backslashreplace").decode("utf-8")
        return escape_controls(shown), "that is not UTF-8"
    if CONTROLS.search(name):
        return escape_controls(name), "with a control character"
    return None


def _not_a_seed(full: Path, root: Path) -> tuple[Level, str] | None:
    """Why a directory entry is not judged: a link out (an error: someone meant it as a seed),
    a loop or broken link, a FIFO, device or socket (warnings). None for a regular file."""
    try:
        target = full
        # The walk does not follow linked directories, so only a link itself can lead out.
        if full.is_symlink():
            target = full.resolve()
            if not target.is_relative_to(root):
                return "error", "is a link that leads outside the seeds dir; not read"
        mode = target.stat().st_mode
    except RuntimeError:
        return "warning", "is a symbolic link loop; skipped"
    except OSError as err:
        if err.errno == errno.ELOOP:
            return "warning", "is a symbolic link loop; skipped"
        return "warning", "is a broken link; skipped"
    kind = special_kind(mode)
    return None if kind is None else ("warning", f"is {kind}, not a regular file; skipped")
