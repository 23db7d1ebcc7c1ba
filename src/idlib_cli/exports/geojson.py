"""GeoJSON (RFC 7946): a FeatureCollection with one Point per event whose place has coordinates.

QGIS, geojson.io and most web maps read it as is. Properties are flat where they can be (QGIS
turns nested objects into strings), and the place's kind says how precise the point is: a town
is a point, a governorate's point is only its centre. Events without usable coordinates are
counted through `context.warn`, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TextIO

from idlib_cli.exports.common import (
    Record,
    coordinates,
    date_label,
    fuzziness,
    is_http_url,
    json_text,
)
from idlib_cli.exports.context import ExportContext


def _properties(record: Record) -> Record:
    place = record.get("place") or {}
    return {
        "id": record.get("id"),
        "date": record.get("date"),
        "date_label": date_label(record),
        "start": record.get("start"),
        "end": record.get("end"),
        "precision": record.get("precision"),
        "approximate": bool(record.get("approximate")),
        "date_fuzziness": fuzziness(record),
        "type": record.get("type"),
        "title": record.get("title"),
        "actors": [actor.get("name") for actor in record.get("actors") or ()],
        "actor_ids": [actor.get("id") for actor in record.get("actors") or ()],
        "url": record.get("url") if is_http_url(record.get("url")) else None,
        "place_id": place.get("id"),
        "place_name": place.get("name"),
        "place_kind": place.get("kind"),
    }


def feature(record: Record, lon: float, lat: float) -> Record:
    """One event as a Feature; coordinates are [longitude, latitude] (RFC 7946 §3.1.1)."""
    return {"type": "Feature", "id": record.get("id"),
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": _properties(record)}


def _unplaced_message(without_place: int, without_coordinates: int) -> str:
    parts = []
    if without_place:
        parts.append(f"{without_place} without a place")
    if without_coordinates:
        parts.append(f"{without_coordinates} whose place has no usable coordinates")
    total = without_place + without_coordinates
    noun = "event" if total == 1 else "events"
    return f"geojson: {total} {noun} left out of the map ({' and '.join(parts)})"


def write(records: Sequence[dict[str, Any]], stream: TextIO, context: ExportContext) -> None:
    features: list[Record] = []
    without_place = without_coordinates = 0
    for record in records:
        point = coordinates(record)
        if point is not None:
            features.append(feature(record, *point))
        elif isinstance(record.get("place"), dict):
            without_coordinates += 1
        else:
            without_place += 1
    if without_place or without_coordinates:
        context.warn(_unplaced_message(without_place, without_coordinates))
    # "name" is a foreign member (RFC 7946 §6.1) that QGIS and geojson.io show as the layer name.
    collection = {"type": "FeatureCollection", "name": context.title, "features": features}
    stream.write(json_text(collection, indent=2) + "\n")
