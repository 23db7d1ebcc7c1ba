"""The prepared index: same answers as the in-memory engine, reused only while the store is
unchanged, and never trusted when stale, foreign or corrupt."""

from __future__ import annotations

import copy
import json
import os
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from conftest import TINY, query, write_store
from idlib_cli.catalog import Catalog, MemoryCatalog, open_catalog
from idlib_cli.errors import StoreError, UsageError
from idlib_cli.filters import FILTERS
from idlib_cli.index import (
    IndexCatalog,
    IndexUnavailable,
    freshness,
    index_path,
    open_index,
    stream,
)
from idlib_cli.query import FACETS, Query, Span, Text
from idlib_cli.store import builtin_store_path, load

BUILTIN = [builtin_store_path()]
MEMORY = MemoryCatalog(load([]))
INDEXED = open_index(BUILTIN)
ACTORS = sorted(MEMORY.actors)


def printed(catalog: Catalog, query: Query) -> list[bytes]:
    """The records `--json` prints for `query`, one bytes object each."""
    return [bytes(text) for batch in catalog.json_batches(query) for text in batch]


EXAMPLES = [example for entry in FILTERS for example in entry.examples(MEMORY)]


@st.composite
def queries(draw: st.DrawFn) -> Query:
    """Random combinations of the registered filters' example values."""
    given: dict[str, Any] = {}
    for example in draw(st.lists(st.sampled_from(EXAMPLES), max_size=3)):
        given |= example
    try:
        return query(MEMORY, **given, limit=draw(st.none() | st.integers(1, 30)),
                     reverse=draw(st.booleans()))
    except UsageError:
        assume(False)
        raise


@given(queries())
@settings(max_examples=200, deadline=None)
def test_both_engines_give_identical_answers(chosen: Query) -> None:
    assert printed(INDEXED, chosen) == printed(MEMORY, chosen)


@pytest.mark.parametrize("example", EXAMPLES, ids=repr)
def test_every_filter_example_gives_identical_answers(example: dict[str, Any]) -> None:
    chosen = query(MEMORY, **example)
    assert printed(INDEXED, chosen) == printed(MEMORY, chosen)
    assert INDEXED.count_matching(chosen) == MEMORY.count_matching(chosen)


def test_both_engines_agree_on_everything_else() -> None:
    assert isinstance(INDEXED, IndexCatalog)
    assert INDEXED.count() == MEMORY.count()
    for facet in FACETS:
        assert INDEXED.facet_counts(facet) == MEMORY.facet_counts(facet)
    assert INDEXED.activity() == MEMORY.activity()
    assert dict(INDEXED.actors) == dict(MEMORY.actors)
    assert dict(INDEXED.places) == dict(MEMORY.places)
    assert INDEXED.eras == MEMORY.eras
    assert INDEXED.data_version == MEMORY.data_version
    for record in MEMORY.search(Query()):
        assert INDEXED.record(record["id"]) == record


def test_actors_defined_after_their_events_are_handled(tmp_path: Path) -> None:
    later = {"schema_version": 1, "events": TINY["events"], "actors": TINY["actors"]}
    path = write_store(tmp_path / "late.json", later)
    indexed = open_index([path])
    memory = MemoryCatalog(load([path], include_builtin=False))
    for chosen in (Query(), Query(Text("text", "ankara")), Query(Text("text", "tsk"))):
        assert printed(indexed, chosen) == printed(memory, chosen)


def _built(path: Path) -> tuple[int, int]:
    info = Path(index_path([path])).stat()
    return info.st_ino, info.st_mtime_ns


def test_index_is_reused_while_content_is_unchanged(tmp_path: Path) -> None:
    path = write_store(tmp_path / "s.json", TINY)
    open_index([path])
    first = _built(path)
    os.utime(path)  # a touch: new mtime, same content
    open_index([path])
    assert _built(path) == first


def test_a_content_change_is_seen_even_with_the_old_mtime(tmp_path: Path) -> None:
    path = write_store(tmp_path / "s.json", TINY)
    assert open_index([path]).count() == len(TINY["events"])
    stamp = path.stat()
    changed = copy.deepcopy(TINY)
    changed["events"][0]["title"] = "Clashes Escalate"  # same length, same size
    write_store(path, changed)
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert path.stat().st_size == stamp.st_size
    record = open_index([path]).record("2019-spring-escalation")
    assert record["title"] == "Clashes Escalate"


def test_large_files_are_checked_by_samples(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(freshness, "FULL_HASH_LIMIT", 100)
    path = write_store(tmp_path / "s.json", TINY)
    open_index([path])
    stamp = path.stat()
    text = path.read_text(encoding="utf-8").replace("Clashes escalate", "Clashes ESCALATE")
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert open_index([path]).record("2019-spring-escalation")["title"] == "Clashes ESCALATE"


def _records_files(path: Path) -> list[Path]:
    target = Path(index_path([path]))
    return sorted(target.parent.glob(target.stem + "-*.records"))


@pytest.mark.parametrize("damage", ["garbage", "foreign", "old-version", "incomplete",
                                    "records-missing", "records-truncated", "records-swapped"])
def test_a_bad_index_file_is_rebuilt_not_trusted(tmp_path: Path, damage: str) -> None:
    path = write_store(tmp_path / "s.json", TINY)
    open_index([path])
    target = Path(index_path([path]))
    [records] = _records_files(path)
    if damage == "records-missing":
        records.unlink()
    elif damage == "records-truncated":
        records.write_bytes(records.read_bytes()[:-20])
    elif damage == "records-swapped":  # a whole records file, but another build's
        other = write_store(tmp_path / "other.json", TINY)
        open_index([other])
        records.write_bytes(_records_files(other)[0].read_bytes())
    elif damage == "garbage":
        target.write_bytes(b"this is not a database" * 100)
    elif damage == "foreign":
        target.unlink()
        sqlite3.connect(target).execute("CREATE TABLE x (y)").connection.commit()
    else:
        connection = sqlite3.connect(target)
        if damage == "old-version":
            connection.execute("UPDATE meta SET value = 'an older idlib' "
                               "WHERE key = 'fingerprint'")
        else:
            connection.execute("DELETE FROM meta WHERE key = 'complete'")
        connection.commit()
        connection.close()
    rebuilt = open_index([path])
    memory = MemoryCatalog(load([path], include_builtin=False))
    assert printed(rebuilt, Query()) == printed(memory, Query())
    assert len(_records_files(path)) == 1  # the old build's records file is gone


def test_a_lone_surrogate_is_printed_as_its_escape(tmp_path: Path) -> None:
    """Legal in JSON text, not in UTF-8: both engines print the escape and read it back."""
    document = copy.deepcopy(TINY)
    document["events"][0]["title"] = "half \ud800 pair"
    path = tmp_path / "s.json"
    path.write_text(json.dumps(document), encoding="utf-8")  # ensure_ascii keeps it escaped
    indexed = open_index([path])
    memory = MemoryCatalog(load([path], include_builtin=False))
    assert printed(indexed, Query()) == printed(memory, Query())
    first = json.loads(printed(indexed, Query())[0])
    assert first["title"] == "half \ud800 pair"
    assert indexed.record(first["id"])["title"] == "half \ud800 pair"


def test_a_broken_store_falls_back_to_the_precise_error(tmp_path: Path) -> None:
    document = copy.deepcopy(TINY)
    document["events"][1]["date"] = "2020-02-30"
    path = write_store(tmp_path / "s.json", document)
    with pytest.raises(StoreError, match=r"s\.json:\d+ at \$\.events\[1\]\.date"):
        open_catalog([path], include_builtin=False)


def test_an_unwritable_cache_falls_back_to_memory(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("IDLIB_CACHE_DIR", str(blocker / "cache"))
    assert isinstance(open_catalog([]), MemoryCatalog)


def test_engine_can_be_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDLIB_ENGINE", "memory")
    assert isinstance(open_catalog([]), MemoryCatalog)
    monkeypatch.setenv("IDLIB_ENGINE", "index")
    assert isinstance(open_catalog([]), IndexCatalog)


def test_the_index_holds_no_more_than_the_files(tmp_path: Path) -> None:
    """Streaming build: two files, one index, and the same answers as memory."""
    base = write_store(tmp_path / "base.json", TINY)
    extra_event = copy.deepcopy(TINY["events"][1]) | {"id": "2021-01-01-mine",
                                                      "date": "2021-01-01"}
    mine = write_store(tmp_path / "mine.json", {"schema_version": 1, "events": [extra_event]})
    indexed = open_index([base, mine])
    memory = MemoryCatalog(load([base, mine], include_builtin=False))
    assert printed(indexed, Query()) == printed(memory, Query())
    assert json.loads(printed(indexed, Query(reverse=True))[0])["id"] == "2021-01-01-mine"


def test_unsorted_stores_come_out_chronologically(tmp_path: Path) -> None:
    """Row ids are renumbered into date order when the files are not already in it."""
    shuffled = copy.deepcopy(TINY)
    shuffled["events"].reverse()
    early = copy.deepcopy(TINY["events"][3]) | {"id": "2010-01-01-early", "date": "2010"}
    first = write_store(tmp_path / "a.json", shuffled)
    second = write_store(tmp_path / "b.json", {"schema_version": 1, "events": [early]})
    indexed = open_index([first, second])
    memory = MemoryCatalog(load([first, second], include_builtin=False))
    for chosen in (Query(), Query(reverse=True), Query(Span(date(2020, 2, 15), None)),
                   Query(Span(None, date(2020, 3, 6)), limit=2), Query(Text("text", "moscow"))):
        assert printed(indexed, chosen) == printed(memory, chosen)


@pytest.mark.parametrize("layout", ["compact", "crlf-bom", "numbers-at-chunk-edges"])
def test_the_streaming_reader_reads_any_layout(tmp_path: Path, layout: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / f"{layout}.json"
    if layout == "compact":
        path.write_text(json.dumps(TINY, separators=(",", ":")), encoding="utf-8")
    elif layout == "crlf-bom":
        text = json.dumps(TINY, indent=1).replace("\n", "\r\n")
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    else:  # tiny reads: every value, number and string crosses a chunk boundary somewhere
        monkeypatch.setattr(stream, "CHUNK", 7)
        write_store(path, TINY)
    indexed = open_index([path])
    memory = MemoryCatalog(load([path], include_builtin=False))
    assert printed(indexed, Query()) == printed(memory, Query())
    assert indexed.activity() == memory.activity()


def test_an_upgrade_that_changes_the_record_shape_rebuilds_the_index(tmp_path: Path) -> None:
    """A copy of idlib whose records carry one more field, run against the same cache: it
    must rebuild, not serve the old shape (and `--fields` with the new field must work)."""
    import shutil
    import subprocess
    import sys

    import idlib_cli

    store = write_store(tmp_path / "s.json", TINY)
    cache = tmp_path / "cache"
    copy_root = tmp_path / "upgraded"
    shutil.copytree(Path(idlib_cli.__file__).parent, copy_root / "idlib_cli")
    records = copy_root / "idlib_cli" / "records.py"
    records.write_text(records.read_text(encoding="utf-8").replace(
        '"url": event.sources[0].url', '"added_in_upgrade": True,\n        "url": '
        'event.sources[0].url'), encoding="utf-8")
    argv = ["events", "--no-builtin", "--data", str(store), "--json"]

    def run(pythonpath: str, *extra: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "IDLIB_CACHE_DIR": str(cache), "PYTHONPATH": pythonpath,
               "IDLIB_ENGINE": "index"}
        return subprocess.run([sys.executable, "-m", "idlib_cli", *argv, *extra], env=env,
                              capture_output=True, text=True, timeout=60, cwd=tmp_path)

    before = run(str(Path(idlib_cli.__file__).parent.parent))
    assert "added_in_upgrade" not in before.stdout
    after = run(str(copy_root))
    assert after.returncode == 0, after.stderr
    assert all(record["added_in_upgrade"] for record in json.loads(after.stdout))
    fields = run(str(copy_root), "--fields", "id,added_in_upgrade")
    assert fields.returncode == 0, fields.stderr


@pytest.mark.parametrize("text, phrase", [
    ('{"schema_version": 1, "events": [], "events": []}', "twice"),
    ('{"schema_version": 1, "events": [], 5: 6}', "invalid JSON"),
    ('{"schema_version": 1, "events": [{"id": "x", "id": "y"}]}', "twice"),
    ('{"schema_version": 1, "events": [], "x": 1e999}', "finite"),
    ('{"schema_version": 1, "events": [], "x": NaN}', "NaN"),
])
def test_both_engines_read_json_alike(tmp_path: Path, text: str, phrase: str) -> None:
    """What the in-memory loader refuses, the streaming reader refuses too: the index can't
    be prepared, and the loader's precise error is what the user sees."""
    path = tmp_path / "odd.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IndexUnavailable):
        open_index([path])
    with pytest.raises(StoreError, match=phrase):
        open_catalog([path], include_builtin=False)


def test_the_fingerprint_covers_every_module_the_build_uses() -> None:
    """A module that shapes what the index stores must be in its fingerprint, or an upgrade
    that changes it would be served from an old cache. (Messages, suggestions and settings
    don't shape the content.)"""
    import subprocess
    import sys

    probe = ("import sys, idlib_cli.index.build; print(' '.join(sorted(m for m in sys.modules "
             "if m.startswith('idlib_cli'))))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True, timeout=60).stdout.split()
    files = {name.removesuffix(".py").replace("/", ".") for name in freshness.shaping_files()}
    exempt = {"__init__", "errors", "suggest", "settings", "jsonpath"}
    for module in loaded:
        name = module.removeprefix("idlib_cli").lstrip(".")
        if name and name not in exempt and not name.endswith("__init__"):
            assert name in files or f"{name}.__init__" in files or name == "index", module
