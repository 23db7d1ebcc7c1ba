"""Reading one store file: its JSON (one reading, shared by both engines) and the shape of
each actor, place, era and event, checked as it is parsed. A problem is reported with the
file, line and JSON path; `event_shape_problems` lists every problem of an event at once, for
`validate`.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from idlib_cli.dates import parse_edtf
from idlib_cli.errors import DateError, StoreError
from idlib_cli.jsonpath import PathPart, format_path, locate_line
from idlib_cli.model import Actor, ActorRef, Era, Event, Figure, Place, Source
from idlib_cli.suggest import shorten

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
    span = _date(_get(obj, "date", str, at), at)
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



def event_shape_problems(value: Any, at: tuple[PathPart, ...]) -> list[InvalidAt]:
    """Every shape problem of one event, not only the first (parse_event stops at the first),
    so that `validate` reports a broken event in one run."""
    found: list[InvalidAt] = []

    def attempt(check: Callable[..., Any], *args: Any, **options: Any) -> Any:
        try:
            return check(*args, **options)
        except InvalidAt as problem:
            found.append(problem)
            return None

    if not isinstance(value, dict):
        return [InvalidAt(at, f"must be an object, not {_kind_name(type(value))}")]
    for key in ("id", "title", "summary", "type"):
        attempt(_get, value, key, str, at)
    date_text = attempt(_get, value, "date", str, at)
    if date_text is not None:
        attempt(_date, date_text, at)
    parts: tuple[tuple[str, Callable[[Any, tuple[PathPart, ...]], Any]], ...] = (
        ("actors", _actor_ref), ("sources", _source), ("figures", _figure))
    for key, one in parts:
        items = attempt(_get, value, key, list, at, required=key != "figures", default=[])
        for i, item in enumerate(items or []):
            attempt(one, item, (*at, key, i))
    location = attempt(_get, value, "location", dict, at, required=False)
    if location:
        attempt(_get, location, "name", str, (*at, "location"))
        attempt(_get, location, "place", str, (*at, "location"), required=False)
    attempt(_strings, value, "tags", at)
    for key in ("date_note", "note"):
        attempt(_get, value, key, str, at, required=False)
    return found


def _date(text: str, at: tuple[PathPart, ...]) -> Any:
    try:
        return parse_edtf(text)
    except DateError as error:
        raise InvalidAt((*at, "date"), str(error)) from None
