"""Both engines agree by construction: every registered filter, and random combinations of
them, give byte-identical output from the in-memory engine and the prepared index, on stores
generated here (not only on the built-in one). A filter whose plan an engine cannot evaluate
fails here rather than being ignored."""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import query
from idlib_cli.catalog import Catalog, MemoryCatalog
from idlib_cli.errors import UsageError
from idlib_cli.filters import FILTERS
from idlib_cli.index import open_index
from idlib_cli.model import ACTOR_ROLES, EVENT_TYPES
from idlib_cli.query import Query
from idlib_cli.store import load

WORDS = ["cease-fire", "ceasefire", "M-4", "M4", "Erdoğan", "Türkiye", "HTS-led", "rights",
         "al-Nusra", "Saraqib", "سراقب", "Hay'at", "is", "Islamic", "un", "united", "m 4", "x"]
PUBLISHERS = [("Reuters", "https://www.reuters.com/a"), ("UN News", "https://news.un.org/b"),
              ("TASS", "https://tass.com/c"), ("Cyprus Mail (Reuters)", "https://cyprus-mail.com/d")]


def generated_store(seed: int, size: int) -> dict[str, Any]:
    """A random but valid store: actor trees and lineages, places with and without
    coordinates, fuzzy dates of every precision, words that fold alike."""
    rng = random.Random(seed)
    actors = []
    for n in range(12):
        parent = f"actor-{rng.randrange(n)}" if n and rng.random() < 0.4 else None
        actor: dict[str, Any] = {"id": f"actor-{n}", "name": f"Actor {n} {rng.choice(WORDS)}",
                                 "kind": "state", "aliases": [f"Alias{n}"]}
        if parent:
            actor["parent"] = parent
        if n and rng.random() < 0.3:
            actor["successor_of"] = [f"actor-{rng.randrange(n)}"]
        actors.append(actor)
    places = [{"id": "region", "name": "Region", "kind": "governorate"}]
    for n in range(8):
        place: dict[str, Any] = {"id": f"place-{n}", "name": f"Place {n}", "kind": "town",
                                 "within": "region" if n % 3 else f"place-{max(0, n - 1)}"
                                 if n else "region", "aliases": [rng.choice(WORDS) + str(n)]}
        if rng.random() < 0.8:
            place |= {"lat": round(35.5 + rng.random(), 5), "lon": round(36.3 + rng.random(), 5)}
        places.append(place)
    dates = ["2019", "2019-21", "2019-24", "2020-02", "2020-02-27", "2020-03-05",
             "2020-02-01/2020-03-05", "2019-12~", "2018-05-14", "2021"]
    events = []
    for n in range(size):
        publisher, url = rng.choice(PUBLISHERS)
        event: dict[str, Any] = {
            "id": f"2019-event-{n}", "date": rng.choice(dates),
            "title": " ".join(rng.choice(WORDS) for _ in range(3)),
            "summary": " ".join(rng.choice(WORDS) for _ in range(6)),
            "type": rng.choice(sorted(EVENT_TYPES)[:6]),
            "actors": [{"id": f"actor-{a}", "role": rng.choice(sorted(ACTOR_ROLES)[:5])}
                       for a in rng.sample(range(12), rng.randint(1, 3))],
            "sources": [{"url": f"{url}/{n}", "publisher": publisher}],
            "tags": rng.sample(["astana-round", "m4", "joint-patrol", "ceasefire"],
                               rng.randint(0, 2)),
        }
        if rng.random() < 0.8:
            where = rng.choice(places)
            event["location"] = {"name": where["name"], "place": where["id"]}
        event["id"] = f"{event['date'][:4]}-event-{n}"
        events.append(event)
    return {"schema_version": 1, "actors": actors, "places": places, "events": events}


def printed(catalog: Catalog, chosen: Query) -> list[bytes]:
    return [bytes(text) for batch in catalog.json_batches(chosen) for text in batch]


def both(seed: int, size: int = 60) -> tuple[Catalog, Catalog]:
    folder = Path(tempfile.mkdtemp(prefix="idlib-engines-"))
    path = folder / "store.json"
    path.write_text(json.dumps(generated_store(seed, size), ensure_ascii=False), "utf-8")
    return MemoryCatalog(load([path], include_builtin=False)), open_index([path])


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("entry", FILTERS, ids=[entry.name for entry in FILTERS])
def test_every_filter_gives_the_same_bytes_from_both_engines(seed: int, entry: Any) -> None:
    memory, indexed = both(seed)
    examples = entry.examples(memory)
    assert examples, f"filter {entry.name} offers no values to test"
    tried = 0
    for example in examples:
        try:
            chosen = query(memory, **example)
        except UsageError:
            continue  # e.g. a tag this generated store doesn't use
        tried += 1
        assert printed(indexed, chosen) == printed(memory, chosen), example
        assert indexed.count_matching(chosen) == memory.count_matching(chosen), example
    assert tried, f"no example of {entry.name} could be tried"


ALL_EXAMPLES = [(entry.name, example) for entry in FILTERS
                for example in entry.examples(both(1, 5)[0])]


@given(st.integers(1, 10**6), st.lists(st.sampled_from(ALL_EXAMPLES), min_size=2, max_size=4),
       st.none() | st.integers(1, 20), st.booleans())
@settings(max_examples=60, deadline=None)
def test_random_combinations_agree(seed: int, picked: list[tuple[str, dict[str, Any]]],
                                   limit: int | None, reverse: bool) -> None:
    memory, indexed = both(seed, 40)
    given_values: dict[str, Any] = {}
    for _, example in picked:
        given_values |= example
    try:
        chosen = query(memory, **given_values, limit=limit, reverse=reverse)
    except UsageError:
        return
    assert printed(indexed, chosen) == printed(memory, chosen)


def test_the_keyword_property_holds_on_generated_text() -> None:
    """Every event -k WORD returns has WORD at a word start of its folded text, gaps ignored."""
    import re

    from idlib_cli.query import searchable_text
    from idlib_cli.text import name_key

    memory, _ = both(7, 120)
    assert isinstance(memory, MemoryCatalog)
    for word in WORDS:
        found = list(memory.search(query(memory, keywords=(word,))))
        pattern = re.compile(" " + " ?".join(map(re.escape, name_key(word))))
        for record in found:
            text = searchable_text(memory.actors, memory.store.event(record["id"]),
                                   memory.places)
            assert pattern.search(text), (word, record["id"])
    assert not list(memory.search(query(memory, keywords=("ights",))))  # inside "rights"


def test_near_returns_only_events_within_the_distance() -> None:
    from idlib_cli.filters import distance_km

    memory, indexed = both(11, 120)
    origin = memory.places["place-1"]
    if origin.lat is None:
        origin = next(p for p in memory.places.values() if p.lat is not None)
    for radius in ("5", "30", "80"):
        chosen = query(memory, near=origin.id, within=radius)
        records = list(memory.search(chosen))
        assert printed(indexed, chosen) == printed(memory, chosen)
        for record in records:
            place = record["place"]
            assert place["lat"] is not None
            assert distance_km((origin.lat, origin.lon), (place["lat"], place["lon"])) \
                <= float(radius)
