#!/usr/bin/env python3
"""Write src/seed_kickoff/packs/plans.json: the scanner's plans of the built-in packs' patterns.

    python tools/write_plans.py

Run it after changing a pattern in a built-in pack or the planner (scanplan.py); the test
tests/test_analyse_scanner.py::test_shipped_plans_are_current fails until then. Without the file,
or with a stale one, kickoff computes the plans at start-up: same signals, slower start.
"""

from __future__ import annotations

import json

from seed_kickoff.rules import load_rules
from seed_kickoff.scanplan import PLAN_FORMAT, SHIPPED_PLANS, compute_plan, plan_to_data


def current_plans() -> dict[str, object]:
    patterns = sorted(
        {(source, rule.flags) for rule in load_rules().rules for source in rule.sources}
    )
    return {
        "format": PLAN_FORMAT,
        "plans": [plan_to_data(source, compute_plan(source, flags)) for source, flags in patterns],
    }


def render(plans: dict[str, object]) -> str:
    """One plan a line: a pattern's change is a one-line diff."""
    entries = ",\n".join(json.dumps(entry, ensure_ascii=False) for entry in plans["plans"])  # type: ignore[attr-defined]
    return f'{{"format": {plans["format"]}, "plans": [\n{entries}\n]}}\n'


def main() -> None:
    SHIPPED_PLANS.write_text(render(current_plans()), encoding="utf-8")
    print(f"wrote {SHIPPED_PLANS}")


if __name__ == "__main__":
    main()
