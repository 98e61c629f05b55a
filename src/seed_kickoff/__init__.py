"""kickoff: does this seed document really specify a system to build?"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
