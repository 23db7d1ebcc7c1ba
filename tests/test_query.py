"""The query layer: filters and their combinations."""

from __future__ import annotations

from datetime import date

import pytest

from idlib_cli.errors import UsageError
from idlib_cli.query import Query, actor_activity, run
from idlib_cli.store import Store


def ids(store: Store, query: Query) -> list[str]:
    return [event.id for event in run(store, query)]


def test_actor_filter_includes_sub_units(tiny: Store) -> None:
    query = Query(actor_sets=(tiny.with_descendants("turkey"),))
    assert ids(tiny, query) == ["2020-02-consultations", "2020-02-27-balyun",
                                "2020-03-05-moscow", "2020-03-15-patrol"]


def test_repeated_actors_mean_all_of_them(tiny: Store) -> None:
    query = Query(actor_sets=(tiny.with_descendants("turkey"), frozenset({"syrian-government"})))
    assert ids(tiny, query) == ["2020-02-27-balyun"]


def test_date_range_overlaps_fuzzy_dates(tiny: Store) -> None:
    """A month-precise event overlaps a day inside it; a season overlaps a day in its window."""
    assert ids(tiny, Query(since=date(2020, 2, 10), until=date(2020, 2, 11))) == \
        ["2020-02-consultations"]
    assert ids(tiny, Query(since=date(2019, 5, 31), until=date(2019, 6, 1))) == \
        ["2019-spring-escalation"]


def test_range_boundaries_are_half_open(tiny: Store) -> None:
    march = Query(since=date(2020, 3, 1), until=date(2020, 4, 1))
    assert ids(tiny, march) == ["2020-03-05-moscow", "2020-03-15-patrol"]


def test_keyword_is_accent_and_case_insensitive(tiny: Store) -> None:
    assert ids(tiny, Query(keywords=("ERDOGAN",))) == ["2020-03-05-moscow"]


def test_keyword_searches_tags_location_and_actor_aliases(tiny: Store) -> None:
    assert ids(tiny, Query(keywords=("balyun",))) == ["2020-02-27-balyun"]
    assert ids(tiny, Query(keywords=("tsk",))) == ["2020-02-27-balyun", "2020-03-15-patrol"]


def test_repeated_keywords_mean_all(tiny: Store) -> None:
    assert ids(tiny, Query(keywords=("m4", "ceasefire"))) == ["2020-03-05-moscow"]
    assert ids(tiny, Query(keywords=("m4", "balyun"))) == []


def test_type_limit_and_reverse(tiny: Store) -> None:
    assert ids(tiny, Query(types=frozenset({"patrol", "talks"}))) == \
        ["2020-02-consultations", "2020-03-15-patrol"]
    assert ids(tiny, Query(limit=2, reverse=True)) == ["2020-04-01-later", "2020-03-15-patrol"]


def test_since_after_until_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--since is after --until"):
        Query(since=date(2021, 1, 1), until=date(2020, 1, 1))


def test_limit_must_be_positive() -> None:
    with pytest.raises(UsageError, match="positive"):
        Query(limit=0)


def test_actor_activity_counts_direct_mentions(tiny: Store) -> None:
    activity = actor_activity(tiny)
    assert activity["russia"].events == 3
    assert activity["russia"].first == date(2020, 2, 1)
    assert activity["russia"].last == date(2020, 3, 15)
