"""Importing incident datasets (ACLED, UCDP GED) into a user's store, streamed row by row.

`acled.convert` / `ucdp.convert(lines, *, known_actors, known_places, skip_bad)` read CSV lines
one row at a time and return a `Conversion`: `Item`s in which each new actor or place comes just
before the first event that uses it. `known_actors` maps `text.name_key(label)` to an actor id;
`known_places` is the gazetteer as `(id, lat, lon)`. A malformed row raises `RowError` with its
CSV line (the header is line 1), or with `skip_bad` is counted in `Conversion.skipped`.

`merge_into(document, items)` inserts or replaces the actors, places and events of a store
document, keeping events chronological. Event ids are `<year>-acled-<event_id_cnty>` /
`<year>-ucdp-<id>`, matched by the dataset key after the year, so a newer export that moves an
event to another year replaces it. Writing (locked, atomic) is the `writer` module's job.
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any, Literal, NamedTuple

from idlib_cli.rules import chronological_raw
from idlib_cli.text import name_key

Record = dict[str, Any]
KnownPlaces = Sequence[tuple[str, float | None, float | None]]

MATCH_KM = 2.0  # a row's coordinates this close to a gazetteer place are that place
EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
MAX_REPORTED_BAD_LINES = 20


class Item(NamedTuple):
    """One record for a store: an actor, a place or an event, in the store's JSON shape."""

    kind: Literal["actor", "place", "event"]
    record: Record


class RowError(ValueError):
    """A CSV row (or the header) that cannot be imported; `line` is its first line, 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.reason = message


class BadValue(ValueError):
    """A field a row converter could not read; the driver adds the line number."""


class ImportSummary(NamedTuple):
    """What `merge_into` did. Events: `added`, `updated` (replaced by a different record) and
    `skipped` (already present and identical). Actors and places: definitions added or changed.
    """

    added: int = 0
    updated: int = 0
    skipped: int = 0
    actors: int = 0
    places: int = 0


# --- small readers shared by the datasets ------------------------------------------------------


def key_slug(text: str) -> str:
    """A dataset's event id as part of ours: 'SYR1234' -> 'syr1234' (the common case fast)."""
    return text.lower() if text.isascii() and text.isalnum() else slug(text)


@lru_cache(maxsize=16384)  # names, types and places repeat from row to row
def slug(text: str, limit: int = 60) -> str:
    """'Air/drone strike at Saraqib!' -> 'air-drone-strike-at-saraqib'; text with no Latin
    letters or digits (Arabic script) gets a short stable hash instead of an empty id."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not words:
        return "x" + hashlib.sha1(text.encode()).hexdigest()[:10]
    return words[:limit].rstrip("-")


def number(text: str, column: str, *, whole: bool = False) -> float:
    """A numeric field; `whole` for counts (fatalities): a non-negative integer, '3' or '3.0'."""
    try:
        value = float(text.strip())
    except ValueError:
        raise BadValue(f"{column} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise BadValue(f"{column} {text!r} is not a finite number")
    if whole and (value < 0 or value != int(value)):
        raise BadValue(f"{column} {text!r} is not a whole number of 0 or more")
    return float(int(value)) if whole else value


def count(text: str, column: str) -> int:
    return int(number(text, column, whole=True))


def coordinates(row: Mapping[str, str]) -> tuple[float, float]:
    lat, lon = number(row["latitude"], "latitude"), number(row["longitude"], "longitude")
    if not -90 <= lat <= 90 or not -180 <= lon <= 180:
        raise BadValue(f"coordinates {lat}, {lon} are outside -90..90, -180..180")
    return lat, lon


_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")


def iso_day(text: str, column: str) -> date:
    """'2020-03-05', also with a time part ('2020-03-05 00:00:00.000') as spreadsheets add."""
    match = _ISO_DAY.match(text.strip())
    if not match:
        raise BadValue(f"{column} {text!r} is not a date (expected YYYY-MM-DD)")
    return real_date(int(match[1]), int(match[2]), int(match[3]), text, column)


def real_date(year: int, month: int, day: int, text: str, column: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise BadValue(f"{column} {text!r} is not a real date") from None


def required(row: Mapping[str, str], column: str) -> str:
    value = row.get(column, "").strip()
    if not value:
        raise BadValue(f"{column} is empty")
    return value


def joined(parts: Iterable[str]) -> str:
    """Non-empty parts, each once, comma-separated: 'Saraqib, Idleb, Syria'."""
    seen: dict[str, str] = {}
    for part in parts:
        part = part.strip()
        if part:
            seen.setdefault(part.casefold(), part)
    return ", ".join(seen.values())


def details(pairs: Iterable[tuple[str, str]]) -> str:
    """'label value; label value' for the fields that have a value (an event's note)."""
    return "; ".join(f"{label} {value.strip()}" for label, value in pairs if value.strip())


# --- places ----------------------------------------------------------------------------------


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half = math.sin((phi2 - phi1) / 2) ** 2 + \
        math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(half)))


class Gazetteer:
    """Known places on a grid of 0.1° cells, so that a row looks at a few places, not all."""

    CELL = 0.1
    LON_CELLS = 3600

    def __init__(self, places: KnownPlaces) -> None:
        self._cells: dict[tuple[int, int], list[tuple[str, float, float]]] = {}
        for place_id, lat, lon in places:
            if lat is not None and lon is not None:
                self._cells.setdefault(self._cell(lat, lon), []).append((place_id, lat, lon))

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / self.CELL), math.floor(lon / self.CELL) % self.LON_CELLS

    def nearest(self, lat: float, lon: float, within_km: float = MATCH_KM) -> str | None:
        """The id of the closest known place within `within_km`, if any."""
        row, column = self._cell(lat, lon)
        span = within_km / 111.19 / self.CELL  # degrees of latitude, in cells
        cos_lat = max(math.cos(math.radians(min(abs(lat) + span * self.CELL, 90.0))), 1e-6)
        rows, columns = math.ceil(span), min(math.ceil(span / cos_lat), self.LON_CELLS // 2)
        best: tuple[float, str] | None = None
        for r in range(row - rows, row + rows + 1):
            for c in range(column - columns, column + columns + 1):
                for place_id, plat, plon in self._cells.get((r, c % self.LON_CELLS), ()):
                    km = distance_km(lat, lon, plat, plon)
                    if km <= within_km and (best is None or km < best[0]):
                        best = (km, place_id)
        return best[1] if best else None


# --- linking names and places to ids, defining what is new -------------------------------------

_TRAILING_PARENTHESIS = re.compile(r"\s*\([^()]*\)\s*$")


class Linker:
    """Per-conversion state: which actors and places exist, and which this import defined."""

    def __init__(self, prefix: str, known_actors: Mapping[str, str],
                 known_places: KnownPlaces) -> None:
        self.prefix = prefix
        self.known_actors = known_actors
        self.gazetteer = Gazetteer(known_places)
        self.actor_ids: dict[str, str] = {}  # dataset name -> id, for names seen before
        self.place_spots: dict[str, tuple[float, float]] = {}  # place ids defined here
        self.place_ids: dict[tuple[str, float, float], str] = {}  # (name, lat, lon) seen before

    def actor(self, name: str, kind: Callable[[], str], note: str) -> tuple[str, Item | None]:
        """The id for a dataset's actor name, and its definition the first time it is new.

        A curated actor is found by the name folded (`name_key`), then by the name without a
        trailing parenthesis ('Military Forces of Syria (2000-)' -> 'Military Forces of Syria',
        'Civilians (Syria)' -> 'Civilians'); otherwise the actor is `<dataset>-<slug of name>`.
        """
        if name in self.actor_ids:
            return self.actor_ids[name], None
        known = self.known_actors.get(name_key(name)) or \
            self.known_actors.get(name_key(_TRAILING_PARENTHESIS.sub("", name)) or "\0")
        actor_id = known or f"{self.prefix}-{slug(name)}"
        self.actor_ids[name] = actor_id
        if known:
            return actor_id, None
        return actor_id, Item("actor", {"id": actor_id, "name": name, "kind": kind(),
                                        "note": note})

    def place(self, names: Sequence[str], lat: float, lon: float,
              define: Callable[[str], Record]) -> tuple[str, Item | None]:
        """A gazetteer place within 2 km, else `<dataset>-<slug of names[0]>` (the same name
        further than 2 km away takes the next of `names` as a qualifier, then coordinates)."""
        seen = (names[0], lat, lon)
        if seen in self.place_ids:
            return self.place_ids[seen], None
        place_id = self.gazetteer.nearest(lat, lon)
        new: Item | None = None
        if place_id is None:
            place_id, new = self._new_place(names, lat, lon, define)
        self.place_ids[seen] = place_id
        return place_id, new

    def _new_place(self, names: Sequence[str], lat: float, lon: float,
                   define: Callable[[str], Record]) -> tuple[str, Item | None]:
        base = f"{self.prefix}-{slug(names[0])}"
        candidates = (base, *(f"{base}-{slug(q)}" for q in names[1:] if q.strip()),
                      f"{base}-{slug(f'{lat:.4f} {lon:.4f}')}")
        for place_id in candidates:
            spot = self.place_spots.get(place_id)
            if spot is None:
                self.place_spots[place_id] = (lat, lon)
                return place_id, Item("place", define(place_id))
            if distance_km(lat, lon, *spot) <= MATCH_KM:
                return place_id, None
        return candidates[-1], None  # the same name at the same 4-decimal spot: defined already


# --- the streaming driver --------------------------------------------------------------------

RowConverter = Callable[[Mapping[str, str]], list[Item]]


class Conversion(Iterator[Item]):
    """The items of a CSV, produced as they are read. After (or during) iteration, `skipped`
    counts malformed rows left out under `skip_bad`, `bad_lines` names the first few of them,
    and `rows` counts the rows read."""

    def __init__(self, lines: Iterable[str], columns: Sequence[str], convert_row: RowConverter,
                 *, skip_bad: bool) -> None:
        self.skipped = 0
        self.rows = 0
        self.bad_lines: list[int] = []
        self._items = self._generate(lines, columns, convert_row, skip_bad)

    def __iter__(self) -> Conversion:
        return self

    def __next__(self) -> Item:
        return next(self._items)

    def _generate(self, lines: Iterable[str], columns: Sequence[str], convert_row: RowConverter,
                  skip_bad: bool) -> Iterator[Item]:
        reader = csv.reader(lines)
        names = _header(reader, columns)
        last_line = reader.line_num
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:  # the reader cannot resynchronise after this
                raise RowError(last_line + 1, f"unreadable CSV: {error}") from None
            line, last_line = last_line + 1, reader.line_num
            if not cells or cells == [""]:
                continue
            self.rows += 1
            try:
                if len(cells) != len(names):
                    raise BadValue(f"{len(cells)} fields where the header has {len(names)}")
                items = convert_row(dict(zip(names, cells, strict=True)))
            except BadValue as error:
                if not skip_bad:
                    raise RowError(line, str(error)) from None
                self.skipped += 1
                if len(self.bad_lines) < MAX_REPORTED_BAD_LINES:
                    self.bad_lines.append(line)
                continue
            yield from items


def _header(reader: Any, columns: Sequence[str]) -> list[str]:
    """Column names, lower-cased (older exports used EVENT_ID_CNTY) and without a BOM."""
    try:
        header = next(reader)
    except StopIteration:
        raise RowError(1, "empty file: expected a header row of column names") from None
    except csv.Error as error:
        raise RowError(1, f"unreadable CSV header: {error}") from None
    names = [cell.strip().lstrip("\ufeff").lower() for cell in header]
    missing = [column for column in columns if column not in names]
    if missing:
        raise RowError(1, f"missing column(s) {', '.join(missing)}: is this the right dataset's "
                          "CSV export, comma-separated, with its header row?")
    return names


# --- merging into a store document ------------------------------------------------------------

_DATASET_KEY = re.compile(r"^\d{4}-((?:acled|ucdp)-[a-z0-9-]+)$")


def converter(dataset: str, columns: Sequence[str],
              convert_row: Callable[[Mapping[str, str], Linker], list[Item]]
              ) -> Callable[..., Conversion]:
    """A dataset's `convert(lines, *, known_actors, known_places, skip_bad)`: rows through
    `convert_row` (which checks every field before the one Linker records anything)."""

    def convert(lines: Iterable[str], *, known_actors: Mapping[str, str],
                known_places: KnownPlaces, skip_bad: bool = False) -> Conversion:
        linker = Linker(dataset, known_actors, known_places)
        return Conversion(lines, columns, lambda row: convert_row(row, linker),
                          skip_bad=skip_bad)

    return convert


def dataset_key(event_id: str) -> str:
    """'2020-acled-syr1234' -> 'acled-syr1234'; any other id is its own key."""
    match = _DATASET_KEY.match(event_id)
    return match[1] if match else event_id


def merge_into(document: Record, items: Iterable[Item]) -> ImportSummary:
    """Insert or replace (by id; events by dataset key) the items in a store document, then
    put the events in chronological order (first day, then last day; ties keep their order)."""
    _ensure_lists(document)
    actors: list[Any] = document["actors"]
    places: list[Any] = document["places"]
    events: list[Any] = document["events"]
    actor_at = _positions(actors, lambda key: key)
    place_at = _positions(places, lambda key: key)
    event_at = _positions(events, dataset_key)
    outcomes = {"added": 0, "updated": 0, "same": 0}
    actor_changes = place_changes = 0
    for kind, record in items:
        if kind == "event":
            outcomes[_put(events, event_at, dataset_key(record["id"]), record)] += 1
        elif kind == "actor":
            actor_changes += _put(actors, actor_at, record["id"], record) != "same"
        else:
            place_changes += _put(places, place_at, record["id"], record) != "same"
    if outcomes["added"] or outcomes["updated"]:
        events.sort(key=chronological_raw)
    return ImportSummary(outcomes["added"], outcomes["updated"], outcomes["same"], actor_changes,
                         place_changes)


def _ensure_lists(document: Record) -> None:
    document.setdefault("schema_version", 1)
    for key in ("actors", "places", "events"):
        document.setdefault(key, [])
    document["events"] = document.pop("events")  # keep events last, after the definitions


def _positions(records: list[Any], key: Callable[[str], str]) -> dict[str, int]:
    return {key(record["id"]): index for index, record in enumerate(records)
            if isinstance(record, dict) and isinstance(record.get("id"), str)}


def _put(records: list[Any], at: dict[str, int], key: str, record: Record) -> str:
    index = at.get(key)
    if index is None:
        at[key] = len(records)
        records.append(record)
        return "added"
    if records[index] == record:
        return "same"
    records[index] = record
    return "updated"
