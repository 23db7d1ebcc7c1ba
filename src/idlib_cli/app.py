"""What the read commands do, free of Click: the Click front end (cli.py) and the fast path
(fastpath.py) both call these, so a command behaves the same whichever parsed its arguments.
"""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple, TextIO

from idlib_cli import __version__
from idlib_cli.catalog import Catalog, open_catalog
from idlib_cli.dates import parse_user_date
from idlib_cli.errors import UsageError
from idlib_cli.query import Query, resolve_types
from idlib_cli.records import Record, actor_record
from idlib_cli.render import (
    ACTOR_DEFAULT_COLUMNS,
    ACTOR_FIELDS,
    EVENT_DEFAULT_COLUMNS,
    EVENT_FIELDS,
    event_sheet,
    pick_fields,
    write_json_batches,
    write_records,
    write_sheet,
)

if TYPE_CHECKING:
    from _typeshed import StrPath


class Output(NamedTuple):
    """How to print: chosen from flags first, then from the terminal and the environment."""

    fmt: str  # table | json | jsonl | csv | tsv | plain
    fields: str | None
    header: bool
    color: bool
    ascii_only: bool
    stream: TextIO


def output_for(fmt: str | None, fields: str | None = None, no_headers: bool = False,
               no_color: bool = False) -> Output:
    stream = sys.stdout
    chosen = fmt or ("table" if stream.isatty() else "plain")
    return Output(chosen, fields, not no_headers, use_color(no_color), not is_utf8(stream),
                  stream)


def is_utf8(stream: TextIO) -> bool:
    try:
        return codecs.lookup(stream.encoding or "ascii").name == "utf-8"
    except LookupError:
        return False


def use_color(no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


def env_data_paths() -> list[str]:
    """IDLIB_DATA as a path list (':' on Unix, ';' on Windows), like PATH."""
    return [item for item in os.environ.get("IDLIB_DATA", "").split(os.pathsep)
            if item.strip()]


def say(message: str) -> None:
    """A message for the person, never for the pipe."""
    sys.stderr.write(message + "\n")


class EventFilters(NamedTuple):
    actors: Sequence[str] = ()
    since: str | None = None
    until: str | None = None
    keywords: Sequence[str] = ()
    types: Sequence[str] = ()
    limit: int | None = None
    reverse: bool = False


def build_query(catalog: Catalog, filters: EventFilters) -> Query:
    if any(not keyword.strip() for keyword in filters.keywords):
        raise UsageError("empty --keyword: give a word to search for")
    index = catalog.actor_index
    return Query(
        actor_sets=tuple(index.with_descendants(index.resolve(name)) for name in filters.actors),
        since=parse_user_date(filters.since)[0] if filters.since is not None else None,
        until=parse_user_date(filters.until)[1] if filters.until is not None else None,
        keywords=tuple(filters.keywords),
        types=resolve_types(catalog.type_counts(), filters.types) if filters.types
        else frozenset(),
        limit=filters.limit,
        reverse=filters.reverse,
    )


def events(data_paths: Sequence[StrPath], include_builtin: bool, filters: EventFilters,
           output: Output) -> None:
    """`idlib events`."""
    fields = pick_fields(output.fields, EVENT_FIELDS, _default_fields(
        output.fmt, EVENT_FIELDS, EVENT_DEFAULT_COLUMNS))
    catalog = open_catalog(data_paths, include_builtin)
    query = build_query(catalog, filters)
    binary = getattr(output.stream, "buffer", None)
    if output.fmt in ("json", "jsonl") and output.fields is None and not output.ascii_only \
            and binary is not None:
        # The fast lane: records go out as the engine holds them, never parsed again.
        output.stream.flush()
        write_json_batches(catalog.json_batches(query), binary, lines=output.fmt == "jsonl")
        binary.flush()
        return
    records = list(catalog.search(query))
    _write(records, fields, output)
    if output.fmt == "table" and sys.stderr.isatty():
        say(f"{len(records)} event{'s' if len(records) != 1 else ''}")


def actors(data_paths: Sequence[StrPath], include_builtin: bool, kinds: Sequence[str],
           output: Output) -> None:
    """`idlib actors`."""
    fields = pick_fields(output.fields, ACTOR_FIELDS, _default_fields(
        output.fmt, ACTOR_FIELDS, ACTOR_DEFAULT_COLUMNS))
    catalog = open_catalog(data_paths, include_builtin)
    known_kinds = {actor.kind for actor in catalog.actors.values()}
    for kind in kinds:
        if kind not in known_kinds:
            raise UsageError(f"unknown actor kind {kind[:40]!r}: choose from "
                             f"{', '.join(sorted(known_kinds))}")
    activity = catalog.activity()
    chosen = sorted((a for a in catalog.actors.values() if not kinds or a.kind in kinds),
                    key=lambda a: a.id)
    _write([actor_record(actor, activity[actor.id]) for actor in chosen], fields, output)


def show(data_paths: Sequence[StrPath], include_builtin: bool, event_id: str, as_json: bool,
         no_color: bool) -> None:
    """`idlib show ID`."""
    record = open_catalog(data_paths, include_builtin).record(event_id)
    stream = sys.stdout
    if as_json:
        write_records("jsonl", [record], list(record), stream, ascii_only=not is_utf8(stream))
        return
    write_sheet(event_sheet(record), stream, rich=stream.isatty(), color=use_color(no_color))


def type_counts(data_paths: Sequence[StrPath], include_builtin: bool) -> list[tuple[str, int]]:
    """`idlib types`: each type in use and how many events have it."""
    return sorted(open_catalog(data_paths, include_builtin).type_counts().items())


def version_line(data_paths: Sequence[StrPath]) -> str:
    catalog = open_catalog(data_paths, True)
    data = f", data {catalog.data_version}" if catalog.data_version else ""
    return f"idlib {__version__} ({catalog.count()} events{data})"


def _default_fields(fmt: str, every: Sequence[str], columns: Sequence[str]) -> Sequence[str]:
    """JSON carries every field by default (it is the stable interface); columns suit text."""
    return every if fmt in ("json", "jsonl") else columns


def _write(records: Iterable[Record], fields: Sequence[str], output: Output) -> None:
    write_records(output.fmt, list(records), fields, output.stream, color=output.color,
                  ascii_only=output.ascii_only, header=output.header)
