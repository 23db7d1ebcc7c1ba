"""`idlib add`: validation before writing, stable formatting, atomic and serialised writes."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import TINY, src, write_store
from idlib_cli.cli import cli
from idlib_cli.errors import UsageError
from idlib_cli.parse import load_file
from idlib_cli.store import builtin_store_path
from idlib_cli.writer import AddRefused, add_event, default_id, render_store

FLAGS = ["--date", "2020-03-05", "--title", "Talks in Moscow", "--summary", "They met.",
         "--type", "talks", "--actor", "Ankara", "--actor", "russia:host",
         "--source", "https://example.org/r", "--publisher", "Example", "--source-title", "R"]


def new_event(event_id: str, day: str = "2020-03-05") -> dict[str, Any]:
    return {"id": event_id, "date": day, "title": f"Event {event_id}", "summary": "Text.",
            "type": "talks", "actors": [{"id": "turkey", "role": "participant"}],
            "sources": [src()], "figures": [], "tags": []}


def test_add_by_flags_creates_the_store(tmp_path: Path, tiny_path: Path) -> None:
    target = tmp_path / "notes.json"
    result = CliRunner().invoke(cli, ["add", "--to", str(target), *FLAGS, "--no-builtin",
                                      "--data", str(tiny_path)])
    assert result.exit_code == 0, result.output
    stored = json.loads(target.read_text())["events"]
    assert stored[0]["id"] == "2020-03-05-talks-in-moscow"
    assert stored[0]["actors"] == [{"id": "turkey", "role": "participant"},
                                   {"id": "russia", "role": "host"}]


def test_added_event_is_found_by_queries(tmp_path: Path) -> None:
    target = tmp_path / "notes.json"
    CliRunner().invoke(cli, ["add", "--to", str(target), *FLAGS])
    result = CliRunner().invoke(cli, ["events", "--keyword", "talks in moscow", "--fields", "id"],
                                env={"IDLIB_DATA": str(target)})
    assert result.output == "2020-03-05-talks-in-moscow\n"


def test_formatting_is_stable_and_chronological(tmp_path: Path) -> None:
    target = write_store(tmp_path / "n.json", {"schema_version": 1, "actors": TINY["actors"],
                                               "events": []})
    add_event(target, new_event("2021-01-01-b", "2021-01-01"))
    add_event(target, new_event("2020-01-01-a", "2020-01-01"))
    text = target.read_text(encoding="utf-8")
    document = json.loads(text)
    assert [e["id"] for e in document["events"]] == ["2020-01-01-a", "2021-01-01-b"]
    assert text == render_store(document)  # 2-space indent, unescaped UTF-8, final newline
    assert text.endswith("}\n") and "\n  \"events\"" in text


def test_invalid_event_leaves_the_file_byte_for_byte(tmp_path: Path) -> None:
    target = write_store(tmp_path / "n.json", TINY)
    before = target.read_bytes()
    bad = new_event("2020-01-01-bad") | {"type": "picnic"}
    with pytest.raises(AddRefused, match="unknown type 'picnic'"):
        add_event(target, bad)
    assert target.read_bytes() == before
    assert not list(tmp_path.glob(".n.json.*.tmp"))


def test_duplicate_id_is_refused(tmp_path: Path) -> None:
    target = write_store(tmp_path / "n.json", TINY)
    with pytest.raises(AddRefused, match="duplicate event id"):
        add_event(target, new_event(TINY["events"][0]["id"]))


def test_builtin_store_is_never_written() -> None:
    before = Path(builtin_store_path()).read_bytes()
    with pytest.raises(UsageError, match="read-only"):
        add_event(Path(builtin_store_path()), new_event("2020-01-01-x"))
    assert Path(builtin_store_path()).read_bytes() == before


def test_prompts_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "n.json"
    monkeypatch.setattr("idlib_cli.commands.add._stdin_is_terminal", lambda: True)
    answers = "\n".join(["March 2020", "Prompted", "Typed in.", "tolks", "talks",
                         "turkey, russia:host", "not a url", "https://example.org/p",
                         "Example", "Page", ""])
    result = CliRunner().invoke(cli, ["add", "--to", str(target)], input=answers + "\n")
    assert result.exit_code == 0, result.output
    assert "did you mean talks" in result.output  # said at the type prompt, then asked again
    event = json.loads(target.read_text())["events"][0]
    assert (event["date"], event["title"], event["actors"][1]) == \
        ("2020-03", "Prompted", {"id": "russia", "role": "host"})
    assert event["sources"][0]["url"] == "https://example.org/p"


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "n.json"
    result = CliRunner().invoke(cli, ["add", "--to", str(target), *FLAGS, "--dry-run"])
    assert result.exit_code == 0 and '"title": "Talks in Moscow"' in result.output
    assert not target.exists()


def test_default_id_follows_the_date_precision() -> None:
    assert default_id("2019-21", "Spring clashes!") == "2019-03-spring-clashes"
    assert default_id("2020-02", "Talks") == "2020-02-talks"
    assert default_id("2020-03-05", "Erdoğan in Moscow") == "2020-03-05-erdogan-in-moscow"


WRITER = """
import sys
from datetime import date, timedelta
from idlib_cli.writer import add_event
path, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for n in range(first, first + count):
    day = (date(2020, 1, 1) + timedelta(days=n)).isoformat()
    add_event(__import__("pathlib").Path(path), {
        "id": f"{day}-n{n}", "date": day, "title": f"Event {n}",
        "summary": "x" * 200, "type": "talks",
        "actors": [{"id": "turkey", "role": "participant"}],
        "sources": [{"url": "https://example.org/a", "publisher": "E", "title": "T"}]})
"""


def _big_store(path: Path, size: int) -> Path:
    days = [(date(2000, 1, 1) + timedelta(days=i)).isoformat() for i in range(size)]
    events = [{**new_event(f"{day}-e{i}", day), "summary": "y" * 300}
              for i, day in enumerate(days)]
    return write_store(path, {"schema_version": 1, "actors": TINY["actors"], "events": events})


def test_sigkill_at_random_moments_never_leaves_a_broken_file(tmp_path: Path) -> None:
    """Many writers killed mid-flight: the file is always the old or a new valid version."""
    target = _big_store(tmp_path / "big.json", 1500)
    rng = random.Random(20200305)
    counts = [len(load_file(target).events)]
    for round_number in range(25):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(target),
                                   str(round_number * 100), "100"])
        time.sleep(rng.uniform(0.15, 0.6))
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        store = load_file(target)  # raises if the file were half-written
        assert len(store.events) >= counts[-1]
        counts.append(len(store.events))
    assert counts[-1] > counts[0], "no writer ever got through: the test proved nothing"


def test_concurrent_writers_are_serialised(tmp_path: Path) -> None:
    target = _big_store(tmp_path / "shared.json", 200)
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(target), str(n * 10), "10"])
               for n in range(4)]
    assert all(w.wait(timeout=120) == 0 for w in writers)
    ids = {event.id.rpartition("-")[2] for event in load_file(target).events}
    assert {f"n{n}" for n in range(40)} <= ids


def test_file_mode_is_kept(tmp_path: Path) -> None:
    target = write_store(tmp_path / "n.json", TINY)
    os.chmod(target, 0o640)
    add_event(target, new_event("2021-02-02-x", "2021-02-02"))
    assert target.stat().st_mode & 0o777 == 0o640
