"""Reading a store file as a stream: top-level members one by one, and the elements of its
lists one at a time, so that preparing an index of a gigabyte store keeps memory flat.

Its JSON is the loader's JSON (`store.parse_json`): the same decoder hooks refuse NaN, numbers
too large to be finite and keys given twice, here at the top level as everywhere else.

`quick_event` reads an event as parse.parse_event does, for the shapes stores hold, in a
fraction of the time (quick.Quick checks it against parse_event as a build goes).
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from math import isfinite
from typing import TYPE_CHECKING, Any, TypeGuard

from idlib_cli.dates import parse_edtf
from idlib_cli.errors import DateError
from idlib_cli.model import ActorRef, DateSpan, Event, Figure, Source
from idlib_cli.parse import _finite_number, _reject_constant, _unique_keys

if TYPE_CHECKING:
    from _typeshed import StrPath

CHUNK = 1024**2
MAX_ELEMENT = 64 * 1024**2  # one event or actor larger than this is not a store we can stream
LISTS = ("actors", "places", "eras", "events")
_BLANK = re.compile("[ \t\r\n]*")  # JSON's whitespace

_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_number,
                            object_pairs_hook=_unique_keys)
_PLAIN = json.JSONDecoder()  # a third faster, for values that another process checks
SKIPPED = object()  # an event passed over (Stream.skip)


class Stream:
    """Top-level members of one store file; elements of its lists one at a time."""

    def __init__(self, path: StrPath, on_bytes: Callable[[int], None] | None = None,
                 skip: Callable[[], bool] | None = None) -> None:
        self.handle = open(path, "rb")  # noqa: SIM115 - closed by close()
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.on_bytes = on_bytes
        self.lists: set[str] = set()  # which lists were present
        self.skip = skip  # asked before each event: pass over it (read, not checked: SKIPPED)

    def close(self) -> None:
        self.handle.close()

    def _fill(self) -> None:
        chunk = self.handle.read(CHUNK)
        self.eof = not chunk
        if self.on_bytes and chunk:
            self.on_bytes(len(chunk))
        self.buffer = self.buffer[self.pos:] + self.decoder.decode(chunk, final=self.eof)
        self.pos = 0

    def _peek(self) -> str:
        while True:
            self.pos = _BLANK.match(self.buffer, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buffer) or self.eof:
                return self.buffer[self.pos:self.pos + 1]
            self._fill()

    def _expect(self, char: str) -> None:
        if self._peek() != char:
            raise ValueError(f"expected {char!r}")
        self.pos += 1

    def _value(self, decoder: json.JSONDecoder = _DECODER) -> Any:
        self._peek()
        while True:
            try:
                value, end = decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError:
                if self.eof or len(self.buffer) - self.pos > MAX_ELEMENT:
                    raise
                self._fill()
                continue
            if end >= len(self.buffer) and not self.eof:  # a number may continue
                self._fill()
                continue
            self.pos = end
            return value

    def _more(self, closing: str) -> bool:
        """Past a ',' (another item follows: True) or the closing bracket (False)."""
        separator = self._peek()
        self.pos += 1
        if separator == closing:
            return False
        if separator != ",":
            raise ValueError(f"expected ',' or {closing!r}")
        return True

    def _key(self, seen: set[str]) -> str:
        if self._peek() != '"':
            raise ValueError("object keys must be strings")
        key = self._value()
        if key in seen:
            raise ValueError(f"key {key[:40]!r} appears twice in one object")
        seen.add(key)
        return str(key)

    def members(self) -> Iterator[tuple[str, Any, Any]]:
        """(list name, index, element) for elements of the lists, ('', key, value) otherwise."""
        self._expect("{")
        seen: set[str] = set()
        if self._peek() == "}":
            self.pos += 1
        else:
            while True:
                key = self._key(seen)
                self._expect(":")
                if key in LISTS and self._peek() == "[":
                    self.pos += 1
                    self.lists.add(key)
                    yield from self._elements(key)
                else:
                    yield "", key, self._value()
                if not self._more("}"):
                    break
        if self._peek() != "":
            raise ValueError("extra data after the store object")

    def _elements(self, key: str) -> Iterator[tuple[str, Any, Any]]:
        index = 0
        if self._peek() == "]":
            self.pos += 1
            return
        while True:
            if key == "events" and self.skip is not None and self.skip():
                self._value(_PLAIN)  # another process checks it: only its end is needed here
                yield key, index, SKIPPED
            else:
                yield key, index, self._value()
            index += 1
            if not self._more("]"):
                return


def _filled(value: Any) -> TypeGuard[str]:
    """What parse_event requires of a string: present, a string, not blank."""
    return type(value) is str and value.strip() != ""


def _optional(value: Any) -> TypeGuard[str | None]:
    return value is None or type(value) is str


def quick_event(value: Any, file: str, dates: dict[str, DateSpan]) -> Event | None:
    """The Event that parse.parse_event makes of `value`, without its bookkeeping of where
    each field is; None wherever parse_event must decide (anything unusual, and every error,
    which it then reports). `dates` remembers the dates already read."""
    if type(value) is not dict:
        return None
    get = value.get
    ident, when, title, summary, kind = (get("id"), get("date"), get("title"), get("summary"),
                                         get("type"))
    if not (type(ident) is str and type(when) is str and type(title) is str  # _filled, inline
            and type(summary) is str and type(kind) is str and ident.strip() and when.strip()
            and title.strip() and summary.strip() and kind.strip()):
        return None
    span = dates.get(when)
    if span is None:
        try:
            span = parse_edtf(when)
        except DateError:
            return None
        if len(dates) < 100_000:
            dates[when] = span
    refs, cited, claims = get("actors"), get("sources"), get("figures")
    tags, location = get("tags"), get("location")
    if type(refs) is not list or type(cited) is not list or \
            type(claims if claims is not None else []) is not list or \
            type(tags if tags is not None else []) is not list or \
            type(location if location is not None else {}) is not dict:
        return None
    actors, sources, figures = [], [], []
    for ref in refs:
        if type(ref) is not dict:
            return None
        actor, role = ref.get("id"), ref.get("role")
        if not (type(actor) is str and type(role) is str and actor.strip() and role.strip()):
            return None
        actors.append(ActorRef(actor, role))
    for source in cited:
        if type(source) is not dict:
            return None
        url, publisher = source.get("url"), source.get("publisher")
        headline, published = source.get("title"), source.get("published")
        if not (type(url) is str and type(publisher) is str and url.strip()
                and publisher.strip() and (headline is None or type(headline) is str)
                and (published is None or type(published) is str)):
            return None
        sources.append(Source(url, publisher, headline, published))
    for claim in claims or ():
        if type(claim) is not dict:
            return None
        number = claim.get("value")
        label, claimed_by, source_url = (claim.get("label"), claim.get("claimed_by"),
                                         claim.get("source_url"))
        qualifier, note = claim.get("qualifier"), claim.get("note")
        if not ((type(number) is int or (type(number) is float and isfinite(number)))
                and _filled(label) and _filled(claimed_by) and _filled(source_url)
                and _optional(qualifier) and _optional(note)):
            return None
        figures.append(Figure(label, number, claimed_by, source_url, qualifier, note))
    if tags and any(type(tag) is not str for tag in tags):
        return None
    name = place = None
    if location:
        name, place = location.get("name"), location.get("place")
        if not (_filled(name) and _optional(place)):
            return None
    date_note, note = get("date_note"), get("note")
    if not (_optional(date_note) and _optional(note)):
        return None
    return Event(ident, span, title, summary, kind, tuple(actors), tuple(sources), name, place,
                 tuple(figures), tuple(tags or ()), date_note, note, file)
