"""Selecting events: a `Query` value in, matching events out, chronological. No terminal here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import lru_cache
from itertools import islice
from typing import Any

from idlib_cli.errors import UsageError
from idlib_cli.model import Activity, Actor, Event
from idlib_cli.store import Store
from idlib_cli.text import fold


class Query:
    """What to select. Every group of conditions must hold (AND), as must each item in a group.

    `actor_sets` holds one set per requested actor: an event matches if, for every set, one of its
    actors is in it (so a set of an actor and its descendants matches any of them).
    `since`/`until` bound a half-open interval of days [since, until); an event matches if its
    own interval overlaps it. (A plain class: see model.py on why not a dataclass.)
    """

    __slots__ = ("actor_sets", "keywords", "limit", "reverse", "since", "types", "until")

    def __init__(self, actor_sets: tuple[frozenset[str], ...] = (), since: date | None = None,
                 until: date | None = None, keywords: tuple[str, ...] = (),
                 types: frozenset[str] = frozenset(), limit: int | None = None,
                 reverse: bool = False) -> None:
        if since and until and since >= until:
            raise UsageError("--since is after --until: swap them or widen the range")
        if limit is not None and limit < 1:
            raise UsageError(f"--limit must be a positive number, not {limit}")
        self.actor_sets = actor_sets
        self.since = since
        self.until = until
        self.keywords = keywords
        self.types = types
        self.limit = limit
        self.reverse = reverse

    def replace(self, **changes: Any) -> Query:
        """A copy with some conditions changed (checked again)."""
        current = {name: getattr(self, name) for name in self.__slots__}
        return Query(**(current | changes))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"Query({shown})"


def run(store: Store, query: Query) -> list[Event]:
    needles = needles_of(query)
    matching: Iterable[Event] = (e for e in store.events if matches(store, e, query, needles))
    if query.reverse:
        matching = reversed(list(matching))
    return list(islice(matching, query.limit))


def matches(store: Store, event: Event, query: Query, needles: tuple[str, ...]) -> bool:
    """Does `event` satisfy `query`? `needles` are the query's keywords, already folded."""
    if query.types and event.type not in query.types:
        return False
    if not event.date.overlaps(query.since, query.until):
        return False
    event_actors = {ref.id for ref in event.actors}
    if any(event_actors.isdisjoint(wanted) for wanted in query.actor_sets):
        return False
    if needles:
        haystack = searchable_text(store.actors, event)
        return all(needle in haystack for needle in needles)
    return True


def searchable_text(actors: Mapping[str, Actor], event: Event) -> str:
    """Everything --keyword looks at, folded: title, summary, location, tags, actors' names.

    Both engines call this, so a keyword matches the same events whichever one answers.
    Folding each part and joining with a space equals folding the joined text; the actors'
    part is folded once per actor, not once per event.
    """
    own = fold(" ".join([event.title, event.summary, event.location or "", *event.tags]))
    parts = [own, *(_actor_text(actors[ref.id]) for ref in event.actors)]
    return " " + " ".join(part for part in parts if part) + " "


@lru_cache(maxsize=4096)
def _actor_text(actor: Actor) -> str:
    return fold(" ".join([actor.name, *actor.aliases]))


def needles_of(query: Query) -> tuple[str, ...]:
    """The query's keywords as they are matched: folded."""
    return tuple(fold(word) for word in query.keywords)


def resolve_types(known: Iterable[str], requested: Sequence[str]) -> frozenset[str]:
    """Check --type values against the types the store uses; suggest on a typo."""
    import difflib

    vocabulary = set(known)
    chosen: set[str] = set()
    for raw in requested:
        for name in filter(None, (part.strip().lower() for part in raw.split(","))):
            if name not in vocabulary:
                close = difflib.get_close_matches(name, vocabulary, n=3)
                hint = f"did you mean {' or '.join(close)}?" if close else \
                    f"known types: {', '.join(sorted(vocabulary))}"
                raise UsageError(f"unknown event type {name!r}: {hint}")
            chosen.add(name)
    return frozenset(chosen)


def actor_activity(store: Store) -> dict[str, Activity]:
    """For each actor: events naming it directly, and the first and last day they cover."""
    counts: dict[str, int] = {}
    first: dict[str, date] = {}
    last: dict[str, date] = {}
    for event in store.events:
        for actor_id in {ref.id for ref in event.actors}:
            counts[actor_id] = counts.get(actor_id, 0) + 1
            first.setdefault(actor_id, event.date.start)
            last[actor_id] = max(last.get(actor_id, event.date.last), event.date.last)
    return {actor_id: Activity(counts.get(actor_id, 0), first.get(actor_id), last.get(actor_id))
            for actor_id in store.actors}
