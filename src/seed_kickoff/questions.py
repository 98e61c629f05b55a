"""CheckResult -> the questions the team must answer, in sections, each with a stable id.

Ids have the form ``q:SEED:RULE[:N]``. They depend on what raised the question (a seed, a rule, a
dimension, a flagged word), never on its wording or line number, so a checklist can be merged
with an earlier one (checklist.py). The wording lives in ``packs/questions.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import field
from functools import lru_cache
from pathlib import Path
from typing import Any

from seed_kickoff.cache import load_package_yaml
from seed_kickoff.errors import ConfigError, RulePackError
from seed_kickoff.judge import load_model
from seed_kickoff.model import DIMENSIONS, CheckResult, SeedResult, Signal
from seed_kickoff.records import dataclass
from seed_kickoff.rules import Rule, RuleSet, load_rules
from seed_kickoff.sections import FINDING_CODE as EMPTY_SECTIONS

# Questions shown per section unless every question is asked for (``--all``).
TOP = 10
BLOCKING = "blocking"
# The id's seed part for questions that belong to no single seed.
ALL_SEEDS = "*"

_UNSAFE = re.compile(r"[^A-Za-z0-9._/@+-]+")
_KIND_ORDER = {"problem": 0, "blocking": 0, "genre": 0, "gap": 1, "smell": 2}


@dataclass(frozen=True)
class Question:
    """One question of the checklist: its id, text, section and kind."""

    id: str  # q:SEED:RULE[:N]
    text: str
    section: str  # "blocking" or the seed's path
    kind: str  # blocking | problem | genre | gap | smell
    dimension: str | None = None
    line: int | None = None  # the seed line that raised it


@dataclass
class QuestionSection:
    """The questions about one seed, as a section of the checklist."""

    key: str  # "blocking" or the seed's path
    title: str
    questions: list[Question] = field(default_factory=list)  # every open question, by priority
    shown: int = 0  # how many of them a checklist shows
    # The section's key in ids and checklist markers: the seed's path made safe, * for blocking.
    anchor: str = ""

    def __post_init__(self) -> None:
        if not self.anchor:
            self.anchor = seed_key(self.key)

    @property
    def hidden(self) -> int:
        return len(self.questions) - self.shown


@dataclass(frozen=True)
class Templates:
    """The question texts of packs/questions.yaml."""

    blocking: list[dict[str, str]]
    dimensions: dict[str, str]
    smell_dimensions: dict[str, str]
    problem: str
    genres: dict[str, list[dict[str, str]]]


@lru_cache(maxsize=1)
def load_templates() -> Templates:
    path = Path(__file__).with_name("packs") / "questions.yaml"
    data: Any = load_package_yaml(path)  # cached: PyYAML is not imported on every run
    try:
        templates = Templates(
            blocking=[dict(item) for item in data["blocking"]],
            dimensions={str(k): str(v) for k, v in data["dimensions"].items()},
            smell_dimensions={str(k): str(v) for k, v in data["smell_dimensions"].items()},
            problem=str(data["problem"]),
            genres={str(k): [dict(i) for i in v] for k, v in data["genres"].items()},
        )
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise ConfigError(f"questions.yaml is malformed: {err}", str(path)) from None
    if set(templates.dimensions) != set(DIMENSIONS) or "default" not in templates.genres:
        raise ConfigError("questions.yaml needs every dimension and a default genre", str(path))
    for item in [*templates.blocking, *(i for items in templates.genres.values() for i in items)]:
        if not item.get("id") or not item.get("text") or item.get("dimension") not in DIMENSIONS:
            raise ConfigError(
                f"questions.yaml: item needs id, text and a dimension: {item}", str(path)
            )
    return templates


def build_questions(
    result: CheckResult, ruleset: RuleSet | None = None, show_all: bool = False
) -> list[QuestionSection]:
    """Every question about ``result``: the blocking section (when no seed is a spec) first,
    then one section per seed in index order. Plain data, for any renderer."""
    rules = (ruleset or load_rules()).by_id()
    templates = load_templates()
    sections: list[QuestionSection] = []
    if not any(seed.verdict == "spec" for seed in result.seeds):
        sections.append(_blocking(templates))
    used: set[str] = set()
    for seed in result.seeds:
        # seed_key is not one-to-one ("my brief.md" and "my_brief.md"): a second seed with a key
        # taken gets "~2", "~3" ..., or both would share ids and one section's heading and end.
        anchor, n = seed_key(seed.path), 1
        while anchor in used:
            n += 1
            anchor = f"{seed_key(seed.path)}~{n}"
        used.add(anchor)
        sections.append(_seed_section(seed, rules, templates, anchor))
    for section in sections:
        section.shown = len(section.questions) if show_all else min(TOP, len(section.questions))
    return sections


def seed_key(path: str) -> str:
    """A seed path as it appears in an id: no spaces, colons, ``*`` or comment delimiters."""
    return _UNSAFE.sub("_", path).replace("--", "-_") or "_"


def _blocking(templates: Templates) -> QuestionSection:
    section = QuestionSection(
        BLOCKING, "Blocking: no seed specifies a system yet", anchor=ALL_SEEDS
    )
    for item in templates.blocking:
        section.questions.append(
            Question(
                id=f"q:{ALL_SEEDS}:blocking.{item['id']}",
                text=item["text"],
                section=BLOCKING,
                kind="blocking",
                dimension=item.get("dimension"),
            )
        )
    return section


def _seed_section(
    seed: SeedResult, rules: dict[str, Rule], templates: Templates, anchor: str
) -> QuestionSection:
    judgement = seed.judgement
    label = _genre_label(judgement.genre)
    title = f"{seed.path}: {seed.verdict}, {label}"
    section = QuestionSection(seed.path, title, anchor=anchor)
    key = section.anchor
    if seed.verdict in ("unreadable", "unsupported"):
        reason = judgement.reasons[0] if judgement.reasons else seed.verdict
        text = templates.problem.format(seed=seed.path, reason=reason)
        section.questions.append(Question(f"q:{key}:problem", text, seed.path, "problem"))
        return section
    if seed.verdict == "non-spec" and not _unfilled_template(seed):
        section.questions.extend(_genre_questions(seed, key, label, templates))
    else:
        section.questions.extend(_gap_questions(seed, key, templates))
        section.questions.extend(_smell_questions(seed, key, rules, templates))
    section.questions.sort(key=_priority)
    return section


def _unfilled_template(seed: SeedResult) -> bool:
    """A seed of no recognisable genre whose sections were left empty (sections.py) is a spec
    still to be written: it is asked what a spec would be asked, not what its genre suggests."""
    return seed.judgement.genre == "document" and any(
        finding.code == EMPTY_SECTIONS for finding in seed.findings
    )


def _priority(question: Question) -> tuple[int, int, int]:
    rank = DIMENSIONS.index(question.dimension) if question.dimension in DIMENSIONS else 99
    return (rank, _KIND_ORDER[question.kind], question.line or 0)


def _genre_label(slug: str) -> str:
    genre = load_model().genres.get(slug)
    return genre.label if genre else slug


def _genre_questions(
    seed: SeedResult, key: str, label: str, templates: Templates
) -> list[Question]:
    items = templates.genres.get(seed.judgement.genre, templates.genres["default"])
    topics = _join(seed.judgement.topics)
    questions = []
    for item in items:
        text = item["text"]
        if "{topics}" in text and not topics:
            text = item.get("fallback", text)
        questions.append(
            Question(
                id=f"q:{key}:genre.{item['id']}",
                text=text.format(seed=seed.path, genre=label, topics=topics),
                section=seed.path,
                kind="genre",
                dimension=item.get("dimension"),
            )
        )
    return questions


def _gap_questions(seed: SeedResult, key: str, templates: Templates) -> list[Question]:
    questions = []
    for dim in DIMENSIONS:
        coverage = seed.judgement.coverage[dim]
        if coverage.state == "clear":
            continue
        if coverage.state == "missing":
            found = "nothing found"
        else:
            found = "only " + _found([s for s in seed.judgement.signals if s.dimension == dim])
        questions.append(
            Question(
                id=f"q:{key}:dim.{dim}",
                text=f"{dim}: {found}. {templates.dimensions[dim]}",
                section=seed.path,
                kind="gap",
                dimension=dim,
                line=coverage.lines[0] if coverage.lines else None,
            )
        )
    return questions


def _found(cues: list[Signal]) -> str:
    """What the signals of a thin dimension show: "a user story (lines 3, 9); a heading (line 20)"."""
    lines: dict[str, list[int]] = {}
    for cue in cues:
        lines.setdefault(cue.message, []).append(cue.line)
    parts = []
    for message, numbers in lines.items():
        shown = ", ".join(map(str, numbers[:4])) + (", ..." if len(numbers) > 4 else "")
        parts.append(f"{message} (line{'s' if len(numbers) > 1 else ''} {shown})")
    return "; ".join(parts)


def _smell_questions(
    seed: SeedResult, key: str, rules: dict[str, Rule], templates: Templates
) -> list[Question]:
    questions = []
    seen: dict[str, int] = {}
    for signal in seed.judgement.signals:
        rule = rules.get(signal.rule)
        if rule is None or rule.smell is None:
            continue
        word = _slug(signal.text)
        base = f"q:{key}:{rule.id}:{word}"
        seen[base] = seen.get(base, 0) + 1
        qid = base if seen[base] == 1 else f"{base}.{seen[base]}"
        questions.append(
            Question(
                id=qid,
                text=_smell_text(rule, signal),
                section=seed.path,
                kind="smell",
                dimension=templates.smell_dimensions.get(rule.smell, "quality"),
                line=signal.line,
            )
        )
    return questions


def _smell_text(rule: Rule, signal: Signal) -> str:
    if rule.question is None:
        return f"line {signal.line} says {signal.text!r}: {rule.message}?"
    try:
        return rule.question.format(line=signal.line, text=signal.text)
    except (KeyError, IndexError, ValueError) as err:
        raise RulePackError(
            f"'question' may use only {{line}} and {{text}} ({err})", rule.pack, rule.id
        ) from None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:30] or "x"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
