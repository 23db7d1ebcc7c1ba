"""The Click front end: the group, and a Click command built from each command's spec.

The specs (commands/*.py) hold the options as data, the help and what each command does; this
module only turns them into Click objects, so Click and the fast path parse the same options.
"""

from __future__ import annotations

from typing import Any

import click
import click.shell_completion

from idlib_cli import settings
from idlib_cli.commands import NAMES, Command, load
from idlib_cli.errors import IdlibError
from idlib_cli.options import Arg, Opt
from idlib_cli.suggest import closest

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class ReportedError(click.ClickException):
    """One of our domain errors, carried through Click with its own exit code."""

    def __init__(self, error: IdlibError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code  # type: ignore[misc]  # per-instance on purpose


class IdlibCommand(click.Command):
    """A command whose misspelt option is answered with the nearest option of this command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            if not isinstance(error, click.NoSuchOption):
                error.ctx = ctx  # so the hint names this command's --help
                raise

            flags = [flag for param in self.params for flag in getattr(param, "opts", ())]
            raise click.NoSuchOption(error.option_name,
                                     possibilities=closest(error.option_name, flags, n=2)[:1],
                                     ctx=error.ctx) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except IdlibError as error:
            raise ReportedError(error) from error


class IdlibGroup(click.Group):
    """The commands, loaded from their specs; a typo gets the closest command."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(NAMES)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in NAMES:
            return None
        return click_command(load(name))

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in NAMES:
            close = closest(name, NAMES, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise click.UsageError(f"no such command {name[:40]!r}.{hint}", ctx)
        return super().resolve_command(ctx, args)


def _completer(kind: str | None) -> Any:
    """Click's hook for completing an option's values, from the spec's `complete` kind."""
    if kind is None:
        return None
    if kind == "path":
        return lambda ctx, param, incomplete: [click.shell_completion.CompletionItem(
            incomplete, type="file")]

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from idlib_cli.commands.completion import candidates

        return [click.shell_completion.CompletionItem(value)
                for value in candidates(kind, incomplete)]

    return complete


def click_option(opt: Opt) -> click.Option:
    declared = [*opt.flags, opt.dest]
    common: dict[str, Any] = {"help": opt.help, "metavar": opt.metavar,
                              "shell_complete": _completer(opt.complete)}
    if opt.kind == "flag":
        return click.Option(declared, is_flag=True, help=opt.help)
    if opt.kind == "const":
        return click.Option(declared, flag_value=opt.const, help=opt.help)
    if opt.kind == "multi":
        return click.Option(declared, multiple=True, **common)
    if opt.kind == "int":
        return click.Option(declared, type=click.INT, **common)
    return click.Option(declared, **common)


def click_argument(arg: Arg) -> click.Argument:
    completer = _completer(arg.complete) if arg.complete != "shell" else \
        (lambda ctx, param, incomplete: [click.shell_completion.CompletionItem(s) for s in
                                         ("bash", "zsh", "fish") if s.startswith(incomplete)])
    return click.Argument([arg.dest], metavar=arg.metavar, nargs=-1 if arg.many else 1,
                          required=arg.required, shell_complete=completer)


def click_command(command: Command) -> click.Command:
    def callback(**values: Any) -> None:
        command.run(values)

    return IdlibCommand(command.name, callback=callback, help=command.help,
                        params=[*(click_argument(a) for a in command.arguments),
                                *(click_option(o) for o in command.options)],
                        context_settings=CONTEXT, short_help=command.help.split("\n")[0])


@click.group(cls=IdlibGroup, context_settings=CONTEXT, invoke_without_command=True)
@click.option("--version", is_flag=True, help="Show the tool's version and the store's size.")
@click.option("--debug", is_flag=True, help="Show the traceback of an error (for bug reports).")
@click.pass_context
def cli(ctx: click.Context, version: bool, debug: bool) -> None:
    """A sourced timeline of the conflict over Idlib, north-west Syria, 2011 to today.

    \b
    Examples:
      idlib events --actor turkey --since 2020-02 --until 2020-03
      idlib events --keyword ceasefire --json | jq '.[].title'
      idlib timeline --tag astana-round
      idlib show 2020-03-05-moscow
      idlib export --format html --actor turkey -o turkey.html
    """
    if version:
        click.echo(version_line())
        ctx.exit(0)
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


def version_line() -> str:
    """The tool's version, and the size and version of the built-in store (not the user's)."""
    from idlib_cli import __version__
    from idlib_cli.catalog import open_catalog

    catalog = open_catalog([], True)
    data = f", data {catalog.data_version}" if catalog.data_version else ""
    return f"idlib {__version__} ({catalog.count()} events{data})"


def _usage_hint(error: click.ClickException) -> str:
    ctx = getattr(error, "ctx", None)
    path = ctx.command_path if ctx is not None else "idlib"
    return f" (see '{path} --help')"


def run_click(args: list[str], debug: bool) -> int:
    """Parse and run `args` with Click; Click's own errors become one line and an exit code."""
    from idlib_cli.commands.common import say

    try:
        result = cli.main(args=args, prog_name="idlib", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except click.exceptions.Exit as stop:
        return stop.exit_code
    except click.Abort:
        say("idlib: aborted")
        return 130
    except ReportedError as error:
        if error.__cause__ is not None:
            raise error.__cause__ from None  # main.py reports our own errors
        raise
    except click.ClickException as error:
        if debug:
            raise
        say(f"idlib: error: {error.format_message()}{_usage_hint(error)}")
        return error.exit_code


__all__ = ["cli", "run_click", "settings"]
