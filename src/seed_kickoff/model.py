"""Plain data passed between the stages: index -> load -> analyse -> judge -> report -> gate."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

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
LineKind = Literal["text", "heading", "code", "table", "list", "quote", "meta", "blank"]


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


# Slots: a run keeps every seed's signals for the report, tens of thousands of them.
@dataclass(frozen=True, slots=True)
class Signal:
    """One rule matched one line."""

    rule: str
    line: int
    text: str
    weight: float
    dimension: str | None = None
    genre: str | None = None
    message: str = ""


@dataclass(slots=True)
class DimensionCoverage:
    """How well a seed covers one dimension, and the lines that show it."""

    state: CoverageState
    score: float
    lines: list[int]


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
    seeds: list[SeedResult]
    findings: list[Finding]  # run-level findings (index problems, unlisted files, ...)
    gate: GateResult
    index: SeedIndex | None = None

    def all_findings(self) -> list[Finding]:
        found = list(self.findings)
        for seed in self.seeds:
            found.extend(seed.findings)
        return found
