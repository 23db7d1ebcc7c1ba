"""Fixture records for the export tests: the real store, and hand-written hostile events.

The real store is run through `event_record`, as `idlib events --json` does: its places carry
the gazetteer's sourced coordinates, so the map, GeoJSON and GEO paths have points to draw.
"""

from __future__ import annotations

import copy
import io
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from idlib_cli.exports.context import ExportContext
from idlib_cli.records import era_record, event_record
from idlib_cli.store import Store, load

Record = dict[str, Any]
TESTS = Path(__file__).resolve().parent
TOOLS = TESTS / ".tools"
INSTALL_HINT = "run tests/install-tools.sh (it installs Debian's chromium and TimelineJS from npm)"
ACCESSED = "2025-06-01"

@lru_cache(maxsize=1)
def _store() -> Store:
    return load([], include_builtin=True)


def _real_eras() -> list[Record]:
    """The store's eras, as the export command passes them in the context."""
    return [era_record(era) for era in _store().eras]


@lru_cache(maxsize=1)
def _store_records() -> tuple[Record, ...]:
    store = _store()
    return tuple(event_record(store.actors, event, store.places) for event in store.events)


def real_records() -> list[Record]:
    """Every event of the built-in store, as `idlib events --json` gives them (a fresh copy)."""
    return copy.deepcopy(list(_store_records()))


def some_records(count: int = 40) -> list[Record]:
    """A spread of real records: every precision, with and without places."""
    records = real_records()
    chosen = {r["id"]: r for r in records if r["precision"] != "day"}
    chosen.update({r["id"]: r for r in records[:: max(1, len(records) // count)]})
    return sorted(chosen.values(), key=lambda r: (r["start"], r["id"]))


def real_eras() -> list[Record]:
    return copy.deepcopy(_real_eras())


def context(title: str = "idlib: test export", **changes: Any) -> ExportContext:
    return ExportContext(title=title, eras=real_eras(), accessed=ACCESSED)._replace(**changes)


def render(module: Any, records: list[Record], ctx: ExportContext | None = None,
           writer: str = "write") -> str:
    stream = io.StringIO(newline="")
    getattr(module, writer)(records, stream, ctx or context())
    return stream.getvalue()


def tool_missing(what: str) -> None:
    """Fail (never skip) when a consumer the tests need is not installed."""
    pytest.fail(f"{what} is missing: {INSTALL_HINT}", pytrace=False)
