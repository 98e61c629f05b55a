"""Shared fixtures. Tests that need ../shared skip when it is not beside the repo."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from seed_kickoff.cache import EntryFile

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
EXAMPLES = REPO / "examples" / "seeds"

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not beside the repo")

MakeSeeds = Callable[..., Path]


@pytest.fixture
def make_seeds(tmp_path: Path) -> MakeSeeds:
    """Write ``{relative path: text or bytes}`` into a fresh seeds dir and return it."""

    def make(files: dict[str, str | bytes], name: str = "seeds") -> Path:
        root = tmp_path / name
        root.mkdir(parents=True, exist_ok=True)
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return make


# A module that keeps compiled code in a cache.EntryFile (``module._store``), as processes see it.


def fresh_store(monkeypatch: pytest.MonkeyPatch, module: ModuleType) -> None:
    """The module's entries as a new process finds them: nothing read or added yet."""
    old: EntryFile = module._store
    store = EntryFile(old.family, old.stamp, old.limit, old.usable)
    monkeypatch.setattr(module, "_store", store)


def new_process(monkeypatch: pytest.MonkeyPatch, module: ModuleType) -> None:
    """What the next run sees: the entries written at exit, nothing in memory."""
    module._store.save()
    fresh_store(monkeypatch, module)


def store_file(home: Path, module: ModuleType) -> Path:
    """The module's file in the cache directory ``home``."""
    (path,) = home.glob(f"{module._store.family}-*.marshal")
    return path
