"""Plain data passed between the stages: index -> load -> analyse -> judge -> report -> gate."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import field
from typing import Any, Literal, cast

from seed_kickoff.records import dataclass

Level = Literal["error", "warning"]
Verdict = Literal["spec", "partial", "non-spec", "unreadable", "unsupported"]
CoverageState = Literal["clear", "thin", "missing"]

VERDICTS: tuple[Verdict, ...] = ("spec", "partial", "non-spec", "unreadable", "unsupported")

# The ten coverage dimensions, in the order questions are asked about them (impact first).
DIMENSIONS: tuple[str, ...] = (
    "goal",
    "users",
    "behaviour",
    "interfaces",
    "data",
    "performance",
    "platform",
    "quality",
    "constraints",
    "acceptance",
)

# Every dataclass below has a docstring: without one, dataclass() builds __doc__ from the
# signature (inspect), which costs start-up time.

# What each line of a document is, as far as its format tells; rules may be scoped to one kind.
LineKind = Literal[
    "text", "heading", "code", "table", "list", "quote", "meta", "placeholder", "blank"
]


@dataclass(frozen=True)
class Finding:
    """A problem with the input that is not a judgement: a dangling index entry, an odd encoding."""

    level: Level
    message: str
    path: str | None = None
    line: int | None = None
    code: str = "input"


@dataclass(frozen=True)
class IndexEntry:
    """One seed referenced by INDEX.md."""

    ref: str  # as written in INDEX.md
    path: str  # relative POSIX path inside the seeds dir
    title: str | None
    line: int  # 1-based line in INDEX.md


@dataclass
class SeedIndex:
    """What INDEX.md (or the directory listing) says the seeds are."""

    index_path: str | None  # relative name of the index file, None when there is none
    front_matter: dict[str, object]
    entries: list[IndexEntry]
    seeds: list[str]  # every seed to judge, relative POSIX paths, index order then unlisted
    findings: list[Finding] = field(default_factory=list)


@dataclass
class Document:
    """A seed turned into lines of text, with what its format tells about each line."""

    path: str
    lines: list[str]  # visible text; lines[i] is source line i + 1
    kinds: list[LineKind]
    format: str  # markdown, text, rst, html, ...
    title: str | None = None
    source: str | None = None
    encoding: str = "utf-8"
    findings: list[Finding] = field(default_factory=list)
    # Set when the seed cannot be judged: ("unreadable" | "unsupported", reason).
    problem: tuple[Verdict, str] | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


# Slots: a seed holds tens of signals, and a run pickles every seed's result to disk (store.py).
# Not frozen: a frozen class's __init__ sets each field through object.__setattr__, which made
# building one 4.7 times dearer (a run of 1,000 seeds builds 35,000); nothing changes a signal
# once analyse made it. unsafe_hash: hashable by its fields, as when it was frozen.
@dataclass(slots=True, unsafe_hash=True)
class Signal:
    """One rule matched one line."""

    rule: str
    line: int
    text: str
    weight: float
    dimension: str | None = None
    genre: str | None = None
    message: str = ""

    def __reduce__(self) -> tuple[Any, ...]:
        # The constructor from a tuple: twice as fast to pickle and load as the slots' state.
        fields = (self.rule, self.line, self.text, self.weight, self.dimension, self.genre)
        return (Signal, (*fields, self.message))


@dataclass(slots=True)
class DimensionCoverage:
    """How well a seed covers one dimension, and the lines that show it."""

    state: CoverageState
    score: float
    lines: list[int]

    def __reduce__(self) -> tuple[Any, ...]:
        return (DimensionCoverage, (self.state, self.score, self.lines))


@dataclass
class Judgement:
    """What kickoff concludes about one seed, with the evidence."""

    verdict: Verdict
    confidence: float
    genre: str
    genre_family: str  # "spec" or "non-spec"
    genre_scores: dict[str, float]
    coverage: dict[str, DimensionCoverage]
    signals: list[Signal]
    reasons: list[str]  # short sentences explaining the verdict, strongest first
    scores: dict[str, float] = field(default_factory=dict)  # spec/non-spec totals used
    language: str | None = None
    # Key phrases of a non-spec seed, from its own text (topics.py): what the questions name.
    topics: list[str] = field(default_factory=list)


@dataclass
class SeedResult:
    """One seed's judgement, with where it came from and any waiver."""

    path: str
    title: str | None
    source: str | None
    judgement: Judgement
    findings: list[Finding] = field(default_factory=list)
    listed: bool = True  # referenced by INDEX.md
    waiver: Waiver | None = None

    @property
    def verdict(self) -> Verdict:
        return self.waiver.verdict if self.waiver else self.judgement.verdict

    def summary(self) -> SeedSummary:
        judgement = self.judgement
        return _shared_summary(
            self.path,
            self.title,
            judgement.verdict,
            judgement.genre,
            judgement.confidence,
            tuple(judgement.coverage[d].state for d in DIMENSIONS),
            tuple(self.findings),
            self.waiver,
        )


# Coverage state tuples in use, shared by every summary that has the same ones.
_STATES: dict[tuple[CoverageState, ...], tuple[CoverageState, ...]] = {}


@dataclass(frozen=True, slots=True)
class SeedSummary:
    """What the gate and the tables of a report need of one seed, a few hundred bytes: a run keeps
    one per seed in memory while the full results wait on disk (store.py)."""

    path: str
    title: str | None
    judged: Verdict  # the judgement's verdict; ``verdict`` is the one a waiver counts it as
    genre: str
    confidence: float
    coverage: tuple[CoverageState, ...]  # in DIMENSIONS order
    findings: tuple[Finding, ...]
    waiver: Waiver | None

    @property
    def verdict(self) -> Verdict:
        return self.waiver.verdict if self.waiver else self.judged

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return _shared_summary, (
            self.path,
            self.title,
            self.judged,
            self.genre,
            self.confidence,
            self.coverage,
            self.findings,
            self.waiver,
        )


def _shared_summary(
    path: str,
    title: str | None,
    judged: Verdict,
    genre: str,
    confidence: float,
    coverage: tuple[CoverageState, ...],
    findings: tuple[Finding, ...],
    waiver: Waiver | None,
) -> SeedSummary:
    """A summary that shares the strings and coverage states every summary repeats, whether made
    here or unpickled from a worker process: a run keeps one per seed."""
    states = cast(tuple[CoverageState, ...], tuple(map(sys.intern, coverage)))
    return SeedSummary(
        path,
        title,
        cast(Verdict, sys.intern(judged)),
        sys.intern(genre),
        confidence,
        _STATES.setdefault(states, states),
        findings,
        waiver,
    )


@dataclass(frozen=True)
class Waiver:
    """A verdict a person set for a seed, with the reason."""

    seed: str
    verdict: Verdict
    reason: str
    # Where it was written, for messages; not part of what the waiver says.
    source: str | None = field(default=None, compare=False)
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class GatePolicy:
    """What the CI gate requires."""

    min_specs: int = 1
    count_partial: bool = False


@dataclass
class GateResult:
    """Whether the gate passed, and why not."""

    passed: bool
    specs: int
    required: int
    errors: int
    reasons: list[str]
    counted: tuple[Verdict, ...] = ("spec",)  # the verdicts the gate counts as spec


@dataclass
class CheckResult:
    """Everything one run found: the report's data."""

    seeds_dir: str
    # Index order. check_seeds gives a SeedStore (store.py): read-only, each seed read back from
    # disk when asked for, so a report of 10,000 seeds never holds them all at once.
    seeds: Sequence[SeedResult]
    findings: list[Finding]  # run-level findings (index problems, unlisted files, ...)
    gate: GateResult
    index: SeedIndex | None = None

    def summaries(self) -> Sequence[SeedSummary]:
        """Every seed's summary, in index order, without reading the full results back."""
        from seed_kickoff.store import SeedStore

        if isinstance(self.seeds, SeedStore):
            return self.seeds.summaries
        return [seed.summary() for seed in self.seeds]

    def all_findings(self) -> list[Finding]:
        found = list(self.findings)
        for seed in self.summaries():
            found.extend(seed.findings)
        return found
