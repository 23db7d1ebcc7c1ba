"""Answering from a prepared index: the plan algebra of query.py evaluated over row ids.

Row ids run in chronological order, so a date range is a range of row ids; facets are packed
lists of row ids (`postings`); keywords are found through a trigram index of each event's text
with the gaps between words removed, then confirmed at a word start exactly as the in-memory
engine confirms them (text.has_words), so both engines give the same answers.
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, timedelta
from functools import cached_property
from itertools import compress
from typing import Any

from idlib_cli.index.freshness import posting_key
from idlib_cli.index.recordsfile import Records
from idlib_cli.model import Activity, Actor, Era, Place
from idlib_cli.parse import parse_actor, parse_era, parse_place
from idlib_cli.query import AllOf, AnyOf, Has, Plan, Query, Span, Text
from idlib_cli.records import Record
from idlib_cli.store import NameIndex, actor_names, place_names, unknown_event
from idlib_cli.text import has_words, word_pattern

Rows = Sequence[int]  # ascending row ids
TRIGRAM = 3
SQL_VARIANTS = 4  # needles this short are matched in SQL alone, every spacing spelled out


class IndexCatalog:
    """Answers queries from a prepared index and its records file."""

    def __init__(self, connection: sqlite3.Connection, records: Records,
                 meta: Mapping[str, str]) -> None:
        self.db = connection
        self.records = records
        self.meta = meta

    def _definitions(self, kind: str) -> list[Any]:
        return [json.loads(text) for (text,) in self.db.execute(
            "SELECT json FROM definitions WHERE kind = ? ORDER BY rowid", (kind,))]

    @cached_property
    def actors(self) -> Mapping[str, Actor]:
        parsed = (parse_actor(item, ()) for item in self._definitions("actor"))
        return {actor.id: actor for actor in parsed}

    @cached_property
    def places(self) -> Mapping[str, Place]:
        parsed = (parse_place(item, ()) for item in self._definitions("place"))
        return {place.id: place for place in parsed}

    @cached_property
    def eras(self) -> tuple[Era, ...]:
        eras = [parse_era(item, ()) for item in self._definitions("era")]
        return tuple(sorted(eras, key=lambda era: (era.date.start, era.date.end)))

    @cached_property
    def actor_index(self) -> NameIndex:
        return actor_names(self.actors)

    @cached_property
    def place_index(self) -> NameIndex:
        return place_names(self.places)

    @property
    def data_version(self) -> str | None:
        return self.meta.get("data_version") or None

    def count(self) -> int:
        return self.records.count

    def facet_counts(self, facet: str) -> dict[str, int]:
        prefix = posting_key(facet, "")
        return {key[len(prefix):]: length // 4 for key, length in self.db.execute(
            "SELECT key, length(rowids) FROM postings WHERE key >= ? AND key < ?",
            (prefix, prefix + "\U0010ffff"))}

    def type_counts(self) -> dict[str, int]:
        return self.facet_counts("type")

    def json_batches(self, query: Query) -> Iterator[list[memoryview]]:
        return self.records.batches(self.rows(query))

    def search(self, query: Query) -> Iterator[Record]:
        return (json.loads(self.records.get(row)) for row in self.rows(query))

    def count_matching(self, query: Query) -> int:
        return len(self._matching(query.plan))

    def event_ids(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT id FROM events ORDER BY rowid")]

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
        joined = plan.needle.replace(" ", "")
        if plan.substring:
            return self._confirmed(plan, self._candidates(plan, joined))
        if len(joined) <= SQL_VARIANTS:
            spellings = _spellings(joined)
            where = " OR ".join(f"instr({plan.field}, ?) > 0" for _ in spellings)
            return self._select(f"SELECT group_concat(rowid) FROM texts WHERE {where}",
                                [" " + spelling for spelling in spellings])
        return self._confirmed(plan, self._candidates(plan, joined))

    def _candidates(self, plan: Text, joined: str) -> Rows | None:
        """A superset of the matches: the trigram index where it can help, else every row."""
        if plan.field == "text" and len(joined) >= TRIGRAM:
            return self._select("SELECT group_concat(rowid) FROM texts_fts WHERE texts_fts "
                                "MATCH ?", ['"' + joined.replace('"', '""') + '"'])
        return None

    def _confirmed(self, plan: Text, candidates: Rows | None) -> Rows:
        """The candidates whose text holds the needle, tested as the in-memory engine tests."""
        pattern = word_pattern(plan.needle)
        if pattern is None:
            return []
        sql = f"SELECT rowid, {plan.field} FROM texts"
        if plan.substring:
            def test(text: str) -> bool:
                return plan.needle in text
        else:
            def test(text: str) -> bool:
                return has_words(text, plan.needle, pattern)
        if candidates is None:
            return [rowid for rowid, text in self.db.execute(sql) if test(text)]
        found: list[int] = []
        for first in range(0, len(candidates), 900):
            chunk = candidates[first:first + 900]
            found += [rowid for rowid, text in self.db.execute(
                f"{sql} WHERE rowid IN ({','.join(map(str, chunk))}) ORDER BY rowid")
                if test(text)]
        return found


def _spellings(joined: str) -> list[str]:
    """Every way of writing `joined` with or without a space between its characters:
    'm4' -> ['m4', 'm 4']."""
    spellings = [joined[0]]
    for char in joined[1:]:
        spellings = [s + gap + char for s in spellings for gap in ("", " ")]
    return spellings


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
