"""Adding an event to a user's store without ever losing or half-writing it.

Read-modify-write under an exclusive lock on a sidecar file; the new text is validated like
`idlib validate` would, written to a temporary file in the same directory, fsynced, and renamed
over the old one, so a reader (or a crash) only ever sees the old file or the new one.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from idlib_cli.dates import parse_edtf
from idlib_cli.errors import DateError, IdlibError, StoreError, UsageError
from idlib_cli.parse import SCHEMA_VERSION, read_json
from idlib_cli.rules import chronological_raw
from idlib_cli.store import builtin_store_path
from idlib_cli.validate import Document, Problem, read_document, validate_documents

EVENT_KEY_ORDER = ("id", "date", "date_note", "title", "summary", "type", "actors", "location",
                   "figures", "sources", "tags", "note")


class AddRefused(IdlibError):
    """The event was not added (the store is unchanged)."""


def slug(text: str, limit: int = 48) -> str:
    """'Airstrike at Balyun!' -> 'airstrike-at-balyun'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:limit].rstrip("-") or "event"


def default_id(date_text: str, title: str) -> str:
    """The id convention: the start date at its precision, then a slug of the title."""
    try:
        span = parse_edtf(date_text)
    except DateError:
        return slug(title)
    start = span.start.isoformat()
    prefix = {"year": start[:4], "month": start[:7], "season": start[:7]}.get(span.precision,
                                                                              start)
    return f"{prefix}-{slug(title)}"


def ordered_event(event: dict[str, Any]) -> dict[str, Any]:
    """Keys in the curators' order, so diffs of hand-edited and added events look alike."""
    known = {key: event[key] for key in EVENT_KEY_ORDER if key in event}
    return known | {key: value for key, value in event.items() if key not in known}


def render_store(document: dict[str, Any]) -> str:
    """The one canonical formatting: 2-space indent, UTF-8 unescaped, trailing newline.
    No NaN or Infinity: the loader would refuse them, so no writer may write them."""
    try:
        return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    except ValueError:
        raise UsageError("a number is not finite (NaN or Infinity): JSON has no such numbers; "
                         "give a finite value") from None


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Serialise writers of `path` through an exclusive lock on `path.lock`."""
    lock_path = path.with_name(path.name + ".lock")
    try:
        handle = open(lock_path, "a+b")  # noqa: SIM115 - held for the whole block
    except OSError as error:
        raise StoreError(f"cannot create lock file: {error.strerror}", file=str(lock_path)) \
            from None
    with handle:
        try:
            import fcntl
        except ImportError:  # no flock on this platform: rename is still atomic
            yield
            return
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def atomic_write(path: Path, text: str) -> None:
    """Write `text` to `path` so that the file is always either the old or the new version."""
    directory = path.parent
    mode = path.stat().st_mode & 0o777 if path.exists() else None
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def check_target(path: Path) -> Path:
    """Refuse, before any work, a target we must never write or cannot write; return the file
    to write: a symlink's target, so the link stays a link and every writer locks one file."""
    path = Path(os.path.realpath(path))
    builtin = Path(builtin_store_path())
    if path.exists() and builtin.exists() and path.resolve() == builtin.resolve():
        raise UsageError("the built-in store is read-only: add to your own file, "
                         "e.g. --to ~/idlib-notes.json")
    if path.is_dir():
        raise UsageError(f"{path} is a directory: give a store file, e.g. {path}/notes.json")
    if not path.parent.is_dir():
        raise UsageError(f"no directory {path.parent}: create it first")
    return path


def load_or_new(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {"schema_version": SCHEMA_VERSION, "actors": [], "events": []}
    document, _ = read_json(path)
    if not isinstance(document, dict) or not isinstance(document.get("events"), list):
        raise StoreError("not a store (a JSON object with an 'events' list); nothing was "
                         "written", file=str(path))
    return document


def _first_problems(problems: Sequence[Problem], limit: int = 3) -> str:
    shown = "; ".join(f"{p.path}: {p.message}" for p in problems[:limit])
    more = f" (and {len(problems) - limit} more)" if len(problems) > limit else ""
    return shown + more


def add_event(path: Path, event: dict[str, Any], context: Sequence[Path] = ()) -> dict[str, Any]:
    """Add `event` to the store at `path` (created if missing); return the event as stored."""
    path = check_target(path)
    context_documents = [read_document(p) for p in context if p.exists()]
    with locked(path):
        _remove_stale_temporaries(path)
        document = load_or_new(path)
        stored = ordered_event(event)
        events = [*document["events"], stored]
        events.sort(key=chronological_raw)  # stable: existing order is kept among equal dates
        document["events"] = events
        text = render_store(document)
        problems = [p for p in validate_documents([Document(str(path), text, json.loads(text))],
                                                  context_documents) if p.severity == "error"]
        if problems:
            raise AddRefused(f"not added, {path} is unchanged: {_first_problems(problems)}")
        atomic_write(path, text)
    return stored


def check_event(event: dict[str, Any], context: Sequence[Path] = ()) -> list[Problem]:
    """The problems `event` would bring into any store, without touching one."""
    probe = {"schema_version": SCHEMA_VERSION, "events": [ordered_event(event)]}
    text = render_store(probe)
    return [p for p in validate_documents([Document("(new event)", text, probe)],
                                          [read_document(p) for p in context if p.exists()])
            if p.severity == "error"]


def _remove_stale_temporaries(path: Path) -> None:
    """Temporaries only exist while a writer holds the lock; under it, any found are orphans
    of a killed writer."""
    for orphan in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            orphan.unlink()
