"""`idlib places`: the gazetteer."""

from __future__ import annotations

from idlib_cli.commands import Command, Values
from idlib_cli.commands.common import catalog_for, choose, fields_for, output_for, write_rows
from idlib_cli.options import STORE, Opt, output_options
from idlib_cli.records import place_record

FIELDS = ("id", "name", "kind", "within", "lat", "lon", "aliases", "events", "sources", "note")
COLUMNS = ("id", "name", "kind", "within", "lat", "lon", "events", "aliases")


def run(values: Values) -> None:
    output = output_for(values)
    fields = fields_for(output, FIELDS, COLUMNS)
    catalog = catalog_for(values)
    kinds = choose(values["kinds"], {p.kind for p in catalog.places.values()}, "place kind")
    counts = catalog.facet_counts("place")
    chosen = sorted((p for p in catalog.places.values() if not kinds or p.kind in kinds),
                    key=lambda p: p.id)
    write_rows([place_record(place, counts.get(place.id, 0)) for place in chosen], fields,
               output)


HELP = """List the places of the gazetteer: id, name, kind, where it lies, coordinates, aliases.

Any id, name or alias shown here works with 'idlib events --place' and '--near'.

\b
Examples:
  idlib places
  idlib places --kind crossing
  idlib places --json | jq -r '.[] | select(.within == "idlib-governorate") | .name'
"""

COMMAND = Command(
    "places", HELP,
    (Opt(("--kind",), "kinds", "multi", "Only places of this kind (town, crossing, "
         "air-base …).", metavar="KIND"), *output_options(), *STORE),
    run, fast=True)
