"""The machinery of a build that has no say in what goes into the index: SQLite's work on a
thread of its own, progress counted once however often a build starts again, and a scratch
file that doesn't flush on every seek.
"""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Callable


class Background:
    """Long SQLite statements, on a thread of their own: SQLite lets go of the GIL while it
    works, so the word index takes one batch while Python makes the next. The caller waits
    for the job under way before it uses the connection itself; a job's error is raised to
    the caller at its next call."""

    def __init__(self) -> None:
        self.jobs: queue.Queue[Callable[[], None] | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._work, name="idlib-index-sql", daemon=True)
        self.thread.start()

    def _work(self) -> None:
        while (job := self.jobs.get()) is not None:
            if self.error is None:
                try:
                    job()
                except BaseException as error:  # handed to the builder
                    self.error = error
            self.jobs.task_done()
        self.jobs.task_done()

    def put(self, job: Callable[[], None]) -> None:
        self._raise()
        self.jobs.put(job)

    def wait(self) -> None:
        """Until every job is done."""
        self.jobs.join()
        self._raise()

    def stop(self) -> None:
        self.jobs.put(None)
        self.thread.join()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error


class Meter:
    """Progress in bytes read, counted once even when a build starts again."""

    def __init__(self, advance: Callable[[int], None] | None) -> None:
        self.advance, self.read, self.shown = advance, 0, 0

    def again(self) -> Meter:
        self.read = 0
        return self

    def __call__(self, size: int) -> None:
        self.read += size
        if self.advance is not None and self.read > self.shown:
            self.advance(self.read - self.shown)
            self.shown = self.read


class Scratch(io.BufferedRandom):
    """The records scratch file. Writer seeks before each write, and a buffered file empties
    its buffer on every seek, one system call per record; here a seek to where the file
    already is costs nothing."""

    def seek(self, offset: int, whence: int = 0, /) -> int:
        if whence == 0 and offset == self.tell():
            return offset
        return super().seek(offset, whence)
