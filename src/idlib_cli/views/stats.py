"""Counts of events by year, month, type, actor, place or publisher, and bars to show them.

Why rows first: `idlib stats` gives scripts the same rows through every output format
(`--json`, `--csv`, …) and draws them as bars for a person, so the rows are the interface and
the bars are one way of showing them. Rows hold the store's text as it is (JSON must stay
lossless); `write_bars` makes it inert before it reaches a terminal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any, TextIO

from idlib_cli.dates import MONTHS
from idlib_cli.views import ASCII_ELLIPSIS, ELLIPSIS, Line, bar, cells, plain, truncate, write_lines

BY = ("year", "month", "type", "actor", "place", "publisher")
NO_PLACE = "(no place)"
Key = str | None


def stats_rows(records: Sequence[Mapping[str, Any]], by: str) -> list[dict[str, Any]]:
    """Rows {"key", "label", "events"}: for year and month in date order, every period from
    the first to the last included (a quiet month is a 0 row, not a gap a reader can miss);
    for the others the most events first, then by key, with the null key (events without a
    place) last among equals. An event is counted once per row it belongs to: in the period
    of its first day, under each of its actors once, under each distinct publisher of its
    sources once; so by year and month the counts add up to the number of events, while by
    actor or publisher they may add up to more."""
    if by not in BY:
        raise ValueError(f"stats are counted by one of {', '.join(BY)}, not {by!r}")
    if by in ("year", "month"):
        return _period_rows(records, by)
    counts: Counter[Key] = Counter()
    labels: dict[Key, str] = {}
    for record in records:
        for key, label in _keys(record, by):
            counts[key] += 1
            labels.setdefault(key, label)
    order = sorted(counts, key=lambda key: (-counts[key], key is None, key or ""))
    return [{"key": key, "label": labels[key], "events": counts[key]} for key in order]


def _keys(record: Mapping[str, Any], by: str) -> Iterator[tuple[Key, str]]:
    """The rows one event counts in, each once."""
    if by == "type":
        yield record["type"], record["type"]
    elif by == "actor":
        names = {actor["id"]: actor.get("name") or actor["id"]
                 for actor in record.get("actors") or ()}
        yield from names.items()
    elif by == "place":
        place = record.get("place")
        yield (place["id"], place.get("name") or place["id"]) if place else (None, NO_PLACE)
    else:
        publishers = (source.get("publisher") for source in record.get("sources") or ())
        yield from ((name, name) for name in dict.fromkeys(publishers) if name)


def _period_rows(records: Sequence[Mapping[str, Any]], by: str) -> list[dict[str, Any]]:
    if not records:
        return []
    starts = [date.fromisoformat(record["start"]) for record in records]
    index = [_period(day, by) for day in starts]
    counts = Counter(index)
    return [{"key": _period_key(period, by), "label": _period_label(period, by),
             "events": counts[period]} for period in range(min(index), max(index) + 1)]


def _period(day: date, by: str) -> int:
    """A year, or a month counted from year 0, so that consecutive periods are consecutive
    integers and the empty ones between are easy to list."""
    return day.year if by == "year" else day.year * 12 + day.month - 1


def _period_key(period: int, by: str) -> str:
    if by == "year":
        return f"{period:04d}"
    year, month = divmod(period, 12)
    return f"{year:04d}-{month + 1:02d}"


def _period_label(period: int, by: str) -> str:
    if by == "year":
        return str(period)
    year, month = divmod(period, 12)
    return f"{MONTHS[month]} {year}"


LABEL_SHARE = 3  # a label gets at most a third of the width (but at least MIN_LABEL cells)
MIN_LABEL = 8


def write_bars(rows: Sequence[Mapping[str, Any]], out: TextIO, *, width: int,
               color: bool) -> None:
    """One line per row: the label, the count, then a bar as long as the count relative to
    the largest, filling what the width leaves. With colour the bar is Rich's, in Unicode
    blocks measured in eighths of a cell; without, it is whole '#' characters (and a cut label
    ends in '...'), because plain output goes to pipes, files and e-mail in any encoding, and
    '#' reads the same in all of them. A row with 0 events has no bar."""
    if not rows:
        return
    ellipsis = ELLIPSIS if color else ASCII_ELLIPSIS
    labels = [plain(row["label"]) for row in rows]
    label_cells = min(max(cells(label) for label in labels),
                      max(MIN_LABEL, width // LABEL_SHARE))
    counts = [int(row["events"]) for row in rows]
    count_cells = max(len(str(count)) for count in counts)
    room = width - label_cells - count_cells - 4
    peak = max(counts)
    lines: list[Line] = []
    for label, count in zip(labels, counts, strict=True):
        shown = truncate(label, label_cells, ellipsis)
        lines.append([(shown + " " * (label_cells - cells(shown) + 2), ""),
                      (str(count).rjust(count_cells), "bold"), ("  ", ""),
                      (bar(count, peak, room, unicode=color), "cyan")])
    write_lines(lines, out, width=width, color=color, ellipsis=ellipsis)
