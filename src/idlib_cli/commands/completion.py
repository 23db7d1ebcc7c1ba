"""`idlib completion SHELL`: the shell's completion script.

Commands, options and values all complete: the values come from the stores being read (actor
ids and aliases, event ids, places, tags, types) and from the registries (fields, formats,
roles), through each option's `complete` kind in its spec (options.py). Click's own shell
support does the shell side; `candidates` below answers it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from idlib_cli import settings
from idlib_cli.commands import Command, Values
from idlib_cli.errors import UsageError
from idlib_cli.options import Arg

SHELLS = ("bash", "zsh", "fish")
RC_LINES = {"bash": 'eval "$(idlib completion bash)"   # in ~/.bashrc',
            "zsh": 'eval "$(idlib completion zsh)"    # in ~/.zshrc',
            "fish": "idlib completion fish | source   # in ~/.config/fish/config.fish"}


def candidates(kind: str, incomplete: str) -> list[str]:
    """What a value of this kind may be, starting with what was typed (any case)."""
    return [value for value in _values(kind) if value.lower().startswith(incomplete.lower())]


def _values(kind: str) -> Iterable[str]:
    from idlib_cli.formats import EXPORT_FORMATS, ROW_FORMATS
    from idlib_cli.model import ACTOR_ROLES
    from idlib_cli.records import event_fields

    if kind == "field":
        return event_fields()
    if kind == "format":
        return [*EXPORT_FORMATS, *(name for name, fmt in ROW_FORMATS.items() if fmt.switch)]
    if kind == "role":
        return sorted(ACTOR_ROLES)
    if kind not in ("actor", "event", "place", "tag", "type"):
        return []
    from idlib_cli.catalog import open_catalog

    try:
        catalog = open_catalog(settings.data_paths(), True)
    except Exception:  # completion must never print an error into the shell
        return []
    if kind == "actor":
        return [*sorted(catalog.actors), *sorted({a for actor in catalog.actors.values()
                                                  for a in actor.aliases if " " not in a})]
    if kind == "place":
        return sorted(catalog.places)
    if kind == "event":
        return list(catalog.event_ids())
    return sorted(catalog.facet_counts(kind))


def run(values: Values) -> None:
    shell = values["shell"]
    if shell not in SHELLS:
        raise UsageError(f"no completion for shell {shell[:20]!r}: choose {', '.join(SHELLS)}")
    from click.shell_completion import get_completion_class

    from idlib_cli.cli import cli

    complete = get_completion_class(shell)
    assert complete is not None
    script = complete(cli, {}, "idlib", "_IDLIB_COMPLETE").source()
    sys.stdout.write(script if script.endswith("\n") else script + "\n")


HELP = f"""Print the shell completion script for bash, zsh or fish.

It completes commands, options and their values: actor ids and aliases, event ids, places,
tags, types, fields, formats and roles. Add one line to your shell's start-up file:

\b
  {RC_LINES["bash"]}
  {RC_LINES["zsh"]}
  {RC_LINES["fish"]}
"""

COMMAND = Command("completion", HELP, (), run,
                  arguments=(Arg("shell", "SHELL", complete="shell"),))
