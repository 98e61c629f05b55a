"""Per-format parsing: text of a seed -> visible lines and the kind of each line.

Every parser returns one entry per source line, so a signal's line number is the line in the file.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from seed_kickoff.controls import escape_controls
from seed_kickoff.front_matter import split_front_matter
from seed_kickoff.model import Document, LineKind
from seed_kickoff.patterncache import compile_pattern

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


# Markdown nested deeper than this is not a document people wrote; parse it as plain text instead.
_MAX_MD_NESTING = 200
# Searched from each newline: a literal first character lets the engine skip ahead.
_TOO_DEEP = compile_pattern(rf"\n[ >*+-]{{{_MAX_MD_NESTING}}}")

# A heading's underline (plain text, reStructuredText; sections.py reads levels from it).
UNDERLINE = compile_pattern(r"^\s*([=\-~^\"'`#*+:._])\1{2,}\s*$")
_TEXT_LIST = compile_pattern(r"^\s*(?:[-*•◦‣+]|\(?[0-9]{1,3}[.)]|\(?[a-z][.)])\s+\S")
_TEXT_NUMBERED_HEADING = compile_pattern(
    r"^(?:[0-9]{1,2}(?:\.[0-9]{1,2})*\.?|[A-Z]\.|Appendix [A-Z]\.?)\s+\S"
)
# First characters (after blanks) without which UNDERLINE or _TEXT_LIST cannot match: most
# lines start with none of them, and a set look-up costs a fraction of a regex attempt.
_UNDERLINE_FIRST = frozenset("=-~^\"'`#*+:._")
_LIST_FIRST = frozenset("-*•◦‣+(0123456789")
_RST_TABLE_BORDER = compile_pattern(r"^\s*(?:\+[-=+]+\+|=+(?:\s+=+)+)\s*$")
_RST_DIRECTIVE_CODE = compile_pattern(r"^\s*\.\.\s+(?:code-block|code|sourcecode|highlight)::")


def parse_text(rel: str, text: str, fmt: str) -> Document:
    if fmt == "markdown":
        return _parse_markdown(rel, text)
    if fmt == "html":
        return _parse_html(rel, text)
    if fmt == "rst":
        return _parse_rst(rel, text)
    return _parse_plain(rel, text, fmt)


_BLANK_OR_TEXT: dict[bool, LineKind] = {False: "blank", True: "text"}


def _blank_kinds(lines: list[str], strips: Iterable[str] | None = None) -> list[LineKind]:
    """ "blank" or "text" for each line (``strips``: the lines stripped, when the caller has them).
    C-level maps: this runs over every line of every seed."""
    stripped = map(str.strip, lines) if strips is None else strips
    return list(map(_BLANK_OR_TEXT.__getitem__, map(bool, stripped)))


def _first_heading(lines: list[str], kinds: list[LineKind]) -> str | None:
    for line, kind in zip(lines, kinds, strict=True):
        if kind == "heading":
            title = line.strip().lstrip("#").strip().strip("=").strip()
            if title:
                return escape_controls(title[:200])
    return None


def _first_line(lines: list[str], kinds: list[LineKind]) -> str | None:
    for line, kind in zip(lines, kinds, strict=True):
        if kind not in ("blank", "meta") and line.strip():
            return escape_controls(line.strip()[:200]) if len(line.strip()) <= 120 else None
    return None


def _parse_markdown(rel: str, text: str) -> Document:
    lines = text.split("\n")
    fm = split_front_matter(text, rel)
    kinds = _blank_kinds(lines)
    n = len(lines)
    if fm.lines:
        kinds[: fm.lines] = ["meta"] * min(fm.lines, n)
        # The front matter's lines stay in the body as empty lines, so line numbers hold.
        rest = text.split("\n", fm.lines)
        body = "\n" * fm.lines + (rest[fm.lines] if len(rest) > fm.lines else "")
        body_lines = [""] * fm.lines + (lines[fm.lines :] or [""])  # body.split("\n")
    else:
        body, body_lines = text, lines
    for kind, start, end in markdown_blocks(body, body_lines):
        end = min(end, n)
        if kind == "code":
            kinds[start:end] = ["code"] * (end - start)
        elif end - start == 1:  # most blocks (headings, short list items): no list to build
            if kinds[start] != "blank":
                kinds[start] = kind
        else:
            # Inner blocks come later and override outer ones: a heading inside a list stays a
            # heading. Blank lines stay blank, except in code.
            kinds[start:end] = [k if k == "blank" else kind for k in kinds[start:end]]
    title = _str(fm.data.get("title")) or _first_heading(lines, kinds) or _first_line(lines, kinds)
    return Document(
        rel,
        lines,
        kinds,
        "markdown",
        title=title,
        source=_str(fm.data.get("source")),
        findings=list(fm.findings),
    )


def markdown_blocks(body: str, lines: list[str] | None = None) -> list[tuple[LineKind, int, int]]:
    """The blocks that give lines a kind (see markdown_kinds), or none when the nesting is
    pathological (the text is then taken as plain lines). ``lines``: ``body.split("\n")``, if
    the caller has it (splitting again cost a tenth of the parse)."""
    if not _nesting_ok(body):
        return []
    from seed_kickoff.markdown_kinds import block_kinds  # imports markdown-it's tables: lazily

    try:
        return block_kinds(body, lines)
    except RecursionError:
        return []


def markdown_tokens(md: MarkdownIt, body: str) -> list[Token]:
    """markdown-it's block tokens, or none when the nesting is pathological (the text is then
    taken as plain lines rather than risking deep recursion)."""
    if not _nesting_ok(body):
        return []
    try:
        return md.parse(body)
    except RecursionError:
        return []


def _nesting_ok(body: str) -> bool:
    """Refuse pathological nesting (thousands of '>' or list markers) before markdown-it recurses."""
    return _TOO_DEEP.match("\n" + body[:_MAX_MD_NESTING]) is None and not _TOO_DEEP.search(body)


def _str(value: object) -> str | None:
    """A front matter scalar as text; a list or mapping is not a title (and str() of one built
    from YAML aliases could be huge)."""
    if value is None or isinstance(value, (dict, list, set, tuple)):
        return None
    text = str(value).strip()
    return escape_controls(text[:300]) or None


def _parse_plain(rel: str, text: str, fmt: str) -> Document:
    lines = text.split("\n")
    strips = list(map(str.strip, lines))  # once: each line is looked at from its neighbours too
    kinds = _blank_kinds(lines, strips)
    n = len(lines)
    for i, stripped in enumerate(strips):
        if not stripped:
            continue
        line = lines[i]
        prev_blank = i == 0 or kinds[i - 1] == "blank"
        next_blank = i + 1 >= n or not strips[i + 1]
        isolated_short = (
            prev_blank
            and next_blank
            and len(stripped) <= 80
            and not stripped.endswith((".", ",", ";", '"', "”"))
            and len(stripped.split()) <= 10
        )
        if _underline(line, stripped) and i > 0 and kinds[i - 1] != "blank":
            kinds[i - 1] = "heading"
            kinds[i] = "meta"
        elif isolated_short and _TEXT_NUMBERED_HEADING.match(stripped):
            kinds[i] = "heading"  # "1. Introduction" alone between blank lines: RFC-style
        elif stripped.startswith(">"):
            kinds[i] = "quote"
        elif _text_list(line, stripped):
            kinds[i] = "list"
        elif line.startswith(("\t", "        ")) and prev_blank is False and kinds[i - 1] == "code":
            kinds[i] = "code"
        elif isolated_short and (stripped.isupper() or line == stripped):
            kinds[i] = "heading"
        elif prev_blank and _caps_heading(stripped):
            kinds[i] = "heading"  # "RECORDS" right above its paragraph: a memo's heading
        elif prev_blank and line.startswith(("\t", "        ")):
            kinds[i] = "code"
    title = _first_line(lines, kinds)
    return Document(rel, lines, kinds, fmt, title=title)


def _caps_heading(stripped: str) -> bool:
    """Whether ``stripped`` (a line with text after it) is a short line in capitals."""
    return (
        len(stripped) <= 60
        and stripped.isupper()
        and not stripped.endswith((".", ",", ";", '"', "”"))
        and len(stripped.split()) <= 8
    )


def _underline(line: str, stripped: str) -> bool:
    """Whether ``line`` (``stripped``: the line stripped, not empty) is a heading's underline."""
    return stripped[0] in _UNDERLINE_FIRST and UNDERLINE.match(line) is not None


def _text_list(line: str, stripped: str) -> bool:
    """Whether ``line`` (``stripped``: the line stripped, not empty) is a list item."""
    first = stripped[0]
    if first not in _LIST_FIRST and not ("a" <= first <= "z" and stripped[1:2] in (".", ")")):
        return False
    return _TEXT_LIST.match(line) is not None


def _parse_rst(rel: str, text: str) -> Document:
    lines = text.split("\n")
    kinds = _blank_kinds(lines)
    n = len(lines)
    literal_indent: int | None = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if literal_indent is not None:
            if not stripped:
                continue
            if indent > literal_indent:
                kinds[i] = "code"
                continue
            literal_indent = None
        if kinds[i] == "blank":
            continue
        if _RST_TABLE_BORDER.match(line):
            kinds[i] = "table"
            continue
        if _underline(line, stripped):
            kinds[i] = "meta"
            if i > 0 and lines[i - 1].strip() and not UNDERLINE.match(lines[i - 1]):
                kinds[i - 1] = "heading"
            continue
        if stripped.startswith("|") or (i > 0 and kinds[i - 1] == "table" and "|" in stripped):
            kinds[i] = "table"
        elif _text_list(line, stripped):
            kinds[i] = "list"
        elif stripped.startswith(".. "):
            kinds[i] = "meta"
        if _RST_DIRECTIVE_CODE.match(line) or (
            stripped.endswith("::") and not stripped.startswith("..")
        ):
            literal_indent = indent
        if i + 1 < n and kinds[i] == "code":
            continue
    title = _first_heading(lines, kinds) or _first_line(lines, kinds)
    return Document(rel, lines, kinds, "rst", title=title)


def _parse_html(rel: str, text: str) -> Document:
    from seed_kickoff.htmltext import visible_lines  # html.parser: only HTML seeds need it

    lines, kinds, title = visible_lines(text)
    title = escape_controls(title) if title else None
    title = title or _first_heading(lines, kinds) or _first_line(lines, kinds)
    return Document(rel, lines, kinds, "html", title=title)


def parse_pdf(rel: str, data: bytes, max_chars: int = 5 * 1024 * 1024) -> Document:
    """PDF through the optional pypdf extra; one line of text per extracted line, pages in order.

    Extraction stops once ``max_chars`` characters are read, like the byte limit of other seeds.
    """
    try:
        import pypdf  # heavy, and optional: imported only for PDF seeds
    except ImportError:
        doc = Document(rel, [], [], "pdf")
        doc.problem = (
            "unsupported",
            "PDF seeds need the pdf extra: pip install 'seed-kickoff[pdf]'",
        )
        return doc
    pages: list[str] = []
    try:
        with _quiet("pypdf"):
            reader = pypdf.PdfReader(io.BytesIO(data))
            size = 0
            for page in reader.pages:
                pages.append(page.extract_text() or "")
                size += len(pages[-1])
                if size > max_chars:
                    break
    except Exception as err:  # pypdf raises many kinds of errors on broken files
        doc = Document(rel, [], [], "pdf")
        doc.problem = ("unreadable", f"broken PDF: {type(err).__name__}: {err}"[:200])
        return doc
    text = "\n".join(pages)
    if not text.strip():
        doc = Document(rel, [], [], "pdf")
        doc.problem = ("unreadable", "the PDF holds no extractable text (a scan?)")
        return doc
    return _parse_plain(rel, text, "pdf")


@contextlib.contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """Silence a library's log records and warnings (pypdf logs every repair it makes to stderr;
    only the CLI may print, and a broken PDF is already reported as unreadable)."""
    import logging  # only the PDF path needs it

    logger = logging.getLogger(logger_name)  # its modules log to children of this logger
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)
