"""Typed errors raised by the library; the CLI turns them into messages and exit codes."""

from __future__ import annotations


class KickoffError(Exception):
    """Base of every error kickoff raises on purpose. Carries where the problem is."""

    exit_code = 2

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


class UsageError(KickoffError):
    """The command was asked something it cannot do: a missing seeds dir, a bad option value."""


class ConfigError(KickoffError):
    """A configuration file or INDEX.md front matter holds a wrong value."""


class RulePackError(ConfigError):
    """A rule pack is malformed: unknown field, duplicate id, invalid regular expression."""

    def __init__(
        self,
        message: str,
        path: str | None = None,
        rule: str | None = None,
        line: int | None = None,
    ) -> None:
        if rule:
            message = f"rule {rule!r}: {message}"
        super().__init__(message, path=path, line=line)
        self.rule = rule


class OutputError(KickoffError):
    """A file kickoff was asked to write cannot be written."""
