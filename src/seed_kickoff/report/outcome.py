"""What every CI report needs beyond the JSON contract: each seed's outcome against the gate,
the line of its strongest evidence, and where the seeds dir sits in the repository."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import Literal

from seed_kickoff.model import CheckResult, SeedResult, SeedSummary, Signal
from seed_kickoff.records import dataclass
from seed_kickoff.report.text import key_signals

# pass: counted by the gate. waived: a person accepted it (see its waiver). fail: not counted and
# the gate failed. warn: not counted, but the gate passed without it.
Outcome = Literal["pass", "waived", "fail", "warn"]
OUTCOME_LABEL: dict[Outcome, str] = {
    "pass": "counted",
    "waived": "waived",
    "warn": "not counted",
    "fail": "fails the gate",
}


def seed_outcome(result: CheckResult, seed: SeedResult | SeedSummary) -> Outcome:
    if seed.verdict in result.gate.counted:
        return "pass"
    if seed.waiver is not None:
        return "waived"
    return "warn" if result.gate.passed else "fail"


def strongest_signal(seed: SeedResult) -> Signal | None:
    """The one signal that best shows the verdict (key_signals' ranking), if there is any."""
    ranked = key_signals(seed, limit=1)
    return ranked[0] if ranked else None


def evidence_line(seed: SeedResult) -> int:
    """The line a CI annotation for the seed points at: its strongest evidence, else a finding's."""
    signal = strongest_signal(seed)
    if signal is not None:
        return signal.line
    for finding in seed.findings:
        if finding.line:
            return finding.line
    return 1


def verdict_summary(seed: SeedResult) -> str:
    """One sentence: the verdict, genre, confidence and the reasons that decided it."""
    j = seed.judgement
    text = f"{seed.path}: {seed.verdict} ({j.genre}, confidence {j.confidence:.2f})"
    if j.reasons:
        text += ": " + "; ".join(j.reasons)
    if seed.waiver is not None:
        text += f". {waiver_text(seed)}"
    return text


def waiver_text(seed: SeedResult) -> str:
    if seed.waiver is None:
        return ""
    return (
        f"Waived: judged {seed.judgement.verdict}, counted as {seed.waiver.verdict}: "
        f"{seed.waiver.reason}"
    )


def _git_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():  # a directory, or a file in a git worktree
            return folder
    return None


@dataclass(frozen=True)
class RepoPaths:
    """Turns seed paths (relative to the seeds dir) into paths relative to the repository root,
    which is what code scanning and workflow annotations expect."""

    prefix: str  # the seeds dir relative to the root, POSIX, "" for the root itself
    relative: bool  # False when the seeds dir lies outside the root: paths are then absolute

    def path(self, seed_path: str | None) -> str:
        if not seed_path:
            return self.prefix or "."
        return str(PurePosixPath(self.prefix, seed_path)) if self.prefix else seed_path

    @classmethod
    def for_seeds_dir(cls, seeds_dir: str, root: Path | None = None) -> RepoPaths:
        """The root is ``root`` if given, else the git work tree holding the seeds dir, else the
        current directory."""
        absolute = Path(os.path.abspath(seeds_dir))
        base = Path(os.path.abspath(root)) if root else (_git_root(absolute) or Path.cwd())
        try:
            rel = absolute.relative_to(base)
        except ValueError:
            return cls(absolute.as_posix(), relative=False)
        return cls("" if rel == Path(".") else rel.as_posix(), relative=True)
