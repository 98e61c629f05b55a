"""The visible text of an HTML seed, each piece on the source line it came from."""

from __future__ import annotations

from html.parser import HTMLParser

from seed_kickoff.model import LineKind
from seed_kickoff.patterncache import compile_pattern

_HTML_SKIP = frozenset(
    {"script", "style", "head", "template", "noscript", "svg", "iframe", "object"}
)
_HTML_KIND: dict[str, LineKind] = {
    "h1": "heading",
    "h2": "heading",
    "h3": "heading",
    "h4": "heading",
    "h5": "heading",
    "h6": "heading",
    "pre": "code",
    "code": "code",
    "li": "list",
    "dt": "list",
    "table": "table",
    "blockquote": "quote",
}
# Inline styles that hide an element: its text is no more visible than a script's.
_HIDING_STYLE = compile_pattern(r"(?i)(?:display\s*:\s*none|visibility\s*:\s*hidden)")
_HTML_VOID = frozenset(
    {"br", "img", "hr", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"}
)
# What closes each markup opener for html.parser. An opener with no closer after it is text to the
# parser, but before saying so it searches to the end of the text and then tries the next "<": on
# Python before 3.13.5, 240 KB of '<a b="' took 3.5 minutes, '<!--' 20 times less text as long.
# Such openers are written as "&lt;" before parsing, which the parser reads as the same text.
_CLOSERS = (
    ("<", compile_pattern(">")),
    ("<!--", compile_pattern(r"--\s*>")),
    ("<![", compile_pattern(r"\]\s*>")),
)
_CELL = frozenset({"td", "th"})
_ROW = frozenset({"tr"}) | _CELL
_ITEM = frozenset({"dt", "dd", "p"})
_SECTIONING = frozenset({"section", "article", "header", "footer", "nav", "aside", "main"})
_BLOCK = (
    frozenset({"p", "div", "ul", "ol", "dl", "pre", "blockquote", "table", "form", "figure"})
    | frozenset({"details", "address", "fieldset", "h1", "h2", "h3", "h4", "h5", "h6"})
    | _SECTIONING
)  # each closes an open <p>
# The open elements a start tag closes when they are the innermost (HTML lets their end tags be
# left out): without this a "<li hidden>" or "<p hidden>" never closed would hide the rest of the
# list or page.
_CLOSED_BY: dict[str, frozenset[str]] = {
    "li": frozenset({"li", "p"}),
    "dt": _ITEM,
    "dd": _ITEM,
    "tr": _ROW,
    "td": _CELL,
    "th": _CELL,
    "thead": _ROW | {"thead", "tbody", "tfoot"},
    "tbody": _ROW | {"thead", "tbody", "tfoot"},
    "tfoot": _ROW | {"thead", "tbody", "tfoot"},
    "option": frozenset({"option"}),
    **dict.fromkeys(_BLOCK, frozenset({"p"})),
}


class _VisibleText(HTMLParser):
    """Collects visible text, placed on the source line it came from."""

    def __init__(self, line_count: int) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[list[str]] = [[] for _ in range(line_count)]
        self.kinds: list[LineKind] = ["blank"] * line_count
        # Open elements: each one's tag, whether it hides its text, and the kind of the text in it.
        self.stack: list[tuple[str, bool, LineKind]] = []
        self.open: dict[str, int] = {}  # how many elements of each tag are open (end tags look)
        self.skip_depth = 0
        self.title: str | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HTML_VOID:
            return
        closes = _CLOSED_BY.get(tag)
        while closes and self.stack and self.stack[-1][0] in closes:
            self._pop()
        hides = tag in _HTML_SKIP or _hidden(attrs)
        if hides:
            self.skip_depth += 1
        if tag == "title":
            self._in_title = True
        kind = _HTML_KIND.get(tag) or (self.stack[-1][2] if self.stack else "text")
        self.stack.append((tag, hides, kind))
        self.open[tag] = self.open.get(tag, 0) + 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _HTML_VOID or not self.open.get(tag):
            return
        while self._pop() != tag:
            pass

    def _pop(self) -> str:
        """Close the innermost open element; its tag."""
        top, hides, _ = self.stack.pop()
        self.open[top] -= 1
        if hides:
            self.skip_depth -= 1
        if top == "title":
            self._in_title = False
        return top

    def handle_data(self, data: str) -> None:
        if self._in_title and self.title is None and data.strip():
            self.title = " ".join(data.split())[:200]
        if self.skip_depth > 0 or not data.strip():
            return
        kind = self.stack[-1][2] if self.stack else "text"
        line = self.getpos()[0] - 1
        for offset, piece in enumerate(data.split("\n")):
            number = line + offset
            if number >= len(self.parts) or not piece.strip():
                continue
            self.parts[number].append(piece.strip() if kind != "code" else piece.rstrip())
            if self.kinds[number] in ("blank", "text"):
                self.kinds[number] = kind


def _hidden(attrs: list[tuple[str, str | None]]) -> bool:
    """Whether an element's attributes hide it: ``hidden``, or an inline style with ``display:
    none`` or ``visibility: hidden``. Not ``aria-hidden``: it hides from screen readers only, and
    a page saved with a dialog open (react-modal, a cookie banner) sets it on all its content."""
    for name, value in attrs:
        if name == "hidden":
            return True
        if name == "style" and value and _HIDING_STYLE.search(value):
            return True
    return False


def _defuse(text: str) -> str:
    """``text`` with each markup opener that nothing closes written as ``&lt;`` (see _CLOSERS)."""
    for opener, closer in _CLOSERS:
        last = 0
        for match in closer.finditer(text):
            last = match.end()
        if text.find(opener, last) >= 0:
            text = text[:last] + text[last:].replace(opener, "&lt;" + opener[1:])
    return text


def visible_lines(text: str) -> tuple[list[str], list[LineKind], str | None]:
    """One entry per source line: its visible text, its kind, and the document's <title>."""
    line_count = text.count("\n") + 1
    parser = _VisibleText(line_count)
    try:
        parser.feed(_defuse(text))
        parser.close()
    except (AssertionError, ValueError, RecursionError):
        pass  # html.parser gives up on some broken markup; keep what it read so far
    return [" ".join(parts) for parts in parser.parts], parser.kinds, parser.title
