"""bench/run.py builds its seed trees as documented (its timings are printed, never asserted)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

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
