"""The format registry: every output format is one entry, naming its writer.

Row formats print lists of records (events, actors, types, stats rows) and share the option
bundle `options.output_options`; export formats (`idlib export --format`) write whole documents.
Writers are named as "module:function" and imported only when used, so start-up pays for none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from idlib_cli.errors import UsageError
from idlib_cli.suggest import hint


class Format(NamedTuple):
    name: str
    help: str
    writer: str  # "module:function"
    switch: bool = True  # offered as --NAME on listing commands
    streams_json: bool = False  # the engine's stored JSON bytes can be written as they are
    tabular: bool = True  # honours --fields and --no-headers
    extension: str = ""

    def load(self) -> Any:
        module, _, function = self.writer.partition(":")
        return getattr(__import__(module, fromlist=[function]), function)


ROW_FORMATS: Mapping[str, Format] = {fmt.name: fmt for fmt in (
    Format("table", "A table (the default on a terminal).", "idlib_cli.table:write_table"),
    Format("json", "A JSON array (stable fields; see README).", "idlib_cli.render:write_json",
           streams_json=True, extension="json"),
    Format("jsonl", "One JSON object per line.", "idlib_cli.render:write_jsonl",
           streams_json=True, extension="jsonl"),
    Format("csv", "CSV with a header row.", "idlib_cli.render:write_csv", extension="csv"),
    Format("tsv", "Tab-separated with a header row (piped output without it is the same, "
                  "headerless).", "idlib_cli.render:write_tsv", extension="tsv"),
    Format("plain", "Tab-separated lines without a header: the default when piped.",
           "idlib_cli.render:write_plain", switch=False),
)}

EXPORT_FORMATS: Mapping[str, Format] = {fmt.name: fmt for fmt in (
    Format("html", "One self-contained web page: timeline, filters, map.",
           "idlib_cli.exports.html:write", tabular=False, extension="html"),
    Format("timelinejs", "TimelineJS3 JSON, ready to host with Knight Lab's TimelineJS.",
           "idlib_cli.exports.timelinejs:write", tabular=False, extension="json"),
    Format("geojson", "A GeoJSON FeatureCollection (RFC 7946) of events with a place.",
           "idlib_cli.exports.geojson:write", tabular=False, extension="geojson"),
    Format("ics", "iCalendar (RFC 5545): all-day events over each date's interval.",
           "idlib_cli.exports.ics:write", tabular=False, extension="ics"),
    Format("markdown", "Markdown for an article: a dated list with footnote citations.",
           "idlib_cli.exports.markdown:write", tabular=False, extension="md"),
    Format("csl-json", "The sources as CSL-JSON citations (Zotero, pandoc, citeproc).",
           "idlib_cli.exports.citations:write_csl_json", tabular=False, extension="json"),
    Format("bibtex", "The sources as BibTeX @online entries.",
           "idlib_cli.exports.citations:write_bibtex", tabular=False, extension="bib"),
)}


def row_format(name: str) -> Format:
    if name not in ROW_FORMATS:
        listing = "choose from " + ", ".join(ROW_FORMATS)
        suggestion = hint(name, ROW_FORMATS, listing=listing)
        raise UsageError(f"unknown format {name[:40]!r}: {suggestion}")
    return ROW_FORMATS[name]


def export_format(name: str) -> Format:
    if name not in EXPORT_FORMATS:
        choices = ", ".join(EXPORT_FORMATS)
        raise UsageError(f"unknown export format {name[:40]!r}: "
                         f"{hint(name, EXPORT_FORMATS, listing='choose from ' + choices)}")
    return EXPORT_FORMATS[name]
