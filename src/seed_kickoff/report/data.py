"""The JSON contract: a CheckResult as plain dicts and lists (schema_version 1)."""

from __future__ import annotations

from typing import Any

from seed_kickoff.model import CheckResult, Finding, SeedResult, Signal
from seed_kickoff.report.stream import JsonList, TextOut, write_json

SCHEMA_VERSION = 1


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "level": finding.level,
        "path": finding.path,
        "line": finding.line,
        "message": finding.message,
        "code": finding.code,
    }


def signal_dict(signal: Signal) -> dict[str, Any]:
    return {
        "rule": signal.rule,
        "line": signal.line,
        "text": signal.text,
        "message": signal.message,
        "weight": signal.weight,
        "dimension": signal.dimension,
        "genre": signal.genre,
    }


def waiver_dict(seed: SeedResult) -> dict[str, Any] | None:
    return {"verdict": seed.waiver.verdict, "reason": seed.waiver.reason} if seed.waiver else None


def seed_dict(seed: SeedResult) -> dict[str, Any]:
    judgement = seed.judgement
    return {
        "path": seed.path,
        "title": seed.title,
        "source": seed.source,
        "listed": seed.listed,
        "verdict": seed.verdict,
        "judged_verdict": judgement.verdict,
        "waiver": waiver_dict(seed),
        "confidence": judgement.confidence,
        "genre": judgement.genre,
        "genre_family": judgement.genre_family,
        "genre_scores": judgement.genre_scores,
        "language": judgement.language,
        "coverage": {dim: cov.state for dim, cov in judgement.coverage.items()},
        "coverage_detail": {
            dim: {"state": cov.state, "score": cov.score, "lines": cov.lines}
            for dim, cov in judgement.coverage.items()
        },
        "scores": judgement.scores,
        "reasons": judgement.reasons,
        "signals": [signal_dict(s) for s in judgement.signals],
        "findings": [finding_dict(f) for f in seed.findings],
    }


def result_dict(result: CheckResult) -> dict[str, Any]:
    return _result_dict(result, [seed_dict(seed) for seed in result.seeds])


def write_json_report(result: CheckResult, out: TextOut) -> None:
    """``result_dict`` as indented JSON, one seed at a time: a seed's dict lives while it is written."""
    write_json(out, _result_dict(result, JsonList(seed_dict(seed) for seed in result.seeds)))
    out.write("\n")


def _result_dict(result: CheckResult, seeds: list[dict[str, Any]] | JsonList) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "seeds_dir": result.seeds_dir,
        "gate": {
            "passed": result.gate.passed,
            "specs": result.gate.specs,
            "required": result.gate.required,
            "errors": result.gate.errors,
            "reasons": result.gate.reasons,
        },
        "seeds": seeds,
        "findings": [finding_dict(f) for f in result.findings],
    }


def render_json(result: CheckResult) -> str:
    from seed_kickoff.report.stream import render_to_string

    return render_to_string(write_json_report, result)
