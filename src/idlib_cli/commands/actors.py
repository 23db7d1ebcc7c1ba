"""`idlib actors`: who takes part, with how often and when."""

from __future__ import annotations

from idlib_cli.commands import Command, Values
from idlib_cli.commands.common import catalog_for, choose, fields_for, output_for, write_rows
from idlib_cli.options import STORE, Opt, output_options
from idlib_cli.records import actor_record
from idlib_cli.render import ACTOR_DEFAULT_COLUMNS, ACTOR_FIELDS


def run(values: Values) -> None:
    output = output_for(values)
    fields = fields_for(output, ACTOR_FIELDS, ACTOR_DEFAULT_COLUMNS)
    catalog = catalog_for(values)
    kinds = choose(values["kinds"], {a.kind for a in catalog.actors.values()}, "actor kind")
    activity = catalog.activity()
    chosen = sorted((a for a in catalog.actors.values() if not kinds or a.kind in kinds),
                    key=lambda a: a.id)
    write_rows([actor_record(actor, activity[actor.id]) for actor in chosen], fields, output)


HELP = """List the actors: id, name, kind, parent, how many events, first and last date.

Any id, name or alias shown here works with 'idlib events --actor'.

\b
Examples:
  idlib actors
  idlib actors --kind armed-group
  idlib actors --json | jq -r '.[] | select(.parent == "turkey") | .id'
"""

COMMAND = Command(
    "actors", HELP,
    (Opt(("--kind",), "kinds", "multi", "Only actors of this kind (state, military, "
         "armed-group, person …).", metavar="KIND"), *output_options(), *STORE),
    run, fast=True)
