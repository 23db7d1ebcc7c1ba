"""Generate a synthetic idlib store of N events, deterministically, for benchmarking.

    python benchmarks/generate.py N OUT.json [--seed S] [--builtin PATH] [--no-actors]

The output is a complete store in the format of data/events.json (schema_version 1): it
carries the built-in store's actors, so `idlib events --no-builtin --data OUT.json` works and
`idlib validate --no-builtin OUT.json` reports no problems. (Without --no-builtin, validate
and events see every actor defined twice: once in the built-in store and once here. Use
--no-actors for a store meant to be read on top of the built-in one.)

Events are written one at a time, so even 10^6 events need little memory here.
Standard library only.
"""

from __future__ import annotations

import argparse
import calendar
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BUILTIN = ROOT / "data" / "events.json"
DEFAULT_SEED = 20200305

# Subsets of the vocabularies in src/idlib_cli/model.py (EVENT_TYPES, ACTOR_ROLES,
# FIGURE_QUALIFIERS); `idlib validate` rejects anything else.
EVENT_TYPES = (
    "agreement", "talks", "summit", "statement", "un-resolution", "veto", "offensive", "battle",
    "capture", "airstrike", "attack", "clash", "ceasefire", "military-operation", "deployment",
    "patrol", "withdrawal", "humanitarian", "displacement", "disaster", "political", "casualties",
    "diplomatic-crisis", "assassination", "raid",
)
ROLES = (
    "signatory", "guarantor", "host", "mediator", "participant", "attacker", "target",
    "belligerent", "speaker", "subject", "sponsor", "observer", "claimant", "victim", "author",
)
QUALIFIERS = ("at least", "more than", "about", "up to", "fewer than")

# Events per year in the built-in store (2011-2025), smoothed: the synthetic timeline has the
# same shape, dense in 2019-2020.
YEAR_WEIGHTS = {
    2011: 4, 2012: 9, 2013: 4, 2014: 10, 2015: 15, 2016: 19, 2017: 31, 2018: 20, 2019: 38,
    2020: 52, 2021: 10, 2022: 8, 2023: 14, 2024: 21, 2025: 18,
}
# The actors that turn up most in the real timeline; every other actor gets weight 1.
PROMINENT = {
    "turkey": 12, "russia": 12, "syrian-government": 10, "syrian-arab-army": 10,
    "hayat-tahrir-al-sham": 10, "turkish-armed-forces": 8, "russian-armed-forces": 8,
    "united-nations": 6, "iran": 6, "syrian-national-army": 5, "national-front-for-liberation": 5,
    "recep-tayyip-erdogan": 5, "vladimir-putin": 5, "united-states": 4, "ocha": 4,
}
SEASONS = {21: (3, 3), 22: (6, 3), 23: (9, 3), 24: (12, 3)}

_WORD_TEXT = """
ceasefire offensive airstrike shelling truce agreement talks summit withdrawal deployment
patrol convoy observation post checkpoint frontline village town city district countryside
governorate highway crossing border camp hospital school market bakery displaced civilians
fighters rebels troops forces militia army government opposition delegation ministry envoy
council resolution statement protocol memorandum zone corridor buffer demilitarized
de-escalation escalation negotiation guarantor mediator monitoring violation reports killed
wounded casualties refugees aid humanitarian relief winter flood earthquake rubble shelter
tents food water medical supplies trucks cross-border mechanism renewal vote veto sanctions
drone artillery rocket barrel bomb mortar tank helicopter jet raid ambush assault counterattack
advance retreat recapture siege encirclement surrender evacuation reconciliation amnesty
election administration governance salvation interim coalition faction merger split defection
commander leader spokesman minister president foreign defence security intelligence
investigation inquiry evidence chemical weapons attack chlorine sarin monitors observers
journalists activists rescuers volunteers white helmets aid workers convoy warehouse
power station bridge road motorway m4 m5 hills plain valley river orchard olive farmland
southern northern eastern western rural urban outskirts centre near around along across
after before during despite amid following ahead announced said reported claimed denied
confirmed agreed rejected called urged warned accused demanded pledged signed extended
suspended resumed collapsed held broke launched repelled captured lost entered reached
"""
WORDS = tuple(_WORD_TEXT.split())
PLACES = (
    "Idlib city", "Saraqib", "Maarat al-Numan", "Khan Shaykhun", "Jisr al-Shughur", "Ariha",
    "Sarmada", "Atmeh", "Harem", "Kafr Nabl", "Binnish", "Taftanaz", "Abu al-Duhur",
    "Jabal al-Zawiya", "Bab al-Hawa", "Kafranbel", "Sarmin", "Dana", "Salqin", "Armanaz",
    "Latamina", "Kafr Zita", "Morek", "Qalaat al-Madiq", "Tal Tuqan", "Balyun", "Nayrab",
)
REGIONS = ("Idlib governorate", "Hama governorate", "Aleppo governorate", "Latakia governorate")
PUBLISHERS = (
    "Reuters", "Associated Press", "Agence France-Presse", "Al Jazeera", "BBC News",
    "The Guardian", "Anadolu Agency", "TASS", "SANA", "Syrian Observatory for Human Rights",
    "UN News", "OCHA", "Human Rights Watch", "Amnesty International", "Enab Baladi",
    "Syria Direct", "Middle East Eye", "Al-Monitor", "Crisis Group", "ISW",
)
FIGURE_LABELS = (
    "Civilians killed", "Soldiers killed", "Fighters killed", "People displaced",
    "Airstrikes recorded", "Aid trucks crossed", "Wounded", "Buildings destroyed",
    "Families returned", "Observation posts", "Vehicles in convoy",
)
CLAIMANTS = (
    "Syrian Observatory for Human Rights", "Turkish Ministry of National Defence",
    "Russian Ministry of Defence", "Syrian state media", "OCHA", "White Helmets",
    "Opposition activists", "UN Secretary-General", "Response Coordinators",
)
TAGS = (
    "sochi-memorandum", "astana-process", "m4-highway", "m5-highway", "observation-posts",
    "de-escalation-zone", "humanitarian-access", "cross-border-aid", "chemical-weapons",
    "displacement", "ceasefire-violations", "joint-patrols", "hts-governance", "earthquake",
    "spring-shield", "peace-spring", "dawn-of-idlib", "moscow-protocol", "un-security-council",
    "civilian-casualties", "hospitals", "schools", "refugees", "border-crossings",
)


@dataclass(frozen=True)
class When:
    """A generated date: its EDTF text and the [start, end) days it covers (as idlib reads it)."""

    text: str
    start: date
    end: date


def _month_end(year: int, month: int) -> date:
    index = year * 12 + month  # the month after (year, month), zero-based
    return date(index // 12, index % 12 + 1, 1)


def make_date(rng: random.Random, years: Sequence[int], weights: Sequence[int]) -> When:
    """Mostly days, as in the real timeline; some months, seasons, years, intervals, '~'."""
    year = rng.choices(years, weights)[0]
    month = rng.randint(1, 12)
    day = rng.randint(1, calendar.monthrange(year, month)[1])
    start = date(year, month, day)
    kind = rng.random()
    if kind < 0.70:  # a day, sometimes approximate
        text = start.isoformat() + ("~" if rng.random() < 0.03 else "")
        return When(text, start, start + timedelta(days=1))
    if kind < 0.80:  # a month
        text = f"{year}-{month:02d}" + ("~" if rng.random() < 0.1 else "")
        return When(text, date(year, month, 1), _month_end(year, month))
    if kind < 0.84:  # a season
        code = rng.randint(21, 24)
        first, length = SEASONS[code]
        begin = date(year, first, 1)
        return When(f"{year}-{code}", begin, _month_end(year, first + length - 1))
    if kind < 0.87:  # a year
        text = str(year) + ("~" if rng.random() < 0.2 else "")
        return When(text, date(year, 1, 1), date(year + 1, 1, 1))
    # an interval of days, or now and then of months
    if rng.random() < 0.8:
        last = min(start + timedelta(days=rng.randint(1, 60)), date(2025, 12, 31))
        last = max(last, start)
        approx = "~" if rng.random() < 0.05 else ""
        return When(f"{start.isoformat()}/{last.isoformat()}{approx}", start,
                    last + timedelta(days=1))
    months = rng.randint(1, 8)
    end_index = year * 12 + (month - 1) + months
    end_year, end_month = min(end_index // 12, 2025), end_index % 12 + 1
    if end_year * 12 + end_month <= year * 12 + month:
        end_year, end_month = year, month
    return When(f"{year}-{month:02d}/{end_year}-{end_month:02d}", date(year, month, 1),
                _month_end(end_year, end_month))


def _words(rng: random.Random, low: int, high: int) -> str:
    """Words up to a length drawn from [low, high], never shorter than low or longer than high."""
    target = rng.randint(low, high)
    text = rng.choice(WORDS).capitalize()
    while len(text) < target:
        word = rng.choice(WORDS)
        if len(text) + 1 + len(word) > high:
            break
        text += " " + word
    while len(text) < low:  # pad with short words (callers leave room: high >= low + 5)
        text += " " + rng.choice(("near", "amid", "town", "aid"))
    return text


def _summary(rng: random.Random) -> str:
    target = rng.randint(200, 555)  # the last sentence may run up to 41 characters over
    sentences: list[str] = []
    length = -1  # the joined length: sentences plus the spaces between them
    while length < target:
        sentence = _words(rng, 30, min(140, max(40, target - length - 2))) + "."
        sentences.append(sentence)
        length += len(sentence) + 1
    return " ".join(sentences)


def _slug(text: str, count: int) -> str:
    words = "".join(c if c.isalnum() else " " for c in text.lower()).split()
    return "-".join(words[:count])


def make_event(rng: random.Random, when: When, actor_ids: Sequence[str],
               actor_weights: Sequence[int], seen_ids: set[str]) -> dict[str, Any]:
    title = _words(rng, 40, 90)
    prefix = when.text.split("/")[0].rstrip("~")
    if len(prefix) == 7 and int(prefix[5:]) > 12:  # a season: ids start with the year only
        prefix = prefix[:4]
    base = f"{prefix}-{_slug(title, rng.randint(2, 4))}"
    event_id, suffix = base, 2
    while event_id in seen_ids:
        event_id, suffix = f"{base}-{suffix}", suffix + 1
    seen_ids.add(event_id)

    count = rng.choices((1, 2, 3, 4, 5), (5, 25, 35, 25, 10))[0]
    chosen: list[str] = []
    while len(chosen) < count:
        pick = rng.choices(actor_ids, actor_weights)[0]
        if pick not in chosen:
            chosen.append(pick)
    year = when.start.year
    sources = []
    for index in range(rng.randint(1, 3)):
        publisher = rng.choice(PUBLISHERS)
        source: dict[str, Any] = {
            "url": f"https://example.org/{_slug(publisher, 3)}/{year}/"
                   f"{_slug(title, 3)}-{rng.randint(1000, 999999)}-{index}",
            "publisher": publisher,
            "title": _words(rng, 30, 80),
        }
        if rng.random() < 0.7:
            published = min(when.start + timedelta(days=rng.randint(0, 10)), date(2025, 12, 31))
            source["published"] = published.isoformat()
        sources.append(source)

    event: dict[str, Any] = {
        "id": event_id,
        "date": when.text,
        "title": title,
        "summary": _summary(rng),
        "type": rng.choice(EVENT_TYPES),
        "actors": [{"id": actor_id, "role": rng.choice(ROLES)} for actor_id in chosen],
    }
    if rng.random() < 0.9:
        event["location"] = {"name": f"{rng.choice(PLACES)}, {rng.choice(REGIONS)}"}
    figures = []
    for _ in range(rng.choices((0, 1, 2, 3), (50, 30, 15, 5))[0]):
        figure: dict[str, Any] = {
            "label": rng.choice(FIGURE_LABELS),
            "value": rng.randint(1, 50000),
            "claimed_by": rng.choice(CLAIMANTS),
            "source_url": rng.choice(sources)["url"],
        }
        if rng.random() < 0.4:
            figure["qualifier"] = rng.choice(QUALIFIERS)
        figures.append(figure)
    if figures:
        event["figures"] = figures
    event["sources"] = sources
    tags = rng.sample(TAGS, rng.choices((0, 1, 2, 3, 4), (15, 30, 30, 15, 10))[0])
    if tags:
        event["tags"] = tags
    return event


def generate(count: int, out: Path, seed: int = DEFAULT_SEED, builtin: Path = BUILTIN,
             with_actors: bool = True) -> None:
    """Write a store of `count` events to `out` (atomically: a temporary file, then a rename)."""
    actors: list[dict[str, Any]] = json.loads(builtin.read_text(encoding="utf-8"))["actors"]
    actor_ids = [actor["id"] for actor in actors]
    actor_weights = [PROMINENT.get(actor_id, 1) for actor_id in actor_ids]
    years, weights = list(YEAR_WEIGHTS), list(YEAR_WEIGHTS.values())
    rng = random.Random(seed)
    dates = sorted((make_date(rng, years, weights) for _ in range(count)),
                   key=lambda when: (when.start, when.end))
    seen_ids: set[str] = set()
    head = {"schema_version": 1, "data_version": f"synthetic-{count}-seed{seed}",
            "actors": actors if with_actors else []}
    head_text = json.dumps(head, indent=2, ensure_ascii=False)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with partial.open("w", encoding="utf-8") as stream:
        stream.write(head_text[:-2] + ',\n  "events": [')
        for index, when in enumerate(dates):
            event = make_event(rng, when, actor_ids, actor_weights, seen_ids)
            text = json.dumps(event, indent=2, ensure_ascii=False).replace("\n", "\n    ")
            stream.write(("\n    " if index == 0 else ",\n    ") + text)
        stream.write("\n  ]\n}\n" if dates else "]\n}\n")
    partial.replace(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("count", type=lambda text: int(float(text)),
                        help="number of events (1000, 1e4, ...)")
    parser.add_argument("out", type=Path, help="the store file to write")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--builtin", type=Path, default=BUILTIN,
                        help="the store whose actors to reuse (default: data/events.json)")
    parser.add_argument("--no-actors", action="store_true",
                        help="leave the actors out: a store to read on top of the built-in one")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("count must be zero or more")
    generate(args.count, args.out, args.seed, args.builtin, with_actors=not args.no_actors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
