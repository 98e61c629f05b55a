"""kickoff eval: labels.csv parsing, metrics, thresholds and exit codes, and the shared corpus."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import SHARED, needs_shared
from seed_kickoff.errors import ConfigError, UsageError
from seed_kickoff.evaluate import evaluate_corpus, parse_thresholds, read_labels
from test_cli_check import invoke

FIXTURES = Path(__file__).parent / "fixtures" / "judge"
CORPUS = SHARED / "corpus"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    docs = tmp_path / "corpus" / "docs"
    docs.mkdir(parents=True)
    for name in ("spec.md", "news.txt", "recipe.md", "licence.txt"):
        shutil.copy(FIXTURES / name, docs / name)
    (docs / "empty.txt").write_text("")
    (tmp_path / "corpus" / "labels.csv").write_text(
        "file,label,genre,source\n"
        "spec.md,spec,design-doc,a\n"
        "news.txt,nonspec,news,b\n"
        "recipe.md,nonspec,recipe,c\n"
        "licence.txt,nonspec,licence,d\n"
        "empty.txt,spec,readme,e\n"
    )
    return tmp_path / "corpus"


def test_metrics_on_a_tiny_corpus(corpus: Path) -> None:
    result = evaluate_corpus(corpus)
    assert result.matrix["spec"] == {"spec": 1, "partial": 0, "nonspec": 1}  # empty: not spec
    assert result.matrix["nonspec"]["nonspec"] == 3
    assert result.accuracy == pytest.approx(4 / 5)
    assert result.spec_recall == pytest.approx(0.5)
    assert result.spec_precision == 1.0
    assert result.false_passes == 0
    assert result.genre_agreement == 1.0 and result.genre_checked == 3
    assert [o.file for o in result.misjudged] == ["empty.txt"]
    assert result.misjudged[0].verdict == "unreadable"


def test_cli_exit_codes_follow_thresholds(corpus: Path) -> None:
    code, out, _ = invoke(["eval", str(corpus)])
    assert code == 0 and "accuracy         0.800" in out and "empty.txt" in out
    code, out, _ = invoke(["eval", str(corpus), "--fail-under", "accuracy=0.9"])
    assert code == 1 and "FAILED: accuracy 0.800 < 0.9" in out
    code, _, _ = invoke(["eval", str(corpus), "--fail-under", "accuracy=0.8,spec_recall=0.5"])
    assert code == 0
    code, out, _ = invoke(["eval", str(corpus), "--format", "json", "--max-false-pass", "0"])
    data = json.loads(out)
    assert code == 0 and data["passed"] and data["matrix"]["spec"]["spec"] == 1
    code, _, err = invoke(["eval", str(corpus), "--fail-under", "speed=1"])
    assert code == 2 and "speed=1" in err


def test_eval_measures_extra_packs_and_disabled_rules_and_reads_no_settings_file(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A candidate rule is measured before it is kept: --rules adds a pack, --disable turns a
    rule off; a .kickoff.yaml where eval runs changes nothing (the ratchet's numbers stay)."""
    pack = corpus.parent / "candidate.yaml"
    pack.write_text(
        "pack: candidate\nrules:\n  - id: candidate.meters\n    genre: news-article\n"
        "    pattern: '\\b(meters?|service)\\b'\n    weight: 5\n    cap: 4\n    message: meters\n"
    )
    (corpus.parent / ".kickoff.yaml").write_text("rules:\n  disable: [no.such-rule]\n")
    monkeypatch.chdir(corpus.parent)
    _, plain, _ = invoke(["eval", str(corpus), "--format", "json"])
    assert json.loads(plain)["accuracy"] == 0.8  # the settings file was not read
    code, out, _ = invoke(["eval", str(corpus), "--format", "json", "--rules", str(pack)])
    tide_spec = json.loads(out)
    assert code == 0 and tide_spec["matrix"]["spec"]["spec"] == 0  # news, by the pack
    code, _, err = invoke(["eval", str(corpus), "--disable", "no.such-rule"])
    assert code == 2 and "no.such-rule" in err
    both = ["--rules", str(pack), "--disable", "candidate.meters"]
    code, out, _ = invoke(["eval", str(corpus), "--format", "json", *both])
    assert code == 0 and out == plain


def test_false_passes_fail_the_gate(corpus: Path) -> None:
    (corpus / "labels.csv").write_text("file,label\nspec.md,nonspec\nnews.txt,nonspec\n")
    code, out, _ = invoke(["eval", str(corpus), "--max-false-pass", "0"])
    assert code == 1 and "false passes 1 > 0" in out


@pytest.mark.parametrize(
    ("labels", "message", "line"),
    [
        ("name,verdict\n", "'file' and 'label'", 1),
        ("file,label\nspec.md,maybe\n", "not one of spec, partial, nonspec", 2),
        ("file,label\nspec.md,spec\n../labels.csv,spec\n", "outside docs/", 3),
        ("file,label\n/etc/passwd,spec\n", "outside docs/", 2),
        ("file,label\nmissing.md,spec\n", "no such document", 2),
        ("file,label\nspec.md,spec\nfolder,spec\n", "docs/folder: is a directory", 3),
        ("file,label\npipe.txt,spec\n", "docs/pipe.txt: is a FIFO (named pipe)", 2),
        ("file,label\nspec.md,spec\nspec.md,spec\n", "labelled twice", 3),
    ],
)
def test_bad_labels_name_file_and_line(corpus: Path, labels: str, message: str, line: int) -> None:
    (corpus / "docs" / "folder").mkdir()
    if "pipe.txt" in labels:
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        os.mkfifo(corpus / "docs" / "pipe.txt")  # told by its kind, never opened
    (corpus / "labels.csv").write_text(labels)
    with pytest.raises(ConfigError) as caught:
        read_labels(corpus)
    assert message in caught.value.message and caught.value.line == line
    code, _, err = invoke(["eval", str(corpus)])
    assert code == 2 and f"labels.csv:{line}:" in err


def test_missing_corpus_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        read_labels(tmp_path / "nowhere")
    code, _, err = invoke(["eval", str(tmp_path)])
    assert code == 2 and "docs/" in err


def test_parse_thresholds() -> None:
    assert parse_thresholds("accuracy=0.9, spec-recall=0.95") == {
        "accuracy": 0.9,
        "spec_recall": 0.95,
    }
    with pytest.raises(UsageError):
        parse_thresholds("accuracy=high")


@needs_shared
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_shared_corpus_meets_the_ratchet() -> None:
    result = evaluate_corpus(CORPUS)
    assert result.false_passes == 0
    assert result.accuracy >= 0.94
    assert result.spec_recall >= 0.94
    assert result.genre_agreement >= 0.83


def test_labels_with_crlf_bom_quotes_and_blank_lines(corpus: Path) -> None:
    (corpus / "labels.csv").write_bytes(
        b'\xef\xbb\xbfFile,Label,notes\r\nspec.md,spec,"two\r\nlines"\r\n\r\nnews.txt,non-spec,x\r\n'
        b"recipe.md,bad,x\r\n"
    )
    with pytest.raises(ConfigError) as caught:
        read_labels(corpus)
    assert caught.value.line == 6
    (corpus / "labels.csv").write_text("file,label\r\nspec.md,spec\r\n\r\nnews.txt,non-spec\r\n")
    assert [(d.file, d.label, d.line) for d in read_labels(corpus)] == [
        ("spec.md", "spec", 2),
        ("news.txt", "nonspec", 4),
    ]
