"""The common read commands, parsed without Click.

Importing Click costs about three times what a bare Python start-up does, more than all the
rest of `idlib events --json`. Scripts call the tool in loops, so a plain invocation of a
`fast` command is parsed here, from the same option specs Click's parser is built from, and
answered by the same command function. Anything this parser is not sure of (help, a misspelt
option, a value Click would convert or reject) returns None and goes to Click, which then gives
the canonical answer or error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from idlib_cli.commands import NAMES, Command, load
from idlib_cli.options import by_flag, defaults


def parse(command: Command, args: list[str]) -> dict[str, Any] | None:
    """Options -> values, the way Click would read them; None at the first doubt."""
    table = by_flag(command.options)
    values = defaults(command.options, command.arguments)
    positional: list[str] = []
    tokens = iter(args)
    for token in tokens:
        if token == "--" or token == "-h" or token == "--help":
            return None
        if not token.startswith("-") or token == "-":
            positional.append(token)
            continue
        name, equals, attached = token.partition("=")
        opt = table.get(name)
        if opt is None:
            return None
        if opt.kind in ("flag", "const"):
            if equals:
                return None
            values[opt.dest] = True if opt.kind == "flag" else opt.const
            continue
        value = attached if equals else next(tokens, None)
        if value is None or (not equals and value in table):
            return None  # Click has its own view of `--since --json`: let it speak
        if opt.kind == "int":
            if not (value.isascii() and value.isdigit() and len(value) < 10):
                return None  # Click reads (or refuses) the odd ones: ' 3', '-1', '²', 10**30
            values[opt.dest] = int(value)
        elif opt.kind == "multi":
            values[opt.dest] = (*values[opt.dest], value)
        elif opt.kind == "value":
            values[opt.dest] = value
        else:
            return None
    return _place_arguments(command, positional, values)


def _place_arguments(command: Command, positional: list[str],
                     values: dict[str, Any]) -> dict[str, Any] | None:
    rest = list(positional)
    for arg in command.arguments:
        if arg.many:
            if arg.required and not rest:
                return None
            values[arg.dest], rest = tuple(rest), []
        elif rest:
            values[arg.dest] = rest.pop(0)
        else:
            return None
    return None if rest else values


def plan(args: list[str]) -> Callable[[], None] | None:
    """The work for `args` if they are a plain invocation of a fast command, else None."""
    if not args or args[0] not in NAMES:
        return None
    command = load(args[0])
    if not command.fast:
        return None
    values = parse(command, args[1:])
    if values is None:
        return None
    return lambda: command.run(values)
