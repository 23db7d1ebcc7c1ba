"""`idlib validate`: check store files, every problem with its file, line and JSON path."""

from __future__ import annotations

import sys
from pathlib import Path

from idlib_cli.commands import Command, Values
from idlib_cli.commands.common import is_utf8, say
from idlib_cli.errors import IdlibError, UsageError
from idlib_cli.options import Arg, Opt
from idlib_cli.render import write_records
from idlib_cli.text import inert


class ValidationFailed(IdlibError):
    """`validate` found problems: they are on stdout; this is the summary line."""


def user_path(text: str) -> Path:
    """A path the user typed; Click's own path type crashes on a NUL byte."""
    if "\x00" in text or not text.strip():
        raise UsageError(f"not a usable file path: {text!r}")
    return Path(text)


def builtin() -> Path:
    from idlib_cli.store import builtin_store_path

    return Path(builtin_store_path())


def run(values: Values) -> None:
    from idlib_cli.validate import validate as check

    shipped = builtin()
    targets = [user_path(text) for text in values["paths"]] or [shipped]
    context = [] if values["no_builtin"] or shipped in targets else [shipped]
    problems = check(targets, context)
    out = sys.stdout
    if values["as_json"]:
        write_records("json", [vars(p) for p in problems], ("file", "line", "path", "message"),
                      out, ascii_only=not is_utf8(out))
    else:
        for problem in problems:
            out.write(inert(str(problem)) + "\n")
    names = ", ".join(str(t) for t in targets)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ValidationFailed(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} "
                               f"in {names}")
    warnings = len(problems) - len(errors)
    say(f"ok: {names}" + (f" ({warnings} warning{'s' if warnings != 1 else ''})"
                          if warnings else ""))


HELP = """Check store files: schema, ids, references, dates, order, sources, duplicates.

Every problem is listed with its file, line and JSON path; the exit code is 1 if there
is any error (warnings, such as a URL with tracking parameters, don't fail). With no PATH,
the built-in store is checked.

\b
Examples:
  idlib validate                     # the built-in store
  idlib validate my-notes.json       # may use the built-in store's actors
  idlib validate a.json b.json --json | jq '.[].message'
"""

COMMAND = Command(
    "validate", HELP,
    (Opt(("--json",), "as_json", "flag", "Problems as a JSON array."),
     Opt(("--no-builtin",), "no_builtin", "flag",
         "Don't let the files use actors defined in the built-in store.")),
    run, arguments=(Arg("paths", "[PATH]...", many=True, complete="path", required=False),))
