"""The helpers every export shares: date labels, link safety, inert text."""

from __future__ import annotations

from typing import Any

import pytest

from export_support import real_records
from hostile_records import BAD_URLS
from idlib_cli.exports.common import (
    coordinates,
    date_label,
    fuzziness,
    is_http_url,
    json_text,
    unique_sources,
    visible,
)


def _dated(date: str, start: str, end: str, precision: str, approximate: bool = False
           ) -> dict[str, Any]:
    return {"date": date, "start": start, "end": end, "precision": precision,
            "approximate": approximate}


@pytest.mark.parametrize(("record", "label"), [
    (_dated("2020-03-05", "2020-03-05", "2020-03-05", "day"), "5 March 2020"),
    (_dated("2020-02", "2020-02-01", "2020-02-29", "month"), "February 2020"),
    (_dated("2024-02~", "2024-02-01", "2024-02-29", "month", True), "c. February 2024"),
    (_dated("2019-21", "2019-03-01", "2019-05-31", "season"), "spring 2019"),
    (_dated("2019-24", "2019-12-01", "2020-02-29", "season"), "winter 2019–20"),
    (_dated("2019", "2019-01-01", "2019-12-31", "year"), "2019"),
    (_dated("2011-06-04/2011-06-12", "2011-06-04", "2011-06-12", "interval"), "4–12 June 2011"),
    (_dated("2020-02-28/2020-03-05", "2020-02-28", "2020-03-05", "interval"),
     "28 February – 5 March 2020"),
    (_dated("2024-12-31/2025-01-02", "2024-12-31", "2025-01-02", "interval"),
     "31 December 2024 – 2 January 2025"),
    (_dated("2019-04/2019-06", "2019-04-01", "2019-06-30", "interval"), "April 2019 – June 2019"),
])
def test_date_label_says_the_date_at_its_precision(record: dict[str, Any], label: str) -> None:
    assert date_label(record) == label


def test_fuzziness_is_said_only_for_vague_dates() -> None:
    assert fuzziness(_dated("2020-03-05", "2020-03-05", "2020-03-05", "day")) is None
    assert fuzziness(_dated("2020-02", "2020-02-01", "2020-02-29", "month")) == \
        "only the month is known"
    assert fuzziness(_dated("2024-02~", "2024-02-01", "2024-02-29", "month", True)) == \
        "approximate; only the month is known"


def test_every_real_record_gets_a_label() -> None:
    for record in real_records():
        assert date_label(record)


@pytest.mark.parametrize("url", BAD_URLS)
def test_only_plain_http_urls_may_become_links(url: str) -> None:
    assert not is_http_url(url)


def test_plain_http_urls_are_links() -> None:
    assert is_http_url("https://example.org/a?b=1&c=%20#x")
    assert is_http_url("HTTP://EXAMPLE.ORG")
    assert not is_http_url("https://")
    assert not is_http_url(None)


def test_visible_shows_controls_bidi_and_lone_surrogates() -> None:
    assert visible("a\x1b[31mb\u202ec\udc80\r\nd") == "a\\x1b[31mb\\u202ec\\udc80\nd"


def test_json_text_is_encodable_and_lossless() -> None:
    import json
    value = {"t": "lone \udc80 and \u202e and \x9b"}
    text = json_text(value)
    text.encode("utf-8")
    assert json.loads(text) == value


def test_coordinates_must_be_real_numbers_in_range() -> None:
    def rec(lat: Any, lon: Any) -> dict[str, Any]:
        return {"place": {"id": "x", "name": "X", "kind": "town", "lat": lat, "lon": lon}}
    assert coordinates(rec(35.9, 36.6)) == (36.6, 35.9)
    for lat, lon in ((None, 36.6), (95, 36.6), (35, 181), (True, 1), ("35", "36"),
                     (float("nan"), 1.0)):
        assert coordinates(rec(lat, lon)) is None
    assert coordinates({"place": None}) is None


def test_unique_sources_keeps_first_citation_order() -> None:
    records = [{"sources": [{"url": "https://a"}, {"url": "https://b"}]},
               {"sources": [{"url": "https://b "}, {"url": "https://c"}]}]
    assert [s["url"] for s in unique_sources(records)] == ["https://a", "https://b",
                                                            "https://c"]
