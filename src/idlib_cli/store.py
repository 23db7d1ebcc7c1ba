"""Reading stores: JSON files of actors and events, checked and merged into one `Store`.

The built-in store ships inside the package; users add their own files on top of it.
A broken file is reported with its name, line and JSON path, never with a traceback.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from idlib_cli.dates import parse_edtf
from idlib_cli.errors import DateError, NotFoundError, StoreError, UsageError
from idlib_cli.jsonpath import PathPart, format_path, locate_line
from idlib_cli.model import Actor, ActorRef, Era, Event, Figure, Place, Source
from idlib_cli.rules import Broken, actor_problems, chronological, event_problems, place_problems
from idlib_cli.suggest import closest, shorten
from idlib_cli.text import name_key

if TYPE_CHECKING:
    from _typeshed import StrPath

SCHEMA_VERSION = 1
MAX_FILE_BYTES = 2 * 1024**3  # beyond this we refuse rather than exhaust memory
MAX_STREAM_BYTES = 256 * 1024**2  # for what is not a regular file (a pipe, a device)


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
        info = os.stat(name)
        size = info.st_size
        limit = MAX_FILE_BYTES if stat.S_ISREG(info.st_mode) else MAX_STREAM_BYTES
        if size > MAX_FILE_BYTES:
            raise StoreError(f"file is too large ({size} bytes)", file=name)
        with open(name, "rb") as handle:
            raw = handle.read(limit + 1)  # a device such as /dev/zero never ends
        if len(raw) > limit:
            raise StoreError(f"too large: over {limit} bytes read and no end in sight (is it a "
                             "store file?)", file=name)
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
        return parse_json(text), text
    except json.JSONDecodeError as error:
        raise StoreError(f"invalid JSON: {error.msg} (column {error.colno})",
                         file=name, line=error.lineno) from None
    except ValueError as error:
        raise StoreError(f"invalid JSON: {error}", file=name) from None
    except RecursionError:
        raise StoreError("invalid JSON: nested too deeply", file=name) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in a store (JSON has no NaN or Infinity)")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        twice = next(key for key, _ in pairs if key in seen or seen.add(key))  # type: ignore[func-returns-value]
        raise ValueError(f"key {shorten(twice, 40)!r} appears twice in one object")
    return obj


def _finite_number(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"number {shorten(text, 20)} is too large to be a finite number")
    return value


def parse_json(text: str) -> Any:
    """The one JSON reading of a store, shared by both engines: no NaN or Infinity, no number
    too large to be finite, no key twice in an object."""
    return json.loads(text, parse_constant=_reject_constant, parse_float=_finite_number,
                      object_pairs_hook=_unique_keys)


class StoreFile(NamedTuple):
    path: str
    actors: tuple[Actor, ...]
    events: tuple[Event, ...]
    data_version: str | None = None
    places: tuple[Place, ...] = ()
    eras: tuple[Era, ...] = ()


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
    place_list = _get(top, "places", list, (), required=False, default=[])
    era_list = _get(top, "eras", list, (), required=False, default=[])
    event_list = _get(top, "events", list, ())
    actors = tuple(parse_actor(item, ("actors", i)) for i, item in enumerate(actor_list))
    places = tuple(parse_place(item, ("places", i)) for i, item in enumerate(place_list))
    eras = tuple(parse_era(item, ("eras", i)) for i, item in enumerate(era_list))
    events = tuple(parse_event(item, ("events", i), file) for i, item in enumerate(event_list))
    data_version = _get(top, "data_version", str, (), required=False)
    return StoreFile(file, actors, events, data_version, places, eras)


def parse_place(value: Any, at: tuple[PathPart, ...]) -> Place:
    obj = _object(value, at)
    return Place(
        id=_get(obj, "id", str, at),
        name=_get(obj, "name", str, at),
        kind=_get(obj, "kind", str, at),
        within=_get(obj, "within", str, at, required=False),
        lat=_get(obj, "lat", (int, float), at, required=False),
        lon=_get(obj, "lon", (int, float), at, required=False),
        aliases=_strings(obj, "aliases", at),
        sources=tuple(_source(item, (*at, "sources", i))
                      for i, item in enumerate(_get(obj, "sources", list, at, required=False,
                                                    default=[]))),
        note=_get(obj, "note", str, at, required=False),
    )


def parse_era(value: Any, at: tuple[PathPart, ...]) -> Era:
    obj = _object(value, at)
    start, end = _get(obj, "start", str, at), _get(obj, "end", str, at)
    try:
        span = parse_edtf(f"{start}/{end}")
    except DateError as error:
        raise InvalidAt((*at, "end"), str(error)) from None
    return Era(
        id=_get(obj, "id", str, at),
        name=_get(obj, "name", str, at),
        date=span,
        description=_get(obj, "description", str, at),
        sources=tuple(_source(item, (*at, "sources", i))
                      for i, item in enumerate(_get(obj, "sources", list, at, required=False,
                                                    default=[]))),
    )


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
        place=_get(location, "place", str, (*at, "location"), required=False) if location
        else None,
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
        title=_get(obj, "title", str, at, required=False),
        published=_get(obj, "published", str, at, required=False),
    )


def _figure(value: Any, at: tuple[PathPart, ...]) -> Figure:
    obj = _object(value, at)
    number = _get(obj, "value", (int, float), at)
    if (isinstance(number, float) and number != number) or number in (float("inf"), -float("inf")):
        raise InvalidAt((*at, "value"), "'value' must be a finite number")
    return Figure(
        label=_get(obj, "label", str, at),
        value=number,
        claimed_by=_get(obj, "claimed_by", str, at),
        source_url=_get(obj, "source_url", str, at),
        qualifier=_get(obj, "qualifier", str, at, required=False),
        note=_get(obj, "note", str, at, required=False),
    )


# --- the merged store -------------------------------------------------------------------------


class NameIndex:
    """Names to ids, and parents to children, for actors or places (both engines use it).

    A name is an id, a display name or an alias, looked up by `text.name_key` (any case,
    accents, script marks or gaps between words). A name that two entries share is ambiguous,
    and resolving it lists both.
    """

    def __init__(self, what: str, labels: Mapping[str, Sequence[str]],
                 parents: Mapping[str, str | None], listing: str) -> None:
        self.what = what  # "actor" or "place", for messages
        self.labels = labels  # id -> its id, name and aliases
        self.parents = parents
        self.listing = listing

    @cached_property
    def children(self) -> Mapping[str, tuple[str, ...]]:
        kids: dict[str, list[str]] = {}
        for key, parent in self.parents.items():
            if parent:
                kids.setdefault(parent, []).append(key)
        return {parent: tuple(ids) for parent, ids in kids.items()}

    def with_descendants(self, key: str) -> frozenset[str]:
        """The entry and everything under it (`turkey` includes its armed forces)."""
        found = {key}
        pending = [key]
        while pending:
            for child in self.children.get(pending.pop(), ()):
                if child not in found:
                    found.add(child)
                    pending.append(child)
        return frozenset(found)

    @cached_property
    def _keys(self) -> Mapping[str, tuple[str, ...]]:
        """name_key of every id, name and alias -> the ids it names. An id always names its own
        entry; a name or alias shared by two entries names both (and is ambiguous)."""
        ids = {name_key(key): key for key in self.labels}
        keys: dict[str, tuple[str, ...]] = {k: (key,) for k, key in ids.items()}
        for key, names in self.labels.items():
            for label in names:
                k = name_key(label)
                if k and k not in ids and key not in keys.get(k, ()):
                    keys[k] = (*keys.get(k, ()), key)
        return keys

    def resolve(self, text: str) -> str:
        """A name as typed ('Ankara', 'türkiye', 'HTS') -> id, or a UsageError with hints."""
        key = name_key(text)
        if not key:
            raise UsageError(f"empty {self.what} name: give an id, name or alias "
                             f"(see {self.listing})")
        found = self._keys.get(key)
        if found and len(found) == 1:
            return found[0]
        if found:
            raise UsageError(f"{self.what} {shorten(text)!r} is ambiguous: it names "
                             f"{' and '.join(found)}; give the id")
        names = {name: ids[0] for name, ids in self._keys.items()}
        close = list(dict.fromkeys(names[name] for name in _close_keys(key, names)))[:3]
        suggestion = f"did you mean {' or '.join(close)}?" if close else \
            f"list the known {self.what}s with {self.listing}"
        raise UsageError(f"unknown {self.what} {shorten(text)!r}: {suggestion}")


def _close_keys(key: str, names: Mapping[str, str]) -> list[str]:
    from idlib_cli.suggest import closest

    return closest(key, names, n=5)


def actor_names(actors: Mapping[str, Actor]) -> NameIndex:
    return NameIndex("actor", {a.id: (a.name, *a.aliases) for a in actors.values()},
                     {a.id: a.parent for a in actors.values()}, "'idlib actors'")


def place_names(places: Mapping[str, Place]) -> NameIndex:
    return NameIndex("place", {p.id: (p.name, *p.aliases) for p in places.values()},
                     {p.id: p.within for p in places.values()}, "'idlib places'")


ActorIndex = NameIndex  # the name the rest of the code knew it by


def unknown_event(event_id: str, known: Iterable[str]) -> NotFoundError:
    close = closest(event_id, known)
    suggestion = f"did you mean {', '.join(close)}?" if close else \
        "list ids with 'idlib events --fields id,title'"
    return NotFoundError(f"no event with id {shorten(event_id)!r}; {suggestion}")


class Store:
    """Actors, places, eras and events from one or more files, merged, with events in
    chronological order."""

    def __init__(self, files: tuple[StoreFile, ...], actors: Mapping[str, Actor],
                 events: tuple[Event, ...], events_by_id: Mapping[str, Event],
                 places: Mapping[str, Place] | None = None, eras: tuple[Era, ...] = ()) -> None:
        self.files = files
        self.actors = actors
        self.places: Mapping[str, Place] = places or {}
        self.eras = eras
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

    def event_ids(self) -> Iterable[str]:
        return self._events_by_id

    @cached_property
    def actor_index(self) -> NameIndex:
        return actor_names(self.actors)

    @cached_property
    def place_index(self) -> NameIndex:
        return place_names(self.places)

    def with_descendants(self, actor_id: str) -> frozenset[str]:
        return self.actor_index.with_descendants(actor_id)

    def resolve_actor(self, text: str) -> str:
        return self.actor_index.resolve(text)


def merge(files: Sequence[StoreFile]) -> Store:
    """Merge files; an id defined twice is an error naming both files; then the consistency
    rules (rules.py), the first broken one raised with its file, line and JSON path."""
    actors: dict[str, Actor] = {}
    places: dict[str, Place] = {}
    homes: dict[tuple[str, str], str] = {}
    events: dict[str, Event] = {}
    eras: list[Era] = []
    for store_file in files:
        for index, actor in enumerate(store_file.actors):
            _claim(homes, "actor", actor.id, store_file.path, index)
            actors[actor.id] = actor
        for index, place in enumerate(store_file.places):
            _claim(homes, "place", place.id, store_file.path, index)
            places[place.id] = place
        for index, era in enumerate(store_file.eras):
            _claim(homes, "era", era.id, store_file.path, index)
        for index, event in enumerate(store_file.events):
            if event.id in events:
                _duplicate("event", event.id, events[event.id].origin, store_file.path,
                           ("events", index, "id"))
            events[event.id] = event
        eras += store_file.eras
    for store_file in files:
        _raise_first(store_file, actors, places)
    ordered = tuple(sorted(events.values(), key=chronological))
    return Store(tuple(files), actors, ordered, events, places,
                 tuple(sorted(eras, key=lambda era: (era.date.start, era.date.end))))


def _claim(homes: dict[tuple[str, str], str], kind: str, key: str, path: str,
           index: int) -> None:
    """Note where an id is defined; an id defined twice is an error naming both files."""
    if (kind, key) in homes:
        _duplicate(kind, key, homes[kind, key], path, (f"{kind}s", index, "id"))
    homes[kind, key] = path


def _raise_first(store_file: StoreFile, actors: Mapping[str, Actor],
                 places: Mapping[str, Place]) -> None:
    groups: list[tuple[str, Iterable[tuple[int, Iterable[Broken]]]]] = [
        ("actors", ((i, actor_problems(a, actors)) for i, a in enumerate(store_file.actors))),
        ("places", ((i, place_problems(p, places)) for i, p in enumerate(store_file.places))),
        ("events", ((i, event_problems(e, actors, places))
                    for i, e in enumerate(store_file.events))),
    ]
    for section, items in groups:
        for index, problems in items:
            for broken in problems:
                raise _error_at(store_file.path, (section, index, *broken.parts), broken.message)


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
