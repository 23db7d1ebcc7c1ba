"""Answering from a prepared index: the plan algebra of query.py evaluated over row ids.

Row ids run in chronological order, so a date range is a range of row ids; facets are packed
lists of row ids (`postings`); keywords are phrase queries on a word index of each event's
folded text, which find exactly what the in-memory engine finds (words.py).

An index found damaged while answering (a records block failing its checksum, a SQLite page
that doesn't parse) is never served: the catalog rebuilds it and answers from the new one.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from functools import cached_property, wraps
from itertools import compress, islice
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from idlib_cli.errors import EnvironmentFailure
from idlib_cli.index.freshness import posting_key
from idlib_cli.index.recordsfile import IndexDamaged, Records
from idlib_cli.index.words import TooCostly, WordIndex, record_event
from idlib_cli.model import Activity, Actor, Era, Place
from idlib_cli.parse import InvalidAt, parse_actor, parse_era, parse_place
from idlib_cli.query import AllOf, AnyOf, Has, Plan, Query, Span, Text, event_facts
from idlib_cli.records import Record
from idlib_cli.store import NameIndex, actor_names, place_names, unknown_event
from idlib_cli.text import has_words, word_pattern

if TYPE_CHECKING:
    from idlib_cli.catalog import Catalog

Rows = Sequence[int]  # ascending row ids
Batch = Sequence[bytes | memoryview]  # records as --json prints them
Heal = Callable[[], "Catalog"]  # deletes a damaged index's files; the catalog to answer instead
DAMAGE = (sqlite3.DatabaseError, IndexDamaged)  # what damaged() then sorts out
P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


def damaged(error: Exception) -> bool:
    """Is `error` the index's files being damaged, rather than a query SQLite refuses?"""
    if isinstance(error, IndexDamaged):
        return True
    name = getattr(error, "sqlite_errorname", None) or ""
    return isinstance(error, sqlite3.DatabaseError) and \
        name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))


def _healing(method: Callable[Concatenate[IndexCatalog, P], R]
             ) -> Callable[Concatenate[IndexCatalog, P], R]:
    """The method, answered by the replacement catalog once this index is found damaged."""
    @wraps(method)
    def answer(self: IndexCatalog, /, *args: P.args, **kwargs: P.kwargs) -> R:
        if self.replacement is None:
            try:
                return method(self, *args, **kwargs)
            except DAMAGE as error:
                self.healed(error)
        result: R = getattr(self.replacement, method.__name__)(*args, **kwargs)
        return result
    return answer


def _healing_value(compute: Callable[[IndexCatalog], R]) -> Callable[[IndexCatalog], R]:
    """`_healing` for a property: the replacement's value of the same name."""
    @wraps(compute)
    def value(self: IndexCatalog) -> R:
        if self.replacement is None:
            try:
                return compute(self)
            except DAMAGE as error:
                self.healed(error)
        result: R = getattr(self.replacement, compute.__name__)
        return result
    return value


class IndexCatalog:
    """Answers queries from a prepared index and its records file."""

    def __init__(self, connection: sqlite3.Connection, records: Records,
                 meta: Mapping[str, str], heal: Heal | None = None) -> None:
        self.db = connection
        self.records = records
        self.meta = meta
        self.heal = heal
        self.replacement: Catalog | None = None  # set once this index is found damaged

    def healed(self, error: Exception) -> Catalog:
        """The catalog that answers instead of this one, which `error` showed damaged: the
        stores' index rebuilt (or the in-memory engine, if it can't be). Errors that aren't
        damage are raised again. Damage found in a rebuilt index is not rebuilt again: that is
        a failing disk, and saying so beats rebuilding forever."""
        if self.replacement is not None:  # e.g. the old connection, closed below
            return self.replacement
        if not damaged(error):
            raise error
        if self.heal is None:
            raise EnvironmentFailure(f"the index cache is damaged again after a rebuild "
                                     f"({error}): is the disk failing? IDLIB_ENGINE=memory "
                                     f"reads the stores without it") from error
        reason = " ".join(str(error).split())  # one line, whatever SQLite says
        sys.stderr.write(f"idlib: the index cache was damaged ({reason}); rebuilding it\n")
        heal, self.heal = self.heal, None
        self.db.close()
        self.replacement = heal()
        if isinstance(self.replacement, IndexCatalog):
            self.replacement.heal = None
        return self.replacement

    def _definitions(self, kind: str, parse: Callable[[Any, tuple[()]], T]) -> list[T]:
        """The definitions of `kind`, parsed. They were checked when the index was built, so
        one that fails now is damage."""
        try:
            return [parse(json.loads(text), ()) for (text,) in self.db.execute(
                "SELECT json FROM definitions WHERE kind = ? ORDER BY rowid", (kind,))]
        except (ValueError, InvalidAt) as error:
            raise IndexDamaged(f"definitions: {error}") from error

    @cached_property
    @_healing_value
    def actors(self) -> Mapping[str, Actor]:
        return {actor.id: actor for actor in self._definitions("actor", parse_actor)}

    @cached_property
    @_healing_value
    def places(self) -> Mapping[str, Place]:
        return {place.id: place for place in self._definitions("place", parse_place)}

    @cached_property
    @_healing_value
    def eras(self) -> tuple[Era, ...]:
        eras = self._definitions("era", parse_era)
        return tuple(sorted(eras, key=lambda era: (era.date.start, era.date.end)))

    @cached_property
    @_healing_value
    def actor_index(self) -> NameIndex:
        return actor_names(self.actors)

    @cached_property
    @_healing_value
    def place_index(self) -> NameIndex:
        return place_names(self.places)

    @property
    def data_version(self) -> str | None:
        return self.meta.get("data_version") or None

    def count(self) -> int:
        return self.records.count

    @_healing
    def facet_counts(self, facet: str) -> dict[str, int]:
        prefix = posting_key(facet, "")
        return {key[len(prefix):]: length // 4 for key, length in self.db.execute(
            "SELECT key, length(rowids) FROM postings WHERE key >= ? AND key < ?",
            (prefix, prefix + "\U0010ffff"))}

    def type_counts(self) -> dict[str, int]:
        return self.facet_counts("type")

    def json_batches(self, query: Query) -> Iterator[Batch]:
        return self._served(query, self.records.batches,
                            lambda other, done: _after(other.json_batches(query), done))

    def search(self, query: Query) -> Iterator[Record]:
        def parsed(rows: Rows) -> Iterator[list[Record]]:
            for batch in self.records.batches(rows):
                yield [json.loads(bytes(text)) for text in batch]

        def rest(other: Catalog, done: int) -> Iterator[list[Record]]:
            return iter([list(islice(other.search(query), done, None))])

        return (record for batch in self._served(query, parsed, rest) for record in batch)

    def _served(self, query: Query, batches: Callable[[Rows], Iterator[Sequence[T]]],
                rest: Callable[[Catalog, int], Iterator[Sequence[T]]]) -> Iterator[Sequence[T]]:
        """`batches` of the matching rows; if damage shows part-way, `rest` from the catalog
        that replaces this one. The batches already handed out passed their checks, and the
        replacement gives the same records in the same order (both engines do), so the caller
        sees one whole answer, never a mix of good and damaged records."""
        done = 0
        if self.replacement is None:
            try:
                for batch in batches(self.rows(query)):
                    yield batch
                    done += len(batch)
                return
            except DAMAGE as error:
                self.healed(error)
        assert self.replacement is not None
        yield from rest(self.replacement, done)

    @_healing
    def count_matching(self, query: Query) -> int:
        return len(self._matching(query.plan))

    @_healing
    def event_ids(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT id FROM events ORDER BY rowid")]

    @_healing
    def record(self, event_id: str) -> Record:
        row = self.db.execute("SELECT rowid FROM events WHERE id = ?",
                              (event_id.strip(),)).fetchone()
        if row is None:
            prefix = event_id.strip()[:7]
            nearby = [r[0] for r in self.db.execute(
                "SELECT id FROM events WHERE id >= ? AND id < ? LIMIT 5000",
                (prefix, prefix + "\uffff"))]
            raise unknown_event(event_id, nearby)
        result: Record = json.loads(self.records.get(row[0]))
        return result

    @_healing
    def activity(self) -> dict[str, Activity]:
        found: dict[str, Activity] = {}
        for actor_id in self.actors:
            rows = self._posting(posting_key("actor", actor_id))
            if not rows:
                found[actor_id] = Activity(0, None, None)
                continue
            first = self.db.execute("SELECT start FROM events WHERE rowid = ?",
                                    (rows[0],)).fetchone()[0]
            (last,) = self.db.execute(
                f"SELECT max(stop) FROM events WHERE rowid IN ({','.join(map(str, rows))})"
            ).fetchone()
            found[actor_id] = Activity(len(rows), date.fromordinal(first),
                                       date.fromordinal(last) - timedelta(days=1))
        return found

    # --- evaluating plans ------------------------------------------------------------------------

    def rows(self, query: Query) -> Rows:
        """The matching row ids, in the order and number the query asks for."""
        rows = self._matching(query.plan)
        if query.reverse:
            rows = rows[::-1]
        return rows[:query.limit] if query.limit is not None else rows

    def _matching(self, plan: Plan) -> Rows:
        found = self._rows(plan, None)
        return range(1, self.records.count + 1) if found is None else found

    def _rows(self, plan: Plan, within: Rows | None) -> Rows | None:
        """Rows matching `plan` among `within` (None: among all; a None result: all of them)."""
        if isinstance(plan, AllOf):
            for part in sorted(plan.parts, key=_cost):
                within = self._rows(part, within)
            return within
        if isinstance(plan, AnyOf):
            found: set[int] = set()
            for part in plan.parts:
                rows = self._rows(part, within)
                if rows is None:
                    return within
                found.update(rows)
            return sorted(found)
        if isinstance(plan, Span):
            return _narrow(self._span(plan), within)
        if isinstance(plan, Has):
            return self._has(plan, within)
        if isinstance(plan, Text):
            return _narrow(self._text(plan), within)
        raise TypeError(f"the index engine has no plan for {type(plan).__name__}")

    def _span(self, plan: Span) -> Rows:
        where: list[str] = []
        parameters: list[int] = []
        if plan.until is not None:  # the first row that starts too late ends the range
            where.append("rowid < (SELECT coalesce(min(rowid), 1 << 62) FROM events "
                         "WHERE start >= ?) AND start < ?")
            parameters += [plan.until.toordinal()] * 2
        if plan.since is not None:
            where.append("rowid >= (SELECT coalesce(min(rowid), 1 << 62) FROM events "
                         "WHERE stop > ?) AND stop > ?")
            parameters += [plan.since.toordinal()] * 2
        return self._select(f"SELECT group_concat(rowid) FROM events WHERE "
                            f"{' AND '.join(where) or '1'}", parameters)

    def _select(self, sql: str, parameters: Sequence[Any]) -> list[int]:
        """Row ids as one comma-separated text, which Python splits far faster than it
        fetches rows."""
        (joined,) = self.db.execute(sql, parameters).fetchone()
        return sorted(map(int, joined.split(","))) if joined else []

    def _posting(self, key: str) -> array[int]:
        rows = array("I")
        found = self.db.execute("SELECT rowids FROM postings WHERE key = ?", (key,)).fetchone()
        if found:
            rows.frombytes(found[0])
        return rows

    def _has(self, plan: Has, within: Rows | None) -> Rows:
        """One byte per row id, 1 where the event has one of the values."""
        marks = bytearray(self.records.count + 1)
        keys = sorted(posting_key(plan.facet, value) for value in plan.values)
        for first in range(0, len(keys), 500):
            chunk = keys[first:first + 500]
            for (packed,) in self.db.execute(
                    f"SELECT rowids FROM postings WHERE key IN ({', '.join('?' * len(chunk))})",
                    chunk):
                rowids = array("I")
                rowids.frombytes(packed)
                for rowid in rowids:
                    marks[rowid] = 1
        if within is None:
            return list(compress(range(len(marks)), marks))
        return list(compress(within, map(marks.__getitem__, within)))

    def _text(self, plan: Text) -> Rows:
        try:
            return WordIndex(self.db).rows(plan.field, plan.needle, plan.substring)
        except TooCostly:
            return self._scanned(plan)

    def _scanned(self, plan: Text) -> Rows:
        """Every event's text rebuilt from its record and tested as the in-memory engine tests
        it: slow, for the rare needle too odd to cut into phrase queries (words.TooCostly)."""
        pattern = word_pattern(plan.needle)
        if pattern is None:
            return []
        found: list[int] = []
        for row in range(1, self.records.count + 1):
            event = record_event(json.loads(self.records.get(row)))
            text = event_facts(event, self.actors, self.places).texts[plan.field]
            if plan.needle in text if plan.substring else has_words(text, plan.needle, pattern):
                found.append(row)
        return found


def _after(batches: Iterable[Sequence[T]], done: int) -> Iterator[Sequence[T]]:
    """The batches without their first `done` items."""
    for batch in batches:
        if done < len(batch):
            yield batch[done:]
        done = max(0, done - len(batch))


def _narrow(rows: Rows, within: Rows | None) -> Rows:
    if within is None:
        return rows
    if isinstance(within, range):
        return [row for row in rows if row in within]
    keep = set(rows)
    return [row for row in within if row in keep]


def _cost(plan: Plan) -> int:
    """Evaluate what narrows cheaply first: date ranges, then facets, then words."""
    return {Span: 0, Has: 1, AllOf: 2, AnyOf: 2, Text: 3}.get(type(plan), 4)
