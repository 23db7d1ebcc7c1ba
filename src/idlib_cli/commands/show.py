"""`idlib show ID...`: events in full."""

from __future__ import annotations

import sys

from idlib_cli import settings
from idlib_cli.catalog import Catalog
from idlib_cli.commands import Command, Values
from idlib_cli.commands.common import catalog_for, is_utf8, page
from idlib_cli.errors import UsageError
from idlib_cli.options import NO_COLOR, NO_PAGER, STORE, Arg, Opt
from idlib_cli.records import Record
from idlib_cli.render import event_sheet, write_records, write_sheet


def resolve(catalog: Catalog, typed: str) -> Record:
    """An id, or a prefix that only one id starts with (`2020-03-05-moscow`)."""
    from idlib_cli.errors import NotFoundError

    try:
        return catalog.record(typed)
    except NotFoundError:
        prefix = typed.strip()
        matches = [event_id for event_id in catalog.event_ids() if event_id.startswith(prefix)] \
            if prefix else []
        if len(matches) == 1:
            return catalog.record(matches[0])
        if len(matches) > 1:
            shown = ", ".join(matches[:8]) + (f" and {len(matches) - 8} more"
                                               if len(matches) > 8 else "")
            raise UsageError(f"{prefix!r} is the start of {len(matches)} ids: {shown}; "
                             "give more of it") from None
        raise


def run(values: Values) -> None:
    catalog = catalog_for(values)
    records = [resolve(catalog, typed) for typed in values["event_ids"]]
    stream = sys.stdout
    if values["as_json"]:
        write_records("jsonl", records, list(records[0]), stream,
                      ascii_only=not is_utf8(stream))
        return
    rich = stream.isatty()
    color = settings.color(values["no_color"])
    if not rich or values["no_pager"]:
        for index, record in enumerate(records):
            if index:
                stream.write("\n")
            write_sheet(event_sheet(record), stream, rich=rich, color=color)
        return
    import io

    buffer = io.StringIO()
    for index, record in enumerate(records):
        if index:
            buffer.write("\n")
        write_sheet(event_sheet(record), buffer, rich=True, color=color)
    page(buffer.getvalue(), stream)


HELP = """Everything about events: dates, summary, actors, figures with who claimed them, sources.

ID may be a unique start of an id (2020-03-05-moscow); several ids show one after another.

\b
Examples:
  idlib show 2020-03-05-moscow-additional-protocol
  idlib show 2020-03-05-moscow
  idlib show 2020-02-27-balyun-airstrike --json | jq '.figures'
"""

COMMAND = Command(
    "show", HELP,
    (Opt(("--json",), "as_json", "flag", "Each event as one JSON object (one per line)."),
     NO_COLOR, NO_PAGER, *STORE),
    run, arguments=(Arg("event_ids", "ID...", many=True, complete="event"),), fast=True)
