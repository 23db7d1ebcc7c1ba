"""`idlib export --format FORMAT`: the selected events as a web page, TimelineJS, GeoJSON,
iCalendar, Markdown or citations (the format registry's export entries)."""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from idlib_cli.commands import Command, Values
from idlib_cli.commands.common import catalog_for, query_for, say
from idlib_cli.errors import UsageError
from idlib_cli.filters import FILTERS, filter_options
from idlib_cli.formats import EXPORT_FORMATS, export_format
from idlib_cli.options import SELECTION, STORE, Opt
from idlib_cli.records import era_record

OUTPUT = Opt(("--output", "-o"), "output", "value", "Write to FILE (atomically: never a "
             "half-written file) instead of standard output.", metavar="FILE", complete="path")


def title_for(values: Values) -> str:
    """'idlib: --actor turkey, --since 2020-02': what was asked, as the document's title."""
    given = [f"{opt.flags[0]} {', '.join(value) if isinstance(value, tuple) else value}"
             for entry in FILTERS for opt in entry.options
             if (value := values.get(opt.dest)) not in (None, False, ())]
    return "idlib: " + ("; ".join(given) if given else "the timeline of the conflict over Idlib")


def write_document(fmt_name: str, records: Sequence[dict[str, Any]], values: Values,
                   eras: list[dict[str, Any]], *, as_table: bool = False) -> None:
    """Render with the format's writer, then to -o FILE atomically, or to stdout as UTF-8."""
    from idlib_cli.exports.context import ExportContext

    fmt = export_format(fmt_name)
    context = ExportContext(title=values.get("title") or title_for(values), eras=eras,
                            accessed=date.today().isoformat(), as_table=as_table, warn=say)
    buffer = io.StringIO(newline="")
    fmt.load()(records, buffer, context)
    text = buffer.getvalue()
    if values.get("output"):
        from idlib_cli.commands.validate import user_path
        from idlib_cli.writer import atomic_write

        target = user_path(values["output"])
        if target.is_dir():
            raise UsageError(f"{target} is a directory: give a file name, e.g. "
                             f"{target / ('idlib.' + fmt.extension)}")
        if not target.parent.is_dir():
            raise UsageError(f"no directory {target.parent}: create it first")
        atomic_write(Path(target), text)
        say(f"wrote {len(records)} event{'s' if len(records) != 1 else ''} to {target}")
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8", "backslashreplace"))


def run(values: Values) -> None:
    if not values["fmt_name"]:
        raise UsageError(f"which format? give --format, one of {', '.join(EXPORT_FORMATS)}")
    export_format(values["fmt_name"])  # refuse a typo before any work
    catalog = catalog_for(values)
    records = list(catalog.search(query_for(catalog, values)))
    write_document(values["fmt_name"], records, values,
                   [era_record(era) for era in catalog.eras], as_table=values["as_table"])


HELP = f"""Export the selected events for the tools researchers use.

Formats: {", ".join(EXPORT_FORMATS)}. html is one self-contained page (no network
needed) with a timeline, eras, filters and a map; timelinejs is Knight Lab's TimelineJS3
JSON; geojson maps the events that have a place; ics is a calendar; markdown is a dated
list with footnotes for an article; csl-json and bibtex are the sources as citations.
Takes every filter that 'idlib events' takes.

\b
Examples:
  idlib export --format html --actor turkey -o turkey.html
  idlib export --format timelinejs --tag astana-round -o astana.json
  idlib export --format geojson --since 2020-02 --until 2020-03 > crisis.geojson
  idlib export --format ics --tag feb-2020-crisis -o crisis.ics
  idlib export --format markdown --tag astana-round --table
  idlib export --format bibtex --actor hts > hts.bib
"""

COMMAND = Command("export", HELP, (
    Opt(("--format", "-F"), "fmt_name", "value", "The format: " + ", ".join(EXPORT_FORMATS) +
        ".", metavar="FORMAT", complete="format", choices=tuple(EXPORT_FORMATS)),
    OUTPUT,
    Opt(("--title",), "title", "value", "The document's title (default: what was asked).",
        metavar="TEXT"),
    Opt(("--table",), "as_table", "flag", "Markdown: a table instead of a dated list."),
    *filter_options(), *SELECTION, *STORE), run)
