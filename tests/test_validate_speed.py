"""`idlib validate` on a big store with thousands of problems: every problem keeps its line, and
finding the lines walks the file about once, not once per problem (3,000 problems took 35 s)."""

from __future__ import annotations

import copy
import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import TINY, write_store
from idlib_cli import jsonpath
from idlib_cli.jsonpath import LineFinder, PathPart, locate_line
from idlib_cli.validate import validate

EVENTS = 6000
PROBLEMS = 3000


def problem_store(folder: Path, indent: int | None = 2) -> Path:
    """EVENTS events a day apart; every other one has one problem, of three kinds."""
    document = copy.deepcopy(TINY)
    template = document["events"][2]
    document["events"] = []
    for n in range(EVENTS):
        day = date(2000, 1, 1) + timedelta(days=n)
        event = template | {"id": f"{day.isoformat()}-strike-{n}", "date": day.isoformat(),
                            "title": f"Strike number {n}"}
        if n % 2:
            kind = n // 2 % 3
            if kind == 0:
                event["titel"] = "a typo'd field"
            elif kind == 1:
                event["type"] = "skirmish"
            else:
                event["tags"] = ["Not Kebab"]
        document["events"].append(event)
    path = folder / "problems.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=indent), encoding="utf-8")
    return path


def every_path(value: Any, at: tuple[PathPart, ...] = ()) -> list[tuple[PathPart, ...]]:
    """Every JSON path in a document, containers first."""
    found = [at]
    if isinstance(value, dict):
        for key, item in value.items():
            found += every_path(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += every_path(item, (*at, index))
    return found


@pytest.mark.parametrize("indent", [None, 1, 4])
def test_one_finder_gives_every_path_the_line_a_fresh_scan_gives(indent: int | None) -> None:
    """Asked in any order, with paths that exist only in part, a finder that remembers what
    it has walked answers exactly as a scan from the top would."""
    text = json.dumps(TINY, ensure_ascii=False, indent=indent).replace("\n", "\r\n")
    paths = every_path(TINY)
    paths += [(*path, extra) for path in paths[::3] for extra in ("nope", 99)]
    random.Random(13).shuffle(paths)
    finder = LineFinder(text)
    for path in paths:
        assert finder.line(path) == locate_line(text, path), path


def test_lines_of_known_places() -> None:
    text = '{\n "a": [\n  1,\n  {"b": 2,\n   "c": [3,\n 4]}\n ],\n "a": 5\n}\n'
    finder = LineFinder(text)
    assert finder.line(("a", 1, "c", 1)) == 6
    assert finder.line(("a", 0)) == 3
    assert finder.line(("a", 1, "c")) == 5
    assert finder.line(("a", 1, "missing")) == 4  # its deepest existing ancestor
    assert finder.line(("a",)) == 2  # a key given twice: the first
    assert finder.line(()) == 1
    assert LineFinder("[1, oops]").line((1,)) == 1  # unreadable: the member's own line
    assert LineFinder('{"x": [1, oops], "y": 2}').line(("y",)) is None


def test_thousands_of_problems_walk_the_file_about_once(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each problem has its own line, and no value is stepped over twice to find them (the
    old re-scan stepped over ~3,000 x 3,000 events for 3,000 problems)."""
    path = problem_store(tmp_path)
    stepped: list[int] = []
    real = jsonpath._value_end

    def counting(text: str, pos: int) -> int:
        stepped.append(pos)
        return real(text, pos)

    monkeypatch.setattr(jsonpath, "_value_end", counting)
    problems = validate([path])
    assert len(problems) == PROBLEMS
    assert len(stepped) == len(set(stepped))
    lines = path.read_text(encoding="utf-8").splitlines()
    for problem in problems:
        assert problem.line is not None
        shown = {"titel": '"titel"', "type": '"skirmish"', "tags[0]": '"Not Kebab"'}
        assert shown[problem.path.rsplit(".", 1)[1]] in lines[problem.line - 1], problem
        index = int(problem.path.split("[")[1].split("]")[0])
        event_id = next(line for line in reversed(lines[:problem.line])
                        if '"id": "2' in line)  # actor ids don't start with a digit
        assert f"{date(2000, 1, 1) + timedelta(days=index)}-strike-{index}" in event_id


def test_the_problems_are_the_same_in_any_layout(tmp_path: Path) -> None:
    """Compact or indented, the same problems (lines aside) on the same paths."""
    indented = validate([problem_store(tmp_path)])
    (tmp_path / "compact").mkdir()
    compact = validate([problem_store(tmp_path / "compact", indent=None)])
    assert sorted((p.path, p.message) for p in compact) == \
        sorted((p.path, p.message) for p in indented)
    assert {p.line for p in compact} == {1}


def test_a_small_store_still_names_its_lines(tmp_path: Path) -> None:
    document = copy.deepcopy(TINY)
    document["events"][3]["type"] = "skirmish"
    document["events"][4]["titel"] = "typo"
    path = write_store(tmp_path / "s.json", document)
    problems = validate([path])
    text = path.read_text(encoding="utf-8")
    for problem in problems:
        parts = [int(p) if p.isdigit() else p
                 for p in problem.path[2:].replace("[", ".").replace("]", "").split(".")]
        assert problem.line == locate_line(text, parts)
    assert len(problems) == 2
