"""DuckDB's half of the first-query comparison: read a store file with `read_json`, select
events the way run.py's idlib and jq commands do, and print them as one JSON array.

    python benchmarks/duckdb_query.py FILE --actor ID,ID,... --since DAY --until DAY \\
        --keyword WORD

Every run is one-shot: DuckDB keeps nothing between runs, so its time is what a first query
on a new file costs it. Needs the `duckdb` module (a benchmark-only dependency, in the test
extras); run.py skips DuckDB when its interpreter can't import it.
"""

from __future__ import annotations

import argparse
import os
import sys

# An EDTF date's first day and a text that sorts at or after its last day (run.py's JQ_DEFS
# in SQL): '2020-03-05', '2020-03', '2019', seasons '2019-21'..'2019-24', 'A/B', with '~'.
MACROS = """
CREATE MACRO lo(s) AS CASE
    WHEN length(s) = 4 THEN s || '-01-01'
    WHEN length(s) = 7 AND CAST(s[6:7] AS INTEGER) > 12 THEN s[1:4]
        || CASE s[6:7] WHEN '21' THEN '-03' WHEN '22' THEN '-06' WHEN '23' THEN '-09'
           ELSE '-12' END || '-01'
    WHEN length(s) = 7 THEN s || '-01'
    ELSE s END;
CREATE MACRO hi(s) AS CASE
    WHEN length(s) = 4 THEN s || '-99'
    WHEN length(s) = 7 AND CAST(s[6:7] AS INTEGER) > 12 THEN
        CASE s[6:7] WHEN '24' THEN CAST(CAST(s[1:4] AS INTEGER) + 1 AS VARCHAR) || '-02'
             WHEN '21' THEN s[1:4] || '-05' WHEN '22' THEN s[1:4] || '-08'
             ELSE s[1:4] || '-11' END || '-99'
    WHEN length(s) = 7 THEN s || '-99'
    ELSE s END;
CREATE MACRO span_overlaps(d, since, until) AS
    lo(split_part(replace(d, '~', ''), '/', 1)) < until
    AND hi(reverse(split_part(reverse(replace(d, '~', '')), '/', 1))) >= since;
CREATE MACRO has_word(e, word) AS
    contains(lower(e.title), word) OR contains(lower(e.summary), word)
    OR contains(lower(coalesce(e.location.name, '')), word)
    OR len(list_filter(coalesce(e.tags, []), lambda t: contains(lower(t), word))) > 0;
"""


def quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("file")
    parser.add_argument("--actor", help="comma-separated actor ids: any of them took part")
    parser.add_argument("--since", help="first day, YYYY-MM-DD")
    parser.add_argument("--until", help="the day after the last, YYYY-MM-DD")
    parser.add_argument("--keyword", help="lower-case text in title, summary, place, tags")
    args = parser.parse_args(argv)
    where = ["true"]
    if args.actor:
        ids = ", ".join(quoted(actor) for actor in args.actor.split(","))
        where.append(f"len(list_filter(e.actors, lambda a: a.id IN ({ids}))) > 0")
    if args.since or args.until:
        where.append(f"span_overlaps(e.date, {quoted(args.since or '0000')}, "
                     f"{quoted(args.until or '9999')})")
    if args.keyword:
        where.append(f"has_word(e, {quoted(args.keyword.lower())})")
    import duckdb

    connection = duckdb.connect()
    connection.execute(MACROS)
    size = os.path.getsize(args.file)
    sys.stdout.flush()
    connection.execute(
        f"COPY (SELECT unnest(e) FROM (SELECT unnest(events) AS e FROM read_json("
        f"{quoted(args.file)}, maximum_object_size = {size + 1})) WHERE {' AND '.join(where)}"
        ") TO '/dev/stdout' (FORMAT json, ARRAY true)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
