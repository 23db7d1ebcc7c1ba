"""The commands, through Click's runner, on the tiny store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from idlib_cli.cli import cli


def test_events_piped_defaults_to_plain_lines(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("events", "--actor", "turkey", "--since", "2020-03", "--until", "2020-03")
    assert result.exit_code == 0
    assert result.output == (
        "2020-03-05\t2020-03-05-moscow\tagreement\trecep-tayyip-erdogan; russia\tMoscow protocol\n"
        "2020-03-15\t2020-03-15-patrol\tpatrol\tturkish-armed-forces; russia\tFirst joint patrol\n"
    )


@pytest.mark.parametrize("name", ["turkey", "Ankara", "Türkiye", "TURKIYE"])
def test_actor_spellings_give_the_same_events(run_cli, name: str) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("events", "--actor", name, "--fields", "id")
    assert result.output.split() == ["2020-02-consultations", "2020-02-27-balyun",
                                     "2020-03-05-moscow", "2020-03-15-patrol"]


def test_json_output_is_an_array_with_every_field(run_cli) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(run_cli("events", "--keyword", "ceasefire", "--json").output)
    assert [item["title"] for item in data] == ["Moscow protocol"]
    assert set(data[0]) >= {"id", "date", "start", "end", "precision", "title", "summary",
                            "type", "actors", "location", "figures", "sources", "tags"}


def test_fields_restrict_json_keys(run_cli) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(run_cli("events", "--json", "--fields", "id,start").output)
    assert data[0] == {"id": "2019-spring-escalation", "start": "2019-03-01"}


def test_empty_result_is_success_with_no_output(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("events", "--keyword", "nothing-like-this")
    assert (result.exit_code, result.output) == (0, "")


def test_unknown_actor_exits_2_with_suggestion(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("events", "--actor", "turky")
    assert result.exit_code == 2
    assert "did you mean turkey?" in result.output


def test_actors_lists_counts_and_dates(run_cli) -> None:  # type: ignore[no-untyped-def]
    rows = json.loads(run_cli("actors", "--json").output)
    russia = next(row for row in rows if row["id"] == "russia")
    assert (russia["events"], russia["first"], russia["last"]) == (3, "2020-02-01", "2020-03-15")


def test_actors_kind_filter(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("actors", "--kind", "military", "--fields", "id")
    assert result.output == "turkish-armed-forces\n"


def test_show_prints_figures_with_claimants_and_sources(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("show", "2020-02-27-balyun")
    assert "figure: soldiers killed: 33, according to Turkey" in result.output
    assert "figure: soldiers killed: at least 34, according to Another" in result.output
    assert "https://example.org/a" in result.output


def test_show_json_is_one_object(run_cli) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(run_cli("show", "2020-02-consultations", "--json").output)
    assert (data["start"], data["end"], data["precision"]) == ("2020-02-01", "2020-02-29", "month")


def test_every_command_has_help_with_examples() -> None:
    runner = CliRunner()
    for name, command in cli.commands.items():
        result = runner.invoke(cli, [name, "-h"])
        assert result.exit_code == 0, name
        assert "Example" in result.output, name
        assert command.help


def test_version_reports_the_event_count() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("idlib ") and " events" in result.output


def test_idlib_data_env_adds_a_store(tiny_path: Path) -> None:
    result = CliRunner().invoke(cli, ["events", "--no-builtin", "--fields", "id", "--limit", "1"],
                                env={"IDLIB_DATA": str(tiny_path)})
    assert result.output == "2019-spring-escalation\n"
