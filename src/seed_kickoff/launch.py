"""The ``kickoff`` command: ``cli.main()`` in a process of its own, started for less.

What start-up makes (click, kickoff's modules, their classes) lives until the process ends. The
garbage collector walks every object it tracks in each full pass, so while the CLI is imported it
does not run (those imports make no garbage worth a pass), and what they made is then frozen: no
pass walks it again. At exit, so is what the run made: the collection Python makes on the way
out would only free memory the process hands back anyway (nothing kickoff keeps relies on being
collected at exit: results, caches and reports are closed or written before). Young objects are
collected less often than by default, too. About 35 M instructions of a one-seed check.
``cli.main()`` leaves the collector as it is, for callers that run it inside a process of theirs
(tests).

Once the command is done, the exit handlers have run (the per-user caches are written then) and
the streams are flushed, the process ends at once: the interpreter's own shutdown (clearing
every module, a last collection) frees only memory the process hands back anyway. About 5 M
instructions of a one-seed check.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys

_YOUNG = 10_000  # allocations between two young collections (Python's default: 700 or 2,000)


def run() -> None:
    """Run the command line (``sys.argv``) and exit with its code."""
    gc.disable()
    try:
        from seed_kickoff.cli import main
    finally:
        gc.enable()
    gc.freeze()
    atexit.register(gc.freeze)  # registered first, so it runs after the other exit handlers
    # A run keeps most of what it makes (rules, plans, results) to its end: young collections
    # ten times rarer mean as many fewer passes over the older objects.
    gc.set_threshold(_YOUNG, *gc.get_threshold()[1:])
    try:
        main()
        status: object = 0
    except SystemExit as done:  # how main() always ends
        status = done.code
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # the reader went away, or main() closed it
            stream.flush()
    os._exit(status if isinstance(status, int) else 0 if status is None else 1)
