"""Python's regular-expression internals, read by the planner, the prefilter and the pattern cache.

The parser, the compiler and their constants are private modules of ``re``, stable in practice;
from Python 3.11 they are ``re._parser`` and friends, and the old names warn.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

_NEW_NAMES = sys.version_info >= (3, 11)

parser: Any = importlib.import_module("re._parser" if _NEW_NAMES else "sre_parse")
compiler: Any = importlib.import_module("re._compiler" if _NEW_NAMES else "sre_compile")
constants: Any = importlib.import_module("re._constants" if _NEW_NAMES else "sre_constants")
