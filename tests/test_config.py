"""Configuration: discovery, precedence, every wrong value named by file, line and key; waivers."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES, SHARED, needs_shared
from seed_kickoff.config import Overrides, find_config, read_config, resolve_settings
from test_cli_check import invoke

REAL_SEED = "000_9402ec94aa5ba8a2.txt"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty repository root as the working directory (discovery stops at its .git)."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def examples_in(repo: Path) -> Path:
    return Path(shutil.copytree(EXAMPLES, repo / "seeds"))


def test_defaults_without_any_config(repo: Path) -> None:
    settings = resolve_settings()
    assert settings.seeds_dir == Path("seeds")
    assert (settings.min_specs, settings.count_partial) == (1, False)
    assert settings.waivers == () and settings.packs == () and settings.sources == ()


def test_found_in_a_parent_but_not_beyond_the_repository_root(repo: Path) -> None:
    write(repo / ".kickoff.yaml", "gate:\n  min_specs: 3\n")
    sub = repo / "a" / "b"
    sub.mkdir(parents=True)
    assert find_config(sub) is not None
    assert resolve_settings(cwd=sub).min_specs == 3
    inner = repo / "inner"
    (inner / ".git").mkdir(parents=True)
    assert find_config(inner) is None


# Every TOML spelling of a [tool.kickoff] table, and files that name kickoff in other ways.
_TOOL_KICKOFF_SPELLINGS = [
    "[tool.kickoff]\nseeds_dir = 'docs'\n",
    "[tool.kickoff.gate]\nmin_specs = 2\n",
    "[ tool . 'kickoff' ]\nseeds_dir = 'docs'\n",
    '["tool"."kickoff".gate]\nmin_specs = 2\n',
    "[[tool.kickoff.waivers]]\nseed = 'a.md'\nverdict = 'spec'\nreason = 'r'\n",
    "tool.kickoff.seeds_dir = 'docs'\n",
    "tool . kickoff = { seeds_dir = 'docs' }\n",
    "[tool]\nkickoff = { seeds_dir = 'docs' }\n",
    "[tool]\nkickoff.gate.min_specs = 2\n",
    "[ 'tool' ]\n'kickoff'.seeds_dir = 'docs'\n",
    "tool = { kickoff = { seeds_dir = 'docs' } }\n",
    '"tool" = { "kickoff" = { seeds_dir = "docs" } }\n',
    '"\\u0074ool"."kick\\u006fff".seeds_dir = "docs"\n',
]
_OTHER_KICKOFFS = [  # not parsed
    "[project]\nname = 'seed-kickoff'\n\n[project.scripts]\nkickoff = 'seed_kickoff.cli:main'\n",
    "[tool.poetry.dependencies]\nkickoff = '^1.0'\n",
    "[tool.ruff]\n# kickoff's settings live in .kickoff.yaml\n",
]
_LOOKALIKES = [  # parsed, to be sure
    "[tool.kickoff-extra]\nx = 1\n",
    "[tool]\nother = 1\n[project.scripts]\nkickoff = 'x:main'\n",
]


@pytest.mark.parametrize("text", _TOOL_KICKOFF_SPELLINGS + _OTHER_KICKOFFS + _LOOKALIKES)
def test_pyproject_is_parsed_whenever_it_may_hold_tool_kickoff(repo: Path, text: str) -> None:
    from seed_kickoff import config

    tomllib = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")
    expected = tomllib.loads(text).get("tool", {}).get("kickoff")
    assert (expected is not None) == (text in _TOOL_KICKOFF_SPELLINGS)
    path = write(repo / "pyproject.toml", text)
    assert config._pyproject_table(path) == expected
    # a file that cannot hold the table is not parsed at all
    assert config._may_hold_tool_kickoff(text.encode()) == (text not in _OTHER_KICKOFFS)


def test_kickoffs_own_pyproject_is_not_parsed() -> None:
    from seed_kickoff import config

    raw = (EXAMPLES.parent.parent / "pyproject.toml").read_bytes()
    assert b"kickoff" in raw and not config._may_hold_tool_kickoff(raw)


def test_kickoff_yaml_wins_over_pyproject_in_the_same_dir(repo: Path) -> None:
    write(repo / "pyproject.toml", "[tool.kickoff.gate]\nmin_specs = 5\n")
    assert resolve_settings().min_specs == 5
    write(repo / ".kickoff.yaml", "gate:\n  min_specs: 4\n")
    assert resolve_settings().min_specs == 4


def test_pyproject_without_a_kickoff_table_is_not_a_config(repo: Path) -> None:
    write(repo / "pyproject.toml", "[project]\nname = 'x'\n")
    assert find_config(repo) is None


def test_precedence_options_over_index_over_file(repo: Path) -> None:
    write(
        repo / ".kickoff.yaml",
        "gate:\n  min_specs: 2\n  count_partial: true\nlimits:\n  max_bytes: 1000\n",
    )
    write(repo / "seeds" / "INDEX.md", "---\nkickoff:\n  gate:\n    min_specs: 3\n---\n# Seeds\n")
    settings = resolve_settings()
    assert (settings.min_specs, settings.count_partial, settings.max_bytes) == (3, True, 1000)
    assert resolve_settings(Overrides(min_specs=0, count_partial=False)).min_specs == 0
    assert resolve_settings(Overrides(count_partial=False)).count_partial is False


def test_lists_add_up_and_a_stronger_waiver_replaces_a_weaker(repo: Path) -> None:
    write(repo / "extra.yaml", "rules: []\n")
    write(
        repo / ".kickoff.yaml",
        "rules:\n  packs: [extra.yaml]\n  disable: [smell.placeholder]\n"
        "waivers:\n  - {seed: a.md, verdict: spec, reason: file}\n"
        "  - {seed: b.md, verdict: partial, reason: file}\n",
    )
    write(
        repo / "seeds" / "INDEX.md",
        "---\nkickoff:\n  waivers:\n    - {seed: a.md, verdict: non-spec, reason: index}\n---\n",
    )
    settings = resolve_settings(Overrides(disable=["news.dateline"]))
    assert settings.packs == (Path("extra.yaml"),)
    assert set(settings.disable) == {"smell.placeholder", "news.dateline"}
    assert {(w.seed, w.verdict, w.reason) for w in settings.waivers} == {
        ("a.md", "non-spec", "index"),
        ("b.md", "partial", "file"),
    }


def test_paths_are_relative_to_the_config_file(repo: Path) -> None:
    write(repo / "conf" / "packs" / "team.yaml", "rules: []\n")
    write(
        repo / "conf" / "kickoff.yaml",
        "seeds_dir: ../docs/seeds\nrules:\n  packs: [packs/team.yaml]\nquestions:\n  output: q.md\n",
    )
    settings = resolve_settings(config=Path("conf/kickoff.yaml"))
    assert settings.seeds_dir == Path("conf/../docs/seeds")
    assert settings.packs == (Path("conf/packs/team.yaml"),)
    assert settings.questions_output == Path("conf/q.md")


def test_the_init_template_holds_exactly_the_defaults(repo: Path) -> None:
    from seed_kickoff.init import template

    path = write(repo / ".kickoff.yaml", template("kickoff.yaml"))
    assert read_config(path).values == {
        "seeds_dir": repo / "seeds",
        "gate.min_specs": 1,
        "gate.count_partial": False,
        "rules.packs": [],
        "rules.disable": [],
        "waivers": [],
        "limits.max_bytes": 5 * 1024 * 1024,
    }
    assert resolve_settings() == resolve_settings(config=Path(".kickoff.yaml"))


BAD_YAML = [
    ("gate:\n  min_specs: -1\n", 2, "gate.min_specs: expected a whole number >= 0"),
    ("gate:\n  min_specs: two\n", 2, "gate.min_specs: expected a whole number >= 0"),
    ("gate:\n  min_specs: true\n", 2, "gate.min_specs"),
    ("gate:\n  count_partial: yes please\n", 2, "gate.count_partial: expected true or false"),
    ("gate:\n  min_spec: 1\n", 2, "gate.min_spec: unknown key; allowed in gate: min_specs"),
    ("gate: 3\n", 1, "gate: expected a mapping of min_specs, count_partial"),
    ("\n\nmin_specs: 1\n", 3, "min_specs: unknown key (did you mean gate.min_specs?)"),
    ("limits:\n  max_bytes: 0\n", 2, "limits.max_bytes: expected a whole number >= 1"),
    ("rules:\n  packs: nope.yaml\n", 2, "rules.packs: expected a list of names"),
    ("rules:\n  packs: [nope.yaml]\n", 2, "rules.packs: no such rule pack"),
    ("rules:\n  disable: [1]\n", 2, "rules.disable: expected a list of names"),
    ("seeds_dir: 7\n", 1, "seeds_dir: expected a path"),
    ("questions:\n  output: ''\n", 2, "questions.output: expected a path"),
    ("waivers: {seed: a}\n", 1, "waivers: expected a list"),
    ("waivers:\n  - seed: a.md\n    verdict: spec\n", 2, "waivers[0].reason: missing"),
    ("waivers:\n  - {seed: a.md, verdict: spec, reason: ' '}\n", 2, "waivers[0].reason: expected"),
    (
        "waivers:\n  - seed: a.md\n    verdict: spek\n    reason: x\n",
        3,
        "waivers[0].verdict: expected one of spec, partial, non-spec",
    ),
    (
        "waivers:\n  - {seed: a.md, verdict: spec, reason: x, by: me}\n",
        2,
        "waivers[0].by: unknown key; allowed: seed, verdict, reason",
    ),
    (
        "waivers:\n  - {seed: a.md, verdict: spec, reason: x}\n"
        "  - {seed: a.md, verdict: partial, reason: y}\n",
        3,
        "waivers[1]: a second waiver for a.md",
    ),
    ("gate:\n  min_specs: 1\ngate:\n  min_specs: 2\n", 3, "gate: given twice"),
    ("gate: [\n", 2, "not valid YAML"),
    ("- 1\n", 1, "(top level): expected a mapping"),
    ("gate: " + "[" * 2000 + "]" * 2000 + "\n", None, "nested too deeply"),
]


@pytest.mark.parametrize("libyaml", [True, False], ids=["libyaml", "pure-python"])
@pytest.mark.parametrize(("text", "line", "message"), BAD_YAML)
def test_every_wrong_value_is_exit_2_naming_file_line_and_key(
    repo: Path,
    text: str,
    line: int | None,
    message: str,
    libyaml: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # libyaml composes the file when PyYAML has it; the messages are the same without it
    if not libyaml:
        monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    write(repo / ".kickoff.yaml", text)
    (repo / "seeds").mkdir()
    code, out, err = invoke(["check"])
    assert code == 2, err
    assert f".kickoff.yaml:{line}: " in err if line else ".kickoff.yaml: " in err
    assert message in err
    assert "Traceback" not in err and out == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[tool.kickoff]\nmin_specs = 2\n", "[tool.kickoff] min_specs: unknown key"),
        ('[tool.kickoff.gate]\nmin_specs = "2"\n', "[tool.kickoff] gate.min_specs: expected"),
        ("[tool.kickoff]\nwaivers = [{seed = 'a.md', verdict = 'spec'}]\n", "waivers[0].reason"),
        ("[tool.kickoff\n", "not valid TOML"),
    ],
)
def test_pyproject_errors_name_the_key_path(repo: Path, text: str, message: str) -> None:
    write(repo / "pyproject.toml", text)
    code, _, err = invoke(["check"])
    assert code == 2
    assert "pyproject.toml: " in err and message in err


def test_index_front_matter_errors_cite_the_index_line(repo: Path) -> None:
    write(
        repo / "seeds" / "INDEX.md", "---\nproject: x\nkickoff:\n  gate:\n    min_specs: x\n---\n"
    )
    code, _, err = invoke(["check"])
    assert code == 2
    assert "INDEX.md:5: kickoff.gate.min_specs: expected a whole number" in err
    write(repo / "seeds" / "INDEX.md", "---\nkickoff:\n  seeds_dir: other\n---\n")
    code, _, err = invoke(["check"])
    assert code == 2 and "INDEX.md:3: kickoff.seeds_dir" in err


def test_missing_config_file_and_unknown_disabled_rule(repo: Path) -> None:
    examples_in(repo)
    code, _, err = invoke(["check", "--config", "nope.yaml"])
    assert code == 2 and "nope.yaml: no such configuration file" in err
    write(repo / ".kickoff.yaml", "\nrules:\n  disable: [no.such-rule]\n")
    code, _, err = invoke(["check"])
    assert code == 2 and ".kickoff.yaml:3: rules.disable: no rule has the id 'no.such-rule'" in err


def test_config_sets_the_seeds_dir_and_options_override_it(repo: Path) -> None:
    shutil.copytree(EXAMPLES, repo / "docs")
    write(repo / ".kickoff.yaml", "seeds_dir: docs\ngate:\n  min_specs: 2\n")
    code, out, _ = invoke(["check", "--format", "json"])
    assert code == 1
    assert json.loads(out)["gate"]["required"] == 2
    code, out, _ = invoke(["check", "--format", "json", "--min-specs", "1"])
    assert code == 0


def test_waiver_turns_a_seed_into_a_spec_and_shows_its_reason(repo: Path) -> None:
    examples_in(repo)
    write(
        repo / ".kickoff.yaml",
        "gate:\n  min_specs: 2\nwaivers:\n"
        "  - seed: tide-app-brief.md\n    verdict: spec\n    reason: agreed in the kickoff call\n"
        "  - seed: gone.md\n    verdict: spec\n    reason: stale\n",
    )
    code, out, _ = invoke(["check"])
    assert code == 0
    assert "waived: judged partial, counted as spec: agreed in the kickoff call" in out
    assert ".kickoff.yaml:7: waiver names no seed: gone.md" in out
    code, out, _ = invoke(["check", "--format", "json"])
    seed = next(s for s in json.loads(out)["seeds"] if s["path"] == "tide-app-brief.md")
    assert seed["verdict"] == "spec"
    assert seed["waiver"] == {"verdict": "spec", "reason": "agreed in the kickoff call"}


def test_pyproject_min_specs_2_with_one_waived_spec_fails(repo: Path) -> None:
    seeds = examples_in(repo)
    (seeds / "tide-logger-spec.md").unlink()  # one spec only, and it is the waived one
    (seeds / "INDEX.md").write_text("# Seeds\n\n- tide-app-brief.md\n- harbour-news.txt\n")
    write(
        repo / "pyproject.toml",
        "[tool.kickoff.gate]\nmin_specs = 2\n\n[[tool.kickoff.waivers]]\n"
        'seed = "tide-app-brief.md"\nverdict = "spec"\nreason = "the client signed it off"\n',
    )
    code, out, _ = invoke(["check"])
    assert code == 1
    assert "the client signed it off" in out
    assert "1 spec seed(s), 2 required" in out


@needs_shared
def test_a_waiver_makes_the_real_seed_pass_the_gate(repo: Path) -> None:
    shutil.copytree(SHARED / "seeds", repo / "seeds")
    code, _, _ = invoke(["check"])
    assert code == 1
    reason = "the team agreed to treat the article as the brief"
    write(
        repo / ".kickoff.yaml",
        f"waivers:\n  - seed: {REAL_SEED}\n    verdict: spec\n    reason: {reason}\n",
    )
    code, out, _ = invoke(["check"])
    assert code == 0
    assert reason in out
    write(repo / "pyproject.toml", "[tool.kickoff.gate]\nmin_specs = 2\n")
    (repo / ".kickoff.yaml").rename(repo / "waivers.yaml")
    code, out, _ = invoke(["check"])
    assert code == 1  # pyproject alone: no waiver
    code, out, _ = invoke(["check", "--config", "waivers.yaml", "--min-specs", "2"])
    assert code == 1 and reason in out and "1 spec seed(s), 2 required" in out


def readme_block(section: str, lang: str, nth: int = 0) -> str:
    text = (EXAMPLES.parent.parent / "README.md").read_text(encoding="utf-8")
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{lang}\n(.*?)```", body, re.S)[nth]


def test_the_readme_examples_are_valid(repo: Path) -> None:
    """The documented pack, config file and pyproject table load as documented."""
    write(repo / "kickoff" / "team-rules.yaml", readme_block("Rule packs", "yaml"))
    write(repo / ".kickoff.yaml", readme_block("Configuration", "yaml"))
    shutil.copytree(EXAMPLES, repo / "docs" / "seeds")
    write(repo / "docs" / "seeds" / "client-brief.md", "# Brief\n\nMake us an app.\n")
    settings = resolve_settings()
    assert settings.min_specs == 2 and settings.waivers[0].seed == "client-brief.md"
    ruleset = settings.check_options().ruleset
    assert ruleset is not None and "team.no-budget" in ruleset.by_id()
    (repo / ".kickoff.yaml").unlink()
    write(repo / "pyproject.toml", readme_block("Configuration", "toml"))
    assert resolve_settings().waivers == settings.waivers
    for text in (readme_block("Waivers", "yaml"),):
        assert read_config(write(repo / "w.yaml", text)).values["waivers"][0].verdict == "spec"


def _alias_bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "rules:\n  disable:\n" + "".join(f"    - {line.split(': ', 1)[1]}\n" for line in lines)


@pytest.mark.parametrize(
    "text",
    [
        _alias_bomb(),  # 9**9 names once expanded: the checks walked them for minutes, in GBs
        "rules: {disable: &a [*a]}\n",  # an alias inside itself: a RecursionError (exit 3)
    ],
)
def test_a_config_file_that_yaml_aliases_blow_up_is_refused(repo: Path, text: str) -> None:
    config = repo / "bomb.yaml"
    config.write_text(text, encoding="utf-8")
    code, _, err = invoke(["rules", "--config", str(config)])
    assert code == 2, err
    assert "bomb.yaml: expands to too many values (YAML aliases?); not read" in err


def test_a_config_file_may_share_a_value_through_an_alias(repo: Path) -> None:
    config = repo / "shared.yaml"
    config.write_text(
        "gate: &g {min_specs: 2}\nrules: {disable: &d [news.dateline]}\n", encoding="utf-8"
    )
    assert read_config(config).values["gate.min_specs"] == 2


def test_thousands_of_waivers_are_read_with_their_lines(repo: Path) -> None:
    # libyaml composes them (the pure-Python composer took 3 s for 10,000); lines stay exact
    waivers = "".join(
        f"  - seed: s{i}.md\n    verdict: spec\n    reason: r{i}\n" for i in range(5000)
    )
    config = repo / "many.yaml"
    config.write_text("waivers:\n" + waivers, encoding="utf-8")
    layer = read_config(config)
    assert len(layer.values["waivers"]) == 5000
    assert layer.values["waivers"][-1].reason == "r4999"
    config.write_text(
        "waivers:\n" + waivers + "  - seed: late.md\n    verdict: maybe\n    reason: x\n"
    )
    code, _, err = invoke(["rules", "--config", str(config)])
    assert code == 2 and f"many.yaml:{2 + 3 * 5000 + 1}: waivers[5000].verdict" in err, err
