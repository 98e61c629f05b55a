"""Signals -> coverage of the ten dimensions, genre, verdict and confidence.

The numbers live in ``packs/model.yaml``; this module only applies them, so that every verdict can
be explained as sums of rule weights that a person can read in the packs.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

from seed_kickoff.analyse import Analysis
from seed_kickoff.cache import load_package_yaml
from seed_kickoff.errors import ConfigError
from seed_kickoff.language import count_words, guess_language
from seed_kickoff.model import (
    DIMENSIONS,
    DimensionCoverage,
    Document,
    Judgement,
    Signal,
    Verdict,
)
from seed_kickoff.records import dataclass
from seed_kickoff.rules import Rule, RuleSet

FALLBACK_GENRE = "document"


@dataclass(eq=False)
class Genre:
    """A genre of the model: its slug, its family and its label."""

    slug: str
    family: str  # "spec" or "non-spec"
    label: str


@dataclass(eq=False)
class JudgeModel:
    """The numbers of packs/model.yaml that turn scores into verdicts."""

    clear_at: float
    dimension_cap: float
    # dimensions whose detail (interfaces, data) may add more than dimension_cap
    dimension_caps: dict[str, float]
    spec_min_clear: int
    spec_min_evidence: float
    partial_min_clear: int
    partial_min_evidence: float
    nonspec_factor: float
    per_kword: float
    partial_per_kword: float
    length_cap_words: int
    # header cues (byline, dateline) that do not count against a document with this many clear
    # dimensions when their genre has less than lone_cue_rest other evidence
    lone_cues: tuple[str, ...]
    # spec-family genres that ask for a system without specifying it: their score counts
    # towards partial only
    brief_genres: tuple[str, ...]
    lone_cue_min_clear: int
    lone_cue_rest: float
    softness: float
    genre_min_score: float
    genres: dict[str, Genre]
    # corpus genre label -> kickoff genres that agree with it (used by `kickoff eval`)
    genre_map: dict[str, tuple[str, ...]]


@lru_cache(maxsize=1)
def load_model() -> JudgeModel:
    path = Path(__file__).with_name("packs") / "model.yaml"
    data: Any = load_package_yaml(path)  # cached: PyYAML is not imported on every run
    try:
        genres = {
            slug: Genre(slug, str(family), str(label))
            for slug, (family, label) in data["genres"].items()
        }
        return JudgeModel(
            clear_at=float(data["coverage"]["clear_at"]),
            dimension_cap=float(data["coverage"]["cap"]),
            dimension_caps={
                str(dim): float(cap) for dim, cap in (data["coverage"].get("caps") or {}).items()
            },
            spec_min_clear=int(data["verdict"]["spec"]["min_clear"]),
            spec_min_evidence=float(data["verdict"]["spec"]["min_evidence"]),
            partial_min_clear=int(data["verdict"]["partial"]["min_clear"]),
            partial_min_evidence=float(data["verdict"]["partial"]["min_evidence"]),
            nonspec_factor=float(data["verdict"]["nonspec_factor"]),
            per_kword=float(data["verdict"]["length"]["spec_per_1000_words"]),
            partial_per_kword=float(data["verdict"]["length"]["partial_per_1000_words"]),
            length_cap_words=int(data["verdict"]["length"]["cap_words"]),
            lone_cues=tuple(str(r) for r in data["verdict"]["lone_cues"]["rules"]),
            brief_genres=tuple(str(g) for g in data["verdict"]["partial"]["brief_genres"]),
            lone_cue_min_clear=int(data["verdict"]["lone_cues"]["min_clear"]),
            lone_cue_rest=float(data["verdict"]["lone_cues"]["rest_below"]),
            softness=float(data["verdict"]["softness"]),
            genre_min_score=float(data["genre"]["min_score"]),
            genres=genres,
            genre_map={
                str(label): tuple(str(slug) for slug in slugs or ())
                for label, slugs in (data.get("genre_map") or {}).items()
            },
        )
    except (KeyError, TypeError, ValueError) as err:
        raise ConfigError(f"model.yaml is malformed: {err}", str(path)) from None


@dataclass(eq=False)
class Measure:
    """What the rules found in one document, before any threshold is applied."""

    dimension_scores: dict[str, float]
    genre_scores: dict[str, float]
    clear: list[str]  # dimensions whose score reaches clear_at
    genre: str
    family: str
    spec_evidence: float  # capped dimension scores + the best spec-genre score (not a brief)
    against: float  # the best non-spec-genre score, weighted by nonspec_factor
    net: float
    words: int = 0
    discounted: tuple[str, ...] = ()  # lone header cues that did not count against
    brief: float = 0.0  # the best brief-genre score: evidence for partial only


def measure(
    hits: dict[str, int], rules: dict[str, Rule], model: JudgeModel, words: int = 0
) -> Measure:
    """Rule hit counts -> scores per dimension and genre, and the net spec evidence."""
    dimension_scores: dict[str, float] = defaultdict(float)
    genre_scores: dict[str, float] = defaultdict(float)
    cue_scores: dict[str, float] = defaultdict(float)  # per genre, from lone_cues rules
    for rule_id, count in hits.items():
        rule = rules.get(rule_id)
        if rule is None:
            continue
        score = rule.weight * min(count, rule.cap)
        if rule.dimension:
            dimension_scores[rule.dimension] += score
        elif rule.genre:
            genre_scores[rule.genre] += score
            if rule_id in model.lone_cues and count:
                cue_scores[rule.genre] += score
    clear = [dim for dim in DIMENSIONS if dimension_scores.get(dim, 0.0) >= model.clear_at]
    spec_genre = max(
        (
            score
            for slug, score in genre_scores.items()
            if _family(slug, model) == "spec" and slug not in model.brief_genres
        ),
        default=0.0,
    )
    brief = max((genre_scores.get(slug, 0.0) for slug in model.brief_genres), default=0.0)
    # A byline or dateline alone, above a document with the structure of a spec ("By <author>"
    # under a spec's title), is no news article: it counts against only with other evidence.
    lone = len(clear) >= model.lone_cue_min_clear
    discount = {
        slug
        for slug, cue in cue_scores.items()
        if lone and genre_scores[slug] - cue < model.lone_cue_rest
    }
    against_scores = {
        slug: score - (cue_scores[slug] if slug in discount else 0.0)
        for slug, score in genre_scores.items()
        if _family(slug, model) == "non-spec"
    }
    discounted = tuple(
        sorted(
            r
            for r in set(model.lone_cues)  # a couple of rules: fewer than the hits
            if r in hits and r in rules and rules[r].genre in discount
        )
    )
    genre, family = _genre({**genre_scores, **against_scores}, model)
    nonspec_genre = max(against_scores.values(), default=0.0)
    dims_evidence = sum(
        min(score, model.dimension_caps.get(dim, model.dimension_cap))
        for dim, score in dimension_scores.items()
    )
    spec_evidence = dims_evidence + spec_genre
    against = nonspec_genre * model.nonspec_factor
    return Measure(
        dimension_scores=dict(dimension_scores),
        genre_scores=dict(genre_scores),
        clear=clear,
        genre=genre,
        family=family,
        spec_evidence=spec_evidence,
        against=against,
        net=spec_evidence - against,
        words=words,
        discounted=discounted,
        brief=brief,
    )


def decide(m: Measure, model: JudgeModel) -> tuple[Verdict, float]:
    """The verdict from the measure, and its margin from the nearest threshold.

    Longer documents must show more evidence: a long essay or policy collects scattered hits that
    a short spec or brief does not need, so the thresholds rise with length (up to a cap).
    """
    net, clear = m.net, len(m.clear)
    kwords = min(m.words, model.length_cap_words) / 1000
    spec_at = model.spec_min_evidence + model.per_kword * kwords
    partial_at = model.partial_min_evidence + model.partial_per_kword * kwords
    if net >= spec_at and clear >= model.spec_min_clear:
        return "spec", min(net - spec_at, 3 * (clear - model.spec_min_clear) + 3)
    if net + m.brief >= partial_at and clear >= model.partial_min_clear:
        return "partial", min(net + m.brief - partial_at, spec_at - net)
    return "non-spec", partial_at - net - m.brief


def judge(doc: Document, analysis: Analysis, ruleset: RuleSet) -> Judgement:
    model = load_model()
    if doc.problem is not None:
        problem, reason = doc.problem
        return _empty(problem, reason, model)

    rules = ruleset.by_id()
    text = doc.text  # joins every line: build it once for the word count and the language
    words = analysis.words if analysis.words is not None else count_words(text)
    m = measure(analysis.hits, rules, model, words)
    signals = [s for s in analysis.signals if s.dimension or s.genre or rules[s.rule].smell]
    dim_lines: defaultdict[str, set[int]] = defaultdict(set)  # dimension -> its lines, one pass
    for s in signals:
        if s.dimension:
            dim_lines[s.dimension].add(s.line)
    coverage = {
        dim: DimensionCoverage(
            state=_state(m.dimension_scores.get(dim, 0.0), model),
            score=round(m.dimension_scores.get(dim, 0.0), 2),
            lines=sorted(dim_lines.get(dim, ()))[:20],
        )
        for dim in DIMENSIONS
    }
    genre, family = m.genre, m.family
    language = guess_language(text)
    lang_note: str | None = None
    if language.language not in ("en", "und"):
        lang_note = f"{language.language} ({language.script} script)"

    verdict, margin = decide(m, model)
    # Rules are English: in another language little matches, and "non-spec" or "partial" would be
    # a guess. Say what the language is instead.
    if verdict != "spec" and lang_note and family != "non-spec":
        return _unsupported_language(
            lang_note, language.script, coverage, signals, m.genre_scores, model
        )

    confidence = 0.5 + 0.5 * max(margin, 0.0) / (max(margin, 0.0) + model.softness)
    reasons = _reasons(verdict, m.clear, genre, family, m.genre_scores, signals, model, m.net)
    if m.discounted:
        cited = "; ".join(f"line {s.line}: {s.message}" for s in signals if s.rule in m.discounted)
        reasons.append(f"not counted against, alone above {len(m.clear)} clear dimensions: {cited}")
    if lang_note:
        reasons.append(f"written in {lang_note}: rules are tuned on English, judged on structure")
        confidence = min(confidence, 0.7)
    return Judgement(
        verdict=verdict,
        confidence=round(confidence, 2),
        genre=genre,
        genre_family=family,
        genre_scores={
            k: round(v, 2) for k, v in sorted(m.genre_scores.items(), key=lambda kv: -kv[1])
        },
        coverage=coverage,
        signals=signals,
        reasons=reasons,
        scores={
            "spec_evidence": round(m.spec_evidence, 2),
            "against": round(m.against, 2),
            "net": round(m.net, 2),
            "brief": round(m.brief, 2),
            "clear_dimensions": float(len(m.clear)),
        },
        language=language.language,
    )


def _state(score: float, model: JudgeModel) -> Any:
    if score >= model.clear_at:
        return "clear"
    return "thin" if score > 0 else "missing"


def _family(slug: str, model: JudgeModel) -> str:
    genre = model.genres.get(slug)
    return genre.family if genre else "non-spec"


def _genre(scores: dict[str, float], model: JudgeModel) -> tuple[str, str]:
    if not scores:
        return FALLBACK_GENRE, "unknown"
    best = max(sorted(scores), key=lambda slug: scores[slug])
    if scores[best] < model.genre_min_score:
        return FALLBACK_GENRE, "unknown"
    return best, _family(best, model)


def _reasons(
    verdict: Verdict,
    clear: list[str],
    genre: str,
    family: str,
    genre_scores: dict[str, float],
    signals: list[Signal],
    model: JudgeModel,
    net: float,
) -> list[str]:
    reasons: list[str] = []
    if clear:
        reasons.append(f"{len(clear)} of 10 dimensions clear: {', '.join(clear)}")
    else:
        reasons.append("no dimension of a specification is clearly covered")
    if genre != FALLBACK_GENRE:
        label = model.genres[genre].label if genre in model.genres else genre
        cues = islice((s for s in signals if s.genre == genre), 4)
        cited = "; ".join(f"line {s.line}: {s.message}" for s in cues)
        reasons.append(f"reads like a {label} ({family} genre){': ' + cited if cited else ''}")
    if verdict == "non-spec" and family != "non-spec":
        reasons.append(f"too little specification evidence (net score {net:.1f})")
    return reasons


def _empty(verdict: Verdict, reason: str, model: JudgeModel) -> Judgement:
    coverage = {dim: DimensionCoverage("missing", 0.0, []) for dim in DIMENSIONS}
    return Judgement(
        verdict=verdict,
        confidence=1.0,
        genre=FALLBACK_GENRE,
        genre_family="unknown",
        genre_scores={},
        coverage=coverage,
        signals=[],
        reasons=[reason],
    )


def _unsupported_language(
    lang_note: str,
    script: str,
    coverage: dict[str, DimensionCoverage],
    signals: list[Signal],
    genre_scores: dict[str, float],
    model: JudgeModel,
) -> Judgement:
    return Judgement(
        verdict="unsupported",
        confidence=0.5,
        genre=FALLBACK_GENRE,
        genre_family="unknown",
        genre_scores={k: round(v, 2) for k, v in genre_scores.items()},
        coverage=coverage,
        signals=signals,
        reasons=[
            f"written in {lang_note}; the rules cannot judge it from its structure alone",
        ],
        language=lang_note.split(" ")[0],
    )
