from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import EXAMPLES, SHARED, MakeSeeds, needs_shared
from seed_kickoff.cli import main


def invoke(args: list[str]) -> tuple[int, str, str]:
    """Run ``main()`` in-process, as a user would from the shell: exit code, stdout, stderr."""
    runner = CliRunner()
    with pytest.raises(SystemExit) as done, runner.isolation() as (out, err, _):
        main(args)
    return int(done.value.code or 0), out.getvalue().decode(), err.getvalue().decode()


def test_examples_pass_the_gate() -> None:
    code, out, _ = invoke(["check", str(EXAMPLES)])
    assert code == 0
    assert "tide-logger-spec.md" in out and "spec" in out
    assert "gate passed" in out


def test_json_contract(make_seeds: MakeSeeds) -> None:
    code, out, _ = invoke(["check", str(EXAMPLES), "--format", "json"])
    assert code == 0
    data = json.loads(out)
    assert data["schema_version"] == 1
    assert data["gate"] == {
        "passed": True,
        "specs": 1,
        "required": 1,
        "errors": 0,
        "reasons": [],
    }
    verdicts = {seed["path"]: seed["verdict"] for seed in data["seeds"]}
    assert verdicts["tide-logger-spec.md"] == "spec"
    assert verdicts["harbour-news.txt"] == "non-spec"
    for seed in data["seeds"]:
        assert set(seed["coverage"]) == {
            "goal",
            "users",
            "behaviour",
            "interfaces",
            "data",
            "performance",
            "platform",
            "quality",
            "constraints",
            "acceptance",
        }
        assert 0.0 <= seed["confidence"] <= 1.0
        for signal in seed["signals"]:
            assert {"rule", "line", "text"} <= set(signal)
            assert signal["line"] >= 1


def test_min_specs_fails_the_gate() -> None:
    code, out, _ = invoke(["check", str(EXAMPLES), "--min-specs", "2"])
    assert code == 1
    assert "gate failed" in out


def test_dangling_entry_exits_1_naming_index_and_line(make_seeds: MakeSeeds) -> None:
    spec = (EXAMPLES / "tide-logger-spec.md").read_text(encoding="utf-8")
    seeds = make_seeds(
        {"INDEX.md": "# Seeds\n\n- [spec](spec.md)\n- [gone](gone.md)\n", "spec.md": spec}
    )
    code, out, _ = invoke(["check", str(seeds)])
    assert code == 1
    assert "INDEX.md:4" in out and "gone.md" in out


def test_missing_seeds_dir_is_usage_error(tmp_path: Path) -> None:
    code, out, err = invoke(["check", str(tmp_path / "nope")])
    assert code == 2
    assert "does not exist" in err and "Traceback" not in err + out


def test_seeds_dir_that_is_a_file_is_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x", encoding="utf-8")
    code, _, err = invoke(["check", str(target)])
    assert code == 2 and "not a directory" in err


def test_bad_option_is_usage_error() -> None:
    code, _, _ = invoke(["check", str(EXAMPLES), "--min-specs", "-1"])
    assert code == 2


def test_version() -> None:
    code, out, _ = invoke(["--version"])
    assert code == 0 and "kickoff" in out


def test_explain_shows_every_signal() -> None:
    code, out, _ = invoke(["explain", str(EXAMPLES / "harbour-news.txt")])
    assert code == 0
    assert "verdict: non-spec" in out and "genre scores:" in out and "news." in out


@needs_shared
def test_real_seed_is_non_spec_news_with_cited_lines() -> None:
    code, out, _ = invoke(["check", str(SHARED / "seeds"), "--format", "json"])
    assert code == 1
    data = json.loads(out)
    (seed,) = data["seeds"]
    assert seed["verdict"] == "non-spec"
    assert "news" in seed["genre"]
    news_signals = {s["line"] for s in seed["signals"] if s["genre"] == seed["genre"]}
    assert len(news_signals) >= 3


@needs_shared
def test_two_real_design_proposals_pass_the_gate(make_seeds: MakeSeeds) -> None:
    # Copied at test time from ../shared; nothing of their text is kept in the repository.
    docs = SHARED / "corpus" / "docs"
    names = ["go-proposal__12914-monotonic.md", "go-proposal__48409-soft-memory-limit.md"]
    if not all((docs / name).is_file() for name in names):
        pytest.skip("the two Go proposals are not in ../shared/corpus")
    seeds = make_seeds(
        {
            "INDEX.md": "# Seeds\n\n" + "".join(f"- [{n}]({n})\n" for n in names),
            **{name: (docs / name).read_text(encoding="utf-8") for name in names},
        }
    )
    code, out, _ = invoke(["check", str(seeds), "--format", "json"])
    assert code == 0
    assert [seed["verdict"] for seed in json.loads(out)["seeds"]] == ["spec", "spec"]
