"""Dates: the recorded EDTF subset and what users type."""

from __future__ import annotations

from datetime import date

import pytest

from idlib_cli.dates import parse_edtf, parse_user_date
from idlib_cli.errors import DateError


@pytest.mark.parametrize(
    ("text", "start", "last", "precision"),
    [
        ("2020-03-05", date(2020, 3, 5), date(2020, 3, 5), "day"),
        ("2020-02", date(2020, 2, 1), date(2020, 2, 29), "month"),
        ("2019", date(2019, 1, 1), date(2019, 12, 31), "year"),
        ("2019-21", date(2019, 3, 1), date(2019, 5, 31), "season"),
        ("2019-22", date(2019, 6, 1), date(2019, 8, 31), "season"),
        ("2019-23", date(2019, 9, 1), date(2019, 11, 30), "season"),
        ("2019-24", date(2019, 12, 1), date(2020, 2, 29), "season"),
        ("2017-01-23/2017-01-24", date(2017, 1, 23), date(2017, 1, 24), "interval"),
        ("2019-12/2020-03-05", date(2019, 12, 1), date(2020, 3, 5), "interval"),
    ],
)
def test_edtf_dates_become_inclusive_day_ranges(text: str, start: date, last: date,
                                                precision: str) -> None:
    span = parse_edtf(text)
    assert (span.start, span.last, span.precision) == (start, last, precision)


def test_tilde_marks_a_date_approximate_without_moving_it() -> None:
    span = parse_edtf("2019-04~")
    assert span.approximate and span.start == date(2019, 4, 1) and span.last == date(2019, 4, 30)


@pytest.mark.parametrize("text", ["2020-02-30", "2020-13", "2020-00-10", "0000", "12345",
                                  "2020-25", "2020/2019", "", "20-03-05", "2020-03-05/2020-03-01"])
def test_impossible_recorded_dates_are_refused(text: str) -> None:
    with pytest.raises(DateError):
        parse_edtf(text)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2020", date(2020, 1, 1), date(2021, 1, 1)),
        ("2020-03", date(2020, 3, 1), date(2020, 4, 1)),
        ("2020-03-05", date(2020, 3, 5), date(2020, 3, 6)),
        ("5 March 2020", date(2020, 3, 5), date(2020, 3, 6)),
        ("March 2020", date(2020, 3, 1), date(2020, 4, 1)),
        ("Mar 2020", date(2020, 3, 1), date(2020, 4, 1)),
        ("2019-24", date(2019, 12, 1), date(2020, 3, 1)),
    ],
)
def test_user_dates_cover_their_whole_period(text: str, start: date, end: date) -> None:
    assert parse_user_date(text) == (start, end)


def test_a_missing_day_is_never_filled_from_today() -> None:
    """dateutil alone would turn 'February 2020' into today's day of that month."""
    assert parse_user_date("February 2020") == (date(2020, 2, 1), date(2020, 3, 1))


@pytest.mark.parametrize(
    ("text", "phrase"),
    [("5 March", "no year"), ("03/05/2020", "ambiguous"), ("banana", "cannot read"),
     ("2020-02-30", "not a real date"), ("0000", "year out of range"), ("", "empty"),
     ("99999-01-01", "cannot read"), ("x" * 100, "too long")],
)
def test_unreadable_user_dates_say_why(text: str, phrase: str) -> None:
    with pytest.raises(DateError, match=phrase):
        parse_user_date(text)
