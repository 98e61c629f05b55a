"""Which script and language a text is in, from its letters and its commonest words; no model."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from itertools import repeat

from seed_kickoff.patterncache import compile_pattern
from seed_kickoff.records import dataclass

# A sample is enough to tell a language: 8,000 characters hold over a thousand words, of which a
# few hundred are function words. Each character more costs time for nothing (the language is
# guessed for every seed; on the corpus 6,000 and 20,000 give the same guesses).
_SAMPLE_CHARS = 8_000

# The commonest function words of each language: no content words, so no topic bias.
_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "of",
            "and",
            "to",
            "a",
            "in",
            "is",
            "that",
            "for",
            "it",
            "as",
            "with",
            "be",
            "on",
            "are",
            "this",
            "by",
            "or",
            "not",
            "from",
            "at",
            "an",
            "which",
            "will",
            "can",
            "if",
            "have",
            "has",
            "should",
            "must",
        ]
    ),
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "und",
            "ist",
            "nicht",
            "ein",
            "eine",
            "zu",
            "den",
            "von",
            "mit",
            "sich",
            "des",
            "auf",
            "für",
            "im",
            "dem",
            "werden",
            "wird",
            "oder",
            "auch",
            "nach",
            "bei",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "la",
            "de",
            "que",
            "y",
            "en",
            "los",
            "las",
            "del",
            "se",
            "por",
            "un",
            "una",
            "para",
            "con",
            "no",
            "es",
            "al",
            "lo",
            "como",
            "más",
            "su",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "de",
            "des",
            "et",
            "est",
            "un",
            "une",
            "du",
            "en",
            "que",
            "qui",
            "dans",
            "pour",
            "pas",
            "sur",
            "au",
            "avec",
            "ce",
            "sont",
            "par",
        ]
    ),
    "pt": frozenset(
        [
            "o",
            "a",
            "os",
            "as",
            "de",
            "do",
            "da",
            "dos",
            "das",
            "e",
            "em",
            "um",
            "uma",
            "para",
            "com",
            "não",
            "que",
            "se",
            "por",
            "mais",
            "ao",
        ]
    ),
    "it": frozenset(
        [
            "il",
            "lo",
            "la",
            "gli",
            "le",
            "di",
            "del",
            "della",
            "e",
            "che",
            "in",
            "un",
            "una",
            "per",
            "con",
            "non",
            "è",
            "sono",
            "da",
            "al",
            "si",
        ]
    ),
    "nl": frozenset(
        [
            "de",
            "het",
            "een",
            "en",
            "van",
            "is",
            "dat",
            "in",
            "op",
            "te",
            "niet",
            "zijn",
            "voor",
            "met",
            "die",
            "wordt",
            "ook",
        ]
    ),
}

# Letters of each script, counted with one regular expression each (a Python loop per char is
# slow). Compiled on the first text with non-ASCII characters: most runs never need them.
_SCRIPT_CLASSES: tuple[tuple[str, str], ...] = (
    ("hangul", "\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"),
    ("kana", "\u3040-\u30ff"),
    ("han", "\u4e00-\u9fff\u3400-\u4dbf"),
    ("cyrillic", "\u0400-\u04ff"),
    ("arabic", "\u0600-\u06ff"),
    ("hebrew", "\u0590-\u05ff"),
    ("greek", "\u0370-\u03ff"),
    ("devanagari", "\u0900-\u097f"),
    ("thai", "\u0e00-\u0e7f"),
)


@cache
def _scripts() -> tuple[re.Pattern[str], tuple[tuple[str, re.Pattern[str]], ...]]:
    """A letter of any of those scripts (most texts have none: then nothing needs counting),
    and each script's letters."""
    every = compile_pattern("[" + "".join(chars for _, chars in _SCRIPT_CLASSES) + "]")
    return every, tuple((name, compile_pattern(f"[{chars}]")) for name, chars in _SCRIPT_CLASSES)


_LETTER = compile_pattern(r"[^\W\d_]")
_NOT_LETTER = compile_pattern(r"[\W\d_]")  # the complement of _LETTER, character for character
_SCRIPT_LANGUAGE = {
    "hangul": "ko",
    "kana": "ja",
    "han": "zh",
    "cyrillic": "ru",
    "arabic": "ar",
    "hebrew": "he",
    "greek": "el",
    "devanagari": "hi",
    "thai": "th",
}

_ASCII = bytes(range(128))
_MAX_REPLACES = 16
# Every byte but the ASCII letters: deleting them leaves one byte per ASCII letter.
_NOT_ASCII_LETTERS = bytes(b for b in range(256) if not (b < 128 and _LETTER.fullmatch(chr(b))))


def byte_table(member: re.Pattern[str], *, lower: bool = False, mark: int | None = None) -> bytes:
    """A ``bytes.translate`` table: ASCII characters ``member`` matches stay (lower-cased when
    ``lower``), the other ASCII characters become spaces, bytes of non-ASCII characters stay.
    With ``mark``, every byte that does not become a space becomes ``mark`` (for counting runs).
    """
    table = bytearray(range(256)) if mark is None else bytearray([mark]) * 256
    for b in range(128):
        char = chr(b)
        if not member.fullmatch(char):
            table[b] = 0x20
        elif lower and mark is None:
            table[b] = ord(char.lower())
    return bytes(table)


def non_ascii(data: bytes) -> str:
    """The non-ASCII characters of UTF-8 ``data``, in order (written with "surrogatepass")."""
    return data.translate(None, _ASCII).decode("utf-8", "surrogatepass")


def utf8_blanked(text: str, non_member: re.Pattern[str], *, lower: bool = False) -> bytes:
    """``text`` in UTF-8, its non-ASCII characters that ``non_member`` matches turned into spaces.

    Every byte of a non-ASCII character is >= 0x80 and no ASCII byte is part of one, so after
    ``bytes.translate`` with a :func:`byte_table` the runs of non-space bytes are exactly the runs
    a regular expression of single characters would find in ``text``: at C speed, with no match
    objects. ``non_member`` must match one character, the complement of the table's class.
    With ``lower``, the text is ``str.lower()``-ed first where that changes a non-ASCII character;
    ASCII capitals are left to the table.
    """
    data = text.encode("utf-8", "surrogatepass")
    if text.isascii():
        return data
    others = non_ascii(data)
    if lower and others.lower() != others:
        # A non-ASCII capital (or a Σ, lower-cased by its context): lower-case it all, the slow way.
        return utf8_blanked(text.lower(), non_member)
    blanks = set(non_member.findall(others))
    if not blanks:
        return data
    if len(blanks) > _MAX_REPLACES:  # many kinds of symbols: one regex pass beats a pass each
        return non_member.sub(" ", text).encode("utf-8", "surrogatepass")
    for char in blanks:
        text = text.replace(char, " ")
    return text.encode("utf-8", "surrogatepass")


_NON_WORD = compile_pattern(r"\W")
# Word characters (and every byte of a non-ASCII one) as "a", the rest as spaces: a word of
# r"\w+" is then a space followed by an "a" (or an "a" at the start).
_WORD_MARKS = byte_table(compile_pattern(r"\w"), mark=ord("a"))


def count_words(text: str) -> int:
    r"""How many runs of r"\w+" ``text`` holds, counted in C without a string per word."""
    return word_runs(utf8_blanked(text, _NON_WORD))


def word_runs(data: bytes) -> int:
    r"""How many runs of word bytes ``data`` holds: ``count_words`` of a text from its UTF-8 with
    the non-word characters blanked, or from the prefilter's ASCII stand-in of it
    (``prefilter.encode``), whose placeholders are word characters exactly where the text's are."""
    marks = data.translate(_WORD_MARKS)
    return marks.count(b" a") + marks.startswith(b"a")


# ASCII letters lower-cased, other ASCII characters spaces: split() then yields the words.
_LETTERS = byte_table(_LETTER, lower=True)
_STOPWORD_BYTES = {
    lang: tuple(word.encode("utf-8") for word in stop) for lang, stop in _STOPWORDS.items()
}
_ANY_STOPWORD = frozenset(word for stop in _STOPWORD_BYTES.values() for word in stop)


@dataclass(eq=False)
class LanguageGuess:
    """The script and language of a text, and how English it reads."""

    script: str  # latin, han, hangul, ...
    language: str  # ISO 639-1 code, or "und" when it cannot tell
    english_share: float  # share of the sample's words that are English function words
    foreign_letters: float  # share of letters outside the Latin script


def guess_language(text: str) -> LanguageGuess:
    sample = text[:_SAMPLE_CHARS]
    scripts: Counter[str] = Counter()
    foreign_share = 0.0
    # Letters are counted only when some belong to another script (never in an ASCII text).
    # Those letters are all non-ASCII: look for them among the few non-ASCII characters.
    if not sample.isascii():
        data = sample.encode("utf-8", "surrogatepass")
        others = non_ascii(data)
        any_script, per_script = _scripts()
        if any_script.search(others):
            for name, pattern in per_script:
                count = len(pattern.findall(others))
                if count:
                    scripts[name] = count
            letters = len(data.translate(None, _NOT_ASCII_LETTERS)) + len(_LETTER.findall(others))
            foreign_share = sum(scripts.values()) / letters if letters else 0.0
    foreign = sum(scripts.values())
    words, counts = _stopword_counts(sample)
    english_share = counts["en"] / words if words else 0.0
    if foreign_share > 0.3 and scripts:
        script = scripts.most_common(1)[0][0]
        if script == "han" and scripts.get("kana", 0) > foreign * 0.05:
            script = "kana"
        return LanguageGuess(script, _SCRIPT_LANGUAGE[script], english_share, foreign_share)
    best = max(counts, key=lambda lang: counts[lang]) if words else "en"
    if not words or counts[best] < max(3, words * 0.02):
        return LanguageGuess("latin", "und", english_share, foreign_share)
    return LanguageGuess("latin", best, english_share, foreign_share)


def _stopword_counts(sample: str) -> tuple[int, dict[str, int]]:
    """How many words (runs of letters in the lower-cased sample) and how many are each
    language's stopwords: one Counter of the stopwords, then a few dozen look-ups."""
    words = utf8_blanked(sample, _NOT_LETTER, lower=True).translate(_LETTERS).split()
    frequency = Counter(filter(_ANY_STOPWORD.__contains__, words))  # most words are no stopword
    counts = {
        lang: sum(map(frequency.get, stop, repeat(0))) for lang, stop in _STOPWORD_BYTES.items()
    }
    return len(words), counts
