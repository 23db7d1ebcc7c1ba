"""The prepared index: a SQLite copy of the stores, made once and reused until a store or
idlib itself changes.

The JSON files stay the source of truth and the only thing people edit. The index exists so
that a million-event store answers in well under a second and the built-in store answers
without parsing JSON at start-up. A stale, foreign or corrupt index is rebuilt, never trusted;
anything this engine cannot prepare (a broken store, an unwritable cache) makes the caller fall
back to the in-memory engine, which reports the problem precisely.

The package, by concern: `freshness` (where an index lives and whether it is current),
`stream` (reading a store file element by element), `build`, `recordsfile` (the output JSON of
every event, mapped and checksummed), `engine` (answering queries).

Damage is looked for twice: on opening (the files' shape, a cheap SQLite read) and while
answering (each records block's checksum, the first time it is read; SQLite's own corruption
errors). Either way the damaged files are deleted and the index rebuilt; a query under way is
answered from the rebuilt index (engine.IndexCatalog.healed).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from idlib_cli.index.engine import IndexCatalog
from idlib_cli.index.freshness import (
    APPLICATION_ID,
    FileState,
    IndexUnavailable,
    Progress,
    build_lock,
    fingerprint,
    index_path,
    still_current,
    sweep_orphans,
)
from idlib_cli.index.recordsfile import Records, records_path

if TYPE_CHECKING:
    from _typeshed import StrPath

    from idlib_cli.catalog import Catalog

__all__ = ["IndexCatalog", "IndexUnavailable", "index_path", "open_index"]


def _open_prepared(target: str, paths: Sequence[StrPath],
                   progress: Progress | None = None) -> IndexCatalog | None:
    """The index at `target` if it is ours, complete, built by this idlib from these files'
    content, and its records file is the one it names, whole. Anything else: None (and a
    damaged or foreign file is removed, to be rebuilt)."""
    if not os.path.isfile(target):
        return None
    connection: sqlite3.Connection | None = None
    try:
        quoted = target.replace("%", "%25").replace("?", "%3f").replace("#", "%23")
        connection = sqlite3.connect(f"file:{quoted}?mode=ro", uri=True)
        if connection.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise sqlite3.DatabaseError("not an idlib index")
        meta = dict(connection.execute("SELECT key, value FROM meta"))
        recorded = [FileState(**state) for state in json.loads(meta["files"])]
        if meta.get("complete") != "1" or meta.get("fingerprint") != fingerprint() or \
                [state.path for state in recorded] != [os.path.realpath(p) for p in paths]:
            raise sqlite3.DatabaseError("incomplete, from another version, or for other files")
        if not all(still_current(state, path)
                   for state, path in zip(recorded, paths, strict=True)):
            connection.close()
            return None
        token = meta["records"]
        records = Records(records_path(target, token), token, int(meta["events"]))
        catalog = IndexCatalog(connection, records, meta,
                               _healer(target, token, paths, progress))
        catalog.db.execute("SELECT count(*) FROM postings").fetchone()  # a cheap read: damage?
        return catalog
    except (sqlite3.Error, OSError, KeyError, TypeError, ValueError):
        if connection is not None:
            connection.close()
        with contextlib.suppress(OSError):
            os.unlink(target)  # corrupt, foreign or missing its records: rebuilt, never trusted
        return None


def open_index(paths: Sequence[StrPath], progress: Progress | None = None) -> IndexCatalog:
    """A catalog over `paths` from the prepared index, (re)building it first if needed.

    Concurrent first queries wait for one builder (a lock beside the index) and then all read
    what it built, instead of building, and deleting, each other's files."""
    try:
        target = index_path(paths)
        catalog = _open_prepared(target, paths, progress)
        if catalog is None:
            os.makedirs(os.path.dirname(target), mode=0o700, exist_ok=True)
            with build_lock(target):
                catalog = _open_prepared(target, paths, progress)
                if catalog is None:
                    from idlib_cli.index.build import build

                    sweep_orphans(os.path.dirname(target))
                    build(paths, target, progress)
                    catalog = _open_prepared(target, paths, progress)
        if catalog is None:
            raise IndexUnavailable("the index could not be prepared")
        return catalog
    except (OSError, sqlite3.Error, UnicodeError) as error:  # e.g. a file name not UTF-8
        raise IndexUnavailable(str(error)) from None


def _healer(target: str, token: str, paths: Sequence[StrPath],
            progress: Progress | None) -> Callable[[], Catalog]:
    """What a catalog found damaged while answering calls: delete this build's files and open
    the stores again, as `open_catalog` does (a rebuilt index, or memory if it can't be had)."""
    built = _identity(target)

    def heal() -> Catalog:
        from idlib_cli.catalog import open_catalog

        with contextlib.suppress(OSError):
            if _identity(target) == built:  # not a fresh index another process has built since
                os.unlink(target)
        with contextlib.suppress(OSError):
            os.unlink(records_path(target, token))
        return open_catalog(paths, include_builtin=False, progress=progress)

    return heal


def _identity(path: str) -> tuple[int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino, info.st_mtime_ns
