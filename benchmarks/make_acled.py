"""Write a deterministic, synthetic ACLED-shaped CSV of N rows, for benchmarking the importer.

    python benchmarks/make_acled.py N OUT.csv [--seed S] [--revision R]

The columns are those of ACLED's codebook (see src/idlib_cli/importers/acled.py); the content
is invented: made-up villages in a box around Idlib, ACLED-style actor names, the codebook's
event types, notes that say they are synthetic. Nothing of ACLED's data is used or shipped.

Row i depends only on (seed, i, revision), so a larger N extends a smaller one: to imitate a
newer export, write N2 > N rows with `--revision 1`; its first N rows keep their event ids, and
about one in ten of them has a new fatality count, note and timestamp (an "update"), while
rows N..N2 are new events. Some notes hold commas, quotes and line breaks, as real ones do.
Rows are written one at a time, so memory stays flat at any N. Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import TextIO

COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
)
FIRST_DAY, DAYS = date(2017, 1, 1), 2922  # 2017-2024
# (event type, sub-event type, disorder type, weight)
EVENTS = (
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "Political violence", 30),
    ("Explosions/Remote violence", "Air/drone strike", "Political violence", 20),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", "Political violence", 4),
    ("Battles", "Armed clash", "Political violence", 20),
    ("Battles", "Government regains territory", "Political violence", 2),
    ("Battles", "Non-state actor overtakes territory", "Political violence", 1),
    ("Violence against civilians", "Attack", "Political violence", 6),
    ("Violence against civilians", "Abduction/forced disappearance", "Political violence", 2),
    ("Protests", "Peaceful protest", "Demonstrations", 6),
    ("Riots", "Violent demonstration", "Demonstrations", 1),
    ("Strategic developments", "Looting/property destruction", "Strategic developments", 2),
    ("Strategic developments", "Headquarters or base established", "Strategic developments", 1),
    ("Strategic developments", "Arrests", "Strategic developments", 2),
    ("Strategic developments", "Agreement", "Strategic developments", 1),
    ("Strategic developments", "Disrupted weapons use", "Strategic developments", 2),
)
WEIGHTS = [event[3] for event in EVENTS]
# (name, inter code): names in ACLED's style, invented or generic.
ARMED = (
    ("Military Forces of Syria (2000-)", "1"), ("Military Forces of Russia (2000-)", "8"),
    ("Military Forces of Turkey (2016-)", "8"), ("Hayat Tahrir al-Sham", "2"),
    ("NLF: National Front for Liberation", "2"), ("Syrian National Army", "2"),
    ("Unidentified Armed Group (Syria)", "3"), ("Islamic State (Syria)", "2"),
)
OTHERS = (("Civilians (Syria)", "7"), ("Protesters (Syria)", "6"), ("Rioters (Syria)", "5"))
ASSOCIATES = ("", "", "", "Women (Syria)", "Health Workers (Syria)", "Journalists (Syria)",
              "Local Militia (Synthetic)")
PREFIXES = ("Kafr", "Tell", "Ain", "Deir", "Khirbet", "Maarat", "Jabal", "Tal", "Bab", "Qasr")
ROOTS = ("Nuba", "Haleb", "Sharqi", "Bayda", "Jadida", "Kabira", "Saghira", "Hamra", "Zeitun",
         "Ruzza", "Tufah", "Rumman", "Hawa", "Nahr", "Suq", "Batin", "Qamh", "Shams", "Warda")
DISTRICTS = ("Idleb", "Ariha", "Jisr-Ash-Shugur", "Harim", "Al Ma'ra")


def villages() -> list[tuple[str, str, float, float]]:
    """(name, district, lat, lon): invented places in a box around Idlib, fixed forever."""
    rng = random.Random(1)
    found: list[tuple[str, str, float, float]] = []
    for prefix in PREFIXES:
        for root in ROOTS:
            found.append((f"{prefix} {root}", rng.choice(DISTRICTS),
                          round(rng.uniform(35.4, 36.4), 4), round(rng.uniform(36.2, 37.1), 4)))
    return found


VILLAGES = villages()
# geo_precision 3: the codebook's "provincial capital" case; one invented seat per district.
SEATS = {district: (district, round(35.5 + i * 0.15, 4), round(36.4 + i * 0.12, 4))
         for i, district in enumerate(DISTRICTS)}


def row(index: int, seed: int, revision: int) -> list[str]:
    """Row `index` of the export: a function of (seed, index, revision) only."""
    rng = random.Random(seed * 1_000_003 + index)
    event_type, sub_type, disorder, _ = rng.choices(EVENTS, weights=WEIGHTS)[0]
    day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    precision = rng.choices(("1", "2", "3"), weights=(85, 10, 5))[0]
    actor1, inter1 = rng.choice(ARMED if disorder != "Demonstrations" else OTHERS)
    actor2, inter2 = ("", "") if sub_type in ("Air/drone strike", "Peaceful protest") else \
        rng.choice(OTHERS[:1] if event_type == "Violence against civilians" else ARMED)
    name, district, lat, lon = rng.choice(VILLAGES)
    geo_precision = rng.choices(("1", "2", "3"), weights=(80, 15, 5))[0]
    if geo_precision == "3":
        name, lat, lon = SEATS[district]
    fatalities = int(rng.paretovariate(1.6)) - 1 if disorder == "Political violence" else 0
    changed = revision > 0 and random.Random(seed + revision * 7919 + index).random() < 0.1
    if changed:
        fatalities += revision
    notes = f"On {day:%d %B %Y}, {actor1} reported in {name} ({sub_type.lower()})."
    if index % 50 == 0:
        notes += ' A "quoted" claim,\nwith a line break.'
    notes += f" [synthetic benchmark row{f', revision {revision}' if changed else ''}]"
    interaction = "".join(sorted(filter(None, (inter1, inter2)))) or inter1
    return [
        f"SYR{100000 + index}", day.isoformat(), str(day.year), precision, disorder, event_type,
        sub_type, actor1, rng.choice(ASSOCIATES), inter1, actor2,
        rng.choice(ASSOCIATES) if actor2 else "", inter2, interaction,
        "Civilian targeting" if event_type == "Violence against civilians" else "", "760",
        "Middle East", "Syria", "Idleb", district, f"{district} Subdistrict", name, f"{lat:.4f}",
        f"{lon:.4f}", geo_precision,
        "Synthetic Monitor; Synthetic Wire", "National-International", notes, str(fatalities),
        "", str(1_600_000_000 + index * 60 + (revision * 86_400 if changed else 0)),
    ]


def rows(count: int, seed: int, revision: int) -> Iterator[list[str]]:
    for index in range(count):
        yield row(index, seed, revision)


def write(out: TextIO, count: int, seed: int = 20200305, revision: int = 0) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows(count, seed, revision))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="number of rows")
    parser.add_argument("out", help="output CSV path, or - for stdout")
    parser.add_argument("--seed", type=int, default=20200305)
    parser.add_argument("--revision", type=int, default=0,
                        help="0 for a first export; 1, 2, ... for newer ones (see above)")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("count must be 0 or more")
    if args.out == "-":
        write(sys.stdout, args.count, args.seed, args.revision)
    else:
        with open(args.out, "w", encoding="utf-8", newline="") as out:
            write(out, args.count, args.seed, args.revision)
    return 0


if __name__ == "__main__":
    sys.exit(main())
