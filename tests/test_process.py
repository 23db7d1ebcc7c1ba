"""The installed command as a real process: pipes, terminals, exit codes, stderr."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

IDLIB = [sys.executable, "-m", "idlib_cli"]


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
        **kw: object) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([*IDLIB, *args], capture_output=True, text=True, env=full_env,
                          cwd=cwd, timeout=60, **kw)  # type: ignore[call-overload, no-any-return]


def test_piped_output_has_no_escape_codes_or_boxes(tiny_path: Path) -> None:
    result = run("events", "--no-builtin", "--data", str(tiny_path))
    assert result.returncode == 0 and result.stderr == ""
    assert "\x1b" not in result.stdout
    assert not set("─│┃━┏") & set(result.stdout)
    assert len(result.stdout.splitlines()) == 6


def test_closed_pipe_is_quiet(tmp_path: Path) -> None:
    """`idlib events | head -1` on the real store: nothing on stderr."""
    for fmt in ("", "--json", "--jsonl", "--csv", "--tsv", "--table"):
        shell = f"{sys.executable} -m idlib_cli events {fmt} | head -c 10"
        done = subprocess.run(["bash", "-o", "pipefail", "-c", shell], capture_output=True,
                              text=True, timeout=60)
        assert done.stderr == "", (fmt, done.stderr)


def test_bad_input_is_one_line_on_stderr_and_exit_2() -> None:
    for args in (["events", "--since", "2020-13"], ["events", "--actor", "nobody-at-all"],
                 ["events", "--since", "2021", "--until", "2020"], ["evnts"]):
        result = run(*args)
        assert result.returncode == 2, args
        assert result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr


def test_unknown_event_exits_1() -> None:
    result = run("show", "no-such-event")
    assert result.returncode == 1 and "no event with id" in result.stderr


def test_terminal_gets_a_table(tiny_path: Path) -> None:
    assert shutil.which("script"), "util-linux's script is missing: run tests/install-tools.sh"
    command = " ".join([*IDLIB, "events", "--no-builtin", "--data", str(tiny_path)])
    done = subprocess.run(["script", "-qec", command, "/dev/null"], capture_output=True,
                          text=True, timeout=60, env={**os.environ, "COLUMNS": "120"})
    assert done.returncode == 0
    assert "Title" in done.stdout and "Moscow protocol" in done.stdout
    assert "\t" not in done.stdout


def test_jq_reads_json(tiny_path: Path) -> None:
    assert shutil.which("jq"), "jq is missing: run tests/install-tools.sh"
    shell = (f"{sys.executable} -m idlib_cli events --no-builtin --data {tiny_path} "
             "--keyword ceasefire --json | jq -r '.[].title'")
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=60)
    assert done.stdout == "Moscow protocol\n"


def test_ascii_terminal_degrades_without_crashing(tiny_path: Path) -> None:
    result = run("events", "--no-builtin", "--data", str(tiny_path), "--actor", "erdogan",
                 "--fields", "actors,title", "--table",
                 env={"PYTHONIOENCODING": "ascii", "LC_ALL": "C"})
    assert result.returncode == 0, result.stderr
    json_result = run("events", "--no-builtin", "--data", str(tiny_path), "--json",
                      env={"PYTHONIOENCODING": "ascii"})
    assert json.loads(json_result.stdout)[3]["actors"][0]["name"] == "Recep Tayyip Erdoğan"


@pytest.mark.parametrize("argv", [
    ["--json"], ["--jsonl"], ["--csv"], ["--json", "--reverse", "--limit", "7"],
    ["--actor", "turkey", "--json"], ["--keyword", "ceasefire", "--jsonl"],
    ["--actor", "russia", "--since", "2020-02", "--until", "2020-03", "--keyword", "idlib",
     "--json"],
    ["--keyword", "zzzz-nothing", "--json"],
])
def test_both_engines_print_the_same_bytes(argv: list[str]) -> None:
    """The whole command, not just the engines: same stdout whichever engine answers."""
    index = run("events", *argv, env={"IDLIB_ENGINE": "index"})
    memory = run("events", *argv, env={"IDLIB_ENGINE": "memory"})
    assert index.returncode == memory.returncode == 0
    assert index.stderr == memory.stderr == ""
    assert index.stdout == memory.stdout
    if "--json" in argv:
        json.loads(index.stdout)
