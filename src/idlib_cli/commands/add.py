"""`idlib add`: add an event to your own store: checked like `validate`, written atomically.

On a terminal, what the flags leave out is asked for, and each answer is checked as it is
given (a typo in the type is caught at that prompt, with suggestions, not after the last).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from idlib_cli import settings
from idlib_cli.commands import Command, Values
from idlib_cli.commands.common import say
from idlib_cli.commands.validate import builtin, user_path
from idlib_cli.errors import UsageError
from idlib_cli.options import STORE, Opt
from idlib_cli.store import NameIndex


def run(values: Values) -> None:
    from idlib_cli.writer import add_event, check_event, check_target, default_id, ordered_event

    data_paths = [Path(p) for p in values["data_paths"] or settings.data_paths()]
    path = user_path(values["target"]) if values["target"] else \
        (data_paths[0] if data_paths else None)
    if path is None:
        raise UsageError("where to? give --to PATH (or set IDLIB_DATA to your store file)")
    path = check_target(path)
    event = _event_from_json(values["from_json"]) if values["from_json"] else {}
    given = {"date": values["date_text"], "title": values["title"],
             "summary": values["summary"], "type": values["event_type"],
             "location": {"name": values["location"]} if values["location"] else None,
             "note": values["note"], "id": values["event_id"]}
    event.update({key: value for key, value in given.items() if value})
    if values["tags"]:
        event["tags"] = list(values["tags"])
    if values["source_url"]:
        source = {"url": values["source_url"], "publisher": values["publisher"],
                  "title": values["source_title"], "published": values["published"]}
        event["sources"] = [{k: v for k, v in source.items() if v}]
    if event.get("date"):
        event["date"] = _edtf(event["date"])
    context = [p for p in ([] if values["no_builtin"] else [builtin()]) + data_paths
               if p.resolve() != path.resolve()]
    interactive = values["from_json"] is None and _stdin_is_terminal()
    names: NameIndex | None = None
    if values["actor_specs"] or (interactive and not event.get("actors")):
        names = _actor_names(path, context)
    if interactive:
        _prompt_missing(event, names)
    if values["actor_specs"]:
        assert names is not None
        event["actors"] = [_actor_ref(names, spec) for spec in values["actor_specs"]]
    _require(event)
    event.setdefault("id", default_id(event["date"], event["title"]))
    event.setdefault("figures", [])
    event.setdefault("tags", [])
    problems = check_event(event, [*context, *([path] if path.exists() else [])])
    if values["dry_run"]:
        sys.stdout.write(json.dumps(ordered_event(event), ensure_ascii=False, indent=2) + "\n")
        if problems:
            from idlib_cli.writer import AddRefused

            raise AddRefused(f"the event has problems: {problems[0].path}: "
                             f"{problems[0].message}")
        return
    stored = add_event(path, event, context)
    say(f"added {stored['id']} to {path}")
    borrowed = _borrowed_actors(stored, path)
    if borrowed:
        say(f"note: {path.name} names actors it doesn't define ({', '.join(borrowed)}); it reads "
            "with the built-in store, but with --no-builtin define them in it (their entries: "
            "idlib actors --json)")


def _borrowed_actors(event: dict[str, Any], path: Path) -> list[str]:
    """The event's actors that its own store doesn't define (they come from another store)."""
    from idlib_cli.parse import load_file

    own = {actor.id for actor in load_file(path).actors}
    return sorted({ref["id"] for ref in event.get("actors", [])} - own)


def _edtf(text: str) -> str:
    """The recorded date as EDTF; words people write ('March 2020') are turned into it."""
    from idlib_cli.dates import edtf_of_user_date

    return edtf_of_user_date(text)


def _actor_names(target: Path, context: list[Path]) -> NameIndex:
    """Actors the event may name: the target store's own, the other stores', the built-in's."""
    from idlib_cli.parse import load_file
    from idlib_cli.store import actor_names

    actors: dict[str, Any] = {}
    for path in [*context, target]:
        if path.exists():
            for actor in load_file(path).actors:
                actors.setdefault(actor.id, actor)
    return actor_names(actors)


def _stdin_is_terminal() -> bool:
    return sys.stdin is not None and not sys.stdin.closed and sys.stdin.isatty()


def _event_from_json(source: str) -> dict[str, Any]:
    """The event in a file, or on standard input for '-'."""
    from idlib_cli.parse import parse_json

    try:
        if source == "-":
            text = sys.stdin.read() if sys.stdin is not None else ""
        else:
            text = user_path(source).read_text(encoding="utf-8")
        data = parse_json(text)
    except OSError as error:
        raise UsageError(f"--from-json: cannot read {source!r}: {error.strerror}") from None
    except RecursionError:
        raise UsageError("--from-json: the JSON is nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise UsageError(f"--from-json: not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise UsageError("--from-json: expected one event as a JSON object")
    return data


def _ask(label: str, check: Callable[[str], Any] | None = None, default: str | None = None) -> str:
    """Ask until the answer passes `check`; a wrong answer is explained at once."""
    import click

    while True:
        answer = str(click.prompt(label, default=default, show_default=False)).strip()
        if check is None:
            return answer
        try:
            check(answer)
            return answer
        except UsageError as error:
            click.echo(f"  {error}", err=True)


def _check_date(text: str) -> None:
    _edtf(text)


def _check_type(text: str) -> None:
    from idlib_cli.model import EVENT_TYPES
    from idlib_cli.suggest import hint

    if text not in EVENT_TYPES:
        raise UsageError(f"unknown type {text!r}: "
                         f"{hint(text, EVENT_TYPES, listing=', '.join(sorted(EVENT_TYPES)))}")


def _check_url(text: str) -> None:
    from idlib_cli.sources import good_url

    if not good_url(text):
        raise UsageError("not a well-formed http(s) URL: e.g. https://example.org/report")


def _prompt_missing(event: dict[str, Any], names: NameIndex | None) -> None:
    if not event.get("date"):
        event["date"] = _edtf(_ask("Date (e.g. 2020-03-05, 2020-03, 'March 2020')", _check_date))
    for key, label in (("title", "Title"), ("summary", "Summary (your own words)")):
        if not event.get(key):
            event[key] = _ask(label)
    if not event.get("type"):
        event["type"] = _ask("Type (e.g. talks)", _check_type)
    if not event.get("actors") and names is not None:
        specs = _ask("Actors (NAME[:ROLE], comma-separated)",
                     lambda text: [_actor_ref(names, s) for s in _split(text)])
        event["actors"] = [_actor_ref(names, spec) for spec in _split(specs)]
    if not event.get("sources"):
        source = {"url": _ask("Source URL", _check_url), "publisher": _ask("Publisher")}
        title = _ask("Source title (empty if the page shows none)", default="")
        published = _ask("Published (YYYY-MM-DD, empty if unknown)", default="")
        event["sources"] = [source | ({"title": title} if title else {})
                            | ({"published": published} if published else {})]


def _split(text: str) -> list[str]:
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise UsageError("give at least one actor")
    return parts


def _actor_ref(actors: NameIndex, spec: str) -> dict[str, str]:
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


HELP = """Add an event to your own store, checked like 'idlib validate' before anything is written.

On a terminal, missing fields are asked for, each checked as you answer. The write is atomic
and locked: the file is always either the old or the new version, a symlinked store is
written through to its target, and the built-in store is never written.

\b
Examples:
  idlib add --to notes.json --date 2020-03-05 --title "Talks in Moscow" \\
    --summary "..." --type talks --actor turkey --actor russia \\
    --source https://example.org/report --publisher Example --source-title "Report"
  idlib add --to notes.json --from-json event.json
  IDLIB_DATA=notes.json idlib events --keyword moscow
"""

COMMAND = Command("add", HELP, (
    Opt(("--to",), "target", "value", "Your store file (created if missing). Default: the first "
        "path in $IDLIB_DATA.", metavar="PATH", complete="path"),
    Opt(("--date",), "date_text", "value", "2020-03-05, 2020-03, 2019-21, A/B, '~', or words "
        "such as 'March 2020'.", metavar="DATE"),
    Opt(("--title",), "title", "value", "A short headline."),
    Opt(("--summary",), "summary", "value", "What happened, in your own words."),
    Opt(("--type",), "event_type", "value", "agreement, talks, airstrike … (see 'idlib types').",
        metavar="TYPE", complete="type"),
    Opt(("--actor",), "actor_specs", "multi", "Who took part, with an optional role (default "
        "participant). Repeatable.", metavar="NAME[:ROLE]", complete="actor"),
    Opt(("--location",), "location", "value", "Where."),
    Opt(("--tag",), "tags", "multi", "A keyword (repeatable).", complete="tag"),
    Opt(("--source",), "source_url", "value", "The page you read.", metavar="URL"),
    Opt(("--publisher",), "publisher", "value", "The source's publisher."),
    Opt(("--source-title",), "source_title", "value", "The source's title as shown."),
    Opt(("--published",), "published", "value", "The source's publication date (YYYY-MM-DD).",
        metavar="DATE"),
    Opt(("--id",), "event_id", "value", "Default: the date and a slug of the title."),
    Opt(("--note",), "note", "value", "A caveat, e.g. a claim no source confirms."),
    Opt(("--from-json",), "from_json", "value", "Read the whole event as a JSON object ('-' for "
        "stdin); flags override it.", metavar="FILE", complete="path"),
    Opt(("--dry-run",), "dry_run", "flag", "Check and print the event; write nothing."),
    *STORE,
), run)
