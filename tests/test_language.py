"""The fast language guess and word count give exactly what the plain regex algorithms give."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import astuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, SHARED, needs_shared
from seed_kickoff import judge as judge_module
from seed_kickoff.analyse import analyse
from seed_kickoff.judge import count_words, judge
from seed_kickoff.language import (
    _SAMPLE_CHARS,
    _SCRIPT_CLASSES,
    _SCRIPT_LANGUAGE,
    _STOPWORDS,
    LanguageGuess,
    guess_language,
)
from seed_kickoff.loader import load_bytes, load_seed
from seed_kickoff.model import DIMENSIONS, Document
from seed_kickoff.rules import load_rules


def reference(text: str) -> tuple[str, str, float, float]:
    """The plain algorithm: a regex for words, a count per language, a findall per script."""
    sample = text[:_SAMPLE_CHARS]
    scripts: Counter[str] = Counter()
    foreign_share = 0.0
    if re.search("[^\x00-\u024f]", sample):
        for name, chars in _SCRIPT_CLASSES:
            count = len(re.findall(f"[{chars}]", sample))
            if count:
                scripts[name] = count
        letters = len(re.findall(r"[^\W\d_]", sample))
        foreign_share = sum(scripts.values()) / letters if letters else 0.0
    foreign = sum(scripts.values())
    words = re.findall(r"[^\W\d_]+", sample.lower())
    counts = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOPWORDS.items()}
    english_share = counts["en"] / len(words) if words else 0.0
    if foreign_share > 0.3 and scripts:
        script = scripts.most_common(1)[0][0]
        if script == "han" and scripts.get("kana", 0) > foreign * 0.05:
            script = "kana"
        return script, _SCRIPT_LANGUAGE[script], english_share, foreign_share
    best = max(counts, key=lambda lang: counts[lang]) if words else "en"
    if not words or counts[best] < max(3, len(words) * 0.02):
        return "latin", "und", english_share, foreign_share
    return "latin", best, english_share, foreign_share


def assert_same(text: str) -> None:
    assert astuple(guess_language(text)) == reference(text)
    assert count_words(text) == len(re.findall(r"\w+", text))


TEXTS = {
    "en": "The service must store every order and it should answer within a second. " * 3,
    "de": "Der Dienst ist für die Nutzer und wird nicht mit dem Netz verbunden. " * 3,
    "es": "El sistema de la tienda guarda los pedidos y no se pierde más de una venta. " * 3,
    "fr": "Le service est dans le nuage et les données sont pour les clients du site. " * 3,
    "pt": "O sistema não perde os pedidos e a loja tem mais de um servidor para os dados. " * 3,
    "it": "Il servizio della rete è per gli utenti e non si ferma con il carico. " * 3,
    "nl": "De dienst is niet voor het web en wordt ook met een sleutel beveiligd. " * 3,
    "ru": "Сервис хранит заказы и отвечает быстро, даже когда сеть занята.",
    "el": "Η υπηρεσία αποθηκεύει τις παραγγελίες και απαντά γρήγορα.",
    "ja": "このサービスは注文を保存し、すぐに応答します。東京の倉庫。",
    "zh": "该服务保存每个订单，并在一秒内回答。数据库在上海。",
    "ko": "이 서비스는 모든 주문을 저장하고 1초 안에 응답합니다.",
    "ar": "تحفظ الخدمة كل طلب وتجيب خلال ثانية واحدة.",
    "he": "השירות שומר כל הזמנה ועונה תוך שנייה.",
    "hi": "यह सेवा हर आदेश को सहेजती है और एक सेकंड में उत्तर देती है।",
    "th": "บริการนี้เก็บทุกคำสั่งซื้อและตอบภายในหนึ่งวินาที",
    "han with a little kana": "数据库服务器在上海的机房中运行の" * 5,
    "English with Cyrillic and Greek names": "The team of Иван and Σοφία will ship it. " * 4,
    "Greek capitals, final sigma": "Η ΟΔΟΣ ΤΗΣ ΣΟΦΙΑΣ and the ΣΟΦΙΑ Σ of ΟΣ.",
    "English with curly quotes and dashes": "“It’s the plan” — and it will work… for the team. "
    * 4,
    "accents and capitals": "ÉCOLE Straße FÜR DIE Nutzer; NÃO É O FIM, ÈCOLE È",
    "Turkish dotted I": "İSTANBUL ılık İi ı and the İ of İt",
    "Kelvin and ligatures": "\u212a the \u01c5 of \ufb01le and \u212bngstr\u00f6m",
    "digits and underscores": "the_1 of2the 3and a_b __init__ ٣ ² ½ Ⅻ x²y",
    "combining marks": "the cafe\u0301 of re\u0301sume\u0301 and nai\u0308ve",
    "no-break and odd spaces": "the\u00a0service\u2009of\u3000a\u200bsystem and",
    "lone surrogates": "the \ud800 of \udcff and a",
    "empty": "",
    "punctuation only": "... --- !!! ??? (*) [] {} “” — …",
    "whitespace only": " \n\t \n",
    "digits only": "1 22 333 4444 ٣٤ ²",
    "one word": "the",
    "many kinds of symbols": "the ─│┌┐└┘├┤┬┴┼═║╔╗╚╝╠╣ and ★☆♠♣♥♦ of €£¥©®™ ±×÷≤≥≠∞ a " * 3,
    "mixed everything": "Le 東京 the Москва für ☃ 🚀 el 123 a_b İ ß",
}


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_fixed_texts(name: str) -> None:
    assert_same(TEXTS[name])


def test_languages_are_told_apart() -> None:
    for name in ("en", "de", "es", "fr", "pt", "it", "nl", "ru", "el", "ja", "zh", "ko", "ar"):
        assert guess_language(TEXTS[name]).language == name


def test_sample_limit_cuts_a_word_or_a_character() -> None:
    # The sample ends inside a word, inside a run of foreign letters, and after a surrogate pair.
    for tail in ("the end", "Москва и", "东京的", "x\U0001f680 the"):
        text = "the plan and " * (_SAMPLE_CHARS // 13) + tail * 50
        for cut in range(-3, 4):
            assert_same(text[: _SAMPLE_CHARS + cut] + tail)


PIECES = st.sampled_from(
    [
        *"aAzZ019_ \n\t.,;:-'’“”—…\u00a0éÉßİıK\u212aǅ\u0301²٣Ⅻ",
        *"東京のサービス한국어Москваαβγעבר",
        *"🚀☃\ufb01",
        "the ",
        "The ",
        "THE ",
        " of ",
        "für ",
        "FÜR ",
        "não ",
        "NÃO ",
        " è ",
        " È ",
        "de la ",
        "het ",
        "werden ",
        "ΟΔΟΣ ",
        "Σ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=60).map("".join))
def test_random_texts(text: str) -> None:
    assert_same(text)


def test_example_seeds() -> None:
    for path in sorted(EXAMPLES.iterdir()):
        if path.is_file():
            assert_same(load_seed(EXAMPLES, path.name, 5_000_000).text)


def assert_same_judgement(docs: list[Document], monkeypatch: pytest.MonkeyPatch) -> None:
    """judge() gives the Judgement it gives with the plain word count and language guess, and
    each dimension cites the first 20 distinct lines of its signals."""
    ruleset = load_rules()
    analyses = [analyse(doc, ruleset) for doc in docs]
    fast = [judge(doc, analysis, ruleset) for doc, analysis in zip(docs, analyses, strict=True)]
    with monkeypatch.context() as patch:
        patch.setattr(judge_module, "guess_language", lambda t: LanguageGuess(*reference(t)))
        patch.setattr(judge_module, "count_words", lambda t: len(re.findall(r"\w+", t)))
        plain = [
            judge(doc, analysis, ruleset) for doc, analysis in zip(docs, analyses, strict=True)
        ]
    for doc, got, want in zip(docs, fast, plain, strict=True):
        assert got == want, doc.path
        for dim in DIMENSIONS:
            lines = sorted({s.line for s in got.signals if s.dimension == dim})[:20]
            assert got.coverage[dim].lines == lines, (doc.path, dim)


def test_judgements_of_examples_and_other_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = [
        load_seed(EXAMPLES, path.name, 5_000_000)
        for path in sorted(EXAMPLES.iterdir())
        if path.is_file()
    ]
    docs += [
        load_bytes(f"{name}.txt", text.encode("utf-8", "surrogatepass"), "text")
        for name, text in TEXTS.items()
    ]
    assert_same_judgement(docs, monkeypatch)


@needs_shared
def test_shared_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    root = SHARED / "corpus" / "docs"
    if not root.is_dir():
        pytest.skip("no corpus in ../shared")
    docs = [load_seed(root, path.name, 5_000_000) for path in sorted(root.iterdir())]
    for doc in docs:
        assert_same(doc.text)
        assert_same(doc.text[_SAMPLE_CHARS // 2 :])  # another sample of the same document
    assert_same_judgement(docs, monkeypatch)
