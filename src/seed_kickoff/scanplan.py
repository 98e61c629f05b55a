"""What the scanner may assume about a rule pattern, derived once from its parse tree.

Three facts make analysis fast without changing a single signal:

- ``line_local``: the pattern cannot match across a newline, so the lines it runs over may be
  joined into one text and scanned in one call (a line never "sees" its neighbours).
- ``lowered``: a case-insensitive pattern written in lowercase can run case-sensitively over the
  lowercased text, which is several times faster than ``re.IGNORECASE``.
- ``keys``: lowercase words, one of which starts a word in every match; lines without any of them
  are never scanned. ``None`` when the pattern guarantees no such word.

Everything here is conservative: when in doubt a fact is false and the scanner does the plain thing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from seed_kickoff.patterncache import compile_pattern
from seed_kickoff.records import dataclass
from seed_kickoff.sre import constants as _c
from seed_kickoff.sre import parser as _parser

# Keys shorter than this start too many words to be worth looking up.
MIN_KEY = 2
_NEWLINE = 10
_BOUNDARY_AT = {_c.AT_BOUNDARY, _c.AT_BEGINNING, _c.AT_BEGINNING_LINE, _c.AT_BEGINNING_STRING}
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}
_GROUPS = {_c.SUBPATTERN, getattr(_c, "ATOMIC_GROUP", _c.SUBPATTERN)}
# Classes that contain "\n" (\s, \W, \D) and classes that contain no word character.
_NEWLINE_CATEGORIES = {
    _c.CATEGORY_SPACE,
    _c.CATEGORY_NOT_WORD,
    _c.CATEGORY_NOT_DIGIT,
    getattr(_c, "CATEGORY_UNI_SPACE", _c.CATEGORY_SPACE),
    getattr(_c, "CATEGORY_UNI_NOT_WORD", _c.CATEGORY_NOT_WORD),
    getattr(_c, "CATEGORY_UNI_NOT_DIGIT", _c.CATEGORY_NOT_DIGIT),
}
_NONWORD_CATEGORIES = {
    _c.CATEGORY_SPACE,
    _c.CATEGORY_NOT_WORD,
    getattr(_c, "CATEGORY_UNI_SPACE", _c.CATEGORY_SPACE),
    getattr(_c, "CATEGORY_UNI_NOT_WORD", _c.CATEGORY_NOT_WORD),
}
_WORD_CATEGORIES = {_c.CATEGORY_WORD, getattr(_c, "CATEGORY_UNI_WORD", _c.CATEGORY_WORD)}
_MAX_CLASS = 4096  # larger character ranges are not checked char by char: not lowered
# Characters that re.IGNORECASE matches against a letter they do not lowercase to (dotless i,
# long s), or whose lowercase is longer than one character (dotted capital I). A text holding
# one of them is scanned the plain way.
UNSAFE_LOWER = ("ı", "ſ")


def is_word(ch: str) -> bool:
    """What ``\\w`` matches in a str pattern."""
    return ch.isalnum() or ch == "_"


@dataclass(eq=False)
class PatternPlan:
    """What the scanner may assume about one pattern (see the module docstring)."""

    # The shipped plans give these fields in this order (_plan_entries).
    source: str  # the pattern, rewritten to stay within a line where that was possible
    flags: int
    line_local: bool
    lowered_source: str | None  # same pattern in lowercase without IGNORECASE, if it can be
    # sets of keys each of which is in every match (the best first): a line needs one of each
    key_sets: tuple[frozenset[str], ...]
    # how far after the start of a match a word of ``keys`` may start, at most (None: no bound);
    # a line's first match starts no earlier than its first key word minus this
    key_offset: int | None
    needles: frozenset[str] | None  # lowercase strings one of which is in every match
    # The pattern starts with a line anchor "^" and looks behind nowhere: over the text with a
    # newline put in front, "\n" + the rest finds the same lines, and "\n" is a literal prefix
    # the engine jumps between instead of trying every position.
    anchored: bool = False

    @property
    def keys(self) -> frozenset[str] | None:
        """The best key set: lowercase words one of which starts a word in every match."""
        return self.key_sets[0] if self.key_sets else None

    # Asked for only by large runs with Hyperscan: the built-in patterns' translations are
    # shipped (packs/prefilters.json); a user pack's are made on first use (translating when
    # planning would double the planning).
    @cached_property
    def prefilter(self) -> str | None:
        """The Hyperscan pattern that finds a superset of its lines (prefilter.py; None: every
        line is searched): ``lowered_source``'s when it is set, as if over the lowercased text."""
        shipped = shipped_prefilters()
        key = (self.source, self.flags)
        return shipped[key] if key in shipped else self.translated()

    def translated(self) -> str | None:
        """``prefilter``, translated now."""
        from seed_kickoff.prefilter import CHEAPER_STARTS, Untranslatable, translate

        cut = CHEAPER_STARTS.get(self.source)
        try:
            if self.lowered_source is not None:
                flags = self.flags & ~re.IGNORECASE
                return translate(self.lowered_source, flags, lowered=True, cut=cut)
            return translate(self.source, self.flags, cut=cut)
        except Untranslatable:
            return None

    @cached_property
    def rare_keys(self) -> bool:
        """Whether the best key set finds few lines (no common word, number or short key)."""
        return self.keys is not None and _rare(self.keys)

    # Compiled on first use: a pattern whose key words are in no document is never compiled
    # twice, which is most of start-up for a single seed.
    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """What runs over the original lines."""
        return compile_pattern(self.source, self.flags)

    @cached_property
    def lowered(self) -> re.Pattern[str] | None:
        """What runs over the lowercased lines, when the pattern allows it."""
        if self.lowered_source is None:
            return None
        try:
            return compile_pattern(self.lowered_source, self.flags & ~re.IGNORECASE)
        except re.error:
            return None  # lowercasing broke an inline flag or escape: match the plain way

    @cached_property
    def anchored_pattern(self) -> re.Pattern[str]:
        """``pattern`` with its "^" replaced by "\n": runs over "\n" + the joined lines."""
        return compile_pattern(_newline_anchored(self.source), self.flags)

    @cached_property
    def anchored_lowered(self) -> re.Pattern[str] | None:
        """``lowered`` anchored the same way, over "\n" + the lowercased lines."""
        if self.lowered_source is None:
            return None
        try:
            return compile_pattern(
                _newline_anchored(self.lowered_source), self.flags & ~re.IGNORECASE
            )
        except re.error:
            return None  # as ``lowered``: match the plain way


def _needles(items: list[tuple[Any, Any]], ignorecase: bool, state: Any) -> frozenset[str] | None:
    best = _best_keys(items, False, False, ignorecase, state)
    return best[0] if best else None


def _newline_anchored(source: str) -> str:
    return "\n(?:" + source[1:] + ")"


def _parse(source: str, flags: int) -> tuple[list[tuple[Any, Any]], int, Any]:
    tree = _parser.parse(source, flags)
    return list(tree.data), tree.state.flags, tree.state


# Plans of the built-in packs' patterns, computed ahead (tools/write_plans.py) because planning
# them all costs more than the rest of a one-seed check; a test keeps the file equal to what
# compute_plan gives. Bump PLAN_FORMAT when plans change shape or meaning: a stale file is ignored.
PLAN_FORMAT = 3
SHIPPED_PLANS = Path(__file__).with_name("packs") / "plans.json"
# The plans' Hyperscan translations, in a file of their own: most of the bytes, which only large
# runs with Hyperscan need; a small run does not read them.
SHIPPED_PREFILTERS = SHIPPED_PLANS.with_name("prefilters.json")


@cache
def plan(source: str, flags: int) -> PatternPlan:
    """The plan of the pattern ``source`` compiled with ``flags`` (as a rule pack gives them)."""
    shipped = shipped_plans().get((source, flags))
    return shipped if shipped is not None else compute_plan(source, flags)


@cache
def shipped_plans() -> dict[tuple[str, int], PatternPlan]:
    try:
        entries = _shipped(SHIPPED_PLANS, _plan_entries)
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # no usable file: plans are computed, slower but the same
    return {(pattern, fields[1]): PatternPlan(*fields) for pattern, fields in entries}


@cache
def shipped_prefilters() -> dict[tuple[str, int], str | None]:
    """A plan's (source, flags) -> its ``prefilter``, for the built-in packs' patterns."""
    try:
        return dict(_shipped(SHIPPED_PREFILTERS, _prefilter_entries))
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # no usable file: translated when asked for, slower but the same


def _shipped(path: Path, entries: Callable[[Any], list[Any]]) -> list[Any]:
    """What ``entries`` makes of the data of a file tools/write_plans.py wrote, through the parse
    cache; ValueError when the file is of another format."""
    from seed_kickoff.cache import cached_parse

    def parse(raw: bytes) -> list[Any]:
        import json  # only when the per-user cache has no parsed copy of the file

        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("format") != PLAN_FORMAT:
            raise ValueError(f"{path.name}: not plan format {PLAN_FORMAT}")
        return entries(data)

    # Bytes: a run compares the file with the cached copy without decoding it.
    found: list[Any] = cached_parse(path, path.read_bytes(), parse, name=f"{path.stem}-entries")
    return found


def _plan_entries(data: Any) -> list[tuple[str, tuple[Any, ...]]]:
    """Each plan of plans.json as its pattern and PatternPlan's fields in order, the sets made:
    plain data for the parse cache (marshal keeps frozensets), so a run makes a plan in one call."""
    return [
        (
            entry["pattern"],
            (
                entry["source"],
                entry["flags"],
                entry["line_local"],
                entry["lowered_source"],
                tuple(frozenset(keys) for keys in entry["key_sets"]),
                entry["key_offset"],
                None if entry["needles"] is None else frozenset(entry["needles"]),
                entry["anchored"],
            ),
        )
        for entry in data["plans"]
    ]


def _prefilter_entries(data: Any) -> list[tuple[tuple[str, int], str | None]]:
    return [((source, flags), translation) for source, flags, translation in data["prefilters"]]


def plan_to_data(pattern_source: str, planned: PatternPlan) -> dict[str, Any]:
    return {
        "pattern": pattern_source,
        "flags": planned.flags,
        "source": planned.source,
        "line_local": planned.line_local,
        "lowered_source": planned.lowered_source,
        "key_sets": [sorted(keys) for keys in planned.key_sets],
        "key_offset": planned.key_offset,
        "needles": None if planned.needles is None else sorted(planned.needles),
        "anchored": planned.anchored,
    }


def compute_plan(pattern_source: str, pattern_flags: int) -> PatternPlan:
    source = pattern_source
    items, flags, state = _parse(source, pattern_flags)
    line_local = not _crosses_lines(items, bool(flags & re.DOTALL), bool(flags & re.MULTILINE))
    if not line_local:
        # "\s" and friends also match the newline between lines; within a line they never see
        # one, so "(?:(?!\n)\s)" matches the same and lets the lines be scanned joined.
        rewritten = _keep_in_line(source, pattern_flags)
        if rewritten is not None:
            new_items, flags, new_state = _parse(rewritten, pattern_flags)
            if not _crosses_lines(new_items, bool(flags & re.DOTALL), bool(flags & re.MULTILINE)):
                source, items, state, line_local = rewritten, new_items, new_state, True
    sets, key_offset = key_sets(items, bool(flags & re.IGNORECASE), state)
    lowered = None
    if flags & re.IGNORECASE and not flags & (re.ASCII | re.LOCALE) and _lower_safe(items):
        lowered = _lowercase(source)  # the same pattern under IGNORECASE
    return PatternPlan(
        source=source,
        flags=pattern_flags,
        line_local=line_local,
        lowered_source=lowered,
        key_sets=sets,
        key_offset=key_offset,
        needles=_needles(items, bool(flags & re.IGNORECASE), state),
        anchored=line_local
        and source.startswith("^")
        and bool(items)
        and items[0] == (_c.AT, _c.AT_BEGINNING)
        and not _looks_behind(items),
    )


def _looks_behind(items: list[tuple[Any, Any]]) -> bool:
    """Whether a lookbehind occurs anywhere (it would see the newline put in front of a line)."""
    for op, av in items:
        if op in (_c.ASSERT, _c.ASSERT_NOT) and av[0] < 0:
            return True
        if any(_looks_behind(sub) for sub in _children(op, av)):
            return True
    return False


def _children(op: Any, av: Any) -> list[list[tuple[Any, Any]]]:
    """The item lists nested in one parse-tree item."""
    if op is _c.BRANCH:
        return [list(alt.data) for alt in av[1]]
    if op is _c.SUBPATTERN:
        return [list(av[3].data)]
    if op in _GROUPS:
        return [list(av.data)]
    if op in _REPEATS:
        return [list(av[2].data)]
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return [list(av[1].data)]
    if op is _c.GROUPREF_EXISTS:
        return [list(part.data) for part in av[1:] if part is not None]
    return []


_NEWLINE_ATOMS = {"\\s", "\\W", "\\D", "\\n"}


def _keep_in_line(source: str, flags: int) -> str | None:
    """``source`` with every one-character atom that can match a newline kept off newlines."""
    atoms = None if flags & re.VERBOSE else _atoms(source)
    if atoms is None:
        return None
    out: list[str] = []
    for atom in atoms:
        if atom.startswith("[") or (atom == "." and flags & re.DOTALL):
            crosses = re.fullmatch(atom, "\n", flags) is not None
        else:
            crosses = atom in _NEWLINE_ATOMS  # longer escapes (\\x0a) are caught by the check after
        out.append(f"(?:(?!\\n){atom})" if crosses else atom)
    return "".join(out)


# -- line locality --------------------------------------------------------------------------


def _class_has_newline(items: list[tuple[Any, Any]]) -> bool:
    negate = False
    found = False
    for op, av in items:
        if op is _c.NEGATE:
            negate = True
        elif op is _c.LITERAL:
            found |= av == _NEWLINE
        elif op is _c.RANGE:
            found |= av[0] <= _NEWLINE <= av[1]
        elif op is _c.CATEGORY:
            found |= av in _NEWLINE_CATEGORIES
        else:
            return True  # unknown class item: assume the worst
    return found != negate


def _guarded(items: list[tuple[Any, Any]], index: int) -> bool:
    op, av = items[index]
    return (
        op is _c.ASSERT_NOT
        and av[0] == 1
        and list(av[1].data) == [(_c.LITERAL, _NEWLINE)]
        and index + 1 < len(items)
        and items[index + 1][0] in (_c.LITERAL, _c.NOT_LITERAL, _c.IN, _c.ANY)
    )


def _crosses_lines(items: list[tuple[Any, Any]], dotall: bool, multiline: bool = True) -> bool:
    """Whether any part of the pattern can match or look at a newline, or anchors to the text."""
    skip = False
    for index, (op, av) in enumerate(items):
        if skip:
            skip = False
            continue
        if _guarded(items, index):
            skip = True  # "(?!\n)X": one character that is never a newline
            continue
        if op is _c.AT and av in (_c.AT_BEGINNING, _c.AT_END) and not multiline:
            return True  # ^ and $ of the whole text, not of each line
        if op is _c.LITERAL:
            if av == _NEWLINE:
                return True
        elif op is _c.NOT_LITERAL:
            if av != _NEWLINE:
                return True
        elif op is _c.ANY:
            if dotall:
                return True
        elif op is _c.IN:
            if _class_has_newline(av):
                return True
        elif op is _c.AT:
            if av in (_c.AT_BEGINNING_STRING, _c.AT_END_STRING):
                return True
        elif op is _c.BRANCH:
            if any(_crosses_lines(list(alt.data), dotall, multiline) for alt in av[1]):
                return True
        elif op in _GROUPS:
            sub, add, drop = (av[3], av[1], av[2]) if op is _c.SUBPATTERN else (av, 0, 0)
            if drop & re.MULTILINE or _crosses_lines(
                list(sub.data), dotall or bool(add & re.DOTALL), multiline
            ):
                return True
        elif op in _REPEATS:
            if _crosses_lines(list(av[2].data), dotall, multiline):
                return True
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            if _crosses_lines(list(av[1].data), dotall, multiline):
                return True
        elif op is _c.GROUPREF_EXISTS:
            if any(
                part is not None and _crosses_lines(list(part.data), dotall, multiline)
                for part in av[1:]
            ):
                return True
        elif op is not _c.GROUPREF:
            return True  # an operator this code does not know: assume the worst
    return False


def _atoms(source: str) -> list[str] | None:
    """``source`` cut into escapes, character classes and single characters."""
    atoms: list[str] = []
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            atom = source[i : i + 2]
        elif ch == "[":
            end = i + 1
            if end < len(source) and source[end] == "^":
                end += 1
            if end < len(source) and source[end] == "]":
                end += 1
            while end < len(source) and source[end] != "]":
                end += 2 if source[end] == "\\" else 1
            if end >= len(source):
                return None
            atom = source[i : end + 1]
        elif source.startswith("(?#", i) or source.startswith("(?P", i):
            return None  # comments and group names are not pattern text
        else:
            atom = ch
        atoms.append(atom)
        i += len(atom)
    return atoms


# An escape, a range of capitals, a character.
_CLASS_ITEM = compile_pattern(r"\\.|[A-Z]-[A-Z]|.", re.DOTALL)


def _lowercase(source: str) -> str | None:
    """``source`` with its ASCII capitals in lowercase: the same pattern under IGNORECASE."""
    atoms = _atoms(source)
    if atoms is None or "\\N" in atoms:
        return None
    out: list[str] = []
    for atom in atoms:
        if atom.startswith("["):
            items = _CLASS_ITEM.findall(atom)
            for k, item in enumerate(items):
                # a range from a capital to another character (A-z) spans more than letters
                if (
                    item == "-"
                    and 0 < k < len(items) - 1
                    and (items[k - 1].isupper() or items[k + 1].isupper())
                ):
                    return None
            out.append("".join(item if item.startswith("\\") else item.lower() for item in items))
        elif atom.isascii() and not atom.startswith("\\"):
            out.append(atom.lower())
        else:
            out.append(atom)
    return "".join(out)


# -- lowercase matching ---------------------------------------------------------------------


def _fixed_char(ch: str) -> bool:
    """A pattern character that, lowercased, matches the same under IGNORECASE and over the
    lowercased text (ASCII letters are lowercased by ``_lowercase``)."""
    return ch.isascii() or ch.lower() == ch == ch.upper()


def _class_chars(items: list[tuple[Any, Any]]) -> set[str] | None:
    chars: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            chars.add(chr(av))
        elif op is _c.RANGE:
            if av[1] - av[0] > _MAX_CLASS:
                return None
            chars.update(chr(code) for code in range(av[0], av[1] + 1))
        elif op not in (_c.NEGATE, _c.CATEGORY):
            return None
    return chars


def _lower_safe(items: list[tuple[Any, Any]]) -> bool:
    for op, av in items:
        if op in (_c.LITERAL, _c.NOT_LITERAL):
            if not _fixed_char(chr(av)):
                return False
        elif op is _c.IN:
            chars = _class_chars(av)
            if chars is None:
                return False
            if not all(_fixed_char(ch) for ch in chars):
                return False
        elif op is _c.BRANCH:
            if not all(_lower_safe(list(alt.data)) for alt in av[1]):
                return False
        elif op is _c.SUBPATTERN:
            if av[1] or av[2] or not _lower_safe(list(av[3].data)):
                return False  # inline flags change case handling inside: not lowered
        elif op in _GROUPS:
            if not _lower_safe(list(av.data)):
                return False
        elif op in _REPEATS:
            if not _lower_safe(list(av[2].data)):
                return False
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            if not _lower_safe(list(av[1].data)):
                return False
        elif op not in (_c.AT, _c.ANY):
            return False  # back-references and the unknown: match the plain way
    return True


# -- required words ---------------------------------------------------------------------------


def _ends_nonword(item: tuple[Any, Any]) -> bool:
    """Whether the item always ends with a character that is not a word character."""
    op, av = item
    if op is _c.LITERAL:
        return not is_word(chr(av))
    if op is _c.IN:
        if any(sub_op is _c.NEGATE for sub_op, _ in av):
            return False
        chars = _class_chars([x for x in av if x[0] is not _c.CATEGORY])
        categories = [x[1] for x in av if x[0] is _c.CATEGORY]
        return (
            chars is not None
            and not any(is_word(ch) for ch in chars)
            and all(cat in _NONWORD_CATEGORIES for cat in categories)
        )
    if op in _REPEATS:
        body = list(av[2].data)
        return av[0] >= 1 and bool(body) and _ends_nonword(body[-1])
    if op is _c.SUBPATTERN:
        body = list(av[3].data)
        return bool(body) and _ends_nonword(body[-1])
    if op is _c.BRANCH:
        return all(alt.data and _ends_nonword(alt.data[-1]) for alt in av[1])
    return False


def _bounded_before(items: list[tuple[Any, Any]], index: int, start_bounded: bool) -> bool:
    """Whether a word that starts at items[index] starts a word of the text."""
    if index == 0:
        return start_bounded
    op, av = items[index - 1]
    if op is _c.AT:
        return bool(av in _BOUNDARY_AT)
    if op is _c.ASSERT_NOT and av[0] < 0:
        # (?<![\w...]): no word character before, so a word starts here
        body = list(av[1].data)
        return (
            len(body) == 1
            and body[0][0] is _c.IN
            and not any(x[0] is _c.NEGATE for x in body[0][1])
            and any(x[0] is _c.CATEGORY and x[1] in _WORD_CATEGORIES for x in body[0][1])
        )
    if op in _REPEATS and av[0] == 0:
        body = list(av[2].data)  # optional: bounded whether or not it is there
        return (
            bool(body)
            and _ends_nonword(body[-1])
            and _bounded_before(items, index - 1, start_bounded)
        )
    return _ends_nonword(items[index - 1])


# Words so common that looking them up finds most lines: a key set without them is preferred.
_COMMON = frozenset(
    [
        "a",
        "about",
        "all",
        "also",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "each",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "may",
        "more",
        "must",
        "no",
        "not",
        "of",
        "on",
        "one",
        "only",
        "or",
        "other",
        "our",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "use",
        "used",
        "using",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)


# Every start of a common word ("th" of "the"), looked up instead of trying each word in turn.
_COMMON_STARTS = frozenset(word[:end] for word in _COMMON for end in range(len(word) + 1))

# Characters in most lines of prose: a needle made of one of them finds nearly every line.
_COMMON_CHARS = frozenset(" .,'-:;/\"")
# The key of "a number starts a word here" (\d after a word boundary): never a word of a text.
DIGIT_KEY = "\\d"


def _score(keys: frozenset[str]) -> tuple[bool, bool, bool, int, int]:
    return (
        not keys & _COMMON,
        DIGIT_KEY not in keys,  # numbers start many words: any literal key is better
        not any(set(key) <= _COMMON_CHARS for key in keys),
        min(len(key) for key in keys),
        -len(keys),
    )


def _rare(keys: frozenset[str]) -> bool:
    """Whether looking the keys up finds few lines: no common word, number or short key, and
    none starts a common word ("th" starts "the")."""
    return _score(keys)[:3] == (True, True, True) and all(
        len(key) >= _MIN_EXTRA_KEY and key not in _COMMON_STARTS for key in keys
    )


def _digit_class(items: list[tuple[Any, Any]]) -> bool:
    """Whether a character class holds decimal digits only."""
    for op, av in items:
        if op is _c.CATEGORY:
            if av not in (_c.CATEGORY_DIGIT, getattr(_c, "CATEGORY_UNI_DIGIT", _c.CATEGORY_DIGIT)):
                return False
        elif op is _c.RANGE:
            if not (48 <= av[0] <= av[1] <= 57):
                return False
        elif op is _c.LITERAL:
            if not 48 <= av <= 57:
                return False
        else:
            return False
    return bool(items)


# Keys of a further key set are at least this long (a short key starts too many words).
_MIN_EXTRA_KEY = 3
# A key more than this far into a match gives no useful place to start the search from.
_MAX_KEY_OFFSET = 200


def _best_keys(
    items: list[tuple[Any, Any]], start_bounded: bool, words: bool, ignorecase: bool, state: Any
) -> tuple[frozenset[str], int] | None:
    """The best set of lowercase strings one of which is in every match of ``items``, and how
    far from the start of a match it may start at most.

    With ``words``, the strings are words that start a word of the text wherever they occur in
    a match; without, any literal text.
    """
    candidates = _key_sets(items, start_bounded, words, ignorecase, state)
    return max(candidates, key=lambda c: _score(c[0])) if candidates else None


def _key_sets(
    items: list[tuple[Any, Any]], start_bounded: bool, words: bool, ignorecase: bool, state: Any
) -> list[tuple[frozenset[str], int]]:
    """Every set of strings found one of which is in every match (all of them hold in each
    match), each with how far from the start of a match it may start at most."""
    candidates: list[tuple[frozenset[str], int]] = []
    run = ""
    run_bounded = False
    run_start = 0

    def before(index: int) -> int:
        """The most characters the items before ``index`` can match."""
        return int(_parser.SubPattern(state, items[:index]).getwidth()[1]) if index else 0

    def flush() -> None:
        nonlocal run
        if run and (run_bounded or not words):
            if len(run) >= (MIN_KEY if words else 1):
                candidates.append((frozenset({run}), before(run_start)))
            elif words and run[0].isdecimal():
                # a number starts a word here
                candidates.append((frozenset({DIGIT_KEY}), before(run_start)))
        run = ""

    for index, (op, av) in enumerate(items):
        char = _one_char(op, av)
        if char is not None and (is_word(char) or not words):
            if not run:
                run_bounded = _bounded_before(items, index, start_bounded)
                run_start = index
            low = char.lower()
            # IGNORECASE matches a cased non-ASCII letter with others (ı with i): no key there
            if len(low) != 1 or (ignorecase and not _fixed_char(char)):
                run, run_bounded = "", False
                continue
            run += low
            continue
        flush()
        bounded = _bounded_before(items, index, start_bounded)
        inner: list[tuple[frozenset[str], int]] = []
        if op is _c.SUBPATTERN:
            inner = _key_sets(list(av[3].data), bounded, words, ignorecase, state)
        elif op in _GROUPS:
            inner = _key_sets(list(av.data), bounded, words, ignorecase, state)
        elif op in _REPEATS and av[0] >= 1:
            inner = _key_sets(list(av[2].data), bounded, words, ignorecase, state)
        elif op is _c.BRANCH:
            alternatives = [
                _best_keys(list(alt.data), bounded, words, ignorecase, state) for alt in av[1]
            ]
            if all(alt is not None for alt in alternatives):
                found = [alt for alt in alternatives if alt is not None]
                inner = [
                    (frozenset().union(*[keys for keys, _ in found]), max(o for _, o in found))
                ]
        elif op is _c.IN and words and bounded and _digit_class(av):
            inner = [(frozenset({DIGIT_KEY}), 0)]  # a number starts a word here
        if inner:
            offset = before(index)
            candidates += [(keys, offset + inner_offset) for keys, inner_offset in inner]
    flush()
    return candidates


def _one_char(op: Any, av: Any) -> str | None:
    """The lowercase character an item stands for, when it is one: ``a`` or ``[Aa]``."""
    if op is _c.LITERAL:
        return chr(av)
    if op is _c.IN:
        chars = _class_chars(av)
        if chars and not any(item[0] is _c.NEGATE for item in av):
            lows = {ch.lower() for ch in chars}
            if len(lows) == 1 and all(_fixed_char(ch) for ch in chars):
                return lows.pop()
    return None


def key_sets(
    items: list[tuple[Any, Any]], ignorecase: bool, state: Any
) -> tuple[tuple[frozenset[str], ...], int | None]:
    """The key sets the scanner intersects (the best, then up to two more without common
    words), and the best set's offset bound."""
    unique: dict[frozenset[str], int] = {}
    for keys, offset in _key_sets(items, False, True, ignorecase, state):
        unique[keys] = max(offset, unique.get(keys, 0))
    found = sorted(unique, key=_score, reverse=True)  # stable: the first best, as _best_keys
    if not found:
        return (), None
    # a further set must be rarer than common words: no common word, no number, no short prefix
    rest = [keys for keys in found[1:] if _rare(keys)]
    offset = unique[found[0]]
    return (found[0], *rest[:2]), (offset if offset <= _MAX_KEY_OFFSET else None)


# -- the word scanner ------------------------------------------------------------------------


def _trie_regex(words: list[str]) -> str:
    """An alternation of ``words`` factored by first letters, so the engine tries few branches."""
    groups: dict[str, list[str]] = {}
    ends = False
    for word in words:
        if word:
            groups.setdefault(word[0], []).append(word[1:])
        else:
            ends = True
    if ends:
        return ""  # a shorter key is a prefix already; the scanner's \w* takes the rest
    parts = [re.escape(first) + _trie_regex(rest) for first, rest in sorted(groups.items())]
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


def word_scanner(keys: frozenset[str]) -> re.Pattern[str]:
    """Finds every text word that starts with one of ``keys``; the match is the whole word.

    ``DIGIT_KEY`` stands for any word that starts with a decimal digit.
    """
    words = sorted(keys - {DIGIT_KEY})
    alternatives = [_trie_regex(words)] if words else []
    if DIGIT_KEY in keys:
        alternatives.append(r"\d")
    return re.compile(r"\b(?:" + "|".join(alternatives or ["(?!)"]) + r")\w*")


def keys_starting(word: str, keys: frozenset[str], lengths: tuple[int, ...]) -> tuple[str, ...]:
    """The keys a text word starts with (``lengths``: the lengths of the keys that are words)."""
    found = tuple(word[:n] for n in lengths if n <= len(word) and word[:n] in keys)
    if word[:1].isdecimal() and DIGIT_KEY in keys:
        found += (DIGIT_KEY,)
    return found
