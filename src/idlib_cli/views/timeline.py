"""The timeline view: events drawn down the page, oldest first, one line each.

Why one line per event: a timeline is for seeing the order and the rhythm of events, so a
title is cut with '…' to fit rather than wrapped, and `idlib show ID` gives the rest. Every
line fits the width it is given (measured in terminal cells, so wide CJK titles fit too), and
without colour the output is plain text that reads the same in a terminal, a pipe or an e-mail.

How the picture is drawn (a key at the bottom names the markers and spans used):

    ┏  Astana process, from 23 January 2017               <- an era opens (its own column)
    ┃  2018 ────────────────────────── 2 events           <- a year (by month)
    ┃    2018                 ├────┤  ○ Idlib becomes…    <- a date that names no month
    ┃  September 2018         ███▌    1                   <- a month: density bar, count
    ┃┏ Sochi memorandum, from 17 September 2018           <- a second era, a second column
    ┃┃   17 September 2018            ◆ Sochi memorandu…  <- date, span, marker, title
    ┃┃ April 2019             ███████ 2
    ┃┃   April 2019           ├──┤    ✕ Shelling of Kh…
    ┃┃   25 Apr – 26 Apr 2019 ├┤      ◇ Twelfth round …
    ┗┃ Astana process, until 31 December 2019             <- the era closes

- **Spans** show how uncertain a date is. An exact day has none; any other date is drawn
  as ├─┤ whose length grows with the number of days it covers on a log scale, each step
  about three times the last: 2–6 days ├┤, a week or more ├─┤, a month ├──┤, a season ├───┤,
  a year ├────┤, three years or more ├─────┤. An approximate date ('c. …') is dotted (├┄┄┤),
  or '≈' for a single day. The steps fall between the precisions, so a month always looks
  like a month and a season like a season.
- **Eras** (named periods in the data) overlapping the events are bands in a left gutter: a
  line opens each one (┏ with its name and first day) and one closes it (┗ with its last
  day), with ┃ on every line between. Eras that follow one another share a column; the
  gutter is as wide as the most eras that overlap at once.
- **Density** is a bar at each group heading, in the column the spans use, scaled to the
  busiest group and followed by the count: events per month, or per year with by="year".
- **Markers** are one glyph per kind of event (a small fixed map, with ASCII stand-ins when
  unicode=False); types outside the map get '•'.

An event is placed at its first day (a date that names only a year goes under the year's
heading, not into January); an era's marks go before the first event on or after its start and
after the last event on or before its end. The dates on the era lines are exact, so a mark that
falls in a month without events still says when. Where the width is short, the indent under
headings goes first, then the span column (the date's words still say how precise it is); any
line still too long is cut with '…'.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple, TextIO

from idlib_cli.dates import MONTHS, human, parse_edtf
from idlib_cli.errors import DateError
from idlib_cli.views import (
    ASCII_ELLIPSIS,
    ELLIPSIS,
    Line,
    bar,
    cells,
    line_cells,
    pad,
    padded,
    plain,
    truncate,
    write_lines,
)


class Glyphs(NamedTuple):
    band: str  # an era's band on the lines between its marks
    open: str
    close: str
    rule: str  # the line after a year
    left: str  # a span: left + fill… + right
    fill: str
    fuzzy: str  # the fill of an approximate date's span
    right: str
    about: str  # an approximate single day
    dash: str  # between the ends of an interval
    ellipsis: str
    unicode: bool


UNICODE = Glyphs("┃", "┏", "┗", "─", "├", "─", "┄", "┤", "≈", "–", ELLIPSIS, True)
ASCII = Glyphs("|", "+", "+", "-", "|", "-", ".", "|", "~", "-", ASCII_ELLIPSIS, False)

# (Unicode glyph, ASCII glyph, style, types). Types of one kind share a glyph so that the key
# stays short and the eye can follow diplomacy, fighting and relief down the page.
KINDS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("◆", "=", "green", ("agreement", "ceasefire")),
    ("◇", "o", "green", ("talks", "summit")),
    ("■", "#", "blue", ("un-resolution", "veto")),
    ("○", "-", "cyan", ("statement", "political", "diplomatic-crisis")),
    ("▲", "^", "red", ("offensive", "battle", "capture", "clash", "military-operation", "raid",
                       "assassination")),
    ("✕", "x", "red", ("airstrike", "attack", "casualties")),
    ("►", ">", "yellow", ("deployment", "patrol", "withdrawal")),
    ("✚", "+", "magenta", ("humanitarian", "displacement", "disaster")),
)
OTHER = ("•", "*", "")
MARKERS: dict[str, tuple[str, str, str]] = {
    kind: (glyph, ascii_glyph, style)
    for glyph, ascii_glyph, style, kinds in KINDS for kind in kinds}

# (least days, cells): see "Spans" above.
SPAN_STEPS = ((2, 2), (7, 3), (28, 4), (90, 5), (365, 6), (1095, 7))
SPAN_NAMES = {2: "days", 3: "weeks", 4: "a month", 5: "a season", 6: "a year", 7: "years"}
SPAN_CELLS = 7  # the gutter column that holds spans, and density bars at headings
INDENT = 2  # events under their heading; dropped when the title would get too little room
MIN_TITLE = 20
ERA_STYLES = ("cyan", "magenta", "yellow", "green", "blue")


class _Event(NamedTuple):
    start: date
    days: int
    precision: str
    approximate: bool
    when: str  # the date as people read it
    type: str
    title: str  # inert, on one line


class _Era(NamedTuple):
    name: str
    start: date
    last: date
    lane: int  # its column in the gutter
    style: str


class _Layout(NamedTuple):
    width: int
    by: str
    lanes: int
    indent: int
    date_cells: int
    span_cells: int  # SPAN_CELLS, or 0 where the width cannot spare the column
    counts: Counter[tuple[int, ...]]  # events per group
    depth: int  # the length of a group with a density line: 2 (year, month) or 1 (year)
    peak: int  # the most events in such a group
    years: Counter[int]  # events per year
    glyphs: Glyphs


def write_timeline(records: Sequence[Mapping[str, Any]], eras: Sequence[Mapping[str, Any]],
                   out: TextIO, *, width: int, by: str = "month", color: bool = False,
                   unicode: bool = True) -> None:
    """Draw `records` (event records, any order) as a vertical timeline `width` cells wide,
    grouped by year and month (`by="month"`) or by year, with the `eras` that overlap them
    as bands beside the events. Writes nothing when there are no records."""
    if by not in ("month", "year"):
        raise ValueError(f"a timeline is grouped by 'month' or 'year', not {by!r}")
    if not records:
        return
    glyphs = UNICODE if unicode else ASCII
    # On one day, the longest date first: '2019' before 'January 2019' before '1 January 2019'.
    events = sorted((_event(record, glyphs) for record in records),
                    key=lambda e: (e.start, -e.days))
    first = events[0].start
    last = max(date.fromordinal(e.start.toordinal() + e.days - 1) for e in events)
    shown = _eras(eras, first, last)
    layout = _layout(events, shown, width, by, glyphs)
    lines = _body(events, shown, layout)
    lines += [[], *_key(events, layout)]
    write_lines(lines, out, width=width, color=color, ellipsis=glyphs.ellipsis)


def _event(record: Mapping[str, Any], glyphs: Glyphs) -> _Event:
    start = date.fromisoformat(record["start"])
    last = date.fromisoformat(record["end"])
    return _Event(start, (last - start).days + 1, str(record.get("precision") or ""),
                  bool(record.get("approximate")),
                  _when(record).replace("–", glyphs.dash), plain(record.get("type") or ""),
                  plain(record.get("title") or ""))


def _when(record: Mapping[str, Any]) -> str:
    """The date as people read it; a date this version cannot read is shown as recorded."""
    try:
        return human(parse_edtf(record["date"]))
    except DateError:
        return plain(record["date"])


def _eras(eras: Sequence[Mapping[str, Any]], first: date, last: date) -> list[_Era]:
    """The eras overlapping [first, last], each in the leftmost column free at its start."""
    spans = sorted((date.fromisoformat(era["start"]), date.fromisoformat(era["end"]),
                    plain(era["name"])) for era in eras)
    lane_ends: list[date] = []
    shown: list[_Era] = []
    for start, end, name in spans:
        if start > last or end < first:
            continue
        lane = next((i for i, taken in enumerate(lane_ends) if taken < start), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(end)
        else:
            lane_ends[lane] = end
        shown.append(_Era(name, start, end, lane, ERA_STYLES[len(shown) % len(ERA_STYLES)]))
    return shown


def _month(day: date, by: str) -> tuple[int, ...]:
    return (day.year, day.month) if by == "month" else (day.year,)


def _group(event: _Event, by: str) -> tuple[int, ...]:
    """An event's group: its first month, or its year when its date names no month (a year
    is drawn under the year's heading, not in January)."""
    return (event.start.year,) if event.precision == "year" else _month(event.start, by)


def _label(group: tuple[int, ...]) -> str:
    return f"{MONTHS[group[1] - 1]} {group[0]}" if len(group) == 2 else str(group[0])


def _layout(events: Sequence[_Event], eras: Sequence[_Era], width: int, by: str,
            glyphs: Glyphs) -> _Layout:
    """Column widths: the date column fits the longest date (and group heading). When the
    title would get too little room, the indent under headings is given up first, then the
    span column (the date's words still say how precise it is)."""
    counts = Counter(_group(event, by) for event in events)
    lanes = max((era.lane + 1 for era in eras), default=0)
    date_cells = max([*(cells(e.when) for e in events),
                      *(cells(_label(group)) - INDENT for group in counts)])
    fixed = lanes + (1 if lanes else 0) + date_cells + 3
    options = ((INDENT, SPAN_CELLS), (0, SPAN_CELLS), (0, 0))
    indent, span_cells = next((option for option in options
                               if width - fixed - option[0] - option[1] - 1 >= MIN_TITLE),
                              options[-1])
    years = Counter(event.start.year for event in events)
    depth = 2 if by == "month" else 1
    peak = max((n for group, n in counts.items() if len(group) == depth), default=1)
    return _Layout(width, by, lanes, indent, date_cells, span_cells, counts, depth, peak, years,
                   glyphs)


def _body(events: Sequence[_Event], eras: Sequence[_Era], layout: _Layout) -> list[Line]:
    """The lines in date order: on one day, era openings, then events, then era closings;
    the headings of a year and a month with events before the first line that falls in it."""
    marks = sorted([(era.start, 0, i) for i, era in enumerate(eras)]
                   + [(event.start, 1, i) for i, event in enumerate(events)]
                   + [(era.last, 2, i) for i, era in enumerate(eras)])
    lines: list[Line] = []
    active: dict[int, _Era] = {}
    shown = _Shown(None, None)
    for day, kind, index in marks:
        group = _group(events[index], layout.by) if kind == 1 else _month(day, layout.by)
        headings, shown = _headings(group, shown, layout, active)
        lines += headings
        if kind == 1:
            lines.append(_event_line(events[index], layout, active))
            continue
        era = eras[index]
        lines.append(_era_line(era, kind == 0, layout, active))
        if kind == 0:
            active[era.lane] = era
        else:
            del active[era.lane]
    return lines


def _gutter(layout: _Layout, active: Mapping[int, _Era], mark: _Era | None = None,
            opening: bool = True) -> Line:
    """The era columns of one line: a band for each open era, a mark where one opens or
    closes, blanks elsewhere."""
    line: Line = []
    glyphs = layout.glyphs
    for lane in range(layout.lanes):
        if mark is not None and mark.lane == lane:
            line.append((glyphs.open if opening else glyphs.close, mark.style))
        elif lane in active:
            line.append((glyphs.band, active[lane].style))
        else:
            line.append((" ", ""))
    return [*line, (" ", "")] if layout.lanes else line


class _Shown(NamedTuple):
    year: int | None  # the last year heading written
    group: tuple[int, ...] | None  # the last group of events reached


def _headings(group: tuple[int, ...], shown: _Shown, layout: _Layout,
              active: Mapping[int, _Era]) -> tuple[list[Line], _Shown]:
    """What goes before a line in `group`: on reaching a year with events, a blank line
    (unless it is the first) and, by month, the year's rule; on reaching a group with a
    density line (a month, or by year the year), that line."""
    lines: list[Line] = []
    year = group[0]
    if year in layout.years and year != shown.year:
        lines += [_gutter(layout, active)] if shown.year is not None else []
        lines += [_year_rule(year, layout, active)] if layout.by == "month" else []
        shown = shown._replace(year=year)
    if group in layout.counts and group != shown.group:
        lines += [_density_line(group, layout, active)] if len(group) == layout.depth else []
        shown = shown._replace(group=group)
    return lines, shown


def _year_rule(year: int, layout: _Layout, active: Mapping[int, _Era]) -> Line:
    """'2019 ──────── 12 events': the rule runs to the end of the span column, or shorter
    where the width is short, so the count is never cut."""
    count = layout.years[year]
    words = f"{count} event{'' if count == 1 else 's'}"
    gutter = _gutter(layout, active)
    room = layout.width - line_cells(gutter) - len(f"{year}  {words}") - 1
    full = layout.indent + layout.date_cells + SPAN_CELLS - 3
    rule = layout.glyphs.rule * max(1, min(room, full))
    return [*gutter, (str(year), "bold"), (" " + rule + " ", "dim"), (words, "")]


def _density_line(group: tuple[int, ...], layout: _Layout,
                  active: Mapping[int, _Era]) -> Line:
    count = layout.counts[group]
    drawn = bar(count, layout.peak, SPAN_CELLS, unicode=layout.glyphs.unicode)
    label = padded(_label(group), layout.indent + layout.date_cells, "bold")
    return [*_gutter(layout, active), *label, (" ", ""), *padded(drawn, SPAN_CELLS, "blue"),
            (" " + str(count), "")]


def _span(event: _Event, glyphs: Glyphs) -> str:
    size = max((size for least, size in SPAN_STEPS if event.days >= least), default=0)
    if size == 0:
        return glyphs.about if event.approximate else ""
    fill = glyphs.fuzzy if event.approximate else glyphs.fill
    return glyphs.left + fill * (size - 2) + glyphs.right


def _marker(kind: str, glyphs: Glyphs) -> tuple[str, str]:
    glyph, ascii_glyph, style = MARKERS.get(kind, OTHER)
    return (glyph if glyphs.unicode else ascii_glyph), style


def _event_line(event: _Event, layout: _Layout, active: Mapping[int, _Era]) -> Line:
    line = [*_gutter(layout, active),
            (" " * layout.indent + pad(event.when, layout.date_cells) + " ", "")]
    if layout.span_cells:
        line += [*padded(_span(event, layout.glyphs), layout.span_cells, "yellow"), (" ", "")]
    line += [_marker(event.type, layout.glyphs), (" ", "")]
    room = layout.width - line_cells(line)
    return [*line, (truncate(event.title, room, layout.glyphs.ellipsis), "")]


def _era_line(era: _Era, opening: bool, layout: _Layout, active: Mapping[int, _Era]) -> Line:
    day = human(parse_edtf((era.start if opening else era.last).isoformat()))
    words = f"{era.name}, {'from' if opening else 'until'} {day}"
    return [*_gutter(layout, active, era, opening), (words, f"bold {era.style}")]


def _key(events: Sequence[_Event], layout: _Layout) -> list[Line]:
    """What the markers and spans mean: only those used, so the key stays short; markers
    first, spans from a new line."""
    types = {event.type for event in events}
    items: list[Line] = []
    for glyph, ascii_glyph, style, kinds in KINDS:
        used = [kind for kind in kinds if kind in types]
        if used:
            shown = glyph if layout.glyphs.unicode else ascii_glyph
            items.append([(shown, style), (" " + ", ".join(used), "")])
    others = sorted(types - MARKERS.keys())
    if others:
        items.append([_marker("", layout.glyphs), (" " + ", ".join(others), "")])
    lines = _flow([("Key:", "bold")], items, layout.width)
    if layout.span_cells:
        lines += _flow([("    ", "")], _span_key(events, layout.glyphs), layout.width)
    return lines


def _span_key(events: Sequence[_Event], glyphs: Glyphs) -> list[Line]:
    fuzzy = [event._replace(approximate=False) for event in events if event.days > 1]
    drawn = sorted({(len(_span(event, glyphs)), _span(event, glyphs)) for event in fuzzy})
    items: list[Line] = [[(span, "yellow"), (" " + SPAN_NAMES[size], "")]
                         for size, span in drawn]
    if any(event.approximate for event in events):
        about = glyphs.left + glyphs.fuzzy * 2 + glyphs.right + " " + glyphs.about
        items.append([(about, "yellow"), (" approximate", "")])
    return items


def _flow(head: Line, items: Sequence[Line], width: int) -> list[Line]:
    """`head`, then items two spaces apart, starting a new line (indented past `head`) where
    the next item would pass `width`."""
    indent = line_cells(head) + 1
    lines: list[Line] = [list(head)]
    used, gap = line_cells(head), 1
    for item in items:
        size = line_cells(item)
        if used + gap + size > width and gap == 2:
            lines.append([(" " * indent, "")])
            used, gap = indent, 0
        lines[-1] += [(" " * gap, ""), *item]
        used, gap = used + gap + size, 2
    return lines
