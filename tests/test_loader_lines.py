"""Loader fast paths give the same lines as the plain per-line way."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from seed_kickoff.loader import (
    _MAX_BLANK_RUN,
    BLANKS,
    _shorten_blank_runs,
    _shorten_blank_runs_of,
    load_bytes,
    load_seed,
    read_limited,
)

RUNS = (
    "# Title\n\nshort  run\n"
    + "a"
    + " " * 40
    + "b"
    + "\t" * 50
    + "c\n\n"
    + " " * 33
    + "\n"
    + "x\u3000\t \xa0" * 20
    + "y\n"
    + " " * _MAX_BLANK_RUN
    + "z\nend"
)


@pytest.mark.parametrize("fmt", ["markdown", "text", "rst"])
def test_long_blank_runs_are_cut_on_their_own_lines_only(fmt: str) -> None:
    doc = load_bytes("s", RUNS.encode(), fmt)
    expected = [_shorten_blank_runs(line) for line in RUNS.split("\n")]
    assert doc.lines == expected
    assert doc.lines[3] == "a" + " " * _MAX_BLANK_RUN + "b" + "\t" * _MAX_BLANK_RUN + "c"
    assert doc.lines[2] == "short  run" and doc.lines[-2] == " " * _MAX_BLANK_RUN + "z"


@pytest.mark.parametrize("blank", list(BLANKS))
def test_a_run_of_any_blank_is_cut(blank: str) -> None:
    # The run is found through its UTF-8 bytes first: every blank's bytes must count.
    text = f"# T\n\nx{blank * 40}y\n{'漢' * 40}\u2003z\n"
    lines = text.split("\n")
    _shorten_blank_runs_of(lines, text)
    assert lines == [_shorten_blank_runs(line) for line in text.split("\n")]
    assert lines[2] == f"x{blank * _MAX_BLANK_RUN}y"


def test_long_blank_runs_are_cut_in_html_text() -> None:
    doc = load_bytes("s.html", f"<p>a{'&#32;' * 50}b</p>\n<p>c</p>\n".encode(), "html")
    assert doc.lines[0] == "a" + " " * _MAX_BLANK_RUN + "b"
    assert doc.lines[1] == "c"


def test_load_seed_refuses_links_out_of_the_seeds_dir(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    twin = tmp_path / "seeds-twin"  # shares the seeds dir's name as a prefix
    seeds.mkdir()
    twin.mkdir()
    (twin / "secret.md").write_text("# Secret\n", encoding="utf-8")
    (seeds / "inside.md").write_text("# Inside\n", encoding="utf-8")
    os.symlink(twin / "secret.md", seeds / "out.md")
    os.symlink(seeds / "inside.md", seeds / "in.md")
    out = load_seed(seeds, "out.md")
    assert out.problem == ("unreadable", "leads outside the seeds dir; not read")
    assert load_seed(seeds, "in.md").problem is None
    assert load_seed(seeds, "inside.md").lines[0] == "# Inside"


def test_load_seed_follows_links_to_the_seeds_dir_but_not_out_of_it(tmp_path: Path) -> None:
    seeds, outside = tmp_path / "seeds", tmp_path / "outside"
    (seeds / "sub").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret\n", encoding="utf-8")
    (seeds / "sub" / "inner.md").write_text("# Inner\n", encoding="utf-8")
    (seeds / "top.md").write_text("# Top\n", encoding="utf-8")
    os.symlink(outside, seeds / "away")
    os.symlink(seeds, tmp_path / "alias")  # the seeds dir named through a link
    assert load_seed(seeds, "away/secret.md").problem == (
        "unreadable",
        "leads outside the seeds dir; not read",
    )
    for root in (seeds, tmp_path / "alias"):
        assert load_seed(root, "top.md").lines[0] == "# Top"
        assert load_seed(root, "sub/inner.md").lines[0] == "# Inner"
    assert load_seed(seeds, "missing.md").problem == (
        "unreadable",
        "cannot be read: No such file or directory",
    )


@pytest.mark.parametrize(
    ("front", "line", "words"),
    [
        ("title: !!int x\n", 1, "invalid literal for int()"),
        ("when: !!timestamp 2020-13-45\n", 1, "month must be in 1..12"),
        ("key: @value\n", 2, "found character '@' that cannot start any token"),
        ("a: *unknown\n", 2, "found undefined alias 'unknown'"),
    ],
)
def test_front_matter_errors_are_warnings_with_the_parsers_words(
    front: str, line: int, words: str
) -> None:
    doc = load_bytes(
        "a.md", f"---\n{front}---\n# Spec\n\nThe tool must work.\n".encode(), "markdown"
    )
    assert doc.problem is None and doc.title == "Spec"
    found = [f for f in doc.findings if f.code == "front-matter"]
    assert len(found) == 1 and found[0].line == line
    assert words in found[0].message and found[0].message.startswith("malformed front matter (")


@pytest.mark.parametrize("size", [0, 1, 99, 100, 101, 102, 70_000, 200_000])
def test_read_limited_reads_at_most_one_byte_past_the_limit(tmp_path: Path, size: int) -> None:
    path = tmp_path / "seed.txt"
    data = bytes(i % 251 for i in range(size))
    path.write_bytes(data)
    assert read_limited(path, 100) == data[:101]
    assert read_limited(path, 100_000) == data[:100_001]


def test_read_limited_reads_past_a_size_the_file_does_not_tell() -> None:
    # Files of /proc say they hold 0 bytes; what was read stops at the end, not at the size.
    status = Path("/proc/self/status")
    if not status.exists():
        pytest.skip("no /proc")
    data = read_limited(status, 1_000_000)
    assert os.stat(status).st_size == 0 and b"\nPid:" in data and len(data) > 100
