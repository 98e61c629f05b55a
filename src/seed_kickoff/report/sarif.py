"""SARIF 2.1.0 for code scanning (GitHub, GitLab, IDE viewers).

One result per seed for its verdict, on the line of its strongest evidence (error when the seed
fails the gate), one note per key evidence signal, and one result per finding. Paths are relative
to the repository root (``%SRCROOT%``), which is what GitHub code scanning needs to place them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from seed_kickoff import __version__
from seed_kickoff.model import DIMENSIONS, CheckResult, Finding, SeedResult, Signal, Verdict
from seed_kickoff.report.data import waiver_dict
from seed_kickoff.report.outcome import (
    Outcome,
    RepoPaths,
    evidence_line,
    seed_outcome,
    strongest_signal,
    verdict_summary,
)
from seed_kickoff.report.stream import JsonList, TextOut, render_to_string, write_json
from seed_kickoff.report.text import key_signals

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/seed-kickoff/"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "kickoffFingerprint/v1"

_LEVEL: dict[Outcome, str] = {"fail": "error", "warn": "warning", "waived": "note", "pass": "note"}

_VERDICT_HELP = {
    "spec": (
        "The seed specifies a system to build.",
        "Most of the ten dimensions of a specification (goal, users, behaviour, interfaces, "
        "data, performance, platform, quality, constraints, acceptance) are covered, in the form "
        "of a specification.",
    ),
    "partial": (
        "The seed asks for a system but leaves most of it open.",
        "A brief, a feature request or user stories: it asks for a system, but most dimensions "
        "of a specification are thin or missing. Answer the questions before the design meeting.",
    ),
    "non-spec": (
        "The seed does not specify a system to build.",
        "The seed reads as another genre (a news article, a licence, an essay, ...) and covers "
        "no dimension of a specification clearly. Replace it with a specification or waive it.",
    ),
    "unreadable": (
        "The seed cannot be read.",
        "The file is binary, empty or broken; the message gives the reason. Fix or remove it.",
    ),
    "unsupported": (
        "The seed is in a language or format the rules cannot judge.",
        "kickoff says so instead of guessing. Provide the seed in a supported language or "
        "format, or waive it.",
    ),
}


def _fingerprint(*parts: str) -> str:
    """Stable across runs and line moves: path, rule and normalised text, never line numbers."""
    normalised = [re.sub(r"\s+", " ", part).strip().lower() for part in parts]
    return hashlib.sha256("\0".join(normalised).encode("utf-8")).hexdigest()[:32]


def _location(paths: RepoPaths, seed_path: str | None, line: int | None) -> dict[str, Any]:
    target = paths.path(seed_path)
    artifact: dict[str, Any]
    if paths.relative:
        artifact = {"uri": quote(target), "uriBaseId": SRCROOT}
    else:
        artifact = {"uri": Path(target).as_uri()}
    # A finding about a whole file points at its first line: code scanning wants a line.
    return {"physicalLocation": {"artifactLocation": artifact, "region": {"startLine": line or 1}}}


def _descriptor(rule_id: str, short: str, full: str, help_text: str, level: str) -> dict[str, Any]:
    return {
        "id": rule_id,
        "name": re.sub(r"[^A-Za-z0-9]+", "-", rule_id).strip("-"),
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": level},
    }


def _signal_descriptor(signal: Signal) -> dict[str, Any]:
    if signal.dimension:
        full = f"Evidence that the seed covers the {signal.dimension} dimension of a specification."
    elif signal.genre:
        full = f"A cue of the genre {signal.genre}."
    else:
        full = "A signal of the kickoff rule packs."
    help_text = (
        f"{full} `kickoff explain SEED` shows every signal of a seed with its line and weight; "
        f"`kickoff rules` lists the rules."
    )
    return _descriptor(signal.rule, signal.message or signal.rule, full, help_text, "note")


def _finding_rule(finding: Finding) -> str:
    return f"kickoff/finding/{finding.code}"


class _Rules:
    """reportingDescriptors in first-use order, with the index results refer to them by."""

    def __init__(self) -> None:
        self.descriptors: list[dict[str, Any]] = []
        self._index: dict[str, int] = {}

    def use(self, rule_id: str, make: Callable[[], dict[str, Any]]) -> int:
        if rule_id not in self._index:
            self._index[rule_id] = len(self.descriptors)
            self.descriptors.append(make())
        return self._index[rule_id]


def _verdict_rule(verdict: Verdict, rules: _Rules) -> tuple[str, int]:
    rule_id = f"kickoff/verdict/{verdict}"
    short, full = _VERDICT_HELP[verdict]
    index = rules.use(
        rule_id,
        lambda: _descriptor(
            rule_id,
            short,
            full,
            f"{full} `kickoff explain SEED` shows the evidence line by line.",
            "error",
        ),
    )
    return rule_id, index


def _signal_rule(signal: Signal, rules: _Rules) -> int:
    return rules.use(signal.rule, lambda: _signal_descriptor(signal))


def _use_finding_rule(finding: Finding, rules: _Rules) -> tuple[str, int]:
    rule_id = _finding_rule(finding)
    full = (
        f"A problem with the input ({finding.code}): a dangling or escaping INDEX.md entry, "
        "an unlisted file, an odd encoding, an oversized seed."
    )
    index = rules.use(
        rule_id,
        lambda: _descriptor(
            rule_id,
            f"kickoff input finding: {finding.code}",
            full,
            f"{full} Errors fail the gate; warnings do not.",
            finding.level,
        ),
    )
    return rule_id, index


def _verdict_result(
    result: CheckResult, seed: SeedResult, paths: RepoPaths, rules: _Rules
) -> dict[str, Any]:
    rule_id, index = _verdict_rule(seed.verdict, rules)
    outcome = seed_outcome(result, seed)
    strongest = strongest_signal(seed)
    message = verdict_summary(seed)
    if strongest is not None:
        message += f". Strongest evidence, line {strongest.line}: {strongest.message}"
    entry: dict[str, Any] = {
        "ruleId": rule_id,
        "ruleIndex": index,
        "level": _LEVEL[outcome],
        "message": {"text": message},
        "locations": [_location(paths, seed.path, evidence_line(seed))],
        "partialFingerprints": {FINGERPRINT_KEY: _fingerprint(paths.path(seed.path), rule_id)},
        "relatedLocations": [
            {
                "id": number,
                **_location(paths, seed.path, signal.line),
                "message": {"text": f"{signal.message} [{signal.rule}]"},
            }
            for number, signal in enumerate(key_signals(seed))
        ],
        "properties": {
            "outcome": outcome,
            "verdict": seed.verdict,
            "genre": seed.judgement.genre,
            "confidence": seed.judgement.confidence,
            "coverage": {d: seed.judgement.coverage[d].state for d in DIMENSIONS},
            "waiver": waiver_dict(seed),
        },
    }
    if seed.waiver is not None:
        entry["suppressions"] = [{"kind": "external", "justification": seed.waiver.reason}]
    return entry


def _signal_result(seed: SeedResult, signal: Signal, paths: RepoPaths, rules: _Rules) -> Any:
    index = _signal_rule(signal, rules)
    return {
        "ruleId": signal.rule,
        "ruleIndex": index,
        "level": "note",
        "message": {"text": f"{signal.message}: {signal.text!r}"},
        "locations": [_location(paths, seed.path, signal.line)],
        "partialFingerprints": {
            FINGERPRINT_KEY: _fingerprint(paths.path(seed.path), signal.rule, signal.text)
        },
    }


def _finding_result(finding: Finding, paths: RepoPaths, rules: _Rules) -> dict[str, Any]:
    rule_id, index = _use_finding_rule(finding, rules)
    entry: dict[str, Any] = {
        "ruleId": rule_id,
        "ruleIndex": index,
        "level": finding.level,
        "message": {"text": finding.message},
        "partialFingerprints": {
            FINGERPRINT_KEY: _fingerprint(paths.path(finding.path), rule_id, finding.message)
        },
    }
    if finding.path:
        entry["locations"] = [_location(paths, finding.path, finding.line)]
    return entry


def _results(result: CheckResult, paths: RepoPaths, rules: _Rules) -> Iterator[dict[str, Any]]:
    for seed in result.seeds:
        yield _verdict_result(result, seed, paths, rules)
        yield from (_signal_result(seed, s, paths, rules) for s in key_signals(seed))
    yield from (_finding_result(f, paths, rules) for f in result.all_findings())


def _use_rules(result: CheckResult, rules: _Rules) -> None:
    """Register every rule ``_results`` uses, in the same order, without making the results."""
    for seed in result.seeds:
        _verdict_rule(seed.verdict, rules)
        for signal in key_signals(seed):
            _signal_rule(signal, rules)
    for finding in result.all_findings():
        _use_finding_rule(finding, rules)


def sarif_dict(result: CheckResult, root: Path | None = None) -> dict[str, Any]:
    paths = RepoPaths.for_seeds_dir(result.seeds_dir, root)
    rules = _Rules()
    results = list(_results(result, paths, rules))
    return _document(result, paths, rules, results)


def write_sarif(result: CheckResult, stream: TextOut) -> None:
    """``sarif_dict`` as indented JSON, one result at a time. The driver lists every rule before
    the results, in first-use order: a first pass over the seeds collects them."""
    paths = RepoPaths.for_seeds_dir(result.seeds_dir)
    rules = _Rules()
    _use_rules(result, rules)
    write_json(stream, _document(result, paths, rules, JsonList(_results(result, paths, rules))))
    stream.write("\n")


def _document(
    result: CheckResult, paths: RepoPaths, rules: _Rules, results: list[dict[str, Any]] | JsonList
) -> dict[str, Any]:
    gate = result.gate
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "kickoff",
                "fullName": "kickoff (seed-kickoff)",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": rules.descriptors,
            }
        },
        "invocations": [
            {
                "executionSuccessful": True,
                "exitCode": 0 if gate.passed else 1,
                "properties": {"gate": {"passed": gate.passed, "reasons": gate.reasons}},
            }
        ],
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {
            "seedsDir": result.seeds_dir,
            "gate": {
                "passed": gate.passed,
                "specs": gate.specs,
                "required": gate.required,
                "errors": gate.errors,
                "reasons": gate.reasons,
            },
        },
    }
    if paths.relative:
        run["originalUriBaseIds"] = {
            SRCROOT: {"description": {"text": "The root of the repository."}}
        }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(result: CheckResult) -> str:
    return render_to_string(write_sarif, result)
