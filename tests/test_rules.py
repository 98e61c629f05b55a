"""Rule packs are data: built-in packs load, and every mistake names the pack file and rule id."""

from __future__ import annotations

from pathlib import Path

import pytest

from seed_kickoff.errors import RulePackError
from seed_kickoff.model import DIMENSIONS
from seed_kickoff.rules import load_pack, load_rules


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pack.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_packs_load_with_unique_ids_covering_every_dimension() -> None:
    ruleset = load_rules()
    ids = [rule.id for rule in ruleset.rules]
    assert len(ids) == len(set(ids))
    assert {rule.dimension for rule in ruleset.rules if rule.dimension} == set(DIMENSIONS)
    assert any(rule.genre == "news-article" for rule in ruleset.rules)


def test_a_user_pack_loads(tmp_path: Path) -> None:
    pack = write(
        tmp_path,
        "pack: team\nrules:\n  - id: team.sla\n    dimension: performance\n"
        "    pattern: '\\bsla\\b'\n    weight: 2\n    message: names an SLA\n",
    )
    name, rules = load_pack(pack)
    assert name == "team" and rules[0].weight == 2.0 and rules[0].dimension == "performance"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("    pattern: '(unclosed'\n", "invalid regular expression"),
        ("    pattern: 'x'\n    colour: red\n", "unknown field"),
        ("    pattern: 'x'\n    dimension: speed\n", "unknown dimension"),
        ("    weight: 1\n", "needs 'pattern'"),
        ("    pattern: 'x'\n    scope: [margin]\n", "'scope'"),
    ],
)
def test_mistakes_name_the_pack_and_rule(tmp_path: Path, body: str, expected: str) -> None:
    text = "rules:\n  - id: team.bad\n    message: m\n"
    if "dimension:" not in body:
        text += "    dimension: goal\n"
    pack = write(tmp_path, text + body)
    with pytest.raises(RulePackError) as raised:
        load_pack(pack)
    message = str(raised.value)
    assert str(pack) in message and "team.bad" in message and expected in message


def test_known_genres_refuse_a_rule_of_another_genre(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    pack = write(
        tmp_path,
        "rules:\n  - id: team.poem\n    genre: poem\n    pattern: verse\n    message: m\n",
    )
    assert load_pack(pack, known_genres={"poem"})[1][0].genre == "poem"
    for builtin in (False, True):  # a built-in pack's rules come from the parse cache
        with pytest.raises(RulePackError, match=r"team\.poem.*unknown genre 'poem'"):
            load_pack(pack, known_genres={"essay"}, builtin=builtin)
    with pytest.raises(RulePackError, match="unknown genre 'news-article'"):
        load_rules(known_genres={"essay"})


def test_duplicate_ids_across_packs_are_refused(tmp_path: Path) -> None:
    pack = write(
        tmp_path,
        "rules:\n  - id: goal.heading\n    dimension: goal\n    pattern: x\n    message: m\n",
    )
    with pytest.raises(RulePackError, match="duplicate id"):
        load_rules([pack])


def test_disable_removes_rules_and_refuses_unknown_ids() -> None:
    assert "goal.heading" not in load_rules(disable=["goal.heading"]).by_id()
    with pytest.raises(RulePackError, match="unknown rule"):
        load_rules(disable=["no.such.rule"])


def test_by_id_follows_changes_to_the_rules() -> None:
    ruleset = load_rules()
    first = ruleset.rules[0]
    assert ruleset.by_id()[first.id] is first
    ruleset.rules = ruleset.rules[1:]  # as --disable and a config's disable do
    assert first.id not in ruleset.by_id()
    ruleset.rules.append(first)  # changed in place
    assert ruleset.by_id()[first.id] is first
    assert len(ruleset.by_id()) == len(ruleset.rules)
