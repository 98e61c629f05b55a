"""The Hyperscan prefilter names at least every line a pattern matches (analyse.py's scanner
tests check the signals under it; these check its parts)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seed_kickoff import prefilter
from seed_kickoff.prefilter import (
    ASCII_CASE_PARTNERS,
    Untranslatable,
    encode,
    placeholder,
    scan_reports,
    translate,
)

ALL_CHARS = "".join(chr(c) for c in range(0x80, sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)


def test_placeholders_keep_what_re_sees() -> None:
    """A non-ASCII character's placeholder is a word, digit or space character exactly when the
    character is one for re, and lowercasing a character keeps its placeholder."""
    stand_ins = "".join(placeholder(ch) for ch in ALL_CHARS)
    for cls in (r"\w", r"\d", r"\s", r"\b"):
        regex = re.compile(cls)
        assert [m.start() for m in regex.finditer(ALL_CHARS)] == [
            m.start() for m in regex.finditer(stand_ins)
        ], cls
    changed = [
        ch
        for ch in ALL_CHARS
        if len(ch.lower()) == 1
        and not ch.lower().isascii()
        and placeholder(ch.lower()) != placeholder(ch)
    ]
    assert not changed, changed[:5]


def test_encoding_keeps_offsets_and_refuses_ascii_case_partners() -> None:
    assert encode("naïve “café” ٣ ms\u00a0x") == b"na_ve \x7fcaf_\x7f 0 ms x"
    partners = set(re.findall(r"(?i)[a-z0-9_]", ALL_CHARS))
    assert partners == ASCII_CASE_PARTNERS
    for partner in partners:
        assert encode(f"ok {partner}") is None
    assert encode("Straße") == b"Stra_e"  # its uppercase is "SS", but re never matches that


def test_translations_match_at_least_what_re_matches_within_a_line() -> None:
    hyperscan = pytest.importorskip("hyperscan")
    cases = {
        r"\bapi\b": ["the api", "API", "rapid"],
        r"[^a-z_]{3}": ["ÉÉÉ", "a__", "1.2"],
        r"(?i)straße": ["STRASSE", "Straße", "STRAẞE"],
        r"^\s*[-*]\s+(add|fix)\w*": ["  - add", "\u00a0* fixed", "x - add"],
        r"(?<![\w-])TBD(?!\w)": ["x-TBD", "TBD.", "é TBD"],
        r"\d+\s?(ms|µs)\b": ["٣٣ ms", "12µs", "5 MS"],
        r"end$": ["the end", "ending"],
        r"(\w+) \1": ["the the", "é é"],
    }
    # (flags, lowered): as written, case-insensitive, and as a lowercase twin whose re runs over
    # the lowercased line while Hyperscan reads the line itself
    for source, lines in cases.items():
        for flags, lowered in ((re.M, False), (re.M | re.I, False), (re.M, True)):
            database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            database.compile(
                expressions=[translate(source, flags, lowered).encode()],
                flags=[hyperscan.HS_FLAG_MULTILINE | hyperscan.HS_FLAG_ALLOWEMPTY],
            )
            for line in lines:
                encoded = encode(line)
                if encoded is None:
                    continue
                reported = [end for end, _ in scan_reports(database, encoded)]
                if re.search(source, line.lower() if lowered else line, flags):
                    assert reported == [len(line)], (source, flags, line)  # once, at its end
                else:
                    assert len(reported) <= 1


@pytest.mark.parametrize(
    ("source", "before", "after"),
    [
        # Hyperscan 5.4 misses these at the end of the data after a line of 11 bytes or more:
        (r"[ \t]a", b"", b"\n555 a"),  # where the data ends
        (r"\d$", b"\n", b"I\n55"),  # before a newline that ends it (found by a random test)
    ],
)
def test_a_match_that_ends_the_text_is_reported(source: str, before: bytes, after: bytes) -> None:
    hyperscan = pytest.importorskip("hyperscan")
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(
        expressions=[translate(source, re.M, False).encode()],
        flags=[hyperscan.HS_FLAG_MULTILINE | hyperscan.HS_FLAG_ALLOWEMPTY],
    )
    for fives in (10, 11, 40):
        text = before + b"5" * fives + after
        assert [end for end, _ in scan_reports(database, text)] == [len(text)], fives


def test_untranslatable_patterns() -> None:
    with pytest.raises(Untranslatable):
        translate(r"(?a)\w+", 0)
    with pytest.raises(Untranslatable):
        translate(r"(unclosed", 0)


def test_the_database_is_cached_and_a_damaged_entry_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("hyperscan")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    patterns = [translate(r"\bserver\b", re.M), translate(r"client", re.M, lowered=True), None]
    text = "The server\nno\nthe Client and the server"
    expected = {0: [0, 2], 1: [2]}
    assert prefilter.build(patterns, compile_database=False) is None  # not compiled yet
    first = prefilter.build(patterns)
    assert first is not None and first.lines(text) == expected and first.unfiltered == {2}
    (entry,) = (tmp_path / "seed-kickoff").glob("prefilter-*.bin")
    entry.write_bytes(b"not a database")
    assert prefilter.build(patterns, compile_database=False) is None  # damaged: not used
    again = prefilter.build(patterns)
    assert again is not None and again.lines(text) == expected
    assert prefilter.build(patterns, compile_database=False) is not None
    assert prefilter.build(patterns).lines("Kelvin \u212a server") is None  # type: ignore[union-attr]


def test_a_pattern_hyperscan_refuses_searches_every_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("hyperscan")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    refused = prefilter.build(["(?:unbalanced", translate("ok", re.M)])
    assert refused is not None
    assert refused.unfiltered == {0}
    assert refused.lines("ok\nno\nok") == {1: [0, 2]}


def test_without_hyperscan_there_is_no_prefilter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "hyperscan", None)  # import fails as if not installed
    assert prefilter.build([translate("x", 0)]) is None


def test_a_scan_that_fails_leaves_the_text_to_the_plain_scanner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hyperscan = pytest.importorskip("hyperscan")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    built = prefilter.build([translate("ok", re.M)])
    assert built is not None

    class Busy:
        def scan(self, *args: object, **kwargs: object) -> None:
            raise hyperscan.ScratchInUseError("error code -10")

    built._databases = [(None, Busy())]
    assert built.lines("ok") is None


def test_a_scoped_pattern_is_scanned_over_the_lines_of_its_scope(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It reports lines of its scope only, by their place in the whole text."""
    pytest.importorskip("hyperscan")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    headings = frozenset({"heading"})
    patterns = [translate("ok", re.M), translate("ok$", re.M), translate("^#", re.M)]
    built = prefilter.build(patterns, scopes=[None, headings, headings])
    assert built is not None
    rows = ["ok", "# ok", "not ok", "# ok here", "#"]
    kinds = ["text", "heading", "text", "heading", "text"]

    def in_scope(scope: frozenset[str]) -> list[int]:
        return [i for i, kind in enumerate(kinds) if kind in scope]

    assert built.lines("\n".join(rows), rows, in_scope) == {0: [0, 1, 2, 3], 1: [1], 2: [1, 3]}


def test_no_prefilter_when_hyperscan_compiles_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a CPU Hyperscan cannot use, every compile fails: the scanner's trie is better than a
    prefilter that lets every line through."""
    pytest.importorskip("hyperscan")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(prefilter, "_compile", lambda hyperscan, chosen: None)
    assert prefilter.build([translate("ok", re.M), translate("no", re.M)]) is None


def test_large_repeat_counts_are_widened() -> None:
    """Hyperscan takes seconds to compile "{1,5000}"; "{1,}" matches wherever it did."""
    assert translate(r"a.{1,5000}b", 0).count("{1,}") == 1
    assert "{100,}" in translate(r"(?:ab){300,400}", 0)
    assert "{0,60}" in translate(r"a.{0,60}b", 0)


# Pieces of patterns: every construct the translation handles, over characters of every class.
_ATOMS = [
    "a",
    "Z",
    "é",
    "É",
    "٣",
    "_",
    " ",
    "\\.",
    "-",
    "’",
    "\\u00a0",
    "k",
    "s",
    "i",
    ".",
    "\\w",
    "\\W",
    "\\d",
    "\\D",
    "\\s",
    "\\S",
    "[a-z]",
    "[^a-z]",
    "[A-Zé]",
    "[^\\w\\s]",
    "[^_0-9]",
    "[\\d\\s,]",
    "[^ ]",
    "[ä-ü]",
    "[^\\n.]",
]
_ASSERTIONS = ["\\b", "\\B", "^", "$", "(?=a)", "(?!\\w)", "(?<=\\s)", "(?<![\\w-])"]


def _pattern(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.integers(0, 9 if depth < 2 else 5))
        if kind <= 3:
            parts.append(draw(st.sampled_from(_ATOMS)))
        elif kind == 4:
            parts.append(draw(st.sampled_from(_ASSERTIONS)))
        elif kind == 5:
            atom = draw(st.sampled_from(_ATOMS))
            parts.append(
                atom + draw(st.sampled_from(["*", "+", "?", "{2}", "{1,3}", "{2,}", "+?"]))
            )
        elif kind <= 7:
            alternatives = [_pattern(draw, depth + 1) for _ in range(draw(st.integers(2, 3)))]
            parts.append("(" + "|".join(alternatives) + ")")
        elif kind == 8:
            parts.append("(?i:" + _pattern(draw, depth + 1) + ")")
        else:
            parts.append(
                "(" + _pattern(draw, depth + 1) + ")" + draw(st.sampled_from(["*", "?", "{1,2}"]))
            )
    return "".join(parts)


patterns = st.composite(_pattern)()
_TEXT = st.text(alphabet=st.sampled_from(list("aZzkKsSiI_ -.,’é É٣5\u00a0\tx")), max_size=12)


@settings(max_examples=1000, deadline=None)
@given(patterns, st.lists(_TEXT, min_size=1, max_size=4), st.booleans(), st.booleans())
def test_random_translations_match_at_least_what_re_matches(
    source: str, lines: list[str], ignorecase: bool, lowered: bool
) -> None:
    """For any pattern and lines, Hyperscan reports every line on which re finds a non-empty
    match (over the lowercased line for a lowercase twin), once, at the line's end."""
    hyperscan = pytest.importorskip("hyperscan")
    flags = re.M | (re.I if ignorecase and not lowered else 0)
    try:
        regex = re.compile(source, flags)
    except re.error:
        return
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    try:
        database.compile(
            expressions=[translate(source, flags, lowered).encode()],
            flags=[hyperscan.HS_FLAG_MULTILINE | hyperscan.HS_FLAG_ALLOWEMPTY],
        )
    except hyperscan.error:
        return  # refused ("can never match", say): the scanner searches every line for it
    text = "\n".join(lines)
    encoded = encode(text)
    assert encoded is not None
    ends = [end for end, _ in scan_reports(database, encoded)]
    start = 0
    for line in lines:
        end = start + len(line)
        searched = line.lower() if lowered else line
        if any(m.end() > m.start() for m in regex.finditer(searched)):
            assert end in ends, (source, flags, lowered, line)
        start = end + 1
    assert len(ends) == len(set(ends))  # at most once per line


def test_cheaper_starts_are_supersets_of_built_in_patterns() -> None:
    """Each cut names a planned pattern of the built-in packs and its start (a stale entry would
    silently stop applying), and the cut translation still reports every line re matches."""
    hyperscan = pytest.importorskip("hyperscan")
    from seed_kickoff.rules import load_rules
    from seed_kickoff.scanplan import plan

    plans = {
        (p := plan(source, rule.flags)).source: p
        for rule in load_rules().rules
        for source in rule.sources
    }
    lines = [
        "It provides x",
        "the server returns 5",
        "call os.path.join(a, b) now",
        "x.y()",
        "Why would anyone ever do this, honestly? ",
        "took 12.5 ms",
        "5 %",
        "3µs",
        "١٢ MB",
    ]
    for source, cut in prefilter.CHEAPER_STARTS.items():
        assert source in plans and source.startswith(cut), source
        translated = plans[source].translated()
        assert translated is not None and translated != translate(source, plans[source].flags)
        database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        database.compile(
            expressions=[translated.encode()],
            flags=[hyperscan.HS_FLAG_MULTILINE | hyperscan.HS_FLAG_ALLOWEMPTY],
        )
        for line in lines:
            if plans[source].pattern.search(line):
                assert scan_reports(database, encode(line) or b""), (source, line)


def test_a_cut_start_becomes_the_characters_it_ends_with() -> None:
    digit = "[\\x30-\\x39]"  # the optional group ends in a digit too
    assert translate(r"\b\d+(\.\d+)?x", 0, cut=r"\b\d+(\.\d+)?") == (
        f"(?:(?:{digit}|{digit})[\\x78])[^\\n]*$"
    )
    assert translate(r"a*b", 0, cut="a*") == "(?:[\\x62])[^\\n]*$"  # may be empty: dropped
