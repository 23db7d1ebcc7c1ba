"""`idlib export` and `idlib cite` as users run them: files, pipes, warnings, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import idlib


def test_export_to_a_file_writes_it_whole_and_says_so(tmp_path: Path) -> None:
    target = tmp_path / "turkey.html"
    ran = idlib("export", "--format", "html", "--actor", "turkey", "-o", str(target))
    assert ran.code == 0 and ran.out == ""
    listed = idlib("events", "--actor", "turkey", "--fields", "id").out.split()
    assert ran.err == f"wrote {len(listed)} events to {target}\n"
    page = target.read_text(encoding="utf-8")
    assert page.lower().startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    assert [p.name for p in tmp_path.iterdir()] == ["turkey.html"]  # no temporary left over


def test_a_failed_export_leaves_the_old_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("previous", encoding="utf-8")
    ran = idlib("export", "--format", "geojson", "--actor", "narnia", "-o", str(target))
    assert ran.code == 2
    assert target.read_text(encoding="utf-8") == "previous"


def test_geojson_on_stdout_counts_what_it_leaves_out() -> None:
    ran = idlib("export", "--format", "geojson", "--tag", "feb-2020-crisis")
    collection = json.loads(ran.out)
    listed = idlib("events", "--tag", "feb-2020-crisis", "--fields", "id").out.split()
    left_out = int(ran.err.split("geojson: ")[1].split()[0]) if ran.err else 0
    assert len(collection["features"]) + left_out == len(listed)
    for feature in collection["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90


@pytest.mark.parametrize("args, phrase", [
    (["export"], "which format?"),
    (["export", "--format", "htm"], "did you mean html?"),
    (["export", "--format", "ics", "-o", "/nonexistent/dir/x.ics"], "no directory"),
    (["cite", "2020-03-05-moscow", "--format", "apa"], "choose bibtex or csl-json"),
    (["cite", "2020-03"], "is the start of"),
])
def test_bad_export_requests_exit_2_with_one_line(args: list[str], phrase: str) -> None:
    ran = idlib(*args)
    assert ran.code == 2 and phrase in ran.err and ran.err.count("\n") == 1


def test_export_to_a_directory_is_refused(tmp_path: Path) -> None:
    ran = idlib("export", "--format", "ics", "-o", str(tmp_path))
    assert ran.code == 2 and "is a directory" in ran.err


def test_cite_takes_id_prefixes_and_both_styles() -> None:
    bib = idlib("cite", "2020-03-05-moscow", "2020-02-27-balyun-airstrike")
    assert bib.code == 0 and bib.out.count("@online{") >= 2
    csl = json.loads(idlib("cite", "2020-03-05-moscow", "--format", "csl-json").out)
    assert csl and all("URL" in item and "accessed" in item for item in csl)


def test_every_export_format_runs_on_a_selection() -> None:
    from idlib_cli.formats import EXPORT_FORMATS

    for name in EXPORT_FORMATS:
        ran = idlib("export", "--format", name, "--tag", "astana-round")
        assert ran.code == 0, (name, ran.err)
        assert ran.out.strip(), name
