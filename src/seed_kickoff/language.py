"""Which script and language a text is in, from its letters and its commonest words; no model."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_WORD = re.compile(r"[^\W\d_]+")
# A sample is enough to tell a language; reading all of a long file would cost time for nothing.
_SAMPLE_CHARS = 20_000

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

# Letters of each script, counted with one regular expression each (a Python loop per char is slow).
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("hangul", re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")),
    ("kana", re.compile("[\u3040-\u30ff]")),
    ("han", re.compile("[\u4e00-\u9fff\u3400-\u4dbf]")),
    ("cyrillic", re.compile("[\u0400-\u04ff]")),
    ("arabic", re.compile("[\u0600-\u06ff]")),
    ("hebrew", re.compile("[\u0590-\u05ff]")),
    ("greek", re.compile("[\u0370-\u03ff]")),
    ("devanagari", re.compile("[\u0900-\u097f]")),
    ("thai", re.compile("[\u0e00-\u0e7f]")),
)
_LETTER = re.compile(r"[^\W\d_]")
_NON_LATIN = re.compile("[^\x00-\u024f]")
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


@dataclass(frozen=True)
class LanguageGuess:
    script: str  # latin, han, hangul, ...
    language: str  # ISO 639-1 code, or "und" when it cannot tell
    english_share: float  # share of the sample's words that are English function words
    foreign_letters: float  # share of letters outside the Latin script


def guess_language(text: str) -> LanguageGuess:
    sample = text[:_SAMPLE_CHARS]
    scripts: Counter[str] = Counter()
    foreign_share = 0.0
    if _NON_LATIN.search(sample):  # letters are counted only when some are not Latin
        for name, pattern in _SCRIPTS:
            count = len(pattern.findall(sample))
            if count:
                scripts[name] = count
        letters = len(_LETTER.findall(sample))
        foreign_share = sum(scripts.values()) / letters if letters else 0.0
    foreign = sum(scripts.values())
    words = _WORD.findall(sample.lower())
    # Count each stopword in a Counter of the words: a few dozen look-ups, not a pass per language.
    frequency = Counter(words)
    counts = {lang: sum(frequency[w] for w in stop) for lang, stop in _STOPWORDS.items()}
    english_share = counts["en"] / len(words) if words else 0.0
    if foreign_share > 0.3 and scripts:
        script = scripts.most_common(1)[0][0]
        if script == "han" and scripts.get("kana", 0) > foreign * 0.05:
            script = "kana"
        return LanguageGuess(script, _SCRIPT_LANGUAGE[script], english_share, foreign_share)
    best = max(counts, key=lambda lang: counts[lang]) if words else "en"
    if not words or counts[best] < max(3, len(words) * 0.02):
        return LanguageGuess("latin", "und", english_share, foreign_share)
    return LanguageGuess("latin", best, english_share, foreign_share)
