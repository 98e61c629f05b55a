"""The results cache: an unchanged seed is not judged again, and nothing else changes."""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import seed_kickoff.check as check_module
import seed_kickoff.resultcache as resultcache
from conftest import MakeSeeds
from seed_kickoff.model import Document, SeedResult
from seed_kickoff.resultcache import ResultCache, code_digest
from seed_kickoff.rules import load_rules
from test_cli_check import invoke

SEEDS = check_module.MIN_CACHED_SEEDS + 4


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private per-user cache directory; returns the results file's path."""
    home = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home / "seed-kickoff" / "results.sqlite3"


@pytest.fixture
def judged(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the seeds judged (not found in the cache), in order."""
    paths: list[str] = []
    real = check_module.judge_document

    def spy(doc: Document, *args: Any, **kwargs: Any) -> SeedResult:
        paths.append(doc.path)
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(check_module, "judge_document", spy)
    return paths


def seed_files(count: int = SEEDS) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        f"seed-{n:02d}.md": f"# Tool {n}\n\nThe service must answer within {n} ms.\n"
        for n in range(count)
    }
    files["news.txt"] = "Local team wins the cup\n\nThe crowd cheered as the final whistle blew.\n"
    return files


def json_report(seeds: Path, *extra: str) -> dict[str, Any]:
    code, out, err = invoke(["check", str(seeds), "--format", "json", *extra])
    assert code in (0, 1), err
    data: dict[str, Any] = json.loads(out)
    return data


def rows(path: Path) -> int:
    with sqlite3.connect(path) as db:
        count: int = db.execute("SELECT count(*) FROM results").fetchone()[0]
    return count


def test_an_unchanged_seed_is_not_judged_again_and_the_report_is_the_same(
    make_seeds: MakeSeeds, cache_home: Path, judged: list[str]
) -> None:
    seeds = make_seeds(seed_files())
    uncached = json_report(seeds, "--no-cache")
    assert len(judged) == SEEDS + 1 and not cache_home.exists()
    first = json_report(seeds)
    assert rows(cache_home) == SEEDS + 1
    assert cache_home.stat().st_mode & 0o777 == 0o600  # results quote the seeds
    judged.clear()
    second = json_report(seeds)
    assert judged == []
    assert first == second == uncached
    # The text report too, every line of evidence included.
    assert invoke(["check", str(seeds)]) == invoke(["check", str(seeds), "--no-cache"])


def test_a_changed_seed_is_judged_again_and_only_it(
    make_seeds: MakeSeeds, cache_home: Path, judged: list[str]
) -> None:
    seeds = make_seeds(seed_files())
    json_report(seeds)
    (seeds / "seed-03.md").write_text("# Tool 3\n\nNo requirement here at all.\n", "utf-8")
    judged.clear()
    report = json_report(seeds)
    assert judged == ["seed-03.md"]
    assert report == json_report(seeds, "--no-cache")


def test_a_seed_found_in_the_cache_is_taken_off_the_text_expected(
    make_seeds: MakeSeeds, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The analyser is told the run's text up front (to pick its engine); a seed whose result
    is kept will not be analysed, so its size is taken back, and a run leaves nothing expected."""
    import seed_kickoff.analyse as analyse_module

    files = seed_files()
    seeds = make_seeds(files)
    json_report(seeds)
    told: list[int] = []
    skipped: list[int] = []
    real_expect = check_module.expect_text
    monkeypatch.setattr(check_module, "expect_text", lambda n: (told.append(n), real_expect(n)))
    monkeypatch.setattr(check_module, "skip_text", skipped.append)
    json_report(seeds, "--jobs", "1")
    total = sum(len(text) for text in files.values())
    assert told == [total, 0]
    assert sorted(skipped) == sorted(len(text) for text in files.values())
    assert analyse_module._ahead == 0


@pytest.mark.parametrize(
    "change",
    [
        ["--disable", "behaviour.system-must"],
        ["--max-bytes", "40"],
        ["--questions", "QUESTIONS.md"],  # the questions need each non-spec seed's topics
    ],
)
def test_other_rules_or_limits_judge_every_seed_again(
    make_seeds: MakeSeeds, cache_home: Path, judged: list[str], change: list[str]
) -> None:
    seeds = make_seeds(seed_files())
    json_report(seeds)
    judged.clear()
    if change[0] == "--questions":
        change = [change[0], str(seeds.parent / change[1])]
    report = json_report(seeds, *change)
    assert len(judged) == SEEDS + 1
    assert report == json_report(seeds, *change, "--no-cache")


def test_the_code_digest_follows_the_content_of_kickoffs_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "package"
    (package / "packs").mkdir(parents=True)
    (package / "judge.py").write_text("x = 1\n", "utf-8")
    (package / "packs" / "spec.yaml").write_text("rules: []\n", "utf-8")
    (package / "__pycache__").mkdir()
    monkeypatch.setattr(resultcache, "_PACKAGE", package)
    before = code_digest()
    (package / "__pycache__" / "judge.cpython-311.pyc").write_bytes(b"compiled")
    os.utime(package / "judge.py", ns=(1, 1))
    assert code_digest() == before  # bytecode and file times are not kickoff's source
    (package / "packs" / "spec.yaml").write_text("rules: [] \n", "utf-8")
    assert code_digest() != before
    (package / "packs" / "spec.yaml").write_text("rules: []\n", "utf-8")
    assert code_digest() == before
    (package / "packs" / "spec.yaml").rename(package / "packs" / "specs.yaml")
    assert code_digest() != before


def test_index_titles_and_waivers_are_this_runs(
    make_seeds: MakeSeeds, cache_home: Path, judged: list[str], tmp_path: Path
) -> None:
    files = seed_files()
    # One line too long to be a title: the seed's title is what INDEX.md calls it.
    files["untitled.txt"] = "the service must log every request " + "and every reply " * 8 + "\n"
    names = sorted(files)
    files["INDEX.md"] = "".join(f"- [{name}]({name})\n" for name in names)
    seeds = make_seeds(files)
    before = {seed["path"]: seed for seed in json_report(seeds)["seeds"]}
    assert before["untitled.txt"]["title"] == "untitled.txt"
    # Now INDEX.md calls the untitled seed otherwise, and the news article is waived.
    (seeds / "INDEX.md").write_text(
        "".join(
            f"- [{'Request log' if name == 'untitled.txt' else name}]({name})\n" for name in names
        ),
        "utf-8",
    )
    config = tmp_path / "waivers.yaml"
    config.write_text(
        "waivers:\n  - seed: news.txt\n    verdict: spec\n    reason: background\n", "utf-8"
    )
    judged.clear()
    report = json_report(seeds, "--config", str(config))
    assert judged == []
    assert report == json_report(seeds, "--config", str(config), "--no-cache")
    after = {seed["path"]: seed for seed in report["seeds"]}
    assert after["untitled.txt"]["title"] == "Request log"
    assert after["news.txt"]["waiver"]["reason"] == "background"
    assert after["news.txt"]["verdict"] == "spec"
    # A seed no longer listed in INDEX.md is another seed as far as the cache goes.
    (seeds / "INDEX.md").write_text("".join(f"- [{n}]({n})\n" for n in names[1:]), "utf-8")
    judged.clear()
    json_report(seeds)
    assert judged == [names[0]]


def test_workers_read_the_cache_and_the_parent_writes_it(
    make_seeds: MakeSeeds, cache_home: Path
) -> None:
    seeds = make_seeds(seed_files())
    many = json_report(seeds, "--jobs", "2")
    assert rows(cache_home) == SEEDS + 1
    assert json_report(seeds, "--jobs", "2") == many == json_report(seeds, "--no-cache")


def test_small_runs_and_no_cache_write_nothing(make_seeds: MakeSeeds, cache_home: Path) -> None:
    small = make_seeds(seed_files(check_module.MIN_CACHED_SEEDS - 2), name="small")
    json_report(small)
    assert not cache_home.exists()
    json_report(make_seeds(seed_files(), name="large"), "--no-cache")
    assert not cache_home.exists()


def test_a_damaged_cache_file_is_started_anew(
    make_seeds: MakeSeeds, cache_home: Path, judged: list[str]
) -> None:
    seeds = make_seeds(seed_files())
    cache_home.parent.mkdir(parents=True)
    cache_home.write_bytes(b"this is not a database" * 100)
    expected = json_report(seeds, "--no-cache")
    judged.clear()
    assert json_report(seeds) == expected
    assert len(judged) == SEEDS + 1 and rows(cache_home) == SEEDS + 1
    judged.clear()
    assert json_report(seeds) == expected and judged == []


class _Planted:
    """An entry that would make a directory when unpickled by a plain unpickler."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self) -> tuple[Callable[..., Any], tuple[str]]:
        return os.mkdir, (str(self.target),)


@pytest.mark.parametrize("plant", ["code", "odd fields"])
def test_a_planted_entry_is_never_unpickled(
    make_seeds: MakeSeeds, cache_home: Path, judged: list[str], tmp_path: Path, plant: str
) -> None:
    seeds = make_seeds(seed_files())
    expected = json_report(seeds)
    target = tmp_path / "planted"
    # Code to run, or a result of the allowed classes whose judgement is not one.
    odd = SeedResult("a.md", None, None, judgement=5)  # type: ignore[arg-type]
    blob = pickle.dumps(_Planted(target) if plant == "code" else odd)
    with sqlite3.connect(cache_home) as db:
        db.execute("UPDATE results SET result = ?", (blob,))
    judged.clear()
    assert json_report(seeds) == expected
    assert not target.exists()
    assert len(judged) == SEEDS + 1  # every entry refused, every seed judged again
    # ... and the good results replaced the planted ones.
    judged.clear()
    assert json_report(seeds) == expected and judged == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_a_cache_that_cannot_be_written_is_done_without(
    make_seeds: MakeSeeds, cache_home: Path
) -> None:
    seeds = make_seeds(seed_files())
    cache_home.parent.mkdir(parents=True)
    cache_home.parent.chmod(0o500)
    try:
        assert json_report(seeds) == json_report(seeds, "--no-cache")
    finally:
        cache_home.parent.chmod(0o700)
    assert not cache_home.exists()


def test_a_cache_home_that_is_a_file_is_done_without(
    make_seeds: MakeSeeds, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x", "utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    seeds = make_seeds(seed_files())
    assert json_report(seeds) == json_report(seeds, "--no-cache")


def test_the_oldest_entries_go_past_the_limit(
    make_seeds: MakeSeeds, cache_home: Path, judged: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resultcache, "MAX_ENTRIES", 5)
    monkeypatch.setattr(resultcache, "_BATCH", 3)  # several batches, then the pruning
    seeds = make_seeds(seed_files())
    json_report(seeds)
    assert rows(cache_home) == 5
    judged.clear()
    json_report(seeds)
    # The five written last (index order: the last seeds) were kept.
    assert len(judged) == SEEDS + 1 - 5


def test_keys_tell_apart_everything_a_result_depends_on(tmp_path: Path) -> None:
    ruleset = load_rules()
    cache = ResultCache(resultcache.fingerprint(ruleset, 1000, False), tmp_path / "r.sqlite3")
    key = cache.key("a.md", True, b"text")
    assert key == cache.key("a.md", True, b"text")
    others = {
        cache.key("b.md", True, b"text"),
        cache.key("a.md", False, b"text"),
        cache.key("a.md", True, b"text!"),
        ResultCache(resultcache.fingerprint(ruleset, 1001, False), cache.path).key(
            "a.md", True, b"text"
        ),
        ResultCache(resultcache.fingerprint(ruleset, 1000, True), cache.path).key(
            "a.md", True, b"text"
        ),
    }
    assert key not in others and len(others) == 5
    fewer = load_rules(disable=["behaviour.system-must"])
    assert resultcache.fingerprint(fewer, 1000, False) != cache.fingerprint
    # A worker process gets the cache without the parent's open file (forked or pickled).
    cache.add(key, b"pending")
    assert cache.get(key) is None  # opens the file
    assert cache._db is not None
    for copy in (pickle.loads(pickle.dumps(cache)), cache.unopened()):
        assert copy.fingerprint == cache.fingerprint and copy.path == cache.path
        assert copy._pending == [] and copy._db is None
    cache.close()
