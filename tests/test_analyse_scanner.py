"""The fast scanner in analyse.py gives exactly the signals of the plain line-by-line algorithm."""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SHARED, needs_shared
from seed_kickoff.analyse import _EXCERPT, MAX_SIGNALS_PER_RULE, Analysis, analyse, hit_limit
from seed_kickoff.loader import load_seed
from seed_kickoff.model import Document, LineKind, Signal
from seed_kickoff.rules import DEFAULT_SCOPE, LINE_KINDS, Rule, RuleSet, load_rules
from seed_kickoff.scanplan import (
    DIGIT_KEY,
    UNSAFE_LOWER,
    compute_plan,
    is_word,
    plan,
    shipped_plans,
)


def reference(doc: Document, ruleset: RuleSet) -> Analysis:
    """The plain algorithm: every pattern over every line in scope, first match per line counts."""
    result = Analysis(line_count=len(doc.lines), kind_counts=Counter(doc.kinds))
    for rule in ruleset.rules:
        seen: set[int] = set()
        kept = 0
        for pattern in rule.patterns:
            for i, (line, kind) in enumerate(zip(doc.lines, doc.kinds, strict=True)):
                if kind not in rule.scope or i in seen:
                    continue
                match = next((m for m in pattern.finditer(line) if m.end() > m.start()), None)
                if match is None or (rule.unless is not None and rule.unless.search(line)):
                    continue
                seen.add(i)
                result.hits[rule.id] += 1
                if kept < MAX_SIGNALS_PER_RULE:
                    kept += 1
                    cited = "flag" if match.re.groupindex.get("flag") and match.group("flag") else 0
                    text = match.group(cited)
                    result.signals.append(
                        Signal(
                            rule.id,
                            i + 1,
                            text.strip()[:_EXCERPT] or text[:_EXCERPT],
                            rule.weight,
                            rule.dimension,
                            rule.genre,
                            rule.message,
                        )
                    )
    result.signals.sort(key=lambda s: (s.line, s.rule))
    return result


def assert_same(doc: Document, ruleset: RuleSet) -> None:
    fast, plain = analyse(doc, ruleset), reference(doc, ruleset)
    assert fast.signals == plain.signals, doc.path
    # the scanner stops counting a rule at its hit limit: nothing reads more than that
    limits = {rule.id: hit_limit(rule) for rule in ruleset.rules}
    assert fast.hits == {r: min(n, limits[r]) for r, n in plain.hits.items()}, doc.path
    assert (fast.line_count, fast.kind_counts) == (plain.line_count, plain.kind_counts)


def rule(
    rule_id: str,
    *patterns: str,
    sensitive: bool = False,
    unless: str | None = None,
    scope: tuple[LineKind, ...] = DEFAULT_SCOPE,
) -> Rule:
    flags = re.MULTILINE | (0 if sensitive else re.IGNORECASE)
    return Rule(
        id=rule_id,
        pack="test",
        sources=patterns,
        weight=1.0,
        message="m",
        genre="test",
        unless_source=unless,
        scope=scope,
        flags=flags,
    )


# Patterns that exercise every path: keys and no keys, newline-capable atoms, anchors, capitals
# in case-insensitive patterns, inline flags, back-references, lookarounds, empty matches.
TRICKY = RuleSet(
    rules=[
        rule("t.words", r"\b(users?|operators?|the admin)\b (can|must)\b"),
        rule("t.space", r"^\s*[-*]\s+(add|fix)\w*", r"\d+\s?(ms|kb)\b"),
        rule("t.negated", r'["“][^"”]{5,}["”]', r"[^a-z]{3}\b"),
        rule("t.caps", r"\bTLS\b|\bHTTP/\d", r"[A-Z]{2,}-\d+"),
        rule("t.sensitive", r"\b(MUST|SHALL)( NOT)?\b", r"\bGo\b|C\+\+", sensitive=True),
        rule("t.inline", r"(?-i:API)\b", r"(?s)note.{0,5}x", r"(?i)kelvin|strasse"),
        rule("t.anchors", r"\Aintro", r"end\Z", r"^\w+:$", r"(?<=\s)api(?=\s)"),
        rule("t.backref", r"\b(\w+) \1\b", r"(?P<w>ab)c(?P=w)"),
        rule("t.empty", r"x*", r"(|data)base", r"\b"),
        rule("t.range", r"[A-z]{4}", r"[a-z0-9_.-]+@[a-z]+\.com", r"[\s,;]{2}"),
        rule("t.unless", r"\bfast\b", unless=r"\bms\b"),
        rule("t.heading", r"\b(goals?|scope)\b", scope=("heading",)),
        rule("t.code", r"\S", r"\bdef\s+\w+", scope=("code",)),
        rule("t.any", r"\bsecret\b", scope=LINE_KINDS),
        rule("t.many", r"\bline\b", r"\bword"),
        rule("t.unicode", r"straße|ünïcode|ıı", r"[ä-ü]+"),
        rule("t.digits", r"\b\d+(\.\d+)?\s?(ms|kb)\b", r"\b(in|of) 1[0-9]{3}\b", r"\b٣+"),
        rule("t.anchored", r"^[ \t]*[A-Z][a-z]+,$", r"^(?<=x)y|^-", r"^\s*$", sensitive=True),
        rule("t.offset", r"\b(the|a) (server|client)\b", r"\b(?:ab|c)?d?(parser|handler)"),
        rule("t.classes", r"[Aa]ccording to\b", r"(?<![\w-])(TBD|TODO)\b", sensitive=True),
        rule("t.conjuncts", r"\bserver\b.*\bfails?\b", r"\bexport\w*.{0,30}\busers\b"),
    ]
)

LINES: list[tuple[LineKind, str]] = [
    ("heading", "Goals and Scope"),
    ("text", "The user can add items; the Admin must approve. Users can export."),
    ("blank", ""),
    ("list", "- add a button"),
    ("list", "  *   Fixed the parser"),
    ("text", "Latency is 20 ms and 3kb, fast enough; fast FAST."),
    ("text", "fast but no unit here"),
    ("quote", '“This is a long quotation,” she said. "Another quote here"'),
    ("text", "Use TLS and HTTP/2; see ABC-123 and abc-7."),
    ("text", "The server MUST NOT fail. It must not. Go and C++ and go."),
    ("code", "def handler(event):"),
    ("code", "    return API"),
    ("code", ""),
    ("text", "intro: the the word word line line"),
    ("text", "note\tx and NOTE x; KELVIN with Kelvin sign K and STRASSE"),
    ("text", "end"),
    ("meta", "secret: yes"),
    ("text", "  api  is here, abcab abcabc, database and base"),
    ("table", "| field | type |"),
    ("text", "mail me at a.b-c@example.com ,; ok"),
    ("text", "İstanbul uses dotless ı and long ſ: straße ÜNÏCODE ünïcode ıı"),
    ("text", "word " * 40),
    *[("text", f"line {n}: a line with words") for n in range(20)],
    ("text", "Born in 1999, the server took 20.5 ms; a client of 3kb fails. ٣٣ TBD"),
    ("text", "Hello,"),
    ("list", "- according to plan, TODO later; the server fails"),
    ("text", "x-TBD and a-TODO are not placeholders; the handler and cdparser run"),
    ("heading", "Scope"),
]


def fixture_doc(lines: list[tuple[LineKind, str]] = LINES, name: str = "fixture.md") -> Document:
    return Document(name, [text for _, text in lines], [kind for kind, _ in lines], "markdown")


def test_tricky_rules_on_fixture() -> None:
    assert_same(fixture_doc(), TRICKY)


def test_builtin_rules_on_fixture() -> None:
    assert_same(fixture_doc(), load_rules())


def test_every_line_safe_and_unsafe() -> None:
    """Each fixture line alone, so the texts without ı, ſ, İ take the fast path too."""
    ruleset = RuleSet(rules=[*TRICKY.rules, *load_rules().rules])
    for n, line in enumerate(LINES):
        assert_same(fixture_doc([line], f"line{n}.md"), ruleset)


def test_signals_cite_the_line_of_the_text() -> None:
    doc = fixture_doc([("blank", ""), ("text", ""), ("list", "- add it")])
    signals = analyse(doc, TRICKY).signals
    assert [(s.rule, s.line) for s in signals if s.rule == "t.space"] == [("t.space", 3)]


def test_cap_and_one_signal_per_line() -> None:
    analysis = analyse(fixture_doc(), TRICKY)
    many = [s for s in analysis.signals if s.rule == "t.many"]
    assert len(many) == MAX_SIGNALS_PER_RULE
    assert len({s.line for s in many}) == len(many)
    # counting stops where nothing reads further: 12 signals, or the cap when it is larger
    assert analysis.hits["t.many"] == MAX_SIGNALS_PER_RULE
    wide = replace(next(r for r in TRICKY.rules if r.id == "t.many"), id="t.wide", cap=30)
    assert hit_limit(wide) == 30
    wide_hits = analyse(fixture_doc(), RuleSet(rules=[wide])).hits["t.wide"]
    assert wide_hits == reference(fixture_doc(), RuleSet(rules=[wide])).hits["t.wide"] > 12


def test_plan_facts() -> None:
    keys = plan(r"\b(the|a) (users?|operators?) (can|must)\b", re.I | re.M).keys
    assert keys == {"user", "operator"}
    assert plan(r"^\s*\d+", re.M).line_local  # \s rewritten to stay in the line
    assert not plan(r"a\Z", re.M).line_local
    assert plan(r"\bTLS\b", re.I | re.M).lowered is not None
    assert plan(r"[A-z]", re.I | re.M).lowered is None
    assert plan(r"C\+\+", re.M).keys is None
    assert plan(r"C\+\+", re.M).needles == {"c++"}
    digits = plan(r"\b(in|of) 1[0-8]\d\d\b", re.I | re.M)
    assert digits.key_sets == (frozenset({DIGIT_KEY}),) and digits.key_offset == 3
    offset = plan(r"\b(the|a) (server|client)\b", re.I | re.M)
    assert offset.keys == {"server", "client"} and offset.key_offset == 4
    assert plan(r"\bthe \w+ (server)", re.I | re.M).key_offset is None
    both = plan(r"\bserver\b.*\bfails\b", re.I | re.M).key_sets
    assert set(both) == {frozenset({"server"}), frozenset({"fails"})}
    assert plan(r"[Aa]ccording", re.M).needles == {"according"}
    assert plan(r"(?<![\w-])todo", re.I | re.M).keys == {"todo"}
    assert plan(r"^[ \t]*[A-Z]", re.M).anchored
    assert not plan(r"^(?<=x)y", re.M).anchored  # the lookbehind would see "\n"
    assert not plan(r"a|^b", re.M).anchored


def test_lowercasing_agrees_with_ignorecase() -> None:
    """What the fast path relies on, checked over every code point.

    Outside the characters in UNSAFE_LOWER (and those whose lowercase is longer), a character
    lowers to one character with the same word, digit and space class, and IGNORECASE matches
    an ASCII letter or digit exactly where the lowercased text has it.
    """
    chars = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    safe = [ch for ch in chars if len(ch.lower()) == 1 and ch not in UNSAFE_LOWER]
    for name, cls in (("word", r"\w"), ("digit", r"\d"), ("space", r"\s")):
        regex = re.compile(cls)
        bad = [ch for ch in safe if bool(regex.match(ch)) != bool(regex.match(ch.lower()))]
        assert not bad, (name, bad[:5])
    assert all(is_word(ch) == bool(re.match(r"\w", ch)) for ch in safe)
    text = "".join(safe)
    lowered = text.lower()
    for letter in "abcdefghijklmnopqrstuvwxyz0123456789_":
        by_flag = [m.start() for m in re.finditer(letter, text, re.IGNORECASE)]
        by_lowering = [m.start() for m in re.finditer(letter, lowered)]
        assert by_flag == by_lowering, letter
    # no character lowers to a non-ASCII caseless one, so caseless pattern characters are safe
    for ch in safe:
        low = ch.lower()
        assert low == ch or low.isascii() or low.upper() != low, hex(ord(ch))


ALPHABET = st.sampled_from(
    [
        *"aeiou stlnrdgm-*.,:;\"“”'`()[]/#|\t0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "user",
        "can",
        "must",
        "MUST",
        "api",
        "fast",
        "ms",
        "ı",
        "ſ",
        "İ",
        "K",
        "ß",
        "é",
    ]
)
KINDS = st.sampled_from(["text", "heading", "code", "table", "list", "quote", "meta", "blank"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(KINDS, st.lists(ALPHABET, max_size=30).map("".join)), max_size=12))
def test_random_documents(lines: list[tuple[LineKind, str]]) -> None:
    ruleset = RuleSet(rules=[*TRICKY.rules, *load_rules().rules])
    assert_same(fixture_doc(lines), ruleset)


@needs_shared
def test_shared_corpus() -> None:
    docs = SHARED / "corpus" / "docs"
    if not docs.is_dir():
        pytest.skip("no corpus in ../shared")
    ruleset = load_rules()
    for path in sorted(docs.iterdir()):
        assert_same(load_seed(docs, path.name, 5_000_000), ruleset)


def test_example_seeds() -> None:
    examples = Path(__file__).resolve().parent.parent / "examples" / "seeds"
    ruleset = RuleSet(rules=[*TRICKY.rules, *load_rules().rules])
    for path in sorted(examples.iterdir()):
        if path.is_file() and path.name != "INDEX.md":
            assert_same(load_seed(examples, path.name, 5_000_000), ruleset)


def test_shipped_plans_are_current() -> None:
    """packs/plans.json holds exactly the plans the planner computes for the built-in packs.

    If this fails after a pack or planner change: python tools/write_plans.py
    """
    patterns = {(source, rule.flags) for rule in load_rules().rules for source in rule.sources}
    shipped = shipped_plans()
    assert set(shipped) == patterns
    stale = [key[0] for key in patterns if shipped[key] != compute_plan(*key)]
    assert not stale, stale[:3]


def test_a_missing_or_stale_plans_file_is_ignored(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A missing, stale or broken plans.json only costs time: the plans are computed instead."""
    import seed_kickoff.scanplan as scanplan

    path = tmp_path / "plans.json"
    for content in (None, '{"format": -1, "plans": []}', "not json", '{"format": 1}'):
        if content is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(content, encoding="utf-8")
        monkeypatch.setattr(scanplan, "SHIPPED_PLANS", path)
        scanplan.shipped_plans.cache_clear()
        assert scanplan.shipped_plans() == {}
    monkeypatch.undo()
    scanplan.shipped_plans.cache_clear()
    assert scanplan.shipped_plans()


@pytest.mark.parametrize("trie_after", [0, 10**12])
def test_both_key_word_finders_give_the_same_signals(
    monkeypatch: pytest.MonkeyPatch, trie_after: int
) -> None:
    """Small runs look every word up, larger ones compile a trie of the keys: same result."""
    import seed_kickoff.analyse as analyse_module

    monkeypatch.setattr(analyse_module, "_TRIE_AFTER", trie_after)
    monkeypatch.setattr(analyse_module, "_PLANS", [])
    ruleset = RuleSet(rules=[*TRICKY.rules, *load_rules().rules])
    assert_same(fixture_doc(), ruleset)
    for n, line in enumerate(LINES):
        assert_same(fixture_doc([line], f"line{n}.md"), ruleset)
    finder = analyse_module._rules_plan(ruleset).finder
    assert (finder.trie is not None) == (trie_after == 0)
