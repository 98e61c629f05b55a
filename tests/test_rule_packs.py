"""User rule packs: their rules become signals; every mistake is exit 2 naming pack and rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import EXAMPLES
from test_cli_check import invoke

TEAM_PACK = """\
pack: team
description: words our team uses for its users
rules:
  - id: team.club-members
    dimension: users
    pattern: '\\bsailing club\\b'
    weight: 1.5
    message: names the club as the users
"""


def pack(tmp_path: Path, text: str, name: str = "team.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def signal_rules(out: str, seed: str) -> set[str]:
    data = json.loads(out)
    found = next(s for s in data["seeds"] if s["path"] == seed)
    return {signal["rule"] for signal in found["signals"]}


def test_a_user_rule_shows_up_among_the_signals(tmp_path: Path) -> None:
    team = pack(tmp_path, TEAM_PACK)
    code, out, _ = invoke(["check", str(EXAMPLES), "--format", "json"])
    assert "team.club-members" not in signal_rules(out, "tide-app-brief.md")
    code, out, _ = invoke(["check", str(EXAMPLES), "--format", "json", "--rules", str(team)])
    assert code == 0
    assert "team.club-members" in signal_rules(out, "tide-app-brief.md")
    code, out, _ = invoke(["explain", str(EXAMPLES / "tide-app-brief.md"), "--rules", str(team)])
    assert "team.club-members" in out


def test_a_pack_from_the_config_file_and_a_disabled_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "packs").mkdir()
    pack(tmp_path / "packs", TEAM_PACK)
    (tmp_path / ".kickoff.yaml").write_text(
        f"seeds_dir: {EXAMPLES}\nrules:\n  packs: [packs/team.yaml]\n  disable: [news.dateline]\n"
    )
    monkeypatch.chdir(tmp_path)
    code, out, _ = invoke(["check", "--format", "json"])
    assert "team.club-members" in signal_rules(out, "tide-app-brief.md")
    assert "news.dateline" not in signal_rules(out, "harbour-news.txt")
    code, out, _ = invoke(["rules", "--format", "json"])
    assert code == 0
    data = json.loads(out)
    ids = {rule["id"]: rule for rule in data["rules"]}
    assert "news.dateline" not in ids
    assert ids["team.club-members"]["pack"] == "team"
    assert ids["team.club-members"]["dimension"] == "users"
    assert ids["team.club-members"]["weight"] == 1.5
    assert ids["team.club-members"]["pack_file"] == "packs/team.yaml"
    assert {"name": "team", "file": "packs/team.yaml"} in data["packs"]
    code, out, _ = invoke(["rules"])
    assert out.startswith("settings from: .kickoff.yaml\n")


def test_rules_lists_every_builtin_rule_with_pack_and_weight() -> None:
    code, out, _ = invoke(["rules"])
    assert code == 0
    assert out.startswith("settings from: ")
    assert "news.dateline" in out and "genre:news-article" in out
    assert "spec (" in out and "genres (" in out and "smells (" in out
    assert "weight" in out and "active rule(s) in 3 pack(s)" in out


def bad_rule(extra: str, pattern: str = "'x'") -> str:
    return (
        "rules:\n  - id: team.bad\n    dimension: goal\n"
        f"    pattern: {pattern}\n    message: m\n{extra}"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (bad_rule("", "'(unclosed'"), "rule 'team.bad': invalid regular expression '(unclosed'"),
        (bad_rule("    colour: red\n"), "rule 'team.bad': unknown field(s): colour"),
        (bad_rule("    dimension: goals\n"), "rule 'team.bad'"),
        (bad_rule("    weight: heavy\n"), "rule 'team.bad': 'weight' must be a number"),
        (
            TEAM_PACK.replace("team.club-members", "news.dateline"),
            "rule 'news.dateline': duplicate id (already defined in",
        ),
        ("rules:\n  - id: team.x\n    dimension: [\n", "not valid YAML"),
        ("pack: team\nrulez: []\n", "unknown top-level key(s): rulez"),
        ("pack: genres\nrules: []\n", "pack name 'genres' is already used"),
    ],
)
def test_pack_mistakes_are_exit_2_naming_the_pack_and_rule(
    tmp_path: Path, text: str, message: str
) -> None:
    team = pack(tmp_path, text)
    for command in (["check", str(EXAMPLES)], ["rules"]):
        code, out, err = invoke([*command, "--rules", str(team)])
        assert code == 2
        assert str(team) in err and message in err
        assert "Traceback" not in err and out == ""


def test_a_missing_pack_and_an_unknown_disabled_id_are_exit_2(tmp_path: Path) -> None:
    code, _, err = invoke(["check", str(EXAMPLES), "--rules", str(tmp_path / "none.yaml")])
    assert code == 2 and "none.yaml: cannot read rule pack" in err
    code, _, err = invoke(["check", str(EXAMPLES), "--disable", "no.such"])
    assert code == 2 and "no rule has the id 'no.such'" in err


SMELL_RULE = """\
rules:
  - id: team.open
    smell: placeholder
    pattern: 'tbd'
    message: still open
"""


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("    weight: .nan\n", "'weight' must be a finite number, got nan"),
        ("    weight: -.inf\n", "'weight' must be a finite number, got -inf"),
        # Attribute access used to end in an AttributeError (exit 3) once a seed matched; a
        # format spec could build a string of a gigabyte.
        ('    question: "{text.upper} at {line}"\n', "got {text.upper}"),
        ('    question: "line {line:>999999999}"\n', "got {line:>999999999}"),
        ('    question: "{0} {line}"\n', "got {0}"),
        ('    question: "{line!x}"\n', "got {line!x}"),  # formatting it raised ValueError
        ('    question: "line {line"\n', "'question' is not a valid template"),
    ],
)
def test_a_bad_weight_or_question_template_is_exit_2_at_load(
    tmp_path: Path, extra: str, expected: str
) -> None:
    team = pack(tmp_path, SMELL_RULE + extra)
    for args in (["rules"], ["questions", str(EXAMPLES), "--no-cache"]):
        code, _, err = invoke([*args, "--rules", str(team)])
        assert code == 2, err
        assert "rule 'team.open'" in err and expected in err
        assert "internal error" not in err


def test_a_question_template_with_line_and_quoted_text_is_used(tmp_path: Path) -> None:
    team = pack(tmp_path, SMELL_RULE + '    question: "{text!r} on line {line}: who fills it?"\n')
    code, out, err = invoke(["questions", str(EXAMPLES), "--no-cache", "--rules", str(team)])
    assert code == 0, err
    assert "'TBD' on line 12: who fills it?" in out


def _alias_bomb(key: str) -> str:
    lines = ['&a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    return f"    {key}:\n" + "".join(f"      - {line}\n" for line in lines)


@pytest.mark.parametrize(
    "text",
    [
        # 9**9 values once expanded, in a field whose error message printed it: minutes, GBs.
        "rules:\n  - id: team.q\n" + _alias_bomb("dimension") + "    pattern: x\n    message: m\n",
        "pack: &p [*p]\nrules: []\n",  # an alias holding itself
    ],
)
def test_a_pack_that_yaml_aliases_blow_up_is_refused(tmp_path: Path, text: str) -> None:
    team = pack(tmp_path, text)
    code, _, err = invoke(["rules", "--rules", str(team)])
    assert code == 2, err
    assert "team.yaml: expands to too many values (YAML aliases?); not read" in err


def test_a_pack_name_that_is_not_text_is_refused(tmp_path: Path) -> None:
    team = pack(tmp_path, TEAM_PACK.replace("pack: team", "pack: [team]"))
    code, _, err = invoke(["rules", "--rules", str(team)])
    assert code == 2 and "'pack' must be the pack's name, as text" in err
