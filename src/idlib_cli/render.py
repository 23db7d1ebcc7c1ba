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


NARROW = 50  # below this many columns a table is unreadable: stack the fields instead
GAP = "  "
SHORT = ("date", "type", "start", "end", "precision", "approximate", "kind", "events", "first",
         "last", "parent")  # columns that keep their natural width
MAIN = ("title", "summary", "name")  # the column that takes the remaining width
MIN_FLEXIBLE = 12


def write_table(records: Sequence[Record], fields: Sequence[str], out: TextIO, *,
                color: bool = False, **_: Any) -> None:
    """Aligned columns for a terminal, long cells wrapped.

    Rich supplies the terminal's width, its colour support and the header's style; the layout
    is ours, because Rich's own Table measures and wraps every cell as rich text, which cost
    over 100 ms for the 132 rows of `--actor turkey`. Store text is never read as markup: it
    is written as plain text, made inert first.
    """
    from rich.console import Console

    console = Console(file=out, no_color=not color, highlight=False, emoji=False)
    records = project(records, fields)
    rows = [[one_line(_cell(name, record)) for name in fields] for record in records]
    headings = [_heading(name) for name in fields]
    widths = _column_widths(headings, rows, fields, console.width - len(GAP) * (len(fields) - 1))
    if console.width < NARROW or widths is None:
        _write_stacked(records, fields, console)
        return
    lines = [_styled(GAP.join(_pad(h, w) for h, w in zip(headings, widths, strict=True)),
                     "bold", console)]
    if color:
        lines.append(_styled("─" * (sum(widths) + len(GAP) * (len(widths) - 1)), "dim", console))
    for row in rows:
        lines += _row_lines(row, widths)
    out.write("\n".join(line.rstrip() for line in lines) + "\n")


def _column_widths(headings: Sequence[str], rows: Sequence[Sequence[str]],
                   fields: Sequence[str], available: int) -> list[int] | None:
    """Ids stay whole (people copy them) when the text column can still get a fair width."""
    for short in ((*SHORT, "id"), SHORT):
        widths = _fit(headings, rows, fields, available, short)
        if widths is not None:
            return widths
    return None


def _fit(headings: Sequence[str], rows: Sequence[Sequence[str]], fields: Sequence[str],
         available: int, short: Sequence[str]) -> list[int] | None:
    """Natural widths if they fit. Otherwise short columns (dates, types, counts) keep theirs,
    the main text column (title, summary or name) takes what the other long ones leave, and
    they get a fair share each. None if even that can't fit."""
    from rich.cells import cell_len

    natural = [max([cell_len(heading), *(cell_len(row[i]) for row in rows)])
               for i, heading in enumerate(headings)]
    if sum(natural) <= available:
        return natural
    flexible = [i for i, name in enumerate(fields) if name not in short]
    if not flexible:
        return None
    main = next((fields.index(name) for name in MAIN if name in fields), flexible[-1])
    room = available - sum(w for i, w in enumerate(natural) if i not in flexible)
    share = max(MIN_FLEXIBLE, room // (len(flexible) + 1))
    widths = list(natural)
    for i in flexible:
        if i != main:
            widths[i] = min(natural[i], share)
    widths[main] = room - sum(widths[i] for i in flexible if i != main)
    return widths if widths[main] >= max(MIN_FLEXIBLE, min(natural[main], 24)) else None


def _row_lines(row: Sequence[str], widths: Sequence[int]) -> list[str]:
    import textwrap

    cells = [textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]
             if len(text) > width else [text] for text, width in zip(row, widths, strict=True)]
    height = max(len(lines) for lines in cells)
    return [GAP.join(_pad(lines[i] if i < len(lines) else "", width)
                     for lines, width in zip(cells, widths, strict=True))
            for i in range(height)]


def _pad(text: str, width: int) -> str:
    from rich.cells import cell_len

    return text + " " * (width - cell_len(text))


def _styled(text: str, style: str, console: Any) -> str:
    if console.no_color or console.color_system is None:
        return text
    from rich.style import Style

    return str(Style.parse(style).render(text, color_system=console.color_system))


def _write_stacked(records: Sequence[Record], fields: Sequence[str], console: Any) -> None:
    """One 'Field: value' line per field, folded to the terminal's width; a blank line between
    records."""
    import textwrap

    width = max(console.width, 10)
    labels = {name: (f"{_heading(name)}:", _styled(f"{_heading(name)}:", "bold", console))
              for name in fields}
    blocks = []
    for record in records:
        lines = []
        for name in fields:
            plain, styled = labels[name]
            text = f"{plain} {one_line(_cell(name, record))}"
            wrapped = [text] if len(text) <= width else \
                textwrap.wrap(text, width, break_on_hyphens=False) or [text]
            wrapped[0] = styled + wrapped[0][len(plain):]
            lines += wrapped
        blocks.append("\n".join(lines))
    console.file.write("\n\n".join(blocks) + ("\n" if blocks else ""))


def _heading(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _cell(name: str, record: Record) -> str:
    value = record[name]
    if name == "actors" and isinstance(value, list):
        return ", ".join(item["name"] for item in value)
    return flat(value)


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
        rows.append(("source", f"{source['publisher']}: {source['title']}{published}\n"
                               f"{source['url']}"))
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
