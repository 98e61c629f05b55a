"""`kickoff rules`: the active rules and the packs they come from, as text or JSON."""

from __future__ import annotations

import json
from typing import Any

from seed_kickoff.rules import Rule, RuleSet


def rule_dict(rule: Rule, ruleset: RuleSet) -> dict[str, Any]:
    return {
        "id": rule.id,
        "pack": rule.pack,
        "pack_file": ruleset.pack_files.get(rule.pack),
        "dimension": rule.dimension,
        "genre": rule.genre,
        "smell": rule.smell,
        "weight": rule.weight,
        "cap": rule.cap,
        "scope": list(rule.scope),
        "message": rule.message,
    }


def render_rules_json(ruleset: RuleSet) -> str:
    data = {
        "packs": [{"name": name, "file": ruleset.pack_files[name]} for name in ruleset.packs],
        "rules": [rule_dict(rule, ruleset) for rule in ruleset.rules],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_rules_text(ruleset: RuleSet) -> str:
    out: list[str] = []
    for name in ruleset.packs:
        rules = [rule for rule in ruleset.rules if rule.pack == name]
        out.append(f"{name} ({ruleset.pack_files[name]}): {len(rules)} rule(s)")
        width = max([len(rule.id) for rule in rules] + [2])
        for rule in rules:
            out.append(
                f"  {rule.id:<{width}}  {rule.target:<28} weight {rule.weight:5.2f}  "
                f"cap {rule.cap}  scope {','.join(rule.scope)}  {rule.message}"
            )
    out.append(f"{len(ruleset.rules)} active rule(s) in {len(ruleset.packs)} pack(s)")
    return "\n".join(out) + "\n"
