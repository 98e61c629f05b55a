"""Start-up: the parse cache of the built-in packs, lazy patterns, and which modules a run imports.

No test here measures time; they check what makes start-up fast (nothing parsed or imported that
the command does not use), which stays true on any machine.
"""

from __future__ import annotations

import gc
import marshal
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seed_kickoff import cache, launch
from seed_kickoff.errors import RulePackError
from seed_kickoff.rules import Rule, builtin_pack_paths, load_pack, load_rules


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home / cache.CACHE_NAME


def parse_counting(calls: list[str]) -> object:
    def parse(text: str) -> object:
        calls.append(text)
        return {"words": text.split()}

    return parse


def test_the_cache_answers_the_second_time_and_only_for_the_same_text(
    cache_home: Path, tmp_path: Path
) -> None:
    calls: list[str] = []
    parse = parse_counting(calls)
    source = tmp_path / "pack.yaml"
    assert cache.cached_parse(source, "a b", parse) == {"words": ["a", "b"]}  # type: ignore[arg-type]
    assert cache.cached_parse(source, "a b", parse) == {"words": ["a", "b"]}  # type: ignore[arg-type]
    assert calls == ["a b"]
    # The file changed: its new text is parsed, never the old data served.
    assert cache.cached_parse(source, "a c", parse) == {"words": ["a", "c"]}  # type: ignore[arg-type]
    assert calls == ["a b", "a c"]
    assert [p.name for p in cache_home.iterdir()] == [
        f"pack-{cache.__version__}-{sys.implementation.cache_tag}.marshal"
    ]


def test_a_damaged_entry_is_parsed_again_and_replaced(cache_home: Path, tmp_path: Path) -> None:
    calls: list[str] = []
    parse = parse_counting(calls)
    source = tmp_path / "pack.yaml"
    cache.cached_parse(source, "x", parse)  # type: ignore[arg-type]
    (entry,) = cache_home.iterdir()
    for damage in (b"", b"\x00garbage", marshal.dumps(["not", "a", "pair"])):
        entry.write_bytes(damage)
        assert cache.cached_parse(source, "x", parse) == {"words": ["x"]}  # type: ignore[arg-type]
    assert len(calls) == 4
    assert marshal.loads(entry.read_bytes()) == ("x", {"words": ["x"]})


def test_an_unwritable_cache_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache dir would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    calls: list[str] = []
    parse = parse_counting(calls)
    for _ in range(2):
        assert cache.cached_parse(tmp_path / "p.yaml", "y", parse) == {"words": ["y"]}  # type: ignore[arg-type]
    assert len(calls) == 2


def test_data_marshal_cannot_hold_is_returned_uncached(cache_home: Path, tmp_path: Path) -> None:
    assert cache.cached_parse(tmp_path / "p.yaml", "t", lambda text: {text: object}) == {
        "t": object
    }
    assert not cache_home.exists() or not list(cache_home.iterdir())


def test_builtin_packs_from_the_cache_equal_the_parsed_ones(cache_home: Path) -> None:
    first = load_rules()  # parses the YAML and fills the cache
    assert len(list(cache_home.iterdir())) == len(builtin_pack_paths())
    second = load_rules()  # from the cache
    assert second.rules == first.rules
    assert second.packs == first.packs and second.pack_files == first.pack_files
    # the cache keeps checked fields: the rules equal those of the packs read as a user's
    as_user_packs = [load_pack(path) for path in builtin_pack_paths()]
    assert second.packs == [name for name, _ in as_user_packs]
    assert second.rules == [rule for _, rules in as_user_packs for rule in rules]
    assert [type(rule.flags) for rule in second.rules] == [re.RegexFlag] * len(second.rules)


def test_cached_rules_are_remade_when_the_checks_change(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seed_kickoff import rules

    checked: list[Path] = []
    check = rules._checked_fields

    def counting(text: str, path: Path) -> object:
        checked.append(path)
        return check(text, path)

    monkeypatch.setattr(rules, "_checked_fields", counting)
    load_rules()
    load_rules()
    assert len(checked) == len(builtin_pack_paths())  # checked once, then from the cache
    monkeypatch.setattr(rules, "_checks_source", lambda: "an edited rules.py")
    assert load_rules().rules
    assert len(checked) == 2 * len(builtin_pack_paths())


def test_every_builtin_pattern_compiles() -> None:
    # Built-in packs compile lazily; this is where a broken built-in pattern is caught.
    for rule in load_rules().rules:
        assert all(isinstance(p, re.Pattern) for p in rule.patterns), rule.id
        assert [p.pattern for p in rule.patterns] == list(rule.sources)
        assert rule.unless is None or rule.unless.pattern == rule.unless_source


def team_pack(tmp_path: Path, rule_id: str, extra: str) -> Path:
    """A user pack of one goal rule with the YAML lines ``extra`` (pattern, unless, case...)."""
    pack = tmp_path / "team.yaml"
    pack.write_text(
        f"rules:\n  - id: {rule_id}\n    dimension: goal\n{extra}    message: m\n",
        encoding="utf-8",
    )
    return pack


def test_a_user_pack_with_a_bad_unless_fails_at_load(tmp_path: Path) -> None:
    pack = team_pack(tmp_path, "team.bad", "    pattern: ok\n    unless: '[unclosed'\n")
    with pytest.raises(RulePackError, match=r"team\.bad.*invalid regular expression"):
        load_rules([pack])
    with pytest.raises(RulePackError, match="invalid regular expression"):
        load_pack(pack)


def test_a_broken_pattern_compiled_lazily_still_names_its_rule() -> None:
    rule = Rule(id="t.bad", pack="spec", sources=("ok", "(x"), weight=1.0, message="m")
    with pytest.raises(RulePackError, match=r"pack spec: rule 't\.bad': invalid regular exp"):
        _ = rule.patterns
    broken_unless = Rule(
        id="t.u", pack="spec", sources=("ok",), weight=1, message="m", unless_source="["
    )
    with pytest.raises(RulePackError, match=r"rule 't\.u'"):
        _ = broken_unless.unless


def test_case_sensitive_rules_keep_their_flags(tmp_path: Path) -> None:
    pack = team_pack(tmp_path, "team.caps", "    pattern: MUST\n    case: sensitive\n")
    (rule,) = load_pack(pack)[1]
    assert rule.patterns[0].search("MUST") and not rule.patterns[0].search("must")


def test_every_dataclass_has_a_docstring() -> None:
    # Without one, dataclass() makes __doc__ from inspect.signature(), a cost paid at import.
    import ast

    package = Path(cache.__file__).parent
    missing = [
        f"{path.relative_to(package)}: {node.name}"
        for path in sorted(package.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
        and any("dataclass" in ast.unparse(d) for d in node.decorator_list)
        and ast.get_docstring(node) is None
    ]
    assert missing == []


# Modules a command must not import unless it uses them: report formats it does not write,
# drawing (rich), parsers of formats the seeds are not in, settings files that do not exist.
NEVER_ON_THE_SMALL_PATH = (
    "rich",
    "json",
    "hashlib",
    "pickle",  # results are pickled with _pickle alone (store.py)
    "xml",
    "markdown_it",
    "charset_normalizer",
    "pypdf",
    "tomllib",
    "tomli",
    "frontmatter",
    "yaml",
    "importlib.resources",
    "concurrent.futures",
    "tempfile",
    "html.parser",
    "seed_kickoff.report.sarif",
    "seed_kickoff.report.junit",
    "seed_kickoff.report.html",
    "seed_kickoff.report.markdown",
    "seed_kickoff.report.github",
    "seed_kickoff.questions",
    "seed_kickoff.topics",
)

_SHOW_MODULES = """
import sys
from seed_kickoff.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("\\n".join(sorted(sys.modules)), file=sys.stderr)
"""


def imported_by(args: list[str], cwd: Path, env: dict[str, str]) -> set[str]:
    """The modules a fresh interpreter has loaded after running ``kickoff ARGS``."""
    done = subprocess.run(
        [sys.executable, "-c", _SHOW_MODULES, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(done.stderr.split())


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(name for name in names if name in modules)


@pytest.fixture
def fresh_env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / ".git").mkdir()  # the settings search stops here, whatever lies above
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "xdg-cache"))
    env.pop("CI", None)
    return env


def one_seed(tmp_path: Path) -> Path:
    """A seeds dir holding one small seed (no INDEX.md)."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "seed.md").write_text("# Tool\n\nThe tool must parse every file within 10 ms.\n")
    return seeds


def test_the_command_is_run_and_leaves_main_to_other_callers(
    tmp_path: Path, fresh_env: dict[str, str]
) -> None:
    # launch.run() freezes what start-up made (and, at exit, the rest) away from the garbage
    # collector and collects young objects less often; the command prints and exits as
    # cli.main() does, and main() leaves the collector as it is. run() ends the process once
    # the exit handlers ran (this one too) and the output is flushed.
    seeds = one_seed(tmp_path)
    show = "import atexit, gc, sys\nfrozen = gc.get_freeze_count()  # 3.12 starts with some\n"
    show += "atexit.register(lambda: print(gc.get_freeze_count() > frozen, "
    show += "gc.get_threshold()[0], file=sys.stderr))\n"
    show += "from seed_kickoff.{0} import {1}\n{1}()\n"
    run, main = (
        subprocess.run(
            [sys.executable, "-c", show.format(*entry), "check", str(seeds), "--format", "json"],
            cwd=tmp_path,
            env=fresh_env,
            capture_output=True,
            text=True,
        )
        for entry in (("launch", "run"), ("cli", "main"))
    )
    assert run.stdout == main.stdout and '"seeds"' in run.stdout
    assert run.returncode == main.returncode == 1  # the gate fails
    young = gc.get_threshold()[0]  # this process's: Python's default
    assert (run.stderr, main.stderr) == (f"True {launch._YOUNG}\n", f"False {young}\n")
    scripts = (Path(cache.__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    assert 'kickoff = "seed_kickoff.launch:run"' in scripts


def test_version_imports_nothing_but_the_cli(tmp_path: Path, fresh_env: dict[str, str]) -> None:
    modules = imported_by(["--version"], tmp_path, fresh_env)
    assert loaded(modules, NEVER_ON_THE_SMALL_PATH) == []
    assert {m for m in modules if m.startswith("seed_kickoff.")} <= {
        "seed_kickoff.cli",
        "seed_kickoff.errors",
    }
    assert "markdown_it" not in modules and "dataclasses" not in modules


def test_one_small_seed_imports_only_what_it_uses(
    tmp_path: Path, fresh_env: dict[str, str]
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    # a list and a code block: the block classifier runs (without markdown-it)
    (seeds / "seed.md").write_text(
        "# Tool\n\n- The tool must parse every file within 10 ms.\n\n    tool --all\n"
    )
    first = imported_by(["check", str(seeds)], tmp_path, fresh_env)  # fills the pack cache
    second = imported_by(["check", str(seeds)], tmp_path, fresh_env)
    assert "seed_kickoff.check" in first and "seed_kickoff.check" in second
    assert loaded(second, NEVER_ON_THE_SMALL_PATH) == []
    # the first run parsed the packs and the shipped plans, so it needed their parsers; no more
    assert loaded(first, NEVER_ON_THE_SMALL_PATH) == ["json", "yaml"]
    # ...and compiled the patterns the seed called for and the dataclasses' methods, which
    # later runs take from the cache
    home = tmp_path / "xdg-cache" / cache.CACHE_NAME
    compiled = [*home.glob("patterns-*.marshal"), *home.glob("records-*.marshal")]
    assert len(compiled) == 2
    written = [(path.stat().st_mtime_ns, path.read_bytes()) for path in compiled]
    imported_by(["check", str(seeds)], tmp_path, fresh_env)
    assert [(path.stat().st_mtime_ns, path.read_bytes()) for path in compiled] == written
    # the Hyperscan translations of the shipped plans are for large runs: never read here
    assert not list(home.glob("prefilters-*"))


def test_no_cache_is_made_under_a_home_that_does_not_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "gone"))
    assert cache.cached_parse(tmp_path / "p.yaml", "z", str.split) == ["z"]
    assert not (tmp_path / "gone").exists()


def test_only_the_newest_blobs_of_a_family_are_kept(cache_home: Path) -> None:
    for n in range(6):
        cache.write_blob(f"prefilter-{n:04d}", bytes([n]), keep=3)
        entry = cache_home / f"prefilter-{n:04d}.bin"
        os.utime(entry, (1_000_000 + n, 1_000_000 + n))  # file times: one second apart
    cache.write_blob("other-0001", b"x", keep=3)
    kept = sorted(path.name for path in cache_home.glob("*.bin"))
    assert kept == [
        "other-0001.bin",
        "prefilter-0003.bin",
        "prefilter-0004.bin",
        "prefilter-0005.bin",
    ]
    assert (
        cache.read_blob("prefilter-0005") == bytes([5])
        and cache.read_blob("prefilter-0001") is None
    )


@given(st.text(alphabet="abcdefhilnorstuwy", max_size=7))
@settings(max_examples=300, deadline=None)
def test_common_word_starts_are_looked_up_as_they_were_searched(key: str) -> None:
    from seed_kickoff import scanplan

    searched = any(word.startswith(key) for word in scanplan._COMMON)
    assert (key in scanplan._COMMON_STARTS) == searched


def test_an_unchanged_index_is_not_parsed_again(tmp_path: Path, fresh_env: dict[str, str]) -> None:
    seeds = one_seed(tmp_path)
    (seeds / "INDEX.md").write_text("# Seeds\n\n- [The tool](seed.md): what it must do\n")
    first = imported_by(["check", str(seeds)], tmp_path, fresh_env)
    second = imported_by(["check", str(seeds)], tmp_path, fresh_env)
    assert "markdown_it" in first  # INDEX.md parsed once...
    assert loaded(second, NEVER_ON_THE_SMALL_PATH) == []  # ...then taken from the cache
    (seeds / "INDEX.md").write_text("# Seeds\n\n- [The tool, again](seed.md)\n")
    assert "markdown_it" in imported_by(["check", str(seeds)], tmp_path, fresh_env)


def test_index_refs_from_the_cache_equal_a_fresh_parse(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seed_kickoff import index

    seeds = tmp_path / "seeds"
    (seeds / "sub").mkdir(parents=True)
    for name in ("a.md", "b.txt", "sub/c.md"):
        (seeds / name).write_text("# seed\n", encoding="utf-8")
    (seeds / "INDEX.md").write_text(
        "---\ntitle: x\n---\n# Seeds\n\n- [A](a.md): first\n- `b.txt`: second\n\n"
        "| seed | what |\n| --- | --- |\n| [C](sub/c.md) | third |\n",
        encoding="utf-8",
    )
    parses: list[str] = []
    real = index.parse_index_refs

    def counting(text: str, skip_lines: int = 0) -> list[Any]:
        parses.append(text)
        return real(text, skip_lines)

    monkeypatch.setattr(index, "parse_index_refs", counting)
    fresh = index.read_index(seeds)
    cached = index.read_index(seeds)
    assert len(parses) == 1
    assert cached == fresh and [e.path for e in cached.entries] == ["a.md", "b.txt", "sub/c.md"]


def test_an_unchanged_index_front_matter_is_not_parsed_again(
    tmp_path: Path, fresh_env: dict[str, str]
) -> None:
    seeds = one_seed(tmp_path)
    (seeds / "INDEX.md").write_text("---\nproject: tides\n---\n# Seeds\n\n- [The tool](seed.md)\n")
    imported_by(["check", str(seeds)], tmp_path, fresh_env)
    second = imported_by(["check", str(seeds)], tmp_path, fresh_env)
    assert loaded(second, NEVER_ON_THE_SMALL_PATH) == []  # no YAML parser, no markdown-it
    # Settings in it still apply, whether its front matter comes from the cache or not.
    (seeds / "INDEX.md").write_text(
        "---\nkickoff:\n  gate:\n    min_specs: 0\n---\n# Seeds\n\n- [The tool](seed.md)\n"
    )
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-m", "seed_kickoff", "check", str(seeds)],
            cwd=tmp_path,
            env=fresh_env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0 and "gate passed" in done.stdout, done.stdout + done.stderr


def test_front_matter_from_the_cache_equals_a_fresh_parse(cache_home: Path) -> None:
    from seed_kickoff.front_matter import index_front_matter, split_front_matter

    for text in (
        "---\ntitle: Seeds\nkickoff:\n  gate: {min_specs: 2}\n---\n# Seeds\n",
        "---\n: bad: yaml: [\n---\n# Seeds\n",  # a warning with its line, kept too
        "---\nwhen: 2026-01-02\n---\n",  # a date: not plain data, parsed each time
        "# no front matter\n",
    ):
        fresh = split_front_matter(text, "INDEX.md")
        for _ in range(2):  # parsed, then from the cache
            found = index_front_matter(text, "INDEX.md")
            assert (found.data, found.lines, found.findings) == (
                fresh.data,
                fresh.lines,
                fresh.findings,
            )
