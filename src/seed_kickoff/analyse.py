"""Run a rule set over a Document: every match becomes a Signal with its 1-based line.

A rule matches within one line: each pattern runs over each line in the rule's scope, the first
match on a line counts, a line counts once per rule, and a line where ``unless`` matches does not
count. The scanner below gives exactly that result, fast (see scanplan.py for why it may):

- one pass over the lowercased text finds the lines holding each rule's key words, and a pattern
  runs only over those lines (or over every line in scope when it has no key words);
- lines are joined and scanned in one call when the pattern cannot cross a newline;
- case-insensitive patterns run case-sensitively over the lowercased lines.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from seed_kickoff.model import Document, Signal
from seed_kickoff.rules import Rule, RuleSet
from seed_kickoff.scanplan import UNSAFE_LOWER, PatternPlan, plan, word_scanner

# Literal text shorter than this is in most lines: not worth finding line by line.
MIN_NEEDLE = 2
# Signals kept per rule and document: enough to explain, not a copy of a long document.
MAX_SIGNALS_PER_RULE = 12
_EXCERPT = 160
# Words whose key words are remembered across documents.
_MAX_KNOWN_WORDS = 50_000


@dataclass
class Analysis:
    signals: list[Signal] = field(default_factory=list)
    hits: Counter[str] = field(default_factory=Counter)  # rule id -> every match, kept or not
    line_count: int = 0
    kind_counts: Counter[str] = field(default_factory=Counter)


def analyse(doc: Document, ruleset: RuleSet) -> Analysis:
    result = Analysis(line_count=len(doc.lines), kind_counts=Counter(doc.kinds))
    if not doc.lines:
        return result
    scanner = _Scanner(doc, ruleset)
    for rule in ruleset.rules:
        scanner.scan(rule, result)
    result.signals.sort(key=lambda s: (s.line, s.rule))
    return result


class _Joined:
    """Some lines joined by newlines, with the offset where each starts."""

    def __init__(self, texts: list[str], indices: list[int]) -> None:
        self.indices = indices
        self.text = "\n".join([texts[i] for i in indices])
        self.starts: list[int] = []
        offset = 0
        for i in indices:
            self.starts.append(offset)
            offset += len(texts[i]) + 1


@dataclass(frozen=True)
class _RulesPlan:
    """What the scanner derives from a rule set once, not once per document."""

    plans: dict[str, list[PatternPlan]]
    keys: frozenset[str]  # every key word of every pattern
    lengths: tuple[int, ...]  # the lengths of those key words
    # word of a text -> the key words it starts with; filled as texts are read
    keys_of_word: dict[str, tuple[str, ...]]


@lru_cache(maxsize=4)
def _rules_plan(rules: tuple[Rule, ...]) -> _RulesPlan:
    plans = {rule.id: [plan(p) for p in rule.patterns] for rule in rules}
    keys = frozenset(
        key for pattern_plans in plans.values() for p in pattern_plans if p.keys for key in p.keys
    )
    return _RulesPlan(plans, keys, tuple(sorted({len(key) for key in keys})), {})


class _Scanner:
    def __init__(self, doc: Document, ruleset: RuleSet) -> None:
        self.lines = doc.lines
        self.kinds = doc.kinds
        self.rules_plan = _rules_plan(tuple(ruleset.rules))
        self.plans = self.rules_plan.plans
        text = "\n".join(doc.lines)
        lowered = text.lower()
        # Lowercasing keeps every offset, and IGNORECASE agrees with it, unless these occur.
        self.safe = len(text) == len(lowered) and not any(ch in lowered for ch in UNSAFE_LOWER)
        self.lowered = lowered
        self.low_lines = lowered.split("\n") if self.safe else doc.lines
        self.key_lines = self._find_keys() if self.safe else {}
        self.starts: list[int] | None = None  # where each lowercased line starts, when needed
        self.scoped: dict[frozenset[str], list[int]] = {}
        self.joined: dict[tuple[frozenset[str], bool], _Joined] = {}

    def _find_keys(self) -> dict[str, list[int]]:
        """Key word -> the 0-based lines where a word starting with it occurs, in order."""
        keys, lengths = self.rules_plan.keys, self.rules_plan.lengths
        if not keys:
            return {}
        scanner = word_scanner(keys)
        # Words repeat within and across texts: which keys a word starts with is looked up once.
        keys_of_word = self.rules_plan.keys_of_word
        if len(keys_of_word) > _MAX_KNOWN_WORDS:
            keys_of_word.clear()  # a vocabulary, not a memory leak: thousands of seeds stay flat
        key_lines: dict[str, list[int]] = {}
        for i, line in enumerate(self.low_lines):
            if not line:
                continue
            for word in scanner.findall(line):
                starts = keys_of_word.get(word)
                if starts is None:
                    starts = keys_of_word[word] = tuple(
                        word[:n] for n in lengths if word[:n] in keys
                    )
                for key in starts:
                    where = key_lines.get(key)
                    if where is None:
                        key_lines[key] = [i]
                    elif where[-1] != i:
                        where.append(i)
        return key_lines

    def _needle_lines(self, needle: str) -> list[int]:
        """The 0-based lines of the lowercased text that contain ``needle``."""
        if self.starts is None:
            self.starts = []
            offset = 0
            for text in self.low_lines:
                self.starts.append(offset)
                offset += len(text) + 1
        starts, lowered = self.starts, self.lowered
        found: list[int] = []
        pos = lowered.find(needle)
        while pos >= 0:
            line = bisect_right(starts, pos) - 1
            found.append(line)
            if line + 1 >= len(starts):
                break
            pos = lowered.find(needle, starts[line + 1])  # one hit per line is enough
        return found

    def _in_scope(self, scope: frozenset[str]) -> list[int]:
        indices = self.scoped.get(scope)
        if indices is None:
            indices = self.scoped[scope] = [i for i, k in enumerate(self.kinds) if k in scope]
        return indices

    def _candidates(self, pattern: PatternPlan, scope: frozenset[str]) -> list[int] | None:
        """The lines worth scanning, or None for every line in scope."""
        if not self.safe:
            return None
        hits: set[int] = set()
        if pattern.keys is not None:
            for key in pattern.keys:
                hits.update(self.key_lines.get(key, ()))
        elif pattern.needles is None:
            return None
        elif min(len(needle) for needle in pattern.needles) < MIN_NEEDLE:
            # short needles are in most lines: every line in scope, if the text has one at all
            return None if any(n in self.lowered for n in pattern.needles) else []
        else:
            for needle in pattern.needles:
                hits.update(self._needle_lines(needle))
        kinds = self.kinds
        return sorted(i for i in hits if kinds[i] in scope)

    def scan(self, rule: Rule, result: Analysis) -> None:
        scope = frozenset(rule.scope)
        seen: set[int] = set()  # one signal per rule and line: a line proves a point once
        refused: set[int] = set()  # lines where ``unless`` matched
        kept = 0
        for pattern in self.plans[rule.id]:
            lines = self._candidates(pattern, scope)
            if lines is not None and not lines:
                continue
            lowered = pattern.lowered if self.safe else None
            regex = lowered or pattern.pattern
            texts = self.low_lines if lowered else self.lines
            for line, start, end in self._first_matches(regex, pattern, texts, scope, lines):
                if line in seen or line in refused:
                    continue
                source = self.lines[line]
                if rule.unless is not None and rule.unless.search(source):
                    refused.add(line)
                    continue
                seen.add(line)
                result.hits[rule.id] += 1
                if kept < MAX_SIGNALS_PER_RULE:
                    kept += 1
                    text = source[start:end]
                    result.signals.append(
                        Signal(
                            rule=rule.id,
                            line=line + 1,
                            text=text.strip()[:_EXCERPT] or text[:_EXCERPT],
                            weight=rule.weight,
                            dimension=rule.dimension,
                            genre=rule.genre,
                            message=rule.message,
                        )
                    )

    def _first_matches(
        self,
        regex: re.Pattern[str],
        pattern: PatternPlan,
        texts: list[str],
        scope: frozenset[str],
        lines: list[int] | None,
    ) -> list[tuple[int, int, int]]:
        """(line, start, end) of the first non-empty match on each line that has one."""
        found: list[tuple[int, int, int]] = []
        if not pattern.line_local:
            for i in self._in_scope(scope) if lines is None else lines:
                for match in regex.finditer(texts[i]):
                    if match.end() > match.start():
                        found.append((i, *_cited(match)))
                        break
            return found
        if lines is None:
            key = (scope, texts is not self.lines)
            joined = self.joined.get(key)
            if joined is None:
                joined = self.joined[key] = _Joined(texts, self._in_scope(scope))
        else:
            joined = _Joined(texts, lines)
        text, starts, indices = joined.text, joined.starts, joined.indices
        pos = 0
        while pos <= len(text):
            for match in regex.finditer(text, pos):
                start, end = match.span()
                if end > start:
                    at = bisect_right(starts, start) - 1
                    cited_start, cited_end = _cited(match)
                    found.append((indices[at], cited_start - starts[at], cited_end - starts[at]))
                    # the rest of this line cannot count: go on at the next line
                    pos = starts[at + 1] if at + 1 < len(starts) else len(text) + 1
                    break
            else:
                break
        return found


def _cited(match: re.Match[str]) -> tuple[int, int]:
    """The span a signal cites: the match, or only its ``flag`` group (a smell cites its word)."""
    if "flag" in match.re.groupindex and match.group("flag"):
        return match.span("flag")
    return match.span()
