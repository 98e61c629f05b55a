"""Questions: topics, the question items, smells, and the checklist merge (with hypothesis)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, MakeSeeds
from seed_kickoff.check import CheckOptions, check_seeds, judge_document
from seed_kickoff.checklist import render_checklist, write_checklist
from seed_kickoff.errors import OutputError, RulePackError
from seed_kickoff.loader import load_seed
from seed_kickoff.model import DIMENSIONS
from seed_kickoff.questions import TOP, Question, QuestionSection, build_questions
from seed_kickoff.rules import RuleSet, load_rules
from seed_kickoff.topics import extract_topics

NEWS = """Harbour towns share tide readings by video link

By Ada Marsh and Tom Reed, Coastal Times
Updated: 2024-03-02

KESTREL BAY -- Mayors of four harbour towns met by video link on Tuesday to compare tide
readings, the coastal council said.

"The tide gauges disagree by a hand's width every spring tide," said Mayor Lena Holt.

The harbour masters want a shared tide gauge network. Each harbour master reads the tide gauge
by hand twice a day, the council said, and the video link meetings began last winter.

Officials said the tide gauges would be replaced next year. The next video link meeting is on
Friday, when the harbour masters will compare the spring tide readings again.

Copyright 2024 Coastal Times. All rights reserved.
"""

PROXY = "The proxy must be fast and user-friendly."


# -- topics -----------------------------------------------------------------------------------


def test_topics_are_recurring_phrases_of_the_text() -> None:
    topics = extract_topics(NEWS.splitlines())
    assert "video link" in topics
    assert any(topic.startswith("tide gauge") for topic in topics)  # plural and singular merged
    assert all(topic not in {"the", "said", "and"} for topic in topics)


def test_topics_of_a_text_without_repeats_are_empty() -> None:
    assert extract_topics(["One line about nothing in particular."]) == []


def test_topics_are_kept_for_non_spec_seeds_only(make_seeds: MakeSeeds) -> None:
    seeds = make_seeds({"news.txt": NEWS})
    ruleset = load_rules()
    news = judge_document(load_seed(seeds, "news.txt"), ruleset, topics=True)
    assert news.judgement.verdict == "non-spec"
    assert "video link" in news.judgement.topics
    spec = judge_document(load_seed(EXAMPLES, "tide-logger-spec.md"), ruleset, topics=True)
    assert spec.judgement.verdict == "spec"
    assert spec.judgement.topics == []
    # Only the questions need topics: a plain check does not pay for them.
    assert judge_document(load_seed(seeds, "news.txt"), ruleset).judgement.topics == []


# -- question items ---------------------------------------------------------------------------


def test_examples_get_one_section_per_seed_and_no_blocking_section() -> None:
    result = check_seeds(EXAMPLES)
    sections = build_questions(result)
    assert [s.key for s in sections] == [seed.path for seed in result.seeds]
    for section in sections:
        for question in section.questions:
            assert re.fullmatch(r"q:[^:\s]+:[a-z0-9._-]+(:[a-z0-9.-]+)?", question.id)
            assert question.id.split(":")[1] == section.key
    ids = [q.id for s in sections for q in s.questions]
    assert len(ids) == len(set(ids))


def test_no_spec_seed_puts_blocking_questions_first(make_seeds: MakeSeeds) -> None:
    seeds = make_seeds({"news.txt": NEWS})
    sections = build_questions(check_seeds(seeds, CheckOptions(topics=True)))
    assert sections[0].key == "blocking"
    asked = {q.dimension for q in sections[0].questions}
    for dim in ("goal", "users", "data", "interfaces", "platform", "performance", "acceptance"):
        assert dim in asked
    news = sections[1]
    assert news.title.startswith("news.txt: non-spec, news article")
    assert any("video link" in q.text for q in news.questions)  # names the seed's topics
    assert all(q.kind == "genre" for q in news.questions)


def test_a_seed_named_blocking_keeps_its_own_section(make_seeds: MakeSeeds) -> None:
    sections = build_questions(check_seeds(make_seeds({"blocking": NEWS})))
    assert [s.anchor for s in sections] == ["*", "blocking"]
    text = render_checklist(sections)
    assert "<!-- q-section:* -->" in text and "<!-- q-section:blocking -->" in text
    assert render_checklist(sections, text) == text


def test_every_genre_template_is_known_and_formats() -> None:
    from seed_kickoff.judge import load_model
    from seed_kickoff.questions import load_templates

    templates = load_templates()
    genres = load_model().genres
    for genre, items in templates.genres.items():
        assert genre == "default" or genres[genre].family == "non-spec"
        for item in items:
            for text in (item["text"], item.get("fallback", "")):
                text.format(seed="s", genre="g", topics="t")


def test_thin_dimension_question_says_what_was_found() -> None:
    result = check_seeds(EXAMPLES)
    spec = next(s for s in build_questions(result) if s.key == "tide-logger-spec.md")
    seed = next(s for s in result.seeds if s.path == "tide-logger-spec.md")
    thin = [d for d in DIMENSIONS if seed.judgement.coverage[d].state == "thin"]
    assert thin
    for dim in thin:
        question = next(q for q in spec.questions if q.id.endswith(f":dim.{dim}"))
        assert question.text.startswith(f"{dim}: only ")
        assert re.search(r"\(lines? \d+", question.text)


def test_proxy_sentence_asks_about_fast_citing_its_line(make_seeds: MakeSeeds) -> None:
    spec = (EXAMPLES / "tide-logger-spec.md").read_text(encoding="utf-8").rstrip("\n")
    line = spec.count("\n") + 2
    seeds = make_seeds({"spec.md": spec + "\n" + PROXY + "\n"})
    result = check_seeds(seeds)
    assert result.seeds[0].verdict == "spec"
    questions = build_questions(result, show_all=True)[0].questions
    fast = next(q for q in questions if q.id == "q:spec.md:smell.speed:fast")
    assert fast.line == line
    assert fast.text.startswith(f"line {line} says 'fast':")
    assert "latency or throughput" in fast.text
    assert any(q.id == "q:spec.md:smell.usability:user-friendly" for q in questions)


def test_smells_do_not_change_verdicts(make_seeds: MakeSeeds) -> None:
    spec = (EXAMPLES / "tide-logger-spec.md").read_text(encoding="utf-8")
    seeds = make_seeds({"spec.md": spec + PROXY + " Fields TBD, etc.\n", "news.txt": NEWS})
    full = load_rules()
    without = RuleSet(rules=[rule for rule in full.rules if not rule.smell])
    for name in ("spec.md", "news.txt"):
        a = judge_document(load_seed(seeds, name), full).judgement
        b = judge_document(load_seed(seeds, name), without).judgement
        assert (a.verdict, a.confidence, a.scores, a.genre) == (
            b.verdict,
            b.confidence,
            b.scores,
            b.genre,
        )
        assert {d: c.state for d, c in a.coverage.items()} == {
            d: c.state for d, c in b.coverage.items()
        }


def test_smells_are_not_asked_for_non_spec_seeds(make_seeds: MakeSeeds) -> None:
    seeds = make_seeds({"news.txt": NEWS + "\nThe gauge must be fast, etc. TBD.\n"})
    questions = build_questions(check_seeds(seeds), show_all=True)[1].questions
    assert not [q for q in questions if q.kind == "smell"]


def test_top_ten_then_how_many_more(make_seeds: MakeSeeds) -> None:
    spec = (EXAMPLES / "tide-logger-spec.md").read_text(encoding="utf-8")
    vague = "\n".join(
        f"- The logger must be fast {i} (see above). Value {i} TBD." for i in range(8)
    )
    seeds = make_seeds({"spec.md": spec + "\n" + vague + "\n"})
    result = check_seeds(seeds)
    top = build_questions(result)[0]
    every = build_questions(result, show_all=True)[0]
    assert len(top.questions) > TOP
    assert top.shown == TOP and top.hidden == len(top.questions) - TOP
    assert every.shown == len(every.questions)
    text = render_checklist([top])
    assert text.count("- [ ] ") == TOP
    assert f"_{top.hidden} more questions: `kickoff questions --all` adds them._" in text
    assert render_checklist([every]).count("- [ ] ") == len(every.questions)


def test_unreadable_seed_gets_one_question(make_seeds: MakeSeeds) -> None:
    seeds = make_seeds({"blob.txt": b"\x00\x01\x02" * 200})
    section = build_questions(check_seeds(seeds))[1]
    assert [q.id for q in section.questions] == ["q:blob.txt:problem"]
    assert "could not be judged" in section.questions[0].text


# -- smell rules ------------------------------------------------------------------------------

SMELLS = [
    ("The service must be fast.", "smell.speed", "fast"),
    ("The form should be easy to fill in.", "smell.usability", "easy"),
    ("The parser must be robust.", "smell.subjective", "robust"),
    ("The server should return an appropriate error.", "smell.vague-adverb", "appropriate"),
    ("Retries are sent if possible.", None, None),  # a loophole in narrative prose
    ("The client must retry if possible.", "smell.loophole", "if possible"),
    ("- Keep the cache warm where appropriate", "smell.loophole", "where appropriate"),
    ("The export must include names, dates, etc.", "smell.open-ended", "etc."),
    ("Readers such as Alice, Bob, etc. liked it.", None, None),
    ("The index must be the fastest available.", "smell.superlative", "fastest"),
    ("The new format should be more efficient.", "smell.comparative", "more efficient"),
    ("The new format should be more efficient than CSV.", None, None),
    ("The app must not be too slow on old phones.", "smell.negative", "slow"),
    ("- It must log every request.", "smell.vague-pronoun", "It"),
    ("- It should be possible to log every request.", None, None),
    ("Requests are queued (see above).", "smell.incomplete-reference", "see above"),
    ("The queue described above holds requests.", None, None),
    ("The store must handle many users.", "smell.vague-quantity", "many"),
    ("Maximum size: TBD", "smell.placeholder", "TBD"),
    ("The `fast` flag skips checks.", None, None),
    ("The service must answer within 20 ms, fast.", None, None),
]


@pytest.mark.parametrize(("sentence", "rule", "word"), SMELLS)
def test_smell_rules(
    make_seeds: MakeSeeds, sentence: str, rule: str | None, word: str | None
) -> None:
    seeds = make_seeds({"s.md": "# Notes\n\n" + sentence + "\n"})
    ruleset = load_rules()
    smells = {rule.id for rule in ruleset.rules if rule.smell}
    signals = judge_document(load_seed(seeds, "s.md"), ruleset).judgement.signals
    found = [(s.rule, s.text) for s in signals if s.rule in smells]
    if rule is None:
        assert found == []
    else:
        assert (rule, word) in found
        assert all(s.line == 3 for s in signals if s.rule in smells)


# -- checklist merge --------------------------------------------------------------------------


def section(key: str, *items: tuple[str, str], shown: int | None = None) -> QuestionSection:
    questions = [Question(qid, text, key, "gap") for qid, text in items]
    return QuestionSection(
        key, f"{key}: spec", questions, len(questions) if shown is None else shown
    )


A = section("a.md", ("q:a.md:dim.users", "Who uses it?"), ("q:a.md:dim.data", "What data?"))
B = section("b.md", ("q:b.md:genre.topics", "Which topics?"))


def tick(text: str, qid: str) -> str:
    return re.sub(rf"- \[ \] (.*<!-- {re.escape(qid)} -->)", r"- [x] \1", text)


def test_rerun_is_byte_identical() -> None:
    first = render_checklist([A, B])
    assert render_checklist([A, B], first) == first


def test_tick_answer_and_paragraph_survive_and_gone_cause_is_resolved() -> None:
    edited = tick(render_checklist([A, B]), "q:a.md:dim.users")
    edited = edited.replace(
        "<!-- q:a.md:dim.users -->\n", "<!-- q:a.md:dim.users -->\n  Answer: the harbour masters.\n"
    )
    edited += "\nA paragraph we wrote after the meeting.\n"
    changed = section(
        "a.md", ("q:a.md:dim.users", "Who uses it, really?"), ("q:a.md:dim.goal", "Goal?")
    )
    merged = render_checklist([changed, B], edited)
    assert (
        "- [x] Who uses it, really? <!-- q:a.md:dim.users -->\n  Answer: the harbour masters.\n"
        in merged
    )
    assert merged.endswith("\nA paragraph we wrote after the meeting.\n")
    assert "- [ ] ~~What data?~~ (resolved) <!-- q:a.md:dim.data -->" in merged
    # The new question goes into its own section, before the section's end line.
    goal = merged.index("<!-- q:a.md:dim.goal -->")
    assert merged.index("<!-- q:a.md:dim.data -->") < goal < merged.index("<!-- q-end:a.md -->")
    assert render_checklist([changed, B], merged) == merged
    # The cause comes back: the question is open again, its tick kept.
    again = render_checklist([A, B], merged)
    assert "- [ ] What data? <!-- q:a.md:dim.data -->" in again


def test_order_people_gave_is_kept() -> None:
    text = render_checklist([A])
    users = next(line for line in text.splitlines() if "dim.users" in line)
    data = next(line for line in text.splitlines() if "dim.data" in line)
    swapped = text.replace(users, "\0").replace(data, users).replace("\0", data)
    assert render_checklist([A], swapped) == swapped


def test_new_seed_section_goes_after_the_last_section() -> None:
    first = render_checklist([A]) + "\nNotes at the end.\n"
    merged = render_checklist([A, B], first)
    assert merged.index("<!-- q-end:a.md -->") < merged.index("<!-- q-section:b.md -->")
    assert "Notes at the end." in merged
    assert render_checklist([A, B], merged) == merged


def test_crlf_file_keeps_its_line_ends() -> None:
    crlf = render_checklist([A]).replace("\n", "\r\n")
    merged = render_checklist([A, B], crlf)
    assert "\n" not in merged.replace("\r\n", "")
    assert render_checklist([A, B], merged) == merged


def test_cr_only_file_keeps_every_line_people_wrote() -> None:
    # A file saved with lone CRs (an old Mac editor) was one "line" to the merge: its q-end
    # pattern matched from the first byte to the last marker, and the whole file, answers
    # included, was replaced by that one end line.
    edited = tick(render_checklist([A, B]), "q:a.md:dim.users").replace(
        "<!-- q:a.md:dim.users -->\n", "<!-- q:a.md:dim.users -->\nAnswer: the harbour masters.\n"
    )
    cr = edited.replace("\n", "\r").removesuffix("\r")
    merged = render_checklist([A, B], cr)
    assert "\n" not in merged
    assert merged == cr + "\r"
    assert render_checklist([A, B], merged) == merged


def test_a_stray_cr_inside_a_line_does_not_make_people_text_kickoffs() -> None:
    # In an LF file, a lone CR before a marker: the text before it stays as it is, and the
    # marker on its own is not taken for kickoff's line.
    first = render_checklist([A, B])
    edited = first.replace(
        "<!-- q-end:a.md -->", "Our answer, long and precious.\r<!-- q-end:a.md -->"
    )
    merged = render_checklist([A, B], edited)
    assert "Our answer, long and precious.\r<!-- q-end:a.md -->" in merged
    assert render_checklist([A, B], merged) == merged


def test_write_checklist_reports_change_and_refuses_binary(tmp_path: Path) -> None:
    path = tmp_path / "QUESTIONS.md"
    assert write_checklist(path, [A]) is True
    assert write_checklist(path, [A]) is False
    binary = tmp_path / "bin.md"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(OutputError, match="not UTF-8"):
        write_checklist(binary, [A])
    assert binary.read_bytes() == b"\xff\xfe\x00bad"


# -- properties -------------------------------------------------------------------------------

user_line = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"), blacklist_characters="\n\r\x85\u2028\u2029"
    ),
    max_size=40,
).filter(lambda line: "<!--" not in line)

qid = st.from_regex(r"[a-z]{1,6}", fullmatch=True)


@st.composite
def sections(draw: st.DrawFn) -> list[QuestionSection]:
    keys = draw(st.lists(st.sampled_from(["a.md", "b.md", "c d.md"]), unique=True, max_size=3))
    result = []
    for key in keys:
        ids = draw(st.lists(qid, unique=True, max_size=5))
        texts = [draw(user_line.filter(str.strip)) for _ in ids]
        items = [(f"q:{key.replace(' ', '_')}:{i}", t) for i, t in zip(ids, texts, strict=True)]
        result.append(section(key, *items, shown=draw(st.integers(0, len(items)))))
    return result


@settings(max_examples=150, deadline=None)
@given(
    before=sections(),
    after=sections(),
    inserts=st.lists(st.tuples(st.integers(0, 10_000), user_line), max_size=8),
    ticks=st.lists(st.integers(0, 10_000), max_size=4),
)
def test_merge_keeps_people_text_and_ticks_and_is_stable(
    before: list[QuestionSection],
    after: list[QuestionSection],
    inserts: list[tuple[int, str]],
    ticks: list[int],
) -> None:
    lines = [(line, False) for line in render_checklist(before).split("\n")[:-1]]
    for position, text in inserts:
        lines.insert(position % (len(lines) + 1), (text, True))
    items = [n for n, (line, mine) in enumerate(lines) if not mine and line.startswith("- [ ] ")]
    ticked: set[str] = set()
    for n in ticks:
        if items:
            number = items[n % len(items)]
            lines[number] = ("- [x] " + lines[number][0][6:], False)
            found = re.search(r"<!-- (q:\S+) -->", lines[number][0])
            assert found is not None
            ticked.add(found.group(1))
    edited = "\n".join(line for line, _ in lines) + "\n"

    merged = render_checklist(after, edited)
    out = merged.split("\n")
    # Every line people wrote survives, in the order they wrote it.
    remaining = iter(out)
    for text in (line for line, mine in lines if mine):
        assert any(line == text for line in remaining)
    # No question is ever deleted, and every tick stays.
    for question in (q for s in before for q in s.questions[: s.shown]):
        assert f"<!-- {question.id} -->" in merged
    for ticked_id in ticked:
        assert any(line.startswith("- [x] ") and f"<!-- {ticked_id} -->" in line for line in out)
    # Regenerating again changes nothing.
    assert render_checklist(after, merged) == merged


def test_a_bad_question_template_is_a_rule_pack_error(
    make_seeds: MakeSeeds, tmp_path: Path
) -> None:
    pack = tmp_path / "mine.yaml"
    pack.write_text(
        "rules:\n  - id: mine.vague\n    smell: vague\n    pattern: 'shiny'\n    weight: 0\n"
        "    message: shiny\n    question: 'line {line} says {word}'\n",
        encoding="utf-8",
    )
    # Refused as the pack loads (rules.py), not once a seed has matched the rule.
    with pytest.raises(RulePackError, match=r"mine\.vague.*\{word\}"):
        load_rules([pack])
