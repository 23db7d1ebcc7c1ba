"""One interface over two engines: the in-memory store and the prepared SQLite index.

Commands ask a `Catalog`; `open_catalog` picks the engine. Both build records with
`records.event_record` and evaluate the same plans over the same facts (query.py), and a test
runs every registered filter through both and compares the bytes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from itertools import islice
from typing import TYPE_CHECKING, Protocol

from idlib_cli import settings
from idlib_cli.errors import UsageError
from idlib_cli.model import Activity, Actor, Era, Place
from idlib_cli.query import MemoryFacts, Query, actor_activity, count, run
from idlib_cli.records import Record, event_record, json_bytes
from idlib_cli.store import NameIndex, Store, load, store_paths

if TYPE_CHECKING:
    from _typeshed import StrPath

    from idlib_cli.index.freshness import Progress

JsonBytes = bytes | memoryview  # one record's JSON, UTF-8


class Catalog(Protocol):
    @property
    def actors(self) -> Mapping[str, Actor]: ...

    @property
    def places(self) -> Mapping[str, Place]: ...

    @property
    def eras(self) -> tuple[Era, ...]: ...

    @property
    def actor_index(self) -> NameIndex: ...

    @property
    def place_index(self) -> NameIndex: ...

    @property
    def data_version(self) -> str | None: ...

    def count(self) -> int: ...

    def facet_counts(self, facet: str) -> Mapping[str, int]:
        """How many events have each value of a facet (type, tag, place, actor, …)."""
        ...

    def search(self, query: Query) -> Iterator[Record]: ...

    def count_matching(self, query: Query) -> int:
        """How many events match, whatever the limit."""
        ...

    def json_batches(self, query: Query) -> Iterator[Sequence[JsonBytes]]:
        """The matching records as --json prints them (`records.json_bytes`), a batch at a
        time: what the fast lane writes without parsing anything."""
        ...

    def record(self, event_id: str) -> Record: ...

    def event_ids(self) -> Sequence[str]: ...

    def activity(self) -> dict[str, Activity]: ...


class MemoryCatalog:
    """Everything parsed into memory: the reference engine, and the fallback."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def actors(self) -> Mapping[str, Actor]:
        return self.store.actors

    @property
    def places(self) -> Mapping[str, Place]:
        return self.store.places

    @property
    def eras(self) -> tuple[Era, ...]:
        return self.store.eras

    @property
    def actor_index(self) -> NameIndex:
        return self.store.actor_index

    @property
    def place_index(self) -> NameIndex:
        return self.store.place_index

    @property
    def data_version(self) -> str | None:
        return self.store.data_version

    @cached_property
    def _facts(self) -> MemoryFacts:
        return MemoryFacts(self.store.events, self.store.actors, self.store.places)

    def count(self) -> int:
        return len(self.store.events)

    def facet_counts(self, facet: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for facts in self._facts.facts:
            for value in facts.facets[facet]:
                counts[value] = counts.get(value, 0) + 1
        return counts

    def type_counts(self) -> dict[str, int]:
        return self.facet_counts("type")

    def search(self, query: Query) -> Iterator[Record]:
        return (event_record(self.store.actors, event, self.store.places)
                for event in run(self.store.events, self._facts.facts, query))

    def count_matching(self, query: Query) -> int:
        return count(self.store.events, self._facts.facts, query.plan)

    def json_batches(self, query: Query) -> Iterator[Sequence[JsonBytes]]:
        records = self.search(query)
        while batch := [json_bytes(record) for record in islice(records, 1024)]:
            yield batch

    def record(self, event_id: str) -> Record:
        return event_record(self.store.actors, self.store.event(event_id), self.store.places)

    def event_ids(self) -> Sequence[str]:
        return [event.id for event in self.store.events]

    def activity(self) -> dict[str, Activity]:
        return actor_activity(self.store.events, self.store.actors)


def open_catalog(data_paths: Sequence[StrPath], include_builtin: bool = True,
                 progress: Progress | None = None) -> Catalog:
    """The prepared index when it can be had; otherwise (or with IDLIB_ENGINE=memory) memory.

    Anything the index cannot prepare, a broken store included, goes to the in-memory engine,
    whose errors name the file, line and JSON path.
    """
    paths = store_paths(data_paths, include_builtin)
    engine = settings.engine()
    if engine != "memory" and all(os.path.isfile(path) for path in paths):
        from idlib_cli.index import IndexUnavailable, open_index

        try:
            return open_index(paths, progress)
        except IndexUnavailable:
            if engine == "index":
                raise UsageError("IDLIB_ENGINE=index, but the index can't be prepared for "
                                 "these stores (run 'idlib validate' on them)") from None
    return MemoryCatalog(load(paths, include_builtin=False))
