"""What only a terminal shows, checked in a real one: the installed `idlib` in a tmux pane of
100x30 (a private tmux server, HOME and cache per test), read back with `capture-pane`.

The pager (`less -FRX` by default) shows the first screen of a long listing and waits; `q`
ends it and the count follows on stderr; `--no-pager` and `IDLIB_PAGER=cat` print everything;
short and piped output is never paged; bash completion offers actor names.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import idlib

IDLIB = Path(sys.executable).with_name("idlib")
WIDTH, HEIGHT = 100, 30
PROMPT = "idlib-test$ "
NOTE = "(id hidden at this width: widen the terminal, or pipe, or use --fields)"


def _built_in() -> tuple[int, str]:
    """How many events the built-in store holds, and the first words of the oldest title."""
    titles = idlib("events", "--fields", "title").out.splitlines()
    return len(titles), " ".join(titles[0].split()[:2])


TOTAL, FIRST_TITLE = _built_in()  # 485, "Jisr al-Shughur:" today


class Pane:
    """A bash in a tmux pane of its own server, with a private HOME and idlib cache."""

    def __init__(self, home: Path, env: dict[str, str]) -> None:
        self.socket = home / "tmux.sock"
        config = home / "tmux.conf"
        config.write_text("set -g history-limit 50000\nset -g status off\n", encoding="utf-8")
        environment = {"HOME": str(home), "TERM": "xterm-256color", "LANG": "C.UTF-8",
                       "PS1": PROMPT, "HISTFILE": "", "IDLIB_CACHE_DIR": str(home / "cache"),
                       "PATH": f"{IDLIB.parent}:/usr/local/bin:/usr/bin:/bin", **env}
        shell = "env -i " + " ".join(f"{name}={shlex.quote(value)}"
                                     for name, value in environment.items())
        self.tmux("-f", str(config), "new-session", "-d", "-x", str(WIDTH), "-y", str(HEIGHT),
                  "-s", "t", f"{shell} bash --norc --noprofile")
        self.wait_for(lambda screen: screen.rstrip().endswith(PROMPT.rstrip()), "the prompt")
        self.shell = int(self.tmux("display-message", "-p", "-t", "t", "#{pane_pid}"))

    def tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-u", "-S", str(self.socket), *args],
                              capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def type(self, text: str, *keys: str) -> None:
        self.tmux("send-keys", "-t", "t", "-l", text)
        if keys:
            self.tmux("send-keys", "-t", "t", *keys)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "t", *keys)

    def run(self, command: str) -> None:
        self.type(command, "Enter")

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "t")

    def everything(self) -> str:
        """The scrollback and the screen."""
        return self.tmux("capture-pane", "-p", "-t", "t", "-S", "-")

    def programs(self) -> list[str]:
        """The programs the pane's shell is running (its descendants, read from /proc):
        `idlib`'s Python and `less` while paging, nothing at the prompt."""
        children: dict[int, list[tuple[int, str]]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue  # ended while we looked
            name = text[text.index("(") + 1:text.rindex(")")]
            ppid = int(text[text.rindex(")") + 2:].split()[1])
            children.setdefault(ppid, []).append((int(stat.parent.name), name))
        found, todo = [], [self.shell]
        while todo:
            for pid, name in children.get(todo.pop(), []):
                found.append(name)
                todo.append(pid)
        return found

    def wait_for(self, ready: Callable[[str], bool], what: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if ready(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} after {timeout} s; the screen:\n{screen}")
            time.sleep(0.05)

    def wait_for_prompt(self) -> str:
        """The screen, without the blank lines below the prompt, once the shell is back."""
        return self.wait_for(lambda screen: screen.rstrip().endswith(PROMPT.rstrip()) and
                             not self.programs(), "prompt").rstrip()

    def wait_for_pager(self) -> str:
        return self.wait_for(lambda screen: screen.rstrip().endswith("\n:") and
                             "less" in self.programs(), "pager prompt")

    def close(self) -> None:
        """Kill the server, and wait (a little) for the pane's shell to be gone."""
        subprocess.run(["tmux", "-S", str(self.socket), "kill-server"], capture_output=True,
                       timeout=30)
        deadline = time.monotonic() + 5
        while Path(f"/proc/{self.shell}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)


@pytest.fixture
def open_pane() -> Iterator[Callable[..., Pane]]:
    """Panes on private servers (a short socket path: a unix socket's is limited to ~100
    bytes), all killed at the end, whatever happened."""
    assert shutil.which("tmux") and shutil.which("less"), \
        "tmux or less is missing: run tests/install-tools.sh"
    assert IDLIB.exists(), f"no idlib beside {sys.executable}"
    panes: list[Pane] = []
    homes: list[str] = []

    def start(**env: str) -> Pane:
        homes.append(tempfile.mkdtemp(prefix="idlib-tmux-"))
        panes.append(Pane(Path(homes[-1]), env))
        return panes[-1]

    yield start
    for pane in panes:
        pane.close()
    for home in homes:
        shutil.rmtree(home, ignore_errors=True)


def plain_table(*args: str) -> list[str]:
    """The lines of the uncoloured table at the pane's width, as a pipe gets it with --table."""
    done = subprocess.run([str(IDLIB), "events", "--table", *args], capture_output=True,
                          text=True, timeout=60,
                          env={"COLUMNS": str(WIDTH), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
                               "IDLIB_CACHE_DIR": os.environ["IDLIB_CACHE_DIR"]})  # conftest's
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_a_long_listing_waits_in_the_pager_until_q(open_pane: Callable[..., Pane]) -> None:
    pane = open_pane()
    pane.run("idlib events")
    screen = pane.wait_for_pager()
    lines = screen.splitlines()
    assert len(lines) == HEIGHT and lines[0].startswith("Date ") and "Title" in lines[0]
    assert FIRST_TITLE in screen
    assert f"{TOTAL} events" not in screen  # the count waits for the pager to end
    time.sleep(0.5)
    assert pane.screen() == screen and "less" in pane.programs()  # it waits for the reader
    pane.keys("q")
    screen = pane.wait_for_prompt()
    assert screen.splitlines()[-2:] == [f"{TOTAL} events", PROMPT.rstrip()]


def test_ctrl_c_is_the_pagers_not_the_end_of_idlib(open_pane: Callable[..., Pane]) -> None:
    pane = open_pane()
    pane.run("idlib events --reverse")
    pane.wait_for_pager()
    pane.keys("C-c")
    time.sleep(0.5)
    assert "less" in pane.programs()  # still paging: the shell did not take the terminal back
    pane.keys("q")
    assert pane.wait_for_prompt().splitlines()[-2] == f"{TOTAL} events"


def test_the_hidden_id_column_is_named_after_the_pager(open_pane: Callable[..., Pane]) -> None:
    pane = open_pane()
    pane.run("idlib events -n 20")
    assert "hidden at this width" not in pane.wait_for_pager()
    pane.keys("q")
    assert pane.wait_for_prompt().splitlines()[-3:] == [NOTE, f"20 of {TOTAL} events",
                                                        PROMPT.rstrip()]


@pytest.mark.parametrize(("command", "env"), [("idlib events --no-pager", {}),
                                              ("idlib events", {"IDLIB_PAGER": "cat"}),
                                              ("idlib events", {"PAGER": ""})])
def test_no_pager_prints_everything(open_pane: Callable[..., Pane], command: str,
                                    env: dict[str, str]) -> None:
    pane = open_pane(NO_COLOR="1", **env)  # uncoloured, to compare with the piped table
    pane.run(command)
    pane.wait_for_prompt()
    shown = pane.everything().rstrip().splitlines()
    table = plain_table()
    start = shown.index(table[0])
    assert shown[start:] == [*table, NOTE, f"{TOTAL} events", PROMPT.rstrip()]


def test_short_output_is_not_paged(open_pane: Callable[..., Pane]) -> None:
    pane = open_pane(NO_COLOR="1")
    pane.run("idlib events -n 3")
    lines = pane.wait_for_prompt().splitlines()  # no q needed
    assert lines[1:] == [*plain_table("-n", "3"), NOTE, f"3 of {TOTAL} events", PROMPT.rstrip()]


@pytest.mark.parametrize("command", ["idlib events | cat", "idlib events --table | cat",
                                     "idlib show 2020-03-05-moscow | cat"])
def test_piped_output_is_never_paged(open_pane: Callable[..., Pane], command: str) -> None:
    pane = open_pane()
    pane.run(command)
    screen = pane.wait_for_prompt()  # long output, yet no q needed: no pager waited
    assert ":" not in screen.splitlines()


def test_the_count_line_goes_to_stderr(open_pane: Callable[..., Pane], tmp_path: Path) -> None:
    pane = open_pane()
    table = tmp_path / "table.txt"
    pane.run(f"idlib events -n 20 --table > {table}")
    assert pane.wait_for_prompt().splitlines()[-2] == f"20 of {TOTAL} events"
    assert "events" not in table.read_text(encoding="utf-8").splitlines()[-1]
    pane.run("clear; idlib events -n 3 2>/dev/null")
    screen = pane.wait_for_prompt()
    assert FIRST_TITLE in screen and f"of {TOTAL} events" not in screen and "hidden" not in screen


def test_bash_completes_actor_names(open_pane: Callable[..., Pane]) -> None:
    pane = open_pane()
    pane.run('eval "$(idlib completion bash)"')
    pane.wait_for_prompt()
    pane.type("idlib events --actor tur", "Tab", "Tab")
    screen = pane.wait_for(lambda text: "turkish-armed-forces" in text, "candidates")
    candidates = set(screen.split())
    assert {"turkey", "turkish-armed-forces", "turkish-ministry-of-defence"} <= candidates
    assert screen.rstrip().endswith(f"{PROMPT}idlib events --actor tur")  # the line, kept
