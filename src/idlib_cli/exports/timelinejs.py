"""TimelineJS3 JSON: the format Knight Lab's TimelineJS reads, ready to host next to it.

Dates are given at the precision the store knows (a month-only date has no day), fuzzy ones get
a `display_date` in words, and each slide's group (a row band in the time navigator) is a broad
kind of event: a row for each of 25 types would leave the navigator unreadable. TimelineJS
inserts `text` as HTML, so every piece of store text is HTML-escaped here and only http(s) URLs
become links.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date
from typing import Any, TextIO

from idlib_cli.exports.common import (
    Record,
    date_label,
    day,
    figure_text,
    fuzziness,
    is_http_url,
    json_text,
    one_line,
    part_shape,
    place_name,
)
from idlib_cli.exports.context import ExportContext

GROUPS: dict[str, tuple[str, ...]] = {
    "Diplomacy": ("agreement", "talks", "summit", "statement", "un-resolution", "veto",
                  "ceasefire", "diplomatic-crisis"),
    "Fighting": ("offensive", "battle", "capture", "airstrike", "attack", "clash",
                 "military-operation", "deployment", "patrol", "withdrawal", "casualties",
                 "assassination", "raid"),
    "Humanitarian": ("humanitarian", "displacement", "disaster"),
    "Politics": ("political",),
}
_GROUP_OF = {kind: group for group, kinds in GROUPS.items() for kind in kinds}


def group(event_type: Any) -> str:
    """The navigator row for an event type; a type added later lands in "Other"."""
    return _GROUP_OF.get(str(event_type), "Other")


def esc(value: Any) -> str:
    return html.escape(one_line(value), quote=True)


def tl_date(shape: str, when: date) -> Record:
    """A TimelineJS date object with only the fields the precision supports."""
    fields: Record = {"year": when.year}
    if shape in ("day", "month", "season"):
        fields["month"] = when.month
    if shape == "day":
        fields["day"] = when.day
    return fields


def _dates(record: Record) -> tuple[Record, Record | None]:
    first, last = day(record["start"]), day(record["end"])
    precision = record.get("precision")
    parts = str(record.get("date") or "").split("/")
    if precision == "interval" and len(parts) == 2:
        return tl_date(part_shape(parts[0]), first), tl_date(part_shape(parts[1]), last)
    if precision == "season":
        return tl_date("month", first), tl_date("month", last)
    if precision in ("month", "year"):
        return tl_date(str(precision), first), None
    if first != last:
        return tl_date("day", first), tl_date("day", last)
    return tl_date("day", first), None


def _link(url: Any, label: str) -> str:
    if is_http_url(url):
        return f'<a href="{html.escape(str(url), quote=True)}" target="_blank" ' \
               f'rel="noopener noreferrer">{label}</a>'
    return label


def _sources_html(record: Record) -> str:
    items = []
    for source in record.get("sources") or ():
        title = esc(source.get("title") or source.get("publisher") or source.get("url") or "")
        published = f", {esc(source['published'])}" if source.get("published") else ""
        items.append(f"<li>{_link(source.get('url'), title)}, "
                     f"{esc(source.get('publisher'))}{published}</li>")
    return f"<p>Sources:</p><ol>{''.join(items)}</ol>" if items else ""


def slide_text(record: Record) -> str:
    """The slide body: summary, date caveats, figures with claimants, actors, place, sources."""
    parts = [f"<p>{esc(record.get('summary'))}</p>"]
    vague = fuzziness(record)
    if vague:
        parts.append(f"<p><em>Date: {esc(date_label(record))} ({esc(vague)})</em></p>")
    for key, label in (("date_note", "About the date"), ("note", "Note")):
        if record.get(key):
            parts.append(f"<p><em>{label}:</em> {esc(record[key])}</p>")
    figures = [f"<li>{_link(f.get('source_url'), esc(figure_text(f)))}</li>"
               for f in record.get("figures") or ()]
    if figures:
        parts.append(f"<ul>{''.join(figures)}</ul>")
    actors = ", ".join(esc(a.get("name")) for a in record.get("actors") or ())
    where = place_name(record)
    meta = [f"Actors: {actors}"] if actors else []
    meta += [f"Place: {esc(where)}"] if where else []
    if meta:
        parts.append(f"<p>{' · '.join(meta)}</p>")
    parts.append(_sources_html(record))
    return "".join(parts)


def slide(record: Record) -> Record:
    start, end = _dates(record)
    result: Record = {"unique_id": str(record.get("id")), "start_date": start,
                      "text": {"headline": esc(record.get("title")), "text": slide_text(record)},
                      "group": group(record.get("type"))}
    if end is not None:
        result["end_date"] = end
    if fuzziness(record):
        result["display_date"] = date_label(record)
    return result


def era(entry: Record) -> Record:
    return {"start_date": tl_date("day", day(entry["start"])),
            "end_date": tl_date("day", day(entry["end"])),
            "text": {"headline": esc(entry.get("name")),
                     "text": f"<p>{esc(entry.get('description'))}</p>"}}


def title_slide(records: Sequence[Record], context: ExportContext) -> Record:
    if records:
        span = f"{len(records)} events, {esc(date_label(records[0]))} to " \
               f"{esc(date_label(records[-1]))}."
    else:
        span = "No events."
    return {"text": {"headline": esc(context.title),
                     "text": f"<p>{span} Every event links the pages it rests on.</p>"}}


def document(records: Sequence[Record], context: ExportContext) -> Record:
    return {"title": title_slide(records, context),
            "events": [slide(record) for record in records],
            "eras": [era(entry) for entry in context.eras],
            "scale": "human"}


def write(records: Sequence[dict[str, Any]], stream: TextIO, context: ExportContext) -> None:
    # Escaped like the HTML export's embedded data, so the JSON can also be pasted into a
    # <script> on a hosting page without ending it.
    text = json_text(document(records, context), indent=2)
    stream.write(text.replace("<", "\\u003c").replace(">", "\\u003e") + "\n")
