"""The values the tool deals in: immutable, and free of I/O.

They are NamedTuples rather than dataclasses on purpose: importing `dataclasses` and building
its classes costs more start-up time than everything else the `events` command does.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple


class DateSpan(NamedTuple):
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


class Actor(NamedTuple):
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    successor_of: tuple[str, ...] = ()
    note: str | None = None


class ActorRef(NamedTuple):
    id: str
    role: str


class Source(NamedTuple):
    url: str
    publisher: str
    title: str | None = None  # absent when the page showed none: never a placeholder
    published: str | None = None


class Place(NamedTuple):
    """An entry of the gazetteer: where events happen, with the spellings people use."""

    id: str
    name: str
    kind: str
    within: str | None = None  # the place it lies in (a town in its district, …)
    lat: float | None = None  # WGS 84, decimal degrees, copied from a page that prints them
    lon: float | None = None
    aliases: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    note: str | None = None


class Era(NamedTuple):
    """A named period (a phase of the Astana process, the freeze, …), drawn beside events."""

    id: str
    name: str
    date: DateSpan  # from `start` to `end`, both inclusive
    description: str
    sources: tuple[Source, ...] = ()


class Figure(NamedTuple):
    """A number somebody claimed. Never merged with other claims, never averaged."""

    label: str
    value: float
    claimed_by: str
    source_url: str
    qualifier: str | None = None
    note: str | None = None


class Event(NamedTuple):
    id: str
    date: DateSpan
    title: str
    summary: str
    type: str
    actors: tuple[ActorRef, ...]
    sources: tuple[Source, ...]
    location: str | None = None
    place: str | None = None  # a gazetteer id: location.place
    figures: tuple[Figure, ...] = ()
    tags: tuple[str, ...] = ()
    date_note: str | None = None
    note: str | None = None  # e.g. a claim no source confirms, kept as a claim
    origin: str = ""  # the store file it came from


class Activity(NamedTuple):
    """How often, and from when to when, an actor appears in the store's events."""

    events: int
    first: date | None
    last: date | None


# The controlled vocabularies of the store (documented in data/README.md, enforced by
# `idlib validate` and by data/schema/idlib-store.schema.json).
EVENT_TYPES = frozenset({
    "agreement", "talks", "summit", "statement", "un-resolution", "veto", "offensive", "battle",
    "capture", "airstrike", "attack", "clash", "ceasefire", "military-operation", "deployment",
    "patrol", "withdrawal", "humanitarian", "displacement", "disaster", "political", "casualties",
    "diplomatic-crisis", "assassination", "raid",
})
ACTOR_ROLES = frozenset({
    "signatory", "guarantor", "host", "mediator", "participant", "attacker", "target",
    "belligerent", "speaker", "subject", "sponsor", "observer", "claimant", "victim", "vetoed-by",
    "author",
})
ACTOR_KINDS = frozenset({
    "state", "military", "ministry", "person", "armed-group", "coalition",
    "international-organization", "political-body", "civil-society", "monitor",
})
PLACE_KINDS = frozenset({
    "country", "governorate", "province", "district", "subdistrict", "region", "city", "town",
    "village", "crossing", "air-base", "military-base", "road", "mountain", "building", "camp",
})
FIGURE_QUALIFIERS = frozenset({"at least", "more than", "about", "up to", "fewer than"})
