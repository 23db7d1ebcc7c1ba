"""Dates: the EDTF subset events are recorded in, and what users type after --since/--until.

Every date becomes a half-open interval of days [start, end). Seasons use northern-hemisphere
meteorological windows: spring = Mar-May, summer = Jun-Aug, autumn = Sep-Nov, winter = Dec to
the end of February of the next year.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from idlib_cli.errors import DateError
from idlib_cli.model import DateSpan

# EDTF season codes -> (first month, number of months)
SEASONS: dict[int, tuple[int, int]] = {21: (3, 3), 22: (6, 3), 23: (9, 3), 24: (12, 3)}
SEASON_NAMES = {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}

_PART = re.compile(r"^(?P<year>\d{4})(?:-(?P<mid>\d{2})(?:-(?P<day>\d{2}))?)?$")
MIN_YEAR, MAX_YEAR = 1000, 9999


def _add_months(year: int, month: int, months: int) -> date:
    index = year * 12 + (month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def _check_year(year: int, text: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError(f"year out of range in {text!r}: use a four-digit year from 1000 to 9999")


def _single(text: str, original: str) -> tuple[date, date, str]:
    """One EDTF date without '/' or '~' -> (start, end, precision)."""
    match = _PART.match(text)
    if not match:
        raise DateError(
            f"cannot read date {original!r}: use YYYY, YYYY-MM, YYYY-MM-DD or a season YYYY-21..24"
        )
    year = int(match["year"])
    _check_year(year, original)
    if match["mid"] is None:
        return date(year, 1, 1), date(year + 1, 1, 1), "year"
    mid = int(match["mid"])
    if match["day"] is None:
        if mid in SEASONS:
            first, length = SEASONS[mid]
            return date(year, first, 1), _add_months(year, first, length), "season"
        if not 1 <= mid <= 12:
            raise DateError(f"no month {mid} in {original!r}: months run 01-12 (seasons 21-24)")
        return date(year, mid, 1), _add_months(year, mid, 1), "month"
    day = int(match["day"])
    if not 1 <= mid <= 12:
        raise DateError(f"no month {mid} in {original!r}: months run 01-12")
    last_day = (_add_months(year, mid, 1) - timedelta(days=1)).day
    if not 1 <= day <= last_day:
        raise DateError(f"no day {day} in {year}-{mid:02d} ({original!r} is not a real date)")
    start = date(year, mid, day)
    return start, start + timedelta(days=1), "day"


def parse_edtf(text: str) -> DateSpan:
    """Read a recorded event date: '2020-03-05', '2020-03', '2019', '2019-21', 'A/B', with '~'."""
    if not isinstance(text, str) or not text:
        raise DateError("empty date: use YYYY, YYYY-MM, YYYY-MM-DD, a season or an interval A/B")
    body = text.strip()
    approximate = False
    if "/" in body:
        left, _, right = body.partition("/")
        approximate = left.endswith("~") or right.endswith("~")
        start, _, _ = _single(left.rstrip("~"), text)
        _, end, _ = _single(right.rstrip("~"), text)
        if end <= start:
            raise DateError(f"interval {text!r} ends before it starts")
        return DateSpan(text, start, end, "interval", approximate)
    if body.endswith("~"):
        approximate = True
        body = body[:-1]
    start, end, precision = _single(body, text)
    return DateSpan(text, start, end, precision, approximate)


_AMBIGUOUS_NUMERIC = re.compile(r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}$")


def parse_user_date(text: str) -> tuple[date, date]:
    """Read what a user typed after --since/--until -> the [start, end) of the period it names.

    ISO forms are read directly; anything else goes to dateutil, which we ask twice with two
    different defaults so that a part the user left out can never be filled from today's date.
    """
    cleaned = text.strip()
    if not cleaned:
        raise DateError("empty date: give e.g. 2020, 2020-03 or 2020-03-05")
    if len(cleaned) > 64:
        raise DateError(f"date too long ({len(cleaned)} characters): give e.g. 2020-03-05")
    if re.fullmatch(r"[\d\-~/]+", cleaned) and not _AMBIGUOUS_NUMERIC.match(cleaned):
        span = parse_edtf(cleaned)
        return span.start, span.end
    if _AMBIGUOUS_NUMERIC.match(cleaned):
        raise DateError(f"ambiguous date {text!r}: write it as YYYY-MM-DD")
    return _parse_words(cleaned, text)


def _parse_words(cleaned: str, original: str) -> tuple[date, date]:
    from datetime import datetime

    from dateutil import parser as date_parser

    first, second = datetime(1004, 1, 1), datetime(1008, 2, 2)
    try:
        a = date_parser.parse(cleaned, default=first)
        b = date_parser.parse(cleaned, default=second)
    except (ValueError, OverflowError, TypeError) as error:
        raise DateError(
            f"cannot read date {original!r}: use e.g. 2020, 2020-03, 2020-03-05 or '5 March 2020'"
        ) from error
    if a.year != b.year:
        raise DateError(f"date {original!r} has no year: add one, e.g. '5 March 2020'")
    _check_year(a.year, original)
    if a.month != b.month:
        return date(a.year, 1, 1), date(a.year + 1, 1, 1)
    if a.day != b.day:
        return date(a.year, a.month, 1), _add_months(a.year, a.month, 1)
    start = date(a.year, a.month, a.day)
    return start, start + timedelta(days=1)
