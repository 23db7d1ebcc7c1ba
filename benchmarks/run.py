"""Benchmark idlib against bare Python and jq; print the results as Markdown tables.

    python benchmarks/run.py [--quick] [--sizes 1000,10000,...] [--runs 10] [--reference-runs N]
                             [--timeout 120] [--prepare-timeout S] [--no-startup]
                             [--idlib PATH] [--python PATH] [--jq PATH]

Every command runs as a child process with stdout to /dev/null, timed with time.perf_counter
around the spawn and the wait; its peak RSS is the ru_maxrss that os.wait4 reports for it.
Commands are spawned by spawner.py, a lean helper process, so that the harness's own memory
does not leak into the children's ru_maxrss. The commands of a case run in turns
(a, b, c, a, b, c, ...), so their ratios come from the same conditions.
Progress goes to stderr; the tables go to stdout. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import FrameType

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BUILTIN = ROOT / "data" / "events.json"
CACHE = HERE / "out"
VENV = ROOT / ".venv" / "bin"

QUICK_SIZES = (1000, 10000)
FULL_SIZES = (1000, 10000, 100000)
ACTOR = "turkey"
SINCE, UNTIL = "2020-02", "2020-03"
SINCE_DAY, UNTIL_DAY = "2020-02-01", "2020-04-01"  # the same period: [first day, end)
KEYWORD = "ceasefire"

# jq's half of the comparison. `lo` and `hi` turn an EDTF date ("2020-03-05", "2020-03",
# "2019", "2019-21".."2019-24", "A/B", with "~") into its first day and a string that sorts
# at or after its last day, so that string comparisons tell whether the event overlaps
# [since, until), as `idlib events --since/--until` does.
JQ_DEFS = """
def lo: if length == 4 then . + "-01-01"
  elif length == 7 then (if (.[5:7] | tonumber) > 12
    then .[0:4] + {"21": "-03", "22": "-06", "23": "-09", "24": "-12"}[.[5:7]] + "-01"
    else . + "-01" end)
  else . end;
def hi: if length == 4 then . + "-99"
  elif length == 7 then (if (.[5:7] | tonumber) > 12
    then (if .[5:7] == "24" then ((.[0:4] | tonumber) + 1 | tostring) + "-02"
          else .[0:4] + {"21": "-05", "22": "-08", "23": "-11"}[.[5:7]] end) + "-99"
    else . + "-99" end)
  else . end;
def overlaps($since; $until): (.date | split("~") | join("") | split("/")) as $p
  | ($p[0] | lo) < $until and ($p[-1] | hi) >= $since;
def has_word($word): any(.title, .summary, (.location.name // ""), (.tags // [])[];
  test($word; "i"));
"""


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- running commands ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    seconds: float
    rss_kib: int
    failure: str | None = None  # "timeout" or "exit N"; None when the command succeeded
    stderr: str = ""
    limit: float = 0.0  # the timeout it ran under


class Spawner:
    """spawner.py, the lean process that runs each command (see there for why)."""

    def __init__(self) -> None:
        self.scratch = tempfile.TemporaryDirectory(prefix="idlib-bench-")
        self.stderr = Path(self.scratch.name) / "stderr"
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-S", str(HERE / "spawner.py")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def run(self, argv: Sequence[str], timeout: float, output: Path | None = None,
            env: dict[str, str] | None = None) -> Sample:
        """Run argv once with stdout to /dev/null (or to `output`), and measure it."""
        assert self.process.stdin is not None and self.process.stdout is not None
        job = {"argv": list(argv), "stdout": str(output or os.devnull),
               "stderr": str(self.stderr), "timeout": timeout, "env": env or {}}
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        reply = json.loads(self.process.stdout.readline())
        stderr = reply.get("error") or self.stderr.read_text("utf-8", "replace").strip()
        failure = None
        if reply["timed_out"]:
            failure = "timeout"
        elif reply["status"] != 0:
            failure = f"exit {reply['status']}"
        return Sample(reply["seconds"], reply["maxrss_kib"], failure, stderr, timeout)

    def close(self, *, stop: bool = False) -> None:
        """Let the spawner finish and exit; with `stop`, end it and its command now."""
        if stop:
            self.process.terminate()
        if self.process.stdin is not None:
            with contextlib.suppress(BrokenPipeError):
                self.process.stdin.close()
        self.process.wait()
        self.scratch.cleanup()


@dataclass
class Command:
    label: str
    argv: tuple[str, ...]
    check: bool = True  # count the records its first run prints (JSON array output only)
    reference: bool = False  # jq: its timed runs may be capped by --reference-runs
    fresh: bool = False  # its first run gets an empty cache of its own (not the case's)
    first: Sample | None = None
    samples: list[Sample] = field(default_factory=list)
    records: int | None = None

    @property
    def failure(self) -> str | None:
        return next((s.failure for s in (self.first, *self.samples) if s and s.failure), None)

    @property
    def times(self) -> list[float]:
        return [sample.seconds for sample in self.samples]

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.samples and not self.failure else None

    @property
    def first_rss_kib(self) -> int | None:
        """The first run's peak RSS; up to the kill if it timed out (then a lower bound)."""
        if self.first is None or self.first.failure not in (None, "timeout"):
            return None
        return self.first.rss_kib

    @property
    def rss_kib(self) -> int | None:
        """The highest peak RSS of the timed runs."""
        rss = [sample.rss_kib for sample in self.samples if not sample.failure]
        return max(rss) if rss else None


def count_records(path: Path) -> int | None:
    """How many values the JSON array in `path` holds; read piece by piece, as it may be huge.

    None if the file does not hold one JSON array.
    """
    decoder = json.JSONDecoder()
    count, pos, buffer, opened = 0, 0, "", False
    with path.open(encoding="utf-8") as stream:
        while True:
            while pos < len(buffer) and buffer[pos] in " \t\r\n,":
                pos += 1
            if pos == len(buffer):
                buffer, pos = stream.read(1 << 20), 0
                if not buffer:
                    return None  # no closing "]"
            elif not opened:
                if buffer[pos] != "[":
                    return None
                opened, pos = True, pos + 1
            elif buffer[pos] == "]":
                return count
            else:
                try:
                    _, pos = decoder.raw_decode(buffer, pos)
                    count += 1
                except json.JSONDecodeError:  # a value cut at the end of the buffer: read on
                    more = stream.read(1 << 20)
                    if not more:
                        return None
                    buffer, pos = buffer[pos:] + more, 0


def warm(path: Path) -> None:
    """Read a file once, so that the first command to read it finds it in the page cache."""
    with path.open("rb") as stream:
        while stream.read(1 << 23):
            pass


@dataclass
class Bench:
    """The settings of this run, and the spawner that runs the commands."""

    idlib: str
    python: str
    jq: str
    runs: int
    reference_runs: int  # timed runs of jq at most (it takes minutes per run at 10^6)
    timeout: float
    prepare_timeout: float  # for the first runs
    spawner: Spawner
    duckdb: str | None = None  # the interpreter that runs duckdb_query.py; None: no DuckDB
    floor_kib: int = 0
    cache_bytes: int = 0  # what idlib's cache folder held after the last case's first runs

    def measure(self, commands: Sequence[Command]) -> None:
        """One first run of each command (timed apart), then `runs` timed runs in turns.

        The case gets a fresh, empty cache directory: whatever idlib prepares on first use is
        prepared during these first runs, and is gone afterwards.
        """
        with tempfile.TemporaryDirectory(prefix="idlib-bench-") as scratch:
            cache = Path(scratch) / "cache"
            env = {"XDG_CACHE_HOME": str(cache), "IDLIB_CACHE_DIR": str(cache / "idlib")}
            shared = False  # the case's cache has been prepared by a first run
            for index, command in enumerate(commands):
                output = Path(scratch) / f"{index}.json" if command.check else None
                note(f"  first run: {command.label} ...")
                own = Path(scratch) / f"fresh-{index}"
                first_env = env
                if command.fresh and shared:  # as if it were the first query on the file
                    first_env = {"XDG_CACHE_HOME": str(own), "IDLIB_CACHE_DIR": str(own / "c")}
                shared = shared or command.fresh
                command.first = self.spawner.run(command.argv, self.prepare_timeout, output,
                                                 first_env)
                shutil.rmtree(own, ignore_errors=True)
                if output is not None and not command.first.failure:
                    command.records = count_records(output)
                    output.unlink()
                found = "" if command.records is None else f", {command.records} results"
                note(f"    {self.describe(command.first)}{found}")
            self.cache_bytes = folder_bytes(cache)
            note(f"  cache folder: {self.cache_bytes / 1024**2:.1f} MiB")
            for run in range(self.runs):
                done = []
                for command in commands:
                    capped = command.reference and run >= self.reference_runs
                    if command.failure is None and not capped:
                        sample = self.spawner.run(command.argv, self.timeout, env=env)
                        command.samples.append(sample)
                        done.append(self.describe(sample))
                note(f"  run {run + 1}/{self.runs}: {'; '.join(done)}")

    # formatting -------------------------------------------------------------------------------

    def describe(self, sample: Sample) -> str:
        return self.failed(sample) or f"{seconds(sample.seconds)}, {self.rss(sample.rss_kib)}"

    def rss(self, kib: int | None) -> str:
        if kib is None:
            return "–"
        if kib <= self.floor_kib * 1.02:
            return f"≤ {self.floor_kib / 1024:.1f} MiB (floor)"
        return f"{kib / 1024:.1f} MiB"

    def first_rss(self, command: Command) -> str:
        cell = self.rss(command.first_rss_kib)
        killed = command.first is not None and command.first.failure == "timeout"
        return f"≥ {cell} (at kill)" if killed else cell

    def failed(self, sample: Sample | None) -> str | None:
        if sample is None or not sample.failure:
            return None
        if sample.failure == "timeout":
            return f"timeout (> {sample.limit:g} s)"
        return f"error ({sample.failure})"

    def first_cell(self, command: Command) -> str:
        if command.first is None:
            return "–"
        return self.failed(command.first) or seconds(command.first.seconds)

    def median_cell(self, command: Command) -> str:
        failed = next((s for s in (command.first, *command.samples) if s and s.failure), None)
        return self.failed(failed) or seconds(command.median)


def folder_bytes(folder: Path) -> int:
    """The bytes of the files under `folder` (idlib's index and records files)."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def times(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def ratio(a: Command, b: Command) -> float | None:
    return a.median / b.median if a.median is not None and b.median else None


def spread(command: Command) -> str:
    if command.failure or not command.samples:
        return "–"
    return f"{seconds(min(command.times))} – {seconds(max(command.times))}"


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def verdict(value: float | None, limit: float) -> str:
    if value is None:
        return "not measured"
    return "met" if value <= limit else "**missed**"


# --- the stores ---------------------------------------------------------------------------------


def builtin_actors() -> list[dict[str, str]]:
    actors: list[dict[str, str]] = json.loads(BUILTIN.read_text(encoding="utf-8"))["actors"]
    return actors


def actor_family(actor_id: str) -> list[str]:
    """The actor and its descendants, as `--actor` selects them."""
    children: dict[str, list[str]] = {}
    for actor in builtin_actors():
        if actor.get("parent"):
            children.setdefault(actor["parent"], []).append(actor["id"])
    found, pending = [actor_id], [actor_id]
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in found:
                found.append(child)
                pending.append(child)
    return found


def store_file(size: int, python: str) -> Path:
    """The cached store of `size` events; generated if missing or if its inputs changed."""
    key = hashlib.sha256(json.dumps(builtin_actors(), sort_keys=True).encode()
                         + (HERE / "generate.py").read_bytes()).hexdigest()[:10]
    path = CACHE / f"events-{size}-{key}.json"
    if not path.exists():
        for stale in CACHE.glob(f"events-{size}-*.json"):  # from older actors or generator
            stale.unlink()
        note(f"generating {path.relative_to(ROOT)} ...")
        start = time.perf_counter()
        subprocess.run([python, str(HERE / "generate.py"), str(size), str(path)], check=True)
        note(f"  done in {time.perf_counter() - start:.1f} s")
    return path


def jq_select(where: str) -> str:
    return f"{JQ_DEFS}\n[.events[] | select({where})]"


def jq_actor(family: Sequence[str]) -> str:
    return "any(.actors[]; " + " or ".join(f".id == {json.dumps(i)}" for i in family) + ")"


# --- the cases ----------------------------------------------------------------------------------


@dataclass
class Startup:
    commands: list[Command]  # python, idlib --json, idlib --table, jq

    @property
    def json_ratio(self) -> float | None:
        return ratio(self.commands[1], self.commands[0])

    @property
    def table_ratio(self) -> float | None:
        return ratio(self.commands[2], self.commands[0])


def startup(bench: Bench, family: Sequence[str]) -> Startup:
    return Startup([
        Command("`python -c pass`", (bench.python, "-c", "pass"), check=False),
        Command("`idlib events --actor turkey --json`",
                (bench.idlib, "events", "--actor", ACTOR, "--json")),
        Command("`idlib events --actor turkey --table`",
                (bench.idlib, "events", "--actor", ACTOR, "--table"), check=False),
        Command("`jq` (same select)", (bench.jq, jq_select(jq_actor(family)), str(BUILTIN)),
                reference=True),
    ])


def startup_table(bench: Bench, result: Startup) -> list[str]:
    python, as_json, as_table, jq = result.commands
    limits = {as_json.label: 4.0, as_table.label: 8.0}
    rows = []
    for command in result.commands:
        limit = limits.get(command.label)
        to_python = ratio(command, python)
        rows.append([command.label, bench.first_cell(command), bench.median_cell(command),
                     spread(command), bench.rss(command.rss_kib), times(to_python),
                     times(ratio(command, jq)),
                     "–" if command.records is None else str(command.records),
                     f"≤ {limit:g}× python: {verdict(to_python, limit)}" if limit else ""])
    return [
        f"## Start-up: built-in store ({BUILTIN.stat().st_size / 1024:.0f} KiB)",
        "",
        table(["command", "first run", "median", "min – max", "peak RSS", "÷ python", "÷ jq",
               "results", "target"], rows),
    ]


@dataclass
class Scale:
    path: Path
    size: int
    file_bytes: int
    queries: list[tuple[str, Command, Command]]  # (name, idlib, jq)
    duckdb: list[Command] = field(default_factory=list)  # one per query, if DuckDB is run
    cache_bytes: int = 0  # idlib's cache folder after the first runs: index and records

    @property
    def commands(self) -> list[Command]:
        return [command for _, idlib, jq in self.queries for command in (idlib, jq)] + \
            self.duckdb


def scale(bench: Bench, family: Sequence[str], size: int) -> Scale:
    path = store_file(size, bench.python)
    actor = jq_actor(family)
    period = f'overlaps("{SINCE_DAY}"; "{UNTIL_DAY}")'
    word = f'has_word("{KEYWORD}")'
    cases = [
        ("actor", ["--actor", ACTOR], actor),
        ("date range", ["--since", SINCE, "--until", UNTIL], period),
        ("keyword", ["--keyword", KEYWORD], word),
        ("combined", ["--actor", ACTOR, "--since", SINCE, "--until", UNTIL, "--keyword", KEYWORD],
         f"{actor} and {period} and {word}"),
    ]
    queries = [(name,
                Command(f"idlib {name}", (bench.idlib, "events", "--no-builtin", "--data",
                                          str(path), *options, "--json"), fresh=True),
                Command(f"jq {name}", (bench.jq, jq_select(where), str(path)), reference=True))
               for name, options, where in cases]
    duck = {"--actor": ",".join(family), "--since": SINCE_DAY, "--until": UNTIL_DAY,
            "--keyword": KEYWORD}
    duckdb = [Command(f"duckdb {name}", (bench.duckdb, str(HERE / "duckdb_query.py"), str(path),
                                         *(item for option in options if option in duck
                                           for item in (option, duck[option]))),
                      reference=True)
              for name, options, _ in cases] if bench.duckdb else []
    return Scale(path, size, path.stat().st_size, queries, duckdb)


def agree(result: Scale) -> bool | None:
    """Whether idlib and jq selected as many events for every query; None if unknown."""
    pairs = [(idlib.records, jq.records) for _, idlib, jq in result.queries]
    if any(a is not None and b is not None and a != b for a, b in pairs):
        return False
    return None if any(a is None or b is None for a, b in pairs) else True


def scale_tables(bench: Bench, results: Sequence[Scale]) -> list[str]:
    rows = []
    for result in results:
        for name, idlib, jq in result.queries:
            found = "–" if idlib.records is None else str(idlib.records)
            if idlib.records != jq.records:
                jq_found = "–" if jq.records is None else str(jq.records)
                found += f" (**jq: {jq_found}**)" if None not in (idlib.records, jq.records) \
                    else f" (jq: {jq_found})"
            rows.append([f"{result.size:,}", name, bench.first_cell(idlib),
                         bench.first_rss(idlib), bench.median_cell(idlib), spread(idlib),
                         bench.rss(idlib.rss_kib), bench.median_cell(jq), spread(jq),
                         bench.rss(jq.rss_kib), times(ratio(idlib, jq)), found])
    growth = []
    for result in results:
        idlibs = [idlib for _, idlib, _ in result.queries]
        medians = [c.median for c in idlibs if c.median is not None]
        firsts = [c.first.seconds for c in idlibs if c.first and not c.first.failure]
        first_rss = [c.first_rss_kib for c in idlibs
                     if c.first_rss_kib is not None and c.first and not c.first.failure]
        rss = [c.rss_kib for c in idlibs if c.rss_kib is not None]
        jq_rss = [jq.rss_kib for _, _, jq in result.queries if jq.rss_kib is not None]
        peak = max(first_rss + rss) if first_rss or rss else None
        complete = len(medians) == len(idlibs)
        growth.append([
            f"{result.size:,}", f"{result.file_bytes / 1024**2:.1f} MiB",
            f"{result.cache_bytes / 1024**2:.1f} MiB "
            f"({result.cache_bytes / result.file_bytes:.2f}×)" if result.cache_bytes else "–",
            seconds(max(firsts)) if len(firsts) == len(idlibs) else "timeout/error",
            bench.rss(max(first_rss)) if first_rss else "–",
            seconds(max(medians)) if complete else "timeout/error",
            f"{max(medians) / result.size * 1e6:.2f} µs" if complete else "–",
            bench.rss(max(rss)) if rss else "–",
            f"{peak * 1024 / result.file_bytes:.2f}×" if peak else "–",
            bench.rss(max(jq_rss)) if jq_rss else "–",
            {True: "yes", False: "**no**", None: "–"}[agree(result)],
        ])
    return [
        "## Scale: generated stores, `idlib events --no-builtin --data FILE … --json` vs jq",
        "",
        table(["events", "query", "prepare (first run)", "prepare RSS", "idlib median",
               "idlib min – max", "idlib RSS", "jq median", "jq min – max", "jq RSS",
               "idlib ÷ jq", "results"], rows),
        "",
        "## Growth",
        "",
        table(["events", "file", "cache (÷ file)", "slowest prepare", "prepare RSS",
               "slowest query (median)", "per event", "query RSS", "peak RSS ÷ file", "jq RSS",
               "same results as jq"], growth),
        *first_query_table(bench, results),
    ]


def first_query_table(bench: Bench, results: Sequence[Scale]) -> list[str]:
    """idlib's first query on a new file (it prepares the index) against DuckDB's one-shot
    query of the same file (read_json each time: every DuckDB run is a first query)."""
    rows = []
    for result in results:
        if not result.duckdb:
            continue
        for (name, idlib, _), duck in zip(result.queries, result.duckdb, strict=True):
            first = idlib.first.seconds if idlib.first and not idlib.first.failure else None
            found = "–" if duck.records is None else str(duck.records)
            if duck.records is not None and duck.records != idlib.records:
                found = f"**{found}** (idlib: {idlib.records})"
            rows.append([f"{result.size:,}", name, bench.first_cell(idlib),
                         bench.median_cell(duck), spread(duck), bench.rss(duck.rss_kib),
                         times(first / duck.median if first and duck.median else None), found])
    if not rows:
        return []
    return ["", "## First query: idlib (preparing its index) vs DuckDB (`read_json`, one-shot)",
            "", table(["events", "query", "idlib first run", "DuckDB median", "DuckDB min – max",
                       "DuckDB RSS", "idlib first ÷ DuckDB", "DuckDB results"], rows)]


def scale_verdict(result: Scale | None, value: float | None, limit: float,
                  on_timeout: str = "**missed**: idlib timed out") -> str:
    if result is None:
        return "not measured"
    if agree(result) is False:
        return "**invalid**: idlib and jq selected different events"
    failures = {idlib.failure for _, idlib, _ in result.queries if idlib.failure}
    if "timeout" in failures:
        return on_timeout
    if failures:
        return "not measured: idlib failed"
    return verdict(value, limit)


def targets_table(start: Startup | None, results: Sequence[Scale]) -> list[str]:
    by_size = {result.size: result for result in results}
    as_json = start.json_ratio if start else None
    as_table = start.table_ratio if start else None
    rows = [
        ["built-in store: `--json` ≤ 4× `python -c pass`", times(as_json), verdict(as_json, 4.0)],
        ["built-in store: `--table` ≤ 8× `python -c pass`", times(as_table),
         verdict(as_table, 8.0)],
    ]
    worst: float | None = None
    result = by_size.get(100000)
    if result is not None:
        ratios = [ratio(idlib, jq) for _, idlib, jq in result.queries]
        worst = max(r for r in ratios if r is not None) if None not in ratios else None
    rows.append(["10^5 events: every query ≤ 0.5× jq", f"{times(worst)} (worst query)",
                 scale_verdict(result, worst, 0.5)])
    slowest: float | None = None
    memory: float | None = None
    result = by_size.get(1000000)
    if result is not None:
        medians = [idlib.median for _, idlib, _ in result.queries]
        slowest = max(m for m in medians if m is not None) if None not in medians else None
        rss = [r for _, idlib, _ in result.queries for r in (idlib.first_rss_kib, idlib.rss_kib)]
        if None not in rss and not any(idlib.failure for _, idlib, _ in result.queries):
            memory = max(r for r in rss if r is not None) * 1024 / result.file_bytes
    rows.append(["10^6 events: every query ≤ 1 s after the preparation",
                 f"{seconds(slowest)} (slowest query)", scale_verdict(result, slowest, 1.0)])
    rows.append(["10^6 events: peak memory ≤ 1.5× file size (preparation included)",
                 times(memory),
                 scale_verdict(result, memory, 1.5, "not measured: idlib timed out")])
    return ["## Targets", "", table(["target", "measured", "verdict"], rows)]


def errors(commands: Iterable[Command]) -> list[str]:
    lines = []
    for command in commands:
        sample = next((s for s in (command.first, *command.samples)
                       if s and s.failure and s.failure != "timeout"), None)
        if sample is not None:
            last = sample.stderr.splitlines()[-1] if sample.stderr else "(no stderr)"
            lines.append(f"- {command.label}: {sample.failure}: {last[:300]}")
    return ["## Errors", "", *lines, ""] if lines else []


# --- main ---------------------------------------------------------------------------------------


def version(argv: Sequence[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unknown ({error})"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if lines else "unknown"


def duckdb_version(python: str | None) -> str:
    if python is None:
        return ""
    return "DuckDB " + version([python, "-c", "import duckdb; print(duckdb.__version__)"]) + "; "


def source_state() -> str:
    """The commit measured, and whether src/ or data/ had uncommitted changes."""
    git = ["git", "-C", str(ROOT)]
    try:
        commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()
        changes = subprocess.run([*git, "status", "--porcelain", "--", "src", "data"],
                                 capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return f"commit {commit}" + (" + uncommitted changes in src/ or data/" if changes else "")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true",
                        help=f"sizes {','.join(map(str, QUICK_SIZES))} and 5 runs")
    parser.add_argument("--sizes", help="comma-separated store sizes, e.g. 1000,1e4,100000 "
                                        f"(default {','.join(map(str, FULL_SIZES))}); "
                                        "0 to skip the scale case")
    parser.add_argument("--runs", type=int, help="timed runs per command (default 10; 5 quick)")
    parser.add_argument("--reference-runs", type=int,
                        help="timed runs of jq at most (default: --runs); idlib still gets --runs")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds before a command is killed and recorded as a timeout")
    parser.add_argument("--prepare-timeout", type=float,
                        help="the same for first runs, which may prepare (default: --timeout)")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up case")
    parser.add_argument("--idlib", default=str(VENV / "idlib"))
    parser.add_argument("--python", default=str(VENV / "python"))
    parser.add_argument("--jq", default=shutil.which("jq") or "jq")
    parser.add_argument("--duckdb", metavar="PYTHON",
                        help="the interpreter that runs duckdb_query.py (default: --python, if "
                             "it can import duckdb)")
    parser.add_argument("--no-duckdb", action="store_true", help="skip the DuckDB comparison")
    args = parser.parse_args(argv)
    if args.sizes:
        args.sizes = [n for n in (int(float(s)) for s in args.sizes.split(",") if s.strip()) if n]
    else:
        args.sizes = list(QUICK_SIZES if args.quick else FULL_SIZES)
    args.runs = args.runs or (5 if args.quick else 10)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.reference_runs is not None and args.reference_runs < 1:
        parser.error("--reference-runs must be at least 1")
    return args


def duckdb_python(args: argparse.Namespace) -> str | None:
    """The interpreter for duckdb_query.py, if DuckDB is wanted and that one can import it."""
    if args.no_duckdb or not args.sizes:
        return None
    python: str = args.duckdb or args.python
    found = subprocess.run([python, "-c", "import duckdb; print(duckdb.__version__)"],
                           capture_output=True, text=True, check=False)
    if found.returncode != 0:
        note(f"DuckDB skipped: {python} can't import duckdb (pip install duckdb)")
        return None
    note(f"DuckDB {found.stdout.strip()} (run by {python})")
    return python


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.perf_counter()
    bench = Bench(args.idlib, args.python, args.jq, args.runs,
                  min(args.reference_runs or args.runs, args.runs), args.timeout,
                  args.prepare_timeout or args.timeout, Spawner(), duckdb_python(args))
    family = actor_family(ACTOR)
    start = None if args.no_startup else startup(bench, family)
    results: list[Scale] = []
    interrupted = False
    signal.signal(signal.SIGTERM, stop)
    try:
        bench.floor_kib = bench.spawner.run([shutil.which("true") or "/bin/true"], 10).rss_kib
        if start is not None:
            note("start-up: built-in store")
            bench.measure(start.commands)
        for size in args.sizes:
            result = scale(bench, family, size)
            results.append(result)
            note(f"scale: {size} events ({result.file_bytes / 1024**2:.1f} MiB)")
            warm(result.path)
            bench.measure(result.commands)
            result.cache_bytes = bench.cache_bytes
    except KeyboardInterrupt:
        interrupted = True
        note("interrupted: reporting what was measured so far")
    finally:
        bench.spawner.close(stop=interrupted)
    lines = [
        "# idlib benchmarks",
        "",
        f"- {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; {platform.platform()}; "
        f"{os.cpu_count()} CPUs",
        f"- {version([args.idlib, '--version'])}; {version([args.python, '--version'])}; "
        f"{version([args.jq, '--version'])}; {duckdb_version(bench.duckdb)}{source_state()}",
        f"- {args.runs} timed runs per command ({bench.reference_runs} for jq) after one first "
        "run timed apart; the commands "
        f"of a case run in turns; timeout {bench.timeout:g} s per command "
        f"({bench.prepare_timeout:g} s for first runs)",
        f"- `--actor {ACTOR}` selects {', '.join(family)}; jq is given the same ids",
        f"- RSS floor {bench.floor_kib / 1024:.1f} MiB: a child's ru_maxrss is never below the "
        "spawning process's own peak (here: a bare Python process)",
        "",
    ]
    commands: list[Command] = []
    if start is not None:
        lines += [*startup_table(bench, start), ""]
        commands += start.commands
    if results:
        lines += [*scale_tables(bench, results), ""]
        commands += [c for r in results for c in r.commands]
    lines += [*targets_table(start, results), ""]
    lines += errors(commands)
    if interrupted:
        lines.append("**Interrupted**: the last case is incomplete.\n")
    lines.append(f"Total time: {time.perf_counter() - began:.0f} s")
    print("\n".join(lines))
    return 130 if interrupted else 0


def stop(signum: int, frame: FrameType | None) -> None:
    """SIGTERM: stop as Ctrl-C does, so that the report is still printed."""
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
