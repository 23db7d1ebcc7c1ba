"""A tiny hand-written store for unit tests, and helpers to run the CLI."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from idlib_cli.cli import cli
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


@pytest.fixture
def run_cli(tiny_path: Path):  # type: ignore[no-untyped-def]
    """Invoke the CLI on the tiny store only."""

    def invoke(*args: str) -> Result:
        runner = CliRunner()
        return runner.invoke(cli, [*args, "--no-builtin", "--data", str(tiny_path)],
                             catch_exceptions=False)

    return invoke
