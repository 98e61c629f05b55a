"""Measure the verdicts on a labelled corpus: confusion matrix, accuracy, recall, genre agreement.

A corpus is a directory with ``docs/`` (the documents) and ``labels.csv`` (``file,label[,genre]``,
more columns allowed). Documents are read by the same loader and judged by the same pipeline as
``kickoff check``; ``unreadable`` and ``unsupported`` count as not spec.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import field
from pathlib import Path

from seed_kickoff.check import judge_document
from seed_kickoff.errors import ConfigError, UsageError
from seed_kickoff.judge import load_model
from seed_kickoff.loader import DEFAULT_MAX_BYTES, load_seed, read_whole, special_kind
from seed_kickoff.model import SeedResult
from seed_kickoff.records import dataclass
from seed_kickoff.rules import RuleSet, load_rules

LABELS: tuple[str, ...] = ("spec", "partial", "nonspec")
# Label spellings accepted in labels.csv -> the three classes.
_LABEL_ALIASES = {
    "spec": "spec",
    "partial": "partial",
    "nonspec": "nonspec",
    "non-spec": "nonspec",
    "non_spec": "nonspec",
}
# kickoff's verdicts -> the three classes; what cannot be judged is not a spec.
_VERDICT_CLASS = {
    "spec": "spec",
    "partial": "partial",
    "non-spec": "nonspec",
    "unreadable": "nonspec",
    "unsupported": "nonspec",
}
METRICS: tuple[str, ...] = ("accuracy", "spec_recall", "spec_precision", "genre_agreement")


@dataclass(frozen=True)
class LabelledDoc:
    """A corpus document with the label (and genre) people gave it."""

    file: str  # relative POSIX path inside docs/
    label: str  # spec | partial | nonspec
    genre: str | None  # the corpus's genre label, if given
    line: int  # line in labels.csv


@dataclass
class DocOutcome:
    """What kickoff said about one labelled document."""

    file: str
    label: str
    predicted: str  # spec | partial | nonspec
    verdict: str  # kickoff's own verdict (unreadable, unsupported ... kept)
    confidence: float
    corpus_genre: str | None
    genre: str  # kickoff's genre
    expected_genres: tuple[str, ...]  # kickoff genres the corpus genre maps to (empty: unmapped)
    reasons: list[str]
    evidence: list[str]  # the strongest signals, "line N: message [rule]"

    @property
    def correct(self) -> bool:
        return self.label == self.predicted

    @property
    def genre_agrees(self) -> bool | None:
        """None when the corpus genre maps to no kickoff genre (nothing to compare)."""
        if not self.expected_genres:
            return None
        return self.genre in self.expected_genres


@dataclass
class EvalResult:
    """The measures of one evaluation run over a labelled corpus."""

    corpus: str
    outcomes: list[DocOutcome]
    matrix: dict[str, dict[str, int]]  # matrix[label][predicted]
    accuracy: float
    spec_recall: float
    spec_precision: float
    false_passes: int  # non-spec documents judged spec: the gate would wrongly pass
    genre_agreement: float  # on non-spec documents whose corpus genre is mapped
    genre_checked: int
    by_genre: dict[str, tuple[int, int]] = field(default_factory=dict)  # genre -> (right, total)

    @property
    def misjudged(self) -> list[DocOutcome]:
        return [o for o in self.outcomes if not o.correct]

    @property
    def genre_misses(self) -> list[DocOutcome]:
        return [o for o in self.outcomes if o.label == "nonspec" and o.genre_agrees is False]

    def metric(self, name: str) -> float:
        return float(getattr(self, name))


def read_labels(corpus: Path) -> list[LabelledDoc]:
    """``labels.csv`` -> labelled documents; every mistake names the file and line."""
    if not corpus.is_dir():
        raise UsageError("corpus is not a directory", str(corpus))
    docs_dir = corpus / "docs"
    labels_path = corpus / "labels.csv"
    if not docs_dir.is_dir():
        raise UsageError("corpus has no docs/ directory", str(corpus))
    if not labels_path.is_file():
        raise UsageError("corpus has no labels.csv", str(corpus))
    shown = str(labels_path)
    try:
        text = read_whole(labels_path).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read labels: {err}", shown) from None
    rows = csv.reader(io.StringIO(text, newline=""))
    header = [cell.strip().lower() for cell in next(rows, [])]
    if "file" not in header or "label" not in header:
        raise ConfigError("the header must name the columns 'file' and 'label'", shown, 1)
    col_file, col_label = header.index("file"), header.index("label")
    col_genre = header.index("genre") if "genre" in header else None
    root = docs_dir.resolve()
    docs: list[LabelledDoc] = []
    seen: dict[str, int] = {}
    for row in rows:
        number = rows.line_num  # the physical line, even after a quoted field with a newline
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(col_file, col_label):
            raise ConfigError("too few columns", shown, number)
        rel = row[col_file].strip().replace("\\", "/")
        label = _LABEL_ALIASES.get(row[col_label].strip().lower())
        if label is None:
            raise ConfigError(
                f"label {row[col_label]!r} is not one of spec, partial, nonspec", shown, number
            )
        target = (docs_dir / rel).resolve()
        if not rel or rel.startswith("/") or not target.is_relative_to(root):
            raise ConfigError(f"{rel!r} is outside docs/; refused", shown, number)
        if not target.is_file():
            kind = special_kind(target.stat().st_mode) if target.exists() else None
            what = f"is {kind}, not a document" if kind else "no such document"
            raise ConfigError(f"docs/{rel}: {what}", shown, number)
        if rel in seen:
            raise ConfigError(
                f"{rel!r} is labelled twice (first on line {seen[rel]})", shown, number
            )
        seen[rel] = number
        genre = row[col_genre].strip() if col_genre is not None and col_genre < len(row) else ""
        docs.append(LabelledDoc(rel, label, genre or None, number))
    if not docs:
        raise ConfigError("no labelled documents", shown)
    return docs


def evaluate_corpus(
    corpus: Path,
    ruleset: RuleSet | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[int, int], None] | None = None,
) -> EvalResult:
    labelled = read_labels(corpus)
    ruleset = ruleset or load_rules()
    genre_map = load_model().genre_map
    outcomes: list[DocOutcome] = []
    for done, item in enumerate(labelled):
        result = judge_document(load_seed(corpus / "docs", item.file, max_bytes), ruleset)
        outcomes.append(outcome_of(item, result, genre_map.get(item.genre or "", ())))
        if progress is not None:
            progress(done + 1, len(labelled))
    return score(str(corpus), outcomes)


def outcome_of(item: LabelledDoc, result: SeedResult, expected: Iterable[str]) -> DocOutcome:
    j = result.judgement
    by_weight = sorted(j.signals, key=lambda s: -s.weight)
    return DocOutcome(
        file=item.file,
        label=item.label,
        predicted=_VERDICT_CLASS[j.verdict],
        verdict=j.verdict,
        confidence=j.confidence,
        corpus_genre=item.genre,
        genre=j.genre,
        expected_genres=tuple(expected),
        reasons=list(j.reasons),
        evidence=[f"line {s.line}: {s.message} [{s.rule}]" for s in by_weight[:6]],
    )


def score(corpus: str, outcomes: list[DocOutcome]) -> EvalResult:
    matrix = {label: dict.fromkeys(LABELS, 0) for label in LABELS}
    by_genre: dict[str, list[int]] = {}
    for o in outcomes:
        matrix[o.label][o.predicted] += 1
        tally = by_genre.setdefault(o.corpus_genre or "-", [0, 0])
        tally[0] += o.correct
        tally[1] += 1
    total = len(outcomes)
    right = sum(matrix[label][label] for label in LABELS)
    specs = sum(matrix["spec"].values())
    judged_spec = sum(matrix[label]["spec"] for label in LABELS)
    checked = [o.genre_agrees for o in outcomes if o.label == "nonspec"]
    compared = [agrees for agrees in checked if agrees is not None]
    return EvalResult(
        corpus=corpus,
        outcomes=outcomes,
        matrix=matrix,
        accuracy=right / total if total else 0.0,
        spec_recall=matrix["spec"]["spec"] / specs if specs else 1.0,
        spec_precision=matrix["spec"]["spec"] / judged_spec if judged_spec else 1.0,
        false_passes=matrix["nonspec"]["spec"],
        genre_agreement=sum(compared) / len(compared) if compared else 1.0,
        genre_checked=len(compared),
        by_genre={genre: (t[0], t[1]) for genre, t in sorted(by_genre.items())},
    )


def parse_thresholds(text: str) -> dict[str, float]:
    """``accuracy=0.92,spec_recall=0.95`` -> {metric: minimum}."""
    thresholds: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in METRICS:
            raise UsageError(
                f"--fail-under wants METRIC=VALUE with METRIC one of {', '.join(METRICS)}; got {part!r}"
            )
        try:
            thresholds[name] = float(value)
        except ValueError:
            raise UsageError(f"--fail-under: {value!r} is not a number") from None
    return thresholds


def failures(
    result: EvalResult, fail_under: dict[str, float], max_false_pass: int | None
) -> list[str]:
    """Why the evaluation falls below the thresholds; empty when it meets them all."""
    failed = [
        f"{name} {result.metric(name):.3f} < {minimum:g}"
        for name, minimum in fail_under.items()
        if result.metric(name) < minimum
    ]
    if max_false_pass is not None and result.false_passes > max_false_pass:
        failed.append(f"false passes {result.false_passes} > {max_false_pass}")
    return failed


def result_dict(result: EvalResult, failed: list[str]) -> dict[str, object]:
    return {
        "schema_version": 1,
        "corpus": result.corpus,
        "documents": len(result.outcomes),
        "matrix": result.matrix,
        "accuracy": round(result.accuracy, 4),
        "spec_recall": round(result.spec_recall, 4),
        "spec_precision": round(result.spec_precision, 4),
        "false_passes": result.false_passes,
        "genre_agreement": round(result.genre_agreement, 4),
        "genre_checked": result.genre_checked,
        "by_genre": {g: {"right": r, "total": t} for g, (r, t) in result.by_genre.items()},
        "misjudged": [_outcome_dict(o) for o in result.misjudged],
        "genre_misses": [_outcome_dict(o) for o in result.genre_misses],
        "passed": not failed,
        "failures": failed,
    }


def _outcome_dict(o: DocOutcome) -> dict[str, object]:
    return {
        "file": o.file,
        "label": o.label,
        "predicted": o.predicted,
        "verdict": o.verdict,
        "confidence": o.confidence,
        "corpus_genre": o.corpus_genre,
        "genre": o.genre,
        "expected_genres": list(o.expected_genres),
        "reasons": o.reasons,
        "evidence": o.evidence,
    }


def render_text(result: EvalResult, failed: list[str]) -> str:
    names = {"spec": "spec", "partial": "partial", "nonspec": "non-spec"}
    out = [f"corpus: {result.corpus} ({len(result.outcomes)} documents)", ""]
    out.append("labelled \\ judged  " + "".join(f"{names[p]:>10}" for p in LABELS))
    for label in LABELS:
        row = "".join(f"{result.matrix[label][p]:>10}" for p in LABELS)
        out.append(f"{names[label]:<18}{row}")
    out.append("")
    out.append(f"accuracy         {result.accuracy:.3f}")
    out.append(f"spec recall      {result.spec_recall:.3f}")
    out.append(f"spec precision   {result.spec_precision:.3f}")
    out.append(f"false passes     {result.false_passes} (non-spec judged spec)")
    out.append(
        f"genre agreement  {result.genre_agreement:.3f} "
        f"(on {result.genre_checked} non-spec documents with a mapped genre)"
    )
    out.append("")
    out.append("accuracy by genre:")
    out.extend(
        f"  {genre:<22} {right:>3}/{total:<3}" for genre, (right, total) in result.by_genre.items()
    )
    if result.misjudged:
        out.append("")
        out.append(f"misjudged ({len(result.misjudged)}):")
        for o in result.misjudged:
            out.append(
                f"  {o.file}: labelled {names[o.label]}, judged {o.verdict} "
                f"({o.confidence:.2f}), genre {o.genre} [{o.corpus_genre or '-'}]"
            )
            out.extend(f"      {reason}" for reason in o.reasons)
            out.extend(f"      {line}" for line in o.evidence)
    if result.genre_misses:
        out.append("")
        out.append(f"genre disagreements on non-spec documents ({len(result.genre_misses)}):")
        out.extend(
            f"  {o.file}: {o.corpus_genre} -> expected {'/'.join(o.expected_genres)}, got {o.genre}"
            for o in result.genre_misses
        )
    out.append("")
    out.append("FAILED: " + "; ".join(failed) if failed else "passed")
    return "\n".join(out) + "\n"
