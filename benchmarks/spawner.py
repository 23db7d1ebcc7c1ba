"""Run commands for run.py and report their wall time and peak memory. Standard library only.

Why a separate process: on Linux a child's ru_maxrss starts at the peak RSS of the process
that spawned it (exec counts the memory the child had before it, which is the parent's).
A harness that has imported a few modules and read some JSON would put a floor of 20 MiB or
more under every measurement. This process imports next to nothing (start it with
`python -I -S`), so the floor is the size of a bare interpreter, about 10 MiB.

Protocol, one JSON value per line: run.py writes
    {"argv": [...], "stdout": PATH, "stderr": PATH, "timeout": SECONDS, "env": {NAME: VALUE}}
and reads back
    {"seconds": FLOAT, "maxrss_kib": INT, "status": EXIT_CODE, "timed_out": BOOL}
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from types import FrameType
from typing import Any

_running: list[int] = []  # the pid being waited for, while it runs
_killed: list[int] = []


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    for pid in _running:
        _killed.append(pid)
        os.kill(pid, signal.SIGKILL)


def _on_stop(signum: int, frame: FrameType | None) -> None:
    """SIGTERM or SIGINT: take the running command down too, then leave quietly."""
    for pid in _running:
        os.kill(pid, signal.SIGKILL)
    os._exit(128 + signum)


def run(job: dict[str, Any]) -> dict[str, Any]:
    argv: list[str] = job["argv"]
    create = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, job["stdout"], create, 0o644),
        (os.POSIX_SPAWN_OPEN, 2, job["stderr"], create, 0o644),
    ]
    _killed.clear()
    env = {**os.environ, **job.get("env", {})}
    start = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, env, file_actions=actions)
    _running.append(pid)
    signal.setitimer(signal.ITIMER_REAL, float(job["timeout"]))
    try:
        _, status, usage = os.wait4(pid, 0)  # retried by Python if the alarm interrupts it
    finally:
        _running.clear()
        signal.setitimer(signal.ITIMER_REAL, 0)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "maxrss_kib": usage.ru_maxrss,
            "status": os.waitstatus_to_exitcode(status), "timed_out": pid in _killed}


def main() -> int:
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.signal(signal.SIGTERM, _on_stop)
    signal.signal(signal.SIGINT, _on_stop)
    for line in sys.stdin:
        try:
            reply = run(json.loads(line))
        except OSError as error:  # e.g. the command does not exist
            reply = {"seconds": 0.0, "maxrss_kib": 0, "status": 127, "timed_out": False,
                     "error": str(error)}
        print(json.dumps(reply), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
