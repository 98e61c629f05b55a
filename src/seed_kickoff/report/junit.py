"""JUnit XML for CI test reports (GitLab, Jenkins, ...): one test suite for the run, one test
case per seed, one per run-level error, and one for the gate itself."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

from seed_kickoff.model import CheckResult, Finding, SeedResult
from seed_kickoff.report.outcome import RepoPaths, evidence_line, seed_outcome, waiver_text
from seed_kickoff.report.stream import TextOut, render_to_string
from seed_kickoff.report.text import finding_line, gate_line, seed_lines

# XML 1.0 cannot carry most control characters, even escaped; seed text may hold any of them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _seed_case(result: CheckResult, seed: SeedResult, paths: RepoPaths, suite: str) -> ET.Element:
    case = ET.Element(
        "testcase",
        {
            "classname": suite,
            "name": _clean(seed.path),
            "file": _clean(paths.path(seed.path)),
            "line": str(evidence_line(seed)),
            "time": "0",
        },
    )
    details = _clean("\n".join(seed_lines(seed)))
    outcome = seed_outcome(result, seed)
    if outcome == "waived":
        ET.SubElement(case, "skipped", {"message": _clean(waiver_text(seed))}).text = details
    elif outcome in ("fail", "warn"):
        j = seed.judgement
        why = "; ".join(j.reasons) or "not counted by the gate"
        message = f"{seed.verdict} ({j.genre}, confidence {j.confidence:.2f}): {why}"
        failure = ET.SubElement(case, "failure", {"message": _clean(message), "type": seed.verdict})
        failure.text = details
    else:
        ET.SubElement(case, "system-out").text = details
    return case


def _finding_case(finding: Finding, paths: RepoPaths, suite: str) -> ET.Element:
    where = paths.path(finding.path) if finding.path else "run"
    name = f"{where}:{finding.line}" if finding.line else where
    case = ET.Element("testcase", {"classname": f"{suite}.findings", "name": _clean(name)})
    text = _clean(finding_line(finding))
    ET.SubElement(case, "failure", {"message": text, "type": finding.code}).text = text
    return case


def render_junit(result: CheckResult) -> str:
    return render_to_string(write_junit, result)


def write_junit(result: CheckResult, stream: TextOut) -> None:
    """The XML written case by case: the suite's counts come from the seed summaries, and each
    seed's case is made, written and dropped in turn."""
    paths = RepoPaths.for_seeds_dir(result.seeds_dir)
    suite_name = "kickoff"
    errors = [f for f in result.all_findings() if f.level == "error"]
    outcomes = [seed_outcome(result, summary) for summary in result.summaries()]
    gate = ET.Element("testcase", {"classname": suite_name, "name": "gate", "time": "0"})
    if not result.gate.passed:
        line = _clean(gate_line(result))
        ET.SubElement(gate, "failure", {"message": line, "type": "gate"}).text = line

    # Finding cases and the gate case always fail (the gate when it did).
    failures = sum(1 for o in outcomes if o in ("fail", "warn")) + len(errors)
    failures += 0 if result.gate.passed else 1
    skipped = outcomes.count("waived")
    counts = {
        "tests": str(len(outcomes) + len(errors) + 1),
        "failures": str(failures),
        "errors": "0",
    }
    root = ET.Element("testsuites", {"name": suite_name, **counts})
    suite = ET.SubElement(
        root, "testsuite", {"name": suite_name, **counts, "skipped": str(skipped), "time": "0"}
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (("seeds_dir", result.seeds_dir), ("gate", gate_line(result))):
        ET.SubElement(properties, "property", {"name": name, "value": _clean(value)})
    # The document around the cases, indented as a whole, split where they go.
    ET.SubElement(suite, _CASES)
    ET.indent(root)
    head, tail = ET.tostring(root, encoding="unicode").split(f"<{_CASES} />")
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n' + head)
    cases = itertools.chain(
        (_seed_case(result, seed, paths, suite_name) for seed in result.seeds),
        (_finding_case(f, paths, suite_name) for f in errors),
        [gate],
    )
    for number, case in enumerate(cases):
        ET.indent(case, level=_CASE_LEVEL)
        stream.write(
            ("" if number == 0 else "\n" + "  " * _CASE_LEVEL)
            + ET.tostring(case, encoding="unicode")
        )
    stream.write(tail + "\n")


# A placeholder element for the test cases, and their depth: testsuites > testsuite > testcase.
_CASES = "kickoff-cases"
_CASE_LEVEL = 2
