"""Loading: each format becomes lines that keep the source's line numbers, with a kind per line."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SHARED, MakeSeeds
from seed_kickoff.formats import _TEXT_LIST, UNDERLINE, _text_list, _underline, markdown_blocks
from seed_kickoff.loader import load_bytes, load_seed


def test_markdown_front_matter_title_source_and_kinds(make_seeds: MakeSeeds) -> None:
    seeds = make_seeds(
        {
            "a.md": (
                "---\ntitle: The title\nsource: a meeting\n---\n"
                "# Heading\n\nSome text.\n\n```\ncode line\n```\n\n- item\n\n"
                "| a | b |\n| - | - |\n| 1 | 2 |\n\n> quoted\n"
            )
        }
    )
    doc = load_seed(seeds, "a.md")
    assert doc.title == "The title" and doc.source == "a meeting"
    kinds = dict(enumerate(doc.kinds, start=1))
    assert kinds[1] == kinds[4] == "meta"
    assert kinds[5] == "heading"
    assert kinds[7] == "text"
    assert kinds[10] == "code"
    assert kinds[13] == "list"
    assert kinds[15] == kinds[17] == "table"
    assert kinds[19] == "quote"
    assert doc.lines[6] == "Some text."


def test_markdown_title_falls_back_to_first_heading(make_seeds: MakeSeeds) -> None:
    seeds = make_seeds({"a.md": "\n\n## First heading\n\ntext\n"})
    assert load_seed(seeds, "a.md").title == "First heading"


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("---\na: 1\n---", ["meta"] * 3),
        ("---\na: 1\n---\n", [*["meta"] * 3, "blank"]),
        ("---\na: 1\n---\n\n", [*["meta"] * 4, "blank"]),
        ("---\na: 1\n---\n- x\n  y\n", [*["meta"] * 3, "list", "list", "blank"]),
        ("---\na: 1\n---\n    code\n", [*["meta"] * 3, "code", "blank"]),
    ],
)
def test_markdown_after_front_matter(text: str, kinds: list[str]) -> None:
    """The parser gets the lines the loader split, the front matter's blanked: down to a body
    that is nothing at all, they must be the body's own."""
    assert load_bytes("a.md", text.encode(), "markdown").kinds == kinds


def test_markdown_blocks_of_given_lines_are_those_of_the_body() -> None:
    body = "text\n- item\n\n    code\n  \t"
    assert markdown_blocks(body, body.split("\n")) == markdown_blocks(body)


def test_html_visible_text_keeps_source_lines(make_seeds: MakeSeeds) -> None:
    seeds = make_seeds(
        {
            "p.html": (
                "<html><head><title>Page</title>\n<style>p { color: red }</style>\n"
                "<script>var must = 1;</script></head>\n<body>\n<h1>Big heading</h1>\n"
                "<p>The server MUST &amp; will answer.</p>\n<pre>\nGET /x\n</pre>\n"
                "<ul><li>one item</li></ul>\n</body></html>\n"
            )
        }
    )
    doc = load_seed(seeds, "p.html")
    assert doc.title == "Page"
    assert doc.lines[4] == "Big heading" and doc.kinds[4] == "heading"
    assert doc.lines[5] == "The server MUST & will answer."
    assert "GET /x" in doc.lines[7] and doc.kinds[7] == "code"
    assert doc.kinds[9] == "list"
    assert not any("color" in line or "var must" in line for line in doc.lines)


def test_hidden_html_elements_are_not_visible_text(make_seeds: MakeSeeds) -> None:
    # Text a browser never shows cannot make a page a spec: hidden, aria-hidden, inline styles.
    seeds = make_seeds(
        {
            "h.html": (
                "<body><p>Shown.</p>\n<div hidden><p>The server must answer.</p></div>\n"
                '<div style="color: red; DISPLAY : none">The API must return JSON.</div>\n'
                '<p style="visibility:hidden">Stored in SQLite.</p>\n'
                '<div aria-hidden="false"><p>Also shown.</p></div>\n'
                "<div hidden><br><p>unclosed<div></div></div><p>After.</p>\n"
                # aria-hidden hides from screen readers only: a page saved with a dialog open
                # has it on all its content
                '<div id="root" aria-hidden="true"><p>The client shall retry.</p></div></body>\n'
            )
        }
    )
    doc = load_seed(seeds, "h.html")
    assert [line for line in doc.lines if line] == [
        "Shown.",
        "Also shown.",
        "After.",
        "The client shall retry.",
    ]


def test_a_hidden_element_left_unclosed_hides_itself_alone() -> None:
    # HTML lets </li>, </p>, </tr>, </td> be left out: the next item or block closes them.
    page = (
        "<ul><li hidden>Old item<li>The system shall export CSV.\n<li>It runs on Linux.</ul>\n"
        "<p hidden>Draft note\n<h2>Requirements</h2>\n<p>Each user can log in.\n"
        "<table><tr hidden><td>old<tr><td>sku<td>string</table>\n"
        "<dl><dt hidden>x<dd>A term's meaning.</dl>\n"
    )
    doc = load_bytes("u.html", page.encode(), "html")
    assert [line for line in doc.lines if line] == [
        "The system shall export CSV.",
        "It runs on Linux.",
        "Requirements",
        "Each user can log in.",
        "sku string",
        "A term's meaning.",
    ]
    assert doc.kinds[:5] == ["list", "list", "blank", "heading", "text"]


def test_deep_html_with_stray_end_tags_is_read_in_linear_time() -> None:
    page = "<div>" * 50_000 + "</span>" * 50_000 + "<b>x</b>" * 50_000
    # (no clock asserted: scanning the stack of open tags for each stray end tag took 96 s)
    assert load_bytes("d.html", page.encode(), "html").lines[0].startswith("x x")


@pytest.mark.parametrize("opener", ['<a b="', "<?xml ", "<!--", "<![CDATA[", "<!-- x >"])
def test_html_openers_nothing_closes_are_read_in_linear_time(opener: str) -> None:
    # (no clock asserted: before, 60 KB of '<a b="' took 12 s and 240 KB 3.5 minutes)
    page = "<p>The system shall log tides.</p>\n" + opener * 10_000 + "\nlast line"
    doc = load_bytes("o.html", page.encode(), "html")
    assert doc.lines[0] == "The system shall log tides."
    assert doc.lines[1].startswith(opener.strip())
    assert doc.lines[2] == "last line"


def test_rst_headings_and_literal_blocks(make_seeds: MakeSeeds) -> None:
    seeds = make_seeds(
        {
            "s.rst": "Title\n=====\n\nAbstract\n--------\n\nExample::\n\n    code here\n\nback to text\n"
        }
    )
    doc = load_seed(seeds, "s.rst")
    assert doc.title == "Title"
    assert doc.kinds[0] == "heading" and doc.kinds[3] == "heading"
    assert doc.kinds[8] == "code"
    assert doc.kinds[10] == "text"


def test_plain_text_headings_and_lists(make_seeds: MakeSeeds) -> None:
    seeds = make_seeds({"t.txt": "A title\n\n1. Introduction\n\nBody text here.\n\n- a point\n"})
    doc = load_seed(seeds, "t.txt")
    assert doc.title == "A title"
    assert doc.kinds[2] == "heading"
    assert doc.kinds[4] == "text"
    assert doc.kinds[6] == "list"


def test_utf8_bom_and_crlf_keep_line_numbers(make_seeds: MakeSeeds) -> None:
    seeds = make_seeds({"w.txt": b"\xef\xbb\xbffirst\r\nsecond\r\n\r\nfourth\r\n"})
    doc = load_seed(seeds, "w.txt")
    assert doc.lines[:4] == ["first", "second", "", "fourth"]


def test_empty_and_binary_files_are_unreadable(make_seeds: MakeSeeds) -> None:
    seeds = make_seeds({"e.txt": "", "b.bin": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"})
    empty, binary = load_seed(seeds, "e.txt"), load_seed(seeds, "b.bin")
    assert empty.problem is not None and empty.problem[0] == "unreadable"
    assert binary.problem is not None and binary.problem[0] == "unreadable"


def test_oversized_file_is_read_up_to_the_limit(make_seeds: MakeSeeds, tmp_path: Path) -> None:
    seeds = make_seeds({"big.txt": "word " * 1000})
    doc = load_seed(seeds, "big.txt", max_bytes=100)
    assert len(doc.text) <= 100
    assert any(f.code == "too-large" for f in doc.findings)


def test_stray_bytes_are_never_read_as_utf16(make_seeds: MakeSeeds) -> None:
    # Not UTF-8, no NUL pattern: the legacy detector may not turn them into CJK text.
    seeds = make_seeds({"odd.txt": b"caf\xe9 cr\xe8me, na\xefve r\xe9sum\xe9\n"})
    doc = load_seed(seeds, "odd.txt")
    assert doc.lines[0] == "café crème, naïve résumé"
    assert not doc.encoding.startswith("utf-16")


def test_nul_and_control_bytes_together_are_binary(make_seeds: MakeSeeds) -> None:
    seeds = make_seeds({"blob.dat": b"\x00\x01binary\xff"})
    doc = load_seed(seeds, "blob.dat")
    assert doc.problem is not None and doc.problem[0] == "unreadable"


# The characters UNDERLINE and _TEXT_LIST name (written out here, not taken from the sets the
# code checks first), a few they do not, and blanks.
_LINE_CHARS = [*"=-~^\"'`#*+:._•◦‣()0123456789azAZxé", " ", "\t", "\u3000", "\u00a0"]


def test_first_character_tests_agree_with_the_regexes() -> None:
    # The set look-ups before the regexes must never rule out a line the regex matches.
    for prefix in ("", "  ", "\t\u3000"):
        for first in _LINE_CHARS:
            for second in ["", *_LINE_CHARS]:
                for tail in ("", " x", "x y", "  ", "==", ". z"):
                    line = prefix + first + second + tail
                    stripped = line.strip()
                    if stripped:
                        assert _underline(line, stripped) == bool(UNDERLINE.match(line)), line
                        assert _text_list(line, stripped) == bool(_TEXT_LIST.match(line)), line


def test_first_character_tests_agree_on_the_corpus_lines() -> None:
    docs = SHARED / "corpus" / "docs"
    if not docs.is_dir():
        pytest.skip("no corpus in ../shared")
    for path in sorted(docs.iterdir()):
        for line in path.read_text(encoding="utf-8", errors="replace").split("\n"):
            stripped = line.strip()
            if stripped:
                assert _underline(line, stripped) == bool(UNDERLINE.match(line)), line
                assert _text_list(line, stripped) == bool(_TEXT_LIST.match(line)), line
