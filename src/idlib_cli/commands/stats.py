"""`idlib stats`: how many events, by year, month, type, actor, place or publisher."""

from __future__ import annotations

import sys

from idlib_cli.commands import Command, Values
from idlib_cli.commands.common import catalog_for, fields_for, output_for, query_for, write_rows
from idlib_cli.errors import UsageError
from idlib_cli.filters import filter_options
from idlib_cli.options import STORE, Opt, output_options

GROUPINGS = ("year", "month", "type", "actor", "place", "publisher")
FIELDS = ("key", "label", "events")


def run(values: Values) -> None:
    from idlib_cli.views.stats import stats_rows, write_bars

    by = values["by"] or "year"
    if by not in GROUPINGS:
        raise UsageError(f"--by {by[:20]!r}: choose one of {', '.join(GROUPINGS)}")
    output = output_for(values)
    catalog = catalog_for(values)
    rows = stats_rows(list(catalog.search(query_for(catalog, values))), by)
    if output.fmt == "table" and values["fmt"] is None and output.stream.isatty():
        import shutil

        write_bars(rows, output.stream, width=shutil.get_terminal_size().columns,
                   color=output.color)
        return
    write_rows(rows, fields_for(output, FIELDS, FIELDS), output)
    if output.fmt == "table" and sys.stderr.isatty():
        sys.stderr.write(f"{sum(row['events'] for row in rows)} events\n")


HELP = """Count events by year, month, type, actor, place or publisher.

On a terminal the counts are drawn as bars; piped, or with --json, --csv …, the same rows
(key, label, events) come out for scripts. Takes every filter that 'idlib events' takes;
an actor or publisher is counted once per event.

\b
Examples:
  idlib stats
  idlib stats --by month --since 2019 --until 2020
  idlib stats --by actor --tag feb-2020-crisis
  idlib stats --by publisher --json | jq '.[0]'
"""

COMMAND = Command("stats", HELP, (
    *filter_options(),
    Opt(("--by",), "by", "value", "year (the default), month, type, actor, place or publisher.",
        metavar="BY", choices=GROUPINGS),
    *output_options(), *STORE), run, fast=True)
