"""A tiny hand-written store for unit tests, and helpers to run the CLI."""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from idlib_cli.filters import Vocabulary, build_plan, filter_options
from idlib_cli.main import entry
from idlib_cli.options import SELECTION, defaults
from idlib_cli.query import Query
from idlib_cli.store import Store, load

# Every test process, and every subprocess it starts, prepares indexes in a scratch folder.
os.environ["IDLIB_CACHE_DIR"] = tempfile.mkdtemp(prefix="idlib-test-cache-")


def src(url: str = "https://example.org/a") -> dict[str, Any]:
    return {"url": url, "publisher": "Example", "title": "A page", "published": "2020-03-05"}


TINY: dict[str, Any] = {
    "schema_version": 1,
    "actors": [
        {"id": "turkey", "name": "Turkey", "kind": "state", "aliases": ["Türkiye", "Ankara"]},
        {"id": "turkish-armed-forces", "name": "Turkish Armed Forces", "kind": "military",
         "aliases": ["TSK"], "parent": "turkey"},
        {"id": "recep-tayyip-erdogan", "name": "Recep Tayyip Erdoğan", "kind": "person",
         "aliases": ["Erdoğan"], "parent": "turkey"},
        {"id": "russia", "name": "Russia", "kind": "state", "aliases": ["Moscow", "Россия"]},
        {"id": "syrian-government", "name": "Syrian government", "kind": "state",
         "aliases": ["regime"]},
    ],
    "events": [
        {"id": "2019-spring-escalation", "date": "2019-21", "title": "Clashes escalate",
         "summary": "Sporadic clashes became a confrontation.", "type": "offensive",
         "actors": [{"id": "syrian-government", "role": "attacker"}],
         "sources": [src()], "tags": ["offensive"]},
        {"id": "2020-02-consultations", "date": "2020-02", "title": "Talks without result",
         "summary": "Several rounds of talks.", "type": "talks",
         "actors": [{"id": "turkey", "role": "participant"},
                    {"id": "russia", "role": "participant"}],
         "sources": [src()]},
        {"id": "2020-02-27-balyun", "date": "2020-02-27", "title": "Airstrike at Balyun",
         "summary": "Turkish soldiers were killed.", "type": "airstrike",
         "actors": [{"id": "turkish-armed-forces", "role": "target"},
                    {"id": "syrian-government", "role": "attacker"}],
         "location": {"name": "Balyun, Idlib"},
         "figures": [{"label": "soldiers killed", "value": 33, "claimed_by": "Turkey",
                      "source_url": "https://example.org/a"},
                     {"label": "soldiers killed", "value": 34, "qualifier": "at least",
                      "claimed_by": "Another", "source_url": "https://example.org/a"}],
         "sources": [src()], "tags": ["balyun"]},
        {"id": "2020-03-05-moscow", "date": "2020-03-05", "title": "Moscow protocol",
         "summary": "Erdoğan and Putin agreed a ceasefire.", "type": "agreement",
         "actors": [{"id": "recep-tayyip-erdogan", "role": "signatory"},
                    {"id": "russia", "role": "signatory"}],
         "location": {"name": "Moscow"}, "sources": [src()], "tags": ["ceasefire", "m4"]},
        {"id": "2020-03-15-patrol", "date": "2020-03-15", "title": "First joint patrol",
         "summary": "Joint patrol on the M4.", "type": "patrol",
         "actors": [{"id": "turkish-armed-forces", "role": "participant"},
                    {"id": "russia", "role": "participant"}], "sources": [src()]},
        {"id": "2020-04-01-later", "date": "2020-04-01/2020-04-03", "title": "Later days",
         "summary": "After March.", "type": "clash",
         "actors": [{"id": "syrian-government", "role": "belligerent"}], "sources": [src()]},
    ],
}


def write_store(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


@pytest.fixture
def tiny_path(tmp_path: Path) -> Path:
    return write_store(tmp_path / "tiny.json", TINY)


@pytest.fixture
def tiny(tiny_path: Path) -> Store:
    return load([tiny_path], include_builtin=False)


class Ran(NamedTuple):
    """What a user would see: the exit status, stdout and stderr."""

    code: int
    out: str
    err: str

    @property
    def exit_code(self) -> int:
        return self.code

    @property
    def output(self) -> str:
        return self.out + self.err


@contextlib.contextmanager
def environment(changes: Mapping[str, str | None]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in changes}
    try:
        for name, value in changes.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def idlib(*args: str, env: Mapping[str, str | None] | None = None, stdin: str = "") -> Ran:
    """Run idlib in this process through the same entry point as the `idlib` script, with
    stdout and stderr captured as a pipe would (UTF-8, not a terminal)."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")
    saved = sys.stdout, sys.stderr, sys.stdin
    sys.stdout, sys.stderr, sys.stdin = out, err, io.StringIO(stdin)
    try:
        with environment({"IDLIB_DATA": None, **(env or {})}):
            code = entry(list(args))
    finally:
        sys.stdout, sys.stderr, sys.stdin = saved
    out.flush()
    err.flush()
    return Ran(int(code), out.buffer.getvalue().decode(),  # type: ignore[attr-defined]
               err.buffer.getvalue().decode())  # type: ignore[attr-defined]


def values(**given: Any) -> dict[str, Any]:
    """Every filter and selection option at its default, with `given` on top."""
    return defaults((*filter_options(), *SELECTION)) | given


def query(vocab: Vocabulary, **given: Any) -> Query:
    """The Query the events command builds for these option values."""
    chosen = values(**given)
    return Query(build_plan(chosen, vocab), chosen["limit"], chosen["reverse"])


@pytest.fixture
def run_cli(tiny_path: Path):  # type: ignore[no-untyped-def]
    """Invoke idlib on the tiny store only."""

    def invoke(*args: str) -> Ran:
        return idlib(*args, "--no-builtin", "--data", str(tiny_path))

    return invoke
