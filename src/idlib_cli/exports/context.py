"""What every export writer needs besides the records: a title, the eras, the accessed date.

Writers are pure functions of (records, stream, context), so the command that calls them decides
every input (the clock included) and a test can pin them all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple


def _ignore(message: str) -> None:
    """The default warning sink: a writer called without one stays silent."""


class ExportContext(NamedTuple):
    """Inputs shared by the writers; only `title`, `eras` and `accessed` are required."""

    title: str
    """Shown as the document's title, e.g. "idlib: events with Turkey, 2020"."""
    eras: Sequence[dict[str, Any]]
    """{id, name, start, end (ISO, inclusive), description, sources: [{url, publisher, title}]}"""
    accessed: str
    """ISO date given as the citations' accessed date (and the iCalendar DTSTAMP): passed in,
    because a writer that read the clock would give different bytes for the same selection."""
    as_table: bool = False
    """Markdown only: a table instead of a dated list."""
    warn: Callable[[str], None] = _ignore
    """Where a writer says what it left out (the command sends it to stderr)."""
