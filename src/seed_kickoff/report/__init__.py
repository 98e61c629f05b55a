"""Report formats: each renders a CheckResult to text. The CLI picks one by name."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING, Any

from seed_kickoff.model import CheckResult

if TYPE_CHECKING:
    from seed_kickoff.report.stream import TextOut

# format -> (module under seed_kickoff.report, its renderer, its writer)
_FORMATS = {
    "text": ("text", "render_plain", "write_plain"),
    "json": ("data", "render_json", "write_json_report"),
    "sarif": ("sarif", "render_sarif", "write_sarif"),
    "junit": ("junit", "render_junit", "write_junit"),
    "github": ("github", "render_github", "write_github"),
    "markdown": ("markdown", "render_markdown", "write_markdown"),
    "html": ("html", "render_html", "write_html"),
}


def _deferred(module: str, function: str) -> Callable[..., Any]:
    """A renderer or writer whose module is imported when it runs: a run pays for its format only."""

    def run(*args: Any) -> Any:
        return getattr(import_module(f"seed_kickoff.report.{module}"), function)(*args)

    run.__name__ = function
    return run


# Formats that render to a string; "text" in a terminal is drawn by rich in the CLI instead.
RENDERERS: dict[str, Callable[[CheckResult], str]] = {
    name: _deferred(module, render) for name, (module, render, _) in _FORMATS.items()
}
# The same formats written to a stream as they are made, seed by seed: what the CLI uses.
WRITERS: dict[str, Callable[[CheckResult, TextOut], None]] = {
    name: _deferred(module, write) for name, (module, _, write) in _FORMATS.items()
}
