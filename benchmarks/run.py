"""Benchmark idlib against bare Python and jq; print the results as Markdown tables.

    python benchmarks/run.py [--quick] [--sizes 1000,10000,...] [--runs 10] [--timeout 120]
                             [--idlib PATH] [--python PATH] [--jq PATH]

Every command runs as a child process with stdout to /dev/null, timed with time.perf_counter;
its peak RSS is the ru_maxrss that os.wait4 reports for it. The commands of a case are run
in turns (a, b, c, a, b, c, ...), so that their ratios come from the same conditions.
Progress goes to stderr; the tables go to stdout. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BUILTIN = ROOT / "data" / "events.json"
CACHE = HERE / "out"
VENV = ROOT / ".venv" / "bin"

QUICK_SIZES = (1000, 10000)
FULL_SIZES = (1000, 10000, 100000)
ACTOR = "turkey"
SINCE, UNTIL = "2020-02", "2020-03"
SINCE_DAY, UNTIL_DAY = "2020-02-01", "2020-04-01"  # the same period as [first day, end)
KEYWORD = "ceasefire"

# jq's half of the comparison. `lo` and `hi` turn an EDTF date ("2020-03-05", "2020-03",
# "2019", "2019-21".."2019-24", "A/B", with "~") into its first day and a string that sorts
# at or after its last day, so a string comparison tells whether the event overlaps
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
def has_word($word): [.title, .summary, (.location.name // ""), (.tags // [])[]]
  | join(" ") | ascii_downcase | contains($word);
"""


# --- running one command ------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    seconds: float
    rss_kib: int
    failure: str | None = None  # "timeout" or "exit N"; None when the command succeeded
    stderr: str = ""


class Spawner:
    """spawner.py, a lean process that runs each command: see there for why."""

    def __init__(self) -> None:
        self.scratch = tempfile.TemporaryDirectory(prefix="idlib-bench-")
        self.stderr = Path(self.scratch.name) / "stderr"
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-S", str(HERE / "spawner.py")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def run(self, argv: Sequence[str], timeout: float, output: Path | None = None) -> Sample:
        """Run argv once, stdout to /dev/null (or to `output`), and measure it."""
        assert self.process.stdin is not None and self.process.stdout is not None
        job = {"argv": list(argv), "stdout": str(output or os.devnull),
               "stderr": str(self.stderr), "timeout": timeout}
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        reply = json.loads(self.process.stdout.readline())
        stderr = reply.get("error") or self.stderr.read_text("utf-8", "replace").strip()
        failure = None
        if reply["timed_out"]:
            failure = "timeout"
        elif reply["status"] != 0:
            failure = f"exit {reply['status']}"
        return Sample(reply["seconds"], reply["maxrss_kib"], failure, stderr)

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait()
        self.scratch.cleanup()


def count_records(path: Path) -> int:
    """Top-level objects in a JSON array printed with indent 2 (idlib --json and jq both do)."""
    marker, count, tail = b"\n  {\n", 0, b""
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            count += data.count(marker)
            tail = data[-(len(marker) - 1):]
    return count


# --- a case: commands measured side by side -----------------------------------------------------


@dataclass
class Command:
    label: str
    argv: tuple[str, ...]
    check: bool = True  # count the records of its first run (JSON output only)
    first: Sample | None = None
    samples: list[Sample] = field(default_factory=list)
    records: int | None = None

    @property
    def failure(self) -> str | None:
        for sample in (self.first, *self.samples):
            if sample is not None and sample.failure:
                return sample.failure
        return None

    @property
    def times(self) -> list[float]:
        return [sample.seconds for sample in self.samples]

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.samples and not self.failure else None

    @property
    def rss_kib(self) -> int | None:
        rss = [s.rss_kib for s in (self.first, *self.samples) if s is not None and not s.failure]
        return max(rss) if rss else None


def measure(spawner: Spawner, commands: Sequence[Command], runs: int, timeout: float) -> None:
    """One untimed first run of each command (kept as `first`), then `runs` runs in turns."""
    with tempfile.TemporaryDirectory(prefix="idlib-bench-") as scratch:
        for index, command in enumerate(commands):
            output = Path(scratch) / f"{index}.json" if command.check else None
            note(f"  first run: {command.label}")
            command.first = spawner.run(command.argv, timeout, output)
            if output is not None and not command.first.failure:
                command.records = count_records(output)
                output.unlink()
    for run in range(runs):
        note(f"  run {run + 1}/{runs}")
        for command in commands:
            if command.failure is None:
                command.samples.append(spawner.run(command.argv, timeout))


# --- formatting ---------------------------------------------------------------------------------


def seconds_text(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def mib(kib: int | None) -> str:
    return "–" if kib is None else f"{kib / 1024:.1f} MiB"


def ratio_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def ratio(a: Command, b: Command) -> float | None:
    return a.median / b.median if a.median is not None and b.median else None


def median_cell(command: Command, timeout: float) -> str:
    if command.failure == "timeout":
        return f"timeout (> {timeout:g} s)"
    if command.failure:
        return f"error ({command.failure})"
    return seconds_text(command.median)


def spread(command: Command) -> str:
    if command.failure or not command.samples:
        return "–"
    return f"{seconds_text(min(command.times))} – {seconds_text(max(command.times))}"


def first_cell(command: Command, timeout: float) -> str:
    if command.first is None:
        return "–"
    if command.first.failure == "timeout":
        return f"timeout (> {timeout:g} s)"
    if command.first.failure:
        return f"error ({command.first.failure})"
    return seconds_text(command.first.seconds)


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def verdict(value: float | None, limit: float) -> str:
    if value is None:
        return "not measured"
    return "met" if value <= limit else "**missed**"


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the store ----------------------------------------------------------------------------------


def actor_family(actor_id: str) -> list[str]:
    """The actor and its descendants, as `--actor` selects them (from the built-in store)."""
    actors = json.loads(BUILTIN.read_text(encoding="utf-8"))["actors"]
    children: dict[str, list[str]] = {}
    for actor in actors:
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
    actors = json.loads(BUILTIN.read_text(encoding="utf-8"))["actors"]
    key = hashlib.sha256(json.dumps(actors, sort_keys=True).encode()
                         + (HERE / "generate.py").read_bytes()).hexdigest()[:10]
    path = CACHE / f"events-{size}-{key}.json"
    if not path.exists():
        note(f"generating {path.relative_to(ROOT)} ...")
        start = time.perf_counter()
        subprocess.run([python, str(HERE / "generate.py"), str(size), str(path)], check=True)
        note(f"  done in {time.perf_counter() - start:.1f} s")
    return path


# --- the cases ----------------------------------------------------------------------------------


def jq_program(where: str) -> str:
    return f"{JQ_DEFS}\n[.events[] | select({where})]"


def jq_actor(family: Sequence[str]) -> str:
    return "any(.actors[]; " + " or ".join(f".id == {json.dumps(i)}" for i in family) + ")"


@dataclass
class StartupResult:
    lines: list[str]
    commands: list[Command]
    json_ratio: float | None
    table_ratio: float | None


def startup(args: argparse.Namespace, family: list[str]) -> StartupResult:
    python = Command("`python -c pass`", (args.python, "-c", "pass"), check=False)
    as_json = Command("`idlib events --actor turkey --json`",
                      (args.idlib, "events", "--actor", ACTOR, "--json"))
    as_table = Command("`idlib events --actor turkey --table`",
                       (args.idlib, "events", "--actor", ACTOR, "--table"), check=False)
    jq = Command("`jq` (same select)", (args.jq, jq_program(jq_actor(family)), str(BUILTIN)))
    note("start-up: built-in store")
    commands = [python, as_json, as_table, jq]
    measure(commands, args.runs, args.timeout)
    targets = {as_json.label: 4.0, as_table.label: 8.0}
    rows = []
    for command in commands:
        limit = targets.get(command.label)
        to_python = ratio(command, python)
        target = f"≤ {limit:g}× python: {verdict(to_python, limit)}" if limit else ""
        rows.append([command.label, first_cell(command, args.timeout),
                     median_cell(command, args.timeout), spread(command),
                     mib(command.rss_kib), ratio_text(to_python), ratio_text(ratio(command, jq)),
                     "–" if command.records is None else str(command.records), target])
    size = BUILTIN.stat().st_size
    lines = [
        f"## Start-up: built-in store ({size / 1024:.0f} KiB)",
        "",
        table(["command", "first run", "median", "min – max", "peak RSS", "÷ python",
               "÷ jq", "results", "target"], rows),
    ]
    return StartupResult(lines, commands, ratio(as_json, python), ratio(as_table, python))


@dataclass
class SizeResult:
    size: int
    file_bytes: int
    pairs: list[tuple[str, Command, Command]]  # (query, idlib, jq)


def scale(args: argparse.Namespace, family: list[str], size: int) -> SizeResult:
    path = store_file(size, args.python)
    actor = jq_actor(family)
    period = f'overlaps("{SINCE_DAY}"; "{UNTIL_DAY}")'
    word = f'has_word("{KEYWORD}")'
    queries = [
        ("actor", ["--actor", ACTOR], actor),
        ("date range", ["--since", SINCE, "--until", UNTIL], period),
        ("keyword", ["--keyword", KEYWORD], word),
        ("combined", ["--actor", ACTOR, "--since", SINCE, "--until", UNTIL, "--keyword", KEYWORD],
         f"{actor} and {period} and {word}"),
    ]
    pairs = []
    for name, options, where in queries:
        idlib = Command(f"idlib {name}", (args.idlib, "events", "--no-builtin", "--data",
                                          str(path), *options, "--json"))
        jq = Command(f"jq {name}", (args.jq, jq_program(where), str(path)))
        pairs.append((name, idlib, jq))
    note(f"scale: {size} events ({path.stat().st_size / 1024**2:.1f} MiB)")
    measure([command for _, idlib, jq in pairs for command in (idlib, jq)], args.runs,
            args.timeout)
    return SizeResult(size, path.stat().st_size, pairs)


def scale_tables(results: Sequence[SizeResult], timeout: float) -> list[str]:
    rows = []
    for result in results:
        for name, idlib, jq in result.pairs:
            found = "–" if idlib.records is None else str(idlib.records)
            if idlib.records is not None and jq.records is not None \
                    and idlib.records != jq.records:
                found += f" (**jq: {jq.records}**)"
            rows.append([f"{result.size:,}", name, first_cell(idlib, timeout),
                         median_cell(idlib, timeout), spread(idlib), mib(idlib.rss_kib),
                         median_cell(jq, timeout), spread(jq), mib(jq.rss_kib),
                         ratio_text(ratio(idlib, jq)), found])
    growth = []
    for result in results:
        idlibs = [idlib for _, idlib, _ in result.pairs]
        medians = [c.median for c in idlibs if c.median is not None]
        firsts = [c.first.seconds for c in idlibs if c.first and not c.first.failure]
        rss = [c.rss_kib for c in idlibs if c.rss_kib is not None]
        jq_rss = [jq.rss_kib for _, _, jq in result.pairs if jq.rss_kib is not None]
        slowest = max(medians) if len(medians) == len(idlibs) else None
        growth.append([
            f"{result.size:,}", f"{result.file_bytes / 1024**2:.1f} MiB",
            seconds_text(max(firsts)) if len(firsts) == len(idlibs) else "timeout/error",
            seconds_text(slowest) if slowest is not None else "timeout/error",
            f"{slowest / result.size * 1e6:.1f} µs" if slowest is not None else "–",
            mib(max(rss)) if rss else "–",
            f"{max(rss) * 1024 / result.file_bytes:.2f}×" if rss else "–",
            mib(max(jq_rss)) if jq_rss else "–",
        ])
    return [
        "## Scale: generated stores, `--no-builtin --data FILE --json`, versus jq",
        "",
        table(["events", "query", "prepare (first run)", "idlib median", "idlib min – max",
               "idlib peak RSS", "jq median", "jq min – max", "jq peak RSS", "idlib ÷ jq",
               "results"], rows),
        "",
        "## Growth",
        "",
        table(["events", "file", "slowest prepare", "slowest query (median)",
               "per event", "idlib peak RSS", "RSS ÷ file", "jq peak RSS"], growth),
    ]


def target_table(start: StartupResult | None, results: Sequence[SizeResult]) -> list[str]:
    by_size = {result.size: result for result in results}
    rows = []
    json_ratio = start.json_ratio if start else None
    table_ratio = start.table_ratio if start else None
    for value, label, limit in (
            (json_ratio, "built-in store, `--json` ≤ 4× `python -c pass`", 4.0),
            (table_ratio, "built-in store, `--table` ≤ 8× `python -c pass`", 8.0)):
        rows.append([label, ratio_text(value), verdict(value, limit)])
    worst: float | None = None
    if 100000 in by_size:
        ratios = [ratio(idlib, jq) for _, idlib, jq in by_size[100000].pairs]
        worst = None if None in ratios else max(r for r in ratios if r is not None)
    rows.append(["10^5 events: every query ≤ 0.5× jq", ratio_text(worst) + " (worst)",
                 verdict(worst, 0.5)])
    slowest: float | None = None
    memory: float | None = None
    if 1000000 in by_size:
        result = by_size[1000000]
        medians = [idlib.median for _, idlib, _ in result.pairs]
        slowest = None if None in medians else max(m for m in medians if m is not None)
        rss = [idlib.rss_kib for _, idlib, _ in result.pairs]
        if None not in rss:
            memory = max(r for r in rss if r is not None) * 1024 / result.file_bytes
    rows.append(["10^6 events: every query ≤ 1 s after preparation",
                 seconds_text(slowest) + " (slowest)", verdict(slowest, 1.0)])
    rows.append(["10^6 events: peak memory ≤ 1.5× file size",
                 ratio_text(memory), verdict(memory, 1.5)])
    return ["## Targets", "", table(["target", "measured", "verdict"], rows)]


def failures(commands: Iterable[Command]) -> list[str]:
    lines = []
    for command in commands:
        for sample in (command.first, *command.samples):
            if sample is not None and sample.failure and sample.failure != "timeout":
                last = sample.stderr.splitlines()[-1] if sample.stderr else "(no stderr)"
                lines.append(f"- {command.label}: {sample.failure}: {last[:300]}")
                break
    return ["## Errors", "", *lines] if lines else []


# --- main ---------------------------------------------------------------------------------------


def version(argv: Sequence[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unknown ({error})"
    return (done.stdout or done.stderr).strip().splitlines()[0] if done.stdout or done.stderr \
        else "unknown"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true",
                        help=f"sizes {','.join(map(str, QUICK_SIZES))} and 5 runs")
    parser.add_argument("--sizes", help="comma-separated store sizes, e.g. 1000,1e4,100000 "
                                        f"(default {','.join(map(str, FULL_SIZES))})")
    parser.add_argument("--runs", type=int, help="timed runs per command (default 10; 5 quick)")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds before a command is killed and recorded as a timeout")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up case")
    parser.add_argument("--idlib", default=str(VENV / "idlib"))
    parser.add_argument("--python", default=str(VENV / "python"))
    parser.add_argument("--jq", default=shutil.which("jq") or "jq")
    args = parser.parse_args(argv)
    if args.sizes:
        args.size_list = [int(float(s)) for s in args.sizes.split(",") if s.strip()]
    else:
        args.size_list = list(QUICK_SIZES if args.quick else FULL_SIZES)
    args.runs = args.runs or (5 if args.quick else 10)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.perf_counter()
    family = actor_family(ACTOR)
    floor = spawn([shutil.which("true") or "/bin/true"], args.timeout).rss_kib
    lines = [
        "# idlib benchmarks",
        "",
        f"- {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.platform()}, "
        f"{os.cpu_count()} CPUs",
        f"- {version([args.idlib, '--version'])}; Python {version([args.python, '--version'])}; "
        f"{version([args.jq, '--version'])}",
        f"- {args.runs} timed runs per command after one untimed first run; commands of a case "
        f"alternate; timeout {args.timeout:g} s",
        f"- `--actor {ACTOR}` selects {', '.join(family)}",
        f"- RSS floor: `true` spawned by this harness reports {mib(floor)} "
        "(Linux counts the spawning process's memory in a child's ru_maxrss)",
        "",
    ]
    commands: list[Command] = []
    start = None if args.no_startup else startup(args, family)
    if start is not None:
        lines += [*start.lines, ""]
        commands += start.commands
    results = [scale(args, family, size) for size in args.size_list]
    commands += [c for result in results for _, idlib, jq in result.pairs for c in (idlib, jq)]
    if results:
        lines += [*scale_tables(results, args.timeout), ""]
    lines += [*target_table(start, results), ""]
    lines += failures(commands)
    lines.append(f"Total time: {time.perf_counter() - began:.0f} s")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
