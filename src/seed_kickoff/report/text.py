"""The human report: a rich table in a terminal, plain lines in logs and pipes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from seed_kickoff.model import DIMENSIONS, CheckResult, Finding, SeedResult, SeedSummary, Signal
from seed_kickoff.report.stream import Lines, TextOut, render_to_string
from seed_kickoff.store import SeedStore

if TYPE_CHECKING:
    from rich.console import Console

# Strongest evidence shown per seed in the summary report; `kickoff explain` shows all of it.
SIGNALS_SHOWN = 6
_PLAIN_GLYPH = {"clear": "#", "thin": "+", "missing": "."}
_RICH_GLYPH = {"clear": "[green]●[/]", "thin": "[yellow]◐[/]", "missing": "[dim]·[/]"}
# The per-seed coverage bar: two cells per dimension, in DIMENSIONS order.
_RICH_BAR = {"clear": "[green]██[/]", "thin": "[yellow]▓▓[/]", "missing": "[dim]░░[/]"}
VERDICT_STYLE = {
    "spec": "bold green",
    "partial": "bold yellow",
    "non-spec": "bold red",
    "unreadable": "bold magenta",
    "unsupported": "bold blue",
}
LEGEND = "coverage: " + " ".join(f"{d}" for d in DIMENSIONS)


def coverage_bar(seed: SeedSummary, glyphs: dict[str, str]) -> str:
    return "".join(glyphs[state] for state in seed.coverage)


def coverage_counts(seed: SeedSummary) -> str:
    return ", ".join(f"{seed.coverage.count(s)} {s}" for s in ("clear", "thin", "missing"))


def key_signals(seed: SeedResult, limit: int = SIGNALS_SHOWN) -> list[Signal]:
    """The signals that decided the verdict: for a non-spec seed its genre cues first."""
    signals = [s for s in seed.judgement.signals if s.dimension or s.genre]
    genre = seed.judgement.genre
    decisive_first = seed.verdict in ("non-spec",)

    def rank(signal: Signal) -> tuple[int, float, int]:
        matches_genre = signal.genre == genre
        first = matches_genre if decisive_first else bool(signal.dimension)
        return (0 if first else 1, -signal.weight, signal.line)

    chosen: list[Signal] = []
    seen_rules: set[str] = set()
    for signal in sorted(signals, key=rank):
        if signal.rule in seen_rules:
            continue
        seen_rules.add(signal.rule)
        chosen.append(signal)
        if len(chosen) == limit:
            break
    return sorted(chosen, key=lambda s: s.line)


def finding_line(finding: Finding) -> str:
    where = finding.path or ""
    if finding.line:
        where += f":{finding.line}"
    return f"{finding.level}: {where + ': ' if where else ''}{finding.message}"


def gate_line(result: CheckResult) -> str:
    gate = result.gate
    if gate.passed:
        return f"gate passed: {gate.specs} spec seed(s), {gate.required} required"
    return "gate failed: " + "; ".join(gate.reasons)


def render_plain(result: CheckResult) -> str:
    return render_to_string(write_plain, result)


def write_plain(result: CheckResult, stream: TextOut) -> None:
    out = Lines(stream)
    summaries = result.summaries()
    out.add(f"kickoff check {result.seeds_dir}: {len(summaries)} seed(s)")
    out.add(f"({LEGEND}; # clear, + thin, . missing)")
    out.add("")
    width = max([len(s.path) for s in summaries] + [4])
    for summary in summaries:
        out.add(
            f"{summary.path:<{width}}  {summary.verdict:<11} {summary.genre:<16} "
            f"{summary.confidence:4.2f}  {coverage_bar(summary, _PLAIN_GLYPH)}"
        )
    for text in seed_texts(result):
        out.add("")
        out.add(text)
    findings = result.all_findings()
    if findings:
        out.add("")
        out.extend(finding_line(f) for f in findings)
    out.add("")
    out.add(gate_line(result))
    stream.write("\n")


def seed_texts(result: CheckResult) -> Iterator[str]:
    """Each seed's part of the plain report, in order: as its worker wrote it when the run was
    asked to (``CheckOptions.render = seed_text``), so that no result is loaded back."""
    seeds = result.seeds
    if isinstance(seeds, SeedStore) and seeds.rendered_by is seed_text:
        for index in range(len(seeds)):
            text = seeds.text(index)
            yield text if text is not None else seed_text(seeds[index])
    else:
        yield from map(seed_text, seeds)


def seed_text(seed: SeedResult) -> str:
    return "\n".join(seed_lines(seed))


def seed_lines(seed: SeedResult) -> list[str]:
    j = seed.judgement
    title = f" ({seed.title})" if seed.title else ""
    lines = [f"{seed.path}{title}: {seed.verdict}, {j.genre}, confidence {j.confidence:.2f}"]
    if seed.waiver:
        lines.append(
            f"  waived: judged {j.verdict}, counted as {seed.waiver.verdict}: {seed.waiver.reason}"
        )
    lines.extend(f"  - {reason}" for reason in j.reasons)
    for signal in key_signals(seed):
        lines.append(
            f"  {seed.path}:{signal.line}: {signal.message} [{signal.rule}] {signal.text!r}"
        )
    return lines


def render_rich(result: CheckResult, console: Console) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"kickoff check {result.seeds_dir}", title_justify="left")
    table.add_column("seed", overflow="fold")
    table.add_column("verdict")
    table.add_column("genre")
    table.add_column("conf", justify="right")
    table.add_column("coverage", no_wrap=True)
    summaries = result.summaries()
    for summary in summaries:
        verdict = f"[{VERDICT_STYLE[summary.verdict]}]{summary.verdict}[/]"
        if summary.waiver:
            verdict += " [dim](waived)[/]"
        table.add_row(
            escape(summary.path),
            verdict,
            summary.genre,
            f"{summary.confidence:.2f}",
            coverage_bar(summary, _RICH_GLYPH),
        )
    console.print(table)
    console.print(f"[dim]{LEGEND}; ● clear ◐ thin · missing[/]")
    for summary, seed in zip(summaries, result.seeds, strict=True):
        console.print()
        j = seed.judgement
        title = f" [dim]({escape(seed.title)})[/]" if seed.title else ""
        console.print(
            f"[bold]{escape(seed.path)}[/]{title}: [{VERDICT_STYLE[seed.verdict]}]{seed.verdict}[/], "
            f"{j.genre}, confidence {j.confidence:.2f}",
            highlight=False,
        )
        console.print(
            f"  {coverage_bar(summary, _RICH_BAR)} [dim]{coverage_counts(summary)}[/]",
            highlight=False,
        )
        if seed.waiver:
            console.print(
                f"  [cyan]waived:[/] judged {j.verdict}, counted as {seed.waiver.verdict}: "
                f"{escape(seed.waiver.reason)}",
                highlight=False,
            )
        for reason in j.reasons:
            console.print(f"  • {reason}", highlight=False, markup=False)
        for signal in key_signals(seed):
            console.print(
                f"  [cyan]{escape(seed.path)}:{signal.line}[/] {escape(signal.message)} "
                f"[dim]\\[{signal.rule}][/] {escape(repr(signal.text))}",
                highlight=False,
            )
    findings = result.all_findings()
    if findings:
        console.print()
        for finding in findings:
            style = "red" if finding.level == "error" else "yellow"
            console.print(f"[{style}]{escape(finding_line(finding))}[/]", highlight=False)
    console.print()
    style = "bold green" if result.gate.passed else "bold red"
    console.print(f"[{style}]{gate_line(result)}[/]", highlight=False)
