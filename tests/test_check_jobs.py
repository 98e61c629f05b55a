"""``check --jobs N`` judges in processes and reports exactly what one process does, in order."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import seed_kickoff.check as check_module
from conftest import MakeSeeds
from seed_kickoff.check import CheckOptions, check_seeds
from seed_kickoff.model import Waiver
from test_cli_check import invoke


def tool_seeds(make_seeds: MakeSeeds, count: int) -> Path:
    """A seeds dir of ``count`` small specs."""
    return make_seeds(
        {f"s{n:02d}.md": f"# Tool {n}\n\nThe tool must parse {n} files.\n" for n in range(count)}
    )


def record_calls(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, index: int) -> list[Any]:
    """Wraps ``owner.name``: each call records its positional argument ``index``, then runs."""
    seen: list[Any] = []
    real = getattr(owner, name)

    def spy(*args: Any) -> Any:
        seen.append(args[index])
        return real(*args)

    monkeypatch.setattr(owner, name, spy)
    return seen


def test_jobs_give_the_same_report_in_the_same_order(make_seeds: MakeSeeds) -> None:
    files: dict[str, str | bytes] = {
        f"seed-{n:02d}.md": f"# Tool {n}\n\nThe service must return JSON within {n} ms.\n"
        for n in range(12)
    }
    files["broken.txt"] = b"\x00\x01binary\xff"
    files["INDEX.md"] = "\n".join(f"- [s{n}](seed-{n:02d}.md)" for n in reversed(range(12)))
    seeds = make_seeds(files)
    one = invoke(["check", str(seeds), "--format", "json"])
    many = invoke(["check", str(seeds), "--format", "json", "--jobs", "3"])
    assert one == many
    paths = [seed["path"] for seed in json.loads(many[1])["seeds"]]
    assert paths[:12] == [f"seed-{n:02d}.md" for n in reversed(range(12))]


def test_jobs_must_be_positive(make_seeds: MakeSeeds) -> None:
    for bad in ("0", "-1", "many"):
        code, _, err = invoke(["check", str(make_seeds({"a.md": "# A\n"})), "--jobs", bad])
        assert code == 2 and "jobs" in err


def test_jobs_auto_is_the_default_and_one_process_for_a_small_run(
    make_seeds: MakeSeeds, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = tool_seeds(make_seeds, 5)
    started = record_calls(monkeypatch, check_module, "_judge_in_pool", 2)  # its jobs
    default = invoke(["check", str(seeds), "--format", "json"])
    assert started == []  # 5 seeds: auto means one process
    monkeypatch.setattr(check_module, "AUTO_MIN_SEEDS", 2)
    monkeypatch.setattr(check_module.os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    auto = invoke(["check", str(seeds), "--format", "json", "--jobs", "auto"])
    assert auto == default  # same report from two processes
    assert started == [2]


def test_auto_jobs_follows_the_cpus_this_process_may_use(monkeypatch: pytest.MonkeyPatch) -> None:
    assert check_module.auto_jobs(check_module.AUTO_MIN_SEEDS - 1) == 1
    monkeypatch.setattr(check_module.os, "sched_getaffinity", lambda _: {0, 1, 2}, raising=False)
    assert check_module.auto_jobs(1000) == 3
    monkeypatch.setattr(
        check_module.os, "sched_getaffinity", lambda _: set(range(64)), raising=False
    )
    assert check_module.auto_jobs(1000) == check_module.AUTO_MAX_JOBS


def test_workers_attach_titles_and_waivers_as_one_process_does(make_seeds: MakeSeeds) -> None:
    seeds = make_seeds(
        {
            "INDEX.md": "- [Parser brief](a.md)\n- b.md\n",
            # no heading and a long first line: the title is INDEX.md's
            "a.md": "The parser must read every file within 10 ms" + ", and more" * 12 + ".\n",
            "b.md": "# Notes\n\nIt rained all day at the harbour.\n",
        }
    )
    waivers = [Waiver("b.md", "spec", "the design is in the wiki")]
    one, many = (check_seeds(seeds, CheckOptions(jobs=jobs, waivers=waivers)) for jobs in (1, 2))
    assert list(one.seeds) == list(many.seeds)
    assert one.summaries() == many.summaries()
    assert many.seeds[0].title == "Parser brief" and many.seeds[1].waiver == waivers[0]
    assert many.gate == one.gate


def test_summaries_from_workers_share_what_they_repeat(make_seeds: MakeSeeds) -> None:
    """A run keeps every seed's summary: unpickled ones share their coverage states."""
    seeds = make_seeds(
        {f"s{n}.md": f"# Tool {n}\n\nThe tool must parse {n} files.\n" for n in range(4)}
    )
    result = check_seeds(seeds, CheckOptions(jobs=2))
    copies = [pickle.loads(pickle.dumps(summary)) for summary in result.summaries()]
    assert copies == result.summaries()
    assert all(copy.coverage is copies[0].coverage for copy in copies)


def test_each_worker_expects_its_share_of_the_runs_text(
    make_seeds: MakeSeeds, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker is told how much text its part of the run holds, so that its first texts are
    scanned as a large run's are (analyse.expect_text); the parent is told nothing."""
    files: dict[str, str | bytes] = {
        f"s{n}.md": "# T\n\nThe tool must work.\n" * 40 for n in range(6)
    }
    files["scan.pdf"] = b"%PDF-1.4 " + b"x" * 5000  # mostly not text: counts none
    seeds = make_seeds(files)
    size = len(files["s0.md"])
    shares = record_calls(monkeypatch, check_module, "_judge_in_pool", 3)
    check_seeds(seeds, CheckOptions(jobs=3))
    assert shares == [6 * size // 3]
    told: list[int] = []
    monkeypatch.setattr(check_module, "expect_text", told.append)
    check_module._start_worker((seeds, check_module.load_rules(), 1000, False, None, None), 1234)
    assert told == [1234]


def test_without_fork_the_executor_gives_the_same_report(
    make_seeds: MakeSeeds, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where fork is missing or unsafe (macOS, Windows) the pool is ProcessPoolExecutor's."""
    from seed_kickoff import forkpool

    seeds = tool_seeds(make_seeds, 9)
    forks = record_calls(monkeypatch, forkpool, "fork_map", 2)  # its jobs
    forked = invoke(["check", str(seeds), "--format", "json", "--jobs", "2"])
    assert forks == ([2] if forkpool.usable() else [])  # Linux: kickoff's own pool
    used: list[bool] = []
    monkeypatch.setattr(forkpool, "usable", lambda: used.append(False) or False)
    executor = invoke(["check", str(seeds), "--format", "json", "--jobs", "2"])
    assert used == [False]
    assert forked == executor == invoke(["check", str(seeds), "--format", "json", "--jobs", "1"])


def test_the_text_expected_counts_only_what_is_read_as_text(make_seeds: MakeSeeds) -> None:
    """Sizes count up to what is read of a seed, and only for names of text formats: a
    screenshot among small seeds must not make the run a large one."""
    seeds = make_seeds(
        {
            "a.md": "# A\n" * 10,
            "NOTES": "n" * 50,
            "big.txt": "b" * 3000,
            "shot.png": b"\x89PNG" + b"\x00" * 4000,
            "scan.pdf": b"%PDF-1.4 " + b"x" * 4000,
        }
    )
    tasks = [
        (name, True, None, None) for name in ("a.md", "NOTES", "big.txt", "shot.png", "scan.pdf")
    ]
    assert check_module.expected_text(seeds, tasks, 10**9, 1000) == 40 + 50 + 1000
    assert check_module.expected_text(seeds, tasks, 60, 1000) == 90  # stops once past "most"


def test_a_run_that_fails_midway_ends_its_workers_at_once(
    make_seeds: MakeSeeds, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The caller's progress callback raising leaves no worker and no expectation behind, even
    while the exception (and its traceback, holding the run's frames) is kept."""
    import os

    import seed_kickoff.analyse as analyse_module

    seeds = make_seeds({f"s{n:02d}.md": "# T\n\nThe tool must work.\n" for n in range(12)})

    def progress(done: int, total: int) -> None:
        raise RuntimeError("the terminal went away")

    with pytest.raises(RuntimeError) as kept:
        check_seeds(seeds, CheckOptions(jobs=2), progress)
    assert kept.value is not None
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no worker left to reap
    with pytest.raises(RuntimeError):
        check_seeds(seeds, CheckOptions(jobs=1), progress)
    assert analyse_module._ahead == 0
