"""What several commands share, free of Click: choosing the output, opening the stores, building
the query from the filter registry, and writing rows through the format registry (with the
fast lane for JSON, the pager on a terminal and the count line on stderr).
"""

from __future__ import annotations

import codecs
import io
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

from idlib_cli import settings
from idlib_cli.catalog import Catalog, open_catalog
from idlib_cli.commands import Values
from idlib_cli.errors import UsageError
from idlib_cli.filters import build_plan
from idlib_cli.formats import ROW_FORMATS, row_format
from idlib_cli.query import Query, check_limit
from idlib_cli.records import Record
from idlib_cli.render import pick_fields, write_json_batches

if TYPE_CHECKING:
    from idlib_cli.index.freshness import Progress


def say(message: str) -> None:
    """A message for the person, never for the pipe (it may quote what they typed)."""
    from idlib_cli.text import inert

    sys.stderr.write(inert(message) + "\n")


def is_utf8(stream: TextIO) -> bool:
    try:
        return codecs.lookup(stream.encoding or "ascii").name == "utf-8"
    except LookupError:
        return False


class Output(NamedTuple):
    """How to print: chosen from flags first, then from the terminal and the environment."""

    fmt: str  # a row format's name (formats.py)
    fields: str | None
    header: bool
    color: bool
    ascii_only: bool
    stream: TextIO
    page: bool  # through the pager when taller than the screen


def output_for(values: Values) -> Output:
    stream = sys.stdout
    chosen = values.get("fmt") or ("table" if stream.isatty() else "plain")
    row_format(chosen)  # an unknown format is an error, never a silent table
    return Output(chosen, values.get("fields"), not values.get("no_headers", False),
                  settings.color(values.get("no_color", False)), not is_utf8(stream), stream,
                  stream.isatty() and not values.get("no_pager", False))


def catalog_for(values: Values) -> Catalog:
    """The stores the command reads: --data (or IDLIB_DATA) on top of the built-in one."""
    paths = list(values.get("data_paths") or ()) or settings.data_paths()
    return open_catalog(paths, not values.get("no_builtin", False), progress=_progress())


def _progress() -> Progress | None:
    """A progress bar on stderr for big preparations on a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        return None

    def start(total: int) -> Callable[[int], None] | None:
        if total < 16 * 1024**2:
            return None
        from rich.console import Console
        from rich.progress import Progress as Bar

        bar = Bar(transient=True, console=Console(stderr=True))
        bar.start()
        task = bar.add_task("Preparing the index (once per store change)", total=total)

        def advance(size: int) -> None:
            bar.advance(task, size)
            if bar.tasks[0].completed >= total:
                bar.stop()

        return advance

    return start


def query_for(catalog: Catalog, values: Values) -> Query:
    """The filters' plan (filters.py), with --limit and --reverse."""
    return Query(build_plan(values, catalog), check_limit(values.get("limit")),
                 bool(values.get("reverse")))


def fields_for(output: Output, every: Sequence[str], columns: Sequence[str]) -> tuple[str, ...]:
    """JSON carries every field by default (it is the stable interface); columns suit text."""
    default = every if output.fmt in ("json", "jsonl") else columns
    return pick_fields(output.fields, every, default)


def write_rows(records: Sequence[Record], fields: Sequence[str], output: Output) -> None:
    """Records through their format's writer; on a terminal, through the pager if long."""
    writer = row_format(output.fmt).load()
    if not output.page:
        writer(records, fields, output.stream, color=output.color,
               ascii_only=output.ascii_only, header=output.header)
        return
    buffer = io.StringIO()
    writer(records, fields, buffer, color=output.color, ascii_only=output.ascii_only,
           header=output.header)
    page(buffer.getvalue(), output.stream)


def page(text: str, stream: TextIO) -> None:
    """Show `text`, through the pager (as git does) when it is taller than the screen; then the
    notes of a table drawn for it (columns hidden at this width) on stderr, where the reader
    sees them once the pager is gone."""
    import shutil

    from idlib_cli.table import take_notes

    command = settings.pager()
    height = shutil.get_terminal_size().lines
    pager = None
    if command is not None and text.count("\n") >= height - 1:
        import contextlib
        import shlex
        import subprocess

        stream.flush()
        with contextlib.suppress(OSError, ValueError):  # no such pager: print as if none
            pager = subprocess.Popen(shlex.split(command), stdin=subprocess.PIPE)
    if pager is None:
        stream.write(text)
    else:
        import signal

        # Ctrl-C belongs to the pager while it runs (it stops a search there); were it to end
        # idlib too, the shell would take the terminal back with the pager still reading it.
        interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            assert pager.stdin is not None
            pager.stdin.write(text.encode(stream.encoding or "utf-8", "backslashreplace"))
            pager.stdin.close()
        except BrokenPipeError:
            pass  # the reader quit the pager early: that is fine
        finally:
            pager.wait()
            signal.signal(signal.SIGINT, interrupt)
    stream.flush()
    for note in take_notes():
        sys.stderr.write(note)


def write_events(catalog: Catalog, query: Query, output: Output, every: Sequence[str],
                 columns: Sequence[str]) -> None:
    """`events` and the commands like it: the fast lane for whole JSON records, else rows."""
    fields = fields_for(output, every, columns)
    binary = getattr(output.stream, "buffer", None)
    fmt = ROW_FORMATS[output.fmt]
    if fmt.streams_json and output.fields is None and not output.ascii_only and \
            binary is not None:
        # The fast lane: records go out as the engine holds them, never parsed again.
        output.stream.flush()
        write_json_batches(catalog.json_batches(query), binary, lines=output.fmt == "jsonl")
        binary.flush()
        return
    records = list(catalog.search(query))
    write_rows(records, fields, output)
    if output.fmt == "table" and sys.stderr.isatty():
        say(count_line(len(records), query, catalog))


def count_line(shown: int, query: Query, catalog: Catalog, noun: str = "event") -> str:
    """'3 events', or '3 of 40 events' when --limit cut the list."""
    total = catalog.count_matching(query) if query.limit is not None and \
        shown >= query.limit else shown
    plural = "" if total == 1 else "s"
    return f"{shown} of {total} {noun}{plural}" if total != shown else f"{shown} {noun}{plural}"


def choose(values: Iterable[str], known: Iterable[str], what: str) -> list[str]:
    """Check names against a vocabulary, with suggestions for a typo."""
    from idlib_cli.suggest import hint

    vocabulary = sorted(set(known))
    chosen = []
    for raw in values:
        for name in filter(None, (part.strip().lower() for part in raw.split(","))):
            if name not in vocabulary:
                listing = "choose from " + ", ".join(vocabulary)
                raise UsageError(f"unknown {what} {name[:40]!r}: "
                                 f"{hint(name, vocabulary, listing=listing)}")
            chosen.append(name)
    return chosen


def no_records(*_: Any) -> None:
    """For commands that print no rows."""
