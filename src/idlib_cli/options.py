"""The catalogue of command-line options: each command's decorator stack reads as its contents."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def _data_paths(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> list[Path]:
    """--data PATH (repeatable), else IDLIB_DATA as a path list (':' on Unix, ';' on Windows)."""
    from idlib_cli.app import env_data_paths

    return [Path(item) for item in (value or env_data_paths())]


def store_options(func: F) -> F:
    func = click.option(
        "--no-builtin", is_flag=True,
        help="Leave out the built-in store; read only --data/IDLIB_DATA files.")(func)
    func = click.option("--data", "data_paths", multiple=True, metavar="PATH",
                        callback=_data_paths, expose_value=True,
                        help="A store file to read on top of the built-in one (repeatable). "
                             "Default: the paths in $IDLIB_DATA.")(func)
    return func


actor = click.option(
    "--actor", "-a", "actors", multiple=True, metavar="NAME",
    help="Who took part: id, name or alias, any case or accents (Ankara, Türkiye, HTS). "
         "Includes the actor's sub-units. Repeat to require all.")
since = click.option("--since", metavar="DATE",
                     help="From this date on: 2020, 2020-03, 2020-03-05 or '5 March 2020'.")
until = click.option("--until", metavar="DATE",
                     help="Up to this date; a month or year covers its last day too.")
keyword = click.option(
    "--keyword", "-k", "keywords", multiple=True, metavar="TEXT",
    help="Words in title, summary, location, tags or actor names; accent-insensitive. "
         "Repeat to require all.")
event_type = click.option("--type", "-t", "types", multiple=True, metavar="TYPE",
                          help="Only events of this type (repeatable or comma-separated; "
                               "see 'idlib types').")
limit = click.option("--limit", "-n", type=int, metavar="N", help="At most N events.")
reverse = click.option("--reverse", "-r", is_flag=True, help="Newest first.")


no_color = click.option("--no-color", is_flag=True, help="No colour (also: NO_COLOR, TERM=dumb).")


def output_options(func: F) -> F:
    """The format switches shared by every command that prints rows."""
    for flag, fmt, text in reversed((
        ("--table", "table", "A table (the default on a terminal)."),
        ("--json", "json", "A JSON array (stable fields; see README)."),
        ("--jsonl", "jsonl", "One JSON object per line."),
        ("--csv", "csv", "CSV with a header row."),
        ("--tsv", "tsv", "Tab-separated with a header row (piped output without it is the same, "
                         "headerless)."),
    )):
        func = click.option(flag, "fmt", flag_value=fmt, help=text)(func)
    func = click.option("--fields", "-f", metavar="LIST",
                        help="Comma-separated columns/keys to show, e.g. id,date,title.")(func)
    func = click.option("--no-headers", is_flag=True,
                        help="Leave out the CSV/TSV header row.")(func)
    func = no_color(func)
    return func
