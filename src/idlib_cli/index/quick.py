"""Making what the index stores for an event, quickly: its folded texts, its postings' keys
and its record, as query.event_facts and records.event_record make them, a few times faster
(no path bookkeeping; each definition's folded words and JSON made once per build, each
site's host once; one str.translate for ASCII text, which is what text.fold does to it).

It is checked against the reference functions as a build goes: the first events, one in a
thousand after, and every event of a shape not seen before in the build (which optional
fields it has, ASCII or not) go through both (and through parse.parse_event, for the reading
of stream.quick_event), and any difference raises Drift, upon which the build starts again
with the reference functions alone. So a change to those can make a build slower, never its
content different.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import encode_basestring
from typing import Any

from idlib_cli.index.freshness import posting_key
from idlib_cli.index.stream import quick_event
from idlib_cli.model import Actor, ActorRef, DateSpan, Event, Place
from idlib_cli.query import FACETS, _actor_text, _source_words, event_facts
from idlib_cli.records import _RAW_IN_JSON, _escape, event_record, json_bytes, place_ref
from idlib_cli.text import fold

CHECK_FIRST = 200  # events checked against the reference functions at the start of a build
CHECK_EVERY = 1000  # and then one in this many (besides each new shape)
_ASCII_FOLD = str.maketrans({chr(code): chr(code).lower() if chr(code).isalnum() else " "
                             for code in range(128)})
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # what json.dumps(…, ensure_ascii=False) is
Read = Callable[[], Event]  # an event read by parse_event: the reference for a quick one


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
        self.actor_keys: dict[ActorRef, tuple[str, str, str]] = {}
        self.place_json: dict[str, str] = {}

    def event(self, value: Any, file: str) -> Event | None:
        return quick_event(value, file, self.dates)

    def index(self, event: Event, read: Read) -> tuple[str, str, set[str], bytes]:
        """The event's folded text and sources, its postings' keys, and its record."""
        own = " ".join((event.title, event.summary, event.location or "", *event.tags))
        plain = own.isascii()
        own = " ".join(own.translate(_ASCII_FOLD).split()) if plain else " ".join(filter(
            None, map(fold, (event.title, event.summary, event.location or "", *event.tags))))
        words = [own, self._place_words(event.place) if event.place else ""]
        words += [self._actor_words(ref.id) for ref in event.actors]
        text = " " + " ".join(filter(None, words)) + " "  # haystack() leaves out empty parts
        sites = [word for source in event.sources for word in self._site_words(source.url,
                                                                             source.publisher)]
        source = " " + " ".join(filter(None, sites)) + " "
        keys = {posting_key("type", event.type), *(posting_key("tag", tag) for tag in event.tags)}
        for ref in event.actors:
            if ref not in self.actor_keys:
                self.actor_keys[ref] = (posting_key("actor", ref.id), posting_key("role", ref.role),
                                        posting_key("actor-role", f"{ref.id}:{ref.role}"))
            keys.update(self.actor_keys[ref])
        if event.place:
            keys.add(posting_key("place", event.place))
        record = self._record(event)
        inert = record.isascii() and "\x7f" not in record
        if not inert:
            record = _RAW_IN_JSON.sub(_escape, record)
        parts = 0  # which kinds of source and figure the event has
        for cited in event.sources:
            parts |= (1 if cited.title is None else 2) | (4 if cited.published is None else 8)
        for claim in event.figures:
            parts |= (16 if claim.qualifier is None else 32) | (64 if claim.note is None else 128)
            parts |= 256 if type(claim.value) is int else 512
        shape = (plain, inert, parts, event.place is None, event.location is None,
                 not event.tags, event.date_note is None, event.note is None, not event.sources)
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
