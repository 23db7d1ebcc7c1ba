"""Options as data: every command-line option is declared once, here or in a registry (filters,
formats), as an `Opt`. Both parsers are built from these declarations — Click's (cli.py) and
the Click-free fast path's (fastpath.py) — and so are shell completion and the man page.

Nothing here imports Click: the fast path reads these tables on every plain invocation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple


class Opt(NamedTuple):
    flags: tuple[str, ...]  # e.g. ("--actor", "-a")
    dest: str  # the name the command receives the value under
    kind: str  # value | multi | flag | int | float | const
    help: str
    metavar: str | None = None
    const: str | None = None  # for kind "const": the value stored (format switches share a dest)
    complete: str | None = None  # what its values complete to: actor, event, type, place, …
    choices: tuple[str, ...] = ()


class Arg(NamedTuple):
    """A positional argument."""

    dest: str
    metavar: str
    many: bool = False  # any number (nargs=-1), else exactly one
    complete: str | None = None
    required: bool = True


KINDS = ("value", "multi", "flag", "int", "float", "const")


def defaults(opts: Iterable[Opt], args: Iterable[Arg] = ()) -> dict[str, Any]:
    """What a command receives for everything not given: the same from both parsers."""
    values: dict[str, Any] = {}
    for opt in opts:
        values[opt.dest] = () if opt.kind == "multi" else False if opt.kind == "flag" else None
    for arg in args:
        values[arg.dest] = () if arg.many else None
    return values


def unique(opts: Sequence[Opt]) -> tuple[Opt, ...]:
    """Options in declaration order, each once (bundles may overlap)."""
    return tuple({opt.flags: opt for opt in opts}.values())


def by_flag(opts: Iterable[Opt]) -> Mapping[str, Opt]:
    return {flag: opt for opt in opts for flag in opt.flags}


# --- bundles shared by several commands --------------------------------------------------------

STORE = (
    Opt(("--data",), "data_paths", "multi", "A store file to read on top of the built-in one "
        "(repeatable). Default: the paths in $IDLIB_DATA.", metavar="PATH", complete="path"),
    Opt(("--no-builtin",), "no_builtin", "flag",
        "Leave out the built-in store; read only --data/IDLIB_DATA files."),
)
SELECTION = (
    Opt(("--limit", "-n"), "limit", "int", "At most N events.", metavar="N"),
    Opt(("--reverse", "-r"), "reverse", "flag", "Newest first."),
)
NO_COLOR = Opt(("--no-color",), "no_color", "flag", "No colour (also: NO_COLOR, TERM=dumb).")
NO_PAGER = Opt(("--no-pager",), "no_pager", "flag",
               "Never page long output (also: IDLIB_PAGER=cat).")
FIELDS = (
    Opt(("--fields", "-f"), "fields", "value",
        "Comma-separated columns/keys to show, e.g. id,date,title.", metavar="LIST",
        complete="field"),
    Opt(("--no-headers",), "no_headers", "flag", "Leave out the CSV/TSV header row."),
)


def output_options() -> tuple[Opt, ...]:
    """The format switches (from the format registry), --fields, --no-headers, --no-color:
    the one bundle every command that lists rows takes."""
    from idlib_cli.formats import ROW_FORMATS

    switches = tuple(Opt((f"--{fmt.name}",), "fmt", "const", fmt.help, const=fmt.name)
                     for fmt in ROW_FORMATS.values() if fmt.switch)
    return (*switches, *FIELDS, NO_COLOR, NO_PAGER)
