"""Split YAML front matter off a Markdown text, keeping the line numbers of what follows."""

from __future__ import annotations

from dataclasses import dataclass, field

import frontmatter.default_handlers
import yaml

from seed_kickoff.model import Finding

_HANDLER = frontmatter.default_handlers.YAMLHandler()
# Front matter deeper or larger than this is not configuration people wrote by hand.
_BOUNDARY = _HANDLER.FM_BOUNDARY
assert _BOUNDARY is not None
_MAX_FRONT_MATTER_CHARS = 64_000


@dataclass
class FrontMatter:
    data: dict[str, object] = field(default_factory=dict)
    lines: int = 0  # how many leading lines the block occupies (0: none)
    findings: list[Finding] = field(default_factory=list)


def split_front_matter(text: str, path: str) -> FrontMatter:
    """Parse a leading ``---`` YAML block. Malformed YAML is a warning with its line, never an error."""
    if not text.startswith("---") or not _HANDLER.detect(text):
        return FrontMatter()
    try:
        _, raw, content = _BOUNDARY.split(text, 2)
    except ValueError:
        return FrontMatter()
    prefix = text[: len(text) - len(content)]
    # The boundary pattern may or may not swallow the newline after the closing "---".
    lines = prefix.count("\n") + (0 if prefix.endswith("\n") else 1)
    result = FrontMatter(lines=lines)
    if len(raw) > _MAX_FRONT_MATTER_CHARS:
        result.findings.append(
            Finding(
                "warning", "front matter too large; ignored", path=path, line=1, code="front-matter"
            )
        )
        return result
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = 2 + mark.line if mark is not None else 1
        problem = getattr(err, "problem", None) or "not valid YAML"
        result.findings.append(
            Finding(
                "warning",
                f"malformed front matter ({problem}); ignored",
                path,
                line,
                "front-matter",
            )
        )
        return result
    except RecursionError:
        result.findings.append(
            Finding("warning", "front matter nested too deeply; ignored", path, 1, "front-matter")
        )
        return result
    if data is None:
        return result
    if not isinstance(data, dict):
        result.findings.append(
            Finding("warning", "front matter is not a mapping; ignored", path, 1, "front-matter")
        )
        return result
    result.data = {str(k): v for k, v in data.items()}
    return result
