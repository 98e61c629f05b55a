"""Smell precision on the spec seeds of a labelled corpus: draw a sample of flags, score labels.

    python bench/smells/sample.py ../shared/corpus            # write sample.csv (deterministic)
    python bench/smells/sample.py ../shared/corpus --show     # the sample with its lines, to label
    python bench/smells/sample.py ../shared/corpus --score    # precision of labels.csv on the sample

With ``--pack packs/v1.yaml`` the same runs use an earlier draft of the smell rules instead of the
shipped ones (sample-v1.csv), to show what tuning changed.

The sample lists file, line, rule and flagged word only, never the corpus text. labels.csv holds
one row per labelled flag (file, line, rule, flag, label, reason) with label ``smell`` (a true
smell: the word leaves a requirement vague) or ``false`` (a false alarm). Labels are kept across
runs; --score fails when a flag of the sample has no label yet.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

from seed_kickoff.analyse import analyse
from seed_kickoff.loader import load_seed
from seed_kickoff.rules import RuleSet, load_pack, load_rules

HERE = Path(__file__).resolve().parent
SAMPLE = HERE / "sample.csv"
LABELS = HERE / "labels.csv"
SIZE = 120
SEED = 4  # the random seed of the sample: the same corpus and rules give the same sample
# Smells are asked in spec and partial seeds, so both are measured.
LABELS_USED = ("spec", "partial")
FIELDS = ["file", "line", "rule", "flag"]


def spec_files(corpus: Path) -> list[str]:
    with (corpus / "labels.csv").open(encoding="utf-8") as handle:
        return sorted(row["file"] for row in csv.DictReader(handle) if row["label"] in LABELS_USED)


def all_flags(corpus: Path, smells: RuleSet) -> list[dict[str, str]]:
    flags = []
    for name in spec_files(corpus):
        doc = load_seed(corpus / "docs", name)
        for signal in analyse(doc, smells).signals:
            flags.append(
                {"file": name, "line": str(signal.line), "rule": signal.rule, "flag": signal.text}
            )
    return flags


def key(row: dict[str, str]) -> tuple[str, str, str, str]:
    return (row["file"], row["line"], row["rule"], row["flag"].lower())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--show", action="store_true", help="print each flag with its lines")
    parser.add_argument("--score", action="store_true", help="precision of the labelled sample")
    parser.add_argument("--pack", type=Path, help="a smells pack to use instead of the shipped one")
    args = parser.parse_args()
    rules = load_pack(args.pack)[1] if args.pack else load_rules().rules
    smells = RuleSet(rules=[rule for rule in rules if rule.smell])
    sample_file = HERE / f"sample-{args.pack.stem}.csv" if args.pack else SAMPLE
    flags = all_flags(args.corpus, smells)
    sample = sorted(random.Random(SEED).sample(flags, min(SIZE, len(flags))), key=key)
    per_rule: dict[str, int] = {}
    for row in flags:
        per_rule[row["rule"]] = per_rule.get(row["rule"], 0) + 1
    print(
        f"{len(flags)} flags in {len(spec_files(args.corpus))} spec and partial seeds: {per_rule}"
    )
    if args.show:
        labels = read_labels()
        for row in sample:
            if key(row) in labels:
                continue
            lines = load_seed(args.corpus / "docs", row["file"]).lines
            n = int(row["line"])
            print(f"\n== {row['file']}:{n} {row['rule']} [{row['flag']}]")
            for i in range(max(1, n - 2), min(len(lines), n + 1) + 1):
                print(f"{'>' if i == n else ' '}{i:5} {lines[i - 1][:220]}")
        return 0
    if args.score:
        labels = read_labels()
        missing = [row for row in sample if key(row) not in labels]
        if missing:
            print(
                f"{len(missing)} flag(s) of the sample have no label; run --show", file=sys.stderr
            )
            return 1
        true = sum(1 for row in sample if labels[key(row)]["label"] == "smell")
        print(f"precision: {true}/{len(sample)} = {true / len(sample):.1%}")
        by_rule: dict[str, list[int]] = {}
        for row in sample:
            counts = by_rule.setdefault(row["rule"], [0, 0])
            counts[0] += labels[key(row)]["label"] == "smell"
            counts[1] += 1
        for rule, (good, total) in sorted(by_rule.items()):
            print(f"  {rule:28} {good}/{total}")
        return 0
    with sample_file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(sample)
    print(f"wrote {len(sample)} flags to {sample_file.name}")
    return 0


def read_labels() -> dict[tuple[str, str, str, str], dict[str, str]]:
    if not LABELS.exists():
        return {}
    with LABELS.open(encoding="utf-8") as handle:
        return {key(row): row for row in csv.DictReader(handle)}


if __name__ == "__main__":
    sys.exit(main())
