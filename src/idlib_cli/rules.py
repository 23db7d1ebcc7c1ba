"""The store's consistency rules, in one place: the loader raises the first problem, `validate`
lists them all, and the index builder refuses a store that breaks any. What a rule says is
therefore the same whichever of the three meets the store.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any, NamedTuple

from idlib_cli.jsonpath import PathPart
from idlib_cli.model import Actor, Event, Place


class Broken(NamedTuple):
    """A broken rule: where (relative to the definition or event) and what."""

    parts: tuple[PathPart, ...]
    message: str


def chronological(event: Event) -> tuple[date, date]:
    """The one order of events: first day, then last day; ties keep store order (sorts are
    stable), so a store already in this order never needs renumbering. (The index renumbers
    its rows by the same two columns in SQL.)"""
    return (event.date.start, event.date.end)


def chronological_raw(event: Any) -> tuple[date, date]:
    """The same order for an event still a JSON object (`add`, `import` sort before they
    check); one whose date can't be read goes last, for validation to report."""
    from idlib_cli.dates import parse_edtf
    from idlib_cli.errors import DateError

    try:
        span = parse_edtf(event["date"])
    except (DateError, TypeError, KeyError):
        return date.max, date.max
    return span.start, span.end


def in_cycle(key: str, parents: Mapping[str, str | None]) -> bool:
    """Does following `parents` from `key` come back to `key`?"""
    seen: set[str] = set()
    current: str | None = key
    while current is not None and current in parents and current not in seen:
        seen.add(current)
        current = parents[current]
    return current == key


def chain(key: str, parents: Mapping[str, str | None]) -> list[str]:
    """The path from `key` up its parents, for a message about a cycle."""
    found = [key]
    current = parents.get(key)
    while current and current in parents and current not in found:
        found.append(current)
        current = parents[current]
    return [*found, current] if current else found


def actor_problems(actor: Actor, actors: Mapping[str, Actor]) -> Iterator[Broken]:
    if actor.parent and actor.parent not in actors:
        yield Broken(("parent",), f"actor {actor.id!r} has unknown parent {actor.parent!r}")
    for i, earlier in enumerate(actor.successor_of):
        if earlier not in actors:
            yield Broken(("successor_of", i), f"actor {actor.id!r} succeeds unknown actor "
                                              f"{earlier!r}")
    parents = {key: value.parent for key, value in actors.items()}
    if in_cycle(actor.id, parents):
        yield Broken(("parent",), f"parent cycle: {' -> '.join(chain(actor.id, parents))}: "
                                  "break it")


def place_problems(place: Place, places: Mapping[str, Place]) -> Iterator[Broken]:
    if place.within and place.within not in places:
        yield Broken(("within",), f"place {place.id!r} lies within unknown place "
                                  f"{place.within!r}")
    within = {key: value.within for key, value in places.items()}
    if in_cycle(place.id, within):
        yield Broken(("within",), f"'within' cycle: {' -> '.join(chain(place.id, within))}: "
                                  "break it")
    if (place.lat is None) != (place.lon is None):
        yield Broken(("lat",), "give both lat and lon, or neither")
    if place.lat is not None and not -90 <= place.lat <= 90:
        yield Broken(("lat",), f"latitude {place.lat} is outside -90..90")
    if place.lon is not None and not -180 <= place.lon <= 180:
        yield Broken(("lon",), f"longitude {place.lon} is outside -180..180")


def event_problems(event: Event, actors: Mapping[str, Any],
                   places: Mapping[str, Any]) -> Iterator[Broken]:
    """References an event makes to the definitions of the stores being read."""
    for position, ref in enumerate(event.actors):
        if ref.id not in actors:
            yield Broken(("actors", position, "id"),
                         f"unknown actor {ref.id!r}: define it in 'actors' of a store "
                         "(see 'idlib actors')")
    if event.place is not None and event.place not in places:
        yield Broken(("location", "place"), f"unknown place {event.place!r}: define it in "
                                            "'places' of a store (see 'idlib places')")
