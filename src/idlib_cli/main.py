"""The entry point: a plain read command takes the fast path, everything else goes to Click;
every failure ends as one line on stderr and an exit code, never a traceback.

`entry` is what both the `idlib` script and the tests call, so tests see exactly what users
see: the same parsing, the same messages, the same exit codes.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from collections.abc import Sequence

from idlib_cli.errors import ExitStatus, IdlibError

# Failures of the machine, named as such: they are not bugs, and the user can act on them.
_ENVIRONMENT = {errno.ENOSPC: "no space left on the device",
                errno.EDQUOT: "disk quota exceeded", errno.EROFS: "read-only file system",
                errno.EACCES: "permission denied", errno.EPERM: "operation not permitted",
                errno.EIO: "input/output error", errno.EBADF: "standard output is closed"}


class _Closed(io.TextIOBase):
    """What stdout or stderr is when the shell closed it (`>&-`): writing to it is an error
    the user can act on, not a crash."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def isatty(self) -> bool:
        return False


def _prepare_streams() -> None:
    """Never crash on an ASCII or Latin-1 terminal: show what can't be encoded as escapes."""
    if sys.stdout is None:
        sys.stdout = _Closed()
    if sys.stderr is None:
        sys.stderr = _Closed()
    if sys.stdin is None:
        sys.stdin = io.StringIO()
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

    try:
        sys.stderr.write(inert(" ".join(message.split("\n"))) + "\n")  # one line, always
        sys.stderr.flush()
    except (OSError, ValueError):
        pass  # nowhere left to say it


def run(args: list[str], debug: bool) -> int:
    from idlib_cli.fastpath import plan

    action = plan(args)
    if action is None:
        from idlib_cli.cli import run_click

        return run_click(args, debug)
    action()
    return ExitStatus.OK


def entry(args: list[str]) -> int:
    """Run idlib with `args`; report any failure as one line; return the exit status."""
    from idlib_cli import settings

    debug = settings.debug(args)
    try:
        code = run(args, debug)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        _silence_stdout()
        return ExitStatus.OK
    except IdlibError as error:
        if debug:
            raise
        _say(f"idlib: error: {error}")
        return error.exit_code
    except KeyboardInterrupt:
        return ExitStatus.INTERRUPTED
    except RecursionError:
        if debug:
            raise
        _say("idlib: error: the input is nested too deeply to read")
        return ExitStatus.ERROR
    except OSError as error:
        if debug or error.errno not in _ENVIRONMENT:
            if debug:
                raise
            _say(f"idlib: error: {error.strerror or error}"
                 + (f": {error.filename!r}" if error.filename else ""))
            return ExitStatus.ERROR
        where = f" ({error.filename!r})" if error.filename else ""
        _say(f"idlib: error: {_ENVIRONMENT[error.errno]}{where}")
        if error.errno in (errno.ENOSPC, errno.EBADF, errno.EIO):
            _silence_stdout()
        return ExitStatus.ERROR
    except Exception as error:  # a bug: say so in one line, traceback only on request
        if debug:
            raise
        _say(f"idlib: internal error: {type(error).__name__}: {error} "
             "(run again with --debug and report the traceback)")
        return ExitStatus.ERROR


def main(argv: Sequence[str] | None = None) -> None:
    _prepare_streams()
    code = entry(list(sys.argv[1:] if argv is None else argv))
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        _silence_stdout()
    sys.exit(code)
