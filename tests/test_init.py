"""kickoff init: scaffolds both files, prints CI snippets, never overwrites."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_cli_check import invoke


def test_init_scaffolds_then_keeps_what_was_edited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    code, out, _ = invoke(["init"])
    assert code == 0
    assert "created seeds/INDEX.md" in out and "created .kickoff.yaml" in out
    for snippet in ("GitHub Actions", "GitLab CI", "pre-commit", "kickoff check"):
        assert snippet in out
    assert "# " in (tmp_path / ".kickoff.yaml").read_text()  # commented
    assert "<!--" in (tmp_path / "seeds" / "INDEX.md").read_text()

    edited = "gate:\n  min_specs: 0\n"
    (tmp_path / ".kickoff.yaml").write_text(edited)
    index_before = (tmp_path / "seeds" / "INDEX.md").read_bytes()
    code, out, _ = invoke(["init"])
    assert code == 0
    assert "skipped seeds/INDEX.md: already exists" in out
    assert "skipped .kickoff.yaml: already exists" in out
    assert (tmp_path / ".kickoff.yaml").read_text() == edited
    assert (tmp_path / "seeds" / "INDEX.md").read_bytes() == index_before

    # The scaffold is a working project: no seeds yet, so the gate fails, but only by the gate.
    (tmp_path / ".kickoff.yaml").write_text("gate:\n  min_specs: 1\n")
    code, out, err = invoke(["check"])
    assert code == 1 and err == ""
    assert "0 spec seed(s), 1 required" in out


def test_init_into_another_dir(tmp_path: Path) -> None:
    code, _, _ = invoke(["init", str(tmp_path / "proj")])
    assert code == 0
    assert (tmp_path / "proj" / "seeds" / "INDEX.md").is_file()
    assert (tmp_path / "proj" / ".kickoff.yaml").is_file()
