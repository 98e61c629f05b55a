"""The Markdown line classifier against markdown-it, the parser it replaced (kept here as reference).

Both are run on the same text and must give every line the same kind: fixtures for every
CommonMark block construct and its corner cases, random Markdown-ish documents, the corpus.
"""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.rules_block.html_block import HTML_SEQUENCES

from conftest import SHARED, MakeSeeds, needs_shared
from seed_kickoff import markdown_kinds
from seed_kickoff.decode import decode_bytes
from seed_kickoff.formats import markdown_blocks, markdown_tokens
from seed_kickoff.loader import BLANKS, load_seed
from seed_kickoff.model import LineKind

_MD = MarkdownIt("commonmark").enable("table").disable("inline")
_TOKEN_KINDS: dict[str, LineKind] = {
    "heading_open": "heading",
    "fence": "code",
    "code_block": "code",
    "table_open": "table",
    "list_item_open": "list",
    "blockquote_open": "quote",
}


def reference_blocks(body: str) -> list[tuple[LineKind, int, int]]:
    """What the loader did before: markdown-it's block tokens, mapped to kinds."""
    blocks: list[tuple[LineKind, int, int]] = []
    for tok in markdown_tokens(_MD, body):
        if tok.map is None or tok.nesting == -1:
            continue
        kind = _TOKEN_KINDS.get(tok.type)
        if tok.type == "html_block" and tok.content.lstrip().startswith("<!--"):
            kind = "meta"
        if kind is not None:
            blocks.append((kind, tok.map[0], tok.map[1]))
    return blocks


def paint(body: str, blocks: list[tuple[LineKind, int, int]]) -> list[LineKind]:
    """Kinds per line the way the loader applies blocks (the old loop, line by line)."""
    lines = body.split("\n")
    kinds: list[LineKind] = ["blank" if not line.strip() else "text" for line in lines]
    for kind, start, end in blocks:
        for i in range(start, min(end, len(lines))):
            if kinds[i] == "blank" and kind != "code":
                continue
            kinds[i] = kind
    return kinds


def differences(body: str) -> list[tuple[int, LineKind, LineKind, str]]:
    """(line, markdown-it's kind, our kind, text) for every line where the two disagree."""
    lines = body.split("\n")
    ours = paint(body, markdown_blocks(body))
    theirs = paint(body, reference_blocks(body))
    return [
        (i + 1, a, b, lines[i]) for i, (a, b) in enumerate(zip(theirs, ours, strict=True)) if a != b
    ]


FIXTURES: dict[str, str] = {
    "atx": "# One\n## Two ##\n####### seven is text\n#no space\n#\n   ### indented\n    # code\n",
    "setext": "Title\n=====\n\nSub\ntitle\n---\n\n- item\n---\n\nText\n  ===  \n\nA\n= =\n",
    "hr vs setext": "Para\n\n---\n***\n_ _ _\n- - -\n\ntext\n* * *\nmore\n",
    "fences": (
        "```\ncode\n\n  more\n```\n\n~~~~ python\nx\n~~~\nstill\n~~~~~\n\n``` a`b\nnot code\n"
        "```\n\n   ```\n   indented fence\n   ```\n"
    ),
    "unclosed fence": "text\n\n```js\nlet a;\n\n# not a heading\n",
    "fence in list": "- item\n\n  ```\n  code\n  ```\n- next\n  ```\n  unclosed\nafter\n",
    "indented code": "text\n\n    code\n\n    more code\n\n\ntext\n    continuation\n\n\tcode\n",
    "code vs list continuation": "1. item\n\n    continued para\n\n        code in item\n\n    code\n",
    "lists": (
        "- a\n- b\n  - nested\n    - deeper\n\n      para in deeper\n* new list\n+ another\n\n"
        "1. one\n2) two\n3. three\n\n10. ten\n-\n  empty then content\n\n-\n\nafter empty\n"
    ),
    "ordered interrupts": "para\n2. not a list\n1. a list\n\npara\n- \nstill para\n",
    "lazy": "> quote\nlazy line\n\n- item\nlazy item\n\n> - list in quote\n> more\nlazy\n",
    "quotes": ">no space\n>  two spaces\n> > nested\n> # heading\n>\n> after empty\n\n>\ttab\n",
    "tables": (
        "| a | b |\n| - | :-: |\n| 1 | 2 |\n\na | b\n--|--\n1 | 2\nlazy row\n\n"
        "no | table\n- | -\n\n| x |\n|---|---|\n\n|a|\n|-|\n|1|\n# ends\n\n"
        "head | \\| escaped\n--- | ---\n"
    ),
    "table in list": "- | a | b |\n  |---|---|\n  | 1 | 2 |\n- x\n",
    "html": (
        "<div>\nblock\n\ntext\n\n<!-- a comment\nover lines -->\n\n<!-- one -->\n"
        "<script>\nx\n\n</script>\n\n<span>inline start</span>\npara\n\n<?php x ?>\n<!DOCTYPE html>\n"
        "<![CDATA[\nx\n]]>\n\npara\n<div>\ninterrupted\n\npara\n<custom-tag>\nnot interrupted\n"
    ),
    "references": "[a]: /url\n[b]: <x y> 'title'\n[c]: http://x \"t\"\n===\n\n[not a ref\n---\n",
    "heading in list": "- # heading\n- text\n  ## heading two\n\n> ## quoted heading\n",
    "crlf and tabs": "#\tTab heading\n-\titem\n\tcode\n\n>\t>\tnested\n  \t- item\n\n*\t*\t*\n",
    "front matter like": "---\ntitle: x\n---\n\n# Heading\n",
    "mixed": (
        "Intro\n\n## Requirements\n\n1. The server **must** answer.\n   - within 10 ms\n2. It\n"
        "   wraps\n\n| col | col |\n|-----|-----|\n| a | b |\n\n> Note\n\n```\n$ run\n```\n"
    ),
    "deep nesting": "".join("  " * i + "- item\n" for i in range(30)) + "> " * 30 + "deep\n",
    "deep mixed": "".join(
        "> " * (i % 7)
        + "  " * (i % 5)
        + ["- a", "1. b", "```", "# h", "| a | b |", "|-|-|", "", "    code", "text"][i % 9]
        + "\n"
        for i in range(400)
    ),
    "ends with spaces": "text\n   ",
    "only blank": "\n\n  \n",
}


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_same_kinds_as_markdown_it(name: str) -> None:
    assert differences(FIXTURES[name]) == []


def test_fixtures_cover_every_kind() -> None:
    """The fixtures are not vacuous: together they hold every kind a Markdown line can get."""
    seen = {kind for text in FIXTURES.values() for kind in paint(text, markdown_blocks(text))}
    assert seen == {"text", "heading", "code", "table", "list", "quote", "meta", "blank"}


@pytest.mark.parametrize("name", ["tables", "lists", "quotes", "html"])
def test_crlf_text_as_decoded_gets_the_same_kinds(name: str) -> None:
    text = decode_bytes(FIXTURES[name].replace("\n", "\r\n").encode()).text
    assert differences(text) == []


def test_loader_marks_front_matter_and_keeps_line_numbers(make_seeds: MakeSeeds) -> None:
    seeds = make_seeds({"a.md": "---\ntitle: T\n---\n- item\n\ntext\n\n    code\n# H\n"})
    doc = load_seed(seeds, "a.md")
    assert doc.kinds == [
        *["meta", "meta", "meta", "list", "blank", "text", "blank", "code", "heading", "blank"]
    ]


def test_pathological_nesting_is_plain_text() -> None:
    body = "> " * 300 + "deep\n- x\n"
    assert markdown_blocks(body) == []


def test_the_html_comment_sequence_is_markdown_its() -> None:
    assert HTML_SEQUENCES[markdown_kinds._HTML_COMMENT][0].pattern == "^<!--"


def test_the_copied_tables_are_markdown_its() -> None:
    """markdown_kinds keeps its own copy of two markdown-it tables (importing markdown-it costs
    a one-seed check 40-80 ms); after a markdown-it upgrade this says when they differ."""
    from markdown_it.common.utils import MD_TRIM_CHARS

    def plain(table: list[tuple[re.Pattern[str], re.Pattern[str], bool]]) -> list[object]:
        return [(a.pattern, a.flags, b.pattern, b.flags, c) for a, b, c in table]

    assert plain(markdown_kinds.HTML_SEQUENCES) == plain(HTML_SEQUENCES)
    assert markdown_kinds.MD_TRIM_CHARS == MD_TRIM_CHARS


def test_blanks_are_the_white_space_of_the_rule_patterns() -> None:
    every = (chr(c) for c in range(sys.maxunicode + 1))
    assert set(BLANKS) == {c for c in every if c.isspace() and c != "\n"}


_PIECES = [
    "text",
    "Word and more words",
    "#",
    "# ",
    "## ",
    "####### ",
    "===",
    "---",
    "- - -",
    "***",
    "___",
    "- ",
    "* ",
    "+ ",
    "1. ",
    "2) ",
    "> ",
    ">",
    "```",
    "````",
    "~~~",
    "``` py",
    "    ",
    "  ",
    " ",
    "\t",
    "|",
    " | ",
    "|---|",
    "--|--",
    ":-:",
    "<div>",
    "</div>",
    "<!--",
    "-->",
    "<script>",
    "</script>",
    "<span>",
    "<?",
    "?>",
    "[a]: /u",
    "\\|",
    "\xa0",
    "\u2003",
    "\\",
    "]:",
    '"t"',
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=5).map("".join), max_size=25))
def test_random_markdown_gets_the_same_kinds(lines: list[str]) -> None:
    body = "\n".join(lines)
    assert differences(body) == []


@needs_shared
def test_corpus_gets_the_same_kinds() -> None:
    docs = sorted((SHARED / "corpus" / "docs").glob("*.md"))
    total = 0
    found: list[tuple[str, int, LineKind, LineKind, str]] = []
    for path in docs:
        text = decode_bytes(path.read_bytes()).text
        total += text.count("\n") + 1
        found.extend((path.name, *diff) for diff in differences(text))
    assert docs and total > 1000
    assert found == [], f"{len(found)} of {total} lines differ"


def test_reference_is_markdown_it_itself() -> None:
    """Guard against a reference that cannot fail: it does see structure."""
    kinds = paint("# h\n\n- a\n", reference_blocks("# h\n\n- a\n"))
    assert kinds == ["heading", "blank", "list", "blank"]
