"""iCalendar export, read back by the `icalendar` library."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import icalendar

from export_support import Record, context, real_records, render
from hostile_records import HOSTILE_TITLES, hostile_records
from idlib_cli.exports import ics


def _events(text: str) -> list[Any]:
    calendar = icalendar.Calendar.from_ical(text)
    return list(calendar.walk("VEVENT"))


def _check_round_trip(records: list[Record]) -> list[Any]:
    events = _events(render(ics, records))
    assert len(events) == len(records)
    for record, event in zip(records, events, strict=True):
        assert str(event["UID"]) == f"{record['id']}@idlib"
        assert event.decoded("DTSTART") == date.fromisoformat(record["start"])
        assert event.decoded("DTEND") == date.fromisoformat(record["end"]) + timedelta(days=1)
        assert not isinstance(event.decoded("DTSTART"), datetime)
    return events


def test_every_real_event_round_trips_with_its_days_and_uid() -> None:
    records = real_records()
    events = _check_round_trip(records)
    assert len({str(e["UID"]) for e in events}) == len(records)


def test_lines_end_in_crlf_and_fold_at_75_octets() -> None:
    text = render(ics, real_records() + hostile_records())
    assert text.endswith("\r\n")
    physical = text.split("\r\n")[:-1]
    assert "\n" not in "".join(physical) and "\r" not in "".join(physical)
    assert max(len(line.encode("utf-8")) for line in physical) <= 75
    assert any(line.startswith(" ") for line in physical)


def test_folding_never_splits_a_multibyte_character() -> None:
    record = real_records()[0] | {"title": "Erdoğan " * 40, "summary": "ش" * 200}
    text = render(ics, [record])
    text.encode("utf-8").decode("utf-8")  # every physical line is whole UTF-8
    event = _events(text)[0]
    assert str(event["SUMMARY"]) == ("Erdoğan " * 40).strip()


def test_hostile_text_comes_back_exactly_as_text() -> None:
    records = hostile_records()
    events = _check_round_trip(records)
    for title, event in zip(HOSTILE_TITLES, events, strict=False):
        summary = str(event["SUMMARY"])
        # Line breaks become spaces in a one-line SUMMARY; invisible characters are shown.
        expected = " ".join(title.replace("\x1b", "\\x1b").replace("\u202e", "\\u202e")
                            .replace("\u202c", "\\u202c").replace("\udc80", "\\udc80").split())
        assert summary == expected
    assert "," in str(events[5]["SUMMARY"]) and ";" in str(events[5]["SUMMARY"])


def test_fuzzy_dates_are_said_in_the_description_and_span_their_period() -> None:
    records = [r for r in real_records() if r["precision"] in ("month", "season")]
    assert records
    for record, event in zip(records, _events(render(ics, records)), strict=True):
        description = str(event["DESCRIPTION"])
        assert "only the" in description and "is known" in description
        assert str(record["title"]).split()[0] in str(event["SUMMARY"])


def test_description_carries_summary_figures_and_sources() -> None:
    record = next(r for r in real_records() if r["figures"] and len(r["sources"]) > 1)
    event = _events(render(ics, [record]))[0]
    description = str(event["DESCRIPTION"])
    assert " ".join(str(record["summary"]).split()) in description
    for source in record["sources"]:
        assert source["url"] in description
    for figure in record["figures"]:
        assert str(figure["claimed_by"]) in description
    assert str(event["URL"]) == record["url"]


def test_non_http_urls_are_not_given_as_url() -> None:
    for event in _events(render(ics, hostile_records())):
        url = event.get("URL")
        assert url is None or str(url).startswith(("http://", "https://"))


def test_output_is_stable_and_clock_free() -> None:
    records = real_records()[:20]
    assert render(ics, records) == render(ics, records)
    assert "DTSTAMP:20250601T000000Z" in render(ics, records)


def test_an_empty_selection_is_a_valid_empty_calendar() -> None:
    assert _events(render(ics, [])) == []
    assert render(ics, [], context(title="x")).startswith("BEGIN:VCALENDAR\r\n")
