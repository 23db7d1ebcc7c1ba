"""`idlib timeline` and `idlib stats` as users run them: filters, piping, formats, errors."""

from __future__ import annotations

import json
import re

from conftest import idlib


def test_timeline_piped_is_plain_text_that_fits_an_email() -> None:
    ran = idlib("timeline", "--tag", "astana-round")
    assert ran.code == 0
    lines = ran.out.splitlines()
    assert "\x1b" not in ran.out
    assert max(len(line) for line in lines) <= 80
    rounds = [line for line in lines if "◇ " in line and "round" in line.lower()]
    assert len(rounds) == 22  # one line per round, with the talks marker


def test_timeline_takes_every_filter_and_groups_by_year() -> None:
    ran = idlib("timeline", "--actor", "turkey", "--since", "2020-02", "--until", "2020-03",
                "--by", "year", env={"COLUMNS": "120"})
    assert ran.code == 0
    month_headings = re.compile(r"^\W*[A-Z][a-z]+ 2020 +[█▏▎▍▌▋▊▉]", re.M)
    assert re.search(r"^\W*2020 +[█▏▎▍▌▋▊▉]+ \d+$", ran.out, re.M)
    assert not month_headings.search(ran.out)
    assert max(len(line) for line in ran.out.splitlines()) <= 120


def test_timeline_refuses_a_bad_grouping() -> None:
    ran = idlib("timeline", "--by", "week")
    assert ran.code == 2 and "choose month or year" in ran.err


def test_stats_rows_add_up_to_the_events_listed() -> None:
    rows = json.loads(idlib("stats", "--by", "year", "--json").out)
    listed = idlib("events", "--fields", "id").out.splitlines()
    assert sum(row["events"] for row in rows) == len(listed)
    assert [row["key"] for row in rows] == sorted(row["key"] for row in rows)


def test_stats_by_every_grouping_and_format() -> None:
    for by in ("year", "month", "type", "actor", "place", "publisher"):
        ran = idlib("stats", "--by", by, "--tag", "feb-2020-crisis", "--csv")
        assert ran.code == 0, ran.err
        assert ran.out.splitlines()[0] == "key,label,events"
    assert idlib("stats", "--by", "colour").code == 2
