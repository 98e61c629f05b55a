"""Run a rule set over a Document: every match becomes a Signal with its 1-based line."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field

from seed_kickoff.model import Document, LineKind, Signal
from seed_kickoff.rules import Rule, RuleSet

# Signals kept per rule and document: enough to explain, not a copy of a long document.
MAX_SIGNALS_PER_RULE = 12
_EXCERPT = 160


@dataclass
class Analysis:
    signals: list[Signal] = field(default_factory=list)
    hits: Counter[str] = field(default_factory=Counter)  # rule id -> every match, kept or not
    line_count: int = 0
    kind_counts: Counter[str] = field(default_factory=Counter)


class _ScopedText:
    """The document's text with lines outside a scope blanked, so offsets map back to lines."""

    def __init__(self, lines: list[str], kinds: list[LineKind], scope: frozenset[str]) -> None:
        kept = [line if kind in scope else "" for line, kind in zip(lines, kinds, strict=True)]
        self.text = "\n".join(kept)
        self.starts: list[int] = []
        offset = 0
        for line in kept:
            self.starts.append(offset)
            offset += len(line) + 1
        self.lines = kept

    def line_of(self, pos: int) -> int:
        return bisect_right(self.starts, pos)  # 1-based


def analyse(doc: Document, ruleset: RuleSet) -> Analysis:
    result = Analysis(line_count=len(doc.lines), kind_counts=Counter(doc.kinds))
    if not doc.lines:
        return result
    scoped: dict[frozenset[str], _ScopedText] = {}
    for rule in ruleset.rules:
        scope = frozenset(rule.scope)
        view = scoped.get(scope)
        if view is None:
            view = scoped[scope] = _ScopedText(doc.lines, doc.kinds, scope)
        _scan(rule, view, result)
    result.signals.sort(key=lambda s: (s.line, s.rule))
    return result


def _scan(rule: Rule, view: _ScopedText, result: Analysis) -> None:
    kept = 0
    seen_lines: set[int] = set()
    for pattern in rule.patterns:
        for match in pattern.finditer(view.text):
            if match.end() == match.start():
                continue
            line = view.line_of(match.start())
            if line in seen_lines:
                continue  # one signal per rule and line: a line proves a point once
            source = view.lines[line - 1]
            if rule.unless is not None and rule.unless.search(source):
                continue
            seen_lines.add(line)
            result.hits[rule.id] += 1
            if kept < MAX_SIGNALS_PER_RULE:
                kept += 1
                result.signals.append(
                    Signal(
                        rule=rule.id,
                        line=line,
                        text=_flagged(match),
                        weight=rule.weight,
                        dimension=rule.dimension,
                        genre=rule.genre,
                        message=rule.message,
                    )
                )


def _flagged(match: re.Match[str]) -> str:
    """The matched text, or only its ``flag`` group: a smell cites its word, not its context."""
    if "flag" in match.re.groupindex and match.group("flag"):
        return match.group("flag")[:_EXCERPT]
    return match.group(0).strip()[:_EXCERPT] or match.group(0)[:_EXCERPT]
