"""GeoJSON export, validated against an RFC 7946 JSON Schema, coordinates in [lon, lat] order."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from export_support import TESTS, Record, context, real_records, render
from hostile_records import hostile_records
from idlib_cli.exports import geojson
from idlib_cli.exports.common import coordinates

SCHEMA = json.loads((TESTS / "geojson-feature-collection.schema.json").read_text("utf-8"))


def _export(records: list[Record]) -> tuple[dict[str, Any], list[str]]:
    warnings: list[str] = []
    text = render(geojson, records, context(warn=warnings.append))
    collection: dict[str, Any] = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate(collection, SCHEMA, cls=jsonschema.Draft202012Validator)
    return collection, warnings


def test_the_schema_rejects_what_rfc_7946_forbids() -> None:
    bad = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [1]}}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA, cls=jsonschema.Draft202012Validator)


def test_real_events_with_coordinates_become_points_lon_first() -> None:
    records = real_records()
    collection, warnings = _export(records)
    placed = [r for r in records if coordinates(r)]
    assert placed, "the fixture should place some events"
    assert [f["id"] for f in collection["features"]] == [r["id"] for r in placed]
    for feature, record in zip(collection["features"], placed, strict=True):
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert (lon, lat) == (record["place"]["lon"], record["place"]["lat"])
    unplaced = len(records) - len(placed)
    assert len(warnings) == 1 and str(unplaced) in warnings[0]


def test_idlib_points_are_in_syria_so_the_order_is_not_swapped() -> None:
    collection, _ = _export(real_records())
    idlib = [f for f in collection["features"] if f["properties"]["place_id"] == "idlib"]
    assert idlib
    lon, lat = idlib[0]["geometry"]["coordinates"]
    assert 36 < lon < 37 and 35.5 < lat < 36.5


def test_properties_carry_dates_type_title_actors_url_and_place() -> None:
    records = [r for r in real_records() if coordinates(r)]
    collection, _ = _export(records)
    for feature, record in zip(collection["features"], records, strict=True):
        props = feature["properties"]
        for key in ("id", "date", "start", "end", "precision", "type", "title", "url"):
            assert props[key] == record[key]
        assert props["actors"] == [a["name"] for a in record["actors"]]
        assert props["place_name"] == record["place"]["name"]
        assert props["place_kind"] == record["place"]["kind"]
        assert props["date_label"]


def test_events_without_usable_coordinates_are_counted_not_dropped_silently() -> None:
    records = hostile_records()
    collection, warnings = _export(records)
    assert len(collection["features"]) == len(records) - 2
    assert warnings == ["geojson: 2 events left out of the map (1 without a place and 1 whose "
                        "place has no usable coordinates)"]


def test_out_of_range_or_missing_coordinates_never_reach_the_file() -> None:
    base = real_records()[0]
    bad = [{**base, "id": f"bad-{i}", "place": {"id": "x", "name": "X", "kind": "town",
                                               "lat": lat, "lon": lon}}
           for i, (lat, lon) in enumerate(((91, 0), (0, -181), (None, 1), (float("nan"), 1)))]
    collection, warnings = _export(bad)
    assert collection["features"] == []
    assert "4 events" in warnings[0]


def test_nothing_to_warn_about_when_every_event_is_placed() -> None:
    records = [r for r in real_records() if coordinates(r)][:5]
    _, warnings = _export(records)
    assert warnings == []


def test_hostile_text_is_lossless_json() -> None:
    records = hostile_records()
    collection, _ = _export(records)
    titles = [f["properties"]["title"] for f in collection["features"]]
    assert titles[0] == records[0]["title"]
    assert "\udc80" in titles[6]  # lone surrogates survive as \\u escapes
