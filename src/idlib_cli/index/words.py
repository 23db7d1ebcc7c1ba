"""Keywords, answered from the word index: the rows whose folded text holds a needle at a word
start (text.has_words), or anywhere (--substring), found by phrase queries alone.

The index (build.py) holds each event's folded text (text.haystack) as its words, in order. A
keyword matches where its letters, the gaps between words ignored, start at a word start: it
runs over zero or more whole words and ends inside, or at the end of, one more ('ceasefire' in
'… cease fire …', 'm4' in '… m 4 …'). So every way of cutting the needle into words the index
holds, then a last piece taken as a word's beginning, is one phrase query ("cease fire"*), and
their union is exactly the rows that match: nothing to confirm afterwards. A cut is followed
only while its words stand side by side somewhere, so an odd needle costs a few lookups, not
one per way of cutting it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from idlib_cli.dates import parse_edtf
from idlib_cli.model import ActorRef, Event, Source
from idlib_cli.text import name_key

CHUNK = 200  # phrases (or words) per MATCH expression, and words per IN (…)
LONGEST = 200  # needles longer than this (letters, gaps ignored) are not cut into phrases
LOOKUPS = 2000  # side-by-side checks one needle may cost before the caller scans instead


class TooCostly(Exception):
    """This needle would take too many lookups: the caller scans the texts instead."""


class WordIndex:
    """Phrase queries on the `texts_fts` table and its list of `words`."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def rows(self, field: str, needle: str, substring: bool) -> list[int]:
        """Row ids (ascending) whose folded `field` text holds the folded `needle`, as the
        in-memory engine tests it. Raises TooCostly for needles it should not cut up."""
        if substring:
            return self._anywhere(field, needle)
        joined = name_key(needle)  # the letters word_pattern looks for, gaps ignored
        if not joined:
            return []
        if len(joined) > LONGEST:
            raise TooCostly(needle)
        return self._match(field, self._cuts(field, joined))

    # --- at word starts ---------------------------------------------------------------------------

    def _cuts(self, field: str, joined: str) -> list[list[str]]:
        """Every phrase that spells `joined`: whole words, then one word's beginning, the whole
        words standing side by side somewhere in `field`."""
        words = self._words_in(joined)
        found: list[list[str]] = []
        pending: list[tuple[int, list[str]]] = [(0, [])]
        lookups = 0
        while pending:
            start, before = pending.pop()
            found.append([*before, joined[start:]])
            for end in range(start + 1, len(joined)):
                word = joined[start:end]
                if word not in words:
                    continue
                phrase = [*before, word]
                if len(phrase) > 1:
                    lookups += 1
                    if lookups > LOOKUPS:
                        raise TooCostly(joined)
                    if not self._exists(field, phrase):
                        continue
                pending.append((end, phrase))
        return found

    def _words_in(self, joined: str) -> set[str]:
        """The index's words among the pieces of `joined` that could be whole words of a cut
        (every piece but one reaching the end, which may be any word's beginning)."""
        pieces = sorted({joined[start:end] for start in range(len(joined))
                         for end in range(start + 1, len(joined))})
        return set(self._known(pieces))

    def _known(self, pieces: Sequence[str]) -> Iterable[str]:
        for first in range(0, len(pieces), CHUNK):
            chunk = pieces[first:first + CHUNK]
            yield from (word for (word,) in self.db.execute(
                f"SELECT word FROM words WHERE word IN ({', '.join('?' * len(chunk))})", chunk))

    def _exists(self, field: str, phrase: Sequence[str]) -> bool:
        return self.db.execute("SELECT 1 FROM texts_fts WHERE texts_fts MATCH ? LIMIT 1",
                               (f"{field} : {_quoted(phrase)}",)).fetchone() is not None

    # --- anywhere (--substring) -------------------------------------------------------------------

    def _anywhere(self, field: str, needle: str) -> list[int]:
        """`needle in text`: its first piece ends a word (or lies inside one, if it is the only
        piece), the pieces between are whole words, the last piece begins a word."""
        first, *rest = needle.split(" ")
        if not rest:
            words = self._words_where("instr(word, ?) > 0", first)
            return self._match(field, [[word] for word in words], prefix=False)
        words = self._words_where("substr(word, -length(?)) = ?", first, first)
        return self._match(field, [[word, *rest] for word in words])

    def _words_where(self, condition: str, *parameters: str) -> list[str]:
        return [word for (word,) in self.db.execute(
            f"SELECT word FROM words WHERE {condition}", parameters)]

    # --- the queries ------------------------------------------------------------------------------

    def _match(self, field: str, phrases: Sequence[Sequence[str]], *,
               prefix: bool = True) -> list[int]:
        """Rows matching any of `phrases` in `field` (the last word of each a word's beginning
        with `prefix`)."""
        star = "*" if prefix else ""
        found: set[int] = set()
        for first in range(0, len(phrases), CHUNK):
            expression = " OR ".join(_quoted(phrase) + star
                                     for phrase in phrases[first:first + CHUNK])
            (joined,) = self.db.execute(
                "SELECT group_concat(rowid) FROM texts_fts WHERE texts_fts MATCH ?",
                (f"{field} : ({expression})",)).fetchone()
            if joined:
                found.update(map(int, joined.split(",")))
        return sorted(found)


def _quoted(phrase: Sequence[str]) -> str:
    """Words as one FTS5 string: folded words hold no quote, but escape as the syntax says."""
    return '"' + " ".join(phrase).replace('"', '""') + '"'


def record_event(record: dict[str, Any]) -> Event:
    """An event back from its record (records.event_record), with everything its facts are
    made of (query.event_facts), for the engine's slow path."""
    location = record["location"] or {}
    return Event(record["id"], parse_edtf(record["date"]), record["title"], record["summary"],
                 record["type"],
                 tuple(ActorRef(actor["id"], actor["role"]) for actor in record["actors"]),
                 tuple(Source(source["url"], source["publisher"], source["title"],
                              source["published"]) for source in record["sources"]),
                 location.get("name"), location.get("place"), tags=tuple(record["tags"]))
