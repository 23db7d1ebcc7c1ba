"""Building an index: stream the store files once, parse each element with the loader's own
parser, check the consistency rules (rules.py), and write the SQLite tables and the records
file to temporary files that are renamed into place only when complete.

Progress is reported through a callback the caller passes in; this module never draws.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from array import array
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from idlib_cli.errors import DateError
from idlib_cli.index.freshness import (
    APPLICATION_ID,
    IndexUnavailable,
    Progress,
    file_state,
    fingerprint,
    posting_key,
)
from idlib_cli.index.recordsfile import Writer, records_path
from idlib_cli.index.stream import Stream
from idlib_cli.model import Actor, Era, Event, Place
from idlib_cli.parse import (
    SCHEMA_VERSION,
    InvalidAt,
    parse_actor,
    parse_era,
    parse_event,
    parse_place,
)
from idlib_cli.query import FACETS, event_facts
from idlib_cli.records import event_record, json_bytes
from idlib_cli.rules import actor_problems, event_problems, place_problems

if TYPE_CHECKING:
    from _typeshed import StrPath

FLUSH_EVERY = 5000

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE definitions (kind TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL,
                          PRIMARY KEY (kind, id));
CREATE TABLE events (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, start INTEGER NOT NULL,
                     stop INTEGER NOT NULL, type TEXT NOT NULL);
CREATE TABLE texts (rowid INTEGER PRIMARY KEY, text TEXT NOT NULL, source TEXT NOT NULL);
CREATE TABLE postings (key TEXT PRIMARY KEY, rowids BLOB NOT NULL);
"""
# Row ids run in chronological order (start, stop, then store order), so results need no
# sorting. A store that `idlib validate` accepts is already in this order, and is not renumbered.
RENUMBER = """
CREATE TEMP TABLE renumber AS
    SELECT rowid AS old, row_number() OVER (ORDER BY start, stop, rowid) AS new FROM events;
CREATE INDEX temp.renumber_old ON renumber (old);
CREATE TABLE events_sorted (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
                            start INTEGER NOT NULL, stop INTEGER NOT NULL, type TEXT NOT NULL);
INSERT INTO events_sorted SELECT n.new, e.id, e.start, e.stop, e.type
    FROM events e JOIN renumber n ON n.old = e.rowid ORDER BY n.new;
CREATE TABLE texts_sorted (rowid INTEGER PRIMARY KEY, text TEXT NOT NULL, source TEXT NOT NULL);
INSERT INTO texts_sorted SELECT n.new, t.text, t.source
    FROM texts t JOIN renumber n ON n.old = t.rowid ORDER BY n.new;
DROP TABLE events; DROP TABLE texts;
ALTER TABLE events_sorted RENAME TO events;
ALTER TABLE texts_sorted RENAME TO texts;
"""
# The trigram index holds each event's folded text with the gaps between words removed, so a
# keyword's candidates are found whatever its spacing ('M-4', 'M4'); the engine then confirms
# each candidate at a word start, as the in-memory engine does.
FINISH = """
CREATE INDEX events_by_start ON events (start);
CREATE INDEX events_by_stop ON events (stop);
CREATE VIRTUAL TABLE texts_fts USING fts5(joined, content='', columnsize=0,
                                          tokenize='trigram case_sensitive 1');
INSERT INTO texts_fts(rowid, joined) SELECT rowid, replace(text, ' ', '') FROM texts;
"""


class Builder:
    """Fills the tables and the records file as the files stream past."""

    def __init__(self, connection: sqlite3.Connection, records: Writer) -> None:
        self.db = connection
        self.records = records
        self.actors: dict[str, Actor] = {}
        self.places: dict[str, Place] = {}
        self.rowid = 0
        self.data_version: str | None = None
        self.batch: list[Event] = []
        self.pending: dict[int, Event] = {}  # events naming definitions not yet seen
        self.postings: dict[str, array[int]] = {}

    def add_file(self, path: StrPath, on_bytes: Callable[[int], None] | None) -> None:
        stream = Stream(path, on_bytes)
        seen_version = False
        try:
            for kind, key, value in stream.members():
                if kind:
                    self._element(kind, key, value, os.fspath(path))
                elif key == "schema_version":
                    seen_version = value == SCHEMA_VERSION and type(value) is int
                elif key == "data_version" and isinstance(value, str):
                    self.data_version = self.data_version or value
                elif key in ("actors", "places", "eras", "events") or \
                        (key == "data_version" and value is not None):
                    raise IndexUnavailable(f"{key} has the wrong type")
            self._flush()
        except (ValueError, InvalidAt, DateError, RecursionError, UnicodeDecodeError) as error:
            raise IndexUnavailable(str(error)) from None
        finally:
            stream.close()
        if not (seen_version and "events" in stream.lists):
            raise IndexUnavailable("not a valid store")

    def _element(self, kind: str, index: int, value: Any, file: str) -> None:
        if kind == "events":
            self.batch.append(parse_event(value, ("events", index), file))
            if len(self.batch) >= FLUSH_EVERY:
                self._flush()
            return
        item: Actor | Place | Era
        if kind == "actors":
            item = parse_actor(value, ("actors", index))
            table: dict[str, Any] | None = self.actors
        elif kind == "places":
            item = parse_place(value, ("places", index))
            table = self.places
        else:
            item, table = parse_era(value, ("eras", index)), None
        if table is not None:
            if item.id in table:
                raise IndexUnavailable(f"{kind[:-1]} {item.id} defined twice")
            table[item.id] = item
        try:
            self.db.execute("INSERT INTO definitions VALUES (?, ?, ?)",
                            (kind[:-1], item.id, json.dumps(value, ensure_ascii=False)))
        except sqlite3.IntegrityError:
            raise IndexUnavailable(f"{kind[:-1]} {item.id} defined twice") from None

    def _flush(self) -> None:
        rows: list[tuple[Any, ...]] = []
        texts: list[tuple[int, str, str]] = []
        for event in self.batch:
            self.rowid += 1
            rows.append((self.rowid, event.id, event.date.start.toordinal(),
                         event.date.end.toordinal(), event.type))
            if any(event_problems(event, self.actors, self.places)):
                self.pending[self.rowid] = event  # defined later, or never: see finish()
                self.records.placeholder()
                texts.append((self.rowid, "", ""))
            else:
                texts.append(self._index_event(self.rowid, event))
                self.records.append(self._record(event))
        self.batch.clear()
        try:
            self.db.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?)", rows)
        except sqlite3.IntegrityError:
            raise IndexUnavailable("duplicate event id") from None
        self.db.executemany("INSERT INTO texts VALUES (?, ?, ?)", texts)

    def _index_event(self, rowid: int, event: Event) -> tuple[int, str, str]:
        facts = event_facts(event, self.actors, self.places)
        for facet in FACETS:
            for value in facts.facets[facet]:
                self.postings.setdefault(posting_key(facet, value), array("I")).append(rowid)
        return rowid, facts.texts["text"], facts.texts["source"]

    def _record(self, event: Event) -> bytes:
        return json_bytes(event_record(self.actors, event, self.places))

    def finish(self) -> Sequence[int] | None:
        """Check what only the whole can tell; the row ids in file order, if not already so."""
        for actor in self.actors.values():
            if any(actor_problems(actor, self.actors)):
                raise IndexUnavailable("bad actor reference")
        for place in self.places.values():
            if any(place_problems(place, self.places)):
                raise IndexUnavailable("bad place reference")
        for rowid, event in self.pending.items():
            if any(event_problems(event, self.actors, self.places)):
                raise IndexUnavailable("unknown actor or place")
            _, text, source = self._index_event(rowid, event)
            self.db.execute("UPDATE texts SET text = ?, source = ? WHERE rowid = ?",
                            (text, source, rowid))
            self.records.fill(rowid, self._record(event))
        order: Sequence[int] | None = range(1, self.rowid + 1) if self.pending else None
        if self.db.execute("SELECT 1 FROM events a JOIN events b ON b.rowid = a.rowid + 1 "
                           "WHERE (b.start, b.stop) < (a.start, a.stop) "
                           "LIMIT 1").fetchone():
            self.db.executescript(RENUMBER)
            order = array("Q", (old for (old,) in self.db.execute(
                "SELECT old FROM temp.renumber ORDER BY new")))
            self._renumber_postings(order)
            self.db.execute("DROP TABLE temp.renumber")
        self.db.executemany("INSERT INTO postings VALUES (?, ?)",
                            ((key, rows.tobytes()) for key, rows in self.postings.items()))
        self.db.executescript(FINISH)
        return order

    def _renumber_postings(self, order: Sequence[int]) -> None:
        new_of = array("I", bytes(4 * (len(order) + 1)))
        for new, old in enumerate(order, start=1):
            new_of[old] = new
        for key, rows in self.postings.items():
            self.postings[key] = array("I", sorted(new_of[old] for old in rows))


def build(paths: Sequence[StrPath], target: str, progress: Progress | None = None) -> None:
    """Build the index for `paths` at `target`, atomically.

    Two files: the SQLite index and the records file named by the index. The records file is
    put in place first; the index, renamed over `target` last, is what makes the pair current.
    Every file is private (0600) in a private folder (0700): a store may be private.
    """
    folder, name = os.path.split(target)
    os.makedirs(folder or ".", mode=0o700, exist_ok=True)
    token = os.urandom(8).hex()
    temporary = os.path.join(folder, f".{name}.{os.getpid()}.{token}.tmp")
    scratch_path = temporary + ".records"
    records = records_path(target, token)
    states = [file_state(path) for path in paths]
    advance = progress(sum(state.size for state in states)) if progress else None
    installed = False
    old_umask = os.umask(0o077)
    try:
        connection = sqlite3.connect(temporary)
        try:
            connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                                     f"PRAGMA application_id = {APPLICATION_ID};" + SCHEMA)
            with open(scratch_path, "w+b") as scratch:
                builder = Builder(connection, Writer(scratch, token))
                for path in paths:
                    builder.add_file(path, advance)
                order = builder.finish()
                builder.records.seal(order, scratch_path)
            meta = {"files": json.dumps([state._asdict() for state in states]),
                    "fingerprint": fingerprint(), "data_version": builder.data_version or "",
                    "records": token, "events": str(builder.rowid), "complete": "1"}
            connection.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            connection.commit()
        finally:
            connection.close()
        os.replace(scratch_path, records)
        os.replace(temporary, target)
        installed = True
        remove_old_records(target, keep=records)
    except BaseException:
        for leftover in (temporary, scratch_path, scratch_path + ".sorted",
                         *(() if installed else (records,))):
            with contextlib.suppress(OSError):
                os.unlink(leftover)
        raise
    finally:
        os.umask(old_umask)


def remove_old_records(target: str, keep: str) -> None:
    """Records files of earlier builds of this index (a reader that has one open keeps it)."""
    folder, name = os.path.split(keep)
    prefix = os.path.basename(target).removesuffix(".sqlite") + "-"
    for other in os.listdir(folder or "."):
        if other.startswith(prefix) and other.endswith(".records") and other != name:
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, other))
