"""The compiled-pattern cache: a pattern from it is the pattern re.compile gives, or it is not used."""

from __future__ import annotations

import marshal
import re
import sys
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import fresh_store, new_process, store_file
from seed_kickoff import patterncache
from seed_kickoff.cache import EntryFile, read_entries
from seed_kickoff.rules import load_rules
from seed_kickoff.scanplan import plan

# Patterns of every shape the packs use, and some they do not (yet): groups, names, lookarounds,
# backreferences, classes, Unicode, anchors, inline flags.
PATTERNS = [
    (r"\bthe (?:tool|service) (?:must|shall)\b", re.IGNORECASE | re.MULTILINE),
    (r"^\s*#*\s*(?:goals?|scope)\b", re.IGNORECASE | re.MULTILINE),
    (r"\b\d+(?:\.\d+)?\s*(?:ms|s|mb|gb)\b", re.IGNORECASE | re.MULTILINE),
    (r"(?P<word>\w+)\s+(?P=word)", 0),
    (r"(?<![\w-])api(?!\w)", re.IGNORECASE),
    (r"[A-Z]{2,}", re.MULTILINE),
    (r"caf[eé]|naïve|straße", re.IGNORECASE),
    (r"(?i)must(?-i:NOT)?", 0),
    (r"\n(?:- )?(?:as an? \w+)", re.IGNORECASE),
    (r"(a)(b)?(?:c|(d))", 0),
    (r"x{2,5}?y*+z", 0),
    (r".", re.DOTALL),
]

TEXTS = st.text(alphabet=st.sampled_from(list("aAbcdxyz MUSTNOTmusnot\n-#éEßSİıſ0123.5ms_")))


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh cache directory, and the module's state as in a new process."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fresh_store(monkeypatch, patterncache)
    return tmp_path / "seed-kickoff"


def same_behaviour(ours: re.Pattern[str], theirs: re.Pattern[str], text: str) -> None:
    assert ours == theirs  # source, flags and engine code
    assert (ours.flags, ours.groups, ours.groupindex) == (
        theirs.flags,
        theirs.groups,
        theirs.groupindex,
    )
    found = [(m.span(), m.groups(), m.groupdict()) for m in ours.finditer(text)]
    assert found == [(m.span(), m.groups(), m.groupdict()) for m in theirs.finditer(text)]


def test_patterns_from_the_cache_match_as_re_compile_does(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for source, flags in PATTERNS:
        patterncache.compile_pattern(source, flags)
    new_process(monkeypatch, patterncache)
    assert len(patterncache._store.entries()) == len(PATTERNS)
    text = (
        "The tool MUST parse 10 ms.\n## Goals\nCafé naïve STRASSE api x-api word word abd xxxyzz\n"
    )
    for source, flags in PATTERNS:
        same_behaviour(patterncache.compile_pattern(source, flags), re.compile(source, flags), text)
    assert patterncache._store.new == {}  # every one came from the file


def test_bytes_patterns_are_cached_apart_from_str_ones(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # config.py looks into pyproject.toml's bytes with patterns of bytes
    patterns = [(rb"tool[ \t]*\.[ \t]*kickoff", 0), (rb"^\[tool\]|\btool =", re.M), ("tool", 0)]
    for source, flags in patterns:
        patterncache.compile_pattern(source, flags)
    new_process(monkeypatch, patterncache)
    assert len(patterncache._store.entries()) == len(patterns)
    raw = b"[tool]\nkickoff = 1\ntool . kickoff\n"
    for source, flags in patterns[:2]:
        ours, theirs = patterncache.compile_pattern(source, flags), re.compile(source, flags)
        assert ours == theirs and ours.flags == theirs.flags
        assert [m.span() for m in ours.finditer(raw)] == [m.span() for m in theirs.finditer(raw)]
    assert patterncache.compile_pattern("tool").search("a tool")
    assert patterncache._store.new == {}  # every one came from the file


@given(TEXTS)
@settings(max_examples=200, deadline=None)
def test_cached_patterns_agree_on_any_text(text: str) -> None:
    for source, flags in PATTERNS:
        entry = patterncache._entry(source, flags)
        assert entry is not None
        same_behaviour(patterncache._build(source, entry), re.compile(source, flags), text)


def test_every_builtin_rule_pattern_caches_to_itself() -> None:
    # Every pattern a rule compiles, plain, lowered and anchored, as the scanner builds them.
    for rule in load_rules().rules:
        for source in [*rule.sources, *filter(None, [rule.unless_source])]:
            planned = plan(source, rule.flags)
            for variant, flags in [
                (source, rule.flags),
                (planned.source, planned.flags),
                (planned.lowered_source, planned.flags & ~re.IGNORECASE),
            ]:
                if variant is None:
                    continue
                entry = patterncache._entry(variant, flags)
                assert entry is not None, (rule.id, variant)
                assert patterncache._build(variant, entry) == re.compile(variant, flags)


def test_a_damaged_file_is_not_read_and_is_replaced(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, flags = PATTERNS[0]
    patterncache.compile_pattern(source, flags)
    new_process(monkeypatch, patterncache)
    good = store_file(cache_home, patterncache).read_bytes()
    entries = read_entries(store_file(cache_home, patterncache), patterncache._STAMP)
    for damage in (
        b"",
        b"\x00garbage",
        good[: len(good) // 2],
        marshal.dumps(["not", "a", "pair"]),
        marshal.dumps((patterncache._STAMP, ["not", "a", "dict"])),
    ):
        store_file(cache_home, patterncache).write_bytes(damage)
        fresh_store(monkeypatch, patterncache)
        assert patterncache.compile_pattern(source, flags) == re.compile(source, flags)
        assert patterncache._store.entries() == {}
        new_process(monkeypatch, patterncache)  # written again, whole
        assert read_entries(store_file(cache_home, patterncache), patterncache._STAMP) == entries


def test_a_damaged_entry_is_not_used_and_is_replaced(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, flags = PATTERNS[3]
    key = (source, flags)
    sealed = patterncache._seal(patterncache._entry(source, flags))  # type: ignore[arg-type]
    flipped = bytearray(sealed)
    flipped[len(flipped) // 2] ^= 0x10  # the checksum no longer holds
    for damage in (bytes(flipped), sealed[:-3], b"", b"\x00\x00\x00\x00", 42):
        fresh_store(monkeypatch, patterncache)
        monkeypatch.setattr(patterncache._store, "_entries", {key: damage})
        assert patterncache.compile_pattern(source, flags) == re.compile(source, flags)
        # replaced at exit by the right one
        assert patterncache._open(patterncache._store.new[key]) == patterncache._open(sealed)


def test_an_entry_the_engine_refuses_is_compiled_again(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, flags = PATTERNS[3]
    code, *rest = patterncache._entry(source, flags) or ()
    broken = patterncache._seal((b"\xff" * len(code), *rest))  # type: ignore[arg-type]
    monkeypatch.setattr(patterncache._store, "_entries", {(source, flags): broken})
    assert patterncache.compile_pattern(source, flags) == re.compile(source, flags)
    assert patterncache._store.new[(source, flags)] != broken  # replaced at exit by the right one


def test_another_python_never_reads_the_entries(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, flags = PATTERNS[2]
    other = (patterncache._FORMAT, "3.99.0 (another build)", 1, 4)
    # Another Python wrote an entry for the same pattern, code that is not this one's.
    wrong = patterncache._seal(patterncache._entry("x", 0))  # type: ignore[arg-type]
    theirs = EntryFile("patterns", other, patterncache.MAX_ENTRIES)
    theirs.entries()
    theirs.add((source, int(flags)), wrong)
    theirs.save()
    assert patterncache.compile_pattern(source, flags) == re.compile(source, flags)
    mine = patterncache._store.path
    assert mine is not None and not mine.exists()  # its own file, not the other's
    # Even the other's file under this one's name is refused: the stamp inside is checked.
    (their_file,) = cache_home.glob("patterns-*.marshal")
    their_file.rename(mine)
    fresh_store(monkeypatch, patterncache)
    assert patterncache._store.entries() == {}
    assert sys.version in repr(patterncache._STAMP)


def test_a_bad_pattern_raises_as_re_compile_does(cache_home: Path) -> None:
    with pytest.raises(re.error, match="missing \\)"):
        patterncache.compile_pattern("(unclosed")
    assert patterncache._store.new == {}


def test_an_unwritable_cache_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache dir would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    fresh_store(monkeypatch, patterncache)
    assert patterncache.compile_pattern("a+b", 0) == re.compile("a+b")
    patterncache._store.save()  # no error, nothing written
    assert blocked.read_text() == "a file where the cache dir would go"


def test_each_entry_carries_its_checksum(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    patterncache.compile_pattern("abc", 0)
    new_process(monkeypatch, patterncache)
    stamp, entries = marshal.loads(store_file(cache_home, patterncache).read_bytes())
    assert stamp == patterncache._STAMP and set(entries) == {("abc", 0)}
    sealed = entries[("abc", 0)]
    assert int.from_bytes(sealed[:4], "little") == zlib.crc32(sealed[4:])
    assert patterncache._open(sealed) == patterncache._entry("abc", 0)
