"""Properties that must hold for any input (hypothesis)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import query
from idlib_cli.catalog import MemoryCatalog
from idlib_cli.cli import cli
from idlib_cli.errors import StoreError
from idlib_cli.query import searchable_text
from idlib_cli.render import write_records
from idlib_cli.store import load
from idlib_cli.text import name_key

BUILTIN = MemoryCatalog(load([]))
ACTOR_IDS = sorted(BUILTIN.actors)
DAYS = st.dates(min_value=date(2010, 1, 1), max_value=date(2026, 1, 1))
WORDS = ["ceasefire", "idlib", "m4", "turk", "talks", "é", "hts", "is", "al nusra", "M-4"]


def found(**given: Any) -> list[dict[str, Any]]:
    return list(BUILTIN.search(query(BUILTIN, **given)))


@st.composite
def choices(draw: st.DrawFn) -> dict[str, Any]:
    since = draw(st.none() | DAYS)
    until = draw(st.none() | DAYS.filter(lambda d: since is None or d > since))
    return {"since": since and since.isoformat(), "until": until and until.isoformat(),
            "actors": tuple(draw(st.lists(st.sampled_from(ACTOR_IDS), max_size=2))),
            "keywords": tuple(draw(st.lists(st.sampled_from(WORDS), max_size=2)))}


@given(choices())
@settings(max_examples=150, deadline=None)
def test_results_lie_in_range_involve_the_actors_and_hold_the_words(given: dict[str, Any]) -> None:
    index = BUILTIN.actor_index
    wanted = [index.with_descendants(actor) for actor in given["actors"]]
    for record in found(**given):
        assert given["since"] is None or record["end"] >= given["since"]
        assert given["until"] is None or record["start"] <= given["until"]
        ids = {actor["id"] for actor in record["actors"]}
        assert all(ids & group for group in wanted)
        text = searchable_text(BUILTIN.actors, BUILTIN.store.event(record["id"]),
                               BUILTIN.places)
        for word in given["keywords"]:
            joined = name_key(word)
            # the word's letters in order, at a word start, gaps between words ignored
            assert re.search(" " + " ?".join(map(re.escape, joined)), text), (word, record["id"])


@given(choices(), st.sampled_from(ACTOR_IDS), DAYS, st.sampled_from(["m4", "russia", "aid"]))
@settings(max_examples=150, deadline=None)
def test_adding_a_filter_never_adds_results(given: dict[str, Any], actor: str, day: date,
                                            word: str) -> None:
    before = {record["id"] for record in found(**given)}
    narrower = [given | {"actors": (*given["actors"], actor)},
                given | {"keywords": (*given["keywords"], word)}]
    if given["until"] is None or day.isoformat() <= given["until"]:
        narrower.append(given | {"since": max(day.isoformat(), given["since"] or "")})
    for smaller in narrower:
        assert {record["id"] for record in found(**smaller)} <= before


def test_results_are_chronological() -> None:
    spans = [(record["start"], record["end"]) for record in found()]
    assert spans == sorted(spans)


# Printable text: our text formats deliberately escape control and bidi characters.
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cf", "Zl", "Zp")), max_size=40)
RECORDS = st.lists(st.fixed_dictionaries({"id": TEXT, "title": TEXT, "n": st.integers()}),
                   max_size=8)


def _render(fmt: str, records: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    write_records(fmt, records, ("id", "title", "n"), out)
    return out.getvalue()


@given(RECORDS)
@settings(deadline=None)
def test_json_and_jsonl_round_trip(records: list[dict[str, Any]]) -> None:
    assert json.loads(_render("json", records)) == records
    assert [json.loads(line) for line in _render("jsonl", records).splitlines()] == records


@given(RECORDS)
@settings(deadline=None)
def test_csv_round_trips(records: list[dict[str, Any]]) -> None:
    rows = list(csv.DictReader(io.StringIO(_render("csv", records), newline="")))
    assert rows == [{k: str(v) for k, v in r.items()} for r in records]


def _unescape_tsv(cell: str) -> str:
    table = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}
    out, i = [], 0
    while i < len(cell):
        pair = cell[i:i + 2]
        if pair in table:
            out.append(table[pair])
            i += 2
        else:
            out.append(cell[i])
            i += 1
    return "".join(out)


@given(st.lists(st.fixed_dictionaries({"id": TEXT | st.just("a\tb\\n\nc"), "title": TEXT,
                                       "n": st.integers()}), max_size=8))
@settings(deadline=None)
def test_tsv_round_trips_one_line_per_record(records: list[dict[str, Any]]) -> None:
    lines = _render("tsv", records).split("\n")[1:-1]
    assert len(lines) == len(records)
    parsed = [[_unescape_tsv(cell) for cell in line.split("\t")] for line in lines]
    assert parsed == [[r["id"], r["title"], str(r["n"])] for r in records]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["schema_version", "events", "actors", "id", "date", "title", "summary",
                         "type", "sources", "url", "name", "kind", "role", "parent", "figures",
                         "value", "x"]), inner, max_size=6),
    max_leaves=30)


@given(JSON)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_loader_raises_only_its_own_error(document: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "store.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        with contextlib.suppress(StoreError):  # any other exception fails the test
            load([path], include_builtin=False)


@contextlib.contextmanager
def _inside(folder: str) -> Iterator[None]:
    previous = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


TOKENS = st.sampled_from(["events", "actors", "show", "validate", "types", "add", "--actor",
                          "--since", "--until", "--keyword", "--type", "--limit", "--fields",
                          "--json", "--csv", "--tsv", "--jsonl", "--table", "--reverse", "-n",
                          "turkey", "2020", "2020-02-30", "0", "-1", "id,title", "--data",
                          "--no-builtin", "x", "", "Ankara", "--version", "-h", "--to",
                          "/nonexistent/dir/file.json", "2020-03-05-moscow-additional-protocol"])


@given(st.lists(TOKENS | st.text(max_size=8), max_size=7))
@settings(max_examples=300, deadline=None)
def test_random_argument_vectors_never_raise(args: list[str]) -> None:
    with tempfile.TemporaryDirectory() as scratch, _inside(scratch):  # `add` may create files
        result = CliRunner().invoke(cli, args, env={"IDLIB_DATA": ""})
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        (args, repr(result.exception))
    assert result.exit_code in (0, 1, 2), args


def test_dates_every_day_of_a_leap_year_parse() -> None:
    from idlib_cli.dates import parse_user_date

    day = date(2020, 1, 1)
    while day.year == 2020:
        assert parse_user_date(day.isoformat()) == (day, day + timedelta(days=1))
        day += timedelta(days=1)
