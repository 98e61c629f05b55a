"""Every report format: structure, escaping of hostile seeds, waivers, CI consumers."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rich.console import Console

from conftest import EXAMPLES, SHARED, MakeSeeds, needs_shared
from seed_kickoff import cli as cli_module
from seed_kickoff.check import CheckOptions, check_seeds
from seed_kickoff.model import CheckResult, GatePolicy, Waiver
from seed_kickoff.report import RENDERERS
from seed_kickoff.report.github import escape_property, render_github
from seed_kickoff.report.html import render_html
from seed_kickoff.report.junit import render_junit
from seed_kickoff.report.markdown import render_markdown
from seed_kickoff.report.outcome import RepoPaths
from seed_kickoff.report.progress import DelayedProgress, progress_wanted
from seed_kickoff.report.sarif import FINGERPRINT_KEY, sarif_dict
from seed_kickoff.report.text import render_rich
from test_cli_check import invoke

SCHEMA = SHARED / "schemas" / "sarif-2.1.0.json"
NEWS = (EXAMPLES / "harbour-news.txt").read_text(encoding="utf-8")
SPEC = (EXAMPLES / "tide-logger-spec.md").read_text(encoding="utf-8")

# Written to break every format: markup, workflow-command syntax, table pipes, control characters.
HOSTILE_NAME = "evil <b>&amp;,x:y%0A|.txt"
HOSTILE_QUOTE = (
    '"Leaders said <script>alert(1)</script> & <img src=https://evil.example/x.png> | '
    '::error::owned %0A ]]> \x01 \x1b[31m today," said the spokesman.\n'
)


def hostile_news() -> str:
    lines = NEWS.splitlines(keepends=True)
    return "".join(lines[:7]) + HOSTILE_QUOTE + "".join(lines[7:])


def run(seeds: Path, **options: object) -> CheckResult:
    return check_seeds(seeds, CheckOptions(**options))  # type: ignore[arg-type]


@pytest.fixture
def hostile(make_seeds: MakeSeeds) -> CheckResult:
    seeds = make_seeds(
        {
            "INDEX.md": "# Seeds\n\n- news.txt\n- spec.md\n- titled.md\n- gone.md\n",
            "news.txt": hostile_news(),
            "spec.md": SPEC,
            HOSTILE_NAME: hostile_news(),
            # A hostile title reaches every report whatever evidence the rules pick.
            "titled.md": "---\ntitle: '<script>alert(1)</script> | pipe'\n---\n" + SPEC,
        }
    )
    return run(seeds)


def test_cli_offers_every_renderer() -> None:
    option = next(p for p in cli_module.check.params if p.name == "fmt")
    assert list(option.type.choices) == list(RENDERERS)  # type: ignore[attr-defined]


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_every_format_writes_a_file_and_keeps_the_gate(fmt: str, tmp_path: Path) -> None:
    target = tmp_path / f"report.{fmt}"
    code, out, _ = invoke(["check", str(EXAMPLES), "--format", fmt, "-o", str(target)])
    assert code == 0 and out == ""
    assert "tide-logger-spec.md" in target.read_text(encoding="utf-8").replace("\\", "")
    code, _, _ = invoke(["check", str(EXAMPLES), "--format", fmt, "--min-specs", "2"])
    assert code == 1


def test_unwritable_output_is_a_usage_error_naming_the_path(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "dir" / "report.sarif"
    code, _, err = invoke(["check", str(EXAMPLES), "--format", "sarif", "-o", str(target)])
    assert code == 2
    assert str(target) in err and "Traceback" not in err


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_every_format_shows_waivers(fmt: str) -> None:
    waiver = Waiver("harbour-news.txt", "non-spec", "kept as background reading")
    result = run(EXAMPLES, waivers=[waiver])
    assert result.seeds[2].waiver == waiver
    text = RENDERERS[fmt](result)
    assert "background reading" in text
    assert "kept as background reading" in text.replace("\\", "")


# SARIF ----------------------------------------------------------------------------------------


def validate_sarif(data: dict[str, object]) -> None:
    if not SCHEMA.is_file():
        pytest.skip("the SARIF schema is not in ../shared/schemas")
    import jsonschema

    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))


def check_sarif_fields(data: dict[str, object]) -> None:
    run = data["runs"][0]  # type: ignore[index]
    driver = run["tool"]["driver"]
    assert driver["name"] == "kickoff" and driver["version"] and driver["informationUri"]
    ids = {rule["id"] for rule in driver["rules"]}
    for rule in driver["rules"]:
        for key in ("shortDescription", "fullDescription", "help"):
            assert rule[key]["text"], (rule["id"], key)
    for res in run["results"]:
        assert res["ruleId"] in ids
        assert driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["message"]["text"]
        assert res["partialFingerprints"][FINGERPRINT_KEY]
        if "locations" in res:
            physical = res["locations"][0]["physicalLocation"]
            assert physical["artifactLocation"]["uri"]
            assert physical["region"]["startLine"] >= 1


@needs_shared
def test_sarif_of_the_shared_seeds_validates_and_carries_every_field() -> None:
    result = check_seeds(SHARED / "seeds")
    data = sarif_dict(result, root=SHARED)
    validate_sarif(data)
    check_sarif_fields(data)
    verdicts = [r for r in data["runs"][0]["results"] if r["ruleId"].startswith("kickoff/verdict")]
    assert len(verdicts) == len(result.seeds)
    news = verdicts[0]
    assert news["ruleId"] == "kickoff/verdict/non-spec" and news["level"] == "error"
    location = news["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": f"seeds/{result.seeds[0].path}",
        "uriBaseId": "%SRCROOT%",
    }
    line = location["region"]["startLine"]
    assert any(s.line == line for s in result.seeds[0].judgement.signals)


def test_sarif_of_hostile_seeds_validates(hostile: CheckResult) -> None:
    data = sarif_dict(hostile)
    validate_sarif(data)
    check_sarif_fields(data)
    rules = {r["ruleId"] for r in data["runs"][0]["results"]}
    assert "kickoff/finding/index-entry" in rules  # the dangling gone.md
    assert "kickoff/verdict/spec" in rules and "kickoff/verdict/non-spec" in rules


def test_sarif_paths_are_relative_to_the_repository_root(
    make_seeds: MakeSeeds, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = make_seeds({"news.txt": NEWS}, name="project/docs/seeds")
    (tmp_path / "project" / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    data = sarif_dict(run(Path("project/docs/seeds")))
    uri = data["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri == {"uri": "docs/seeds/news.txt", "uriBaseId": "%SRCROOT%"}
    # Outside any repository and the current directory, the path is absolute and still valid.
    monkeypatch.chdir(seeds / "..")
    assert RepoPaths.for_seeds_dir(str(seeds), root=tmp_path / "elsewhere").relative is False


def test_repo_paths_for_a_seeds_dir_at_the_root_or_below(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    at_root = RepoPaths.for_seeds_dir(str(tmp_path), root=tmp_path)
    below = RepoPaths.for_seeds_dir(str(tmp_path / "seeds"), root=tmp_path)
    assert at_root.path("a b/c.md") == "a b/c.md" and at_root.path(None) == "."
    assert below.path("c.md") == "seeds/c.md" and below.path(None) == "seeds"


def test_sarif_fingerprints_survive_moved_lines(make_seeds: MakeSeeds) -> None:
    first = sarif_dict(run(make_seeds({"news.txt": NEWS}, name="a")), root=Path("/"))
    moved = sarif_dict(run(make_seeds({"news.txt": "\n\n\n" + NEWS}, name="a")), root=Path("/"))

    def prints(data: dict[str, object]) -> list[tuple[str, str, int]]:
        return [
            (
                r["ruleId"],
                r["partialFingerprints"][FINGERPRINT_KEY],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
            )
            for r in data["runs"][0]["results"]  # type: ignore[index]
            if "locations" in r
        ]

    before, after = prints(first), prints(moved)
    assert [(rule, fp) for rule, fp, _ in before] == [(rule, fp) for rule, fp, _ in after]
    assert [line + 3 for *_, line in before] == [line for *_, line in after]
    assert len({fp for _, fp, _ in before}) == len(before)


def test_sarif_waiver_is_a_suppression() -> None:
    result = run(EXAMPLES, waivers=[Waiver("harbour-news.txt", "non-spec", "background")])
    verdict = sarif_dict(result)["runs"][0]["results"]
    waived = [r for r in verdict if r.get("suppressions")]
    assert len(waived) == 1 and waived[0]["level"] == "note"
    assert waived[0]["suppressions"][0]["justification"] == "background"


# JUnit ----------------------------------------------------------------------------------------


def test_junit_reads_in_junitparser_with_the_news_seed_failing(
    hostile: CheckResult, tmp_path: Path
) -> None:
    from junitparser import Failure, JUnitXml, Skipped

    path = tmp_path / "junit.xml"
    path.write_text(render_junit(hostile), encoding="utf-8")
    xml = JUnitXml.fromfile(str(path))
    suites = list(xml)
    assert len(suites) == 1
    cases = {case.name: case for case in suites[0]}
    news = cases["news.txt"]
    failures = [r for r in news.result if isinstance(r, Failure)]
    assert failures and failures[0].type == "non-spec"
    assert "non-spec" in failures[0].message and "news-article" in failures[0].message
    assert not cases["spec.md"].result  # passed
    dangling = [c for name, c in cases.items() if "INDEX.md" in name]
    assert dangling and "gone.md" in dangling[0].result[0].message
    assert isinstance(cases["gate"].result[0], Failure)
    assert HOSTILE_NAME in cases  # the name survives, escaped in the XML
    assert not any(isinstance(r, Skipped) for c in cases.values() for r in c.result)


def test_junit_partial_fails_unless_the_gate_counts_it(make_seeds: MakeSeeds) -> None:
    from junitparser import JUnitXml

    seeds = make_seeds({"spec.md": SPEC})
    strict = run(seeds, policy=GatePolicy(min_specs=2))
    counting = run(seeds, policy=GatePolicy(min_specs=1, count_partial=True))
    strict.seeds, counting.seeds = list(strict.seeds), list(counting.seeds)  # a store is read-only
    strict.seeds[0].judgement.verdict = counting.seeds[0].judgement.verdict = "partial"
    counting.gate.passed = True
    for result, failing in ((strict, True), (counting, False)):
        suite = next(iter(JUnitXml.fromstring(render_junit(result).encode())))
        case = next(c for c in suite if c.name == "spec.md")
        assert bool(case.result) is failing


def test_junit_waived_seed_is_skipped_with_its_reason() -> None:
    from junitparser import JUnitXml, Skipped

    result = run(EXAMPLES, waivers=[Waiver("harbour-news.txt", "non-spec", "background")])
    suite = next(iter(JUnitXml.fromstring(render_junit(result).encode())))
    case = next(c for c in suite if c.name == "harbour-news.txt")
    assert isinstance(case.result[0], Skipped) and "background" in case.result[0].message


# GitHub ---------------------------------------------------------------------------------------


def test_github_annotation_names_the_seed_and_its_evidence_line(make_seeds: MakeSeeds) -> None:
    result = run(make_seeds({"news.txt": NEWS}))
    out = render_github(result)
    first = out.splitlines()[0]
    match = re.match(r"::error file=([^,]+),line=(\d+),title=([^:]+)::(.+)", first)
    assert match, first
    assert match.group(1).endswith("news.txt")
    line = int(match.group(2))
    assert any(s.line == line and s.genre for s in result.seeds[0].judgement.signals)
    assert "non-spec" in match.group(3) and "news-article" in match.group(4)
    assert out.splitlines()[-1].startswith("::error title=kickoff gate::gate failed")


def test_github_commands_escape_hostile_names_and_text(hostile: CheckResult) -> None:
    out = render_github(hostile)
    for line in out.splitlines():
        assert line.startswith("::"), line  # no message broke onto a line of its own
    assert escape_property(HOSTILE_NAME) in out
    assert escape_property(HOSTILE_NAME) == "evil <b>&amp;%2Cx%3Ay%250A|.txt"


def test_github_passing_gate_gives_notices_and_warnings_only() -> None:
    out = render_github(run(EXAMPLES))
    assert "::error" not in out
    assert out.count("::notice") == 2 and out.count("::warning") == 2


# Markdown -------------------------------------------------------------------------------------


def test_markdown_table_evidence_and_gate(make_seeds: MakeSeeds) -> None:
    out = render_markdown(run(EXAMPLES))
    rows = [line for line in out.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 4  # header + three seeds
    assert all(row.count(" | ") == 5 for row in rows)
    assert all(re.search(r"\| `[●◐·]{10}` \|$", row) for row in rows[1:])
    assert re.search(r"examples/seeds/harbour\\-news\\.txt:\d+ ", out)
    assert "gate passed" in out


def test_markdown_escapes_hostile_text(hostile: CheckResult) -> None:
    out = render_markdown(hostile)
    assert "<script>" not in out and "<img" not in out and "<b>" not in out
    assert "&lt;script&gt;" in out
    for line in out.splitlines():
        if line.startswith("| "):
            assert line.count(" | ") == 5  # a pipe in seed text does not add a column
    assert "\x01" not in out and "\x1b" not in out


# HTML -----------------------------------------------------------------------------------------


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.cells: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        self.urls.extend(v or "" for k, v in attrs if k in ("src", "href"))
        if tag == "td" and "cell" in (found.get("class") or ""):
            self.cells.append(found["class"] or "")


def parse_html(text: str) -> _Collector:
    collector = _Collector()
    collector.feed(text)
    return collector


def test_html_is_self_contained_and_escaped(hostile: CheckResult) -> None:
    out = render_html(hostile)
    page = parse_html(out)
    assert "script" not in page.tags and "img" not in page.tags and "link" not in page.tags
    assert not [u for u in page.urls if re.match(r"(https?:)?//", u)]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "@media print" in out and "<style>" in out
    assert len(page.cells) == 10 * len(hostile.seeds)  # the heatmap: seeds x dimensions


def test_html_heatmap_marks_each_state(make_seeds: MakeSeeds) -> None:
    result = run(EXAMPLES)
    cells = parse_html(render_html(result)).cells
    states = [c.split()[1] for c in cells[:10]]
    spec = result.seeds[0].judgement.coverage
    assert states == [spec[d].state for d in spec]


def test_html_questions_as_items_markdown_or_absent(hostile: CheckResult) -> None:
    assert "Questions" not in render_html(hostile)
    items = render_html(hostile, ["Who uses it <b>first</b>?", "What is the budget?"])
    assert "Who uses it &lt;b&gt;first&lt;/b&gt;?" in items and "What is the budget?" in items
    checklist = (
        "# Questions\n\n## news.txt\n\n- [ ] Who are the users? <!-- q:news.txt:users -->\n"
        "- [x] Is there a budget? <script>x()</script> [see](https://evil.example/)\n"
        "  ![pixel](https://evil.example/p.png) <https://evil.example/auto>\n"
    )
    rendered = render_html(hostile, checklist)
    page = parse_html(rendered)
    assert "☐ Who are the users?" in rendered and "☑ Is there a budget?" in rendered
    assert "q:news.txt" not in rendered
    assert "script" not in page.tags and "img" not in page.tags
    assert not [u for u in page.urls if u.startswith("http")]
    assert "No open questions" in render_html(hostile, [])


# Terminal -------------------------------------------------------------------------------------


def test_rich_report_draws_a_coverage_bar_per_seed() -> None:
    console = Console(file=io.StringIO(), width=120, no_color=True, force_terminal=False)
    render_rich(run(EXAMPLES), console)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert "7 clear, 3 thin, 0 missing" in out
    assert "██▓▓████████▓▓██▓▓██" in out  # two cells per dimension, spec seed


@pytest.mark.parametrize("columns", ["0", "abc"])
def test_a_terminal_of_any_width_gets_the_whole_report(
    columns: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # COLUMNS=0 made rich's console 0 wide, and it printed nothing: no table, no gate line.
    monkeypatch.setenv("COLUMNS", columns)
    console = cli_module._console()
    assert console.width >= 1
    console.file = io.StringIO()
    render_rich(run(EXAMPLES), console)
    out = console.file.getvalue()
    assert "gate passed" in out and "harbour" in out


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_for_a_terminal_outside_ci() -> None:
    assert progress_wanted(_Tty(), {}) is True
    assert progress_wanted(_Tty(), {"CI": "true"}) is False
    assert progress_wanted(_Tty(), {"CI": "false"}) is True
    assert progress_wanted(_Tty(), {"TERM": "dumb"}) is False
    assert progress_wanted(io.StringIO(), {}) is False


def test_progress_bar_appears_only_after_the_delay() -> None:
    now = [0.0]
    stream = _Tty()
    console = Console(file=stream, force_terminal=True, width=80)
    with DelayedProgress(console, delay=0.5, clock=lambda: now[0]) as progress:
        progress(1, 4)
        assert progress.bar is None  # a quick run draws nothing
        now[0] = 1.0
        progress(2, 4)
        assert progress.bar is not None
        progress(4, 4)
        assert progress.bar.tasks[0].completed == 4
    assert "judging seeds" in stream.getvalue()


def test_cli_check_in_ci_prints_no_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    code, out, err = invoke(["check", str(EXAMPLES), "--format", "json"])
    assert code == 0 and err == ""
    json.loads(out)


def test_junit_is_well_formed_xml_with_control_characters(hostile: CheckResult) -> None:
    root = ET.fromstring(render_junit(hostile))
    assert root.tag == "testsuites"


def test_unreadable_seeds_fail_with_their_reason_in_every_ci_format(make_seeds: MakeSeeds) -> None:
    from junitparser import JUnitXml

    result = run(make_seeds({"blob.bin": b"\x00\x01binary\xff", "spec.md": SPEC}))
    suite = next(iter(JUnitXml.fromstring(render_junit(result).encode())))
    blob = next(c for c in suite if c.name == "blob.bin")
    assert blob.result[0].type == "unreadable" and "binary" in blob.result[0].message
    assert "::warning file=" in render_github(result)  # the gate passes on spec.md
    data = sarif_dict(result)
    validate_sarif(data)
    levels = {r["ruleId"]: r["level"] for r in data["runs"][0]["results"]}
    assert levels["kickoff/verdict/unreadable"] == "warning"


def test_html_from_check_carries_the_questions_checklist(tmp_path: Path) -> None:
    from test_cli_check import invoke

    out = tmp_path / "report.html"
    code, _, _ = invoke(["check", str(EXAMPLES), "--format", "html", "-o", str(out)])
    assert code == 0
    page = out.read_text(encoding="utf-8")
    # The checklist's section for the thin brief, with its questions, is in the meeting report.
    assert "tide-app-brief.md: " in page
    assert "would they use the system?" in page or "measured how?" in page
