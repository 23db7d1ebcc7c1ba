"""The commands: one module each, holding its `COMMAND` (options as data, help, and what it
does). Both parsers read these: cli.py builds the Click commands from them, fastpath.py parses
plain invocations of the `fast` ones without Click. Modules here never import Click at the top.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from idlib_cli.options import Arg, Opt

Values = Mapping[str, Any]

# In the order `idlib --help` lists them.
NAMES = ("events", "timeline", "stats", "show", "actors", "places", "tags", "types", "eras",
         "export", "cite", "import", "validate", "add", "completion", "man")
MODULES = {"import": "import_data"}  # a command whose name is a Python keyword


class Command(NamedTuple):
    name: str
    help: str  # the help text: first line is the summary; examples in a \b block
    options: tuple[Opt, ...]
    run: Callable[[Values], None]
    arguments: tuple[Arg, ...] = ()
    fast: bool = False  # plain invocations may be parsed by the Click-free fast path


def load(name: str) -> Command:
    module = __import__(f"idlib_cli.commands.{MODULES.get(name, name)}", fromlist=["COMMAND"])
    command: Command = module.COMMAND
    return command
