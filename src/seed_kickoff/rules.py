"""Rule packs: YAML files of rules (id, dimension or genre, patterns, weight, message) -> rules.

A rule pack is data. Adding a signal is a few lines of YAML, never new code. Every mistake in a pack
is a ``RulePackError`` naming the pack file and the rule id.

Start-up matters (kickoff runs on every commit): the built-in packs come from the parse cache
(cache.py) without importing a YAML parser, and a rule compiles its patterns when first used. A
user pack is parsed and its patterns compiled as it loads, so that a bad regular expression is
reported at once, with the pack and rule; the built-in patterns are compiled by the tests.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import field, fields
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from seed_kickoff.cache import cached_parse, code_signature, load_yaml
from seed_kickoff.errors import RulePackError
from seed_kickoff.front_matter import FILE_MAX_VALUES, expanded_size
from seed_kickoff.loader import read_whole
from seed_kickoff.model import DIMENSIONS, LineKind
from seed_kickoff.patterncache import compile_pattern
from seed_kickoff.records import dataclass

BUILTIN_PACKS = ("spec", "genres", "smells")
# placeholder: the lines of a section that holds nothing else (sections.py)
LINE_KINDS: tuple[LineKind, ...] = (
    "text",
    "heading",
    "code",
    "table",
    "list",
    "quote",
    "meta",
    "placeholder",
)
# Where a rule looks when it does not say: everything people read as prose or structure.
DEFAULT_SCOPE: tuple[LineKind, ...] = ("text", "heading", "table", "list", "quote")

_RULE_KEYS = frozenset(
    {
        "id",
        "dimension",
        "genre",
        "smell",
        "pattern",
        "patterns",
        "unless",
        "weight",
        "cap",
        "scope",
        "case",
        "message",
        "question",
    }
)
_PACK_KEYS = frozenset({"pack", "description", "rules"})
_ID = compile_pattern(r"^[a-z0-9][a-z0-9._-]*$")
_SLUG = compile_pattern(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Rule:
    """One rule of a pack: where its patterns match, a signal of its target."""

    id: str
    pack: str
    sources: tuple[str, ...]  # the regular expressions as written in the pack
    weight: float
    message: str
    dimension: str | None = None
    genre: str | None = None
    smell: str | None = None
    unless_source: str | None = None
    cap: int = 3
    scope: tuple[LineKind, ...] = DEFAULT_SCOPE
    question: str | None = None  # template for the questions checklist, where the rule asks one
    # how ``sources`` compile; the last field: the parse cache keeps the others in this order
    flags: int = re.MULTILINE | re.IGNORECASE

    @cached_property
    def patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(_compile(source, self.flags, self._error) for source in self.sources)

    @cached_property
    def unless(self) -> re.Pattern[str] | None:
        """Lines where this matches do not count."""
        if self.unless_source is None:
            return None
        return _compile(self.unless_source, self.flags, self._error)

    def _error(self, message: str) -> RulePackError:
        # A built-in pattern broken by an edit fails here, on first use, still naming the rule.
        return RulePackError(message, f"pack {self.pack}", self.id)

    @property
    def target(self) -> str:
        """What the rule is evidence of: ``dimension:goal``, ``genre:news-article``, ``smell:vague``."""
        if self.dimension:
            return f"dimension:{self.dimension}"
        if self.genre:
            return f"genre:{self.genre}"
        return f"smell:{self.smell}"


@dataclass(eq=False)
class RuleSet:
    """The active rules, with the packs they came from."""

    rules: list[Rule] = field(default_factory=list)
    packs: list[str] = field(default_factory=list)  # pack names, in load order
    pack_files: dict[str, str] = field(default_factory=dict)  # pack name -> file it came from
    _by_id: tuple[tuple[Rule, ...], dict[str, Rule]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def by_id(self) -> dict[str, Rule]:
        """The rules by id (made again only when ``rules`` changed: judging asks per seed)."""
        rules = tuple(self.rules)
        if self._by_id is None or self._by_id[0] != rules:
            self._by_id = (rules, {rule.id: rule for rule in rules})
        return self._by_id[1]


def builtin_pack_paths() -> list[Path]:
    root = Path(__file__).with_name("packs")  # not importlib.resources: it costs more than this
    return [root / f"{name}.yaml" for name in BUILTIN_PACKS]


def load_rules(
    extra_packs: Sequence[Path] = (),
    disable: Iterable[str] = (),
    known_genres: Iterable[str] | None = None,
) -> RuleSet:
    """The built-in packs, then ``extra_packs``, less the ``disable``d rule ids."""
    ruleset = RuleSet()
    seen: dict[str, str] = {}
    genres = set(known_genres) if known_genres is not None else None
    builtin = builtin_pack_paths()
    for path in [*builtin, *extra_packs]:
        name, rules = load_pack(path, genres, builtin=path in builtin)
        if name in ruleset.pack_files:
            raise RulePackError(
                f"pack name {name!r} is already used by {ruleset.pack_files[name]}", str(path)
            )
        for rule in rules:
            if rule.id in seen:
                raise RulePackError(
                    f"duplicate id (already defined in {seen[rule.id]})", str(path), rule.id
                )
            seen[rule.id] = str(path)
        ruleset.packs.append(name)
        ruleset.pack_files[name] = str(path)
        ruleset.rules.extend(rules)
    disabled = set(disable)
    unknown = disabled - set(seen)
    if unknown:
        raise RulePackError(f"cannot disable unknown rule id(s): {', '.join(sorted(unknown))}")
    ruleset.rules = [rule for rule in ruleset.rules if rule.id not in disabled]
    return ruleset


def load_pack(
    path: Path, known_genres: set[str] | None = None, builtin: bool = False
) -> tuple[str, list[Rule]]:
    """One pack's name and rules. A ``builtin`` pack (one of ours, its patterns compiled by the
    tests) is checked once per text: the parse cache keeps its rules' fields, and its patterns
    compile lazily."""
    shown = str(path)
    try:
        text = read_whole(path).decode("utf-8-sig")
    except OSError as err:
        raise RulePackError(f"cannot read rule pack: {err.strerror or err}", shown) from None
    except UnicodeDecodeError:
        raise RulePackError("rule pack is not UTF-8 text", shown) from None
    if builtin:
        # The entry holds what this module's checks made of the text: it is keyed on both, so an
        # edited check is never answered by an entry the old one made.
        name, checked = cached_parse(
            path,
            text + _checks_source(),
            lambda _: _checked_fields(text, path),
            name=f"{path.stem}-rules",
        )
        rules = [_rule_of(rule) for rule in checked]
    else:
        name, rules = _parse_pack(_parse_yaml(text, shown), path, compile_now=True)
    if known_genres is not None:
        for rule in rules:
            if rule.genre is not None and rule.genre not in known_genres:
                raise RulePackError(
                    f"unknown genre {rule.genre!r}; add it to the genres of the model first",
                    shown,
                    rule.id,
                )
    return name, rules


@cache
def _checks_source() -> str:
    """This module's source: the checks the parse cache's entries of built-in packs come from."""
    return code_signature((__file__,))


# A rule's flags as the parse cache keeps them (an int) -> the flags they stand for.
_FLAGS = {int(flags): flags for flags in (re.MULTILINE, re.MULTILINE | re.IGNORECASE)}


def _rule_of(checked: tuple[Any, ...]) -> Rule:
    """The rule whose fields ``_checked_fields`` gave."""
    values = (*checked[:-1], _FLAGS[checked[-1]])
    return Rule(*values)


def _checked_fields(text: str, path: Path) -> tuple[str, list[tuple[Any, ...]]]:
    """A built-in pack's name and each rule's fields in Rule's order (flags as an int): plain
    data for the parse cache, which then spares every later run the checks."""
    name, rules = _parse_pack(_parse_yaml(text, str(path)), path, compile_now=False)
    names = [f.name for f in fields(Rule)]
    return name, [
        (*(getattr(rule, field_name) for field_name in names[:-1]), int(rule.flags))
        for rule in rules
    ]


def _parse_pack(data: Any, path: Path, compile_now: bool) -> tuple[str, list[Rule]]:
    shown = str(path)
    if not isinstance(data, dict):
        raise RulePackError("a rule pack is a mapping with a 'rules' list", shown)
    unknown = set(data) - _PACK_KEYS
    if unknown:
        raise RulePackError(
            f"unknown top-level key(s): {', '.join(sorted(map(str, unknown)))}", shown
        )
    name = data.get("pack") or path.stem
    if not isinstance(name, str):
        raise RulePackError("'pack' must be the pack's name, as text", shown)
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list):
        raise RulePackError("'rules' must be a list of rules", shown)
    return name, [_parse_rule(raw, name, shown, compile_now) for raw in raw_rules]


def _parse_yaml(text: str, shown: str) -> Any:
    import yaml

    try:
        data = load_yaml(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise RulePackError(
            f"not valid YAML: {getattr(err, 'problem', None) or err}",
            shown,
            line=mark.line + 1 if mark is not None else None,
        ) from None
    # The checks print and walk values: a "billion laughs" alias bomb (or an alias holding
    # itself) would never end. Refused first, as front matter and configuration files are.
    if expanded_size(data, FILE_MAX_VALUES) > FILE_MAX_VALUES:
        raise RulePackError("expands to too many values (YAML aliases?); not read", shown)
    return data


def _parse_rule(raw: Any, pack: str, shown: str, compile_now: bool) -> Rule:
    if not isinstance(raw, dict):
        raise RulePackError("each rule must be a mapping", shown)
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not _ID.match(rule_id):
        raise RulePackError(
            "every rule needs an 'id' of lowercase letters, digits, '.', '_' or '-'",
            shown,
            str(rule_id) if rule_id is not None else None,
        )

    def fail(message: str) -> RulePackError:
        return RulePackError(message, shown, rule_id)

    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise fail(f"unknown field(s): {', '.join(sorted(map(str, unknown)))}")
    targets = [key for key in ("dimension", "genre", "smell") if raw.get(key) is not None]
    if len(targets) != 1:
        raise fail("needs exactly one of 'dimension', 'genre' or 'smell'")
    dimension = raw.get("dimension")
    if dimension is not None and dimension not in DIMENSIONS:
        raise fail(f"unknown dimension {dimension!r}; one of {', '.join(DIMENSIONS)}")
    genre = raw.get("genre")
    if genre is not None and (not isinstance(genre, str) or not _SLUG.match(genre)):
        raise fail("'genre' must be a lowercase slug such as news-article")
    smell = raw.get("smell")
    if smell is not None and (not isinstance(smell, str) or not _SLUG.match(smell)):
        raise fail("'smell' must be a lowercase slug such as vague-adjective")

    if "pattern" in raw and "patterns" in raw:
        raise fail("give 'pattern' or 'patterns', not both")
    sources = raw.get("patterns", [raw["pattern"]] if "pattern" in raw else None)
    if not isinstance(sources, list) or not sources:
        raise fail("needs 'pattern' (a regular expression) or 'patterns' (a list of them)")
    case = raw.get("case", "insensitive")
    if case not in ("sensitive", "insensitive"):
        raise fail("'case' must be 'sensitive' or 'insensitive'")
    flags = re.MULTILINE | (0 if case == "sensitive" else re.IGNORECASE)
    unless = raw.get("unless")
    for source in [*sources, *([] if unless is None else [unless])]:
        if not isinstance(source, str) or not source:
            raise fail("patterns must be non-empty strings")
        if compile_now:
            _compile(source, flags, fail)

    weight = raw.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)):
        raise fail("'weight' must be a number")
    if not math.isfinite(weight):  # .nan or .inf would make every score it touches NaN or inf
        raise fail(f"'weight' must be a finite number, got {weight}")
    cap = raw.get("cap", 3)
    if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
        raise fail("'cap' must be a whole number of at least 1")
    scope = raw.get("scope", list(DEFAULT_SCOPE))
    if isinstance(scope, str):
        scope = list(LINE_KINDS) if scope == "any" else [scope]
    if not isinstance(scope, list) or not scope or any(s not in LINE_KINDS for s in scope):
        raise fail(f"'scope' must be 'any' or a list of: {', '.join(LINE_KINDS)}")
    message = raw.get("message")
    if not isinstance(message, str) or not message.strip():
        raise fail("needs a 'message' saying what the match shows")
    question = raw.get("question")
    if question is not None and not isinstance(question, str):
        raise fail("'question' must be text")
    if question is not None:
        _check_question(question, fail)
    return Rule(
        id=rule_id,
        pack=pack,
        sources=tuple(sources),
        weight=float(weight),
        message=message.strip(),
        dimension=dimension,
        genre=genre,
        smell=smell,
        unless_source=unless,
        cap=cap,
        scope=tuple(scope),
        question=question,
        flags=flags,
    )


def _check_question(question: str, fail: Callable[[str], RulePackError]) -> None:
    """A question template may use {line} and {text} (with !r, !s or !a), nothing else: no
    attribute or index (``{text.x}`` raises when formatted), no format spec (``{line:>999999999}``
    would build a string of a gigabyte)."""
    import string

    try:
        parts = list(string.Formatter().parse(question))
    except ValueError as err:
        raise fail(f"'question' is not a valid template ({err})") from None
    for _, name, spec, conversion in parts:
        if name is not None and (
            name not in ("line", "text") or spec or conversion not in (None, "r", "s", "a")
        ):
            raise fail(
                f"'question' may use only {{line}} and {{text}} (with !r), got {{{name}"
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )


def _compile(source: str, flags: int, fail: Callable[[str], RulePackError]) -> re.Pattern[str]:
    """The compiled pattern (from patterncache.py's cache when it was compiled before), or
    ``fail``'s error naming it."""
    try:
        return compile_pattern(source, flags)
    except re.error as err:
        raise fail(f"invalid regular expression {source!r}: {err}") from None
