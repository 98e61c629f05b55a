"""Report formats: each renders a CheckResult to text. The CLI picks one by name."""

from __future__ import annotations

import json
from collections.abc import Callable

from seed_kickoff.model import CheckResult
from seed_kickoff.report.data import result_dict
from seed_kickoff.report.github import render_github
from seed_kickoff.report.html import render_html
from seed_kickoff.report.junit import render_junit
from seed_kickoff.report.markdown import render_markdown
from seed_kickoff.report.sarif import render_sarif
from seed_kickoff.report.text import render_plain


def render_json(result: CheckResult) -> str:
    return json.dumps(result_dict(result), indent=2, ensure_ascii=False) + "\n"


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
