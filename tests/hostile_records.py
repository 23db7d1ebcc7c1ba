"""Hand-written events whose text tries to break out of every export format.

Each string is aimed at one consumer: HTML and TimelineJS (script, event handlers, javascript:
URLs, a </script> inside JSON), Markdown (links, emphasis, footnotes, raw HTML, table pipes),
BibTeX (unbalanced braces, LaTeX commands), iCalendar (commas, semicolons, backslashes, line
breaks) and terminals (escape sequences, bidi overrides, lone surrogates).
"""

from __future__ import annotations

from typing import Any

Record = dict[str, Any]

PWN = "window.__pwned = (window.__pwned || 0) + 1"
HOSTILE_TITLES = [
    f"<script>{PWN}</script> title",
    f'<img src=x onerror="{PWN}"> picture',
    f"</script><script>{PWN}</script><!-- break out",
    f'"><svg onload="{PWN}"> [link](javascript:{PWN}) *not emphasis* [^1] | cell',
    "Braces } { \\ % $ & # _ ^ ~ \\end{document} \\input{/etc/passwd}",
    "Commas, semicolons; backslash \\ newline\nsecond line\r\nthird",
    "Escape \x1b[31mred\x1b[0m, bidi \u202eevil\u202c, line sep \u2028 and a lone \udc80",
]
BAD_URLS = [
    f"javascript:{PWN}",
    f"JaVaScRiPt:{PWN}",
    f" javascript:{PWN}",
    f"java\tscript:{PWN}",
    "data:text/html,<script>window.__pwned=1</script>",
    "vbscript:msgbox(1)",
    'https://ok.example/"onmouseover="window.__pwned=1',
    "//evil.example/protocol-relative",
]


def _source(index: int, url: str) -> Record:
    return {"url": url, "publisher": f"Publisher <b>{index}</b> & Co {{x}}",
            "title": HOSTILE_TITLES[index % len(HOSTILE_TITLES)], "published": "2020-03-05"}


def _record(index: int, title: str, **extra: Any) -> Record:
    record: Record = {
        "id": f"2020-03-{index + 1:02d}-hostile-{index}", "date": f"2020-03-{index + 1:02d}",
        "start": f"2020-03-{index + 1:02d}", "end": f"2020-03-{index + 1:02d}",
        "precision": "day", "approximate": False, "title": title,
        "summary": f"Summary of {title} with <b>bold</b> & [x](javascript:{PWN})",
        "type": "statement",
        "actors": [{"id": "evil", "name": f'<svg onload="{PWN}">Evil & Co', "role": "speaker"}],
        "location": {"name": f"<img src=y onerror=\"{PWN}\"> town"},
        "place": {"id": f"hostile-{index}", "name": f"<b onmouseover=\"{PWN}\">Place {index}</b>",
                  "kind": "town", "lat": 35.9 + index / 100, "lon": 36.6 + index / 100},
        "figures": [{"label": "<i>killed</i>", "value": 3, "qualifier": "at least",
                     "claimed_by": f"<script>{PWN}</script>", "note": None,
                     "source_url": BAD_URLS[index % len(BAD_URLS)]}],
        "sources": [_source(index, BAD_URLS[index % len(BAD_URLS)]),
                    _source(index + 1, f"https://news.example/{index}?a=1&b=%3C2%3E")],
        "tags": [f"<script>{PWN}</script>"],
        "date_note": f"</script>{PWN}", "note": f"<iframe src=javascript:{PWN}>",
        "url": BAD_URLS[index % len(BAD_URLS)],
    }
    record.update(extra)
    return record


def hostile_records() -> list[Record]:
    """One event per hostile title, each with hostile URLs, names and figures."""
    records = [_record(i, title) for i, title in enumerate(HOSTILE_TITLES)]
    records.append(_record(len(HOSTILE_TITLES), "Fuzzy month", date="2020-02~",
                           start="2020-02-01", end="2020-02-29", precision="month",
                           approximate=True, place=None, location=None))
    records.append(_record(len(HOSTILE_TITLES) + 1, "Season", date="2019-21",
                           start="2019-03-01", end="2019-05-31", precision="season",
                           place={"id": "nowhere", "name": "Nowhere", "kind": "town",
                                  "lat": None, "lon": None}))
    return records
