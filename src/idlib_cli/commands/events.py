"""`idlib events`: list events, filtered."""

from __future__ import annotations

from idlib_cli.commands import Command, Values
from idlib_cli.commands.common import catalog_for, output_for, query_for, write_events
from idlib_cli.filters import filter_options
from idlib_cli.options import SELECTION, STORE, output_options
from idlib_cli.render import EVENT_DEFAULT_COLUMNS, EVENT_FIELDS


def run(values: Values) -> None:
    output = output_for(values)
    catalog = catalog_for(values)
    write_events(catalog, query_for(catalog, values), output, EVENT_FIELDS,
                 EVENT_DEFAULT_COLUMNS)


HELP = """List events, oldest first, filtered by actor, date, keyword, type, place, tag, source.

A date range matches every event whose dates overlap it: --until 2020-03 includes
31 March, and an event recorded as '2019' matches --since 2019-06.

Lists: a comma means any (--type talks,summit); a repeated flag means all
(--actor turkey --actor russia), except for what an event has one of (its type,
its place), where repeating is the same as a comma.

\b
Examples:
  idlib events --actor turkey --since 2020-02 --until 2020-03
  idlib events --actor Ankara --actor Moscow --type agreement
  idlib events --keyword ceasefire --json | jq '.[].title'
  idlib events --since 2020-03-01 --until 2020-03-31 | wc -l
  idlib events -k erdogan --fields date,title --csv
  idlib events --tag astana-round
  idlib events --near Saraqib --within 15
"""

COMMAND = Command("events", HELP, (*filter_options(), *SELECTION, *output_options(), *STORE),
                  run, fast=True)
