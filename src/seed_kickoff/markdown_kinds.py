"""The block structure of a Markdown text, as a kind per line, without building a syntax tree.

This follows markdown-it's CommonMark block parser with GFM tables (the reference the tests compare
with) rule for rule: the same line arrays, the same order of rules, the same container and
laziness handling, the same nesting limit. What it leaves out is what a line's kind does not
need: tokens, inline content, the text of code blocks, link reference storage, debug logging.
That makes it about ten times cheaper. One simplification: a link reference definition (whose
lines keep the kind of their container, as a paragraph's would) is followed over at most 8 lines
and matched by one regular expression (parentheses in its destination nest one level deep).
"""

from __future__ import annotations

import re
from itertools import accumulate, compress, repeat
from operator import add, sub

from seed_kickoff.model import LineKind
from seed_kickoff.patterncache import compile_pattern

# Two tables of markdown-it-py 4, copied: importing markdown-it for them cost 40-80 ms of a
# one-seed check. tests/test_markdown_kinds.py compares them with markdown-it's own.
# The white space its table cells are trimmed of (common/utils.py).
MD_TRIM_CHARS = (
    "\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_HTML_BLOCK_NAMES = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|"
    "dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h1|h2|h3|h4|h5|h6|"
    "head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|"
    "p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul"
)
_HTML_TAG = (
    "^(?:<[A-Za-z][A-Za-z0-9\\-]*(?:\\s+[a-zA-Z_:][a-zA-Z0-9:._-]*(?:\\s*=\\s*(?:[^\"'=<>`\\x00-\\x20]+"
    "|'[^']*'|\"[^\"]*\"))?)*\\s*\\/?>|<\\/[A-Za-z][A-Za-z0-9\\-]*\\s*>)\\s*$"
)
# The HTML blocks: (start, end, whether the start can interrupt a paragraph) (rules_block/
# html_block.py).
HTML_SEQUENCES: list[tuple[re.Pattern[str], re.Pattern[str], bool]] = [
    (
        compile_pattern(r"^<(?a:(script|pre|style|textarea))(?=(\s|>|$))", re.IGNORECASE),
        compile_pattern(r"<\/(?a:(script|pre|style|textarea))>", re.IGNORECASE),
        True,
    ),
    (compile_pattern(r"^<!--"), compile_pattern(r"-->"), True),
    (compile_pattern(r"^<\?"), compile_pattern(r"\?>"), True),
    (compile_pattern(r"^<![A-Za-z]"), compile_pattern(r">"), True),
    (compile_pattern(r"^<!\[CDATA\["), compile_pattern(r"\]\]>"), True),
    (
        compile_pattern(rf"^</?(?a:({_HTML_BLOCK_NAMES}))(?=(\s|/?>|$))", re.IGNORECASE),
        compile_pattern(r"^$"),
        True,
    ),
    (compile_pattern(_HTML_TAG), compile_pattern(r"^$"), False),
]

# markdown-it's commonmark preset stops parsing blocks nested deeper than this.
_MAX_NESTING = 20
# Characters that can start a block which interrupts a paragraph (a table needs a '|' instead).
_INTERRUPTS = frozenset("`~>*-_+0123456789<#")
_HR = compile_pattern(r"([*_-])[ \t]*(?:\1[ \t]*){2,}$")
# First characters of every block but a paragraph (a table aside, which needs a '|').
_NOT_PLAIN = frozenset("`~>*-_+0123456789[<#")
_ORDERED = compile_pattern(r"[0-9]{1,9}[.)](?=[ \t]|$)")
_DELIMITER_CELL = compile_pattern(r":?-+:?")
_UNESCAPED_PIPE = compile_pattern(r"(?<!\\)\|")
# A link reference definition; it may run over a few lines (label, destination, title), which
# reference() joins as markdown-it does.
_RAW_CHAR = r"(?:\\[^\n]|[^ \\()\x00-\x1f\x7f]|\((?:\\[^\n]|[^ \\()\x00-\x1f\x7f])*\))"
_RAW_DESTINATION = rf"(?![<]){_RAW_CHAR}+"
_TITLE = r"(?:\"(?:[^\"\\]|\\[\s\S])*\"|'(?:[^'\\]|\\[\s\S])*'|\((?:[^()\\]|\\[\s\S])*\))"
_REFERENCE = compile_pattern(
    r"\[((?:[^\[\]\\]|\\[\s\S])*)\]:[ \t]*\n?[ \t]*"
    r"(?!(?i:javascript|vbscript|file):|(?i:data):(?!(?i:image/(?:gif|png|jpeg|webp);)))"
    # A backslash ending the line escapes the newline: the destination, and the definition, end.
    rf"(?:(?:{_RAW_DESTINATION})?\\(?=\n|$)"
    rf"|(?:<(?:\\[^\n]|[^<>\n\\])*>|{_RAW_DESTINATION})"
    rf"(?:(?:[ \t]+|[ \t]*\n[ \t]*){_TITLE})?[ \t]*(?=\n|$))"
)
# The start of a definition's label: closed by ']:' on its first line, or going on to the next.
_LABEL_START = compile_pattern(r"\[(?:[^\[\]\\]|\\.)*(?:\]:|\\?$)")
# Lines a reference definition may run over before it is not worth following.
_REFERENCE_LINES = 8
_HTML_STARTS = [(start, can_interrupt) for start, _, can_interrupt in HTML_SEQUENCES]
_HTML_COMMENT = 1  # index of '<!--' in HTML_SEQUENCES: the only HTML block read as meta


def block_kinds(body: str, lines: list[str] | None = None) -> list[tuple[LineKind, int, int]]:
    """(kind, first line, end line) of every block that gives its lines a kind, outer blocks
    before the blocks inside them (0-based lines, end excluded), like markdown-it's token maps.
    ``lines``, when given, must be ``body.split("\n")`` (the caller often has it already)."""
    parser = _Parser(body, body.split("\n") if lines is None else lines)
    parser.tokenize(0, parser.line_max)
    return list(zip(parser.kinds, parser.starts, parser.ends, strict=True))


class _Parser:
    """markdown-it's StateBlock and block rules, reduced to what decides a line's kind."""

    def __init__(self, src: str, lines: list[str]) -> None:
        self.src = src
        if not lines[-1].strip(" \t"):
            lines = lines[:-1]  # markdown-it drops a last line holding nothing but spaces
        n = len(lines)
        # Offsets of each line's start and end, and its leading spaces (markdown-it's bMarks,
        # eMarks, tShift, sCount), each built by C-level maps rather than a loop over lines.
        lengths = list(map(len, lines))
        self.b: list[int] = list(accumulate(map((1).__add__, lengths), initial=0))
        self.b[n] = len(src)  # a fake empty line after the last one
        self.e: list[int] = list(map(add, self.b, lengths))
        self.e.append(len(src))
        self.t: list[int] = list(
            map(sub, lengths, map(len, map(str.lstrip, lines, repeat(" \t", n))))
        )
        self.t.append(0)
        self.s = self.t.copy()
        if "\t" in src:
            for i in compress(range(n), self.t):  # the indented lines only
                if "\t" in lines[i][: self.t[i]]:
                    self.s[i] = _columns(lines[i][: self.t[i]])
        self.bs = [0] * (n + 1)
        self.blk = 0
        self.list_indent = -1
        self.parent = "root"
        self.level = 0
        self.line = 0
        self.line_max = n
        # The blocks found, in markdown-it's token order; an end is filled in once known.
        self.kinds: list[LineKind] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def mark(self, kind: LineKind, start: int, end: int = 0) -> int:
        self.kinds.append(kind)
        self.starts.append(start)
        self.ends.append(end)
        return len(self.ends) - 1

    def empty(self, line: int) -> bool:
        return self.b[line] + self.t[line] >= self.e[line]

    def tokenize(self, start: int, end: int) -> None:
        b, t, e, line_max = self.b, self.t, self.e, self.line_max
        line = start
        while line < end:
            while line < line_max and b[line] + t[line] >= e[line]:
                line += 1
            self.line = line
            if line >= end or self.s[line] < self.blk:
                break
            if self.level >= _MAX_NESTING:
                self.line = end
                break
            self.block(line, end)
            line = self.line
            if line < end and b[line] + t[line] >= e[line]:
                line += 1
                self.line = line

    def block(self, line: int, end: int) -> None:
        """The first block rule that matches at ``line`` (markdown-it's order) consumes it."""
        pos = self.b[line] + self.t[line]
        if self.src.find("|", pos, self.e[line]) >= 0 and self.table_columns(line, end):
            self.table(line, end)
            return
        if self.s[line] - self.blk >= 4:
            self.code(line, end)
            return
        ch = self.src[pos]
        if ch not in _NOT_PLAIN:  # most blocks: no other rule can start with this character
            self.paragraph(line, end)
            return
        # Headings are the commonest of the rest; no other rule starts with '#', so testing
        # them first keeps markdown-it's order.
        if ch == "#" and self.atx(line):
            self.kinds.append("heading")  # mark(), inlined
            self.starts.append(line)
            self.ends.append(line + 1)
            self.line = line + 1
            return
        if ch in "`~" and self.fence_open(line) and self.fence(line, end):
            return
        if ch == ">":
            self.blockquote(line, end)
            return
        if ch in "*-_" and self.hr(line):
            self.line = line + 1
            return
        if (ch in "*-+" or "0" <= ch <= "9") and self.list(line, end):
            return
        if ch == "[" and self.reference(line):
            return
        if ch == "<" and self.html_block(line, end):
            return
        self.paragraph(line, end)

    # -- single-line tests (markdown-it's rules in silent mode) ------------------------------

    def atx(self, line: int) -> bool:
        pos, emax = self.b[line] + self.t[line], self.e[line]
        head = self.src[pos : min(emax, pos + 7)]
        hashes = len(head) - len(head.lstrip("#"))
        return 1 <= hashes <= 6 and (pos + hashes >= emax or self.src[pos + hashes] in " \t")

    def hr(self, line: int) -> bool:
        emax = self.e[line]
        # Most lines starting with '*', '-' or '_' are list items or emphasis: told apart by
        # their last character without the regex (a rule ends in its marker or a blank).
        if self.src[emax - 1] not in "*-_ \t":
            return False
        return _HR.match(self.src, self.b[line] + self.t[line], emax) is not None

    def fence_open(self, line: int) -> tuple[str, int] | None:
        if self.s[line] - self.blk >= 4:
            return None
        pos, emax = self.b[line] + self.t[line], self.e[line]
        if pos + 3 > emax:
            return None
        marker = self.src[pos]
        if marker not in "`~":
            return None
        text = self.src[pos:emax]
        rest = text.lstrip(marker)
        length = len(text) - len(rest)
        if length < 3 or (marker == "`" and "`" in rest):
            return None
        return marker, length

    def html_start(self, line: int) -> int | None:
        """Index of the HTML block type starting at ``line`` (markdown-it's HTML_SEQUENCES)."""
        if self.s[line] - self.blk >= 4:
            return None
        pos, emax = self.b[line] + self.t[line], self.e[line]
        if pos >= emax or self.src[pos] != "<":
            return None
        text = self.src[pos:emax]
        for index, (start, _) in enumerate(_HTML_STARTS):
            if start.search(text):
                return index
        return None

    def list_marker(self, line: int) -> tuple[int, bool]:
        """Position after the list marker at ``line`` (or -1) and whether it is ordered."""
        pos, emax = self.b[line] + self.t[line], self.e[line]
        if pos >= emax:
            return -1, False
        ch = self.src[pos]
        if ch in "*+-":
            return (
                (pos + 1, False) if pos + 1 >= emax or self.src[pos + 1] in " \t" else (-1, False)
            )
        match = _ORDERED.match(self.src, pos, emax) if "0" <= ch <= "9" else None
        return (match.end(), True) if match else (-1, False)

    def list_interrupts(self, line: int) -> bool:
        s = self.s[line]
        if s - self.blk >= 4:
            return False
        if self.list_indent >= 0 and s - self.list_indent >= 4 and s < self.blk:
            return False
        after, ordered = self.list_marker(line)
        if after < 0:
            return False
        if self.parent == "paragraph" and s >= self.blk:
            if ordered and int(self.src[self.b[line] + self.t[line] : after - 1]) != 1:
                return False
            if not self.src[after : self.e[line]].strip(" \t"):
                return False
        return True

    def table_columns(self, line: int, end: int) -> int:
        """How many columns a table starting at ``line`` has (0: no table starts here)."""
        nxt = line + 1
        if line + 2 > end or self.s[nxt] < self.blk or self.s[nxt] - self.blk >= 4:
            return 0
        src = self.src
        pos, emax = self.b[nxt] + self.t[nxt], self.e[nxt]
        if pos + 1 >= emax:
            return 0
        first, second = src[pos], src[pos + 1]
        if first not in "|-:" or second not in "|-: \t" or (first == "-" and second in " \t"):
            return 0
        delimiter = src[pos:emax]
        if delimiter.strip("|-: \t"):
            return 0
        cells = delimiter.split("|")
        aligns = 0
        for i, cell in enumerate(cells):
            cell = cell.strip(MD_TRIM_CHARS)
            if not cell:
                if i == 0 or i == len(cells) - 1:
                    continue
                return 0
            if not _DELIMITER_CELL.fullmatch(cell):
                return 0
            aligns += 1
        header = src[self.b[line] + self.t[line] : self.e[line]].strip(MD_TRIM_CHARS)
        if "|" not in header or self.s[line] - self.blk >= 4:
            return 0
        columns = _cell_count(header)
        return columns if columns == aligns else 0

    def ends_paragraph(self, line: int, end: int) -> bool:
        """markdown-it's 'paragraph' terminator rules (the parent type is 'paragraph')."""
        pos = self.b[line] + self.t[line]
        ch = self.src[pos] if pos < self.e[line] else ""
        if ch in _INTERRUPTS and self.ends_block(line, ch):
            return True
        return self.src.find("|", pos, self.e[line]) >= 0 and self.table_columns(line, end) > 0

    def ends_block(self, line: int, ch: str) -> bool:
        """markdown-it's 'blockquote' terminator rules: fence, blockquote, hr, list, HTML, ATX."""
        if self.s[line] - self.blk >= 4:
            return False
        if ch in "`~":
            return self.fence_open(line) is not None
        if ch == ">":
            return True
        if ch in "*-_" and self.hr(line):
            return True
        if ch in "*-+" or "0" <= ch <= "9":
            return self.list_interrupts(line)
        if ch == "<":
            index = self.html_start(line)
            return index is not None and _HTML_STARTS[index][1]
        return ch == "#" and self.atx(line)

    def ends_list(self, line: int) -> bool:
        """markdown-it's 'list' terminator rules: fence, blockquote, hr."""
        if self.s[line] - self.blk >= 4:
            return False
        pos = self.b[line] + self.t[line]
        if pos >= self.e[line]:
            return False
        ch = self.src[pos]
        if ch in "`~":
            return self.fence_open(line) is not None
        return ch == ">" or (ch in "*-_" and self.hr(line))

    def reference(self, start: int) -> bool:
        """markdown-it's reference rule: the definition's text is joined from the lines that may
        continue it, then matched at once."""
        b, t, e = self.b, self.t, self.e
        # Most '[' lines are links: a label closed by ']' without ':' is no definition.
        if not _LABEL_START.match(self.src, b[start] + t[start], e[start]):
            return False
        parts = [self.src[b[start] + t[start] : e[start]]]
        line = start + 1
        old_parent = self.parent
        self.parent = "reference"
        while line < self.line_max and len(parts) < _REFERENCE_LINES and not self.empty(line):
            lazy = self.s[line] - self.blk >= 4 or self.s[line] < 0
            if not lazy and self.ends_paragraph(line, self.line_max):
                break
            parts.append(self.src[b[line] + t[line] : e[line]])
            line += 1
        self.parent = old_parent
        match = _REFERENCE.match("\n".join(parts))
        if match is None or not match.group(1).strip():
            return False
        self.line = start + match.group().count("\n") + 1
        return True

    def one_line_item(self, start: int, content: int, end: int) -> int:
        """Where the list item whose text starts at ``content`` ends if that text is a one-line
        paragraph that the next line (another item, a blank line, ...) ends and nothing else
        follows inside the item; else -1. What tokenize would find, found faster."""
        src, s, b, t, e, nxt = self.src, self.s, self.b, self.t, self.e, start + 1
        emax = e[start]
        if content >= emax or nxt >= end or self.level >= _MAX_NESTING:
            return -1
        if src[content] in _NOT_PLAIN or src.find("|", content, emax) >= 0:
            return -1
        if s[start] - self.blk >= 4:
            return -1
        old_parent, self.parent = self.parent, "paragraph"  # as the paragraph rule leaves it
        if b[nxt] + t[nxt] >= e[nxt]:
            # tokenize steps over the blank line, then stops at the next line outside the item.
            line = nxt + 1
            if line < end:
                while line < self.line_max and b[line] + t[line] >= e[line]:
                    line += 1
                if line < end and s[line] >= self.blk:
                    self.parent = old_parent
                    return -1
            return line
        if 0 <= s[nxt] < self.blk and self.ends_paragraph(nxt, end):
            return nxt
        self.parent = old_parent
        return -1

    # -- block rules -----------------------------------------------------------------------

    def code(self, start: int, end: int) -> None:
        last = line = start + 1
        while line < end:
            if self.empty(line):
                line += 1
            elif self.s[line] - self.blk >= 4:
                line += 1
                last = line
            else:
                break
        self.line = last
        self.mark("code", start, last)

    def fence(self, start: int, end: int) -> bool:
        opened = self.fence_open(start)
        if opened is None:
            return False
        marker, length = opened
        src, b, t, e, s = self.src, self.b, self.t, self.e, self.s
        closed = False
        line = start
        while True:
            line += 1
            if line >= end:
                break
            pos, emax = b[line] + t[line], e[line]
            if pos < emax and s[line] < self.blk:
                break
            if pos >= len(src):
                break
            if src[pos] != marker or s[line] - self.blk >= 4:
                continue
            text = src[pos:emax]
            rest = text.lstrip(marker)
            if len(text) - len(rest) >= length and not rest.strip(" \t"):
                closed = True
                break
        self.line = line + (1 if closed else 0)
        self.mark("code", start, self.line)
        return True

    def html_block(self, start: int, end: int) -> bool:
        index = self.html_start(start)
        if index is None:
            return False
        close = HTML_SEQUENCES[index][1]
        on_blank = bool(close.search(""))
        src, b, t, e = self.src, self.b, self.t, self.e
        line = start + 1
        if not close.search(src[b[start] + t[start] : e[start]]):
            while line < end:
                if self.s[line] < self.blk and (on_blank or not self.empty(line)):
                    break
                text = src[b[line] + t[line] : e[line]]
                if close.search(text):
                    if text:
                        line += 1
                    break
                line += 1
        self.line = line
        if index == _HTML_COMMENT:
            self.mark("meta", start, line)
        return True

    def paragraph(self, start: int, end: int) -> None:
        """markdown-it's lheading rule, and its paragraph rule when no underline is found (both
        stop at the same line then, so the lines are scanned once)."""
        s, b, t, e, src = self.s, self.b, self.t, self.e, self.src
        old_parent = self.parent
        self.parent = "paragraph"
        blk = self.blk
        line = start + 1
        while line < end:
            pos, emax = b[line] + t[line], e[line]
            if pos >= emax:
                break
            indent = s[line] - blk
            if indent > 3:
                line += 1
                continue
            ch = src[pos]
            # A setext underline: a run of '=' or '-' and nothing but spaces after it.
            if indent >= 0 and ch in "-=" and not src[pos:emax].rstrip(" \t").strip(ch):
                self.parent = old_parent
                self.mark("heading", start, line + 1)
                self.line = line + 1
                return
            if s[line] < 0:
                line += 1
                continue
            # Most lines cannot end a paragraph: tell them by their first character and '|'.
            if (ch in _INTERRUPTS or src.find("|", pos, emax) >= 0) and self.ends_paragraph(
                line, end
            ):
                break
            line += 1
        else:
            # lheading stops at the end of the range; the paragraph rule reads on to lineMax.
            while line < self.line_max and line >= end and not self.empty(line):
                if s[line] - self.blk > 3 or s[line] < 0:
                    line += 1
                    continue
                if self.ends_paragraph(line, self.line_max):
                    break
                line += 1
        self.line = line
        # markdown-it's lheading leaves the parent type at "paragraph" when it fails.
        self.parent = "paragraph"

    def table(self, start: int, end: int) -> None:
        columns = self.table_columns(start, end)
        old_parent = self.parent
        self.parent = "table"
        missing = 0
        line = start + 2
        while line < end:
            if self.s[line] < self.blk:
                break
            pos = self.b[line] + self.t[line]
            ch = self.src[pos] if pos < self.e[line] else ""
            if ch in _INTERRUPTS and self.ends_block(line, ch):
                break
            text = self.src[pos : self.e[line]].strip(MD_TRIM_CHARS)
            if not text or self.s[line] - self.blk >= 4:
                break
            missing += columns - _cell_count(text)
            if missing > 0x10000:
                break
            line += 1
        self.mark("table", start, line)
        self.parent = old_parent
        self.line = line

    def blockquote(self, start: int, end: int) -> None:
        src, b, t, e, s, bs = self.src, self.b, self.t, self.e, self.s, self.bs
        old_line_max, old_parent = self.line_max, self.parent
        self.parent = "blockquote"
        saved: list[tuple[int, int, int, int, int]] = []
        last_empty = False
        line = start
        while line < end:
            outdented = s[line] < self.blk
            pos, emax = b[line] + t[line], e[line]
            if pos >= emax:
                break
            if line == start or (src[pos] == ">" and not outdented):
                pos += 1
                initial = offset = s[line] + 1
                after = src[pos] if pos < len(src) else ""
                adjust_tab = False
                space_after = after in " \t"
                if after == " ":
                    pos += 1
                    initial += 1
                    offset += 1
                elif after == "\t":
                    if (bs[line] + offset) % 4 == 3:
                        pos += 1
                        initial += 1
                        offset += 1
                    else:
                        adjust_tab = True
                saved.append((line, b[line], t[line], s[line], bs[line]))
                b[line] = pos
                while pos < emax:
                    ch = src[pos]
                    if ch == "\t":
                        offset += 4 - (offset + bs[line] + (1 if adjust_tab else 0)) % 4
                    elif ch == " ":
                        offset += 1
                    else:
                        break
                    pos += 1
                last_empty = pos >= emax
                bs[line] = s[line] + 1 + (1 if space_after else 0)
                s[line] = offset - initial
                t[line] = pos - b[line]
                line += 1
                continue
            if last_empty:
                break
            ch = src[pos]
            if ch in _INTERRUPTS and self.ends_block(line, ch):
                self.line_max = line
                if self.blk != 0:
                    saved.append((line, b[line], t[line], s[line], bs[line]))
                    s[line] -= self.blk
                break
            saved.append((line, b[line], t[line], s[line], bs[line]))
            s[line] = -1  # a lazy continuation line
            line += 1
        old_indent = self.blk
        self.blk = 0
        mark = self.mark("quote", start)
        self.level += 1
        self.tokenize(start, line)
        self.level -= 1
        self.line_max = old_line_max
        self.parent = old_parent
        self.ends[mark] = self.line
        for i, old_b, old_t, old_s, old_bs in saved:
            b[i], t[i], s[i], bs[i] = old_b, old_t, old_s, old_bs
        self.blk = old_indent

    def list(self, start: int, end: int) -> bool:
        src, b, t, e, s, bs = self.src, self.b, self.t, self.e, self.s, self.bs
        if s[start] - self.blk >= 4:
            return False
        if self.list_indent >= 0 and s[start] - self.list_indent >= 4 and s[start] < self.blk:
            return False
        after, ordered = self.list_marker(start)
        if after < 0:
            return False
        marker = src[after - 1]
        old_parent = self.parent
        self.parent = "list"
        self.level += 1
        line = start
        while line < end:
            pos, emax = after, e[line]
            initial = offset = s[line] + after - (b[start] + t[start])
            while pos < emax:
                ch = src[pos]
                if ch == "\t":
                    offset += 4 - (offset + bs[line]) % 4
                elif ch == " ":
                    offset += 1
                else:
                    break
                pos += 1
            content = pos
            indent_after = 1 if content >= emax else offset - initial
            if indent_after > 4:
                indent_after = 1
            # mark(), inlined: once per list item
            mark = len(self.ends)
            self.kinds.append("list")
            self.starts.append(start)
            self.ends.append(0)
            self.level += 1
            old_t, old_s, old_list_indent = t[start], s[start], self.list_indent
            self.list_indent = self.blk
            self.blk = initial + indent_after
            t[start] = content - b[start]
            s[start] = offset
            if content >= emax and b[start + 1] + t[start + 1] >= e[start + 1]:
                self.line = min(self.line + 2, end)
            elif (item_end := self.one_line_item(start, content, end)) >= 0:
                self.line = item_end
            else:
                self.tokenize(start, end)
            self.blk = self.list_indent
            self.list_indent = old_list_indent
            t[start], s[start] = old_t, old_s
            self.level -= 1
            line = start = self.line
            self.ends[mark] = line
            if line >= end or s[line] < self.blk or s[line] - self.blk >= 4:
                break
            if self.ends_list(line):
                break
            after, is_ordered = self.list_marker(line)
            if after < 0 or is_ordered != ordered or src[after - 1] != marker:
                break
        self.level -= 1
        self.line = line
        self.parent = old_parent
        return True


def _columns(indent: str) -> int:
    """Width of leading spaces and tabs, tabs to the next multiple of 4."""
    width = 0
    for ch in indent:
        width += 4 - width % 4 if ch == "\t" else 1
    return width


def _cell_count(row: str) -> int:
    """Cells of a table row split at unescaped '|', without empty cells at either end."""
    count = len(_UNESCAPED_PIPE.findall(row)) + 1
    if row.startswith("|"):
        count -= 1
    if count and row.endswith("|") and (len(row) == 1 or row[-2] != "\\"):
        count -= 1
    return count
