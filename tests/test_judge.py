"""Judgement on small documents we wrote: each genre's form decides, and every verdict is cited."""

from __future__ import annotations

from pathlib import Path

import pytest

from seed_kickoff.check import judge_document
from seed_kickoff.judge import decide, load_model, measure
from seed_kickoff.loader import load_bytes
from seed_kickoff.model import SeedResult
from seed_kickoff.rules import load_rules

FIXTURES = Path(__file__).parent / "fixtures" / "judge"


def judged(name: str, text: str | None = None) -> SeedResult:
    data = text.encode() if text is not None else (FIXTURES / name).read_bytes()
    fmt = "markdown" if name.endswith(".md") else "text"
    return judge_document(load_bytes(name, data, fmt), load_rules())


@pytest.mark.parametrize(
    ("name", "genre"),
    [
        ("news.txt", "news-article"),
        ("licence.txt", "licence"),
        ("recipe.md", "recipe"),
        ("verse.txt", "verse"),
        ("changelog.md", "changelog"),
        ("release.md", "changelog"),
        ("minutes.md", "minutes"),
        ("letter.txt", "letter"),
        ("review.md", "review"),
        ("travel.txt", "travel"),
        ("tips.md", "how-to"),
        ("conduct.md", "legal-text"),
        ("fiction.txt", "fiction"),
        ("promo.md", "marketing"),
        ("report.txt", "report"),
        ("speech.txt", "speech"),
        ("song.txt", "verse"),
        ("history.md", "encyclopedia"),
        ("job-posting.md", "job-posting"),
        ("cv.md", "resume"),
        ("program.txt", "source-code"),
        ("keep-a-changelog.md", "changelog"),  # "## [3.4.0] - 2026-09-14"
        ("qa-thread.md", "how-to"),  # votes and answers as tags, code in the answers
        ("step-tutorial.md", "how-to"),  # "## Step 1: Set up the project", code blocks
        ("how-to-title.md", "how-to"),  # "# How to put ...", "## Step 2: Get the ..."
        ("postmortem.md", "report"),  # "09:31 ... rolled it back", root cause, p99-free
        ("benchmark-post.md", "report"),  # "we ran", results tables, "What surprised us"
    ],
)
def test_non_spec_genres(name: str, genre: str) -> None:
    result = judged(name)
    assert result.verdict == "non-spec"
    assert result.judgement.genre == genre
    assert any(s.genre == genre for s in result.judgement.signals)


def test_a_story_is_not_reported_speech() -> None:
    # "and said" or a tag after a quotation is narrative: the news attribution needs a name.
    text = 'The ferryman looked up and said nothing.\n\n"Come in," said she, and smiled.\n'
    rules = {s.rule for s in judged("story.txt", text).judgement.signals}
    assert "news.attribution" not in rules
    news = "The harbour will close in May, Mayor Ines Vidal said on Monday.\n"
    assert "news.attribution" in {s.rule for s in judged("n.txt", news).judgement.signals}


def test_spec_is_spec_with_cited_dimensions() -> None:
    result = judged("spec.md")
    j = result.judgement
    assert j.verdict == "spec"
    assert j.genre_family == "spec"
    clear = [dim for dim, cov in j.coverage.items() if cov.state == "clear"]
    assert {"interfaces", "data", "quality"} <= set(clear)
    assert all(j.coverage[dim].lines for dim in clear)


def test_news_byline_dateline_quotes_are_cited() -> None:
    signals = judged("news.txt").judgement.signals
    rules = {s.rule for s in signals}
    assert {"news.byline", "news.dateline", "news.attribution"} <= rules
    byline = next(s for s in signals if s.rule == "news.byline")
    assert byline.line == 3  # the line the byline is on, not the blank line before it


def test_korean_seed_is_unsupported_naming_the_language() -> None:
    j = judged("ko.md").judgement
    assert j.verdict == "unsupported"
    assert j.language == "ko"
    assert "hangul" in j.reasons[0]


def test_foreign_seed_with_spec_structure_is_judged_structurally() -> None:
    text = (FIXTURES / "spec.md").read_text()
    # Prose in Spanish, structure (headings, code, table, RFC 2119 keywords, units) unchanged.
    text = text.replace(
        "This document specifies a small service that reads water meters over a serial line and\n"
        "publishes the readings. Non-goals: billing and a web UI.",
        "El servicio lee los contadores de agua por una línea serie y publica las lecturas en la red"
        " de la ciudad, para que los técnicos no tengan que ir a cada casa.",
    )
    j = judged("es.md", text).judgement
    assert j.verdict in ("spec", "unsupported")
    assert j.verdict != "non-spec"


def test_thin_brief_is_partial() -> None:
    text = (
        "# Idea: a plant watering reminder\n\n"
        "It would be nice to have an app that reminds me to water the plants.\n\n"
        "- As a user, I want a reminder every few days so that my plants survive.\n"
        "- The app should allow me to add a photo of each plant.\n"
    )
    assert judged("idea.md", text).verdict == "partial"


def test_verdict_is_sums_of_weights() -> None:
    """The measure is reproducible from the signals: rule weight x min(hits, cap)."""
    ruleset = load_rules()
    rules = ruleset.by_id()
    model = load_model()
    m = measure({"behaviour.rfc2119": 10, "news.byline": 1}, rules, model)
    assert m.dimension_scores["behaviour"] == rules["behaviour.rfc2119"].weight * min(
        10, rules["behaviour.rfc2119"].cap
    )
    assert m.against == rules["news.byline"].weight * model.nonspec_factor
    assert decide(m, model)[0] == "non-spec"


def test_file_name_never_decides() -> None:
    text = (FIXTURES / "news.txt").read_text()
    assert judged("design-spec-rfc.md", text).verdict == judged("news.txt").verdict == "non-spec"


@pytest.mark.parametrize(
    ("name", "genre"), [("hostile-news.txt", "news-article"), ("hostile-terms.md", "legal-text")]
)
def test_spec_words_in_a_non_spec_form_do_not_pass(name: str, genre: str) -> None:
    """A news report full of 'must', 'API', 'ms', or terms with SHALL NOT, is still no spec."""
    j = judged(name).judgement
    assert j.verdict == "non-spec"
    assert j.genre == genre
    assert j.scores["against"] > j.scores["spec_evidence"]


def test_a_lone_byline_above_spec_structure_does_not_count_against() -> None:
    """'By <author>' under a spec's title is no news article; with other news cues it counts."""
    rules = load_rules().by_id()
    model = load_model()
    spec = {"behaviour.rfc2119": 4, "interfaces.heading": 2, "news.byline": 1}
    m = measure(spec, rules, model)
    assert len(m.clear) >= model.lone_cue_min_clear
    assert m.against == 0.0
    assert m.discounted == ("news.byline",)
    news = measure({**spec, "news.attribution": 4, "news.reported-time": 2}, rules, model)
    assert news.discounted == ()
    assert news.against > rules["news.byline"].weight * model.nonspec_factor
    alone = measure({"news.byline": 1}, rules, model)
    assert alone.against == rules["news.byline"].weight * model.nonspec_factor


def test_a_brief_genre_is_evidence_of_partial_never_of_spec() -> None:
    """Feature-request wording asks for a system; it does not specify one."""
    rules = load_rules().by_id()
    model = load_model()
    m = measure({"feature.request": 3, "feature.sections": 3}, rules, model)
    assert m.spec_evidence == 0.0
    assert m.brief == m.genre_scores["feature-request"] > model.spec_min_evidence / 2
    assert decide(m, model)[0] == "partial"


@pytest.mark.parametrize(
    ("name", "genre"),
    [
        ("tutorial.md", "how-to"),
        ("reference-article.md", "encyclopedia"),
        ("announcement.md", "changelog"),
        ("postmortem.md", "report"),
        ("question-answer.md", "how-to"),
    ],
)
def test_technical_prose_about_a_system_is_no_spec(name: str, genre: str) -> None:
    # Tutorials, reference articles, release announcements, postmortems and Q&A pages are full
    # of APIs, code and formats, yet specify nothing for the team to build: their form says so.
    result = judged(name)
    assert result.verdict != "spec"
    assert result.judgement.genre == genre


def test_a_design_docs_responsibilities_and_see_also_are_no_job_advert_or_article() -> None:
    # Each component's "Responsibilities" (and a proposal's "Benefits") is a design doc's form.
    parts = "".join(
        f"### {name}\n#### Responsibilities\n- {duty}\n\n"
        for name, duty in [
            ("Scheduler", "Starts a backup at 02:00 local time; skips it on battery."),
            ("Uploader", "Uploads changed files over SFTP and resumes an interrupted upload."),
            ("Reporter", "Emails the admin a summary each morning."),
        ]
    )
    text = (
        "# Backup agent\n\n## Goal\nWe need a backup agent that copies each laptop's home folder"
        f" to the office NAS every night.\n\n## Components\n\n{parts}## Benefits\nNo more lost"
        " work.\n\n## Platform\nRuns on Windows 11 and macOS 14.\n"
    )
    result = judged("backup.md", text)
    assert "job-posting" not in result.judgement.genre_scores
    assert result.verdict == "partial"
    # Nor is a link to the docs it builds on an encyclopedia's apparatus.
    also = judged("backup.md", text + "\n## See also\n- The NAS admin guide.\n")
    assert "encyclopedia" not in also.judgement.genre_scores
    assert also.verdict == "partial"


def test_a_prds_sections_and_votes_are_no_postmortem_q_and_a_or_cv() -> None:
    # "Objective", "Impact", "Timeline", "Detection", "Resolution" head PRDs and design docs too,
    # and a voting feature counts votes: none is a postmortem's, a Q&A page's or a CV's form.
    text = (
        "# PRD: Team voting for the retro board\n\n## Objective\nLet a team vote on retro cards so"
        " the top items get discussed first.\n\n## Users\nTeam members can add cards; the"
        " facilitator can start and close a vote.\n\n## Requirements\n- Each member has 3 votes"
        " per retro and can put up to 2 votes on one card.\n- The board updates for every member"
        " within 1 second.\n\n## Impact\nShorter retros.\n\n## Timeline\n- Beta in March.\n\n"
        "## Detection\nDuplicate cards are detected by comparing titles.\n\n## Resolution\nWhen"
        " two facilitators close a vote at once, the first close wins.\n"
    )
    scores = judged("prd.md", text).judgement.genre_scores
    assert not {"report", "how-to", "resume"} & set(scores)


def test_a_pitch_is_a_brief_by_its_sections() -> None:
    """A product pitch names its sections ("The idea", "Who it's for", "Appetite", "No-gos"): a
    project idea, so partial, not an unknown document."""
    result = judged("pitch.md")
    assert result.verdict == "partial" and result.judgement.genre == "project-idea"
    assert "idea.sections" in {s.rule for s in result.judgement.signals}
    # A wish in prose ("Ideally ...") is no brief's form: a bug report stays what it was.
    bug = (
        "# Crash on start\n\nIdeally the app would open. We'd like a fix.\n\n"
        "OS: Fedora 40\nRuntime: Python 3.12\n\nSteps: open the app; it crashes.\n"
    )
    assert "feature-request" not in judged("bug.md", bug).judgement.genre_scores


def test_game_design_sections_and_engines_are_spec_evidence() -> None:
    cited = {(s.rule, s.line) for s in judged("game-design.md").judgement.signals}
    assert ("behaviour.heading", 10) in cited  # "## Core loop"
    assert ("platform.named", 3) in cited  # Nintendo Switch, Godot
    # An encyclopedia's "Gameplay", a policy's "Controls", a speech's "Unity" are not a game's.
    text = (
        "# Chess\n\n## Gameplay\n\nEach player moves in turn.\n\n## Controls\n\n"
        "Only admins may read the audit log.\n\nUnity is our strength.\n"
    )
    rules = {s.rule for s in judged("c.md", text).judgement.signals}
    assert not {"behaviour.heading", "interfaces.heading", "platform.named"} & rules


def test_acceptance_criteria_written_ac_are_acceptance_and_power_ratings_are_not() -> None:
    signals = judged("stories.md").judgement.signals
    assert [s.line for s in signals if s.rule == "acceptance.criterion-line"] == [4, 5, 7]
    power = "# PSU\n\n- AC: 100-240 V, 50/60 Hz\n- AC: 230 V\nAC 230 V input.\n"
    assert not [s for s in judged("psu.md", power).judgement.signals if "criterion" in s.rule]


def test_a_reports_passive_voice_and_prose_before_a_colon_are_no_narrative_or_code() -> None:
    text = (
        "# Stock counts\n\nLast year the parcels were counted by hand; they were scanned twice "
        "and they were lost once a month.\n\nIf the upload fails, the clerk sees the message "
        "again: nothing is kept. The Service Level: 99.9 %.\n\n"
        "```proto\nmessage Reading {\n  int64 meter = 1;\n}\n```\n"
    )
    signals = judged("stock.md", text).judgement.signals
    assert not [s for s in signals if s.rule == "fiction.narrative"]
    assert [s.line for s in signals if s.rule == "interfaces.code-call"] == [8]
    # (only "they were ...ed" is left out: a report's "they were scanned" and "they were tired" read alike)
    for story in ("She was tired.\n", "He had walked all night.\n", "They had no lamp.\n"):
        cues = judged("s.txt", story * 3).judgement.signals
        assert any(s.rule == "fiction.narrative" for s in cues), story


def test_plain_words_for_users_behaviour_failures_and_acceptance_are_read() -> None:
    result = judged("plain-spec.md")
    cited = {(s.rule, s.line) for s in result.judgement.signals}
    assert {
        ("users.heading", 6),  # "## Who uses it"
        ("behaviour.heading", 10),  # "## What happens when a bus is late"
        ("behaviour.heading", 16),  # "## What the office should be able to do"
        ("quality.heading", 20),  # "## What can go wrong"
        ("acceptance.heading", 26),  # "## Done when"
    } <= cited
    assert result.verdict != "non-spec"
    # an essay's "what happens when we sleep" is no behaviour section: it is not a heading
    essay = "# Sleep\n\nWhat happens when we sleep is still argued about.\n"
    assert not [s for s in judged("e.md", essay).judgement.signals if s.rule == "behaviour.heading"]


def test_a_plain_text_memo_with_capital_headings_is_read_as_a_spec() -> None:
    doc = load_bytes("memo.txt", (FIXTURES / "memo-spec.txt").read_bytes(), "text")
    headings = [doc.lines[i] for i, kind in enumerate(doc.kinds) if kind == "heading"]
    assert headings[1:] == [
        "WHAT IT IS FOR",
        "WHO USES IT",
        "WHAT HAPPENS AT THE STATION",
        "RECORDS",
        "WHEN THINGS GO WRONG",
        "EQUIPMENT",
        "HOW WE WILL ACCEPT IT",
    ]
    result = judged("memo-spec.txt")
    rules = {s.rule for s in result.judgement.signals}
    assert {"goal.heading", "users.heading", "quality.heading", "acceptance.words"} <= rules
    assert result.verdict == "spec"
    # A shouted sentence is not a heading: it ends with a full stop.
    shout = load_bytes("s.txt", b"Intro.\n\nDO NOT ENTER.\nThe door stays shut.\n", "text")
    assert shout.kinds[2] == "text"


def test_durations_are_no_minutes_and_table_requirement_ids_are_requirements() -> None:
    spec = "# Bus\n\nThe text goes out within 5 minutes of the press, and 10 minutes taken.\n"
    assert not [s for s in judged("b.md", spec).judgement.signals if s.rule == "minutes.form"]
    minutes = "# Club\n\nMinutes of the meeting held on 3 May.\n"
    assert [s.line for s in judged("m.md", minutes).judgement.signals if s.rule == "minutes.form"]
    table = "# Kiosk\n\n| id | requirement |\n|---|---|\n| R1 | The kiosk must print. |\n"
    signals = judged("k.md", table).judgement.signals
    assert [s.line for s in signals if s.rule == "behaviour.numbered-requirement"] == [5]
    pins = "# Board\n\n| pin | use |\n|---|---|\n| IO21 | I2C SDA |\n| IO22| I2C SCL |\n"
    assert not [
        s
        for s in judged("p.md", pins).judgement.signals
        if s.rule == "behaviour.numbered-requirement"
    ]
