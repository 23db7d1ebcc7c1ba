"""Loading, checking and merging stores."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from conftest import TINY, write_store
from idlib_cli.errors import NotFoundError, StoreError, UsageError
from idlib_cli.store import Store, builtin_store_path, load


def test_events_come_out_chronologically(tiny: Store) -> None:
    starts = [event.date.start for event in tiny.events]
    assert starts == sorted(starts)


@pytest.mark.parametrize("typed", ["turkey", "Turkey", "TÜRKIYE", "turkiye", "Ankara", "ankara "])
def test_actor_names_aliases_and_accents_resolve_to_the_id(tiny: Store, typed: str) -> None:
    assert tiny.resolve_actor(typed) == "turkey"


def test_non_latin_alias_resolves(tiny: Store) -> None:
    assert tiny.resolve_actor("россия") == "russia"


def test_an_actor_includes_its_descendants(tiny: Store) -> None:
    assert tiny.with_descendants("turkey") == {"turkey", "turkish-armed-forces",
                                               "recep-tayyip-erdogan"}
    assert tiny.with_descendants("russia") == {"russia"}


def test_unknown_actor_suggests_the_closest(tiny: Store) -> None:
    with pytest.raises(UsageError, match="did you mean turkey"):
        tiny.resolve_actor("turky")


def test_unknown_event_id_is_not_found_with_a_suggestion(tiny: Store) -> None:
    with pytest.raises(NotFoundError, match="2020-02-27-balyun"):
        tiny.event("2020-02-27-balyn")


def test_a_broken_field_is_reported_with_file_line_and_path(tmp_path: Path) -> None:
    document = copy.deepcopy(TINY)
    document["events"][2]["figures"][0]["value"] = "many"
    path = write_store(tmp_path / "bad.json", document)
    with pytest.raises(StoreError) as caught:
        load([path], include_builtin=False)
    message = str(caught.value)
    assert "$.events[2].figures[0].value" in message
    assert "must be a number" in message
    line = path.read_text().splitlines()[caught.value.line - 1]  # type: ignore[operator]
    assert '"value": "many"' in line


def test_truncated_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text('{\n  "schema_version": 1,\n  "events": [\n', encoding="utf-8")
    with pytest.raises(StoreError, match=r"cut\.json:4: invalid JSON"):
        load([path], include_builtin=False)


def test_the_same_event_id_in_two_stores_names_both_files(tmp_path: Path) -> None:
    first = write_store(tmp_path / "one.json", TINY)
    second = write_store(tmp_path / "two.json",
                         {"schema_version": 1, "events": [copy.deepcopy(TINY["events"][0])]})
    with pytest.raises(StoreError, match=r"one\.json and .*two\.json"):
        load([first, second], include_builtin=False)


def test_user_store_may_reference_actors_of_another_store(tmp_path: Path) -> None:
    base = write_store(tmp_path / "base.json", TINY)
    event = copy.deepcopy(TINY["events"][1]) | {"id": "2021-01-01-mine", "date": "2021-01-01"}
    mine = write_store(tmp_path / "mine.json", {"schema_version": 1, "events": [event]})
    store = load([base, mine], include_builtin=False)
    assert store.event("2021-01-01-mine").actors[0].id == "turkey"


def test_builtin_store_is_found_and_loads() -> None:
    assert Path(builtin_store_path()).is_file()
    assert len(load([]).events) > 0


def test_a_partial_name_suggests_the_actors_it_is_part_of(tiny: Store) -> None:
    with pytest.raises(UsageError, match=r"did you mean turkish-armed-forces\?"):
        tiny.resolve_actor("armed forc")
