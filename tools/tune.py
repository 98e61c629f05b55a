"""Tune the verdict thresholds on a labelled corpus, honestly: in-corpus and leave-one-source-out.

    python tools/tune.py ../shared/corpus [--fit] [--show]

Rule hit counts are cached per rule definition (tools/.cache/), so changing weights or thresholds
re-judges in a second; only rules whose patterns change are re-scanned (2 processes). The
verdict thresholds in packs/model.yaml can be fitted by a small grid search (--fit): leave-one-
source-out fits them on every source but one and judges the one left out, which estimates how the
thresholds generalise to documents from sources absent from the corpus. Nothing here runs at
kickoff's run time; the result is numbers you copy into packs/model.yaml.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import pickle
import sys
from collections import Counter
from dataclasses import replace
from multiprocessing import Pool
from pathlib import Path

from seed_kickoff.analyse import analyse
from seed_kickoff.evaluate import LABELS, read_labels
from seed_kickoff.judge import JudgeModel, count_words, decide, load_model, measure
from seed_kickoff.language import guess_language
from seed_kickoff.loader import load_seed
from seed_kickoff.rules import Rule, RuleSet, load_rules

CACHE = Path(__file__).resolve().parent / ".cache" / "hits.pkl"
CLASS = {"spec": "spec", "partial": "partial", "non-spec": "nonspec"}

# The grid searched by --fit (kept small: leave-one-source-out refits it once per source).
GRID = {
    "spec_min_evidence": [8.0, 10.0, 11.5, 12.0, 14.0],
    "spec_min_clear": [0, 1, 2],
    "partial_min_evidence": [2.0, 3.0, 4.0, 5.0],
    "partial_min_clear": [0, 1],
    "nonspec_factor": [2.0, 3.0],
    "per_kword": [0.0, 0.5, 1.0],
    "partial_per_kword": [0.0, 2.0, 3.0, 4.0],
}


def rule_key(rule: Rule) -> str:
    parts = [p.pattern + str(p.flags) for p in rule.patterns]
    parts.append(rule.unless.pattern if rule.unless else "")
    parts.append(",".join(rule.scope))
    return hashlib.sha1("\x00".join(parts).encode()).hexdigest()


_CORPUS: Path | None = None
_RULES: list[Rule] = []


def _init(corpus: Path, rules: list[Rule]) -> None:
    global _CORPUS, _RULES
    _CORPUS, _RULES = corpus, rules


def _scan(rel: str) -> tuple[str, dict[str, int], str, bool]:
    assert _CORPUS is not None
    doc = load_seed(_CORPUS / "docs", rel)
    hits = dict(analyse(doc, RuleSet(rules=_RULES)).hits) if doc.problem is None else {}
    lang = guess_language(doc.text).language if doc.problem is None else "und"
    return rel, hits, (lang, count_words(doc.text)), doc.problem is not None


def collect(
    corpus: Path, files: list[str], ruleset: RuleSet
) -> dict[str, tuple[dict[str, int], tuple[str, int], bool]]:
    cache: dict = pickle.loads(CACHE.read_bytes()) if CACHE.exists() else {}
    by_key = cache.setdefault("rules", {})  # rule key -> {file: hits}
    meta = cache.setdefault("meta", {})  # file -> ((language, words), problem)
    missing = [r for r in ruleset.rules if rule_key(r) not in by_key]
    todo = files if missing or any(f not in meta for f in files) else []
    if todo:
        print(f"scanning {len(missing)} changed rule(s) over {len(todo)} docs", file=sys.stderr)
        with Pool(2, initializer=_init, initargs=(corpus, missing)) as pool:
            for rel, hits, lang, problem in pool.imap_unordered(_scan, todo, chunksize=4):
                meta[rel] = (lang, problem)
                for rule in missing:
                    by_key.setdefault(rule_key(rule), {})[rel] = hits.get(rule.id, 0)
        CACHE.parent.mkdir(exist_ok=True)
        CACHE.write_bytes(pickle.dumps(cache))
    out = {}
    for f in files:
        hits = {r.id: by_key[rule_key(r)].get(f, 0) for r in ruleset.rules}
        out[f] = ({k: v for k, v in hits.items() if v}, *meta[f])
    return out


def predict(data, rules: dict[str, Rule], model: JudgeModel) -> dict[str, tuple[str, object]]:
    out = {}
    for f, (hits, (lang, words), problem) in data.items():
        if problem:
            out[f] = ("nonspec", None)
            continue
        m = measure(hits, rules, model, words)
        verdict, _ = decide(m, model)
        if verdict != "spec" and lang not in ("en", "und") and m.family != "non-spec":
            out[f] = ("nonspec", m)  # unsupported
        else:
            out[f] = (CLASS[verdict], m)
    return out


def metrics(labels: dict[str, str], preds: dict[str, str]) -> dict[str, float]:
    n = len(labels)
    right = sum(labels[f] == preds[f] for f in labels)
    specs = [f for f in labels if labels[f] == "spec"]
    return {
        "accuracy": right / n if n else 0.0,
        "spec_recall": sum(preds[f] == "spec" for f in specs) / len(specs) if specs else 1.0,
        "false_passes": sum(labels[f] == "nonspec" and preds[f] == "spec" for f in labels),
    }


def objective(labels: dict[str, str], preds: dict[str, str]) -> float:
    m = metrics(labels, preds)
    return m["accuracy"] + 0.5 * m["spec_recall"] - 0.3 * m["false_passes"]


def fit(data, labels, rules, model, files) -> JudgeModel:
    """The grid point that does best on ``files``; measures are computed once per document."""
    measures = {
        f: measure(data[f][0], rules, model, data[f][1][1]) for f in files if not data[f][2]
    }
    best, best_score = model, float("-inf")
    keys = list(GRID)
    for values in itertools.product(*(GRID[k] for k in keys)):
        params = dict(zip(keys, values, strict=True))
        factor = params.pop("nonspec_factor")
        candidate = replace(model, nonspec_factor=1.0, **params)
        preds = {}
        for f in files:
            m = measures.get(f)
            if m is None:
                preds[f] = "nonspec"
                continue
            net = m.spec_evidence - factor * m.against / model.nonspec_factor
            verdict, _ = decide(replace(m, net=net), candidate)
            preds[f] = CLASS[verdict]
        score = objective({f: labels[f] for f in files}, preds)
        if score > best_score:
            best, best_score = replace(candidate, nonspec_factor=factor), score
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--fit", action="store_true", help="grid-search the verdict thresholds")
    parser.add_argument("--show", action="store_true", help="list every misjudged document")
    args = parser.parse_args()
    labelled = read_labels(args.corpus)
    labels = {d.file: d.label for d in labelled}
    source = {d.file: d.file.split("__")[0] for d in labelled}
    ruleset = load_rules()
    rules = ruleset.by_id()
    model = load_model()
    data = collect(args.corpus, list(labels), ruleset)

    preds = predict(data, rules, model)
    classes = {f: p[0] for f, p in preds.items()}
    print("in-corpus (model.yaml as is):", _fmt(metrics(labels, classes)))
    matrix = Counter((labels[f], classes[f]) for f in labels)
    for label in LABELS:
        print(f"  {label:<8}", "".join(f"{matrix[label, p]:>6}" for p in LABELS))
    genre_map = model.genre_map
    agree = [
        preds[f][1].genre in genre_map.get(d.genre or "", ())
        for d in labelled
        for f in [d.file]
        if d.label == "nonspec" and genre_map.get(d.genre or "") and preds[f][1] is not None
    ]
    print(f"  genre agreement on non-spec: {sum(agree)}/{len(agree)}")

    if args.fit:
        fitted = fit(data, labels, rules, model, list(labels))
        print("fitted on all:", {k: getattr(fitted, k) for k in GRID})
        print(
            "  in-corpus:",
            _fmt(metrics(labels, {f: p[0] for f, p in predict(data, rules, fitted).items()})),
        )
        loso: dict[str, str] = {}
        for held in sorted(set(source.values())):
            train = [f for f in labels if source[f] != held]
            test = {f: data[f] for f in labels if source[f] == held}
            sub = fit(data, labels, rules, model, train)
            loso.update({f: p[0] for f, p in predict(test, rules, sub).items()})
        print("leave-one-source-out:", _fmt(metrics(labels, loso)))

    if args.show:
        for d in labelled:
            f = d.file
            if classes[f] != labels[f]:
                m = preds[f][1]
                detail = (
                    f"net {m.net:.1f} ev {m.spec_evidence:.1f} against {m.against:.1f} "
                    f"clear {len(m.clear)} genre {m.genre}"
                    if m
                    else "unreadable"
                )
                print(f"  {labels[f]:>8} -> {classes[f]:<8} {f:<50} {detail}")


def _fmt(m: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in m.items())


if __name__ == "__main__":
    main()
