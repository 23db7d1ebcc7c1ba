"""Shell completion loaded into a real bash, and the man page rendered by man(1)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import idlib

IDLIB = str(Path(sys.executable).with_name("idlib"))


def complete(words: str, tmp_path: Path) -> list[str]:
    """What bash offers after typing `words` (the last word is the one being completed)."""
    script = idlib("completion", "bash").out
    probe = tmp_path / "probe.sh"
    probe.write_text(script + f"""
COMP_WORDS=({words})
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
[[ "{words}" == *" " ]] && COMP_WORDS+=("") && COMP_CWORD=${{#COMP_WORDS[@]}}-1
_idlib_completion idlib
printf '%s\\n' "${{COMPREPLY[@]}}"
""", encoding="utf-8")
    env = {**os.environ, "PATH": f"{Path(IDLIB).parent}:{os.environ['PATH']}"}
    done = subprocess.run(["bash", str(probe)], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_completion_offers_commands(tmp_path: Path) -> None:
    assert "events" in complete("idlib ev", tmp_path)
    assert {"timeline", "tags", "types"} & set(complete("idlib t", tmp_path))


def test_completion_offers_options_and_their_values(tmp_path: Path) -> None:
    assert "--actor" in complete("idlib events --ac", tmp_path)
    assert "turkey" in complete("idlib events --actor tur", tmp_path)
    assert "astana-round" in complete("idlib events --tag astana-r", tmp_path)
    assert "saraqib" in complete("idlib events --place sara", tmp_path)
    assert "talks" in complete("idlib events --type tal", tmp_path)
    assert "2020-03-05-moscow-additional-protocol" in complete("idlib show 2020-03-05-mos",
                                                               tmp_path)
    assert "title" in complete("idlib events --fields ti", tmp_path)


def test_completion_script_for_every_shell() -> None:
    for shell in ("bash", "zsh", "fish"):
        ran = idlib("completion", shell)
        assert ran.code == 0 and "_IDLIB_COMPLETE" in ran.out
    wrong = idlib("completion", "tcsh")
    assert wrong.code == 2 and "choose bash, zsh, fish" in wrong.err


def test_the_man_page_renders_without_warnings(tmp_path: Path) -> None:
    assert shutil.which("man"), "man is missing: run tests/install-tools.sh"
    page = tmp_path / "idlib.1"
    page.write_text(idlib("man").out, encoding="utf-8")
    done = subprocess.run(["man", "--warnings", "-l", str(page)], capture_output=True,
                          text=True, env={**os.environ, "MANWIDTH": "80", "MANPAGER": "cat"},
                          timeout=60)
    assert done.returncode == 0
    assert done.stderr == ""
    for flag in ("--actor", "--near", "--keyword", "--no-builtin", "IDLIB_DATA"):
        assert flag in done.stdout


@pytest.mark.parametrize("flag", ["--actor", "--since", "--place", "--tag", "--fields"])
def test_help_and_man_come_from_one_spec(flag: str) -> None:
    assert flag in idlib("events", "--help").out
    assert flag.replace("-", "\\-") in idlib("man").out
