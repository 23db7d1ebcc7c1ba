"""iCalendar (RFC 5545): each event as an all-day VEVENT over the days its date covers.

Written by hand: the subset needed (TEXT escaping, line folding, DATE values) is a few lines,
and a library (`icalendar`, with its dependencies) would only be needed to check the result,
which is what the tests use it for. Output is byte-stable: DTSTAMP is the context's accessed
date, never the clock.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import Any, TextIO

from idlib_cli.exports.common import (
    Record,
    coordinates,
    date_label,
    day,
    figure_text,
    fuzziness,
    is_http_url,
    one_line,
    place_name,
    visible,
)
from idlib_cli.exports.context import ExportContext

CRLF = "\r\n"
UID_DOMAIN = "idlib"
_MAX_OCTETS = 75


def escape_text(text: Any) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines escaped;
    other controls are not allowed in TEXT, so they are shown as visible escapes first."""
    cleaned = visible(text).replace("\t", " ")
    return (cleaned.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def fold(line: str) -> str:
    """A content line folded so no physical line exceeds 75 octets (§3.1), never splitting a
    UTF-8 character; continuation lines start with one space."""
    pieces: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > _MAX_OCTETS:
            pieces.append(current)
            current, size = " ", 1
        current += char
        size += width
    pieces.append(current)
    return CRLF.join(pieces)


def _compact(iso: str) -> str:
    return iso.replace("-", "")


def _description(record: Record) -> str:
    """Summary, the date in words (saying when it is fuzzy), figures with claimants, sources
    (only http(s) addresses: calendar apps turn addresses in descriptions into links)."""
    lines = [one_line(record.get("summary"))]
    vague = fuzziness(record)
    if vague:
        lines.append(f"Date: {date_label(record)} ({vague}; the entry spans the whole period).")
    if record.get("date_note"):
        lines.append(f"About the date: {one_line(record['date_note'])}")
    if record.get("note"):
        lines.append(f"Note: {one_line(record['note'])}")
    lines.extend(f"Figure: {one_line(figure_text(f))}" for f in record.get("figures") or ())
    sources = record.get("sources") or ()
    if sources:
        lines.append("Sources:")
        lines.extend(f"- {one_line(s.get('publisher'))}: {one_line(s.get('title'))} "
                     f"{s['url'] if is_http_url(s.get('url')) else '(no web address)'}"
                     for s in sources)
    return "\n".join(lines)


def _event_lines(record: Record, stamp: str) -> Iterator[str]:
    after_last = day(record["end"]) + timedelta(days=1)
    yield "BEGIN:VEVENT"
    yield f"UID:{escape_text(record['id'])}@{UID_DOMAIN}"
    yield f"DTSTAMP:{stamp}"
    yield f"DTSTART;VALUE=DATE:{_compact(record['start'])}"
    yield f"DTEND;VALUE=DATE:{after_last.strftime('%Y%m%d')}"
    yield f"SUMMARY:{escape_text(one_line(record.get('title')))}"
    yield f"DESCRIPTION:{escape_text(_description(record))}"
    if record.get("type"):
        yield f"CATEGORIES:{escape_text(record['type'])}"
    where = place_name(record)
    if where:
        yield f"LOCATION:{escape_text(one_line(where))}"
    point = coordinates(record)
    if point:
        yield f"GEO:{point[1]:.6f};{point[0]:.6f}"
    if is_http_url(record.get("url")):
        yield f"URL:{record['url']}"
    yield "TRANSP:TRANSPARENT"
    yield "END:VEVENT"


def _calendar_lines(records: Sequence[Record], context: ExportContext) -> Iterator[str]:
    stamp = f"{_compact(context.accessed)}T000000Z"
    yield "BEGIN:VCALENDAR"
    yield "VERSION:2.0"
    yield "PRODID:-//idlib//idlib export//EN"
    yield "CALSCALE:GREGORIAN"
    yield f"X-WR-CALNAME:{escape_text(one_line(context.title))}"
    for record in records:
        yield from _event_lines(record, stamp)
    yield "END:VCALENDAR"


def write(records: Sequence[dict[str, Any]], stream: TextIO, context: ExportContext) -> None:
    """Write the calendar; lines end in CRLF, so open a file with newline=""."""
    for line in _calendar_lines(records, context):
        stream.write(fold(line) + CRLF)
