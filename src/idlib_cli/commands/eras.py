"""`idlib eras`: the named periods."""

from __future__ import annotations

from idlib_cli.commands import Command, Values
from idlib_cli.commands.common import catalog_for, fields_for, output_for, write_rows
from idlib_cli.options import STORE, output_options
from idlib_cli.records import era_record

FIELDS = ("id", "name", "start", "end", "description", "sources")
COLUMNS = ("start", "end", "id", "name")


def run(values: Values) -> None:
    output = output_for(values)
    catalog = catalog_for(values)
    write_rows([era_record(era) for era in catalog.eras], fields_for(output, FIELDS, COLUMNS),
               output)


HELP = """List the eras: named periods (the Astana process's phases, the freeze, …).

\b
Examples:
  idlib eras
  idlib eras --json | jq -r '.[] | "\\(.start) \\(.name)"'
"""

COMMAND = Command("eras", HELP, (*output_options(), *STORE), run, fast=True)
