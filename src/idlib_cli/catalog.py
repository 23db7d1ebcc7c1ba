"""One interface over two engines: the in-memory store and the prepared SQLite index.

Commands ask a `Catalog`; `open_catalog` picks the engine. Both build records with
`records.event_record` and match with `query.searchable_text`, and a test runs the same queries
through both and compares the answers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Protocol

from idlib_cli.errors import UsageError
from idlib_cli.model import Activity, Actor
from idlib_cli.query import Query, actor_activity, run
from idlib_cli.records import Record, event_record, json_bytes
from idlib_cli.store import ActorIndex, Store, load, store_paths

if TYPE_CHECKING:
    from _typeshed import StrPath

ENGINES = ("auto", "index", "memory")
JsonBytes = bytes | memoryview  # one record's JSON, UTF-8


class Catalog(Protocol):
    @property
    def actors(self) -> Mapping[str, Actor]: ...

    @property
    def actor_index(self) -> ActorIndex: ...

    @property
    def data_version(self) -> str | None: ...

    def count(self) -> int: ...

    def type_counts(self) -> dict[str, int]: ...

    def search(self, query: Query) -> Iterator[Record]: ...

    def json_batches(self, query: Query) -> Iterator[Sequence[JsonBytes]]:
        """The matching records as --json prints them (`records.json_bytes`), a batch at a
        time: what the fast lane writes without parsing anything."""
        ...

    def record(self, event_id: str) -> Record: ...

    def activity(self) -> dict[str, Activity]: ...


class MemoryCatalog:
    """Everything parsed into memory: the reference engine, and the fallback."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def actors(self) -> Mapping[str, Actor]:
        return self.store.actors

    @property
    def actor_index(self) -> ActorIndex:
        return self.store.actor_index

    @property
    def data_version(self) -> str | None:
        return self.store.data_version

    def count(self) -> int:
        return len(self.store.events)

    def type_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for event in self.store.events:
            counts[event.type] = counts.get(event.type, 0) + 1
        return counts

    def search(self, query: Query) -> Iterator[Record]:
        return (event_record(self.store.actors, event) for event in run(self.store, query))

    def json_batches(self, query: Query) -> Iterator[Sequence[JsonBytes]]:
        records = self.search(query)
        while batch := [json_bytes(record) for record in islice(records, 1024)]:
            yield batch

    def record(self, event_id: str) -> Record:
        return event_record(self.store.actors, self.store.event(event_id))

    def activity(self) -> dict[str, Activity]:
        return actor_activity(self.store)


def open_catalog(data_paths: Sequence[StrPath], include_builtin: bool = True) -> Catalog:
    """The prepared index when it can be had; otherwise (or with IDLIB_ENGINE=memory) memory.

    Anything the index cannot prepare, a broken store included, goes to the in-memory engine,
    whose errors name the file, line and JSON path.
    """
    paths = store_paths(data_paths, include_builtin)
    engine = os.environ.get("IDLIB_ENGINE", "auto").strip().lower() or "auto"
    if engine not in ENGINES:
        raise UsageError(f"IDLIB_ENGINE={engine!r}: use one of {', '.join(ENGINES)}")
    if engine != "memory" and all(os.path.isfile(path) for path in paths):
        from idlib_cli.index import IndexUnavailable, open_index

        try:
            return open_index(paths)
        except IndexUnavailable:
            if engine == "index":
                raise UsageError("IDLIB_ENGINE=index, but the index can't be prepared for "
                                 "these stores (run 'idlib validate' on them)") from None
    return MemoryCatalog(load(paths, include_builtin=False))
