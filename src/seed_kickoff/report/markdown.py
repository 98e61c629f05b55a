"""Markdown for a pull-request comment or ``$GITHUB_STEP_SUMMARY``: gate, verdict table with
coverage marks, key evidence as path:line, waivers and findings."""

from __future__ import annotations

import html
import re

from seed_kickoff.model import DIMENSIONS, CheckResult, SeedResult
from seed_kickoff.report.outcome import RepoPaths, seed_outcome, waiver_text
from seed_kickoff.report.text import coverage_bar, finding_line, gate_line, key_signals

MD_GLYPH = {"clear": "●", "thin": "◐", "missing": "·"}
_OUTCOME_MARK = {"pass": "✅", "waived": "☑️", "warn": "⚠️", "fail": "❌"}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def md(text: str) -> str:
    """Seed text as inert Markdown: no HTML, no links, no emphasis, no table breaks, one line."""
    text = re.sub(r"[\s\x00-\x1f\x7f]+", " ", text).strip()
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def _seed_section(seed: SeedResult, paths: RepoPaths) -> list[str]:
    j = seed.judgement
    title = f" — {md(seed.title)}" if seed.title else ""
    lines = [f"### {md(seed.path)}{title}", ""]
    lines.append(f"**{seed.verdict}**, {md(j.genre)}, confidence {j.confidence:.2f}")
    lines.append("")
    if seed.waiver is not None:
        lines.append(f"> {md(waiver_text(seed))}")
        lines.append("")
    lines.extend(f"- {md(reason)}" for reason in j.reasons)
    evidence = key_signals(seed)
    if evidence:
        lines.append("")
        lines.append("Evidence:")
        lines.append("")
        for signal in evidence:
            where = md(f"{paths.path(seed.path)}:{signal.line}")
            lines.append(
                f"- {where} {md(signal.message)} \\[{md(signal.rule)}\\] “{md(signal.text)}”"
            )
    lines.append("")
    return lines


def render_markdown(result: CheckResult) -> str:
    paths = RepoPaths.for_seeds_dir(result.seeds_dir)
    gate = "✅" if result.gate.passed else "❌"
    out = [
        f"## kickoff check {md(result.seeds_dir)}",
        "",
        f"{gate} **{md(gate_line(result))}**",
        "",
        "| | seed | verdict | genre | confidence | coverage |",
        "| --- | --- | --- | --- | ---: | --- |",
    ]
    for seed in result.seeds:
        verdict = seed.verdict + (" (waived)" if seed.waiver else "")
        out.append(
            f"| {_OUTCOME_MARK[seed_outcome(result, seed)]} | {md(seed.path)} | {verdict} "
            f"| {md(seed.judgement.genre)} | {seed.judgement.confidence:.2f} "
            f"| `{coverage_bar(seed, MD_GLYPH)}` |"
        )
    out.append("")
    out.append(f"Coverage, in order: {', '.join(DIMENSIONS)}; ● clear, ◐ thin, · missing.")
    out.append("")
    for seed in result.seeds:
        out.extend(_seed_section(seed, paths))
    findings = result.all_findings()
    if findings:
        out.append("### Findings")
        out.append("")
        out.extend(f"- {md(finding_line(f))}" for f in findings)
        out.append("")
    return "\n".join(out)
