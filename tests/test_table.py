"""The events table (table.py, on Rich's Table) drawn from a small fixed store at 60, 80, 100,
140 and 200 columns, without colour: exact output, then the rules it follows at every width
from 50 to 220 (no line wider than the terminal, none ending in spaces, ids whole or left out,
the title given the most room), the stderr note, colour, stacking and the CLI's own path.
"""

# ruff: noqa: E501
# (the expected tables are as wide as the terminals they are drawn for)

from __future__ import annotations

import io
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from conftest import idlib, src, write_store
from idlib_cli.commands.common import page
from idlib_cli.records import Record, event_record
from idlib_cli.render import EVENT_DEFAULT_COLUMNS, one_line
from idlib_cli.store import load
from idlib_cli.table import MAIN_FLOOR, MIN_MAIN, cell, plan_layout, take_notes, write_table

NAMES = ("Turkey", "Russia", "Iran", "Syrian government", "Hayat Tahrir al-Sham",
         "Syrian National Army", "United Nations", "United States", "European Union")
LONG_ID = "2020-02-27-balyun-airstrike-kills-thirty-four-turkish-soldiers"
MARKUP = "[bold]Not bold[/bold] \x1b[31mnot red\x1b[0m"


def slug(name: str) -> str:
    return name.lower().replace(" ", "-")


def event(id_: str, date: str, title: str, type_: str, *actors: str) -> dict[str, Any]:
    return {"id": id_, "date": date, "title": title, "summary": "A summary.", "type": type_,
            "actors": [{"id": slug(name), "role": "participant"} for name in actors],
            "sources": [src()]}


STORE = {
    "schema_version": 1,
    "actors": [{"id": slug(name), "name": name, "kind": "state"} for name in NAMES],
    "events": [
        event("2020-03-05-m4", "2020-03-05", "Moscow protocol", "agreement", "Turkey", "Russia"),
        event("2019-12-19-offensive-on-maarat-al-numan-and-saraqib", "2019-12-19/2020-03-05",
              "Government offensive takes Maarat al-Numan and Saraqib; talks on every side",
              "military-operation", *NAMES),
        event(LONG_ID, "2020-02-27", "Airstrike at Balyun", "airstrike", "Turkey"),
        event("2020-03-06-ceasefire", "2020-03-06", "伊德利卜停火生效 وقف إطلاق النار في إدلب",
              "ceasefire", "Turkey", "Russia"),
        event("2020-spring-markup", "2020-21", MARKUP, "statement"),
    ],
}

WIDTHS = (60, 80, 100, 140, 200)

EXPECTED = {
    60: r"""
Date              Type       Title
19 Dec 2019 –     military-  Government offensive takes
5 Mar 2020        operation  Maarat al-Numan and Saraqib;
                             talks on every side
27 February 2020  airstrike  Airstrike at Balyun
spring 2020       statement  [bold]Not bold[/bold]
                             \x1b[31mnot red\x1b[0m
5 March 2020      agreement  Moscow protocol
6 March 2020      ceasefire  伊德利卜停火生效 وقف إطلاق
                             النار في إدلب
""",
    80: r"""
Date                      Type                Title
19 Dec 2019 – 5 Mar 2020  military-operation  Government offensive takes Maarat
                                              al-Numan and Saraqib; talks on
                                              every side
27 February 2020          airstrike           Airstrike at Balyun
spring 2020               statement           [bold]Not bold[/bold] \x1b[31mnot
                                              red\x1b[0m
5 March 2020              agreement           Moscow protocol
6 March 2020              ceasefire           伊德利卜停火生效 وقف إطلاق النار
                                              في إدلب
""",
    100: r"""
Date                      Type                Actors             Title
19 Dec 2019 – 5 Mar 2020  military-operation  Turkey, Russia +7  Government offensive takes Maarat
                                                                 al-Numan and Saraqib; talks on
                                                                 every side
27 February 2020          airstrike           Turkey             Airstrike at Balyun
spring 2020               statement                              [bold]Not bold[/bold] \x1b[31mnot
                                                                 red\x1b[0m
5 March 2020              agreement           Turkey, Russia     Moscow protocol
6 March 2020              ceasefire           Turkey, Russia     伊德利卜停火生效 وقف إطلاق النار في
                                                                 إدلب
""",
    140: r"""
Date                      Type                Actors             Title
19 Dec 2019 – 5 Mar 2020  military-operation  Turkey, Russia +7  Government offensive takes Maarat al-Numan and Saraqib; talks on every side
27 February 2020          airstrike           Turkey             Airstrike at Balyun
spring 2020               statement                              [bold]Not bold[/bold] \x1b[31mnot red\x1b[0m
5 March 2020              agreement           Turkey, Russia     Moscow protocol
6 March 2020              ceasefire           Turkey, Russia     伊德利卜停火生效 وقف إطلاق النار في إدلب
""",
    200: r"""
Date                      Id                                                              Type                Actors             Title
19 Dec 2019 – 5 Mar 2020  2019-12-19-offensive-on-maarat-al-numan-and-saraqib             military-operation  Turkey, Russia +7  Government offensive takes Maarat al-Numan and Saraqib; talks on every
                                                                                                                                 side
27 February 2020          2020-02-27-balyun-airstrike-kills-thirty-four-turkish-soldiers  airstrike           Turkey             Airstrike at Balyun
spring 2020               2020-spring-markup                                              statement                              [bold]Not bold[/bold] \x1b[31mnot red\x1b[0m
5 March 2020              2020-03-05-m4                                                   agreement           Turkey, Russia     Moscow protocol
6 March 2020              2020-03-06-ceasefire                                            ceasefire           Turkey, Russia     伊德利卜停火生效 وقف إطلاق النار في إدلب
""",
}


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_store(tmp_path_factory.mktemp("table") / "store.json", STORE)


@pytest.fixture(scope="module")
def records(store_path: Path) -> list[Record]:
    store = load([store_path], include_builtin=False)
    return [event_record(store.actors, item) for item in store.events]


def draw(records: list[Record], width: int, *, color: bool = False,
         fields: tuple[str, ...] = EVENT_DEFAULT_COLUMNS, notes: bool = True) -> str:
    """The table as drawn for the pager; its notes dropped unless `notes` is False."""
    out = io.StringIO()
    write_table(records, fields, out, color=color, width=width)
    if notes:
        take_notes()
    return out.getvalue()


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("width", WIDTHS)
def test_the_table_exactly(records: list[Record], width: int) -> None:
    assert draw(records, width) == EXPECTED[width][1:]


@pytest.mark.parametrize("width", range(50, 221))
def test_no_line_is_wider_than_the_terminal_or_ends_in_spaces(records: list[Record],
                                                               width: int) -> None:
    for line in draw(records, width).splitlines():
        assert cell_len(line) <= width, line
        assert line == line.rstrip(), repr(line)


@pytest.mark.parametrize("width", range(50, 221))
def test_ids_are_whole_on_one_line_or_left_out(records: list[Record], width: int) -> None:
    text = draw(records, width)
    shown = text.startswith("Date") and " Id " in text.splitlines()[0]
    for record in records:
        on_lines = [line for line in text.splitlines() if record["id"] in line]
        assert len(on_lines) == (1 if shown else 0), (width, record["id"])
    if not shown:  # no piece of an id either
        assert "2020-02-27-" not in text and "-saraqib" not in text
    # The 62-character id needs 171 columns: 129 for it, the other side columns and the gaps,
    # and a quarter of the width left for the title.
    assert shown == (width >= 171)


@pytest.mark.parametrize("width", range(50, 221))
def test_the_title_gets_the_most_room(records: list[Record], width: int) -> None:
    """Wider than every other column but a shown id (which is as wide as its longest id, and
    stays while the title keeps a quarter of the width), and never under MIN_MAIN from 60
    columns up (below that, dates and types break first)."""
    fields = EVENT_DEFAULT_COLUMNS
    rows = [[one_line(cell(name, record)) for name in fields] for record in records]
    widths = plan_layout(fields, rows, width)
    assert widths is not None
    assert sum(widths.values()) + 2 * (len(widths) - 1) <= width
    longest = max(cell_len(row[fields.index("title")]) for row in rows)
    title = widths.pop("title")
    assert title == longest or title >= max(widths.values(), default=0) or \
        ("id" in widths and title >= width // 4 and title >= max(
            size for name, size in widths.items() if name != "id"))
    assert title >= min(longest, MIN_MAIN if width >= 60 else MAIN_FLOOR)


def test_actor_lists_read_two_names_and_a_count(records: list[Record]) -> None:
    text = draw(records, 100)
    assert "Turkey, Russia +7" in text
    assert "Iran" not in text and "European Union" not in text
    assert "Turkey, Russia  " in text  # two actors: no count


@pytest.mark.parametrize("width", WIDTHS)
def test_markup_and_escapes_are_shown_literally(records: list[Record], width: int) -> None:
    for color in (False, True):
        text = draw(records, width, color=color)
        assert "\x1b[31m" not in text  # the store's own colour code is never obeyed
        plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
        assert " ".join(plain.split()).count("[bold]Not bold[/bold]") == 1
        assert "\\x1b[31mnot" in plain


@pytest.mark.parametrize(("width", "hidden"), [(60, "id, actors"), (80, "id, actors"),
                                               (100, "id"), (140, "id"), (200, None)])
def test_a_line_on_stderr_names_what_the_width_hides(records: list[Record], width: int,
                                                      hidden: str | None,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Straight after the table on stdout; for the pager, kept for `page` to say after it."""
    note = "" if hidden is None else \
        f"({hidden} hidden at this width: widen the terminal, or pipe, or use --fields)\n"
    monkeypatch.setattr(sys, "stderr", Terminal())
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    write_table(records, EVENT_DEFAULT_COLUMNS, sys.stdout, width=width)
    assert sys.stderr.getvalue() == note and take_notes() == []
    assert sys.stdout.getvalue() == draw(records, width, notes=False)  # for the pager: the same
    assert sys.stderr.getvalue() == note and take_notes() == ([note] if note else [])


def test_page_says_the_note_after_the_pager(records: list[Record],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", Terminal())
    monkeypatch.setenv("IDLIB_PAGER", "cat")
    shown = io.StringIO()
    page(draw(records, 100, notes=False), shown)
    assert shown.getvalue() == draw(records, 100)
    assert sys.stderr.getvalue().startswith("(id hidden at this width") and take_notes() == []


def test_no_note_when_stderr_is_not_a_terminal(records: list[Record],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    draw(records, 60, notes=False)
    assert sys.stderr.getvalue() == "" and take_notes() == []


@pytest.mark.parametrize("width", WIDTHS)
def test_colour_keeps_the_same_layout_within_the_width(records: list[Record],
                                                       width: int) -> None:
    text = draw(records, width, color=True)
    assert "\x1b[1mTitle\x1b[0m" in text  # headings in bold
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text).splitlines()
    assert set(plain[1]) == {"─"}  # the rule under the headings
    for line in plain:
        assert cell_len(line) <= width and line == line.rstrip()


def test_below_fifty_columns_fields_are_stacked_and_ids_run_on(records: list[Record]) -> None:
    text = draw(records, 40)
    assert f"Id: {LONG_ID}\n" in text  # runs past 40 columns: the terminal wraps it, unbroken
    assert "Actors: Turkey, Russia +7\n" in text
    assert "Actors:\n" in text  # an event without actors: no trailing space
    assert all(cell_len(line) <= 40 for line in text.splitlines() if not line.startswith("Id:"))


def test_columns_that_cannot_fit_are_stacked(records: list[Record]) -> None:
    fields = ("date", "type", "start", "end", "url")  # nothing here may be dropped
    assert draw(records, 80, fields=fields).startswith("Date ")
    stacked = draw(records, 60, fields=fields)
    assert "Type: military-operation\nStart: 2019-12-19\n" in stacked
    assert draw(records, 60, fields=("id", "title")).startswith("Title\n")  # the id gave way


@pytest.mark.parametrize("width", WIDTHS)
def test_the_command_draws_the_same_table(store_path: Path, records: list[Record],
                                          width: int) -> None:
    ran = idlib("events", "--no-builtin", "--data", str(store_path), "--table",
                env={"COLUMNS": str(width)})
    assert ran.code == 0 and ran.err == ""
    assert ran.out == draw(records, width)
    limited = idlib("events", "--no-builtin", "--data", str(store_path), "--table", "-n", "2",
                    env={"COLUMNS": str(width)})
    assert limited.out.count("\n") < ran.out.count("\n")
