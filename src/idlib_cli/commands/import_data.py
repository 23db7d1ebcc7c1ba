"""`idlib import acled|ucdp FILE --to STORE`: incident datasets into your own store.

The CSV is read a row at a time (importers/); actors and places are linked to those of the
stores being read where a name, an alias or coordinates within 2 km match; the new store is
checked as `idlib events` would read it, then written like `add` writes: locked, atomic.
Re-importing a newer export updates events in place by their dataset id, never duplicating.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from idlib_cli import settings
from idlib_cli.commands import Command, Values
from idlib_cli.commands.common import say
from idlib_cli.commands.validate import builtin, user_path
from idlib_cli.errors import IdlibError, UsageError
from idlib_cli.options import STORE, Arg, Opt
from idlib_cli.text import name_key

DATASETS = ("acled", "ucdp")


class ImportRefused(IdlibError):
    """The dataset could not be imported; the store is unchanged."""


def run(values: Values) -> None:
    from idlib_cli.writer import check_target

    dataset = values["dataset"].strip().lower()
    if dataset not in DATASETS:
        raise UsageError(f"unknown dataset {dataset[:20]!r}: choose acled or ucdp")
    source = user_path(values["file"])
    data_paths = [Path(p) for p in values["data_paths"] or settings.data_paths()]
    if values["target"]:
        target = user_path(values["target"])
    elif data_paths:
        target = data_paths[0]
    else:
        raise UsageError("where to? give --to STORE (or set IDLIB_DATA to your store file)")
    target = check_target(target)
    context = [p for p in ([] if values["no_builtin"] else [builtin()]) + data_paths
               if p.exists() and p.resolve() != target]
    summary, conversion = _import(dataset, source, target, context, values["skip_bad"])
    skipped = ""
    if conversion.skipped:
        lines = ", ".join(map(str, conversion.bad_lines))
        more = " …" if conversion.skipped > len(conversion.bad_lines) else ""
        skipped = f"; skipped {conversion.skipped} malformed rows (lines {lines}{more})"
    say(f"imported {conversion.rows - conversion.skipped} rows of {source} into {target}: "
        f"{summary.added} events added, {summary.updated} updated, {summary.skipped} unchanged, "
        f"{summary.actors} actors and {summary.places} places defined{skipped}")


def _import(dataset: str, source: Path, target: Path, context: list[Path],
            skip_bad: bool) -> tuple[Any, Any]:
    from idlib_cli.importers import RowError, merge_into
    from idlib_cli.writer import atomic_write, load_or_new, locked, render_store

    module = __import__(f"idlib_cli.importers.{dataset}", fromlist=["convert"])
    with locked(target):
        document = load_or_new(target)
        actors, places = _known(context, document)
        try:
            with open(source, encoding="utf-8-sig", newline="") as handle:
                conversion = module.convert(handle, known_actors=actors, known_places=places,
                                            skip_bad=skip_bad)
                summary = merge_into(document, conversion)
        except OSError as error:
            raise UsageError(f"cannot read {source}: {error.strerror or error}") from None
        except UnicodeDecodeError:
            raise ImportRefused(f"{source} is not UTF-8: export it as UTF-8 CSV") from None
        except RowError as error:
            hint = " (--skip-bad imports the other rows)" if error.line > 1 else ""
            raise ImportRefused(f"{source}:{error.line}: {error.reason}; {target} is "
                                f"unchanged{hint}") from None
        text = render_store(document)
        _check_readable(text, target, context)
        atomic_write(target, text)
    return summary, conversion


def _known(context: list[Path], document: dict[str, Any]) -> tuple[dict[str, str],
                                                                    list[Any]]:
    """Every actor name and alias of the stores read and of the target itself (a re-import
    links to what the last one defined), and the places of the stores read. The target's own
    places are left out: a place an import made must not pull a later import's rows away from
    the curated place they matched the first time (re-imports give the same events)."""
    from idlib_cli.parse import load_file, parse_document

    files = [load_file(path) for path in context]
    files.append(parse_document({"schema_version": 1, "events": [],
                                 "actors": document.get("actors", []),
                                 "places": document.get("places", [])}, "(target)"))
    actors: dict[str, str] = {}
    places: list[tuple[str, float | None, float | None]] = []
    for store_file in files:
        for actor in store_file.actors:
            for label in (actor.id, actor.name, *actor.aliases):
                actors.setdefault(name_key(label), actor.id)
        if store_file.path != "(target)":
            places += [(place.id, place.lat, place.lon) for place in store_file.places]
    return actors, places


def _check_readable(text: str, target: Path, context: list[Path]) -> None:
    """Refuse to write a store that `idlib events --data` would then refuse."""
    from idlib_cli.errors import StoreError
    from idlib_cli.parse import InvalidAt, load_file, parse_document
    from idlib_cli.store import merge

    try:
        written = parse_document(json.loads(text), str(target))
        merge([*(load_file(path) for path in context), written])
    except (InvalidAt, StoreError) as error:
        raise ImportRefused(f"not imported, {target} is unchanged: the result would not read "
                            f"back ({error})") from None


HELP = """Import an ACLED or UCDP GED export (CSV) into your own store.

Each row becomes an event: its date at the dataset's precision, its actors (linked to the
curated ones where a name or alias matches, otherwise defined in your store), fatalities as
figures claimed by the dataset (UCDP's low, best and high side by side), its place (a gazetteer
place within 2 km, otherwise a new place with the row's coordinates), and the dataset as the
source. Importing a newer export updates events in place by their dataset id. A malformed row
stops the import with its line number; --skip-bad imports the rest and says how many were
skipped. The write is atomic and locked, as with 'idlib add'.

Mind the datasets' terms: ACLED's data may not be passed on to others; keep the store to
yourself.

\b
Examples:
  idlib import acled 2024-syria.csv --to ~/acled.json
  idlib import ucdp GEDEvent_v25_1.csv --to ~/ucdp.json --skip-bad
  idlib events --data ~/acled.json --near Saraqib --within 10 --since 2020-02
"""

COMMAND = Command("import", HELP, (
    Opt(("--to",), "target", "value", "Your store file (created if missing). Default: the "
        "first path in $IDLIB_DATA.", metavar="STORE", complete="path"),
    Opt(("--skip-bad",), "skip_bad", "flag", "Skip malformed rows (and say how many) instead "
        "of stopping at the first."),
    *STORE), run,
    arguments=(Arg("dataset", "acled|ucdp", complete="dataset"),
               Arg("file", "FILE.csv", complete="path")))


