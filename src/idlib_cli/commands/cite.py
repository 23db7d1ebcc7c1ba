"""`idlib cite ID...`: the sources of the given events as citations."""

from __future__ import annotations

from idlib_cli.commands import Command, Values
from idlib_cli.commands.common import catalog_for
from idlib_cli.commands.export import OUTPUT, write_document
from idlib_cli.commands.show import resolve
from idlib_cli.errors import UsageError
from idlib_cli.options import STORE, Arg, Opt

STYLES = ("bibtex", "csl-json")


def run(values: Values) -> None:
    style = values["style"] or "bibtex"
    if style not in STYLES:
        raise UsageError(f"--format {style[:20]!r}: choose bibtex or csl-json")
    catalog = catalog_for(values)
    records = [resolve(catalog, typed) for typed in values["event_ids"]]
    write_document(style, records, values, [])


HELP = """Cite the sources of the given events: BibTeX (the default) or CSL-JSON.

Each source is cited once, with a stable key, its publisher, URL, publication date where the
page shows one, and today as the accessed date. IDs may be unique starts of ids.

\b
Examples:
  idlib cite 2020-03-05-moscow-additional-protocol
  idlib cite 2020-02-27-balyun-airstrike 2020-03-05-moscow --format csl-json > refs.json
  idlib events --tag astana-round --fields id | xargs idlib cite > astana.bib
"""

COMMAND = Command("cite", HELP, (
    Opt(("--format", "-F"), "style", "value", "bibtex (the default) or csl-json.",
        metavar="FORMAT", complete="format", choices=STYLES),
    OUTPUT, *STORE), run, arguments=(Arg("event_ids", "ID...", many=True, complete="event"),))
