"""The pipeline: seeds dir -> index -> load -> analyse -> judge -> gate. Returns plain data."""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from seed_kickoff.analyse import ENOUGH_TEXT, analyse, expect_text, skip_text
from seed_kickoff.controls import escape_controls
from seed_kickoff.errors import UsageError
from seed_kickoff.index import INDEX_NAME, read_index
from seed_kickoff.judge import judge
from seed_kickoff.loader import (
    DEFAULT_MAX_BYTES,
    FORMAT_BY_SUFFIX,
    format_of,
    load_bytes,
    read_seed,
)
from seed_kickoff.model import (
    CheckResult,
    Document,
    Finding,
    GatePolicy,
    GateResult,
    SeedIndex,
    SeedResult,
    SeedSummary,
    Verdict,
    Waiver,
)
from seed_kickoff.records import dataclass
from seed_kickoff.repeats import mark_repeats
from seed_kickoff.rules import RuleSet, load_rules
from seed_kickoff.sections import mark_empty_sections
from seed_kickoff.store import SeedStore, pickle_result, pickled

if TYPE_CHECKING:  # resultcache imports sqlite3 and hashlib: runs of MIN_CACHED_SEEDS and more
    from seed_kickoff.resultcache import ResultCache

# Lines whose words can name a topic: prose, not code or metadata.
_PROSE = frozenset({"text", "heading", "list", "quote", "table"})


@dataclass(eq=False)
class CheckOptions:
    """How check_seeds runs: the gate policy, limits, rules and waivers."""

    policy: GatePolicy = field(default_factory=GatePolicy)
    max_bytes: int = DEFAULT_MAX_BYTES
    ruleset: RuleSet | None = None
    waivers: list[Waiver] = field(default_factory=list)
    jobs: int = 1  # processes judging seeds (AUTO_JOBS: by the CPUs and seeds); index order kept
    topics: bool = False  # extract key topics of non-spec seeds (only the questions ask them)
    cache: bool = False  # reuse the results of unchanged seeds (resultcache.py); the CLI's default
    # Each seed's part of the report, written where the seed is judged (a worker) and kept in the
    # store (SeedStore.text): the report then prints it without loading the result back. A
    # function of the module's own (a pool's workers other than forked ones import it by name).
    render: Callable[[SeedResult], str] | None = None


def ensure_seeds_dir(seeds_dir: Path) -> None:
    if not seeds_dir.exists():
        raise UsageError("seeds dir does not exist", str(seeds_dir))
    if not seeds_dir.is_dir():
        raise UsageError("seeds dir is not a directory", str(seeds_dir))


def judge_document(
    doc: Document, ruleset: RuleSet, listed: bool = True, topics: bool = False
) -> SeedResult:
    # No evidence: a template's empty sections, and what the seed says again word for word.
    doc = mark_repeats(mark_empty_sections(doc))
    judgement = judge(doc, analyse(doc, ruleset), ruleset)
    if topics and judgement.verdict == "non-spec":
        from seed_kickoff.topics import extract_topics  # only the questions need topics

        # The text is gone after this call (streaming); keep what the questions need from it.
        judgement.topics = extract_topics(
            [line for line, kind in zip(doc.lines, doc.kinds, strict=True) if kind in _PROSE]
        )
    return SeedResult(
        path=doc.path,
        title=doc.title,
        source=doc.source,
        judgement=judgement,
        findings=list(doc.findings),
        listed=listed,
    )


# What judging one seed needs besides the seed: (relative path, listed in INDEX.md, the title
# INDEX.md gives it, its waiver).
_Task = tuple[str, bool, "str | None", "Waiver | None"]
# What judging one seed gives: its summary and pickle for the store, its rendered text (None
# unless asked for), and a new entry (key, pickle) for the results cache when the seed was
# judged rather than found there.
_Judged = tuple[SeedSummary, bytes, "str | None", "tuple[bytes, bytes] | None"]
_Render = Callable[[SeedResult], str]
# Runs of fewer seeds do without the results cache. Opening it (importing sqlite3 and hashlib,
# hashing kickoff's own files) costs about 40 ms, what judging four or five small seeds does: at
# 20 seeds a run that fills the cache pays about a fifth more, and one that finds it full about
# half as much.
MIN_CACHED_SEEDS = 20


def stored_results(
    seeds_dir: Path,
    index: SeedIndex,
    ruleset: RuleSet,
    max_bytes: int = DEFAULT_MAX_BYTES,
    jobs: int = 1,
    topics: bool = False,
    waivers: dict[str, Waiver] | None = None,
    cache: ResultCache | None = None,
    render: _Render | None = None,
) -> Generator[tuple[SeedSummary, bytes, str | None], None, None]:
    """Judge seeds one at a time, in index order; no seed's text outlives its judgement. Each
    result comes as its summary and its pickle, ready for a SeedStore: with ``jobs`` > 1 (or
    ``AUTO_JOBS``, see ``auto_jobs``) the worker processes pickle them, and the parent, which
    also writes the report, never pickles a result again. With a ``cache``, a seed whose result
    it holds is not judged again, and new results are added to it. With ``render``, each comes
    with its rendered text too (else None)."""
    listed = {entry.path for entry in index.entries}
    titles = {entry.path: entry.title for entry in index.entries}
    waivers = waivers or {}
    tasks: list[_Task] = [
        (rel, rel in listed, titles.get(rel), waivers.get(rel)) for rel in index.seeds
    ]
    if jobs == AUTO_JOBS:
        jobs = auto_jobs(len(tasks))
    judged: Iterable[_Judged]
    if jobs > 1 and len(tasks) > 1:
        share = expected_text(seeds_dir, tasks, ENOUGH_TEXT * jobs, max_bytes) // jobs
        judged = _judge_in_pool(
            (seeds_dir, ruleset, max_bytes, topics, cache, render), tasks, jobs, share
        )
    else:
        expect_text(expected_text(seeds_dir, tasks, ENOUGH_TEXT, max_bytes))
        setting = (seeds_dir, ruleset, max_bytes, topics, cache, render)
        judged = (_judge_one(*setting, task) for task in tasks)
    try:
        for summary, blob, text, entry in judged:
            if entry is not None and cache is not None:
                cache.add(*entry)  # here, not in the workers: one process writes the cache
            yield summary, blob, text
    finally:
        expect_text(0)
        if cache is not None:
            cache.close()


def expected_text(seeds_dir: Path, tasks: Sequence[_Task], most: int, max_bytes: int) -> int:
    """About how many characters of text the seeds hold, counted up to ``most``: the analyser
    picks its engine by the size of the run. A seed counts its size up to ``max_bytes`` (what is
    read of it) if it has the name of a text format (or no suffix): PDFs are mostly not text, and
    a 4 MB screenshot among three small seeds made a run compile the prefilter's database."""
    total = 0
    for rel, *_ in tasks:
        if total >= most:
            break
        suffix = os.path.splitext(rel)[1].lower()
        if suffix and FORMAT_BY_SUFFIX.get(suffix) in (None, "pdf"):  # not named as text
            continue
        try:
            size = os.stat(os.path.join(seeds_dir, rel)).st_size
        except OSError:  # read_seed reports it
            continue
        total += min(size, max_bytes)
    return total


AUTO_JOBS = 0
# Below this many seeds one process is faster than starting a pool.
AUTO_MIN_SEEDS = 200
# Processes auto never exceeds: more only add memory on a big machine shared with other jobs.
AUTO_MAX_JOBS = 8


def auto_jobs(seeds: int) -> int:
    """Processes for a run of ``seeds``: one per CPU this process may use (at most
    AUTO_MAX_JOBS), or one for fewer than AUTO_MIN_SEEDS seeds."""
    if seeds < AUTO_MIN_SEEDS:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))  # what a container or taskset allows, not the host
    except AttributeError:  # not on macOS or Windows
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, AUTO_MAX_JOBS))


def _judge_one(
    seeds_dir: Path,
    ruleset: RuleSet,
    max_bytes: int,
    topics: bool,
    cache: ResultCache | None,
    render: _Render | None,
    task: _Task,
) -> _Judged:
    rel, listed, title, waiver = task
    data = read_seed(seeds_dir, rel, max_bytes)
    blob: bytes | None = None  # the result's pickle, when the cache has it ready
    entry: tuple[bytes, bytes] | None = None
    if isinstance(data, Document):  # unreadable: judged by its problem, nothing to keep
        result = judge_document(data, ruleset, listed, topics)
    else:
        key = cache.key(rel, listed, data) if cache is not None else b""
        kept = cache.get(key) if cache is not None else None
        if kept is not None:
            result, blob = kept
            skip_text(len(data))
        else:
            doc = load_bytes(rel, data, format_of(rel), max_bytes)
            result = judge_document(doc, ruleset, listed, topics)
            if cache is not None:
                blob = pickle_result(result)
                entry = (key, blob)
    # INDEX.md's title and the waiver are this run's, never kept: attached now.
    if result.title is None and title is not None:
        result.title, blob = title, None
    if waiver is not None:
        result.waiver, blob = waiver, None
    return (*pickled(result, blob), render(result) if render is not None else None, entry)


# What a seed is judged with: _judge_one's arguments but the task.
_Setting = tuple[Path, RuleSet, int, bool, "ResultCache | None", "_Render | None"]
# What each worker process judges with, set once when the pool starts.
_WORKER: _Setting | None = None


def _start_worker(setting: _Setting, share: int) -> None:
    global _WORKER
    seeds_dir, ruleset, max_bytes, topics, cache, render = setting
    if cache is not None:  # a forked worker must not share the parent's open file
        cache = cache.unopened()
    _WORKER = (seeds_dir, ruleset, max_bytes, topics, cache, render)
    expect_text(share)  # its part of the run's text


def _judge_in_worker(task: _Task) -> _Judged:
    assert _WORKER is not None
    return _judge_one(*_WORKER, task)


def _judge_in_pool(
    setting: _Setting, tasks: list[_Task], jobs: int, share: int
) -> Iterator[_Judged]:
    from seed_kickoff import forkpool  # only large trees pay for the imports

    chunk = max(1, min(32, len(tasks) // (jobs * 8)))
    initargs = (setting, share)
    if forkpool.usable():
        yield from forkpool.fork_map(_judge_in_worker, tasks, jobs, chunk, _start_worker, initargs)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(jobs, initializer=_start_worker, initargs=initargs) as pool:
        yield from pool.map(_judge_in_worker, tasks, chunksize=chunk)


def check_seeds(
    seeds_dir: Path,
    options: CheckOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CheckResult:
    """Judge every seed. The result's ``seeds`` is a SeedStore: each result is pickled as soon as
    it is judged (with its waiver attached), in memory up to 1 MB and on disk after that, so
    memory stays flat however many seeds there are."""
    options = options or CheckOptions()
    ensure_seeds_dir(seeds_dir)
    ruleset = options.ruleset or load_rules()
    index = read_index(seeds_dir)
    waivers = {waiver.seed: waiver for waiver in options.waivers}  # the last one for a seed wins
    store = SeedStore()
    total = len(index.seeds)
    cache = None
    if options.cache and total >= MIN_CACHED_SEEDS:
        from seed_kickoff.resultcache import ResultCache

        cache = ResultCache.for_run(ruleset, options.max_bytes, options.topics)
    results = stored_results(
        seeds_dir,
        index,
        ruleset,
        options.max_bytes,
        options.jobs,
        options.topics,
        waivers,
        cache,
        options.render,
    )
    store.rendered_by = options.render
    try:
        for done, (summary, blob, text) in enumerate(results):
            store.append_pickled(summary, blob, text)
            if progress is not None:
                progress(done + 1, total)
    finally:
        # now, not whenever the generator is collected: its workers, cache and expectation
        results.close()
    findings = list(index.findings)
    findings.extend(unmatched_waivers(store.summaries, options.waivers))
    gate = evaluate_gate(store.summaries, findings, options.policy)
    return CheckResult(str(seeds_dir), store, findings, gate, index)


def seeds_file_at(result: CheckResult, path: Path) -> str | None:
    """The seed or index file of the run that ``path`` is (the same file, by whatever name: links,
    ``..``, another case on a case-insensitive disk), as named in the seeds dir; or None. A
    report written there would replace what a person wrote."""
    index = result.index
    index_name = (index.index_path if index else None) or INDEX_NAME
    names = [*index.seeds, index_name] if index else [index_name]
    root, where = os.path.realpath(result.seeds_dir), os.path.realpath(path)
    try:
        target = os.stat(where)
    except OSError:  # nothing there yet: only a new INDEX.md would be read as a person's
        inside = os.path.normcase(os.path.dirname(where)) == os.path.normcase(root)
        same = os.path.normcase(os.path.basename(where)) == os.path.normcase(index_name)
        return index_name if inside and same else None
    for name in names:
        try:
            if os.path.samestat(target, os.stat(os.path.join(root, name))):
                return name
        except OSError:
            continue
    return None


def unmatched_waivers(
    seeds: Sequence[SeedResult | SeedSummary], waivers: list[Waiver]
) -> list[Finding]:
    """A warning for each waiver that names no seed."""
    paths = {seed.path for seed in seeds}
    return [
        Finding(
            "warning",
            f"waiver names no seed: {escape_controls(waiver.seed)}",
            path=waiver.source,
            line=waiver.line,
            code="waiver",
        )
        for waiver in waivers
        if waiver.seed not in paths
    ]


def evaluate_gate(
    results: Sequence[SeedResult | SeedSummary], findings: list[Finding], policy: GatePolicy
) -> GateResult:
    counted: tuple[Verdict, ...] = ("spec", "partial") if policy.count_partial else ("spec",)
    specs = sum(1 for result in results if result.verdict in counted)
    errors = sum(1 for f in findings if f.level == "error") + sum(
        1 for result in results for f in result.findings if f.level == "error"
    )
    reasons: list[str] = []
    if specs < policy.min_specs:
        kind = "spec or partial" if policy.count_partial else "spec"
        reasons.append(f"{specs} {kind} seed(s), {policy.min_specs} required")
    if errors:
        reasons.append(f"{errors} seed error(s)")
    return GateResult(not reasons, specs, policy.min_specs, errors, reasons, counted)
