"""The values the tool deals in. Frozen, slotted, and free of I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True, slots=True)
class DateSpan:
    """A date as recorded (EDTF) and the half-open interval of days it covers: [start, end)."""

    text: str
    start: date
    end: date
    precision: str  # day | month | season | year | interval
    approximate: bool = False

    @property
    def last(self) -> date:
        """The last day covered (inclusive), as people and JSON consumers expect."""
        return self.end - timedelta(days=1)

    def overlaps(self, since: date | None, until: date | None) -> bool:
        """True if any day of this span lies in [since, until)."""
        return (until is None or self.start < until) and (since is None or self.end > since)


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    successor_of: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ActorRef:
    id: str
    role: str


@dataclass(frozen=True, slots=True)
class Source:
    url: str
    publisher: str
    title: str
    published: str | None = None


@dataclass(frozen=True, slots=True)
class Figure:
    """A number somebody claimed. Never merged with other claims, never averaged."""

    label: str
    value: float
    claimed_by: str
    source_url: str
    qualifier: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    date: DateSpan
    title: str
    summary: str
    type: str
    actors: tuple[ActorRef, ...]
    sources: tuple[Source, ...]
    location: str | None = None
    figures: tuple[Figure, ...] = ()
    tags: tuple[str, ...] = ()
    date_note: str | None = None
    origin: str = field(default="", compare=False)  # the store file it came from
