"""The query layer: filters from the registry, evaluated by the in-memory engine."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import query
from idlib_cli.catalog import MemoryCatalog
from idlib_cli.errors import UsageError
from idlib_cli.query import actor_activity
from idlib_cli.store import Store


def ids(store: Store, **given: Any) -> list[str]:
    catalog = MemoryCatalog(store)
    return [record["id"] for record in catalog.search(query(catalog, **given))]


def test_actor_filter_includes_sub_units(tiny: Store) -> None:
    assert ids(tiny, actors=("turkey",)) == ["2020-02-consultations", "2020-02-27-balyun",
                                             "2020-03-05-moscow", "2020-03-15-patrol"]


def test_repeated_actors_mean_all_of_them(tiny: Store) -> None:
    assert ids(tiny, actors=("turkey", "syrian-government")) == ["2020-02-27-balyun"]


def test_a_comma_means_any_of_them(tiny: Store) -> None:
    assert ids(tiny, actors=("recep-tayyip-erdogan,syrian-government",)) == [
        "2019-spring-escalation", "2020-02-27-balyun", "2020-03-05-moscow", "2020-04-01-later"]


def test_role_keeps_only_that_role(tiny: Store) -> None:
    assert ids(tiny, actors=("turkey:target",)) == ["2020-02-27-balyun"]
    assert ids(tiny, actors=("russia",), roles=("signatory",)) == ["2020-03-05-moscow"]
    assert ids(tiny, roles=("attacker",)) == ["2019-spring-escalation", "2020-02-27-balyun"]


def test_unknown_role_is_refused_with_a_suggestion(tiny: Store) -> None:
    with pytest.raises(UsageError, match="did you mean attacker"):
        ids(tiny, actors=("russia:atacker",))


def test_date_range_overlaps_fuzzy_dates(tiny: Store) -> None:
    """A month-precise event overlaps a day inside it; a season overlaps a day in its window."""
    assert ids(tiny, since="2020-02-10", until="2020-02-10") == ["2020-02-consultations"]
    assert ids(tiny, since="2019-05-31", until="2019-05-31") == ["2019-spring-escalation"]


def test_range_boundaries_include_whole_periods(tiny: Store) -> None:
    assert ids(tiny, since="2020-03", until="2020-03") == ["2020-03-05-moscow",
                                                          "2020-03-15-patrol"]


def test_dates_in_words_seasons_and_quarters(tiny: Store) -> None:
    assert ids(tiny, since="spring 2019", until="spring 2019") == ["2019-spring-escalation"]
    assert ids(tiny, since="Q1 2020", until="2020-Q1") == ["2020-02-consultations",
                                                          "2020-02-27-balyun",
                                                          "2020-03-05-moscow",
                                                          "2020-03-15-patrol"]
    assert ids(tiny, since="2019-2019") == ids(tiny, since="2019")


def test_keyword_is_accent_and_case_insensitive(tiny: Store) -> None:
    assert ids(tiny, keywords=("ERDOGAN",)) == ["2020-03-05-moscow"]


def test_keyword_matches_at_word_starts_only(tiny: Store) -> None:
    assert ids(tiny, keywords=("balyu",)) == ["2020-02-27-balyun"]
    assert ids(tiny, keywords=("alyun",)) == []
    assert ids(tiny, keywords=("alyun",), substring=True) == ["2020-02-27-balyun"]


def test_keyword_gaps_between_words_do_not_matter(tiny: Store) -> None:
    assert ids(tiny, keywords=("M-4",)) == ids(tiny, keywords=("m4",)) == \
        ids(tiny, keywords=("m 4",))
    assert ids(tiny, keywords=("m4",)) == ["2020-03-05-moscow", "2020-03-15-patrol"]
    assert ids(tiny, keywords=("joint-patrol",)) == ["2020-03-15-patrol"]


def test_keyword_searches_tags_location_and_actor_aliases(tiny: Store) -> None:
    assert ids(tiny, keywords=("balyun",)) == ["2020-02-27-balyun"]
    assert ids(tiny, keywords=("tsk",)) == ["2020-02-27-balyun", "2020-03-15-patrol"]


def test_repeated_keywords_mean_all_and_commas_any(tiny: Store) -> None:
    assert ids(tiny, keywords=("m4", "ceasefire")) == ["2020-03-05-moscow"]
    assert ids(tiny, keywords=("m4", "balyun")) == []
    assert ids(tiny, keywords=("balyun,ceasefire",)) == ["2020-02-27-balyun",
                                                        "2020-03-05-moscow"]


def test_type_limit_and_reverse(tiny: Store) -> None:
    assert ids(tiny, types=("patrol,talks",)) == ["2020-02-consultations", "2020-03-15-patrol"]
    assert ids(tiny, types=("patrol", "talks")) == ["2020-02-consultations",
                                                    "2020-03-15-patrol"]
    assert ids(tiny, limit=2, reverse=True) == ["2020-04-01-later", "2020-03-15-patrol"]


def test_source_matches_publishers_and_domains(tiny: Store) -> None:
    assert len(ids(tiny, sources=("example",))) == 6
    assert len(ids(tiny, sources=("example.org",))) == 6
    assert ids(tiny, sources=("reuters",)) == []


def test_since_after_until_is_a_usage_error(tiny: Store) -> None:
    with pytest.raises(UsageError, match="--since is after --until"):
        ids(tiny, since="2021", until="2020")


def test_unknown_tag_and_type_suggest(tiny: Store) -> None:
    with pytest.raises(UsageError, match="did you mean balyun"):
        ids(tiny, tags=("balyn",))
    with pytest.raises(UsageError, match="did you mean patrol"):
        ids(tiny, types=("patrl",))


def test_actor_activity_counts_direct_mentions(tiny: Store) -> None:
    activity = actor_activity(tiny.events, tiny.actors)
    assert activity["russia"].events == 3
    assert str(activity["russia"].first) == "2020-02-01"
    assert str(activity["russia"].last) == "2020-03-15"
