"""Reading the store files into what the index stores, a block of events at a time: the rows
of the events table, the folded texts for the word index, the records and the postings. The
builder (build.py) stores the blocks; on two processes (parallel.py), a helper makes some of
them and sends them to the builder.
"""

from __future__ import annotations

import json
import os
from array import array
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from idlib_cli.errors import DateError
from idlib_cli.index.freshness import IndexUnavailable, posting_key
from idlib_cli.index.parallel import Alone, Share, report
from idlib_cli.index.quick import Quick, Read
from idlib_cli.index.stream import SKIPPED, Stream
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
from idlib_cli.rules import event_problems

if TYPE_CHECKING:
    from _typeshed import StrPath

FLUSH_EVERY = 5000  # events made at a time (parallel.BLOCK: a block of one process's)


class Unsorted(Exception):
    """Events out of date order, or naming definitions not yet seen: build staged."""


Block = tuple[list[tuple[Any, ...]], str, list[bytes | None], dict[str, "array[int]"]]
# a block: its rows, its texts as JSON (one 'text|source' a row), records, postings


class Maker:
    """Reads the files and makes the events' rows, texts, records and postings, a block at a
    time (`made`). With a `share`, only its part of them (parallel.py); the rest is passed
    over. `exact`: the reference functions alone, without stream.Quick. `staged`: see Builder.
    """

    def __init__(self, *, exact: bool, staged: bool, share: Share | None = None) -> None:
        self.staged, self.share = staged, share
        self.actors: dict[str, Actor] = {}
        self.places: dict[str, Place] = {}
        self.quick = None if exact else Quick(self.actors, self.places)
        self.ordinal = 0  # events read so far, over all the files
        self.data_version: str | None = None
        self.batch: list[tuple[int, Event, Read]] = []  # row id, event, its reference reading
        self.pending: dict[int, tuple[Event, Read]] = {}  # naming definitions not yet seen
        self.postings: dict[str, array[int]] = {}  # the batch's

    def add_file(self, path: StrPath, on_bytes: Callable[[int], None] | None) -> None:
        stream = Stream(path, on_bytes, self._skip if self.share else None)
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

    def _skip(self) -> bool:
        return self.share is not None and not self.share.mine(self.ordinal)

    def _element(self, kind: str, index: int, value: Any, file: str) -> None:
        if kind == "events":
            rowid = self.ordinal = self.ordinal + 1
            if value is SKIPPED:
                self._flush()  # the other process makes this one: the block before it is done
                return

            def read() -> Event:
                return parse_event(value, ("events", index), file)

            event = self.quick.event(value, file) if self.quick else None
            self.batch.append((rowid, event or read(), read))
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
        self.define(kind[:-1], item.id, value)

    def define(self, kind: str, key: str, value: Any) -> None:
        """A definition read (the builder stores it)."""

    def _flush(self) -> None:
        if not self.batch:
            return
        rows: list[tuple[Any, ...]] = []
        texts: list[str] = []  # 'text|source': a folded text holds letters, digits, spaces
        records: list[bytes | None] = []
        for rowid, event, read in self.batch:
            rows.append((rowid, event.id, event.date.start.toordinal(),
                         event.date.end.toordinal(), event.type))
            if any(event_problems(event, self.actors, self.places)):
                if self.share is not None:
                    raise Alone("an event names a definition given after it")
                if not self.staged:
                    raise Unsorted
                self.pending[rowid] = event, read  # defined later, or never: finish()
                records.append(None)
                texts.append("|")
            else:
                text, source, record = self._index_event(rowid, event, read)
                texts.append(f"{text}|{source}")
                records.append(record)
        self.batch.clear()
        postings, self.postings = self.postings, {}
        self.made((rows, _json_strings(texts), records, postings))

    def made(self, block: Block) -> None:
        """A block made (the builder stores it; the helper sends it)."""
        raise NotImplementedError

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


class Helping(Maker):
    """The helper's side: its blocks go to the builder through a pipe."""

    def __init__(self, outbox: Connection, *, exact: bool, staged: bool) -> None:
        super().__init__(exact=exact, staged=staged, share=Share(helper=True))
        self.outbox = outbox

    def made(self, block: Block) -> None:
        self.outbox.send(("block", *block))


def _json_strings(texts: list[str]) -> str:
    """A JSON array of folded texts. They hold nothing JSON escapes (quotes, backslashes,
    control characters are not letters: folding made them spaces), so joining them is enough
    (json.dumps, should quotes or backslashes ever be kept: they would change the array)."""
    joined = '","'.join(texts)
    if texts and '"' not in joined and "\\" not in joined:
        return f'["{joined}"]'
    return json.dumps(texts, ensure_ascii=False)


def helper_work(paths: Sequence[StrPath], *, exact: bool,
                staged: bool) -> Callable[[Connection], None]:
    """What the forked helper does: its part of every file, then it is done."""
    def work(outbox: Connection) -> None:
        try:
            helping = Helping(outbox, exact=exact, staged=staged)
            for path in paths:
                helping.add_file(path, None)
        except BaseException as error:
            report(outbox, error)
            raise

    return work
