"""The entry point: a plain read command takes the fast path, everything else goes to Click;
every failure ends as one line on stderr and an exit code, never a traceback."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from idlib_cli.errors import IdlibError


def _prepare_streams() -> None:
    """Never crash on an ASCII or Latin-1 terminal: show what can't be encoded as escapes."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _silence_stdout() -> None:
    """After a closed pipe: point stdout at /dev/null so the final flush can't complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _say(message: str) -> None:
    from idlib_cli.text import inert

    sys.stderr.write(inert(message) + "\n")  # it may quote what the user typed


def run(args: list[str], debug: bool) -> int:
    from idlib_cli.fastpath import plan

    action = plan(args)
    if action is None:
        from idlib_cli.cli import run_click

        return run_click(args, debug)
    action()
    return 0


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or bool(os.environ.get("IDLIB_DEBUG"))
    _prepare_streams()
    code = 0
    try:
        code = run(args, debug)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    except IdlibError as error:
        if debug:
            raise
        _say(f"idlib: error: {error}")
        code = error.exit_code
    except KeyboardInterrupt:
        code = 130
    except Exception as error:  # a bug: say so in one line, traceback only on request
        if debug:
            raise
        _say(f"idlib: internal error: {type(error).__name__}: {error} "
             "(run again with --debug and report the traceback)")
        code = 1
    sys.exit(code)
