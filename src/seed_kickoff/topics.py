"""Key topics of a document, found in its own words: frequent noun phrases and named entities.

No topic list: the phrases come from the text. Runs of words between stopwords are candidate
phrases; a phrase that recurs (alone or as part of longer runs) is a topic. One pass over at most
``MAX_CHARS`` characters, so it stays linear and cheap on every seed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

# Enough text to find what a document is about; the rest only repeats it.
MAX_CHARS = 40_000
DEFAULT_LIMIT = 6

# Function words, reporting verbs and fillers: they split phrases and are never topics.
_STOPWORDS_TEXT = """
    a about above across after again against all also am among an and another any are around as
    at be became because been before being below between both but by can could did do does doing
    done down during each either else even ever every few for from further had has have having he
    her here hers him his how however i if in into is it its itself just least less like made make
    many may me might more most much must my near neither never no nor not now of off on once one
    only or other others our ours out over own per put rather same several shall she should since
    so some such than that the their theirs them then there these they this those though through
    thus to too two three under until up upon us use used using very via was we well were what
    when where whether which while who whom whose why will with within without would yet you your
    said says say added told noted stressed according called including include includes
    new first second third last next year years day days time times way ways part lot also
    mr mrs ms dr its it's he's she's we're they're i'm don't doesn't can't won't isn't
    get got go goes going went come came take took give gave see seen know known want need
    held hold attend attends attended took take taking put puts make makes making
    important great good better best major various relevant due respective common
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")


def extract_topics(lines: Sequence[str], limit: int = DEFAULT_LIMIT) -> list[str]:
    """The ``limit`` most telling phrases of ``lines``, most frequent first.

    Common-noun phrases (written in lowercase) come first: they name what a text is about
    ("video link", "parliamentary meeting"); recurring names ("Standing Committee") fill the rest.
    """
    phrases: Counter[str] = Counter()  # stem key -> count
    names: Counter[str] = Counter()
    surface: dict[str, Counter[str]] = {}  # stem key -> the forms it was written in
    budget = MAX_CHARS
    for line in lines:
        if budget <= 0:
            break
        budget -= len(line) + 1
        for run, is_name in _runs(line):
            target = names if is_name else phrases
            sizes = (1, 2, 3) if not is_name else (len(run),)
            for size in sizes:
                for start in range(len(run) - size + 1):
                    words = run[start : start + size]
                    key = " ".join(_stem(w) for w in words)
                    target[key] += 1
                    surface.setdefault(key, Counter())[" ".join(words)] += 1
    # A phrase is a topic when it recurs. Phrases of several words say more than single words, so
    # they come first; among them, longer ones weigh more.
    scored = sorted(
        (
            (-count * (1 + 0.5 * key.count(" ")) - (100 if " " in key else 0), key)
            for key, count in phrases.items()
            if count >= (2 if " " in key else 3)
        ),
    )
    chosen: list[str] = []
    for _, key in scored:
        if any(_overlaps(key, kept) for kept in chosen):
            continue  # "video link" already says what "video" or "link" would
        chosen.append(key)
        if len(chosen) == limit:
            break
    named = sorted((-count, key) for key, count in names.items() if count >= 3)
    chosen.extend(key for _, key in named[: max(0, limit - len(chosen))])
    return [surface[key].most_common(1)[0][0] for key in chosen]


def _overlaps(a: str, b: str) -> bool:
    wa, wb = set(a.split()), set(b.split())
    return wa <= wb or wb <= wa


def _stem(word: str) -> str:
    """Plural and singular count as one: "meetings" and "meeting"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _runs(line: str) -> list[tuple[list[str], bool]]:
    """Runs of content words in ``line``: (words, is a name). Stopwords and punctuation split.

    Lowercase words form phrases; capitalised words not at a sentence start form names.
    """
    runs: list[tuple[list[str], bool]] = []
    current: list[str] = []
    current_name = False
    last_end = 0
    sentence_start = True
    for match in _WORD.finditer(line):
        gap = line[last_end : match.start()]
        last_end = match.end()
        raw = match.group(0).replace("’", "'")
        word = raw.lower()
        breaks = any(ch in _BREAKS for ch in gap) or any(ch.isdigit() for ch in gap)
        if any(ch in ".!?:;" for ch in gap):
            sentence_start = True
        is_name = raw[0].isupper()
        possessive = word.endswith("'s")
        if possessive:
            word = word[:-2]
        skip = word in STOPWORDS or len(word) < 3 or (is_name and sentence_start)
        if current and (breaks or skip or is_name != current_name):
            runs.append((current, current_name))
            current = []
        sentence_start = False
        if skip:
            continue
        current_name = is_name
        current.append(raw.removesuffix("'s") if is_name else word)
        if possessive:
            runs.append((current, current_name))
            current = []
    if current:
        runs.append((current, current_name))
    return runs


_BREAKS = frozenset(',.;:!?()"“”[]{}|/')
