"""Configuration: `.kickoff.yaml`, `[tool.kickoff]` in pyproject.toml, INDEX.md front matter.

Every source is read into a ``Layer`` of checked values, then the layers are merged by precedence
(command-line options > INDEX.md ``kickoff:`` block > config file > defaults) into ``Settings``.
Scalars from a stronger layer replace weaker ones; lists (rule packs, disabled ids, waivers) add
up, and a stronger waiver for the same seed replaces a weaker one. Every wrong value is a
``ConfigError`` naming the file, the line (YAML only: TOML parsers give none), the key path and
what was expected.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seed_kickoff.controls import escape_controls
from seed_kickoff.errors import ConfigError
from seed_kickoff.front_matter import FILE_MAX_VALUES, expanded_size, index_front_matter
from seed_kickoff.index import find_index
from seed_kickoff.loader import DEFAULT_MAX_BYTES, read_limited, read_whole
from seed_kickoff.model import VERDICTS, GatePolicy, Waiver
from seed_kickoff.patterncache import compile_pattern
from seed_kickoff.records import dataclass

if TYPE_CHECKING:  # the pipeline is imported only when a command runs it
    import yaml

    from seed_kickoff.check import CheckOptions

CONFIG_NAME = ".kickoff.yaml"
PYPROJECT = "pyproject.toml"
DEFAULT_SEEDS_DIR = Path("seeds")

# Every key a configuration may hold: section -> allowed keys (None: a top-level value).
SCHEMA: dict[str, tuple[str, ...] | None] = {
    "seeds_dir": None,
    "gate": ("min_specs", "count_partial"),
    "rules": ("packs", "disable"),
    "waivers": None,
    "limits": ("max_bytes",),
    "questions": ("output",),
}
_WAIVER_KEYS = ("seed", "verdict", "reason")
# The line that closes front matter, as python-frontmatter sees it.
_FENCE = compile_pattern(r"^-{3,}\s*$")
_LIST_KEYS = ("rules.packs", "rules.disable", "waivers")


@dataclass(frozen=True)
class Settings:
    """What a run is configured to do, every source merged."""

    seeds_dir: Path = DEFAULT_SEEDS_DIR
    min_specs: int = 1
    count_partial: bool = False
    packs: tuple[Path, ...] = ()
    disable: dict[str, str] = field(default_factory=dict)  # rule id -> where it was turned off
    waivers: tuple[Waiver, ...] = ()
    max_bytes: int = DEFAULT_MAX_BYTES
    questions_output: Path | None = None  # None: the questions command's own default
    sources: tuple[str, ...] = ()  # the files read, weakest first

    def check_options(self) -> CheckOptions:
        """The options the pipeline takes; loads the rule packs (a RulePackError when bad)."""
        from seed_kickoff.check import CheckOptions
        from seed_kickoff.rules import load_rules

        ruleset = load_rules(self.packs)
        known = {rule.id for rule in ruleset.rules}
        for rule_id, origin in self.disable.items():
            if rule_id not in known:
                raise ConfigError(
                    f"rules.disable: no rule has the id {rule_id!r} (`kickoff rules` lists them)",
                    origin,
                )
        ruleset.rules = [rule for rule in ruleset.rules if rule.id not in self.disable]
        return CheckOptions(
            policy=GatePolicy(self.min_specs, self.count_partial),
            max_bytes=self.max_bytes,
            ruleset=ruleset,
            waivers=list(self.waivers),
        )


@dataclass(eq=False)
class Layer:
    """The checked values of one source, by key path (``gate.min_specs``)."""

    source: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(eq=False)
class Overrides:
    """What the command line says; None or empty means "not given"."""

    seeds_dir: Path | None = None
    min_specs: int | None = None
    count_partial: bool | None = None
    packs: Sequence[Path] = ()
    disable: Sequence[str] = ()
    max_bytes: int | None = None
    questions_output: Path | None = None


# -- discovery -------------------------------------------------------------------------------


def find_config(start: Path) -> Path | None:
    """The nearest `.kickoff.yaml`, or pyproject.toml with `[tool.kickoff]`, from ``start`` up.

    The search stops at the repository root (a directory holding `.git`), so a checkout never
    picks up a configuration from the directory it happens to sit in.
    """
    here = start.resolve()
    for directory in (here, *here.parents):
        candidate = directory / CONFIG_NAME
        if candidate.is_file():
            return _shown(candidate)
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and _pyproject_table(pyproject) is not None:
            return _shown(pyproject)
        if (directory / ".git").exists():
            return None
    return None


def _shown(path: Path) -> Path:
    """``path`` relative to the working directory, as people would type it."""
    try:
        return Path(os.path.relpath(path))
    except ValueError:  # another drive on Windows
        return path


def resolve_settings(
    overrides: Overrides | None = None,
    config: Path | None = None,
    cwd: Path | None = None,
) -> Settings:
    """Merge defaults, the config file (``config`` or the one found), INDEX.md and ``overrides``."""
    overrides = overrides or Overrides()
    if config is not None and not config.is_file():
        what = "not a regular file" if config.exists() else "no such configuration file"
        raise ConfigError(what, str(config))
    path = config or find_config(cwd or Path.cwd())
    layers = [read_config(path)] if path is not None else []
    seeds_dir = overrides.seeds_dir or _merged(layers).get("seeds_dir") or DEFAULT_SEEDS_DIR
    index_layer = read_index_config(seeds_dir)
    if index_layer is not None:
        layers.append(index_layer)
    layers.append(_override_layer(overrides))
    merged = _merged(layers)
    return Settings(
        seeds_dir=seeds_dir,
        min_specs=merged.get("gate.min_specs", 1),
        count_partial=merged.get("gate.count_partial", False),
        packs=tuple(merged.get("rules.packs", ())),
        disable=dict(merged.get("rules.disable", ())),
        waivers=tuple(merged.get("waivers", ())),
        max_bytes=merged.get("limits.max_bytes", DEFAULT_MAX_BYTES),
        questions_output=merged.get("questions.output"),
        sources=tuple(layer.source for layer in layers[:-1]),
    )


def _merged(layers: Sequence[Layer]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.values.items():
            if key == "waivers":
                by_seed = {w.seed: w for w in merged.get(key, [])}
                by_seed.update({w.seed: w for w in value})
                merged[key] = list(by_seed.values())
            elif key in _LIST_KEYS:
                merged[key] = [*merged.get(key, []), *value]
            else:
                merged[key] = value
    return merged


def _override_layer(overrides: Overrides) -> Layer:
    values: dict[str, Any] = {
        "gate.min_specs": overrides.min_specs,
        "gate.count_partial": overrides.count_partial,
        "limits.max_bytes": overrides.max_bytes,
        "questions.output": overrides.questions_output,
        "rules.packs": list(overrides.packs) or None,
        "rules.disable": [(rule_id, "--disable") for rule_id in overrides.disable] or None,
    }
    return Layer("command line", {k: v for k, v in values.items() if v is not None})


# -- reading ---------------------------------------------------------------------------------


def read_config(path: Path) -> Layer:
    """One configuration file: a `.kickoff.yaml` (any other name but pyproject.toml is YAML too)."""
    if path.name == PYPROJECT:
        table = _pyproject_table(path)
        if table is None:
            raise ConfigError("has no [tool.kickoff] table", str(path))
        return _check(table, _Where(str(path), "[tool.kickoff] "), path.parent)
    text = _read_text(path)
    import yaml  # only when there is YAML to read: the import costs start-up time

    try:
        node = _compose(text)
        if node is None:
            return Layer(str(path))
        if expanded_size(node, FILE_MAX_VALUES, _node_children) > FILE_MAX_VALUES:
            raise ConfigError("expands to too many values (YAML aliases?); not read", str(path))
        tree = _located(node, str(path), 0)
    except yaml.YAMLError as err:
        raise _yaml_error(err, str(path), 0) from None
    except RecursionError:
        raise ConfigError("nested too deeply", str(path)) from None
    return _check(tree, _Where(str(path), "", node_lines=True), path.parent)


def read_index_config(seeds_dir: Path) -> Layer | None:
    """The ``kickoff:`` block of INDEX.md's front matter, or None. ``seeds_dir`` is not allowed."""
    index = find_index(seeds_dir) if seeds_dir.is_dir() else None
    if index is None:
        return None
    try:  # undecodable bytes are the index reader's warning, not a configuration error
        # Cut like the index reader cuts it (its warning says so): the settings are at the top.
        data = read_limited(index, DEFAULT_MAX_BYTES)[:DEFAULT_MAX_BYTES]
        text = data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n")
    except OSError as err:
        raise ConfigError(f"cannot read: {err.strerror or err}", str(index)) from None
    front = index_front_matter(text, index.name)
    if not front.lines or "kickoff" not in front.data:
        return None
    import yaml

    lines = text.split("\n")
    close = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i])), len(lines))
    raw = "\n".join(lines[1:close])
    try:
        node = _compose(raw)
    except yaml.YAMLError as err:  # split_front_matter already parsed it; kept for safety
        raise _yaml_error(err, str(index), 1) from None
    if node is None:
        return None
    tree = _located(node, str(index), 1)
    block = tree.value.get("kickoff") if isinstance(tree.value, dict) else None
    if block is None or block.value is None:
        return None
    where = _Where(str(index), "kickoff.", node_lines=True)
    if isinstance(block.value, dict) and "seeds_dir" in block.value:
        raise where.error(
            block.value["seeds_dir"],
            "seeds_dir",
            "seeds_dir cannot be set inside the seeds dir's own INDEX.md",
        )
    return _check(block, where, index.parent)


def _read_text(path: Path) -> str:
    try:
        return read_whole(path).decode("utf-8-sig")
    except OSError as err:
        raise ConfigError(f"cannot read: {err.strerror or err}", str(path)) from None
    except UnicodeDecodeError:
        raise ConfigError("is not UTF-8 text", str(path)) from None


def _pyproject_table(path: Path) -> dict[str, Any] | None:
    try:
        raw = read_whole(path)
    except OSError as err:
        raise ConfigError(f"cannot read: {err.strerror or err}", str(path)) from None
    if not _may_hold_tool_kickoff(raw):
        return None  # no [tool.kickoff] in it: not worth importing a TOML parser to be sure
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError("is not UTF-8 text", str(path)) from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"not valid TOML: {err}", str(path)) from None
    tool = data.get("tool")
    table = tool.get("kickoff") if isinstance(tool, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError("[tool.kickoff] must be a table", str(path))
    return table


def _yaml_error(err: yaml.YAMLError, path: str, offset: int) -> ConfigError:
    mark = getattr(err, "problem_mark", None)
    line = mark.line + 1 + offset if mark is not None else None
    return ConfigError(f"not valid YAML: {getattr(err, 'problem', None) or err}", path, line)


# -- YAML with line numbers ------------------------------------------------------------------


def _may_hold_tool_kickoff(raw: bytes) -> bool:
    """Whether a pyproject.toml may define [tool.kickoff]: false only when no TOML spelling of it
    is in the file (many name kickoff otherwise: kickoff's own names its script "kickoff")."""
    if b"\\u" in raw or b"\\U" in raw:
        return True  # a quoted key may spell either word with escapes
    if b"kickoff" not in raw:
        return False
    # [tool.kickoff], [[tool.kickoff.x]], tool.kickoff.x = 1, with the quotes and blanks of TOML
    if compile_pattern(rb"""tool["']?[ \t]*\.[ \t]*["']?kickoff""").search(raw):
        return True
    # a kickoff key in a [tool] table or in an inline table tool = {...}
    tool = compile_pattern(
        rb"""^[ \t]*\[[ \t]*["']?tool["']?[ \t]*\]|\btool["']?[ \t]*=""", re.M
    ).search(raw)
    return (
        tool is not None and compile_pattern(rb"""kickoff["']?[ \t]*[.=]""").search(raw) is not None
    )


@dataclass(eq=False)
class _Node:
    """A YAML value with the line it starts on; mappings and lists hold _Nodes."""

    value: Any
    line: int | None


def _node_children(node: object) -> Iterable[object] | None:
    """The nodes inside a composed YAML node (a mapping's keys and values), None for a scalar."""
    value = getattr(node, "value", None)
    if not isinstance(value, list):
        return None
    return [child for item in value for child in (item if isinstance(item, tuple) else (item,))]


def _compose(text: str) -> yaml.Node | None:
    """The YAML node tree of ``text``: libyaml's when PyYAML has it (the pure-Python composer
    took 3 s for 10,000 waivers; the nodes and their marks are the same). On an error the
    pure-Python parser reads the text again: its messages name the offending character."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.compose(text, Loader=loader)
    except yaml.YAMLError:
        if loader is yaml.SafeLoader:
            raise
        return yaml.compose(text, Loader=yaml.SafeLoader)


def _located(node: yaml.Node, path: str, offset: int) -> _Node:
    """The tree under ``node`` with lines; a node shared through a YAML alias is built once."""
    import yaml

    seen: dict[int, _Node] = {}
    constructor = yaml.SafeLoader("")  # one for every scalar (making one costs 30 µs)

    def scalar(node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise ConfigError(
                "a key must be plain text, not a list or mapping",
                path,
                node.start_mark.line + 1 + offset,
            )
        try:
            return constructor.construct_object(node)
        except yaml.YAMLError as err:
            raise _yaml_error(err, path, offset) from None

    def located(node: yaml.Node) -> _Node:
        if id(node) in seen:
            return seen[id(node)]
        result = _Node(None, node.start_mark.line + 1 + offset)
        seen[id(node)] = result
        if isinstance(node, yaml.MappingNode):
            mapping: dict[Any, _Node] = {}
            for key_node, value_node in node.value:
                key = scalar(key_node)
                key_line = key_node.start_mark.line + 1 + offset
                if key in mapping:
                    raise ConfigError(f"{key}: given twice", path, key_line)
                # Errors about a value point at its key's line.
                mapping[key] = _Node(located(value_node).value, key_line)
            result.value = mapping
        elif isinstance(node, yaml.SequenceNode):
            result.value = [located(item) for item in node.value]
        else:
            result.value = scalar(node)
        return result

    return located(node)


# -- checking --------------------------------------------------------------------------------


@dataclass(eq=False)
class _Where:
    """Where checked values come from, for error messages."""

    file: str
    prefix: str  # how key paths are shown: "" for .kickoff.yaml, "[tool.kickoff] ", "kickoff."
    node_lines: bool = False

    def error(self, node: Any, key: str, expected: str) -> ConfigError:
        line = node.line if self.node_lines and isinstance(node, _Node) else None
        return ConfigError(f"{self.prefix}{key}: {expected}", self.file, line)


def _plain(node: Any) -> Any:
    """The Python value under a node (TOML values are plain already)."""
    if isinstance(node, _Node):
        node = node.value
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _items(node: Any) -> Any:
    return node.value if isinstance(node, _Node) else node


def _check(root: Any, where: _Where, base: Path) -> Layer:
    """Check every key of one source; paths in it are relative to ``base``."""
    layer = Layer(where.file)
    top = _items(root)
    if not isinstance(top, dict):
        raise where.error(root, "(top level)", "expected a mapping of " + _allowed(SCHEMA))
    for key, node in top.items():
        if key not in SCHEMA:
            raise where.error(
                node, str(key), f"unknown key{_hint(str(key))}; allowed: {_allowed(SCHEMA)}"
            )
        sub = SCHEMA[key]
        if sub is None:
            _check_value(key, node, where, base, layer)
            continue
        section = _items(node)
        if not isinstance(section, dict):
            raise where.error(node, key, f"expected a mapping of {', '.join(sub)}")
        for name, child in section.items():
            if name not in sub:
                raise where.error(
                    child, f"{key}.{name}", f"unknown key; allowed in {key}: {', '.join(sub)}"
                )
            _check_value(f"{key}.{name}", child, where, base, layer)
    return layer


def _check_value(key: str, node: Any, where: _Where, base: Path, layer: Layer) -> None:
    value = _plain(node)
    if value is None and key in _LIST_KEYS:
        return  # an empty `waivers:` or `packs:` means none
    checker = _CHECKERS[key]
    layer.values[key] = checker(value, node, key, where, base)


def _want(ok: bool, node: Any, key: str, where: _Where, expected: str, value: Any) -> None:
    if not ok:
        raise where.error(node, key, f"expected {expected}, got {value!r}")


def _int(minimum: int) -> Callable[..., int]:
    def check(value: Any, node: Any, key: str, where: _Where, base: Path) -> int:
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= minimum
        _want(ok, node, key, where, f"a whole number >= {minimum}", value)
        return int(value)

    return check


def _bool(value: Any, node: Any, key: str, where: _Where, base: Path) -> bool:
    _want(isinstance(value, bool), node, key, where, "true or false", value)
    return bool(value)


def _path(value: Any, node: Any, key: str, where: _Where, base: Path) -> Path:
    _want(isinstance(value, str) and bool(value.strip()), node, key, where, "a path", value)
    return base / str(value)


def _text_list(value: Any, node: Any, key: str, where: _Where) -> list[str]:
    ok = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    _want(ok, node, key, where, "a list of names", value)
    return [v.strip() for v in value]


def _packs(value: Any, node: Any, key: str, where: _Where, base: Path) -> list[Path]:
    paths = [base / name for name in _text_list(value, node, key, where)]
    for path in paths:
        if not path.is_file():
            raise where.error(node, key, f"no such rule pack: {path}")
    return paths


def _disable(value: Any, node: Any, key: str, where: _Where, base: Path) -> list[tuple[str, str]]:
    """Each id with where it was given, so that an unknown id can be traced to its line."""
    line = node.line if where.node_lines and isinstance(node, _Node) else None
    origin = f"{where.file}:{line}" if line else where.file
    return [(rule_id, origin) for rule_id in _text_list(value, node, key, where)]


def _waivers(value: Any, node: Any, key: str, where: _Where, base: Path) -> list[Waiver]:
    _want(isinstance(value, list), node, key, where, "a list of {seed, verdict, reason}", value)
    waivers: dict[str, Waiver] = {}
    for i, item in enumerate(_items(node)):
        waiver = _waiver(item, f"{key}[{i}]", where)
        if waiver.seed in waivers:
            raise where.error(item, f"{key}[{i}]", f"a second waiver for {waiver.seed}")
        waivers[waiver.seed] = waiver
    return list(waivers.values())


def _waiver(node: Any, key: str, where: _Where) -> Waiver:
    fields = _items(node)
    if not isinstance(fields, dict):
        raise where.error(node, key, "expected a mapping with seed, verdict and reason")
    for name, child in fields.items():
        if name not in _WAIVER_KEYS:
            raise where.error(
                child, f"{key}.{name}", f"unknown key; allowed: {', '.join(_WAIVER_KEYS)}"
            )
    for name in _WAIVER_KEYS:
        if name not in fields:
            raise where.error(
                node, f"{key}.{name}", "missing; a waiver needs seed, verdict and reason"
            )
    seed, verdict, reason = (_plain(fields[name]) for name in _WAIVER_KEYS)
    ok = isinstance(seed, str) and bool(seed.strip())
    _want(ok, fields["seed"], f"{key}.seed", where, "a seed path relative to the seeds dir", seed)
    _want(
        verdict in VERDICTS,
        fields["verdict"],
        f"{key}.verdict",
        where,
        "one of " + ", ".join(VERDICTS),
        verdict,
    )
    ok = isinstance(reason, str) and bool(reason.strip())
    _want(ok, fields["reason"], f"{key}.reason", where, "a reason (who agreed, and why)", reason)
    line = node.line if where.node_lines and isinstance(node, _Node) else None
    return Waiver(
        Path(seed.strip()).as_posix(),
        verdict,
        # Every report shows the reason: ESC, a bell or a bidi override in it is shown escaped.
        escape_controls(" ".join(reason.split())),
        where.file,
        line,
    )


_CHECKERS: dict[str, Callable[..., Any]] = {
    "seeds_dir": _path,
    "gate.min_specs": _int(0),
    "gate.count_partial": _bool,
    "rules.packs": _packs,
    "rules.disable": _disable,
    "waivers": _waivers,
    "limits.max_bytes": _int(1),
    "questions.output": _path,
}


def _allowed(schema: dict[str, tuple[str, ...] | None]) -> str:
    return ", ".join(schema)


def _hint(key: str) -> str:
    for section, names in SCHEMA.items():
        if names and key in names:
            return f" (did you mean {section}.{key}?)"
    return ""
