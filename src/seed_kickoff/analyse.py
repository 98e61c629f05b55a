"""Run a rule set over a Document: every match becomes a Signal with its 1-based line.

A rule matches within one line: each pattern runs over each line in the rule's scope, the first
match on a line counts, a line counts once per rule, and a line where ``unless`` matches does not
count. The scanner below gives exactly that result, fast (see scanplan.py for why it may):

- one pass over the lowercased text finds the words that start with a pattern's key words; a
  keyed pattern runs only over the lines holding one (most patterns are keyed);
- a pattern anchored at the start of a line runs once over the whole text, jumping from newline
  to newline;
- a pattern with neither runs over the lines holding its literal text, or over every line;
- case-insensitive patterns run case-sensitively over the lowercased lines;
- a rule stops once it has as many lines as its score and its signals can use (``hit_limit``).
"""

from __future__ import annotations

import math
import operator
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import field
from itertools import compress
from typing import TYPE_CHECKING

from seed_kickoff.controls import escape_controls
from seed_kickoff.language import word_runs
from seed_kickoff.model import Document, Signal
from seed_kickoff.patterncache import compile_pattern
from seed_kickoff.records import dataclass
from seed_kickoff.rules import Rule, RuleSet
from seed_kickoff.scanplan import (
    DIGIT_KEY,
    UNSAFE_LOWER,
    PatternPlan,
    keys_starting,
    plan,
    word_scanner,
)

if TYPE_CHECKING:
    from seed_kickoff.prefilter import Prefilter

# Signals kept per rule and document: enough to explain, not a copy of a long document.
MAX_SIGNALS_PER_RULE = 12
_EXCERPT = 160
# Words whose key words are remembered across documents.
_MAX_KNOWN_WORDS = 50_000


@dataclass(eq=False)
class Analysis:
    """What the rules found in one document: signals, hit counts, line kinds."""

    signals: list[Signal] = field(default_factory=list)
    # rule id -> lines matched, counted up to the rule's hit_limit (the score takes at most cap)
    hits: Counter[str] = field(default_factory=Counter)
    line_count: int = 0
    kind_counts: Counter[str] = field(default_factory=Counter)
    # runs of \w in the text, when the prefilter's encoding gave them for free (None: not counted)
    words: int | None = None


def hit_limit(rule: Rule) -> int:
    """Lines a rule needs: its score counts at most ``cap`` of them, its signals at most 12."""
    return max(MAX_SIGNALS_PER_RULE, math.ceil(rule.cap))


def analyse(doc: Document, ruleset: RuleSet) -> Analysis:
    result = Analysis(line_count=len(doc.lines), kind_counts=Counter(doc.kinds))
    if not doc.lines:
        return result
    rules_plan = _rules_plan(ruleset)
    scanner = _Scanner(doc, rules_plan)
    if scanner.encoded is not None:
        result.words = word_runs(scanner.encoded)
    candidates = scanner.candidates
    if candidates is not None:
        # only the rules with a line the prefilter names (or with a pattern it cannot filter)
        rule_of = rules_plan.rule_of_slot
        chosen: Iterable[int] = sorted(
            {rule_of[slot] for slot in candidates}.union(
                rule_of[slot] for slot in scanner.unfiltered
            )
        )
    else:
        present = scanner.key_lines.keys()
        needs = rules_plan.needs
        chosen = [
            i
            for i, need in enumerate(needs)
            # a rule none of whose key words is in the text cannot match
            if need is None or not scanner.safe or not present.isdisjoint(need)
        ]
    for i in chosen:
        scanner.scan(i, result)
    result.signals.sort(key=lambda s: (s.line, s.rule))
    return result


@dataclass(eq=False)
class _RulesPlan:
    """What the scanner derives from a rule set once, not once per document."""

    rules: tuple[Rule, ...]
    plans: tuple[tuple[PatternPlan, ...], ...]  # per rule
    slots: tuple[tuple[int, ...], ...]  # per rule: its patterns' positions among all patterns
    rule_of_slot: tuple[int, ...]  # per pattern: its rule's position
    limits: tuple[int, ...]  # per rule: its hit_limit
    scopes: tuple[frozenset[str], ...]  # per rule
    # per rule: the key words one of which a text needs for the rule to match at all (None: the
    # rule has a pattern without key words, or one anchored at line starts, which always runs)
    needs: tuple[frozenset[str] | None, ...]
    keys: frozenset[str]  # every key word of every keyed pattern
    lengths: tuple[int, ...]  # the lengths of those key words
    finder: _Finder  # finds the words of a text that start with a key
    # word of a text -> the keys it starts with; filled as texts are read
    keys_of_word: dict[str, tuple[str, ...]]


# Characters read before the machinery for large runs is made (see _Finder).
_TRIE_AFTER = 100_000
# Characters read before the prefilter's database is compiled, when this machine has not
# compiled it before: compiling takes about as long as the trie engine takes over this much text.
_COMPILE_AFTER = 3_000_000
# Whether large runs use the Hyperscan prefilter when it is installed (tests turn it off).
_PREFILTER = True
_WORD = compile_pattern(r"\w+")
# The kinds of line most of a document is: the prefilter scans the patterns of the rules that read
# none of them (headings, tables, lists) over those rules' lines alone, a fifth of the text, and
# reports none of the other lines (half of all its reports were those).
_BULK = frozenset({"text", "code"})


class _Finder:
    """Finds, in each text, the lines worth searching.

    Large runs use the Hyperscan prefilter (prefilter.py) when it is installed: one pass in C
    names the lines each pattern may match. Without it, the words of a text that start with a
    key word are found: by a trie of the keys, or, until this process has read ``_TRIE_AFTER``
    characters, by looking every word up, because making a trie costs more than judging a
    small seed. All ways give the same signals (tested).

    The prefilter's database comes from the per-user cache; compiling it takes a second or two,
    so a process that finds none there uses the trie until it has read ``_COMPILE_AFTER``
    characters, then compiles it (and stores it for the runs after): a run never pays more than
    about twice the better choice, and a small run on a new machine pays nothing.

    A caller that knows how much text is coming says so (``expect_text``): the sizes are then
    judged on what has been read plus what is still to come, so a large run, or a pool worker's
    share of one, uses the machinery for its size from its first text (a worker that began with
    a 500 KB text in the look-up engine spent 15 times as long on it).
    """

    def __init__(
        self,
        keys: frozenset[str],
        plans: tuple[PatternPlan, ...],
        scopes: tuple[frozenset[str] | None, ...],
    ) -> None:
        self.keys = keys
        self.plans = plans  # every pattern of the rule set: its slot is its position
        self.scopes = scopes  # per slot: the lines the prefilter scans for it (None: all)
        self.read = 0
        self.large = False  # past _TRIE_AFTER characters
        self.prefilter: Prefilter | None = None
        self._may_filter = _PREFILTER  # until the prefilter is made, or cannot be
        self._trie: re.Pattern[str] | None = None

    def count(self, text: str) -> None:
        """Counts a text read: makes the machinery that pays off at this size of run."""
        if self.large and not self._may_filter:
            return
        self.read += len(text)
        skip_text(len(text))
        size = self.read + _ahead  # of the run, as far as this process knows
        if size <= _TRIE_AFTER:
            return
        from seed_kickoff import prefilter  # large runs only

        if not self.large:
            self.large = True
            if self._may_filter and prefilter.available():
                self.prefilter = prefilter.build(self._patterns(), False, self.scopes)
            else:
                self._may_filter = False
        if self.prefilter is None and self._may_filter and size > _COMPILE_AFTER:
            # compiled now, or Hyperscan cannot here: either way never tried again
            self.prefilter = prefilter.build(self._patterns(), True, self.scopes)
        self._may_filter = self._may_filter and self.prefilter is None and size <= _COMPILE_AFTER

    def _patterns(self) -> list[str | None]:
        return [_filtered(p) for p in self.plans]

    @property
    def trie(self) -> re.Pattern[str] | None:
        """The trie of the key words, once the run is large (compiled on first use)."""
        if self.large and self._trie is None:
            self._trie = word_scanner(self.keys)
        return self._trie

    def words(self) -> re.Pattern[str]:
        """What finds the words of a text to look up."""
        return self.trie or _WORD


# Text expected beyond which no choice of engine changes: callers may stop counting there.
ENOUGH_TEXT = _COMPILE_AFTER + 1


# Characters of text this process expects to analyse still (see expect_text).
_ahead = 0


def expect_text(chars: int) -> None:
    """Tell the analyser that this process is about to analyse about ``chars`` characters of
    text (0: nothing more is known), so that a large run makes its machinery from its first
    text rather than after the texts that show it large."""
    global _ahead
    _ahead = max(0, chars)


def skip_text(chars: int) -> None:
    """``chars`` characters of the text expected are analysed, or will not be after all (a
    result found in the results cache)."""
    global _ahead
    _ahead = max(0, _ahead - chars)


def _filtered(pattern: PatternPlan) -> str | None:
    """What the prefilter runs for a pattern. A pattern with no key word, no literal text and no
    line anchor (``\\S``, say) matches nearly every line: its scope's lines are searched instead,
    which the rule's hit limit cuts short."""
    if pattern.key_sets or pattern.needles is not None or pattern.anchored:
        return pattern.prefilter
    return None


_PLANS: list[_RulesPlan] = []  # the last few rule sets' plans (a rule set is rarely rebuilt)


def _rules_plan(ruleset: RuleSet) -> _RulesPlan:
    rules = ruleset.rules
    for cached in _PLANS:
        if len(cached.rules) == len(rules) and all(map(operator.is_, cached.rules, rules)):
            return cached
    plans = tuple(tuple(plan(source, rule.flags) for source in rule.sources) for rule in rules)
    keys = frozenset(key for rule in plans for p in rule for keys in p.key_sets for key in keys)
    slots, first = [], 0
    for rule_plans in plans:
        slots.append(tuple(range(first, first + len(rule_plans))))
        first += len(rule_plans)
    rules_plan = _RulesPlan(
        rules=tuple(rules),
        plans=plans,
        slots=tuple(slots),
        rule_of_slot=tuple(i for i, rule_slots in enumerate(slots) for _ in rule_slots),
        limits=tuple(hit_limit(rule) for rule in rules),
        scopes=tuple(frozenset(rule.scope) for rule in rules),
        needs=tuple(_needs(rule_plans) for rule_plans in plans),
        keys=keys,
        lengths=tuple(sorted({len(key) for key in keys if key != DIGIT_KEY})),
        finder=_Finder(
            keys,
            tuple(p for rule_plans in plans for p in rule_plans),
            _prefilter_scopes(rules, plans),
        ),
        keys_of_word={},
    )
    _PLANS[:] = [rules_plan, *_PLANS[:3]]
    return rules_plan


def _prefilter_scopes(
    rules: list[Rule], plans: tuple[tuple[PatternPlan, ...], ...]
) -> tuple[frozenset[str] | None, ...]:
    """Per slot, the lines the prefilter scans for its pattern: the lines of every kind a rule
    reading no ``_BULK`` line reads, for such a rule's patterns (one scan of them all costs less
    than one per scope), the whole text for the rest."""
    narrow = [frozenset(rule.scope) for rule in rules if not _BULK & frozenset(rule.scope)]
    lines = frozenset().union(*narrow)
    return tuple(
        None if _BULK & frozenset(rule.scope) else lines
        for rule, rule_plans in zip(rules, plans, strict=True)
        for _ in rule_plans
    )


def _needs(plans: tuple[PatternPlan, ...]) -> frozenset[str] | None:
    if any(p.keys is None or (p.anchored and not p.rare_keys) for p in plans):
        return None
    return frozenset().union(*[p.keys for p in plans if p.keys is not None])


class _Scanner:
    def __init__(self, doc: Document, rules_plan: _RulesPlan) -> None:
        self.lines = doc.lines
        self.kinds = doc.kinds
        self.rules_plan = rules_plan
        self.text = "\n".join(doc.lines)
        lowered = self.text.lower()
        # Lowercasing keeps every offset, and IGNORECASE agrees with it, unless these occur.
        self.safe = len(self.text) == len(lowered) and not any(ch in lowered for ch in UNSAFE_LOWER)
        self.lowered = lowered
        self.low_lines = lowered.split("\n") if self.safe else doc.lines
        finder = rules_plan.finder
        finder.count(self.text)
        prefilter = finder.prefilter if self.safe else None
        self.scoped: dict[frozenset[str], list[int]] = {}
        # The text as the prefilter reads it (None: no prefilter, or not for this text), and
        # slot -> the lines its pattern may match (None: found from key words instead).
        self.encoded = prefilter.encode(self.text) if prefilter is not None else None
        self.candidates = (
            prefilter.lines(self.encoded, self.lines, self._in_scope)
            if prefilter is not None and self.encoded is not None
            else None
        )
        self.unfiltered = prefilter.unfiltered if prefilter is not None else frozenset()
        self.key_lines = self._find_keys() if self.safe and self.candidates is None else {}
        self.fronted: dict[bool, str] = {}  # "\n" + the text (lowered or not), when needed

    def _find_keys(self) -> dict[str, dict[int, int]]:
        """Key -> {0-based line holding a word that starts with it: where the first such word
        starts in the line}."""
        rules_plan = self.rules_plan
        keys_of_word = rules_plan.keys_of_word
        if len(keys_of_word) > _MAX_KNOWN_WORDS:
            keys_of_word.clear()  # a vocabulary, not a memory leak: thousands of seeds stay flat
        keys, lengths = rules_plan.keys, rules_plan.lengths
        lowered = self.lowered
        count, rfind = lowered.count, lowered.rfind
        found: dict[str, dict[int, int]] = {}
        line = last = line_start = 0
        for match in rules_plan.finder.words().finditer(lowered):
            word = match[0]
            starts = keys_of_word.get(word)
            if starts is None:
                starts = keys_of_word[word] = keys_starting(word, keys, lengths)
            pos = match.start()
            newlines = count("\n", last, pos)
            if newlines:
                line += newlines
                line_start = rfind("\n", last, pos) + 1
            last = pos
            for key in starts:
                where = found.get(key)
                if where is None:
                    found[key] = {line: pos - line_start}
                elif line not in where:
                    where[line] = pos - line_start
        return found

    def _keyed_lines(self, pattern: PatternPlan) -> tuple[list[int], dict[int, int] | None]:
        """The lines holding a key of each key set, in order, and where to search each from
        (None: from the start)."""
        key_lines = self.key_lines
        first: dict[int, int] | None = None  # line -> where its first word of the best set starts
        owned = False
        for key in pattern.key_sets[0] & key_lines.keys():  # the keys in the text
            where = key_lines[key]
            if first is None:
                first = where  # read only: copied before another key's lines join it
                continue
            if not owned:
                first, owned = dict(first), True
            earlier = {line: min(first[line], where[line]) for line in first.keys() & where.keys()}
            first.update(where)
            first.update(earlier)
        if not first:
            return [], None
        lines: set[int] | None = None
        for keys in pattern.key_sets[1:]:
            also: set[int] = set()
            for key in keys & key_lines.keys():
                also.update(key_lines[key])
            lines = (first.keys() & also) if lines is None else (lines & also)
            if not lines:
                return [], None
        back = pattern.key_offset
        ordered = sorted(first if lines is None else lines)
        if back is None:
            return ordered, None
        return ordered, {line: first[line] - back if first[line] > back else 0 for line in ordered}

    def _needle_lines(self, needles: frozenset[str]) -> list[int]:
        """The 0-based lines of the lowercased text that contain one of ``needles``, in order."""
        count, find = self.lowered.count, self.lowered.find
        found: set[int] = set()
        for needle in needles:
            pos = find(needle)
            line = last = 0
            while pos >= 0:
                line += count("\n", last, pos)
                found.add(line)
                end = find("\n", pos)  # one hit per line is enough: go on at the next line
                if end < 0:
                    break
                line += 1
                last = end + 1
                pos = find(needle, last)
        return sorted(found)

    def _in_scope(self, scope: frozenset[str]) -> list[int]:
        indices = self.scoped.get(scope)
        if indices is None:
            # (C-level maps: this runs over every line, once or twice a seed)
            kinds = self.kinds
            indices = list(compress(range(len(kinds)), map(scope.__contains__, kinds)))
            self.scoped[scope] = indices
        return indices

    def scan(self, index: int, result: Analysis) -> None:
        """Add the signals of the rule set's rule ``index`` to ``result``."""
        rules_plan = self.rules_plan
        rule, scope = rules_plan.rules[index], rules_plan.scopes[index]
        limit, plans = rules_plan.limits[index], rules_plan.plans[index]
        if self.candidates is not None:
            self._scan_candidates(rule, scope, limit, plans, rules_plan.slots[index], result)
            return
        seen: set[int] = set()  # one signal per rule and line: a line proves a point once
        refused: set[int] = set()  # lines where ``unless`` matched
        hits = 0
        for pattern in plans:
            if hits >= limit:
                break
            for line, start, end in self._first_matches(pattern, scope):
                if line in seen or line in refused:
                    continue
                source = self.lines[line]
                if rule.unless is not None and rule.unless.search(source):
                    refused.add(line)
                    continue
                seen.add(line)
                hits += 1
                if hits <= MAX_SIGNALS_PER_RULE:
                    result.signals.append(_signal(rule, line, source, start, end))
                if hits >= limit:
                    break
        if hits:
            result.hits[rule.id] = hits

    def _scan_candidates(
        self,
        rule: Rule,
        scope: frozenset[str],
        limit: int,
        plans: tuple[PatternPlan, ...],
        slots: tuple[int, ...],
        result: Analysis,
    ) -> None:
        """``scan`` over the lines the prefilter names: what ``_first_matches`` and the loop over
        its matches do, in one loop (most of a large run's analysis is this loop: the layers of
        generators cost a fifth of it)."""
        assert self.candidates is not None
        candidates, kinds, rows, unless = self.candidates, self.kinds, self.lines, rule.unless
        done: set[int] = set()  # lines counted, or refused by ``unless``
        hits = 0
        for pattern, slot in zip(plans, slots, strict=True):
            lines = candidates.get(slot)
            if lines is None:
                if slot not in self.unfiltered:
                    continue
                lines = self._in_scope(scope)
            lowered = pattern.lowered  # None: no twin, or it does not compile
            regex = lowered or pattern.pattern
            texts = self.low_lines if lowered else rows
            search, flagged = regex.search, "flag" in regex.groupindex
            for i in lines:
                if i in done or kinds[i] not in scope:
                    continue
                match = search(texts[i])
                if match is None:
                    continue
                if match.end() == match.start():
                    match = _first_nonempty(regex, texts[i])
                    if match is None:
                        continue
                done.add(i)
                source = rows[i]
                if unless is not None and unless.search(source):
                    continue
                hits += 1
                if hits <= MAX_SIGNALS_PER_RULE:
                    start, end = (
                        match.span("flag") if flagged and match.group("flag") else match.span()
                    )
                    result.signals.append(_signal(rule, i, source, start, end))
                if hits >= limit:
                    result.hits[rule.id] = hits
                    return
        if hits:
            result.hits[rule.id] = hits

    def _first_matches(
        self, pattern: PatternPlan, scope: frozenset[str]
    ) -> Iterator[tuple[int, int, int]]:
        """(line, start, end) of the first non-empty match on each line that has one, in order.

        Patterns are compiled here, on first use: most never are in a run over a few seeds.
        """
        if (
            self.safe
            and pattern.keys is not None
            and self.key_lines.keys().isdisjoint(pattern.keys)
        ):
            return iter(())  # none of its key words is in the text
        if self.safe and pattern.keys is None and pattern.needles is not None:
            text = self.lowered
            if not any(needle in text for needle in pattern.needles):
                return iter(())  # none of the literal texts one of which every match holds
        use_lowered = self.safe and pattern.lowered_source is not None
        if pattern.anchored and (not self.safe or not pattern.rare_keys):
            # one pass in the engine from newline to newline, cheaper than common key words
            anchored = pattern.anchored_lowered if use_lowered else None
            if anchored is None:
                anchored, use_lowered = pattern.anchored_pattern, False
            texts = self.low_lines if use_lowered else self.lines
            return self._anchored(anchored, pattern, texts, scope, use_lowered)
        offsets = None
        if self.safe and pattern.keys is not None:
            lines, offsets = self._keyed_lines(pattern)
        elif self.safe and pattern.needles is not None:
            lines = self._needle_lines(pattern.needles)
        else:
            lines = self._in_scope(scope)
        if not lines:
            return iter(())  # nothing to search: nothing to compile
        return self._search(pattern, use_lowered, lines, scope, offsets)

    def _search(
        self,
        pattern: PatternPlan,
        use_lowered: bool,
        lines: list[int],
        scope: frozenset[str],
        offsets: dict[int, int] | None = None,
    ) -> Iterator[tuple[int, int, int]]:
        """First matches on the lines given, each searched from its offset if given (no match on
        that line starts before it): with the lowercase twin over the lowercased lines if
        ``use_lowered`` and the twin compiles, else with the pattern over the lines."""
        lowered = pattern.lowered if use_lowered else None
        regex = lowered or pattern.pattern
        texts = self.low_lines if lowered else self.lines
        kinds = self.kinds
        search = regex.search
        for i in lines:
            if kinds[i] not in scope:
                continue
            match = search(texts[i]) if offsets is None else search(texts[i], offsets[i])
            if match is not None and match.end() == match.start():
                match = _first_nonempty(regex, texts[i])
            if match is not None:
                yield (i, *_cited(match))

    def _anchored(
        self,
        anchored: re.Pattern[str],
        pattern: PatternPlan,
        texts: list[str],
        scope: frozenset[str],
        lowered: bool,
    ) -> Iterator[tuple[int, int, int]]:
        """Matches of a "\\n"-anchored pattern over "\\n" + the text: each starts one line."""
        text = self.fronted.get(lowered)
        if text is None:
            text = self.fronted[lowered] = "\n" + (self.lowered if lowered else self.text)
        kinds, count = self.kinds, text.count
        line = last = 0
        for match in anchored.finditer(text):
            pos = match.start()
            line += count("\n", last, pos)
            last = pos
            if kinds[line] not in scope:
                continue
            if match.end() == pos + 1:  # empty after the newline: what the line alone gives
                regex = (pattern.lowered if lowered else None) or pattern.pattern
                first = _first_nonempty(regex, texts[line])
                if first is not None:
                    yield (line, *_cited(first))
                continue
            start, end = _cited(match)
            yield (line, max(start, pos + 1) - pos - 1, end - pos - 1)


def _signal(rule: Rule, line: int, source: str, start: int, end: int) -> Signal:
    """The signal of ``rule`` on 0-based ``line`` (``source``), citing ``source[start:end]``."""
    text = source[start:end]
    return Signal(
        rule=rule.id,
        line=line + 1,
        text=escape_controls(text.strip()[:_EXCERPT] or text[:_EXCERPT]),
        weight=rule.weight,
        dimension=rule.dimension,
        genre=rule.genre,
        message=rule.message,
    )


def _first_nonempty(regex: re.Pattern[str], text: str) -> re.Match[str] | None:
    return next((m for m in regex.finditer(text) if m.end() > m.start()), None)


def _cited(match: re.Match[str]) -> tuple[int, int]:
    """The span a signal cites: the match, or only its ``flag`` group (a smell cites its word)."""
    if "flag" in match.re.groupindex and match.group("flag"):
        return match.span("flag")
    return match.span()
