"""Reading stores: JSON files of actors and events, checked and merged into one `Store`.

The built-in store ships inside the package; users add their own files on top of it.
A broken file is reported with its name, line and JSON path, never with a traceback.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from idlib_cli.dates import parse_edtf
from idlib_cli.errors import DateError, NotFoundError, StoreError, UsageError
from idlib_cli.jsonpath import PathPart, format_path, locate_line
from idlib_cli.model import Actor, ActorRef, Event, Figure, Source
from idlib_cli.text import fold

if TYPE_CHECKING:
    from _typeshed import StrPath

SCHEMA_VERSION = 1
MAX_FILE_BYTES = 2 * 1024**3  # beyond this we refuse rather than exhaust memory


class InvalidAt(Exception):
    """A problem at a JSON path, before we know the file's line numbers."""

    def __init__(self, parts: Sequence[PathPart], message: str) -> None:
        super().__init__(message)
        self.parts = tuple(parts)
        self.message = message


def builtin_store_path() -> str:
    """The curated store: inside the installed wheel, or at the top of a source checkout.

    Plain os.path, not importlib.resources or pathlib: on the fast path, those imports alone
    cost more than reading the store.
    """
    package = os.path.dirname(os.path.abspath(__file__))
    packaged = os.path.join(package, "data", "events.json")
    if os.path.isfile(packaged):
        return packaged
    return os.path.join(os.path.dirname(os.path.dirname(package)), "data", "events.json")


# --- reading one file -------------------------------------------------------------------------


def read_json(path: StrPath) -> tuple[Any, str]:
    """Parse a store file -> (document, text). Every failure becomes a StoreError."""
    name = os.fspath(path)
    try:
        if os.path.isdir(name):
            raise StoreError("is a directory, not a store file", file=name)
        size = os.stat(name).st_size
        if size > MAX_FILE_BYTES:
            raise StoreError(f"file is too large ({size} bytes)", file=name)
        with open(name, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        raise StoreError("no such file: check the path (given to --data, IDLIB_DATA or validate)",
                         file=name) from None
    except PermissionError:
        raise StoreError("permission denied", file=name) from None
    except OSError as error:
        raise StoreError(f"cannot read: {error.strerror or error}", file=name) from None
    except ValueError:  # e.g. a NUL byte in the path
        raise StoreError("not a usable file path", file=repr(name)) from None
    try:
        text = raw.decode("utf-8-sig")  # a BOM from a Windows editor is harmless: accept it
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise StoreError(f"not UTF-8 (byte {error.start}): save the file as UTF-8",
                         file=name, line=line) from None
    if not text.strip():
        raise StoreError("file is empty: a store is a JSON object with 'events'", file=name)
    try:
        return json.loads(text, parse_constant=_reject_constant), text
    except json.JSONDecodeError as error:
        raise StoreError(f"invalid JSON: {error.msg} (column {error.colno})",
                         file=name, line=error.lineno) from None
    except ValueError as error:
        raise StoreError(f"invalid JSON: {error}", file=name) from None
    except RecursionError:
        raise StoreError("invalid JSON: nested too deeply", file=name) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in a store (JSON has no NaN or Infinity)")


class StoreFile(NamedTuple):
    path: str
    actors: tuple[Actor, ...]
    events: tuple[Event, ...]
    data_version: str | None = None


def load_file(path: StrPath) -> StoreFile:
    document, text = read_json(path)
    try:
        return parse_document(document, os.fspath(path))
    except InvalidAt as problem:
        raise StoreError(problem.message, file=os.fspath(path), path=format_path(problem.parts),
                         line=locate_line(text, problem.parts)) from None


# --- checking a document's shape --------------------------------------------------------------


def _get(obj: Mapping[str, Any], key: str, kind: type | tuple[type, ...], at: tuple[PathPart, ...],
         *, required: bool = True, default: Any = None) -> Any:
    if key not in obj or (obj[key] is None and not required):
        if required:
            raise InvalidAt(at, f"missing required field '{key}'")
        return default
    value = obj[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _as_tuple(kind)):
        raise InvalidAt((*at, key), f"'{key}' must be {_kind_name(kind)}, "
                                   f"not {_kind_name(type(value))}")
    if isinstance(value, str) and required and not value.strip():
        raise InvalidAt((*at, key), f"'{key}' must not be empty")
    return value


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "a number", float: "a number", list: "a list",
             dict: "an object", bool: "true or false", type(None): "null"}
    return " or ".join(dict.fromkeys(names.get(k, k.__name__) for k in _as_tuple(kind)))


def _object(value: Any, at: tuple[PathPart, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidAt(at, f"must be an object, not {_kind_name(type(value))}")
    return value


def _strings(obj: Mapping[str, Any], key: str, at: tuple[PathPart, ...]) -> tuple[str, ...]:
    items = _get(obj, key, list, at, required=False, default=[])
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise InvalidAt((*at, key, index), f"'{key}' must hold strings only")
    return tuple(items)


def parse_document(document: Any, file: str) -> StoreFile:
    top = _object(document, ())
    version = _get(top, "schema_version", int, ())
    if version != SCHEMA_VERSION:
        raise InvalidAt(("schema_version",), f"schema_version {version} is not supported "
                                            f"(this idlib reads version {SCHEMA_VERSION})")
    actor_list = _get(top, "actors", list, (), required=False, default=[])
    event_list = _get(top, "events", list, ())
    actors = tuple(parse_actor(item, ("actors", i)) for i, item in enumerate(actor_list))
    events = tuple(parse_event(item, ("events", i), file) for i, item in enumerate(event_list))
    data_version = _get(top, "data_version", str, (), required=False)
    return StoreFile(file, actors, events, data_version)


def parse_actor(value: Any, at: tuple[PathPart, ...]) -> Actor:
    obj = _object(value, at)
    return Actor(
        id=_get(obj, "id", str, at),
        name=_get(obj, "name", str, at),
        kind=_get(obj, "kind", str, at),
        aliases=_strings(obj, "aliases", at),
        parent=_get(obj, "parent", str, at, required=False),
        successor_of=_strings(obj, "successor_of", at),
        note=_get(obj, "note", str, at, required=False),
    )


def parse_event(value: Any, at: tuple[PathPart, ...], file: str) -> Event:
    obj = _object(value, at)
    date_text = _get(obj, "date", str, at)
    try:
        span = parse_edtf(date_text)
    except DateError as error:
        raise InvalidAt((*at, "date"), str(error)) from None
    location = _get(obj, "location", dict, at, required=False)
    return Event(
        id=_get(obj, "id", str, at),
        date=span,
        title=_get(obj, "title", str, at),
        summary=_get(obj, "summary", str, at),
        type=_get(obj, "type", str, at),
        actors=tuple(_actor_ref(item, (*at, "actors", i))
                     for i, item in enumerate(_get(obj, "actors", list, at))),
        sources=tuple(_source(item, (*at, "sources", i))
                      for i, item in enumerate(_get(obj, "sources", list, at))),
        location=_get(location, "name", str, (*at, "location")) if location else None,
        figures=tuple(_figure(item, (*at, "figures", i))
                      for i, item in enumerate(_get(obj, "figures", list, at, required=False,
                                                    default=[]))),
        tags=_strings(obj, "tags", at),
        date_note=_get(obj, "date_note", str, at, required=False),
        note=_get(obj, "note", str, at, required=False),
        origin=file,
    )


def _actor_ref(value: Any, at: tuple[PathPart, ...]) -> ActorRef:
    obj = _object(value, at)
    return ActorRef(_get(obj, "id", str, at), _get(obj, "role", str, at))


def _source(value: Any, at: tuple[PathPart, ...]) -> Source:
    obj = _object(value, at)
    return Source(
        url=_get(obj, "url", str, at),
        publisher=_get(obj, "publisher", str, at),
        title=_get(obj, "title", str, at),
        published=_get(obj, "published", str, at, required=False),
    )


def _figure(value: Any, at: tuple[PathPart, ...]) -> Figure:
    obj = _object(value, at)
    number = _get(obj, "value", (int, float), at)
    return Figure(
        label=_get(obj, "label", str, at),
        value=number,
        claimed_by=_get(obj, "claimed_by", str, at),
        source_url=_get(obj, "source_url", str, at),
        qualifier=_get(obj, "qualifier", str, at, required=False),
        note=_get(obj, "note", str, at, required=False),
    )


# --- the merged store -------------------------------------------------------------------------


class ActorIndex:
    """Names to ids, and parents to children, for any set of actors (both engines use it)."""

    def __init__(self, actors: Mapping[str, Actor]) -> None:
        self.actors = actors

    @cached_property
    def children(self) -> Mapping[str, tuple[str, ...]]:
        kids: dict[str, list[str]] = {}
        for actor in self.actors.values():
            if actor.parent:
                kids.setdefault(actor.parent, []).append(actor.id)
        return {parent: tuple(ids) for parent, ids in kids.items()}

    def with_descendants(self, actor_id: str) -> frozenset[str]:
        """The actor and everything under it (`turkey` includes its armed forces)."""
        found = {actor_id}
        pending = [actor_id]
        while pending:
            for child in self.children.get(pending.pop(), ()):
                if child not in found:
                    found.add(child)
                    pending.append(child)
        return frozenset(found)

    @cached_property
    def _keys(self) -> Mapping[str, str]:
        """Folded id, name and alias -> actor id."""
        keys: dict[str, str] = {}
        for actor in self.actors.values():
            for label in (actor.id, actor.name, *actor.aliases):
                keys.setdefault(fold(label), actor.id)
        return keys

    def resolve(self, text: str) -> str:
        """A name as typed ('Ankara', 'türkiye', 'HTS') -> actor id, or a UsageError with hints."""
        key = fold(text)
        if not key:
            raise UsageError("empty actor name: give an id, name or alias (see 'idlib actors')")
        if key in self._keys:
            return self._keys[key]
        import difflib

        shown = text if len(text) <= 60 else text[:57] + "..."
        close = difflib.get_close_matches(key, self._keys, n=5, cutoff=0.6)
        suggestions = list(dict.fromkeys(self._keys[k] for k in close))[:3]
        hint = f"did you mean {' or '.join(suggestions)}?" if suggestions else \
            "list the known actors with 'idlib actors'"
        raise UsageError(f"unknown actor {shown!r}: {hint}")


def unknown_event(event_id: str, known: Iterable[str]) -> NotFoundError:
    import difflib

    close = difflib.get_close_matches(event_id, list(known), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else \
        "; list ids with 'idlib events --fields id,title'"
    return NotFoundError(f"no event with id {event_id!r}{hint}")


class Store:
    """Actors and events from one or more files, merged, with events in chronological order."""

    def __init__(self, files: tuple[StoreFile, ...], actors: Mapping[str, Actor],
                 events: tuple[Event, ...], events_by_id: Mapping[str, Event]) -> None:
        self.files = files
        self.actors = actors
        self.events = events
        self._events_by_id = events_by_id

    @property
    def data_version(self) -> str | None:
        return next((f.data_version for f in self.files if f.data_version), None)

    def event(self, event_id: str) -> Event:
        found = self._events_by_id.get(event_id.strip())
        if found is None:
            raise unknown_event(event_id, self._events_by_id)
        return found

    @cached_property
    def actor_index(self) -> ActorIndex:
        return ActorIndex(self.actors)

    def with_descendants(self, actor_id: str) -> frozenset[str]:
        return self.actor_index.with_descendants(actor_id)

    def resolve_actor(self, text: str) -> str:
        return self.actor_index.resolve(text)


def merge(files: Sequence[StoreFile]) -> Store:
    """Merge files; an id defined twice is an error naming both files."""
    actors: dict[str, Actor] = {}
    actor_home: dict[str, str] = {}
    events: dict[str, Event] = {}
    for store_file in files:
        for index, actor in enumerate(store_file.actors):
            if actor.id in actor_home:
                _duplicate("actor", actor.id, actor_home[actor.id], store_file.path,
                           ("actors", index, "id"))
            actor_home[actor.id] = store_file.path
            actors[actor.id] = actor
        for index, event in enumerate(store_file.events):
            if event.id in events:
                _duplicate("event", event.id, events[event.id].origin, store_file.path,
                           ("events", index, "id"))
            events[event.id] = event
    for store_file in files:
        _check_references(store_file, actors)
    ordered = tuple(sorted(events.values(), key=chronological))
    return Store(tuple(files), actors, ordered, events)


def _error_at(file: str, parts: tuple[PathPart, ...], message: str) -> StoreError:
    """A StoreError that names the line: the file is read again, on this error path only."""
    try:
        with open(file, encoding="utf-8-sig") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError):
        text = ""
    return StoreError(message, file=file, path=format_path(parts),
                      line=locate_line(text, parts) if text else None)


def _duplicate(what: str, key: str, first: str, second: str,
               parts: tuple[PathPart, ...]) -> None:
    where = f"both {first} and {second}" if first != second else "this file twice"
    raise _error_at(second, parts, f"{what} id {key!r} is defined in {where}: rename one of them")


def _check_references(store_file: StoreFile, actors: Mapping[str, Actor]) -> None:
    for index, actor in enumerate(store_file.actors):
        if actor.parent and actor.parent not in actors:
            raise _error_at(store_file.path, ("actors", index, "parent"),
                            f"actor {actor.id!r} has unknown parent {actor.parent!r}")
        if in_cycle(actor.id, actors):
            raise _error_at(store_file.path, ("actors", index, "parent"),
                            f"actor {actor.id!r} is its own ancestor: break the parent cycle")
    for index, event in enumerate(store_file.events):
        for position, ref in enumerate(event.actors):
            if ref.id not in actors:
                raise _error_at(store_file.path, ("events", index, "actors", position, "id"),
                                f"unknown actor {ref.id!r}: define it in 'actors' of a store "
                                "(see 'idlib actors')")


def in_cycle(actor_id: str, actors: Mapping[str, Actor]) -> bool:
    seen: set[str] = set()
    current: str | None = actor_id
    while current is not None and current in actors and current not in seen:
        seen.add(current)
        current = actors[current].parent
    return current == actor_id


def chronological(event: Event) -> tuple[Any, ...]:
    """Sort key: first day, then last day; ties keep store order (the sort is stable)."""
    return (event.date.start, event.date.end)


def store_paths(data_paths: Sequence[StrPath], include_builtin: bool = True) -> list[StrPath]:
    """The files to read: the built-in store first (unless left out), then the user's, each once."""
    chosen: list[StrPath] = [builtin_store_path()] if include_builtin else []
    chosen += data_paths
    unique: list[StrPath] = []
    for path in chosen:
        if "\x00" in os.fspath(path):
            raise UsageError(f"not a usable file path: {os.fspath(path)!r}")
        if not any(_same_file(path, other) for other in unique):
            unique.append(path)
    if not unique:
        raise UsageError("no store to read: drop --no-builtin or give --data PATH")
    return unique


def _same_file(a: StrPath, b: StrPath) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.fspath(a) == os.fspath(b)


def load(paths: Sequence[StrPath], *, include_builtin: bool = True) -> Store:
    """The built-in store (unless left out) with the user's stores on top of it."""
    return merge([load_file(path) for path in store_paths(paths, include_builtin)])
