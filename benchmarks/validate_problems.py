"""Time `idlib validate` on a big store with many problems (each one needs its line number).

    python benchmarks/validate_problems.py [--events N] [--problems P] [--runs R] [--idlib PATH]

Generates a valid store of N events with generate.py, gives P of them, spread evenly, one
problem each (an unknown field 'titel'), writes it indented as curators do, and times
`idlib validate --no-builtin` on it R times. Prints the size, the problems reported and the
median and range of the wall times. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def problem_store(events: int, problems: int, folder: Path, python: str) -> Path:
    valid = folder / "valid.json"
    subprocess.run([python, str(HERE / "generate.py"), str(events), str(valid)], check=True)
    document = json.loads(valid.read_text(encoding="utf-8"))
    step = max(1, len(document["events"]) // max(1, problems))
    for event in document["events"][::step][:problems]:
        event["titel"] = "a typo'd field"
    path = folder / "problems.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--problems", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--idlib", default=str(ROOT / ".venv" / "bin" / "idlib"))
    parser.add_argument("--python", default=str(ROOT / ".venv" / "bin" / "python"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="idlib-validate-") as folder:
        path = problem_store(args.events, args.problems, Path(folder), args.python)
        times: list[float] = []
        reported = 0
        for _ in range(args.runs):
            started = time.perf_counter()
            done = subprocess.run([args.idlib, "validate", "--no-builtin", str(path)],
                                  capture_output=True, text=True)
            times.append(time.perf_counter() - started)
            reported = sum(": $." in line for line in done.stdout.splitlines() +
                           done.stderr.splitlines())
        size = path.stat().st_size / 1024**2
        print(f"{args.events} events, {size:.1f} MiB, {reported} problems reported: "
              f"median {statistics.median(times):.2f} s "
              f"({min(times):.2f} - {max(times):.2f} s, {args.runs} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
