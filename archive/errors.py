"""Errors a user can cause. The CLI prints them without a traceback."""

from __future__ import annotations


class ArchiveError(Exception):
    """An error caused by input or state the user controls.

    ``str(error)`` is the whole message: it names the field, file or line.
    ``details`` holds further lines (one per problem) for reports.
    """

    exit_code = 1

    def __init__(self, message: str, details: list[str] | None = None,
                 located: list[tuple[int | None, str | None, str]] | None = None):
        super().__init__(message)
        self.message = message
        self.details = list(details or [])
        # for problems in a file: (line, field, problem), so reports need not parse messages
        self.located = list(located or [])

    def __str__(self) -> str:
        return self.message


class NotFound(ArchiveError):
    """A record id, file or archive that does not exist."""


class InvalidRecord(ArchiveError):
    """A record that does not validate; ``details`` lists ``field: problem``."""
