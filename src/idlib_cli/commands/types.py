"""`idlib types`: the event types in use."""

from __future__ import annotations

from idlib_cli.commands import Command, Values
from idlib_cli.commands.common import catalog_for, fields_for, output_for, write_rows
from idlib_cli.options import STORE, output_options

FIELDS = ("type", "events")


def run(values: Values) -> None:
    output = output_for(values)
    fields = fields_for(output, FIELDS, FIELDS)
    counts = catalog_for(values).facet_counts("type")
    write_rows([{"type": name, "events": counts[name]} for name in sorted(counts)], fields,
               output)


HELP = """List the event types in use, with how many events each has.

\b
Examples:
  idlib types
  idlib types --json | jq -r '.[].type'
"""

COMMAND = Command("types", HELP, (*output_options(), *STORE), run, fast=True)
