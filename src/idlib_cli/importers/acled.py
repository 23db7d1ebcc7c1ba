"""ACLED's CSV export -> idlib actors, places and events (see the package docstring).

Read from these pages (publisher, title, address as the search tool gave them):

- ACLED (acledR package), "acled_codebook",
  https://dtacled.r-universe.dev/acledR/data/acled_codebook/ndjson — the columns; event_date
  "Date in dd-mm-yyyy format"; time_precision 1 = actual date, 2 = specific week or weekend;
  the six event types and their sub-event types; actor1/actor2 "do not imply directionality".
- mapme.biodiversity, "fatalities_acled",
  https://rdrr.io/cran/mapme.biodiversity/man/fatalities_acled.html — the codebook's precision
  codes: geo_precision 1 = a particular town with coordinates, 2 = a small part of a region or
  near a town (coded to a town representing the area), 3 = a larger region, natural location
  or provincial capital; time_precision 2 = sometime during the week or a similar period,
  3 = only the month, "the month mid-point is chosen".
- ACLED, "Guide to 2023 ACLED Column Changes",
  https://acleddata.com/knowledge-base/guide-to-2023-acled-column-changes — disorder_type,
  civilian_targeting and tags added; event_id_no_cnty, data_id and iso3 removed.
- ACLED, "Keeping ACLED Data Updated",
  https://acleddata.com/knowledge-base/keeping-acled-data-updated — an updated event keeps its
  EVENT_ID_CNTY (so it is the key re-imports match on); and acledR, "Keeping your dataset
  updated", https://dtacled.github.io/acledR/articles/acled_update.html — its timestamp changes.
- Dataviz.Garden, "ACLED CodeBook", https://dataviz.roam.garden/ACLED-CodeBook — inter codes:
  1 state forces, 2 rebel groups, 3 political militias, 4 identity militias, 5 rioters,
  6 protesters, 7 civilians, 8 external/other forces.
- Scribd (uploaded copy), "ACLED Data Columns Reference",
  https://fanyv88.com:443/https/www.scribd.com/document/464680868/ACLED-Data-Columns-Reference
  — older exports name the columns in capitals (EVENT_ID_CNTY); EVENT_DATE "Day / Month / Year".
- ACLED, "Terms of Use and Attribution Policy",
  https://epo.acleddata.com/terms-of-use-and-attribution-policy — a full citation with a link to
  ACLED's website; no giving others direct access to ACLED's raw data (so nothing of ACLED's is
  shipped, and a store made by this import is for its user). The citation names the paper given
  as ACLED's reference in the acled.api documentation (Raleigh, Linke, Hegre and Karlsen 2010).

No event has a page of its own, so every event cites `DATASET_URL` (ACLED's website, as the
attribution policy asks) with publisher "ACLED" and no title (we read no title on that page,
and the store takes no placeholder); the event's note ends with the full citation, and the
`source` column (ACLED's own sources) goes into the summary.

Dates: time_precision 1 -> that day; 2 -> the seven days centred on the coded day, approximate
(`2020-03-02~/2020-03-08~`: the source gave the week); 3 -> the coded day's month, approximate
(`2020-03~`). event_date is read as YYYY-MM-DD (API), DD-MM-YYYY or DD/MM/YYYY (codebook) or
'05 March 2020', and must agree with `year` when that column is filled.

Types (`SUB_EVENT_TYPES` by sub_event_type, else `EVENT_TYPES` by event_type; names folded):

- clash: Armed clash
- capture: Government regains territory; Non-state actor overtakes territory; Non-violent
  transfer of territory
- airstrike: Air/drone strike
- attack: Shelling/artillery/missile attack; Remote explosive/landmine/IED; Suicide bomb;
  Grenade; Chemical weapon; Attack; Sexual violence; Abduction/forced disappearance; Excessive
  force against protesters; Mob violence; Looting/property destruction
- political: Peaceful protest; Protest with intervention; Violent demonstration; Change to
  group/activity; Other
- agreement: Agreement; raid: Arrests; military-operation: Disrupted weapons use;
  deployment: Headquarters or base established
- any other sub-type, by event type: Battles -> battle; Explosions/Remote violence and
  Violence against civilians -> attack; Protests, Riots, Strategic developments -> political.
  An event type outside these six makes the row malformed.

Actors: actor1 and actor2, and each `;`-separated associated actor with the role of the actor it
goes with: `victim` for civilians (inter code 7), `belligerent` in Battles, Explosions/Remote
violence and Violence against civilians, `participant` otherwise (ACLED's actor order says
nothing about who attacked). Kind of a new actor: `state` if its name starts "Military Forces
of", "Police Forces of" or "Government of", or its inter code is 1; `armed-group` for inter
codes 2, 3, 4 and 8; `civil-society` for 5, 6, 7; an associated actor (no inter code) is
`armed-group` if its name has a word of armed organisation (`ARMED_WORDS`), else
`civil-society`. Places: kind `town` for geo_precision 1 and 2 (a town's coordinates), `region`
for 3.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache, partial

from idlib_cli.importers import (
    BadValue,
    Item,
    Linker,
    Record,
    converter,
    coordinates,
    count,
    details,
    joined,
    key_slug,
    real_date,
    required,
    slug,
)
from idlib_cli.text import name_key

folded = lru_cache(maxsize=1024)(name_key)  # event types repeat on every row

DATASET_URL = "https://acleddata.com/"
PUBLISHER = "ACLED"
CLAIMED_BY = "ACLED"
CITATION = ("Armed Conflict Location & Event Data (ACLED); Raleigh, Linke, Hegre and Karlsen "
            "(2010), 'Introducing ACLED-Armed Conflict Location and Event Data', Journal of "
            "Peace Research 47(5): 651-660")
ACTOR_NOTE = "Actor as named in ACLED, defined by the ACLED import."

COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
)
REQUIRED = ("event_id_cnty", "event_date", "time_precision", "event_type", "actor1", "location",
            "latitude", "longitude", "fatalities")

SUB_EVENT_TYPES = {name_key(name): kind for name, kind in (
    ("Armed clash", "clash"), ("Government regains territory", "capture"),
    ("Non-state actor overtakes territory", "capture"), ("Air/drone strike", "airstrike"),
    ("Shelling/artillery/missile attack", "attack"), ("Remote explosive/landmine/IED", "attack"),
    ("Suicide bomb", "attack"), ("Grenade", "attack"), ("Chemical weapon", "attack"),
    ("Attack", "attack"), ("Sexual violence", "attack"),
    ("Abduction/forced disappearance", "attack"), ("Peaceful protest", "political"),
    ("Protest with intervention", "political"), ("Excessive force against protesters", "attack"),
    ("Excessive force against protestors", "attack"), ("Violent demonstration", "political"),
    ("Mob violence", "attack"), ("Agreement", "agreement"), ("Arrests", "raid"),
    ("Change to group/activity", "political"), ("Disrupted weapons use", "military-operation"),
    ("Headquarters or base established", "deployment"),
    ("Looting/property destruction", "attack"), ("Non-violent transfer of territory", "capture"),
    ("Other", "political"),
)}
EVENT_TYPES = {name_key(name): kind for name, kind in (
    ("Battles", "battle"), ("Explosions/Remote violence", "attack"),
    ("Violence against civilians", "attack"), ("Protests", "political"),
    ("Riots", "political"), ("Strategic developments", "political"),
)}
VIOLENT = {name_key(name) for name in
           ("Battles", "Explosions/Remote violence", "Violence against civilians")}
INTER_KINDS = {"1": "state", "2": "armed-group", "3": "armed-group", "4": "armed-group",
               "5": "civil-society", "6": "civil-society", "7": "civil-society",
               "8": "armed-group"}
STATE_PREFIXES = ("military forces of", "police forces of", "government of")
ARMED_WORDS = re.compile(
    r"\b(forces?|militia|army|armed|brigades?|battalions?|front|jabhat|jaysh|jaish|liwa|"
    r"faylaq|tahrir|islamic state|qaeda|rebels?|ahrar|hezbollah|regiment|division|"
    r"mujahideen|guards?)\b", re.IGNORECASE)
GEO_KINDS = {"1": "town", "2": "town", "3": "region"}
GEO_MEANINGS = {"1": "a particular town", "2": "a town standing for the area around it",
                "3": "a larger region, natural location or provincial capital"}
MONTHS = {name: number for number, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), start=1)}
_NUMERIC_DAY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS_DAY = re.compile(r"^(\d{1,2})[\s-]+([A-Za-z]+)\.?,?[\s-]+(\d{4})$")


def convert_row(row: Mapping[str, str], linker: Linker) -> list[Item]:
    """One CSV row -> the new actors and place it needs, then its event (every field is
    checked before the linker records anything: see importers.converter)."""
    key = key_slug(required(row, "event_id_cnty"))
    day = event_day(row)
    date_text, date_note = edtf(day, required(row, "time_precision"))
    event_type, sub_type = required(row, "event_type"), row.get("sub_event_type", "").strip()
    kind = event_kind(event_type, sub_type)
    location = required(row, "location")
    lat, lon = coordinates(row)
    precision = geo_precision(row)
    fatalities = count(required(row, "fatalities"), "fatalities")
    published = timestamp_day(row.get("timestamp", ""))
    items: list[Item] = []
    actors = actor_refs(row, event_type, linker, items)
    place_id = place(row, lat, lon, precision, linker, items)
    source: Record = {"url": DATASET_URL, "publisher": PUBLISHER}
    if published:
        source["published"] = published
    year = date_text[:4]
    event: Record = {
        "id": f"{year}-acled-{key}",
        "date": date_text,
        **({"date_note": date_note} if date_note else {}),
        "title": f"{sub_type or event_type} in {location}",
        "summary": summary(row),
        "type": kind,
        "actors": actors,
        "location": {"name": location_name(row), "place": place_id},
        "figures": [{"label": "Fatalities", "value": fatalities, "claimed_by": CLAIMED_BY,
                     "source_url": DATASET_URL,
                     "note": "ACLED's 'number or estimate of fatalities' for the event."}],
        "sources": [source],
        "tags": tags(row, event_type, sub_type),
        "note": note(row),
    }
    items.append(Item("event", event))
    return items


def event_day(row: Mapping[str, str]) -> date:
    """event_date in any of the export's formats, checked against `year`."""
    text = required(row, "event_date")
    iso, numeric, words = _ISO_DAY.match(text), _NUMERIC_DAY.match(text), _WORDS_DAY.match(text)
    if iso:
        day = real_date(int(iso[1]), int(iso[2]), int(iso[3]), text, "event_date")
    elif numeric:  # the codebook's dd-mm-yyyy
        day = real_date(int(numeric[3]), int(numeric[2]), int(numeric[1]), text, "event_date")
    elif words and month_number(words[2]):
        day = real_date(int(words[3]), month_number(words[2]), int(words[1]), text, "event_date")
    else:
        raise BadValue(f"event_date {text!r} is not a date (expected YYYY-MM-DD, DD-MM-YYYY "
                       "or '05 March 2020')")
    year = row.get("year", "").strip()
    if year and year != str(day.year):
        raise BadValue(f"year {year!r} does not match event_date {text!r}")
    return day


def month_number(word: str) -> int:
    """'March', 'Mar' or 'mar' -> 3; 0 for anything else."""
    word = word.lower()
    return MONTHS.get(word) or next(
        (n for name, n in MONTHS.items() if len(word) == 3 and name.startswith(word)), 0)


def edtf(day: date, precision: str) -> tuple[str, str | None]:
    """The coded day at ACLED's time precision -> (EDTF date, date_note)."""
    if precision == "1":
        return day.isoformat(), None
    if precision == "2":
        first, last = day - timedelta(days=3), day + timedelta(days=3)
        return (f"{first.isoformat()}~/{last.isoformat()}~",
                f"ACLED time_precision 2: its sources give the week, not the day; ACLED codes "
                f"{day.isoformat()}, shown here as the seven days around it.")
    if precision == "3":
        return (f"{day:%Y-%m}~",
                f"ACLED time_precision 3: its sources give only the month; ACLED codes the "
                f"month's mid-point ({day.isoformat()}).")
    raise BadValue(f"time_precision {precision!r} is not 1, 2 or 3")


def timestamp_day(text: str) -> str | None:
    """The row's last change (a Unix timestamp) as the source's `published` day."""
    if not text.strip():
        return None
    try:
        moment = datetime.fromtimestamp(int(float(text)), tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise BadValue(f"timestamp {text!r} is not a Unix timestamp") from None
    return moment.date().isoformat()


def event_kind(event_type: str, sub_type: str) -> str:
    kind = EVENT_TYPES.get(folded(event_type))
    if kind is None:
        raise BadValue(f"event_type {event_type!r} is not one of ACLED's six event types")
    return SUB_EVENT_TYPES.get(folded(sub_type), kind)


def actor_refs(row: Mapping[str, str], event_type: str, linker: Linker,
               items: list[Item]) -> list[Record]:
    """actor1, its associates, actor2, its associates -> [{id, role}], each actor once."""
    refs: list[Record] = []
    seen: set[str] = set()
    violent = folded(event_type) in VIOLENT
    for number in ("1", "2"):
        main = row.get(f"actor{number}", "").strip()
        if not main:
            continue
        inter = row.get(f"inter{number}", "").strip()
        role = "victim" if inter == "7" else \
            "belligerent" if violent else "participant"
        names = [(main, inter)] + [
            (name.strip(), "") for name in row.get(f"assoc_actor_{number}", "").split(";")
            if name.strip()]
        for name, code in names:
            actor_id, new = linker.actor(name, partial(actor_kind, name, code), ACTOR_NOTE)
            if new:
                items.append(new)
            if actor_id not in seen:
                seen.add(actor_id)
                refs.append({"id": actor_id, "role": role})
    return refs


def actor_kind(name: str, inter: str) -> str:
    if name.casefold().startswith(STATE_PREFIXES):
        return "state"
    if inter in INTER_KINDS:
        return INTER_KINDS[inter]
    return "armed-group" if ARMED_WORDS.search(name) else "civil-society"


def geo_precision(row: Mapping[str, str]) -> str:
    precision = row.get("geo_precision", "").strip() or "1"
    if precision not in GEO_KINDS:
        raise BadValue(f"geo_precision {precision!r} is not 1, 2 or 3")
    return precision


def place(row: Mapping[str, str], lat: float, lon: float, precision: str, linker: Linker,
          items: list[Item]) -> str:
    name = row["location"].strip()

    def define(place_id: str) -> Record:
        return {"id": place_id, "name": name, "kind": GEO_KINDS[precision],
                "lat": lat, "lon": lon,
                "sources": [{"url": DATASET_URL, "publisher": PUBLISHER}],
                "note": f"Coordinates from ACLED (geo_precision {precision}: "
                        f"{GEO_MEANINGS[precision]}); {location_name(row)}."}

    names = [name, row.get("admin2", ""), row.get("admin1", ""), row.get("country", "")]
    place_id, new = linker.place(names, lat, lon, define)
    if new:
        items.append(new)
    return place_id


def location_name(row: Mapping[str, str]) -> str:
    return joined(row.get(column, "") for column in
                  ("location", "admin3", "admin2", "admin1", "country"))


def summary(row: Mapping[str, str]) -> str:
    notes = row.get("notes", "").strip()
    text = f"ACLED's notes (the dataset's words): \"{notes}\"" if notes else \
        "ACLED records this event without notes."
    source, scale = row.get("source", "").strip(), row.get("source_scale", "").strip()
    if source:
        text += f" ACLED's sources: {source}" + (f" (source scale: {scale})." if scale else ".")
    return text


def tags(row: Mapping[str, str], event_type: str, sub_type: str) -> list[str]:
    found = ["acled", slug(event_type)]
    for text in (sub_type, row.get("disorder_type", "")):
        if text.strip() and slug(text) not in found:
            found.append(slug(text))
    if row.get("civilian_targeting", "").strip():
        found.append("civilian-targeting")
    return found


def note(row: Mapping[str, str]) -> str:
    return "Imported from ACLED: " + details((
        ("event", row.get("event_id_cnty", "")),
        ("disorder type", row.get("disorder_type", "")),
        ("civilian targeting:", row.get("civilian_targeting", "")),
        ("inter codes", "/".join(filter(None, (row.get("inter1", "").strip(),
                                               row.get("inter2", "").strip())))),
        ("interaction", row.get("interaction", "")),
        ("time_precision", row.get("time_precision", "")),
        ("geo_precision", row.get("geo_precision", "")),
        ("region", row.get("region", "")),
        ("ISO", row.get("iso", "")),
        ("ACLED tags:", row.get("tags", "")),
        ("timestamp", row.get("timestamp", "")),
    )) + f". Cite as: {CITATION}."


convert = converter("acled", REQUIRED, convert_row)
"""Stream a ACLED CSV export into idlib items (see the module docstring)."""
