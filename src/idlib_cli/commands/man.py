"""`idlib man`: the manual page, in roff, generated from the same specs as --help.

    idlib man | man -l -          # read it
    idlib man > ~/.local/share/man/man1/idlib.1
"""

from __future__ import annotations

import re
import sys
from datetime import date

from idlib_cli import __version__
from idlib_cli.commands import NAMES, Command, Values, load
from idlib_cli.options import Opt

ENVIRONMENT = (
    ("IDLIB_DATA", "Store files read on top of the built-in store, a path list like PATH."),
    ("IDLIB_CACHE_DIR", "Where prepared indexes live (default $XDG_CACHE_HOME/idlib or "
                        "~/.cache/idlib); delete it any time."),
    ("IDLIB_ENGINE", "auto (default), index (fail if it can't be used) or memory."),
    ("IDLIB_PAGER, PAGER", "The pager for long output on a terminal (default less -FRX); "
                           "cat or empty for none."),
    ("NO_COLOR, TERM=dumb", "No colour."),
    ("IDLIB_DEBUG", "Show the traceback of an error (as --debug does)."),
)
EXIT_STATUS = (("0", "Success, an empty result included."),
               ("1", "A runtime error: a broken store, an unknown event id, problems found by "
                     "validate, an event add refused, a full disk."),
               ("2", "Bad usage: an unknown actor, place, field, type or command, an unreadable "
                     "date, a bad option value."),
               ("130", "Interrupted."))


def escape(text: str) -> str:
    """Text safe in roff: backslashes, leading dots and quotes, and dashes in options."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return re.sub(r"^([.'])", r"\\&\1", text, flags=re.M)


def _option(opt: Opt) -> list[str]:
    flags = ", ".join(f"\\fB{escape(flag)}\\fR" for flag in opt.flags)
    value = f" \\fI{escape(opt.metavar or opt.dest.upper())}\\fR" \
        if opt.kind in ("value", "multi", "int", "float") else ""
    return [".TP", flags + value, escape(opt.help)]


def _command(command: Command) -> list[str]:
    summary, _, rest = command.help.partition("\n")
    arguments = " ".join(arg.metavar for arg in command.arguments)
    lines = [".SS " + escape(f"idlib {command.name} [OPTIONS] {arguments}".strip()),
             escape(summary.strip())]
    for paragraph in rest.strip().split("\n\n"):
        if paragraph.startswith("\b"):
            lines += [".PP", ".nf", ".RS 4", *(escape(line.strip())
                                                for line in paragraph[1:].strip().splitlines()),
                      ".RE", ".fi"]
        elif paragraph.strip():
            lines += [".PP", escape(" ".join(paragraph.split()))]
    for opt in command.options:
        lines += _option(opt)
    return lines


def page() -> str:
    commands = [load(name) for name in NAMES]
    lines = [f'.TH IDLIB 1 "{date.today().isoformat()}" "idlib {__version__}" "User Commands"',
             ".SH NAME", "idlib \\- a sourced timeline of the conflict over Idlib, north\\-west "
             "Syria, and the diplomacy around it",
             ".SH SYNOPSIS", ".B idlib", "\\fICOMMAND\\fR [\\fIOPTIONS\\fR]",
             ".SH DESCRIPTION",
             "Every event is sourced: each carries the pages it rests on, and every figure says "
             "who claimed it. Events are listed oldest first; dates overlap (an event recorded "
             "as a month matches any day in it).",
             ".SH COMMANDS"]
    for command in commands:
        lines += _command(command)
    lines += [".SH ENVIRONMENT"]
    for name, text in ENVIRONMENT:
        lines += [".TP", f"\\fB{escape(name)}\\fR", escape(text)]
    lines += [".SH EXIT STATUS"]
    for code, text in EXIT_STATUS:
        lines += [".TP", f"\\fB{code}\\fR", escape(text)]
    lines += [".SH SEE ALSO", "The README and data/README.md of the idlib source."]
    return "\n".join(lines) + "\n"


def run(values: Values) -> None:
    sys.stdout.write(page())


HELP = """Print the manual page (roff), generated from the same option specs as --help.

\b
Examples:
  idlib man | man -l -
  idlib man > ~/.local/share/man/man1/idlib.1
"""

COMMAND = Command("man", HELP, (), run)
