"""An optional prefilter in C: the lines each pattern of a rule set may match, in one pass.

With Hyperscan installed, every pattern of a rule set is compiled into one database that scans a
text once; ``re`` then searches only the lines it names, so the signals are exactly those of
``re``. Hyperscan's syntax and character classes are not Python's, so no pattern is handed over
as written: each is translated from its ``re`` parse tree into one that matches at least where
the original matches within a line (a superset; ``re`` decides):

- the text is encoded to ASCII with each non-ASCII character replaced by one byte of its class
  (``0`` a decimal digit, ``_`` another word character, a space, or DEL for anything else), so
  offsets stay put and ``\\w``, ``\\d``, ``\\s`` and ``\\b`` see what Python sees;
- every character class becomes the explicit set of bytes that Python's class matches, plus the
  placeholder bytes of the non-ASCII characters it may match;
- lookarounds are dropped, back-references match anything on the line;
- nothing matches a newline, and each pattern is followed by ``[^\\n]*$`` (by ``$`` alone when
  it ends with ``$``): a pattern is reported at most once per line, at the line's end.

Texts holding a character whose case partner is ASCII (Kelvin sign, long s, dotless i: ``re``
matches them case-insensitively against ASCII letters) are left to the plain scanner, as is
everything when Hyperscan is missing. The compiled database is kept in the per-user cache.
"""

from __future__ import annotations

import codecs
import hashlib
import marshal
import re
from collections.abc import Callable, Sequence
from typing import Any

from seed_kickoff.cache import read_blob, write_blob
from seed_kickoff.sre import compiler as _compiler
from seed_kickoff.sre import constants as _c
from seed_kickoff.sre import parser as _parser

_NEWLINE = 10
DIGIT, WORD, SPACE, OTHER = "0", "_", " ", "\x7f"  # what a non-ASCII character becomes
_PLACEHOLDERS = (DIGIT, WORD, SPACE, OTHER)
_ERRORS = "seed-kickoff-placeholder"


def placeholder(ch: str) -> str:
    """The ASCII byte a non-ASCII character stands as: same \\d, \\w and \\s as in ``re``."""
    if ch.isdecimal():
        return DIGIT
    if ch.isalnum() or ch == "_":
        return WORD
    if ch.isspace():
        return SPACE
    return OTHER


# The non-ASCII characters re.IGNORECASE matches against an ASCII letter (dotted capital I,
# dotless i, long s, Kelvin sign); a test finds them among all of Unicode.
ASCII_CASE_PARTNERS = frozenset("\u0130\u0131\u017f\u212a")


class _Refused(Exception):
    """The text holds a character that ``re`` may match case-insensitively against ASCII."""


_PLACEHOLDER_OF: dict[str, str] = {}


def _stand_in(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for ch in error.object[error.start : error.end]:
        mapped = _PLACEHOLDER_OF.get(ch)
        if mapped is None:
            if ch in ASCII_CASE_PARTNERS:
                raise _Refused(ch)
            mapped = _PLACEHOLDER_OF[ch] = placeholder(ch)
        out.append(mapped)
    return "".join(out), error.end


codecs.register_error(_ERRORS, _stand_in)


def encode(text: str) -> bytes | None:
    """``text`` as the prefilter reads it, or None when it must be scanned the plain way."""
    try:
        return text.encode("ascii", _ERRORS)
    except _Refused:
        return None


# -- translation ------------------------------------------------------------------------------

# The placeholders each category matches: some non-ASCII character of each class is in it.
_CATEGORY_PLACEHOLDERS = {
    "CATEGORY_DIGIT": {DIGIT},
    "CATEGORY_NOT_DIGIT": {WORD, SPACE, OTHER},
    "CATEGORY_SPACE": {SPACE},
    "CATEGORY_NOT_SPACE": {DIGIT, WORD, OTHER},
    "CATEGORY_WORD": {DIGIT, WORD},
    "CATEGORY_NOT_WORD": {SPACE, OTHER},
    "CATEGORY_LINEBREAK": {SPACE},
    "CATEGORY_NOT_LINEBREAK": {DIGIT, WORD, SPACE, OTHER},
}
_LARGE_RANGE = 4096  # non-ASCII ranges wider than this may hold any class of character
# Larger repeat counts make Hyperscan's compile slow (2 s for one ".{1,5000}"): such a repeat
# is widened to "{m,}", which matches wherever it did.
_MAX_BOUND = 100


class Untranslatable(Exception):
    """A construct the translation does not handle: the pattern runs the plain way."""


def translate(source: str, flags: int, lowered: bool = False, cut: str | None = None) -> str:
    """A Hyperscan pattern (ASCII mode, multi-line) that matches wherever ``source`` compiled with
    ``flags`` matches within a line, and is reported once per line, at its end. With
    ``lowered``, ``source`` is meant to run over the lowercased text, but the translation runs
    over the text itself: each byte stands for its lowercase (placeholders have no case).

    ``cut``, the start of ``source`` (its first top-level items, written as in ``source``), is
    replaced by the characters it can end with (see ``CHEAPER_STARTS``)."""
    try:
        tree = _parser.parse(source, flags)
        head = 0 if cut is None else len(_parser.parse(cut, flags).data)
    except re.error as error:
        raise Untranslatable(str(error)) from error
    flags = tree.state.flags
    if flags & (re.ASCII | re.LOCALE):
        raise Untranslatable("ASCII or LOCALE classes: not what the placeholders stand for")
    items, end = list(tree.data), "[^\\n]*$"
    start = ""
    if head:
        # Every match of the start ends in one of these (or is empty): the rest of the pattern
        # follows one of them, or starts the match.
        last = _last_chars(items[:head])
        if last:
            start = "(?:" + "|".join(_byte_class(op, av, flags, lowered) for op, av in last) + ")"
        items = items[head:]
    if items and items[-1][0] is _c.AT and "END" in str(items[-1][1]):
        # The match ends the line: Hyperscan's own "$" checks that, and the pattern no longer
        # runs on to the end of every line it starts on (a scan about a tenth cheaper).
        items, end = items[:-1], "$"
    return f"(?:{start}{_items(items, flags, lowered)}){end}"


# Patterns whose start, cut to the characters it can end with, makes the database's scan cheaper
# (a leading repeat, or words before a repeat, that Hyperscan runs as an automaton over every
# byte): a pattern's source (as planned) -> its start. A cut is a superset whatever it is (a
# match of the whole holds a match of the rest, after one of those characters), so it costs only
# the few more lines ``re`` then searches. Measured over the corpus (CPU, best of seven, the
# whole-text database alone): 34.7-36.5 -> 24.7-27.4 ms, reports 12,415 -> 12,875.
CHEAPER_STARTS = {
    # behaviour.system-verb
    r"\b(it|this|the [a-z]+) (provides|defines|supports|returns|accepts|exposes|implements"
    r"|generates|parses|emits|handles|invokes|lists|lets you|allows you)\b": r"\b(it|this|the [a-z]+)",
    # interfaces.code-call
    r"\b[a-z_][A-Za-z0-9_]*\.[a-z_][A-Za-z0-9_]*\([^)\n]{0,60}\)": r"\b[a-z_][A-Za-z0-9_]*",
    # opinion.rhetoric
    r"^[^`|\n]{20,}\?[ \t]*$": r"^[^`|\n]{20,}",
    # performance.quantity
    r"\b\d+(\.\d+)?(?:(?!\n)\s)?(ms|µs|us|ns|milliseconds?|microseconds?|seconds?|s|minutes?"
    r"|[kKMGT]i?B|bytes|[kMG]?bps|[kMG]?Hz|rps|qps|ops/s|requests? per second|fps|%|percent|MB/s"
    r"|GB/s|mA|mAh|mW|mV|V|W|ppm|°C|mm|cm|dB|dBm|px|pixels|cores|threads|nodes)(?!\w)": (
        r"\b\d+(\.\d+)?"
    ),
}


def _last_chars(items: list[tuple[Any, Any]]) -> list[tuple[Any, Any]] | None:
    """Single-character atoms one of which ends every non-empty match of ``items`` (with the
    pattern's flags); None when some match may be empty or that is not known."""
    found: list[tuple[Any, Any]] = []
    for op, av in reversed(items):
        if op in (_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.IN):
            return [*found, (op, av)]
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue  # matches nothing: the character before it ends the match
        if op is _c.BRANCH:
            alternatives = [_last_chars(list(alt.data)) for alt in av[1]]
            if any(alternative is None for alternative in alternatives):
                return None
            return found + [atom for alternative in alternatives for atom in alternative or ()]
        if op is _c.SUBPATTERN and not av[1] and not av[2]:  # not a group of other flags
            op, av = _c.MAX_REPEAT, (1, 1, av[3])
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            low, _high, sub = av
            inner = _last_chars(list(sub.data))
            if inner is None:
                return None
            found += inner
            if low:
                return found
            continue  # may repeat no time: what comes before may end the match
        return None
    return None


def _items(items: list[tuple[Any, Any]], flags: int, fold: bool) -> str:
    return "".join(_item(op, av, flags, fold) for op, av in items)


def _item(op: Any, av: Any, flags: int, fold: bool) -> str:
    if op in (_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.IN):
        return _byte_class(op, av, flags, fold)
    if op is _c.AT:
        name = str(av)
        if "BEGINNING" in name:
            return "^"
        if "END" in name:
            return ""  # Hyperscan has no "$" inside a pattern; without it, a superset
        if name.endswith("NON_BOUNDARY"):
            return "\\B"
        if name.endswith("BOUNDARY"):
            return "\\b"
        raise Untranslatable(name)
    if op is _c.BRANCH:
        return "(?:" + "|".join(_items(list(alt.data), flags, fold) for alt in av[1]) + ")"
    if op is _c.SUBPATTERN:
        _group, add, delete, sub = av
        return "(?:" + _items(list(sub.data), (flags | add) & ~delete, fold) + ")"
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return "(?:" + _items(list(av.data), flags, fold) + ")"
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        low, high, sub = av
        inner = "(?:" + _items(list(sub.data), flags, fold) + ")"
        if high == _c.MAXREPEAT or high > _MAX_BOUND:
            return f"{inner}{{{min(low, _MAX_BOUND)},}}"
        return f"{inner}{{{low},{high}}}"
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return ""  # without the assertion the pattern matches wherever it matched with it
    if op is _c.GROUPREF:
        return "[^\\n]*"
    if op is _c.GROUPREF_EXISTS:
        _group, yes, no = av
        other = "" if no is None else _items(list(no.data), flags, fold)
        return "(?:" + _items(list(yes.data), flags, fold) + "|" + other + ")"
    raise Untranslatable(str(op))


def _byte_class(op: Any, av: Any, flags: int, fold: bool) -> str:
    # All else is the same for one character; str patterns always have Unicode classes and
    # case rules (translate refuses ASCII and LOCALE).
    flags = flags & (re.IGNORECASE | re.DOTALL) | re.UNICODE
    key = (op, repr(av), flags, fold)
    text = _CLASSES.get(key)
    if text is None:
        alone = _parser.State()  # not the pattern's: its global flags would override ours
        alone.flags = flags
        regex = _compiler.compile(_parser.SubPattern(alone, [(op, av)]), flags)
        members = {
            b
            for b in range(128)
            if b != _NEWLINE and regex.fullmatch(chr(b).lower() if fold else chr(b))
        }
        members |= {ord(p) for p in _placeholders(op, av, flags)}
        # only a newline, which no line holds: the alternative cannot match
        text = _CLASSES[key] = _class_text(members) if members else "\\n"
    return text


_CLASSES: dict[tuple[Any, str, int, bool], str] = {}


def _placeholders(op: Any, av: Any, flags: int) -> set[str]:
    """Placeholders of the non-ASCII characters an atom may match."""
    if op is _c.ANY or op is _c.NOT_LITERAL:
        return set(_PLACEHOLDERS)
    if op is _c.LITERAL:
        return _of_chars(chr(av), flags)
    negate = False
    found: set[str] = set()
    by_category: set[str] = set()
    for item_op, item_av in av:
        if item_op is _c.NEGATE:
            negate = True
        elif item_op is _c.LITERAL:
            found |= _of_chars(chr(item_av), flags)
        elif item_op is _c.RANGE:
            low, high = item_av
            if high >= 128:
                if high - max(low, 128) > _LARGE_RANGE:
                    found |= set(_PLACEHOLDERS)
                else:
                    for code in range(max(low, 128), high + 1):
                        found |= _of_chars(chr(code), flags)
        elif item_op is _c.CATEGORY:
            by_category |= _CATEGORY_PLACEHOLDERS[str(item_av).replace("_UNI", "")]
        else:
            raise Untranslatable(str(item_op))
    if negate:
        # a class of each placeholder has characters outside any literal or range: only a whole
        # category the class excludes keeps its placeholder out
        return set(_PLACEHOLDERS) - by_category
    return found | by_category


def _of_chars(ch: str, flags: int) -> set[str]:
    chars = {ch, ch.lower(), ch.upper(), ch.swapcase()} if flags & re.IGNORECASE else {ch}
    return {placeholder(c) for c in chars if len(c) == 1 and not c.isascii()}


def _class_text(members: set[int]) -> str:
    parts = []
    ordered = sorted(members)
    start = previous = ordered[0]
    for byte in [*ordered[1:], -1]:
        if byte == previous + 1:
            previous = byte
            continue
        parts.append(
            f"\\x{start:02x}" if start == previous else f"\\x{start:02x}-\\x{previous:02x}"
        )
        start = previous = byte
    return "[" + "".join(parts) + "]"


# -- the databases ----------------------------------------------------------------------------


class Prefilter:
    """Hyperscan databases of a rule set's patterns, each pattern known by its slot (index): one
    over the whole text, and one over the lines of each narrow scope (see ``build``)."""

    def __init__(
        self,
        databases: list[tuple[frozenset[str] | None, Any]],
        unfiltered: frozenset[int],
        error: type[Exception],
    ):
        self._databases = databases  # (the kinds of line it reads, None: all; the database)
        self.unfiltered = unfiltered  # slots whose every line is a candidate
        self._error = error  # what Hyperscan raises

    # What ``lines`` encodes a text with, for a caller that keeps the bytes.
    encode = staticmethod(encode)

    def lines(
        self,
        text: str | bytes,
        rows: Sequence[str] = (),
        in_scope: Callable[[frozenset[str]], list[int]] | None = None,
    ) -> dict[int, list[int]] | None:
        """Slot -> the 0-based lines its pattern may match (ascending), for slots with any; None
        when the text must be scanned the plain way. ``text`` is ``rows`` joined by newlines, or
        its ``encode`` already; ``in_scope`` gives the indices of the rows of the kinds given
        (needed by a prefilter built with scopes)."""
        encoded = encode(text) if isinstance(text, str) else text
        if encoded is None:
            return None
        lines: dict[int, list[int]] = {}
        for kinds, database in self._databases:
            if kinds is None:
                if not self._scan(database, encoded, lines, None):
                    return None
                continue
            assert in_scope is not None
            indices = in_scope(kinds)
            if indices:
                # the text encoded, so are its lines
                part = encode("\n".join([rows[i] for i in indices])) or b""
                if not self._scan(database, part, lines, indices):
                    return None
        return lines

    def _scan(
        self,
        database: Any,
        encoded: bytes,
        lines: dict[int, list[int]],
        indices: list[int] | None,
    ) -> bool:
        """Adds to ``lines`` the lines ``database`` reports in ``encoded`` (the rows ``indices``
        names, joined; None: the whole text); false if the scan failed."""
        found: list[tuple[int, int]] = []
        if database is not None:
            try:
                found = scan_reports(database, encoded)
            except self._error:  # its scratch space in use: a library caller's second thread
                return False
        count = encoded.count
        line = last = 0
        for end, slot in found:  # each report ends its line: its "\n" or the end of the text
            if end != last:
                line += count(b"\n", last, end)
                last = end
            row = line if indices is None else indices[line]
            at = lines.get(slot)
            if at is None:
                lines[slot] = [row]
            else:
                at.append(row)
        return True


def available() -> bool:
    """Whether Hyperscan is installed."""
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return False
    return True


def build(
    patterns: Sequence[str | None],
    compile_database: bool = True,
    scopes: Sequence[frozenset[str] | None] = (),
) -> Prefilter | None:
    """The prefilter of Hyperscan patterns (``translate``'s; None: search every line), their
    slots being their positions. A pattern given a scope (the kinds of line its rule reads; None
    or none given: the whole text) is in a database that scans only the lines of that scope,
    joined: it reports no line out of it, and reads a fraction of the text. None without
    Hyperscan, or when a database is not in the per-user cache and ``compile_database`` is
    false (compiling takes a second or two)."""
    try:
        import hyperscan
    except ImportError:
        return None
    groups: dict[frozenset[str] | None, list[tuple[int, str]]] = {None: []}
    for slot, source in enumerate(patterns):
        if source is not None:
            scope = scopes[slot] if slot < len(scopes) else None
            groups.setdefault(scope, []).append((slot, source))
    try:
        found = _databases(hyperscan, list(groups.values()), compile_database)
    except hyperscan.error:  # this CPU or platform is one Hyperscan cannot run on
        return None
    if found is None or (all(database is None for database, _ in found) and any(groups.values())):
        return None  # not compiled yet, or nothing compiled: the trie does better than no filter
    unfiltered = {slot for slot, source in enumerate(patterns) if source is None}
    unfiltered.update(slot for _, refused in found for slot in refused)
    databases = [(scope, db) for scope, (db, _) in zip(groups, found, strict=True)]
    return Prefilter(databases, frozenset(unfiltered), hyperscan.error)


def scan_reports(database: Any, encoded: bytes) -> list[tuple[int, int]]:
    r"""What ``database`` reports over ``encoded``: (end, pattern slot) pairs, sorted.

    The text is scanned with two newlines after it. Hyperscan 5.4 misses some matches that end
    where the data ends, once the text before them is long enough: ``[ \t]a[^\n]*$`` in
    ``b"5" * 11 + b"\n555 a"`` (none with ten fives, nor before a newline); and some that end
    before a newline that ends the data: ``\d$`` in ``b"\n" + b"5" * 11 + b"I\n55\n"`` (found by
    a random test; none with two newlines). A report past the text (an empty match after it) is
    no line of it."""
    found: list[tuple[int, int]] = []
    add = found.append
    size = len(encoded)

    def on_match(slot: int, _start: int, end: int, _flags: int, _context: object) -> None:
        if end <= size:
            add((end, slot))

    database.scan(encoded + b"\n\n", match_event_handler=on_match)
    found.sort()
    return found


# No HS_FLAG_PREFILTER: the translations use nothing Hyperscan lacks, and scans run about a
# third faster without it.
_FLAGS_NAMES = ("HS_FLAG_MULTILINE", "HS_FLAG_ALLOWEMPTY")


def _databases(
    hyperscan: Any, groups: list[list[tuple[int, str]]], may_compile: bool
) -> list[tuple[Any, tuple[int, ...]]] | None:
    """Per group of patterns, a block-mode database (None: no pattern) and the slots Hyperscan
    refused: from the per-user cache, one entry for them all (the same patterns, the same
    Hyperscan; loading takes a few milliseconds), else compiled and stored there if
    ``may_compile``, else None."""
    version = getattr(hyperscan, "__version__", "?")
    name = "prefilter-" + hashlib.sha256(repr((version, groups)).encode()).hexdigest()[:24]

    def load(blob: bytes) -> list[tuple[Any, tuple[int, ...]]]:
        loaded = []
        for data, refused in marshal.loads(blob):
            database = None
            if data:
                database = hyperscan.loadb(data, hyperscan.HS_MODE_BLOCK)
                database.scratch = hyperscan.Scratch(database)  # loaded without one
            loaded.append((database, refused))
        return loaded

    stored = read_blob(name)
    if stored is not None:
        try:
            return load(stored)
        except (hyperscan.error, ValueError, EOFError, TypeError):
            pass  # damaged, or built by another CPU's Hyperscan (a shared home): compile anew
    if not may_compile:
        return None
    blob = marshal.dumps([_compiled(hyperscan, chosen) for chosen in groups])
    write_blob(name, blob)
    return load(blob)


def _compiled(hyperscan: Any, chosen: list[tuple[int, str]]) -> tuple[bytes, tuple[int, ...]]:
    """The serialised database of ``chosen`` (empty: none) and the slots Hyperscan refused."""
    database = _compile(hyperscan, chosen)
    refused: tuple[int, ...] = ()
    if database is None:  # one pattern spoils the lot: find it, and run it the plain way
        refused = tuple(
            slot for slot, text in chosen if _compile(hyperscan, [(slot, text)]) is None
        )
        database = _compile(hyperscan, [item for item in chosen if item[0] not in refused])
    return hyperscan.dumpb(database) if database is not None else b"", refused


def _compile(hyperscan: Any, chosen: list[tuple[int, str]]) -> Any | None:
    if not chosen:
        return None
    flags = 0
    for name in _FLAGS_NAMES:
        flags |= getattr(hyperscan, name)
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    try:
        database.compile(
            expressions=[source.encode("ascii") for _, source in chosen],
            ids=[slot for slot, _ in chosen],
            elements=len(chosen),
            flags=[flags] * len(chosen),
        )
    except hyperscan.error:
        return None
    return database
