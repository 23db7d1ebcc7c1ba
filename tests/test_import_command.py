"""`idlib import` as users run it: a generated ACLED-shaped export (nothing of ACLED's is
shipped), imported, re-imported, updated, refused, and queried beside the curated store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import idlib

MAKE = Path(__file__).resolve().parents[1] / "benchmarks" / "make_acled.py"


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("acled") / "acled.csv"
    subprocess.run([sys.executable, str(MAKE), "300", str(path)], check=True, timeout=60)
    return path


def test_import_then_reimport_never_duplicates(export: Path, tmp_path: Path) -> None:
    store = tmp_path / "mine.json"
    first = idlib("import", "acled", str(export), "--to", str(store))
    assert first.code == 0, first.err
    assert "300 events added" in first.err
    before = store.read_bytes()
    again = idlib("import", "acled", str(export), "--to", str(store))
    assert "0 events added, 0 updated, 300 unchanged" in again.err
    assert store.read_bytes() == before
    assert idlib("validate", str(store)).code == 0


def test_a_newer_export_updates_in_place(export: Path, tmp_path: Path) -> None:
    store = tmp_path / "mine.json"
    idlib("import", "acled", str(export), "--to", str(store))
    newer = tmp_path / "newer.csv"
    subprocess.run([sys.executable, str(MAKE), "300", str(newer), "--revision", "2"],
                   check=True, timeout=60)
    ran = idlib("import", "acled", str(newer), "--to", str(store))
    assert ran.code == 0 and "updated" in ran.err
    ids = [event["id"] for event in json.loads(store.read_text())["events"]]
    assert len(ids) == len(set(ids))
    keys = [event_id.split("-", 1)[1] for event_id in ids]
    assert len(keys) == len(set(keys))  # one event per dataset id, whatever its year


def test_a_malformed_row_names_its_line_and_changes_nothing(export: Path,
                                                           tmp_path: Path) -> None:
    lines = export.read_text(encoding="utf-8").splitlines(keepends=True)
    broken = tmp_path / "broken.csv"
    row = lines[5].split(",")
    row[1] = "not a date"
    broken.write_text("".join([*lines[:5], ",".join(row), *lines[6:]]), encoding="utf-8")
    store = tmp_path / "mine.json"
    refused = idlib("import", "acled", str(broken), "--to", str(store))
    assert refused.code == 1 and f"{broken}:6:" in refused.err and not store.exists()
    skipped = idlib("import", "acled", str(broken), "--to", str(store), "--skip-bad")
    assert skipped.code == 0 and "skipped 1 malformed rows (lines 6)" in skipped.err


def test_imported_events_are_queried_beside_the_curated_ones(export: Path,
                                                            tmp_path: Path) -> None:
    store = tmp_path / "mine.json"
    idlib("import", "acled", str(export), "--to", str(store))
    ran = idlib("events", "--data", str(store), "--json", "--source", "acled")
    records = json.loads(ran.out)
    assert len(records) == 300
    assert all(figure["claimed_by"] == "ACLED" for r in records for figure in r["figures"])
    assert idlib("events", "--data", str(store), "--json", "--type", "airstrike").code == 0


@pytest.mark.parametrize("args, code, phrase", [
    (["import", "gtd", "x.csv", "--to", "s.json"], 2, "choose acled or ucdp"),
    (["import", "acled", "/nonexistent.csv", "--to", "s.json"], 2, "cannot read"),
    (["import", "acled", "x.csv"], 2, "where to?"),
])
def test_bad_import_requests(args: list[str], code: int, phrase: str, tmp_path: Path) -> None:
    ran = idlib(*[str(tmp_path / a) if a.endswith((".csv", ".json")) and not a.startswith("/")
                  else a for a in args])
    assert ran.code == code and phrase in ran.err, ran
