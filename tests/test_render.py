"""Output formats and the inertness of store text."""

from __future__ import annotations

import csv
import io
import json

from idlib_cli.records import event_record
from idlib_cli.render import (
    EVENT_FIELDS,
    flat,
    inert,
    tsv_cell,
    write_records,
)
from idlib_cli.store import Store


def render(store: Store, fmt: str, fields: tuple[str, ...] = EVENT_FIELDS) -> str:
    out = io.StringIO()
    records = [event_record(store.actors, event) for event in store.events]
    write_records(fmt, records, fields, out)
    return out.getvalue()


def test_json_record_has_the_documented_fields(tiny: Store) -> None:
    record = json.loads(render(tiny, "json"))[2]
    assert record["id"] == "2020-02-27-balyun"
    assert (record["date"], record["start"], record["end"]) == ("2020-02-27",) * 3
    assert record["actors"][0] == {"id": "turkish-armed-forces", "name": "Turkish Armed Forces",
                                   "role": "target"}
    assert record["location"] == {"name": "Balyun, Idlib", "place": None}
    assert [f["value"] for f in record["figures"]] == [33, 34]
    assert record["sources"][0]["url"] == "https://example.org/a"


def test_json_end_is_the_last_day_inclusive(tiny: Store) -> None:
    record = json.loads(render(tiny, "json"))[1]
    assert (record["date"], record["start"], record["end"]) == \
        ("2020-02", "2020-02-01", "2020-02-29")


def test_jsonl_is_one_object_per_line(tiny: Store) -> None:
    lines = render(tiny, "jsonl").splitlines()
    assert len(lines) == len(tiny.events)
    assert [json.loads(line)["id"] for line in lines] == [e.id for e in tiny.events]


def test_csv_round_trips_through_a_csv_reader(tiny: Store) -> None:
    rows = list(csv.DictReader(io.StringIO(render(tiny, "csv", ("id", "title", "actors")))))
    assert rows[2] == {"id": "2020-02-27-balyun", "title": "Airstrike at Balyun",
                       "actors": "turkish-armed-forces; syrian-government"}


def test_plain_output_is_one_line_per_event_without_header(tiny: Store) -> None:
    lines = render(tiny, "plain", ("id", "title")).splitlines()
    assert lines[0] == "2019-spring-escalation\tClashes escalate"
    assert len(lines) == len(tiny.events)


def test_tsv_escapes_tabs_and_newlines() -> None:
    assert tsv_cell("a\tb\nc\\d") == "a\\tb\\nc\\\\d"


def test_inert_shows_escape_sequences_and_bidi_overrides() -> None:
    assert inert("\x1b[31mred\x1b]8;;http://x\x07") == "\\x1b[31mred\\x1b]8;;http://x\\x07"
    assert inert("abc\u202edef") == "abc\\u202edef"


def test_json_escapes_bidi_losslessly() -> None:
    out = io.StringIO()
    write_records("json", [{"t": "a\u202eb\x1b"}], ("t",), out)
    assert "\u202e" not in out.getvalue() and "\x1b" not in out.getvalue()
    assert json.loads(out.getvalue()) == [{"t": "a\u202eb\x1b"}]


def test_table_shows_markup_literally(tiny: Store) -> None:
    out = io.StringIO()
    write_records("table", [{"title": "[bold]x[/bold] [link=http://evil]y[/link]"}], ("title",),
                  out, color=True)
    assert "[bold]x[/bold] [link=http://evil]y[/link]" in out.getvalue()


def test_flat_numbers_and_lists() -> None:
    assert flat(33.0) == "33"
    assert flat(["a", "b"]) == "a; b"
    assert flat(None) == ""
