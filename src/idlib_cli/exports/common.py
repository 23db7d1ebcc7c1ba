"""Helpers every export writer shares: human date labels, safe URLs, inert text and JSON.

They live in one place so that the six formats say a fuzzy date the same way, agree on which
URLs may become links, and treat hostile store text the same way.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from idlib_cli.records import inert_json

Record = dict[str, Any]

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
SEASON_NAMES = {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}

# A URL becomes a link only when it is plainly http(s) with a host and nothing a browser would
# strip or reinterpret (whitespace, controls, quotes, angle brackets).
_HTTP_URL = re.compile(r"https?://[^\s\x00-\x20\x7f-\x9f<>\"'`\\/?#][^\s\x00-\x20\x7f-\x9f<>\"'`\\]*",
                       re.IGNORECASE)

# Controls (but tab and newline), C1, DEL, bidirectional overrides/isolates and lone surrogates:
# shown as visible escapes in text formats, the way `idlib events` shows them.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                        "\u2066-\u2069\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_PART_SHAPES = (("day", re.compile(r"\d{4}-\d{2}-\d{2}")),
                ("season", re.compile(r"\d{4}-2[1-4]")),
                ("month", re.compile(r"\d{4}-\d{2}")),
                ("year", re.compile(r"\d{4}")))


def is_http_url(url: Any) -> bool:
    """Whether `url` may become a link: only plain http(s) URLs, never `javascript:` & co."""
    return isinstance(url, str) and _HTTP_URL.fullmatch(url) is not None


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: Any) -> str:
    """Text with line breaks normalised to \\n and anything invisible or unencodable (controls,
    bidi overrides, lone surrogates) written as a visible escape, so it can't hide or reorder."""
    if text is None:
        return ""
    normalised = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return _INVISIBLE.sub(_escape_char, normalised)


def one_line(text: Any) -> str:
    """`visible` text with line breaks and tabs as spaces, for formats that are line-based."""
    return " ".join(visible(text).split())


def json_text(value: Any, *, indent: int | None = None) -> str:
    """JSON that is lossless, encodable as UTF-8 (lone surrogates as \\u escapes) and inert
    on a terminal (C1 controls and bidi overrides escaped)."""
    text = inert_json(value, indent=indent)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def day(iso: str) -> date:
    return date.fromisoformat(iso)


def _day_label(when: date) -> str:
    return f"{when.day} {MONTHS[when.month - 1]} {when.year}"


def _season_label(year: int, code: int) -> str:
    name = SEASON_NAMES[code]
    return f"{name} {year}–{(year + 1) % 100:02d}" if code == 24 else f"{name} {year}"


def part_shape(part: str) -> str:
    """The precision one end of an interval was written with: day, season, month or year."""
    cleaned = part.replace("~", "").replace("?", "")
    return next((name for name, pattern in _PART_SHAPES if pattern.fullmatch(cleaned)), "day")


def _part_label(part: str, when: date) -> str:
    """One end of a date at the precision the store wrote it with."""
    shape = part_shape(part)
    if shape == "season":
        return _season_label(int(part[:4]), int(part[5:7]))
    if shape == "month":
        return f"{MONTHS[when.month - 1]} {when.year}"
    if shape == "year":
        return str(when.year)
    return _day_label(when)


def _interval_label(first: date, last: date, parts: Sequence[str]) -> str:
    both_days = all(_PART_SHAPES[0][1].fullmatch(part) for part in parts)
    if not both_days:
        return f"{_part_label(parts[0], first)} – {_part_label(parts[1], last)}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {MONTHS[last.month - 1]} {last.year}"
    if first.year == last.year:
        return f"{first.day} {MONTHS[first.month - 1]} – {_day_label(last)}"
    return f"{_day_label(first)} – {_day_label(last)}"


def date_label(record: Record) -> str:
    """The date as a reader says it: "5 March 2020", "March 2020", "spring 2019",
    "28 February – 5 March 2020", with "c. " before an approximate one."""
    first, last = day(record["start"]), day(record["end"])
    text = str(record.get("date") or "").replace("~", "").replace("?", "")
    precision = record.get("precision")
    parts = text.split("/")
    if precision == "interval" and len(parts) == 2:
        label = _interval_label(first, last, parts)
    elif precision == "season" and _PART_SHAPES[1][1].fullmatch(text):
        label = _season_label(int(text[:4]), int(text[5:7]))
    elif precision == "month":
        label = f"{MONTHS[first.month - 1]} {first.year}"
    elif precision == "year":
        label = str(first.year)
    elif first == last:
        label = _day_label(first)
    else:
        label = _interval_label(first, last, [first.isoformat(), last.isoformat()])
    return f"c. {label}" if record.get("approximate") else label


_VAGUE = {"month": "only the month is known", "season": "only the season is known",
          "year": "only the year is known"}


def fuzziness(record: Record) -> str | None:
    """Why the date is not a known day or span, in words; None when it is."""
    said = [_VAGUE[record["precision"]]] if record.get("precision") in _VAGUE else []
    if record.get("approximate"):
        said.insert(0, "approximate")
    return "; ".join(said) or None


def place_name(record: Record) -> str | None:
    """The gazetteer place's name, else the free-text location's."""
    place = record.get("place")
    if isinstance(place, dict) and place.get("name"):
        return str(place["name"])
    location = record.get("location")
    if isinstance(location, dict) and location.get("name"):
        return str(location["name"])
    return None


def _degrees(value: Any, limit: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) and -limit <= number <= limit else None


def coordinates(record: Record) -> tuple[float, float] | None:
    """The place's (lon, lat) in GeoJSON order when both are real WGS 84 degrees in range."""
    place = record.get("place")
    if not isinstance(place, dict):
        return None
    lon, lat = _degrees(place.get("lon"), 180.0), _degrees(place.get("lat"), 90.0)
    return None if lon is None or lat is None else (lon, lat)


def figure_text(figure: Record) -> str:
    """"33 soldiers killed (at least), claimed by Turkey": a figure never loses its claimant."""
    value = figure.get("value")
    number = f"{value:g}" if isinstance(value, float) else str(value)
    qualifier = f" ({figure['qualifier']})" if figure.get("qualifier") else ""
    note = f"; {figure['note']}" if figure.get("note") else ""
    return f"{number} {figure.get('label', '')}{qualifier}, claimed by " \
           f"{figure.get('claimed_by', 'unknown')}{note}"


def source_key(source: Record) -> str:
    """What makes two sources the same citation: the URL, else publisher and title."""
    url = source.get("url")
    if isinstance(url, str) and url.strip():
        return url.strip()
    return f"{source.get('publisher')}\x00{source.get('title')}"


def _richness(source: Record) -> tuple[bool, bool, int, str, str]:
    title, publisher = str(source.get("title") or ""), str(source.get("publisher") or "")
    return bool(title), bool(source.get("published")), len(title), publisher, title


def unique_sources(records: Iterable[Record]) -> list[Record]:
    """Every source of the records once, in first-cited order. Where events describe the same
    page differently (one without its title, say), the fullest description is used, whatever
    the order of the records, so a citation and its key don't depend on which came first."""
    seen: dict[str, Record] = {}
    for record in records:
        for source in record.get("sources") or ():
            key = source_key(source)
            if key not in seen or _richness(source) > _richness(seen[key]):
                seen[key] = source
    return list(seen.values())
