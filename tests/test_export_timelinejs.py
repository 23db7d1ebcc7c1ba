"""TimelineJS3 JSON, loaded by TimelineJS itself (npm @knight-lab/timelinejs) in headless
Chromium from a page served on 127.0.0.1, the way a newsroom would host it."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chromium import Chromium
from export_support import TOOLS, Record, real_eras, real_records, render, tool_missing
from hostile_records import hostile_records
from idlib_cli.exports import timelinejs
from idlib_cli.exports.common import date_label, fuzziness, is_http_url, one_line
from idlib_cli.model import EVENT_TYPES

DIST = TOOLS / "node_modules" / "@knight-lab" / "timelinejs" / "dist"
LOADED = "document.body.getAttribute('data-loaded') === '1'"
# font: null keeps TimelineJS from loading its default Google Fonts: the page must load
# nothing from outside (and there is no network here to load it from).
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<link rel="stylesheet" href="dist/css/timeline.css">
<script src="dist/js/timeline.js"></script></head>
<body><div id="timeline" style="width: 1200px; height: 700px"></div>
<script type="application/json" id="data">{data}</script>
<script>
window.tl = new TL.Timeline("timeline", JSON.parse(document.getElementById("data").textContent),
  {{script_path: new URL("dist/js/", location.href).href, font: null}});
window.tl.on("loaded", function () {{ document.body.setAttribute("data-loaded", "1"); }});
</script></body></html>
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Requests are checked through the browser, not logged."""


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served on 127.0.0.1 with TimelineJS's dist beside the page."""
    if not (DIST / "js" / "timeline.js").exists():
        tool_missing(f"TimelineJS ({DIST})")
    (tmp_path / "dist").symlink_to(DIST)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield tmp_path, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def _load(site: tuple[Path, str], records: list[Record]) -> tuple[Chromium, str]:
    folder, origin = site
    (folder / "index.html").write_text(PAGE.format(data=render(timelinejs, records)), "utf-8")
    browser = Chromium()
    browser.open(f"{origin}/index.html")
    browser.wait_for(LOADED, 30)
    return browser, origin


def _assert_clean(browser: Chromium, origin: str) -> None:
    assert browser.problems() == []
    assert all(url.startswith(origin + "/") or url.startswith("data:")
               for url in browser.requests()), browser.requests()


def test_timelinejs_renders_one_slide_per_event(site: tuple[Path, str]) -> None:
    records = real_records()
    browser, origin = _load(site, records)
    try:
        assert browser.evaluate("tl.config.events.length") == len(records)
        assert browser.evaluate("tl.config.messages.errors.length") == 0
        assert browser.evaluate("tl.config.eras.length") == len(real_eras()) > 0
        assert browser.evaluate("document.querySelectorAll('.tl-slide-titleslide').length") == 1
        slides = "document.querySelectorAll('.tl-slide:not(.tl-slide-titleslide)')"
        assert browser.evaluate(f"{slides}.length") == len(records)
        headlines = browser.evaluate(f"[...{slides}].map(s => s.querySelector('.tl-headline')"
                                     ".textContent)")
        assert sorted(headlines) == sorted(one_line(r["title"]) for r in records)
        assert browser.evaluate("document.querySelectorAll('.tl-timemarker').length") == \
            len(records)
        browser.evaluate("tl.goToId(tl.config.events[0].unique_id)")
        browser.screenshot(site[0] / "timelinejs.png")
        _assert_clean(browser, origin)
    finally:
        browser.close()


def test_fuzzy_dates_show_their_display_date(site: tuple[Path, str]) -> None:
    records = [r for r in real_records() if fuzziness(r)]
    assert records
    browser, origin = _load(site, records)
    try:
        shown = browser.evaluate(
            "Object.fromEntries([...document.querySelectorAll('.tl-slide')].filter(s => s.id)"
            ".map(s => [s.id, (s.querySelector('.tl-headline-date') || {}).textContent]))")
        for record in records:
            assert shown[record["id"]] == date_label(record)
        _assert_clean(browser, origin)
    finally:
        browser.close()


def test_hostile_text_stays_text_in_timelinejs(site: tuple[Path, str]) -> None:
    records = sorted(hostile_records(), key=lambda r: r["start"])
    browser, origin = _load(site, records)
    try:
        assert browser.evaluate("typeof window.__pwned") == "undefined"
        slides = "document.querySelectorAll('.tl-slide:not(.tl-slide-titleslide)')"
        assert browser.evaluate(f"{slides}.length") == len(records)
        headlines = browser.evaluate(f"[...{slides}].map(s => s.querySelector('.tl-headline')"
                                     ".textContent)")
        assert sorted(headlines) == sorted(one_line(r["title"]) for r in records)
        hrefs = browser.evaluate("[...document.querySelectorAll('.tl-slide [href]')]"
                                 ".map(e => e.getAttribute('href'))")
        assert hrefs and all(is_http_url(href) for href in hrefs), hrefs
        assert browser.evaluate("document.querySelectorAll('.tl-slide img, .tl-slide iframe, "
                                ".tl-slide svg, .tl-slide script').length") == 0
        _assert_clean(browser, origin)
    finally:
        browser.close()


def test_dates_carry_only_the_fields_their_precision_knows() -> None:
    by_precision = {r["precision"]: r for r in real_records()}
    month = timelinejs.slide(by_precision["month"])
    assert set(month["start_date"]) == {"year", "month"} and "end_date" not in month
    assert month["display_date"] == date_label(by_precision["month"])
    season = timelinejs.slide(by_precision["season"])
    assert set(season["start_date"]) == set(season["end_date"]) == {"year", "month"}
    day = timelinejs.slide(by_precision["day"])
    assert set(day["start_date"]) == {"year", "month", "day"} and "display_date" not in day
    interval = timelinejs.slide(by_precision["interval"])
    assert set(interval["end_date"]) == {"year", "month", "day"}


def test_every_event_type_has_a_navigator_row() -> None:
    assert all(timelinejs.group(kind) != "Other" for kind in EVENT_TYPES)
