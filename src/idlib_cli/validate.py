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

from idlib_cli.errors import StoreError
from idlib_cli.jsonpath import LineFinder, PathPart, format_path
from idlib_cli.model import (
    ACTOR_KINDS,
    ACTOR_ROLES,
    EVENT_TYPES,
    FIGURE_QUALIFIERS,
    PLACE_KINDS,
    Actor,
    Event,
    Place,
)
from idlib_cli.parse import (
    SCHEMA_VERSION,
    InvalidAt,
    event_shape_problems,
    parse_actor,
    parse_era,
    parse_event,
    parse_place,
    read_json,
)
from idlib_cli.rules import Broken, actor_problems, event_problems, place_problems
from idlib_cli.sources import good_published, good_url, source_warnings
from idlib_cli.suggest import closest
from idlib_cli.text import fold

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TOP_KEYS = {"$schema", "schema_version", "data_version", "actors", "places", "eras", "events"}
PLACE_KEYS = {"id", "name", "kind", "within", "lat", "lon", "aliases", "sources", "note"}
ERA_KEYS = {"id", "name", "start", "end", "description", "sources"}
LOCATION_KEYS = {"name", "place"}
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
    severity: str = "error"  # or "warning": reported, but the store is still usable

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        label = "warning: " if self.severity == "warning" else ""
        return f"{place}: {self.path}: {label}{self.message}"


@dataclass
class _Parsed:
    file: str
    lines: LineFinder
    actors: list[tuple[int, Actor]]
    events: list[tuple[int, Event]]
    places: list[tuple[int, Place]]


class _Collector:
    """Gathers problems for one file, turning JSON paths into lines as it goes (with one
    LineFinder per file: thousands of problems must not each re-read the file)."""

    def __init__(self, file: str, text: str) -> None:
        self.file, self.lines = file, LineFinder(text)
        self.problems: list[Problem] = []

    def add(self, parts: Sequence[PathPart], message: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.file, format_path(parts), self.lines.line(parts),
                                     message, severity))


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
    result = _Parsed(out.file, out.lines, [], [], [])
    if not isinstance(document, dict):
        out.add((), "a store is a JSON object with 'schema_version' and 'events'")
        return result
    _unknown_keys(document, TOP_KEYS, (), out)
    if document.get("schema_version") != SCHEMA_VERSION:
        out.add(("schema_version",), f"schema_version must be {SCHEMA_VERSION}")
    for key, required in (("actors", False), ("places", False), ("eras", False),
                          ("events", True)):
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
                elif key == "places":
                    result.places.append((index, parse_place(item, at)))
                    _unknown_keys(item, PLACE_KEYS, at, out)
                elif key == "eras":
                    parse_era(item, at)
                    _unknown_keys(item, ERA_KEYS, at, out)
                    for i, source in enumerate(item.get("sources") or []):
                        _source_warnings(source, (*at, "sources", i), out)
                else:
                    _check_event_shape(item, at, out)
                    shape = event_shape_problems(item, at)
                    for problem in shape:
                        out.add(problem.parts, problem.message)
                    if not shape:
                        result.events.append((index, parse_event(item, at, out.file)))
            except InvalidAt as problem:
                out.add(problem.parts, problem.message)
    _check_actors(result.actors, out)
    _check_places(result.places, out)
    _check_events(result.events, out)
    return result


def _unknown_keys(obj: Any, allowed: set[str], at: tuple[PathPart, ...], out: _Collector) -> None:
    if isinstance(obj, dict):
        for key in obj:
            if key not in allowed:
                close = closest(key, allowed, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                out.add((*at, key), f"unknown field '{key}'{hint}")


def _check_event_shape(item: dict[str, Any], at: tuple[PathPart, ...], out: _Collector) -> None:
    _unknown_keys(item, EVENT_KEYS, at, out)
    _unknown_keys(item.get("location"), LOCATION_KEYS, (*at, "location"), out)
    for index, source in enumerate(item.get("sources") or []):
        _unknown_keys(source, SOURCE_KEYS, (*at, "sources", index), out)
        _source_warnings(source, (*at, "sources", index), out)
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


def _check_places(places: list[tuple[int, Place]], out: _Collector) -> None:
    for index, place in places:
        at: tuple[PathPart, ...] = ("places", index)
        if not ID_PATTERN.match(place.id):
            out.add((*at, "id"), f"place id {place.id!r} must be lowercase kebab-case")
        if place.kind not in PLACE_KINDS:
            out.add((*at, "kind"), f"unknown kind {place.kind!r}: use one of "
                                   f"{', '.join(sorted(PLACE_KINDS))}")
        for i, source in enumerate(place.sources):
            if not good_url(source.url):
                out.add((*at, "sources", i, "url"), "not a well-formed http(s) URL")


def _source_warnings(source: Any, at: tuple[PathPart, ...], out: _Collector) -> None:
    for field, message in source_warnings(source):
        out.add((*at, field), message, "warning")


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
        if not good_url(source.url):
            yield f"not a well-formed http(s) URL: {source.url[:80]!r}", ("sources", i, "url")
        if source.published and not good_published(source.published):
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
    places: dict[str, Place] = {}
    for item in parsed:
        for index, place in item.places:
            if place.id in places:
                problems.append(_at(item, ("places", index, "id"),
                                    f"duplicate place id {place.id!r}"))
            places.setdefault(place.id, place)
    for item in checked:
        problems += _references(item, actors, places)
    problems += _duplicate_events(parsed, checked)
    problems += _shared_aliases(checked, actors)
    problems += _shared_place_aliases(checked, places)
    return problems


def _at(item: _Parsed, parts: Sequence[PathPart], message: str,
        severity: str = "error") -> Problem:
    return Problem(item.file, format_path(parts), item.lines.line(parts), message, severity)


def _broken(item: _Parsed, section: str, index: int,
            problems: Iterable[Broken]) -> Iterator[Problem]:
    for broken in problems:
        yield _at(item, (section, index, *broken.parts), broken.message)


def _references(item: _Parsed, actors: Mapping[str, Actor],
                places: Mapping[str, Place]) -> Iterator[Problem]:
    """The consistency rules (rules.py), the same the loader and the index builder apply."""
    for index, actor in item.actors:
        yield from _broken(item, "actors", index, actor_problems(actor, actors))
    for index, place in item.places:
        yield from _broken(item, "places", index, place_problems(place, places))
    for index, event in item.events:
        yield from _broken(item, "events", index, event_problems(event, actors, places))


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
                    # A likeness, not a proof (datasets have many alike strikes on one day):
                    # said, but the store stays usable.
                    yield _at(item, at, f"looks like a duplicate of {other_id!r} "
                                        "(same date, same actors, near-identical title)",
                              "warning")
            by_day.setdefault(key, []).append((event.id, title))


def _shared_aliases(checked: Iterable[_Parsed], actors: Mapping[str, Actor]) -> Iterator[Problem]:
    """A name that points at two actors makes --actor ambiguous."""
    for item in checked:
        yield from _shared_names(item, "actors", item.actors, actors, "")


def _shared_place_aliases(checked: Iterable[_Parsed],
                          places: Mapping[str, Place]) -> Iterator[Problem]:
    """A spelling that names two places makes --place and --near ambiguous."""
    for item in checked:
        yield from _shared_names(item, "places", item.places, places, "place ")


def _shared_names(item: _Parsed, section: str, entries: Sequence[tuple[int, Actor | Place]],
                  everything: Mapping[str, Actor | Place], what: str) -> Iterator[Problem]:
    """Aliases of `entries` that already name another entry, looked up as --actor and --place
    look names up (text.name_key)."""
    from idlib_cli.text import name_key

    owner: dict[str, str] = {}
    for entry in everything.values():
        for label in (entry.id, entry.name, *entry.aliases):
            owner.setdefault(name_key(label), entry.id)
    for index, entry in entries:
        for i, alias in enumerate(entry.aliases):
            first = owner.get(name_key(alias))
            if first and first != entry.id:
                yield _at(item, (section, index, "aliases", i),
                          f"alias {alias!r} already names {what}{first!r}")
