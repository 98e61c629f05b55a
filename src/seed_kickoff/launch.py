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
"""

from __future__ import annotations

import atexit
import gc

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
    main()
