"""bench/run.py builds its seed trees as documented (its timings are printed, never asserted)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH = Path(__file__).resolve().parent.parent / "bench" / "run.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_synthetic_set_and_tree(tmp_path: Path) -> None:
    bench = load_bench()
    docs = bench.synthetic_docs(tmp_path / "synthetic", count=3)
    assert len(docs) == 3 and all(doc.stat().st_size >= 13_000 for doc in docs)
    assert docs[0].read_text(encoding="utf-8") != docs[1].read_text(encoding="utf-8")
    again = bench.synthetic_docs(tmp_path / "again", count=3)
    assert [d.read_bytes() for d in docs] == [d.read_bytes() for d in again]  # same every run
    total = bench.build_tree(docs, 7, tmp_path / "tree")
    files = sorted((tmp_path / "tree").iterdir())
    assert len(files) == 7 and total == sum(f.stat().st_size for f in files)


def test_target_lines_say_which_targets_are_met() -> None:
    bench = load_bench()
    run = bench.Run
    rows = {
        100: (run(0.05, 0.05, 20.0, 0), run(0.3, 0.3, 30.0, 0)),
        1000: (run(0.25, 0.25, 20.0, 0), run(1.0, 1.0, 35.0, 0)),  # 4x in one process
        10000: (run(2.5, 2.5, 20.0, 0), run(10.0, 10.0, 38.0, 0)),
    }
    megabytes = {100: 1.0, 1000: 10.0, 10000: 100.0}
    pooled = run(0.7, 1.1, 35.0, 0)  # 2.8x with the pool
    lines = bench.target_lines(
        run(0.04, 0.04, 10.0, 0), run(0.07, 0.07, 30.0, 0), rows, megabytes, 1000, pooled
    )
    by_name = {line.split("  ")[0]: line for line in lines}
    assert by_name["throughput, one process (CPU)"].endswith("NOT MET")
    assert " 4.00x" in by_name["throughput, one process (CPU)"]
    assert by_name["throughput, default --jobs (wall)"].endswith(" met")
    assert by_name["start-up, check of one seed (wall)"].endswith("NOT MET")  # 1.75x
    assert by_name["peak RSS, 1000 seeds"].endswith(" met")
    assert by_name["peak RSS, 10000 / 1000 seeds (flat)"].endswith(" met")
    assert by_name["CPU per MB, 10000 / 1000 seeds (linear)"].endswith(" met")
    assert len(lines) == 6


def test_commands_take_turns(monkeypatch: Any) -> None:
    """Each round runs every command once, in order: a slow spell of the machine slows all."""
    bench = load_bench()
    order: list[str] = []

    def fake_run(command: list[str]) -> Any:
        order.append(command[0])
        return bench.Run(wall=float(len(order)), cpu=1.0, rss_mb=1.0, code=0)

    monkeypatch.setattr(bench, "run", fake_run)
    runs = bench.in_turn([["a"], ["b"], ["c"]], 2)
    assert order == ["a", "b", "c", "a", "b", "c"]
    assert [[r.wall for r in timed] for timed in runs] == [[1, 4], [2, 5], [3, 6]]
    assert [r.wall for r in bench.best_in_turn([["a"], ["b"]], 2)] == [7, 8]
