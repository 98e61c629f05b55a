"""The command line: parse options, call the library, print, choose the exit code. Nothing else."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from seed_kickoff import __version__
from seed_kickoff.errors import KickoffError, OutputError

if TYPE_CHECKING:
    from seed_kickoff.model import CheckResult
    from seed_kickoff.report.stream import TextOut

EXIT_PASS = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def _console(stderr: bool = False) -> Any:
    from rich.console import Console  # rich costs start-up time: load it only to draw

    console = Console(stderr=stderr, highlight=False, no_color="NO_COLOR" in os.environ or None)
    if console.width < 1:  # COLUMNS=0: rich would print nothing at all, not even the gate line
        console.width = 80
    return console


def write_output(text: str, output: Path | None) -> None:
    """Print ``text``, or write it atomically to ``output``."""
    write_report(lambda out: out.write(text), output)


class _Echo:
    """A text stream onto click.echo (which strips ANSI codes when stdout is not a terminal), in
    pieces of about 64 KB. Renderers write whole lines, so a piece never splits a code."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size >= 65536:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            click.echo("".join(self.parts), nl=False)
        self.parts, self.size = [], 0


def write_report(write: Callable[[TextOut], object], output: Path | None) -> None:
    """Print a report as ``write(stream)`` makes it, or write it atomically to ``output``."""
    if output is None:
        echo = _Echo()
        write(echo)
        echo.flush()
        return
    from seed_kickoff.atomic import atomic_open

    try:
        with atomic_open(output) as handle:
            write(handle)
    except OSError as err:
        raise OutputError(f"cannot write: {err.strerror or err}", str(output)) from None


# Every path option's type, one instance (types hold no state): each click.Path() asks gettext
# for its name, which looks for message catalogues on disk, about 0.3 M instructions a time.
PATH = click.Path(path_type=Path)


def rule_options(command: Any) -> Any:
    """--rules and --disable: the rules a command judges with, besides the built-in ones."""
    command = click.option(
        "--disable", multiple=True, metavar="RULE_ID", help="Turn a rule off (repeatable)."
    )(command)
    return click.option(
        "--rules",
        "rule_packs",
        multiple=True,
        type=PATH,
        metavar="FILE",
        help="Load an extra rule pack (repeatable).",
    )(command)


def config_options(command: Any) -> Any:
    """--config, --rules and --disable: shared by every command that judges seeds."""
    command = rule_options(command)
    return click.option(
        "--config",
        type=PATH,
        metavar="FILE",
        help="Settings file (.kickoff.yaml or pyproject.toml) instead of the nearest one.",
    )(command)


def cache_option(command: Any) -> Any:
    """--cache/--no-cache, for the commands that judge seeds."""
    return click.option(
        "--cache/--no-cache",
        default=True,
        show_default=True,
        help="Reuse the results of seeds unchanged since an earlier run (per-user cache).",
    )(command)


def _jobs(ctx: click.Context, param: click.Parameter, value: str) -> int:
    """A number of processes, or "auto" (0: the library's AUTO_JOBS)."""
    text = value.strip().lower()
    if text == "auto":
        return 0
    if text.isdigit() and int(text) >= 1:
        return int(text)
    raise click.BadParameter(f"{value!r} is not a number of processes (1 or more) or 'auto'")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="kickoff")
@click.option("--debug", is_flag=True, help="Show a traceback for internal errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Tell whether the seed documents of a project really specify a system to build."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


@cli.command()
@click.argument("seeds_dir", required=False, type=PATH)
@click.option(
    "--format",
    "fmt",
    # The names of report.RENDERERS, listed here so that --help does not load every renderer.
    type=click.Choice(["text", "json", "sarif", "junit", "github", "markdown", "html"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option("-o", "--output", type=PATH, help="Write the report to FILE.")
@click.option("--min-specs", type=click.IntRange(min=0), help="Spec seeds the gate needs [1].")
@click.option("--count-partial/--no-count-partial", default=None, help="Count partial as spec.")
@click.option("--max-bytes", type=click.IntRange(min=1), help="Bytes read per seed [5 MB].")
@click.option(
    "--questions",
    "questions_file",
    type=PATH,
    help="Also write or update the questions checklist FILE.",
)
@click.option(
    "-j",
    "--jobs",
    metavar="N|auto",
    callback=_jobs,
    default="auto",
    show_default=True,
    help="Judge seeds in N processes; auto: one per CPU (up to 8) from 200 seeds on.",
)
@cache_option
@config_options
def check(
    seeds_dir: Path | None,
    fmt: str,
    output: Path | None,
    min_specs: int | None,
    count_partial: bool | None,
    max_bytes: int | None,
    jobs: int,
    questions_file: Path | None,
    cache: bool,
    config: Path | None,
    rule_packs: tuple[Path, ...],
    disable: tuple[str, ...],
) -> None:
    """Judge every seed in SEEDS_DIR (default: seeds) and exit by the gate."""
    from seed_kickoff.check import check_seeds
    from seed_kickoff.config import Overrides, resolve_settings
    from seed_kickoff.report import WRITERS

    overrides = Overrides(seeds_dir, min_specs, count_partial, rule_packs, disable, max_bytes)
    settings = resolve_settings(overrides, config)
    options = settings.check_options()  # rules loaded once, for the judgement and the questions
    options.jobs = jobs  # 0 is AUTO_JOBS
    options.cache = cache
    options.topics = questions_file is not None or fmt == "html"
    rich_text = fmt == "text" and output is None and _stdout_is_terminal()
    if fmt == "text" and not rich_text:
        from seed_kickoff.report.text import seed_text

        options.render = seed_text  # each seed's lines written where it is judged (a worker)
    from seed_kickoff.report.progress import progress_for

    progress = progress_for(lambda: _console(stderr=True), sys.stderr)
    with progress or contextlib.nullcontext():
        result = check_seeds(settings.seeds_dir, options, progress)
    for target in (output, questions_file):
        if target is not None:
            _refuse_a_seed(result, target)
    sections = None
    if questions_file is not None or fmt == "html":
        from seed_kickoff.questions import build_questions

        sections = build_questions(result, options.ruleset)
    if questions_file is not None and sections is not None:
        from seed_kickoff.checklist import write_checklist

        write_checklist(questions_file, sections)
    if rich_text:
        from seed_kickoff.report.text import render_rich

        render_rich(result, _console())
    elif fmt == "html" and sections is not None:
        from seed_kickoff.checklist import render_checklist
        from seed_kickoff.report.html import write_html

        # The meeting report carries the questions checklist too.
        checklist = render_checklist(sections)
        write_report(lambda out: write_html(result, out, checklist), output)
    else:
        write_report(lambda out: WRITERS[fmt](result, out), output)
    sys.exit(EXIT_PASS if result.gate.passed else EXIT_FAIL)


def _refuse_a_seed(result: CheckResult, target: Path) -> None:
    """An error (exit 2) when ``target`` is one of the run's seeds or its INDEX.md: writing the
    report there would replace what a person wrote."""
    from seed_kickoff.check import seeds_file_at

    seed = seeds_file_at(result, target)
    if seed is not None:
        raise OutputError(
            f"is the seeds dir's {seed}: not replaced; write it elsewhere", str(target)
        )


@cli.command()
@click.argument("seed", type=PATH)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@config_options
def explain(
    seed: Path,
    fmt: str,
    config: Path | None,
    rule_packs: tuple[Path, ...],
    disable: tuple[str, ...],
) -> None:
    """Show one seed in depth: every signal with its line, coverage, genre scores."""
    from seed_kickoff.config import Overrides, resolve_settings
    from seed_kickoff.explain import explain_seed, render_explain_json, render_explain_text

    options = resolve_settings(Overrides(packs=rule_packs, disable=disable), config).check_options()
    result = explain_seed(seed, options.ruleset, options.max_bytes)
    if fmt == "json":
        click.echo(render_explain_json(result), nl=False)
    else:
        click.echo(render_explain_text(result), nl=False)


@cli.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@config_options
def rules_command(
    fmt: str, config: Path | None, rule_packs: tuple[Path, ...], disable: tuple[str, ...]
) -> None:
    """List every active rule with its pack, target, weight and message."""
    from seed_kickoff.config import Overrides, resolve_settings
    from seed_kickoff.report.rules import render_rules_json, render_rules_text

    settings = resolve_settings(Overrides(packs=rule_packs, disable=disable), config)
    ruleset = settings.check_options().ruleset
    assert ruleset is not None
    if fmt == "json":
        click.echo(render_rules_json(ruleset), nl=False)
        return
    click.echo(f"settings from: {', '.join(settings.sources) or 'defaults only'}")
    click.echo(render_rules_text(ruleset), nl=False)


@cli.command()
@click.argument("project_dir", required=False, type=PATH, default=".")
def init(project_dir: Path) -> None:
    """Scaffold seeds/INDEX.md and .kickoff.yaml (never overwriting) and print CI snippets."""
    from seed_kickoff.init import ci_snippets, scaffold

    report = scaffold(project_dir)
    for path in report.created:
        click.echo(f"created {path}")
    for path in report.skipped:
        click.echo(f"skipped {path}: already exists, left as it is")
    click.echo("\nTo gate CI on the seeds, add one of these:\n")
    click.echo(ci_snippets(), nl=False)


@cli.command("index")
@click.argument("seeds_dir", required=False, type=PATH)
@click.option("--check/--write", "check_only", default=True, help="Validate (default) or update.")
@click.option("--config", type=PATH, metavar="FILE", help="Settings file.")
def index_command(seeds_dir: Path | None, check_only: bool, config: Path | None) -> None:
    """Check that INDEX.md lists every seed, or (--write) list the missing ones in it."""
    from seed_kickoff.config import Overrides, resolve_settings
    from seed_kickoff.index_writer import check_index, write_index
    from seed_kickoff.report.text import finding_line

    directory = resolve_settings(Overrides(seeds_dir=seeds_dir), config).seeds_dir
    report = check_index(directory) if check_only else write_index(directory)
    for entry in report.added:
        click.echo(f"added {entry.seed} ({entry.title}) to {report.index_path}")
    if not report.exists:
        click.echo(f"no {report.index_path}; `kickoff index --write` creates it")
    if check_only:
        for seed in report.unlisted:
            click.echo(f"unlisted: {seed} is not in {report.index_path}")
    for finding in report.dangling:
        click.echo(f"dangling: {finding_line(finding)}")
    if report.clean and check_only:
        click.echo(f"{report.index_path} lists every seed")
    passed = report.clean if check_only else not report.dangling
    sys.exit(EXIT_PASS if passed else EXIT_FAIL)


@cli.command()
@click.argument("seeds_dir", required=False, type=PATH)
@click.option("-o", "--output", type=PATH, help="Write or update the checklist FILE.")
@click.option("--all", "show_all", is_flag=True, help="Every question, not the top ten a seed.")
@cache_option
@config_options
def questions(
    seeds_dir: Path | None,
    output: Path | None,
    show_all: bool,
    cache: bool,
    config: Path | None,
    rule_packs: tuple[Path, ...],
    disable: tuple[str, ...],
) -> None:
    """Write the questions checklist for the design meeting (Markdown task list)."""
    from seed_kickoff.check import check_seeds
    from seed_kickoff.checklist import render_checklist, write_checklist
    from seed_kickoff.config import Overrides, resolve_settings
    from seed_kickoff.questions import build_questions

    overrides = Overrides(seeds_dir, packs=rule_packs, disable=disable, questions_output=output)
    settings = resolve_settings(overrides, config)
    options = settings.check_options()
    options.topics = True
    options.cache = cache
    result = check_seeds(settings.seeds_dir, options)
    sections = build_questions(result, options.ruleset, show_all=show_all)
    output = settings.questions_output
    if output is not None:
        _refuse_a_seed(result, output)
        changed = write_checklist(output, sections)
        click.echo(f"{'updated' if changed else 'unchanged'}: {output}", err=True)
    elif _stdout_is_terminal():
        from rich.markdown import Markdown

        _console().print(Markdown(render_checklist(sections)))
    else:
        click.echo(render_checklist(sections), nl=False)


@cli.command(name="eval")
@click.argument("corpus", type=PATH)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("-o", "--output", type=PATH, help="Write the report to FILE.")
@click.option(
    "--fail-under",
    default="",
    metavar="METRIC=MIN,...",
    help="Exit 1 below these (accuracy, spec_recall, spec_precision, genre_agreement).",
)
@click.option(
    "--max-false-pass",
    type=click.IntRange(min=0),
    help="Exit 1 when more non-spec documents than this are judged spec.",
)
@rule_options
def eval_command(
    corpus: Path,
    fmt: str,
    output: Path | None,
    fail_under: str,
    max_false_pass: int | None,
    rule_packs: tuple[Path, ...],
    disable: tuple[str, ...],
) -> None:
    """Measure the verdicts on CORPUS (docs/ and labels.csv: file,label[,genre])."""
    import json

    from seed_kickoff.config import Settings
    from seed_kickoff.evaluate import (
        evaluate_corpus,
        failures,
        parse_thresholds,
        render_text,
        result_dict,
    )

    thresholds = parse_thresholds(fail_under)
    # No settings file: the figures are the built-in rules', with what the command line adds.
    settings = Settings(packs=rule_packs, disable=dict.fromkeys(disable, "--disable"))
    result = evaluate_corpus(corpus, settings.check_options().ruleset)
    failed = failures(result, thresholds, max_false_pass)
    if fmt == "json":
        text = json.dumps(result_dict(result, failed), indent=2, ensure_ascii=False) + "\n"
    else:
        text = render_text(result, failed)
    write_output(text, output)
    sys.exit(EXIT_FAIL if failed else EXIT_PASS)


def _utf8_streams() -> None:
    """Reports hold whatever characters the seeds quote. Piped or redirected, they are UTF-8, as
    ``-o`` writes them; in a terminal whose encoding lacks a character, it shows escaped
    (``\\u2615``). Either way no report stops half-way for one character (a Windows shell
    redirecting in cp1252, a latin-1 locale), nor for a lone surrogate, which YAML's ``"\\ud800"``
    puts in a title or a message and no UTF-8 can hold (it shows escaped, as ``-o`` writes it)."""
    import codecs
    import io

    for stream in (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper):
            continue
        try:
            if codecs.lookup(stream.encoding).name == "utf-8":
                if stream.errors in ("strict", "surrogateescape"):
                    stream.reconfigure(errors="backslashreplace")
                continue
            if stream.isatty():
                stream.reconfigure(errors="backslashreplace")
            else:
                stream.reconfigure(encoding="utf-8", errors="backslashreplace")
        except (LookupError, OSError, ValueError):
            continue  # a stream that cannot say or change its encoding: left as it is


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: runs the CLI and turns every failure into a message and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    _utf8_streams()
    try:
        cli.main(args=args, prog_name="kickoff", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as err:
        err.show()
        sys.exit(EXIT_USAGE)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except KickoffError as err:
        from seed_kickoff.controls import escape_controls

        # The message quotes paths and keys from the command line and configuration files: a
        # newline, ESC or bell in them is shown escaped, never sent to the terminal or CI log.
        click.echo(f"kickoff: error: {escape_controls(str(err))}", err=True)
        sys.exit(err.exit_code)
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (| head); nothing left to say
        sys.exit(EXIT_FAIL)
    except Exception as err:  # the last line of defence: no traceback unless asked
        if debug:
            import traceback

            traceback.print_exc()
        click.echo(
            f"kickoff: internal error: {type(err).__name__}: {err}\n"
            "This is a bug in kickoff; please report it with the command you ran"
            " (--debug shows the traceback).",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
    sys.exit(EXIT_PASS)
