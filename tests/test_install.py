"""A real, non-editable install: the wheel carries the store and works from any directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel and install it, without dependencies, into a folder of its own."""
    work = tmp_path_factory.mktemp("install")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                            str(work / "dist"), str(ROOT)], capture_output=True, text=True,
                           timeout=300)
    if build.returncode != 0:
        pytest.fail(f"wheel build failed: {build.stderr[-2000:]}")
    wheel = next((work / "dist").glob("idlib_cli-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        assert "idlib_cli/data/events.json" in archive.namelist()
    target = work / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True, capture_output=True, timeout=300)
    return target


def run_installed(target: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # The installed copy first on the path: the source tree must not be what answers.
    env = {**os.environ, "PYTHONPATH": str(target), "IDLIB_DATA": ""}
    return subprocess.run([sys.executable, "-m", "idlib_cli", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=60)


def test_installed_tool_answers_from_another_directory(installed: Path, tmp_path: Path) -> None:
    where = run_installed(installed, tmp_path, "--version")
    assert where.returncode == 0, where.stderr
    probe = subprocess.run([sys.executable, "-c", "import idlib_cli; print(idlib_cli.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path,
                           env={**os.environ, "PYTHONPATH": str(installed)})
    assert probe.stdout.startswith(str(installed))
    result = run_installed(installed, tmp_path, "events", "--actor", "turkey", "--json")
    assert result.returncode == 0, result.stderr
    assert any(e["id"] == "2020-03-05-moscow-additional-protocol"
               for e in json.loads(result.stdout))


def test_installed_store_refuses_to_be_written(installed: Path, tmp_path: Path) -> None:
    store = installed / "idlib_cli" / "data" / "events.json"
    before = store.read_bytes()
    result = run_installed(installed, tmp_path, "add", "--to", str(store), "--title", "x")
    assert result.returncode == 2 and "read-only" in result.stderr
    assert store.read_bytes() == before
