"""One seed in depth: every signal with its line, coverage with scores, genre scores."""

from __future__ import annotations

import json
from pathlib import Path

from seed_kickoff.check import judge_document
from seed_kickoff.errors import UsageError
from seed_kickoff.loader import format_of, load_bytes, read_limited
from seed_kickoff.model import DIMENSIONS, SeedResult
from seed_kickoff.report.data import seed_dict
from seed_kickoff.report.text import finding_line
from seed_kickoff.rules import RuleSet, load_rules


def explain_seed(
    path: Path, ruleset: RuleSet | None = None, max_bytes: int = 5 * 1024**2
) -> SeedResult:
    if not path.exists():
        raise UsageError("no such seed file", str(path))
    if path.is_dir():
        raise UsageError("is a directory; explain takes one seed file", str(path))
    try:
        data = read_limited(path, max_bytes)  # a FIFO or device is refused, never waited on
    except OSError as err:
        raise UsageError(f"cannot be read: {err.strerror or err}", str(path)) from None
    doc = load_bytes(path.as_posix(), data, format_of(path.name), max_bytes)
    return judge_document(doc, ruleset or load_rules())


def render_explain_json(seed: SeedResult) -> str:
    return json.dumps(seed_dict(seed), indent=2, ensure_ascii=False) + "\n"


def render_explain_text(seed: SeedResult) -> str:
    j = seed.judgement
    out = [
        f"{seed.path}" + (f" ({seed.title})" if seed.title else ""),
        f"verdict: {seed.verdict} (confidence {j.confidence:.2f})",
        f"genre: {j.genre} ({j.genre_family})",
    ]
    if j.language:
        out.append(f"language: {j.language}")
    out.extend(f"  - {reason}" for reason in j.reasons)
    if j.scores:
        out.append("scores: " + ", ".join(f"{key} {value:g}" for key, value in j.scores.items()))
    out.append("")
    out.append("coverage:")
    for dim in DIMENSIONS:
        cov = j.coverage[dim]
        lines = ", ".join(map(str, cov.lines[:10])) or "-"
        out.append(f"  {dim:<12} {cov.state:<8} score {cov.score:5.2f}  lines {lines}")
    if j.genre_scores:
        out.append("")
        out.append("genre scores:")
        out.extend(f"  {genre:<16} {score:6.2f}" for genre, score in j.genre_scores.items())
    out.append("")
    out.append(f"signals ({len(j.signals)}):")
    for signal in j.signals:
        target = signal.dimension or signal.genre or "smell"
        out.append(
            f"  {signal.line:>5}  {signal.rule:<28} {target:<14} {signal.weight:+.2f}  {signal.text!r}"
        )
    if seed.findings:
        out.append("")
        out.extend(finding_line(f) for f in seed.findings)
    return "\n".join(out) + "\n"
