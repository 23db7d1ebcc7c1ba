"""The common read commands, parsed without Click.

Importing Click costs about three times what a bare Python start-up does, more than all the
rest of `idlib events --json`. Scripts call the tool in loops, so a plain invocation of
`events`, `actors` or `show` is parsed here, by a table of the same options, and answered by
the same `app` functions. Anything this parser is not sure of (help, a misspelt option, a value
Click would convert or reject) returns None and goes to Click, which then gives the canonical
answer or error. A test checks that these tables match the Click commands option for option.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from idlib_cli import app

# Option string -> (destination, kind). Kinds: "value", "multi", "flag", "int", or
# ("const", value) for a flag that stores a fixed value (the format switches).
OptionTable = dict[str, tuple[str, Any]]

_OUTPUT: OptionTable = {
    "--table": ("fmt", ("const", "table")), "--json": ("fmt", ("const", "json")),
    "--jsonl": ("fmt", ("const", "jsonl")), "--csv": ("fmt", ("const", "csv")),
    "--tsv": ("fmt", ("const", "tsv")), "--fields": ("fields", "value"),
    "-f": ("fields", "value"), "--no-headers": ("no_headers", "flag"),
    "--no-color": ("no_color", "flag"),
}
_STORE: OptionTable = {"--data": ("data_paths", "multi"), "--no-builtin": ("no_builtin", "flag")}

COMMANDS: dict[str, OptionTable] = {
    "events": {
        "--actor": ("actors", "multi"), "-a": ("actors", "multi"),
        "--since": ("since", "value"), "--until": ("until", "value"),
        "--keyword": ("keywords", "multi"), "-k": ("keywords", "multi"),
        "--type": ("types", "multi"), "-t": ("types", "multi"),
        "--limit": ("limit", "int"), "-n": ("limit", "int"),
        "--reverse": ("reverse", "flag"), "-r": ("reverse", "flag"),
        **_OUTPUT, **_STORE,
    },
    "actors": {"--kind": ("kinds", "multi"), **_OUTPUT, **_STORE},
    "show": {"--json": ("as_json", "flag"), "--no-color": ("no_color", "flag"), **_STORE},
}
POSITIONAL = {"show": 1}  # commands that take positional arguments, and how many


def _parse(table: OptionTable, args: list[str], positional: int) -> dict[str, Any] | None:
    """Options -> values, the way Click would read them; None at the first doubt."""
    values: dict[str, Any] = {}
    rest: list[str] = []
    tokens = iter(args)
    for token in tokens:
        if token == "--" or not token.startswith("-") or token == "-":
            if token == "--" or len(rest) >= positional:
                return None
            rest.append(token)
            continue
        name, equals, attached = token.partition("=")
        if name not in table:
            return None
        destination, kind = table[name]
        if kind == "flag" or isinstance(kind, tuple):
            if equals:
                return None
            values[destination] = True if kind == "flag" else kind[1]
            continue
        value = attached if equals else next(tokens, None)
        if value is None or (not equals and value in table):
            return None  # Click has its own view of `--since --json`: let it speak
        if kind == "int":
            if not value.strip().lstrip("-").isdigit():
                return None
            values[destination] = int(value)
        elif kind == "multi":
            values.setdefault(destination, []).append(value)
        else:
            values[destination] = value
    if len(rest) != positional:
        return None
    values["_positional"] = rest
    return values


def plan(args: list[str]) -> Callable[[], None] | None:
    """The work for `args` if they are a plain read command, else None (Click decides)."""
    if not args or args[0] not in COMMANDS:
        return None
    command = args[0]
    values = _parse(COMMANDS[command], args[1:], POSITIONAL.get(command, 0))
    if values is None:
        return None
    data_paths: list[str] = values.get("data_paths", []) or app.env_data_paths()
    include_builtin = not values.get("no_builtin", False)
    if command == "show":
        return lambda: app.show(data_paths, include_builtin, values["_positional"][0],
                                values.get("as_json", False), values.get("no_color", False))

    def output() -> app.Output:  # decided when run: stdout may be redirected by then
        return app.output_for(values.get("fmt"), values.get("fields"),
                              values.get("no_headers", False), values.get("no_color", False))

    if command == "actors":
        return lambda: app.actors(data_paths, include_builtin, values.get("kinds", []), output())
    filters = app.EventFilters(values.get("actors", ()), values.get("since"), values.get("until"),
                               values.get("keywords", ()), values.get("types", ()),
                               values.get("limit"), values.get("reverse", False))
    return lambda: app.events(data_paths, include_builtin, filters, output())
