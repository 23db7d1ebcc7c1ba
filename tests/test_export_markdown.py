"""Markdown export, rendered by markdown-it-py with its footnote plugin (mdit-py-plugins)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from export_support import Record, context, real_records, render, some_records
from hostile_records import hostile_records
from idlib_cli.exports import markdown
from idlib_cli.exports.common import unique_sources


def _parser() -> MarkdownIt:
    # CommonMark with raw HTML allowed (its default), so escaping is really tested; tables
    # on, as GitHub and Pandoc have them.
    return MarkdownIt("commonmark").use(footnote_plugin).enable("table")


def _all_tokens(tokens: list[Token]) -> list[Token]:
    found = []
    for token in tokens:
        found.append(token)
        found.extend(_all_tokens(token.children or []))
    return found


class _Page(HTMLParser):
    """Tags, attributes and text of the rendered HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _check_footnotes(source: str, records: list[Record]) -> str:
    """Every reference resolves, every footnote is defined once and cited; returns the HTML."""
    tokens = _all_tokens(_parser().parse(source))
    refs = [t.meta["label"] for t in tokens if t.type == "footnote_ref"]
    definitions = [t.meta["label"] for t in tokens if t.type == "footnote_open"]
    written_refs = re.findall(r"\[\^(\d+)\](?!:)", source)
    assert len(refs) == len(written_refs), "a [^n] in the text did not resolve"
    assert len(definitions) == len(set(definitions)), "a footnote is defined twice"
    assert set(refs) == set(definitions), "a footnote is never cited, or cited but undefined"
    assert len(definitions) == len(unique_sources(records))
    html: str = _parser().render(source)
    for target in re.findall(r'href="#(fn\d+)"', html):
        assert f'id="{target}"' in html
    return html


@pytest.mark.parametrize("as_table", [False, True])
def test_every_footnote_resolves_on_the_real_store(as_table: bool) -> None:
    records = real_records()
    source = render(markdown, records, context(as_table=as_table))
    html = _check_footnotes(source, records)
    assert html.count("<li>" if not as_table else "<tr>") >= len(records)


def test_each_event_cites_each_of_its_sources() -> None:
    records = some_records()
    source = render(markdown, records)
    sources = unique_sources(records)
    number = {s["url"]: i for i, s in enumerate(sources, 1)}
    lines = [line for line in source.splitlines() if line.startswith("- ")]
    assert len(lines) == len(records)
    for record, line in zip(records, lines, strict=True):
        for src in record["sources"]:
            assert f"[^{number[src['url']]}]" in line
    for index, src in enumerate(sources, 1):
        definition = next(line for line in source.splitlines()
                          if line.startswith(f"[^{index}]: "))
        assert f"<{src['url']}>" in definition


def test_the_table_has_a_row_per_event() -> None:
    records = some_records()
    tokens = _parser().parse(render(markdown, records, context(as_table=True)))
    rows = [t for t in tokens if t.type == "tr_open"]
    assert len(rows) == len(records) + 1  # and the header


@pytest.mark.parametrize("as_table", [False, True])
def test_hostile_text_renders_as_text(as_table: bool) -> None:
    records = hostile_records()
    html = _check_footnotes(render(markdown, records, context(as_table=as_table)), records)
    page = _Page()
    page.feed(html)
    tags = {tag for tag, _ in page.tags}
    assert not tags & {"script", "img", "svg", "iframe", "b", "i"}
    assert "<em>not emphasis" not in html  # our own <em> is only each footnote's title
    for tag, attrs in page.tags:
        href = attrs.get("href")
        if tag == "a":
            assert href and (href.startswith(("http://", "https://", "#fn"))), href
    text = "".join(page.text)
    assert "<script>window.__pwned" in text
    assert "[link](javascript:" in text
    assert "*not emphasis*" in text
    assert "Braces } { \\ % $ & # _ ^ ~" in text


def test_an_empty_selection_says_so() -> None:
    assert "No events." in render(markdown, [])
