"""The JSON shapes of events and actors: the tool's stable, documented interface.

Both engines (the in-memory one and the SQLite index) build their output from these functions,
so the two can never disagree on a field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from idlib_cli.model import Activity, Actor, DateSpan, Era, Event, Place, Source

Record = dict[str, Any]

# C1 controls, DEL and bidirectional overrides/isolates: JSON leaves them raw, and a terminal
# would obey them. They are written as \\u escapes, which parse back to the same text.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def inert_json(value: Any, *, ascii_only: bool = False, indent: int | None = None) -> str:
    """Compact (or indented) JSON that is safe to print: lossless, and never obeyed."""
    return _RAW_IN_JSON.sub(_escape, json.dumps(value, ensure_ascii=ascii_only, indent=indent))


def json_bytes(record: Record) -> bytes:
    """A record as `--json` prints it, encoded. A lone surrogate (legal in JSON text, not in
    UTF-8) is written as its \\u escape, which reads back as the same string."""
    return inert_json(record).encode("utf-8", "backslashreplace")


def event_record(actors: Mapping[str, Actor], event: Event,
                 places: Mapping[str, Place] | None = None) -> Record:
    """One event as the documented JSON object."""
    place = (places or {}).get(event.place) if event.place else None
    return {
        "id": event.id,
        "date": event.date.text,
        "start": event.date.start.isoformat(),
        "end": event.date.last.isoformat(),
        "precision": event.date.precision,
        "approximate": event.date.approximate,
        "title": event.title,
        "summary": event.summary,
        "type": event.type,
        "actors": [{"id": ref.id, "name": actors[ref.id].name, "role": ref.role}
                   for ref in event.actors],
        "location": {"name": event.location, "place": event.place} if event.location else None,
        "place": place_ref(place) if place else None,
        "figures": [{"label": f.label, "value": f.value, "qualifier": f.qualifier,
                     "claimed_by": f.claimed_by, "source_url": f.source_url, "note": f.note}
                    for f in event.figures],
        "sources": [{"url": s.url, "publisher": s.publisher, "title": s.title,
                     "published": s.published} for s in event.sources],
        "tags": list(event.tags),
        "date_note": event.date_note,
        "note": event.note,
        "url": event.sources[0].url if event.sources else None,
    }


def actor_record(actor: Actor, activity: Activity) -> Record:
    return {
        "id": actor.id,
        "name": actor.name,
        "kind": actor.kind,
        "aliases": list(actor.aliases),
        "parent": actor.parent,
        "successor_of": list(actor.successor_of),
        "events": activity.events,
        "first": activity.first.isoformat() if activity.first else None,
        "last": activity.last.isoformat() if activity.last else None,
        "note": actor.note,
    }


def place_ref(place: Place) -> Record:
    """A place as events carry it: enough to map and to look it up."""
    return {"id": place.id, "name": place.name, "kind": place.kind, "within": place.within,
            "lat": place.lat, "lon": place.lon}


def place_record(place: Place, events: int) -> Record:
    return {
        **place_ref(place),
        "aliases": list(place.aliases),
        "events": events,
        "sources": [{"url": s.url, "publisher": s.publisher, "title": s.title,
                     "published": s.published} for s in place.sources],
        "note": place.note,
    }


def era_record(era: Era) -> Record:
    return {
        "id": era.id,
        "name": era.name,
        "start": era.date.start.isoformat(),
        "end": era.date.last.isoformat(),
        "description": era.description,
        "sources": [{"url": s.url, "publisher": s.publisher, "title": s.title,
                     "published": s.published} for s in era.sources],
    }


def event_fields() -> tuple[str, ...]:
    """The event record's keys, read off a record: a field added to `event_record` is at once
    a field that --fields, CSV and the table know."""
    from datetime import date

    sample = Event("x", DateSpan("2020", date(2020, 1, 1), date(2021, 1, 1), "year"), "t", "s",
                   "talks", (), (Source("https://example.org", "p"),))
    return tuple(event_record({}, sample))
