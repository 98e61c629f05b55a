"""One self-contained HTML file for the design meeting: verdict table, coverage heatmap (seeds x
dimensions, inline CSS), evidence per seed and the questions. No external assets, no script;
prints well. Every piece of seed text is escaped: seeds are hostile input."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from html import escape
from typing import TypeAlias

from seed_kickoff import __version__
from seed_kickoff.model import DIMENSIONS, CheckResult, SeedResult, SeedSummary
from seed_kickoff.report.outcome import OUTCOME_LABEL, seed_outcome, waiver_text
from seed_kickoff.report.stream import Lines, TextOut
from seed_kickoff.report.text import finding_line, gate_line, key_signals

# The questions checklist: plain items, or the Markdown `kickoff questions` writes.
Questions: TypeAlias = "Sequence[str] | str | None"

_CSS = """
:root { --clear: #2e7d32; --thin: #f9a825; --missing: #eceff1; --fail: #c62828; --ink: #212121; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       max-width: 68rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05rem; margin-bottom: .3rem; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f5f5f5; }
.gate { font-weight: 600; padding: .5rem .8rem; border-radius: 4px; display: inline-block; }
.gate.passed { background: #e8f5e9; color: var(--clear); }
.gate.failed { background: #ffebee; color: var(--fail); }
.verdict { font-weight: 600; }
.v-spec { color: var(--clear); } .v-partial { color: #8d6e00; } .v-non-spec { color: var(--fail); }
.v-unreadable, .v-unsupported { color: #6a1b9a; }
.heatmap td.cell { width: 2.4rem; text-align: center; font-size: .8rem; }
.heatmap th.dim { writing-mode: vertical-rl; transform: rotate(180deg); font-weight: 500; }
.cell.clear { background: var(--clear); color: #fff; }
.cell.thin { background: var(--thin); color: #000; }
.cell.missing { background: var(--missing); color: #90a4ae; }
.legend span { display: inline-block; padding: 0 .4rem; margin-right: .3rem; }
.seed { break-inside: avoid; page-break-inside: avoid; }
.waiver { border-left: 4px solid #0277bd; background: #e1f5fe; padding: .3rem .6rem; }
.evidence code, .line { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85rem; }
.evidence li { margin: .15rem 0; }
.rule { color: #757575; }
ul.questions { list-style: none; padding-left: .5rem; }
ul.questions li::before { content: "☐ "; }
footer { margin-top: 2rem; color: #757575; font-size: .8rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .cell, .gate, .waiver { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

_STATE_MARK = {"clear": "●", "thin": "◐", "missing": "·"}
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# A task-list item as markdown-it renders it (commonmark has no task lists): tight or loose.
_TASK = re.compile(r"(<li>\s*(?:<p>)?)\[([ xX])\] ")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _e(text: object) -> str:
    return escape(_CONTROL.sub("\ufffd", str(text)), quote=True)


def _verdict(seed: SeedResult | SeedSummary) -> str:
    waived = " <small>(waived)</small>" if seed.waiver else ""
    return f'<span class="verdict v-{_e(seed.verdict)}">{_e(seed.verdict)}</span>{waived}'


def _verdict_table(result: CheckResult) -> Iterator[str]:
    yield "<table class='verdicts'>"
    yield (
        "<thead><tr><th>seed</th><th>title</th><th>verdict</th><th>genre</th>"
        "<th>confidence</th><th>gate</th></tr></thead><tbody>"
    )
    for number, seed in enumerate(result.summaries()):
        yield (
            f"<tr><td><a href='#{_anchor(number)}'>{_e(seed.path)}</a></td>"
            f"<td>{_e(seed.title or '')}</td><td>{_verdict(seed)}</td>"
            f"<td>{_e(seed.genre)}</td><td>{seed.confidence:.2f}</td>"
            f"<td>{_e(OUTCOME_LABEL[seed_outcome(result, seed)])}</td></tr>"
        )
    yield "</tbody></table>"


def _heatmap(result: CheckResult) -> Iterator[str]:
    head = "".join(f"<th class='dim' scope='col'>{_e(d)}</th>" for d in DIMENSIONS)
    yield "<table class='heatmap'>"
    yield f"<thead><tr><th>seed</th>{head}</tr></thead><tbody>"
    for seed in result.seeds:
        cells = []
        for dim in DIMENSIONS:
            cov = seed.judgement.coverage[dim]
            lines = ", ".join(str(n) for n in cov.lines[:8])
            tip = f"{dim}: {cov.state}" + (f" (lines {lines})" if lines else "")
            cells.append(
                f"<td class='cell {_e(cov.state)}' title='{_e(tip)}'>{_STATE_MARK[cov.state]}</td>"
            )
        yield f"<tr><th scope='row'>{_e(seed.path)}</th>{''.join(cells)}</tr>"
    yield "</tbody></table>"
    yield (
        "<p class='legend'><span class='cell clear'>● clear</span>"
        "<span class='cell thin'>◐ thin</span><span class='cell missing'>· missing</span></p>"
    )


def _anchor(number: int) -> str:
    return f"seed-{number + 1}"  # by position: seed paths may hold anything


def _seed_section(seed: SeedResult, number: int) -> list[str]:
    j = seed.judgement
    title = f" <small>{_e(seed.title)}</small>" if seed.title else ""
    out = [
        f"<section class='seed' id='{_anchor(number)}'>",
        f"<h3>{_e(seed.path)}{title}</h3>",
        f"<p>{_verdict(seed)}, {_e(j.genre)}, confidence {j.confidence:.2f}</p>",
    ]
    if seed.waiver is not None:
        out.append(f"<p class='waiver'>{_e(waiver_text(seed))}</p>")
    if j.reasons:
        out.append("<ul>" + "".join(f"<li>{_e(r)}</li>" for r in j.reasons) + "</ul>")
    evidence = key_signals(seed)
    if evidence:
        out.append("<ul class='evidence'>")
        for signal in evidence:
            out.append(
                f"<li><span class='line'>{_e(seed.path)}:{signal.line}</span> "
                f"{_e(signal.message)} <span class='rule'>[{_e(signal.rule)}]</span> "
                f"<code>{_e(signal.text)}</code></li>"
            )
        out.append("</ul>")
    if seed.findings:
        out.append("<ul>" + "".join(f"<li>{_e(finding_line(f))}</li>" for f in seed.findings))
        out.append("</ul>")
    out.append("</section>")
    return out


def _questions(questions: Questions) -> list[str]:
    if questions is None:
        return []
    out = ["<h2 id='questions'>Questions</h2>"]
    if isinstance(questions, str):
        from markdown_it import MarkdownIt

        # Raw HTML stays text, and nothing may pull in an asset or lead off the page.
        renderer = MarkdownIt("commonmark", {"html": False}).disable(["image", "link", "autolink"])
        rendered = renderer.render(_COMMENT.sub("", questions))
        rendered = _TASK.sub(lambda m: m.group(1) + ("☐ " if m.group(2) == " " else "☑ "), rendered)
        out.append(f"<div class='questions'>{rendered}</div>")
    elif questions:
        out.append("<ul class='questions'>")
        out.extend(f"<li>{_e(item)}</li>" for item in questions)
        out.append("</ul>")
    else:
        out.append("<p>No open questions.</p>")
    return out


def render_html(result: CheckResult, questions: Questions = None) -> str:
    """The meeting report. ``questions`` is the checklist: plain items, or Markdown (rendered with
    raw HTML, links and images disabled); None leaves the section out."""
    stream = io.StringIO()
    write_html(result, stream, questions)
    return stream.getvalue()


def write_html(result: CheckResult, stream: TextOut, questions: Questions = None) -> None:
    """``render_html`` written to ``stream`` as it is made."""
    passed = result.gate.passed
    out = Lines(stream)
    out.extend(
        [
            "<!DOCTYPE html>",
            "<html lang='en'><head><meta charset='utf-8'>",
            "<meta name='viewport' content='width=device-width, initial-scale=1'>",
            f"<title>kickoff check {_e(result.seeds_dir)}</title>",
            f"<style>{_CSS}</style></head><body>",
            f"<h1>kickoff check {_e(result.seeds_dir)}</h1>",
            f"<p class='gate {'passed' if passed else 'failed'}'>{_e(gate_line(result))}</p>",
            "<h2>Verdicts</h2>",
        ]
    )
    out.extend(_verdict_table(result))
    out.add("<h2>Coverage</h2>")
    out.extend(_heatmap(result))
    out.add("<h2>Evidence</h2>")
    for number, seed in enumerate(result.seeds):
        out.extend(_seed_section(seed, number))
    findings = result.findings
    if findings:
        out.add("<h2>Findings</h2><ul>")
        out.extend(f"<li>{_e(finding_line(f))}</li>" for f in findings)
        out.add("</ul>")
    out.extend(_questions(questions))
    out.add(f"<footer>kickoff {_e(__version__)}</footer></body></html>")
    stream.write("\n")
