"""The records file: every event's output JSON once, in row-id (chronological) order, then an
aligned table of where each record starts. Printing half a million records is then slicing and
joining bytes of a mapped file, not fetching rows or building objects.

Layout: magic, an 8-byte build token (which index it belongs to), the records, padding to 8
bytes, and `count + 1` little 64-bit offsets.
"""

from __future__ import annotations

import contextlib
import mmap
import os
from array import array
from collections.abc import Iterator, Sequence
from typing import IO

MAGIC = b"IDLBREC2"
HEADER = len(MAGIC) + 8
BATCH = 8192  # records handed to the writer at a time
RELEASE = getattr(mmap, "MADV_DONTNEED", None)  # not on Windows


def records_path(target: str, token: str) -> str:
    """The records file that goes with the index at `target`, built by the build `token`."""
    return f"{target.removesuffix('.sqlite')}-{token}.records"


class Writer:
    """Appends records to a scratch file as the build goes, remembering where each one is."""

    def __init__(self, scratch: IO[bytes], token: str) -> None:
        self.scratch = scratch
        scratch.write(MAGIC + bytes.fromhex(token))
        self.written = scratch.tell()
        self.spans = array("Q")  # per row id: where its record starts, and its length

    def append(self, data: bytes) -> None:
        self.spans.extend(self.write(data))

    def write(self, data: bytes) -> tuple[int, int]:
        self.scratch.seek(self.written)
        self.scratch.write(data)
        self.written += len(data)
        return self.written - len(data), len(data)

    def placeholder(self) -> None:
        """A row whose record is written later (its actors or place come later in the files)."""
        self.spans.extend((0, 0))

    def fill(self, rowid: int, data: bytes) -> None:
        self.spans[2 * rowid - 2:2 * rowid] = array("Q", self.write(data))

    def seal(self, order: Sequence[int] | None, path: str) -> None:
        """Records in row-id order, then where each one starts.

        Usually the scratch file is already in row-id order and only gains the table of starts;
        a store out of date order (or with definitions after their events) is copied over.
        """
        spans, scratch = self.spans, self.scratch
        if order is None:
            starts = array("Q", spans[0::2])
            starts.append(self.written)
            out = scratch
        else:
            out = open(path + ".sorted", "wb")  # noqa: SIM115 - closed below
            scratch.seek(0)
            out.write(scratch.read(HEADER))
            starts = array("Q", [HEADER])
            for rowid in order:
                scratch.seek(spans[2 * rowid - 2])
                out.write(scratch.read(spans[2 * rowid - 1]))
                starts.append(starts[-1] + spans[2 * rowid - 1])
        out.seek(starts[-1])
        out.write(b"\0" * (-starts[-1] % 8))  # the table of starts is read in place: align it
        out.write(starts.tobytes())
        if out is not scratch:
            out.close()
            os.replace(path + ".sorted", path)


class Records:
    """The records file, mapped. Matching records are handed out as slices of the mapping."""

    def __init__(self, path: str, token: str, count: int) -> None:
        with open(path, "rb") as handle:
            self.map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        table = len(self.map) - 8 * (count + 1)
        if table < HEADER or self.map[:HEADER] != MAGIC + bytes.fromhex(token):
            raise ValueError("records file doesn't belong to this index")
        self.view = memoryview(self.map)
        self.starts = self.view[table:].cast("Q")
        if self.starts[0] != HEADER or not table - 8 < self.starts[count] <= table:
            raise ValueError("records file is damaged")
        if any(self.starts[i] > self.starts[i + 1] for i in range(0, count, max(1, count // 64))):
            raise ValueError("records file is damaged")
        self.count = count

    def get(self, rowid: int) -> bytes:
        return self.map[self.starts[rowid - 1]:self.starts[rowid]]

    def batches(self, rows: Sequence[int]) -> Iterator[list[memoryview]]:
        view, starts = self.view, self.starts
        for first in range(0, len(rows), BATCH):
            chosen = rows[first:first + BATCH]
            yield [view[starts[row - 1]:starts[row]] for row in chosen]
            self._release(starts[min(chosen) - 1], starts[max(chosen)])

    def _release(self, begin: int, end: int) -> None:
        """Unmap pages already written out. They stay in the page cache; without this, a
        broad query over a big store would count most of the file in its resident memory."""
        if RELEASE is not None:
            begin -= begin % mmap.PAGESIZE
            with contextlib.suppress(OSError, ValueError):
                self.map.madvise(RELEASE, begin, end - begin)
