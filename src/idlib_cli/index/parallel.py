"""A build on two processes: making each event's texts and record is most of a build, and a
second core halves it.

Both processes read every file (reading is the cheap part); the events come in blocks, and
each block is made by one of them: the builder the user started, or a helper forked from it.
Where the other makes a block, a process only finds the events' ends (the other checks them).
The helper sends each block it makes (rows, texts, records, postings) through a pipe, and the
builder stores the blocks in row-id order, its own and the helper's, so that the index is the
same, byte for byte, as one made alone. Anything the helper can't do the way the builder would
(events out of date order, definitions given after their events, a disagreement with the
reference functions, an error) ends it, and the builder starts again alone.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

BLOCK = 5000  # events per block
HELPER_BLOCKS = (1,)  # of every PERIOD blocks, which the helper makes
PERIOD = 2
MIN_BYTES = 32 * 1024**2  # smaller stores are built alone: a fork and a pipe cost more
QUEUED = 2  # blocks the helper may make ahead of the builder (10 MB or so each)


class Alone(Exception):
    """The helper could not make its part: build on one process."""


def usable(total_bytes: int) -> bool:
    """Is a build on two processes worth it, and possible, here?"""
    if not hasattr(os, "fork") or total_bytes < MIN_BYTES:
        return False
    cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else range(
        os.cpu_count() or 1)
    return len(cpus) >= 2


class Share:
    """One process's part: which events it makes."""

    def __init__(self, helper: bool) -> None:
        self.helper = helper

    def mine(self, ordinal: int) -> bool:
        """Does this process make the event at `ordinal` (0, 1, … over all the files)?"""
        return ((ordinal // BLOCK) % PERIOD in HELPER_BLOCKS) == self.helper


class Helper:
    """The forked helper, seen from the builder: its blocks as they come, in order."""

    def __init__(self, work: Callable[[Connection], None],
                 failures: dict[str, Callable[[str], Exception]]) -> None:
        """Fork a helper that runs `work` with the sending end of a pipe, then exits.
        `failures`: what to raise, by name, when the helper reports an exception."""
        self.failures = failures
        reading, writing = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the helper: never returns into the builder's code
            status = 1
            try:
                os.close(reading)
                signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it with the builder
                work(Connection(writing, readable=False))
                status = 0
            finally:
                os._exit(status)
        os.close(writing)
        self.inbox: queue.Queue[Any] = queue.Queue(maxsize=QUEUED)
        self.connection = Connection(reading, writable=False)
        self.reader = threading.Thread(target=self._read, name="idlib-index-helper",
                                       daemon=True)
        self.reader.start()

    def _read(self) -> None:
        """Receive on a thread of its own, so that the helper is never held up sending."""
        try:
            while True:
                self.inbox.put(self.connection.recv())
        except (EOFError, OSError):
            self.inbox.put(("stopped",))

    def next_block(self) -> tuple[Any, ...]:
        """The helper's next block; raises what ended it instead, if something did."""
        message = self.inbox.get()
        if message[0] == "block":
            return tuple(message[1:])
        if message[0] == "failed":
            raise self.failures.get(message[1], Alone)(message[2])
        raise Alone("the helper stopped")

    def close(self) -> None:
        """End the helper (at once, if it is still making blocks) and wait for it."""
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.waitpid(self.pid, 0)
        while self.reader.is_alive():  # it sees the pipe's end; make room for its last word
            with contextlib.suppress(queue.Empty):
                self.inbox.get(timeout=0.05)
        self.connection.close()


def report(connection: Connection, error: BaseException) -> None:
    """Tell the builder what ended the helper (by the exception's name)."""
    with contextlib.suppress(OSError):
        connection.send(("failed", type(error).__name__, str(error)))
