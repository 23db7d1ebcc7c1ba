"""`idlib validate`: every problem in one or more store files, each with its file, line and path.

The loader stops at the first problem it meets; this module keeps going, and adds the checks a
schema cannot express: references across stores, parent cycles, order, sources, duplicates.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from idlib_cli.errors import StoreError
from idlib_cli.jsonpath import PathPart, format_path, locate_line
from idlib_cli.model import (
    ACTOR_KINDS,
    ACTOR_ROLES,
    EVENT_TYPES,
    FIGURE_QUALIFIERS,
    Actor,
    Event,
)
from idlib_cli.store import (
    SCHEMA_VERSION,
    InvalidAt,
    in_cycle,
    parse_actor,
    parse_event,
    read_json,
)
from idlib_cli.text import fold

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PUBLISHED_PATTERN = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
TOP_KEYS = {"$schema", "schema_version", "data_version", "actors", "events"}
ACTOR_KEYS = {"id", "name", "kind", "aliases", "parent", "successor_of", "note"}
EVENT_KEYS = {"id", "date", "date_note", "title", "summary", "type", "actors", "location",
              "figures", "sources", "tags", "note"}
SOURCE_KEYS = {"url", "publisher", "title", "published"}
FIGURE_KEYS = {"label", "value", "qualifier", "claimed_by", "source_url", "note"}
TITLE_SIMILARITY = 0.85


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return f"{place}: {self.path}: {self.message}"


@dataclass
class _Parsed:
    file: str
    text: str
    actors: list[tuple[int, Actor]]
    events: list[tuple[int, Event]]


class _Collector:
    """Gathers problems for one file, turning JSON paths into lines as it goes."""

    def __init__(self, file: str, text: str) -> None:
        self.file, self.text = file, text
        self.problems: list[Problem] = []

    def add(self, parts: Sequence[PathPart], message: str) -> None:
        self.problems.append(Problem(self.file, format_path(parts),
                                     locate_line(self.text, parts), message))


@dataclass(frozen=True)
class Document:
    """A store file's name, its text (for line numbers) and its parsed JSON."""

    file: str
    text: str
    data: Any


def read_document(path: Path) -> Document:
    data, text = read_json(path)
    return Document(str(path), text, data)


def validate(paths: Sequence[Path], context: Sequence[Path] = ()) -> list[Problem]:
    """Check `paths`; actors defined in `context` files (e.g. the built-in store) may be used."""
    problems: list[Problem] = []
    documents: dict[Path, Document] = {}
    for path in [*context, *paths]:
        try:
            documents[path] = read_document(path)
        except StoreError as error:
            if path in paths:
                problems.append(Problem(error.file or str(path), "$", error.line, error.reason))
    targets = [documents[p] for p in paths if p in documents]
    background = [documents[p] for p in context if p in documents and p not in paths]
    return sorted(problems + validate_documents(targets, background),
                  key=lambda p: (p.file, p.line or 0, p.path))


def validate_documents(targets: Sequence[Document],
                       context: Sequence[Document] = ()) -> list[Problem]:
    """Every problem in `targets`; `context` documents only lend their actors and ids."""
    problems: list[Problem] = []
    parsed: list[_Parsed] = []
    checked: list[_Parsed] = []
    for document, is_target in [*((d, False) for d in context), *((d, True) for d in targets)]:
        collector = _Collector(document.file, document.text)
        item = _check_file(document.data, collector)
        parsed.append(item)
        if is_target:
            checked.append(item)
            problems += collector.problems
    problems += _check_across(parsed, checked)
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.path))


def _check_file(document: Any, out: _Collector) -> _Parsed:
    result = _Parsed(out.file, out.text, [], [])
    if not isinstance(document, dict):
        out.add((), "a store is a JSON object with 'schema_version' and 'events'")
        return result
    _unknown_keys(document, TOP_KEYS, (), out)
    if document.get("schema_version") != SCHEMA_VERSION:
        out.add(("schema_version",), f"schema_version must be {SCHEMA_VERSION}")
    for key, required in (("actors", False), ("events", True)):
        value = document.get(key)
        if value is None and not required:
            continue
        if not isinstance(value, list):
            out.add((key,), f"'{key}' must be a list")
            continue
        for index, item in enumerate(value):
            at = (key, index)
            try:
                if key == "actors":
                    result.actors.append((index, parse_actor(item, at)))
                    _unknown_keys(item, ACTOR_KEYS, at, out)
                else:
                    result.events.append((index, parse_event(item, at, out.file)))
                    _check_event_shape(item, at, out)
            except InvalidAt as problem:
                out.add(problem.parts, problem.message)
    _check_actors(result.actors, out)
    _check_events(result.events, out)
    return result


def _unknown_keys(obj: Any, allowed: set[str], at: tuple[PathPart, ...], out: _Collector) -> None:
    if isinstance(obj, dict):
        for key in obj:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                out.add((*at, key), f"unknown field '{key}'{hint}")


def _check_event_shape(item: dict[str, Any], at: tuple[PathPart, ...], out: _Collector) -> None:
    _unknown_keys(item, EVENT_KEYS, at, out)
    for index, source in enumerate(item.get("sources") or []):
        _unknown_keys(source, SOURCE_KEYS, (*at, "sources", index), out)
    for index, figure in enumerate(item.get("figures") or []):
        _unknown_keys(figure, FIGURE_KEYS, (*at, "figures", index), out)


def _check_actors(actors: list[tuple[int, Actor]], out: _Collector) -> None:
    for index, actor in actors:
        at: tuple[PathPart, ...] = ("actors", index)
        if not ID_PATTERN.match(actor.id):
            out.add((*at, "id"), f"actor id {actor.id!r} must be lowercase kebab-case")
        if actor.kind not in ACTOR_KINDS:
            out.add((*at, "kind"), f"unknown kind {actor.kind!r}: use one of "
                                   f"{', '.join(sorted(ACTOR_KINDS))}")


def _check_events(events: list[tuple[int, Event]], out: _Collector) -> None:
    previous: Event | None = None
    for index, event in events:
        at: tuple[PathPart, ...] = ("events", index)
        for message, field in _event_problems(event):
            out.add((*at, *field), message)
        if previous and (event.date.start, event.date.end) < \
                (previous.date.start, previous.date.end):
            out.add((*at, "date"), f"out of chronological order: {event.date.text} comes after "
                                   f"{previous.date.text} ({previous.id})")
        previous = event


def _event_problems(event: Event) -> Iterator[tuple[str, tuple[PathPart, ...]]]:
    if not ID_PATTERN.match(event.id):
        yield f"event id {event.id!r} must be lowercase kebab-case", ("id",)
    elif not event.id.startswith(str(event.date.start.year)):
        yield f"event id {event.id!r} must start with its year {event.date.start.year}", ("id",)
    if event.date.start > date.today():
        yield f"date {event.date.text} is in the future", ("date",)
    if event.type not in EVENT_TYPES:
        yield f"unknown type {event.type!r}: use one of {', '.join(sorted(EVENT_TYPES))}", \
            ("type",)
    if not event.actors:
        yield "an event needs at least one actor", ("actors",)
    for i, ref in enumerate(event.actors):
        if ref.role not in ACTOR_ROLES:
            yield f"unknown role {ref.role!r}: use one of {', '.join(sorted(ACTOR_ROLES))}", \
                ("actors", i, "role")
    if not event.sources:
        yield "unsourced: every event needs at least one source with a URL", ("sources",)
    urls = {source.url for source in event.sources}
    for i, source in enumerate(event.sources):
        if not _good_url(source.url):
            yield f"not a well-formed http(s) URL: {source.url[:80]!r}", ("sources", i, "url")
        if source.published and not _good_published(source.published):
            yield f"published {source.published!r} must be YYYY, YYYY-MM or YYYY-MM-DD, " \
                  "a real date not in the future", ("sources", i, "published")
    for i, figure in enumerate(event.figures):
        if figure.source_url not in urls:
            yield "the figure's source_url must be one of the event's sources", \
                ("figures", i, "source_url")
        if figure.qualifier and figure.qualifier not in FIGURE_QUALIFIERS:
            yield f"unknown qualifier {figure.qualifier!r}: use one of " \
                  f"{', '.join(sorted(FIGURE_QUALIFIERS))}", ("figures", i, "qualifier")
    for i, tag in enumerate(event.tags):
        if not ID_PATTERN.match(tag):
            yield f"tag {tag!r} must be lowercase kebab-case", ("tags", i)


def _good_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and "." in parts.netloc and not \
        any(char.isspace() for char in url)


def _good_published(text: str) -> bool:
    if not PUBLISHED_PATTERN.match(text):
        return False
    from idlib_cli.dates import parse_edtf
    from idlib_cli.errors import DateError

    try:
        return parse_edtf(text).start <= date.today()
    except DateError:
        return False


# --- checks across files ------------------------------------------------------------------------


def _check_across(parsed: Sequence[_Parsed], checked: Sequence[_Parsed]) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[str, tuple[_Parsed, Actor]] = {}  # the first definition of each actor id
    for item in parsed:
        for index, actor in item.actors:
            if actor.id in first:
                problems.append(_at(item, ("actors", index, "id"),
                                    f"duplicate actor id {actor.id!r} (also in "
                                    f"{first[actor.id][0].file})"))
            else:
                first[actor.id] = (item, actor)
    actors = {actor_id: actor for actor_id, (_, actor) in first.items()}
    for item in checked:
        problems += _actor_references(item, actors)
        problems += _event_references(item, actors)
    problems += _duplicate_events(parsed, checked)
    problems += _shared_aliases(checked, actors)
    return problems


def _at(item: _Parsed, parts: Sequence[PathPart], message: str) -> Problem:
    return Problem(item.file, format_path(parts), locate_line(item.text, parts), message)


def _actor_references(item: _Parsed, actors: Mapping[str, Actor]) -> Iterator[Problem]:
    for index, actor in item.actors:
        if actor.parent and actor.parent not in actors:
            yield _at(item, ("actors", index, "parent"), f"unknown parent {actor.parent!r}")
        for i, earlier in enumerate(actor.successor_of):
            if earlier not in actors:
                yield _at(item, ("actors", index, "successor_of", i),
                          f"unknown actor {earlier!r}")
        if in_cycle(actor.id, actors):
            yield _at(item, ("actors", index, "parent"),
                      f"parent cycle: {' -> '.join(_chain(actor.id, actors))}")


def _chain(start: str, actors: Mapping[str, Actor]) -> list[str]:
    chain = [start]
    current = actors[start].parent
    while current and current in actors and current not in chain:
        chain.append(current)
        current = actors[current].parent
    return [*chain, current] if current else chain


def _event_references(item: _Parsed, actors: Mapping[str, Actor]) -> Iterator[Problem]:
    for index, event in item.events:
        for i, ref in enumerate(event.actors):
            if ref.id not in actors:
                close = difflib.get_close_matches(ref.id, actors, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                yield _at(item, ("events", index, "actors", i, "id"),
                          f"unknown actor {ref.id!r}{hint}")


def _duplicate_events(parsed: Sequence[_Parsed], checked: Sequence[_Parsed]) -> Iterator[Problem]:
    """The same id twice, or the same date and actors under a near-identical title."""
    seen_ids: dict[str, str] = {}
    by_day: dict[tuple[date, date, frozenset[str]], list[tuple[str, str]]] = {}
    for item in parsed:
        for index, event in item.events:
            at = ("events", index, "id")
            if event.id in seen_ids:
                if item in checked:
                    yield _at(item, at, f"duplicate event id {event.id!r} "
                                        f"(also in {seen_ids[event.id]})")
                continue
            seen_ids[event.id] = item.file
            key = (event.date.start, event.date.end, frozenset(r.id for r in event.actors))
            title = fold(event.title)
            for other_id, other_title in by_day.get(key, []):
                ratio = difflib.SequenceMatcher(None, title, other_title).ratio()
                if ratio >= TITLE_SIMILARITY and item in checked:
                    yield _at(item, at, f"looks like a duplicate of {other_id!r} "
                                        "(same date, same actors, near-identical title)")
            by_day.setdefault(key, []).append((event.id, title))


def _shared_aliases(checked: Iterable[_Parsed], actors: Mapping[str, Actor]) -> Iterator[Problem]:
    """A name that points at two actors makes --actor ambiguous."""
    owner: dict[str, str] = {}
    for actor in actors.values():
        for label in (actor.id, actor.name, *actor.aliases):
            owner.setdefault(fold(label), actor.id)
    for item in checked:
        for index, actor in item.actors:
            for i, alias in enumerate(actor.aliases):
                first = owner.get(fold(alias))
                if first and first != actor.id:
                    yield _at(item, ("actors", index, "aliases", i),
                              f"alias {alias!r} already names {first!r}")
