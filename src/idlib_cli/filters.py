"""The filter registry: every way of selecting events is one entry here.

An entry declares its options (`options.Opt`: names, help, what completes its values), how it
turns their values into a plan (`query.py`'s algebra), and which values a test may try on a
given store. The Click options, the fast path's table, the `Query` every command builds, the
completion and man page, and the engine-agreement tests are all derived from this list, so a
new filter is one entry and its tests.

The rule for lists, the same for every filter: several values in one flag, separated by
commas, mean ANY of them; the flag repeated means ALL of them where an event can have several
(actors, keywords, tags, sources); for what an event has one of (its type, its place),
repeating is the same as a comma.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple, Protocol

from idlib_cli.errors import UsageError
from idlib_cli.model import ACTOR_ROLES, Actor, Place
from idlib_cli.options import Opt
from idlib_cli.query import Has, Plan, Span, Text, all_of, any_of
from idlib_cli.store import NameIndex
from idlib_cli.suggest import hint, shorten
from idlib_cli.text import fold

Values = Mapping[str, Any]


class Vocabulary(Protocol):
    """What building a plan needs to know about the stores being read (both engines give it)."""

    @property
    def actors(self) -> Mapping[str, Actor]: ...

    @property
    def actor_index(self) -> NameIndex: ...

    @property
    def place_index(self) -> NameIndex: ...

    @property
    def places(self) -> Mapping[str, Place]: ...

    def facet_counts(self, facet: str) -> Mapping[str, int]: ...


class Filter(NamedTuple):
    name: str
    options: tuple[Opt, ...]
    build: Callable[[Values, Vocabulary], Plan | None]
    examples: Callable[[Vocabulary], list[dict[str, Any]]]  # option values worth trying


# --- splitting what the user typed ---------------------------------------------------------------

_ITEM = re.compile(r'\s*("([^"]*)"|[^,]*)\s*(?:,|$)')


def items(raw: str, flag: str) -> list[str]:
    """'a, b,"c, d"' -> ['a', 'b', 'c, d']: commas separate alternatives; quotes keep one."""
    found = [(match[2] if match[2] is not None else match[1]).strip()
             for match in _ITEM.finditer(raw) if match[1].strip()]
    if not found or not all(found) or not raw.strip():
        raise UsageError(f"empty {flag}: give a value (see 'idlib events --help')")
    return found


def _groups(values: Sequence[str], flag: str) -> list[list[str]]:
    return [items(raw, flag) for raw in values]


# --- actors, lineage, roles ----------------------------------------------------------------------


def _lineage(actors: Mapping[str, Actor], actor_id: str) -> set[str]:
    """The actor and everything linked to it through `successor_of`, either way."""
    links: dict[str, set[str]] = {}
    for later in actors.values():
        for earlier in later.successor_of:
            links.setdefault(later.id, set()).add(earlier)
            links.setdefault(earlier, set()).add(later.id)
    found, pending = {actor_id}, [actor_id]
    while pending:
        for other in links.get(pending.pop(), ()):
            if other not in found:
                found.add(other)
                pending.append(other)
    return found


def _role(text: str) -> str:
    role = text.strip().lower()
    if role not in ACTOR_ROLES:
        listing = "roles: " + ", ".join(sorted(ACTOR_ROLES))
        raise UsageError(f"unknown role {shorten(text, 40)!r}: "
                         f"{hint(role, ACTOR_ROLES, listing=listing)}")
    return role


def _actor_ids(vocab: Vocabulary, name: str, lineage: bool) -> frozenset[str]:
    index = vocab.actor_index
    actor_id = index.resolve(name)
    roots = _lineage(vocab.actors, actor_id) if lineage else {actor_id}
    return frozenset().union(*(index.with_descendants(root) for root in roots))


def _split_role(item: str) -> tuple[str, str | None]:
    name, colon, role = item.rpartition(":")
    return (name, _role(role)) if colon and name.strip() else (item, None)


def build_actors(values: Values, vocab: Vocabulary) -> Plan | None:
    roles = {_role(r) for raw in values["roles"] for r in items(raw, "--role")}
    if values["lineage"] and not values["actors"]:
        raise UsageError("--lineage widens --actor: give --actor NAME too")
    groups: list[Plan] = []
    for group in _groups(values["actors"], "--actor"):
        alternatives: list[Plan] = []
        for item in group:
            name, role = _split_role(item)
            ids = _actor_ids(vocab, name, values["lineage"])
            wanted = {role} if role else roles
            alternatives.append(Has("actor-role", frozenset(f"{i}:{r}" for i in ids
                                                            for r in wanted)) if wanted
                                else Has("actor", ids))
        groups.append(any_of(alternatives))
    if roles and not values["actors"]:
        groups.append(Has("role", frozenset(roles)))
    return all_of(groups) if groups else None


def actor_examples(vocab: Vocabulary) -> list[dict[str, Any]]:
    ids = sorted(vocab.actor_index.labels)[:40]
    found: list[dict[str, Any]] = [{"actors": (name,)} for name in ids]
    if len(ids) >= 2:
        found += [{"actors": (f"{ids[0]},{ids[1]}",)}, {"actors": (ids[0], ids[-1])},
                  {"actors": (ids[0],), "roles": ("participant,attacker",)},
                  {"actors": (f"{ids[1]}:target",)}, {"actors": (ids[2 % len(ids)],),
                                                      "lineage": True},
                  {"roles": ("signatory",)}]
    return found


ACTOR = Filter("actor", (
    Opt(("--actor", "-a"), "actors", "multi",
        "Who took part: id, name or alias in any case, accents or script (Ankara, Türkiye, HTS, "
        "Россия), with its sub-units. NAME:ROLE keeps only that role.", metavar="NAME",
        complete="actor"),
    Opt(("--lineage",), "lineage", "flag",
        "Widen each --actor to its predecessors and successors (Nusra -> JFS -> HTS)."),
    Opt(("--role",), "roles", "multi", "Only where a selected actor had this role (attacker, "
        "guarantor, …).", metavar="ROLE", complete="role"),
), build_actors, actor_examples)


# --- dates ---------------------------------------------------------------------------------------


def build_dates(values: Values, vocab: Vocabulary) -> Plan | None:
    from idlib_cli.dates import parse_user_date

    since = parse_user_date(values["since"])[0] if values["since"] is not None else None
    until = parse_user_date(values["until"])[1] if values["until"] is not None else None
    if since and until and since >= until:
        raise UsageError("--since is after --until: swap them or widen the range")
    return Span(since, until) if since or until else None


def date_examples(vocab: Vocabulary) -> list[dict[str, Any]]:
    return [{"since": s, "until": u} for s, u in (
        ("2020", None), (None, "2015-06"), ("2019-21", "2020-03"), ("2020-02-27", "2020-03-05"),
        ("5 March 2020", None), ("spring 2019", "Q1 2020"), ("2012", "2012"))]


DATES = Filter("dates", (
    Opt(("--since",), "since", "value", "From this date on: 2020, 2020-03, 2020-03-05, "
        "'5 March 2020', 'spring 2019', 'Q1 2020'.", metavar="DATE"),
    Opt(("--until",), "until", "value", "Up to this date; a month or year covers its last day "
        "too. A range such as 2019-2020 may also go to --since alone.", metavar="DATE"),
), build_dates, date_examples)


# --- words ---------------------------------------------------------------------------------------


def _text_plan(values: Sequence[str], flag: str, field: str, substring: bool) -> Plan | None:
    groups = []
    for group in _groups(values, flag):
        needles = [fold(item) for item in group]
        if not all(needles):
            raise UsageError(f"{flag} {shorten(group[0], 40)!r} has no letters or digits to "
                             "search for")
        groups.append(any_of(Text(field, needle, substring) for needle in needles))
    return all_of(groups) if groups else None


def build_keywords(values: Values, vocab: Vocabulary) -> Plan | None:
    if values["substring"] and not values["keywords"]:
        raise UsageError("--substring changes --keyword: give --keyword TEXT too")
    return _text_plan(values["keywords"], "--keyword", "text", values["substring"])


KEYWORD = Filter("keyword", (
    Opt(("--keyword", "-k"), "keywords", "multi",
        "Words at word starts in title, summary, place, tags or actors' names, in any case, "
        "accents or spelling of gaps (M-4 = M4, cease-fire = ceasefire); \"a b\" is a phrase.",
        metavar="TEXT"),
    Opt(("--substring",), "substring", "flag",
        "Match --keyword anywhere inside words, not only at their starts."),
), build_keywords, lambda vocab: [{"keywords": (k,)} for k in (
    "ceasefire", "m4", "M-4", "astana", "hts", "turk", "erdogan", "is", "un", "cease fire",
    "ceasefire,truce")] + [{"keywords": ("russia", "turkey")},
                           {"keywords": ("rights",), "substring": True}])


def build_sources(values: Values, vocab: Vocabulary) -> Plan | None:
    return _text_plan(values["sources"], "--source", "source", False)


SOURCE = Filter("source", (
    Opt(("--source",), "sources", "multi", "Cited by this publisher or web domain (reuters, "
        "un.org, sohr).", metavar="TEXT"),
), build_sources, lambda vocab: [{"sources": (s,)} for s in ("reuters", "un.org", "tass,afp")])


# --- facets: types, tags -------------------------------------------------------------------------


def _known(vocab: Vocabulary, facet: str, raw_values: Sequence[str], flag: str, what: str,
           listing: str, *, all_of_groups: bool) -> Plan | None:
    known = vocab.facet_counts(facet)
    groups = []
    for group in _groups(raw_values, flag):
        chosen = set()
        for item in group:
            name = item.strip().lower()
            if name not in known:
                raise UsageError(f"unknown {what} {shorten(item, 40)!r}: "
                                 f"{hint(name, known, listing=listing)}")
            chosen.add(name)
        groups.append(Has(facet, frozenset(chosen)))
    if not groups:
        return None
    if all_of_groups:
        return all_of(groups)
    return Has(facet, frozenset().union(*(g.values for g in groups)))


def build_types(values: Values, vocab: Vocabulary) -> Plan | None:
    known = ", ".join(sorted(vocab.facet_counts("type")))
    return _known(vocab, "type", values["types"], "--type", "event type",
                  f"known types: {known}", all_of_groups=False)


TYPE = Filter("type", (
    Opt(("--type", "-t"), "types", "multi", "Only events of this type (see 'idlib types').",
        metavar="TYPE", complete="type"),
), build_types, lambda vocab: [{"types": (t,)} for t in sorted(vocab.facet_counts("type"))[:8]]
    + [{"types": ("talks,summit",)}, {"types": ("talks", "agreement")}])


def build_tags(values: Values, vocab: Vocabulary) -> Plan | None:
    return _known(vocab, "tag", values["tags"], "--tag", "tag", "see 'idlib tags'",
                  all_of_groups=True)


TAG = Filter("tag", (
    Opt(("--tag",), "tags", "multi", "Only events with this tag or series (astana-round, "
        "joint-patrol, …; see 'idlib tags').", metavar="TAG", complete="tag"),
), build_tags, lambda vocab: [{"tags": (t,)} for t in sorted(vocab.facet_counts("tag"))[:12]])


# --- places --------------------------------------------------------------------------------------


def build_places(values: Values, vocab: Vocabulary) -> Plan | None:
    chosen: set[str] = set()
    for group in _groups(values["places"], "--place"):
        for item in group:
            chosen |= vocab.place_index.with_descendants(vocab.place_index.resolve(item))
    return Has("place", frozenset(chosen)) if values["places"] else None


PLACE = Filter("place", (
    Opt(("--place",), "places", "multi", "In this place or a place inside it (Saraqib, "
        "Idleb, سراقب, idlib-governorate).", metavar="PLACE", complete="place"),
), build_places, lambda vocab: [{"places": (p,)} for p in sorted(vocab.places)[:12]])

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)
_LAT_LON = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*,\s*([-+]?\d+(?:\.\d+)?)\s*$")


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) between two (lat, lon) points in degrees."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + \
        math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _origin(text: str, vocab: Vocabulary) -> tuple[float, float]:
    match = _LAT_LON.match(text)
    if match:
        lat, lon = float(match[1]), float(match[2])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise UsageError(f"--near {shorten(text, 40)!r}: latitude must be within -90..90 "
                             "and longitude within -180..180")
        return lat, lon
    if re.fullmatch(r"[\s\d.,+-]+", text):
        raise UsageError(f"--near {shorten(text, 40)!r} is not LAT,LON: write e.g. "
                         "35.8636,36.8006 or a place name")
    place = vocab.places[vocab.place_index.resolve(text)]
    if place.lat is None or place.lon is None:
        raise UsageError(f"place {place.id!r} has no coordinates: give --near LAT,LON")
    return place.lat, place.lon


def _kilometres(text: str | None) -> float:
    if text is None:
        return DEFAULT_WITHIN_KM
    try:
        value = float(text.strip().lower().removesuffix("km"))
    except ValueError:
        raise UsageError(f"--within {shorten(text, 20)!r} is not a distance: give kilometres, "
                         "e.g. --within 15") from None
    if not math.isfinite(value) or value < 0:
        raise UsageError(f"--within {shorten(text, 20)!r}: give a distance of 0 km or more")
    return value


DEFAULT_WITHIN_KM = 10.0


def build_near(values: Values, vocab: Vocabulary) -> Plan | None:
    if values["near"] is None:
        if values["within"] is not None:
            raise UsageError("--within needs --near PLACE or --near LAT,LON")
        return None
    origin, radius = _origin(values["near"], vocab), _kilometres(values["within"])
    inside = frozenset(place.id for place in vocab.places.values()
                       if place.lat is not None and place.lon is not None
                       and distance_km(origin, (place.lat, place.lon)) <= radius)
    return Has("place", inside)


NEAR = Filter("near", (
    Opt(("--near",), "near", "value", "Events at places within --within km of this place or "
        "of LAT,LON (great-circle distance).", metavar="PLACE|LAT,LON", complete="place"),
    Opt(("--within",), "within", "value", f"The distance for --near, in km (default "
        f"{DEFAULT_WITHIN_KM:g}).", metavar="KM"),
), build_near, lambda vocab: [{"near": p, "within": w} for p in sorted(
    pid for pid, place in vocab.places.items() if place.lat is not None)[:6]
    for w in ("5", "40")] + [{"near": "35.8636,36.8006", "within": "25"}])


# --- the registry --------------------------------------------------------------------------------

FILTERS: tuple[Filter, ...] = (ACTOR, DATES, KEYWORD, TYPE, PLACE, NEAR, TAG, SOURCE)


def filter_options() -> tuple[Opt, ...]:
    return tuple(opt for entry in FILTERS for opt in entry.options)


def build_plan(values: Values, vocab: Vocabulary) -> Plan:
    """Every registered filter's part of the plan, all required."""
    return all_of(plan for entry in FILTERS if (plan := entry.build(values, vocab)) is not None)


def describe(entries: Iterable[Filter] = FILTERS) -> list[str]:
    return [flag for entry in entries for opt in entry.options for flag in opt.flags]
