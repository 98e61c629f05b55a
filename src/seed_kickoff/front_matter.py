"""Split YAML front matter off a Markdown text, keeping the line numbers of what follows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import field
from functools import cache
from pathlib import Path
from typing import Any

from seed_kickoff.model import Finding
from seed_kickoff.patterncache import compile_pattern
from seed_kickoff.records import dataclass


@cache
def _handler() -> Any:
    # python-frontmatter and PyYAML cost start-up time: loaded for texts that start with ---
    import frontmatter.default_handlers

    return frontmatter.default_handlers.YAMLHandler()


# Front matter deeper or larger than this is not configuration people wrote by hand.
_MAX_FRONT_MATTER_CHARS = 64_000
# Values the front matter may hold once YAML aliases are expanded. safe_load shares aliased
# nodes, so a "billion laughs" bomb is small in memory, but anything that walks it (str(), JSON
# output, a config reader) would expand it; such front matter is refused here, for every reader.
_MAX_VALUES = 10_000
# The same for a settings file or rule pack (larger: they are the user's own files): their checks
# walk every value, so a bomb, or an alias that contains itself, would never end.
FILE_MAX_VALUES = 1_000_000
# PyYAML's scanner slows down quadratically with [ { nesting (1,000 levels: seconds); nobody
# writes more than a few by hand.
_MAX_FLOW_DEPTH = 50
_FLOW = compile_pattern(r"[\[\]{}]")


@dataclass(eq=False)
class FrontMatter:
    """A document's leading YAML block: its data, its length in lines, its problems."""

    data: dict[str, object] = field(default_factory=dict)
    lines: int = 0  # how many leading lines the block occupies (0: none)
    findings: list[Finding] = field(default_factory=list)


def index_front_matter(text: str, path: str) -> FrontMatter:
    """``split_front_matter`` of an INDEX.md, from the per-user cache when this text was read
    before: an unchanged index does not import python-frontmatter and PyYAML (about 30 ms) on
    every run. Keyed on the text, this module's source and those libraries' files."""
    from seed_kickoff.cache import cached_parse

    if not text.startswith("---"):
        return FrontMatter()  # nothing to parse, nothing to keep
    data, lines, findings = cached_parse(
        Path(path),
        f"{path}\n{_parser_signature()}\n{text}",
        lambda _: _plain(split_front_matter(text, path)),
        name="index-front-matter",
    )
    return FrontMatter(dict(data), lines, [Finding(*finding) for finding in findings])


@cache
def _parser_signature() -> str:
    # Once a process: read_index and the settings both read INDEX.md's front matter.
    from seed_kickoff.cache import code_signature

    return code_signature((__file__,), ("frontmatter", "yaml"))


def _plain(found: FrontMatter) -> tuple[Any, int, list[tuple[Any, ...]]]:
    """What the cache keeps of a FrontMatter (marshal refuses data it cannot keep, such as YAML
    timestamps: that front matter is parsed each time)."""
    findings = [(f.level, f.message, f.path, f.line, f.code) for f in found.findings]
    return found.data, found.lines, findings


def split_front_matter(text: str, path: str) -> FrontMatter:
    """Parse a leading ``---`` YAML block. Malformed YAML is a warning with its line, never an error."""
    if not text.startswith("---") or not _handler().detect(text):
        return FrontMatter()
    import yaml

    try:
        _, raw, content = _handler().FM_BOUNDARY.split(text, 2)
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
    if _flow_depth(raw) > _MAX_FLOW_DEPTH:
        result.findings.append(
            Finding("warning", "front matter nested too deeply; ignored", path, 1, "front-matter")
        )
        return result
    try:
        data = _load_yaml(raw)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        # ``raw`` starts with the newline that ends the opening ``---``: its line 0 is file line 1.
        line = 1 + mark.line if mark is not None else 1
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
    except (ValueError, TypeError, OverflowError) as err:
        # A value its explicit tag refuses (``!!int x``, ``!!timestamp 2020-13-45``): PyYAML's
        # constructors raise plain Python errors for these, not YAMLError.
        result.findings.append(
            Finding(
                "warning",
                f"malformed front matter ({str(err)[:120]}); ignored",
                path,
                1,
                "front-matter",
            )
        )
        return result
    if data is None:
        return result
    if expanded_size(data) > _MAX_VALUES:
        result.findings.append(
            Finding(
                "warning",
                "front matter expands to too many values (YAML aliases?); ignored",
                path,
                1,
                "front-matter",
            )
        )
        return result
    if not isinstance(data, dict):
        result.findings.append(
            Finding("warning", "front matter is not a mapping; ignored", path, 1, "front-matter")
        )
        return result
    result.data = {str(k): v for k, v in data.items()}
    return result


def _load_yaml(raw: str) -> object:
    """libyaml when PyYAML has it (the pure-Python reader took 0.1 s for 53 front matters). On an
    error the pure-Python parser reads the text again: its messages name the offending character,
    and are the ones kickoff has always reported."""
    import yaml  # only texts with front matter need it

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(raw, Loader=loader)
    except yaml.YAMLError:
        if loader is yaml.SafeLoader:
            raise
        return yaml.safe_load(raw)


def _loaded_children(node: object) -> Iterable[object] | None:
    """The values inside a loaded YAML value (None: a scalar)."""
    if isinstance(node, dict):
        return [*node.keys(), *node.values()]
    return node if isinstance(node, list) else None


def expanded_size(
    data: object,
    limit: int = _MAX_VALUES,
    children: Callable[[object], Iterable[object] | None] = _loaded_children,
) -> int:
    """How many values ``data`` holds with aliases expanded; counts shared nodes once per use.
    ``children`` gives the values inside a node (None for a scalar): by default those of loaded
    YAML, or of a composed node tree (``yaml.compose``, whose aliases are shared nodes too).

    Linear in the number of distinct nodes (sizes are memoised by identity) and stops as soon as
    ``limit`` is passed; a node that contains itself counts as too many.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: object) -> int:
        items = children(node)
        if items is None:
            return 1
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            return limit + 1  # recursive structure (``&a [*a]``)
        active.add(key)
        total = 1
        for item in items:
            total += size(item)
            if total > limit:
                break
        active.discard(key)
        sizes[key] = total
        return total

    try:
        return size(data)
    except RecursionError:
        return limit + 1


def _flow_depth(raw: str) -> int:
    """Deepest nesting of [ and { (an over-estimate: brackets inside quotes count too)."""
    depth = deepest = 0
    for match in _FLOW.finditer(raw):
        depth = depth + 1 if match.group() in "[{" else max(0, depth - 1)
        deepest = max(deepest, depth)
    return deepest
