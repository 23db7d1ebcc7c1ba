"""Stores: files read by parse.py, merged into one `Store` and checked against the consistency
rules (rules.py); names resolved to ids.

The built-in store ships inside the package; users add their own files on top of it.
A broken file is reported with its name, line and JSON path, never with a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from idlib_cli.errors import NotFoundError, StoreError, UsageError
from idlib_cli.jsonpath import PathPart, format_path, locate_line
from idlib_cli.model import Actor, Era, Event, Place
from idlib_cli.parse import StoreFile, load_file
from idlib_cli.rules import Broken, actor_problems, chronological, event_problems, place_problems
from idlib_cli.suggest import closest, shorten
from idlib_cli.text import name_key

if TYPE_CHECKING:
    from _typeshed import StrPath


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
        inside = sorted((name for name in names if len(key) >= 3 and key in name), key=len)
        close = list(dict.fromkeys(names[name] for name in
                                   (inside or _close_keys(key, names))))[:3]
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
