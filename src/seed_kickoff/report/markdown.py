"""Markdown for a pull-request comment or ``$GITHUB_STEP_SUMMARY``: gate, verdict table with
coverage marks, key evidence as path:line, waivers and findings."""

from __future__ import annotations

import html
import re

from seed_kickoff.model import DIMENSIONS, CheckResult, SeedResult
from seed_kickoff.report.outcome import RepoPaths, seed_outcome, waiver_text
from seed_kickoff.report.stream import Lines, TextOut, render_to_string
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
    return render_to_string(write_markdown, result)


def write_markdown(result: CheckResult, stream: TextOut) -> None:
    paths = RepoPaths.for_seeds_dir(result.seeds_dir)
    gate = "✅" if result.gate.passed else "❌"
    out = Lines(stream)
    out.extend(
        [
            f"## kickoff check {md(result.seeds_dir)}",
            "",
            f"{gate} **{md(gate_line(result))}**",
            "",
            "| | seed | verdict | genre | confidence | coverage |",
            "| --- | --- | --- | --- | ---: | --- |",
        ]
    )
    for summary in result.summaries():
        verdict = summary.verdict + (" (waived)" if summary.waiver else "")
        out.add(
            f"| {_OUTCOME_MARK[seed_outcome(result, summary)]} | {md(summary.path)} | {verdict} "
            f"| {md(summary.genre)} | {summary.confidence:.2f} "
            f"| `{coverage_bar(summary, MD_GLYPH)}` |"
        )
    out.add("")
    out.add(f"Coverage, in order: {', '.join(DIMENSIONS)}; ● clear, ◐ thin, · missing.")
    out.add("")
    for seed in result.seeds:
        out.extend(_seed_section(seed, paths))
    findings = result.all_findings()
    if findings:
        out.add("### Findings")
        out.add("")
        out.extend(f"- {md(finding_line(f))}" for f in findings)
        out.add("")
