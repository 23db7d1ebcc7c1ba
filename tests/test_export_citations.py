"""CSL-JSON rendered by citeproc-py (a standard style it bundles); BibTeX parsed by bibtexparser."""

from __future__ import annotations

import json
import re
from typing import Any

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON

from export_support import Record, real_records, render, some_records
from hostile_records import hostile_records
from idlib_cli.exports import citations
from idlib_cli.exports.common import is_http_url, one_line, unique_sources

STYLE = "harvard-cite-them-right"  # the Harvard style citeproc-py ships (formerly harvard1)


def _csl(records: list[Record]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(render(citations, records, writer="write_csl_json"))
    return items


def _bibliography(items: list[dict[str, Any]]) -> list[str]:
    source = CiteProcJSON(json.loads(json.dumps(items)))  # citeproc-py consumes its input
    bibliography = CitationStylesBibliography(CitationStylesStyle(STYLE, validate=False),
                                              source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]


def _bibtex(records: list[Record], *, decode: bool = True) -> Any:
    """The parsed file; `decode` turns LaTeX into text, as a reference manager shows it (not
    for url, a verbatim field, where pylatexenc would read % as a comment)."""
    text = render(citations, records, writer="write_bibtex")
    middleware = [LatexDecodingMiddleware()] if decode else []
    library = bibtexparser.parse_string(  # type: ignore[attr-defined]
        text, append_middleware=middleware)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return library


def test_csl_json_renders_one_bibliography_entry_per_unique_source() -> None:
    records = real_records()
    items = _csl(records)
    assert len(items) == len(unique_sources(records))
    assert len({item["id"] for item in items}) == len(items)
    assert len({item.get("URL") for item in items}) == len(items)
    entries = _bibliography(items)
    assert len(entries) == len(items)
    text = "\n".join(entries)
    assert text.count("(Accessed: June 1, 2025)") == len(items)
    for item in items[:50]:
        assert item["URL"] in text
        if "title" in item:
            assert item["title"].split()[0] in text


def test_csl_items_carry_type_container_issued_and_accessed() -> None:
    for item in _csl(real_records()):
        assert item["type"] in ("webpage", "article-newspaper")
        assert item.get("title", "x") and "container-title" in item  # no title, not a blank one
        assert item["accessed"] == {"date-parts": [[2025, 6, 1]]}
        if "issued" in item:
            assert 1 <= len(item["issued"]["date-parts"][0]) <= 3
    by_url = {item["URL"]: item for item in _csl(real_records())}
    reuters = next(s for s in unique_sources(real_records()) if s["publisher"] == "Reuters")
    assert by_url[reuters["url"]]["type"] == "article-newspaper"
    assert by_url[reuters["url"]]["container-title"] == "Reuters"


def test_bibtex_parses_with_every_entry_and_field() -> None:
    records = real_records()
    library, raw = _bibtex(records), _bibtex(records, decode=False)
    sources = unique_sources(records)
    assert len(library.entries) == len(sources)
    assert len({entry.key for entry in library.entries}) == len(sources)
    for entry, verbatim, source in zip(library.entries, raw.entries, sources, strict=True):
        fields = entry.fields_dict
        assert entry.entry_type == "online"
        if one_line(source["title"]):
            assert fields["title"].value == one_line(source["title"])
        else:  # a page that shows no title is cited without one, never as "Untitled"
            assert "title" not in fields
        assert fields["organization"].value == one_line(source["publisher"])
        assert verbatim.fields_dict["url"].value == source["url"]
        assert fields["urldate"].value == "2025-06-01"
        if source.get("published"):
            assert fields["date"].value == source["published"]


def _described_alike(records: list[Record]) -> set[str]:
    """URLs that every event citing them describes the same way (publisher, title, date)."""
    seen: dict[str, set[tuple[Any, ...]]] = {}
    for record in records:
        for s in record["sources"]:
            seen.setdefault(s["url"], set()).add((s["publisher"], s["title"], s["published"]))
    return {url for url, descriptions in seen.items() if len(descriptions) == 1}


def test_keys_are_unique_and_the_same_in_every_selection() -> None:
    records = real_records()
    every = {s["url"]: k for k, s in citations.keyed_sources(records)}
    assert len(set(every.values())) == len(every)
    assert {s["url"]: k for k, s in citations.keyed_sources(records[::-1])} == every
    alike = _described_alike(records)
    for subset in (some_records(10), records[100:120], records[-30:]):
        some = {s["url"]: k for k, s in citations.keyed_sources(subset)}
        assert all(every[url] == key for url, key in some.items() if url in alike)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key) for key in every.values())


def test_the_fullest_description_of_a_page_is_cited() -> None:
    bare = {"url": "https://x.example/a", "publisher": "X", "title": None, "published": None}
    full = {**bare, "title": "A page", "published": "2020-01-02"}
    for order in ([bare, full], [full, bare]):
        [(_, source)] = citations.keyed_sources([{"sources": order}])
        assert source == full


def test_keys_say_publisher_date_and_title() -> None:
    source = {"url": "https://example.org/x", "publisher": "Daily Sabah (AFP)",
              "title": "The Turkish army strikes back in Idlib", "published": "2020-03-01"}
    assert re.fullmatch(r"dailysabah-2020-03-01-turkish-army-strikes-[0-9a-f]{4}",
                        citations.citation_key(source))


def test_pages_that_read_alike_get_different_keys() -> None:
    def src(url: str) -> dict[str, Any]:
        return {"url": url, "publisher": "TASS", "title": "Talks", "published": None}
    keys = {citations.citation_key(src("https://a.example")),
            citations.citation_key(src("https://b.example"))}
    assert len(keys) == 2
    assert all(key.startswith("tass-nd-talks-") for key in keys)


@pytest.mark.parametrize("writer", ["write_csl_json", "write_bibtex"])
def test_hostile_text_survives_and_only_http_urls_are_cited(writer: str) -> None:
    records = hostile_records()
    if writer == "write_csl_json":
        items = _csl(records)
        assert len(_bibliography(items)) == len(items)
        assert all(is_http_url(item["URL"]) for item in items if "URL" in item)
        assert any("<script>" in item["title"] for item in items)
        return
    library = _bibtex(records)
    assert len(library.entries) == len(unique_sources(records))
    titles = [entry.fields_dict["title"].value for entry in library.entries]
    # LaTeX commands in store text stay text (pylatexenc shows ^ as its accent, ˆ).
    braces = next(title for title in titles if title.startswith("Braces"))
    assert braces.startswith("Braces } { \\ % $ & # _ ")
    assert braces.endswith(" ~ \\end{document} \\input{/etc/passwd}")
    assert '<img src=x onerror="window.__pwned = (window.__pwned || 0) + 1"> picture' in titles
    for entry in _bibtex(records, decode=False).entries:
        if "url" in entry.fields_dict:
            assert is_http_url(entry.fields_dict["url"].value)


def test_bibtex_braces_always_balance() -> None:
    text = render(citations, hostile_records(), writer="write_bibtex")
    for entry in text.split("\n@"):
        depth = 0
        for index, char in enumerate(entry):
            if char in "{}" and (index == 0 or entry[index - 1] != "\\"):
                depth += 1 if char == "{" else -1
                assert depth >= 0
        assert depth == 0
