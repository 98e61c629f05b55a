"""Loader fast paths give the same lines as the plain per-line way."""

from __future__ import annotations

import pytest

from seed_kickoff.loader import _MAX_BLANK_RUN, _shorten_blank_runs, load_bytes

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


def test_long_blank_runs_are_cut_in_html_text() -> None:
    doc = load_bytes("s.html", f"<p>a{'&#32;' * 50}b</p>\n<p>c</p>\n".encode(), "html")
    assert doc.lines[0] == "a" + " " * _MAX_BLANK_RUN + "b"
    assert doc.lines[1] == "c"
