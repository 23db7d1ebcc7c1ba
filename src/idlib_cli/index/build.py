"""Building an index: stream the store files once, read each element as the loader reads it,
check the consistency rules (rules.py), and write the SQLite tables and the records file to
temporary files that are renamed into place only when complete.

What goes in is what the reference functions say: parse.parse_event, query.event_facts and
records.event_record. The builder has each event made by stream.Quick, which gives the same
for a fraction of the time and is checked against them as it goes; where they disagree, the
index is built again with the reference functions alone (slower, never different).

Progress is reported through a callback the caller passes in; this module never draws.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import sqlite3
from array import array
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from idlib_cli.errors import DateError
from idlib_cli.index.freshness import (
    APPLICATION_ID,
    FileState,
    IndexUnavailable,
    Progress,
    file_state,
    fingerprint,
    posting_key,
)
from idlib_cli.index.recordsfile import Writer, records_path
from idlib_cli.index.stream import Drift, Quick, Read, Stream
from idlib_cli.index.writing import Background, Meter, Scratch
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
CREATE TABLE postings (key TEXT PRIMARY KEY, rowids BLOB NOT NULL);
"""
# The word index (words.py asks it): each event's folded texts (text.haystack: words between
# single spaces) as tokens with their positions, so that a keyword running over several words
# ('ceasefire' in 'cease fire') is a phrase query. The ascii tokenizer splits at exactly those
# spaces (every other character of a folded text belongs to a word), so its tokens are the
# haystack's words. Texts go straight in while the events come in date order; otherwise they
# wait in `texts` (staged) until the events are renumbered.
WORD_INDEX = """
CREATE VIRTUAL TABLE texts_fts USING fts5(text, source, content='', columnsize=0,
                                          tokenize='ascii');
"""
STAGED = """
CREATE TEMP TABLE texts (rowid INTEGER PRIMARY KEY, text TEXT NOT NULL, source TEXT NOT NULL);
"""
DIRECT = """
CREATE TEMP TABLE batch (rowid INTEGER PRIMARY KEY, text TEXT NOT NULL, source TEXT NOT NULL);
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
CREATE TEMP TABLE texts_sorted (rowid INTEGER PRIMARY KEY, text TEXT NOT NULL,
                                source TEXT NOT NULL);
INSERT INTO texts_sorted SELECT n.new, t.text, t.source
    FROM temp.texts t JOIN renumber n ON n.old = t.rowid ORDER BY n.new;
DROP TABLE events; DROP TABLE temp.texts;
ALTER TABLE events_sorted RENAME TO events;
ALTER TABLE temp.texts_sorted RENAME TO texts;
"""
# `words` lists the word index's words, for looking them up without reading the index.
FINISH = """
CREATE INDEX events_by_start ON events (start);
CREATE INDEX events_by_stop ON events (stop);
CREATE VIRTUAL TABLE temp.vocabulary USING fts5vocab(main, texts_fts, 'row');
CREATE TABLE words (word TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO words SELECT term FROM temp.vocabulary;
"""


class Unsorted(Exception):
    """Events out of date order, or naming definitions not yet seen: build staged."""


class Builder:
    """Fills the tables and the records file as the files stream past.

    `staged`: texts wait in a table until the end (when events may be renumbered); else they
    go into the word index at once, which fails with Unsorted at the first event that would
    need renumbering. `exact`: the reference functions alone, without stream.Quick.
    """

    def __init__(self, connection: sqlite3.Connection, records: Writer, *, exact: bool,
                 staged: bool) -> None:
        self.db = connection
        self.records = records
        self.staged = staged
        self.sql = Background()
        self.last = (0, 0)  # the previous event's first and last day
        self.actors: dict[str, Actor] = {}
        self.places: dict[str, Place] = {}
        self.quick = None if exact else Quick(self.actors, self.places)
        self.rowid = 0
        self.data_version: str | None = None
        self.batch: list[tuple[Event, Read]] = []
        self.pending: dict[int, tuple[Event, Read]] = {}  # naming definitions not yet seen
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
            def read() -> Event:
                return parse_event(value, ("events", index), file)

            event = self.quick.event(value, file) if self.quick else None
            self.batch.append((event or read(), read))
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
        self.sql.wait()
        try:
            self.db.execute("INSERT INTO definitions VALUES (?, ?, ?)",
                            (kind[:-1], item.id, json.dumps(value, ensure_ascii=False)))
        except sqlite3.IntegrityError:
            raise IndexUnavailable(f"{kind[:-1]} {item.id} defined twice") from None

    def _flush(self) -> None:
        rows: list[tuple[Any, ...]] = []
        texts: list[tuple[int, str, str]] = []
        for event, read in self.batch:
            self.rowid += 1
            days = (event.date.start.toordinal(), event.date.end.toordinal())
            rows.append((self.rowid, event.id, *days, event.type))
            missing = any(event_problems(event, self.actors, self.places))
            if not self.staged and (missing or days < self.last):
                raise Unsorted
            self.last = days
            if missing:
                self.pending[self.rowid] = event, read  # defined later, or never: finish()
                self.records.placeholder()
                texts.append((self.rowid, "", ""))
            else:
                text, source, record = self._index_event(self.rowid, event, read)
                texts.append((self.rowid, text, source))
                self.records.append(record)
        self.batch.clear()
        self.sql.wait()  # the word index has taken the last batch: the connection is free
        try:
            self.db.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?)", rows)
        except sqlite3.IntegrityError:
            raise IndexUnavailable("duplicate event id") from None
        self.db.executemany(f"INSERT INTO temp.{'texts' if self.staged else 'batch'} "
                            "VALUES (?, ?, ?)", texts)
        if not self.staged:
            self.sql.put(self._index_batch)

    def _index_batch(self) -> None:
        """One statement, so that SQLite tokenizes the whole batch without the GIL."""
        self.db.execute("INSERT INTO texts_fts(rowid, text, source) "
                        "SELECT rowid, text, source FROM temp.batch")
        self.db.execute("DELETE FROM temp.batch")

    def _index_event(self, rowid: int, event: Event, read: Read) -> tuple[str, str, bytes]:
        """The event's texts and record; its row id added to its facets' postings."""
        if self.quick is not None:
            text, source, keys, record = self.quick.index(event, read)
        else:
            facts = event_facts(event, self.actors, self.places)
            text, source = facts.texts["text"], facts.texts["source"]
            keys = {posting_key(facet, value) for facet in FACETS
                    for value in facts.facets[facet]}
            record = json_bytes(event_record(self.actors, event, self.places))
        postings = self.postings
        for key in keys:
            found = postings.get(key)
            if found is None:
                found = postings[key] = array("I")
            found.append(rowid)
        return text, source, record

    def finish(self) -> Sequence[int] | None:
        """Check what only the whole can tell; the row ids in file order, if not already so."""
        self.sql.wait()
        for actor in self.actors.values():
            if any(actor_problems(actor, self.actors)):
                raise IndexUnavailable("bad actor reference")
        for place in self.places.values():
            if any(place_problems(place, self.places)):
                raise IndexUnavailable("bad place reference")
        for rowid, (event, read) in self.pending.items():
            if any(event_problems(event, self.actors, self.places)):
                raise IndexUnavailable("unknown actor or place")
            text, source, record = self._index_event(rowid, event, read)
            self.db.execute("UPDATE temp.texts SET text = ?, source = ? WHERE rowid = ?",
                            (text, source, rowid))
            self.records.fill(rowid, record)
        order: Sequence[int] | None = range(1, self.rowid + 1) if self.pending else None
        if self.staged and self.db.execute(
                "SELECT 1 FROM events a JOIN events b ON b.rowid = a.rowid + 1 "
                "WHERE (b.start, b.stop) < (a.start, a.stop) LIMIT 1").fetchone():
            self.db.executescript(RENUMBER)
            order = array("Q", (old for (old,) in self.db.execute(
                "SELECT old FROM temp.renumber ORDER BY new")))
            self._renumber_postings(order)
            self.db.execute("DROP TABLE temp.renumber")
        self.db.executemany("INSERT INTO postings VALUES (?, ?)",
                            ((key, rows.tobytes()) for key, rows in self.postings.items()))
        if self.staged:
            self.db.execute("INSERT INTO texts_fts(rowid, text, source) "
                            "SELECT rowid, text, source FROM temp.texts")
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
    states = [file_state(path) for path in paths]
    meter = Meter(progress(sum(state.size for state in states)) if progress else None)
    exact = False
    staged = len(paths) > 1  # several files' events interleave in time: renumbered anyway
    collecting = gc.isenabled()
    gc.disable()  # a build makes millions of objects and no cycles: collecting is wasted time
    try:
        while True:
            try:
                return _build(paths, target, states, meter.again(), exact=exact, staged=staged)
            except Drift:
                exact = True
            except Unsorted:
                staged = True
    finally:
        if collecting:
            gc.enable()


def _build(paths: Sequence[StrPath], target: str, states: Sequence[FileState],
           meter: Meter, *, exact: bool, staged: bool) -> None:
    folder, name = os.path.split(target)
    os.makedirs(folder or ".", mode=0o700, exist_ok=True)
    token = os.urandom(8).hex()
    temporary = os.path.join(folder, f".{name}.{os.getpid()}.{token}.tmp")
    scratch_path = temporary + ".records"
    records = records_path(target, token)
    installed = False
    old_umask = os.umask(0o077)
    try:
        connection = sqlite3.connect(temporary, check_same_thread=False)
        try:
            connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                                     f"PRAGMA application_id = {APPLICATION_ID};" + SCHEMA
                                     + WORD_INDEX + (STAGED if staged else DIRECT))
            with Scratch(io.FileIO(scratch_path, "w+"), 1 << 20) as scratch:
                builder = Builder(connection, Writer(scratch, token), exact=exact,
                                  staged=staged)
                try:
                    for path in paths:
                        builder.add_file(path, meter)
                    order = builder.finish()
                finally:
                    builder.sql.stop()
                builder.records.seal(order, scratch_path)
            meta = {"files": json.dumps([state._asdict() for state in states]),
                    "fingerprint": fingerprint(), "data_version": builder.data_version or "",
                    "records": token, "events": str(builder.rowid), "complete": "1",
                    "checked": "reference" if exact else "quick"}
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
