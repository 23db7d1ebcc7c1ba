"""Beyond one machine: idlib's JSON Lines load straight into DuckDB (and so into BigQuery or
Spark, which read the same files) with the documented schema."""

from __future__ import annotations

from pathlib import Path

import duckdb

from conftest import idlib

# The stable JSON interface (README, "JSON output"), as a table schema.
SCHEMA = {
    "id": "VARCHAR", "date": "VARCHAR", "start": "DATE", "end": "DATE", "precision": "VARCHAR",
    "approximate": "BOOLEAN", "title": "VARCHAR", "summary": "VARCHAR", "type": "VARCHAR",
    "actors": "STRUCT(id VARCHAR, \"name\" VARCHAR, \"role\" VARCHAR)[]",
    "location": "STRUCT(\"name\" VARCHAR, place VARCHAR)",
    "place": "STRUCT(id VARCHAR, \"name\" VARCHAR, kind VARCHAR, \"within\" VARCHAR, "
             "lat DOUBLE, lon DOUBLE)",
    "figures": "STRUCT(label VARCHAR, \"value\" DOUBLE, qualifier VARCHAR, claimed_by VARCHAR, "
               "source_url VARCHAR, note VARCHAR)[]",
    "sources": "STRUCT(url VARCHAR, publisher VARCHAR, title VARCHAR, published VARCHAR)[]",
    "tags": "VARCHAR[]", "date_note": "VARCHAR", "note": "VARCHAR", "url": "VARCHAR",
}


def test_jsonl_loads_into_duckdb_with_the_documented_schema(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(idlib("events", "--jsonl").out, encoding="utf-8")
    columns = ", ".join(f"'{name}': '{kind}'" for name, kind in SCHEMA.items())
    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE events AS SELECT * FROM read_json('{path}', "
                       f"format = 'newline_delimited', columns = {{{columns}}})")
    total = connection.execute("SELECT count(*) FROM events").fetchone()
    listed = idlib("events", "--fields", "id").out.split()
    assert total is not None and total[0] == len(listed)
    turkey = connection.execute(
        "SELECT count(*) FROM events WHERE list_contains(list_transform(actors, lambda a: a.id), "
        "'turkey')").fetchone()
    direct = [line for line in idlib("events", "--jsonl").out.splitlines()
              if '"id": "turkey"' in line]
    assert turkey is not None and turkey[0] == len(direct)
    by_year = connection.execute(
        "SELECT year(start) AS y, count(*) FROM events GROUP BY y ORDER BY y").fetchall()
    assert by_year[0][0] == 2011 and sum(n for _, n in by_year) == len(listed)
    mapped = connection.execute(
        "SELECT count(*) FROM events WHERE place.lat IS NOT NULL").fetchone()
    assert mapped is not None and mapped[0] > 300
