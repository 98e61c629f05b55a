"""GitHub Actions workflow commands: an annotation per seed on the line of its strongest evidence
(error when it fails the gate), one per finding, and the gate line last."""

from __future__ import annotations

from seed_kickoff.model import CheckResult, SeedResult
from seed_kickoff.report.outcome import (
    Outcome,
    RepoPaths,
    evidence_line,
    seed_outcome,
    strongest_signal,
    verdict_summary,
)
from seed_kickoff.report.stream import Lines, TextOut, render_to_string
from seed_kickoff.report.text import finding_line, gate_line

_COMMAND: dict[Outcome, str] = {
    "fail": "error",
    "warn": "warning",
    "waived": "notice",
    "pass": "notice",
}


def escape_data(text: str) -> str:
    """The message part of a workflow command (GitHub's escapeData)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (file, title ...): also ``:`` and ``,`` (GitHub's escapeProperty)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int | None) -> str:
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def _seed_command(result: CheckResult, seed: SeedResult, paths: RepoPaths) -> str:
    strongest = strongest_signal(seed)
    message = verdict_summary(seed)
    if strongest is not None:
        message += (
            f"\nStrongest evidence: {strongest.message} [{strongest.rule}] {strongest.text!r}"
        )
    return command(
        _COMMAND[seed_outcome(result, seed)],
        message,
        file=paths.path(seed.path),
        line=evidence_line(seed),
        title=f"kickoff: {seed.path} is {seed.verdict}",
    )


def render_github(result: CheckResult) -> str:
    return render_to_string(write_github, result)


def write_github(result: CheckResult, stream: TextOut) -> None:
    paths = RepoPaths.for_seeds_dir(result.seeds_dir)
    out = Lines(stream)
    out.extend(_seed_command(result, seed, paths) for seed in result.seeds)
    for finding in result.all_findings():
        out.add(
            command(
                finding.level,
                finding_line(finding),
                file=paths.path(finding.path) if finding.path else None,
                line=finding.line,
                title=f"kickoff: {finding.code}",
            )
        )
    out.add(
        command(
            "notice" if result.gate.passed else "error", gate_line(result), title="kickoff gate"
        )
    )
    stream.write("\n")
