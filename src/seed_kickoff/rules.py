"""Rule packs: YAML files of rules (id, dimension or genre, patterns, weight, message) -> compiled rules.

A rule pack is data. Adding a signal is a few lines of YAML, never new code. Every mistake in a pack
is a ``RulePackError`` naming the pack file and the rule id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from seed_kickoff.errors import RulePackError
from seed_kickoff.model import DIMENSIONS, LineKind

BUILTIN_PACKS = ("spec", "genres", "smells")
LINE_KINDS: tuple[LineKind, ...] = ("text", "heading", "code", "table", "list", "quote", "meta")
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
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Rule:
    id: str
    pack: str
    patterns: tuple[re.Pattern[str], ...]
    weight: float
    message: str
    dimension: str | None = None
    genre: str | None = None
    smell: str | None = None
    unless: re.Pattern[str] | None = None
    cap: int = 3
    scope: tuple[LineKind, ...] = DEFAULT_SCOPE
    question: str | None = None  # template for the questions checklist, where the rule asks one

    @property
    def target(self) -> str:
        """What the rule is evidence of: ``dimension:goal``, ``genre:news-article``, ``smell:vague``."""
        if self.dimension:
            return f"dimension:{self.dimension}"
        if self.genre:
            return f"genre:{self.genre}"
        return f"smell:{self.smell}"


@dataclass
class RuleSet:
    rules: list[Rule] = field(default_factory=list)
    packs: list[str] = field(default_factory=list)  # pack names, in load order
    pack_files: dict[str, str] = field(default_factory=dict)  # pack name -> file it came from

    def by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}


def builtin_pack_paths() -> list[Path]:
    root = resources.files("seed_kickoff") / "packs"
    return [Path(str(root / f"{name}.yaml")) for name in BUILTIN_PACKS]


def load_rules(
    extra_packs: Sequence[Path] = (),
    disable: Iterable[str] = (),
    known_genres: Iterable[str] | None = None,
) -> RuleSet:
    """The built-in packs, then ``extra_packs``, less the ``disable``d rule ids."""
    ruleset = RuleSet()
    seen: dict[str, str] = {}
    genres = set(known_genres) if known_genres is not None else None
    for path in [*builtin_pack_paths(), *extra_packs]:
        name, rules = load_pack(path, genres)
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


def load_pack(path: Path, known_genres: set[str] | None = None) -> tuple[str, list[Rule]]:
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as err:
        raise RulePackError(f"cannot read rule pack: {err.strerror or err}", shown) from None
    except UnicodeDecodeError:
        raise RulePackError("rule pack is not UTF-8 text", shown) from None
    try:
        # libyaml's safe loader when it is there: the same documents, several times faster
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise RulePackError(
            f"not valid YAML: {getattr(err, 'problem', None) or err}",
            shown,
            line=mark.line + 1 if mark is not None else None,
        ) from None
    if not isinstance(data, dict):
        raise RulePackError("a rule pack is a mapping with a 'rules' list", shown)
    unknown = set(data) - _PACK_KEYS
    if unknown:
        raise RulePackError(
            f"unknown top-level key(s): {', '.join(sorted(map(str, unknown)))}", shown
        )
    name = str(data.get("pack") or path.stem)
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list):
        raise RulePackError("'rules' must be a list of rules", shown)
    rules = [_parse_rule(raw, name, shown, known_genres) for raw in raw_rules]
    return name, rules


def _parse_rule(raw: Any, pack: str, shown: str, known_genres: set[str] | None) -> Rule:
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
    if genre is not None:
        if not isinstance(genre, str) or not _SLUG.match(genre):
            raise fail("'genre' must be a lowercase slug such as news-article")
        if known_genres is not None and genre not in known_genres:
            raise fail(f"unknown genre {genre!r}; add it to the genres of the model first")
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
    patterns = tuple(_compile(source, flags, fail) for source in sources)
    unless = _compile(raw["unless"], flags, fail) if raw.get("unless") is not None else None

    weight = raw.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)):
        raise fail("'weight' must be a number")
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
    return Rule(
        id=rule_id,
        pack=pack,
        patterns=patterns,
        weight=float(weight),
        message=message.strip(),
        dimension=dimension,
        genre=genre,
        smell=smell,
        unless=unless,
        cap=cap,
        scope=tuple(scope),
        question=question,
    )


def _compile(source: Any, flags: int, fail: Any) -> re.Pattern[str]:
    if not isinstance(source, str) or not source:
        raise fail("patterns must be non-empty strings")
    try:
        return re.compile(source, flags)
    except re.error as err:
        raise fail(f"invalid regular expression {source!r}: {err}") from None
