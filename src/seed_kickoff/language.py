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

_SCRIPTS: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = (
    ("hangul", ((0xAC00, 0xD7AF), (0x1100, 0x11FF), (0x3130, 0x318F))),
    ("kana", ((0x3040, 0x30FF),)),
    ("han", ((0x4E00, 0x9FFF), (0x3400, 0x4DBF))),
    ("cyrillic", ((0x0400, 0x04FF),)),
    ("arabic", ((0x0600, 0x06FF),)),
    ("hebrew", ((0x0590, 0x05FF),)),
    ("greek", ((0x0370, 0x03FF),)),
    ("devanagari", ((0x0900, 0x097F),)),
    ("thai", ((0x0E00, 0x0E7F),)),
)
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
    letters = 0
    scripts: Counter[str] = Counter()
    for char in sample:
        if not char.isalpha():
            continue
        letters += 1
        code = ord(char)
        if code < 0x0250:
            continue
        for name, ranges in _SCRIPTS:
            if any(lo <= code <= hi for lo, hi in ranges):
                scripts[name] += 1
                break
    foreign = sum(scripts.values())
    foreign_share = foreign / letters if letters else 0.0
    words = [w.lower() for w in _WORD.findall(sample)]
    counts = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOPWORDS.items()}
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
