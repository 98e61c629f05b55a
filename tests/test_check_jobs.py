"""``check --jobs N`` judges in processes and reports exactly what one process does, in order."""

from __future__ import annotations

import json

from conftest import MakeSeeds
from test_cli_check import invoke


def test_jobs_give_the_same_report_in_the_same_order(make_seeds: MakeSeeds) -> None:
    files: dict[str, str | bytes] = {
        f"seed-{n:02d}.md": f"# Tool {n}\n\nThe service must return JSON within {n} ms.\n"
        for n in range(12)
    }
    files["broken.txt"] = b"\x00\x01binary\xff"
    files["INDEX.md"] = "\n".join(f"- [s{n}](seed-{n:02d}.md)" for n in reversed(range(12)))
    seeds = make_seeds(files)
    one = invoke(["check", str(seeds), "--format", "json"])
    many = invoke(["check", str(seeds), "--format", "json", "--jobs", "3"])
    assert one == many
    paths = [seed["path"] for seed in json.loads(many[1])["seeds"]]
    assert paths[:12] == [f"seed-{n:02d}.md" for n in reversed(range(12))]


def test_jobs_must_be_positive(make_seeds: MakeSeeds) -> None:
    code, _, err = invoke(["check", str(make_seeds({"a.md": "# A\n"})), "--jobs", "0"])
    assert code == 2 and "jobs" in err
