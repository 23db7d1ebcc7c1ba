"""Everything the environment decides, read in one place.

Each value is read when asked for, not at import: tests and `CliRunner` change the environment
between calls, and the fast path must not pay for what it doesn't use.
"""

from __future__ import annotations

import os
import sys

ENGINES = ("auto", "index", "memory")


def data_paths() -> list[str]:
    """IDLIB_DATA as a path list (':' on Unix, ';' on Windows), like PATH."""
    return [item for item in os.environ.get("IDLIB_DATA", "").split(os.pathsep) if item.strip()]


def cache_dir() -> str:
    """IDLIB_CACHE_DIR, else $XDG_CACHE_HOME/idlib, else ~/.cache/idlib (normalised, so that
    `//abs/path` and `/abs/path/` name the same folder and the same index)."""
    configured = os.environ.get("IDLIB_CACHE_DIR")
    if not configured:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        configured = os.path.join(base, "idlib")
    return os.path.normpath(os.path.abspath(configured)).replace("//", "/")


def engine() -> str:
    from idlib_cli.errors import UsageError

    chosen = os.environ.get("IDLIB_ENGINE", "auto").strip().lower() or "auto"
    if chosen not in ENGINES:
        raise UsageError(f"IDLIB_ENGINE={chosen[:20]!r}: use one of {', '.join(ENGINES)}")
    return chosen


def debug(args: list[str]) -> bool:
    """--debug, or IDLIB_DEBUG set to something true (IDLIB_DEBUG=0 means off)."""
    flag = os.environ.get("IDLIB_DEBUG", "").strip().lower()
    return "--debug" in args or flag not in ("", "0", "false", "no", "off")


def color(no_color: bool = False) -> bool:
    """Colour only on a terminal, never with NO_COLOR, TERM=dumb or --no-color; FORCE_COLOR
    turns it on when piped."""
    if no_color or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


def pager() -> str | None:
    """The pager command: IDLIB_PAGER, then PAGER, then `less -FRX`; '' or 'cat' means none."""
    for name in ("IDLIB_PAGER", "PAGER"):
        value = os.environ.get(name)
        if value is not None:
            return value.strip() or None if value.strip() != "cat" else None
    return "less -FRX"
