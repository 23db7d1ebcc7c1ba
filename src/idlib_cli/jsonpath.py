"""Finding where a JSON path sits in a file's text, so errors can name a line.

Only used on the error path: the fast path parses with the json module, which keeps no positions.
A `LineFinder` answers many paths in one text (validate reports thousands): it remembers where
each member of every container it has walked starts, and how many lines come before each
stretch of text, so each path costs the walk from its nearest known ancestor, not a re-scan of
the file from the top.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from json.decoder import scanstring  # type: ignore[attr-defined]  # stubs omit it

PathPart = str | int
_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\n\r"
_STRETCH = 65536  # lines are counted per stretch of this many characters, once


def format_path(parts: Sequence[PathPart]) -> str:
    """('events', 3, 'date') -> '$.events[3].date'."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WHITESPACE:
        pos += 1
    return pos


def _value_end(text: str, pos: int) -> int:
    return _DECODER.raw_decode(text, pos)[1]


class _Members:
    """The members of one object or array found so far, and where the scan goes on."""

    __slots__ = ("count", "found", "pending", "resume")

    def __init__(self, resume: int) -> None:
        self.found: dict[PathPart, int] = {}  # key or index -> where its value starts
        self.count = 0
        self.resume: int | None = resume  # None: the container's end was reached
        self.pending = False  # resume is at the value of the member found last


class LineFinder:
    """1-based lines of JSON paths in one text; ask as many as you like."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._containers: dict[int, _Members] = {}  # by the offset of their '{' or '['
        self._lines_before = [0]  # newlines before each stretch, counted as far as needed

    def line(self, parts: Sequence[PathPart]) -> int | None:
        """The line of the value at `parts`, or of its deepest existing ancestor."""
        text = self.text
        try:
            pos = _skip_ws(text, 0)
            for part in parts:
                if pos >= len(text) or text[pos] not in "{[":
                    break
                child = self._child(pos, part)
                if child is None:
                    break
                pos = child
            return self._line_at(pos)
        except (ValueError, IndexError, RecursionError):
            return None

    def _child(self, pos: int, part: PathPart) -> int | None:
        """Start offset of the member `part` of the object or array starting at `pos`."""
        members = self._containers.get(pos)
        if members is None:
            members = self._containers[pos] = _Members(_skip_ws(self.text, pos + 1))
        while part not in members.found and members.resume is not None:
            self._scan_member(members, self.text[pos] == "{")
        return members.found.get(part)

    def _scan_member(self, members: _Members, is_object: bool) -> None:
        """Record the next member of a container. Its value is stepped over only when a later
        member is asked for, so a path finds its value even if what follows can't be read."""
        text, pos = self.text, members.resume
        assert pos is not None
        if members.pending:
            pos = _skip_ws(text, _value_end(text, pos))
            if pos < len(text) and text[pos] == ",":
                pos = _skip_ws(text, pos + 1)
            members.resume, members.pending = pos, False
        if pos >= len(text) or text[pos] in "]}":
            members.resume = None
            return
        if is_object:
            key, pos = scanstring(text, pos + 1)
            pos = _skip_ws(text, _skip_ws(text, pos) + 1)  # past ':'
            members.found.setdefault(key, pos)  # a key given twice: the first, as before
        else:
            members.found[members.count] = pos
        members.count += 1
        members.resume, members.pending = pos, True

    def _line_at(self, pos: int) -> int:
        stretch = pos // _STRETCH
        counted = self._lines_before
        while len(counted) <= stretch:
            done = len(counted)
            counted.append(counted[-1] + self.text.count("\n", (done - 1) * _STRETCH,
                                                         done * _STRETCH))
        return counted[stretch] + self.text.count("\n", stretch * _STRETCH, pos) + 1


def locate_line(text: str, parts: Sequence[PathPart]) -> int | None:
    """1-based line of the value at `parts`, or of its deepest existing ancestor (one path:
    for many in the same text, keep a LineFinder)."""
    return LineFinder(text).line(parts)
