"""`idlib tags`: the tags and series in use."""

from __future__ import annotations

from idlib_cli.commands import Command, Values
from idlib_cli.commands.common import catalog_for, fields_for, output_for, write_rows
from idlib_cli.options import STORE, output_options

FIELDS = ("tag", "events")


def run(values: Values) -> None:
    output = output_for(values)
    counts = catalog_for(values).facet_counts("tag")
    write_rows([{"tag": name, "events": counts[name]} for name in sorted(counts)],
               fields_for(output, FIELDS, FIELDS), output)


HELP = """List the tags in use (series such as astana-round among them), with their counts.

\b
Examples:
  idlib tags
  idlib events --tag astana-round
"""

COMMAND = Command("tags", HELP, (*output_options(), *STORE), run, fast=True)
