"""The table people read on a terminal: Rich's Table, laid out for this data.

Rules, whatever the width (60, 80, 100, 140, 200 columns): an id is never broken (people paste
it into `idlib show`), so when the terminal is too narrow for it the id column is left out and
a line on stderr says how to see it; the title (or summary, or name) takes the room that is
left and wraps; short columns (dates, types, counts) keep their natural width; a long actor
list reads "Turkey, Russia +5". Below NARROW columns, fields are stacked instead.
Store text goes into Rich as Text, never as markup, and is made inert first.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, TextIO

from idlib_cli.records import Record
from idlib_cli.render import flat, one_line

NARROW = 50  # below this many columns a table is unreadable: stack the fields instead
MAIN = ("title", "summary", "name", "description")  # the column that takes the remaining room
NEVER_BROKEN = ("id", "date", "start", "end", "type", "kind", "events", "first", "last", "lat",
                "lon", "tag", "key")
MIN_MAIN = 24  # below this the title is unreadable: drop the id column first
ACTORS_SHOWN = 2


def write_table(records: Sequence[Record], fields: Sequence[str], out: TextIO, *,
                color: bool = False, **_: Any) -> None:
    from rich.console import Console

    console = Console(file=out, no_color=not color, highlight=False, emoji=False,
                      force_terminal=color or None)
    if console.width < NARROW:
        _write_stacked(records, fields, console)
        return
    rows = [[one_line(cell(name, record)) for name in fields] for record in records]
    shown = _fitting(list(fields), rows, console.width)
    if len(shown) < len(fields) and sys.stderr.isatty():
        hidden = ", ".join(name for name in fields if name not in shown)
        sys.stderr.write(f"({hidden} hidden at this width: widen the terminal, or pipe, "
                         f"or use --fields)\n")
    keep = [fields.index(name) for name in shown]
    console.print(_table([fields[i] for i in keep], [[row[i] for i in keep] for row in rows],
                         color))


DROPPABLE = ("id", "actors", "aliases", "tags")  # in the order they give way to the title
CAP = 24  # the widest a wrapping side column gets


def _fitting(fields: list[str], rows: Sequence[Sequence[str]], width: int) -> list[str]:
    """The fields that fit: side columns give way (the id first) before the main column drops
    below MIN_MAIN."""
    from rich.cells import cell_len

    def natural(name: str) -> int:
        index = fields.index(name)
        widest = max([cell_len(heading(name)), *(cell_len(row[index]) for row in rows)])
        return widest if name in NEVER_BROKEN else min(widest, CAP)

    main = next((name for name in MAIN if name in fields), None)
    shown = list(fields)
    for candidate in (None, *DROPPABLE):
        if candidate in shown:
            shown.remove(candidate)
        if main is None:
            return shown
        room = width - sum(natural(n) for n in shown if n != main) - 2 * (len(shown) - 1)
        if room >= min(MIN_MAIN, natural(main)):
            return shown
    return shown


def _table(fields: Sequence[str], rows: Sequence[Sequence[str]], color: bool) -> Any:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD if color else None, show_edge=False, pad_edge=False,
                  header_style="bold" if color else "", expand=False, padding=(0, 1))
    for name in fields:
        if name in MAIN:
            table.add_column(heading(name), ratio=1, overflow="fold", min_width=12)
        elif name in NEVER_BROKEN:
            table.add_column(heading(name), no_wrap=True, overflow="ellipsis")
        else:
            table.add_column(heading(name), overflow="fold", max_width=CAP)
    for row in rows:
        table.add_row(*(Text(value) for value in row))
    return table


def _write_stacked(records: Sequence[Record], fields: Sequence[str], console: Any) -> None:
    """One 'Field: value' line per field, folded to the terminal's width; a blank line between
    records."""
    import textwrap

    from rich.text import Text

    width = max(console.width, 10)
    for number, record in enumerate(records):
        if number:
            console.print()
        for name in fields:
            label = f"{heading(name)}:"
            text = f"{label} {one_line(cell(name, record))}"
            lines = [text] if len(text) <= width else \
                textwrap.wrap(text, width, break_on_hyphens=False) or [text]
            first = Text(label, style="bold")
            first.append(lines[0][len(label):])
            console.print(first, soft_wrap=True)
            for line in lines[1:]:
                console.print(Text(line), soft_wrap=True)


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
