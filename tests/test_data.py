"""The shipped store: valid, sourced, and holding the claims the project started from."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from idlib_cli.cli import cli
from idlib_cli.model import ACTOR_KINDS, ACTOR_ROLES, EVENT_TYPES
from idlib_cli.store import builtin_store_path, load
from idlib_cli.validate import validate

ROOT = Path(__file__).resolve().parents[1]
STORE = load([])
RAW: dict[str, Any] = json.loads(Path(builtin_store_path()).read_text(encoding="utf-8"))
SCHEMA: dict[str, Any] = json.loads(
    (ROOT / "data" / "schema" / "idlib-store.schema.json").read_text(encoding="utf-8"))


def test_the_shipped_store_passes_validate() -> None:
    assert [str(p) for p in validate([Path(builtin_store_path())])] == []


def test_the_shipped_store_matches_the_published_schema() -> None:
    jsonschema.validate(RAW, SCHEMA)


def test_the_schema_vocabularies_are_the_models() -> None:
    definitions = SCHEMA["$defs"]
    assert set(definitions["event"]["properties"]["type"]["enum"]) == EVENT_TYPES
    assert set(definitions["actorRef"]["properties"]["role"]["enum"]) == ACTOR_ROLES
    assert set(definitions["actor"]["properties"]["kind"]["enum"]) == ACTOR_KINDS


def test_the_store_points_editors_at_the_schema() -> None:
    assert RAW["$schema"] == "./schema/idlib-store.schema.json"
    assert RAW["data_version"]


def test_coverage_is_broad() -> None:
    assert len(STORE.events) >= 200
    assert len(STORE.actors) >= 40
    years = Counter(event.date.start.year for event in STORE.events)
    assert all(years[year] > 0 for year in range(2011, 2026)), years


def test_every_astana_round_is_present() -> None:
    ids = " ".join(event.id for event in STORE.events)
    ordinal = {1: "1st", 2: "2nd", 3: "3rd", 21: "21st", 22: "22nd"}
    for number in range(1, 23):
        assert f"astana-{ordinal.get(number, f'{number}th')}-round" in ids, number


def test_every_event_has_an_http_source_and_every_figure_a_claimant() -> None:
    """A publication date is recorded where the page shows one; some pages don't, and a date
    is never guessed, so most events (not all) have a dated source."""
    for event in STORE.events:
        assert any(s.url.startswith(("https://", "http://")) for s in event.sources), event.id
        for figure in event.figures:
            assert figure.claimed_by.strip(), event.id
    dated = sum(1 for event in STORE.events if any(s.published for s in event.sources))
    assert dated >= 0.9 * len(STORE.events)


def test_no_source_title_is_a_placeholder_and_no_url_carries_tracking() -> None:
    from idlib_cli.sources import url_warnings

    for event in STORE.events:
        for source in event.sources:
            assert source.title is None or not source.title.startswith(("[", "(")), event.id
            assert url_warnings(source.url) == [], (event.id, source.url)


def test_every_astana_round_and_nothing_else_has_the_series_tag() -> None:
    rounds = [e for e in STORE.events if "astana-round" in e.tags]
    assert len(rounds) == 22
    assert {e.type for e in rounds} == {"talks"}


def test_the_gazetteer_covers_the_places_events_name() -> None:
    assert len(STORE.places) >= 80
    linked = [e for e in STORE.events if e.place]
    assert len(linked) >= 0.8 * len(STORE.events)
    saraqib = STORE.places["saraqib"]
    assert saraqib.lat is not None and saraqib.lon is not None and saraqib.within
    assert {"Serakib", "سراقب"} & set(saraqib.aliases)


def test_no_internal_wording_leaks_into_events() -> None:
    for event in RAW["events"]:
        text = " ".join(str(event.get(k, "")) for k in ("title", "summary", "note", "date_note"))
        assert not re.search(r"\bseed\b|\bthread\b|\bour brief\b", text, re.I), event["id"]


# The dated claims of the article the project started from: (id, start, end, actors).
SEED_CLAIMS = [
    ("2014-12-01-putin-visit-ankara", "2014-12-01", "2014-12-01", {"vladimir-putin", "turkey"}),
    ("2017-10-30-astana-7th-round", "2017-10-30", "2017-10-31", {"russia", "turkey", "iran"}),
    ("2018-09-17-sochi-memorandum", "2018-09-17", "2018-09-17",
     {"vladimir-putin", "recep-tayyip-erdogan"}),
    ("2019-spring-clashes-become-offensive", "2019-03-01", "2019-05-31", {"syrian-arab-army"}),
    ("2020-02-turkish-russian-consultations", "2020-02-01", "2020-02-29", {"turkey", "russia"}),
    ("2020-02-27-balyun-airstrike", "2020-02-27", "2020-02-27",
     {"turkish-armed-forces", "syrian-government"}),
    ("2020-02-turkish-military-losses", "2020-02-01", "2020-02-29", {"turkish-armed-forces"}),
    ("2020-03-01-operation-spring-shield", "2020-03-01", "2020-03-01", {"turkish-armed-forces"}),
    ("2020-03-04-turkish-mod-neutralized-claim", "2020-03-04", "2020-03-04",
     {"turkish-ministry-of-defence"}),
    ("2020-03-05-moscow-additional-protocol", "2020-03-05", "2020-03-05",
     {"recep-tayyip-erdogan", "vladimir-putin"}),
    ("2020-03-06-idlib-ceasefire", "2020-03-06", "2020-03-06", {"turkey", "russia"}),
    ("2020-03-05-m4-security-corridor", "2020-03-05", "2020-03-05", {"turkey", "russia"}),
    ("2020-03-15-first-joint-m4-patrol", "2020-03-15", "2020-03-15", {"turkish-armed-forces"}),
]


@pytest.mark.parametrize(("event_id", "start", "end", "actors"), SEED_CLAIMS,
                         ids=[claim[0] for claim in SEED_CLAIMS])
def test_each_seed_claim_is_an_event_with_its_date_and_actors(event_id: str, start: str, end: str,
                                                              actors: set[str]) -> None:
    event = STORE.event(event_id)
    assert (event.date.start.isoformat(), event.date.last.isoformat()) == (start, end)
    assert actors <= {ref.id for ref in event.actors}


def test_disputed_figures_sit_side_by_side_with_their_claimants() -> None:
    losses = STORE.event("2020-02-turkish-military-losses")
    assert len({f.claimed_by for f in losses.figures}) >= 3
    assert losses.note and "60" in losses.note  # the article's 60 stays an attributed claim
    neutralized = STORE.event("2020-03-04-turkish-mod-neutralized-claim")
    claims = {(f.value, f.claimed_by) for f in neutralized.figures}
    assert (3136, "Turkish Ministry of National Defence") in claims
    assert any("SOHR" in who for _, who in claims)


def test_the_protocol_text_points_are_recorded() -> None:
    corridor = STORE.event("2020-03-05-m4-security-corridor").summary
    assert "6 km" in corridor and "M4" in corridor
    ceasefire = STORE.event("2020-03-06-idlib-ceasefire").summary
    assert "00:01" in ceasefire
    patrol = STORE.event("2020-03-15-first-joint-m4-patrol").summary
    assert "Trumba" in patrol


def _ids(*args: str) -> list[str]:
    result = CliRunner().invoke(cli, ["events", *args, "--fields", "id"])
    assert result.exit_code == 0, result.output
    return result.output.split()


def test_ankara_and_turkiye_find_what_turkey_finds() -> None:
    turkey = _ids("--actor", "turkey")
    assert len(turkey) > 50
    assert _ids("--actor", "Ankara") == turkey == _ids("--actor", "Türkiye")


def test_march_2020_holds_the_crisis_and_nothing_outside_it() -> None:
    march = _ids("--since", "2020-03-01", "--until", "2020-03-31")
    for event_id in ("2020-03-01-operation-spring-shield", "2020-03-05-moscow-additional-protocol",
                     "2020-03-06-idlib-ceasefire", "2020-03-15-first-joint-m4-patrol"):
        assert event_id in march
    for event_id in march:
        event = STORE.event(event_id)
        assert event.date.start.isoformat() <= "2020-03-31"
        assert event.date.last.isoformat() >= "2020-03-01"


def test_keyword_erdogan_finds_erdogan_with_the_breve() -> None:
    found = _ids("--keyword", "erdogan")
    assert "2020-03-05-moscow-additional-protocol" in found
    assert any("Erdoğan" in STORE.event(i).summary for i in found)


def test_fast_folding_equals_exact_unicode_folding_on_all_store_text() -> None:
    """text.fold strips combining marks by a regex of the scripts in use; check it against
    unicodedata on every string in the store, so new data in another script is caught."""
    import unicodedata

    from idlib_cli.text import fold

    lookalikes = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ß": "ss", "æ": "ae"})

    invisible = re.compile("[\u00ad\u0640\u180e\u200b-\u200f\u2060-\u2064\ufeff]")

    def exact(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", invisible.sub("", text).casefold())
        kept = "".join(c for c in decomposed if not unicodedata.combining(c))
        return re.sub(r"[\W_]+", " ", kept.translate(lookalikes).lower()).strip()

    def strings(value: Any) -> list[str]:
        if isinstance(value, str):
            return [value]
        items = value.values() if isinstance(value, dict) else value if isinstance(
            value, list) else []
        return [text for item in items for text in strings(item)]

    assert [t for t in strings(RAW) if fold(t) != exact(t)] == []
