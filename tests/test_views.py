"""The timeline and stats views: exact output on a small hand-written set of records, which
cover every kind of date (day, month, season, year, intervals, approximate) and the titles that
break naive layouts: CJK, Arabic, Rich markup, an ANSI escape, a bidi override, a line break.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from idlib_cli.dates import parse_edtf
from idlib_cli.text import UNSAFE
from idlib_cli.views.stats import BY, stats_rows, write_bars
from idlib_cli.views.timeline import write_timeline

WIDTHS = (60, 80, 100, 140, 200)
SGR = re.compile("\x1b\\[[0-9;]*m")


def event(date: str, title: str, kind: str, *, actors: tuple[str, ...] = (),
          place: str | None = None, publishers: tuple[str, ...] = ("Reuters",)) -> dict[str, Any]:
    """A record as `idlib events --json` prints it, with what the views read filled in."""
    span = parse_edtf(date)
    return {
        "id": f"{span.start}-{kind}", "date": date, "start": span.start.isoformat(),
        "end": span.last.isoformat(), "precision": span.precision,
        "approximate": span.approximate, "title": title, "type": kind,
        "actors": [{"id": name.lower().replace(" ", "-"), "name": name, "role": "participant"}
                   for name in actors],
        "place": {"id": place, "name": place.replace("-", " ").title()} if place else None,
        "sources": [{"url": "https://example.org/", "publisher": name} for name in publishers],
    }


HOSTILE = "[bold]Not bold[/bold] \x1b[31mred\x1b[0m \u202eevil\u202c\nsecond line"
RECORDS = [
    event("2018", "Idlib becomes the last opposition stronghold", "political", actors=("Turkey",)),
    event("2018-09-17", "Sochi memorandum on Idlib signed by Turkey and Russia", "agreement",
          actors=("Turkey", "Russia"), place="sochi", publishers=("Reuters", "TASS", "Reuters")),
    event("2019-21", "Spring offensive on southern Idlib begins", "offensive",
          actors=("Syrian government", "Russia"), place="idlib"),
    event("2019-04", "Shelling of Khan Shaykhun and Maarrat al-Numan intensifies as the "
          "government and its allies prepare a ground offensive", "attack", place="khan-shaykhun"),
    event("2019-04-25/2019-04-26", "Twelfth round of the Astana talks", "talks",
          actors=("Turkey", "Russia", "Iran", "Turkey"), place="nur-sultan",
          publishers=("TASS", "Anadolu")),
    event("2020-02-01/2020-03-05", "Government offensive along the M5 highway", "offensive",
          actors=("Syrian government",)),
    event("2020-02-27~", "Airstrike at Balyun kills Turkish soldiers", "airstrike",
          actors=("Turkish Armed Forces", "Syrian government"), place="balyun"),
    event("2020-03-05", "莫斯科停火议定书 — اتفاق موسكو (Moscow additional protocol)", "ceasefire",
          actors=("Turkey", "Russia"), place="moscow", publishers=("TASS",)),
    event("2020-06~", HOSTILE, "rumour"),
]
ERAS = [
    {"id": "uprising", "name": "Uprising", "start": "2011-03-15", "end": "2011-12-31"},
    {"id": "astana", "name": "Astana process", "start": "2017-01-23", "end": "2019-12-31"},
    {"id": "sochi", "name": "Sochi memorandum", "start": "2018-09-17", "end": "2020-03-05"},
    {"id": "moscow", "name": "Moscow ceasefire", "start": "2020-03-05", "end": "2024-11-26"},
]


def timeline(width: int, **options: Any) -> str:
    out = io.StringIO()
    write_timeline(RECORDS, ERAS, out, width=width, **options)
    return out.getvalue()


def bars(by: str, width: int, color: bool = False) -> str:
    out = io.StringIO()
    write_bars(stats_rows(RECORDS, by), out, width=width, color=color)
    return out.getvalue()


def expected_timeline(width: int) -> str:
    """The whole picture is written out at 200; at the narrower widths it is that picture
    with the lines that no longer fit cut, and the key laid out again where it changes."""
    lines = TIMELINE_200.splitlines()
    for index, line in CUT_FROM_200.get(width, {}).items():
        lines[index] = line
    key = lines.index(next(line for line in lines if line.startswith("Key:")))
    return "\n".join(lines[:key] + KEY.get(width, lines[key:])) + "\n"


# The timeline


@pytest.mark.parametrize("width", WIDTHS)
def test_timeline_at_each_width_plain_and_in_colour(width: int) -> None:
    """The whole picture, exactly: eras, year rules, density bars, spans, markers, cut titles
    and the key, as a reader sees it in a pipe or an e-mail. Colour adds ANSI styles and
    changes nothing else."""
    assert timeline(width) == expected_timeline(width)
    coloured = timeline(width, color=True)
    assert "\x1b[" in coloured
    assert SGR.sub("", coloured) == expected_timeline(width)


def test_timeline_by_year_has_one_density_bar_per_year() -> None:
    assert timeline(80, by="year").splitlines()[:8] == BY_YEAR_80.splitlines()


def test_timeline_without_unicode_draws_in_ascii() -> None:
    """Only the titles (store text) may hold other characters: the drawing, the dates and
    the '...' of a cut title are ASCII."""
    drawn = timeline(80, unicode=False)
    assert drawn.splitlines()[10:16] + drawn.splitlines()[-3:] == ASCII_80.splitlines()
    titles = "".join(record["title"] for record in RECORDS)
    assert {char for char in drawn if not char.isascii()} <= set(titles)


def test_a_narrow_timeline_gives_up_the_indent_then_the_spans_then_cuts() -> None:
    """Nothing a timeline writes can wrap, at any width (measured in cells: CJK is two)."""
    drawn = timeline(40).splitlines()
    assert drawn[9:12] == ["┃┃ spring 2019          ▲ Spring offens…",
                           "┃┃ April 2019           ███████ 2",
                           "┃┃ April 2019           ✕ Shelling of K…"]
    assert not any("├" in line for line in drawn)
    for width, by in ((width, by) for width in range(1, 60, 3) for by in ("month", "year")):
        text = timeline(width, by=by, color=width % 2 == 0, unicode=width % 4 < 2)
        assert max(cell_len(line) for line in SGR.sub("", text).splitlines()) <= width


def test_colour_styles_each_part() -> None:
    """Headings bold, eras in their colour, spans yellow, markers in their kind's colour."""
    out = io.StringIO()
    freeze = {"id": "freeze", "name": "Freeze", "start": "2020-01-01", "end": "2020-12-31"}
    write_timeline([event("2020-02", "[red]Talks[/red]", "talks")], [freeze], out, width=60,
                   color=True)
    assert out.getvalue() == (
        "  \x1b[1m2020\x1b[0m\x1b[2m ─────────────────── \x1b[0m1 event\n"
        "\x1b[36m┏\x1b[0m \x1b[1;36mFreeze, from 1 January 2020\x1b[0m\n"
        "\x1b[36m┃\x1b[0m \x1b[1mFebruary 2020\x1b[0m   \x1b[34m███████\x1b[0m 1\n"
        "\x1b[36m┃\x1b[0m   February 2020 \x1b[33m├──┤\x1b[0m    \x1b[32m◇\x1b[0m "
        "[red]Talks[/red]\n"
        "\x1b[36m┗\x1b[0m \x1b[1;36mFreeze, until 31 December 2020\x1b[0m\n"
        "\n"
        "\x1b[1mKey:\x1b[0m \x1b[32m◇\x1b[0m talks\n"
        "     \x1b[33m├──┤\x1b[0m a month\n")


@settings(max_examples=150, deadline=None)
@given(titles=st.lists(st.text(max_size=60), min_size=1, max_size=4),
       width=st.integers(min_value=1, max_value=200), color=st.booleans(),
       unicode=st.booleans(), by=st.sampled_from(["month", "year"]))
def test_any_title_fits_any_width_and_obeys_nothing(titles: list[str], width: int, color: bool,
                                                    unicode: bool, by: str) -> None:
    """Whatever the text (joiners, variation selectors, controls, emoji, bidi overrides): no
    line is wider than the width, and nothing but our own colour codes reaches the terminal."""
    records = [event("2020-03-05", title, title[:9], actors=(title or "x",))
               for title in titles]
    timeline_out, bars_out = io.StringIO(), io.StringIO()
    write_timeline(records, ERAS, timeline_out, width=width, by=by, color=color,
                   unicode=unicode)
    write_bars(stats_rows(records, "actor"), bars_out, width=width, color=color)
    for out in (timeline_out, bars_out):
        drawn = SGR.sub("", out.getvalue())
        assert not UNSAFE.search(drawn)
        assert all(cell_len(line) <= width for line in drawn.splitlines())


def test_store_text_is_shown_not_obeyed() -> None:
    """Markup is printed as written; an escape sequence and a bidirectional override are
    shown as visible escapes; a line break inside a title becomes a space."""
    coloured = timeline(200, color=True)
    line = next(line for line in coloured.splitlines() if "Not bold" in line)
    assert "[bold]Not bold[/bold] \\x1b[31mred\\x1b[0m \\u202eevil\\u202c second line" in line
    assert "\u202e" not in coloured
    assert "\x1b[31mred" not in coloured


def test_view_decides_nothing_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Colour and width are the caller's decision, not NO_COLOR's, COLUMNS's or TERM's."""
    before = timeline(80, color=True)
    for name, value in (("NO_COLOR", "1"), ("COLUMNS", "20"), ("TERM", "dumb")):
        monkeypatch.setenv(name, value)
    assert timeline(80, color=True) == before


@pytest.mark.parametrize(("date", "span"), [
    ("2020-03-05", ""), ("2020-03-05~", "≈"), ("2020-03-05/2020-03-07", "├┤"),
    ("2020-03-01/2020-03-10", "├─┤"), ("2020-02", "├──┤"), ("2020-02~", "├┄┄┤"),
    ("2019-24", "├───┤"), ("2019", "├────┤"), ("2017-01/2020-12", "├─────┤"),
])
def test_a_span_grows_with_the_days_a_date_covers(date: str, span: str) -> None:
    out = io.StringIO()
    write_timeline([event(date, "Title", "talks")], [], out, width=80)
    drawn = re.search(r"\d{4} +(\S*) *◇ Title$", out.getvalue(), re.MULTILINE)
    assert drawn is not None and drawn[1] == span


def test_what_is_not_drawn() -> None:
    """An era outside the events; anything at all without events; an unknown grouping."""
    assert "Uprising" not in timeline(200)
    out = io.StringIO()
    write_timeline([], ERAS, out, width=80, color=True)
    assert out.getvalue() == ""
    with pytest.raises(ValueError, match="'month' or 'year'"):
        timeline(80, by="week")


# Stats


def rows(by: str) -> list[tuple[Any, str, int]]:
    return [(row["key"], row["label"], row["events"]) for row in stats_rows(RECORDS, by)]


@pytest.mark.parametrize(("by", "expected"), [
    ("year", [("2018", "2018", 2), ("2019", "2019", 3), ("2020", "2020", 4)]),
    ("type", [(kind, kind, 2 if kind == "offensive" else 1) for kind in (
        "offensive", "agreement", "airstrike", "attack", "ceasefire", "political", "rumour",
        "talks")]),
    # Turkey is listed twice on the Astana round and counts once there.
    ("actor", [("russia", "Russia", 4), ("turkey", "Turkey", 4),
               ("syrian-government", "Syrian government", 3), ("iran", "Iran", 1),
               ("turkish-armed-forces", "Turkish Armed Forces", 1)]),
    ("place", [(None, "(no place)", 3), ("balyun", "Balyun", 1), ("idlib", "Idlib", 1),
               ("khan-shaykhun", "Khan Shaykhun", 1), ("moscow", "Moscow", 1),
               ("nur-sultan", "Nur Sultan", 1), ("sochi", "Sochi", 1)]),
    # The Sochi memorandum cites Reuters twice: one count.
    ("publisher", [("Reuters", "Reuters", 7), ("TASS", "TASS", 3), ("Anadolu", "Anadolu", 1)]),
])
def test_rows(by: str, expected: list[tuple[Any, str, int]]) -> None:
    """By year in date order; otherwise the most events first, then by key."""
    assert rows(by) == expected


def test_rows_by_month_include_the_empty_months_between() -> None:
    months = rows("month")
    assert len(months) == 30  # January 2018 to June 2020
    assert (months[1], months[-1]) == (("2018-02", "February 2018", 0), ("2020-06", "June 2020", 1))
    assert {key: n for key, _, n in months if n} == {
        "2018-01": 1, "2018-09": 1, "2019-03": 1, "2019-04": 2, "2020-02": 2, "2020-03": 1,
        "2020-06": 1}
    assert sum(n for _, _, n in months) == len(RECORDS)


def test_a_null_place_sorts_after_keys_with_as_many_events() -> None:
    records = [event("2020", "A", "talks"), event("2020", "B", "talks", place="zafer")]
    assert [row["key"] for row in stats_rows(records, "place")] == ["zafer", None]


@pytest.mark.parametrize("by", BY)
def test_no_records_give_no_rows(by: str) -> None:
    assert stats_rows([], by) == []
    with pytest.raises(ValueError, match="year, month, type, actor, place, publisher"):
        stats_rows(RECORDS, "week")


def test_bars_plain() -> None:
    """A row with no events (a quiet month) has its count and no bar."""
    assert bars("publisher", 60) == BARS_PUBLISHER_60
    assert bars("actor", 80) == BARS_ACTOR_80
    assert "May 2018        0" in bars("month", 80).splitlines()


@pytest.mark.parametrize("by", BY)
def test_bars_fit_every_width_rich_blocks_in_colour_hashes_without(by: str) -> None:
    for width in (*range(1, 60, 3), *WIDTHS):
        coloured, plain = bars(by, width, color=True), bars(by, width)
        assert plain.isascii() and "\x1b" not in plain
        for drawn in (SGR.sub("", coloured), plain):
            assert max(cell_len(line) for line in drawn.splitlines()) <= width, width
    assert "\x1b[" in coloured and "█" in coloured and "#" in plain


def test_bar_labels_are_inert_and_cut_to_fit() -> None:
    out = io.StringIO()
    write_bars([{"key": "x", "label": HOSTILE, "events": 2},
                {"key": None, "label": "(no place)", "events": 1}], out, width=40, color=False)
    assert out.getvalue() == ("[bold]Not...   2  ######################\n"
                              "(no place)     1  ###########\n")


# Expected outputs. A '\' at the end of a line continues it on the next (the long lines of the
# wide pictures, kept within the source's line length).

TIMELINE_200 = """\
┏  Astana process, from 23 January 2017
┃  2018 ────────────────────────── 2 events
┃    2018                 ├────┤  ○ Idlib becomes the last opposition stronghold
┃  September 2018         ███▌    1
┃┏ Sochi memorandum, from 17 September 2018
┃┃   17 September 2018            ◆ Sochi memorandum on Idlib signed by Turkey and Russia
┃┃
┃┃ 2019 ────────────────────────── 3 events
┃┃ March 2019             ███▌    1
┃┃   spring 2019          ├───┤   ▲ Spring offensive on southern Idlib begins
┃┃ April 2019             ███████ 2
┃┃   April 2019           ├──┤    ✕ Shelling of Khan Shaykhun and Maarrat al-Numan intensifies \
as the government and its allies prepare a ground offensive
┃┃   25 Apr – 26 Apr 2019 ├┤      ◇ Twelfth round of the Astana talks
┗┃ Astana process, until 31 December 2019
 ┃
 ┃ 2020 ────────────────────────── 4 events
 ┃ February 2020          ███████ 2
 ┃   1 Feb – 5 Mar 2020   ├──┤    ▲ Government offensive along the M5 highway
 ┃   c. 27 February 2020  ≈       ✕ Airstrike at Balyun kills Turkish soldiers
 ┃ March 2020             ███▌    1
┏┃ Moscow ceasefire, from 5 March 2020
┃┃   5 March 2020                 ◆ 莫斯科停火议定书 — اتفاق موسكو (Moscow additional protocol)
┃┗ Sochi memorandum, until 5 March 2020
┃  June 2020              ███▌    1
┃    c. June 2020         ├┄┄┤    • [bold]Not bold[/bold] \\x1b[31mred\\x1b[0m \\u202eevil\\u20\
2c second line
┗  Moscow ceasefire, until 26 November 2024

Key: ◆ agreement, ceasefire  ◇ talks  ○ political  ▲ offensive  ✕ airstrike, attack  • rumour
     ├┤ days  ├──┤ a month  ├───┤ a season  ├────┤ a year  ├┄┄┤ ≈ approximate
"""

CUT_FROM_200 = {  # line index -> the line as cut at that width
    60: {
        2: "┃    2018                 ├────┤  ○ Idlib becomes the last…",
        5: "┃┃   17 September 2018            ◆ Sochi memorandum on Idl…",
        9: "┃┃   spring 2019          ├───┤   ▲ Spring offensive on sou…",
        11: "┃┃   April 2019           ├──┤    ✕ Shelling of Khan Shaykh…",
        12: "┃┃   25 Apr – 26 Apr 2019 ├┤      ◇ Twelfth round of the As…",
        17: " ┃   1 Feb – 5 Mar 2020   ├──┤    ▲ Government offensive al…",
        18: " ┃   c. 27 February 2020  ≈       ✕ Airstrike at Balyun kil…",
        21: "┃┃   5 March 2020                 ◆ 莫斯科停火议定书 — اتفا…",
        24: "┃    c. June 2020         ├┄┄┤    • [bold]Not bold[/bold] \\…",
    },
    80: {
        5: "┃┃   17 September 2018            ◆ Sochi memorandum on Idlib signed by Turkey…",
        11: "┃┃   April 2019           ├──┤    ✕ Shelling of Khan Shaykhun and Maarrat al-Nu…",
        21: "┃┃   5 March 2020                 ◆ 莫斯科停火议定书 — اتفاق موسكو (Moscow addi…",
        24: "┃    c. June 2020         ├┄┄┤    • [bold]Not bold[/bold] \\x1b[31mred\\x1b[0m \\u"
            "…",
    },
    100: {
        11: "┃┃   April 2019           ├──┤    ✕ Shelling of Khan Shaykhun and Maarrat al-Numan"
            " intensifies as t…",
        24: "┃    c. June 2020         ├┄┄┤    • [bold]Not bold[/bold] \\x1b[31mred\\x1b[0m \\u"
            "202eevil\\u202c secon…",
    },
    140: {
        11: "┃┃   April 2019           ├──┤    ✕ Shelling of Khan Shaykhun and Maarrat al-Numan"
            " intensifies as the government and its allies prepare a g…",
    },
}

KEY = {  # the key, where it is laid out differently from the one at 200
    60: [
        "Key: ◆ agreement, ceasefire  ◇ talks  ○ political",
        "     ▲ offensive  ✕ airstrike, attack  • rumour",
        "     ├┤ days  ├──┤ a month  ├───┤ a season  ├────┤ a year",
        "     ├┄┄┤ ≈ approximate",
    ],
    80: [
        "Key: ◆ agreement, ceasefire  ◇ talks  ○ political  ▲ offensive",
        "     ✕ airstrike, attack  • rumour",
        "     ├┤ days  ├──┤ a month  ├───┤ a season  ├────┤ a year  ├┄┄┤ ≈ approximate",
    ],
}

BY_YEAR_80 = """\
┏  Astana process, from 23 January 2017
┃  2018                   ███▌    2
┃    2018                 ├────┤  ○ Idlib becomes the last opposition stronghold
┃┏ Sochi memorandum, from 17 September 2018
┃┃   17 September 2018            ◆ Sochi memorandum on Idlib signed by Turkey…
┃┃
┃┃ 2019                   █████▎  3
┃┃   spring 2019          ├───┤   ▲ Spring offensive on southern Idlib begins
"""

ASCII_80 = """\
|| April 2019             ####### 2
||   April 2019           |--|    x Shelling of Khan Shaykhun and Maarrat al-...
||   25 Apr - 26 Apr 2019 ||      o Twelfth round of the Astana talks
+| Astana process, until 31 December 2019
 |
 | 2020 -------------------------- 4 events
Key: = agreement, ceasefire  o talks  - political  ^ offensive
     x airstrike, attack  * rumour
     || days  |--| a month  |---| a season  |----| a year  |..| ~ approximate
"""

BARS_PUBLISHER_60 = """\
Reuters  7  ################################################
TASS     3  #####################
Anadolu  1  #######
"""

BARS_ACTOR_80 = """\
Russia                4  #######################################################
Turkey                4  #######################################################
Syrian government     3  #########################################
Iran                  1  ##############
Turkish Armed Forces  1  ##############
"""
