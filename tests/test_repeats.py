"""What a seed says twice counts once."""

from __future__ import annotations

from conftest import EXAMPLES
from seed_kickoff.check import judge_document
from seed_kickoff.loader import load_bytes
from seed_kickoff.repeats import mark_repeats
from seed_kickoff.rules import load_rules

LINE = (
    "The system shall provide an API, store data in JSON, run on Linux, respond within 100 ms, "
    "handle errors securely, and pass acceptance tests for users.\n"
)


def test_one_sentence_pasted_many_times_is_no_spec() -> None:
    text = "# Spec\n\n" + LINE * 300
    result = judge_document(load_bytes("s.md", text.encode(), "markdown"), load_rules())
    assert result.verdict == "non-spec"
    # the first occurrence keeps its evidence, nothing after it is cited
    assert {s.line for s in result.judgement.signals if s.line > 2} == {3}
    (finding,) = [f for f in result.findings if f.code == "repeat"]
    assert finding.line == 4 and finding.message.startswith(
        "299 of 300 prose lines of 30 characters or more repeat"
    )


def test_repeats_of_prose_only_and_lines_kept() -> None:
    text = (
        "The parser must reject a record without a timestamp.\n"  # prose: repeats count once
        "Returns: None\n"  # short lines repeat in specs
        "The parser must reject a record without a timestamp.\n"
        "Returns: None\n\n"
        "| name | type | meaning of the field |\n|---|---|---|\n"
        "| depth | float | metres below the chart datum |\n"  # so do table rows
        "| depth | float | metres below the chart datum |\n"
    )
    doc = load_bytes("s.md", text.encode(), "markdown")
    marked = mark_repeats(doc)
    assert marked.lines == doc.lines
    changed = [i for i, (a, b) in enumerate(zip(doc.kinds, marked.kinds, strict=True)) if a != b]
    assert changed == [2]
    assert marked.findings == doc.findings  # one repeat is no cause for a warning


def test_a_seed_without_repeats_is_left_as_it_is() -> None:
    text = (EXAMPLES / "tide-logger-spec.md").read_bytes()
    doc = load_bytes("spec.md", text, "markdown")
    assert mark_repeats(doc) is doc


def test_a_repeat_indented_differently_counts_once_whatever_else_repeats() -> None:
    # The quick check for "no line twice" compares lines as the slow one does: stripped.
    line = "The system shall export every order as CSV each night."
    doc = load_bytes("s.md", f"# S\n\n- {line}\n\n  - {line}\n".encode(), "markdown")
    assert mark_repeats(doc).kinds[4] == "blank"
