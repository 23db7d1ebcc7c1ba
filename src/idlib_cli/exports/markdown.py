"""Markdown for an article: a dated list (or a table) with footnote citations to the sources.

Each source gets one footnote, numbered in first-cited order and defined once at the end, so an
event citing a page another event already cited reuses its number. Store text is escaped so
it stays text in any CommonMark renderer: no HTML, links, emphasis or footnotes of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from idlib_cli.exports.common import (
    Record,
    date_label,
    fuzziness,
    is_http_url,
    one_line,
    source_key,
    unique_sources,
)
from idlib_cli.exports.context import ExportContext

# Punctuation that can open inline Markdown (HTML, links, emphasis, code, footnotes, entities,
# tables, math in some renderers) is backslash-escaped; CommonMark allows that for any ASCII
# punctuation, and readers see the character itself.
_ACTIVE = re.compile(r"([\\`*_{}\[\]<>|~&$^#])")
# A line-leading marker (list item, heading, quote, ordered item) would be read as a block.
_LEADING = re.compile(r"^([-+=>]|\d+[.)])")


def text(value: Any) -> str:
    """Store text as inline Markdown that renders as exactly that text."""
    escaped = _ACTIVE.sub(r"\\\1", one_line(value))
    return _LEADING.sub(lambda m: m.group()[:-1] + "\\" + m.group()[-1], escaped)


class Footnotes:
    """Numbers sources by first citation and remembers them for the definitions."""

    def __init__(self, records: Sequence[Record]) -> None:
        self.sources = unique_sources(records)
        self.number = {source_key(s): index for index, s in enumerate(self.sources, 1)}

    def refs(self, record: Record) -> str:
        numbers = dict.fromkeys(self.number[source_key(s)] for s in record.get("sources") or ())
        return "".join(f"[^{n}]" for n in numbers)

    def definitions(self) -> Iterator[str]:
        for index, source in enumerate(self.sources, 1):
            yield f"[^{index}]: {_citation(source)}"


def _citation(source: Record) -> str:
    parts = [text(source.get("publisher") or "Unknown publisher")]
    if source.get("title"):
        parts.append(f"*{text(source['title'])}*")
    if source.get("published"):
        parts.append(text(source["published"]))
    url = source.get("url")
    parts.append(f"<{url}>" if is_http_url(url) else text(url or "no URL"))
    return ", ".join(parts) + "."


def _when(record: Record) -> str:
    vague = fuzziness(record)
    return f"{date_label(record)} ({vague})" if vague else date_label(record)


def _sentence(value: Any) -> str:
    """A title as the first sentence of a list item: a full stop unless it has its own."""
    title = text(value)
    return title if title.endswith((".", "?", "!")) else f"{title}."


def _list_lines(records: Sequence[Record], notes: Footnotes) -> Iterator[str]:
    for record in records:
        yield (f"- **{text(_when(record))}**: {_sentence(record.get('title'))} "
               f"{text(record.get('summary'))}{notes.refs(record)}")


def _cell(value: str) -> str:
    return value or " "


def _table_lines(records: Sequence[Record], notes: Footnotes) -> Iterator[str]:
    yield "| Date | Event | Type | Actors | Sources |"
    yield "| --- | --- | --- | --- | --- |"
    for record in records:
        actors = ", ".join(text(a.get("name")) for a in record.get("actors") or ())
        cells = (text(_when(record)), f"**{text(record.get('title'))}** "
                 f"{text(record.get('summary'))}", text(record.get("type")), actors,
                 notes.refs(record))
        yield "| " + " | ".join(_cell(c) for c in cells) + " |"


def markdown_lines(records: Sequence[Record], context: ExportContext) -> Iterator[str]:
    notes = Footnotes(records)
    yield f"# {text(context.title)}"
    yield ""
    if not records:
        yield "No events."
        return
    yield from (_table_lines if context.as_table else _list_lines)(records, notes)
    yield ""
    yield from notes.definitions()


def write(records: Sequence[dict[str, Any]], stream: TextIO, context: ExportContext) -> None:
    for line in markdown_lines(records, context):
        stream.write(line + "\n")
