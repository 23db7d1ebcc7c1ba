"""The tool's own exceptions and exit statuses: every layer raises these, and only the entry
point (main.py) turns them into one line on stderr and an exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    ERROR = 1  # a runtime problem: a broken store, an unknown event id, validate found problems
    USAGE = 2  # the user asked for something malformed
    INTERRUPTED = 130


class IdlibError(Exception):
    """Base of every error the tool reports to the user as one line."""

    exit_code = ExitStatus.ERROR


class UsageError(IdlibError):
    """The user asked for something malformed: a bad date, an unknown actor, a bad field."""

    exit_code = ExitStatus.USAGE


class DateError(UsageError):
    """A date string that is not a date we can read."""


class StoreError(IdlibError):
    """A store file that cannot be read or does not hold a valid store."""

    def __init__(self, message: str, *, file: str | None = None, path: str | None = None,
                 line: int | None = None) -> None:
        self.file = file
        self.path = path
        self.line = line
        self.reason = message
        super().__init__(self._format())

    def _format(self) -> str:
        place = ":".join(str(part) for part in (self.file, self.line) if part is not None)
        where = f" at {self.path}" if self.path else ""
        return f"{place}{where}: {self.reason}" if place else f"{self.reason}{where}"


class NotFoundError(IdlibError):
    """An event id that no store holds."""


class EnvironmentFailure(IdlibError):
    """The machine, not the user or the tool: a full disk, a closed stdout, a permission."""
