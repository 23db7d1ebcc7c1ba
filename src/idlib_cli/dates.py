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


def _months_after(year: int, month: int, months: int) -> date:
    """The first day after `months` months from the first of (year, month); at the end of the
    calendar, date.max stands for "after the last day"."""
    if year * 12 + month - 1 + months >= (MAX_YEAR + 1) * 12:
        return date.max
    return _add_months(year, month, months)


def _month_after(year: int, month: int) -> date:
    return _months_after(year, month, 1)


def _day_after(day: date) -> date:
    return date.max if day == date.max else day + timedelta(days=1)


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
        return date(year, 1, 1), _year_after(year, original), "year"
    mid = int(match["mid"])
    if match["day"] is None:
        if mid in SEASONS:
            first, length = SEASONS[mid]
            return date(year, first, 1), _months_after(year, first, length), "season"
        if not 1 <= mid <= 12:
            raise DateError(f"no month {mid} in {original!r}: months run 01-12 (seasons 21-24)")
        return date(year, mid, 1), _month_after(year, mid), "month"
    day = int(match["day"])
    if not 1 <= mid <= 12:
        raise DateError(f"no month {mid} in {original!r}: months run 01-12")
    last_day = 31 if (year, mid) == (MAX_YEAR, 12) else \
        (_add_months(year, mid, 1) - timedelta(days=1)).day
    if not 1 <= day <= last_day:
        raise DateError(f"no day {day} in {year}-{mid:02d} ({original!r} is not a real date)")
    start = date(year, mid, day)
    return start, _day_after(start), "day"


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
_SEASON_WORDS = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}
_SEASON_FIRST = re.compile(r"^(spring|summer|autumn|fall|winter)\s+(\d{4})$", re.I)
_SEASON_LAST = re.compile(r"^(\d{4})\s+(spring|summer|autumn|fall|winter)$", re.I)
_QUARTER = re.compile(r"^(?:q([1-4])[\s\-]*(\d{4})|(\d{4})[\s\-]*q([1-4]))$", re.I)
_YEAR_RANGE = re.compile(r"^(\d{4})\s*[-/–]\s*(\d{4})$")


def parse_user_date(text: str) -> tuple[date, date]:
    """Read what a user typed after --since/--until -> the [start, end) of the period it names.

    ISO and EDTF forms are read directly, as are seasons in words ('spring 2019'), quarters
    ('Q1 2020', '2020-Q1') and ranges of years ('2019-2020'); anything else goes to dateutil,
    which we ask twice with two different defaults so that a part the user left out can never
    be filled from today's date.
    """
    cleaned = text.strip()
    if not cleaned:
        raise DateError("empty date: give e.g. 2020, 2020-03 or 2020-03-05")
    if len(cleaned) > 64:
        raise DateError(f"date too long ({len(cleaned)} characters): give e.g. 2020-03-05")
    named = _named_period(cleaned, text)
    if named is not None:
        return named
    if re.fullmatch(r"[\d\-~/]+", cleaned) and not _AMBIGUOUS_NUMERIC.match(cleaned):
        span = parse_edtf(cleaned)
        return span.start, span.end
    if _AMBIGUOUS_NUMERIC.match(cleaned):
        raise DateError(f"ambiguous date {text!r}: write it as YYYY-MM-DD")
    return _parse_words(cleaned, text)


def _named_period(cleaned: str, original: str) -> tuple[date, date] | None:
    """Seasons, quarters and year ranges, the forms dateutil doesn't know."""
    season = _SEASON_FIRST.match(cleaned) or _SEASON_LAST.match(cleaned)
    if season:
        word, year = (season[1], season[2]) if season.re is _SEASON_FIRST else \
            (season[2], season[1])
        span = parse_edtf(f"{year}-{_SEASON_WORDS[word.lower()]}")
        return span.start, span.end
    quarter = _QUARTER.match(cleaned)
    if quarter:
        number = int(quarter[1] or quarter[4])
        year = int(quarter[2] or quarter[3])
        _check_year(year, original)
        first = 3 * number - 2
        return date(year, first, 1), _add_months(year, first, 3)
    years = _YEAR_RANGE.match(cleaned)
    if years:
        first_year, last_year = int(years[1]), int(years[2])
        if last_year < first_year:
            raise DateError(f"range {original!r} ends before it starts")
        _check_year(first_year, original)
        _check_year(last_year, original)
        return date(first_year, 1, 1), _year_after(last_year, original)
    return None


def _year_after(year: int, original: str) -> date:
    if year >= MAX_YEAR:
        return date.max  # the end of time: 9999 is as far as dates go
    return date(year + 1, 1, 1)


def _parse_words(cleaned: str, original: str) -> tuple[date, date]:
    import warnings
    from datetime import datetime

    from dateutil import parser as date_parser

    first, second = datetime(1004, 1, 1), datetime(1008, 2, 2)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # e.g. an unknown time zone: refuse, don't print
            a = date_parser.parse(cleaned, default=first)
            b = date_parser.parse(cleaned, default=second)
    except (ValueError, OverflowError, TypeError, Warning) as error:
        raise DateError(
            f"cannot read date {original!r}: use e.g. 2020, 2020-03, 2020-03-05, "
            "'5 March 2020', 'spring 2019' or 'Q1 2020'"
        ) from error
    if a.year != b.year:
        raise DateError(f"date {original!r} has no year: add one, e.g. '5 March 2020'")
    _check_year(a.year, original)
    if a.month != b.month:
        return date(a.year, 1, 1), _year_after(a.year, original)
    if a.day != b.day:
        return date(a.year, a.month, 1), _month_after(a.year, a.month)
    start = date(a.year, a.month, a.day)
    return start, _day_after(start)


def edtf_of_user_date(text: str) -> str:
    """What a person typed for an event's date, as the EDTF the store records: EDTF is kept
    as it is; '5 March 2020' -> '2020-03-05', 'March 2020' -> '2020-03', 'spring 2019' ->
    '2019-21'."""
    cleaned = text.strip()
    try:
        return parse_edtf(cleaned).text.strip()
    except DateError:
        pass
    start, end = parse_user_date(cleaned)
    for candidate in (start.isoformat(), start.isoformat()[:7], start.isoformat()[:4],
                      *(f"{start.year}-{code}" for code in SEASONS)):
        try:
            span = parse_edtf(candidate)
        except DateError:
            continue
        if (span.start, span.end) == (start, end):
            return candidate
    return f"{start.isoformat()}/{(end - timedelta(days=1)).isoformat()}"


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def human(span: DateSpan) -> str:
    """A date as people read it: '5 March 2020', 'March 2020', 'spring 2019', '2019',
    '1 Feb – 5 Mar 2020', with 'c. ' when approximate."""
    start = span.start
    if span.precision == "day":
        text = f"{start.day} {MONTHS[start.month - 1]} {start.year}"
    elif span.precision == "month":
        text = f"{MONTHS[start.month - 1]} {start.year}"
    elif span.precision == "season":
        code = next(c for c, (month, _) in SEASONS.items() if month == start.month)
        text = f"{SEASON_NAMES[code]} {start.year}"
    elif span.precision == "year":
        text = str(start.year)
    else:
        text = _human_interval(span)
    return ("c. " + text) if span.approximate else text


def _human_interval(span: DateSpan) -> str:
    start, last = span.start, span.last
    whole_years = start.month == 1 and start.day == 1 and last.month == 12 and last.day == 31
    if whole_years:
        return f"{start.year}–{last.year}"
    whole_months = start.day == 1 and (last + timedelta(days=1)).day == 1
    if whole_months:
        left = f"{MONTHS[start.month - 1][:3]}" + ("" if start.year == last.year
                                                    else f" {start.year}")
        return f"{left} – {MONTHS[last.month - 1][:3]} {last.year}"
    left = f"{start.day} {MONTHS[start.month - 1][:3]}" + ("" if start.year == last.year
                                                            else f" {start.year}")
    return f"{left} – {last.day} {MONTHS[last.month - 1][:3]} {last.year}"
