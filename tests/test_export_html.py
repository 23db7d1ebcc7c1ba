"""The HTML page, opened from file:// in headless Debian Chromium.

Each test checks the page the way a reader meets it: every event shown, filters typed into the
page, no console error, no network request, and store text that never runs as code.
Screenshots are kept in each test's tmp_path.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from chromium import Chromium
from export_support import Record, context, real_records, render
from hostile_records import HOSTILE_TITLES, hostile_records
from idlib_cli.exports import html
from idlib_cli.exports.common import place_name

READY = "document.body.getAttribute('data-ready') === '1'"
SHOWN = "Number(document.body.getAttribute('data-shown'))"
VISIBLE_IDS = ("[...document.querySelectorAll('article.event')].filter(a => !a.hidden)"
               ".map(a => a.id.slice(3))")


@pytest.fixture
def browser() -> Iterator[Chromium]:
    with Chromium() as chromium:
        yield chromium


def _open(browser: Chromium, path: Path, records: list[Record], **changes: object) -> str:
    path.write_text(render(html, records, context(**changes)), encoding="utf-8")
    url = path.as_uri()
    browser.open(url)
    browser.wait_for(READY, 15)
    return url


def _fold(text: str) -> str:
    """The page's folding, written again: accents off, lower case, non-alphanumerics as spaces."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text)
                    if not "\u0300" <= c <= "\u036f").lower()
    return "".join(c if c.isalnum() else " " for c in plain)


def _text_matches(record: Record, query: str) -> bool:
    hay = " " + _fold(" ".join([record["title"], record["summary"], record["type"],
                                place_name(record) or "", " ".join(record["tags"]),
                                " ".join(a["name"] for a in record["actors"])])) + " "
    return all(f" {word}" in hay for word in _fold(query).split())


def _assert_clean(browser: Chromium, url: str) -> None:
    assert browser.problems() == []
    assert set(browser.requests()) == {url}, "the page asked the network for something"


def test_every_event_is_shown_and_a_typed_filter_applies(browser: Chromium,
                                                        tmp_path: Path) -> None:
    records = real_records()
    url = _open(browser, tmp_path / "page.html", records)
    assert browser.evaluate(VISIBLE_IDS) == [r["id"] for r in records]
    assert browser.evaluate(SHOWN) == len(records)
    assert browser.evaluate("document.querySelectorAll('#overview .mark').length") == len(records)
    browser.screenshot(tmp_path / "desktop.png")

    browser.type_text("#q", "ceasefire idlib")
    expected = [r["id"] for r in records if _text_matches(r, "ceasefire idlib")]
    assert 0 < len(expected) < len(records)
    browser.wait_for(f"{SHOWN} === {len(expected)}", 5)
    assert browser.evaluate(VISIBLE_IDS) == expected
    assert browser.evaluate("document.getElementById('count').textContent") == \
        f"Showing {len(expected)} of {len(records)} events."
    browser.screenshot(tmp_path / "filtered.png")
    _assert_clean(browser, url)


@pytest.mark.parametrize(("select", "value", "keep"), [
    ("actor", "turkey", lambda r: any(a["id"] == "turkey" for a in r["actors"])),
    ("type", "agreement", lambda r: r["type"] == "agreement"),
    ("place", "p:idlib", lambda r: (r["place"] or {}).get("id") == "idlib"),
])
def test_actor_type_and_place_filters(browser: Chromium, tmp_path: Path, select: str,
                                      value: str, keep: Callable[[Record], bool]) -> None:
    records = real_records()
    url = _open(browser, tmp_path / "page.html", records)
    expected = [r["id"] for r in records if keep(r)]
    assert expected
    browser.evaluate(f"(() => {{ const s = document.getElementById('{select}');"
                     f" s.value = '{value}'; s.dispatchEvent(new Event('change')); }})()")
    assert browser.evaluate(VISIBLE_IDS) == expected
    _assert_clean(browser, url)


def test_clicking_a_map_place_filters_by_it(browser: Chromium, tmp_path: Path) -> None:
    records = real_records()
    url = _open(browser, tmp_path / "page.html", records)
    spots = browser.evaluate("document.querySelectorAll('#map circle.spot').length")
    assert spots > 3
    browser.evaluate("document.querySelector('#map circle.spot').dispatchEvent("
                     "new MouseEvent('click'))")
    chosen = browser.evaluate("document.getElementById('place').value")
    expected = [r["id"] for r in records if r["place"] and f"p:{r['place']['id']}" == chosen]
    assert expected and browser.evaluate(VISIBLE_IDS) == expected
    _assert_clean(browser, url)


def test_an_event_opens_to_summary_figures_claimants_and_sources(browser: Chromium,
                                                                 tmp_path: Path) -> None:
    records = real_records()
    record = next(r for r in records if r["figures"] and len(r["sources"]) > 1)
    url = _open(browser, tmp_path / "page.html", records)
    card = f"document.getElementById({json.dumps('ev-' + record['id'])})"
    browser.evaluate(f"{card}.querySelector('summary').click()")
    assert browser.evaluate(f"{card}.querySelector('details').open") is True
    text = browser.evaluate(f"{card}.querySelector('.body').innerText")
    assert " ".join(record["summary"].split()) in " ".join(text.split())
    for figure in record["figures"]:
        assert f"claimed by {figure['claimed_by']}" in text
    links = browser.evaluate(f"[...{card}.querySelectorAll('.body ol a')].map(a => a.href)")
    assert links == [s["url"] for s in record["sources"]]
    browser.screenshot(tmp_path / "opened.png")
    _assert_clean(browser, url)


def test_readable_at_phone_width(tmp_path: Path) -> None:
    with Chromium(390, 844, mobile=True) as browser:
        records = real_records()
        url = _open(browser, tmp_path / "page.html", records)
        assert browser.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert browser.evaluate("document.getElementById('q').getBoundingClientRect().width") \
            > 300
        assert browser.evaluate(SHOWN) == len(records)
        browser.screenshot(tmp_path / "phone.png")
        _assert_clean(browser, url)


def test_hostile_text_never_runs_and_only_http_links_are_made(browser: Chromium,
                                                              tmp_path: Path) -> None:
    records = sorted(hostile_records() + real_records()[:10], key=lambda r: r["start"])
    url = _open(browser, tmp_path / "hostile.html", records,
                title="<script>window.__pwned=1</script> title")
    browser.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert browser.evaluate("typeof window.__pwned") == "undefined"
    assert browser.evaluate("document.scripts.length") == 2
    assert browser.evaluate("document.querySelectorAll('img, iframe, object, embed, "
                            "#list svg, #list b, #list i').length") == 0
    handlers = "[...document.querySelectorAll('*')].flatMap(e => [...e.attributes])" \
               ".filter(a => /^on/i.test(a.name)).length"
    assert browser.evaluate(handlers) == 0
    hrefs = browser.evaluate("[...document.querySelectorAll('[href]')]"
                             ".map(e => e.getAttribute('href'))")
    assert hrefs and all(re.match(r"https?://", href) for href in hrefs), hrefs
    shown_titles = browser.evaluate("[...document.querySelectorAll('.event .title')]"
                                    ".map(e => e.textContent)")
    for title in HOSTILE_TITLES:
        assert title in shown_titles
    assert browser.evaluate("document.querySelector('h1').textContent") == \
        "<script>window.__pwned=1</script> title"
    browser.type_text("#q", "pwned")
    browser.wait_for(f"{SHOWN} === {len(hostile_records())}", 5)
    browser.screenshot(tmp_path / "hostile.png")
    assert browser.evaluate("typeof window.__pwned") == "undefined"
    _assert_clean(browser, url)


def test_the_file_is_self_contained(tmp_path: Path) -> None:
    text = render(html, hostile_records() + real_records()[:5])
    assert "default-src 'none'" in text
    assert not re.search(r"<(script|link|img|iframe)[^>]*\s(src|href)=", text)
    assert text.count("<script") == 2
    data = text.split('<script type="application/json" id="idlib-data">', 1)[1]
    data = data.split("</script>", 1)[0]
    assert "<" not in data and ">" not in data and "&" not in data
    assert len(json.loads(data)["events"]) == len(hostile_records()) + 5


def test_an_empty_selection_says_so(browser: Chromium, tmp_path: Path) -> None:
    url = _open(browser, tmp_path / "empty.html", [])
    assert browser.evaluate("document.getElementById('none').hidden") is False
    assert browser.evaluate("document.getElementById('none').textContent") == "No events."
    _assert_clean(browser, url)


@pytest.mark.parametrize("actor", ["turkey", "russia", "united-nations"])
def test_the_map_frames_a_cluster_for_any_selection(browser: Chromium, tmp_path: Path,
                                                    actor: str) -> None:
    """Turkey's events cluster in Idlib but spread to Ankara and Astana: the frame is the
    densest cluster, never an empty spot between clusters (a median of latitudes and one of
    longitudes once framed nothing, and the view box became NaN)."""
    records = [r for r in real_records() if actor in {a["id"] for a in r["actors"]}]
    url = _open(browser, tmp_path / "page.html", records)
    assert "NaN" not in browser.evaluate("document.getElementById('map').getAttribute('viewBox')")
    assert browser.evaluate("document.querySelectorAll('#map circle.spot').length") > 0
    _assert_clean(browser, url)
