from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import MakeSeeds
from seed_kickoff.index import read_index


def test_links_table_rows_and_list_items(make_seeds: MakeSeeds) -> None:
    seeds = make_seeds(
        {
            "INDEX.md": (
                "---\nproject: demo\n---\n# Seeds\n\n"
                "See [the brief](brief.md) first.\n\n"
                "| Seed | Title |\n| --- | --- |\n| notes.txt | Notes |\n\n"
                "- spec.rst: the specification\n"
                "- [Web page](<page one.html>)\n"
                "- [External](https://example.org/x.md)\n"
            ),
            "brief.md": "# Brief\n",
            "notes.txt": "notes\n",
            "spec.rst": "Spec\n====\n",
            "page one.html": "<p>hi</p>\n",
        }
    )
    index = read_index(seeds)
    assert index.front_matter == {"project": "demo"}
    assert [(e.path, e.line) for e in index.entries] == [
        ("brief.md", 6),
        ("notes.txt", 10),
        ("spec.rst", 12),
        ("page one.html", 13),
    ]
    assert index.entries[0].title == "the brief"
    assert not [f for f in index.findings if f.level == "error"]


def test_dangling_entry_is_an_error_with_line(make_seeds: MakeSeeds) -> None:
    seeds = make_seeds({"INDEX.md": "# Seeds\n\n- [Gone](missing.md)\n"})
    index = read_index(seeds)
    errors = [f for f in index.findings if f.level == "error"]
    assert len(errors) == 1
    assert errors[0].path == "INDEX.md" and errors[0].line == 3
    assert "missing.md" in errors[0].message


def test_references_outside_are_refused(make_seeds: MakeSeeds, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read", encoding="utf-8")
    seeds = make_seeds(
        {
            "INDEX.md": (
                "- [up](../secret.txt)\n- [abs](/etc/passwd)\n- [link](link.txt)\n- [dir](sub)\n"
            ),
            "sub/inner.md": "# inner\n",
        }
    )
    os.symlink(secret, seeds / "link.txt")
    index = read_index(seeds)
    errors = {
        f.line: f.message for f in index.findings if f.level == "error" and f.path == "INDEX.md"
    }
    assert set(errors) == {1, 2, 3, 4}
    assert "outside" in errors[1] and "absolute" in errors[2]
    assert "outside" in errors[3] and "directory" in errors[4]
    assert "link.txt" not in index.seeds and "../secret.txt" not in index.seeds


def test_unlisted_files_warn_and_are_judged(make_seeds: MakeSeeds) -> None:
    seeds = make_seeds(
        {"INDEX.md": "- [a](a.md)\n", "a.md": "a\n", "b.md": "b\n", ".hidden.md": "h\n"}
    )
    index = read_index(seeds)
    assert index.seeds == ["a.md", "b.md"]
    assert any(f.code == "unlisted" and f.path == "b.md" for f in index.findings)


def test_no_index_means_every_file_with_a_warning(make_seeds: MakeSeeds) -> None:
    seeds = make_seeds({"x.txt": "x\n", "y.md": "y\n"})
    index = read_index(seeds)
    assert index.index_path is None
    assert index.seeds == ["x.txt", "y.md"]
    assert any(f.code == "no-index" for f in index.findings)


def test_a_relative_seeds_dir_lists_its_files(
    make_seeds: MakeSeeds, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_seeds({"a.md": "a\n"}, name="project/seeds")
    monkeypatch.chdir(tmp_path)
    index = read_index(Path("project/seeds"))
    assert index.seeds == ["a.md"]
    assert not [f for f in index.findings if f.level == "error"]


def test_a_seed_listed_through_a_parent_reference_is_one_seed(make_seeds: MakeSeeds) -> None:
    # "sub/../spec.md" was a second seed beside "spec.md": one spec counted twice by the gate.
    seeds = make_seeds(
        {
            "INDEX.md": "- [a](spec.md)\n- [b](sub/../spec.md)\n- [c](sub/./../sub/notes.md)\n",
            "spec.md": "# Spec\n",
            "sub/notes.md": "notes\n",
        }
    )
    index = read_index(seeds)
    assert [(e.path, e.line) for e in index.entries] == [("spec.md", 1), ("sub/notes.md", 3)]
    assert [(f.code, f.line) for f in index.findings] == [("index-duplicate", 2)]
    # Through a folder that is a link elsewhere in the dir, ".." is that folder's parent.
    (seeds / "deep").mkdir()
    (seeds / "deep" / "spec.md").write_text("# Other\n", encoding="utf-8")
    (seeds / "deep" / "inner").mkdir()
    os.symlink(seeds / "deep" / "inner", seeds / "alias")
    (seeds / "INDEX.md").write_text("- [a](alias/../spec.md)\n", encoding="utf-8")
    assert [e.path for e in read_index(seeds).entries] == ["deep/spec.md"]
