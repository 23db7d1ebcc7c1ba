"""The table people read on a terminal: Rich's Table, laid out for this data.

Rules, whatever the width (60, 80, 100, 140, 200 columns): an id is never broken or cut (people
paste it into `idlib show`), so when the terminal is too narrow for it the id column is left out
and a line on stderr says how to see it; the title (or summary, or name) gets the most room and
wraps; short columns (dates, types, counts) keep their natural width, and only at the narrowest
widths does a date break after its dash ("19 Dec –" / "20 Dec 2011") or a type after a hyphen; a
long actor list reads "Turkey, Russia +5"; no line ends in padding. Below NARROW columns, or when
even the squeezed columns leave the title no room, fields are stacked instead.
Store text goes into Rich as Text, never as markup, and is made inert first.

The widths are decided here (`plan_layout`), from the cells, and handed to Rich as fixed column
widths: Rich's own collapsing shrinks the widest wrapping column first, which is the title.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import Any, NamedTuple, TextIO

from idlib_cli.records import Record
from idlib_cli.render import flat, one_line

NARROW = 50  # below this many columns a table is unreadable: stack the fields instead
TINY = 20  # below this nothing reads whole anyway: every stacked line is folded to the width
MAIN = ("title", "summary", "name", "description")  # the column that takes the remaining room
NEVER_BROKEN = ("id", "parent", "within", "date", "start", "end", "type", "kind", "events",
                "first", "last", "lat", "lon", "tag", "key")  # ids, and short words
# Where a short column may break when nothing else can give way: after a date range's dash, after
# a type's hyphen. Never inside a word, never in an id.
BREAKS = {"date": re.compile(r"(?<= – )"), "type": re.compile(r"(?<=-)"),
          "kind": re.compile(r"(?<=-)")}
# In the order they give way to the title: lists of other names first, then the record's own id,
# then the actors and the ids of the actor or place a row lies within.
DROPPABLE = ("aliases", "tags", "id", "actors", "parent", "within")
MIN_MAIN = 24  # below this the title is unreadable: drop the id column first
MAIN_SHARE = 4  # ... and it gets at least a quarter of the width, when it needs that much
MAIN_FLOOR = 12  # with every column squeezed, a title narrower than this is stacked instead
CAP = 24  # the widest a wrapping side column (actors, aliases, tags) gets
ACTORS_SHOWN = 2


def write_table(records: Sequence[Record], fields: Sequence[str], out: TextIO, *,
                color: bool = False, width: int | None = None, **_: Any) -> None:
    """The records as a table `width` columns wide (default: the terminal's, or $COLUMNS)."""
    from rich.console import Console

    console = Console(file=out, width=width, no_color=not color, highlight=False, emoji=False,
                      force_terminal=color or None)
    rows = [[one_line(cell(name, record)) for name in fields] for record in records]
    widths = plan_layout(fields, rows, console.width, gap=3 if color else 2) \
        if console.width >= NARROW else None
    if widths is None:
        _write_stacked(records, fields, console)
        return
    _print(console, _table(widths, fields, rows, color))
    if len(widths) < len(fields) and sys.stderr.isatty():
        hidden = ", ".join(name for name in fields if name not in widths)
        note = f"({hidden} hidden at this width: widen the terminal, or pipe, or use --fields)\n"
        if out is sys.stdout:
            sys.stderr.write(note)
        else:  # drawn for the pager: said when the reader is back, beside the count
            _NOTES.append(note)


_NOTES: list[str] = []


def take_notes() -> list[str]:
    """The notes of tables drawn for the pager, once: `page` writes them to stderr after it."""
    notes = _NOTES[:]
    _NOTES.clear()
    return notes


class Measure(NamedTuple):
    natural: int  # the widest cell or heading (a side column: capped at CAP)
    least: int  # the narrowest the column may get without breaking a word or an id


def _measures(fields: Sequence[str], rows: Sequence[Sequence[str]]) -> dict[str, Measure]:
    from rich.cells import cell_len

    measures = {}
    for index, name in enumerate(fields):
        cells = [row[index] for row in rows]
        natural = max([cell_len(heading(name)), *map(cell_len, cells)])
        if name in MAIN:
            least = min(natural, MAIN_FLOOR)
        elif name in BREAKS:
            least = max([cell_len(heading(name)),
                         *(cell_len(piece.rstrip()) for text in cells
                           for piece in BREAKS[name].split(text))])
        elif name in NEVER_BROKEN:
            least = natural
        else:
            least = natural = min(natural, CAP)
        measures[name] = Measure(natural, least)
    return measures


def plan_layout(fields: Sequence[str], rows: Sequence[Sequence[str]], width: int,
                gap: int = 2) -> dict[str, int] | None:
    """Each shown column's width, in the order of `fields`; None when no table fits (stack).

    Side columns give way in DROPPABLE's order (other names, then the id, then the actors)
    until the main column gets its room: MIN_MAIN or a quarter of the width, whichever is more,
    or all it needs if less. When nothing is
    left to drop, dates and types break at their break points; a main column still under
    MAIN_FLOOR means no table at all.
    """
    measures = _measures(fields, rows)
    main = next((name for name in fields if name in MAIN), None)
    shown = list(fields)
    for candidate in (None, *DROPPABLE):
        if candidate is not None:
            if candidate not in shown:
                continue
            shown.remove(candidate)
        widths = _fit(shown, measures, main, width, gap, squeeze=False)
        if widths is not None:
            return widths
    return _fit(shown, measures, main, width, gap, squeeze=True)


def _fit(shown: Sequence[str], measures: dict[str, Measure], main: str | None, width: int,
         gap: int, *, squeeze: bool) -> dict[str, int] | None:
    widths = {name: measures[name].natural for name in shown}

    def room() -> int:
        return width - gap * (len(shown) - 1) - sum(w for n, w in widths.items() if n != main)

    need = 0 if main is None else \
        min(measures[main].natural, max(MIN_MAIN, width // MAIN_SHARE))
    for name in BREAKS:
        if squeeze and name in widths and room() < need:
            widths[name] = measures[name].least  # once it breaks, let it give all it can
    enough = need if not squeeze or main is None else min(need, MAIN_FLOOR)
    if room() < enough:
        return None
    if main is not None:
        widths[main] = min(room(), measures[main].natural)
    return widths


def _table(widths: dict[str, int], fields: Sequence[str], rows: Sequence[Sequence[str]],
           color: bool) -> Any:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD if color else None, show_edge=False, pad_edge=False,
                  header_style="bold" if color else "", expand=False, padding=(0, 1))
    for name, size in widths.items():
        table.add_column(heading(name), width=size, no_wrap=name in NEVER_BROKEN,
                         overflow="fold")
    where = {name: fields.index(name) for name in widths}
    for row in rows:
        table.add_row(*(Text(_broken(name, row[i], widths[name])) for name, i in where.items()))
    return table


def _broken(name: str, text: str, width: int) -> str:
    """A date or a type folded at its break points when the column is narrower than it."""
    from rich.cells import cell_len

    if name not in BREAKS or cell_len(text) <= width:
        return text
    lines = [""]
    for piece in BREAKS[name].split(text):
        if lines[-1] and cell_len(lines[-1] + piece.rstrip()) > width:
            lines.append("")
        lines[-1] += piece
    return "\n".join(line.rstrip() for line in lines)


def _print(console: Any, table: Any) -> None:
    """The table's lines without the padding at their ends (it shows when text is selected,
    and it makes a line as wide as the terminal, which then wraps if the terminal shrinks)."""
    from rich.segment import Segment, SegmentLines

    def stripped(line: list[Segment]) -> list[Segment]:
        while line and not line[-1].control and not line[-1].text.rstrip(" "):
            line.pop()
        if line and not line[-1].control:
            last = line[-1]
            line[-1] = Segment(last.text.rstrip(" "), last.style)
        return line

    lines = console.render_lines(table, console.options, pad=False)
    console.print(SegmentLines([stripped(line) for line in lines], new_lines=True))


def _write_stacked(records: Sequence[Record], fields: Sequence[str], console: Any) -> None:
    """One 'Field: value' line per field, wrapped to the terminal's width (an id is never
    broken: it runs on, and the terminal wraps it, unless the terminal is TINY); a blank line
    between records."""
    from rich.text import Text

    for number, record in enumerate(records):
        if number:
            console.print()
        for name in fields:
            line = Text()
            line.append(f"{heading(name)}:", style="bold")
            value = one_line(cell(name, record))
            if value:
                line.append(f" {value}")
            parts = [line] if name in NEVER_BROKEN and console.width >= TINY else \
                line.wrap(console, console.width, overflow="fold")
            for part in parts:
                part.rstrip()
                console.print(part, soft_wrap=True, crop=False)


def heading(name: str) -> str:
    return name.replace("_", " ").capitalize()


def cell(name: str, record: Record) -> str:
    """A field as people read it in a table."""
    value = record[name]
    if name == "actors" and isinstance(value, list):
        names = [item["name"] for item in value]
        more = f" +{len(names) - ACTORS_SHOWN}" if len(names) > ACTORS_SHOWN else ""
        return ", ".join(names if not more else names[:ACTORS_SHOWN]) + more
    if name == "date" and "precision" in record:
        return human_date(record)
    return flat(value)


def human_date(record: Record) -> str:
    from idlib_cli.dates import human, parse_edtf

    return human(parse_edtf(record["date"]))
