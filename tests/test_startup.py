"""Start-up: the parse cache of the built-in packs, lazy patterns, and which modules a run imports.

No test here measures time; they check what makes start-up fast (nothing parsed or imported that
the command does not use), which stays true on any machine.
"""

from __future__ import annotations

import marshal
import re
import sys
from pathlib import Path

import pytest

from seed_kickoff import cache
from seed_kickoff.errors import RulePackError
from seed_kickoff.rules import builtin_pack_paths, load_pack, load_rules


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home / cache.CACHE_NAME


def parse_counting(calls: list[str]) -> object:
    def parse(text: str) -> object:
        calls.append(text)
        return {"words": text.split()}

    return parse


def test_the_cache_answers_the_second_time_and_only_for_the_same_text(
    cache_home: Path, tmp_path: Path
) -> None:
    calls: list[str] = []
    parse = parse_counting(calls)
    source = tmp_path / "pack.yaml"
    assert cache.cached_parse(source, "a b", parse) == {"words": ["a", "b"]}  # type: ignore[arg-type]
    assert cache.cached_parse(source, "a b", parse) == {"words": ["a", "b"]}  # type: ignore[arg-type]
    assert calls == ["a b"]
    # The file changed: its new text is parsed, never the old data served.
    assert cache.cached_parse(source, "a c", parse) == {"words": ["a", "c"]}  # type: ignore[arg-type]
    assert calls == ["a b", "a c"]
    assert [p.name for p in cache_home.iterdir()] == [
        f"pack-{cache.__version__}-{sys.implementation.cache_tag}.marshal"
    ]


def test_a_damaged_entry_is_parsed_again_and_replaced(cache_home: Path, tmp_path: Path) -> None:
    calls: list[str] = []
    parse = parse_counting(calls)
    source = tmp_path / "pack.yaml"
    cache.cached_parse(source, "x", parse)  # type: ignore[arg-type]
    (entry,) = cache_home.iterdir()
    for damage in (b"", b"\x00garbage", marshal.dumps(["not", "a", "pair"])):
        entry.write_bytes(damage)
        assert cache.cached_parse(source, "x", parse) == {"words": ["x"]}  # type: ignore[arg-type]
    assert len(calls) == 4
    assert marshal.loads(entry.read_bytes()) == ("x", {"words": ["x"]})


def test_an_unwritable_cache_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache dir would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    calls: list[str] = []
    parse = parse_counting(calls)
    for _ in range(2):
        assert cache.cached_parse(tmp_path / "p.yaml", "y", parse) == {"words": ["y"]}  # type: ignore[arg-type]
    assert len(calls) == 2


def test_data_marshal_cannot_hold_is_returned_uncached(cache_home: Path, tmp_path: Path) -> None:
    assert cache.cached_parse(tmp_path / "p.yaml", "t", lambda text: {text: object}) == {
        "t": object
    }
    assert not cache_home.exists() or not list(cache_home.iterdir())


def test_builtin_packs_from_the_cache_equal_the_parsed_ones(cache_home: Path) -> None:
    first = load_rules()  # parses the YAML and fills the cache
    assert len(list(cache_home.iterdir())) == len(builtin_pack_paths())
    second = load_rules()  # from the cache
    assert second.rules == first.rules
    assert second.packs == first.packs and second.pack_files == first.pack_files


def test_every_builtin_pattern_compiles() -> None:
    # Built-in packs compile lazily; this is where a broken built-in pattern is caught.
    for rule in load_rules().rules:
        assert all(isinstance(p, re.Pattern) for p in rule.patterns), rule.id
        assert [p.pattern for p in rule.patterns] == list(rule.sources)
        assert rule.unless is None or rule.unless.pattern == rule.unless_source


def test_a_user_pack_with_a_bad_unless_fails_at_load(tmp_path: Path) -> None:
    pack = tmp_path / "team.yaml"
    pack.write_text(
        "rules:\n  - id: team.bad\n    dimension: goal\n    pattern: ok\n"
        "    unless: '[unclosed'\n    message: m\n",
        encoding="utf-8",
    )
    with pytest.raises(RulePackError, match=r"team\.bad.*invalid regular expression"):
        load_rules([pack])
    with pytest.raises(RulePackError, match="invalid regular expression"):
        load_pack(pack)


def test_case_sensitive_rules_keep_their_flags(tmp_path: Path) -> None:
    pack = tmp_path / "team.yaml"
    pack.write_text(
        "rules:\n  - id: team.caps\n    dimension: goal\n    pattern: MUST\n"
        "    case: sensitive\n    message: m\n",
        encoding="utf-8",
    )
    (rule,) = load_pack(pack)[1]
    assert rule.patterns[0].search("MUST") and not rule.patterns[0].search("must")
