"""The edges the hostile-input catalogue found: each case here failed before its fix."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import TINY, idlib, write_store

IDLIB = str(Path(sys.executable).with_name("idlib"))


@pytest.mark.parametrize("args", [
    ["events", "--until", "9999-12-31"], ["events", "--until", "9999"],
    ["events", "--since", "9999-12"], ["events", "--limit", str(10**30)],
    ["events", *[arg for _ in range(1000) for arg in ("-k", "a")]],
])
@pytest.mark.parametrize("engine", ["index", "memory"])
def test_extremes_are_answered_not_crashed_on(args: list[str], engine: str) -> None:
    ran = idlib(*args, env={"IDLIB_ENGINE": engine})
    assert ran.code == 0, ran.err
    assert "internal error" not in ran.err


@pytest.mark.parametrize("args, phrase", [
    (["events", "--since"], "see 'idlib events --help'"),
    (["events", "--sinse", "2020"], "Did you mean '--since'?"),
    (["events", "--since", "March 5 2020 10pm PST"], "cannot read date"),
    (["events", "--limit", "²"], "not a valid integer"),
    (["events", "--within", "5"], "--within needs --near"),
    (["events", "--near", "saraqib", "--within", "-3"], "0 km or more"),
    (["events", "--near", "35.8,", "--within", "3"], "not LAT,LON"),
    (["events", "--near", "95,36"], "latitude must be within"),
    (["events", "--place", "narnia"], "unknown place 'narnia'"),
    (["events", "--role", "hostage"], "unknown role"),
    (["events", "--tag", "astana-rnd"], "did you mean astana-round"),
    (["events", "--lineage"], "--lineage widens --actor"),
])
def test_bad_input_is_one_clear_line_and_exit_2(args: list[str], phrase: str) -> None:
    ran = idlib(*args)
    assert ran.code == 2, ran
    assert phrase in ran.err
    assert ran.err.count("\n") == 1 and ran.err.startswith("idlib: error: ")


def test_a_path_with_a_newline_cannot_forge_a_second_error_line(tmp_path: Path) -> None:
    ran = idlib("events", "--data", str(tmp_path / "a\nidlib: error: forged.json"))
    assert ran.code == 1 and ran.err.count("\n") == 1


def test_idlib_debug_zero_means_off() -> None:
    ran = idlib("events", "--actor", "narnia", env={"IDLIB_DEBUG": "0"})
    assert ran.code == 2 and "Traceback" not in ran.err


def test_version_counts_only_the_curated_store(tiny_path: Path) -> None:
    alone = idlib("--version").out
    assert idlib("--version", env={"IDLIB_DATA": str(tiny_path)}).out == alone


def test_an_alias_with_invisible_characters_is_found_by_its_plain_spelling(
        tmp_path: Path) -> None:
    document = json.loads(json.dumps(TINY))
    document["actors"][0]["aliases"].append("Tür\u00adki\u200bye\u0640")
    path = write_store(tmp_path / "s.json", document)
    assert idlib("events", "--no-builtin", "--data", str(path), "-a", "Turkiye",
                 "--fields", "id").code == 0


@pytest.mark.parametrize("number", ["1e999", "-1e999", "NaN", "Infinity"])
def test_no_command_accepts_or_writes_a_number_that_is_not_finite(tmp_path: Path,
                                                                  number: str) -> None:
    event = {"date": "2020-03-05", "title": "T", "summary": "S", "type": "talks",
             "actors": [{"id": "turkey", "role": "participant"}],
             "sources": [{"url": "https://example.org/x", "publisher": "P"}],
             "figures": [{"label": "killed", "value": "VALUE", "claimed_by": "X",
                          "source_url": "https://example.org/x"}]}
    text = json.dumps(event).replace('"VALUE"', number)
    target = tmp_path / "s.json"
    added = idlib("add", "--to", str(target), "--from-json", "-", stdin=text)
    assert added.code == 2 and not target.exists()
    store = tmp_path / "hand.json"
    store.write_text('{"schema_version": 1, "events": [' + text.replace(
        '"date"', '"id": "2020-03-05-t", "date"') + "]}", encoding="utf-8")
    assert idlib("validate", str(store)).code == 1
    assert idlib("events", "--data", str(store), "--json").code == 1


def test_add_writes_through_a_symlink_and_locks_the_real_file(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    real = shared / "team.json"
    link = tmp_path / "link.json"
    link.symlink_to(real)
    ran = idlib("add", "--to", str(link), "--date", "2020-03-05", "--title", "Via link",
                "--summary", "S", "--type", "talks", "--actor", "turkey", "--source",
                "https://example.org/x", "--publisher", "P")
    assert ran.code == 0, ran.err
    assert link.is_symlink()
    assert json.loads(real.read_text())["events"][0]["title"] == "Via link"
    assert (shared / "team.json.lock").exists()


def test_add_finds_actors_defined_in_the_target_store(tmp_path: Path) -> None:
    target = write_store(tmp_path / "mine.json", {
        "schema_version": 1, "actors": [{"id": "my-militia", "name": "My militia",
                                         "kind": "armed-group"}], "events": []})
    ran = idlib("add", "--to", str(target), "--date", "March 2020", "--title", "Own actor",
                "--summary", "S", "--type", "clash", "--actor", "my-militia:belligerent",
                "--source", "https://example.org/x", "--publisher", "P")
    assert ran.code == 0, ran.err
    stored = json.loads(target.read_text())["events"][0]
    assert (stored["date"], stored["actors"]) == ("2020-03", [{"id": "my-militia",
                                                                "role": "belligerent"}])


def test_dry_run_and_a_real_add_refuse_alike(tmp_path: Path) -> None:
    flags = ["--date", "2020-03-05", "--title", "T", "--summary", "S", "--type", "talks",
             "--actor", "turkey", "--source", "ftp://example.org/x", "--publisher", "P"]
    dry = idlib("add", "--to", str(tmp_path / "a.json"), *flags, "--dry-run")
    real = idlib("add", "--to", str(tmp_path / "a.json"), *flags)
    assert dry.code == real.code == 1
    assert not (tmp_path / "a.json").exists()


def test_a_private_store_gets_a_private_cache(tmp_path: Path) -> None:
    store = write_store(tmp_path / "s.json", TINY)
    store.chmod(0o600)
    cache = tmp_path / "cache"
    ran = idlib("events", "--no-builtin", "--data", str(store),
                env={"IDLIB_CACHE_DIR": str(cache), "IDLIB_ENGINE": "index"})
    assert ran.code == 0
    assert cache.stat().st_mode & 0o777 == 0o700
    for item in cache.iterdir():
        if item.is_file() and not item.name.endswith(".lock"):
            assert item.stat().st_mode & 0o077 == 0, item


def test_a_double_slash_cache_dir_reuses_its_index(tmp_path: Path) -> None:
    store = write_store(tmp_path / "s.json", TINY)
    cache = "/" + str(tmp_path / "cache")
    env = {"IDLIB_CACHE_DIR": cache, "IDLIB_ENGINE": "index"}
    idlib("events", "--no-builtin", "--data", str(store), env=env)
    before = sorted(p.stat().st_mtime_ns for p in (tmp_path / "cache").iterdir())
    idlib("events", "--no-builtin", "--data", str(store), env=env)
    assert sorted(p.stat().st_mtime_ns for p in (tmp_path / "cache").iterdir()) == before


def test_concurrent_first_queries_all_succeed(tmp_path: Path) -> None:
    store = write_store(tmp_path / "s.json", TINY)
    env = {**os.environ, "IDLIB_CACHE_DIR": str(tmp_path / "cache"), "IDLIB_ENGINE": "index"}
    runs = [subprocess.Popen([IDLIB, "events", "--no-builtin", "--data", str(store), "--json"],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(6)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0] * 6, [err for _, err in outputs]
    assert len({out for out, _ in outputs}) == 1
    leftovers = [p.name for p in (tmp_path / "cache").iterdir() if ".tmp" in p.name]
    assert leftovers == []
    assert len(list((tmp_path / "cache").glob("*.records"))) == 1


@pytest.mark.parametrize("where", ["/dev/full", "closed"])
def test_environment_failures_are_named_not_reported_as_bugs(where: str) -> None:
    command = f"{IDLIB} events --json " + (">/dev/full" if where == "/dev/full" else ">&-")
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.startswith("idlib: error: ") and "internal" not in done.stderr
    assert done.stderr.count("\n") == 1


def test_a_device_that_never_ends_is_refused_quickly() -> None:
    ran = idlib("events", "--data", "/dev/zero")
    assert ran.code == 1 and "no end in sight" in ran.err


def test_a_store_name_that_is_not_utf8_works(tmp_path: Path) -> None:
    name = os.fsdecode(bytes(tmp_path) + b"/caf\xe9.json")
    Path(name).write_text(json.dumps(TINY), encoding="utf-8")
    ran = idlib("events", "--no-builtin", "--data", name, "--fields", "id")
    assert ran.code == 0 and "2020-03-05-moscow" in ran.out


def test_validate_reports_every_problem_of_an_event_in_one_run(tmp_path: Path) -> None:
    broken = {"schema_version": 1, "events": [{
        "id": "x", "date": "2020-13", "title": 5, "summary": "", "type": "talks",
        "actors": [{"id": 1, "role": "host"}], "sources": [{"url": "https://a.org"}],
        "figures": [{"value": "x", "label": "l", "claimed_by": "c",
                     "source_url": "https://a.org"}]}]}
    path = write_store(tmp_path / "seven.json", broken)
    ran = idlib("validate", str(path), "--json")
    assert ran.code == 1
    paths = {problem["path"] for problem in json.loads(ran.out)}
    assert paths >= {"$.events[0].date", "$.events[0].title", "$.events[0].summary",
                     "$.events[0].actors[0].id", "$.events[0].sources[0]",
                     "$.events[0].figures[0].value"}


def test_add_says_when_a_store_borrows_actors_it_does_not_define(tmp_path: Path) -> None:
    target = tmp_path / "notes.json"
    ran = idlib("add", "--to", str(target), "--date", "2020-03-05", "--title", "T",
                "--summary", "S", "--type", "talks", "--actor", "turkey", "--source",
                "https://example.org/x", "--publisher", "P")
    assert ran.code == 0
    assert "names actors it doesn't define (turkey)" in ran.err and "--no-builtin" in ran.err
