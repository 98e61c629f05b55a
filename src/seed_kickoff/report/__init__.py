"""Report formats: each renders a CheckResult to text. The CLI picks one by name."""

from __future__ import annotations

import json
from collections.abc import Callable

from seed_kickoff.model import CheckResult
from seed_kickoff.report.data import result_dict
from seed_kickoff.report.text import render_plain


def render_json(result: CheckResult) -> str:
    return json.dumps(result_dict(result), indent=2, ensure_ascii=False) + "\n"


# Formats that render to a string; "text" in a terminal is drawn by rich in the CLI instead.
RENDERERS: dict[str, Callable[[CheckResult], str]] = {
    "text": render_plain,
    "json": render_json,
}
