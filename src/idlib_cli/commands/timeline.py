"""`idlib timeline`: the events drawn down the terminal, with eras and density."""

from __future__ import annotations

import io
import shutil
import sys

from idlib_cli import settings
from idlib_cli.commands import Command, Values
from idlib_cli.commands.common import catalog_for, count_line, is_utf8, page, query_for, say
from idlib_cli.errors import UsageError
from idlib_cli.filters import filter_options
from idlib_cli.options import NO_COLOR, NO_PAGER, SELECTION, STORE, Opt
from idlib_cli.records import era_record

GROUPINGS = ("month", "year")
EMAIL_WIDTH = 80  # piped output reads well in an e-mail or a README


def width() -> int:
    """The terminal's width; piped, COLUMNS if set, else a width that suits e-mail."""
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    columns = shutil.get_terminal_size((EMAIL_WIDTH, 24)).columns
    return columns if "COLUMNS" in __import__("os").environ else EMAIL_WIDTH


def run(values: Values) -> None:
    from idlib_cli.views.timeline import write_timeline

    by = values["by"] or "month"
    if by not in GROUPINGS:
        raise UsageError(f"--by {by[:20]!r}: choose {' or '.join(GROUPINGS)}")
    catalog = catalog_for(values)
    query = query_for(catalog, values)
    records = list(catalog.search(query))
    stream = sys.stdout
    color = settings.color(values["no_color"])
    buffer = io.StringIO()
    write_timeline(records, [era_record(era) for era in catalog.eras], buffer, width=width(),
                   by=by, color=color, unicode=is_utf8(stream))
    if stream.isatty() and not values["no_pager"]:
        page(buffer.getvalue(), stream)
    else:
        stream.write(buffer.getvalue())
    if stream.isatty() and sys.stderr.isatty():
        say(count_line(len(records), query, catalog))


HELP = """Draw the events as a timeline: grouped by year and month, eras beside them.

Each event is one line: its date as people read it, a span whose length shows how fuzzy the
date is (a month, a season, a year), a marker for its type, and its title. Eras (named
periods in the data) run down the left; each month's heading shows how many events it has.
On a terminal it fits the width and uses colour; piped, it is plain text. Takes every filter
that 'idlib events' takes.

\b
Examples:
  idlib timeline --tag astana-round
  idlib timeline --actor turkey --since 2020-02 --until 2020-03
  idlib timeline --since 2011 --until 2014 --by year
  idlib timeline --tag feb-2020-crisis > crisis.txt
"""

COMMAND = Command("timeline", HELP, (
    *filter_options(), *SELECTION,
    Opt(("--by",), "by", "value", "Group by month (the default) or year.", metavar="month|year",
        choices=GROUPINGS),
    NO_COLOR, NO_PAGER, *STORE), run, fast=True)
