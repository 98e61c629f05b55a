"""Flat memory (issue 8): results kept on disk (SeedStore), reports written seed by seed, and every
format byte for byte what building it whole from an in-memory list gives."""

from __future__ import annotations

import gc
import io
import json
import os
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import seed_kickoff.store as store_module
from conftest import EXAMPLES, MakeSeeds
from seed_kickoff.atomic import _in_place, atomic_open
from seed_kickoff.check import CheckOptions, check_seeds
from seed_kickoff.model import CheckResult, GatePolicy, SeedResult, Waiver
from seed_kickoff.report import RENDERERS, WRITERS
from seed_kickoff.report.data import result_dict
from seed_kickoff.report.html import render_html
from seed_kickoff.report.sarif import sarif_dict
from seed_kickoff.report.stream import JsonList, write_json
from seed_kickoff.store import SeedStore, store_of
from test_cli_check import invoke

NEWS = (EXAMPLES / "harbour-news.txt").read_text(encoding="utf-8")
SPEC = (EXAMPLES / "tide-logger-spec.md").read_text(encoding="utf-8")


@pytest.fixture
def mixed(make_seeds: MakeSeeds) -> CheckResult:
    """Specs, news, a binary file, a waiver, a dangling index entry, a waiver naming no seed."""
    seeds = make_seeds(
        {
            "INDEX.md": "# Seeds\n\n- [spec](spec.md)\n- [news](news.txt)\n- [gone](gone.md)\n",
            "spec.md": SPEC,
            "news.txt": NEWS,
            "odd \x1b[31m name.md": "---\ntitle: 'a \x1b[31m | <b> title'\n---\n" + NEWS,
            "binary.txt": b"\x00\x01\x02binary\xff",
            "brief.md": "# App\n\nIt would be nice if the app showed tides. The app should sync.\n",
        }
    )
    waivers = [
        Waiver("news.txt", "spec", "kept as background"),
        Waiver("nowhere.md", "non-spec", "stale"),
    ]
    return check_seeds(seeds, CheckOptions(waivers=waivers))


def as_list(result: CheckResult) -> CheckResult:
    return replace(result, seeds=list(result.seeds))


def test_check_seeds_returns_a_store_with_waivers_attached(mixed: CheckResult) -> None:
    assert isinstance(mixed.seeds, SeedStore)
    news = next(seed for seed in mixed.seeds if seed.path == "news.txt")
    assert news.waiver is not None and news.verdict == "spec"
    assert any("waiver names no seed: nowhere.md" in f.message for f in mixed.findings)
    assert mixed.gate.specs == sum(1 for seed in mixed.seeds if seed.verdict == "spec")


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_every_format_is_the_same_from_the_store_and_from_a_list(
    mixed: CheckResult, fmt: str
) -> None:
    listed = as_list(mixed)
    text = RENDERERS[fmt](mixed)
    assert text == RENDERERS[fmt](listed)
    streamed = io.StringIO()
    WRITERS[fmt](mixed, streamed)
    assert streamed.getvalue() == text
    for path in ("spec.md", "news.txt", "binary.txt", "brief.md"):  # no format loses a seed
        assert path in text.replace("\\", "")


def test_html_with_questions_is_the_same_from_the_store(mixed: CheckResult) -> None:
    checklist = "- [ ] What is it for?\n"
    assert render_html(mixed, checklist) == render_html(as_list(mixed), checklist)


def test_json_and_sarif_are_what_json_dumps_of_the_whole_document_gives(
    mixed: CheckResult,
) -> None:
    dumped = json.dumps(result_dict(mixed), indent=2, ensure_ascii=False) + "\n"
    assert RENDERERS["json"](mixed) == dumped
    whole = json.dumps(sarif_dict(mixed), indent=2, ensure_ascii=False) + "\n"
    assert RENDERERS["sarif"](mixed) == whole


def test_junit_is_what_indenting_the_whole_tree_gives(mixed: CheckResult) -> None:
    text = RENDERERS["junit"](mixed)
    header = '<?xml version="1.0" encoding="UTF-8"?>\n'
    root = ET.fromstring(text.removeprefix(header))
    for element in root.iter():  # indent() keeps text it finds: start from the bare tree
        if element.text is not None and not element.text.strip() and len(element):
            element.text = None
        element.tail = None
    ET.indent(root)
    assert text == header + ET.tostring(root, encoding="unicode") + "\n"
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert suite.get("tests") == str(len(cases))
    assert suite.get("failures") == str(sum(1 for c in cases if c.find("failure") is not None))
    assert suite.get("skipped") == str(sum(1 for c in cases if c.find("skipped") is not None))


def test_an_empty_run_renders_in_every_format(make_seeds: MakeSeeds) -> None:
    result = check_seeds(make_seeds({}))
    assert len(result.seeds) == 0
    for fmt in RENDERERS:
        assert RENDERERS[fmt](result) == RENDERERS[fmt](as_list(result))
    assert json.loads(RENDERERS["json"](result))["seeds"] == []


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_writers_hold_one_seed_at_a_time(make_seeds: MakeSeeds, fmt: str) -> None:
    seeds = make_seeds({f"s{n:02d}.md": SPEC if n % 2 else NEWS for n in range(12)})
    result = check_seeds(seeds)
    gc.collect()
    most = 0

    class Watch(io.StringIO):
        def write(self, text: str, /) -> int:
            nonlocal most
            most = max(most, sum(1 for o in gc.get_objects() if isinstance(o, SeedResult)))
            return super().write(text)

    WRITERS[fmt](result, Watch())
    assert most <= 2, most  # a list of the seeds would hold 12
    # (the plain report lets each seed go once it has its text: none is alive while it writes)
    assert most > 0 or fmt == "text"


def test_check_seeds_holds_one_seed_at_a_time(make_seeds: MakeSeeds) -> None:
    seeds = make_seeds({f"s{n:02d}.md": SPEC for n in range(10)})
    alive: list[int] = []

    def progress(done: int, total: int) -> None:
        alive.append(sum(1 for o in gc.get_objects() if isinstance(o, SeedResult)))

    gc.collect()
    check_seeds(seeds, CheckOptions(policy=GatePolicy(min_specs=3)), progress)
    assert len(alive) == 10 and max(alive) <= 2


def test_store_stays_in_memory_when_no_temporary_file_can_be_made(
    mixed: CheckResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_module, "IN_MEMORY_BYTES", 0)
    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    seeds = list(mixed.seeds) * 2
    store = store_of(seeds)
    assert not store.on_disk and list(store) == seeds


@pytest.mark.parametrize("in_memory_bytes", [1 << 20, 0, 5000])
def test_store_is_a_read_only_sequence(
    mixed: CheckResult, monkeypatch: pytest.MonkeyPatch, in_memory_bytes: int
) -> None:
    """The same whether the pickles stay in memory, go to disk at once, or move there midway."""
    monkeypatch.setattr(store_module, "IN_MEMORY_BYTES", in_memory_bytes)
    seeds = list(mixed.seeds) * 3
    store = store_of(seeds)
    assert store.on_disk == (in_memory_bytes < 1 << 20)
    assert len(store) == len(seeds) and store == seeds and list(store) == seeds
    assert store[-1] == seeds[-1] and store[1:3] == seeds[1:3] and store[::-2] == seeds[::-2]
    with pytest.raises(IndexError):
        store[len(seeds)]
    # Interleaved iterations each get every seed in order.
    assert [(a.path, b.path) for a, b in zip(store, store, strict=True)] == [
        (s.path, s.path) for s in seeds
    ]
    store[0].judgement.verdict = "unreadable"  # changes a copy, not the store
    assert store[0] == seeds[0]
    assert [s.path for s in store.summaries] == [s.path for s in seeds]
    assert [s.verdict for s in store.summaries] == [s.verdict for s in seeds]
    store.close()
    # A seed's rendered text (CheckOptions.render) is kept after its pickle, where it has one.
    texts = [None if n % 3 == 0 else f"seed {n}: ünï \udc80 {s.path}" for n, s in enumerate(seeds)]
    rendered = SeedStore()
    for seed, text in zip(seeds, texts, strict=True):
        rendered.append_pickled(*store_module.pickled(seed), text)
    assert rendered.on_disk == store.on_disk
    assert list(rendered) == seeds and rendered[4] == seeds[4]
    assert [rendered.text(n) for n in range(len(seeds))] == texts


def test_cli_writes_every_format_to_stdout_and_to_a_file_the_same(
    make_seeds: MakeSeeds, tmp_path: Path
) -> None:
    seeds = make_seeds({"spec.md": SPEC, "news.txt": NEWS, "odd.md": "a \x1b[31m red line\n"})
    for fmt in RENDERERS:
        target = tmp_path / f"out.{fmt}"
        _, out, _ = invoke(["check", str(seeds), "--format", fmt])
        invoke(["check", str(seeds), "--format", fmt, "-o", str(target)])
        # Only click's stripping of ANSI codes off a pipe may tell them apart, as before.
        assert out == target.read_text(encoding="utf-8").replace("\x1b[31m", "")


def test_atomic_open_leaves_nothing_when_the_writer_fails(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_open(target) as handle:
        handle.write("half a rep")
        raise RuntimeError("renderer failed")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def _stream_lists(value: Any, flip: list[bool]) -> Any:
    """``value`` with some of its lists turned into JsonLists (items plain, as the contract says)."""
    if isinstance(value, dict):
        return {key: _stream_lists(item, flip) for key, item in value.items()}
    if isinstance(value, list):
        flip.append(not flip[-1])
        return JsonList(iter(value)) if flip[-1] else [_stream_lists(v, flip) for v in value]
    return value


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_write_json_is_json_dumps(value: Any) -> None:
    out = io.StringIO()
    write_json(out, _stream_lists(value, [False]))
    assert out.getvalue() == json.dumps(value, indent=2, ensure_ascii=False)


def test_devices_are_written_in_place_and_links_keep_leading_to_their_file(
    make_seeds: MakeSeeds, tmp_path: Path
) -> None:
    assert _in_place(Path("/dev/null")) and _in_place(Path("/dev/stdout"))
    assert not _in_place(tmp_path / "new.json") and not _in_place(tmp_path)
    seeds = make_seeds({"a.md": "# A\n\nThe service must log.\n"})
    target = tmp_path / "real.json"
    target.write_text("old", "utf-8")
    link = tmp_path / "latest.json"
    os.symlink(target, link)
    code, _, err = invoke(["check", str(seeds), "--format", "json", "-o", str(link)])
    assert code == 1, err
    assert link.is_symlink() and json.loads(target.read_text("utf-8"))["seeds"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_plain_report_prints_what_the_workers_rendered(
    make_seeds: MakeSeeds, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """With ``CheckOptions.render = seed_text`` each seed's lines are written where it is judged
    and kept in the store: the plain report is the same, and loads no result back for them."""
    from seed_kickoff.report.text import render_plain, seed_text

    seeds = make_seeds(
        {
            "INDEX.md": "- [Tool](ünï.md)\n- spec.md\n- news.txt\n- [Gone](gone.md)\n",
            "spec.md": SPEC,
            "news.txt": NEWS,
            "ünï.md": "The tool must log every 5 ms.\n",
            "binary.txt": b"\x00\x01binary\xff",
        }
    )
    waivers = [Waiver("news.txt", "spec", "kept as background")]
    plain = check_seeds(seeds, CheckOptions(waivers=waivers))
    rendered = check_seeds(seeds, CheckOptions(waivers=waivers, jobs=jobs, render=seed_text))
    assert isinstance(plain.seeds, SeedStore) and isinstance(rendered.seeds, SeedStore)
    assert plain.seeds.text(0) is None
    assert [rendered.seeds.text(n) for n in range(len(rendered.seeds))] == [
        seed_text(seed) for seed in plain.seeds
    ]
    expected = render_plain(plain)
    assert "waived: judged" in expected and "\nünï.md (" in expected

    def no_loading(blob: bytes) -> Any:
        raise AssertionError("a result was loaded back")

    monkeypatch.setattr(store_module, "loads", no_loading)
    assert render_plain(rendered) == expected
    # Texts another function rendered are not the plain report's: it renders its own.
    rendered.seeds.rendered_by = repr
    with pytest.raises(AssertionError, match="loaded back"):
        render_plain(rendered)


def test_cli_plain_report_is_the_libraries_and_loads_no_result_back(
    make_seeds: MakeSeeds, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seed_kickoff.report.text import render_plain

    seeds = make_seeds({f"s{n:02d}.md": SPEC if n % 2 else NEWS for n in range(6)})
    expected = render_plain(check_seeds(seeds))

    def no_loading(blob: bytes) -> Any:
        raise AssertionError("a result was loaded back")

    monkeypatch.setattr(store_module, "loads", no_loading)  # the CLI asks the workers for text
    for jobs in ("1", "2"):
        code, out, _ = invoke(["check", str(seeds), "--jobs", jobs])
        assert code == 0 and out == expected
