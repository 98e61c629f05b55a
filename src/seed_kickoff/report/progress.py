"""A progress bar on stderr for long runs in a terminal; silent in CI logs and pipes."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

# A run shorter than this never shows a bar: it would only flicker.
DELAY_SECONDS = 0.5


def progress_wanted(stream: IO[str], env: Mapping[str, str]) -> bool:
    """Only for a person watching: stderr is a terminal and no CI system is running us."""
    if env.get("CI", "").lower() not in ("", "0", "false") or env.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class DelayedProgress:
    """A ``progress(done, total)`` callback for check_seeds that draws a transient rich bar once
    the run has taken longer than ``delay`` seconds. Use as a context manager."""

    def __init__(
        self,
        console: Console,
        delay: float = DELAY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.console = console
        self.delay = delay
        self.clock = clock
        self.started = clock()
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> DelayedProgress:
        self.started = self.clock()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.stop()

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if done >= total or self.clock() - self.started < self.delay:
                return
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(
                TextColumn("judging seeds"),
                BarColumn(),
                MofNCompleteColumn(),
                console=self.console,
                transient=True,
            )
            self.task = self.bar.add_task("seeds", total=total)
            self.bar.start()
        assert self.task is not None
        self.bar.update(self.task, completed=done, total=total)


def progress_for(console_factory: Callable[[], Console], stream: IO[str]) -> DelayedProgress | None:
    """The progress callback the CLI should pass, or None when nobody would see the bar."""
    if not progress_wanted(stream, os.environ):
        return None
    return DelayedProgress(console_factory())
