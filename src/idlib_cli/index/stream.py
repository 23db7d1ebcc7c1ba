"""Reading a store file as a stream: top-level members one by one, and the elements of its
lists one at a time, so that preparing an index of a gigabyte store keeps memory flat.

Its JSON is the loader's JSON (`store.parse_json`): the same decoder hooks refuse NaN, numbers
too large to be finite and keys given twice, here at the top level as everywhere else.

The events it reads become what the index stores: `Quick` makes each one's Event, folded
texts, postings and record as parse.parse_event, query.event_facts and records.event_record
would, a few times faster (no path bookkeeping; each definition's folded words and JSON made
once per build, each site's host once; one str.translate for ASCII text, which is what
text.fold does to it). It is checked against them as it goes: the first events, one in a
thousand after, and every event of a shape not seen before in the build (which optional
fields it has, ASCII or not) go through both, and any difference raises Drift, upon which the
builder starts again with the reference functions alone. So a change to those can make a
build slower, never its content different.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring
from math import isfinite
from typing import TYPE_CHECKING, Any, TypeGuard

from idlib_cli.dates import parse_edtf
from idlib_cli.errors import DateError
from idlib_cli.index.freshness import posting_key
from idlib_cli.model import Actor, ActorRef, DateSpan, Event, Figure, Place, Source
from idlib_cli.parse import _finite_number, _reject_constant, _unique_keys
from idlib_cli.query import FACETS, _actor_text, _source_words, event_facts
from idlib_cli.records import _RAW_IN_JSON, _escape, event_record, json_bytes, place_ref
from idlib_cli.text import fold

if TYPE_CHECKING:
    from _typeshed import StrPath

CHUNK = 1024**2
MAX_ELEMENT = 64 * 1024**2  # one event or actor larger than this is not a store we can stream
LISTS = ("actors", "places", "eras", "events")
CHECK_FIRST = 200  # events checked against the reference functions at the start of a build
CHECK_EVERY = 1000  # and then one in this many (besides each new shape)
_ASCII_FOLD = str.maketrans({chr(code): chr(code).lower() if chr(code).isalnum() else " "
                             for code in range(128)})
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # what json.dumps(…, ensure_ascii=False) is
Read = Callable[[], Event]  # an event read by parse_event: the reference for a quick one

_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_number,
                            object_pairs_hook=_unique_keys)


class Stream:
    """Top-level members of one store file; elements of its lists one at a time."""

    def __init__(self, path: StrPath, on_bytes: Callable[[int], None] | None = None) -> None:
        self.handle = open(path, "rb")  # noqa: SIM115 - closed by close()
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.on_bytes = on_bytes
        self.lists: set[str] = set()  # which lists were present

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

    def _key(self, seen: set[str]) -> str:
        if self._peek() != '"':
            raise ValueError("object keys must be strings")
        key = self._value()
        if key in seen:
            raise ValueError(f"key {key[:40]!r} appears twice in one object")
        seen.add(key)
        return str(key)

    def members(self) -> Iterator[tuple[str, Any, Any]]:
        """(list name, index, element) for elements of the lists, ('', key, value) otherwise."""
        self._expect("{")
        seen: set[str] = set()
        if self._peek() == "}":
            self.pos += 1
        else:
            while True:
                key = self._key(seen)
                self._expect(":")
                if key in LISTS and self._peek() == "[":
                    self.pos += 1
                    self.lists.add(key)
                    yield from self._elements(key)
                else:
                    yield "", key, self._value()
                if not self._more("}"):
                    break
        if self._peek() != "":
            raise ValueError("extra data after the store object")

    def _elements(self, key: str) -> Iterator[tuple[str, Any, Any]]:
        index = 0
        if self._peek() == "]":
            self.pos += 1
            return
        while True:
            yield key, index, self._value()
            index += 1
            if not self._more("]"):
                return


def _filled(value: Any) -> TypeGuard[str]:
    """What parse_event requires of a string: present, a string, not blank."""
    return type(value) is str and value.strip() != ""


def _optional(value: Any) -> TypeGuard[str | None]:
    return value is None or type(value) is str


def quick_event(value: Any, file: str, dates: dict[str, DateSpan]) -> Event | None:
    """The Event that parse.parse_event makes of `value`, without its bookkeeping of where
    each field is; None wherever parse_event must decide (anything unusual, and every error,
    which it then reports). `dates` remembers the dates already read."""
    if type(value) is not dict:
        return None
    get = value.get
    ident, when, title, summary, kind = (get("id"), get("date"), get("title"), get("summary"),
                                         get("type"))
    if not (_filled(ident) and _filled(when) and _filled(title) and _filled(summary)
            and _filled(kind)):
        return None
    span = dates.get(when)
    if span is None:
        try:
            span = parse_edtf(when)
        except DateError:
            return None
        if len(dates) < 100_000:
            dates[when] = span
    refs, cited, claims = get("actors"), get("sources"), get("figures")
    tags, location = get("tags"), get("location")
    if type(refs) is not list or type(cited) is not list or \
            type(claims if claims is not None else []) is not list or \
            type(tags if tags is not None else []) is not list or \
            type(location if location is not None else {}) is not dict:
        return None
    actors, sources, figures = [], [], []
    for ref in refs:
        if type(ref) is not dict or not (_filled(ref.get("id")) and _filled(ref.get("role"))):
            return None
        actors.append(ActorRef(ref["id"], ref["role"]))
    for source in cited:
        if type(source) is not dict:
            return None
        url, publisher = source.get("url"), source.get("publisher")
        headline, published = source.get("title"), source.get("published")
        if not (_filled(url) and _filled(publisher) and _optional(headline)
                and _optional(published)):
            return None
        sources.append(Source(url, publisher, headline, published))
    for claim in claims or ():
        if type(claim) is not dict:
            return None
        number = claim.get("value")
        label, claimed_by, source_url = (claim.get("label"), claim.get("claimed_by"),
                                         claim.get("source_url"))
        qualifier, note = claim.get("qualifier"), claim.get("note")
        if not ((type(number) is int or (type(number) is float and isfinite(number)))
                and _filled(label) and _filled(claimed_by) and _filled(source_url)
                and _optional(qualifier) and _optional(note)):
            return None
        figures.append(Figure(label, number, claimed_by, source_url, qualifier, note))
    if tags and any(type(tag) is not str for tag in tags):
        return None
    name = place = None
    if location:
        name, place = location.get("name"), location.get("place")
        if not (_filled(name) and _optional(place)):
            return None
    date_note, note = get("date_note"), get("note")
    if not (_optional(date_note) and _optional(note)):
        return None
    return Event(ident, span, title, summary, kind, tuple(actors), tuple(sources), name, place,
                 tuple(figures), tuple(tags or ()), date_note, note, file)


class Drift(Exception):
    """Quick and the reference functions disagree on an event: build with the reference."""


class Quick:
    """What event_facts and json_bytes(event_record(…)) give for an event, made faster: each
    definition's folded words and JSON once per build, each source's folded host once per
    site, one str.translate for ASCII text (which is what text.fold does to ASCII)."""

    def __init__(self, actors: dict[str, Actor], places: dict[str, Place]) -> None:
        self.actors, self.places = actors, places
        self.dates: dict[str, DateSpan] = {}
        self.seen = 0
        self.shapes: set[tuple[Any, ...]] = set()
        # made once per build: folded words of definitions and of sites, JSON of their parts
        self.place_words: dict[str, str] = {}
        self.actor_words: dict[str, str] = {}
        self.sites: dict[tuple[str, str], tuple[str, str]] = {}
        self.date_json: dict[DateSpan, str] = {}
        self.actor_json: dict[ActorRef, str] = {}
        self.place_json: dict[str, str] = {}

    def event(self, value: Any, file: str) -> Event | None:
        return quick_event(value, file, self.dates)

    def index(self, event: Event, read: Read) -> tuple[str, str, set[str], bytes]:
        """The event's folded text and sources, its postings' keys, and its record."""
        own = " ".join((event.title, event.summary, event.location or "", *event.tags))
        plain = own.isascii()
        own = " ".join(own.translate(_ASCII_FOLD).split()) if plain else " ".join(
            folded for folded in map(fold, (event.title, event.summary, event.location or "",
                                            *event.tags)) if folded)
        words = [own, self._place_words(event.place) if event.place else ""]
        words += [self._actor_words(ref.id) for ref in event.actors]
        text = " " + " ".join(word for word in words if word) + " "
        sites = [word for source in event.sources for word in self._site_words(source.url,
                                                                             source.publisher)]
        source = " " + " ".join(word for word in sites if word) + " "
        keys = {posting_key("type", event.type), *(posting_key("tag", tag) for tag in event.tags)}
        for ref in event.actors:
            keys.update((posting_key("actor", ref.id), posting_key("role", ref.role),
                         posting_key("actor-role", f"{ref.id}:{ref.role}")))
        if event.place:
            keys.add(posting_key("place", event.place))
        record = self._record(event)
        shape = (plain, record.isascii() and "\x7f" not in record, event.place is None,
                 event.location is None, not event.tags, event.date_note is None,
                 event.note is None, not event.sources,
                 frozenset((s.title is None, s.published is None) for s in event.sources),
                 frozenset((f.qualifier is None, f.note is None, type(f.value))
                           for f in event.figures))
        if not shape[1]:
            record = _RAW_IN_JSON.sub(_escape, record)
        data = record.encode("utf-8", "backslashreplace")
        self.seen += 1
        if shape not in self.shapes or self.seen <= CHECK_FIRST or self.seen % CHECK_EVERY == 0:
            self.shapes.add(shape)
            self._check(event, read, text, source, keys, data)
        return text, source, keys, data

    def _check(self, event: Event, read: Read, text: str, source: str, keys: set[str],
               data: bytes) -> None:
        if event != read():
            raise Drift("parse_event")
        facts = event_facts(event, self.actors, self.places)
        if (text, source) != (facts.texts["text"], facts.texts["source"]) or keys != {
                posting_key(facet, value) for facet in FACETS for value in facts.facets[facet]}:
            raise Drift("event_facts")
        if data != json_bytes(event_record(self.actors, event, self.places)):
            raise Drift("event_record")

    def _place_words(self, place_id: str) -> str:
        if place_id not in self.place_words:
            place = self.places.get(place_id)
            names = (place.name, *place.aliases) if place else ()
            self.place_words[place_id] = " ".join(word for word in map(fold, names) if word)
        return self.place_words[place_id]

    def _actor_words(self, actor_id: str) -> str:
        if actor_id not in self.actor_words:
            actor = self.actors.get(actor_id)
            self.actor_words[actor_id] = fold(_actor_text(actor)) if actor else ""
        return self.actor_words[actor_id]

    def _site_words(self, url: str, publisher: str) -> tuple[str, str]:
        """Folded publisher and host. A URL's host depends on what comes before its path
        alone, so URLs of one site share the work (urlsplit is slow)."""
        site = url
        if url.startswith(("https://", "http://")):
            ends = [at for at in map(url.find, "/?#", (8, 8, 8)) if at >= 0]
            site = url[:min(ends)] if ends else url
        key = (site, publisher)
        if key not in self.sites:
            publisher_words, host_words = map(fold, _source_words(site, publisher))
            self.sites[key] = publisher_words, host_words
        return self.sites[key]

    def _record(self, event: Event) -> str:
        """json.dumps(event_record(…), ensure_ascii=False), put together from its parts."""
        text, day = encode_basestring, event.date
        if day not in self.date_json:
            self.date_json[day] = _ENCODE({
                "date": day.text, "start": day.start.isoformat(), "end": day.last.isoformat(),
                "precision": day.precision, "approximate": day.approximate})[1:-1]
        actors = []
        for ref in event.actors:
            if ref not in self.actor_json:
                self.actor_json[ref] = _ENCODE({"id": ref.id, "name": self.actors[ref.id].name,
                                                "role": ref.role})
            actors.append(self.actor_json[ref])
        place = self.places.get(event.place) if event.place else None
        if place is not None and place.id not in self.place_json:
            self.place_json[place.id] = _ENCODE(place_ref(place))
        figures = [f'{{"label": {text(f.label)}, "value": {_number(f.value)}, "qualifier": '
                   f'{_maybe(f.qualifier)}, "claimed_by": {text(f.claimed_by)}, "source_url": '
                   f'{text(f.source_url)}, "note": {_maybe(f.note)}}}' for f in event.figures]
        sources = [f'{{"url": {text(s.url)}, "publisher": {text(s.publisher)}, "title": '
                   f'{_maybe(s.title)}, "published": {_maybe(s.published)}}}'
                   for s in event.sources]
        location = (f'{{"name": {text(event.location)}, "place": {_maybe(event.place)}}}'
                    if event.location else "null")
        return (f'{{"id": {text(event.id)}, {self.date_json[day]}, "title": {text(event.title)}, '
                f'"summary": {text(event.summary)}, "type": {text(event.type)}, "actors": '
                f'[{", ".join(actors)}], "location": {location}, "place": '
                f'{self.place_json[place.id] if place else "null"}, "figures": '
                f'[{", ".join(figures)}], '
                f'"sources": [{", ".join(sources)}], "tags": [{", ".join(map(text, event.tags))}], '
                f'"date_note": {_maybe(event.date_note)}, "note": {_maybe(event.note)}, "url": '
                f'{text(event.sources[0].url) if event.sources else "null"}}}')


def _maybe(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


def _number(value: float) -> str:
    return repr(value) if type(value) in (int, float) else _ENCODE(value)
