"""Turning records into output: JSON, JSON Lines, CSV, TSV, plain lines, terminal tables.

The records themselves (the stable JSON interface) come from records.py. Nothing here decides
*which* events to show; Rich is imported only when a table or a sheet is drawn.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, BinaryIO, TextIO

from idlib_cli.errors import UsageError
from idlib_cli.records import Record, event_fields, inert_json
from idlib_cli.text import inert

EVENT_FIELDS = event_fields()
EVENT_DEFAULT_COLUMNS = ("date", "id", "type", "actors", "title")
ACTOR_FIELDS = ("id", "name", "kind", "aliases", "parent", "successor_of", "events", "first",
                "last", "note")
ACTOR_DEFAULT_COLUMNS = ("id", "name", "kind", "parent", "events", "first", "last", "aliases")

# --- fields -----------------------------------------------------------------------------------


def pick_fields(requested: str | None, allowed: Sequence[str],
                default: Sequence[str]) -> tuple[str, ...]:
    """'id,title' -> ('id', 'title'), refusing names we don't have."""
    if requested is None:
        return tuple(default)
    import difflib

    chosen = tuple(name.strip().lower() for name in requested.split(",") if name.strip())
    if not chosen:
        raise UsageError(f"--fields is empty: choose from {', '.join(allowed)}")
    for name in chosen:
        if name not in allowed:
            close = difflib.get_close_matches(name, allowed, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            raise UsageError(f"unknown field {name[:40]!r}: {hint}choose from {', '.join(allowed)}")
    return chosen


def project(records: Iterable[Record], fields: Sequence[str]) -> list[Record]:
    return [{name: record[name] for name in fields} for record in records]


# --- cells ------------------------------------------------------------------------------------


def one_line(text: str) -> str:
    return inert(text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))


def flat(value: Any) -> str:
    """A field as one cell of CSV/TSV/table text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "; ".join(_flat_item(item) for item in value)
    if isinstance(value, dict):
        return str(value.get("name", "")) if "name" in value else json.dumps(value)
    return str(value)


def _flat_item(item: Any) -> str:
    if not isinstance(item, dict):
        return flat(item)
    if "role" in item:  # an actor reference
        return str(item["id"])
    if "claimed_by" in item:  # a figure
        qualifier = f"{item['qualifier']} " if item.get("qualifier") else ""
        return f"{item['label']}: {qualifier}{flat(item['value'])} ({item['claimed_by']})"
    if "url" in item:  # a source
        return str(item["url"])
    return json.dumps(item, ensure_ascii=False)


# --- writers ----------------------------------------------------------------------------------


def write_json_texts(texts: Iterable[str], out: TextIO, *, lines: bool) -> None:
    """Records already encoded by `records.inert_json`: as an array, or one per line (JSONL).

    The array holds one record per line: valid JSON, easy to diff and grep, and written with the
    C encoder (an indented dump uses the pure-Python one, ten times slower)."""
    if lines:
        for text in texts:
            out.write(text)
            out.write("\n")
        return
    separator = "[\n"
    for text in texts:
        out.write(separator)
        out.write(text)
        separator = ",\n"
    out.write("[]\n" if separator == "[\n" else "\n]\n")


def write_json_batches(batches: Iterable[Sequence[bytes | memoryview]], out: BinaryIO, *,
                       lines: bool) -> None:
    """`write_json_texts` for records already encoded, a batch at a time: the fast lane,
    where half a million records cost one join per batch, not a write per record."""
    if lines:
        for batch in batches:
            if batch:
                out.write(b"\n".join(batch))
                out.write(b"\n")
        return
    separator = b"[\n"
    for batch in batches:
        if batch:
            out.write(separator)
            out.write(b",\n".join(batch))
            separator = b",\n"
    out.write(b"[]\n" if separator == b"[\n" else b"\n]\n")


def write_csv(records: Iterable[Record], fields: Sequence[str], out: TextIO,
              *, header: bool = True, **_: Any) -> None:
    import csv

    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(fields)
    for record in records:
        # Newlines are legal inside quoted CSV cells; only terminal-hostile characters go.
        writer.writerow([inert(flat(record[name])) for name in fields])


_TSV_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def tsv_cell(text: str) -> str:
    """Linear TSV: backslash, tab, newline and CR escaped, so one record is one line."""
    return inert("".join(_TSV_ESCAPES.get(char, char) for char in text))


def write_tsv(records: Iterable[Record], fields: Sequence[str], out: TextIO,
              *, header: bool = True, **_: Any) -> None:
    if header:
        out.write("\t".join(fields) + "\n")
    for record in records:
        out.write("\t".join(tsv_cell(flat(record[name])) for name in fields) + "\n")


def write_json(records: Sequence[Record], fields: Sequence[str], out: TextIO, *,
               ascii_only: bool = False, **_: Any) -> None:
    write_json_texts((inert_json(r, ascii_only=ascii_only) for r in project(records, fields)),
                     out, lines=False)


def write_jsonl(records: Sequence[Record], fields: Sequence[str], out: TextIO, *,
                ascii_only: bool = False, **_: Any) -> None:
    write_json_texts((inert_json(r, ascii_only=ascii_only) for r in project(records, fields)),
                     out, lines=True)


def write_plain(records: Sequence[Record], fields: Sequence[str], out: TextIO,
                **_: Any) -> None:
    """What piped output gets by default: TSV without a header, one record per line."""
    write_tsv(records, fields, out, header=False)


def write_records(fmt: str, records: Sequence[Record], fields: Sequence[str], out: TextIO, *,
                  color: bool = False, ascii_only: bool = False, header: bool = True) -> None:
    """Dispatch to the format's writer (formats.py). `records` are full records; `fields`
    picks what is shown."""
    from idlib_cli.formats import row_format

    row_format(fmt).load()(records, fields, out, color=color, ascii_only=ascii_only,
                           header=header)


# --- one event, in full -----------------------------------------------------------------------


def event_sheet(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The `show` view: (label, text) pairs, in reading order."""
    span = record["start"] if record["start"] == record["end"] else \
        f"{record['start']} to {record['end']}"
    rows = [("id", record["id"]), ("title", record["title"]),
            ("date", f"{record['date']}  ({record['precision']}"
                     f"{', approximate' if record['approximate'] else ''}: {span})"),
            ("type", record["type"])]
    if record["date_note"]:
        rows.append(("date note", record["date_note"]))
    if record["location"]:
        rows.append(("location", record["location"]["name"]))
    rows.append(("summary", record["summary"]))
    if record["note"]:
        rows.append(("note", record["note"]))
    rows += [("actor", f"{a['name']} ({a['id']}), {a['role']}") for a in record["actors"]]
    for figure in record["figures"]:
        qualifier = f"{figure['qualifier']} " if figure["qualifier"] else ""
        note = f" [{figure['note']}]" if figure["note"] else ""
        rows.append(("figure", f"{figure['label']}: {qualifier}{_number(figure['value'])}, "
                               f"according to {figure['claimed_by']}{note}"))
    for source in record["sources"]:
        published = f", {source['published']}" if source["published"] else ""
        title = f": {source['title']}" if source["title"] else ""
        rows.append(("source", f"{source['publisher']}{title}{published}\n{source['url']}"))
    if record["tags"]:
        rows.append(("tags", ", ".join(record["tags"])))
    return rows


def _number(value: float) -> str:
    """3136 -> '3,136' for reading; JSON keeps the plain number."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def write_sheet(rows: Sequence[tuple[str, str]], out: TextIO, *, rich: bool, color: bool) -> None:
    if not rich:
        for label, text in rows:
            value = "\n  ".join(inert(line) for line in text.split("\n"))
            out.write(f"{label}: {value}\n")
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold" if color else "", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, text in rows:
        cell = Text()
        for index, line in enumerate(text.split("\n")):
            if index:
                cell.append("\n")
            safe = inert(line)
            is_link = safe.startswith(("https://", "http://")) and " " not in safe
            cell.append(safe, style=f"link {safe}" if is_link and color else "")
        grid.add_row(Text(label), cell)
    Console(file=out, no_color=not color, highlight=False, emoji=False).print(grid)
