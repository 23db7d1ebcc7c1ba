"""Selecting events: a `Query` is a plan in a small algebra; this module defines the algebra,
the facts each event offers to it, and the in-memory engine that evaluates it.

Filters (filters.py) never touch an engine: each turns its options into a plan made of the
five kinds below. The in-memory engine (here) and the prepared index (index/engine.py) each
evaluate those five kinds, over facts that both take from `event_facts`, so a filter cannot
mean one thing to one engine and another to the other. An engine that meets a kind it does not
know raises, and the engine-agreement test fails.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from functools import lru_cache
from itertools import islice
from typing import NamedTuple, Union

from idlib_cli.errors import UsageError
from idlib_cli.model import Activity, Actor, Event, Place
from idlib_cli.text import fold, has_words, haystack, word_pattern

# --- the algebra ---------------------------------------------------------------------------------


class Span(NamedTuple):
    """Events whose days overlap [since, until) (either end open)."""

    since: date | None
    until: date | None


class Has(NamedTuple):
    """Events with at least one of `values` under `facet` (see FACETS)."""

    facet: str
    values: frozenset[str]


class Text(NamedTuple):
    """Events whose folded `field` text holds `needle` at a word start (or anywhere, with
    `substring`). `needle` is folded already."""

    field: str  # "text" or "source"
    needle: str
    substring: bool = False


class AnyOf(NamedTuple):
    parts: tuple[Plan, ...]


class AllOf(NamedTuple):
    parts: tuple[Plan, ...]


Plan = Union[Span, Has, Text, AnyOf, AllOf]  # noqa: UP007 - a runtime alias, read by isinstance
EVERYTHING = AllOf(())

FACETS = ("actor", "actor-role", "role", "type", "tag", "place")
TEXT_FIELDS = ("text", "source")


class Query(NamedTuple):
    plan: Plan = EVERYTHING
    limit: int | None = None
    reverse: bool = False


def all_of(parts: Iterable[Plan]) -> Plan:
    """AllOf without the nesting a single part doesn't need."""
    flat = tuple(parts)
    return flat[0] if len(flat) == 1 else AllOf(flat)


def any_of(parts: Iterable[Plan]) -> Plan:
    flat = tuple(parts)
    return flat[0] if len(flat) == 1 else AnyOf(flat)


def check_limit(limit: int | None) -> int | None:
    """A positive limit; one beyond any list's length means no limit at all."""
    import sys

    if limit is not None and limit < 1:
        raise UsageError(f"--limit must be a positive number, not {limit}")
    return None if limit is not None and limit > sys.maxsize else limit


# --- what an event offers to a plan ---------------------------------------------------------------


class Facts(NamedTuple):
    facets: Mapping[str, frozenset[str]]
    texts: Mapping[str, str]  # folded, see text.haystack


def event_facts(event: Event, actors: Mapping[str, Actor], places: Mapping[str, Place]) -> Facts:
    """The facets and texts of one event: what every plan is evaluated against, by both
    engines (the index stores exactly these)."""
    place = places.get(event.place) if event.place else None
    text = haystack([event.title, event.summary, event.location or "", *event.tags,
                     *(_place_words(place) if place else ()),
                     *(_actor_text(actors[ref.id]) for ref in event.actors if ref.id in actors)])
    sources = haystack([word for s in event.sources for word in _source_words(s.url,
                                                                              s.publisher)])
    facets = {
        "actor": frozenset(ref.id for ref in event.actors),
        "actor-role": frozenset(f"{ref.id}:{ref.role}" for ref in event.actors),
        "role": frozenset(ref.role for ref in event.actors),
        "type": frozenset((event.type,)),
        "tag": frozenset(event.tags),
        "place": frozenset((event.place,)) if event.place else frozenset(),
    }
    return Facts(facets, {"text": text, "source": sources})


def _place_words(place: Place) -> tuple[str, ...]:
    return (place.name, *place.aliases)


@lru_cache(maxsize=4096)
def _actor_text(actor: Actor) -> str:
    return fold(" ".join([actor.name, *actor.aliases]))


def _source_words(url: str, publisher: str) -> tuple[str, str]:
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return publisher, host


def searchable_text(actors: Mapping[str, Actor], event: Event,
                    places: Mapping[str, Place] | None = None) -> str:
    """Everything --keyword looks at, folded (see `event_facts`)."""
    return event_facts(event, actors, places or {}).texts["text"]


# --- the in-memory engine -----------------------------------------------------------------------


class Matcher:
    """A plan, ready to test facts: needles compiled once, not once per event."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.patterns = {needle: word_pattern(needle) for needle in _needles(plan)}

    def __call__(self, facts: Facts, span: tuple[date, date]) -> bool:
        return self._test(self.plan, facts, span)

    def _test(self, plan: Plan, facts: Facts, span: tuple[date, date]) -> bool:
        if isinstance(plan, AllOf):
            return all(self._test(part, facts, span) for part in plan.parts)
        if isinstance(plan, AnyOf):
            return any(self._test(part, facts, span) for part in plan.parts)
        if isinstance(plan, Span):
            return (plan.until is None or span[0] < plan.until) and \
                (plan.since is None or span[1] > plan.since)
        if isinstance(plan, Has):
            return not facts.facets[plan.facet].isdisjoint(plan.values)
        if isinstance(plan, Text):
            text = facts.texts[plan.field]
            if plan.substring:
                return plan.needle in text
            pattern = self.patterns[plan.needle]
            return pattern is not None and has_words(text, plan.needle, pattern)
        raise TypeError(f"the in-memory engine has no plan for {type(plan).__name__}")


def _needles(plan: Plan) -> Iterator[str]:
    if isinstance(plan, (AllOf, AnyOf)):
        for part in plan.parts:
            yield from _needles(part)
    elif isinstance(plan, Text):
        yield plan.needle


class MemoryFacts:
    """Each event's facts, computed once per store (the in-memory engine's "index")."""

    def __init__(self, events: tuple[Event, ...], actors: Mapping[str, Actor],
                 places: Mapping[str, Place]) -> None:
        self.events = events
        self.facts = [event_facts(event, actors, places) for event in events]


def run(events: tuple[Event, ...], facts: list[Facts], query: Query) -> list[Event]:
    """The events matching `query`, chronological (or newest first), at most `limit`."""
    test = Matcher(query.plan)
    matching: Iterable[Event] = (event for event, fact in zip(events, facts, strict=True)
                                 if test(fact, (event.date.start, event.date.end)))
    if query.reverse:
        matching = reversed(list(matching))
    return list(islice(matching, query.limit))


def count(events: tuple[Event, ...], facts: list[Facts], plan: Plan) -> int:
    test = Matcher(plan)
    return sum(1 for event, fact in zip(events, facts, strict=True)
               if test(fact, (event.date.start, event.date.end)))


def actor_activity(events: Iterable[Event], actors: Mapping[str, Actor]) -> dict[str, Activity]:
    """For each actor: events naming it directly, and the first and last day they cover."""
    counts: dict[str, int] = {}
    first: dict[str, date] = {}
    last: dict[str, date] = {}
    for event in events:
        for actor_id in {ref.id for ref in event.actors}:
            counts[actor_id] = counts.get(actor_id, 0) + 1
            first.setdefault(actor_id, event.date.start)
            last[actor_id] = max(last.get(actor_id, event.date.last), event.date.last)
    return {actor_id: Activity(counts.get(actor_id, 0), first.get(actor_id), last.get(actor_id))
            for actor_id in actors}
