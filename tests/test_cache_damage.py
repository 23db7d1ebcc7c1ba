"""A cache damaged in place (same size, same header) is found and rebuilt, never served: the
records file checks each block against its checksum, and SQLite's corruption errors mean
rebuild. The user gets the right answer, exit 0, and one line on stderr."""

from __future__ import annotations

import copy
import json
import random
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

import idlib_cli.index.build
from conftest import TINY, idlib, write_store
from idlib_cli.catalog import Catalog, MemoryCatalog
from idlib_cli.errors import EnvironmentFailure
from idlib_cli.index import engine, index_path, open_index, recordsfile
from idlib_cli.query import Query, Span
from idlib_cli.store import load

PAGE = 4096


def big_store(folder: Path, count: int = 400) -> Path:
    """`count` events of about a kilobyte each: a records file of several 64 KiB blocks."""
    document = copy.deepcopy(TINY)
    template = document["events"][1]
    document["events"] = []
    for n in range(count):
        day = date(2019, 1, 1) + timedelta(days=n)
        document["events"].append(template | {
            "id": f"{day.isoformat()}-talks-{n}", "date": day.isoformat(),
            "title": f"Talks, round {n}", "summary": f"Round {n} of talks. " + "Words. " * 120})
    return write_store(folder / "big.json", document)


def records_file(store: Path) -> Path:
    target = Path(index_path([store]))
    [found] = target.parent.glob(target.stem + "-*.records")
    return found


def sqlite_file(store: Path) -> Path:
    return Path(index_path([store]))


def zero_middle_page(path: Path) -> None:
    """The damage a bad sector does: 4 KiB zeroed in place, the file's size unchanged."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(size // 2 // PAGE * PAGE)
        handle.write(bytes(PAGE))
    assert path.stat().st_size == size


def garble_pages_of(path: Path, tables: tuple[str, ...]) -> None:
    """Overwrite the pages of the tables and indexes named like `tables` (LIKE patterns) with
    noise, in place."""
    connection = sqlite3.connect(path)
    pages = [page for (page,) in connection.execute(
        f"SELECT pageno FROM dbstat WHERE {' OR '.join(['name LIKE ?'] * len(tables))}", tables)]
    assert pages
    connection.close()
    size = path.stat().st_size
    noise = random.Random(13)
    with path.open("r+b") as handle:
        for page in sorted(pages)[1:]:  # sparing the first, SQLite can still open the table
            handle.seek((page - 1) * PAGE)
            handle.write(noise.randbytes(PAGE))
    assert path.stat().st_size == size


def memory_answer(store: Path, *args: str) -> str:
    ran = idlib(*args, "--no-builtin", "--data", str(store), env={"IDLIB_ENGINE": "memory"})
    assert ran.code == 0
    return ran.out


def printed(catalog: Catalog, query: Query) -> list[bytes]:
    return [bytes(text) for batch in catalog.json_batches(query) for text in batch]


@pytest.mark.parametrize("args", [
    ("events", "--json"), ("events",), ("events", "--jsonl", "--reverse", "--limit", "300"),
    ("show", "2019-07-20-talks-200"), ("stats", "--by", "type"),
], ids=" ".join)
def test_a_zeroed_records_page_is_rebuilt_not_served(tmp_path: Path, args: tuple[str, ...]
                                                     ) -> None:
    store = big_store(tmp_path)
    expected = memory_answer(store, *args)
    assert idlib(*args, "--no-builtin", "--data", str(store)).out == expected  # builds
    zero_middle_page(records_file(store))
    ran = idlib(*args, "--no-builtin", "--data", str(store))
    assert (ran.code, ran.out) == (0, expected)
    assert len(ran.err.splitlines()) == 1
    assert "damaged" in ran.err and "rebuil" in ran.err
    again = idlib(*args, "--no-builtin", "--data", str(store))
    assert (again.code, again.out, again.err) == (0, expected, "")


def test_the_reported_case_as_a_real_process(tmp_path: Path) -> None:
    """`idlib events --json` after 4 KiB of the records file were zeroed: exit 0, valid JSON."""
    store = big_store(tmp_path)
    command = [sys.executable, "-m", "idlib_cli", "events", "--json", "--no-builtin",
               "--data", str(store)]
    first = subprocess.run(command, capture_output=True, timeout=60, check=True)
    zero_middle_page(records_file(store))
    damaged = subprocess.run(command, capture_output=True, timeout=60)
    assert damaged.returncode == 0
    assert json.loads(damaged.stdout) == json.loads(first.stdout)
    assert damaged.stdout == first.stdout
    assert len(damaged.stderr.splitlines()) == 1


def test_damage_found_part_way_through_an_answer_is_answered_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Batches already written passed their checks; the rest comes from the rebuilt index,
    so the output is the whole answer, once, in order."""
    monkeypatch.setattr(recordsfile, "BATCH", 10)
    store = big_store(tmp_path)
    expected = printed(MemoryCatalog(load([store], include_builtin=False)), Query())
    catalog = open_index([store])
    batches = catalog.json_batches(Query())
    served = [bytes(text) for text in next(batches)]
    zero_middle_page(records_file(store))  # the mapping sees it: the block isn't checked yet
    served += [bytes(text) for batch in batches for text in batch]
    assert served == expected
    assert "damaged" in capsys.readouterr().err
    assert isinstance(catalog.replacement, engine.IndexCatalog)


def test_search_part_way_is_answered_whole(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recordsfile, "BATCH", 10)
    store = big_store(tmp_path)
    expected = list(MemoryCatalog(load([store], include_builtin=False)).search(Query()))
    records = open_index([store]).search(Query())
    served = [next(records) for _ in range(15)]
    zero_middle_page(records_file(store))
    assert served + list(records) == expected


def count_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one for every block checksum computed while reading."""
    calls: list[int] = []
    real = recordsfile._crc32

    def counting(data: bytes | memoryview) -> int:
        calls.append(len(data))
        return real(data)

    monkeypatch.setattr(recordsfile, "_crc32", counting)
    return calls


def test_each_block_is_checked_once_per_process(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    store = big_store(tmp_path)
    catalog = open_index([store])
    calls = count_checks(monkeypatch)
    printed(catalog, Query())
    blocks = -(-records_file(store).stat().st_size // recordsfile.BLOCK)
    assert 1 < len(calls) <= blocks
    printed(catalog, Query(reverse=True))
    list(catalog.search(Query(Span(date(2019, 3, 1), None))))
    assert len(calls) <= blocks


def test_one_record_checks_only_its_own_blocks(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    store = big_store(tmp_path)
    catalog = open_index([store])
    calls = count_checks(monkeypatch)
    assert catalog.record("2019-07-20-talks-200")["title"] == "Talks, round 200"
    assert 1 <= len(calls) <= 3  # the record's block(s) and the table entries that bound it


@pytest.mark.parametrize(("tables", "args"), [
    (("events%",), ("events", "--since", "2019-06", "--json")),
    (("texts%", "words%"), ("events", "--keyword", "round", "--json")),
    (("postings",), ("events", "--actor", "russia", "--jsonl")),
    (("postings",), ("stats", "--by", "actor")),
], ids=lambda value: " ".join(value))
def test_garbled_sqlite_pages_are_rebuilt_not_an_internal_error(
        tmp_path: Path, tables: tuple[str, ...], args: tuple[str, ...]) -> None:
    store = big_store(tmp_path, 1500)
    expected = memory_answer(store, *args)
    assert idlib(*args, "--no-builtin", "--data", str(store)).out == expected
    garble_pages_of(sqlite_file(store), tables)
    ran = idlib(*args, "--no-builtin", "--data", str(store))
    assert (ran.code, ran.out) == (0, expected), ran.err
    assert len(ran.err.splitlines()) == 1 and "damaged" in ran.err
    again = idlib(*args, "--no-builtin", "--data", str(store))
    assert (again.code, again.out, again.err) == (0, expected, "")


def test_a_query_sqlite_refuses_is_not_taken_for_damage(tmp_path: Path) -> None:
    """Only corruption means rebuild: rebuilding would not make a refused query work."""
    too_big = sqlite3.OperationalError("Expression tree is too large (maximum depth 1000)")
    assert not engine.damaged(too_big)
    assert engine.damaged(recordsfile.IndexDamaged("block 3 fails its checksum"))
    path = tmp_path / "t.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE t (x)")
    connection.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 100)
    connection.commit()
    connection.close()
    garble_pages_of(path, ("t",))
    with pytest.raises(sqlite3.DatabaseError) as raised:
        sqlite3.connect(path).execute("SELECT * FROM t").fetchall()
    assert engine.damaged(raised.value)


def test_damage_in_a_rebuilt_index_is_named_as_a_failing_disk(tmp_path: Path) -> None:
    store = big_store(tmp_path)
    catalog = open_index([store])
    catalog.heal = None  # as in an index that was itself the rebuild
    zero_middle_page(records_file(store))
    with pytest.raises(EnvironmentFailure, match="damaged again after a rebuild"):
        printed(catalog, Query())


def test_the_memory_engine_answers_when_no_index_can_be_rebuilt(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = big_store(tmp_path)
    catalog = open_index([store])
    zero_middle_page(records_file(store))

    def cannot_build(*_: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(idlib_cli.index.build, "build", cannot_build)
    expected = printed(MemoryCatalog(load([store], include_builtin=False)), Query())
    assert printed(catalog, Query()) == expected
    assert isinstance(catalog.replacement, MemoryCatalog)


def test_the_damaged_files_are_replaced(tmp_path: Path) -> None:
    """After the repair one index and one records file remain, every block of it good."""
    store = big_store(tmp_path)
    open_index([store])
    damaged = records_file(store)
    zero_middle_page(damaged)
    printed(open_index([store]), Query())
    assert records_file(store) != damaged  # and the only one: records_file() checks that
    rebuilt = open_index([store])
    printed(rebuilt, Query())
    assert rebuilt.records.verified.count(0) == 0


def test_a_sparse_query_unmaps_each_block_once_hashed(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Hashing a whole block for one record in it must not keep the block mapped: a sparse
    query's resident memory stays that of the records it prints."""
    store = big_store(tmp_path)
    catalog = open_index([store])
    calls = count_checks(monkeypatch)
    released: list[tuple[int, int]] = []
    monkeypatch.setattr(recordsfile.Records, "_release",
                        lambda self, begin, end: released.append((begin, end)))
    sparse = list(range(1, catalog.count() + 1, 50))
    printed_rows = [bytes(text) for batch in catalog.records.batches(sparse) for text in batch]
    assert len(printed_rows) == len(sparse) and len(calls) > 1
    assert len(released) >= len(calls)  # every hashed block, then the batch's span
