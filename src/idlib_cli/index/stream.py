"""Reading a store file as a stream: top-level members one by one, and the elements of its
lists one at a time, so that preparing an index of a gigabyte store keeps memory flat.

Its JSON is the loader's JSON (`store.parse_json`): the same decoder hooks refuse NaN, numbers
too large to be finite and keys given twice, here at the top level as everywhere else.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from idlib_cli.parse import _finite_number, _reject_constant, _unique_keys

if TYPE_CHECKING:
    from _typeshed import StrPath

CHUNK = 1024**2
MAX_ELEMENT = 64 * 1024**2  # one event or actor larger than this is not a store we can stream
LISTS = ("actors", "places", "eras", "events")

_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_number,
                            object_pairs_hook=_unique_keys)


class Stream:
    """Top-level members of one store file; elements of its lists one at a time."""

    def __init__(self, path: StrPath, on_bytes: Callable[[int], None] | None = None) -> None:
        self.handle = open(path, "rb")  # noqa: SIM115 - closed by close()
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.on_bytes = on_bytes
        self.lists: set[str] = set()  # which lists were present

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
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buffer) or self.eof:
                return self.buffer[self.pos] if self.pos < len(self.buffer) else ""
            self._fill()

    def _expect(self, char: str) -> None:
        if self._peek() != char:
            raise ValueError(f"expected {char!r}")
        self.pos += 1

    def _value(self) -> Any:
        self._peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buffer, self.pos)
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
            yield key, index, self._value()
            index += 1
            if not self._more("]"):
                return
