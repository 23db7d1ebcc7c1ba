"""Building an index: stream the store files once, read each element as the loader reads it,
check the consistency rules (rules.py), and write the SQLite tables and the records file to
temporary files that are renamed into place only when complete.

What goes in is what the reference functions say: parse.parse_event, query.event_facts and
records.event_record; making.py reads the files into it a block at a time, with quick.Quick
(the same, faster, and checked). A large store is made on two processes (parallel.py). When
a build finds it can't go on the way it started (events out of date order, a disagreement
with the reference functions, a helper that stopped), it starts again the way that works.

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
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from idlib_cli.index import parallel
from idlib_cli.index.freshness import (
    APPLICATION_ID,
    FileState,
    IndexUnavailable,
    Progress,
    file_state,
    fingerprint,
)
from idlib_cli.index.making import Block, Maker, Unsorted, helper_work
from idlib_cli.index.parallel import Alone, Helper, Share
from idlib_cli.index.quick import Drift
from idlib_cli.index.recordsfile import Writer, records_path
from idlib_cli.index.writing import Background, Meter, Scratch
from idlib_cli.rules import actor_problems, event_problems, place_problems

if TYPE_CHECKING:
    from _typeshed import StrPath


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
INSERT INTO texts_fts(texts_fts, rank) VALUES ('hashsize', 8388608);
"""  # 8 MiB of tokens gathered before they are written (1 MiB by default): fewer merges
STAGED = """
CREATE TEMP TABLE texts (rowid INTEGER PRIMARY KEY, text TEXT NOT NULL, source TEXT NOT NULL);
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


class Builder(Maker):
    """Stores the blocks, its own and the helper's, in row-id order, then finishes the index.

    `staged`: texts wait in a table until the end (when events may be renumbered); else they
    go into the word index at once, which fails with Unsorted at the first event that would
    need renumbering.
    """

    def __init__(self, connection: sqlite3.Connection, records: Writer, *, exact: bool,
                 staged: bool, helper: Helper | None = None) -> None:
        super().__init__(exact=exact, staged=staged,
                         share=None if helper is None else Share(helper=False))
        self.db, self.records, self.helper = connection, records, helper
        self.sql = Background()
        self.rowid = 0  # the last row stored
        self.last = (0, 0)  # its first and last day
        self.stored: dict[str, array[int]] = {}  # every block's postings

    def define(self, kind: str, key: str, value: Any) -> None:
        self.sql.wait()
        try:
            self.db.execute("INSERT INTO definitions VALUES (?, ?, ?)",
                            (kind, key, json.dumps(value, ensure_ascii=False)))
        except sqlite3.IntegrityError:
            raise IndexUnavailable(f"{kind} {key} defined twice") from None

    def made(self, block: Block) -> None:
        self._take_helped(block[0][0][0] - 1)
        self._store(block)

    def _take_helped(self, until: int) -> None:
        """The helper's blocks up to row `until`, stored."""
        while self.helper is not None and self.rowid < until:
            self._store(cast(Block, self.helper.next_block()))

    def _store(self, block: Block) -> None:
        rows, texts, records, postings = block
        for row in rows:
            days = (row[2], row[3])
            if not self.staged and days < self.last:
                raise Unsorted
            self.last = days
        for record in records:
            if record is None:
                self.records.placeholder()
            else:
                self.records.append(record)
        for key, found in postings.items():
            self.stored.setdefault(key, array("I")).extend(found)
        self.rowid = rows[-1][0]
        self.sql.put(partial(self._insert, json.dumps(rows, ensure_ascii=False), texts,
                             rows[0][0]))

    def _insert(self, rows: str, texts: str, first: int) -> None:
        """A block's rows, and its texts into the word index (or their table, staged), each in
        one statement: SQLite reads and tokenizes it all without taking the GIL, which
        executemany takes for every row. The texts come as 'text|source', one a row id."""
        try:
            self.db.execute("INSERT INTO events SELECT value ->> 0, value ->> 1, value ->> 2, "
                            "value ->> 3, value ->> 4 FROM json_each(?)", (rows,))
        except sqlite3.IntegrityError:
            raise IndexUnavailable("duplicate event id") from None
        into = "temp.texts" if self.staged else "texts_fts(rowid, text, source)"
        self.db.execute(f"INSERT INTO {into} SELECT ? + key, "
                        "substr(value, 1, instr(value, '|') - 1), "
                        "substr(value, instr(value, '|') + 1) FROM json_each(?)", (first, texts))

    def finish(self) -> Sequence[int] | None:
        """Check what only the whole can tell; the row ids in file order, if not already so."""
        self._take_helped(self.ordinal)
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
        for key, found in self.postings.items():  # the pending events': out of row order
            self.stored[key] = array("I", sorted(self.stored.get(key, array("I")) + found))
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
                            ((key, rows.tobytes()) for key, rows in self.stored.items()))
        if self.staged:
            self.db.execute("INSERT INTO texts_fts(rowid, text, source) "
                            "SELECT rowid, text, source FROM temp.texts")
        self.db.executescript(FINISH)
        return order

    def _renumber_postings(self, order: Sequence[int]) -> None:
        new_of = array("I", bytes(4 * (len(order) + 1)))
        for new, old in enumerate(order, start=1):
            new_of[old] = new
        for key, rows in self.stored.items():
            self.stored[key] = array("I", sorted(new_of[old] for old in rows))


FAILURES: dict[str, Callable[[str], Exception]] = {
    "Drift": Drift, "Unsorted": Unsorted, "IndexUnavailable": IndexUnavailable}


def build(paths: Sequence[StrPath], target: str, progress: Progress | None = None) -> None:
    """Build the index for `paths` at `target`, atomically.

    Two files: the SQLite index and the records file named by the index. The records file is
    put in place first; the index, renamed over `target` last, is what makes the pair current.
    Every file is private (0600) in a private folder (0700): a store may be private.
    """
    states = [file_state(path) for path in paths]
    total = sum(state.size for state in states)
    meter = Meter(progress(total) if progress else None)
    exact = False
    staged = len(paths) > 1  # several files' events interleave in time: renumbered anyway
    helped = parallel.usable(total)
    collecting = gc.isenabled()
    gc.disable()  # a build makes millions of objects and no cycles: collecting is wasted time
    try:
        while True:
            try:
                return _build(paths, target, states, meter.again(), exact=exact, staged=staged,
                              helped=helped)
            except Drift:
                exact = True
            except Unsorted:
                staged = True
            except Alone:
                helped = False
    finally:
        if collecting:
            gc.enable()


def _build(paths: Sequence[StrPath], target: str, states: Sequence[FileState],
           meter: Meter, *, exact: bool, staged: bool, helped: bool) -> None:
    folder, name = os.path.split(target)
    os.makedirs(folder or ".", mode=0o700, exist_ok=True)
    token = os.urandom(8).hex()
    temporary = os.path.join(folder, f".{name}.{os.getpid()}.{token}.tmp")
    scratch_path = temporary + ".records"
    records = records_path(target, token)
    installed = False
    old_umask = os.umask(0o077)
    helper = Helper(helper_work(paths, exact=exact, staged=staged), FAILURES) if helped else None
    try:
        connection = sqlite3.connect(temporary, check_same_thread=False)
        try:
            connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                                     f"PRAGMA application_id = {APPLICATION_ID};" + SCHEMA
                                     + WORD_INDEX + (STAGED if staged else ""))
            with Scratch(io.FileIO(scratch_path, "w+"), 1 << 20) as scratch:
                builder = Builder(connection, Writer(scratch, token), exact=exact,
                                  staged=staged, helper=helper)
                try:
                    for path in paths:
                        builder.add_file(path, meter)
                    order = builder.finish()
                finally:
                    builder.sql.stop()
                    if helper is not None:
                        helper.close()
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
        if helper is not None:
            helper.close()


def remove_old_records(target: str, keep: str) -> None:
    """Records files of earlier builds of this index (a reader that has one open keeps it)."""
    folder, name = os.path.split(keep)
    prefix = os.path.basename(target).removesuffix(".sqlite") + "-"
    for other in os.listdir(folder or "."):
        if other.startswith(prefix) and other.endswith(".records") and other != name:
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, other))
