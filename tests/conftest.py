"""Shared fixtures. Tests that need ../shared skip when it is not beside the repo."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

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
