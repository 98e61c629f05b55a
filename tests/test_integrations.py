"""The CI integrations shipped at the repo root: the pre-commit hook and the GitHub Action."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EXAMPLES, REPO

NEWS = (EXAMPLES / "harbour-news.txt").read_text(encoding="utf-8")
SPEC = (EXAMPLES / "tide-logger-spec.md").read_text(encoding="utf-8")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "kickoff tests",
    "GIT_AUTHOR_EMAIL": "tests@kickoff.invalid",
    "GIT_COMMITTER_NAME": "kickoff tests",
    "GIT_COMMITTER_EMAIL": "tests@kickoff.invalid",
}


# pre-commit -----------------------------------------------------------------------------------


def test_pre_commit_hook_definition() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "kickoff" and hook["language"] == "python"
    assert hook["entry"] == "kickoff check" and hook["pass_filenames"] is False
    assert re.match(hook["files"], "seeds/news.txt") and not re.match(hook["files"], "src/a.py")
    assert hook["always_run"] is False


def _pre_commit() -> list[str]:
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        found = shutil.which("pre-commit")
        if found is None:
            pytest.skip("pre-commit is not installed")
        return [found]
    return [sys.executable, "-m", "pre_commit"]


def test_pre_commit_try_repo_fails_on_news_and_passes_on_a_spec(tmp_path: Path) -> None:
    """For real: pre-commit builds a venv, pip-installs this repo and runs the hook (~1 min)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if not (REPO / ".git").exists():
        pytest.skip("the repo is not a git checkout")
    command = _pre_commit()
    project = tmp_path / "project"
    seeds = project / "seeds"
    seeds.mkdir(parents=True)
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    env.pop("CI", None)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=project, env=env, check=True, capture_output=True)

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, "try-repo", str(REPO), "kickoff", "--all-files"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    git("init", "-q")
    (seeds / "INDEX.md").write_text("# Seeds\n\n- news.txt\n", encoding="utf-8")
    (seeds / "news.txt").write_text(NEWS, encoding="utf-8")
    git("add", "-A")
    failed = try_repo()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout
    assert "news.txt" in failed.stdout and "non-spec" in failed.stdout

    (seeds / "INDEX.md").write_text("# Seeds\n\n- news.txt\n- spec.md\n", encoding="utf-8")
    (seeds / "spec.md").write_text(SPEC, encoding="utf-8")
    git("add", "-A")
    passed = try_repo()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout


# GitHub Action --------------------------------------------------------------------------------


def _action() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    return loaded


def test_action_is_a_composite_whose_steps_use_every_input() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert all(step.get("shell") == "bash" for step in steps)
    install = steps[0]["run"]
    assert '"$GITHUB_ACTION_PATH"' in install and "$GITHUB_PATH" in install
    wired = " ".join(json.dumps(step.get("env", {})) for step in steps)
    for name in action["inputs"]:
        assert f"inputs.{name}" in wired, name
    for step in steps:
        # Inputs reach scripts through env, never pasted into the script (no injection).
        assert "${{" not in step["run"]
        for variable in step.get("env", {}):
            assert f'"${variable}"' in step["run"], variable
    assert "steps.check.outputs.passed" in action["outputs"]["passed"]["value"]
    assert any(step.get("id") == "check" for step in steps)


def _run_check_step(
    tmp_path: Path, seeds: Path, **inputs: str
) -> tuple[subprocess.CompletedProcess[str], str, str]:
    """Run the action's check step as the runner would: bash -eo pipefail, inputs via env."""
    action = _action()
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "check")
    values = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    values.update({"seeds-dir": str(seeds), **inputs})
    env = {**os.environ}
    for variable, template in step["env"].items():
        env[variable] = re.sub(
            r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: values[m.group(1)], template
        )
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    summary.touch()  # the runner creates both files before the step starts
    output.touch()
    env.update(
        GITHUB_STEP_SUMMARY=str(summary),
        GITHUB_OUTPUT=str(output),
        CI="true",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    if shutil.which("kickoff", path=env["PATH"]) is None:
        pytest.skip("the kickoff command is not installed beside this Python")
    script = tmp_path / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done, summary.read_text(encoding="utf-8"), output.read_text(encoding="utf-8")


def test_action_check_step_fails_the_job_by_the_gate(tmp_path: Path) -> None:
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "news.txt").write_text(NEWS, encoding="utf-8")
    done, summary, output = _run_check_step(tmp_path, seeds, format="sarif", output="out.sarif")
    assert done.returncode == 1, done.stderr
    assert "| ❌ | news\\.txt | non-spec |" in summary
    assert re.search(r"^::error file=[^,]*news\.txt,line=\d+,", done.stdout, re.M)
    assert output.strip() == "passed=false"
    assert json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_action_check_step_passes_and_prints_the_chosen_format(tmp_path: Path) -> None:
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    done, summary, output = _run_check_step(tmp_path, EXAMPLES, format="json")
    assert done.returncode == 0, done.stderr
    assert "gate passed" in summary
    assert output.strip() == "passed=true"
    assert '"schema_version": 1' in done.stdout and "::notice" in done.stdout
    # The report that quotes the seeds is printed with workflow commands stopped.
    stop = re.search(r"^::stop-commands::(kickoff-[0-9a-f]{32})$", done.stdout, re.M)
    assert stop is not None
    printed = done.stdout[stop.end() : done.stdout.index(f"::{stop.group(1)}::")]
    assert '"schema_version": 1' in printed and "::notice" not in printed


def test_action_check_step_stops_on_a_usage_error(tmp_path: Path) -> None:
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    done, _, output = _run_check_step(tmp_path, tmp_path / "missing")
    assert done.returncode == 2
    assert "seeds dir does not exist" in done.stderr and output == ""
