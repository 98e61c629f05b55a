"""The command line: parse options, call the library, print, choose the exit code. Nothing else."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from seed_kickoff import __version__
from seed_kickoff.errors import KickoffError, OutputError

EXIT_PASS = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def _console(stderr: bool = False) -> Any:
    from rich.console import Console  # rich costs start-up time: load it only to draw

    return Console(stderr=stderr, highlight=False, no_color="NO_COLOR" in os.environ or None)


def write_output(text: str, output: Path | None) -> None:
    """Print ``text``, or write it atomically to ``output``."""
    if output is None:
        click.echo(text, nl=False)
        return
    from seed_kickoff.atomic import atomic_write_text

    try:
        atomic_write_text(output, text)
    except OSError as err:
        raise OutputError(f"cannot write: {err.strerror or err}", str(output)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="kickoff")
@click.option("--debug", is_flag=True, help="Show a traceback for internal errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Tell whether the seed documents of a project really specify a system to build."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


@cli.command()
@click.argument("seeds_dir", required=False, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the report to FILE.")
@click.option("--min-specs", type=click.IntRange(min=0), help="Spec seeds the gate needs [1].")
@click.option("--count-partial/--no-count-partial", default=None, help="Count partial as spec.")
@click.option("--max-bytes", type=click.IntRange(min=1), help="Bytes read per seed [5 MB].")
def check(
    seeds_dir: Path | None,
    fmt: str,
    output: Path | None,
    min_specs: int | None,
    count_partial: bool | None,
    max_bytes: int | None,
) -> None:
    """Judge every seed in SEEDS_DIR (default: seeds) and exit by the gate."""
    from seed_kickoff.check import CheckOptions, check_seeds
    from seed_kickoff.model import GatePolicy
    from seed_kickoff.report import RENDERERS

    policy = GatePolicy(
        min_specs=1 if min_specs is None else min_specs,
        count_partial=bool(count_partial),
    )
    options = CheckOptions(policy=policy)
    if max_bytes is not None:
        options.max_bytes = max_bytes
    result = check_seeds(seeds_dir or Path("seeds"), options)
    if fmt == "text" and output is None and _stdout_is_terminal():
        from seed_kickoff.report.text import render_rich

        render_rich(result, _console())
    else:
        write_output(RENDERERS[fmt](result), output)
    sys.exit(EXIT_PASS if result.gate.passed else EXIT_FAIL)


@cli.command()
@click.argument("seed", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def explain(seed: Path, fmt: str) -> None:
    """Show one seed in depth: every signal with its line, coverage, genre scores."""
    from seed_kickoff.explain import explain_seed, render_explain_json, render_explain_text

    result = explain_seed(seed)
    if fmt == "json":
        click.echo(render_explain_json(result), nl=False)
    else:
        click.echo(render_explain_text(result), nl=False)


@cli.command(name="eval")
@click.argument("corpus", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the report to FILE.")
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
def eval_command(
    corpus: Path, fmt: str, output: Path | None, fail_under: str, max_false_pass: int | None
) -> None:
    """Measure the verdicts on CORPUS (docs/ and labels.csv: file,label[,genre])."""
    import json

    from seed_kickoff.evaluate import (
        evaluate_corpus,
        failures,
        parse_thresholds,
        render_text,
        result_dict,
    )

    thresholds = parse_thresholds(fail_under)
    result = evaluate_corpus(corpus)
    failed = failures(result, thresholds, max_false_pass)
    if fmt == "json":
        text = json.dumps(result_dict(result, failed), indent=2, ensure_ascii=False) + "\n"
    else:
        text = render_text(result, failed)
    write_output(text, output)
    sys.exit(EXIT_FAIL if failed else EXIT_PASS)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: runs the CLI and turns every failure into a message and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
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
        click.echo(f"kickoff: error: {err}", err=True)
        sys.exit(err.exit_code)
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (| head); nothing left to say
        sys.exit(EXIT_FAIL)
    except Exception as err:  # the last line of defence: no traceback unless asked
        if debug:
            traceback.print_exc()
        click.echo(
            f"kickoff: internal error: {type(err).__name__}: {err}\n"
            "This is a bug in kickoff; please report it with the command you ran"
            " (--debug shows the traceback).",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
    sys.exit(EXIT_PASS)
