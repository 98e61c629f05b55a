"""Report formats: each renders a CheckResult to text. The CLI picks one by name."""

from __future__ import annotations

from collections.abc import Callable

from seed_kickoff.model import CheckResult
from seed_kickoff.report.data import write_json_report
from seed_kickoff.report.github import render_github, write_github
from seed_kickoff.report.html import render_html, write_html
from seed_kickoff.report.junit import render_junit, write_junit
from seed_kickoff.report.markdown import render_markdown, write_markdown
from seed_kickoff.report.sarif import render_sarif, write_sarif
from seed_kickoff.report.stream import TextOut, render_to_string
from seed_kickoff.report.text import render_plain, write_plain


def render_json(result: CheckResult) -> str:
    return render_to_string(write_json_report, result)


# Formats that render to a string; "text" in a terminal is drawn by rich in the CLI instead.
RENDERERS: dict[str, Callable[[CheckResult], str]] = {
    "text": render_plain,
    "json": render_json,
    "sarif": render_sarif,
    "junit": render_junit,
    "github": render_github,
    "markdown": render_markdown,
    "html": render_html,
}

# The same formats written to a stream as they are made, seed by seed: what the CLI uses.
WRITERS: dict[str, Callable[[CheckResult, TextOut], None]] = {
    "text": write_plain,
    "json": write_json_report,
    "sarif": write_sarif,
    "junit": write_junit,
    "github": write_github,
    "markdown": write_markdown,
    "html": write_html,
}
