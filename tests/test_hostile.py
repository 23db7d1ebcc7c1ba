"""The catalogue of bad input: each case ends in one clear line on stderr and its exit code.

Every case runs the real command in a subprocess, so nothing the test harness does can hide a
traceback, an "Exception ignored" message or a partial write.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import TINY

IDLIB = [sys.executable, "-m", "idlib_cli"]


def idlib(*args: str, env: dict[str, str] | None = None, stdin: Any = subprocess.DEVNULL,
          cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*IDLIB, *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})}, stdin=stdin, cwd=cwd,
                          encoding="utf-8", errors="replace")


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int,
                          phrase: str) -> None:
    assert result.returncode == code, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("idlib: error: "), lines[0]
    assert phrase.lower() in lines[0].lower(), (phrase, lines[0])
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


# --- arguments ---

ARGUMENT_CASES: list[tuple[list[str], int, str]] = [
    (["events", "--actor", ""], 2, "empty --actor"),
    (["events", "--actor", "   "], 2, "empty --actor"),
    (["events", "--actor", "narnia"], 2, "unknown actor 'narnia'"),
    (["events", "--actor", "turky"], 2, "did you mean turkey"),
    (["events", "--actor", "x" * 5000], 2, "unknown actor"),
    (["events", "--since", "2020-02-30"], 2, "not a real date"),
    (["events", "--since", "2020-13"], 2, "no month 13"),
    (["events", "--until", "2020-00"], 2, "no month 0"),
    (["events", "--since", "0000"], 2, "year out of range"),
    (["events", "--since", "12020-01-01"], 2, "cannot read date"),
    (["events", "--since", "yesterday-ish"], 2, "cannot read date"),
    (["events", "--since", "5 March"], 2, "has no year"),
    (["events", "--since", "03/05/2020"], 2, "ambiguous"),
    (["events", "--since", ""], 2, "empty date"),
    (["events", "--since", "2021", "--until", "2020"], 2, "--since is after --until"),
    (["events", "--since", "2020-03-06", "--until", "2020-03-05"], 2, "--since is after"),
    (["events", "--limit", "0"], 2, "positive"),
    (["events", "--limit", "-3"], 2, "positive"),
    (["events", "--limit", "ten"], 2, "not a valid integer"),
    (["events", "--fields", "id,nope"], 2, "unknown field 'nope'"),
    (["events", "--fields", ","], 2, "--fields is empty"),
    (["events", "--fields", "titel"], 2, "did you mean title"),
    (["events", "--type", "airstrik"], 2, "did you mean airstrike"),
    (["events", "--type", "picnic"], 2, "unknown event type"),
    (["events", "--keyword", ""], 2, "empty --keyword"),
    (["events", "--json", "--csv"], 0, ""),  # the last format flag wins, as in Click
    (["show", "no-such-event"], 1, "no event with id"),
    (["show", "2020-03-05-moscow-additional-protocl"], 1, "did you mean"),
    (["show"], 2, "missing argument"),
    (["evnts"], 2, "did you mean 'events'"),
    (["acters"], 2, "did you mean 'actors'"),
    (["events", "--acter", "turkey"], 2, "no such option"),
    (["actors", "--kind", "planet"], 2, "unknown actor kind"),
    (["events", "--data", "/no/such/file.json"], 1, "no such file"),
    (["add", "--title", "x"], 2, "give --to path"),
]


@pytest.mark.parametrize(("args", "code", "phrase"), ARGUMENT_CASES,
                         ids=[" ".join(a)[:40] for a, _, _ in ARGUMENT_CASES])
def test_bad_arguments(args: list[str], code: int, phrase: str) -> None:
    result = idlib(*args)
    if code == 0:
        assert result.returncode == 0 and result.stderr == ""
        return
    assert_one_line_error(result, code, phrase)


# --- store files ---


def _with(change: Callable[[dict[str, Any]], Any]) -> bytes:
    document = copy.deepcopy(TINY)
    change(document)
    return json.dumps(document, indent=2, ensure_ascii=False).encode()


def _cycle(document: dict[str, Any]) -> None:
    document["actors"][0]["parent"] = "turkish-armed-forces"


STORE_CASES: list[tuple[str, bytes | None, str]] = [
    ("empty", b"", "file is empty"),
    ("blank", b"  \n\n", "file is empty"),
    ("truncated", _with(lambda d: None)[:200], "invalid JSON"),
    ("list-top", b"[1, 2, 3]", "must be an object"),
    ("string-top", b'"events"', "must be an object"),
    ("latin-1", '{"schema_version": 1, "events": [], "x": "Türkiye"}'.encode("latin-1"),
     "not UTF-8"),
    ("nan", b'{"schema_version": 1, "events": [], "x": NaN}', "NaN"),
    ("infinity", b'{"schema_version": 1, "events": [], "x": -Infinity}', "Infinity"),
    ("deep", b"[" * 200000 + b"]" * 200000, "nested too deeply"),
    ("no-version", b'{"events": []}', "missing required field 'schema_version'"),
    ("version-99", b'{"schema_version": 99, "events": []}', "not supported"),
    ("no-events", b'{"schema_version": 1}', "missing required field 'events'"),
    ("events-dict", b'{"schema_version": 1, "events": {}}', "must be a list"),
    ("title-number", _with(lambda d: d["events"][0].update(title=5)), "must be a string"),
    ("figure-string", _with(lambda d: d["events"][2]["figures"][0].update(value="many")),
     "must be a number"),
    ("figure-bool", _with(lambda d: d["events"][2]["figures"][0].update(value=True)),
     "must be a number"),
    ("no-title", _with(lambda d: d["events"][0].pop("title")), "missing required field 'title'"),
    ("empty-title", _with(lambda d: d["events"][0].update(title=" ")), "must not be empty"),
    ("event-not-object", _with(lambda d: d["events"].append(7)), "must be an object"),
    ("bad-date", _with(lambda d: d["events"][0].update(date="2020-02-30")), "not a real date"),
    ("month-13", _with(lambda d: d["events"][0].update(date="2020-13")), "no month 13"),
    ("unknown-actor", _with(lambda d: d["events"][0]["actors"].append(
        {"id": "martians", "role": "attacker"})), "unknown actor 'martians'"),
    ("duplicate-id", _with(lambda d: d["events"].append(copy.deepcopy(d["events"][0]))),
     "defined in this file twice"),
    ("parent-cycle", _with(_cycle), "parent cycle"),
    ("unknown-parent", _with(lambda d: d["actors"][1].update(parent="atlantis")),
     "unknown parent"),
    ("aliases-not-list", _with(lambda d: d["actors"][0].update(aliases="Ankara")),
     "must be a list"),
    ("directory", None, "is a directory"),
]


@pytest.mark.parametrize(("name", "content", "phrase"), STORE_CASES,
                         ids=[case[0] for case in STORE_CASES])
def test_bad_store_files(tmp_path: Path, name: str, content: bytes | None, phrase: str) -> None:
    path = tmp_path / f"{name}.json"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    result = idlib("events", "--no-builtin", "--data", str(path))
    assert_one_line_error(result, 1, phrase)
    assert str(path) in result.stderr


def test_store_errors_name_the_line_and_json_path(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(_with(lambda d: d["events"][3].update(date="2020-02-30")))
    result = idlib("events", "--no-builtin", "--data", str(path))
    match = re.search(rf"{re.escape(str(path))}:(\d+) at \$\.events\[3\]\.date", result.stderr)
    assert match, result.stderr
    line = match.group(1)
    assert '"date": "2020-02-30"' in path.read_text().splitlines()[int(line) - 1]


def test_a_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + _with(lambda d: None))
    result = idlib("events", "--no-builtin", "--data", str(path), "--fields", "id")
    assert result.returncode == 0 and len(result.stdout.splitlines()) == len(TINY["events"])


def test_same_id_in_two_stores_names_both_files(tmp_path: Path, tiny_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_bytes(_with(lambda d: d.update(actors=[])))
    result = idlib("events", "--no-builtin", "--data", str(tiny_path), "--data", str(other))
    assert_one_line_error(result, 1, "is defined in both")
    assert str(tiny_path) in result.stderr and str(other) in result.stderr


# --- environment ---

ENVIRONMENT_CASES: list[tuple[str, dict[str, str], list[str]]] = [
    ("no-color", {"NO_COLOR": "1"}, ["--table"]),
    ("term-dumb", {"TERM": "dumb"}, ["--table"]),
    ("force-color-piped", {"FORCE_COLOR": "1"}, []),
    ("narrow", {"COLUMNS": "12"}, ["--table"]),
    ("lc-all-c", {"LC_ALL": "C", "LANG": "C"}, ["--table"]),
    ("ascii-out", {"PYTHONIOENCODING": "ascii"}, ["--table"]),
    ("latin1-out", {"PYTHONIOENCODING": "latin-1"}, ["--tsv"]),
    ("ascii-json", {"PYTHONIOENCODING": "ascii"}, ["--json"]),
]


@pytest.mark.parametrize(("name", "env", "args"), ENVIRONMENT_CASES,
                         ids=[case[0] for case in ENVIRONMENT_CASES])
def test_odd_environments_degrade_without_crashing(tiny_path: Path, name: str,
                                                  env: dict[str, str], args: list[str]) -> None:
    result = idlib("events", "--no-builtin", "--data", str(tiny_path), "--actor", "erdogan",
                   *args, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "\x1b" not in result.stdout  # piped: never colour, whatever FORCE_COLOR says
    if name == "narrow":  # folded to fit 12 columns, nothing dropped
        assert all(len(line) <= 12 for line in result.stdout.splitlines())
        assert "Moscow" in result.stdout and "protocol" in result.stdout
    else:
        assert "Moscow protocol" in result.stdout


def test_closed_stdin_is_harmless(tiny_path: Path) -> None:
    shell = f"{' '.join(IDLIB)} events --no-builtin --data {tiny_path} --fields id 0<&-"
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and len(done.stdout.splitlines()) == len(TINY["events"])


def test_add_with_closed_stdin_asks_for_flags_instead_of_prompting(tmp_path: Path) -> None:
    shell = f"{' '.join(IDLIB)} add --to {tmp_path / 'n.json'} --title x 0<&-"
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "missing --date" in done.stderr
    assert not (tmp_path / "n.json").exists()


# --- output into closed pipes ---

PIPE_CASES = [(fmt, reader) for fmt in ("", "--table", "--json", "--jsonl", "--csv", "--tsv")
              for reader in ("head -1", "head -c 10")]


@pytest.mark.parametrize(("fmt", "reader"), PIPE_CASES)
def test_closed_pipes_are_quiet(fmt: str, reader: str) -> None:
    for command in (f"events {fmt}", f"actors {fmt}", "show 2020-03-05-moscow-additional-protocol"):
        shell = f"{' '.join(IDLIB)} {command} | {reader} >/dev/null"
        done = subprocess.run(["bash", "-o", "pipefail", "-c", shell], capture_output=True,
                              text=True, timeout=60)
        assert done.stderr == "", (command, reader, done.stderr)


def test_debug_shows_the_traceback() -> None:
    result = idlib("--debug", "events", "--actor", "narnia")
    assert "Traceback" in result.stderr and result.returncode != 0


# --- inert text ---

EVIL = ("[bold red]loud[/] [link=https://evil.example]click[/link] \x1b[31mred\x1b[0m "
        "\x1b]8;;https://evil.example\x07osc\x1b]8;;\x07 \u202eesrever\u202c \x07bell \x9bcsi")


def _evil_store(tmp_path: Path) -> Path:
    document = copy.deepcopy(TINY)
    document["events"][0]["title"] = EVIL
    document["events"][0]["summary"] = EVIL
    document["events"][0]["sources"][0]["url"] = "javascript:alert(1)"
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize("args", [["events"], ["events", "--table"], ["events", "--json"],
                                  ["events", "--jsonl"], ["events", "--csv"],
                                  ["events", "--tsv"], ["events", "--fields", "title,summary"],
                                  ["show", "2019-spring-escalation"],
                                  ["show", "2019-spring-escalation", "--json"]])
def test_store_text_is_never_obeyed(tmp_path: Path, args: list[str]) -> None:
    path = _evil_store(tmp_path)
    for env in ({}, {"FORCE_COLOR": "1", "COLUMNS": "200"}):
        result = idlib(*args, "--no-builtin", "--data", str(path), env=env)
        assert result.returncode == 0, result.stderr
        raw = result.stdout
        assert "\x07" not in raw and "\x9b" not in raw and "\u202e" not in raw
        assert "\x1b]8;;https://evil" not in raw  # no hyperlink smuggled in
        assert "\x1b[31mred" not in raw  # the store's own colour code is not passed through
        if "--json" in args or "--jsonl" in args:
            first = json.loads(raw.splitlines()[1 if args[-1] == "--json" and
                                                 args[0] == "events" else 0].rstrip(","))
            assert first["title"] == EVIL  # escaped losslessly, not altered


def test_on_a_terminal_markup_stays_literal_and_only_http_links(tmp_path: Path) -> None:
    assert Path("/usr/bin/script").exists(), "script(1) is missing: run tests/install-tools.sh"
    path = _evil_store(tmp_path)
    command = f"{' '.join(IDLIB)} show 2019-spring-escalation --no-builtin --data {path}"
    done = subprocess.run(["script", "-qec", command, "/dev/null"], capture_output=True,
                          text=True, timeout=60, env={**os.environ, "COLUMNS": "200"})
    assert "[bold red]loud[/]" in done.stdout
    assert "\x1b]8;;javascript" not in done.stdout and "\x1b]8;;https://evil" not in done.stdout
    assert "\x07bell" not in done.stdout
