"""Key topics of a document, found in its own words: frequent noun phrases and named entities.

No topic list: the phrases come from the text. Runs of words between stopwords are candidate
phrases; a phrase that recurs (alone or as part of longer runs) is a topic. One pass over at most
``MAX_CHARS`` characters, so it stays linear and cheap on every seed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

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

# One pass of one regex: a word, a sentence end, or anything else that splits a phrase.
_TOKEN = re.compile(r"([A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z])|([.!?:;]+)|([^A-Za-z\s.!?:;]+|\n)")


def extract_topics(lines: Sequence[str], limit: int = DEFAULT_LIMIT) -> list[str]:
    """The ``limit`` most telling phrases of ``lines``, most frequent first.

    Common-noun phrases (written in lowercase) come first: they name what a text is about
    ("video link", "parliamentary meeting"); recurring names ("Standing Committee") fill the rest.
    """
    text = "\n".join(lines)[:MAX_CHARS]
    phrases: Counter[tuple[str, ...]] = Counter()
    names: Counter[tuple[str, ...]] = Counter()
    surface: dict[tuple[str, ...], str] = {}  # key -> the form it was first written in
    for run, is_name in _runs(text):
        stems = tuple(_stem(word) for word in run)
        if is_name:
            names[stems] += 1
            surface.setdefault(stems, " ".join(run))
            continue
        for size in (1, 2, 3):
            for start in range(len(run) - size + 1):
                key = stems[start : start + size]
                phrases[key] += 1
                if key not in surface:
                    surface[key] = " ".join(run[start : start + size])
    # A phrase is a topic when it recurs. Phrases of several words say more than single words, so
    # they come first; among them, longer ones weigh more.
    scored = sorted(
        (-count * (1 + 0.5 * (len(key) - 1)) - (100 if len(key) > 1 else 0), key)
        for key, count in phrases.items()
        if count >= (2 if len(key) > 1 else 3)
    )
    chosen: list[tuple[str, ...]] = []
    for _, key in scored:
        if any(_overlaps(key, kept) for kept in chosen):
            continue  # "video link" already says what "video" or "link" would
        chosen.append(key)
        if len(chosen) == limit:
            break
    named = sorted((-count, key) for key, count in names.items() if count >= 3)
    chosen.extend(key for _, key in named[: max(0, limit - len(chosen))])
    return [surface[key] for key in chosen]


def _overlaps(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    wa, wb = set(a), set(b)
    return wa <= wb or wb <= wa


@lru_cache(maxsize=8192)
def _stem(word: str) -> str:
    """Plural and singular count as one: "meetings" and "meeting"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _runs(text: str) -> list[tuple[list[str], bool]]:
    """Runs of content words: (words, is a name). Stopwords, punctuation and line ends split.

    Lowercase words form phrases; capitalised words not at a sentence start form names.
    """
    runs: list[tuple[list[str], bool]] = []
    current: list[str] = []
    current_name = False
    sentence_start = True
    for match in _TOKEN.finditer(text):
        raw = match.group(1)
        if raw is None:  # punctuation, digits or a line end: the phrase ends here
            if current:
                runs.append((current, current_name))
                current = []
            sentence_start = sentence_start or match.group(2) is not None or match.group(0) == "\n"
            continue
        word = raw.lower()
        if word.endswith(("'s", "’s")):
            raw, word = raw[:-2], word[:-2]
            possessive = True
        else:
            possessive = False
        is_name = raw[:1].isupper()
        skip = len(word) < 3 or word in STOPWORDS or (is_name and sentence_start)
        sentence_start = False
        if current and (skip or is_name != current_name):
            runs.append((current, current_name))
            current = []
        if skip:
            continue
        current_name = is_name
        current.append(raw if is_name else word)
        if possessive:  # "People's Congress": the possessive closes the phrase
            runs.append((current, current_name))
            current = []
    if current:
        runs.append((current, current_name))
    return runs
