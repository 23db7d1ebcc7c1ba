"""Finding where a JSON path sits in a file's text, so errors can name a line.

Only used on the error path: the fast path parses with the json module, which keeps no positions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from json.decoder import scanstring  # type: ignore[attr-defined]  # stubs omit it

PathPart = str | int
_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\n\r"


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


def _child_start(text: str, pos: int, part: PathPart) -> int | None:
    """Start offset of the member `part` of the object or array starting at `pos`."""
    opener = text[pos]
    pos = _skip_ws(text, pos + 1)
    index = 0
    while pos < len(text) and text[pos] not in "]}":
        if opener == "{":
            key, pos = scanstring(text, pos + 1)
            pos = _skip_ws(text, _skip_ws(text, pos) + 1)  # past ':'
            if key == part:
                return pos
        elif index == part:
            return pos
        pos = _skip_ws(text, _value_end(text, pos))
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
        index += 1
    return None


def locate_line(text: str, parts: Sequence[PathPart]) -> int | None:
    """1-based line of the value at `parts`, or of its deepest existing ancestor."""
    try:
        pos = _skip_ws(text, 0)
        for part in parts:
            if pos >= len(text) or text[pos] not in "{[":
                break
            child = _child_start(text, pos, part)
            if child is None:
                break
            pos = child
        return text.count("\n", 0, pos) + 1
    except (ValueError, IndexError, RecursionError):
        return None
