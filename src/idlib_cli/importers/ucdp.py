"""UCDP GED's CSV export -> idlib actors, places and events (see the package docstring).

Read from these pages (publisher, title, address as the search tool gave them):

- mapme.biodiversity, "fatalities_ucpd: Calculate number of fatalities of violent conflict
  from UCDP GED", https://rdrr.io/cran/mapme.biodiversity/man/fatalities_ucpd.html — the GED
  codebook's precision codes and violence types: where_prec 1 = the exact location, 2 = a
  limited area around a location, 3 = a second-order division (ADM2; its centroid),
  4 = a first-order division (ADM1; its centroid), 5 = parts of a country larger than ADM1, a
  point between two locations, or a vaguely given location, 6 = the whole country (its
  centroid), 7 = water or international airspace; date_prec 1 = the exact date, 2 = more than
  one day but no more than six, 3 = a week, 4 = a month, 5 = a year; type_of_violence
  1 = state-based conflict, 2 = non-state conflict, 3 = one-sided violence; the dataset's
  reference, Sundberg and Melander (2013), Journal of Peace Research 50(4): 523-532.
- Tony Liu et al., "Chapter 2 Data sources" (World Conflict Data),
  https://tonyytliu.github.io/world_conflict_data/data-sources.html — id, date_start ("the
  earliest possible date"), date_end ("the last possible date"), year; and the dataset's page,
  https://ucdp.uu.se/downloads/index.html#ged_global, cited by every event as `DATASET_URL`
  (publisher UCDP, no title: we read none; the note ends with the citation).
- Université de Lille, "[UCDP] Georeferenced Event Dataset (GED) (v. 22.1)",
  https://cdc.univ-lille.fr/ucdp-georeferenced-event-dataset-ged-v-22-1 — an event is an
  incident of lethal organised violence at a given time and place; the day is the finest
  resolution.
- uncertainUCDP, "UCDP Georeferenced Event Dataset (GED) sample",
  https://search.r-project.org/CRAN/refmans/uncertainUCDP/html/ucdpged.html — 49 columns; the
  data come from https://ucdp.uu.se/downloads/.

Dates: date_start..date_end, both inclusive: one day, a whole calendar month (`2019-05`), a
whole year, or else an interval `start/end`; date_prec 2-5 is explained in date_note. No `~`:
the two ends are the earliest and latest possible days. Dates are YYYY-MM-DD (a time part, as
spreadsheets add, is ignored) and must agree with `year` when that column is filled.

Types (`VIOLENCE`): state-based conflict -> battle; non-state conflict -> clash; one-sided
violence -> attack. Roles: both sides `belligerent`, except one-sided violence, where side A is
the `attacker` and side B (the civilians) the `victim`. Kind of a new actor: `state` for
"Government of …", `civil-society` for "Civilians", `armed-group` otherwise. Figures: low, best
and high estimates of deaths as three figures side by side, claimed by "UCDP GED"; the best
estimate's note gives its split (deaths_a, deaths_b, deaths_civilians, deaths_unknown). Places:
named by where_coordinates, kind by where_prec (`PLACE_KINDS`). Not used: geom_wkt,
priogrid_gid and country_id (they repeat the coordinates and country in other codings).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date
from functools import partial

from idlib_cli.importers import (
    BadValue,
    Item,
    Linker,
    Record,
    converter,
    coordinates,
    count,
    details,
    iso_day,
    joined,
    key_slug,
    required,
    slug,
)

DATASET_URL = "https://ucdp.uu.se/downloads/index.html#ged_global"
PUBLISHER = "Uppsala Conflict Data Program (UCDP)"
CLAIMED_BY = "UCDP GED"
CITATION = ("Sundberg and Melander (2013), 'Introducing the UCDP Georeferenced Event Dataset', "
            "Journal of Peace Research 50(4): 523-532")
ACTOR_NOTE = "Actor as named in UCDP GED, defined by the UCDP import."

COLUMNS = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name",
    "side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b",
    "number_of_sources", "source_article", "source_office", "source_date", "source_headline",
    "source_original", "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2",
    "latitude", "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region",
    "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b",
    "deaths_civilians", "deaths_unknown", "best", "high", "low",
)
REQUIRED = ("id", "type_of_violence", "side_a", "side_b", "date_start", "date_end", "latitude",
            "longitude", "best", "high", "low")

VIOLENCE = {"1": ("State-based conflict", "battle"), "2": ("Non-state conflict", "clash"),
            "3": ("One-sided violence", "attack")}
DATE_MEANINGS = {"2": "more than one day but no more than six", "3": "a week",
                 "4": "a month", "5": "a year"}
PLACE_KINDS = {"1": "town", "2": "town", "3": "district", "4": "governorate", "5": "region",
               "6": "country", "7": "region"}
PLACE_MEANINGS = {
    "1": "the exact location", "2": "a limited area around the location",
    "3": "the centroid of a second-order division (ADM2)",
    "4": "the centroid of a first-order division (ADM1)",
    "5": "a representative point in a larger or vaguely given area",
    "6": "the centroid of the country", "7": "a point at sea or in international airspace",
}
ESTIMATES = (("low", "Deaths (UCDP low estimate)"), ("best", "Deaths (UCDP best estimate)"),
             ("high", "Deaths (UCDP high estimate)"))


def convert_row(row: Mapping[str, str], linker: Linker) -> list[Item]:
    """One CSV row -> the new actors and place it needs, then its event (every field is
    checked before the linker records anything: see importers.converter)."""
    key = key_slug(required(row, "id"))
    violence, event_type = violence_type(row)
    start, end = dates(row)
    date_text = edtf(start, end)
    lat, lon = coordinates(row)
    precision = where_prec(row)
    sides = required(row, "side_a"), required(row, "side_b")
    figures = estimates(row)
    items: list[Item] = []
    actors = actor_refs(sides, row["type_of_violence"].strip() == "3", linker, items)
    place_id, place_name = place(row, lat, lon, precision, linker, items)
    dyad = row.get("dyad_name", "").strip() or f"{row['side_a'].strip()} - {row['side_b'].strip()}"
    precision = row.get("date_prec", "").strip()
    event: Record = {
        "id": f"{start.year}-ucdp-{key}",
        "date": date_text,
        **({"date_note": f"UCDP GED date_prec {precision}: its sources give "
                         f"{DATE_MEANINGS[precision]}, between the earliest and latest possible "
                         "days shown."} if precision in DATE_MEANINGS else {}),
        "title": f"{violence}: {dyad}, {place_name}",
        "summary": summary(row, dyad),
        "type": event_type,
        "actors": actors,
        "location": {"name": location_name(row), "place": place_id},
        "figures": figures,
        "sources": [{"url": DATASET_URL, "publisher": PUBLISHER}],
        "tags": ["ucdp-ged", slug(violence)],
        "note": note(row),
    }
    items.append(Item("event", event))
    return items


def violence_type(row: Mapping[str, str]) -> tuple[str, str]:
    code = required(row, "type_of_violence")
    if code not in VIOLENCE:
        raise BadValue(f"type_of_violence {code!r} is not 1, 2 or 3")
    return VIOLENCE[code]


def dates(row: Mapping[str, str]) -> tuple[date, date]:
    start = iso_day(required(row, "date_start"), "date_start")
    end = iso_day(required(row, "date_end"), "date_end")
    if end < start:
        raise BadValue(f"date_end {row['date_end']!r} is before date_start {row['date_start']!r}")
    year = row.get("year", "").strip()
    if year and year != str(start.year):
        raise BadValue(f"year {year!r} does not match date_start {row['date_start']!r}")
    precision = row.get("date_prec", "").strip()
    if precision and precision not in ("1", *DATE_MEANINGS):
        raise BadValue(f"date_prec {precision!r} is not 1 to 5")
    return start, end


def edtf(start: date, end: date) -> str:
    """Both days inclusive -> a day, a whole month, a whole year, or an interval."""
    if start == end:
        return start.isoformat()
    month_end = date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
    if start.day == 1 and end == month_end:
        return f"{start:%Y-%m}"
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return str(start.year)
    return f"{start.isoformat()}/{end.isoformat()}"


def estimates(row: Mapping[str, str]) -> list[Record]:
    """low, best, high as three claims; the split of the best estimate in its note."""
    values = {column: count(required(row, column), column) for column, _ in ESTIMATES}
    split = details((label, str(count(row[column], column)) if row.get(column, "").strip()
                     else "") for label, column in (
        ("side A", "deaths_a"), ("side B", "deaths_b"), ("civilians", "deaths_civilians"),
        ("unknown", "deaths_unknown")))
    figures: list[Record] = []
    for column, label in ESTIMATES:
        figure: Record = {"label": label, "value": values[column], "claimed_by": CLAIMED_BY,
                          "source_url": DATASET_URL}
        if column == "best" and split:
            figure["note"] = f"By party: {split}."
        figures.append(figure)
    return figures


def actor_refs(sides: tuple[str, str], one_sided: bool, linker: Linker,
               items: list[Item]) -> list[Record]:
    refs: list[Record] = []
    for name, role in ((sides[0], "attacker" if one_sided else "belligerent"),
                       (sides[1], "victim" if one_sided else "belligerent")):
        actor_id, new = linker.actor(name, partial(actor_kind, name), ACTOR_NOTE)
        if new:
            items.append(new)
        if all(ref["id"] != actor_id for ref in refs):
            refs.append({"id": actor_id, "role": role})
    return refs


def actor_kind(name: str) -> str:
    if name.casefold().startswith("government of"):
        return "state"
    return "civil-society" if name.casefold() == "civilians" else "armed-group"


def where_prec(row: Mapping[str, str]) -> str:
    precision = row.get("where_prec", "").strip() or "1"
    if precision not in PLACE_KINDS:
        raise BadValue(f"where_prec {precision!r} is not 1 to 7")
    return precision


def place(row: Mapping[str, str], lat: float, lon: float, precision: str, linker: Linker,
          items: list[Item]) -> tuple[str, str]:
    names = [row.get(column, "") for column in ("where_coordinates", "adm_2", "adm_1", "country")]
    name = next((n.strip() for n in names if n.strip()), f"{lat:.4f}, {lon:.4f}")

    def define(place_id: str) -> Record:
        return {"id": place_id, "name": name, "kind": PLACE_KINDS[precision],
                "lat": lat, "lon": lon,
                "sources": [{"url": DATASET_URL, "publisher": PUBLISHER}],
                "note": f"Coordinates from UCDP GED (where_prec {precision}: "
                        f"{PLACE_MEANINGS[precision]}); {location_name(row)}."}

    place_id, new = linker.place([name, *names[1:]], lat, lon, define)
    if new:
        items.append(new)
    return place_id, name


def location_name(row: Mapping[str, str]) -> str:
    return joined(row.get(column, "") for column in
                  ("where_coordinates", "adm_2", "adm_1", "country"))


def summary(row: Mapping[str, str], dyad: str) -> str:
    conflict = row.get("conflict_name", "").strip()
    text = f"UCDP GED records lethal violence between {dyad}" + \
        (f" in the conflict '{conflict}'." if conflict else ".")
    headline, where = row.get("source_headline", "").strip(), \
        row.get("where_description", "").strip()
    if headline:
        text += f" Source headline(s) as recorded by UCDP: \"{headline}\""
        text += "" if headline.endswith((".", '"')) else "."
    if where:
        text += f" Location as UCDP describes it: {where}."
    return text


def note(row: Mapping[str, str]) -> str:
    return "Imported from UCDP GED: " + details((
        ("event", row.get("id", "")), ("relid", row.get("relid", "")),
        ("conflict", row.get("conflict_name", "")),
        ("conflict_new_id", row.get("conflict_new_id", "")),
        ("conflict_dset_id", row.get("conflict_dset_id", "")),
        ("dyad_new_id", row.get("dyad_new_id", "")),
        ("dyad_dset_id", row.get("dyad_dset_id", "")),
        ("side_a_new_id", row.get("side_a_new_id", "")),
        ("side_a_dset_id", row.get("side_a_dset_id", "")),
        ("side_b_new_id", row.get("side_b_new_id", "")),
        ("side_b_dset_id", row.get("side_b_dset_id", "")),
        ("code_status", row.get("code_status", "")), ("active_year", row.get("active_year", "")),
        ("event_clarity", row.get("event_clarity", "")),
        ("date_prec", row.get("date_prec", "")), ("where_prec", row.get("where_prec", "")),
        ("region", row.get("region", "")),
        ("number_of_sources", row.get("number_of_sources", "")),
        ("source office", row.get("source_office", "")),
        ("source date", row.get("source_date", "")),
        ("source articles:", row.get("source_article", "")),
        ("source_original:", row.get("source_original", "")),
    )) + f". Cite as: UCDP GED; {CITATION}."


convert = converter("ucdp", REQUIRED, convert_row)
"""Stream a UCDP GED CSV export into idlib items (see the module docstring)."""
