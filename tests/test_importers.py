"""The ACLED and UCDP GED importers: rows -> actors, places and events; merging into a store.

The CSVs here are written in the tests from the codebooks' column lists; the rows are invented,
nothing of either dataset is used.
"""

from __future__ import annotations

import csv
import io
import runpy
import tracemalloc
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from idlib_cli.dates import parse_edtf
from idlib_cli.importers import (
    Item,
    KnownPlaces,
    RowError,
    acled,
    dataset_key,
    distance_km,
    merge_into,
    ucdp,
)
from idlib_cli.model import ACTOR_KINDS, ACTOR_ROLES, EVENT_TYPES, PLACE_KINDS
from idlib_cli.text import name_key

# The columns as the codebooks list them (ACLED: acledR's acled_codebook; UCDP GED: its codebook).
ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp"]
UCDP_COLUMNS = [
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name",
    "side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b",
    "number_of_sources", "source_article", "source_office", "source_date", "source_headline",
    "source_original", "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2",
    "latitude", "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region",
    "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b",
    "deaths_civilians", "deaths_unknown", "best", "high", "low"]

ACLED_STRIKE = dict(zip(ACLED_COLUMNS, [
    "SYR1001", "2020-02-27", "2020", "1", "Political violence", "Explosions/Remote violence",
    "Air/drone strike", "Military Forces of Syria (2000-)",
    "Military Forces of Russia (2000-); Air Force Unit (Invented)", "1",
    "Military Forces of Turkey (2016-)", "", "8", "18", "", "760", "Middle East", "Syria",
    "Idleb", "Idleb", "Saraqab", "Invented Village", "35.8600", "36.8000", "1",
    "Invented Wire; Invented Monitor", "National-International",
    'On 27 February 2020, an air strike hit a position, "several" killed.', "33", "",
    "1600000000"], strict=True))
ACLED_WEEK = ACLED_STRIKE | {
    "event_id_cnty": "SYR1002", "event_date": "10 March 2020", "time_precision": "2",
    "event_type": "Violence against civilians", "sub_event_type": "Attack",
    "actor1": "Unidentified Armed Group (Syria)", "assoc_actor_1": "", "inter1": "3",
    "actor2": "Civilians (Syria)", "assoc_actor_2": "Health Workers (Syria)", "inter2": "7",
    "interaction": "37", "civilian_targeting": "Civilian targeting",
    "location": "Other Village", "latitude": "36.1000", "longitude": "36.5000",
    "geo_precision": "2", "fatalities": "2", "tags": "women targeted: girls",
}
ACLED_MONTH = ACLED_STRIKE | {
    "event_id_cnty": "SYR1003", "event_date": "15-04-2020", "time_precision": "3",
    "disorder_type": "Demonstrations", "event_type": "Protests",
    "sub_event_type": "Peaceful protest", "actor1": "Protesters (Syria)", "assoc_actor_1": "",
    "inter1": "6", "actor2": "", "inter2": "", "interaction": "60", "location": "Idleb",
    "latitude": "35.9300", "longitude": "36.6300", "geo_precision": "3", "fatalities": "0",
    "notes": "", "source": "", "timestamp": "",
}

UCDP_ROW = dict(zip(UCDP_COLUMNS, [
    "300001", "SYR-2020-1-100-1", "2020", "1", "Clear", "1", "299", "299", "Syria: Government",
    "100", "100", "Government of Syria - Invented Insurgents", "120", "120",
    "Government of Syria", "900", "900", "Invented Insurgents", "2",
    "Invented Wire 2020-02-28 'Fighting near town'", "Invented Wire", "2020-02-28",
    "Fighting near town", "local monitor", "1", "Invented town", "near a road",
    "Idlib governorate", "Idlib district", "35.8601", "36.8001", "POINT (36.8001 35.8601)",
    "185234", "Syria", "652", "Middle East", "1", "1", "2020-02-27 00:00:00.000",
    "2020-02-27 00:00:00.000", "10", "20", "3", "1", "34", "40", "30"], strict=True))


def csv_lines(columns: Sequence[str], rows: Sequence[dict[str, str]]) -> list[str]:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().splitlines(keepends=True)


def convert(module: ModuleType, rows: Sequence[dict[str, str]], *, skip_bad: bool = False,
            known_actors: Mapping[str, str] | None = None,
            known_places: KnownPlaces = ()) -> list[Item]:
    columns = ACLED_COLUMNS if module is acled else UCDP_COLUMNS
    return list(module.convert(csv_lines(columns, rows), known_actors=known_actors or {},
                               known_places=known_places, skip_bad=skip_bad))


def events(items: Sequence[Item]) -> list[dict[str, Any]]:
    return [item.record for item in items if item.kind == "event"]


def defined(items: Sequence[Item], kind: str) -> dict[str, dict[str, Any]]:
    return {item.record["id"]: item.record for item in items if item.kind == kind}


def assert_store_shaped(items: Sequence[Item]) -> None:
    """What `idlib validate` asks of each record, checked without the (moving) core."""
    places, actors = defined(items, "place"), defined(items, "actor")
    for event in events(items):
        span = parse_edtf(event["date"])
        assert event["id"].startswith(str(span.start.year))
        assert event["type"] in EVENT_TYPES and event["summary"] and event["title"]
        assert {ref["role"] for ref in event["actors"]} <= ACTOR_ROLES
        urls = {source["url"] for source in event["sources"]}
        assert all(figure["source_url"] in urls for figure in event["figures"])
        assert event["location"]["place"]
    assert all(actor["kind"] in ACTOR_KINDS for actor in actors.values())
    assert all(place["kind"] in PLACE_KINDS for place in places.values())


# --- ACLED ------------------------------------------------------------------------------------


def test_acled_rows_round_trip_into_events_actors_and_places() -> None:
    items = convert(acled, [ACLED_STRIKE, ACLED_WEEK, ACLED_MONTH])
    assert_store_shaped(items)
    strike, week, month = events(items)
    assert strike == {
        "id": "2020-acled-syr1001",
        "date": "2020-02-27",
        "title": "Air/drone strike in Invented Village",
        "summary": "ACLED's notes (the dataset's words): \"On 27 February 2020, an air strike "
                   "hit a position, \"several\" killed.\" ACLED's sources: Invented Wire; "
                   "Invented Monitor (source scale: National-International).",
        "type": "airstrike",
        "actors": [{"id": "acled-military-forces-of-syria-2000", "role": "belligerent"},
                   {"id": "acled-military-forces-of-russia-2000", "role": "belligerent"},
                   {"id": "acled-air-force-unit-invented", "role": "belligerent"},
                   {"id": "acled-military-forces-of-turkey-2016", "role": "belligerent"}],
        "location": {"name": "Invented Village, Saraqab, Idleb, Syria",
                     "place": "acled-invented-village"},
        "figures": [{"label": "Fatalities", "value": 33, "claimed_by": "ACLED",
                     "source_url": acled.DATASET_URL,
                     "note": "ACLED's 'number or estimate of fatalities' for the event."}],
        "sources": [{"url": acled.DATASET_URL, "publisher": "ACLED",
                     "published": "2020-09-13"}],
        "tags": ["acled", "explosions-remote-violence", "air-drone-strike",
                 "political-violence"],
        "note": "Imported from ACLED: event SYR1001; disorder type Political violence; inter "
                "codes 1/8; interaction 18; time_precision 1; geo_precision 1; region Middle "
                f"East; ISO 760; timestamp 1600000000. Cite as: {acled.CITATION}.",
    }
    assert week["date"] == "2020-03-07~/2020-03-13~" and "week" in week["date_note"]
    assert week["type"] == "attack" and "civilian-targeting" in week["tags"]
    assert {"id": "acled-civilians-syria", "role": "victim"} in week["actors"]
    assert {"id": "acled-health-workers-syria", "role": "victim"} in week["actors"]
    assert "ACLED tags: women targeted: girls" in week["note"]
    assert month["date"] == "2020-04~" and "mid-point (2020-04-15)" in month["date_note"]
    assert month["type"] == "political" and month["actors"] == [
        {"id": "acled-protesters-syria", "role": "participant"}]
    assert month["summary"] == "ACLED records this event without notes."
    assert "published" not in month["sources"][0]


def test_acled_new_actors_and_places_are_defined_once_with_documented_kinds() -> None:
    items = convert(acled, [ACLED_STRIKE, ACLED_WEEK, ACLED_MONTH, ACLED_STRIKE])
    actors = [item.record for item in items if item.kind == "actor"]
    assert {actor["id"].removeprefix("acled-"): actor["kind"] for actor in actors} == {
        "military-forces-of-syria-2000": "state",  # inter code 1
        "military-forces-of-russia-2000": "state", "military-forces-of-turkey-2016": "state",
        "air-force-unit-invented": "armed-group",  # an associate: by its words
        "unidentified-armed-group-syria": "armed-group", "civilians-syria": "civil-society",
        "health-workers-syria": "civil-society", "protesters-syria": "civil-society"}
    assert len(actors) == 8  # each defined once
    places = defined(items, "place")
    assert {pid: p["kind"] for pid, p in places.items()} == {
        "acled-invented-village": "town", "acled-other-village": "town", "acled-idleb": "region"}
    assert places["acled-invented-village"]["lat"] == 35.86
    assert "geo_precision 1" in places["acled-invented-village"]["note"]
    first_event = next(i for i, item in enumerate(items) if item.kind == "event")
    assert {item.kind for item in items[:first_event]} == {"actor", "place"}  # defined first


def test_acled_reads_older_exports_uppercase_columns_and_a_bom() -> None:
    lines = csv_lines([c.upper() for c in ACLED_COLUMNS],
                      [{k.upper(): v for k, v in ACLED_STRIKE.items()}])
    lines[0] = "\ufeff" + lines[0]
    items = list(acled.convert(lines, known_actors={}, known_places=[], skip_bad=False))
    assert events(items)[0]["id"] == "2020-acled-syr1001"


@pytest.mark.parametrize("text", ["2020-02-27", "27-02-2020", "27/02/2020", "27 February 2020",
                                  "27 Feb 2020"])
def test_acled_event_date_formats(text: str) -> None:
    assert events(convert(acled, [ACLED_STRIKE | {"event_date": text}]))[0]["date"] == \
        "2020-02-27"


def test_a_known_actor_alias_is_linked_not_redefined() -> None:
    known = {name_key("Syrian government forces"): "syrian-arab-army",
             name_key("Military Forces of Syria"): "syrian-arab-army",
             name_key("Russian Aerospace Forces"): "russian-armed-forces",
             name_key("military forces of russia (2000-)"): "russian-armed-forces"}
    items = convert(acled, [ACLED_STRIKE], known_actors=known)
    ids = [ref["id"] for ref in events(items)[0]["actors"]]
    assert ids[:2] == ["syrian-arab-army", "russian-armed-forces"]
    assert "syrian-arab-army" not in defined(items, "actor")
    assert "acled-military-forces-of-syria-2000" not in defined(items, "actor")


def test_a_known_place_within_2_km_is_matched_and_a_farther_one_is_not() -> None:
    near = ("near-town", 35.8700, 36.8000)  # 1.1 km north of the row's 35.86, 36.80
    assert 1.0 < distance_km(35.86, 36.80, near[1], near[2]) < 1.2
    items = convert(acled, [ACLED_STRIKE], known_places=[near, ("far", 35.88, 36.80),
                                                        ("no-coordinates", None, None)])
    assert events(items)[0]["location"]["place"] == "near-town"
    assert not defined(items, "place")
    items = convert(acled, [ACLED_STRIKE], known_places=[("far-town", 35.8830, 36.8)])  # 2.6 km
    assert events(items)[0]["location"]["place"] == "acled-invented-village"
    assert events(convert(ucdp, [UCDP_ROW], known_places=[near]))[0]["location"]["place"] == \
        "near-town"


def test_the_same_place_name_far_away_gets_a_qualified_id() -> None:
    elsewhere = ACLED_STRIKE | {"event_id_cnty": "SYR1009", "latitude": "36.5",
                                "admin2": "Harim", "admin3": "Harim"}
    items = convert(acled, [ACLED_STRIKE, elsewhere])
    assert [e["location"]["place"] for e in events(items)] == [
        "acled-invented-village", "acled-invented-village-harim"]


@pytest.mark.parametrize(("module", "change", "message"), [
    (acled, {"event_date": "2020-02-30"}, "event_date '2020-02-30' is not a real date"),
    (acled, {"event_date": "soon"}, "event_date 'soon' is not a date"),
    (acled, {"year": "2019"}, "year '2019' does not match"),
    (acled, {"event_id_cnty": " "}, "event_id_cnty is empty"),
    (acled, {"location": ""}, "location is empty"),
    (acled, {"latitude": "35,86"}, "latitude '35,86' is not a number"),
    (acled, {"longitude": "200"}, "outside"),
    (acled, {"fatalities": "a few"}, "fatalities 'a few' is not a number"),
    (acled, {"fatalities": "-1"}, "not a whole number"),
    (acled, {"time_precision": "4"}, "time_precision '4'"),
    (acled, {"event_type": "Parades"}, "not one of ACLED's six event types"),
    (ucdp, {"date_end": "2020-02-01"}, "before date_start"),
    (ucdp, {"date_start": "27/02/2020"}, "not a date"),
    (ucdp, {"id": ""}, "id is empty"),
    (ucdp, {"best": "many"}, "best 'many' is not a number"),
    (ucdp, {"type_of_violence": "4"}, "type_of_violence '4'"),
    (ucdp, {"where_prec": "9"}, "where_prec '9'"),
    (ucdp, {"deaths_a": "x"}, "deaths_a 'x'"),
])
def test_a_malformed_row_names_its_line(module: ModuleType, change: dict[str, str],
                                        message: str) -> None:
    good = [ACLED_WEEK, ACLED_STRIKE] if module is acled else [UCDP_ROW | {"id": "1"}, UCDP_ROW]
    with pytest.raises(RowError) as raised:
        convert(module, [good[0], good[1] | change, good[1]])
    assert raised.value.line == 3
    assert str(raised.value).startswith("line 3: ") and message in str(raised.value)


def test_line_numbers_count_the_physical_lines_of_quoted_multiline_notes() -> None:
    multiline = ACLED_WEEK | {"notes": "first line\nsecond line\nthird line"}
    with pytest.raises(RowError) as raised:
        convert(acled, [multiline, ACLED_STRIKE | {"latitude": "north"}])
    assert raised.value.line == 5  # header 1, the three-line row 2-4, then 5


def test_a_wrong_header_or_a_short_row_is_reported() -> None:
    def read(lines: list[str]) -> list[Item]:
        return list(acled.convert(lines, known_actors={}, known_places=[], skip_bad=True))

    with pytest.raises(RowError, match=r"line 1: missing column\(s\) event_id_cnty"):
        read(["id,event_date\n"])
    with pytest.raises(RowError, match="line 1: empty file"):
        read([])
    with pytest.raises(RowError, match="line 3: 2 fields where the header has 31"):
        list(acled.convert([*csv_lines(ACLED_COLUMNS, [ACLED_STRIKE]), "a,b\n"],
                           known_actors={}, known_places=[], skip_bad=False))


def test_skip_bad_imports_the_rest_and_counts_what_it_skipped() -> None:
    rows = [ACLED_STRIKE, ACLED_WEEK | {"event_date": "bad"}, ACLED_MONTH,
            ACLED_STRIKE | {"event_id_cnty": "SYR9", "fatalities": "?"}]
    conversion = acled.convert(csv_lines(ACLED_COLUMNS, rows), known_actors={},
                               known_places=[], skip_bad=True)
    assert [e["id"] for e in events(list(conversion))] == ["2020-acled-syr1001",
                                                           "2020-acled-syr1003"]
    assert (conversion.skipped, conversion.bad_lines, conversion.rows) == (2, [3, 5], 4)


def test_a_skipped_row_leaves_no_actor_or_place_undefined() -> None:
    """The bad row is the first to name an actor and a place: the good row after it must
    still bring their definitions."""
    new = {"actor1": "Newcomer Brigade", "location": "New Village", "latitude": "36.2"}
    items = convert(acled, [ACLED_STRIKE | new | {"geo_precision": "9"}, ACLED_STRIKE | new],
                    skip_bad=True)
    assert {"acled-newcomer-brigade", "acled-new-village"} <= \
        defined(items, "actor").keys() | defined(items, "place").keys()
    rows = [UCDP_ROW | {"side_a": "Newcomer Brigade", "where_prec": "0"},
            UCDP_ROW | {"side_a": "Newcomer Brigade"}]
    assert "ucdp-newcomer-brigade" in defined(convert(ucdp, rows, skip_bad=True), "actor")


# --- UCDP GED ---------------------------------------------------------------------------------


def test_ucdp_row_round_trips_with_low_best_high_side_by_side() -> None:
    items = convert(ucdp, [UCDP_ROW])
    assert_store_shaped(items)
    (event,) = events(items)
    assert event["id"] == "2020-ucdp-300001" and event["date"] == "2020-02-27"
    assert event["type"] == "battle" and "date_note" not in event
    assert event["title"] == ("State-based conflict: Government of Syria - Invented Insurgents, "
                              "Invented town")
    assert [(f["label"], f["value"], f["claimed_by"], f["source_url"], f.get("note"))
            for f in event["figures"]] == [
        ("Deaths (UCDP low estimate)", 30, "UCDP GED", ucdp.DATASET_URL, None),
        ("Deaths (UCDP best estimate)", 34, "UCDP GED", ucdp.DATASET_URL,
         "By party: side A 10; side B 20; civilians 3; unknown 1."),
        ("Deaths (UCDP high estimate)", 40, "UCDP GED", ucdp.DATASET_URL, None)]
    assert event["actors"] == [{"id": "ucdp-government-of-syria", "role": "belligerent"},
                               {"id": "ucdp-invented-insurgents", "role": "belligerent"}]
    assert event["sources"] == [{"url": ucdp.DATASET_URL,
                                 "publisher": "Uppsala Conflict Data Program (UCDP)"}]
    assert event["summary"] == (
        "UCDP GED records lethal violence between Government of Syria - Invented Insurgents in "
        "the conflict 'Syria: Government'. Source headline(s) as recorded by UCDP: \"Fighting "
        "near town\". Location as UCDP describes it: near a road.")
    assert event["location"] == {"name": "Invented town, Idlib district, Idlib governorate, "
                                         "Syria", "place": "ucdp-invented-town"}
    assert event["tags"] == ["ucdp-ged", "state-based-conflict"]
    for text in ("relid SYR-2020-1-100-1", "conflict_new_id 299", "dyad_dset_id 100",
                 "side_a_new_id 120", "side_b_dset_id 900", "code_status Clear",
                 "active_year 1", "event_clarity 1", "number_of_sources 2",
                 "source office Invented Wire", "source date 2020-02-28",
                 "source articles: Invented Wire", "source_original: local monitor",
                 "Cite as: UCDP GED; Sundberg and Melander (2013)"):
        assert text in event["note"]
    assert defined(items, "actor")["ucdp-government-of-syria"]["kind"] == "state"
    assert defined(items, "place")["ucdp-invented-town"]["kind"] == "town"


@pytest.mark.parametrize(("start", "end", "precision", "date"), [
    ("2020-02-27", "2020-03-01", "2", "2020-02-27/2020-03-01"),
    ("2020-03-01", "2020-03-31", "4", "2020-03"),
    ("2019-01-01", "2019-12-31", "5", "2019"),
])
def test_ucdp_date_ranges(start: str, end: str, precision: str, date: str) -> None:
    row = UCDP_ROW | {"date_start": start, "date_end": end, "date_prec": precision,
                      "year": start[:4]}
    (event,) = events(convert(ucdp, [row]))
    assert event["date"] == date and f"date_prec {precision}" in event["date_note"]


def test_ucdp_one_sided_violence_has_an_attacker_and_civilian_victims() -> None:
    row = UCDP_ROW | {"type_of_violence": "3", "side_a": "Invented Insurgents",
                      "side_b": "Civilians", "dyad_name": ""}
    items = convert(ucdp, [row])
    (event,) = events(items)
    assert event["type"] == "attack"
    assert event["actors"] == [{"id": "ucdp-invented-insurgents", "role": "attacker"},
                               {"id": "ucdp-civilians", "role": "victim"}]
    assert event["title"].startswith("One-sided violence: Invented Insurgents - Civilians")
    assert defined(items, "actor")["ucdp-civilians"]["kind"] == "civil-society"


# --- merging ----------------------------------------------------------------------------------


def curated_store() -> dict[str, Any]:
    event = {"id": "2020-03-05-moscow-additional-protocol", "date": "2020-03-05", "title": "P",
             "summary": "S", "type": "agreement", "actors": [{"id": "turkey", "role": "host"}],
             "sources": [{"url": "https://example.org/a", "publisher": "Example"}]}
    return {"schema_version": 1, "actors": [{"id": "turkey", "name": "Turkey", "kind": "state"}],
            "events": [event]}


def test_merge_inserts_in_chronological_order_and_keeps_curated_records() -> None:
    document = curated_store()
    summary = merge_into(document, convert(acled, [ACLED_MONTH, ACLED_STRIKE, ACLED_WEEK]))
    assert (summary.added, summary.updated, summary.skipped) == (3, 0, 0)
    assert summary.actors == 8 and summary.places == 3
    assert [e["id"] for e in document["events"]] == [
        "2020-acled-syr1001", "2020-03-05-moscow-additional-protocol", "2020-acled-syr1002",
        "2020-acled-syr1003"]
    assert list(document) == ["schema_version", "actors", "places", "events"]
    assert document["actors"][0]["id"] == "turkey"


def test_reimporting_a_newer_export_updates_in_place_and_never_duplicates() -> None:
    document = curated_store()
    merge_into(document, convert(acled, [ACLED_STRIKE, ACLED_WEEK]))
    newer = [ACLED_STRIKE | {"fatalities": "35", "timestamp": "1700000000"}, ACLED_WEEK,
             ACLED_MONTH]
    summary = merge_into(document, convert(acled, newer))
    assert (summary.added, summary.updated, summary.skipped) == (1, 1, 1)
    assert (summary.actors, summary.places) == (1, 1)  # only the protest's are new
    ids = [e["id"] for e in document["events"]]
    assert len(ids) == len(set(ids)) == 4
    strike = next(e for e in document["events"] if e["id"] == "2020-acled-syr1001")
    assert strike["figures"][0]["value"] == 35
    again = merge_into(document, convert(acled, newer))
    assert (again.added, again.updated, again.skipped) == (0, 0, 3)


def test_an_event_moved_to_another_year_replaces_its_old_self() -> None:
    document: dict[str, Any] = {"schema_version": 1}
    merge_into(document, convert(ucdp, [UCDP_ROW]))
    moved = UCDP_ROW | {"year": "2019", "date_start": "2019-12-30", "date_end": "2019-12-30"}
    summary = merge_into(document, convert(ucdp, [moved]))
    assert (summary.added, summary.updated) == (0, 1)
    assert [e["id"] for e in document["events"]] == ["2019-ucdp-300001"]
    assert dataset_key("2019-ucdp-300001") == dataset_key("2020-ucdp-300001") == "ucdp-300001"
    assert dataset_key("2020-03-05-moscow") == "2020-03-05-moscow"


# --- streaming and the benchmark generator ----------------------------------------------------


def generated_lines(count: int) -> Iterator[str]:
    """A header and `count` ACLED rows, made one at a time: never a list."""
    yield ",".join(ACLED_COLUMNS) + "\n"
    template = csv_lines(ACLED_COLUMNS, [ACLED_STRIKE])[1]
    for index in range(count):
        yield template.replace("SYR1001", f"SYR{index}", 1)


def test_conversion_streams_with_flat_memory() -> None:
    conversion = acled.convert(generated_lines(100_000), known_actors={}, known_places=[],
                               skip_bad=False)
    tracemalloc.start()
    try:
        seen = sum(1 for item in conversion if item.kind == "event")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == 100_000 and conversion.rows == 100_000
    assert peak < 3 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


def test_make_acled_is_deterministic_and_imports_cleanly(tmp_path: Path) -> None:
    main = runpy.run_path(str(Path(__file__).parents[1] / "benchmarks" / "make_acled.py"))["main"]
    first, second, newer = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    assert main(["300", str(first)]) == main(["300", str(second)]) == 0
    main(["330", str(newer), "--revision", "1"])
    assert first.read_bytes() == second.read_bytes()
    with first.open(newline="") as handle:
        assert next(csv.reader(handle)) == ACLED_COLUMNS
    document: dict[str, Any] = {"schema_version": 1}
    with first.open(newline="") as handle:
        items = list(acled.convert(handle, known_actors={}, known_places=[], skip_bad=False))
    assert_store_shaped(items)
    assert merge_into(document, items).added == 300
    with newer.open(newline="") as handle:
        summary = merge_into(document, acled.convert(handle, known_actors={}, known_places=[],
                                                     skip_bad=False))
    assert summary.added == 30 and 10 < summary.updated < 60
    assert summary.added + summary.updated + summary.skipped == 330
    assert len({e["id"] for e in document["events"]}) == len(document["events"]) == 330
