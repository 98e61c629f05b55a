#!/usr/bin/env python3
"""Write src/seed_kickoff/packs/plans.json and prefilters.json: the scanner's plans of the built-in
packs' patterns, and the plans' Hyperscan translations.

    python tools/write_plans.py

Run it after changing a pattern in a built-in pack, the planner (scanplan.py) or the translation
(prefilter.py); the test tests/test_analyse_scanner.py::test_shipped_plans_are_current fails until
then. Without the files, or with stale ones, kickoff computes the plans at start-up (and the
translations when a large run asks for them): same signals, slower start.
"""

from __future__ import annotations

import json

from seed_kickoff.rules import load_rules
from seed_kickoff.scanplan import (
    PLAN_FORMAT,
    SHIPPED_PLANS,
    SHIPPED_PREFILTERS,
    PatternPlan,
    compute_plan,
    plan_to_data,
)


def computed() -> dict[tuple[str, int], PatternPlan]:
    """The plan of every pattern of the built-in packs, computed now."""
    patterns = {(source, rule.flags) for rule in load_rules().rules for source in rule.sources}
    return {key: compute_plan(*key) for key in sorted(patterns)}


def current_plans() -> dict[str, object]:
    return {
        "format": PLAN_FORMAT,
        "plans": [plan_to_data(source, planned) for (source, _), planned in computed().items()],
    }


def current_prefilters() -> dict[str, object]:
    translations = {(p.source, p.flags): p.translated() for p in computed().values()}
    return {
        "format": PLAN_FORMAT,
        "prefilters": [[*key, translation] for key, translation in sorted(translations.items())],
    }


def render(data: dict[str, object], key: str) -> str:
    """One entry a line: a pattern's change is a one-line diff."""
    entries = ",\n".join(json.dumps(entry, ensure_ascii=False) for entry in data[key])  # type: ignore[attr-defined]
    return f'{{"format": {data["format"]}, "{key}": [\n{entries}\n]}}\n'


def main() -> None:
    SHIPPED_PLANS.write_text(render(current_plans(), "plans"), encoding="utf-8")
    SHIPPED_PREFILTERS.write_text(render(current_prefilters(), "prefilters"), encoding="utf-8")
    print(f"wrote {SHIPPED_PLANS} and {SHIPPED_PREFILTERS}")


if __name__ == "__main__":
    main()
