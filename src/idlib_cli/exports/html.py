"""One self-contained HTML page: a timeline, a map drawn from coordinates, eras, filters.

Everything is inline (CSS, JavaScript, data), so the page works from file:// with no network;
a Content-Security-Policy with `default-src 'none'` and hashes of our own script and style
makes that a guarantee rather than a habit: the page *cannot* fetch anything, and an injected
script could not run. Store text travels as JSON in a <script type="application/json"> block
and the page's script inserts it with textContent, never as HTML.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Sequence
from datetime import date, timedelta
from importlib import resources
from typing import Any, TextIO

from idlib_cli.exports.common import (
    Record,
    coordinates,
    date_label,
    day,
    figure_text,
    fuzziness,
    is_http_url,
    json_text,
    one_line,
    place_name,
)
from idlib_cli.exports.context import ExportContext

_EPOCH = date(1970, 1, 1)
# Inside <script>, "</script" or "<!--" would end or change the block; JSON allows any
# character as a \u escape, so these are written that way and parse back unchanged.
_SCRIPT_SAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                "\u2029": "\\u2029"}


def _asset(name: str) -> str:
    return resources.files("idlib_cli.exports").joinpath(name).read_text(encoding="utf-8")


def _script() -> str:
    """The page's script: its two files share one function scope, and init() starts it."""
    parts = (_asset("page.js"), _asset("page_charts.js"))
    return '(function () {\n"use strict";\n' + "".join(parts) + "init();\n})();\n"


def _days(iso: str, *, after: bool = False) -> int:
    """Days since 1970-01-01, the unit the page's script positions by; `after` gives the
    exclusive end (the day after the last day)."""
    return (day(iso) + timedelta(days=1 if after else 0) - _EPOCH).days


def _href(url: Any) -> str | None:
    return str(url) if is_http_url(url) else None


def _place(record: Record) -> Record | None:
    name = place_name(record)
    if name is None:
        return None
    place = record.get("place") if isinstance(record.get("place"), dict) else None
    point = coordinates(record)
    return {"key": f"p:{place['id']}" if place and place.get("id") else f"l:{name}",
            "name": name, "kind": place.get("kind") if place else None,
            "lat": point[1] if point else None, "lon": point[0] if point else None}


def event_payload(record: Record) -> Record:
    """What the page needs of one event; URLs that are not http(s) lose their href."""
    return {
        "id": str(record.get("id")), "title": record.get("title") or "",
        "summary": record.get("summary") or "", "type": record.get("type") or "event",
        "label": date_label(record), "fuzzy": fuzziness(record),
        "s": _days(record["start"]), "e": _days(record["end"], after=True),
        "actors": [{"id": a.get("id"), "name": a.get("name") or a.get("id"),
                    "role": a.get("role")} for a in record.get("actors") or ()],
        "place": _place(record),
        "figures": [{"text": figure_text(f), "href": _href(f.get("source_url"))}
                    for f in record.get("figures") or ()],
        "sources": [{"title": s.get("title"), "publisher": s.get("publisher"),
                     "published": s.get("published"), "url": s.get("url"),
                     "href": _href(s.get("url"))} for s in record.get("sources") or ()],
        "tags": [str(tag) for tag in record.get("tags") or ()],
        "date_note": record.get("date_note"), "note": record.get("note"),
    }


def era_payload(era: Record) -> Record:
    span = {"start": era["start"], "end": era["end"], "precision": "interval",
            "date": f"{era['start']}/{era['end']}"}
    return {"name": era.get("name") or era.get("id") or "", "label": date_label(span),
            "description": era.get("description") or "",
            "s": _days(era["start"]), "e": _days(era["end"], after=True),
            "sources": [{"title": s.get("title"), "publisher": s.get("publisher"),
                         "href": _href(s.get("url"))} for s in era.get("sources") or ()]}


def embedded_json(value: Any) -> str:
    """JSON that can sit inside a <script> element without ending it or changing its parse."""
    text = json_text(value)
    for char, escape in _SCRIPT_SAFE.items():
        text = text.replace(char, escape)
    return text


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() \
        + "'"


_FILTERS = """<div id="filters" role="search">
<label class="grow">Search text<input id="q" type="search" autocomplete="off"
 placeholder="e.g. ceasefire, Erdogan"></label>
<label>Actor<select id="actor"><option value="">All actors</option></select></label>
<label>Type<select id="type"><option value="">All types</option></select></label>
<label>Place<select id="place"><option value="">All places</option></select></label>
<label>Period<select id="era"><option value="">All periods</option></select></label>
<button id="reset" type="button">Clear</button>
</div>"""

_BODY = """<section id="overview" aria-label="Timeline overview"></section>
<div id="main">
<section id="list" aria-label="Events"></section>
<aside id="side">
<details id="mapbox" open><summary>Map</summary>
<svg id="map" role="img" aria-label="Places of the events" viewBox="0 0 600 400"></svg>
<p id="elsewhere"></p></details>
<details id="erabox" open><summary>Periods</summary></details>
</aside>
</div>
<footer>Made with idlib. Summaries are idlib's own words; each linked page belongs to its
publisher. Data: CC BY 4.0, cite idlib and, above all, the sources each event lists.</footer>"""


def page(records: Sequence[Record], context: ExportContext) -> str:
    """The whole document as one string."""
    script, style = _script(), _asset("page.css")
    data = {"title": context.title, "events": [event_payload(r) for r in records],
            "eras": [era_payload(e) for e in context.eras]}
    policy = (f"default-src 'none'; script-src {_sha256(script)}; style-src {_sha256(style)}; "
              "img-src 'none'; base-uri 'none'; form-action 'none'")
    title = html.escape(one_line(context.title), quote=True)
    return "\n".join([
        "<!doctype html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{title}</title>", f"<style>{style}</style>", "</head>", "<body>",
        f'<header><h1>{title}</h1><p id="count" aria-live="polite"></p></header>',
        "<noscript><p>This page needs JavaScript to draw the timeline.</p></noscript>",
        _FILTERS, _BODY,
        f'<script type="application/json" id="idlib-data">{embedded_json(data)}</script>',
        f"<script>{script}</script>", "</body>", "</html>", ""])


def write(records: Sequence[dict[str, Any]], stream: TextIO, context: ExportContext) -> None:
    stream.write(page(records, context))
