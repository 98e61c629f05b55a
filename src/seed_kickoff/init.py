"""`kickoff init`: scaffold seeds/INDEX.md and .kickoff.yaml from templates; never overwrite."""

from __future__ import annotations

from dataclasses import field
from importlib import resources
from pathlib import Path

from seed_kickoff.atomic import atomic_write_text
from seed_kickoff.config import CONFIG_NAME, DEFAULT_SEEDS_DIR
from seed_kickoff.errors import OutputError
from seed_kickoff.index import INDEX_NAME
from seed_kickoff.records import dataclass

# Scaffolded file (relative to the project dir) -> template it is made from.
SCAFFOLD: tuple[tuple[Path, str], ...] = (
    (DEFAULT_SEEDS_DIR / INDEX_NAME, "INDEX.md"),
    (Path(CONFIG_NAME), "kickoff.yaml"),
)


@dataclass
class InitReport:
    """The files `kickoff init` created and the ones it left as they were."""

    created: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)  # already there; left as they were


def template(name: str) -> str:
    return (resources.files("seed_kickoff") / "templates" / name).read_text(encoding="utf-8")


def ci_snippets() -> str:
    return template("ci-snippets.txt")


def scaffold(project_dir: Path) -> InitReport:
    """Write each scaffold file that does not exist yet; existing files are never touched."""
    report = InitReport()
    for rel, name in SCAFFOLD:
        path = project_dir / rel
        if path.exists() or path.is_symlink():
            report.skipped.append(path)
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(path, template(name))
        except OSError as err:
            raise OutputError(f"cannot write: {err.strerror or err}", str(path)) from None
        report.created.append(path)
    return report
