"""Report formats: each renders a CheckResult to text. The CLI picks one by name."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from seed_kickoff.model import CheckResult


def render_json(result: CheckResult) -> str:
    import json

    from seed_kickoff.report.data import result_dict

    return json.dumps(result_dict(result), indent=2, ensure_ascii=False) + "\n"


def _deferred(module: str, function: str) -> Callable[[CheckResult], str]:
    """A renderer whose module is imported when it renders: a run pays only for its format."""

    def render(result: CheckResult) -> str:
        renderer: Callable[[CheckResult], str] = getattr(
            import_module(f"seed_kickoff.report.{module}"), function
        )
        return renderer(result)

    render.__name__ = function
    return render


# Formats that render to a string; "text" in a terminal is drawn by rich in the CLI instead.
RENDERERS: dict[str, Callable[[CheckResult], str]] = {
    "text": _deferred("text", "render_plain"),
    "json": render_json,
    "sarif": _deferred("sarif", "render_sarif"),
    "junit": _deferred("junit", "render_junit"),
    "github": _deferred("github", "render_github"),
    "markdown": _deferred("markdown", "render_markdown"),
    "html": _deferred("html", "render_html"),
}
