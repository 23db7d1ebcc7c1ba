"""The Click-free fast path: the same options as the Click commands, the same answers."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from idlib_cli.cli import cli, click_command
from idlib_cli.commands import NAMES, load
from idlib_cli.fastpath import plan
from idlib_cli.filters import FILTERS


def _click_options(command: click.Command) -> dict[str, tuple[str, str | None]]:
    found: dict[str, tuple[str, str | None]] = {}
    for param in command.params:
        if not isinstance(param, click.Option) or param.name == "help":
            continue
        if param.is_flag:
            kind = "flag" if param.is_bool_flag else "const"
        elif param.multiple:
            kind = "multi"
        else:
            kind = "int" if param.type is click.INT else "value"
        for name in (*param.opts, *param.secondary_opts):
            found[name] = (kind, param.name)
    return found


@pytest.mark.parametrize("name", NAMES)
def test_both_parsers_come_from_one_spec(name: str) -> None:
    """Click's options are built from the command's spec, flag for flag, kind for kind."""
    spec = load(name)
    ours = {flag: (opt.kind, opt.dest) for opt in spec.options for flag in opt.flags}
    assert _click_options(click_command(spec)) == ours


def test_every_filter_reaches_every_listing_command() -> None:
    flags = {flag for entry in FILTERS for opt in entry.options for flag in opt.flags}
    spec = load("events")
    assert flags <= {flag for opt in spec.options for flag in opt.flags}


ARGVS = [
    ["events"],
    ["events", "--actor", "Ankara", "--since", "2020-02", "--until", "2020-03"],
    ["events", "-a", "turkey", "-a", "russia", "--json"],
    ["events", "--keyword", "ceasefire", "--jsonl"],
    ["events", "-k", "erdogan", "--fields", "id,date", "--csv"],
    ["events", "--type", "talks,summit", "-n", "3", "-r", "--tsv", "--no-headers"],
    ["events", "--tag", "sochi", "--source", "tass", "--fields", "id"],
    ["events", "-a", "russia:guarantor", "--lineage", "--json"],
    ["types", "--json"], ["tags"], ["eras", "--csv"], ["places", "--json"],
    ["show", "2020-03-05-moscow", "2020-02-27-balyun-airstrike"],
    ["events", "--since=2019", "--until=2019-06", "--json", "--fields=id,start,end"],
    ["actors"],
    ["actors", "--kind", "state", "--json"],
    ["show", "2020-03-05-moscow-additional-protocol"],
    ["show", "2020-02-27-balyun-airstrike", "--json"],
]


@pytest.mark.parametrize("argv", ARGVS, ids=[" ".join(a) for a in ARGVS])
def test_fast_path_prints_what_click_prints(argv: list[str]) -> None:
    action = plan(argv)
    assert action is not None, "this argv should take the fast path"
    captured = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")  # like a UTF-8 pipe
    with contextlib.redirect_stdout(captured):
        action()
    captured.flush()
    by_click = CliRunner().invoke(cli, argv)
    assert by_click.exit_code == 0
    assert captured.buffer.getvalue().decode("utf-8") == by_click.output  # type: ignore[attr-defined]


@pytest.mark.parametrize("argv", [
    ["events", "--help"], ["events", "-h"], ["events", "--acter", "x"], ["events", "--limit", "x"],
    ["events", "--since", "--json"], ["show"], ["validate"], ["add"], ["events", "-n", "²"],
    ["events", "-rn3"], ["--version"], [],
])
def test_anything_unusual_goes_to_click(argv: list[str]) -> None:
    assert plan(argv) is None


def test_the_fast_path_imports_neither_click_nor_rich(tmp_path: Path) -> None:
    probe = ("import sys; from idlib_cli.main import run; run(['events', '--json'], False); "
             "sys.stdout.flush(); "
             "sys.stderr.write(' '.join(m for m in ('click', 'rich', 'dateutil', 'dataclasses') "
             "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)
    assert done.returncode == 0
    assert done.stderr == ""
