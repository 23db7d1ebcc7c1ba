"""The command line: parse with Click, call `app`, and map errors to exit codes.

Exit codes: 0 success (an empty result too), 1 runtime error (bad store, unknown event id),
2 bad usage (unknown actor, unreadable date, bad option).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from idlib_cli import app, options
from idlib_cli.catalog import open_catalog
from idlib_cli.errors import IdlibError, UsageError
from idlib_cli.render import write_records
from idlib_cli.store import ActorIndex
from idlib_cli.text import inert

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class IdlibGroup(click.Group):
    """A group that suggests the closest command for a typo."""

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            import difflib

            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise click.UsageError(f"no such command {name[:40]!r}.{hint}", ctx)
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except IdlibError as error:
            raise ReportedError(error) from error


class ValidationFailed(IdlibError):
    """`validate` found problems: they are on stdout; this is the summary line."""


class ReportedError(click.ClickException):
    """One of our domain errors, carried through Click with its own exit code."""

    def __init__(self, error: IdlibError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code  # type: ignore[misc]  # per-instance on purpose


# --- environment --------------------------------------------------------------------------------


def _say(message: str) -> None:
    click.echo(inert(message), err=True)  # it may quote what the user typed


# --- commands -------------------------------------------------------------------------------------


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
      idlib actors
      idlib show 2020-03-05-moscow-additional-protocol
    """
    if version:
        click.echo(app.version_line(app.env_data_paths()))
        ctx.exit(0)
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


@cli.command(context_settings=CONTEXT)
@options.actor
@options.since
@options.until
@options.keyword
@options.event_type
@options.limit
@options.reverse
@options.output_options
@options.store_options
def events(actors: tuple[str, ...], since: str | None, until: str | None,
           keywords: tuple[str, ...], types: tuple[str, ...], limit: int | None, reverse: bool,
           fmt: str | None, fields: str | None, no_headers: bool, no_color: bool,
           data_paths: list[Path], no_builtin: bool) -> None:
    """List events, oldest first, filtered by actor, date range, keyword and type.

    A date range matches every event whose dates overlap it: --until 2020-03 includes
    31 March, and an event recorded as '2019' matches --since 2019-06.

    \b
    Examples:
      idlib events --actor turkey --since 2020-02 --until 2020-03
      idlib events --actor Ankara --actor Moscow --type agreement
      idlib events --keyword ceasefire --json | jq '.[].title'
      idlib events --since 2020-03-01 --until 2020-03-31 | wc -l
      idlib events -k erdogan --fields date,title --csv
    """
    filters = app.EventFilters(actors, since, until, keywords, types, limit, reverse)
    app.events(data_paths, not no_builtin, filters,
               app.output_for(fmt, fields, no_headers, no_color))


@cli.command(context_settings=CONTEXT)
@click.option("--kind", "kinds", multiple=True, metavar="KIND",
              help="Only actors of this kind (state, military, armed-group, person …).")
@options.output_options
@options.store_options
def actors(kinds: tuple[str, ...], fmt: str | None, fields: str | None, no_headers: bool,
           no_color: bool, data_paths: list[Path], no_builtin: bool) -> None:
    """List the actors: id, name, kind, parent, how many events, first and last date.

    Any id, name or alias shown here works with 'idlib events --actor'.

    \b
    Examples:
      idlib actors
      idlib actors --kind armed-group
      idlib actors --json | jq -r '.[] | select(.parent == "turkey") | .id'
    """
    app.actors(data_paths, not no_builtin, kinds,
               app.output_for(fmt, fields, no_headers, no_color))


@cli.command(context_settings=CONTEXT)
@click.argument("event_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="The event as one JSON object.")
@options.no_color
@options.store_options
def show(event_id: str, as_json: bool, no_color: bool, data_paths: list[Path],
         no_builtin: bool) -> None:
    """Everything about one event: dates, summary, actors, figures with who claimed them, sources.

    \b
    Examples:
      idlib show 2020-03-05-moscow-additional-protocol
      idlib show 2020-02-27-balyun-airstrike --json | jq '.figures'
    """
    app.show(data_paths, not no_builtin, event_id, as_json, no_color)


@cli.command(context_settings=CONTEXT)
@options.store_options
def types(data_paths: list[Path], no_builtin: bool) -> None:
    """List the event types in use, with how many events each has.

    \b
    Example:
      idlib types
    """
    for name, count in app.type_counts(data_paths, not no_builtin):
        click.echo(f"{name}\t{count}")


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--json", "as_json", is_flag=True, help="Problems as a JSON array.")
@click.option("--no-builtin", is_flag=True,
              help="Don't let the files use actors defined in the built-in store.")
def validate(paths: tuple[str, ...], as_json: bool, no_builtin: bool) -> None:
    """Check store files: schema, ids, references, dates, order, sources, duplicates.

    Every problem is listed with its file, line and JSON path; the exit code is 1 if there
    is any. With no PATH, the built-in store is checked.

    \b
    Examples:
      idlib validate                     # the built-in store
      idlib validate my-notes.json       # may use the built-in store's actors
      idlib validate a.json b.json --json | jq '.[].message'
    """
    from idlib_cli.validate import validate as check

    builtin = _builtin()
    targets = [_path(text) for text in paths] or [builtin]
    context = [] if no_builtin or builtin in targets else [builtin]
    problems = check(targets, context)
    out = sys.stdout
    if as_json:
        write_records("json", [vars(p) for p in problems], ("file", "line", "path", "message"),
                      out, ascii_only=not app.is_utf8(out))
    else:
        for problem in problems:
            out.write(inert(str(problem)) + "\n")
    names = ", ".join(str(t) for t in targets)
    if problems:
        raise ValidationFailed(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} "
                               f"in {names}")
    _say(f"ok: {names}")


@cli.command(context_settings=CONTEXT)
@click.option("--to", "target", metavar="PATH",
              help="Your store file (created if missing). Default: the first path in $IDLIB_DATA.")
@click.option("--date", "date_text", metavar="EDTF", help="2020-03-05, 2020-03, 2019-21, A/B, '~'.")
@click.option("--title", help="A short headline.")
@click.option("--summary", help="What happened, in your own words.")
@click.option("--type", "event_type", metavar="TYPE", help="agreement, talks, airstrike … "
              "(see data/README.md).")
@click.option("--actor", "actor_specs", multiple=True, metavar="NAME[:ROLE]",
              help="Who took part, with an optional role (default participant). Repeatable.")
@click.option("--location", help="Where.")
@click.option("--tag", "tags", multiple=True, help="A keyword (repeatable).")
@click.option("--source", "source_url", metavar="URL", help="The page you read.")
@click.option("--publisher", help="The source's publisher.")
@click.option("--source-title", help="The source's title as shown.")
@click.option("--published", metavar="DATE", help="The source's publication date (YYYY-MM-DD).")
@click.option("--id", "event_id", help="Default: the date and a slug of the title.")
@click.option("--note", help="A caveat, e.g. a claim no source confirms.")
@click.option("--from-json", "from_json", metavar="FILE",
              help="Read the whole event as a JSON object ('-' for stdin); flags override it.")
@click.option("--dry-run", is_flag=True, help="Check and print the event; write nothing.")
@options.store_options
def add(target: str | None, date_text: str | None, title: str | None, summary: str | None,
        event_type: str | None, actor_specs: tuple[str, ...], location: str | None,
        tags: tuple[str, ...], source_url: str | None, publisher: str | None,
        source_title: str | None, published: str | None, event_id: str | None,
        note: str | None, from_json: str | None, dry_run: bool, data_paths: list[Path],
        no_builtin: bool) -> None:
    """Add an event to your own store, checked like 'idlib validate' before anything is written.

    On a terminal, missing fields are asked for. The write is atomic and locked: the file is
    always either the old or the new version, and the built-in store is never written.

    \b
    Examples:
      idlib add --to notes.json --date 2020-03-05 --title "Talks in Moscow" \\
        --summary "..." --type talks --actor turkey --actor russia \\
        --source https://example.org/report --publisher Example --source-title "Report"
      idlib add --to notes.json --from-json event.json
      IDLIB_DATA=notes.json idlib events --keyword moscow
    """
    from idlib_cli.writer import add_event, check_event, check_target, default_id, ordered_event

    path = _path(target) if target else (data_paths[0] if data_paths else None)
    if path is None:
        raise UsageError("where to? give --to PATH (or set IDLIB_DATA to your store file)")
    check_target(path)
    event = _event_from_json(from_json) if from_json else {}
    given = {"date": date_text, "title": title, "summary": summary, "type": event_type,
             "location": {"name": location} if location else None, "note": note, "id": event_id}
    event.update({key: value for key, value in given.items() if value})
    if tags:
        event["tags"] = list(tags)
    if source_url:
        source = {"url": source_url, "publisher": publisher, "title": source_title,
                  "published": published}
        event["sources"] = [{k: v for k, v in source.items() if v}]
    interactive = from_json is None and _stdin_is_terminal()
    if interactive:
        _prompt_missing(event)
    if actor_specs or (interactive and not event.get("actors")):
        catalog = open_catalog([p for p in data_paths if p != path and p.exists()],
                               not no_builtin)
        specs = list(actor_specs) or _prompt_list("Actors (NAME[:ROLE], comma-separated)")
        event["actors"] = [_actor_ref(catalog.actor_index, spec) for spec in specs]
    _require(event)
    event.setdefault("id", default_id(event["date"], event["title"]))
    event.setdefault("figures", [])
    event.setdefault("tags", [])
    context = [p for p in ([] if no_builtin else [_builtin()]) + data_paths if p != path]
    if dry_run:
        problems = check_event(event, context)
        click.echo(json.dumps(ordered_event(event), ensure_ascii=False, indent=2))
        if problems:
            raise UsageError(f"the event has problems: {problems[0].path}: {problems[0].message}")
        return
    stored = add_event(path, event, context)
    _say(f"added {stored['id']} to {path}")


def _path(text: str) -> Path:
    """A path the user typed; Click's own path type crashes on a NUL byte."""
    if "\x00" in text or not text.strip():
        raise UsageError(f"not a usable file path: {text!r}")
    return Path(text)


def _stdin_is_terminal() -> bool:
    return sys.stdin is not None and not sys.stdin.closed and sys.stdin.isatty()


def _builtin() -> Path:
    from idlib_cli.store import builtin_store_path

    return Path(builtin_store_path())


def _event_from_json(source: str) -> dict[str, Any]:
    """The event in a file, or on standard input for '-'."""
    try:
        if source == "-":
            text = sys.stdin.read() if sys.stdin is not None else ""
        else:
            text = _path(source).read_text(encoding="utf-8")
        data = json.loads(text)
    except OSError as error:
        raise UsageError(f"--from-json: cannot read {source!r}: {error.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise UsageError(f"--from-json: not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise UsageError("--from-json: expected one event as a JSON object")
    return data


_REQUIRED_PROMPTS = (("date", "Date (e.g. 2020-03-05, 2020-03, 2019-21)"), ("title", "Title"),
                     ("summary", "Summary (your own words)"), ("type", "Type (e.g. talks)"))
_SOURCE_PROMPTS = (("url", "Source URL"), ("publisher", "Publisher"), ("title", "Source title"))


def _prompt_missing(event: dict[str, Any]) -> None:
    for key, label in _REQUIRED_PROMPTS:
        if not event.get(key):
            event[key] = click.prompt(label).strip()
    if not event.get("sources"):
        source = {key: click.prompt(label).strip() for key, label in _SOURCE_PROMPTS}
        published = click.prompt("Published (YYYY-MM-DD, empty if unknown)", default="",
                                 show_default=False).strip()
        event["sources"] = [source | ({"published": published} if published else {})]


def _prompt_list(label: str) -> list[str]:
    return [part.strip() for part in click.prompt(label).split(",") if part.strip()]


def _actor_ref(actors: ActorIndex, spec: str) -> dict[str, str]:
    from idlib_cli.model import ACTOR_ROLES

    name, _, role = spec.rpartition(":")
    if not name or role not in ACTOR_ROLES:
        name, role = spec, "participant"
    return {"id": actors.resolve(name), "role": role}


def _require(event: dict[str, Any]) -> None:
    flags = {"date": "--date", "title": "--title", "summary": "--summary", "type": "--type",
             "actors": "--actor", "sources": "--source/--publisher/--source-title"}
    missing = [flag for key, flag in flags.items() if not event.get(key)]
    if missing:
        raise UsageError(f"missing {', '.join(missing)} (or run on a terminal to be asked)")


# --- entry point (see main.py) ---


def _usage_hint(error: click.ClickException) -> str:
    ctx = getattr(error, "ctx", None)
    path = ctx.command_path if ctx is not None else "idlib"
    return f" (see '{path} --help')"


def run_click(args: list[str], debug: bool) -> int:
    """Parse and run `args` with Click; Click's own errors become one line and an exit code."""
    try:
        result = cli.main(args=args, prog_name="idlib", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except click.exceptions.Exit as stop:
        return stop.exit_code
    except click.Abort:
        _say("idlib: aborted")
        return 130
    except ReportedError as error:
        if error.__cause__ is not None:
            raise error.__cause__ from None  # main.py reports our own errors
        raise
    except click.ClickException as error:
        if debug:
            raise
        _say(f"idlib: error: {error.format_message()}{_usage_hint(error)}")
        return error.exit_code
