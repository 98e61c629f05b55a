"""Empty sections: a spec template copied and never filled in is no specification."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES, MakeSeeds
from seed_kickoff.check import judge_document
from seed_kickoff.cli import cli
from seed_kickoff.loader import load_bytes
from seed_kickoff.model import SeedResult
from seed_kickoff.rules import load_rules
from seed_kickoff.sections import empty_sections, is_placeholder, mark_empty_sections

TEMPLATE = """\
# Project Name: Specification

## Goals
TBD

## Users
TODO: describe the users.

## Functional requirements
- TBD
- [ ] REQ-2: TBD

## Interfaces
[Describe the API and the command line here]

## Data model
| Field | Type | Description |
|-------|------|-------------|
|       |      |             |

## Performance
*Describe the latency and throughput targets.*

## Platform and security
N/A

## Acceptance criteria
- [ ] To be defined
"""

PLAIN_TEMPLATE = """\
PROJECT SPECIFICATION

1. Goals

TBD

2. Users

TBD

2.1 Roles

TODO

3. Requirements

To be determined.

4. Acceptance

TBD
"""


def judged(name: str, text: str) -> SeedResult:
    fmt = "markdown" if name.endswith(".md") else "text"
    return judge_document(load_bytes(name, text.encode(), fmt), load_rules())


def empty_headings(name: str, text: str) -> list[int]:
    """The 1-based lines of the headings of empty sections."""
    fmt = "markdown" if name.endswith(".md") else ("rst" if name.endswith(".rst") else "text")
    return [start + 1 for start, _ in empty_sections(load_bytes(name, text.encode(), fmt))[0]]


@pytest.mark.parametrize(("name", "text"), [("t.md", TEMPLATE), ("t.txt", PLAIN_TEMPLATE)])
def test_an_unfilled_template_is_not_a_spec(name: str, text: str) -> None:
    result = judged(name, text)
    assert result.verdict == "non-spec"
    # What is left are the placeholders themselves, for the questions to ask about.
    rules = {s.rule for s in result.judgement.signals}
    assert rules == {"smell.placeholder"}
    (finding,) = [f for f in result.findings if f.code == "placeholder"]
    assert finding.level == "warning" and finding.line == 1
    assert "hold only placeholders" in finding.message


def test_the_template_judged_before_it_is_filled_would_pass() -> None:
    # Without this check the same text is a confident spec: the test guards a real false pass.
    doc = load_bytes("t.md", TEMPLATE.encode(), "markdown")
    from seed_kickoff.analyse import analyse
    from seed_kickoff.judge import judge

    rules = load_rules()
    assert judge(doc, analyse(doc, rules), rules).verdict == "spec"


def test_a_spec_keeps_its_verdict_with_a_section_left_open() -> None:
    spec = (EXAMPLES / "tide-logger-spec.md").read_text(encoding="utf-8")
    lines = spec.count("\n")
    text = spec + "\n## Open questions\n\nTBD\n\n## Security\n\n- [ ] TODO\n"
    result = judged("spec.md", text)
    assert result.verdict == "spec"
    # The empty sections are no evidence: only the placeholder smell cites them ...
    assert {s.rule for s in result.judgement.signals if s.line > lines} == {"smell.placeholder"}
    (finding,) = [f for f in result.findings if f.code == "placeholder"]
    assert finding.line == lines + 2
    # ... but a placeholder inside a section that has content is still asked about.
    open_item = spec + "\n## Rollout\n\nThe pilot runs at two harbours; the third is TBD.\n"
    assert "smell.placeholder" in {s.rule for s in judged("s.md", open_item).judgement.signals}
    assert not [f for f in judged("s.md", open_item).findings if f.code == "placeholder"]


@pytest.mark.parametrize(
    "line",
    [
        "TBD",
        "- [ ] TBD",
        "  * TODO: write this",
        "1. FIXME",
        "Latency: TBD",
        "| TBD | n/a |",
        "[Describe the users]",
        "<project name>",
        "{{ goal }}",
        "*Describe the purpose of this document.*",
        "_List the user classes._",
        "To be determined.",
        "Coming soon",
        "Placeholder.",
        "TODO - describe the data model",
        "[Insert the architecture diagram here]",
        "---",
        "",
    ],
)
def test_placeholders(line: str) -> None:
    assert is_placeholder(line)


@pytest.mark.parametrize(
    "line",
    [
        "Todo list app that stores tasks offline.",
        "The service answers within 200 ms.",
        "<https://example.com/spec>",
        "[Home](https://example.com)",
        "{{< clients-example set_and_get />}}",
        "None.",
        "- Describe the users in the onboarding flow with a short survey.",
        "TBD items are tracked in the issue tracker and closed weekly.",
        # a marker inside a word, and the phrases when a sentence goes on past them
        "XXX-large files (over 4 GB) are streamed in 64 MB parts.",
        "TODO-app users can share a list by link.",
        "Placeholder text in the search box reads 'Search products'.",
        "- **Name**",  # a field in bold, not an instruction to name something
        "**State**",
        "Insert requests over 1 MB are rejected; the client splits them here.",
    ],
)
def test_content_is_not_a_placeholder(line: str) -> None:
    assert not is_placeholder(line)


def test_a_section_runs_to_the_next_heading_of_its_level() -> None:
    text = "# Title\n\n## A\nTBD\n\n### A.1\n\n## B\nThe parser reads UTF-8.\n\n## C\n"
    # Title holds B's content; A is empty, and so is C, which holds nothing at all. A.1 stands
    # right over B: it is taken as B's (a heading's level can be wrong), never as empty.
    assert empty_headings("a.md", text) == [3, 11]


def test_a_heading_directly_over_another_takes_its_state() -> None:
    # An author who puts "Specification" and its first part at one level means a parent.
    text = "## Specification\n\n## Token\n### Methods\n\nEach method returns a bool.\n"
    assert empty_headings("a.md", text) == []
    assert empty_headings("a.md", "## Goals\n\n## Users\n\n## Scope\n") == [1, 3, 5]


def test_levels_from_setext_underlines_and_numbering() -> None:
    setext = "Frame format\n============\n\n### Notices\n\nCopyright notice text.\n"
    assert empty_headings("f.md", setext) == []
    rst = "Spec\n====\n\nGoals\n-----\n\nTBD\n\nUsers\n-----\n\nOperators of the tide gauges.\n"
    assert empty_headings("s.rst", rst) == [4]
    numbered = "1. Goals\n\nTBD\n\n1.1 Scope\n\nOnly the harbour.\n\n2. Users\n\nTBD\n"
    # 1. holds 1.1's content; 2. holds only a placeholder.
    assert empty_headings("n.txt", numbered) == [9]


def test_short_numbered_lines_of_plain_text_are_content_not_empty_headings() -> None:
    # Plain text takes each short line standing alone for a heading: with nothing under them
    # they are a list of requirements, not a template's empty sections.
    text = (
        "TIDE LOGGER SPEC\n\nREQUIREMENTS\n\n1. Read the gauge over RS-232 at 9600 baud\n\n"
        "2. Store readings in SQLite\n\n3. Serve the last 24 hours as JSON over HTTP\n"
    )
    assert empty_headings("r.txt", text) == []
    assert empty_headings("r.txt", text + "\n4. Acceptance\n\nTBD\n") == [11]


def test_a_heading_that_states_a_requirement_is_content() -> None:
    # A heading of a few words names a section; a longer one says something itself.
    reqs = "".join(
        f"### R{n}. {text}\n"
        for n, text in enumerate(
            [
                "The logger reads the gauge over RS-232 every minute",
                "Readings are stored in SQLite with a UTC timestamp",
            ],
            start=1,
        )
    )
    text = f"# Tide logger\n\n## Requirements\n\n{reqs}\n## Non-functional requirements\n"
    assert empty_headings("r.md", text) == [8]


def test_a_table_with_only_empty_rows_is_no_evidence() -> None:
    table = "| Field | Type | Description |\n|---|---|---|\n|  |  |  |\n| TBD | | |\n"
    doc = mark_empty_sections(load_bytes("t.md", ("# Data\n\n" + table).encode(), "markdown"))
    # The heading's section is empty too: every line of it is a placeholder.
    assert set(doc.kinds[:6]) == {"placeholder", "blank"} and doc.kinds[2] == "placeholder"
    filled = table + "| depth | float | metres below the datum |\n"
    doc = load_bytes("t.md", ("Intro text.\n\n" + filled).encode(), "markdown")
    assert empty_sections(doc) == ([], [])


def test_an_html_table_with_rows_on_lines_of_their_own_is_content() -> None:
    # The <tr> lines between the rows hold no text: each row stands alone, no table's header.
    rows = "".join(
        f"<tr>\n<td>{name}</td><td>{kind}</td>\n</tr>\n"
        for name, kind in [("Field", "Type"), ("sku", "string"), ("quantity", "integer")]
    )
    page = f"<h1>Inventory</h1>\n<h2>Data model</h2>\n<table>\n{rows}</table>\n"
    assert empty_sections(load_bytes("t.html", page.encode(), "html")) == ([], [])


def test_a_table_of_rules_alone_has_no_header() -> None:
    # reStructuredText reads a "+++++" underline as a grid table's border: a table with no row.
    doc = load_bytes("r.rst", b"Goals\n+++++\n\nTBD\n", "rst")
    assert doc.kinds[1] == "table"
    assert empty_sections(doc) == ([], [])


def test_lines_and_line_numbers_are_kept() -> None:
    doc = load_bytes("t.md", TEMPLATE.encode(), "markdown")
    marked = mark_empty_sections(doc)
    assert marked.lines == doc.lines and len(marked.kinds) == len(doc.kinds)
    assert doc.kinds != marked.kinds  # a new list: the caller's document is left as it was


def test_many_nested_empty_sections_are_linear() -> None:
    # Six levels over and over, every section empty, 100,000 lines (within the line limit): each
    # line is visited once per enclosing level at most (a quadratic walk would take minutes here).
    text = "".join(f"{'#' * (n % 6 + 1)} Part {n}\n\nTBD\n\n" for n in range(25_000))
    headings = empty_headings("big.md", text)
    assert len(headings) == 25_000


def test_check_fails_the_gate_and_says_why(make_seeds: MakeSeeds) -> None:
    seeds = make_seeds({"INDEX.md": "# Seeds\n\n- [Spec](spec.md)\n", "spec.md": TEMPLATE})
    runner = CliRunner()
    result = runner.invoke(cli, ["check", str(seeds), "--format", "json", "--no-cache"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    (seed,) = report["seeds"]
    assert seed["verdict"] == "non-spec"
    assert any("hold only placeholders" in f["message"] for f in seed["findings"])
    text = runner.invoke(cli, ["check", str(seeds), "--no-cache"]).stdout
    assert "spec.md:1: 9 section(s) hold only placeholders" in text


@pytest.mark.parametrize("start", ["[", "<", "*Describe ", "| [", "TBD: "])
def test_long_lines_cost_linear_time(start: str) -> None:
    # Two runs around one space once made a 30 KB line take seconds and a 2 MB one hours.
    line = start + "a " * 1_000_000
    assert not is_placeholder(line)
    assert empty_headings("big.md", "# Heading\n\n" + line + "\n") == []


def test_the_checklist_asks_a_template_what_a_spec_would_be_asked(make_seeds: MakeSeeds) -> None:
    from seed_kickoff.check import check_seeds
    from seed_kickoff.questions import build_questions

    seeds = make_seeds(
        {"spec.md": TEMPLATE, "news.txt": (EXAMPLES / "harbour-news.txt").read_text()}
    )
    sections = {s.anchor: s for s in build_questions(check_seeds(seeds))}
    template = {q.id for q in sections["spec.md"].questions}
    assert "q:spec.md:dim.goal" in template and "q:spec.md:smell.placeholder:tbd" in template
    assert not any(":genre." in q for q in template)
    # a non-spec seed of a genre is still asked about its genre
    assert any(":genre." in q.id for q in sections["news.txt"].questions)
