"""The prepared index: a SQLite copy of the stores, made once and reused until a store changes.

The JSON files stay the source of truth and the only thing people edit. The index exists so
that a million-event store answers in well under a second and the built-in store answers
without parsing JSON at start-up. It is built by streaming the files (memory stays flat),
checked with the same parser as the in-memory engine, and written to temporary files that are
renamed into place only when complete. A stale, foreign or corrupt index is rebuilt, never
trusted.

Two files: SQLite finds the matching row ids (dates, types, the trigram index for keywords,
each actor's row ids packed in one value), and a records file beside it holds every event's
output JSON in row-id order, mapped into memory, so printing half a million records is
slicing and joining bytes, not fetching rows.

Anything this engine cannot prepare (a broken store, an unwritable cache) makes the caller fall
back to the in-memory engine, which reports the problem precisely.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import mmap
import os
import sqlite3
import sys
from array import array
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, timedelta
from functools import cached_property
from itertools import compress
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from idlib_cli.model import Activity, Actor, Event
from idlib_cli.query import Query, needles_of, searchable_text
from idlib_cli.records import Record, event_record, json_bytes
from idlib_cli.store import (
    SCHEMA_VERSION,
    ActorIndex,
    InvalidAt,
    in_cycle,
    parse_actor,
    parse_event,
    unknown_event,
)

if TYPE_CHECKING:
    from _typeshed import StrPath

try:  # the hash itself, without OpenSSL: hashlib's import costs more than hashing the store
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

ENGINE_VERSION = 5  # bump whenever what the index stores changes
APPLICATION_ID = 0x49444C42  # "IDLB": tells our files from any other SQLite database
FULL_HASH_LIMIT = 64 * 1024**2  # hash whole files up to this size on every run
SAMPLES = 64  # blocks read from a larger file when its size and mtime are unchanged
CHUNK = 1024**2
MAX_ELEMENT = 64 * 1024**2
PROGRESS_MIN_BYTES = 16 * 1024**2
TRIGRAM = 3  # keywords this long use the trigram index; shorter ones scan
RECORDS_MAGIC = b"IDLBREC1"  # then an 8-byte token naming the build that wrote the file
HEADER = len(RECORDS_MAGIC) + 8
BATCH = 8192  # records handed to the writer at a time
RELEASE = getattr(mmap, "MADV_DONTNEED", None)  # not on Windows


class IndexUnavailable(Exception):
    """This engine can't answer for these stores; use the in-memory one."""


# --- where, and whether it is still good -----------------------------------------------------


def cache_dir() -> str:
    configured = os.environ.get("IDLIB_CACHE_DIR")
    if configured:
        return configured
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "idlib")


def index_path(paths: Sequence[StrPath]) -> str:
    key = "\n".join(os.path.realpath(path) for path in paths)
    name = f"index-{blake2b(key.encode(), digest_size=10).hexdigest()}.sqlite"
    return os.path.join(cache_dir(), name)


def _digest(path: StrPath, size: int, *, sampled: bool) -> str:
    """A content hash: the whole file, or for a large unchanged-looking file, spread samples."""
    hasher = blake2b(digest_size=16)
    with open(path, "rb") as handle:
        if not sampled:
            while block := handle.read(CHUNK):
                hasher.update(block)
            return "full:" + hasher.hexdigest()
        for n in range(SAMPLES + 1):
            handle.seek(max(0, (size - 65536) * n // SAMPLES))
            hasher.update(handle.read(65536))
    return "sampled:" + hasher.hexdigest()


class FileState(NamedTuple):
    path: str
    size: int
    mtime_ns: int
    full: str  # full content hash, taken when the index was built
    sampled: str | None  # sampled hash, for large files


def file_state(path: StrPath) -> FileState:
    info = os.stat(path)
    sampled = _digest(path, info.st_size, sampled=True) if info.st_size > FULL_HASH_LIMIT \
        else None
    return FileState(os.path.realpath(path), info.st_size, info.st_mtime_ns,
                     _digest(path, info.st_size, sampled=False), sampled)


def _still_current(recorded: FileState, path: StrPath) -> bool:
    """Is the file's content what the index was built from?

    Small files are hashed in full every time. A large file whose size and mtime are unchanged
    is checked by sampled blocks (hashing a gigabyte on every query would cost seconds); if its
    size or mtime changed, it is hashed in full, so a `touch` alone doesn't force a rebuild.
    """
    try:
        info = os.stat(path)
    except OSError:
        return False
    if info.st_size != recorded.size:
        return False
    if info.st_size <= FULL_HASH_LIMIT:
        return _digest(path, info.st_size, sampled=False) == recorded.full
    if info.st_mtime_ns == recorded.mtime_ns:
        return _digest(path, info.st_size, sampled=True) == recorded.sampled
    return _digest(path, info.st_size, sampled=False) == recorded.full


# --- reading a store file as a stream ---------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in a store")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


class _Stream:
    """Top-level members of one store file; elements of 'actors' and 'events' one at a time."""

    def __init__(self, path: StrPath, on_bytes: Any = None) -> None:
        self.handle = open(path, "rb")  # noqa: SIM115 - closed by close()
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.on_bytes = on_bytes
        self.lists: set[str] = set()  # which of 'actors' and 'events' were present as lists

    def close(self) -> None:
        self.handle.close()

    def _fill(self) -> None:
        chunk = self.handle.read(CHUNK)
        self.eof = not chunk
        if self.on_bytes and chunk:
            self.on_bytes(len(chunk))
        self.buffer = self.buffer[self.pos:] + self.decoder.decode(chunk, final=self.eof)
        self.pos = 0

    def _peek(self) -> str:
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buffer) or self.eof:
                return self.buffer[self.pos] if self.pos < len(self.buffer) else ""
            self._fill()

    def _expect(self, char: str) -> None:
        if self._peek() != char:
            raise ValueError(f"expected {char!r}")
        self.pos += 1

    def _value(self) -> Any:
        self._peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError:
                if self.eof or len(self.buffer) - self.pos > MAX_ELEMENT:
                    raise
                self._fill()
                continue
            if end >= len(self.buffer) and not self.eof:  # a number may continue
                self._fill()
                continue
            self.pos = end
            return value

    def _more(self, closing: str) -> bool:
        """Past a ',' (another item follows: True) or the closing bracket (False)."""
        separator = self._peek()
        self.pos += 1
        if separator == closing:
            return False
        if separator != ",":
            raise ValueError(f"expected ',' or {closing!r}")
        return True

    def members(self) -> Iterator[tuple[str, Any, Any]]:
        """('actors' | 'events', index, element) or ('', key, value) for other members."""
        self._expect("{")
        if self._peek() == "}":
            return
        while True:
            key = self._value()
            self._expect(":")
            if key in ("actors", "events") and self._peek() == "[":
                self.pos += 1
                self.lists.add(key)
                index = 0
                if self._peek() == "]":
                    self.pos += 1
                else:
                    while True:
                        yield key, index, self._value()
                        index += 1
                        if not self._more("]"):
                            break
            else:
                yield "", key, self._value()
            if not self._more("}"):
                break
        if self._peek() != "":
            raise ValueError("extra data after the store object")


# --- building ----------------------------------------------------------------------------------

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE actors (id TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE events (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, start INTEGER NOT NULL,
                     stop INTEGER NOT NULL, type TEXT NOT NULL);
CREATE TABLE texts (rowid INTEGER PRIMARY KEY, haystack TEXT NOT NULL);
CREATE TABLE event_actors (actor TEXT NOT NULL, rowid INTEGER NOT NULL,
                           PRIMARY KEY (actor, rowid)) WITHOUT ROWID;
CREATE TABLE postings (actor TEXT PRIMARY KEY, rowids BLOB NOT NULL);
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
CREATE TABLE texts_sorted (rowid INTEGER PRIMARY KEY, haystack TEXT NOT NULL);
INSERT INTO texts_sorted SELECT n.new, t.haystack
    FROM texts t JOIN renumber n ON n.old = t.rowid ORDER BY n.new;
CREATE TABLE event_actors_sorted (actor TEXT NOT NULL, rowid INTEGER NOT NULL,
                                  PRIMARY KEY (actor, rowid)) WITHOUT ROWID;
INSERT INTO event_actors_sorted SELECT a.actor, n.new
    FROM event_actors a JOIN renumber n ON n.old = a.rowid;
DROP TABLE events; DROP TABLE texts; DROP TABLE event_actors;
ALTER TABLE events_sorted RENAME TO events;
ALTER TABLE texts_sorted RENAME TO texts;
ALTER TABLE event_actors_sorted RENAME TO event_actors;
"""
# The haystacks are folded already, so a case-sensitive trigram index makes a phrase match
# exactly a substring match: no row needs checking again.
FINISH = """
CREATE INDEX events_by_start ON events (start);
CREATE INDEX events_by_stop ON events (stop);
CREATE INDEX events_by_type ON events (type);
CREATE VIRTUAL TABLE texts_fts USING fts5(haystack, content='texts', content_rowid='rowid',
                                          tokenize='trigram case_sensitive 1');
INSERT INTO texts_fts(texts_fts) VALUES ('rebuild');
"""


def _actor_json(actor: Actor) -> str:
    return json.dumps([actor.id, actor.name, actor.kind, list(actor.aliases), actor.parent,
                       list(actor.successor_of), actor.note], ensure_ascii=False)


def _actor_from_json(text: str) -> Actor:
    id_, name, kind, aliases, parent, successor_of, note = json.loads(text)
    return Actor(id_, name, kind, tuple(aliases), parent, tuple(successor_of), note)


def records_path(target: str, token: str) -> str:
    """The records file that goes with the index at `target`, built by the build `token`."""
    return f"{target.removesuffix('.sqlite')}-{token}.records"


class _Builder:
    """Fills the tables, and writes each event's record to a scratch file as it goes."""

    def __init__(self, connection: sqlite3.Connection, scratch: IO[bytes]) -> None:
        self.db = connection
        self.scratch = scratch
        self.written = scratch.tell()
        self.spans = array("Q")  # per row id: where its record starts in scratch, and its length
        self.actors: dict[str, Actor] = {}
        self.rowid = 0
        self.data_version: str | None = None
        self.batch: list[Event] = []
        self.pending: dict[int, Event] = {}  # events naming actors not yet seen

    def add_file(self, path: StrPath, on_bytes: Any) -> None:
        stream = _Stream(path, on_bytes)
        seen_version = False
        try:
            for kind, key, value in stream.members():
                if kind == "actors":
                    self._add_actor(parse_actor(value, ("actors", key)))
                elif kind == "events":
                    self.batch.append(parse_event(value, ("events", key), os.fspath(path)))
                    if len(self.batch) >= 5000:
                        self._flush()
                elif key == "schema_version":
                    seen_version = value == SCHEMA_VERSION and type(value) is int
                elif key == "data_version" and isinstance(value, str):
                    self.data_version = self.data_version or value
                elif key in ("actors", "events") or (key == "data_version" and value is not None):
                    raise IndexUnavailable(f"{key} has the wrong type")
            self._flush()
        except (ValueError, InvalidAt, RecursionError, UnicodeDecodeError) as error:
            raise IndexUnavailable(str(error)) from None
        finally:
            stream.close()
        if not (seen_version and "events" in stream.lists):
            raise IndexUnavailable("not a valid store")

    def _add_actor(self, actor: Actor) -> None:
        if actor.id in self.actors:
            raise IndexUnavailable(f"actor {actor.id} defined twice")
        self.actors[actor.id] = actor
        self.db.execute("INSERT INTO actors VALUES (?, ?)", (actor.id, _actor_json(actor)))

    def _flush(self) -> None:
        rows: list[tuple[Any, ...]] = []
        texts: list[tuple[int, str]] = []
        links: list[tuple[str, int]] = []
        for event in self.batch:
            self.rowid += 1
            rows.append((self.rowid, event.id, event.date.start.toordinal(),
                         event.date.end.toordinal(), event.type))
            links += [(ref.id, self.rowid) for ref in event.actors]
            if all(ref.id in self.actors for ref in event.actors):
                texts.append((self.rowid, searchable_text(self.actors, event)))
                self.spans.extend(self._write_record(event))
            else:  # an actor defined later (in this file or another): finish it at the end
                self.pending[self.rowid] = event
                self.spans.extend((0, 0))
        self.batch.clear()
        try:
            self.db.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?)", rows)
        except sqlite3.IntegrityError:
            raise IndexUnavailable("duplicate event id") from None
        self.db.executemany("INSERT INTO texts VALUES (?, ?)", texts)
        self.db.executemany("INSERT OR IGNORE INTO event_actors VALUES (?, ?)", links)

    def _write_record(self, event: Event) -> tuple[int, int]:
        data = json_bytes(event_record(self.actors, event))
        self.scratch.write(data)
        self.written += len(data)
        return self.written - len(data), len(data)

    def finish(self) -> Sequence[int] | None:
        """Check what only the whole can tell; the row ids in file order, if not already so."""
        for actor in self.actors.values():
            if (actor.parent and actor.parent not in self.actors) or \
                    in_cycle(actor.id, self.actors):
                raise IndexUnavailable("bad actor parent")
        unknown = self.db.execute("SELECT 1 FROM event_actors WHERE actor NOT IN "
                                  "(SELECT id FROM actors) LIMIT 1").fetchone()
        if unknown:
            raise IndexUnavailable("unknown actor")
        for rowid, event in self.pending.items():
            self.db.execute("INSERT INTO texts VALUES (?, ?)",
                            (rowid, searchable_text(self.actors, event)))
            self.spans[2 * rowid - 2:2 * rowid] = array("Q", self._write_record(event))
        order: Sequence[int] | None = range(1, self.rowid + 1) if self.pending else None
        if self.db.execute("SELECT 1 FROM events a JOIN events b ON b.rowid = a.rowid + 1 "
                           "WHERE (b.start, b.stop) < (a.start, a.stop) "
                           "LIMIT 1").fetchone():
            self.db.executescript(RENUMBER)
            order = array("Q", (old for (old,) in self.db.execute(
                "SELECT old FROM temp.renumber ORDER BY new")))
            self.db.execute("DROP TABLE temp.renumber")
        self._add_postings()
        self.db.executescript(FINISH)
        return order

    def _add_postings(self) -> None:
        """Each actor's row ids, packed: a broad actor query reads one value, not 500k rows."""
        rows = self.db.execute("SELECT actor, rowid FROM event_actors ORDER BY actor, rowid")
        actor, rowids = None, array("I")
        for name, rowid in rows:
            if name != actor:
                self._add_posting(actor, rowids)
                actor, rowids = name, array("I")
            rowids.append(rowid)
        self._add_posting(actor, rowids)

    def _add_posting(self, actor: str | None, rowids: array[int]) -> None:
        if actor is not None:
            self.db.execute("INSERT INTO postings VALUES (?, ?)", (actor, rowids.tobytes()))


def _seal_records(scratch: IO[bytes], builder: _Builder, order: Sequence[int] | None,
                  path: str) -> None:
    """Finish the records file: records in row-id order, then where each one starts.

    Usually the scratch file is already in row-id order and only gains the table of starts;
    a store out of date order (or with actors defined after their events) is copied over.
    """
    spans = builder.spans
    if order is None:
        starts = array("Q", spans[0::2])
        starts.append(builder.written)
        out = scratch
    else:
        out = open(path + ".sorted", "wb")  # noqa: SIM115 - closed below
        scratch.seek(0)
        out.write(scratch.read(HEADER))
        starts = array("Q", [HEADER])
        for rowid in order:
            scratch.seek(spans[2 * rowid - 2])
            out.write(scratch.read(spans[2 * rowid - 1]))
            starts.append(starts[-1] + spans[2 * rowid - 1])
    out.seek(starts[-1])
    out.write(b"\0" * (-starts[-1] % 8))  # the table of starts is read in place: align it
    out.write(starts.tobytes())
    if out is not scratch:
        out.close()
        os.replace(path + ".sorted", path)


def build(paths: Sequence[StrPath], target: str) -> None:
    """Build the index for `paths` at `target`, atomically.

    Two files: the SQLite index and the records file named by the index. The records file is
    put in place first; the index, renamed over `target` last, is what makes the pair current.
    """
    folder, name = os.path.split(target)
    os.makedirs(folder or ".", exist_ok=True)
    token = os.urandom(8).hex()
    temporary = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    scratch_path = temporary + ".records"
    records = records_path(target, token)
    states = [file_state(path) for path in paths]
    total = sum(state.size for state in states)
    installed = False
    try:
        connection = sqlite3.connect(temporary)
        try:
            connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                                     f"PRAGMA application_id = {APPLICATION_ID};"
                                     f"PRAGMA user_version = {ENGINE_VERSION};" + SCHEMA)
            with open(scratch_path, "w+b") as scratch:
                scratch.write(RECORDS_MAGIC + bytes.fromhex(token))
                builder = _Builder(connection, scratch)
                with _progress(total) as advance:
                    for path in paths:
                        builder.add_file(path, advance)
                    order = builder.finish()
                _seal_records(scratch, builder, order, scratch_path)
            meta = {"files": json.dumps([state._asdict() for state in states]),
                    "data_version": builder.data_version or "", "records": token,
                    "events": str(builder.rowid), "complete": "1"}
            connection.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            connection.commit()
        finally:
            connection.close()
        os.replace(scratch_path, records)
        os.replace(temporary, target)
        installed = True
        _remove_old_records(target, keep=records)
    except BaseException:
        for leftover in (temporary, scratch_path, scratch_path + ".sorted",
                         *(() if installed else (records,))):
            with contextlib.suppress(OSError):
                os.unlink(leftover)
        raise


def _remove_old_records(target: str, keep: str) -> None:
    """Records files of earlier builds of this index (a reader that has one open keeps it)."""
    folder, name = os.path.split(keep)
    prefix = os.path.basename(target).removesuffix(".sqlite") + "-"
    for other in os.listdir(folder or "."):
        if other.startswith(prefix) and other.endswith(".records") and other != name:
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, other))


@contextlib.contextmanager
def _progress(total: int) -> Iterator[Any]:
    """A progress bar on stderr for big preparations on a terminal; silent otherwise."""
    if total < PROGRESS_MIN_BYTES or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    with Progress(transient=True, console=_stderr_console()) as progress:
        task = progress.add_task("Preparing the index (once per store change)", total=total)
        yield lambda size: progress.advance(task, size)


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


# --- answering -----------------------------------------------------------------------------------


class Records:
    """The records file, mapped: every event's JSON in row-id order, and where each starts.

    Matching records are handed out as slices of the mapping, so a query that selects half a
    million events copies their bytes once, into the output, and builds no Python objects for
    them beyond the slice.
    """

    def __init__(self, path: str, token: str, count: int) -> None:
        with open(path, "rb") as handle:
            self.map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        table = len(self.map) - 8 * (count + 1)
        if table < HEADER or self.map[:HEADER] != RECORDS_MAGIC + bytes.fromhex(token):
            raise ValueError("records file doesn't belong to this index")
        self.view = memoryview(self.map)
        self.starts = self.view[table:].cast("Q")
        if self.starts[0] != HEADER or not table - 8 < self.starts[count] <= table:
            raise ValueError("records file is damaged")
        self.count = count

    def get(self, rowid: int) -> bytes:
        return self.map[self.starts[rowid - 1]:self.starts[rowid]]

    def batches(self, rows: Sequence[int]) -> Iterator[list[memoryview]]:
        view, starts = self.view, self.starts
        for first in range(0, len(rows), BATCH):
            chosen = rows[first:first + BATCH]
            yield [view[starts[row - 1]:starts[row]] for row in chosen]
            self._release(starts[min(chosen) - 1], starts[max(chosen)])

    def _release(self, begin: int, end: int) -> None:
        """Unmap pages already written out. They stay in the page cache; without this, a
        broad query over a big store would count most of the file in its resident memory."""
        if RELEASE is not None:
            begin -= begin % mmap.PAGESIZE
            with contextlib.suppress(OSError, ValueError):
                self.map.madvise(RELEASE, begin, end - begin)


class IndexCatalog:
    """Answers queries from a prepared index and its records file."""

    def __init__(self, connection: sqlite3.Connection, records: Records) -> None:
        self.db = connection
        self.records = records

    @cached_property
    def actors(self) -> Mapping[str, Actor]:
        return {row[0]: _actor_from_json(row[1])
                for row in self.db.execute("SELECT id, json FROM actors ORDER BY rowid")}

    @cached_property
    def actor_index(self) -> ActorIndex:
        return ActorIndex(self.actors)

    @property
    def data_version(self) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
        return row[0] or None if row else None

    def count(self) -> int:
        return self.records.count

    def type_counts(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT type, count(*) FROM events GROUP BY type"))

    def json_batches(self, query: Query) -> Iterator[list[memoryview]]:
        return self.records.batches(self.rows(query))

    def search(self, query: Query) -> Iterator[Record]:
        return (json.loads(self.records.get(row)) for row in self.rows(query))

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
        found = {actor: Activity(count, date.fromordinal(first),
                                 date.fromordinal(last) - timedelta(days=1))
                 for actor, count, first, last in self.db.execute(
                     "SELECT a.actor, count(*), min(e.start), max(e.stop) FROM event_actors a "
                     "JOIN events e ON e.rowid = a.rowid GROUP BY a.actor")}
        return {actor_id: found.get(actor_id, Activity(0, None, None))
                for actor_id in self.actors}

    def rows(self, query: Query) -> Sequence[int]:
        """The matching row ids, in the order and number the query asks for."""
        rows = self._matching_rows(query)
        if query.reverse:
            rows = rows[::-1]
        return rows[:query.limit] if query.limit is not None else rows

    def _matching_rows(self, query: Query) -> Sequence[int]:
        """All matching row ids, ascending: SQL for dates, types and words, then the actors."""
        rows: Sequence[int] | None = None
        select = _select(query)
        if select is not None:
            (joined,) = self.db.execute(*select).fetchone()
            rows = sorted(map(int, joined.split(","))) if joined else []
        for wanted in query.actor_sets:
            marks = self._actor_marks(wanted)
            rows = list(compress(range(len(marks)), marks)) if rows is None else \
                list(compress(rows, map(marks.__getitem__, rows)))
        return range(1, self.records.count + 1) if rows is None else rows

    def _actor_marks(self, wanted: frozenset[str]) -> bytearray:
        """One byte per row id: 1 where the event names one of `wanted`."""
        marks = bytearray(self.records.count + 1)
        for (packed,) in self.db.execute(
                f"SELECT rowids FROM postings WHERE actor IN ({', '.join('?' * len(wanted))})",
                sorted(wanted)):
            rowids = array("I")
            rowids.frombytes(packed)
            for rowid in rowids:
                marks[rowid] = 1
        return marks


def _select(query: Query) -> tuple[str, list[Any]] | None:
    """SQL for the query's dates, types and keywords (None if it has none): the matching row
    ids as one comma-separated text, which Python splits far faster than it fetches rows.

    Rows are numbered in date order, so a date range is a range of row ids and drives the
    query; without one, the trigram index finds the keywords. Keywords shorter than a trigram,
    and any inside a date range, are checked on the folded text of each row.
    """
    where: list[str] = []
    parameters: list[Any] = []
    ranged = query.since is not None or query.until is not None
    if query.until is not None:  # the first row that starts too late ends the range
        where.append("e.rowid < (SELECT coalesce(min(rowid), 1 << 62) FROM events "
                     "WHERE start >= ?) AND e.start < ?")
        parameters += [query.until.toordinal()] * 2
    if query.since is not None:
        where.append("e.rowid >= (SELECT coalesce(min(rowid), 1 << 62) FROM events "
                     "WHERE stop > ?) AND e.stop > ?")
        parameters += [query.since.toordinal()] * 2
    if query.types:
        where.append(f"e.type IN ({', '.join('?' * len(query.types))})")
        parameters += sorted(query.types)
    needles = needles_of(query)
    indexed = [] if ranged else [needle for needle in needles if len(needle) >= TRIGRAM]
    scanned = [needle for needle in needles if needle not in indexed]
    match = " AND ".join('"' + needle.replace('"', '""') + '"' for needle in indexed)
    if indexed and not where and not scanned:
        return "SELECT group_concat(rowid) FROM texts_fts WHERE texts_fts MATCH ?", [match]
    if indexed:
        where.append("e.rowid IN (SELECT rowid FROM texts_fts WHERE texts_fts MATCH ?)")
        parameters.append(match)
    for needle in scanned:
        where.append("(SELECT instr(haystack, ?) FROM texts t WHERE t.rowid = e.rowid) > 0")
        parameters.append(needle)
    if not where:
        return None
    return "SELECT group_concat(e.rowid) FROM events e WHERE " + " AND ".join(where), parameters


def _open_prepared(target: str, paths: Sequence[StrPath]) -> IndexCatalog | None:
    """The index at `target` if it is ours, complete, built from these files' content, and its
    records file is the one it names, whole."""
    if not os.path.isfile(target):
        return None
    try:
        quoted = target.replace("%", "%25").replace("?", "%3f").replace("#", "%23")
        connection = sqlite3.connect(f"file:{quoted}?mode=ro", uri=True)
        try:
            application_id = connection.execute("PRAGMA application_id").fetchone()[0]
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if (application_id, version) != (APPLICATION_ID, ENGINE_VERSION):
                raise sqlite3.DatabaseError("foreign or old index")
            meta = dict(connection.execute("SELECT key, value FROM meta"))
            recorded = [FileState(**state) for state in json.loads(meta["files"])]
            if meta.get("complete") != "1" or \
                    [state.path for state in recorded] != [os.path.realpath(p) for p in paths]:
                raise sqlite3.DatabaseError("incomplete or for other files")
            pairs = zip(recorded, paths, strict=True)
            if not all(_still_current(state, path) for state, path in pairs):
                connection.close()
                return None
            token = meta["records"]
            records = Records(records_path(target, token), token, int(meta["events"]))
            return IndexCatalog(connection, records)
        except BaseException:
            connection.close()
            raise
    except (sqlite3.DatabaseError, OSError, KeyError, TypeError, ValueError):
        with contextlib.suppress(OSError):
            os.unlink(target)  # corrupt, foreign or missing its records: rebuilt, never trusted
        return None


def open_index(paths: Sequence[StrPath]) -> IndexCatalog:
    """A catalog over `paths` from the prepared index, (re)building it first if needed."""
    try:
        target = index_path(paths)
        catalog = _open_prepared(target, paths)
        if catalog is None:
            build(paths, target)
            catalog = _open_prepared(target, paths)
        if catalog is None:
            raise IndexUnavailable("the index could not be prepared")
        return catalog
    except (OSError, sqlite3.Error) as error:
        raise IndexUnavailable(str(error)) from None
