"""Views: pictures of a set of events (a timeline, counts with bars) for a person to read.

A view is a pure function from records (the stable JSON shape) to text on a stream. It never
reads the clock, the environment or the terminal: the command that calls it decides the width,
whether to colour and whether the stream can show Unicode. That keeps every view testable with
exact output at any width.

What the views share lives here: a line is a list of (text, style) pieces, so the same layout
is written either as plain text (for pipes and e-mail) or with the ANSI codes of Rich styles.
Store text only ever enters a piece after `plain`, and a piece's text is never read as markup,
so an event titled "[bold]…" or carrying an escape sequence is shown, not obeyed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from idlib_cli.text import inert

Piece = tuple[str, str]  # (text, Rich style name; "" for none)
Line = list[Piece]

ELLIPSIS = "…"
ASCII_ELLIPSIS = "..."
# Characters that end a line in some reader (an e-mail client, an editor) though not in a
# terminal: a title must stay on its one line everywhere.
_LINE_BREAKS = str.maketrans({"\r": " ", "\n": " ", "\t": " ", "\u2028": " ", "\u2029": " "})


def plain(text: object) -> str:
    """Store text made safe for one line: breaks become spaces, escape sequences, other
    controls and bidirectional overrides become visible escapes (`\\x1b`, `\\u202e`)."""
    return inert(str(text).replace("\r\n", " ").translate(_LINE_BREAKS))


def cells(text: str) -> int:
    """Width on a terminal: CJK characters take two cells, combining marks none. Views only
    measure text that went through `plain` or was written here, so ASCII text has no controls
    and is one cell a character: the common case, answered without asking Rich."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def truncate(text: str, width: int, ellipsis: str = ELLIPSIS) -> str:
    """At most `width` cells, with `ellipsis` where text was cut; never splits a wide
    character into a half (Rich pads such a cut with a space, which we drop)."""
    if cells(text) <= width:
        return text
    if width < cells(ellipsis):
        return ellipsis[:max(width, 0)]
    from rich.cells import set_cell_size

    return set_cell_size(text, width - cells(ellipsis)).rstrip() + ellipsis


def pad(text: str, width: int) -> str:
    """Left-aligned in `width` cells (a longer text is left as it is)."""
    return text + " " * max(0, width - cells(text))


def padded(text: str, width: int, style: str) -> Line:
    """`text` in `style` and the blanks after it unstyled, so colour never paints spaces."""
    return [(text, style), (" " * max(0, width - cells(text)), "")]


def line_cells(line: Line) -> int:
    return sum(cells(text) for text, _ in line)


def fit(line: Line, width: int, ellipsis: str = ELLIPSIS) -> Line:
    """The last guard of every view: trailing blanks go, and a line still wider than `width`
    is cut, with `ellipsis`, so nothing a view writes ever wraps, whatever the width.

    The whole line is measured, not its pieces one by one: a joiner or a variation selector
    at the start of a piece can change the width of the character before it."""
    line = _rstrip(line)
    if _width(line) <= width:
        return line
    for room in range(width - cells(ellipsis), -1, -1):
        kept = _cut(line, room, ellipsis)
        if _width(kept) <= width:
            return kept
    return [(ellipsis[:max(width, 0)], "")]


def _width(line: Line) -> int:
    return cells("".join(text for text, _ in line))


def _cut(line: Line, room: int, ellipsis: str) -> Line:
    """The pieces that fit in `room` cells, the one that doesn't cut short, then `ellipsis`."""
    from rich.cells import set_cell_size

    kept: Line = []
    for text, style in line:
        size = cells(text)
        if size > room:
            return [*kept, (set_cell_size(text, room).rstrip() + ellipsis, style)]
        kept.append((text, style))
        room -= size
    return kept


def _rstrip(line: Line) -> Line:
    kept = list(line)
    while kept and not kept[-1][0].rstrip():
        kept.pop()
    if kept:
        kept[-1] = (kept[-1][0].rstrip(), kept[-1][1])
    return kept


BLOCKS = " ▏▎▍▌▋▊▉█"  # eighths of a cell, for bars that grow smoothly


def bar(count: int, peak: int, width: int, *, unicode: bool) -> str:
    """A bar of up to `width` cells for `count` out of `peak`: in eighths of a cell with
    Unicode block characters, in whole '#' otherwise. Any count above zero shows at least a
    sliver, so a month with one event never looks empty."""
    if count <= 0 or peak <= 0 or width <= 0:
        return ""
    if not unicode:
        return "#" * max(1, round(count / peak * width))
    eighths = max(1, round(count / peak * width * 8))
    whole, part = divmod(eighths, 8)
    return BLOCKS[8] * whole + (BLOCKS[part] if part else "")


def write_lines(lines: Sequence[Line], out: TextIO, *, width: int, color: bool,
                ellipsis: str = ELLIPSIS) -> None:
    """Write lines, each cut to `width` and stripped of trailing spaces: plain text when
    `color` is False (no escape codes at all), otherwise each styled piece wrapped in the
    ANSI codes of its Rich style, in the 16 standard colours (readable on any theme).

    Rich's `Style` renders the codes; the text itself is passed as a plain string, so store
    text is never read as markup. We don't go through a `Console` and `Text`: for the 485
    events of the built-in store that cost ~45 ms against ~2 ms here, and a Console would
    consult NO_COLOR, COLUMNS and TERM, which are the caller's business, not the view's.
    """
    fitted = [fit(line, width, ellipsis) for line in lines]
    if not color:
        out.write("".join("".join(text for text, _ in line) + "\n" for line in fitted))
        return
    from rich.color import ColorSystem
    from rich.style import Style

    def styled(text: str, name: str) -> str:
        if not name or not text:
            return text
        return Style.parse(name).render(text, color_system=ColorSystem.STANDARD)  # parse: cached

    out.write("".join("".join(styled(text, name) for text, name in line) + "\n"
                      for line in fitted))
