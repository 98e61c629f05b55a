"""kickoff index: --check flags unlisted and dangling; --write lists seeds, keeping every line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, MakeSeeds
from seed_kickoff.errors import UsageError
from seed_kickoff.front_matter import split_front_matter
from seed_kickoff.index import MAX_INDEX_LINES, parse_index_refs, read_index
from seed_kickoff.index_writer import NEW_INDEX_HEADER, NewEntry, add_entries
from test_cli_check import invoke

_LINE = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")


def lines_of(text: str) -> list[str]:
    return [line for line in _LINE.split(text) if line]


def assert_only_inserted(before: str, after: str) -> None:
    """Every line of ``before`` is in ``after``, in order and unchanged (the last may gain a
    line break); nothing else differs but whole inserted lines."""
    old, new = lines_of(before), lines_of(after)
    j = 0
    for i, line in enumerate(old):
        last = i == len(old) - 1
        while j < len(new) and new[j] != line and not (last and new[j].rstrip("\r\n") == line):
            j += 1
        assert j < len(new), f"line {i + 1} of the original was lost: {line!r}"
        j += 1


def test_check_flags_an_unlisted_seed_write_lists_it_then_check_passes(
    tmp_path: Path,
) -> None:
    seeds = Path(shutil.copytree(EXAMPLES, tmp_path / "seeds"))
    before = (seeds / "INDEX.md").read_text()
    code, out, _ = invoke(["index", str(seeds), "--check"])
    assert code == 0 and "lists every seed" in out
    (seeds / "wave-buoy.md").write_text(
        "---\ntitle: Wave buoy logger\nsource: club meeting notes\n---\n# Buoy\n\nText.\n"
    )
    code, out, _ = invoke(["index", str(seeds)])
    assert code == 1 and "unlisted: wave-buoy.md" in out
    code, out, _ = invoke(["index", str(seeds), "--write"])
    assert code == 0 and "added wave-buoy.md (Wave buoy logger)" in out
    after = (seeds / "INDEX.md").read_text()
    assert (
        after
        == before + "| [wave-buoy.md](wave-buoy.md) | Wave buoy logger | club meeting notes |\n"
    )
    code, out, _ = invoke(["index", str(seeds), "--check"])
    assert code == 0
    code, out, _ = invoke(["index", str(seeds), "--write"])
    assert code == 0 and (seeds / "INDEX.md").read_text() == after  # nothing more to add


def test_dangling_entries_are_reported_not_deleted(make_seeds: MakeSeeds) -> None:
    index = "# Seeds\n\n- a.md: first\n- gone.md: left the project\n"
    seeds = make_seeds({"INDEX.md": index, "a.md": "# A\n", "b.txt": "Bee notes\nmore\n"})
    code, out, _ = invoke(["index", str(seeds), "--check"])
    assert code == 1
    assert "unlisted: b.txt" in out and "INDEX.md:4: gone.md: no such file" in out
    code, out, _ = invoke(["index", str(seeds), "--write"])
    assert code == 1 and "added b.txt (Bee notes)" in out and "gone.md" in out
    assert (seeds / "INDEX.md").read_text() == index + "- b.txt: Bee notes\n"


def test_write_creates_a_missing_index(make_seeds: MakeSeeds) -> None:
    seeds = make_seeds({"spec.md": "# Logger spec\n", "sub/notes.txt": "Notes\n"})
    code, out, _ = invoke(["index", str(seeds), "--check"])
    assert code == 1 and "no " in out
    code, _, _ = invoke(["index", str(seeds), "--write"])
    assert code == 0
    index = read_index(seeds)
    assert [e.path for e in index.entries] == ["spec.md", "sub/notes.txt"]
    assert [e.title for e in index.entries] == ["Logger spec", "Notes"]
    assert invoke(["index", str(seeds)])[0] == 0


@pytest.mark.parametrize(
    ("index", "added"),
    [
        # a list of links whose text is the title; CRLF line endings and no final line break
        ("# S\r\n\r\n* [First](a.md)\r\n\r\nAfter.", "* [Bee notes](b.txt)\r\n"),
        # an ordered list continues its numbering
        ("1. a.md - first\n2) x\n\ntext\n", "2. b.txt - Bee notes\n"),
        # a table with a bare file name in backticks and no outer pipes
        ("File | Title\n--- | ---\n`a.md` | First\n\nEnd\n", "`b.txt` | Bee notes\n"),
        # only a link in prose: a list is appended at the end
        ("See [the first](a.md).\n", "\n- [Bee notes](b.txt)\n"),
    ],
)
def test_write_follows_the_style_of_the_index(
    make_seeds: MakeSeeds, index: str, added: str
) -> None:
    seeds = make_seeds({"INDEX.md": index.encode(), "a.md": "# A\n", "b.txt": "Bee notes\n"})
    assert invoke(["index", str(seeds), "--write"])[0] == 0
    after = (seeds / "INDEX.md").read_bytes().decode()
    assert added in after
    assert_only_inserted(index, after)
    assert invoke(["index", str(seeds), "--check"])[0] == 0


def test_a_seed_with_spaces_in_its_name_is_linked(make_seeds: MakeSeeds) -> None:
    seeds = make_seeds({"INDEX.md": "- a.md\n", "a.md": "A\n", "my notes.txt": "Notes\n"})
    assert invoke(["index", str(seeds), "--write"])[0] == 0
    assert "- [Notes](my%20notes.txt)\n" in (seeds / "INDEX.md").read_text()
    assert invoke(["index", str(seeds), "--check"])[0] == 0


def test_an_index_ending_in_an_open_code_block_is_not_written(make_seeds: MakeSeeds) -> None:
    index = "- a.md\n\n```\nnot closed\n"
    seeds = make_seeds({"INDEX.md": "See a.md\n\n```\nopen\n", "a.md": "A\n", "b.md": "B\n"})
    code, _, err = invoke(["index", str(seeds), "--write"])
    assert code == 2 and "INDEX.md: ends inside an open code block" in err
    assert (seeds / "INDEX.md").read_text() == "See a.md\n\n```\nopen\n"
    # With a list before the fence, the entry goes into the list instead.
    (seeds / "INDEX.md").write_text(index)
    assert invoke(["index", str(seeds), "--write"])[0] == 0
    assert (seeds / "INDEX.md").read_text() == "- a.md\n- b.md: B\n\n```\nnot closed\n"


# Lines people might write in an index: prose, headings, lists, tables, quotes, fences, HTML.
_PIECES = st.sampled_from(
    [
        "# Seeds",
        "Some words about [the first seed](a.md).",
        "- a.md: the first",
        "* [First](a.md)",
        "1. a.md",
        "  continued item text",
        "| Seed | Title |",
        "| --- | --- |",
        "| [a.md](a.md) | First |",
        "> a quote",
        "```",
        "<!-- a comment",
        "-->",
        "---",
        "",
        "   ",
        "Ünïcödé tëxt – with dashes",
        "| not | a table",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pieces=st.lists(_PIECES, max_size=14),
    crlf=st.booleans(),
    final_break=st.booleans(),
    names=st.lists(
        st.sampled_from(["b.md", "c d.txt", "sub/e.rst", "f(1).md"]), min_size=1, unique=True
    ),
)
def test_adding_entries_keeps_every_line_and_lists_every_seed(
    pieces: list[str], crlf: bool, final_break: bool, names: list[str]
) -> None:
    newline = "\r\n" if crlf else "\n"
    text = newline.join(pieces) + (newline if final_break and pieces else "")
    entries = [NewEntry(name, f"Title of {name}") for name in names]
    try:
        after = add_entries(text, entries)
    except UsageError:
        return  # no place where an entry would count (an open fence or comment): nothing written
    assert_only_inserted(text, after)
    inserted = len(lines_of(after)) - len(lines_of(text))
    if text.strip():
        assert inserted in (len(entries), len(entries) + 1)  # + a blank line before a new list
    else:
        assert NEW_INDEX_HEADER in after.replace("\r\n", "\n")  # a new index
    normal = after.replace("\r\n", "\n")
    refs = parse_index_refs(normal, split_front_matter(normal, "INDEX.md").lines)
    assert set(names) <= {unquote(ref.ref) for ref in refs}


@pytest.mark.parametrize("newline", ["\n", "\r"])
def test_an_index_past_the_line_limit_is_read_in_part_and_never_rewritten(
    make_seeds: MakeSeeds, newline: str
) -> None:
    # markdown-it makes tokens for every line: 5 MB of "#" lines took 76 s and 3.4 GB.
    index = "- [Spec](spec.md)\n" + "\n" * MAX_INDEX_LINES + "- [Late](late.md)\n"
    seeds = make_seeds({"spec.md": "# Spec\n", "late.md": "# Late\n", "new.md": "# New\n"})
    (seeds / "INDEX.md").write_bytes(index.replace("\n", newline).encode())
    found = read_index(seeds)
    assert [entry.path for entry in found.entries] == ["spec.md"]
    (cut,) = [f for f in found.findings if "the rest is ignored" in f.message]
    assert (cut.path, cut.line) == ("INDEX.md", MAX_INDEX_LINES + 1)
    assert f"more than {MAX_INDEX_LINES:,} lines" in cut.message
    assert found.seeds == ["spec.md", "late.md", "new.md"]  # the rest still judged, unlisted
    # Writing would list late.md a second time: refused, the file left as it was.
    code, _, err = invoke(["index", str(seeds), "--write"])
    assert code == 2 and "INDEX.md" in err and "not rewritten" in err
    assert (seeds / "INDEX.md").read_bytes() == index.replace("\n", newline).encode()
