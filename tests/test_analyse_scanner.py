"""The fast scanner in analyse.py gives exactly the signals of the plain line-by-line algorithm."""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SHARED, needs_shared
from seed_kickoff.analyse import _EXCERPT, MAX_SIGNALS_PER_RULE, Analysis, analyse, hit_limit
from seed_kickoff.controls import escape_controls
from seed_kickoff.loader import load_seed
from seed_kickoff.model import Document, LineKind, Signal
from seed_kickoff.rules import DEFAULT_SCOPE, LINE_KINDS, Rule, RuleSet, load_rules
from seed_kickoff.scanplan import (
    DIGIT_KEY,
    UNSAFE_LOWER,
    compute_plan,
    is_word,
    plan,
    plan_to_data,
    shipped_plans,
    shipped_prefilters,
)


def hyperscan_missing() -> bool:
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return True
    return False


@pytest.fixture(params=["words", "trie", "prefilter"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Runs a test with each way of finding the lines to search (analyse._Finder): the words
    of a small run looked up one by one, the trie of a large run, the Hyperscan prefilter."""
    name: str = request.param
    if name == "prefilter" and hyperscan_missing():
        pytest.skip("Hyperscan is not installed")
    use_engine(monkeypatch, name)
    return name


def use_engine(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    import seed_kickoff.analyse as analyse_module

    monkeypatch.setattr(analyse_module, "_TRIE_AFTER", 10**12 if name == "words" else -1)
    monkeypatch.setattr(analyse_module, "_COMPILE_AFTER", -1)
    monkeypatch.setattr(analyse_module, "_PREFILTER", name == "prefilter")
    monkeypatch.setattr(analyse_module, "_PLANS", [])


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
                            escape_controls(text.strip()[:_EXCERPT] or text[:_EXCERPT]),
                            rule.weight,
                            rule.dimension,
                            rule.genre,
                            rule.message,
                        )
                    )
    result.signals.sort(key=lambda s: (s.line, s.rule))
    return result


def assert_same(doc: Document, ruleset: RuleSet, plain: Analysis | None = None) -> None:
    fast, plain = analyse(doc, ruleset), plain or reference(doc, ruleset)
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


def test_tricky_rules_on_fixture(engine: str) -> None:
    assert_same(fixture_doc(), TRICKY)


def test_builtin_rules_on_fixture(engine: str) -> None:
    assert_same(fixture_doc(), load_rules())


def test_every_line_safe_and_unsafe(engine: str) -> None:
    """Each fixture line alone, so the texts without ı, ſ, İ take the fast path too."""
    ruleset = RuleSet(rules=[*TRICKY.rules, *load_rules().rules])
    for n, line in enumerate(LINES):
        assert_same(fixture_doc([line], f"line{n}.md"), ruleset)


def test_signals_cite_the_line_of_the_text(engine: str) -> None:
    doc = fixture_doc([("blank", ""), ("text", ""), ("list", "- add it")])
    signals = analyse(doc, TRICKY).signals
    assert [(s.rule, s.line) for s in signals if s.rule == "t.space"] == [("t.space", 3)]


def test_cap_and_one_signal_per_line(engine: str) -> None:
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
        # what the prefilter's placeholders stand for: other digits, letters, spaces, symbols
        *"٣²µÅǅ\u00a0\u2028\x85\x1c\x0b’—§\u0301",
        "𝐀",
    ]
)
KINDS = st.sampled_from(["text", "heading", "code", "table", "list", "quote", "meta", "blank"])


# The engine fixture only sets which way lines are found: the same for every example.
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(KINDS, st.lists(ALPHABET, max_size=30).map("".join)), max_size=12))
def test_random_documents(engine: str, lines: list[tuple[LineKind, str]]) -> None:
    ruleset = RuleSet(rules=[*TRICKY.rules, *load_rules().rules])
    assert_same(fixture_doc(lines), ruleset)


@needs_shared
def test_shared_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = SHARED / "corpus" / "docs"
    if not docs.is_dir():
        pytest.skip("no corpus in ../shared")
    ruleset = load_rules()
    engines = ["words", "trie"] + ([] if hyperscan_missing() else ["prefilter"])
    for path in sorted(docs.iterdir()):
        doc = load_seed(docs, path.name, 5_000_000)
        plain = reference(doc, ruleset)  # the slow part: once for every engine
        for name in engines:
            use_engine(monkeypatch, name)
            assert_same(doc, ruleset, plain)


def test_example_seeds(engine: str) -> None:
    examples = Path(__file__).resolve().parent.parent / "examples" / "seeds"
    ruleset = RuleSet(rules=[*TRICKY.rules, *load_rules().rules])
    for path in sorted(examples.iterdir()):
        if path.is_file() and path.name != "INDEX.md":
            assert_same(load_seed(examples, path.name, 5_000_000), ruleset)


def test_shipped_plans_are_current() -> None:
    """packs/plans.json holds exactly the plans the planner computes for the built-in packs, and
    packs/prefilters.json exactly their translations.

    If this fails after a pack, planner or translation change: python tools/write_plans.py
    """
    patterns = {(source, rule.flags) for rule in load_rules().rules for source in rule.sources}
    shipped = shipped_plans()
    assert set(shipped) == patterns
    computed = {key: compute_plan(*key) for key in patterns}
    stale = [
        key[0]
        for key in patterns
        if plan_to_data(key[0], shipped[key]) != plan_to_data(key[0], computed[key])
    ]
    assert not stale, stale[:3]
    translations = {(p.source, p.flags): p.translated() for p in computed.values()}
    assert shipped_prefilters() == translations
    assert {key: shipped[key].prefilter for key in patterns} == {
        key: translations[p.source, p.flags] for key, p in computed.items()
    }


def test_a_missing_or_stale_plans_file_is_ignored(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A missing, stale or broken plans.json only costs time: the plans are computed instead."""
    import seed_kickoff.scanplan as scanplan

    path = tmp_path / "plans.json"
    broken = (None, '{"format": -1, "plans": []}', "not json", '{"format": 1}', "[]")
    for content in broken:
        if content is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(content, encoding="utf-8")
        monkeypatch.setattr(scanplan, "SHIPPED_PLANS", path)
        monkeypatch.setattr(scanplan, "SHIPPED_PREFILTERS", path)
        scanplan.shipped_plans.cache_clear()
        scanplan.shipped_prefilters.cache_clear()
        assert scanplan.shipped_plans() == {}
        assert scanplan.shipped_prefilters() == {}
        # the translation is made instead
        assert scanplan.compute_plan("widgets?", re.I).prefilter is not None
    monkeypatch.undo()
    scanplan.shipped_plans.cache_clear()
    scanplan.shipped_prefilters.cache_clear()
    assert scanplan.shipped_plans() and scanplan.shipped_prefilters()


def spectrum() -> list[str]:
    """A few characters of every kind the scanner and the prefilter tell apart: each Unicode
    category, with each word, digit, space and case behaviour."""
    import unicodedata

    kinds: dict[tuple[object, ...], list[str]] = {}
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF or code == 10:  # no line holds a newline
            continue
        ch = chr(code)
        kind = (unicodedata.category(ch), is_word(ch), ch.isdecimal(), ch.isspace())
        kind += (ch.lower() == ch, ch.upper() == ch, len(ch.lower()), ch.lower().isascii())
        found = kinds.setdefault(kind, [])
        if len(found) < 2:
            found.append(ch)
    return [ch for found in kinds.values() for ch in found]


def test_every_kind_of_character(engine: str) -> None:
    ruleset = RuleSet(rules=[*TRICKY.rules, *load_rules().rules])
    templates = ["{c}api must{c} users{c} can", "MUST{c}NOT TBD{c} 12{c}ms", "- {c}add {c}{c}{c}"]
    for n, ch in enumerate(spectrum()):
        lines = [("text", template.format(c=ch)) for template in templates]
        assert_same(fixture_doc([*lines, ("list", f"{ch} according to")], f"c{n}.md"), ruleset)


def test_the_prefilters_encoding_counts_the_words(engine: str) -> None:
    """A large run's analysis counts the text's runs of \\w from the bytes the prefilter scans
    (judge then need not encode the text again): the same count as ``re`` over the text, for
    every kind of character; without the prefilter it leaves the count to judge."""
    import seed_kickoff.prefilter as prefilter_module

    ruleset = load_rules()
    chars = spectrum()
    lines = ["".join(chars[i : i + 40]) for i in range(0, len(chars), 40)]
    lines += ["The API must answer in 20 ms", "naïve café ٣ ms x_y", "", "  "]
    for n, line in enumerate(lines):
        text = f"{line} {line[::-1]}\nand the tool_2 must"
        doc = Document(f"w{n}.md", text.split("\n"), ["text", "text"], "markdown")
        words = analyse(doc, ruleset).words
        if engine == "prefilter" and prefilter_module.encode(text) is not None:
            assert words == len(re.findall(r"\w+", text)), repr(line)
        else:
            assert words is None


def test_the_prefilter_is_compiled_once_a_run_has_read_enough(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no database in the cache a run uses the trie until it has read _COMPILE_AFTER
    characters, then compiles one; later runs load it from the cache at once."""
    import seed_kickoff.analyse as analyse_module

    if hyperscan_missing():
        pytest.skip("Hyperscan is not installed")
    use_engine(monkeypatch, "prefilter")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(analyse_module, "_COMPILE_AFTER", 5_000)
    ruleset = RuleSet(rules=[*TRICKY.rules, *load_rules().rules])
    doc = fixture_doc()
    size = len("\n".join(doc.lines))
    finder = analyse_module._rules_plan(ruleset).finder
    read = 0
    while read + size <= 5_000:
        assert_same(doc, ruleset)
        read += size
        assert finder.prefilter is None and finder.trie is not None
    assert_same(doc, ruleset)
    assert finder.prefilter is not None
    assert list(tmp_path.glob("seed-kickoff/prefilter-*.bin"))
    monkeypatch.setattr(analyse_module, "_PLANS", [])  # a new run
    assert_same(doc, ruleset)
    assert analyse_module._rules_plan(ruleset).finder.prefilter is not None


def test_text_expected_makes_a_large_run_from_its_first_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process told that much text is coming (a large run, a pool worker's share of one) uses
    the trie, and compiles the prefilter's database, at its first text; what it reads, or skips,
    is taken off what it expects. Told nothing, a small text keeps the small run's engine."""
    import seed_kickoff.analyse as analyse_module
    from seed_kickoff.analyse import expect_text, skip_text

    monkeypatch.setattr(analyse_module, "_PLANS", [])
    monkeypatch.setattr(analyse_module, "_ahead", 0)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(analyse_module, "_TRIE_AFTER", 20_000)
    monkeypatch.setattr(analyse_module, "_COMPILE_AFTER", 50_000)
    ruleset = RuleSet(rules=[*TRICKY.rules, *load_rules().rules])
    doc = fixture_doc()
    size = len("\n".join(doc.lines))

    def finder() -> Any:
        return analyse_module._rules_plan(ruleset).finder

    assert_same(doc, ruleset)
    assert not finder().large and finder().trie is None
    monkeypatch.setattr(analyse_module, "_PLANS", [])
    expect_text(30_000)
    skip_text(29_000)  # found in the results cache: not read after all
    assert_same(doc, ruleset)
    assert not finder().large
    assert analyse_module._ahead == max(0, 1_000 - size)

    monkeypatch.setattr(analyse_module, "_PLANS", [])
    expect_text(30_000)
    assert_same(doc, ruleset)
    assert finder().large and finder().trie is not None and finder().prefilter is None
    assert analyse_module._ahead == 30_000 - size
    if hyperscan_missing():
        return
    monkeypatch.setattr(analyse_module, "_PLANS", [])
    expect_text(60_000)  # more than the database costs to compile: compiled now
    assert_same(doc, ruleset)
    assert finder().prefilter is not None
    assert list(tmp_path.glob("seed-kickoff/prefilter-*.bin"))


def test_a_failed_compile_is_not_tried_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a CPU Hyperscan cannot compile for, the run goes on with the trie, compiling once."""
    import seed_kickoff.analyse as analyse_module
    import seed_kickoff.prefilter as prefilter_module

    if hyperscan_missing():
        pytest.skip("Hyperscan is not installed")
    import seed_kickoff.cache as cache_module

    use_engine(monkeypatch, "prefilter")
    monkeypatch.setattr(cache_module, "cache_dir", lambda: None)  # nothing remembers the failure
    compiles: list[int] = []
    monkeypatch.setattr(prefilter_module, "_compile", lambda hs, chosen: compiles.append(1))
    ruleset = RuleSet(rules=[*TRICKY.rules, *load_rules().rules])
    assert_same(fixture_doc(), ruleset)
    tried = len(compiles)  # all patterns at once, then each alone to find the culprit
    assert tried > 1
    for n in range(3):
        assert_same(fixture_doc(name=f"d{n}.md"), ruleset)
    finder = analyse_module._rules_plan(ruleset).finder
    assert finder.prefilter is None and finder.trie is not None
    assert len(compiles) == tried


def test_without_hyperscan_large_runs_use_the_trie(monkeypatch: pytest.MonkeyPatch) -> None:
    import seed_kickoff.analyse as analyse_module

    use_engine(monkeypatch, "prefilter")
    monkeypatch.setitem(sys.modules, "hyperscan", None)  # as if not installed
    ruleset = RuleSet(rules=[*TRICKY.rules, *load_rules().rules])
    assert_same(fixture_doc(), ruleset)
    finder = analyse_module._rules_plan(ruleset).finder
    assert finder.prefilter is None and finder.trie is not None


def test_each_engine_is_the_one_named(engine: str) -> None:
    import seed_kickoff.analyse as analyse_module

    ruleset = RuleSet(rules=[*TRICKY.rules, *load_rules().rules])
    analyse(fixture_doc(), ruleset)
    finder = analyse_module._rules_plan(ruleset).finder
    assert (finder.prefilter is not None) == (engine == "prefilter")
    assert (finder.trie is not None) == (engine != "words")
